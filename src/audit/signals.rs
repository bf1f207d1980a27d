//! The probe's signals: counts per page and script, the requests that carry
//! data to a third party counted beside them, and a page's scripts judged by
//! what they did.

use std::collections::BTreeMap;

use crate::observe::{ResourceType, ScriptSignal};
use crate::rules::Category;

use super::*;

/// Scripts remembered per page for probe signals.
const MAX_SCRIPTS_PER_PAGE: usize = 256;
/// Pages remembered for probe signals.
const MAX_SIGNAL_PAGES: usize = 10_000;

/// Probe signals: page site → script (URL without query, or "(inline)") → signal → count.
pub type SignalStore = BTreeMap<Site, BTreeMap<String, BTreeMap<String, u64>>>;

impl Auditor {
    /// A probe report of signals left out (sampled out, forged, or named no
    /// script for by tampering): counted, never judged.
    pub(super) fn probe_left_out(&mut self, s: &ScriptSignal) {
        let n = match s.signal {
            Signal::Sampled => &mut self.stats.probe_sampled,
            Signal::Forged => &mut self.stats.probe_forged,
            _ => &mut self.stats.probe_tampered,
        };
        *n = n.saturating_add(u64::from(s.count));
    }

    /// A probe signal: counted for its page and script, and the page's scripts judged again.
    pub(super) fn script_signal(&mut self, s: ScriptSignal) {
        if self.signals.len() >= MAX_SIGNAL_PAGES && !self.signals.contains_key(&s.page.site) {
            return;
        }
        let scripts = self.signals.entry(s.page.site.clone()).or_default();
        let key = match &s.script {
            Some(u) => format!("{}{}", u.host, u.url.path()).chars().take(300).collect(),
            None => "(inline)".to_owned(),
        };
        if scripts.len() >= MAX_SCRIPTS_PER_PAGE && !scripts.contains_key(&key) {
            return;
        }
        crate::behaviour::record(scripts.entry(key).or_default(), &s.signal, s.count);
        self.rejudge(&s.page.site, s.tab, s.time);
    }

    /// Counts a request that carries data to a third party (not a script,
    /// style or font), on a page whose scripts the probe reports on: sending
    /// from a Web Worker, where no probe runs, shows only here.
    pub(super) fn count_sent(&mut self, page: &Site, to: &Site, t: ResourceType, tab: TabId, time: f64) {
        use ResourceType::*;
        if !matches!(t, Xmlhttprequest | Ping | Websocket | Image | Other) {
            return;
        }
        let Some(scripts) = self.signals.get_mut(page) else {
            return;
        };
        let key = format!("{}{to}", crate::behaviour::REQUESTS_TO);
        if scripts.len() >= MAX_SCRIPTS_PER_PAGE && !scripts.contains_key(&key) {
            return;
        }
        let n = scripts.entry(key).or_default().entry("requests".into()).or_default();
        *n = n.saturating_add(1);
        // Requests count for "sent more than once": only the second can change a judgement.
        if *n == 2 {
            self.rejudge(page, tab, time);
        }
    }

    /// Judges a page's scripts by what they did ([`crate::behaviour::judge`]);
    /// a behaviour new for the page is learned, drawn on its vendor's node
    /// and row, and, for a first-party script, listed in the page's report.
    fn rejudge(&mut self, page: &Site, tab: TabId, time: f64) {
        let Some(scripts) = self.signals.get(page) else {
            return;
        };
        for f in crate::behaviour::judge(page, scripts) {
            use crate::behaviour::Kind;
            let what = match f.kind {
                Kind::SessionReplay => Some(crate::learn::Tracking::SessionReplay),
                Kind::KeyLogging => Some(crate::learn::Tracking::KeyLogging),
                Kind::CanvasFingerprinting | Kind::FontFingerprinting => Some(crate::learn::Tracking::Fingerprinting),
                Kind::Webgl | Kind::Audio => None,
            };
            let Some(seen) = self.learner.saw_behaviour(&f, page, time) else {
                continue;
            };
            let line = evidence_line(&seen.evidence());
            let categories: Vec<Category> = f.kind.category().into_iter().collect();
            if let (Some(what), false) = (what, f.first_party) {
                self.tracking(&f.vendor, page, what);
            }
            if !f.first_party {
                self.graph.classify(&f.vendor, None, None, &categories, !categories.is_empty(), std::slice::from_ref(&line));
            }
            let Some(t) = self.tabs.get_mut(&tab).filter(|t| t.page.site == *page) else {
                continue;
            };
            if f.first_party {
                if t.report.behaviour.len() < 32 {
                    t.report.behaviour.push(line);
                }
            } else if let Some(row) = t.report.third_parties.get_mut(&f.vendor) {
                crate::rules::merge_categories(&mut row.categories, categories.iter().copied());
                row.tracker |= !categories.is_empty();
            }
            self.changed_tabs.insert(tab);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::fixtures::raw::*;
    use crate::classify::Evidence;
    use crate::observe::RawScriptSignal;

    #[test]
    fn probe_signals_are_stored_with_their_page() {
        let mut a = Auditor::with_default_pack();
        for (sig, n) in [(Signal::Listener { event: "mousemove".into() }, 3), (Signal::MutationObserver, 1), (Signal::Listener { event: "mousemove".into() }, 2)] {
            a.observe_raw(&RawEvent::ScriptSignal(RawScriptSignal {
                tab: 1,
                time: 1.0,
                page_url: "https://news.example/a".into(),
                script_url: "https://rec.example/recorder.js?v=2".into(),
                signal: sig,
                count: n,
            }))
            .unwrap();
        }
        let page = &a.signals()[&Site::of("news.example").unwrap()];
        let script = &page["rec.example/recorder.js"];
        assert_eq!(script["listener:mousemove"], 5);
        assert_eq!(script["mutation_observer"], 1);
    }

    fn signal(tab: TabId, page: &str, script: &str, signal: Signal, count: u32, time: f64) -> RawEvent {
        RawEvent::ScriptSignal(RawScriptSignal { tab, time, page_url: page.into(), script_url: script.into(), signal, count })
    }

    #[test]
    fn sampled_forged_and_tampered_probe_reports_are_counted_not_judged() {
        let mut a = Auditor::with_default_pack();
        a.observe_raw(&nav(1, "https://news.example/", 1.0)).unwrap();
        for (s, n) in [(Signal::Sampled, 3), (Signal::Forged, 5), (Signal::Tamper, 7)] {
            a.observe_raw(&signal(1, "https://news.example/", "", s, n, 2.0)).unwrap();
        }
        let st = a.stats();
        assert_eq!((st.probe_sampled, st.probe_forged, st.probe_tampered), (3, 5, 7));
        assert!(a.signals().is_empty(), "nothing is recorded against a script");
    }

    #[test]
    fn a_recorder_no_list_names_is_caught_by_what_it_does() {
        let mut a = Auditor::with_default_pack();
        a.observe_raw(&nav(1, "https://news.example/", 1.0)).unwrap();
        let v = a.observe_raw(&req(1, "https://cdn.rec-unlisted.example/r.js", 2.0)).unwrap().unwrap();
        assert!(!v.tracker, "no pack names it: {v:?}");
        let rec = Site::of("rec-unlisted.example").unwrap();
        let (page, script) = ("https://news.example/", "https://cdn.rec-unlisted.example/r.js");
        let l = |e: &str| Signal::Listener { event: e.into() };
        for s in [l("mousemove"), l("scroll"), l("keydown"), Signal::MutationObserver] {
            a.observe_raw(&signal(1, page, script, s, 1, 3.0)).unwrap();
        }
        assert!(!a.graph().node(&rec).unwrap().tracker, "nothing sent back yet");
        // It sends from a Web Worker: the requests webRequest sees are what counts.
        for i in 0..3 {
            let mut r = req(1, "https://ingest.rec-unlisted.example/batch", 4.0 + f64::from(i));
            if let RawEvent::Request(x) = &mut r {
                x.resource_type = "xmlhttprequest".into();
            }
            a.observe_raw(&r).unwrap();
        }
        let node = a.graph().node(&rec).unwrap();
        assert!(node.tracker && node.categories.contains(&Category::SessionReplay), "{node:?}");
        let line = node.evidence.iter().find(|e| e.starts_with("behaviour session-replay")).expect("the behaviour is the evidence");
        assert!(line.contains("records your mouse, keys and page changes: 2 mouse and scroll listeners, 1 key and input listener, DOM observer, 2 batches sent to rec-unlisted.example (on news.example, script cdn.rec-unlisted.example/r.js, 1970-01-01T00:00:00Z)"), "{line}");
        let row = &a.tab_report(1).unwrap().third_parties[&rec];
        assert!(row.tracker && row.categories.contains(&Category::SessionReplay));
        // Later requests to it, on any page, carry the behaviour.
        a.observe_raw(&nav(2, "https://shop.example/", 9.0)).unwrap();
        let v = a.observe_raw(&req(2, "https://cdn.rec-unlisted.example/r.js", 10.0)).unwrap().unwrap();
        assert!(v.tracker && v.categories.contains(&Category::SessionReplay), "{v:?}");
        assert!(v.evidence.iter().any(|e| matches!(e, Evidence::Behaviour { kind, .. } if kind == "session-replay")));
        // A snapshot keeps what was learned.
        let mut b = Auditor::with_default_pack();
        b.restore(&a.snapshot()).unwrap();
        b.observe_raw(&nav(3, "https://third.example/", 11.0)).unwrap();
        assert!(b.observe_raw(&req(3, "https://cdn.rec-unlisted.example/r.js", 12.0)).unwrap().unwrap().tracker);
    }

    #[test]
    fn a_first_party_recorder_is_listed_in_the_page_report() {
        let mut a = Auditor::with_default_pack();
        a.observe_raw(&nav(1, "https://news.example/", 1.0)).unwrap();
        let (page, script) = ("https://news.example/", "https://www.news.example/bundle.js");
        let l = |e: &str| Signal::Listener { event: e.into() };
        for s in [l("pointermove"), l("wheel"), l("input"), Signal::DomSnapshot, Signal::Send { via: "beacon".into(), host: "www.news.example".into() }] {
            a.observe_raw(&signal(1, page, script, s, 2, 2.0)).unwrap();
        }
        let r = a.tab_report(1).unwrap();
        assert_eq!(r.behaviour.len(), 1, "{:?}", r.behaviour);
        assert!(r.behaviour[0].starts_with("behaviour session-replay: records your mouse") && r.behaviour[0].contains("first-party script www.news.example/bundle.js"), "{}", r.behaviour[0]);
        assert!(!a.graph().node(&Site::of("news.example").unwrap()).is_some_and(|n| n.tracker), "the page itself is not drawn as a tracker");
    }

    #[test]
    fn a_key_logger_no_list_names_is_caught_and_its_words_come_from_the_core() {
        let mut a = Auditor::with_default_pack();
        a.observe_raw(&nav(1, "https://shop.example/", 1.0)).unwrap();
        a.observe_raw(&req(1, "https://cdn.keys-unlisted.example/k.js", 2.0)).unwrap();
        let keys = Site::of("keys-unlisted.example").unwrap();
        let typed = |fields: &[(&str, &str)]| Signal::TypedSent {
            via: "beacon".into(),
            host: "in.keys-unlisted.example".into(),
            fields: fields.iter().map(|(f, e)| crate::observe::Typed { field: (*f).into(), encoding: (*e).into() }).collect(),
        };
        a.observe_raw(&signal(1, "https://shop.example/", "https://cdn.keys-unlisted.example/k.js", typed(&[("password", "sha256")]), 1, 3.0)).unwrap();
        let node = a.graph().node(&keys).unwrap();
        assert!(node.tracker && node.categories.contains(&Category::SessionReplay), "{node:?}");
        let line = node.evidence.iter().find(|e| e.starts_with("behaviour key-logging")).expect("key logging is the evidence");
        assert!(line.starts_with("behaviour key-logging: sends what you type before you submit it, a password among it: a password field as its SHA-256 hash, 1 time to keys-unlisted.example (on shop.example, script cdn.keys-unlisted.example/k.js"), "{line}");
        assert!(a.tab_report(1).unwrap().third_parties[&keys].categories.contains(&Category::SessionReplay));
        // What a page puts where the core expects a field's kind or an encoding is not kept as it wrote it.
        let mut odd = typed(&[("<b>card</b>", "rot13\u{1b}[2J")]);
        if let Signal::TypedSent { via, fields, .. } = &mut odd {
            *via = "x".repeat(100);
            fields.extend(std::iter::repeat_n(fields[0].clone(), 50));
        }
        a.observe_raw(&signal(1, "https://shop.example/", "https://cdn.keys-unlisted.example/k.js", odd, 1, 4.0)).unwrap();
        let counts = &a.signals()[&Site::of("shop.example").unwrap()]["cdn.keys-unlisted.example/k.js"];
        assert!(counts.contains_key("typed:other:other") && !counts.keys().any(|k| k.contains('<') || k.contains("rot13")), "{counts:?}");
        assert_eq!(counts["typed:other:other"], 8, "at most 8 fields a sending");
    }
}
