//! Exports of the tracker graph, one module per format. Every format carries
//! the same attributes: entity, company, categories, reach and counts.

pub mod csv;
pub mod dot;
pub mod gexf;
pub mod graphml;
pub mod html;
pub mod json;

use std::fmt;
use std::str::FromStr;

use crate::graph::{Node, TrackerGraph};

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Telltale JSON: versioned and re-importable.
    Json,
    /// GEXF 1.3, for Gephi.
    Gexf,
    /// GraphML, for networkx, yEd, Cytoscape.
    Graphml,
    /// Graphviz DOT.
    Dot,
    /// nodes.csv and edges.csv, for spreadsheets.
    Csv,
}

impl Format {
    pub const ALL: [Format; 5] = [Format::Json, Format::Gexf, Format::Graphml, Format::Dot, Format::Csv];

    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Gexf => "gexf",
            Format::Graphml => "graphml",
            Format::Dot => "dot",
            Format::Csv => "csv",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::Gexf | Format::Graphml => "application/xml",
            Format::Dot => "text/vnd.graphviz",
            Format::Csv => "text/csv",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Format, String> {
        Format::ALL.into_iter().find(|f| f.name().eq_ignore_ascii_case(s)).ok_or_else(|| format!("unknown format {s:?}: expected one of json, gexf, graphml, dot, csv"))
    }
}

/// The files an export makes: (file name, contents). CSV makes two.
pub fn export(g: &TrackerGraph, format: Format) -> Vec<(String, String)> {
    match format {
        Format::Json => vec![("telltale-graph.json".into(), json::write(g))],
        Format::Gexf => vec![("telltale-graph.gexf".into(), gexf::write(g))],
        Format::Graphml => vec![("telltale-graph.graphml".into(), graphml::write(g))],
        Format::Dot => vec![("telltale-graph.dot".into(), dot::write(g))],
        Format::Csv => {
            let (nodes, edges) = csv::write(g);
            vec![("nodes.csv".into(), nodes), ("edges.csv".into(), edges)]
        }
    }
}

/// Text for an XML attribute value or element, well-formed whatever it holds:
/// markup characters escaped; TAB, LF and CR as character references (so
/// they survive attribute-value normalisation); and the characters XML 1.0
/// forbids (other C0 controls, U+FFFE, U+FFFF) written as the text `\u{..}`
/// with their code point in hex, as the CLI prints them.
pub(crate) fn xml_text(s: &str) -> std::borrow::Cow<'_, str> {
    // Most values need nothing: checked by byte (U+FFFE and U+FFFF start with 0xEF in UTF-8).
    let plain = |b: u8| b >= 0x20 && !matches!(b, b'&' | b'<' | b'>' | b'"' | b'\'' | 0xef);
    if s.bytes().all(plain) || !s.chars().any(|c| matches!(c, '&' | '<' | '>' | '"' | '\'' | '\u{fffe}' | '\u{ffff}') || (c as u32) < 0x20) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut o = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            '\t' => o.push_str("&#9;"),
            '\n' => o.push_str("&#10;"),
            '\r' => o.push_str("&#13;"),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => o.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => o.push(c),
        }
    }
    std::borrow::Cow::Owned(o)
}

/// Nodes in a stable order (by site), so exports of equal graphs are equal text.
pub(crate) fn sorted_nodes(g: &TrackerGraph) -> Vec<&Node> {
    let mut v: Vec<&Node> = g.nodes().collect();
    v.sort_by(|a, b| a.site.cmp(&b.site));
    v
}

/// Edges in a stable order.
pub(crate) fn sorted_edges(g: &TrackerGraph) -> Vec<(&crate::site::Site, &crate::site::Site, &crate::graph::Edge)> {
    let mut v: Vec<_> = g.edges().collect();
    v.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    v
}

/// The type of an attribute, named as each XML format names it.
#[derive(Clone, Copy)]
pub(crate) enum Kind {
    Str,
    Bool,
    Int,
    Long,
    Double,
}

impl Kind {
    pub(crate) fn gexf(self) -> &'static str {
        match self {
            Kind::Str => "string",
            Kind::Bool => "boolean",
            Kind::Int => "integer",
            Kind::Long => "long",
            Kind::Double => "double",
        }
    }

    pub(crate) fn graphml(self) -> &'static str {
        match self {
            Kind::Str => "string",
            Kind::Bool => "boolean",
            Kind::Int => "int",
            Kind::Long => "long",
            Kind::Double => "double",
        }
    }
}

/// Node attributes, in the order every flat or XML format writes them.
pub(crate) const NODE_FIELDS: [(&str, Kind); 15] = [
    ("entity", Kind::Str),
    ("company", Kind::Str),
    ("categories", Kind::Str),
    ("primary_category", Kind::Str),
    ("tracker", Kind::Bool),
    ("first_party", Kind::Bool),
    ("third_party", Kind::Bool),
    ("reach", Kind::Int),
    ("requests", Kind::Long),
    ("seen_on", Kind::Str),
    ("cookies", Kind::Str),
    ("first_seen", Kind::Double),
    ("last_seen", Kind::Double),
    // Added after the others, so that columns and attribute ids stay where they were.
    ("blocked", Kind::Long),
    ("evidence", Kind::Str),
];

pub(crate) fn node_values(n: &Node) -> [String; 15] {
    [
        n.entity.clone().unwrap_or_default(),
        n.company.clone().unwrap_or_default(),
        categories_cell(n),
        n.primary_category().to_owned(),
        n.tracker.to_string(),
        n.first_party.to_string(),
        n.third_party.to_string(),
        n.reach().to_string(),
        n.requests.to_string(),
        sites_cell(&n.seen_on),
        map_cell(&n.cookies),
        n.first_seen.to_string(),
        n.last_seen.to_string(),
        n.blocked.to_string(),
        // Lines joined with " | " (a line names a pack and its rule, or a heuristic).
        n.evidence.join(" | "),
    ]
}

/// Edge attributes, in order.
pub(crate) const EDGE_FIELDS: [(&str, Kind); 10] = [
    ("requests", Kind::Long),
    ("cookies_set", Kind::Long),
    ("cookies_sent", Kind::Long),
    ("redirects", Kind::Long),
    ("blocked", Kind::Long),
    ("resource_types", Kind::Str),
    ("first_seen", Kind::Double),
    ("last_seen", Kind::Double),
    // Added after the others. `relation` is `loads`, `syncs` (the source's
    // identifier cookie reached the target) or `loads;syncs`; `syncs` names
    // the cookies with counts.
    ("relation", Kind::Str),
    ("syncs", Kind::Str),
];

/// What an edge says: the source loaded the target, synced cookies with it, or both.
pub(crate) fn relation(e: &crate::graph::Edge) -> &'static str {
    let loads = e.requests > 0 || e.blocked > 0 || e.cookies_set > 0 || e.cookies_sent > 0 || e.redirects > 0;
    match (loads, e.syncs.is_empty()) {
        (true, false) => "loads;syncs",
        (false, false) => "syncs",
        _ => "loads",
    }
}

pub(crate) fn edge_values(e: &crate::graph::Edge) -> [String; 10] {
    [
        e.requests.to_string(),
        e.cookies_set.to_string(),
        e.cookies_sent.to_string(),
        e.redirects.to_string(),
        e.blocked.to_string(),
        map_cell(&e.resource_types),
        e.first_seen.to_string(),
        e.last_seen.to_string(),
        relation(e).to_owned(),
        map_cell(&e.syncs),
    ]
}

/// `a;b;c`: categories as one cell for flat formats.
pub(crate) fn categories_cell(n: &Node) -> String {
    n.categories.iter().map(|c| c.id()).collect::<Vec<_>>().join(";")
}

pub(crate) fn map_cell(m: &std::collections::BTreeMap<String, u64>) -> String {
    m.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(";")
}

pub(crate) fn sites_cell(s: &std::collections::BTreeSet<crate::site::Site>) -> String {
    s.iter().map(|x| x.as_str()).collect::<Vec<_>>().join(";")
}
