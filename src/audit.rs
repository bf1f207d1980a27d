//! The [`Auditor`]: the one door for embedders (the extension's wasm facade
//! and the CLI). Observations go in; verdicts, page reports, the graph and
//! exports come out.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use serde::{Deserialize, Serialize};

use crate::classify::{classify, Evidence, Verdict};
use crate::graph::{Hit, TrackerGraph};
use crate::learn::Learner;
use crate::observe::{Observation, ObserveError, RawEvent, ResourceType, Signal, TabId, WebUrl};
use crate::policy::{self, Capabilities, Compiled, Intent, Policy, PolicyError};
use crate::error::InputError;
use crate::rules::{Category, RuleIndex, RulePack};
use crate::site::Site;

/// Redirect targets remembered while their next hop is awaited.
const MAX_PENDING_REDIRECTS: usize = 1024;
/// Recent third-party requests remembered by id, so one that fails before
/// reaching the network can be taken back.
const MAX_RECENT_REQUESTS: usize = 4096;
/// Scripts remembered per page for probe signals.
const MAX_SCRIPTS_PER_PAGE: usize = 256;
/// Pages remembered for probe signals.
const MAX_SIGNAL_PAGES: usize = 10_000;

/// One third party on a page, as the popup and the CLI show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThirdParty {
    pub site: Site,
    pub entity: Option<String>,
    pub company: Option<String>,
    pub tracker: bool,
    pub categories: BTreeSet<Category>,
    pub requests: u64,
    pub blocked: u64,
}

/// The third parties of one page (a tab's current page, or a HAR page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageReport {
    pub page: String,
    pub site: Site,
    pub third_parties: BTreeMap<Site, ThirdParty>,
    /// What the page's own scripts were seen doing ([`crate::behaviour`]), as evidence lines.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub behaviour: Vec<String>,
}

impl PageReport {
    fn new(page: &WebUrl) -> PageReport {
        PageReport { page: page.url.to_string(), site: page.site.clone(), third_parties: BTreeMap::new(), behaviour: Vec::new() }
    }

    /// Trackers on the page (the badge count).
    pub fn tracker_count(&self) -> usize {
        self.third_parties.values().filter(|t| t.tracker).count()
    }
}

/// Counts of what came in, including what could not be used (never silently dropped).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Stats {
    pub events: u64,
    pub requests: u64,
    pub third_party_requests: u64,
    /// data:, blob:, about:, file:, extension URLs.
    pub not_network: u64,
    pub bad_urls: u64,
    pub malformed_cookies: u64,
    /// Requests with no known page (no tab page and no top URL).
    pub without_page: u64,
    /// Third-party requests stopped by the user's choices (or another blocker).
    pub blocked: u64,
    /// Probe signals left out when a page flooded them (sampled out in the page).
    #[serde(default)]
    pub probe_sampled: u64,
    /// Reports that claimed to be the probe's and were not (forged by a page), ignored.
    #[serde(default)]
    pub probe_forged: u64,
    /// Calls the probe named no script for, because the page had made the
    /// browser's stack-trace settings impossible to replace (tampering).
    #[serde(default)]
    pub probe_tampered: u64,
}

/// Probe signals: page site → script (URL without query, or "(inline)") → signal → count.
pub type SignalStore = BTreeMap<Site, BTreeMap<String, BTreeMap<String, u64>>>;

/// What a recorded third-party request added, to take it back.
#[derive(Debug, Clone)]
struct Recorded {
    id: String,
    from: Site,
    to: Site,
    tab: TabId,
    resource_type: ResourceType,
}

#[derive(Debug, Clone)]
struct Tab {
    page: WebUrl,
    report: PageReport,
    /// Where the page's document redirected: a main-frame request there is
    /// the same page's next hop, not a site of its own.
    hop_to: Option<String>,
    /// Whether opening the page made its site a visited one (a hop takes it back).
    new_visit: bool,
    /// The page this tab showed before, when opening it made its site a
    /// visited one and nothing of it loaded: its redirect, if it arrives
    /// after the next hop's request (events out of order), takes the visit back.
    left: Option<(WebUrl, Site)>,
}

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

/// A change learning made to every open report that lists `site`.
#[derive(Debug, Clone)]
struct Learned {
    site: Site,
    categories: Vec<Category>,
    /// Merged as rules' categories are (a learned tracker), or added as they are (cross-site cookies).
    merge: bool,
}

impl Learned {
    fn apply(&self, report: &mut PageReport) {
        if let Some(tp) = report.third_parties.get_mut(&self.site) {
            if self.merge {
                crate::rules::merge_categories(&mut tp.categories, self.categories.iter().copied());
            } else {
                tp.categories.extend(self.categories.iter().copied());
            }
            tp.tracker = true;
        }
    }
}

/// The report of a closed tab, as it was when closed, and where learning stood then.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosedReport {
    pub report: PageReport,
    /// Changes learned before the tab was closed (already in `report`).
    pub learned: usize,
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

    /// The learning rule's threshold ([`crate::learn::LEARN_MIN_SITES`] by default).
    pub fn set_learn_min_sites(&mut self, n: usize) {
        self.learner.set_learn_min_sites(n);
        // A lower threshold makes learned trackers of what was seen already.
        let now: Vec<Site> = self.learner.learned_trackers().map(|(s, _)| s.clone()).collect();
        for site in now {
            if self.graph.node(&site).is_some_and(|n| !n.evidence.iter().any(|e| e.starts_with("heuristic learned-tracker"))) {
                self.mark_learned(&site);
            }
        }
    }

    /// Starts cookie-sync detection afresh with a new salt (the extension
    /// gives one from the browser's randomness when its worker starts).
    pub fn set_salt(&mut self, salt: crate::sync::Salt) {
        self.cookie_ids = crate::sync::CookieIds::new(salt);
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
            a.add_pack(RulePack::default_ad_filters());
            a.add_pack(RulePack::default_filters());
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

    /// The trackers the heuristics found that no loaded pack names, as a pack.
    pub fn learned_pack(&self, seen_in: &str, version: &str) -> RulePack {
        crate::learn::learned_pack(&self.learner, &self.rules, seen_in, version)
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
                // The main-frame request already opened this page: keep its report.
                if self.tabs.get(&n.tab).is_some_and(|t| t.page == n.url.address()) {
                    self.graph.visit(&n.url.site, n.time);
                } else {
                    self.navigate(n.tab, n.url, n.time);
                }
                None
            }
            Observation::TabClosed(tab) => {
                self.tabs.remove(&tab);
                None
            }
            Observation::Request(r) => {
                self.stats.requests += 1;
                if r.resource_type == ResourceType::MainFrame {
                    // A redirect hop of the tab's document: the page moves on, and the
                    // site it left was no page you visited (unless it was one already).
                    let left = self.tabs.get(&r.tab).filter(|t| t.hop_to.as_deref() == Some(r.url.url.as_str()) && t.new_visit && t.page.site != r.url.site).map(|t| t.page.site.clone());
                    if let Some(site) = left {
                        self.graph.unvisit(&site);
                    }
                    self.navigate(r.tab, r.url.clone(), r.time);
                }
                let page = r.top.clone().or_else(|| self.tabs.get(&r.tab).map(|t| t.page.clone()));
                let Some(page) = page else {
                    self.stats.without_page += 1;
                    return Some(classify(&self.rules, &self.learner, &r.url, None, r.resource_type));
                };
                let redirected_from = self.take_redirect(r.url.url.as_str());
                let verdict = classify(&self.rules, &self.learner, &r.url, Some(&page), r.resource_type);
                if !verdict.third_party {
                    return Some(verdict);
                }
                self.stats.third_party_requests += 1;
                // The verdict's site: a CNAME-cloaked tracker's own, not the name it hides behind.
                // Who loaded it: a redirecting third party, else a third-party frame, else the page.
                let from = redirected_from
                    .clone()
                    .filter(|s| *s != verdict.site)
                    .or_else(|| r.frame.as_ref().map(|f| f.site.clone()).filter(|s| *s != page.site && *s != verdict.site))
                    .unwrap_or_else(|| page.site.clone());
                self.graph.visit(&page.site, r.time);
                self.graph.record_request(&Hit { from: &from, to: &verdict.site, page: &page.site, time: r.time, resource_type: Some(r.resource_type.as_str()), redirect: redirected_from.is_some() });
                self.apply_verdict(&verdict);
                self.syncs(&page.site, &verdict.site, &r.url, r.referrer.as_ref(), r.tab, r.time);
                self.count_sent(&page.site, &verdict.site, r.resource_type, r.tab, r.time);
                if !r.cookies_sent.is_empty() {
                    self.cookies(&page.site, &verdict.site, &r.cookies_sent, true, r.time);
                }
                if let Some(id) = &r.request_id {
                    if self.recent.len() >= MAX_RECENT_REQUESTS {
                        self.recent.pop_front();
                    }
                    self.recent.push_back(Recorded { id: id.clone(), from: from.clone(), to: verdict.site.clone(), tab: r.tab, resource_type: r.resource_type });
                }
                if let Some(tp) = self.row(r.tab, &page.site, &verdict) {
                    tp.requests += 1;
                }
                if r.resource_type == ResourceType::Ping {
                    self.tracking(&verdict.site, &page.site, crate::learn::Tracking::Beacon);
                }
                Some(verdict)
            }
            Observation::SentCookies(s) => {
                if let Some(page) = s.top.clone().or_else(|| self.tabs.get(&s.tab).map(|t| t.page.clone())) {
                    if page.site != s.url.site {
                        self.cookies(&page.site, &s.url.site, &s.names, true, s.time);
                    }
                }
                None
            }
            Observation::Response(resp) => {
                self.stats.malformed_cookies += resp.malformed_cookies as u64;
                if let Some(target) = &resp.redirect_to {
                    if self.redirects.len() >= MAX_PENDING_REDIRECTS {
                        self.redirects.pop_front();
                    }
                    self.redirects.push_back((target.url.to_string(), resp.url.site.clone()));
                    // The tab's document redirected after the tab already moved on to the target.
                    let late = self
                        .tabs
                        .get_mut(&resp.tab)
                        .filter(|t| t.page == target.address())
                        .and_then(|t| t.left.take_if(|(page, site)| *page == resp.url.address() && *site != t.page.site))
                        .map(|(_, site)| site);
                    if let Some(site) = late {
                        self.graph.uncount_page_load(&site);
                        self.graph.unvisit(&site);
                    }
                    // The tab's document itself redirected (nothing of the page has loaded yet).
                    if let Some(t) = self.tabs.get_mut(&resp.tab).filter(|t| t.page == resp.url.address() && t.report.third_parties.is_empty()) {
                        t.hop_to = Some(target.url.to_string());
                    }
                }
                let page = resp.top.clone().or_else(|| self.tabs.get(&resp.tab).map(|t| t.page.clone()));
                if let Some(page) = page {
                    if page.site != resp.url.site && !resp.cookies.is_empty() {
                        let names: Vec<String> = resp.cookies.iter().map(|c| c.name.clone()).collect();
                        self.cookies(&page.site, &resp.url.site, &names, false, resp.time);
                    }
                }
                None
            }
            Observation::Failure(f) => {
                if f.never_sent {
                    self.take_back(f.request_id.as_deref());
                }
                let page = f.top.clone().or_else(|| self.tabs.get(&f.tab).map(|t| t.page.clone()))?;
                if page.site == f.url.site {
                    return None;
                }
                let ours = || policy::blocks(&self.policy, &self.rules, &self.graph, &f.url.host, Some(f.url.path()), Some(&page.site)).is_some();
                if !(f.blocked || (f.aborted && ours())) {
                    return None;
                }
                // An attempt that was stopped: counted apart, classified like
                // any request, and given its row even when nothing got through.
                let verdict = classify(&self.rules, &self.learner, &f.url, Some(&page), f.resource_type);
                self.stats.blocked += 1;
                self.graph.visit(&page.site, f.time);
                self.graph.record_blocked(&page.site, &f.url.site, f.time);
                self.apply_verdict(&verdict);
                if let Some(tp) = self.row(f.tab, &page.site, &verdict) {
                    tp.blocked += 1;
                }
                None
            }
            Observation::ScriptSignal(s) if matches!(s.signal, Signal::Sampled | Signal::Forged | Signal::Tamper) => {
                let n = match s.signal {
                    Signal::Sampled => &mut self.stats.probe_sampled,
                    Signal::Forged => &mut self.stats.probe_forged,
                    _ => &mut self.stats.probe_tampered,
                };
                *n = n.saturating_add(u64::from(s.count));
                None
            }
            Observation::ScriptSignal(s) => {
                if self.signals.len() >= MAX_SIGNAL_PAGES && !self.signals.contains_key(&s.page.site) {
                    return None;
                }
                let scripts = self.signals.entry(s.page.site.clone()).or_default();
                let key = match &s.script {
                    Some(u) => format!("{}{}", u.host, u.url.path()).chars().take(300).collect(),
                    None => "(inline)".to_owned(),
                };
                if scripts.len() >= MAX_SCRIPTS_PER_PAGE && !scripts.contains_key(&key) {
                    return None;
                }
                crate::behaviour::record(scripts.entry(key).or_default(), &s.signal, s.count);
                self.rejudge(&s.page.site, s.tab, s.time);
                None
            }
        }
    }

    /// Hashes the identifier-like cookie values a third party set or
    /// received ([`crate::sync`]); the values go no further than this.
    fn remember_cookie_values(&mut self, raw: &RawEvent) {
        let (url, top, tab) = match raw {
            RawEvent::Request(r) if r.cookie_header.as_deref().is_some_and(|h| h.contains('=')) => (&r.url, &r.top_url, r.tab),
            RawEvent::SendHeaders(h) if h.cookie_header.as_deref().is_some_and(|h| h.contains('=')) => (&h.url, &h.top_url, h.tab),
            RawEvent::Response(r) if !r.set_cookie.is_empty() => (&r.url, &r.top_url, r.tab),
            _ => return,
        };
        let Ok(owner) = WebUrl::parse(url) else {
            return;
        };
        let page = top.as_deref().and_then(|t| WebUrl::parse(t).ok()).map(|p| p.site).or_else(|| self.tabs.get(&tab).map(|t| t.page.site.clone()));
        let Some(page) = page.filter(|p| *p != owner.site) else {
            return;
        };
        let identifying = match raw {
            RawEvent::Request(r) => self.cookie_ids.remember_header(&owner.site, r.cookie_header.as_deref().unwrap_or_default()),
            RawEvent::SendHeaders(h) => self.cookie_ids.remember_header(&owner.site, h.cookie_header.as_deref().unwrap_or_default()),
            RawEvent::Response(r) => self.cookie_ids.remember_set_cookie(&owner.site, &r.set_cookie, r.time),
            _ => return,
        };
        if identifying {
            self.tracking(&owner.site, &page, crate::learn::Tracking::IdentifyingCookie);
        }
    }

    /// A cookie a third party holds in the browser's store (an OpenWPM
    /// crawl's `javascript_cookies`), as a Set-Cookie line: its value, if
    /// identifier-like, is hashed for cookie syncing to look for, as a
    /// Set-Cookie header's would be. Nothing is drawn or counted.
    pub fn remember_stored_cookie(&mut self, url: &str, page: &str, set_cookie: &str, time: f64) {
        let (Ok(owner), Ok(page)) = (WebUrl::parse(url), WebUrl::parse(page)) else {
            return;
        };
        if owner.site != page.site {
            self.cookie_ids.remember_set_cookie(&owner.site, &[set_cookie.to_owned()], time);
        }
    }

    /// Counts tracking behaviour for the learning rule; a third party that
    /// no pack names and that this makes a learned tracker is marked so in
    /// the graph and in the open tabs' reports.
    fn tracking(&mut self, third: &Site, page: &Site, what: crate::learn::Tracking) {
        if self.learner.saw_tracking(third, page, what) {
            self.mark_learned(third);
        }
    }

    /// Marks a learned tracker no pack names in the graph and the open tabs' reports.
    fn mark_learned(&mut self, third: &Site) {
        let Ok(host) = crate::site::Host::parse(third.as_str()) else {
            return;
        };
        if self.rules.entity_of_host(&host).is_some() || self.graph.node(third).is_some_and(|n| n.entity.is_some()) {
            return;
        }
        let Some(sites) = self.learner.learned_tracker(third) else {
            return;
        };
        let line = format!("heuristic learned-tracker: {}", crate::learn::learned_detail(sites));
        let tracking_already = self.graph.node(third).is_some_and(|n| n.categories.iter().any(|c| c.is_tracking()));
        let categories: &[Category] = if tracking_already { &[] } else { &[Category::Tracking] };
        self.graph.classify(third, None, None, categories, true, &[line]);
        self.learned_for_every_tab(Learned { site: third.clone(), categories: categories.to_vec(), merge: true });
    }

    /// Records the cookie syncs a third-party request makes: an edge from
    /// the cookie's owner to the request's site, both given
    /// `cross-site-cookies`, with the cookie's name (never its value).
    fn syncs(&mut self, page: &Site, to: &Site, url: &WebUrl, referrer: Option<&url::Url>, tab: TabId, time: f64) {
        for s in self.cookie_ids.find(to, &url.url, referrer) {
            if s.from == *page {
                continue;
            }
            self.graph.record_sync(&s.from, &s.to, &s.cookie, time);
            let out = format!("heuristic cookie-sync: syncs cookie {} with {} (its value in the {} of a request there)", s.cookie, s.to, s.place);
            let into = format!("heuristic cookie-sync: receives {}'s cookie {} (its value in the {})", s.from, s.cookie, s.place);
            self.graph.classify(&s.from, None, None, &[Category::CrossSiteCookies], true, &[out]);
            self.graph.classify(&s.to, None, None, &[Category::CrossSiteCookies], true, &[into]);
            self.tracking(&s.from, page, crate::learn::Tracking::Syncing);
            self.tracking(&s.to, page, crate::learn::Tracking::Syncing);
            if let Some(t) = self.tabs.get_mut(&tab).filter(|t| t.page.site == *page) {
                for site in [&s.from, &s.to] {
                    if let Some(tp) = t.report.third_parties.get_mut(site) {
                        tp.categories.insert(Category::CrossSiteCookies);
                        tp.tracker = true;
                    }
                }
                self.changed_tabs.insert(tab);
            }
        }
    }

    /// Counts a request that carries data to a third party (not a script,
    /// style or font), on a page whose scripts the probe reports on: sending
    /// from a Web Worker, where no probe runs, shows only here.
    fn count_sent(&mut self, page: &Site, to: &Site, t: ResourceType, tab: TabId, time: f64) {
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

    /// The row of a third party in a tab's report, made on first sight, when
    /// the tab still shows `page`.
    fn row(&mut self, tab: TabId, page: &Site, verdict: &Verdict) -> Option<&mut ThirdParty> {
        let report = &mut self.tabs.get_mut(&tab).filter(|t| t.page.site == *page)?.report;
        self.changed_tabs.insert(tab);
        let tp = report.third_parties.entry(verdict.site.clone()).or_insert_with(|| ThirdParty {
            site: verdict.site.clone(),
            entity: verdict.entity.clone(),
            company: verdict.company.clone(),
            tracker: false,
            categories: BTreeSet::new(),
            requests: 0,
            blocked: 0,
        });
        tp.tracker |= verdict.tracker;
        crate::rules::merge_categories(&mut tp.categories, verdict.categories.iter().copied());
        Some(tp)
    }

    /// Undoes a recorded request that never reached the network.
    fn take_back(&mut self, request_id: Option<&str>) {
        let Some(id) = request_id else { return };
        let Some(i) = self.recent.iter().rposition(|r| r.id == id) else {
            return;
        };
        let Some(r) = self.recent.remove(i) else {
            return;
        };
        self.graph.unrecord_request(&r.from, &r.to, Some(r.resource_type.as_str()));
        self.stats.third_party_requests = self.stats.third_party_requests.saturating_sub(1);
        if let Some(tp) = self.tabs.get_mut(&r.tab).and_then(|t| t.report.third_parties.get_mut(&r.to)) {
            tp.requests = tp.requests.saturating_sub(1);
            self.changed_tabs.insert(r.tab);
        }
    }

    /// An observed event as it may be stored (the extension's journal): no
    /// cookie values, URLs cut, and any identifier-like cookie value this
    /// auditor knows taken out of its URLs ([`crate::sync::CookieIds::redact`]).
    pub fn journal_form(&self, raw: &RawEvent) -> RawEvent {
        raw.stored_form(&|u| self.cookie_ids.redact(u))
    }

    /// The tabs whose page report changed since the last call (for badges).
    pub fn take_changed_tabs(&mut self) -> Vec<TabId> {
        std::mem::take(&mut self.changed_tabs).into_iter().collect()
    }

    fn navigate(&mut self, tab: TabId, url: WebUrl, time: f64) {
        self.changed_tabs.insert(tab);
        let new_visit = self.graph.visit(&url.site, time);
        // A redirect hop (http → https, apex → www, one brand's domain to another's) is
        // one page load with the document it leads to: the one it left is taken back.
        if let Some(left) = self.tabs.get(&tab).filter(|t| t.hop_to.as_deref() == Some(url.url.as_str())).map(|t| t.page.site.clone()) {
            self.graph.uncount_page_load(&left);
        }
        self.graph.page_load(&url.site, time);
        // A tab's page is kept (and stored, shown, exported) without its query or fragment.
        let url = url.address();
        let report = PageReport::new(&url);
        let left = self.tabs.get(&tab).filter(|t| t.new_visit && t.report.third_parties.is_empty()).map(|t| (t.page.clone(), t.page.site.clone()));
        self.tabs.insert(tab, Tab { page: url, report, hop_to: None, new_visit, left });
    }

    fn take_redirect(&mut self, url: &str) -> Option<Site> {
        let i = self.redirects.iter().rposition(|(u, _)| u == url)?;
        self.redirects.remove(i).map(|(_, s)| s)
    }

    fn cookies(&mut self, page: &Site, third: &Site, names: &[String], sent: bool, time: f64) {
        self.graph.record_cookies(page, third, names, sent, time);
        if self.learner.saw_cookie(third, page) {
            let sites = self.learner.cross_site_cookie_sites(third).map(|s| s.len()).unwrap_or(0);
            let line = format!("heuristic cross-site-cookies: set or received cookies on {sites} of your sites");
            self.graph.classify(third, None, None, &[Category::CrossSiteCookies], true, &[line]);
            self.learned_for_every_tab(Learned { site: third.clone(), categories: vec![Category::CrossSiteCookies], merge: false });
        }
    }

    /// Applies what was learned of a site to every open tab's report (and
    /// keeps it for the reports of closed tabs).
    fn learned_for_every_tab(&mut self, l: Learned) {
        for (id, tab) in self.tabs.iter_mut() {
            if tab.report.third_parties.contains_key(&l.site) {
                l.apply(&mut tab.report);
                self.changed_tabs.insert(*id);
            }
        }
        if let Some(kept) = &mut self.learned {
            kept.push(l);
        }
    }

    /// Closes a tab and hands back its report, to be brought up to date
    /// with [`Auditor::settle`] once everything has been read: what is
    /// learned later (a cookie seen on another site, a tracker learned)
    /// changes the reports of open tabs, and so of this one. Page reports
    /// can then wait outside memory (a crawl's visits, one a tab).
    pub fn close_tab(&mut self, tab: TabId) -> Option<ClosedReport> {
        let learned = self.learned.get_or_insert_with(Vec::new).len();
        self.changed_tabs.remove(&tab);
        self.tabs.remove(&tab).map(|t| ClosedReport { report: t.report, learned })
    }

    /// A closed tab's report as it would be had the tab stayed open until now.
    pub fn settle(&self, closed: ClosedReport) -> PageReport {
        let mut report = closed.report;
        for l in self.learned.iter().flatten().skip(closed.learned) {
            l.apply(&mut report);
        }
        report
    }

    fn apply_verdict(&mut self, v: &Verdict) {
        let lines: Vec<String> = v.evidence.iter().map(evidence_line).collect();
        self.graph.classify(&v.site, v.entity.as_deref(), v.company.as_deref(), &v.categories, v.tracker, &lines);
    }

    /// Open tabs as (tab, page URL, report), for snapshots.
    pub(crate) fn tabs_state(&self) -> Vec<(TabId, String, PageReport)> {
        let mut v: Vec<_> = self.tabs.iter().map(|(&t, tab)| (t, tab.page.url.to_string(), tab.report.clone())).collect();
        v.sort_by_key(|(t, _, _)| *t);
        v
    }

    /// Replaces the open tabs (from a snapshot); tabs whose URL no longer parses are dropped and counted.
    pub(crate) fn set_tabs_state(&mut self, tabs: Vec<(TabId, String, PageReport)>) {
        self.tabs.clear();
        for (t, url, mut report) in tabs {
            match WebUrl::parse(&url) {
                Ok(page) => {
                    // Snapshots made before pages were kept as addresses may hold a query.
                    let page = page.address();
                    if let Ok(named) = WebUrl::parse(&report.page) {
                        report.page = named.address().url.to_string();
                    }
                    self.tabs.insert(t, Tab { page, report, hop_to: None, new_visit: false, left: None });
                }
                Err(_) => self.stats.bad_urls += 1,
            }
        }
    }

    /// Names a tab's page in its report by what its document was (a page
    /// with no web address, opened at a placeholder).
    pub(crate) fn name_page(&mut self, tab: TabId, name: &str) {
        if let Some(t) = self.tabs.get_mut(&tab) {
            t.report.page = name.to_owned();
        }
    }

    /// The report for a tab's current page.
    pub fn tab_report(&self, tab: TabId) -> Option<&PageReport> {
        self.tabs.get(&tab).map(|t| &t.report)
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

/// A one-line form of a piece of evidence, as the graph keeps it.
pub fn evidence_line(e: &Evidence) -> String {
    match e {
        Evidence::Rule { pack, rule, source, .. } => format!("{pack}: {rule} ({source})"),
        Evidence::Filter { pack, list, filter, source } => format!("{pack}: {list} filter {filter} ({source})"),
        Evidence::Tracker { pack, list, tracker, rule, action, cname, source } => match cname {
            Some(via) => format!("{pack}: {list} CNAME {via}, tracker {tracker}: {action} by {rule} ({source})"),
            None => format!("{pack}: {list} tracker {tracker}: {action} by {rule} ({source})"),
        },
        Evidence::SameOwner { company } => format!("owned by {company}, like the page"),
        Evidence::Heuristic { name, detail, .. } => format!("heuristic {name}: {detail}"),
        Evidence::Behaviour { kind, detail, page, scripts, when, first_party } => {
            format!(
                "behaviour {kind}: {detail} (on {page}, {}script {}{})",
                if *first_party { "first-party " } else { "" },
                scripts.join(", "),
                if when.is_empty() { String::new() } else { format!(", {when}") }
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observe::{RawNavigation, RawRequest, RawResponse, RawScriptSignal, Signal};

    fn req(tab: TabId, url: &str, t: f64) -> RawEvent {
        RawEvent::Request(RawRequest { url: url.into(), resource_type: "script".into(), tab, time: t, ..Default::default() })
    }

    fn nav(tab: TabId, url: &str, t: f64) -> RawEvent {
        RawEvent::Navigation(RawNavigation { url: url.into(), tab, time: t })
    }

    fn set_cookie(tab: TabId, url: &str, cookie: &str) -> RawEvent {
        RawEvent::Response(RawResponse { url: url.into(), tab, status: 200, set_cookie: vec![cookie.into()], ..Default::default() })
    }

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

    fn error(tab: TabId, url: &str, error: &str) -> RawEvent {
        RawEvent::Error(crate::observe::RawError { url: url.into(), tab, time: 3.0, error: error.into(), ..Default::default() })
    }

    #[test]
    fn blocked_attempts_are_counted_apart_and_keep_their_row() {
        let mut a = Auditor::with_default_pack();
        a.observe_raw(&nav(1, "https://news.example/", 1.0)).unwrap();
        a.act(&Intent::BlockCategory { category: Category::SessionReplay }, 1, 1.5).unwrap();
        // Chromium: the DNR engine's block. Every request of the recorder was stopped.
        for _ in 0..3 {
            a.observe_raw(&error(1, "https://static.hotjar.com/c/hotjar-1.js", "net::ERR_BLOCKED_BY_CLIENT")).unwrap();
        }
        a.observe_raw(&req(1, "https://www.google-analytics.com/analytics.js", 2.0)).unwrap();
        // Firefox says NS_ERROR_ABORT: blocked only where a choice covers the request.
        a.observe_raw(&error(1, "https://static.hotjar.com/c/hotjar-2.js", "NS_ERROR_ABORT")).unwrap();
        a.observe_raw(&error(1, "https://www.google-analytics.com/collect", "NS_ERROR_ABORT")).unwrap();
        let out = crate::report::page(&a, a.tab_report(1).unwrap());
        let hotjar = out.third_parties.iter().find(|t| t.site.as_str() == "hotjar.com").expect("a fully blocked tracker keeps its row");
        assert_eq!((hotjar.requests, hotjar.blocked, hotjar.tracker), (0, 4, true));
        assert_eq!((out.trackers, out.blocked_trackers, out.blocked), (1, 1, 4));
        let s = Site::of("hotjar.com").unwrap();
        let node = a.graph().node(&s).unwrap();
        assert_eq!((node.requests, node.blocked, node.reach()), (0, 4, 0), "an attempt is not a visit");
        assert!(node.categories.contains(&Category::SessionReplay));
        assert_eq!(a.graph().edge(&Site::of("news.example").unwrap(), &s).unwrap().blocked, 4);
        assert_eq!(a.stats().blocked, 4);
        let c = crate::report::controls(&a, 1, &out);
        assert!(c.session_replay_blocked && c.undo.as_deref() == Some("Block all session replay"));
        assert_eq!(c.rows["Contentsquare"].blocked_by.as_deref(), Some("Block all session replay"));
        assert!(c.rows["Google"].blocked_by.is_none());
    }

    #[test]
    fn redirect_chains_make_third_to_third_edges() {
        let mut a = Auditor::with_default_pack();
        a.observe_raw(&nav(1, "https://news.example/", 1.0)).unwrap();
        a.observe_raw(&req(1, "https://ads.one.example/r?x=1", 2.0)).unwrap();
        a.observe_raw(&RawEvent::Response(RawResponse {
            url: "https://ads.one.example/r?x=1".into(),
            tab: 1,
            status: 302,
            redirect_url: Some("https://sync.two.example/s".into()),
            ..Default::default()
        }))
        .unwrap();
        a.observe_raw(&req(1, "https://sync.two.example/s", 3.0)).unwrap();
        let one = Site::of("one.example").unwrap();
        let two = Site::of("two.example").unwrap();
        let e = a.graph().edge(&one, &two).expect("redirect edge");
        assert_eq!((e.requests, e.redirects), (1, 1));
        assert!(a.graph().edge(&Site::of("news.example").unwrap(), &two).is_none());
        assert_eq!(a.graph().reach(&two), 1);
    }

    #[test]
    fn a_cache_only_attempt_that_missed_is_taken_back() {
        let mut a = Auditor::with_default_pack();
        a.observe_raw(&nav(1, "https://news.example/", 1.0)).unwrap();
        for id in ["7", "8"] {
            a.observe_raw(&RawEvent::Request(RawRequest {
                url: "https://fonts.gstatic.com/s/font.woff2".into(),
                resource_type: "font".into(),
                tab: 1,
                time: 2.0,
                request_id: Some(id.into()),
                ..Default::default()
            }))
            .unwrap();
        }
        a.observe_raw(&RawEvent::Error(crate::observe::RawError {
            url: "https://fonts.gstatic.com/s/font.woff2".into(),
            tab: 1,
            request_id: Some("7".into()),
            error: "net::ERR_CACHE_MISS".into(),
            ..Default::default()
        }))
        .unwrap();
        let news = Site::of("news.example").unwrap();
        let fonts = Site::of("gstatic.com").unwrap();
        let e = a.graph().edge(&news, &fonts).unwrap();
        assert_eq!((e.requests, e.resource_types["font"]), (1, 1));
        assert_eq!(a.graph().node(&fonts).unwrap().requests, 1);
        assert_eq!(a.tab_report(1).unwrap().third_parties[&fonts].requests, 1);
        assert_eq!(a.stats().third_party_requests, 1);
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

#[cfg(test)]
mod sync_and_learning_tests {
    use super::*;
    use crate::observe::{RawNavigation, RawRequest, RawResponse};

    fn nav(a: &mut Auditor, tab: TabId, url: &str, t: f64) {
        a.observe_raw(&RawEvent::Navigation(RawNavigation { url: url.into(), tab, time: t })).unwrap();
    }

    fn req(a: &mut Auditor, tab: TabId, url: &str, t: &str, cookie: Option<&str>, time: f64) {
        a.observe_raw(&RawEvent::Request(RawRequest { url: url.into(), resource_type: t.into(), tab, time, cookie_header: cookie.map(str::to_owned), ..Default::default() })).unwrap();
    }

    fn s(x: &str) -> Site {
        Site::of(x).unwrap()
    }

    /// The default pack's entities without its filter layer (which names every third-party ping).
    fn entities_only() -> Auditor {
        let mut a = Auditor::new();
        a.add_pack(RulePack::default_pack());
        a
    }

    #[test]
    fn a_syncing_pair_makes_a_syncs_with_edge_and_no_value_is_kept() {
        let mut a = Auditor::with_default_pack();
        nav(&mut a, 1, "https://news.test/", 1.0);
        req(&mut a, 1, "https://px.sync-a.test/p.gif", "image", None, 2.0);
        a.observe_raw(&RawEvent::Response(RawResponse {
            url: "https://px.sync-a.test/p.gif".into(),
            tab: 1,
            time: 2.0,
            set_cookie: vec!["uid=Qx7Lm2Pz9Kw4Rt; Max-Age=31536000; SameSite=None; Secure".into()],
            ..Default::default()
        }))
        .unwrap();
        assert!(a.graph().syncs().next().is_none());
        let sync_url = "https://match.sync-b.test/m?partner=a&partner_uid=Qx7Lm2Pz9Kw4Rt";
        req(&mut a, 1, sync_url, "image", None, 3.0);
        // The journal keeps the request with no query value, and a known identifier taken out of its path.
        let stored = a.journal_form(&RawEvent::Request(RawRequest { url: sync_url.into(), resource_type: "image".into(), tab: 1, time: 3.0, ..Default::default() }));
        let RawEvent::Request(r) = &stored else { panic!("{stored:?}") };
        assert_eq!(r.url, "https://match.sync-b.test/m?partner=&partner_uid=");
        let in_path = a.journal_form(&RawEvent::Navigation(RawNavigation { url: "https://x.sync-c.test/id/Qx7Lm2Pz9Kw4Rt/p.gif?v=1#Qx7Lm2Pz9Kw4Rt".into(), tab: 1, time: 3.0 }));
        assert!(matches!(&in_path, RawEvent::Navigation(n) if n.url == "https://x.sync-c.test/id/(cookie-value)/p.gif?v="), "{in_path:?}");
        let other = "https://match.sync-b.test/id/SomethingElse99/m";
        assert!(matches!(a.journal_form(&RawEvent::Navigation(RawNavigation { url: other.into(), tab: 1, time: 3.0 })), RawEvent::Navigation(n) if n.url == other));
        let syncs: Vec<_> = a.graph().syncs().map(|(x, y, m)| (x.to_string(), y.to_string(), m.clone())).collect();
        assert_eq!(syncs, [("sync-a.test".to_owned(), "sync-b.test".to_owned(), [("uid".to_owned(), 1)].into())]);
        for site in ["sync-a.test", "sync-b.test"] {
            let n = a.graph().node(&s(site)).unwrap();
            assert!(n.tracker && n.categories.contains(&Category::CrossSiteCookies), "{n:?}");
            assert!(n.evidence.iter().any(|e| e.starts_with("heuristic cookie-sync")), "{:?}", n.evidence);
        }
        let page = crate::report::page(&a, a.tab_report(1).unwrap());
        assert!(page.third_parties.iter().all(|t| t.tracker && t.categories.contains(&Category::CrossSiteCookies)));
        // Exports say "syncs"; no export or snapshot holds the value.
        let dot = crate::export::export(a.graph(), crate::Format::Dot).remove(0).1;
        assert!(dot.contains("\"sync-a.test\" -> \"sync-b.test\"") && dot.contains("label=\"syncs with\""), "{dot}");
        let (_, edges) = crate::export::csv::write(a.graph());
        assert!(edges.lines().any(|l| l.starts_with("sync-a.test,sync-b.test,") && l.contains(",syncs,uid=1")), "{edges}");
        let snap = a.snapshot();
        for f in crate::Format::ALL {
            assert!(crate::export::export(a.graph(), f).iter().all(|(_, body)| !body.contains("Qx7Lm2Pz9Kw4Rt")));
        }
        assert!(!snap.contains("Qx7Lm2Pz9Kw4Rt") && !format!("{:?}", a.cookie_ids).contains("Qx7Lm2Pz9Kw4Rt"));
        let mut b = Auditor::with_default_pack();
        b.restore(&snap).unwrap();
        assert_eq!(b.graph().syncs().count(), 1, "the edge survives a snapshot");
    }

    #[test]
    fn first_party_identifiers_and_short_lived_cookies_are_not_syncs() {
        let mut a = Auditor::with_default_pack();
        nav(&mut a, 1, "https://news.test/", 1.0);
        // The page's own cookie sent to analytics is the page's, not a tracker's.
        req(&mut a, 1, "https://news.test/app.js", "script", Some("visitor=Zp4Kq8Wn2Lx7Vb"), 2.0);
        req(&mut a, 1, "https://stats.t-one.test/c?cid=Zp4Kq8Wn2Lx7Vb", "image", None, 3.0);
        // A third party's session cookie.
        a.observe_raw(&RawEvent::Response(RawResponse { url: "https://t-two.test/s".into(), tab: 1, time: 3.0, set_cookie: vec!["sid=Hh3Jj5Kk7Ll9Mm".into()], ..Default::default() })).unwrap();
        req(&mut a, 1, "https://t-three.test/m?u=Hh3Jj5Kk7Ll9Mm", "image", None, 4.0);
        assert_eq!(a.graph().syncs().count(), 0);
    }

    #[test]
    fn real_captures_hold_no_syncs_between_trackers() {
        // aftonbladet.se sends its own visitor ids to Google Analytics and
        // Mixpanel, and mytoys-group.de's ids reach mytoys.de's own checkout:
        // neither is a third party's identifier reaching another third party.
        for har in ["aftonbladet.se-2015.har", "mytoys.de-2017.har", "en.wikipedia.org-2015.har"] {
            let path = format!("{}/../shared/data/har/{har}", env!("CARGO_MANIFEST_DIR"));
            let mut a = Auditor::with_default_pack();
            crate::har::audit_har(&mut a, har, std::fs::File::open(&path).unwrap(), 1).unwrap();
            assert_eq!(a.graph().syncs().count(), 0, "{har}");
        }
    }

    #[test]
    fn a_third_party_no_pack_names_is_learned_on_three_sites() {
        let mut a = entities_only();
        let unlisted = s("unlisted-px.test");
        for (i, page) in ["https://one.test/", "https://two.test/", "https://three.test/"].iter().enumerate() {
            let tab = i as TabId + 1;
            nav(&mut a, tab, page, 1.0);
            req(&mut a, tab, "https://unlisted-px.test/b", "ping", None, 2.0);
            let v = classify(&a.rules, &a.learner, &WebUrl::parse("https://unlisted-px.test/b").unwrap(), Some(&WebUrl::parse(page).unwrap()), ResourceType::Ping);
            assert_eq!(v.tracker, i == 2, "learned on the third site, not before ({i}): {v:?}");
        }
        let n = a.graph().node(&unlisted).unwrap();
        assert!(n.categories.contains(&Category::Tracking) && n.evidence.iter().any(|e| e == "heuristic learned-tracker: tracking behaviour on 3 of your sites: beacons"), "{n:?}");
        assert!(a.tab_report(3).unwrap().third_parties[&unlisted].tracker);
        let pack = a.learned_pack("this browser", "1");
        assert!(pack.entities.iter().any(|e| e.name == "unlisted-px.test" && e.categories == [Category::Tracking]));
        // A listed tracker is never "learned"; its packs say what it is.
        let mut b = entities_only();
        for (i, page) in ["https://one.test/", "https://two.test/", "https://three.test/"].iter().enumerate() {
            nav(&mut b, i as TabId + 1, page, 1.0);
            req(&mut b, i as TabId + 1, "https://www.google-analytics.com/collect", "ping", None, 2.0);
        }
        assert!(!b.graph().node(&s("google-analytics.com")).unwrap().evidence.iter().any(|e| e.contains("learned-tracker")));
    }

    #[test]
    fn a_closed_tabs_report_settles_to_what_an_open_tab_shows() {
        // The same browsing twice: tabs kept open, and each tab closed as its page ends.
        let pages = ["https://one.test/", "https://two.test/", "https://three.test/"];
        let (mut open, mut closing) = (entities_only(), entities_only());
        let mut closed = Vec::new();
        for (i, page) in pages.iter().enumerate() {
            let tab = i as TabId + 1;
            for a in [&mut open, &mut closing] {
                nav(a, tab, page, 1.0);
                req(a, tab, "https://unlisted-px.test/b", "ping", None, 2.0);
                req(a, tab, "https://www.google-analytics.com/collect", "ping", None, 3.0);
            }
            closed.push(closing.close_tab(tab).unwrap());
        }
        assert!(closing.tab_report(1).is_none(), "a closed tab is gone");
        let unlisted = s("unlisted-px.test");
        // Learned on the third site, after the first two tabs closed.
        assert!(!closed[0].report.third_parties[&unlisted].tracker);
        for (i, c) in closed.into_iter().enumerate() {
            let settled = closing.settle(c);
            assert_eq!(&settled, open.tab_report(i as TabId + 1).unwrap(), "page {i}");
            assert!(settled.third_parties[&unlisted].tracker && settled.third_parties[&unlisted].categories.contains(&Category::Tracking));
        }
        assert!(open.learned.is_none(), "an auditor that closes no tab keeps nothing for it");
    }

    #[test]
    fn the_threshold_is_a_setting() {
        let mut a = entities_only();
        a.set_learn_min_sites(5);
        for (i, page) in ["https://one.test/", "https://two.test/", "https://three.test/"].iter().enumerate() {
            nav(&mut a, i as TabId + 1, page, 1.0);
            req(&mut a, i as TabId + 1, "https://unlisted-px.test/b", "ping", None, 2.0);
        }
        assert!(!a.graph().node(&s("unlisted-px.test")).unwrap().tracker, "3 sites are not 5");
        a.set_learn_min_sites(2);
        let n = a.graph().node(&s("unlisted-px.test")).unwrap();
        assert!(n.tracker && n.evidence.iter().any(|e| e.contains("learned-tracker")), "lowering it marks what was seen: {n:?}");
    }

    #[test]
    fn pages_are_kept_and_stored_without_query_fragment_or_user() {
        let mut a = Auditor::with_default_pack();
        nav(&mut a, 1, "https://me:pw@shop.test/reset?token=Zq8Xw2Lk5Mn7Pb#frag-Zq8Xw2Lk5Mn7Pb", 1.0);
        req(&mut a, 1, "https://static.hotjar.com/c/hotjar-1.js?sv=6", "script", None, 2.0);
        let report = a.tab_report(1).unwrap();
        assert_eq!(report.page, "https://shop.test/reset");
        let snapshot = a.snapshot();
        assert!(!snapshot.contains("Zq8Xw2Lk5Mn7Pb") && !snapshot.contains("token") && !snapshot.contains("me:pw"), "{snapshot}");
        // The navigation event that follows the main-frame request is the same page, query or not.
        a.observe_raw(&RawEvent::Navigation(RawNavigation { url: "https://shop.test/reset?token=Zq8Xw2Lk5Mn7Pb".into(), tab: 1, time: 3.0 })).unwrap();
        assert_eq!(a.tab_report(1).unwrap().third_parties.len(), 1, "the page's report was kept");
        // A snapshot of an older version, with a query in its tabs, is restored without it.
        let old = snapshot.replace("https://shop.test/reset", "https://shop.test/reset?token=Zq8Xw2Lk5Mn7Pb");
        let mut b = Auditor::with_default_pack();
        b.restore(&old).unwrap();
        assert!(!b.snapshot().contains("Zq8Xw2Lk5Mn7Pb"));
        assert!(!b.export_all().contains("Zq8Xw2Lk5Mn7Pb"));
    }

    #[test]
    fn a_bare_cookie_is_a_value_and_never_reaches_the_graph_or_the_journal() {
        let mut a = Auditor::with_default_pack();
        nav(&mut a, 1, "https://news.test/", 1.0);
        let bare = RawEvent::SendHeaders(crate::observe::RawSendHeaders { url: "https://px.bare.test/p.gif".into(), tab: 1, time: 2.0, cookie_header: Some("UID4zru4Xntv0ahXhfx0d9X; ok=Kp3Rt6Yw9Qz2".into()), ..Default::default() });
        req(&mut a, 1, "https://px.bare.test/p.gif", "image", None, 2.0);
        a.observe_raw(&bare).unwrap();
        a.observe_raw(&RawEvent::Response(RawResponse { url: "https://px.bare.test/p.gif".into(), tab: 1, time: 2.0, set_cookie: vec!["Vb5Nm8Hj2Kl4Pq; Max-Age=600\n=Wc6Xd9Fg3Hs7; Secure".into()], ..Default::default() })).unwrap();
        let node = a.graph().node(&s("bare.test")).unwrap();
        let names: Vec<&str> = node.cookies.keys().map(String::as_str).collect();
        assert_eq!(names, [crate::observe::NAMELESS, "ok"]);
        assert_eq!(node.cookies[crate::observe::NAMELESS], 3);
        for text in [a.snapshot(), a.export_all(), serde_json::to_string(&a.journal_form(&bare)).unwrap()] {
            for secret in ["UID4zru4Xntv0ahXhfx0d9X", "Vb5Nm8Hj2Kl4Pq", "Wc6Xd9Fg3Hs7", "Kp3Rt6Yw9Qz2"] {
                assert!(!text.contains(secret), "{secret} in {text}");
            }
        }
        // The bare value is an identifier like any other: sending it on is cookie syncing.
        req(&mut a, 1, "https://match.other-sync.test/m?id=UID4zru4Xntv0ahXhfx0d9X", "image", None, 3.0);
        assert!(a.graph().syncs().any(|(x, y, _)| x.as_str() == "bare.test" && y.as_str() == "other-sync.test"));
    }

    #[test]
    fn a_top_level_navigation_and_its_redirects_are_never_a_cookie_sync_partner() {
        let mut a = Auditor::with_default_pack();
        nav(&mut a, 1, "https://news.test/", 1.0);
        req(&mut a, 1, "https://ads.ad-server.test/px.gif", "image", None, 2.0);
        a.observe_raw(&RawEvent::Response(RawResponse {
            url: "https://ads.ad-server.test/px.gif".into(),
            tab: 1,
            time: 2.0,
            set_cookie: vec!["id=Zz81Kq44Mn20Lw; Max-Age=31536000; SameSite=None; Secure".into()],
            ..Default::default()
        }))
        .unwrap();
        // The person clicks the ad: the tab goes through the ad server to the advertiser, the id in the URLs.
        let hop = |a: &mut Auditor, url: &str, to: &str, t: f64| {
            req(a, 1, url, "main_frame", None, t);
            a.observe_raw(&RawEvent::Response(RawResponse { url: url.into(), tab: 1, time: t, status: 302, redirect_url: Some(to.into()), ..Default::default() })).unwrap();
        };
        hop(&mut a, "https://click.ad-server.test/c?id=Zz81Kq44Mn20Lw", "https://www.advertiser.test/lp?ref=Zz81Kq44Mn20Lw", 3.0);
        req(&mut a, 1, "https://www.advertiser.test/lp?ref=Zz81Kq44Mn20Lw", "main_frame", None, 4.0);
        a.observe_raw(&RawEvent::Navigation(RawNavigation { url: "https://www.advertiser.test/lp?ref=Zz81Kq44Mn20Lw".into(), tab: 1, time: 4.0 })).unwrap();
        assert!(a.graph().syncs().next().is_none(), "{:?}", a.graph().syncs().collect::<Vec<_>>());
        assert_eq!(a.tab_report(1).unwrap().site.as_str(), "advertiser.test");
        assert!(a.graph().node(&s("advertiser.test")).is_some_and(|n| n.first_party && !n.third_party));
        // The ad server stays what it was (a third party of news.test), not a site you visited.
        assert!(a.graph().node(&s("ad-server.test")).is_some_and(|n| !n.first_party && n.third_party));
    }

    #[test]
    fn a_redirect_heard_after_the_next_hop_still_takes_the_hop_back() {
        // Events out of order (a waking worker sorts them by time, and a browser may stamp the
        // redirect after the next request): the hop's request, the landing's, then the redirect.
        let mut a = Auditor::with_default_pack();
        req(&mut a, 1, "https://go.brand-hop.test/c?id=1", "main_frame", None, 1.0);
        req(&mut a, 1, "https://www.landing.test/", "main_frame", None, 2.0);
        a.observe_raw(&RawEvent::Response(RawResponse {
            url: "https://go.brand-hop.test/c?id=1".into(),
            tab: 1,
            time: 2.0,
            status: 302,
            redirect_url: Some("https://www.landing.test/".into()),
            ..Default::default()
        }))
        .unwrap();
        assert_eq!(a.tab_report(1).unwrap().site.as_str(), "landing.test");
        assert!(a.graph().node(&s("brand-hop.test")).is_none_or(|n| !n.first_party), "{:?}", a.graph().node(&s("brand-hop.test")));
        assert!(a.graph().node(&s("landing.test")).is_some_and(|n| n.first_party));
        // A page the person opened and left for another is still a visit.
        req(&mut a, 2, "https://www.first.test/", "main_frame", None, 3.0);
        req(&mut a, 2, "https://www.second.test/", "main_frame", None, 4.0);
        assert!(a.graph().node(&s("first.test")).is_some_and(|n| n.first_party));
    }
}
