//! Bad and big rule lists through the CLI, as a researcher would hand them
//! over: each gets a located error, or its bad lines skipped and counted,
//! with a non-zero exit only when nothing usable is left; never a panic.

mod common;

use common::{scratch, telltale};

fn run(args: &[&str]) -> (bool, String, String) {
    let out = telltale(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned(), stderr)
}

#[test]
fn truncated_and_mistyped_packs_get_located_errors() {
    let d = scratch("rule-inputs-json");
    let good = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/default.json")).unwrap();
    let cut = d.join("cut.json");
    std::fs::write(&cut, &good[..good.len() / 3]).unwrap();
    let (ok, _, err) = run(&["rules", "check", cut.to_str().unwrap()]);
    assert!(!ok);
    assert!(err.contains("cut.json:") && err.contains("expected"), "{err}");
    let typed = d.join("typed.json");
    // The pack's version, whatever it is today, given as a number.
    let line = good.lines().find(|l| l.trim_start().starts_with("\"version\": \"")).expect("the pack has a version");
    std::fs::write(&typed, good.replacen(line, "  \"version\": 2026,", 1)).unwrap();
    let (ok, _, err) = run(&["rules", "check", typed.to_str().unwrap()]);
    assert!(!ok && err.contains("typed.json:4:") && err.contains("expected a string"), "{err}");
    let newer = d.join("newer.json");
    std::fs::write(&newer, good.replacen("telltale-rules/1", "telltale-rules/2", 1)).unwrap();
    let (ok, _, err) = run(&["rules", "check", newer.to_str().unwrap()]);
    assert!(!ok && err.contains("newer.json:2:") && err.contains("unsupported format \"telltale-rules/2\""), "{err}");
}

#[test]
fn a_bad_filter_in_a_pack_is_located_at_its_line() {
    let d = scratch("rule-inputs-filter");
    let text = "{\n \"format\": \"telltale-rules/1\", \"name\": \"t\", \"version\": \"1\", \"license\": \"CC0-1.0\",\n \"sources\": {\"s\": {\"name\": \"S\"}}, \"entities\": [],\n \"filter_lists\": [{\"name\": \"L\", \"source\": \"s\", \"categories\": [\"tracking\"], \"filters\": [\n  \"||ok.example^\",\n  \"example.com##.banner\"\n ]}]\n}\n";
    let p = d.join("f.json");
    std::fs::write(&p, text).unwrap();
    let (ok, _, err) = run(&["rules", "check", p.to_str().unwrap()]);
    assert!(!ok, "{err}");
    assert!(err.contains("f.json:6:3: filter \"example.com##.banner\" in list \"L\" is an element-hiding filter"), "{err}");
}

#[test]
fn ten_thousand_invalid_lines_are_skipped_and_counted() {
    let d = scratch("rule-inputs-invalid");
    let mut text = String::from("[Adblock Plus 2.0]\n! Title: Noisy\n||kept.example^$third-party\n");
    for i in 0..10_000 {
        text.push_str(&format!("||bad{i}.example^$no-such-option\n"));
    }
    let list = d.join("noisy.txt");
    std::fs::write(&list, &text).unwrap();
    let out = d.join("noisy.json");
    let (ok, stdout, err) = run(&["rules", "import", "--from", "abp", list.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(stdout.contains("1 network filters") && stdout.contains("10000 lines of Noisy Brave's engine cannot read (the first at ") && stdout.contains("noisy.txt:4"), "{stdout}");
    // `rules check` reads the list directly too, and says what it left out.
    let (ok, stdout, err) = run(&["rules", "info", list.to_str().unwrap()]);
    assert!(ok && stdout.contains("filter list Noisy: 1 network filters") && stdout.contains("10000 lines"), "{stdout}{err}");
}

#[test]
fn a_fifty_megabyte_list_loads_in_bounded_time() {
    let d = scratch("rule-inputs-big");
    let mut text = String::with_capacity(52 << 20);
    text.push_str("! Title: Big\n");
    let mut i = 0u64;
    while text.len() < 50 << 20 {
        text.push_str(&format!("||tracker-{i:08x}.big-list.example^$third-party,script,image\n"));
        i += 1;
    }
    let list = d.join("big.txt");
    std::fs::write(&list, &text).unwrap();
    let started = std::time::Instant::now();
    let (ok, stdout, err) = run(&["rules", "info", list.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(stdout.contains(&format!("filter list Big: {i} network filters")), "{stdout}");
    // Bounded, not timed: a generous ceiling that only a quadratic path would pass.
    assert!(started.elapsed().as_secs() < 120, "{:?}", started.elapsed());
}

#[test]
fn a_page_instead_of_a_list_is_an_error() {
    let d = scratch("rule-inputs-html");
    let p = d.join("list.txt");
    std::fs::write(&p, "<!doctype html>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n").unwrap();
    let (ok, _, err) = run(&["rules", "import", "--from", "abp", p.to_str().unwrap(), "-o", d.join("o.json").to_str().unwrap()]);
    assert!(!ok && err.contains("looks like an HTML page, not a filter list"), "{err}");
    let (ok, _, err) = run(&["rules", "check", p.to_str().unwrap()]);
    assert!(!ok && err.contains("list.txt:1:1"), "{err}");
}
