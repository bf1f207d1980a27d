//! Heuristics that find trackers no list names. Each rule is small and
//! written down here:
//!
//! - **cross-site cookies**: a third party that sets or receives cookies on
//!   two or more first-party sites follows you between them.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::site::Site;

/// How many first-party sites the learner remembers per third party. Two
/// decide the heuristic; the rest is evidence for people to read.
const MAX_SITES_PER_THIRD_PARTY: usize = 256;

/// The minimum number of first-party sites for the cross-site-cookies rule.
pub const CROSS_SITE_MIN_SITES: usize = 2;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Learner {
    /// Third-party site → the first-party sites on which it set or received cookies.
    cookie_sites: BTreeMap<Site, BTreeSet<Site>>,
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

    /// Forgets a first-party site everywhere (retention, or the user clearing it).
    pub fn forget_first_party(&mut self, first_party: &Site) {
        for set in self.cookie_sites.values_mut() {
            set.remove(first_party);
        }
        self.cookie_sites.retain(|_, s| !s.is_empty());
    }
}

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
    fn forgetting_a_site_can_undo_the_flag() {
        let mut l = Learner::default();
        l.saw_cookie(&s("t.example"), &s("a.example"));
        l.saw_cookie(&s("t.example"), &s("b.example"));
        l.forget_first_party(&s("b.example"));
        assert!(l.cross_site_cookie_sites(&s("t.example")).is_none());
    }
}
