//! Telltale's Adblock wiring against Brave's engine used directly.
//!
//! EasyList and EasyPrivacy (../shared/data/filterlists) are imported by
//! Telltale's importer, loaded as a pack, and every request of the shared
//! request sets goes through the auditor as a browser event. Brave's
//! `adblock` Engine is built straight from the same list files and fed the
//! same requests with `Request::new`, which parses the URLs and decides the
//! party itself. The block / no-block decisions must agree on every request:
//! this guards the importer, the resource-type names, party detection and
//! the domain resolver.

use adblock::lists::{FilterSet, ParseOptions};
use adblock::request::Request;
use adblock::Engine;
use telltale::classify::Evidence;
use telltale::observe::{RawEvent, RawRequest};
use telltale::rules::import::{abp, check};
use telltale::Auditor;

fn shared(path: &str) -> String {
    std::fs::read_to_string(format!("../shared/data/{path}")).unwrap_or_else(|e| panic!("../shared/data/{path}: {e}"))
}

struct Req {
    url: String,
    source: String,
    kind: String,
}

fn requests(file: &str) -> Vec<Req> {
    let text = shared(file);
    let v: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    v.iter()
        .map(|r| Req { url: r["url"].as_str().unwrap().into(), source: r["sourceUrl"].as_str().unwrap().into(), kind: r["type"].as_str().unwrap().into() })
        .collect()
}

#[test]
fn every_request_gets_brave_engines_decision() {
    let (el, ep) = (shared("filterlists/easylist.txt"), shared("filterlists/easyprivacy.txt"));
    let imported = check("lists", abp::import(&[("easylist.txt", &el), ("easyprivacy.txt", &ep)], None).unwrap()).unwrap();
    let mut auditor = Auditor::new();
    auditor.add_pack(imported.pack);

    // Brave's engine, from the raw files (it skips what it cannot read itself).
    telltale::rules::filters::install_domain_resolver();
    let mut set = FilterSet::new(false);
    set.add_filter_list(el.clone(), ParseOptions::default());
    set.add_filter_list(ep.clone(), ParseOptions::default());
    let brave = Engine::new_with_filter_set(set);

    let mut total = 0;
    let mut blocked = 0;
    let mut disagree = Vec::new();
    for file in ["requests/adblock-rust-matching-test-requests.json", "requests/ghostery-adblocker-test-requests.json"] {
        for (i, r) in requests(file).iter().enumerate() {
            let theirs = Request::new(&r.url, &r.source, &r.kind, "GET").map(|q| brave.check_network_request(&q).should_block());
            let event = RawEvent::Request(RawRequest {
                url: r.url.clone(),
                top_url: Some(r.source.clone()),
                resource_type: r.kind.clone(),
                method: "GET".into(),
                tab: 1,
                time: i as f64,
                ..Default::default()
            });
            let ours = auditor.observe_raw(&event).map(|v| v.is_some_and(|v| v.evidence.iter().any(|e| matches!(e, Evidence::Filter { .. }))));
            total += 1;
            match (theirs, ours) {
                (Ok(t), Ok(o)) if t == o => blocked += usize::from(t),
                // A URL neither can read is no disagreement.
                (Err(_), Err(_)) => {}
                (t, o) => disagree.push(format!("{file}: {} {} from {}: brave {t:?}, telltale {:?}", r.kind, r.url, r.source, o.map_err(|e| e.to_string()))),
            }
        }
    }
    println!("{total} requests, {blocked} blocked by both, {} disagreements", disagree.len());
    assert!(total > 16_000, "{total}");
    assert!(blocked > 5_000, "the lists block most of these tracker and ad requests: {blocked}");
    assert!(disagree.is_empty(), "{} of {total} disagree:\n{}", disagree.len(), disagree.iter().take(40).cloned().collect::<Vec<_>>().join("\n"));
}
