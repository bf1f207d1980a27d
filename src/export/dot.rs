//! Graphviz DOT: first parties as boxes, trackers filled by category colour.

use std::fmt::Write;

use super::{categories_cell, primary_category, sorted_edges, sorted_nodes};
use crate::graph::TrackerGraph;

/// A DOT double-quoted string: backslashes and quotes escaped, line breaks removed.
fn q(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' | '\r' => o.push(' '),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

/// The colour of a category, the same as the graph page uses.
pub fn category_colour(category: &str) -> &'static str {
    match category {
        "session-replay" => "#d62728",
        "retargeting" => "#e377c2",
        "advertising" => "#ff7f0e",
        "analytics" => "#9467bd",
        "social" => "#1f77b4",
        "fingerprinting" => "#8c564b",
        "cross-site-cookies" => "#bcbd22",
        "tag-manager" => "#17becf",
        "consent" => "#7f7f7f",
        "content" => "#2ca02c",
        "cdn" => "#98df8a",
        "first-party" => "#ffffff",
        _ => "#c7c7c7",
    }
}

pub fn write(g: &TrackerGraph) -> String {
    let mut o = String::from("digraph telltale {\n  graph [overlap=false, splines=true, label=\"Telltale tracker graph\"];\n  node [style=filled, fontname=\"Helvetica\"];\n");
    for n in sorted_nodes(g) {
        let shape = if n.first_party { "box" } else { "ellipse" };
        let _ = writeln!(
            o,
            "  {} [shape={shape}, fillcolor={}, entity={}, company={}, categories={}, tracker={}, reach={}, requests={}];",
            q(n.site.as_str()),
            q(category_colour(primary_category(n))),
            q(n.entity.as_deref().unwrap_or("")),
            q(n.company.as_deref().unwrap_or("")),
            q(&categories_cell(n)),
            n.tracker,
            n.reach(),
            n.requests
        );
    }
    for (a, b, e) in sorted_edges(g) {
        let _ = writeln!(
            o,
            "  {} -> {} [requests={}, cookies_set={}, cookies_sent={}, redirects={}, blocked={}{}];",
            q(a.as_str()),
            q(b.as_str()),
            e.requests,
            e.cookies_set,
            e.cookies_sent,
            e.redirects,
            e.blocked,
            if e.redirects > 0 { ", style=dashed" } else { "" }
        );
    }
    o.push_str("}\n");
    o
}
