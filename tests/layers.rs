//! The crate's modules form layers, with no circle: each module uses only
//! modules of its own layer or of those below, and no module uses one that
//! uses it back, directly or through others. Read from the code of src/
//! (its `crate::` paths and `use crate::{..}` groups, comments and test
//! modules left out; a name lib.rs re-exports counts as its module).
//! `cargo test --test layers -- --nocapture` prints the module graph.
//! `TELLTALE_SRC=DIR` reads another tree (an older checkout, to compare).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// From the bottom up, as ARCHITECTURE.md states them.
const LAYERS: [(&str, &[&str]); 6] = [
    ("site and observations", &["error", "site", "observe"]),
    ("rules", &["rules"]),
    ("judgements", &["evidence", "behaviour", "learn", "classify", "sync"]),
    ("state", &["graph", "policy", "audit"]),
    ("outputs", &["report", "view", "export", "site_report", "store"]),
    ("front doors", &["har", "run", "openwpm", "input", "python", "wasm"]),
];

fn src() -> PathBuf {
    std::env::var_os("TELLTALE_SRC").map_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), PathBuf::from)
}

/// Every .rs file under `dir`.
fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// A file's code: no test module (kept last in each file), no comments.
fn code(text: &str) -> String {
    let text = text.find("#[cfg(test)]\nmod ").map_or(text, |i| &text[..i]);
    text.lines()
        .map(|l| {
            // A comment starts at `//` after a space or at the line's start (not in `https://`).
            let cut = l.match_indices("//").find(|(i, _)| *i == 0 || l.as_bytes()[i - 1].is_ascii_whitespace()).map(|(i, _)| i);
            &l[..cut.unwrap_or(l.len())]
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Identifiers that follow `prefix` in `text`.
fn after<'a>(text: &'a str, prefix: &str) -> Vec<&'a str> {
    text.match_indices(prefix)
        .map(|(i, _)| {
            let rest = &text[i + prefix.len()..];
            let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
            &rest[..end]
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// Module → the modules its code uses.
fn graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    // `pub use audit::{Auditor, ..};` in lib.rs: `crate::Auditor` is audit's.
    let mut reexported: BTreeMap<String, String> = BTreeMap::new();
    for line in lib.lines().filter_map(|l| l.strip_prefix("pub use ")) {
        if let Some((module, names)) = line.split_once("::") {
            for name in names.trim_end_matches(';').trim_matches(|c| c == '{' || c == '}').split(',') {
                reexported.insert(name.trim().to_owned(), module.to_owned());
            }
        }
    }
    let mut all = Vec::new();
    files(src, &mut all);
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in &all {
        let rel = f.strip_prefix(src).unwrap();
        let module = rel.components().next().unwrap().as_os_str().to_string_lossy().trim_end_matches(".rs").to_owned();
        if module == "lib" || module == "main" {
            continue;
        }
        let text = code(&std::fs::read_to_string(f).unwrap());
        let mut used: BTreeSet<String> = after(&text, "crate::").into_iter().map(|w| reexported.get(w).cloned().unwrap_or_else(|| w.to_owned())).collect();
        // `use crate::{a::X, b::{Y, Z}};`
        for (i, _) in text.match_indices("use crate::{") {
            let group = &text[i + "use crate::{".len()..];
            let mut depth = 1;
            let end = group.char_indices().find(|&(_, c)| {
                depth += match c { '{' => 1, '}' => -1, _ => 0 };
                depth == 0
            }).map_or(group.len(), |(j, _)| j);
            let group = &group[..end];
            let mut level = 0;
            let mut top = String::new();
            for c in group.chars() {
                match c {
                    '{' => level += 1,
                    '}' => level -= 1,
                    ',' if level == 0 => {
                        used.insert(top.trim().split("::").next().unwrap().to_owned());
                        top.clear();
                    }
                    c if level == 0 => top.push(c),
                    _ => {}
                }
            }
            used.insert(top.trim().split("::").next().unwrap().to_owned());
        }
        let used = used.into_iter().map(|w| reexported.get(&w).cloned().unwrap_or(w));
        g.entry(module.clone()).or_default().extend(used.filter(|m| *m != module));
    }
    let modules: BTreeSet<String> = g.keys().cloned().collect();
    for deps in g.values_mut() {
        deps.retain(|d| modules.contains(d));
    }
    g
}

/// The circles of `g`: its strongly connected parts of more than one module.
fn circles(g: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    let reach = |from: &str| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.to_owned()];
        while let Some(m) = todo.pop() {
            for d in &g[&m] {
                if seen.insert(d.clone()) {
                    todo.push(d.clone());
                }
            }
        }
        seen
    };
    let reaches: BTreeMap<&String, BTreeSet<String>> = g.keys().map(|m| (m, reach(m))).collect();
    let mut out: Vec<Vec<String>> = Vec::new();
    for m in g.keys() {
        let part: Vec<String> = g.keys().filter(|o| (*o == m || reaches[m].contains(*o)) && reaches[*o].contains(m)).cloned().collect();
        if part.len() > 1 && !out.contains(&part) {
            out.push(part);
        }
    }
    out
}

#[test]
fn modules_form_layers_without_circles() {
    let g = graph(&src());
    let layer_of = |m: &str| LAYERS.iter().position(|(_, ms)| ms.contains(&m));
    println!("The module graph of {} (a module: the modules it uses), layer by layer from the bottom:", src().display());
    for (i, (name, modules)) in LAYERS.iter().enumerate() {
        println!("{}. {name}", i + 1);
        for m in modules.iter().filter(|m| g.contains_key(**m)) {
            println!("   {m} -> {}", g[*m].iter().cloned().collect::<Vec<_>>().join(" "));
        }
    }
    let unplaced: Vec<&String> = g.keys().filter(|m| layer_of(m).is_none()).collect();
    for m in &unplaced {
        println!("   (in no layer) {m} -> {}", g[*m].iter().cloned().collect::<Vec<_>>().join(" "));
    }
    let circles = circles(&g);
    println!("circles: {}", if circles.is_empty() { "none".to_owned() } else { circles.iter().map(|c| c.join(" ↔ ")).collect::<Vec<_>>().join("; ") });
    let upward: Vec<String> = g
        .iter()
        .flat_map(|(m, deps)| deps.iter().map(move |d| (m, d)))
        .filter(|(m, d)| matches!((layer_of(m), layer_of(d)), (Some(a), Some(b)) if b > a))
        .map(|(m, d)| format!("{m} -> {d}"))
        .collect();
    println!("upward: {}", if upward.is_empty() { "none".to_owned() } else { upward.join(", ") });
    assert!(unplaced.is_empty(), "every module has a layer in tests/layers.rs: {unplaced:?}");
    assert!(circles.is_empty(), "modules that use each other: {circles:?}");
    assert!(upward.is_empty(), "modules that use a higher layer: {upward:?}");
}

#[test]
fn the_reader_sees_what_a_module_uses() {
    // Comments, strings with `//` and test modules are no use; groups and re-exports are.
    let text = "use crate::{audit::Auditor, rules::{Category, RuleIndex}};\nlet u = \"https://x\"; crate::site::Site::of(u); // crate::policy\n#[cfg(test)]\nmod tests { use crate::store; }";
    let dir = std::env::temp_dir().join(format!("telltale-layers-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("lib.rs"), "pub use graph::TrackerGraph;\n").unwrap();
    for m in ["audit", "rules", "site", "policy", "store", "graph"] {
        std::fs::write(dir.join(format!("{m}.rs")), "").unwrap();
    }
    std::fs::write(dir.join("view.rs"), format!("fn f(g: &crate::TrackerGraph) {{}}\n{text}")).unwrap();
    let g = graph(&dir);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(g["view"].iter().map(String::as_str).collect::<Vec<_>>(), ["audit", "graph", "rules", "site"]);
    let mut c = BTreeMap::new();
    c.insert("a".to_owned(), BTreeSet::from(["b".to_owned()]));
    c.insert("b".to_owned(), BTreeSet::from(["c".to_owned()]));
    c.insert("c".to_owned(), BTreeSet::from(["a".to_owned()]));
    c.insert("d".to_owned(), BTreeSet::from(["a".to_owned()]));
    assert_eq!(circles(&c), vec![vec!["a".to_owned(), "b".to_owned(), "c".to_owned()]]);
}
