//! Versioned snapshots of an auditor's learned state (graph, learner, probe
//! signals, counters, open tabs' reports), so the extension survives service-worker restarts and
//! browser restarts. Rule packs are not part of a snapshot: they are reloaded.
//!
//! Every snapshot carries `format` and `version`; [`migrate`] brings older
//! versions up to [`VERSION`] before anything reads them. A snapshot of the
//! current version is read straight into its types, in one pass.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::audit::{Auditor, PageReport, SignalStore, Stats};
use crate::error::InputError;
use crate::export::json;
use crate::graph::{Edge, Node, TrackerGraph};
use crate::learn::Learner;
use crate::observe::TabId;
use crate::site::Site;

pub const FORMAT: &str = "telltale-snapshot";
/// History: 1 had no `tabs`; 2 adds the open tabs' page reports; 3 stores the
/// graph as [`StoredGraph`] instead of the Telltale JSON export.
pub const VERSION: u32 = 3;

#[derive(Serialize, Deserialize)]
struct Snapshot<G> {
    format: String,
    version: u32,
    graph: G,
    learner: Learner,
    signals: SignalStore,
    stats: Stats,
    /// (tab, page URL, report)
    tabs: Vec<(TabId, String, PageReport)>,
}

/// The graph inside a snapshot: nodes as they are, each edge as one array
/// ([`StoredEdge`]). Unlike the export (versions 1 and 2 embedded it), it has
/// no derived `reach`, no flattened records and no per-edge field names, so
/// serde reads it in one pass and a large graph takes less storage.
#[derive(Serialize, Deserialize)]
struct StoredGraph {
    nodes: Vec<Node>,
    edges: Vec<StoredEdge>,
    /// `[source, target, {cookie name: syncs}]` for edges that sync cookies.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    syncs: Vec<(Site, Site, std::collections::BTreeMap<String, u64>)>,
}

/// `[source, target, requests, cookies_set, cookies_sent, redirects, blocked,
/// {resource type: requests}, first_seen, last_seen]`
type StoredEdge = (Site, Site, u64, u64, u64, u64, u64, std::collections::BTreeMap<String, u64>, f64, f64);

impl StoredGraph {
    fn of(g: &TrackerGraph) -> StoredGraph {
        let edge = |(a, b, e): (&Site, &Site, &Edge)| {
            let e = e.clone();
            (a.clone(), b.clone(), e.requests, e.cookies_set, e.cookies_sent, e.redirects, e.blocked, e.resource_types, e.first_seen, e.last_seen)
        };
        StoredGraph {
            nodes: crate::export::sorted_nodes(g).into_iter().cloned().collect(),
            edges: crate::export::sorted_edges(g).into_iter().map(edge).collect(),
            syncs: crate::export::sorted_edges(g).into_iter().filter(|(_, _, e)| !e.syncs.is_empty()).map(|(a, b, e)| (a.clone(), b.clone(), e.syncs.clone())).collect(),
        }
    }

    fn into_graph(self) -> Result<TrackerGraph, InputError> {
        let mut syncs: std::collections::HashMap<(Site, Site), std::collections::BTreeMap<String, u64>> = self.syncs.into_iter().map(|(a, b, s)| ((a, b), s)).collect();
        let edges = self.edges.into_iter().map(|(a, b, requests, cookies_set, cookies_sent, redirects, blocked, resource_types, first_seen, last_seen)| {
            let syncs = syncs.remove(&(a.clone(), b.clone())).unwrap_or_default();
            (a, b, Edge { requests, cookies_set, cookies_sent, redirects, blocked, resource_types, syncs, first_seen, last_seen })
        });
        TrackerGraph::from_parts(self.nodes, edges.collect()).map_err(|e| InputError::whole(SNAPSHOT, e))
    }
}

/// What a snapshot's errors name as their file.
const SNAPSHOT: &str = "snapshot";

/// Brings a snapshot of any known version to the current one.
pub fn migrate(mut v: Value) -> Result<Value, InputError> {
    let format = v.get("format").and_then(Value::as_str).unwrap_or("");
    if format != FORMAT {
        return Err(InputError::whole(SNAPSHOT, format!("not a Telltale snapshot: expected \"format\": \"{FORMAT}\"")));
    }
    let version = v.get("version").and_then(Value::as_u64).ok_or_else(|| InputError::whole(SNAPSHOT, "no numeric \"version\""))?;
    match version {
        1 | 2 => {
            if version == 1 {
                // Version 1 kept no tabs: restore with none open.
                v["tabs"] = Value::Array(vec![]);
            }
            // Versions 1 and 2 embedded the graph as its Telltale JSON export.
            let graph = json::from_value(SNAPSHOT, v.get_mut("graph").map(Value::take).unwrap_or(Value::Null))?;
            v["graph"] = serde_json::to_value(StoredGraph::of(&graph)).expect("graph values serialise");
        }
        3 => {}
        n if n > u64::from(VERSION) => return Err(InputError::whole(SNAPSHOT, format!("version {n} is newer than this Telltale understands ({VERSION})"))),
        n => return Err(InputError::whole(SNAPSHOT, format!("version {n} is unknown"))),
    }
    v["version"] = Value::from(VERSION);
    Ok(v)
}

impl Auditor {
    /// The learned state as JSON text.
    pub fn snapshot(&self) -> String {
        let s = Snapshot {
            format: FORMAT.into(),
            version: VERSION,
            graph: StoredGraph::of(&self.graph),
            learner: self.learner.clone(),
            signals: self.signals.clone(),
            stats: self.stats.clone(),
            tabs: self.tabs_state(),
        };
        serde_json::to_string(&s).expect("snapshot values serialise")
    }

    /// Replaces the learned state with a snapshot's. On error nothing changes.
    ///
    /// The current version is read straight into its types; anything else (an
    /// older version, or text that does not fit) goes through [`migrate`] on a
    /// JSON tree, which also words the errors.
    pub fn restore(&mut self, text: &str) -> Result<(), InputError> {
        let s = match serde_json::from_str::<Snapshot<StoredGraph>>(text) {
            Ok(s) if s.format == FORMAT && s.version == VERSION => s,
            _ => {
                let v: Value = serde_json::from_str(text).map_err(|e| InputError::json(SNAPSHOT, &e))?;
                serde_json::from_value(migrate(v)?).map_err(|e| InputError::whole(SNAPSHOT, e.to_string()))?
            }
        };
        self.graph = s.graph.into_graph()?;
        let setting = self.learner.clone();
        self.learner = s.learner;
        // A setting, not learned state: it stays as set.
        self.learner.keep_setting(&setting);
        self.signals = s.signals;
        self.stats = s.stats;
        self.set_tabs_state(s.tabs);
        Ok(())
    }

    /// "Export all": the snapshot with the user's choices in it (`"choices"`).
    pub fn export_all(&self) -> String {
        let mut v: Value = serde_json::from_str(&self.snapshot()).expect("a snapshot is JSON");
        v["choices"] = serde_json::from_str(&self.policy.to_json()).expect("choices are JSON");
        serde_json::to_string(&v).expect("JSON values serialise")
    }

    /// What restoring an "export all" file would replace, and with what:
    /// the file's recorded data and choices beside what is in force now, so
    /// the person can see it before anything changes. Errors as
    /// [`Auditor::import_all`]'s.
    pub fn import_summary(&self, text: &str) -> Result<ImportSummary, InputError> {
        let mut from_file = Auditor::new();
        from_file.import_all(text)?;
        let file_has_choices = serde_json::from_str::<Value>(text).ok().is_some_and(|v| v.get("choices").is_some());
        Ok(ImportSummary { file: Held::of(&from_file, file_has_choices), now: Held::of(self, true) })
    }

    /// Restores an "export all" file (or a bare snapshot): the learned state
    /// and, when the file has them, the choices. On error nothing changes.
    pub fn import_all(&mut self, text: &str) -> Result<(), InputError> {
        let v: Value = serde_json::from_str(text).map_err(|e| InputError::json("export", &e))?;
        let choices = match v.get("choices") {
            Some(c) => Some(crate::policy::Policy::from_json(&c.to_string())?),
            None => None,
        };
        self.restore(text)?;
        if let Some(p) = choices {
            self.set_policy(p);
        }
        Ok(())
    }
}

/// What an "export all" file holds beside what Telltale holds now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    pub file: Held,
    pub now: Held,
}

/// Recorded data and choices, counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Held {
    /// Sites visited (first parties).
    pub sites: usize,
    pub third_parties: usize,
    pub trackers: usize,
    /// Choices in force; `None` when a file has none (importing it keeps the current ones).
    pub choices: Option<usize>,
}

impl Held {
    fn of(a: &Auditor, with_choices: bool) -> Held {
        let nodes = || a.graph.nodes();
        Held {
            sites: nodes().filter(|n| n.first_party).count(),
            third_parties: nodes().filter(|n| n.third_party).count(),
            trackers: nodes().filter(|n| n.tracker).count(),
            choices: with_choices.then(|| a.policy.choices().count()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observe::{RawEvent, RawNavigation, RawRequest, RawResponse};

    #[test]
    fn export_all_carries_the_choices() {
        use crate::policy::{Choice, Intent};
        let mut a = Auditor::with_default_pack();
        a.observe_raw(&RawEvent::Navigation(RawNavigation { url: "https://a.example/".into(), tab: 1, time: 1.0 })).unwrap();
        a.act(&Intent::Block { site: "static.hotjar.com".into() }, 1, 2.0).unwrap();
        a.act(&Intent::Trust { site: "a.example".into() }, 1, 3.0).unwrap();
        let all = a.export_all();
        let mut b = Auditor::with_default_pack();
        b.import_all(&all).unwrap();
        assert_eq!(b.policy(), a.policy());
        assert!(b.policy().has(&Choice::BlockCompany { company: "Contentsquare".into() }));
        assert_eq!(b.graph(), a.graph());
        // A bare snapshot keeps the choices already made.
        b.import_all(&Auditor::with_default_pack().snapshot()).unwrap();
        assert!(b.policy().has(&Choice::TrustSite { site: crate::Site::of("a.example").unwrap() }));
        assert!(b.import_all("{\"format\": \"telltale-snapshot\", \"choices\": 7}").is_err());
    }

    #[test]
    fn an_import_says_what_it_would_replace_and_changes_nothing() {
        use crate::policy::Intent;
        let mut a = Auditor::with_default_pack();
        a.observe_raw(&RawEvent::Navigation(RawNavigation { url: "https://a.example/".into(), tab: 1, time: 1.0 })).unwrap();
        a.observe_raw(&RawEvent::Request(RawRequest { url: "https://static.hotjar.com/c/h.js".into(), resource_type: "script".into(), tab: 1, time: 2.0, ..Default::default() })).unwrap();
        a.act(&Intent::Block { site: "static.hotjar.com".into() }, 1, 2.0).unwrap();
        let file = a.export_all();
        let mut b = Auditor::with_default_pack();
        b.act(&Intent::Trust { site: "b.example".into() }, 1, 1.0).unwrap();
        b.act(&Intent::Trust { site: "c.example".into() }, 1, 1.0).unwrap();
        let before = b.snapshot();
        let s = b.import_summary(&file).unwrap();
        assert_eq!(s.file, Held { sites: 1, third_parties: 1, trackers: 1, choices: Some(1) });
        assert_eq!(s.now, Held { sites: 0, third_parties: 0, trackers: 0, choices: Some(2) });
        assert_eq!(b.snapshot(), before);
        assert_eq!(b.import_summary(&a.snapshot()).unwrap().file.choices, None, "a bare snapshot brings no choices");
        assert!(b.import_summary("{").unwrap_err().to_string().starts_with("export:1:1: EOF while parsing"));
    }

    #[test]
    fn snapshot_round_trips_and_bad_ones_change_nothing() {
        let mut a = Auditor::with_default_pack();
        a.observe_raw(&RawEvent::Navigation(RawNavigation { url: "https://a.example/".into(), tab: 1, time: 1.0 })).unwrap();
        a.observe_raw(&RawEvent::Request(RawRequest { url: "https://t.example/x".into(), tab: 1, time: 2.0, ..Default::default() })).unwrap();
        a.observe_raw(&RawEvent::Response(RawResponse { url: "https://t.example/x".into(), tab: 1, set_cookie: vec!["id=1".into()], ..Default::default() })).unwrap();
        let snap = a.snapshot();
        let mut b = Auditor::with_default_pack();
        b.restore(&snap).unwrap();
        assert_eq!(b.graph(), a.graph());
        assert_eq!(b.learner, a.learner);
        assert_eq!(b.stats(), a.stats());
        assert_eq!(b.snapshot(), snap);
        assert_eq!(b.tab_report(1), a.tab_report(1), "open tabs survive");

        // Versions 1 and 2 embedded the graph as its Telltale JSON export; 1 had no tabs.
        let mut v2: Value = serde_json::from_str(&snap).unwrap();
        v2["version"] = 2.into();
        v2["graph"] = serde_json::from_str(&crate::export::json::write(a.graph())).unwrap();
        let mut c = Auditor::with_default_pack();
        c.restore(&v2.to_string()).unwrap();
        assert_eq!(c.graph(), a.graph());
        assert_eq!(c.tab_report(1), a.tab_report(1));
        assert_eq!(c.snapshot(), snap, "a migrated snapshot is written in the current version");

        let mut v1 = v2.clone();
        v1["version"] = 1.into();
        v1.as_object_mut().unwrap().remove("tabs");
        let mut c = Auditor::with_default_pack();
        c.restore(&v1.to_string()).unwrap();
        assert_eq!(c.graph(), a.graph());
        assert!(c.tab_report(1).is_none());

        // A version-2 snapshot whose graph is in the current form is not taken for one.
        let mut wrong = v2.clone();
        wrong["graph"] = serde_json::from_str::<Value>(&snap).unwrap()["graph"].clone();
        assert!(b.restore(&wrong.to_string()).is_err());

        for bad in [
            "",
            "{",
            "{\"format\":\"x\"}",
            "{\"format\":\"telltale-snapshot\",\"version\":99}",
            "{\"format\":\"telltale-snapshot\"}",
            "{\"format\":\"telltale-snapshot\",\"version\":2}",
            "{\"format\":\"telltale-snapshot\",\"version\":3}",
        ] {
            assert!(b.restore(bad).is_err(), "{bad}");
        }
        assert_eq!(b.graph(), a.graph(), "a failed restore keeps the state");
    }
}
