//! Prepares the embedded Public Suffix List: rules converted to punycode and
//! comments dropped, so the list parses at start without any IDNA work (the
//! extension's service worker starts faster) and the wasm build is smaller.
//! The section markers are kept: they tell ICANN rules from private ones.

use std::fmt::Write;

fn main() {
    let src = "rules/public_suffix_list.dat";
    println!("cargo:rerun-if-changed={src}");
    let text = std::fs::read_to_string(src).expect("rules/public_suffix_list.dat");
    let mut out = String::with_capacity(text.len() / 2);
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with("// ===") {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        if line.is_empty() || line.starts_with("//") {
            continue;
        }
        let (prefix, rest) = match line.strip_prefix('!') {
            Some(r) => ("!", r),
            None => ("", line),
        };
        let (wild, name) = match rest.strip_prefix("*.") {
            Some(r) => ("*.", r),
            None => ("", rest),
        };
        let ascii = idna::domain_to_ascii(name).unwrap_or_else(|e| panic!("{src}: rule {line:?}: {e}"));
        let _ = writeln!(out, "{prefix}{wild}{ascii}");
    }
    let dest = std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("public_suffix_list.ascii.dat");
    std::fs::write(dest, out).unwrap();
}
