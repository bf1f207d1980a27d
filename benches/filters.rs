//! EasyPrivacy matching, natively, side by side in one run: Brave's
//! adblock-rust used directly (`Request::new` + `check_network_request`)
//! against Telltale's filter layer (its URL parse + the same engine through
//! Telltale's party and type wiring), on every request of
//! ../shared/data/requests/*.json; and what loading the layer costs, from
//! the pack's JSON and from its compiled form.
//!
//! `cargo bench --bench filters`

use std::hint::black_box;
use std::time::Instant;

use adblock::lists::{FilterSet, ParseOptions};
use adblock::request::Request;
use adblock::Engine;
use telltale::observe::{ResourceType, WebUrl};
use telltale::rules::{compiled, RuleIndex, RulePack, DEFAULT_FILTERS, DEFAULT_FILTERS_NAME};

fn requests() -> Vec<(String, String, String)> {
    let mut v = Vec::new();
    for f in ["adblock-rust-matching-test-requests.json", "ghostery-adblocker-test-requests.json"] {
        let text = std::fs::read_to_string(format!("../shared/data/requests/{f}")).expect("../shared/data beside the project");
        let reqs: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
        v.extend(reqs.iter().map(|r| (r["url"].as_str().unwrap().to_owned(), r["sourceUrl"].as_str().unwrap().to_owned(), r["type"].as_str().unwrap().to_owned())));
    }
    v
}

fn median(mut xs: Vec<f64>) -> (f64, f64) {
    xs.sort_by(|a, b| a.partial_cmp(b).unwrap());
    (xs[xs.len() / 2], xs[xs.len() * 99 / 100])
}

fn time_ms(runs: usize, mut f: impl FnMut()) -> f64 {
    median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect(),
    )
    .0
}

fn main() {
    telltale::rules::filters::install_domain_resolver();
    let list = std::fs::read_to_string("../shared/data/filterlists/easyprivacy.txt").unwrap();
    let mut set = FilterSet::new(true);
    set.add_filter_list(list.clone(), ParseOptions::default());
    let brave = Engine::new_with_filter_set(set);
    let pack = RulePack::parse(DEFAULT_FILTERS_NAME, DEFAULT_FILTERS).unwrap();
    let mut ix = RuleIndex::new();
    ix.add(&pack);

    let all = requests();
    let pages: Vec<Option<WebUrl>> = all.iter().map(|(_, s, _)| WebUrl::parse(s).ok()).collect();
    let reps = 32;
    let (mut theirs, mut ours) = (Vec::new(), Vec::new());
    let (mut blocked_theirs, mut blocked_ours) = (0, 0);
    // Interleaved per request, so both see the same machine noise.
    for ((url, source, kind), page) in all.iter().zip(&pages) {
        let t = Instant::now();
        for _ in 0..reps {
            if let Ok(r) = Request::new(black_box(url), source, kind, "GET") {
                black_box(brave.check_network_request(&r).should_block());
            }
        }
        theirs.push(t.elapsed().as_nanos() as f64 / reps as f64);
        let rt = ResourceType::from_browser_name(kind);
        let t = Instant::now();
        for _ in 0..reps {
            if let Ok(u) = WebUrl::parse(black_box(url)) {
                black_box(ix.filter_match(&u, page.as_ref(), rt));
            }
        }
        ours.push(t.elapsed().as_nanos() as f64 / reps as f64);
        blocked_theirs += usize::from(Request::new(url, source, kind, "GET").is_ok_and(|r| brave.check_network_request(&r).should_block()));
        blocked_ours += usize::from(WebUrl::parse(url).is_ok_and(|u| ix.filter_match(&u, page.as_ref(), rt).is_some()));
    }
    let ((tm, tp), (om, op)) = (median(theirs), median(ours));
    println!("EasyPrivacy matching, {} requests (URL parse included, median of {reps} runs each):", all.len());
    println!("  adblock-rust direct: median {:.2} µs, p99 {:.2} µs; {blocked_theirs} blocked", tm / 1e3, tp / 1e3);
    println!("  telltale layer:      median {:.2} µs, p99 {:.2} µs; {blocked_ours} blocked", om / 1e3, op / 1e3);
    println!("  ratio telltale / adblock-rust: median {:.2}, p99 {:.2}", om / tm, op / tp);

    let parse = time_ms(9, || drop(black_box(RulePack::parse(DEFAULT_FILTERS_NAME, DEFAULT_FILTERS).unwrap())));
    let build = time_ms(9, || {
        let mut ix = RuleIndex::new();
        ix.add(black_box(&pack));
        black_box(ix);
    });
    let bytes = compiled::compile(&pack, DEFAULT_FILTERS);
    let load = time_ms(31, || drop(black_box(compiled::from_bytes(&bytes, None).unwrap())));
    let raw = time_ms(9, || {
        let mut s = FilterSet::new(true);
        s.add_filter_list(list.clone(), ParseOptions::default());
        black_box(Engine::new_with_filter_set(s));
    });
    println!("Loading the EasyPrivacy layer ({} filters):", pack.filter_lists[0].filters.len());
    println!("  adblock-rust from the list text: {raw:.1} ms");
    println!("  telltale: pack JSON checked {parse:.1} ms + engine built {build:.1} ms; compiled form ({} bytes) read {load:.2} ms", bytes.len());
}
