//! DuckDuckGo's Tracker Data Set, imported and matched as its documentation
//! says (tds-README.md and tds-EXAMPLES.md in ../shared/data/duckduckgo):
//! CNAME resolution, tracker walk-up, rules in order (first match decides),
//! `exceptions` and `options` on page domains and request types, `action:
//! ignore`, and the tracker's `default`. Each case names the rule it checks.
//! The real cases come from ../shared/data/duckduckgo/tds-slice.json (60
//! trackers of DuckDuckGo's extension-tds.json, tests only); the `options`
//! cases, which that slice has none of, are the documentation's own examples.

use telltale::classify::classify;
use telltale::learn::Learner;
use telltale::observe::{ResourceType, WebUrl};
use telltale::rules::import::parse_any;
use telltale::rules::tds::Action;
use telltale::rules::{ListDecision, RuleIndex, RulePack};
use telltale::{Category, Evidence};

fn slice_text() -> String {
    std::fs::read_to_string("../shared/data/duckduckgo/tds-slice.json").expect("../shared/data/duckduckgo/tds-slice.json")
}

fn index_of(text: &str) -> RuleIndex {
    let imported = parse_any("tds.json", text).expect("imports");
    let mut ix = RuleIndex::new();
    ix.add(&imported.pack);
    ix
}

/// (action, what decided, tracker) for a request of type `t` to `url` on `page`.
fn decide(ix: &RuleIndex, url: &str, page: &str, t: &str) -> Option<(Action, String, String)> {
    let (u, p) = (WebUrl::parse(url).unwrap(), WebUrl::parse(page).unwrap());
    match ix.list_decision(&u, Some(&p), ResourceType::from_browser_name(t))? {
        ListDecision::Tracker { hit, .. } => Some((hit.action, hit.decided_by(), hit.tracker)),
        other => panic!("a TDS pack has no filters: {other:?}"),
    }
}

fn block(ix: &RuleIndex, url: &str, page: &str, t: &str) -> bool {
    decide(ix, url, page, t).is_some_and(|(a, _, _)| a == Action::Block)
}

#[test]
fn rules_in_order_first_match_decides_with_exceptions_and_ignore() {
    let ix = index_of(&slice_text());
    // omtrdc.net (Adobe), default block, four rules:
    //  1 tt\.omtrdc\.net/cdn/target\.js   except on canadiantire.ca, delltechnologiesworld.com, go.com
    //  2 snow\.com\.ssl\.d2\.sc\.omtrdc\.net   action ignore
    //  3 omtrdc\.net/b/ss   except on canadiantire.ca, mercuryinsurance.com
    //  4 omtrdc\.net   except on canadiantire.ca
    let target = "https://tt.omtrdc.net/cdn/target.js";
    let d = decide(&ix, target, "https://www.example.com/", "script").unwrap();
    assert_eq!(d, (Action::Block, r"rule 1 tt\.omtrdc\.net/cdn/target\.js".to_owned(), "omtrdc.net".to_owned()));
    // Rule 1's exception decides: rule 4, which would block on go.com, is never reached.
    let d = decide(&ix, target, "https://www.go.com/", "script").unwrap();
    assert_eq!((d.0, d.1.as_str()), (Action::Ignore, r"rule 1 tt\.omtrdc\.net/cdn/target\.js, excepted here"));
    // Exception domains match their subdomains, at a label boundary only.
    assert!(!block(&ix, target, "https://shop.canadiantire.ca/", "script"));
    assert!(block(&ix, target, "https://notgo.com/", "script"), "notgo.com is not go.com");
    // Case is ignored: the path as a page may write it.
    assert!(block(&ix, "https://tt.omtrdc.net/CDN/Target.JS", "https://www.example.com/", "script"));
    // Rule 2, action ignore, comes before rule 3, which would block.
    let d = decide(&ix, "https://snow.com.ssl.d2.sc.omtrdc.net/b/ss/x", "https://www.example.com/", "image").unwrap();
    assert_eq!((d.0, d.1.as_str()), (Action::Ignore, r"rule 2 snow\.com\.ssl\.d2\.sc\.omtrdc\.net, action ignore"));
    // Rule 3 and its own exceptions.
    let beacon = "https://metrics.sc.omtrdc.net/b/ss/suite/1/JS-2.0/s123";
    let d = decide(&ix, beacon, "https://www.example.com/", "image").unwrap();
    assert_eq!((d.0, d.1.as_str()), (Action::Block, r"rule 3 omtrdc\.net/b/ss"));
    assert!(!block(&ix, beacon, "https://www.mercuryinsurance.com/", "image"));
    // Rule 3 does not match a path without /b/ss: rule 4 decides, and mercuryinsurance.com is not its exception.
    let d = decide(&ix, "https://metrics.sc.omtrdc.net/id", "https://www.mercuryinsurance.com/", "xmlhttprequest").unwrap();
    assert_eq!((d.0, d.1.as_str()), (Action::Block, r"rule 4 omtrdc\.net"));
    assert!(!block(&ix, "https://metrics.sc.omtrdc.net/id", "https://canadiantire.ca/", "xmlhttprequest"));
}

#[test]
fn default_applies_only_when_no_rule_matches() {
    let ix = index_of(&slice_text());
    // adpushup.com: default ignore, rule 1 adpushup\.com/prebid/pb.*\.js.
    let d = decide(&ix, "https://cdn.adpushup.com/prebid/pb-4.2.min.js", "https://news.example/", "script").unwrap();
    assert_eq!((d.0, d.1.as_str()), (Action::Block, r"rule 1 adpushup\.com/prebid/pb.*\.js"));
    let d = decide(&ix, "https://cdn.adpushup.com/apjs/page.js", "https://news.example/", "script").unwrap();
    assert_eq!((d.0, d.1.as_str()), (Action::Ignore, "default ignore"));
    // segment.com: default block, one rule with exceptions.
    let lib = "https://cdn.segment.com/analytics.js/v1/KEY/analytics.min.js";
    assert!(block(&ix, lib, "https://www.example.com/", "script"));
    assert_eq!(decide(&ix, lib, "https://www.fender.com/", "script").unwrap().1, r"rule 1 segment\.com/analytics\.js/.*/analytics\.min\.js, excepted here");
    // Not the rule's URL: the default blocks, even on an exception's site.
    let d = decide(&ix, "https://api.segment.io.example/x", "https://www.fender.com/", "xmlhttprequest");
    assert!(d.is_none(), "segment.io.example is not segment.com: {d:?}");
    let d = decide(&ix, "https://api.segment.com/v1/t", "https://www.fender.com/", "xmlhttprequest").unwrap();
    assert_eq!((d.0, d.1.as_str()), (Action::Block, "default block"));
    // A tracker with no rules and default block: every request.
    assert_eq!(decide(&ix, "https://a.bidtheatre.com/x.js", "https://news.example/", "script").unwrap().1, "default block");
}

#[test]
fn trackers_are_found_by_walking_up_the_host() {
    let ix = index_of(&slice_text());
    // A tracker listed below its registrable domain: ap-southeast-2.amazonaws.com.
    let ravelin = "https://s3.ap-southeast-2.amazonaws.com/ravelin/ravelin-1.8.1-core%2Btrack%2Bencrypt%2Bpromise.min.js";
    let d = decide(&ix, ravelin, "https://shop.example/", "script").unwrap();
    assert_eq!((d.0, d.2.as_str()), (Action::Block, "ap-southeast-2.amazonaws.com"));
    assert!(decide(&ix, "https://s3.eu-west-1.amazonaws.com/ravelin/ravelin-1.8.1-core%2Btrack%2Bencrypt%2Bpromise.min.js", "https://shop.example/", "script").is_none());
    assert!(decide(&ix, "https://unlisted.example/x.js", "https://shop.example/", "script").is_none());
}

#[test]
fn cnames_unmask_first_party_names_and_rules_see_the_tracker_url() {
    let text = slice_text();
    let ix = index_of(&text);
    // a.hastingsdirect.com is a CNAME of ep-ga4-...a03.azurefd.net; azurefd.net is
    // default ignore with rule 3 azurefd\.net/.*/fp\.min\.js.
    let page = "https://www.hastingsdirect.com/";
    let (u, p) = (WebUrl::parse("https://a.hastingsdirect.com/js/fp.min.js").unwrap(), WebUrl::parse(page).unwrap());
    let Some(ListDecision::Tracker { hit, .. }) = ix.list_decision(&u, Some(&p), ResourceType::Script) else { panic!("the CNAME leads to azurefd.net") };
    assert_eq!(hit.action, Action::Block, "the rule matches the rewritten URL: {hit:?}");
    assert_eq!(hit.decided_by(), r"rule 3 azurefd\.net/.*/fp\.min\.js");
    assert_eq!(hit.cname.as_deref(), Some("a.hastingsdirect.com"));
    assert_eq!(hit.host, "ep-ga4-tag-svr-prd-dvdnfne7d7apdcam.a03.azurefd.net");
    // Other URLs behind the same name: the tracker's default.
    assert_eq!(decide(&ix, "https://a.hastingsdirect.com/gtm.js", page, "script").unwrap().1, "default ignore");
    // A CNAME record names one host: a subdomain of a CNAME'd host has none of its own
    // (DuckDuckGo's reference test "random allows sub.cname tracker").
    assert!(decide(&ix, "https://x.a.hastingsdirect.com/js/fp.min.js", page, "script").is_none());
    // The first party's other hosts are not trackers.
    assert!(decide(&ix, "https://www.hastingsdirect.com/app.js", page, "script").is_none());

    // The verdict is about the tracker: its site, its owner, third party, with the CNAME in the evidence.
    let v = classify(&ix, &Learner::default(), &u, Some(&p), ResourceType::Script);
    // azurefd.net is a public suffix: the site is the label under it.
    assert_eq!(v.site.as_str(), "a03.azurefd.net");
    assert!(v.third_party && v.tracker, "{v:?}");
    assert_eq!(v.company.as_deref(), Some("Microsoft"));
    assert!(v.categories.contains(&Category::Cdn) || v.categories.contains(&Category::Tracking), "{:?}", v.categories);
    let line = telltale::audit::evidence_line(v.evidence.iter().find(|e| matches!(e, Evidence::Tracker { .. })).unwrap());
    assert!(line.contains("CNAME a.hastingsdirect.com → ep-ga4-tag-svr-prd-dvdnfne7d7apdcam.a03.azurefd.net") && line.contains("block by rule 3"), "{line}");
}

/// The documentation's own examples (tds-EXAMPLES.md), as a tds.json.
const EXAMPLES: &str = r#"{
  "trackers": {
    "example-tracker.com": {"domain": "example-tracker.com", "default": "block", "owner": {"name": "Example Tracker"}, "categories": ["Advertising"]},
    "image-cdn-example.com": {"domain": "image-cdn-example.com", "default": "ignore", "owner": {"name": "Example LTD.", "displayName": "Example Site"}, "categories": ["CDN"]},
    "test-tracker.net": {"domain": "test-tracker.net", "default": "block", "owner": {"name": "Tracking Company"}, "categories": ["Analytics"], "rules": [
      {"rule": "test-tracker\\.net\\/instream\\/.*\\/ad_status\\.js", "surrogate": "ad_status.js"},
      {"rule": "test-tracker\\.net\\/ddm\\/", "exceptions": {"types": ["image"]}}
    ]},
    "example.net": {"domain": "example.net", "default": "ignore", "owner": {"name": "Example Tracker"}, "categories": [], "rules": [
      {"rule": "connect\\.example\\.net\\/signals\\/"},
      {"rule": "sometimes-tracking\\.example\\.net", "options": {"domains": ["test-site-3.com"]}},
      {"rule": "example\\.net\\/.*\\/AudienceNetworkVPAID\\.", "options": {"domains": ["test-site-2.com", "test-site-3.com"], "types": ["script"]},
       "exceptions": {"types": ["script"], "domains": ["test-site-2.com"]}}
    ]}
  },
  "entities": {
    "Example Tracker": {"domains": ["example-tracker.com", "example.net"], "displayName": "Example Tracker"},
    "Example LTD.": {"domains": ["image-cdn-example.com"], "displayName": "Example Site"},
    "Tracking Company": {"domains": ["test-tracker.net"], "displayName": "Tracking Company"}
  },
  "domains": {"example-tracker.com": "Example Tracker", "example.net": "Example Tracker", "image-cdn-example.com": "Example LTD.", "test-tracker.net": "Tracking Company"},
  "cnames": {}
}"#;

#[test]
fn the_documentation_examples_hold_row_by_row() {
    let ix = index_of(EXAMPLES);
    // (site, request URL, type, blocked, the documentation's reason)
    let rows = [
        ("abc.com", "example-tracker.com/ad.js", "script", true, "default set to 'block'"),
        ("abc.com", "abc.image-cdn-example.com/image1.jpg", "image", false, "default set to 'ignore', no matching rules"),
        ("example.com", "test-tracker.net/instream/1234/ad_status.js", "script", true, "matches rule (surrogate)"),
        ("example.com", "test-tracker.net/ddm/", "script", true, "matches rule"),
        ("example.com", "test-tracker.net/ddm/", "image", false, "matches rule and matches rule exception"),
        ("example.com", "test-tracker.net/adimage.png", "image", true, "no matching rule, default is set to 'block'"),
        ("test-site.com", "connect.example.net/signals/", "script", true, "matches rule"),
        ("test-site.com", "example.net/tracker.js", "script", false, "default set to 'ignore'"),
        ("test-site-3.com", "sometimes-tracking.example.net/track.js", "script", true, "matches option domain"),
        ("test-site-2.com", "sometimes-tracking.example.net/track.js", "script", false, "does not match option domain"),
        ("test-site-2.com", "example.net/123/AudienceNetworkVPAID.png", "script", false, "matches option, but also matches exception type and domain"),
        ("test-site-3.com", "example.net/123/AudienceNetworkVPAID.png", "image", false, "matches option domain but not type"),
        ("test-site-3.com", "example.net/123/AudienceNetworkVPAID.png", "script", true, "matches option, does not match exception domain"),
    ];
    for (site, url, t, blocked, why) in rows {
        let d = decide(&ix, &format!("https://{url}"), &format!("https://{site}/"), t);
        assert_eq!(d.as_ref().is_some_and(|d| d.0 == Action::Block), blocked, "{site} {url} {t}: expected {} ({why}), got {d:?}", if blocked { "block" } else { "no block" });
    }
    assert_eq!(decide(&ix, "https://test-tracker.net/instream/1/ad_status.js", "https://example.com/", "script").unwrap().1, r"rule 1 test-tracker\.net\/instream\/.*\/ad_status\.js (surrogate ad_status.js)");
    // Options on a subdomain of an option's domain.
    assert!(block(&ix, "https://sometimes-tracking.example.net/t.js", "https://www.test-site-3.com/", "script"));
}

#[test]
fn verdicts_carry_the_tracker_categories_and_the_rule_as_evidence() {
    let ix = index_of(&slice_text());
    let l = Learner::default();
    let v = |url: &str, page: &str| classify(&ix, &l, &WebUrl::parse(url).unwrap(), Some(&WebUrl::parse(page).unwrap()), ResourceType::Script);
    let s = v("https://cdn.segment.com/analytics.js/v1/K/analytics.min.js", "https://www.example.com/");
    assert!(s.tracker && s.third_party, "{s:?}");
    assert_eq!(s.company.as_deref(), Some("Segment.io"), "{s:?}");
    assert_eq!(s.categories, [Category::Advertising, Category::Analytics]);
    let line = telltale::audit::evidence_line(s.evidence.last().unwrap());
    assert!(line.starts_with("duckduckgo-tds: DuckDuckGo TDS tracker segment.com: block by rule 1 segment"), "{line}");
    // An ignored request is known (its owner) but no tracker, and keeps what is not tracking.
    let cdn = v("https://ajax.googleapis.com/ajax/libs/jquery/3.7.1/jquery.min.js", "https://www.example.com/");
    assert!(!cdn.tracker, "{cdn:?}");
    assert_eq!(cdn.categories, [Category::Content, Category::Cdn]);
    assert!(telltale::audit::evidence_line(cdn.evidence.last().unwrap()).contains("ignore by default ignore"));
    // A tracker the list names without a category is `tracking`; a fingerprinting score of 3 is fingerprinting.
    assert_eq!(v("https://a.bidtheatre.com/x.js", "https://news.example/").categories, [Category::Tracking]);
    assert_eq!(v("https://cdn.adpushup.com/prebid/pb1.js", "https://news.example/").categories, [Category::Fingerprinting]);
    // Same owner as the page: not a tracker by that fact (Adobe's omtrdc.net on adobe.com).
    let own = v("https://metrics.sc.omtrdc.net/b/ss/x", "https://www.adobe.com/");
    assert!(own.third_party && !own.tracker, "{own:?}");
}

#[test]
fn a_later_pack_that_ignores_its_tracker_has_the_last_word() {
    // The default pack (with EasyPrivacy) first, then the TDS: precedence goes to the TDS.
    let mut ix = RuleIndex::new();
    ix.add(&RulePack::default_pack());
    ix.add(&RulePack::default_filters());
    let l = Learner::default();
    let url = WebUrl::parse("https://vk.com/rtrg?p=VK-RTRG-1").unwrap();
    let page = WebUrl::parse("https://www.example.com/").unwrap();
    let before = classify(&ix, &l, &url, Some(&page), ResourceType::Image);
    assert!(before.tracker, "the default pack calls vk.com a tracker: {before:?}");
    ix.add(&parse_any("tds.json", &slice_text()).unwrap().pack);
    let after = classify(&ix, &l, &url, Some(&page), ResourceType::Image);
    assert!(!after.tracker, "vk.com is default ignore in the TDS and no rule matches: {after:?}");
    assert!(after.evidence.iter().any(|e| matches!(e, Evidence::Tracker { action, .. } if action == "ignore")), "{after:?}");
}

#[test]
fn a_loaded_tds_names_the_owner_up_to_the_parent_ahead_of_the_default_packs_company() {
    // The default pack's cited owner of AppNexus is Microsoft; a (made-up) TDS loaded after it
    // says Xandr owns adnxs.com and a parent owns Xandr. The brand stays, the owner is the TDS's.
    let tds = r#"{"trackers": {"adnxs.com": {"domain": "adnxs.com", "default": "block",
        "owner": {"name": "Xandr Inc.", "displayName": "Xandr", "ownedBy": "Parent Holdings Corporation"}, "categories": ["Advertising"], "rules": []}},
      "entities": {"Xandr Inc.": {"domains": ["adnxs.com"], "displayName": "Xandr"}, "Parent Holdings Corporation": {"domains": ["parent.example"], "displayName": "Parent Holdings"}},
      "domains": {"adnxs.com": "Xandr Inc.", "parent.example": "Parent Holdings Corporation"}, "cnames": {}}"#;
    let mut ix = RuleIndex::new();
    ix.add(&RulePack::default_pack());
    let l = Learner::default();
    let url = WebUrl::parse("https://ib.adnxs.com/px?id=1").unwrap();
    let page = WebUrl::parse("https://www.example.com/").unwrap();
    let before = classify(&ix, &l, &url, Some(&page), ResourceType::Image);
    assert_eq!((before.entity.as_deref(), before.company.as_deref()), (Some("AppNexus"), Some("Microsoft")));
    ix.add(&parse_any("tds.json", tds).unwrap().pack);
    let after = classify(&ix, &l, &url, Some(&page), ResourceType::Image);
    assert_eq!((after.entity.as_deref(), after.company.as_deref()), (Some("AppNexus"), Some("Parent Holdings")), "{after:?}");
    assert!(after.tracker);
}

#[test]
fn a_sites_own_domains_in_a_tds_domains_map_are_first_party_never_trackers() {
    // A publisher's static host, which the TDS blocks elsewhere, on the publisher's
    // own site: the `domains` map gives both to one owner, so it is the site's own.
    let tds = r#"{"trackers": {"media-static.example": {"domain": "media-static.example", "default": "block",
        "owner": {"name": "Example Media Group", "displayName": "Example Media"}, "categories": ["Analytics"], "rules": []}},
      "entities": {"Example Media Group": {"domains": ["media-static.example"], "displayName": "Example Media"}},
      "domains": {"media-static.example": "Example Media Group", "example-news.co.uk": "Example Media Group"}, "cnames": {}}"#;
    let ix = index_of(tds);
    let l = Learner::default();
    let url = WebUrl::parse("https://cdn.media-static.example/stats.js").unwrap();
    let own = classify(&ix, &l, &url, Some(&WebUrl::parse("https://www.example-news.co.uk/").unwrap()), ResourceType::Script);
    assert!(own.third_party && !own.tracker, "{own:?}");
    assert!(own.evidence.iter().any(|e| matches!(e, Evidence::SameOwner { company } if company == "Example Media")), "{own:?}");
    // Elsewhere it is the tracker the list says it is.
    let elsewhere = classify(&ix, &l, &url, Some(&WebUrl::parse("https://www.other.example/").unwrap()), ResourceType::Script);
    assert!(elsewhere.tracker && elsewhere.categories == [Category::Analytics], "{elsewhere:?}");
}

#[test]
fn import_round_trips_through_the_native_format_and_counts_what_it_leaves_out() {
    let imported = parse_any("tds-slice.json", &slice_text()).unwrap();
    let p = &imported.pack;
    assert_eq!(p.license, "CC-BY-NC-SA-4.0");
    let l = &p.tracker_lists[0];
    assert_eq!((l.trackers.len(), l.cnames.len()), (60, 294));
    assert_eq!(l.trackers.iter().map(|t| t.rules.len()).sum::<usize>(), 132);
    let text = telltale::rules::build::to_json_lines(p);
    let again = RulePack::parse("tds.json", &text).expect("what is written parses");
    assert_eq!(&again, p);
    // The slice's 49 public-suffix and non-host domains are counted, not dropped silently.
    assert_eq!(imported.skipped.values().sum::<usize>(), 49, "{:?}", imported.skipped);
}

#[test]
fn bad_tds_input_gets_a_located_error_or_is_counted() {
    // A rule Rust's engine cannot compile (a look-ahead) is left out and counted.
    let lookahead = r#"{"trackers": {"t.example": {"domain": "t.example", "default": "block", "owner": {"name": "T"}, "categories": [],
        "rules": [{"rule": "t\\.example/(?=x)"}, {"rule": "t\\.example/ok"}]}}, "entities": {"T": {"domains": ["t.example"]}}}"#;
    let i = parse_any("t.json", lookahead).unwrap();
    assert_eq!(i.pack.tracker_lists[0].trackers[0].rules.len(), 1);
    assert_eq!(i.skipped.values().sum::<usize>(), 1, "{:?}", i.skipped);
    // A catastrophic regular expression: refused by size, in bounded time.
    let huge = r#"{"trackers": {"t.example": {"domain": "t.example", "default": "block", "owner": {"name": "T"}, "categories": [],
        "rules": [{"rule": "(a{1000}){1000}"}, {"rule": "(x+x+)+y"}]}}, "entities": {"T": {"domains": ["t.example"]}}}"#;
    let start = std::time::Instant::now();
    let i = parse_any("t.json", huge).unwrap();
    assert_eq!(i.pack.tracker_lists[0].trackers[0].rules.len(), 1, "the exponential-in-backtracking rule is linear here and kept");
    let ix = {
        let mut ix = RuleIndex::new();
        ix.add(&i.pack);
        ix
    };
    let long = format!("https://t.example/{}", "x".repeat(100_000));
    assert!(block(&ix, &long, "https://p.example/", "script"), "default block");
    assert!(start.elapsed() < std::time::Duration::from_secs(20), "bounded time");
    // In a native pack, a bad rule is an error at its line and column.
    let mut pack = parse_any("t.json", lookahead).unwrap().pack;
    pack.tracker_lists[0].trackers[0].rules[0].rule = "t\\.example/(unclosed".into();
    let text = telltale::rules::build::to_json_lines(&pack);
    let e = RulePack::parse("t.json", &text).unwrap_err();
    let line = text.lines().position(|l| l.contains("(unclosed")).unwrap() + 1;
    assert_eq!(e.line, line, "{e}");
    assert!(e.column > 1 && e.message.contains("is not a regular expression Telltale can match"), "{e}");
    // Wrong types: located by serde.
    let e = parse_any("t.json", r#"{"trackers": {"t.example": {"domain": "t.example", "default": 3}}, "entities": {}}"#).map(|i| i.skipped);
    assert!(e.is_ok_and(|s| s.contains_key("trackers without a default of block or ignore (read as block)")));
    // Not a tracker data set at all.
    let e = parse_any("t.json", r#"{"trackers": [1, 2], "entities": {}}"#).unwrap_err();
    assert!(e.to_string().starts_with("t.json:1:1: not a rule list Telltale reads"), "{e}");
}
