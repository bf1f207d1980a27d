//! What the graph page draws: the graph filtered (category, time window,
//! first-party site) and styled (colour by category, size by reach), and the
//! details panel of one site. The page only hands these to its renderer.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::graph::{Node, TrackerGraph};
use crate::rules::Category;
use crate::site::Site;

/// The graph page's filters. Empty means "no filter".
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Filters {
    /// Keep third parties in any of these categories (first parties they touch stay).
    pub categories: Vec<Category>,
    /// Keep what was seen at or after this time (ms since epoch).
    pub since: Option<f64>,
    /// Keep this first-party site and the third parties seen on it.
    pub site: Option<String>,
    /// Keep only trackers among third parties.
    pub trackers_only: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ViewNode {
    pub id: Site,
    pub label: String,
    /// The category that colours it: its first by Telltale's order, or `first-party` / `unknown`.
    pub category: &'static str,
    pub color: &'static str,
    pub size: f64,
    pub categories: Vec<Category>,
    pub tracker: bool,
    pub first_party: bool,
    pub third_party: bool,
    pub entity: Option<String>,
    pub company: Option<String>,
    pub reach: usize,
    pub requests: u64,
    pub blocked: u64,
    pub last_seen: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ViewEdge {
    pub source: Site,
    pub target: Site,
    pub requests: u64,
    /// Requests stopped by a choice (or another blocker).
    pub blocked: u64,
    /// `through`, `blocked` (nothing got through) or `partly-blocked`: drawn apart.
    pub state: &'static str,
    /// The colour it is drawn in, by state.
    pub color: &'static str,
    pub size: f64,
    pub redirect: bool,
    /// The source's identifier cookie reached the target ("syncs with"): times seen.
    pub syncs: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct GraphView {
    pub nodes: Vec<ViewNode>,
    pub edges: Vec<ViewEdge>,
    /// Legend: category id → colour, for the categories present.
    pub legend: Vec<(&'static str, &'static str)>,
}

/// The colour of a category id (also used by the DOT export).
pub fn category_colour(category: &str) -> &'static str {
    match category {
        "session-replay" => "#d62728",
        "retargeting" => "#e377c2",
        "advertising" => "#ff7f0e",
        "analytics" => "#9467bd",
        "social" => "#1f77b4",
        "fingerprinting" => "#8c564b",
        "cross-site-cookies" => "#bcbd22",
        "tracking" => "#ad494a",
        "tag-manager" => "#17becf",
        "consent" => "#7f7f7f",
        "content" => "#2ca02c",
        "cdn" => "#98df8a",
        "first-party" => "#4a4a4a",
        _ => "#c7c7c7",
    }
}

fn keep_third_party(n: &Node, f: &Filters, site: Option<&Site>) -> bool {
    (f.categories.is_empty() || f.categories.iter().any(|c| n.categories.contains(c))) && (!f.trackers_only || n.tracker) && site.is_none_or(|s| n.seen_on.contains(s))
}

/// The filtered, styled graph.
pub fn graph_view(g: &TrackerGraph, f: &Filters) -> GraphView {
    let site = f.site.as_deref().and_then(|s| Site::of(s).ok());
    let recent = |n: &Node| f.since.is_none_or(|t| n.last_seen >= t);
    let mut keep: BTreeSet<&Site> = BTreeSet::new();
    for n in g.nodes().filter(|n| recent(n)) {
        let as_first = n.first_party && site.as_ref().is_none_or(|s| *s == n.site);
        let as_third = n.third_party && keep_third_party(n, f, site.as_ref());
        if as_third || (as_first && f.categories.is_empty() && !f.trackers_only) {
            keep.insert(&n.site);
        }
    }
    let mut edges = edges_between(g, &keep, f.since);
    // With a category or tracker filter, a first party shows when it loaded a kept third party.
    if !f.categories.is_empty() || f.trackers_only {
        let touched: BTreeSet<&Site> = g.edges().filter(|(_, b, _)| keep.contains(b)).map(|(a, _, _)| a).collect();
        for n in g.nodes().filter(|n| n.first_party && touched.contains(&n.site) && site.as_ref().is_none_or(|s| *s == n.site)) {
            keep.insert(&n.site);
        }
        edges = edges_between(g, &keep, f.since);
    }
    let mut legend: BTreeMap<&'static str, &'static str> = BTreeMap::new();
    let nodes: Vec<ViewNode> = keep
        .iter()
        .filter_map(|s| g.node(s))
        .map(|n| {
            let category = n.primary_category();
            legend.insert(category, category_colour(category));
            ViewNode {
                id: n.site.clone(),
                label: n.site.to_string(),
                category,
                color: category_colour(category),
                // Area grows with reach; visited sites get a fixed, larger mark.
                size: if n.first_party && !n.third_party { 9.0 } else { 4.0 + 3.0 * (n.reach() as f64).sqrt() },
                categories: n.categories.iter().copied().collect(),
                tracker: n.tracker,
                first_party: n.first_party,
                third_party: n.third_party,
                entity: n.entity.clone(),
                company: n.company.clone(),
                reach: n.reach(),
                requests: n.requests,
                blocked: n.blocked,
                last_seen: n.last_seen,
            }
        })
        .collect();
    GraphView { nodes, edges, legend: legend.into_iter().collect() }
}

/// Edge colours: what got through, what was stopped, and a mix of both.
pub const THROUGH_EDGE: &str = "#b8c1ca";
pub const BLOCKED_EDGE: &str = "#e53935";
pub const PARTLY_BLOCKED_EDGE: &str = "#f0a030";
/// Cookie syncs ("syncs with"), whatever else the edge carries.
pub const SYNC_EDGE: &str = "#8e24aa";

fn edge_state(e: &crate::graph::Edge) -> &'static str {
    match (e.requests, e.blocked) {
        (_, 0) => "through",
        (0, _) => "blocked",
        _ => "partly-blocked",
    }
}

fn edges_between(g: &TrackerGraph, keep: &BTreeSet<&Site>, since: Option<f64>) -> Vec<ViewEdge> {
    g.edges()
        .filter(|(a, b, e)| keep.contains(a) && keep.contains(b) && since.is_none_or(|t| e.last_seen >= t))
        .map(|(a, b, e)| ViewEdge {
            source: a.clone(),
            target: b.clone(),
            requests: e.requests,
            blocked: e.blocked,
            state: if e.syncs.is_empty() { edge_state(e) } else { "syncs" },
            color: match edge_state(e) {
                _ if !e.syncs.is_empty() => SYNC_EDGE,
                "blocked" => BLOCKED_EDGE,
                "partly-blocked" => PARTLY_BLOCKED_EDGE,
                _ => THROUGH_EDGE,
            },
            size: 0.5 + ((e.requests + e.blocked + e.syncs.values().sum::<u64>()) as f64).ln_1p().min(4.0),
            redirect: e.redirects > 0,
            syncs: e.syncs.values().sum(),
        })
        .collect()
}

/// An edge that loaded something (not only a cookie sync).
fn relation_loads(e: &crate::graph::Edge) -> bool {
    e.requests > 0 || e.blocked > 0 || e.cookies_set > 0 || e.cookies_sent > 0 || e.redirects > 0
}

/// Everything the details panel shows about one site.
#[derive(Debug, Clone, Serialize)]
pub struct NodeDetails {
    pub site: Site,
    pub entity: Option<String>,
    pub company: Option<String>,
    pub homepage: Option<String>,
    pub categories: Vec<Category>,
    pub tracker: bool,
    pub first_party: bool,
    pub evidence: Vec<String>,
    /// Your sites where it saw you.
    pub seen_on: Vec<Site>,
    /// Cookie names with counts; never values.
    pub cookies: Vec<(String, u64)>,
    /// For a first party: the third parties it loaded.
    pub loaded: Vec<Site>,
    /// Trackers its identifier cookies reached ("syncs with"), with the cookies' names.
    pub syncs_with: Vec<(Site, Vec<String>)>,
    /// Trackers whose identifier cookies reached it.
    pub synced_from: Vec<(Site, Vec<String>)>,
    pub requests: u64,
    /// Requests to it that were stopped.
    pub blocked: u64,
    /// The choice that blocks it, in words, when one does.
    pub blocked_by: Option<String>,
    pub first_seen: f64,
    pub last_seen: f64,
}

pub fn node_details(g: &TrackerGraph, rules: &crate::rules::RuleIndex, policy: &crate::policy::Policy, site: &Site) -> Option<NodeDetails> {
    let n = g.node(site)?;
    let homepage = crate::site::Host::parse(site.as_str()).ok().and_then(|h| rules.entity_of_host(&h)).and_then(|id| rules.entity(id).homepage.clone()).filter(|h| !h.is_empty());
    let mut loaded: Vec<Site> = g.edges().filter(|(a, _, e)| *a == site && relation_loads(e)).map(|(_, b, _)| b.clone()).collect();
    loaded.sort();
    let names = |m: &std::collections::BTreeMap<String, u64>| m.keys().cloned().collect::<Vec<_>>();
    let mut syncs_with: Vec<(Site, Vec<String>)> = g.syncs().filter(|(a, _, _)| *a == site).map(|(_, b, m)| (b.clone(), names(m))).collect();
    let mut synced_from: Vec<(Site, Vec<String>)> = g.syncs().filter(|(_, b, _)| *b == site).map(|(a, _, m)| (a.clone(), names(m))).collect();
    syncs_with.sort();
    synced_from.sort();
    Some(NodeDetails {
        site: n.site.clone(),
        entity: n.entity.clone(),
        company: n.company.clone(),
        homepage,
        categories: n.categories.iter().copied().collect(),
        tracker: n.tracker,
        first_party: n.first_party,
        evidence: n.evidence.clone(),
        seen_on: n.seen_on.iter().cloned().collect(),
        cookies: n.cookies.iter().map(|(k, v)| (k.clone(), *v)).collect(),
        loaded,
        syncs_with,
        synced_from,
        requests: n.requests,
        blocked: n.blocked,
        blocked_by: if n.third_party { crate::site::Host::parse(site.as_str()).ok().and_then(|h| crate::policy::blocks(policy, rules, g, &h, None, None)).map(|c| c.label()) } else { None },
        first_seen: n.first_seen,
        last_seen: n.last_seen,
    })
}

/// The view with the details of every site in it: what an interactive export
/// carries, so that it needs nothing else to show a site's panel.
#[derive(Debug, Clone, Serialize)]
pub struct Interactive {
    pub view: GraphView,
    pub details: BTreeMap<Site, NodeDetails>,
}

pub fn interactive(g: &TrackerGraph, rules: &crate::rules::RuleIndex, policy: &crate::policy::Policy, f: &Filters) -> Interactive {
    let view = graph_view(g, f);
    let details = view.nodes.iter().filter_map(|n| node_details(g, rules, policy, &n.id).map(|d| (n.id.clone(), d))).collect();
    Interactive { view, details }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Hit;

    fn s(x: &str) -> Site {
        Site::of(x).unwrap()
    }

    fn sample() -> TrackerGraph {
        let mut g = TrackerGraph::new();
        for (page, tp, cat, t) in [
            ("a.example", "rec.example", Category::SessionReplay, 10.0),
            ("b.example", "rec.example", Category::SessionReplay, 20.0),
            ("b.example", "cdn.example", Category::Cdn, 30.0),
            ("c.example", "ads.example", Category::Advertising, 100.0),
        ] {
            let (p, t3) = (s(page), s(tp));
            g.visit(&p, t);
            g.record_request(&Hit { from: &p, to: &t3, page: &p, time: t, resource_type: Some("script"), redirect: false });
            g.classify(&t3, Some(tp), None, &[cat], cat.is_tracking(), &[]);
        }
        g
    }

    fn ids(v: &GraphView) -> Vec<&str> {
        v.nodes.iter().map(|n| n.id.as_str()).collect()
    }

    #[test]
    fn unfiltered_view_styles_by_category_and_reach() {
        let v = graph_view(&sample(), &Filters::default());
        assert_eq!(v.nodes.len(), 6);
        assert_eq!(v.edges.len(), 4);
        let rec = v.nodes.iter().find(|n| n.id.as_str() == "rec.example").unwrap();
        let ads = v.nodes.iter().find(|n| n.id.as_str() == "ads.example").unwrap();
        assert_eq!((rec.category, rec.color), ("session-replay", "#d62728"));
        assert!(rec.size > ads.size, "reach 2 draws bigger than reach 1");
        assert!(v.legend.contains(&("cdn", "#98df8a")));
    }

    #[test]
    fn blocked_attempts_are_drawn_apart() {
        let mut g = sample();
        g.record_blocked(&s("a.example"), &s("rec.example"), 5.0);
        g.record_blocked(&s("c.example"), &s("blocked.example"), 5.0);
        let v = graph_view(&g, &Filters::default());
        let edge = |a: &str, b: &str| v.edges.iter().find(|e| e.source.as_str() == a && e.target.as_str() == b).unwrap();
        assert_eq!((edge("a.example", "rec.example").state, edge("a.example", "rec.example").color), ("partly-blocked", PARTLY_BLOCKED_EDGE));
        assert_eq!((edge("c.example", "blocked.example").state, edge("c.example", "blocked.example").color), ("blocked", BLOCKED_EDGE));
        assert_eq!(edge("b.example", "rec.example").color, THROUGH_EDGE);
        let n = v.nodes.iter().find(|n| n.id.as_str() == "blocked.example").unwrap();
        assert_eq!((n.requests, n.blocked, n.reach), (0, 1, 0));
    }

    #[test]
    fn filters_by_category_time_and_site() {
        let g = sample();
        let v = graph_view(&g, &Filters { categories: vec![Category::SessionReplay], ..Default::default() });
        assert_eq!(ids(&v), ["a.example", "b.example", "rec.example"]);
        let v = graph_view(&g, &Filters { since: Some(50.0), ..Default::default() });
        assert_eq!(ids(&v), ["ads.example", "c.example"]);
        let v = graph_view(&g, &Filters { site: Some("b.example".into()), ..Default::default() });
        assert_eq!(ids(&v), ["b.example", "cdn.example", "rec.example"]);
        let v = graph_view(&g, &Filters { trackers_only: true, site: Some("b.example".into()), ..Default::default() });
        assert_eq!(ids(&v), ["b.example", "rec.example"]);
    }

    #[test]
    fn an_interactive_export_has_the_details_of_every_site_it_shows() {
        let g = sample();
        let f = Filters { site: Some("c.example".into()), ..Filters::default() };
        let i = interactive(&g, &crate::rules::RuleIndex::new(), &crate::policy::Policy::new(), &f);
        assert_eq!(ids(&i.view), ["ads.example", "c.example"]);
        assert_eq!(i.details.keys().map(Site::as_str).collect::<Vec<_>>(), ["ads.example", "c.example"]);
        assert_eq!(i.details[&s("c.example")].loaded, [s("ads.example")]);
    }

    #[test]
    fn details_list_sites_and_loads() {
        let g = sample();
        let d = node_details(&g, &crate::rules::RuleIndex::new(), &crate::policy::Policy::new(), &s("rec.example")).unwrap();
        assert_eq!(d.seen_on, [s("a.example"), s("b.example")]);
        let d = node_details(&g, &crate::rules::RuleIndex::new(), &crate::policy::Policy::new(), &s("b.example")).unwrap();
        assert_eq!(d.loaded, [s("cdn.example"), s("rec.example")]);
        assert!(node_details(&g, &crate::rules::RuleIndex::new(), &crate::policy::Policy::new(), &s("nowhere.example")).is_none());
    }
}
