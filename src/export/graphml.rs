//! GraphML: typed keys for every attribute, node ids are sites.

use std::fmt::Write;

use quick_xml::escape::escape;

use super::{categories_cell, map_cell, sites_cell, sorted_edges, sorted_nodes};
use crate::graph::TrackerGraph;

pub fn write(g: &TrackerGraph) -> String {
    let mut o = String::with_capacity(256 + g.node_count() * 700 + g.edge_count() * 500);
    o.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    o.push_str("<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n");
    let node_keys = [
        ("entity", "string"),
        ("company", "string"),
        ("categories", "string"),
        ("primary_category", "string"),
        ("tracker", "boolean"),
        ("first_party", "boolean"),
        ("third_party", "boolean"),
        ("reach", "int"),
        ("requests", "long"),
        ("seen_on", "string"),
        ("cookies", "string"),
        ("first_seen", "double"),
        ("last_seen", "double"),
    ];
    let edge_keys = [
        ("requests", "long"),
        ("cookies_set", "long"),
        ("cookies_sent", "long"),
        ("redirects", "long"),
        ("blocked", "long"),
        ("resource_types", "string"),
        ("first_seen", "double"),
        ("last_seen", "double"),
    ];
    for (k, t) in node_keys {
        let _ = writeln!(o, "  <key id=\"n_{k}\" for=\"node\" attr.name=\"{k}\" attr.type=\"{t}\"/>");
    }
    for (k, t) in edge_keys {
        let _ = writeln!(o, "  <key id=\"e_{k}\" for=\"edge\" attr.name=\"{k}\" attr.type=\"{t}\"/>");
    }
    o.push_str("  <graph id=\"telltale\" edgedefault=\"directed\">\n");
    for n in sorted_nodes(g) {
        let vals = [
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
        ];
        let _ = writeln!(o, "    <node id=\"{}\">", escape(n.site.as_str()));
        for ((k, _), v) in node_keys.iter().zip(vals.iter()) {
            let _ = writeln!(o, "      <data key=\"n_{k}\">{}</data>", escape(v.as_str()));
        }
        o.push_str("    </node>\n");
    }
    for (a, b, e) in sorted_edges(g) {
        let vals = [
            e.requests.to_string(),
            e.cookies_set.to_string(),
            e.cookies_sent.to_string(),
            e.redirects.to_string(),
            e.blocked.to_string(),
            map_cell(&e.resource_types),
            e.first_seen.to_string(),
            e.last_seen.to_string(),
        ];
        let _ = writeln!(o, "    <edge source=\"{}\" target=\"{}\">", escape(a.as_str()), escape(b.as_str()));
        for ((k, _), v) in edge_keys.iter().zip(vals.iter()) {
            let _ = writeln!(o, "      <data key=\"e_{k}\">{}</data>", escape(v.as_str()));
        }
        o.push_str("    </edge>\n");
    }
    o.push_str("  </graph>\n</graphml>\n");
    o
}
