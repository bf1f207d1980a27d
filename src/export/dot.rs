//! Graphviz DOT: first parties as boxes, trackers filled by category colour;
//! redirects dashed, edges whose every request was blocked dotted and grey,
//! cookie syncs red and labelled "syncs with".

use std::fmt::Write;

use super::{categories_cell, sorted_edges, sorted_nodes};
use crate::graph::TrackerGraph;

/// A DOT double-quoted string: backslashes and quotes escaped; control
/// characters (NUL included, which ends Graphviz's strings) written as the
/// text `\u{..}` with their code point in hex.
fn q(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            c if c.is_control() => o.push_str(&format!("\\\\u{{{:x}}}", c as u32)),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

pub fn write(g: &TrackerGraph) -> String {
    let mut o = String::from("digraph telltale {\n  graph [overlap=false, splines=true, label=\"Telltale tracker graph\"];\n  node [style=filled, fontname=\"Helvetica\"];\n");
    for n in sorted_nodes(g) {
        let shape = if n.first_party { "box" } else { "ellipse" };
        let _ = writeln!(
            o,
            "  {} [shape={shape}, fillcolor={}, entity={}, company={}, categories={}, tracker={}, reach={}, requests={}, blocked={}];",
            q(n.site.as_str()),
            q(crate::view::category_colour(n.primary_category())),
            q(n.entity.as_deref().unwrap_or("")),
            q(n.company.as_deref().unwrap_or("")),
            q(&categories_cell(n)),
            n.tracker,
            n.reach(),
            n.requests,
            n.blocked
        );
    }
    for (a, b, e) in sorted_edges(g) {
        let _ = writeln!(
            o,
            "  {} -> {} [requests={}, cookies_set={}, cookies_sent={}, redirects={}, blocked={}, relation={}, syncs={}{}];",
            q(a.as_str()),
            q(b.as_str()),
            e.requests,
            e.cookies_set,
            e.cookies_sent,
            e.redirects,
            e.blocked,
            q(super::relation(e)),
            q(&super::map_cell(&e.syncs)),
            if !e.syncs.is_empty() {
                ", color=\"#c62828\", fontcolor=\"#c62828\", label=\"syncs with\""
            } else if e.requests == 0 && e.blocked > 0 {
                ", style=dotted, color=\"#9e9e9e\""
            } else if e.redirects > 0 {
                ", style=dashed"
            } else {
                ""
            }
        );
    }
    o.push_str("}\n");
    o
}
