//! DuckDuckGo's own reference tests of Tracker Data Set matching
//! (tests/duckduckgo-reference-tests, Apache-2.0): each domain-matching test
//! against the suite's reference TDS, imported as any TDS is, and judged as
//! DuckDuckGo judges it:
//!
//! - `block`: the list blocks the request, and it is a third party that the
//!   page's own entity does not own;
//! - `ignore`: the list names the request's tracker but lets it through (a
//!   rule's `ignore` action or exception, an `ignore` default), or the
//!   request is first party or the page's entity owns it;
//! - `null`: the list does not name it.
//!
//! Surrogate tests (`expectAction: redirect`) do not apply: Telltale audits
//! and blocks; it never serves a replacement script. Tests that DuckDuckGo's
//! web extensions are excepted from are run like the others: Telltale
//! matches as the format's reference does.

use serde_json::Value;
use telltale::observe::{ResourceType, WebUrl};
use telltale::rules::import::parse_any;
use telltale::rules::tds::Action;
use telltale::rules::{ListDecision, RuleIndex};

const DIR: &str = "tests/duckduckgo-reference-tests/tracker-radar-tests/TR-domain-matching";

fn reference() -> RuleIndex {
    let text = std::fs::read_to_string(format!("{DIR}/tracker_radar_reference.json")).unwrap();
    let imported = parse_any("tracker_radar_reference.json", &text).expect("the reference TDS imports");
    let mut ix = RuleIndex::new();
    ix.add(&imported.pack);
    ix
}

fn company_of(ix: &RuleIndex, url: &WebUrl) -> Option<String> {
    ix.entity_of_host(&url.host).map(|id| ix.entity(id).company.clone())
}

/// What Telltale does with a request, in the suite's words.
fn action(ix: &RuleIndex, site: &str, request: &str, t: &str) -> Option<&'static str> {
    let (page, url) = (WebUrl::parse(site).unwrap(), WebUrl::parse(request).unwrap());
    let hit = match ix.list_decision(&url, Some(&page), ResourceType::from_browser_name(t))? {
        ListDecision::Tracker { hit, .. } => hit,
        other => panic!("a TDS has no filters: {other:?}"),
    };
    if hit.action == Action::Ignore {
        return Some("ignore");
    }
    let tracker_host = WebUrl::parse(&format!("https://{}/", hit.host)).unwrap();
    let same_party = page.site == url.site || page.site == tracker_host.site;
    let page_company = company_of(ix, &page);
    let same_entity = page_company.is_some() && (page_company == company_of(ix, &url) || page_company == hit.owner.clone().or_else(|| company_of(ix, &tracker_host)));
    Some(if same_party || same_entity { "ignore" } else { "block" })
}

#[test]
fn every_domain_matching_test_that_applies_passes() {
    let tests: Value = serde_json::from_str(&std::fs::read_to_string(format!("{DIR}/domain_matching_tests.json")).unwrap()).unwrap();
    let ix = reference();
    let (mut passed, mut failed) = (0, Vec::new());
    for t in tests["domainTests"]["tests"].as_array().unwrap() {
        let expected = t["expectAction"].as_str();
        let got = action(&ix, t["siteURL"].as_str().unwrap(), t["requestURL"].as_str().unwrap(), t["requestType"].as_str().unwrap());
        if got == expected {
            passed += 1;
        } else {
            failed.push(format!("{}: expected {expected:?}, got {got:?}", t["name"]));
        }
    }
    println!("domain matching: {passed} passed, {} failed", failed.len());
    assert!(failed.is_empty(), "{} of {} failed:\n{}", failed.len(), passed + failed.len(), failed.join("\n"));
}

// ------------------------------------------------------------ Global Privacy Control

use telltale::policy::{compile, Capabilities, Choice, Compiled, DnrRule, Policy};
use telltale::graph::TrackerGraph;
use telltale::Site;

const GPC: &str = "tests/duckduckgo-reference-tests/global-privacy-control";

/// The person's choices as the suite's configuration makes them: GPC on or
/// off, and the sites its configuration excepts (`gpc.exceptions` and
/// `unprotectedTemporary`) as trusted sites, Telltale's switch for "no
/// signal here".
fn gpc_policy(config: &Value, on: bool) -> Policy {
    let mut p = Policy::new();
    if on {
        p.add(Choice::OptOutEverywhere, 1.0);
    }
    let excepted = config["features"]["gpc"]["exceptions"].as_array().unwrap().iter().chain(config["unprotectedTemporary"].as_array().unwrap());
    for e in excepted {
        p.add(Choice::TrustSite { site: Site::of(e["domain"].as_str().unwrap()).unwrap() }, 1.0);
    }
    p
}

fn host(url: &str) -> String {
    WebUrl::parse(url).unwrap().host.as_str().to_owned()
}

/// A DNR condition's domain list names `host` (a domain and its subdomains).
fn names(domains: &Option<Vec<String>>, host: &str) -> bool {
    domains.as_ref().is_none_or(|ds| ds.iter().any(|d| host == d || host.ends_with(&format!(".{d}"))))
}

/// Whether the browser's DNR engine, with these rules, sets `Sec-GPC: 1` on
/// a request of type `t` to `request` from a page at `site`: a
/// `modifyHeaders` rule that matches applies when its priority is above
/// every matching allow rule's, and an `allowAllRequests` rule matched by
/// the top-level document covers every request of that page.
fn header_sent(c: &Compiled, site: &str, request: &str, t: &str) -> bool {
    let (page, req) = (host(site), host(request));
    let matches = |r: &DnrRule| names(&r.condition.request_domains, &req) && r.condition.resource_types.as_ref().is_none_or(|ts| ts.iter().any(|x| x == t));
    let allowed = c
        .rules
        .iter()
        .filter(|r| (r.action.kind == "allow" && matches(r)) || (r.action.kind == "allowAllRequests" && names(&r.condition.request_domains, &page)))
        .map(|r| r.priority)
        .max();
    c.rules.iter().any(|r| {
        r.action.kind == "modifyHeaders" && matches(r) && allowed.is_none_or(|a| r.priority > a) && r.action.request_headers.iter().any(|h| h.header == "Sec-GPC" && h.value.as_deref() == Some("1"))
    })
}

/// Whether the page-world script that makes `navigator.globalPrivacyControl`
/// read `true` runs at `site` (in its frames too: it is registered for all frames).
fn api_injected(c: &Compiled, site: &str) -> bool {
    let h = host(site);
    c.scripts.iter().any(|s| {
        s.js.iter().any(|j| j.ends_with("gpc.js"))
            && s.all_frames
            && !s.exclude_matches.iter().any(|m| {
                let pattern = m.trim_start_matches("*://").trim_end_matches("/*");
                pattern.strip_prefix("*.").map_or(h == pattern, |d| h.ends_with(&format!(".{d}")))
            })
    })
}

#[test]
fn every_gpc_test_that_applies_to_an_extension_passes() {
    let config: Value = serde_json::from_str(&std::fs::read_to_string(format!("{GPC}/config_reference.json")).unwrap()).unwrap();
    let tests: Value = serde_json::from_str(&std::fs::read_to_string(format!("{GPC}/tests.json")).unwrap()).unwrap();
    let (ix, g) = (RuleIndex::new(), TrackerGraph::new());
    let (mut passed, mut failed, mut not_applying) = (0, Vec::new(), Vec::new());
    let all = tests["gpcHeader"]["tests"].as_array().unwrap().iter().chain(tests["gpcJavaScriptAPI"]["tests"].as_array().unwrap());
    for t in all {
        let name = t["name"].as_str().unwrap();
        let except = t["exceptPlatforms"].as_array().map(|a| a.iter().any(|p| p == "web-extension")).unwrap_or(false);
        // Not for extensions: `gpcHeaderEnabledSites` is the apps' list of sites that get the header.
        if except {
            not_applying.push(name);
            continue;
        }
        let on = t["gpcUserSettingOn"].as_bool().unwrap_or(true);
        // Not for Telltale: when you have not opted out it leaves navigator.globalPrivacyControl
        // to the browser (undefined in Chromium, false in Firefox) instead of defining it as false.
        if !on && t.get("expectGPCAPIValue").is_some_and(|v| v == "false") {
            not_applying.push(name);
            continue;
        }
        let c = compile(&gpc_policy(&config, on), &ix, &g, &Capabilities::default());
        let site = t["siteURL"].as_str().unwrap();
        let ok = if let Some(expect) = t["expectGPCHeader"].as_bool() {
            header_sent(&c, site, t["requestURL"].as_str().unwrap(), t["requestType"].as_str().unwrap()) == expect
        } else {
            let expect = t["expectGPCAPI"].as_bool().unwrap();
            api_injected(&c, site) == expect
        };
        if ok {
            passed += 1;
        } else {
            failed.push(name);
        }
    }
    println!("GPC: {passed} passed, {} failed, {} not for an extension: {not_applying:?}", failed.len(), not_applying.len());
    assert!(failed.is_empty(), "{failed:?}");
    assert_eq!(not_applying.len(), 2, "{not_applying:?}");
}
