//! GEXF 1.3 for Gephi: sites as nodes (id = site), attributes declared once.

use std::fmt::Write;

use quick_xml::escape::escape;

use super::{categories_cell, map_cell, sites_cell, sorted_edges, sorted_nodes};
use crate::graph::TrackerGraph;

const NODE_ATTRS: [(&str, &str); 13] = [
    ("entity", "string"),
    ("company", "string"),
    ("categories", "string"),
    ("primary_category", "string"),
    ("tracker", "boolean"),
    ("first_party", "boolean"),
    ("third_party", "boolean"),
    ("reach", "integer"),
    ("requests", "long"),
    ("seen_on", "string"),
    ("cookies", "string"),
    ("first_seen", "double"),
    ("last_seen", "double"),
];

const EDGE_ATTRS: [(&str, &str); 8] = [
    ("requests", "long"),
    ("cookies_set", "long"),
    ("cookies_sent", "long"),
    ("redirects", "long"),
    ("blocked", "long"),
    ("resource_types", "string"),
    ("first_seen", "double"),
    ("last_seen", "double"),
];

pub fn write(g: &TrackerGraph) -> String {
    let mut o = String::with_capacity(256 + g.node_count() * 600 + g.edge_count() * 400);
    o.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    o.push_str("<gexf xmlns=\"http://gexf.net/1.3\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd\" version=\"1.3\">\n");
    o.push_str("  <meta>\n    <creator>Telltale</creator>\n    <description>Tracker graph: sites you visited and the third parties that saw you there</description>\n  </meta>\n");
    o.push_str("  <graph defaultedgetype=\"directed\" mode=\"static\">\n");
    o.push_str("    <attributes class=\"node\">\n");
    for (i, (name, ty)) in NODE_ATTRS.iter().enumerate() {
        let _ = writeln!(o, "      <attribute id=\"{i}\" title=\"{name}\" type=\"{ty}\"/>");
    }
    o.push_str("    </attributes>\n");
    o.push_str("    <attributes class=\"edge\">\n");
    for (i, (name, ty)) in EDGE_ATTRS.iter().enumerate() {
        let _ = writeln!(o, "      <attribute id=\"{i}\" title=\"{name}\" type=\"{ty}\"/>");
    }
    o.push_str("    </attributes>\n    <nodes>\n");
    for n in sorted_nodes(g) {
        let values: [String; 13] = [
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
        let _ = writeln!(o, "      <node id=\"{0}\" label=\"{0}\">\n        <attvalues>", escape(n.site.as_str()));
        for (i, v) in values.iter().enumerate() {
            let _ = writeln!(o, "          <attvalue for=\"{i}\" value=\"{}\"/>", escape(v.as_str()));
        }
        o.push_str("        </attvalues>\n      </node>\n");
    }
    o.push_str("    </nodes>\n    <edges>\n");
    for (i, (a, b, e)) in sorted_edges(g).into_iter().enumerate() {
        let values: [String; 8] = [
            e.requests.to_string(),
            e.cookies_set.to_string(),
            e.cookies_sent.to_string(),
            e.redirects.to_string(),
            e.blocked.to_string(),
            map_cell(&e.resource_types),
            e.first_seen.to_string(),
            e.last_seen.to_string(),
        ];
        let _ = writeln!(
            o,
            "      <edge id=\"{i}\" source=\"{}\" target=\"{}\" weight=\"{}\">\n        <attvalues>",
            escape(a.as_str()),
            escape(b.as_str()),
            e.requests.max(1)
        );
        for (i, v) in values.iter().enumerate() {
            let _ = writeln!(o, "          <attvalue for=\"{i}\" value=\"{}\"/>", escape(v.as_str()));
        }
        o.push_str("        </attvalues>\n      </edge>\n");
    }
    o.push_str("    </edges>\n  </graph>\n</gexf>\n");
    o
}
