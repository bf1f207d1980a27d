//! Telltale JSON: the graph as `{format, version, nodes, edges}`. It is the
//! one format Telltale re-imports, so `import(write(g)) == g` holds.
//!
//! ```json
//! {"format": "telltale-graph", "version": 1, "directed": true, "multigraph": false,
//!  "nodes": [{"site": "hotjar.com", "first_party": false, "third_party": true, "tracker": true,
//!             "entity": "Hotjar", "company": "Hotjar", "categories": ["session-replay", "analytics"],
//!             "requests": 3, "reach": 2, "seen_on": ["a.example", "b.example"],
//!             "cookies": {"_hjid": 2}, "evidence": ["..."], "first_seen": 1.7e12, "last_seen": 1.7e12}],
//!  "edges": [{"source": "a.example", "target": "hotjar.com", "requests": 3, "cookies_set": 1,
//!             "cookies_sent": 0, "redirects": 0, "blocked": 0, "resource_types": {"script": 1},
//!             "first_seen": 1.7e12, "last_seen": 1.7e12}]}
//! ```
//! Times are milliseconds since the Unix epoch. `reach` is derived from
//! `seen_on` and ignored on import. The layout is networkx's node-link form
//! with `site` as the node key: `json_graph.node_link_graph(doc, name="site")`.

use serde::{Deserialize, Serialize};

use crate::error::InputError;
use crate::graph::{Edge, Node, TrackerGraph};
use crate::site::Site;

pub const FORMAT: &str = "telltale-graph";
pub const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct NodeOut {
    #[serde(flatten)]
    node: Node,
    #[serde(default)]
    reach: usize,
}

#[derive(Serialize, Deserialize)]
struct EdgeOut {
    source: Site,
    target: Site,
    #[serde(flatten)]
    edge: Edge,
}

#[derive(Serialize, Deserialize)]
struct Doc {
    format: String,
    version: u32,
    /// node-link keys, so `networkx.node_link_graph(doc, name="site")` reads it as is.
    #[serde(default = "yes")]
    directed: bool,
    #[serde(default)]
    multigraph: bool,
    nodes: Vec<NodeOut>,
    edges: Vec<EdgeOut>,
}

/// Writes the graph as Telltale JSON.
pub fn write(g: &TrackerGraph) -> String {
    serde_json::to_string_pretty(&doc(g)).expect("graph values serialise")
}

fn doc(g: &TrackerGraph) -> Doc {
    Doc {
        format: FORMAT.into(),
        version: VERSION,
        directed: true,
        multigraph: false,
        nodes: super::sorted_nodes(g).into_iter().map(|n| NodeOut { reach: n.reach(), node: n.clone() }).collect(),
        edges: super::sorted_edges(g)
            .into_iter()
            .map(|(a, b, e)| EdgeOut { source: a.clone(), target: b.clone(), edge: e.clone() })
            .collect(),
    }
}

/// Reads a Telltale JSON export. Errors say where and what was expected.
pub fn import(file: &str, text: &str) -> Result<TrackerGraph, InputError> {
    let doc: Doc = serde_json::from_str(text).map_err(|e| InputError::json(file, &e))?;
    from_doc(file, doc)
}

/// Reads the graph from a JSON value (inside a snapshot of version 1 or 2).
pub fn from_value(file: &str, v: serde_json::Value) -> Result<TrackerGraph, InputError> {
    let doc: Doc = serde_json::from_value(v).map_err(|e| InputError::whole(file, e.to_string()))?;
    from_doc(file, doc)
}

fn from_doc(file: &str, doc: Doc) -> Result<TrackerGraph, InputError> {
    if doc.format != FORMAT {
        return Err(InputError::whole(file, format!("format {:?} is not a Telltale graph: expected \"{FORMAT}\"", doc.format)));
    }
    if doc.version != VERSION {
        return Err(InputError::whole(file, format!("graph version {} is not supported: expected {VERSION}", doc.version)));
    }
    TrackerGraph::from_parts(
        doc.nodes.into_iter().map(|n| n.node).collect(),
        doc.edges.into_iter().map(|e| (e.source, e.target, e.edge)).collect(),
    )
    .map_err(|e| InputError::whole(file, e))
}

fn yes() -> bool {
    true
}

