//! Every export opened in its real reader: networkx (GEXF, GraphML, JSON),
//! Graphviz `dot` (DOT), Python's csv (CSV); and Telltale JSON re-imported.

mod common;

use std::fs::File;
use std::process::Command;

use telltale::export::{export, json, Format};
use telltale::{har, Auditor, Site};

/// A graph from two real captures, with one hostile cookie name added.
fn graph() -> Auditor {
    let mut a = Auditor::with_default_pack();
    let mut tab = 1;
    for f in ["aftonbladet.se-2015.har", "mytoys.de-2017.har"] {
        let tabs = har::audit_har(&mut a, f, File::open(common::har(f)).unwrap(), tab).unwrap();
        tab += tabs.len() as i64;
    }
    let raw = r#"{"kind":"response","url":"https://www.google-analytics.com/collect","top_url":"https://www.aftonbladet.se/","tab":1,"time":1440877634000,"status":200,"set_cookie":["<i>\"x\"</i>=1; Path=/"]}"#;
    a.observe_raw(&serde_json::from_str(raw).unwrap()).unwrap();
    // A request that a choice blocked: counted apart from those that got through.
    let blocked = r#"{"kind":"error","url":"https://static.hotjar.com/c/hotjar-2.js","top_url":"http://aftonbladet.se/","tab":1,"time":1440877635000,"error":"net::ERR_BLOCKED_BY_CLIENT"}"#;
    a.observe_raw(&serde_json::from_str(blocked).unwrap()).unwrap();
    a
}

fn python(script: &str, path: &std::path::Path) -> String {
    let out = Command::new("python3").arg("-c").arg(script).arg(path).output().expect("python3 (scripts/setup.sh installs networkx)");
    assert!(out.status.success(), "python: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn write(format: Format, dir: &std::path::Path) -> std::path::PathBuf {
    let files = export(graph().graph(), format);
    for (name, body) in &files {
        std::fs::write(dir.join(name), body).unwrap();
    }
    dir.join(&files[0].0)
}

const CHECK: &str = r#"
import sys
g = G
ga = g.nodes["google-analytics.com"]
assert ga["entity"] == "Google Analytics", ga
assert ga["tracker"] in (True, "true"), ga
assert "analytics" in ga["categories"], ga
assert int(ga["reach"]) == 1, ga
hj = g.nodes["hotjar.com"]
assert "session-replay" in hj["categories"], hj
assert g.is_directed()
e = g.edges["mytoys.de", "doubleclick.net"]
assert int(e["requests"]) == 2, e
assert '<i>"x"</i>' in str(ga["cookies"]), ga
assert int(hj["blocked"]) == 1 and int(hj["requests"]) >= 1, hj
assert int(g.edges["aftonbladet.se", "hotjar.com"]["blocked"]) == 1
assert int(ga["blocked"]) == 0, ga
assert "telltale-default: domain google-analytics.com" in str(ga["evidence"]), ga
print(g.number_of_nodes(), g.number_of_edges())
"#;

fn expected_counts() -> String {
    let a = graph();
    format!("{} {}\n", a.graph().node_count(), a.graph().edge_count())
}

#[test]
fn networkx_reads_gexf() {
    let dir = common::scratch("export-gexf");
    let p = write(Format::Gexf, &dir);
    let script = format!("import networkx as nx\nG = nx.read_gexf(sys.argv[1], version='1.3')\n{CHECK}").replace("import networkx as nx\nG", "import sys, networkx as nx\nG");
    assert_eq!(python(&script, &p), expected_counts());
}

#[test]
fn networkx_reads_graphml() {
    let dir = common::scratch("export-graphml");
    let p = write(Format::Graphml, &dir);
    let script = format!("import sys, networkx as nx\nG = nx.read_graphml(sys.argv[1])\n{CHECK}");
    assert_eq!(python(&script, &p), expected_counts());
}

#[test]
fn networkx_reads_telltale_json() {
    let dir = common::scratch("export-json");
    let p = write(Format::Json, &dir);
    let script = format!(
        "import sys, json, networkx as nx\nfrom networkx.readwrite import json_graph\nG = json_graph.node_link_graph(json.load(open(sys.argv[1])), name='site')\n{CHECK}"
    );
    assert_eq!(python(&script, &p), expected_counts());
}

#[test]
fn python_csv_reads_nodes_and_edges() {
    let dir = common::scratch("export-csv");
    write(Format::Csv, &dir);
    let script = r#"
import sys, csv, os
d = os.path.dirname(sys.argv[1])
nodes = list(csv.DictReader(open(os.path.join(d, "nodes.csv"))))
edges = list(csv.DictReader(open(os.path.join(d, "edges.csv"))))
ga = [n for n in nodes if n["site"] == "google-analytics.com"][0]
assert ga["categories"] == "analytics" and ga["tracker"] == "true", ga
assert '<i>"x"</i>=1' in ga["cookies"], ga
e = [e for e in edges if e["source"] == "mytoys.de" and e["target"] == "doubleclick.net"][0]
assert e["requests"] == "2", e
print(len(nodes), len(edges))
"#;
    assert_eq!(python(script, &dir.join("nodes.csv")), expected_counts());
}

#[test]
fn graphviz_renders_dot() {
    let dir = common::scratch("export-dot");
    let p = write(Format::Dot, &dir);
    let svg = dir.join("g.svg");
    let out = Command::new("dot").arg("-Tsvg").arg(&p).arg("-o").arg(&svg).output().expect("graphviz dot (scripts/setup.sh installs it)");
    assert!(out.status.success(), "dot: {}", String::from_utf8_lossy(&out.stderr));
    let svg = std::fs::read_to_string(svg).unwrap();
    assert!(svg.contains("<title>google&#45;analytics.com</title>"), "node titled by site");
    assert!(svg.contains("mytoys.de&#45;&gt;doubleclick.net"), "edge drawn");
}

#[test]
fn telltale_json_round_trips() {
    let a = graph();
    let text = json::write(a.graph());
    let back = json::import("g.json", &text).unwrap();
    assert_eq!(&back, a.graph());
    assert_eq!(json::write(&back), text);
    let node = back.node(&Site::of("hotjar.com").unwrap()).unwrap();
    assert_eq!(node.entity.as_deref(), Some("Hotjar"));

    let e = json::import("bad.json", &text.replacen("\"version\": 1", "\"version\": 7", 1)).unwrap_err();
    assert_eq!(e.to_string(), "bad.json: graph version 7 is not supported: expected 1");
    let e = json::import("cut.json", &text[..text.len() / 3]).unwrap_err();
    assert!(e.line > 1 && e.column > 0 && e.to_string().starts_with(&format!("cut.json:{}:{}: ", e.line, e.column)), "{e}");
}
