//! Classification: a request's URL and page, the rules and what the learner
//! knows go in; a [`Verdict`] with its evidence comes out.

use serde::{Deserialize, Serialize};

pub use crate::evidence::Evidence;
use crate::learn::Learner;
use crate::observe::{ResourceType, WebUrl};
use crate::rules::tds::Action;
use crate::rules::{Category, ListDecision, RuleIndex};
use crate::site::{Host, Site};

/// What Telltale concludes about one request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    /// The request's site (registrable domain).
    pub site: Site,
    /// The top-level page's site, when known.
    pub page_site: Option<Site>,
    pub third_party: bool,
    pub tracker: bool,
    pub entity: Option<String>,
    pub company: Option<String>,
    pub categories: Vec<Category>,
    pub evidence: Vec<Evidence>,
}

/// Classifies a request to `url` of type `t` made by a page on `page` (if known).
///
/// Who the third party is (entity, company) comes from domain rules, the pack
/// loaded last first; a filter list that blocks the request adds its
/// categories and names the filter. Heuristics add what they learned.
pub fn classify(rules: &RuleIndex, learner: &Learner, url: &WebUrl, page: Option<&WebUrl>, t: ResourceType) -> Verdict {
    let third_party = page.is_some_and(|p| p.site != url.site);
    let mut v = Verdict { site: url.site.clone(), page_site: page.map(|p| p.site.clone()), third_party, tracker: false, entity: None, company: None, categories: Vec::new(), evidence: Vec::new() };
    let mut rule_rank = None;
    if let Some(m) = rules.lookup(&url.host, url.path()) {
        let e = rules.entity(m.entity);
        rule_rank = Some(e.rank);
        v.entity = Some(e.name.clone());
        v.company = Some(e.company.clone());
        v.categories = m.categories;
        let source = m.pattern_source.as_ref().unwrap_or(&e.source).name.clone();
        v.evidence.push(Evidence::Rule { pack: e.pack.clone(), entity: e.name.clone(), rule: m.rule, source });
    }
    match rules.list_decision(url, page, t) {
        Some(ListDecision::Filter(f)) => {
            v.categories.extend_from_slice(&f.categories);
            v.evidence.push(Evidence::Filter { pack: f.pack, list: f.list, filter: f.filter, source: f.source.name });
        }
        Some(ListDecision::Tracker { pack, rank, hit }) => {
            if hit.cname.is_some() {
                // A first-party name for a tracker's server: the verdict is
                // about the tracker the CNAME record points to.
                if let Ok(site) = Site::of(&hit.host) {
                    v.third_party = page.is_some_and(|p| p.site != site);
                    v.site = site;
                }
                let owner = Host::parse(&hit.host)
                    .ok()
                    .and_then(|h| rules.entity_of_host(&h))
                    .map(|id| rules.entity(id))
                    .or_else(|| hit.owner.as_ref().and_then(|o| rules.entities().iter().find(|e| e.rank == rank && e.name == *o)));
                v.entity = owner.map(|e| e.name.clone()).or_else(|| hit.owner.clone());
                v.company = owner.map(|e| e.company.clone()).or_else(|| hit.owner.clone());
                v.categories.clear();
                v.evidence.retain(|e| !matches!(e, Evidence::Rule { .. }));
            } else if let Some(owner) = hit.owner.as_ref().and_then(|o| rules.entities().iter().find(|e| e.rank == rank && e.name == *o)) {
                // The owner a tracker list names stands over an earlier pack's
                // company: the person loaded that list, and it is the newer word.
                // The brand an earlier pack names (the entity) stays.
                if rule_rank.is_none_or(|r| r < rank) {
                    v.company = Some(owner.company.clone());
                    v.entity.get_or_insert_with(|| owner.name.clone());
                }
            }
            match hit.action {
                Action::Block if hit.categories.is_empty() => v.categories.push(Category::Tracking),
                Action::Block => v.categories.extend_from_slice(&hit.categories),
                Action::Ignore => {
                    // The list has the last word on its tracker: what an
                    // earlier pack says it tracks for does not stand.
                    if rule_rank.is_some_and(|r| r < rank) {
                        v.categories.retain(|c| !c.is_tracking());
                    }
                    v.categories.extend(hit.categories.iter().copied().filter(|c| !c.is_tracking()));
                }
            }
            v.evidence.push(Evidence::Tracker {
                pack,
                list: hit.list.clone(),
                tracker: hit.tracker.clone(),
                rule: hit.decided_by(),
                action: hit.action.as_str().into(),
                cname: hit.cname.as_ref().map(|c| format!("{c} → {}", hit.host)),
                source: hit.source.name.clone(),
            });
        }
        None => {}
    }
    v.categories.sort();
    v.categories.dedup();
    // `tracking` says only that a list calls it tracking: a rule that
    // says how (analytics, session replay) says more.
    if v.categories.iter().filter(|c| c.is_tracking()).count() > 1 {
        v.categories.retain(|&c| c != Category::Tracking);
    }
    // A consent platform's cookie is the person's answer, kept for every
    // site that asks it: not tracking, unless a list says it tracks.
    let consent_only = v.categories.contains(&Category::Consent) && !v.categories.iter().any(|c| c.is_tracking());
    if let Some(sites) = learner.cross_site_cookie_sites(&url.site).filter(|_| !consent_only) {
        v.categories.push(Category::CrossSiteCookies);
        v.categories.sort();
        v.categories.dedup();
        v.evidence.push(Evidence::Heuristic { name: "cross-site-cookies".into(), detail: format!("set or received cookies on {} of your sites", sites.len()), sites: sites.iter().cloned().collect() });
    }
    // Privacy Badger's rule, for what no pack names ([`crate::learn`]).
    let named = v.entity.is_some() || v.evidence.iter().any(|e| matches!(e, Evidence::Filter { .. } | Evidence::Tracker { .. }));
    if let Some(sites) = learner.learned_tracker(&v.site).filter(|_| !named) {
        if !v.categories.iter().any(|c| c.is_tracking()) {
            v.categories.push(Category::Tracking);
            v.categories.sort();
        }
        v.evidence.push(Evidence::Heuristic { name: "learned-tracker".into(), detail: crate::learn::learned_detail(sites), sites: sites.keys().cloned().collect() });
    }
    let mut seen_doing = false;
    for s in learner.behaviour_of(&v.site) {
        if let Some(c) = s.kind.category() {
            v.categories.push(c);
            seen_doing = true;
        }
        v.evidence.push(s.evidence());
    }
    if seen_doing {
        v.categories.sort();
        v.categories.dedup();
    }
    if !v.third_party {
        return v;
    }
    // A third party owned by the page's own company is not a tracker by that fact alone.
    let same_owner = match (&v.company, page.and_then(|p| rules.entity_of_host(&p.host))) {
        (Some(company), Some(page_entity)) => rules.entity(page_entity).company == *company,
        _ => false,
    };
    if same_owner {
        v.evidence.push(Evidence::SameOwner { company: v.company.clone().unwrap_or_default() });
        // Learned cross-site behaviour, and what its scripts were seen doing,
        // still count: they are evidence beyond ownership.
        v.tracker = v.categories.contains(&Category::CrossSiteCookies) || seen_doing;
    } else {
        v.tracker = v.categories.iter().any(|c| c.is_tracking());
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{RulePack, DEFAULT_PACK, DEFAULT_PACK_NAME};

    fn ix() -> RuleIndex {
        let mut ix = RuleIndex::new();
        ix.add(&RulePack::parse(DEFAULT_PACK_NAME, DEFAULT_PACK).unwrap());
        ix
    }

    fn v(ix: &RuleIndex, l: &Learner, url: &str, page: &str) -> Verdict {
        classify(ix, l, &WebUrl::parse(url).unwrap(), Some(&WebUrl::parse(page).unwrap()), ResourceType::Script)
    }

    #[test]
    fn known_tracker_on_a_news_site() {
        let (ix, l) = (ix(), Learner::default());
        let verdict = v(&ix, &l, "https://www.google-analytics.com/collect?v=1", "https://www.aftonbladet.se/");
        assert!(verdict.third_party && verdict.tracker);
        assert_eq!(verdict.entity.as_deref(), Some("Google Analytics"));
        assert_eq!(verdict.categories, [Category::Analytics]);
        assert!(matches!(&verdict.evidence[0], Evidence::Rule { rule, .. } if rule == "domain google-analytics.com"));
    }

    #[test]
    fn first_party_requests_are_not_trackers() {
        let (ix, l) = (ix(), Learner::default());
        let verdict = v(&ix, &l, "https://www.google-analytics.com/analytics.js", "https://google-analytics.com/");
        assert!(!verdict.third_party && !verdict.tracker);
    }

    #[test]
    fn same_company_is_third_party_but_not_a_tracker() {
        let (ix, l) = (ix(), Learner::default());
        // Both are Google's in third-party-web.
        let verdict = v(&ix, &l, "https://securepubads.g.doubleclick.net/gpt.js", "https://news.google.com/home");
        assert!(verdict.third_party);
        assert!(!verdict.tracker, "{verdict:?}");
        assert!(verdict.evidence.iter().any(|e| matches!(e, Evidence::SameOwner { company } if company == "Google")));
    }

    #[test]
    fn cdn_is_third_party_not_tracker() {
        let (ix, l) = (ix(), Learner::default());
        let verdict = v(&ix, &l, "https://cdnjs.cloudflare.com/ajax/libs/x.js", "https://news.example/");
        assert!(verdict.third_party && !verdict.tracker, "{verdict:?}");
        assert!(verdict.categories.iter().all(|c| !c.is_tracking()));
    }

    #[test]
    fn tag_loaders_are_judged_alike_whoever_makes_them() {
        let (ix, l) = (ix(), Learner::default());
        for url in ["https://www.googletagmanager.com/gtm.js?id=GTM-X", "https://tags.tiqcdn.com/utag/acme/main/prod/utag.js", "https://nexus.ensighten.com/acme/Bootstrap.js"] {
            let verdict = v(&ix, &l, url, "https://www.aftonbladet.se/");
            assert!(verdict.tracker, "{url}: {verdict:?}");
            assert!(verdict.categories.contains(&Category::TagManager), "{url}: {verdict:?}");
        }
    }

    #[test]
    fn a_consent_platform_is_not_a_tracker_by_its_cookie_unless_a_list_says_it_tracks() {
        let (mut ix, mut l) = (ix(), Learner::default());
        let cmp = Site::of("cookielaw.org").unwrap();
        for site in ["a.example", "b.example", "c.example"] {
            l.saw_cookie(&cmp, &Site::of(site).unwrap());
        }
        let url = "https://cdn.cookielaw.org/consent/1/otSDKStub.js";
        let verdict = v(&ix, &l, url, "https://d.example/");
        assert!(!verdict.tracker, "{verdict:?}");
        assert_eq!(verdict.categories, [Category::Consent]);
        // A heuristic alone still makes an unnamed site with the same cookies a tracker.
        let other = Site::of("unnamed-cmp.example").unwrap();
        for site in ["a.example", "b.example"] {
            l.saw_cookie(&other, &Site::of(site).unwrap());
        }
        assert!(v(&ix, &l, "https://unnamed-cmp.example/c.js", "https://d.example/").tracker);
        // A list that says the platform tracks is heard.
        let list = r#"{"format": "telltale-rules/1", "name": "lists", "version": "1", "license": "CC0-1.0", "sources": {"s": {"name": "A list"}}, "entities": [],
          "filter_lists": [{"name": "A list", "source": "s", "categories": ["tracking"], "filters": ["||cookielaw.org^$third-party"]}]}"#;
        ix.add(&RulePack::parse("lists.json", list).unwrap());
        let verdict = v(&ix, &l, url, "https://d.example/");
        assert!(verdict.tracker, "{verdict:?}");
        assert!(verdict.categories.contains(&Category::CrossSiteCookies), "{verdict:?}");
    }

    #[test]
    fn unknown_third_party_is_not_a_tracker_until_learned() {
        let (ix, mut l) = (ix(), Learner::default());
        let url = "https://px.unknown-tracker.example/p.gif";
        assert!(!v(&ix, &l, url, "https://a.example/").tracker);
        let t = Site::of("unknown-tracker.example").unwrap();
        l.saw_cookie(&t, &Site::of("a.example").unwrap());
        l.saw_cookie(&t, &Site::of("b.example").unwrap());
        let verdict = v(&ix, &l, url, "https://c.example/");
        assert!(verdict.tracker);
        assert_eq!(verdict.categories, [Category::CrossSiteCookies]);
        assert!(matches!(&verdict.evidence[0], Evidence::Heuristic { sites, .. } if sites.len() == 2));
    }
}
