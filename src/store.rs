//! Versioned snapshots of an auditor's learned state (graph, learner, probe
//! signals, counters, open tabs' reports), so the extension survives service-worker restarts and
//! browser restarts. Rule packs are not part of a snapshot: they are reloaded.
//!
//! Every snapshot carries `format` and `version`; [`migrate`] brings older
//! versions up to [`VERSION`] before anything reads them.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::audit::{Auditor, PageReport, SignalStore, Stats};
use crate::export::json;
use crate::observe::TabId;
use crate::learn::Learner;

pub const FORMAT: &str = "telltale-snapshot";
/// History: 1 had no `tabs`; 2 adds the open tabs' page reports.
pub const VERSION: u32 = 2;

/// `G` is the graph as Telltale JSON: typed ([`json::Doc`]) when writing and
/// when reading the current version, a [`Value`] when an older one is migrated.
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

/// Brings a snapshot of any known version to the current one.
pub fn migrate(mut v: Value) -> Result<Value, String> {
    let format = v.get("format").and_then(Value::as_str).unwrap_or("");
    if format != FORMAT {
        return Err(format!("not a Telltale snapshot: expected \"format\": \"{FORMAT}\""));
    }
    let version = v.get("version").and_then(Value::as_u64).ok_or("snapshot has no numeric \"version\"")?;
    match version {
        1 => {
            // Version 1 kept no tabs: restore with none open.
            v["tabs"] = Value::Array(vec![]);
        }
        2 => {}
        n if n > u64::from(VERSION) => {
            return Err(format!("snapshot version {n} is newer than this Telltale understands ({VERSION})"))
        }
        n => return Err(format!("snapshot version {n} is unknown")),
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
            graph: json::doc(&self.graph),
            learner: self.learner.clone(),
            signals: self.signals.clone(),
            stats: self.stats.clone(),
            tabs: self.tabs_state(),
        };
        serde_json::to_string(&s).expect("snapshot values serialise")
    }

    /// Replaces the learned state with a snapshot's. On error nothing changes.
    ///
    /// A snapshot of the current version is read straight into its types, in
    /// one pass; anything else (an older version, or text that does not fit)
    /// goes through [`migrate`] on a JSON tree, which also words the errors.
    pub fn restore(&mut self, text: &str) -> Result<(), String> {
        let current = serde_json::from_str::<Snapshot<json::Doc>>(text)
            .ok()
            .filter(|s| s.format == FORMAT && s.version == VERSION)
            .map(|s| json::from_doc("snapshot", s.graph).map(|graph| (graph, s.learner, s.signals, s.stats, s.tabs)));
        let (graph, learner, signals, stats, tabs) = match current {
            Some(parts) => parts?,
            None => {
                let v: Value =
                    serde_json::from_str(text).map_err(|e| format!("snapshot: line {} column {}: {e}", e.line(), e.column()))?;
                let s: Snapshot<Value> = serde_json::from_value(migrate(v)?).map_err(|e| format!("snapshot: {e}"))?;
                (json::from_value("snapshot", s.graph)?, s.learner, s.signals, s.stats, s.tabs)
            }
        };
        self.graph = graph;
        self.learner = learner;
        self.signals = signals;
        self.stats = stats;
        self.set_tabs_state(tabs);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observe::{RawEvent, RawNavigation, RawRequest, RawResponse};

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

        // A version-1 snapshot (no tabs) still loads.
        let mut v1: Value = serde_json::from_str(&snap).unwrap();
        v1["version"] = 1.into();
        v1.as_object_mut().unwrap().remove("tabs");
        let mut c = Auditor::with_default_pack();
        c.restore(&v1.to_string()).unwrap();
        assert_eq!(c.graph(), a.graph());
        assert!(c.tab_report(1).is_none());

        for bad in ["", "{", "{\"format\":\"x\"}", "{\"format\":\"telltale-snapshot\",\"version\":99}", "{\"format\":\"telltale-snapshot\"}", "{\"format\":\"telltale-snapshot\",\"version\":2}"] {
            assert!(b.restore(bad).is_err(), "{bad}");
        }
        assert_eq!(b.graph(), a.graph(), "a failed restore keeps the state");
    }
}
