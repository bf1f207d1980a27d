//! Cookies: the names a third party sets and receives, recorded against
//! it, cross-site cookies, and cookie syncing, found from salted hashes of
//! third parties' identifier-like values that never leave memory.

use crate::observe::{Response, SentCookies, WebUrl};
use crate::rules::Category;

use super::*;

impl Auditor {
    /// Starts cookie-sync detection afresh with a new salt (the extension
    /// gives one from the browser's randomness when its worker starts).
    pub fn set_salt(&mut self, salt: crate::sync::Salt) {
        self.cookie_ids = crate::sync::CookieIds::new(salt);
    }

    /// Cookies a request sent (the headers the browser sent), when a third party's.
    pub(super) fn sent_cookies(&mut self, s: SentCookies) {
        if let Some(page) = s.top.clone().or_else(|| self.tabs.get(&s.tab).map(|t| t.page.clone())) {
            if page.site != s.url.site {
                self.cookies(&page.site, &s.url.site, &s.names, true, s.time);
            }
        }
    }

    /// Cookies a response set, when a third party's.
    pub(super) fn response_cookies(&mut self, resp: &Response) {
        let page = resp.top.clone().or_else(|| self.tabs.get(&resp.tab).map(|t| t.page.clone()));
        if let Some(page) = page {
            if page.site != resp.url.site && !resp.cookies.is_empty() {
                let names: Vec<String> = resp.cookies.iter().map(|c| c.name.clone()).collect();
                self.cookies(&page.site, &resp.url.site, &names, false, resp.time);
            }
        }
    }

    /// Hashes the identifier-like cookie values a third party set or
    /// received ([`crate::sync`]); the values go no further than this.
    pub(super) fn remember_cookie_values(&mut self, raw: &RawEvent) {
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

    /// Records the cookie syncs a third-party request makes: an edge from
    /// the cookie's owner to the request's site, both given
    /// `cross-site-cookies`, with the cookie's name (never its value).
    pub(super) fn syncs(&mut self, page: &Site, to: &Site, url: &WebUrl, referrer: Option<&url::Url>, tab: TabId, time: f64) {
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

    pub(super) fn cookies(&mut self, page: &Site, third: &Site, names: &[String], sent: bool, time: f64) {
        self.graph.record_cookies(page, third, names, sent, time);
        if self.learner.saw_cookie(third, page) {
            let sites = self.learner.cross_site_cookie_sites(third).map(|s| s.len()).unwrap_or(0);
            let line = format!("heuristic cross-site-cookies: set or received cookies on {sites} of your sites");
            self.graph.classify(third, None, None, &[Category::CrossSiteCookies], true, &[line]);
            self.learned_for_every_tab(Learned { site: third.clone(), categories: vec![Category::CrossSiteCookies], merge: false });
        }
    }

    /// An observed event as it may be stored (the extension's journal): no
    /// cookie values, URLs cut, and any identifier-like cookie value this
    /// auditor knows taken out of its URLs ([`crate::sync::CookieIds::redact`]).
    pub fn journal_form(&self, raw: &RawEvent) -> RawEvent {
        raw.stored_form(&|u| self.cookie_ids.redact(u))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::fixtures::observed::*;
    use crate::observe::{RawNavigation, RawRequest, RawResponse};

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
}
