//! What the auditor reports: each tab's page report and its third parties'
//! rows, the counts of what came in, closed tabs' reports brought up to date,
//! and evidence as the graph keeps it.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::classify::Evidence;
use crate::observe::WebUrl;
use crate::rules::Category;

use super::*;

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
    pub(super) fn new(page: &WebUrl) -> PageReport {
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

/// The report of a closed tab, as it was when closed, and where learning stood then.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosedReport {
    pub report: PageReport,
    /// Changes learned before the tab was closed (already in `report`).
    pub learned: usize,
}

impl Auditor {
    /// The row of a third party in a tab's report, made on first sight, when
    /// the tab still shows `page`.
    pub(super) fn row(&mut self, tab: TabId, page: &Site, verdict: &Verdict) -> Option<&mut ThirdParty> {
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

    /// The report for a tab's current page.
    pub fn tab_report(&self, tab: TabId) -> Option<&PageReport> {
        self.tabs.get(&tab).map(|t| &t.report)
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
    use crate::audit::fixtures::observed::*;

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
}
