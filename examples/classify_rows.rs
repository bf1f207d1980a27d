//! The native classifier's throughput on rows a benchmark hands it, for side-by-side
//! figures with the Python package (bench/python-classify.py): reads JSON lines
//! `[url, page, type]`, classifies each with the default pack (parsed URLs, as
//! the Arrow path does), and prints `rows=N seconds=S` for the classification alone.
//!
//! `cargo run --release --example classify_rows -- ROWS.jsonl [--parts]` (`--parts`: also parsing
//! alone, Brave's engine alone on the filter layers, and the domain and pattern lookup alone).

use std::io::BufRead;
use std::time::Instant;

use telltale::classify::classify;
use telltale::learn::Learner;
use telltale::observe::{ResourceType, WebUrl};

fn main() {
    let path = std::env::args().nth(1).expect("usage: classify_rows ROWS.jsonl");
    let rows: Vec<(String, String, String)> =
        std::io::BufReader::new(std::fs::File::open(&path).expect("rows file")).lines().map(|l| serde_json::from_str(&l.expect("a line")).expect("[url, page, type]")).collect();
    let auditor = telltale::Auditor::with_default_pack();
    let learner = Learner::default();
    let start = Instant::now();
    let mut trackers = 0usize;
    for (url, page, t) in &rows {
        let Ok(u) = WebUrl::parse(url) else { continue };
        let p = WebUrl::parse(page).ok();
        trackers += usize::from(classify(auditor.rules(), &learner, &u, p.as_ref(), ResourceType::from_browser_name(t)).tracker);
    }
    let seconds = start.elapsed().as_secs_f64();
    println!("rows={} seconds={seconds:.4} trackers={trackers}", rows.len());
    if std::env::args().any(|a| a == "--parts") {
        // Where the time goes: parsing alone, then Brave's engine alone (every filter layer, on requests built before).
        let start = Instant::now();
        let parsed: Vec<(WebUrl, Option<WebUrl>, ResourceType)> = rows
            .iter()
            .filter_map(|(url, page, t)| Some((WebUrl::parse(url).ok()?, WebUrl::parse(page).ok(), ResourceType::from_browser_name(t))))
            .collect();
        let parse = start.elapsed().as_secs_f64();
        let requests: Vec<_> = parsed.iter().map(|(u, p, t)| telltale::rules::filters::engine_request(u, p.as_ref(), *t)).collect();
        let start = Instant::now();
        let mut blocked = 0usize;
        for r in &requests {
            blocked += usize::from(auditor.rules().filter_layers().iter().any(|l| l.blocks(r)));
        }
        let engine = start.elapsed().as_secs_f64();
        let start = Instant::now();
        let mut known = 0usize;
        for (u, _, _) in &parsed {
            known += usize::from(auditor.rules().lookup(&u.host, u.path()).is_some());
        }
        let lookup = start.elapsed().as_secs_f64();
        println!("parse_seconds={parse:.4} engine_seconds={engine:.4} blocked={blocked} lookup_seconds={lookup:.4} known={known}");
    }
}
