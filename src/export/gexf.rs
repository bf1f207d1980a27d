//! GEXF 1.3 for Gephi: sites as nodes (id = site), attributes declared once.

use std::fmt::Write;

use super::{xml_text as escape, edge_values, node_values, sorted_edges, sorted_nodes, EDGE_FIELDS, NODE_FIELDS};
use crate::graph::TrackerGraph;

pub fn write(g: &TrackerGraph) -> String {
    let mut o = String::with_capacity(256 + g.node_count() * 600 + g.edge_count() * 400);
    o.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    o.push_str("<gexf xmlns=\"http://gexf.net/1.3\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd\" version=\"1.3\">\n");
    o.push_str("  <meta>\n    <creator>Telltale</creator>\n    <description>Tracker graph: sites you visited and the third parties that saw you there</description>\n  </meta>\n");
    o.push_str("  <graph defaultedgetype=\"directed\" mode=\"static\">\n");
    for (class, fields) in [("node", &NODE_FIELDS[..]), ("edge", &EDGE_FIELDS[..])] {
        let _ = writeln!(o, "    <attributes class=\"{class}\">");
        for (i, (name, kind)) in fields.iter().enumerate() {
            let _ = writeln!(o, "      <attribute id=\"{i}\" title=\"{name}\" type=\"{}\"/>", kind.gexf());
        }
        o.push_str("    </attributes>\n");
    }
    let attvalues = |o: &mut String, values: &[String]| {
        o.push_str("        <attvalues>\n");
        for (i, v) in values.iter().enumerate() {
            let _ = writeln!(o, "          <attvalue for=\"{i}\" value=\"{}\"/>", escape(v.as_str()));
        }
        o.push_str("        </attvalues>\n");
    };
    o.push_str("    <nodes>\n");
    for n in sorted_nodes(g) {
        let _ = writeln!(o, "      <node id=\"{0}\" label=\"{0}\">", escape(n.site.as_str()));
        attvalues(&mut o, &node_values(n));
        o.push_str("      </node>\n");
    }
    o.push_str("    </nodes>\n    <edges>\n");
    for (i, (a, b, e)) in sorted_edges(g).into_iter().enumerate() {
        let _ = writeln!(
            o,
            "      <edge id=\"{i}\" source=\"{}\" target=\"{}\" weight=\"{}\">",
            escape(a.as_str()),
            escape(b.as_str()),
            e.requests.max(1)
        );
        attvalues(&mut o, &edge_values(e));
        o.push_str("      </edge>\n");
    }
    o.push_str("    </edges>\n  </graph>\n</gexf>\n");
    o
}
