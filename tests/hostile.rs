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
    for args in [vec!["audit", har.to_str().unwrap()], vec!["audit", "--json", har.to_str().unwrap()], vec!["policy", "--opt-out"], vec!["rules", "check", "rules/default.json"]] {
        // /dev/full: every write fails with ENOSPC.
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_telltale")).args(&args).current_dir(env!("CARGO_MANIFEST_DIR")).stdout(full).stderr(Stdio::piped()).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}: {out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.starts_with("telltale: standard output:") && err.lines().count() == 1, "{args:?}: {err}");
    }
}
