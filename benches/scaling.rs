//! Time against input size for the paths that once grew with its square:
//! each input is timed at N and 2N and the ratio printed (linear ≈ 2×; the
//! target is ≤ 2.3× per doubling). `cargo bench --bench scaling`.
//!
//! 1. one page with N distinct third parties (the graph's edge lookup);
//! 2. N pages sharing 10 trackers (per-page company reach in the report);
//! 3. N pagerefs of one entry each (the page lookup of the HAR reader);
//! 4. a pack of N entities whose names are spelled with `\u` escapes (located validation);
//! 5. N URL patterns on one host (the rule index).
//!
//! The HARs are made in memory in the probes' shapes (../shared/probes/har_big.py).

use std::time::Instant;

use telltale::{har, report, rules::RuleIndex, Auditor, RulePack};

fn entry(pageref: &str, url: &str, doc: bool) -> String {
    let (kind, mime) = if doc { ("document", "text/html") } else { ("script", "application/javascript") };
    format!(
        r#"{{"pageref": "{pageref}", "startedDateTime": "2024-01-01T00:00:00.000Z", "_resourceType": "{kind}", "request": {{"method": "GET", "url": "{url}", "headers": [], "cookies": []}}, "response": {{"status": 200, "redirectURL": "", "headers": [{{"name": "set-cookie", "value": "id=1; Path=/"}}], "content": {{"mimeType": "{mime}"}}}}}}"#
    )
}

fn har_of(entries: Vec<String>) -> String {
    format!("{{\"log\": {{\"version\": \"1.2\", \"entries\": [\n{}\n]}}}}", entries.join(",\n"))
}

/// One page with `n` distinct third-party sites.
fn one_page(n: usize) -> String {
    let mut e = vec![entry("page_1", "https://news.example/", true)];
    e.extend((0..n).map(|i| entry("page_1", &format!("https://cdn.t{i}.com/x.js"), false)));
    har_of(e)
}

/// `n` pages, each loading the same 10 trackers.
fn shared_trackers(n: usize) -> String {
    let mut e = Vec::new();
    for p in 0..n {
        let pr = format!("page_{p}");
        e.push(entry(&pr, &format!("https://site{p}.example/"), true));
        e.extend((0..10).map(|t| entry(&pr, &format!("https://px.tracker{t}.com/p.gif"), false)));
    }
    har_of(e)
}

/// `n` pagerefs with one document each.
fn pagerefs(n: usize) -> String {
    har_of((0..n).map(|p| entry(&format!("page_{p}"), &format!("https://site{p}.example/"), true)).collect())
}

fn audit(text: &str) -> usize {
    let mut a = Auditor::with_default_pack();
    let tabs = har::audit_har(&mut a, "bench.har", text.as_bytes(), 1).unwrap();
    let reports: Vec<_> = tabs.iter().filter_map(|&t| a.tab_report(t)).collect();
    report::audit(&a, &reports).pages.len()
}

fn pack(entities: Vec<String>) -> String {
    format!(
        r#"{{"format": "telltale-rules/1", "name": "big", "version": "1", "license": "CC0-1.0", "sources": {{"s": {{"name": "bench"}}}}, "entities": [{}]}}"#,
        entities.join(",\n")
    )
}

/// `n` entities named with `\u` escapes, as Python's `json.dump` writes them.
fn escaped_names(n: usize) -> String {
    pack((0..n).map(|i| format!(r#"{{"name": "Soci\u00e9t\u00e9 {i}", "domains": ["e{i}.example"], "categories": ["advertising"], "source": "s"}}"#)).collect())
}

/// One entity with `n` patterns on one host.
fn patterns_one_host(n: usize) -> RulePack {
    let patterns: Vec<String> = (0..n).map(|i| format!(r#"{{"match": "rec.example/p{i}/x", "categories": ["session-replay"]}}"#)).collect();
    let text = pack(vec![format!(r#"{{"name": "Rec", "domains": ["rec.example"], "categories": ["analytics"], "source": "s", "patterns": [{}]}}"#, patterns.join(","))]);
    RulePack::parse("patterns.json", &text).unwrap()
}

/// The best of three runs, in seconds.
fn time(mut f: impl FnMut()) -> f64 {
    (0..3)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

/// Times `run` on `make(n)` and `make(2n)`; making the input is not timed.
fn row<T>(name: &str, n: usize, make: impl Fn(usize) -> T, run: impl Fn(&T)) {
    let (small, big) = (make(n), make(2 * n));
    let a = time(|| run(&small));
    let b = time(|| run(&big));
    println!("| {name} | {n} | {:.3} | {} | {:.3} | {:.2}× |", a, 2 * n, b, b / a);
}

fn main() {
    // `cargo bench` passes --bench; nothing else is read.
    println!("| input | N | seconds | 2N | seconds | ratio |");
    println!("|---|---|---|---|---|---|");
    row("one page with N third-party sites (audit)", 100_000, one_page, |t| assert_eq!(audit(t), 1));
    row("N pages sharing 10 trackers (audit)", 5_000, shared_trackers, |t| assert!(audit(t) > 0));
    row("N pagerefs (audit)", 50_000, pagerefs, |t| assert!(audit(t) > 0));
    row("pack of N entities with \\u-escaped names (parse and check)", 50_000, escaped_names, |t| {
        assert!(!RulePack::parse("escaped.json", t).unwrap().entities.is_empty())
    });
    row("N URL patterns on one host (index)", 100_000, patterns_one_host, |p| {
        let mut ix = RuleIndex::new();
        ix.add(p);
        assert_eq!(ix.patterns().count(), p.entities[0].patterns.len());
    });
}
