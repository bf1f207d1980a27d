//! Classifying every request of ../shared/data/requests/*.json with the default
//! pack (entities and the EasyPrivacy layer): criterion's throughput, plus the median cost of one request; and what
//! every start pays first, the default pack parsed and indexed.
//!
//! `cargo bench --bench classify`

use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, Throughput};
use serde::Deserialize;
use telltale::classify::classify;
use telltale::learn::Learner;
use telltale::observe::{ResourceType, WebUrl};
use telltale::rules::{RuleIndex, RulePack, DEFAULT_PACK, DEFAULT_PACK_NAME};

#[derive(Deserialize)]
struct Req {
    url: String,
    #[serde(rename = "sourceUrl")]
    source_url: String,
    #[serde(rename = "type")]
    kind: String,
}

fn requests() -> Vec<(String, String, String)> {
    let mut v = Vec::new();
    for f in ["adblock-rust-matching-test-requests.json", "ghostery-adblocker-test-requests.json"] {
        let text = std::fs::read_to_string(format!("../shared/data/requests/{f}")).expect("../shared/data beside the project");
        let reqs: Vec<Req> = serde_json::from_str(&text).unwrap();
        v.extend(reqs.into_iter().map(|r| (r.url, r.source_url, r.kind)));
    }
    v
}

/// Median of `runs` timings of `f`, in ms.
fn median_ms(runs: usize, mut f: impl FnMut()) -> f64 {
    let mut xs: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    xs.sort_by(|a, b| a.partial_cmp(b).unwrap());
    xs[runs / 2]
}

fn main() {
    let parse = median_ms(31, || drop(black_box(RulePack::default_pack())));
    let pack = RulePack::default_pack();
    let index = median_ms(31, || {
        let mut ix = RuleIndex::new();
        ix.add(black_box(&pack));
        black_box(ix);
    });
    println!("default pack ({} entities): parse {parse:.2} ms, index {index:.2} ms (median of 31)", pack.entities.len());

    let mut ix = RuleIndex::new();
    ix.add(&RulePack::parse(DEFAULT_PACK_NAME, DEFAULT_PACK).unwrap());
    // With the EasyPrivacy layer, as the CLI and the extension run.
    ix.add(&RulePack::default_filters());
    let learner = Learner::default();
    let all = requests();
    // The page URL is parsed once per navigation in the auditor, so it is parsed here once per request up front.
    let prepared: Vec<(String, Option<WebUrl>, ResourceType)> =
        all.iter().map(|(u, s, k)| (u.clone(), WebUrl::parse(s).ok(), ResourceType::from_browser_name(k))).collect();
    let n = prepared.len();

    // Median over requests of the per-request cost (each timed over 64 runs to get past the clock's resolution).
    let mut per_request: Vec<f64> = Vec::with_capacity(n);
    let mut unusable = 0usize;
    for (url, page, kind) in &prepared {
        let reps = 64;
        let t = Instant::now();
        for _ in 0..reps {
            match WebUrl::parse(black_box(url)) {
                Ok(u) => {
                    black_box(classify(&ix, &learner, &u, page.as_ref(), *kind));
                }
                Err(_) => unusable += 1,
            }
        }
        per_request.push(t.elapsed().as_nanos() as f64 / reps as f64);
    }
    per_request.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let median = per_request[n / 2];
    let p99 = per_request[n * 99 / 100];
    let mean = per_request.iter().sum::<f64>() / n as f64;
    println!(
        "classify (parse URL + classify), {n} real requests: median {median:.0} ns, p99 {p99:.0} ns, mean {mean:.0} ns, {:.2} M requests/s at the mean; {} unusable URLs",
        1e3 / mean,
        unusable / 64
    );

    let mut c = Criterion::default().configure_from_args();
    let mut g = c.benchmark_group("classify");
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function("all real requests", |b| {
        b.iter(|| {
            for (url, page, kind) in &prepared {
                if let Ok(u) = WebUrl::parse(url) {
                    black_box(classify(&ix, &learner, &u, page.as_ref(), *kind));
                }
            }
        })
    });
    g.finish();
    c.final_summary();
}
