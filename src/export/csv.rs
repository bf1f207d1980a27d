//! nodes.csv and edges.csv for spreadsheets; multi-valued cells use `;`.

use super::{edge_values, node_values, sorted_edges, sorted_nodes, EDGE_FIELDS, NODE_FIELDS};
use crate::graph::TrackerGraph;

/// Returns (nodes.csv, edges.csv).
pub fn write(g: &TrackerGraph) -> (String, String) {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(std::iter::once("site").chain(NODE_FIELDS.iter().map(|(k, _)| *k)));
    for n in sorted_nodes(g) {
        let _ = w.write_record(std::iter::once(n.site.to_string()).chain(node_values(n)));
    }
    let nodes = String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default();
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(["source", "target"].into_iter().chain(EDGE_FIELDS.iter().map(|(k, _)| *k)));
    for (a, b, e) in sorted_edges(g) {
        let _ = w.write_record([a.to_string(), b.to_string()].into_iter().chain(edge_values(e)));
    }
    let edges = String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default();
    (nodes, edges)
}
