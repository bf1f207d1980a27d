//! Big and hostile input, from the generators in ../shared/probes (sized to
//! run in seconds; BENCHMARKS.md times the same shapes at full size): right
//! answers on inputs that once took time quadratic in their size, exports
//! that parse whatever names a website or a pack chooses, and honest exits.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{scratch, telltale};
use serde_json::Value;

fn probes() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/probes")
}

/// Runs a probe generator (python3) with `args`, in `dir`.
fn probe(dir: &Path, script: &str, args: &[&str]) {
    let out = Command::new("python3").arg(probes().join(script)).args(args).current_dir(dir).output().expect("python3");
    assert!(out.status.success(), "{script}: {}", String::from_utf8_lossy(&out.stderr));
}

fn audit_json(args: &[&str]) -> Value {
    let mut a = vec!["audit", "--json"];
    a.extend_from_slice(args);
    let out = telltale(&a);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn one_page_with_twenty_thousand_third_parties() {
    let d = scratch("hostile-sites");
    probe(&d, "har_big.py", &["sites", "--entries", "20000", "-o", "s.har"]);
    let v = audit_json(&[d.join("s.har").to_str().unwrap()]);
    assert_eq!(v["pages"].as_array().unwrap().len(), 1);
    assert_eq!(v["pages"][0]["third_parties"].as_array().unwrap().len(), 20000);
}

#[test]
fn two_thousand_pages_sharing_ten_trackers() {
    let d = scratch("hostile-pages");
    probe(&d, "har_big.py", &["pages", "--pages", "2000", "--trackers", "10", "-o", "p.har"]);
    let v = audit_json(&[d.join("p.har").to_str().unwrap()]);
    let pages = v["pages"].as_array().unwrap();
    assert_eq!(pages.len(), 2000);
    // Every tracker saw every page's site: reach is the number of sites.
    let t = &pages[1999]["third_parties"][0];
    assert_eq!(t["reach"], v["sites_visited"], "{t}");
    assert_eq!(v["cross_site"][0]["reach"], v["sites_visited"]);
}

#[test]
fn a_pack_with_escaped_names_and_one_with_many_patterns() {
    let d = scratch("hostile-packs");
    probe(&d, "packs_big.py", &["escaped_names", "20000", "-o", "esc.json"]);
    probe(&d, "packs_big.py", &["patterns_one_host", "20000", "-o", "pat.json"]);
    for p in ["esc.json", "pat.json"] {
        let out = telltale(&["rules", "check", d.join(p).to_str().unwrap()]);
        assert!(out.status.success(), "{p}: {}", String::from_utf8_lossy(&out.stderr));
    }
    // A bad entity deep in an escaped-name pack is still located, inside that entity.
    let text = std::fs::read_to_string(d.join("esc.json")).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    let last = v["entities"].as_array().unwrap().len() - 1;
    let mut bad = v.clone();
    bad["entities"][last]["source"] = "nope".into();
    let pretty = serde_json::to_string_pretty(&bad).unwrap();
    std::fs::write(d.join("bad.json"), &pretty).unwrap();
    let out = telltale(&["rules", "check", d.join("bad.json").to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    let line: usize = err.split(':').nth(2).unwrap().parse().unwrap();
    let expected = pretty.lines().position(|l| l.contains("\"nope\"")).unwrap() + 1;
    assert_eq!(line, expected, "{err}");
}

#[test]
fn a_closed_stdout_is_an_error_with_a_message() {
    let har = common::har("mytoys.de-2017.har");
    for args in [vec!["audit", har.to_str().unwrap()], vec!["audit", "--json", har.to_str().unwrap()], vec!["policy", "--opt-out"], vec!["rules", "check", "rules/default.json"], vec!["--help"]] {
        // /dev/full: every write fails with ENOSPC.
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_telltale")).args(&args).current_dir(env!("CARGO_MANIFEST_DIR")).stdout(full).stderr(Stdio::piped()).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}: {out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.starts_with("telltale: standard output:") && err.lines().count() == 1, "{args:?}: {err}");
    }
}

/// A small deterministic generator (xorshift), so a failure can be replayed.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A name of 1–12 characters drawn from what breaks formats: controls,
    /// markup, quotes, backslashes, separators, non-characters, line and
    /// paragraph separators, bidi overrides, combining marks, astral planes.
    fn name(&mut self) -> String {
        const POOL: &[char] = &[
            '\0', '\u{1}', '\u{7}', '\u{8}', '\t', '\n', '\u{b}', '\u{c}', '\r', '\u{1b}', '\u{1f}', '\u{7f}', '\u{85}', '\u{a0}', '<', '>', '&', '"',
            '\'', '\\', ';', ',', '=', '{', '}', '[', ']', '#', '%', '\u{fdd0}', '\u{fffe}', '\u{ffff}', '\u{2028}', '\u{2029}', '\u{202e}', '\u{301}',
            '\u{feff}', 'é', 'ß', '中', '\u{1f600}', '\u{10ffff}', 'a', 'Z', '0', ' ',
        ];
        let n = 1 + (self.next() % 12) as usize;
        (0..n).map(|_| POOL[(self.next() % POOL.len() as u64) as usize]).collect()
    }
}

/// Arbitrary entity and company names (from a pack) and cookie names (from a
/// capture): every export is parsed by its real reader, and what each holds
/// is what Telltale says it writes (XML's forbidden characters as `\u{..}`).
#[test]
fn arbitrary_names_never_break_an_export() {
    let d = scratch("hostile-names");
    let mut g = Gen(0x9e37_79b9_7f4a_7c15);
    let n = 120;
    let names: Vec<String> = (0..n).map(|_| g.name()).collect();
    let cookies: Vec<String> = (0..n).map(|_| g.name().replace(['=', ';', ',', '\n', '\r', '\0'], "_").trim().to_owned()).collect();
    let entities: Vec<Value> = (0..n)
        .map(|i| serde_json::json!({"name": format!("E{i} {}", names[i]), "company": format!("C{i} {}", names[(i + 1) % n]), "domains": [format!("t{i}.example")], "categories": ["advertising"], "source": "s"}))
        .collect();
    let pack = serde_json::json!({"format": "telltale-rules/1", "name": "names", "version": "1", "license": "CC0-1.0", "sources": {"s": {"name": "generated"}}, "entities": entities});
    std::fs::write(d.join("pack.json"), pack.to_string()).unwrap();
    let mut entries = vec![serde_json::json!({"pageref": "p", "request": {"url": "https://news.example/"}, "response": {"status": 200, "content": {"mimeType": "text/html"}}})];
    for (i, c) in cookies.iter().enumerate() {
        let set = if c.is_empty() { vec![] } else { vec![serde_json::json!({"name": "Set-Cookie", "value": format!("{c}=1; Path=/")})] };
        entries.push(serde_json::json!({"pageref": "p", "request": {"url": format!("https://px.t{i}.example/p.gif")}, "response": {"status": 200, "headers": set, "content": {"mimeType": "image/gif"}}}));
    }
    let har = serde_json::json!({"log": {"version": "1.2", "entries": entries}});
    std::fs::write(d.join("names.har"), har.to_string()).unwrap();
    for format in ["json", "gexf", "graphml", "dot", "csv"] {
        let path = d.join(if format == "csv" { "csv".to_owned() } else { format!("g.{format}") });
        let out = telltale(&["audit", "--rules", d.join("pack.json").to_str().unwrap(), d.join("names.har").to_str().unwrap(), "--export", path.to_str().unwrap(), "--format", format]);
        assert!(out.status.success(), "{format}: {}", String::from_utf8_lossy(&out.stderr));
    }
    // What the formats must hold: the JSON export's strings, with XML's forbidden characters replaced.
    let check = r#"
import csv, json, re, subprocess, sys, xml.etree.ElementTree as ET
import networkx as nx
d = sys.argv[1]
doc = json.load(open(f"{d}/g.json", encoding="utf-8"))
want = {n["site"]: n for n in doc["nodes"]}
def xmlsafe(s):
    return re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", lambda m: "\\u{%x}" % ord(m.group()), s)
def cookies(n):
    return ";".join(f"{k}={v}" for k, v in sorted(n["cookies"].items()))
bad = []
for fmt, reader in (("gexf", nx.read_gexf), ("graphml", nx.read_graphml)):
    ET.parse(f"{d}/g.{fmt}")
    g = reader(f"{d}/g.{fmt}")
    for site, n in want.items():
        a = g.nodes[site]
        for k, v in (("entity", n["entity"] or ""), ("company", n["company"] or ""), ("cookies", cookies(n))):
            got = a.get(k, "")
            if got != xmlsafe(v):
                bad.append(f"{fmt} {site} {k}: {v!r} -> {got!r}")
rows = list(csv.reader(open(f"{d}/csv/nodes.csv", newline="", encoding="utf-8"), strict=True))
head = rows[0]
for r in rows[1:]:
    n = want[r[0]]
    row = dict(zip(head, r))
    for k, v in (("entity", n["entity"] or ""), ("company", n["company"] or ""), ("cookies", cookies(n))):
        if row[k] != v:
            bad.append(f"csv {r[0]} {k}: {v!r} -> {row[k]!r}")
r = subprocess.run(["dot", "-Tsvg", "-o", f"{d}/g.svg", f"{d}/g.dot"], capture_output=True)
if r.returncode != 0 or r.stderr:
    bad.append(f"dot: {r.returncode} {r.stderr[:300]!r}")
print(len(want), len(bad))
for b in bad[:10]:
    print(b)
"#;
    let out = Command::new("python3").args(["-c", check, d.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    let first: Vec<usize> = text.lines().next().unwrap().split(' ').map(|x| x.parse().unwrap()).collect();
    assert!(first[0] > n, "every site is in the exports: {text}");
    assert_eq!(first[1], 0, "{text}");
}

#[test]
fn a_pack_cannot_clear_the_screen() {
    let d = scratch("hostile-terminal");
    let pack = serde_json::json!({"format": "telltale-rules/1", "name": "\u{1b}[2J", "version": "1", "license": "CC0-1.0", "sources": {"s": {"name": "x"}},
        "entities": [{"name": "\u{1b}[2J\u{1b}[HAll clear\u{7}", "company": "\u{1b}[2J\u{1b}[HAll clear\u{202e}", "domains": ["google-analytics.com"], "categories": ["analytics"], "source": "s"}]});
    std::fs::write(d.join("p.json"), pack.to_string()).unwrap();
    let har = common::har("aftonbladet.se-2015.har");
    for args in [vec!["audit", "--rules", d.join("p.json").to_str().unwrap(), har.to_str().unwrap()], vec!["rules", "check", d.join("p.json").to_str().unwrap()]] {
        let out = telltale(&args);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(!text.contains('\u{1b}') && !text.contains('\u{7}') && !text.contains('\u{202e}'), "{text}");
        assert!(text.contains("\\u{1b}[2J"), "{text}");
    }
    // Errors too: a category id with an escape sequence in it.
    let bad = serde_json::to_string(&pack).unwrap().replace("\"analytics\"", "\"\\u001b[31mred\"");
    std::fs::write(d.join("bad.json"), bad).unwrap();
    let out = telltale(&["rules", "check", d.join("bad.json").to_str().unwrap()]);
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(!err.contains('\u{1b}') && err.lines().count() == 1, "{err}");
}

#[test]
fn a_pipe_closed_early_is_an_error_with_a_message() {
    let d = scratch("hostile-pipe");
    probe(&d, "har_big.py", &["sites", "--entries", "5000", "-o", "s.har"]);
    // `head` leaves after one byte: the rest of the report meets a closed pipe.
    let script = format!("set -o pipefail; '{}' audit --json '{}' | head -c 1 >/dev/null", env!("CARGO_BIN_EXE_telltale"), d.join("s.har").display());
    let out = Command::new("bash").args(["-c", &script]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("telltale: standard output:") && err.contains("Broken pipe") && err.lines().count() == 1, "{err}");
}

/// Runs the CLI on every file of a probe directory: each ends with exit 0,
/// or exit 1 and one located line on standard error; never a signal.
fn every_file_ends_honestly(dir: &Path, args: &[&str]) -> usize {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert!(files.len() > 50, "{}", files.len());
    for f in &files {
        let mut a: Vec<&str> = args.to_vec();
        a.push(f.to_str().unwrap());
        let out = telltale(&a);
        let name = f.file_name().unwrap().to_string_lossy();
        match out.status.code() {
            Some(0) => {}
            Some(1) => {
                let err = String::from_utf8_lossy(&out.stderr);
                assert_eq!(err.lines().count(), 1, "{name}: {err}");
                assert!(err.starts_with("telltale: ") && err.contains(&*name), "{name}: {err}");
                assert!(!err.contains('\u{1b}'), "{name}: {err}");
            }
            other => panic!("{name}: exit {other:?}: {}", String::from_utf8_lossy(&out.stderr)),
        }
    }
    files.len()
}

#[test]
fn the_probes_small_hostile_hars_and_packs_end_honestly() {
    let d = scratch("hostile-small");
    probe(&d, "har_small.py", &["har"]);
    probe(&d, "packs.py", &["packs"]);
    every_file_ends_honestly(&d.join("har"), &["audit"]);
    every_file_ends_honestly(&d.join("packs"), &["rules", "check"]);
    // Two that once gave a wrong answer with exit 0.
    let v = audit_json(&[d.join("har/unsorted_third_party_first.har").to_str().unwrap()]);
    assert_eq!(v["pages"][0]["site"], "news.example", "the page is its document, not the first entry");
    let v = audit_json(&[d.join("har/only_non_network.har").to_str().unwrap()]);
    assert_eq!(v["stats"]["not_network"], 2, "counted once each");
}
