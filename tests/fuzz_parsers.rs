//! Property tests of every parser of outside input: native packs, DuckDuckGo's
//! tds.json, Disconnect's services.json, Adblock Plus lists and HAR files.
//! Each starts from real data (../shared/data, cut to a few kilobytes so a
//! case takes milliseconds), mutated: text inserted from a list of hostile
//! pieces, ranges deleted or repeated, the end cut off. Whatever comes out,
//! a parser must not panic: it returns a value that loads and round-trips,
//! or an error located at a line and column inside the text. Cases proptest
//! finds are kept in tests/proptest-regressions/ and replayed first; the ones
//! found while writing these tests are also spelled out as tests below.
#![cfg(not(target_arch = "wasm32"))]

use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::Value;
use telltale::classify::classify;
use telltale::learn::Learner;
use telltale::observe::{ResourceType, WebUrl};
use telltale::rules::build::to_json_lines;
use telltale::rules::import::parse_any;
use telltale::rules::{RuleIndex, RulePack};
use telltale::InputError;

const HOSTILE: &[&str] = &[
    "\"", "{", "}", "[", "]", ",", ":", "\\", "\\u", "\\ud800", "\u{0}", "\u{7}", "\u{FFFF}", "\u{202E}", "\n", "\r\n", "\t", "!", "||", "^$",
    "$third-party", "@@", "##", "#@#", "0", "-1", "1e999", "null", "true", "[]", "{}", "\"rule\": \"(\"", "\"default\": \"x\"", "é", "🦀", "xn--",
    "..", "*", "(?=a)", "a{99999}", "<html>", "%00", "\u{FEFF}", "/", "$domain=", "~", "|", "\"domains\": [\"a\"]", "\"types\": [\"bogus\"]",
];

/// One edit: what, where, and what to insert.
type Edit = (u8, Index, Index, Index);

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    prop::collection::vec((0u8..4, any::<Index>(), any::<Index>(), any::<Index>()), 0..6)
}

fn boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn mutate(base: &str, edits: &[Edit]) -> String {
    let mut s = base.to_owned();
    for (op, a, b, piece) in edits {
        let i = boundary(&s, a.index(s.len() + 1));
        let j = boundary(&s, b.index(s.len() + 1));
        let lo = i.min(j);
        // At most 4 KB at a time, ending on a character.
        let hi = boundary(&s, i.max(j).min(lo + 4096));
        match op {
            0 => s.insert_str(i, HOSTILE[piece.index(HOSTILE.len())]),
            1 => s.replace_range(lo..hi, ""),
            2 => s.truncate(i),
            _ => {
                let dup = s[lo..hi].to_owned();
                s.insert_str(hi, &dup);
            }
        }
    }
    s
}

fn shared(path: &str) -> String {
    std::fs::read_to_string(format!("../shared/data/{path}")).unwrap_or_else(|e| panic!("../shared/data/{path}: {e}"))
}

/// A native pack with entities, patterns, opt-outs, a filter list and a tracker list.
fn pack_sample() -> &'static str {
    static S: OnceLock<String> = OnceLock::new();
    S.get_or_init(|| {
        let mut p = RulePack::default_pack();
        let keep: Vec<_> = p.entities.iter().filter(|e| !e.patterns.is_empty() || !e.opt_outs.is_empty()).take(12).cloned().collect();
        p.entities = keep;
        p.entities.extend(RulePack::default_pack().entities.into_iter().take(12));
        let mut seen = std::collections::HashSet::new();
        p.entities.retain(|e| seen.insert(e.name.clone()));
        let f = RulePack::default_filters();
        let mut list = f.filter_lists[0].clone();
        list.filters.truncate(40);
        p.sources.extend(f.sources.clone());
        p.filter_lists = vec![list];
        let tds = parse_any("tds-slice.json", &shared("duckduckgo/tds-slice.json")).unwrap().pack;
        p.sources.extend(tds.sources.clone());
        let mut tl = tds.tracker_lists[0].clone();
        tl.trackers.retain(|t| ["omtrdc.net", "segment.com", "adpushup.com", "azurefd.net"].contains(&t.domain.as_str()));
        for t in &mut tl.trackers {
            t.owner = None;
        }
        tl.cnames = tl.cnames.into_iter().take(5).collect();
        p.tracker_lists = vec![tl];
        let text = to_json_lines(&p);
        RulePack::parse("sample.json", &text).expect("the sample is a valid pack");
        text
    })
}

fn tds_sample() -> &'static str {
    static S: OnceLock<String> = OnceLock::new();
    S.get_or_init(|| {
        let mut v: Value = serde_json::from_str(&shared("duckduckgo/tds-slice.json")).unwrap();
        let keep = ["omtrdc.net", "segment.com", "adpushup.com", "azurefd.net", "vk.com", "bidtheatre.com"];
        v["trackers"].as_object_mut().unwrap().retain(|k, _| keep.contains(&k.as_str()));
        let owners: Vec<String> = v["trackers"].as_object().unwrap().values().map(|t| t["owner"]["name"].as_str().unwrap().to_owned()).collect();
        v["entities"].as_object_mut().unwrap().retain(|k, _| owners.contains(k));
        for e in v["entities"].as_object_mut().unwrap().values_mut() {
            e["domains"].as_array_mut().unwrap().truncate(6);
        }
        v["domains"].as_object_mut().unwrap().retain(|_, o| owners.iter().any(|x| x == o.as_str().unwrap()));
        let domains: Vec<String> = v["domains"].as_object().unwrap().keys().take(20).cloned().collect();
        v["domains"].as_object_mut().unwrap().retain(|k, _| domains.contains(k));
        let cnames: Vec<String> = v["cnames"].as_object().unwrap().keys().take(6).cloned().collect();
        v["cnames"].as_object_mut().unwrap().retain(|k, _| cnames.contains(k));
        serde_json::to_string_pretty(&v).unwrap()
    })
}

fn disconnect_sample() -> &'static str {
    static S: OnceLock<String> = OnceLock::new();
    S.get_or_init(|| {
        let mut v: Value = serde_json::from_str(&shared("disconnect/services.json")).unwrap();
        for list in v["categories"].as_object_mut().unwrap().values_mut() {
            list.as_array_mut().unwrap().truncate(4);
        }
        serde_json::to_string_pretty(&v).unwrap()
    })
}

fn abp_sample() -> &'static str {
    static S: OnceLock<String> = OnceLock::new();
    S.get_or_init(|| {
        let privacy = shared("filterlists/easyprivacy.txt");
        let list = shared("filterlists/easylist.txt");
        let mut lines: Vec<&str> = privacy.lines().take(150).collect();
        lines.extend(list.lines().skip(20).take(150));
        lines.join("\n")
    })
}

fn har_sample() -> &'static str {
    static S: OnceLock<String> = OnceLock::new();
    S.get_or_init(|| {
        let mut v: Value = serde_json::from_str(&shared("har/mytoys.de-2017.har")).unwrap();
        v["log"]["entries"].as_array_mut().unwrap().truncate(12);
        serde_json::to_string_pretty(&v).unwrap()
    })
}

/// An error is located inside the text (or just past its end) and says something.
fn located(e: &InputError, text: &str) -> Result<(), TestCaseError> {
    let lines = text.split('\n').count();
    prop_assert!(e.line >= 1 && e.column >= 1, "unlocated: {e}");
    prop_assert!(e.line <= lines + 1, "line {} past the end ({lines} lines): {e}", e.line);
    prop_assert!(!e.message.trim().is_empty(), "no message: {e}");
    Ok(())
}

/// What parsed loads, classifies without panicking, and round-trips through the native format.
fn usable(p: &RulePack) -> Result<(), TestCaseError> {
    let mut ix = RuleIndex::new();
    ix.add(p);
    let page = WebUrl::parse("https://www.canadiantire.ca/").unwrap();
    for url in ["https://tt.omtrdc.net/cdn/target.js", "https://a.hastingsdirect.com/js/fp.min.js", "https://www.google-analytics.com/collect?v=1"] {
        classify(&ix, &Learner::default(), &WebUrl::parse(url).unwrap(), Some(&page), ResourceType::Script);
    }
    let again = RulePack::parse("again.json", &to_json_lines(p));
    prop_assert!(again.as_ref().is_ok_and(|a| a == p), "round trip: {:?}", again.err());
    Ok(())
}

fn any_list(text: &str) -> Result<(), TestCaseError> {
    match parse_any("list", text) {
        Ok(i) => usable(&i.pack),
        Err(e) => located(&e, text),
    }
}

proptest! {
    // 256 cases each (PROPTEST_CASES=N for more).
    #![proptest_config(ProptestConfig {
        failure_persistence: Some(Box::new(proptest::test_runner::FileFailurePersistence::Direct("tests/proptest-regressions/fuzz_parsers.txt"))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn native_packs(e in edits()) {
        let text = mutate(pack_sample(), &e);
        match RulePack::parse("pack.json", &text) {
            Ok(p) => usable(&p)?,
            Err(err) => located(&err, &text)?,
        }
    }

    #[test]
    fn tracker_data_sets(e in edits()) {
        any_list(&mutate(tds_sample(), &e))?;
    }

    #[test]
    fn disconnect_lists(e in edits()) {
        any_list(&mutate(disconnect_sample(), &e))?;
    }

    #[test]
    fn adblock_lists(e in edits()) {
        any_list(&mutate(abp_sample(), &e))?;
    }

    #[test]
    fn arbitrary_text_as_a_list(s in "\\PC{0,300}") {
        any_list(&s)?;
    }

    #[test]
    fn har_files(e in edits()) {
        let text = mutate(har_sample(), &e);
        let mut auditor = telltale::Auditor::new();
        match telltale::har::audit_har(&mut auditor, "x.har", text.as_bytes(), 1) {
            Ok(tabs) => {
                let reports: Vec<_> = tabs.iter().filter_map(|&t| auditor.tab_report(t)).collect();
                let text = telltale::report::to_text(&telltale::report::audit(&auditor, &reports));
                prop_assert!(!text.is_empty());
            }
            Err(err) => {
                prop_assert!(err.line >= 1 && err.column >= 1, "unlocated: {err}");
                prop_assert!(err.line <= text.split('\n').count() + 1, "{err}");
            }
        }
    }

    #[test]
    fn tracker_rules_match_any_url(path in "\\PC{0,200}", rule in "[a-z.\\\\/*+?()|\\[\\]{}^$0-9]{1,40}") {
        // Whatever a rule and a URL are, matching ends and never panics.
        let tds = format!(r#"{{"trackers": {{"t.example": {{"domain": "t.example", "default": "ignore", "owner": {{"name": "T"}}, "categories": [],
            "rules": [{{"rule": {}}}]}}}}, "entities": {{"T": {{"domains": ["t.example"]}}}}}}"#, serde_json::to_string(&rule).unwrap());
        let p = parse_any("t.json", &tds).map_err(|e| TestCaseError::fail(e.to_string()))?.pack;
        let mut ix = RuleIndex::new();
        ix.add(&p);
        if let Ok(u) = WebUrl::parse(&format!("https://x.t.example/{path}")) {
            let _ = ix.list_decision(&u, None, ResourceType::Image);
        }
    }
}

/// Found by `har_files`: a HAR cut off anywhere ended in an error at column 0.
#[test]
fn a_truncated_har_is_located_at_its_last_character() {
    let text = har_sample();
    for cut in [text.len() / 2, text.len() - 1, text.find("\"entries\"").unwrap() + 3] {
        let cut_text = &text[..cut];
        let e = telltale::har::read_har("x.har", cut_text.as_bytes(), |_| {}).map(|_| ()).unwrap_err();
        let last = cut_text.rsplit('\n').next().unwrap();
        // The last line, at its last character or just after it (serde_json's column, or the end).
        assert_eq!(e.line, cut_text.split('\n').count(), "{e}");
        let n = last.chars().count();
        assert!(e.column >= 1 && (e.column == n || e.column == n + 1), "{e}: the last line has {n} characters");
    }
}
