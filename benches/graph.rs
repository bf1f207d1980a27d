//! A 10,000-site, 100,000-edge tracker graph: build it, export GEXF. Reports
//! the time of one build+export and the peak memory it took, then criterion's timing.
//!
//! `cargo bench --bench graph`

use std::hint::black_box;
use std::time::Instant;

use criterion::Criterion;
use telltale::export::gexf;
use telltale::graph::{Hit, TrackerGraph};
use telltale::rules::Category;
use telltale::Site;

const SITES: usize = 10_000;
const EDGES: usize = 100_000;

/// 2,000 first parties and 8,000 third parties; each edge a first party loading a
/// third party (or, one in ten, a third party loading another), chosen by a fixed LCG.
fn build(sites: &[Site]) -> TrackerGraph {
    let mut g = TrackerGraph::new();
    let firsts = SITES / 5;
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |m: usize| {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((x >> 33) as usize) % m
    };
    for s in &sites[..firsts] {
        g.visit(s, 1.0);
    }
    let mut added = 0;
    while g.edge_count() < EDGES {
        let page = &sites[next(firsts)];
        let to = &sites[firsts + next(SITES - firsts)];
        let from = if next(10) == 0 { &sites[firsts + next(SITES - firsts)] } else { page };
        if from == to {
            continue;
        }
        g.record_request(&Hit { from, to, page, time: added as f64, resource_type: Some("script"), redirect: from != page });
        g.classify(to, Some("Entity"), Some("Company"), &[Category::Advertising], true, &["rule".into()]);
        added += 1;
    }
    g
}

fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok()))
        .unwrap_or(0)
}

fn main() {
    let sites: Vec<Site> = (0..SITES).map(|i| Site::of(&format!("site{i}.example")).unwrap()).collect();
    let before = peak_rss_kb();
    let t = Instant::now();
    let g = build(&sites);
    let built = t.elapsed();
    let xml = gexf::write(&g);
    let total = t.elapsed();
    let peak = peak_rss_kb();
    println!(
        "graph {} nodes / {} edges: build {:.0} ms, GEXF export {:.0} ms ({:.1} MB), total {:.0} ms; peak memory {:.0} MB ({:.0} MB above the process's start)",
        g.node_count(),
        g.edge_count(),
        built.as_secs_f64() * 1e3,
        (total - built).as_secs_f64() * 1e3,
        xml.len() as f64 / 1e6,
        total.as_secs_f64() * 1e3,
        peak as f64 / 1024.0,
        peak.saturating_sub(before) as f64 / 1024.0
    );
    drop(xml);

    let mut c = Criterion::default().configure_from_args().sample_size(10);
    c.bench_function("graph 10k sites / 100k edges: build + GEXF", |b| b.iter(|| black_box(gexf::write(&build(&sites)))));
    c.final_summary();
}
