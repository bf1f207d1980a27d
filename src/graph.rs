//! The tracker graph on petgraph: nodes are sites (visited first parties and
//! third parties; one site can be both), edges say who loaded whom.
//!
//! Invariants: one node per [`Site`]; one edge per ordered pair; a node's
//! `seen_on` holds the first-party sites where it was a third party, so its
//! reach is exact even when it was loaded through another tracker.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableDiGraph};
use petgraph::visit::{EdgeRef, IntoEdgeReferences};
use serde::{Deserialize, Serialize};

use crate::rules::Category;
use crate::site::Site;

/// Cookie names kept per node; beyond this they are counted, not named.
const MAX_COOKIE_NAMES: usize = 64;
/// Evidence lines kept per node.
const MAX_EVIDENCE: usize = 16;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Node {
    pub site: Site,
    /// Visited as a top-level page.
    pub first_party: bool,
    /// Loaded as a third party somewhere.
    pub third_party: bool,
    pub tracker: bool,
    pub entity: Option<String>,
    pub company: Option<String>,
    pub categories: BTreeSet<Category>,
    /// Requests made to this site as a third party (that reached it).
    pub requests: u64,
    /// Requests to this site that a choice (or another blocker) stopped.
    #[serde(default)]
    pub blocked: u64,
    /// First-party sites where this site was a third party.
    pub seen_on: BTreeSet<Site>,
    /// Cookie names it set or received as a third party, with counts (no values).
    pub cookies: BTreeMap<String, u64>,
    /// Why it is classified as it is (rule or heuristic, one line each).
    pub evidence: Vec<String>,
    pub first_seen: f64,
    pub last_seen: f64,
    /// Top-level page loads of this site, and the times of the first and last.
    #[serde(default)]
    pub visits: u64,
    #[serde(default)]
    pub first_visit: f64,
    #[serde(default)]
    pub last_visit: f64,
}

impl Node {
    fn new(site: Site, time: f64) -> Node {
        Node {
            site,
            first_party: false,
            third_party: false,
            tracker: false,
            entity: None,
            company: None,
            categories: BTreeSet::new(),
            requests: 0,
            blocked: 0,
            seen_on: BTreeSet::new(),
            cookies: BTreeMap::new(),
            evidence: Vec::new(),
            first_seen: time,
            last_seen: time,
            visits: 0,
            first_visit: 0.0,
            last_visit: 0.0,
        }
    }

    /// The category that colours it: the first tracking one, else its first,
    /// else `first-party` (only visited) or `unknown`.
    pub fn primary_category(&self) -> &'static str {
        self.categories.iter().find(|c| c.is_tracking()).or_else(|| self.categories.iter().next()).map(|c| c.id()).unwrap_or(if self.first_party && !self.third_party {
            "first-party"
        } else {
            "unknown"
        })
    }

    /// How many of your sites this site saw you on.
    pub fn reach(&self) -> usize {
        self.seen_on.len()
    }

    fn touch(&mut self, time: f64) {
        self.first_seen = self.first_seen.min(time);
        self.last_seen = self.last_seen.max(time);
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Edge {
    pub requests: u64,
    pub cookies_set: u64,
    pub cookies_sent: u64,
    /// Requests reaching the target through a redirect from the source.
    pub redirects: u64,
    pub blocked: u64,
    /// Requests by resource type (browser names).
    pub resource_types: BTreeMap<String, u64>,
    /// Cookie syncs: the source's identifier cookie seen in requests to the
    /// target ([`crate::sync`]), by cookie name. An edge can both load and sync.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub syncs: BTreeMap<String, u64>,
    pub first_seen: f64,
    pub last_seen: f64,
}

impl Edge {
    fn touch(&mut self, time: f64) {
        if self.requests == 0 && self.cookies_set == 0 && self.cookies_sent == 0 && self.blocked == 0 && self.syncs.is_empty() {
            self.first_seen = time;
            self.last_seen = time;
        }
        self.first_seen = self.first_seen.min(time);
        self.last_seen = self.last_seen.max(time);
    }
}

/// What one observed request adds to the graph.
#[derive(Debug, Clone)]
pub struct Hit<'a> {
    pub from: &'a Site,
    pub to: &'a Site,
    /// The page's site, for `seen_on`.
    pub page: &'a Site,
    pub time: f64,
    pub resource_type: Option<&'a str>,
    pub redirect: bool,
}

/// A company and what its sites add up to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompanyReach {
    pub company: String,
    pub sites: Vec<Site>,
    pub categories: BTreeSet<Category>,
    /// Your sites on which any of its sites saw you.
    pub seen_on: BTreeSet<Site>,
    pub requests: u64,
}

#[derive(Debug, Clone, Default)]
pub struct TrackerGraph {
    g: StableDiGraph<Node, Edge>,
    index: HashMap<Site, NodeIndex>,
    /// (source, target) → edge: petgraph's `find_edge` walks the source's
    /// edge list, which made a page with many third parties quadratic.
    edge_index: HashMap<(NodeIndex, NodeIndex), EdgeIndex>,
}

impl TrackerGraph {
    pub fn new() -> TrackerGraph {
        TrackerGraph::default()
    }

    pub fn node_count(&self) -> usize {
        self.g.node_count()
    }

    pub fn edge_count(&self) -> usize {
        self.g.edge_count()
    }

    fn node_ix(&mut self, site: &Site, time: f64) -> NodeIndex {
        if let Some(&ix) = self.index.get(site) {
            self.g[ix].touch(time);
            return ix;
        }
        let ix = self.g.add_node(Node::new(site.clone(), time));
        self.index.insert(site.clone(), ix);
        ix
    }

    pub fn node(&self, site: &Site) -> Option<&Node> {
        self.index.get(site).map(|&ix| &self.g[ix])
    }

    /// Mutable access for classification updates.
    pub fn node_mut(&mut self, site: &Site) -> Option<&mut Node> {
        self.index.get(site).map(|&ix| &mut self.g[ix])
    }

    pub fn nodes(&self) -> impl Iterator<Item = &Node> {
        self.g.node_weights()
    }

    /// Every edge as (source site, target site, counts).
    pub fn edges(&self) -> impl Iterator<Item = (&Site, &Site, &Edge)> {
        (&self.g).edge_references().map(|e| (&self.g[e.source()].site, &self.g[e.target()].site, e.weight()))
    }

    pub fn edge(&self, from: &Site, to: &Site) -> Option<&Edge> {
        let (a, b) = (*self.index.get(from)?, *self.index.get(to)?);
        self.edge_index.get(&(a, b)).map(|&e| &self.g[e])
    }

    /// Marks `site` as visited at the top level; returns whether it was not before.
    pub fn visit(&mut self, site: &Site, time: f64) -> bool {
        let ix = self.node_ix(site, time);
        !std::mem::replace(&mut self.g[ix].first_party, true)
    }

    /// Counts one page load of `site` (a document, not its redirect hops), at `time`.
    pub fn page_load(&mut self, site: &Site, time: f64) {
        let ix = self.node_ix(site, time);
        let n = &mut self.g[ix];
        n.first_visit = if n.visits == 0 { time } else { n.first_visit.min(time) };
        n.last_visit = if n.visits == 0 { time } else { n.last_visit.max(time) };
        n.visits += 1;
    }

    /// Takes back a page load that turned out to be a redirect hop of another page's.
    pub fn uncount_page_load(&mut self, site: &Site) {
        if let Some(&ix) = self.index.get(site) {
            let n = &mut self.g[ix];
            n.visits = n.visits.saturating_sub(1);
        }
    }

    /// Takes back a visit that [`visit`](Self::visit) made new, when the
    /// page turned out to be a redirect hop of another's: the site is no
    /// longer a visited one, and gone from the graph if nothing else made it a node.
    pub fn unvisit(&mut self, site: &Site) {
        let Some(&ix) = self.index.get(site) else { return };
        self.g[ix].first_party = false;
        let n = &self.g[ix];
        let used = n.third_party || n.tracker || !n.seen_on.is_empty() || !n.evidence.is_empty() || self.g.neighbors_undirected(ix).next().is_some();
        if !used {
            self.g.remove_node(ix);
            self.index.remove(site);
        }
    }

    fn edge_mut(&mut self, from: &Site, to: &Site, time: f64) -> &mut Edge {
        let a = self.node_ix(from, time);
        let b = self.node_ix(to, time);
        let e = match self.edge_index.get(&(a, b)) {
            Some(&e) => e,
            None => {
                let e = self.g.add_edge(a, b, Edge::default());
                self.edge_index.insert((a, b), e);
                e
            }
        };
        let edge = &mut self.g[e];
        edge.touch(time);
        edge
    }

    /// Records a third-party request (`to` loaded from `from` on `page`).
    pub fn record_request(&mut self, hit: &Hit) {
        let edge = self.edge_mut(hit.from, hit.to, hit.time);
        edge.requests += 1;
        if hit.redirect {
            edge.redirects += 1;
        }
        if let Some(t) = hit.resource_type {
            *edge.resource_types.entry(t.to_owned()).or_default() += 1;
        }
        let ix = self.index[hit.to];
        let node = &mut self.g[ix];
        node.third_party = true;
        node.requests += 1;
        if node.seen_on.len() < 100_000 {
            node.seen_on.insert(hit.page.clone());
        }
    }

    /// Records that `from`'s identifier cookie `cookie` was seen in a request
    /// to `to`: an edge `from` → `to` that says "syncs with".
    pub fn record_sync(&mut self, from: &Site, to: &Site, cookie: &str, time: f64) {
        let edge = self.edge_mut(from, to, time);
        if edge.syncs.len() < MAX_COOKIE_NAMES || edge.syncs.contains_key(cookie) {
            *edge.syncs.entry(cookie.to_owned()).or_default() += 1;
        } else {
            *edge.syncs.entry("(more)".to_owned()).or_default() += 1;
        }
        for site in [from, to] {
            let ix = self.index[site];
            self.g[ix].third_party = true;
        }
    }

    /// Edges that sync cookies, as (from, to, syncs by cookie name).
    pub fn syncs(&self) -> impl Iterator<Item = (&Site, &Site, &BTreeMap<String, u64>)> {
        self.edges().filter(|(_, _, e)| !e.syncs.is_empty()).map(|(a, b, e)| (a, b, &e.syncs))
    }

    /// Records cookies set (or sent, when `sent`) by third party `to` on `page`.
    /// A cookie is proof the third party saw you there, so it counts for reach.
    pub fn record_cookies(&mut self, page: &Site, to: &Site, names: &[String], sent: bool, time: f64) {
        if names.is_empty() {
            return;
        }
        let edge = self.edge_mut(page, to, time);
        if sent {
            edge.cookies_sent += names.len() as u64;
        } else {
            edge.cookies_set += names.len() as u64;
        }
        let ix = self.index[to];
        let node = &mut self.g[ix];
        node.third_party = true;
        if node.seen_on.len() < 100_000 {
            node.seen_on.insert(page.clone());
        }
        for n in names {
            if node.cookies.len() < MAX_COOKIE_NAMES || node.cookies.contains_key(n) {
                *node.cookies.entry(n.clone()).or_default() += 1;
            } else {
                *node.cookies.entry("(other)".into()).or_default() += 1;
            }
        }
    }

    /// Takes back a request recorded by [`record_request`](Self::record_request)
    /// that turned out never to reach the network. Where it was seen stays.
    pub fn unrecord_request(&mut self, from: &Site, to: &Site, resource_type: Option<&str>) {
        let (Some(&a), Some(&b)) = (self.index.get(from), self.index.get(to)) else {
            return;
        };
        if let Some(&e) = self.edge_index.get(&(a, b)) {
            let edge = &mut self.g[e];
            edge.requests = edge.requests.saturating_sub(1);
            if let Some(t) = resource_type {
                if let Some(n) = edge.resource_types.get_mut(t) {
                    *n = n.saturating_sub(1);
                    if *n == 0 {
                        edge.resource_types.remove(t);
                    }
                }
            }
        }
        let node = &mut self.g[b];
        node.requests = node.requests.saturating_sub(1);
    }

    /// Records a blocked request: an attempt, not a visit, so where it was
    /// seen (reach) does not change.
    pub fn record_blocked(&mut self, from: &Site, to: &Site, time: f64) {
        self.edge_mut(from, to, time).blocked += 1;
        let ix = self.index[to];
        let node = &mut self.g[ix];
        node.third_party = true;
        node.blocked += 1;
    }

    /// Merges a classification into a third-party node.
    pub fn classify(&mut self, site: &Site, entity: Option<&str>, company: Option<&str>, categories: &[Category], tracker: bool, evidence: &[String]) {
        let Some(node) = self.node_mut(site) else {
            return;
        };
        if node.entity.is_none() {
            node.entity = entity.map(str::to_owned);
            node.company = company.map(str::to_owned);
        }
        crate::rules::merge_categories(&mut node.categories, categories.iter().copied());
        node.tracker |= tracker;
        for e in evidence {
            if node.evidence.len() < MAX_EVIDENCE && !node.evidence.contains(e) {
                node.evidence.push(e.clone());
            }
        }
    }

    /// The trackers that saw you on `site`, by reach then name.
    pub fn trackers_on(&self, site: &Site) -> Vec<&Node> {
        let mut v: Vec<&Node> = self.nodes().filter(|n| n.tracker && n.seen_on.contains(site)).collect();
        v.sort_by(|a, b| b.reach().cmp(&a.reach()).then_with(|| a.site.cmp(&b.site)));
        v
    }

    /// How many of your sites `tracker` saw you on.
    pub fn reach(&self, tracker: &Site) -> usize {
        self.node(tracker).map_or(0, Node::reach)
    }

    /// Third parties rolled up by company (sites without a known company stand alone).
    pub fn companies(&self) -> Vec<CompanyReach> {
        let mut by: BTreeMap<String, CompanyReach> = BTreeMap::new();
        for n in self.nodes().filter(|n| n.third_party) {
            let name = n.company.clone().unwrap_or_else(|| n.site.to_string());
            let c = by.entry(name.clone()).or_insert_with(|| CompanyReach { company: name, sites: vec![], categories: BTreeSet::new(), seen_on: BTreeSet::new(), requests: 0 });
            c.sites.push(n.site.clone());
            crate::rules::merge_categories(&mut c.categories, n.categories.iter().copied());
            c.seen_on.extend(n.seen_on.iter().cloned());
            c.requests += n.requests;
        }
        let mut v: Vec<CompanyReach> = by.into_values().collect();
        v.sort_by(|a, b| b.seen_on.len().cmp(&a.seen_on.len()).then_with(|| a.company.cmp(&b.company)));
        v
    }

    /// The `n` trackers with the largest reach.
    pub fn top_trackers(&self, n: usize) -> Vec<&Node> {
        let mut v: Vec<&Node> = self.nodes().filter(|n| n.tracker).collect();
        v.sort_by(|a, b| b.reach().cmp(&a.reach()).then_with(|| b.requests.cmp(&a.requests)).then_with(|| a.site.cmp(&b.site)));
        v.truncate(n);
        v
    }

    /// Rebuilds a graph from nodes and edges (used by importers).
    pub fn from_parts(nodes: Vec<Node>, edges: Vec<(Site, Site, Edge)>) -> Result<TrackerGraph, String> {
        let mut g = TrackerGraph::new();
        for n in nodes {
            if g.index.contains_key(&n.site) {
                return Err(format!("site {} appears twice", n.site));
            }
            let site = n.site.clone();
            let ix = g.g.add_node(n);
            g.index.insert(site, ix);
        }
        for (a, b, e) in edges {
            let ia = *g.index.get(&a).ok_or_else(|| format!("edge from unknown site {a}"))?;
            let ib = *g.index.get(&b).ok_or_else(|| format!("edge to unknown site {b}"))?;
            if g.edge_index.contains_key(&(ia, ib)) {
                return Err(format!("edge {a} → {b} appears twice"));
            }
            let ix = g.g.add_edge(ia, ib, e);
            g.edge_index.insert((ia, ib), ix);
        }
        Ok(g)
    }

    /// Removes everything first seen before `cutoff` (retention).
    /// A forgotten site also leaves the `seen_on` (reach) of every site kept.
    pub fn forget_before(&mut self, cutoff: f64) {
        let old: Vec<NodeIndex> = self.g.node_indices().filter(|&ix| self.g[ix].last_seen < cutoff).collect();
        let mut removed = BTreeSet::new();
        let gone: std::collections::HashSet<NodeIndex> = old.iter().copied().collect();
        for ix in old {
            if let Some(n) = self.g.remove_node(ix) {
                self.index.remove(&n.site);
                removed.insert(n.site);
            }
        }
        // Removed nodes took their edges with them; their indices may be reused.
        self.edge_index.retain(|&(a, b), _| !gone.contains(&a) && !gone.contains(&b));
        if !removed.is_empty() {
            for n in self.g.node_weights_mut() {
                n.seen_on.retain(|s| !removed.contains(s));
            }
        }
    }
}

impl PartialEq for TrackerGraph {
    /// Equal when the same sites carry the same data and the same edges.
    fn eq(&self, other: &Self) -> bool {
        if self.node_count() != other.node_count() || self.edge_count() != other.edge_count() {
            return false;
        }
        self.nodes().all(|n| other.node(&n.site) == Some(n)) && self.edges().all(|(a, b, e)| other.edge(a, b) == Some(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Site {
        Site::of(x).unwrap()
    }

    fn hit(g: &mut TrackerGraph, page: &str, from: &str, to: &str, t: f64) {
        let (p, f, to) = (s(page), s(from), s(to));
        g.visit(&p, t);
        g.record_request(&Hit { from: &f, to: &to, page: &p, time: t, resource_type: Some("script"), redirect: from != page });
        g.classify(&to, Some("T"), Some("TCo"), &[Category::Advertising], true, &["rule".into()]);
    }

    #[test]
    fn reach_counts_first_party_sites_including_through_other_trackers() {
        let mut g = TrackerGraph::new();
        hit(&mut g, "a.example", "a.example", "ads.example", 1.0);
        hit(&mut g, "b.example", "b.example", "ads.example", 2.0);
        hit(&mut g, "b.example", "ads.example", "sync.example", 3.0);
        hit(&mut g, "b.example", "b.example", "ads.example", 4.0);
        assert_eq!(g.reach(&s("ads.example")), 2);
        assert_eq!(g.reach(&s("sync.example")), 1);
        let e = g.edge(&s("b.example"), &s("ads.example")).unwrap();
        assert_eq!((e.requests, e.first_seen, e.last_seen), (2, 2.0, 4.0));
        let e = g.edge(&s("ads.example"), &s("sync.example")).unwrap();
        assert_eq!(e.redirects, 1);
        assert_eq!(g.trackers_on(&s("b.example")).len(), 2);
        assert_eq!(g.trackers_on(&s("a.example")).len(), 1);
        assert_eq!(g.top_trackers(1)[0].site, s("ads.example"));
        let c = g.companies();
        assert_eq!(c.len(), 1);
        assert_eq!((c[0].company.as_str(), c[0].sites.len(), c[0].seen_on.len()), ("TCo", 2, 2));
    }

    #[test]
    fn a_site_can_be_both_first_and_third_party() {
        let mut g = TrackerGraph::new();
        hit(&mut g, "a.example", "a.example", "b.example", 1.0);
        g.visit(&s("b.example"), 2.0);
        let n = g.node(&s("b.example")).unwrap();
        assert!(n.first_party && n.third_party);
        assert_eq!(g.node_count(), 2);
    }

    #[test]
    fn cookie_names_are_bounded() {
        let mut g = TrackerGraph::new();
        let names: Vec<String> = (0..200).map(|i| format!("c{i}")).collect();
        g.record_cookies(&s("a.example"), &s("t.example"), &names, false, 1.0);
        let n = g.node(&s("t.example")).unwrap();
        assert_eq!(n.cookies.len(), MAX_COOKIE_NAMES + 1);
        assert_eq!(n.cookies["(other)"], 200 - MAX_COOKIE_NAMES as u64);
        assert_eq!(g.edge(&s("a.example"), &s("t.example")).unwrap().cookies_set, 200);
    }

    #[test]
    fn retention_forgets_old_sites() {
        let mut g = TrackerGraph::new();
        hit(&mut g, "a.example", "a.example", "t.example", 1.0);
        hit(&mut g, "b.example", "b.example", "u.example", 10.0);
        hit(&mut g, "a.example", "a.example", "u.example", 1.0);
        g.forget_before(5.0);
        assert!(g.node(&s("a.example")).is_none());
        assert!(g.node(&s("u.example")).is_some());
        assert_eq!(g.edge_count(), 1);
        assert_eq!(g.node(&s("u.example")).unwrap().seen_on, [s("b.example")].into(), "a.example is forgotten inside kept nodes too");
    }
}
