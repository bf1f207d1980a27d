//! Tabs and their pages: a navigation opens a page (kept without its query
//! or fragment), a document's redirect hops are one page load with the page
//! they lead to, and the open tabs as a snapshot holds them.

use crate::observe::{Navigation, Response, WebUrl};

use super::*;

#[derive(Debug, Clone)]
pub(super) struct Tab {
    pub(super) page: WebUrl,
    pub(super) report: PageReport,
    /// Where the page's document redirected: a main-frame request there is
    /// the same page's next hop, not a site of its own.
    pub(super) hop_to: Option<String>,
    /// Whether opening the page made its site a visited one (a hop takes it back).
    pub(super) new_visit: bool,
    /// The page this tab showed before, when opening it made its site a
    /// visited one and nothing of it loaded: its redirect, if it arrives
    /// after the next hop's request (events out of order), takes the visit back.
    pub(super) left: Option<(WebUrl, Site)>,
}

impl Auditor {
    /// A navigation: the tab opens the page, unless its main-frame request already did.
    pub(super) fn navigated(&mut self, n: Navigation) {
        // The main-frame request already opened this page: keep its report.
        if self.tabs.get(&n.tab).is_some_and(|t| t.page == n.url.address()) {
            self.graph.visit(&n.url.site, n.time);
        } else {
            self.navigate(n.tab, n.url, n.time);
        }
    }

    /// A main-frame request: the tab's document is at `url`.
    pub(super) fn document_request(&mut self, tab: TabId, url: &WebUrl, time: f64) {
        // A redirect hop of the tab's document: the page moves on, and the
        // site it left was no page you visited (unless it was one already).
        let left = self.tabs.get(&tab).filter(|t| t.hop_to.as_deref() == Some(url.url.as_str()) && t.new_visit && t.page.site != url.site).map(|t| t.page.site.clone());
        if let Some(site) = left {
            self.graph.unvisit(&site);
        }
        self.navigate(tab, url.clone(), time);
    }

    /// A response redirecting to `target`, as it concerns a tab's document.
    pub(super) fn document_redirected(&mut self, resp: &Response, target: &WebUrl) {
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::fixtures::observed::*;
    use crate::observe::{RawNavigation, RawResponse};

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
