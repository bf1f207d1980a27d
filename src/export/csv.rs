//! nodes.csv and edges.csv for spreadsheets; multi-valued cells use `;`.

use super::{categories_cell, map_cell, sites_cell, sorted_edges, sorted_nodes};
use crate::graph::TrackerGraph;

/// Returns (nodes.csv, edges.csv).
pub fn write(g: &TrackerGraph) -> (String, String) {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "site", "entity", "company", "categories", "tracker", "first_party", "third_party", "reach", "requests", "seen_on", "cookies", "first_seen", "last_seen",
    ]);
    for n in sorted_nodes(g) {
        let _ = w.write_record([
            n.site.as_str(),
            n.entity.as_deref().unwrap_or(""),
            n.company.as_deref().unwrap_or(""),
            &categories_cell(n),
            &n.tracker.to_string(),
            &n.first_party.to_string(),
            &n.third_party.to_string(),
            &n.reach().to_string(),
            &n.requests.to_string(),
            &sites_cell(&n.seen_on),
            &map_cell(&n.cookies),
            &n.first_seen.to_string(),
            &n.last_seen.to_string(),
        ]);
    }
    let nodes = String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default();
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(["source", "target", "requests", "cookies_set", "cookies_sent", "redirects", "blocked", "resource_types", "first_seen", "last_seen"]);
    for (a, b, e) in sorted_edges(g) {
        let _ = w.write_record([
            a.as_str(),
            b.as_str(),
            &e.requests.to_string(),
            &e.cookies_set.to_string(),
            &e.cookies_sent.to_string(),
            &e.redirects.to_string(),
            &e.blocked.to_string(),
            &map_cell(&e.resource_types),
            &e.first_seen.to_string(),
            &e.last_seen.to_string(),
        ]);
    }
    let edges = String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default();
    (nodes, edges)
}
