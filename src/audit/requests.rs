//! Third-party requests: each recorded with who loaded it (a redirecting
//! third party, else a third-party frame, else the page), attempts that were
//! stopped counted apart, and one that never reached the network taken back.

use crate::classify::classify;
use crate::graph::Hit;
use crate::observe::{Failure, Request, ResourceType, WebUrl};

use super::*;

/// Redirect targets remembered while their next hop is awaited.
const MAX_PENDING_REDIRECTS: usize = 1024;
/// Recent third-party requests remembered by id, so one that fails before
/// reaching the network can be taken back.
const MAX_RECENT_REQUESTS: usize = 4096;

/// What a recorded third-party request added, to take it back.
#[derive(Debug, Clone)]
pub(super) struct Recorded {
    id: String,
    from: Site,
    to: Site,
    tab: TabId,
    resource_type: ResourceType,
}

impl Auditor {
    /// A request: a main-frame one moves its tab on; a third party's is
    /// recorded in the graph and the tab's report. Returns its verdict.
    pub(super) fn request(&mut self, r: Request) -> Option<Verdict> {
        self.stats.requests += 1;
        if r.resource_type == ResourceType::MainFrame {
            self.document_request(r.tab, &r.url, r.time);
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

    /// A request that failed: taken back if it never reached the network;
    /// counted as blocked if it was a third party's and stopped.
    pub(super) fn failed(&mut self, f: Failure) {
        if f.never_sent {
            self.take_back(f.request_id.as_deref());
        }
        let Some(page) = f.top.clone().or_else(|| self.tabs.get(&f.tab).map(|t| t.page.clone())) else {
            return;
        };
        if page.site == f.url.site {
            return;
        }
        let ours = || policy::blocks(&self.policy, &self.rules, &self.graph, &f.url.host, Some(f.url.path()), Some(&page.site)).is_some();
        if !(f.blocked || (f.aborted && ours())) {
            return;
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
    }

    /// Remembers that `from` redirected to `target`: the request there is loaded by `from`.
    pub(super) fn redirected(&mut self, target: &WebUrl, from: &Site) {
        if self.redirects.len() >= MAX_PENDING_REDIRECTS {
            self.redirects.pop_front();
        }
        self.redirects.push_back((target.url.to_string(), from.clone()));
    }

    fn take_redirect(&mut self, url: &str) -> Option<Site> {
        let i = self.redirects.iter().rposition(|(u, _)| u == url)?;
        self.redirects.remove(i).map(|(_, s)| s)
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

    fn apply_verdict(&mut self, v: &Verdict) {
        let lines: Vec<String> = v.evidence.iter().map(evidence_line).collect();
        self.graph.classify(&v.site, v.entity.as_deref(), v.company.as_deref(), &v.categories, v.tracker, &lines);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::fixtures::raw::*;
    use crate::observe::{RawRequest, RawResponse};
    use crate::rules::Category;

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
}
