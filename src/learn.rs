//! Heuristics that find trackers no list names. Each rule is small and
//! written down here:
//!
//! - **cross-site cookies**: a third party that sets or receives cookies on
//!   two or more first-party sites follows you between them.
//! - **learned trackers** (Privacy Badger's rule): a third party that no
//!   pack names and that shows tracking behaviour on three or more
//!   first-party sites (a setting) is a tracker. Tracking behaviour is an
//!   identifying cookie ([`crate::sync::identifier_like`]), cookie syncing,
//!   fingerprinting, beacons, session-replay behaviour or key logging
//!   ([`crate::behaviour`]).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::behaviour::{Finding, Kind, Seen};
use crate::site::Site;

/// How many first-party sites the learner remembers per third party. Two
/// decide the heuristic; the rest is evidence for people to read.
const MAX_SITES_PER_THIRD_PARTY: usize = 256;

/// The minimum number of first-party sites for the cross-site-cookies rule.
pub const CROSS_SITE_MIN_SITES: usize = 2;

/// Pages remembered per vendor and behaviour: the first is the evidence, the rest counts reach.
const MAX_PAGES_PER_BEHAVIOUR: usize = 16;

/// First-party sites on which a third party that no pack names must show
/// tracking behaviour to be a learned tracker, unless set otherwise.
pub const LEARN_MIN_SITES: usize = 3;

/// Tracking behaviour, as the learning rule counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tracking {
    IdentifyingCookie,
    Syncing,
    Fingerprinting,
    Beacon,
    SessionReplay,
    KeyLogging,
}

impl Tracking {
    pub fn words(self) -> &'static str {
        match self {
            Tracking::IdentifyingCookie => "an identifying cookie",
            Tracking::Syncing => "cookie syncing",
            Tracking::Fingerprinting => "fingerprinting",
            Tracking::Beacon => "beacons",
            Tracking::SessionReplay => "session replay",
            Tracking::KeyLogging => "key logging",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Learner {
    /// Third-party site → the first-party sites on which it set or received cookies.
    cookie_sites: BTreeMap<Site, BTreeSet<Site>>,
    /// Vendor site → behaviour → where it was seen ([`crate::behaviour`]).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    behaviour: BTreeMap<Site, BTreeMap<Kind, Vec<Seen>>>,
    /// Third-party site → first-party site → the tracking behaviour it showed there.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    tracking: BTreeMap<Site, BTreeMap<Site, BTreeSet<Tracking>>>,
    /// The learning rule's threshold (a setting; [`LEARN_MIN_SITES`] when unset).
    #[serde(skip)]
    learn_min_sites: Option<usize>,
}

impl Learner {
    /// Records that `third_party` set or received a cookie while you were on `first_party`.
    /// Returns true when this made it cross the cross-site threshold.
    pub fn saw_cookie(&mut self, third_party: &Site, first_party: &Site) -> bool {
        if third_party == first_party {
            return false;
        }
        let set = self.cookie_sites.entry(third_party.clone()).or_default();
        let before = set.len();
        if set.len() < MAX_SITES_PER_THIRD_PARTY {
            set.insert(first_party.clone());
        }
        before < CROSS_SITE_MIN_SITES && set.len() >= CROSS_SITE_MIN_SITES
    }

    /// The first-party sites, when `third_party` used cookies on enough of them.
    pub fn cross_site_cookie_sites(&self, third_party: &Site) -> Option<&BTreeSet<Site>> {
        self.cookie_sites.get(third_party).filter(|s| s.len() >= CROSS_SITE_MIN_SITES)
    }

    /// The learning rule's threshold: first-party sites with tracking behaviour.
    pub fn learn_min_sites(&self) -> usize {
        self.learn_min_sites.unwrap_or(LEARN_MIN_SITES)
    }

    /// Sets the learning rule's threshold (at least 1).
    pub fn set_learn_min_sites(&mut self, n: usize) {
        self.learn_min_sites = Some(n.max(1));
    }

    /// Takes the settings (not what was learned) of another learner.
    pub fn keep_setting(&mut self, other: &Learner) {
        self.learn_min_sites = other.learn_min_sites;
    }

    /// Records tracking behaviour of `third_party` on `first_party`.
    /// Returns true when this made it a learned tracker.
    pub fn saw_tracking(&mut self, third_party: &Site, first_party: &Site, what: Tracking) -> bool {
        if third_party == first_party {
            return false;
        }
        let min = self.learn_min_sites();
        let sites = self.tracking.entry(third_party.clone()).or_default();
        let before = sites.len();
        if sites.len() < MAX_SITES_PER_THIRD_PARTY || sites.contains_key(first_party) {
            sites.entry(first_party.clone()).or_default().insert(what);
        }
        before < min && sites.len() >= min
    }

    /// The first-party sites, with what it did there, when `third_party`
    /// showed tracking behaviour on enough of them. Whether a pack names it
    /// is for the caller to say.
    pub fn learned_tracker(&self, third_party: &Site) -> Option<&BTreeMap<Site, BTreeSet<Tracking>>> {
        self.tracking.get(third_party).filter(|s| s.len() >= self.learn_min_sites())
    }

    /// Every third party past the learning rule's threshold.
    pub fn learned_trackers(&self) -> impl Iterator<Item = (&Site, &BTreeMap<Site, BTreeSet<Tracking>>)> {
        let min = self.learn_min_sites();
        self.tracking.iter().filter(move |(_, s)| s.len() >= min)
    }

    /// Records a behaviour seen on `page` at `time`. Returns the record when
    /// it is new for that page (what to show), `None` when already known.
    pub fn saw_behaviour(&mut self, f: &Finding, page: &Site, time: f64) -> Option<&Seen> {
        let pages = self.behaviour.entry(f.vendor.clone()).or_default().entry(f.kind).or_default();
        if pages.iter().any(|s| s.page == *page) || pages.len() >= MAX_PAGES_PER_BEHAVIOUR {
            return None;
        }
        pages.push(Seen { kind: f.kind, detail: f.detail.clone(), page: page.clone(), scripts: f.scripts.clone(), time, first_party: f.first_party });
        pages.last()
    }

    /// What a vendor's scripts were seen doing as a third party: the first page of each behaviour.
    pub fn behaviour_of(&self, vendor: &Site) -> impl Iterator<Item = &Seen> {
        self.behaviour.get(vendor).into_iter().flat_map(|m| m.values()).filter_map(|pages| pages.iter().find(|s| !s.first_party))
    }

    /// Every behaviour seen on `page`, by vendor (third parties and the page's own scripts).
    pub fn behaviour_on<'a>(&'a self, page: &'a Site) -> impl Iterator<Item = (&'a Site, &'a Seen)> + 'a {
        self.behaviour.iter().flat_map(move |(vendor, kinds)| kinds.values().flat_map(|pages| pages.iter()).filter(move |s| s.page == *page).map(move |s| (vendor, s)))
    }

    /// Forgets a first-party site everywhere (retention, or the user clearing it).
    pub fn forget_first_party(&mut self, first_party: &Site) {
        for set in self.cookie_sites.values_mut() {
            set.remove(first_party);
        }
        self.cookie_sites.retain(|_, s| !s.is_empty());
        for kinds in self.behaviour.values_mut() {
            for pages in kinds.values_mut() {
                pages.retain(|s| s.page != *first_party);
            }
            kinds.retain(|_, p| !p.is_empty());
        }
        self.behaviour.retain(|_, k| !k.is_empty());
        for sites in self.tracking.values_mut() {
            sites.remove(first_party);
        }
        self.tracking.retain(|_, s| !s.is_empty());
    }
}

/// What the learning rule saw, in plain words: "tracking behaviour on 3 of
/// your sites: an identifying cookie, beacons".
pub fn learned_detail(sites: &BTreeMap<Site, BTreeSet<Tracking>>) -> String {
    let kinds: BTreeSet<Tracking> = sites.values().flatten().copied().collect();
    format!("tracking behaviour on {} of your sites: {}", sites.len(), kinds.iter().map(|k| k.words()).collect::<Vec<_>>().join(", "))
}

/// The third parties the heuristics flagged and no loaded pack names, as a
/// native pack researchers can share and load. Its one source says what the
/// entries rest on: what this browser (or these captures) saw.
pub fn learned_pack(learner: &Learner, rules: &crate::rules::RuleIndex, seen_in: &str, version: &str) -> crate::rules::RulePack {
    use crate::rules::{Category, DomainName, Entity, RulePack, Source, FORMAT_V1};
    let mut entities: Vec<Entity> = Vec::new();
    let cross_site = learner.cookie_sites.iter().filter(|(_, s)| s.len() >= CROSS_SITE_MIN_SITES).map(|(site, s)| (site, s.len(), Category::CrossSiteCookies, "learned-"));
    let behaviour = learner.learned_trackers().map(|(site, s)| (site, s.len(), Category::Tracking, "learned-behaviour-"));
    for (site, n, category, source) in cross_site.chain(behaviour) {
        let Ok(host) = crate::site::Host::parse(site.as_str()) else { continue };
        let Ok(domain) = DomainName::of_host(&host) else { continue };
        if rules.entity_of_host(&host).is_some() {
            continue;
        }
        // Flagged by both rules: one entry with both categories, sourced by the first.
        if let Some(e) = entities.iter_mut().find(|e| e.name == site.as_str()) {
            e.categories.push(category);
            continue;
        }
        entities.push(Entity {
            name: site.to_string(),
            company: None,
            company_source: None,
            company_evidence: None,
            homepage: None,
            domains: vec![domain],
            categories: vec![category],
            patterns: vec![],
            opt_outs: vec![],
            source: format!("{source}{}", n.min(CROSS_SITE_SOURCES)),
        });
    }
    let mut sources = std::collections::BTreeMap::new();
    for e in entities.iter().filter(|e| e.source.starts_with("learned-behaviour-")) {
        let n: usize = e.source.trim_start_matches("learned-behaviour-").parse().unwrap_or(LEARN_MIN_SITES);
        let more = if n >= CROSS_SITE_SOURCES { " or more" } else { "" };
        sources.entry(e.source.clone()).or_insert_with(|| Source {
            name: format!("Telltale's learning rule in {seen_in}: tracking behaviour (an identifying cookie, cookie syncing, fingerprinting, beacons or session replay) as a third party on {n}{more} first-party sites"),
            url: None,
            license: None,
        });
    }
    for e in entities.iter().filter(|e| !e.source.starts_with("learned-behaviour-")) {
        let n: usize = e.source.trim_start_matches("learned-").parse().unwrap_or(CROSS_SITE_MIN_SITES);
        let more = if n >= CROSS_SITE_SOURCES { " or more" } else { "" };
        sources.entry(e.source.clone()).or_insert_with(|| Source {
            name: format!("Telltale's cross-site-cookies heuristic in {seen_in}: set or received cookies as a third party on {n}{more} first-party sites"),
            url: None,
            license: None,
        });
    }
    RulePack {
        format: FORMAT_V1.into(),
        name: "telltale-learned".into(),
        version: version.into(),
        license: "CC0-1.0".into(),
        sources,
        categories: vec![],
        entities,
        filter_lists: Vec::new(),
        tracker_lists: Vec::new(),
    }
}

/// Learned packs group their entries by how many sites saw them, up to this many.
const CROSS_SITE_SOURCES: usize = 10;

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Site {
        Site::of(x).unwrap()
    }

    #[test]
    fn two_sites_make_cross_site() {
        let mut l = Learner::default();
        assert!(!l.saw_cookie(&s("t.example"), &s("a.example")));
        assert!(l.cross_site_cookie_sites(&s("t.example")).is_none());
        assert!(!l.saw_cookie(&s("t.example"), &s("a.example")), "same site twice is still one");
        assert!(l.saw_cookie(&s("t.example"), &s("b.example")));
        assert_eq!(l.cross_site_cookie_sites(&s("t.example")).unwrap().len(), 2);
        assert!(!l.saw_cookie(&s("t.example"), &s("c.example")), "crossing happens once");
    }

    #[test]
    fn first_party_cookies_do_not_count() {
        let mut l = Learner::default();
        l.saw_cookie(&s("a.example"), &s("a.example"));
        assert!(l.cookie_sites.is_empty());
    }

    #[test]
    fn learned_trackers_make_a_pack_that_loads() {
        let mut l = Learner::default();
        for page in ["a.example", "b.example", "c.example"] {
            l.saw_cookie(&s("unlisted.example"), &s(page));
        }
        l.saw_cookie(&s("once.example"), &s("a.example"));
        l.saw_cookie(&s("doubleclick.net"), &s("a.example"));
        l.saw_cookie(&s("doubleclick.net"), &s("b.example"));
        let mut rules = crate::rules::RuleIndex::new();
        rules.add(&crate::rules::RulePack::default_pack());
        let p = learned_pack(&l, &rules, "this browser", "2026-12-02");
        assert_eq!(p.entities.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(), ["unlisted.example"], "only what no pack names, past the threshold");
        let text = crate::rules::build::to_json_lines(&p);
        let back = crate::rules::RulePack::parse("learned.json", &text).unwrap();
        assert!(back.sources["learned-3"].name.contains("on 3 first-party sites"), "{:?}", back.sources);
    }

    #[test]
    fn forgetting_a_site_can_undo_the_flag() {
        let mut l = Learner::default();
        l.saw_cookie(&s("t.example"), &s("a.example"));
        l.saw_cookie(&s("t.example"), &s("b.example"));
        l.forget_first_party(&s("b.example"));
        assert!(l.cross_site_cookie_sites(&s("t.example")).is_none());
    }
}
