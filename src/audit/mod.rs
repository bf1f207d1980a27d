//! The [`Auditor`]: the one door for embedders (the extension's wasm facade
//! and the CLI). Observations go in; verdicts, page reports, the graph and
//! exports come out.
//!
//! Parts: `requests.rs`, third-party requests, who loaded them, blocked
//! attempts and requests taken back; `navigation.rs`, tabs, their pages and
//! their documents' redirect hops; `cookies.rs`, cookies set and sent,
//! cross-site cookies and cookie syncing; `signals.rs`, the probe's signals
//! and scripts judged by what they did; `learned.rs`, trackers learned and
//! what learning changes in every open report; `report.rs`, page reports,
//! stats, closed tabs' reports and evidence lines.

use std::collections::{BTreeSet, HashMap, VecDeque};

use crate::classify::Verdict;
use crate::graph::TrackerGraph;
use crate::learn::Learner;
use crate::observe::{Observation, ObserveError, RawEvent, Signal, TabId};
use crate::policy::{self, Capabilities, Compiled, Intent, Policy, PolicyError};
use crate::error::InputError;
use crate::rules::{RuleIndex, RulePack};
use crate::site::Site;

mod cookies;
mod learned;
mod navigation;
mod report;
mod requests;
mod signals;

use learned::Learned;
use navigation::Tab;
use requests::Recorded;

pub use report::{evidence_line, ClosedReport, PageReport, Stats, ThirdParty};
pub use signals::SignalStore;

/// The auditor: rules, learner, graph, and the state of open tabs.
#[derive(Debug, Clone)]
pub struct Auditor {
    rules: RuleIndex,
    /// What each loaded pack holds, in load order.
    packs: Vec<crate::rules::Summary>,
    pub(crate) learner: Learner,
    pub(crate) graph: TrackerGraph,
    pub(crate) signals: SignalStore,
    pub(crate) stats: Stats,
    pub(crate) policy: Policy,
    tabs: HashMap<TabId, Tab>,
    redirects: VecDeque<(String, Site)>,
    recent: VecDeque<Recorded>,
    /// Tabs whose report changed since [`Auditor::take_changed_tabs`].
    changed_tabs: BTreeSet<TabId>,
    /// Salted hashes of third parties' identifier-like cookie values, in
    /// memory only (never in a snapshot).
    cookie_ids: crate::sync::CookieIds,
    /// What learning changed in every open tab's report, in order, kept
    /// once a tab has been closed with [`Auditor::close_tab`] (so its report
    /// can be brought up to date: [`Auditor::settle`]); one entry a learned site.
    learned: Option<Vec<Learned>>,
}

impl Default for Auditor {
    fn default() -> Self {
        Auditor::new()
    }
}

impl Auditor {
    /// An auditor with no rule packs.
    pub fn new() -> Auditor {
        Auditor {
            rules: RuleIndex::new(),
            packs: Vec::new(),
            learner: Learner::default(),
            graph: TrackerGraph::new(),
            signals: SignalStore::new(),
            stats: Stats::default(),
            policy: Policy::new(),
            tabs: HashMap::new(),
            redirects: VecDeque::new(),
            recent: VecDeque::new(),
            changed_tabs: BTreeSet::new(),
            cookie_ids: crate::sync::CookieIds::new(crate::sync::Salt::random()),
            learned: None,
        }
    }

    /// An auditor with the default pack loaded: its entities, and natively
    /// its EasyList and EasyPrivacy layers too (EasyPrivacy last, so it
    /// decides a request both block). The extension loads those layers
    /// compiled at build time ([`Auditor::load_compiled`]), so a worker never
    /// parses them.
    pub fn with_default_pack() -> Auditor {
        let mut a = Auditor::new();
        let pack = RulePack::default_pack();
        a.rules.add_built_in(&pack);
        a.packs.push(crate::rules::summary(&pack));
        #[cfg(not(target_arch = "wasm32"))]
        {
            // The filter layers' engines are built from their lists' text at
            // every start, the larger part of it: the two side by side.
            let build = |pack: RulePack| {
                let layer = crate::rules::filters::FilterLayer::build(&pack.name, &pack.filter_lists, &pack.sources);
                (pack, layer)
            };
            let layers = std::thread::scope(|s| {
                let ads = s.spawn(|| build(RulePack::default_ad_filters()));
                let privacy = build(RulePack::default_filters());
                [ads.join().expect("the default advertising layer builds"), privacy]
            });
            // In load order: EasyList's sections, then EasyPrivacy, which decides a request both block.
            for (pack, layer) in layers {
                a.rules.add_entities(&pack);
                a.rules.add_filter_layer(layer);
                a.packs.push(crate::rules::summary(&pack));
            }
        }
        a
    }

    /// Loads a pack compiled by [`crate::rules::compiled::compile`]; with
    /// `expected_hash`, only if it was compiled from that text. On error
    /// nothing changes (compile the text again).
    pub fn load_compiled(&mut self, bytes: &[u8], expected_hash: Option<u32>) -> Result<&crate::rules::Summary, InputError> {
        let loaded = crate::rules::compiled::from_bytes(bytes, expected_hash)?;
        self.rules.add_entities(&loaded.pack);
        let s = crate::rules::summary_counted(&loaded.pack, Some(&loaded.filter_counts));
        if let Some(layer) = loaded.layer {
            self.rules.add_filter_layer(layer);
        }
        self.packs.push(s);
        Ok(self.packs.last().expect("just pushed"))
    }

    /// Loads a rule list in any format Telltale reads (a native pack, or one
    /// it imports, told by content); on error nothing changes.
    pub fn load_pack(&mut self, file: &str, text: &str) -> Result<&crate::rules::Summary, InputError> {
        let pack = crate::rules::import::parse_any(file, text)?.pack;
        Ok(self.add_pack(pack))
    }

    /// Adds a pack already read and checked ([`RulePack::read`], [`RulePack::parse`]).
    pub fn add_pack(&mut self, pack: RulePack) -> &crate::rules::Summary {
        self.rules.add(&pack);
        self.packs.push(crate::rules::summary(&pack));
        self.packs.last().expect("just pushed")
    }

    /// What each loaded pack holds, in load order (later packs take precedence).
    pub fn packs(&self) -> &[crate::rules::Summary] {
        &self.packs
    }

    pub fn rules(&self) -> &RuleIndex {
        &self.rules
    }

    pub fn graph(&self) -> &TrackerGraph {
        &self.graph
    }

    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    pub fn signals(&self) -> &SignalStore {
        &self.signals
    }

    /// The user's choices.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Replaces the user's choices (loaded from storage or an import).
    pub fn set_policy(&mut self, p: Policy) {
        self.policy = p;
        self.changed_tabs.extend(self.tabs.keys().copied());
    }

    /// Carries out a person's click from `tab`; returns the action's label.
    pub fn act(&mut self, intent: &Intent, tab: TabId, time: f64) -> Result<String, PolicyError> {
        let label = self.policy.act(intent, tab, time, &self.rules, &self.graph)?;
        self.changed_tabs.extend(self.tabs.keys().copied());
        Ok(label)
    }

    /// The vendor pages a click opens (a company's opt-out pages).
    pub fn pages_to_open(&self, intent: &Intent) -> Vec<String> {
        policy::pages_to_open(intent, &self.rules, &self.graph)
    }

    /// What the choices come to, for this browser's capabilities.
    pub fn compile_policy(&self, caps: &Capabilities) -> Compiled {
        policy::compile(&self.policy, &self.rules, &self.graph, caps)
    }

    /// Normalises and observes a raw event. Unusable events are counted in
    /// [`Stats`] and their error returned.
    pub fn observe_raw(&mut self, raw: &RawEvent) -> Result<Option<Verdict>, ObserveError> {
        self.stats.events += 1;
        self.remember_cookie_values(raw);
        match Observation::from_raw(raw) {
            Ok(obs) => Ok(self.observe(obs)),
            Err(e) => {
                match e {
                    ObserveError::NotNetwork { .. } => self.stats.not_network += 1,
                    ObserveError::BadUrl { .. } => self.stats.bad_urls += 1,
                }
                Err(e)
            }
        }
    }

    /// Observes one event. Requests return their verdict.
    pub fn observe(&mut self, obs: Observation) -> Option<Verdict> {
        match obs {
            Observation::Navigation(n) => {
                self.navigated(n);
                None
            }
            Observation::TabClosed(tab) => {
                self.tabs.remove(&tab);
                None
            }
            Observation::Request(r) => self.request(r),
            Observation::SentCookies(s) => {
                self.sent_cookies(s);
                None
            }
            Observation::Response(resp) => {
                self.stats.malformed_cookies += resp.malformed_cookies as u64;
                if let Some(target) = &resp.redirect_to {
                    self.redirected(target, &resp.url.site);
                    self.document_redirected(&resp, target);
                }
                self.response_cookies(&resp);
                None
            }
            Observation::Failure(f) => {
                self.failed(f);
                None
            }
            Observation::ScriptSignal(s) if matches!(s.signal, Signal::Sampled | Signal::Forged | Signal::Tamper) => {
                self.probe_left_out(&s);
                None
            }
            Observation::ScriptSignal(s) => {
                self.script_signal(s);
                None
            }
        }
    }

    /// Forgets everything last seen before `cutoff` (ms since epoch).
    pub fn forget_before(&mut self, cutoff: f64) {
        let before: BTreeSet<Site> = self.graph.nodes().filter(|n| n.first_party).map(|n| n.site.clone()).collect();
        self.graph.forget_before(cutoff);
        for site in before.iter().filter(|s| self.graph.node(s).is_none()) {
            self.learner.forget_first_party(site);
            self.signals.remove(site);
        }
    }
}

/// What the tests of each part share: raw events to observe, and steps of a
/// browsing session observed at once.
#[cfg(test)]
mod fixtures {
    use super::*;

    /// Raw events, built for [`Auditor::observe_raw`].
    pub(super) mod raw {
        use crate::observe::{RawEvent, RawNavigation, RawRequest, RawResponse, TabId};

        pub(crate) fn req(tab: TabId, url: &str, t: f64) -> RawEvent {
            RawEvent::Request(RawRequest { url: url.into(), resource_type: "script".into(), tab, time: t, ..Default::default() })
        }

        pub(crate) fn nav(tab: TabId, url: &str, t: f64) -> RawEvent {
            RawEvent::Navigation(RawNavigation { url: url.into(), tab, time: t })
        }

        pub(crate) fn set_cookie(tab: TabId, url: &str, cookie: &str) -> RawEvent {
            RawEvent::Response(RawResponse { url: url.into(), tab, status: 200, set_cookie: vec![cookie.into()], ..Default::default() })
        }
    }

    /// Steps of a browsing session, observed by the auditor they are given.
    pub(super) mod observed {
        use super::*;
        use crate::observe::{RawNavigation, RawRequest};

        pub(crate) fn nav(a: &mut Auditor, tab: TabId, url: &str, t: f64) {
            a.observe_raw(&RawEvent::Navigation(RawNavigation { url: url.into(), tab, time: t })).unwrap();
        }

        pub(crate) fn req(a: &mut Auditor, tab: TabId, url: &str, t: &str, cookie: Option<&str>, time: f64) {
            a.observe_raw(&RawEvent::Request(RawRequest { url: url.into(), resource_type: t.into(), tab, time, cookie_header: cookie.map(str::to_owned), ..Default::default() })).unwrap();
        }

        pub(crate) fn s(x: &str) -> Site {
            Site::of(x).unwrap()
        }

        /// The default pack's entities without its filter layer (which names every third-party ping).
        pub(crate) fn entities_only() -> Auditor {
            let mut a = Auditor::new();
            a.add_pack(RulePack::default_pack());
            a
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::fixtures::raw::*;
    use crate::rules::Category;

    #[test]
    fn a_browsing_session_builds_reports_graph_and_cross_site_flag() {
        let mut a = Auditor::with_default_pack();
        a.observe_raw(&nav(1, "https://news.example/", 1.0)).unwrap();
        let v = a.observe_raw(&req(1, "https://static.hotjar.com/c/hotjar-1.js", 2.0)).unwrap().unwrap();
        assert!(v.tracker && v.categories.contains(&Category::SessionReplay));
        a.observe_raw(&req(1, "https://news.example/app.js", 2.5)).unwrap();
        a.observe_raw(&req(1, "https://px.cookie-tracker.example/p.gif", 3.0)).unwrap();
        a.observe_raw(&set_cookie(1, "https://px.cookie-tracker.example/p.gif", "uid=1; SameSite=None; Secure")).unwrap();

        let r = a.tab_report(1).unwrap();
        assert_eq!(r.third_parties.len(), 2);
        assert_eq!(r.tracker_count(), 1);

        a.observe_raw(&nav(2, "https://shop.example/", 4.0)).unwrap();
        a.observe_raw(&req(2, "https://px.cookie-tracker.example/p.gif", 5.0)).unwrap();
        a.observe_raw(&set_cookie(2, "https://px.cookie-tracker.example/p.gif", "uid=1")).unwrap();

        let t = Site::of("cookie-tracker.example").unwrap();
        let node = a.graph().node(&t).unwrap();
        assert!(node.tracker && node.categories.contains(&Category::CrossSiteCookies));
        assert_eq!(node.reach(), 2);
        assert_eq!(node.cookies["uid"], 2);
        assert_eq!(a.tab_report(2).unwrap().tracker_count(), 1);
        assert_eq!(a.tab_report(1).unwrap().tracker_count(), 2, "the flag reaches open tabs too");
        assert_eq!(a.take_changed_tabs(), [1, 2], "both badges need redrawing");
        assert!(a.take_changed_tabs().is_empty());
        assert_eq!(a.stats().third_party_requests, 3);
    }

    #[test]
    fn hostile_events_are_counted_not_fatal() {
        let mut a = Auditor::with_default_pack();
        a.observe_raw(&nav(1, "https://news.example/", 1.0)).unwrap();
        for url in ["data:image/png;base64,AAAA", "blob:https://news.example/x", "about:blank", "file:///x", "chrome-extension://abc/x.js"] {
            assert!(a.observe_raw(&req(1, url, 2.0)).is_err());
        }
        assert!(a.observe_raw(&req(1, "http://<script>alert(1)</script>/", 2.0)).is_err());
        let giant = format!("https://t.example/?{}", "x".repeat(100_000));
        assert!(a.observe_raw(&req(1, &giant, 2.0)).unwrap().unwrap().third_party);
        // A pair with neither name nor value is malformed; "=bad" is a value with no name.
        a.observe_raw(&set_cookie(1, "https://t.example/", "=\n=bad\n<b>=1; Domain=..")).unwrap();
        assert_eq!(a.stats().not_network, 5);
        assert_eq!(a.stats().bad_urls, 1);
        assert_eq!(a.stats().malformed_cookies, 1);
        a.observe_raw(&req(99, "http://192.168.0.1/x", 3.0)).unwrap();
        assert_eq!(a.stats().without_page, 1);
    }
}
