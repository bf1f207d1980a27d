//! GraphML: typed keys for every attribute, node ids are sites.

use std::fmt::Write;

use super::{xml_text as escape, edge_values, node_values, sorted_edges, sorted_nodes, Kind, EDGE_FIELDS, NODE_FIELDS};
use crate::graph::TrackerGraph;

fn data(o: &mut String, prefix: &str, fields: &[(&str, Kind)], values: &[String]) {
    for ((k, _), v) in fields.iter().zip(values) {
        let _ = writeln!(o, "      <data key=\"{prefix}_{k}\">{}</data>", escape(v.as_str()));
    }
}

pub fn write(g: &TrackerGraph) -> String {
    let mut o = String::with_capacity(256 + g.node_count() * 700 + g.edge_count() * 500);
    o.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    o.push_str("<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n");
    for (prefix, class, fields) in [("n", "node", &NODE_FIELDS[..]), ("e", "edge", &EDGE_FIELDS[..])] {
        for (k, kind) in fields {
            let _ = writeln!(o, "  <key id=\"{prefix}_{k}\" for=\"{class}\" attr.name=\"{k}\" attr.type=\"{}\"/>", kind.graphml());
        }
    }
    o.push_str("  <graph id=\"telltale\" edgedefault=\"directed\">\n");
    for n in sorted_nodes(g) {
        let _ = writeln!(o, "    <node id=\"{}\">", escape(n.site.as_str()));
        data(&mut o, "n", &NODE_FIELDS, &node_values(n));
        o.push_str("    </node>\n");
    }
    for (a, b, e) in sorted_edges(g) {
        let _ = writeln!(o, "    <edge source=\"{}\" target=\"{}\">", escape(a.as_str()), escape(b.as_str()));
        data(&mut o, "e", &EDGE_FIELDS, &edge_values(e));
        o.push_str("    </edge>\n");
    }
    o.push_str("  </graph>\n</graphml>\n");
    o
}
