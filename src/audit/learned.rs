//! Trackers learned: tracking behaviour counted for the learning rule, a
//! third party no pack names marked a learned tracker, and what learning
//! changes applied to every open tab's report and kept for closed tabs'.

use crate::rules::Category;

use super::*;

/// A change learning made to every open report that lists `site`.
#[derive(Debug, Clone)]
pub(super) struct Learned {
    pub(super) site: Site,
    pub(super) categories: Vec<Category>,
    /// Merged as rules' categories are (a learned tracker), or added as they are (cross-site cookies).
    pub(super) merge: bool,
}

impl Learned {
    pub(super) fn apply(&self, report: &mut PageReport) {
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

impl Auditor {
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

    /// The trackers the heuristics found that no loaded pack names, as a pack.
    pub fn learned_pack(&self, seen_in: &str, version: &str) -> RulePack {
        crate::learn::learned_pack(&self.learner, &self.rules, seen_in, version)
    }

    /// Counts tracking behaviour for the learning rule; a third party that
    /// no pack names and that this makes a learned tracker is marked so in
    /// the graph and in the open tabs' reports.
    pub(super) fn tracking(&mut self, third: &Site, page: &Site, what: crate::learn::Tracking) {
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

    /// Applies what was learned of a site to every open tab's report (and
    /// keeps it for the reports of closed tabs).
    pub(super) fn learned_for_every_tab(&mut self, l: Learned) {
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::fixtures::observed::*;
    use crate::classify::classify;
    use crate::observe::{ResourceType, WebUrl};

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
}
