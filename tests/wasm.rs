//! The wasm facade, run under node by wasm-bindgen-test-runner:
//! `cargo test --target wasm32-unknown-unknown --test wasm` (scripts/test.sh).
#![cfg(target_arch = "wasm32")]

use telltale::wasm::{registrable_domains, site_of, WasmAuditor as Auditor};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

fn browse(a: &mut Auditor) {
    for ev in [
        r#"{"kind":"navigation","url":"https://news.example/","tab":7,"time":1000}"#,
        r#"{"kind":"request","url":"https://static.hotjar.com/c/hotjar-1.js","type":"script","tab":7,"time":1001}"#,
        r#"{"kind":"request","url":"https://www.google-analytics.com/collect?v=1","type":"ping","tab":7,"time":1002}"#,
        r#"{"kind":"request","url":"https://cdnjs.cloudflare.com/ajax/libs/x.js","type":"script","tab":7,"time":1003}"#,
        r#"{"kind":"response","url":"https://px.cookies.example/p","tab":7,"time":1004,"status":200,"set_cookie":["id=secret; SameSite=None; Secure"]}"#,
        r#"{"kind":"navigation","url":"https://shop.example/","tab":8,"time":2000}"#,
        r#"{"kind":"request","url":"https://px.cookies.example/p","type":"image","tab":8,"time":2001}"#,
        r#"{"kind":"response","url":"https://px.cookies.example/p","tab":8,"time":2002,"status":200,"set_cookie":["id=secret"]}"#,
    ] {
        a.observe(ev).map_err(JsValue::from).unwrap();
    }
}

#[wasm_bindgen_test]
fn observes_and_reports_a_tab() {
    let mut a = Auditor::new();
    browse(&mut a);
    let r: serde_json::Value = serde_json::from_str(&a.tab_report(7.0)).unwrap();
    assert_eq!(r["site"], "news.example");
    assert_eq!(r["trackers"], 2);
    let hotjar = r["third_parties"].as_array().unwrap().iter().find(|t| t["site"] == "hotjar.com").unwrap();
    assert_eq!(hotjar["categories"], serde_json::json!(["session-replay", "analytics"]));
    assert_eq!(a.tracker_count(8.0), 1);
    assert_eq!(a.reach("cookies.example"), 2);
    let top: serde_json::Value = serde_json::from_str(&a.top_trackers(1)).unwrap();
    assert_eq!(top[0]["site"], "cookies.example");
    assert_eq!(top[0]["categories"], serde_json::json!(["cross-site-cookies"]));
    assert!(!a.snapshot().contains("secret"), "cookie values never stored");
}

#[wasm_bindgen_test]
fn observe_returns_the_verdict_and_a_journal_entry_without_cookie_values() {
    let mut a = Auditor::new();
    a.observe(r#"{"kind":"navigation","url":"https://news.example/","tab":1,"time":1}"#).map_err(JsValue::from).unwrap();
    let out: serde_json::Value = serde_json::from_str(
        &a.observe(r#"{"kind":"request","url":"https://static.hotjar.com/c/h.js","type":"script","tab":1,"time":2,"cookie_header":"_hjid=SECRET"}"#).map_err(JsValue::from).unwrap(),
    )
    .unwrap();
    assert_eq!(out["verdict"]["tracker"], true);
    assert_eq!(out["journal"]["cookie_header"], "_hjid=-");
    let mut b = Auditor::new();
    assert_eq!(b.observe_batch(&format!("[{{\"kind\":\"navigation\",\"url\":\"https://news.example/\",\"tab\":1,\"time\":1}},{}]", out["journal"])).map_err(JsValue::from).unwrap(), 2);
    assert_eq!(b.tracker_count(1.0), 1, "replaying the journal gives the same state");
}

#[wasm_bindgen_test]
fn graph_view_and_details_for_the_graph_page() {
    let mut a = Auditor::new();
    browse(&mut a);
    let v: serde_json::Value = serde_json::from_str(&a.graph_view(r#"{"categories":["session-replay"]}"#).map_err(JsValue::from).unwrap()).unwrap();
    let ids: Vec<&str> = v["nodes"].as_array().unwrap().iter().map(|n| n["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["hotjar.com", "news.example"]);
    assert_eq!(v["nodes"][0]["color"], "#d62728");
    assert!(a.graph_view("{\"categories\":[\"nope\"]}").is_err());
    let d: serde_json::Value = serde_json::from_str(&a.node_details("cookies.example")).unwrap();
    assert_eq!(d["seen_on"], serde_json::json!(["news.example", "shop.example"]));
    assert_eq!(d["cookies"], serde_json::json!([["id", 2]]));
    assert_eq!(a.node_details("nowhere.example"), "null");
}

#[wasm_bindgen_test]
fn bad_events_throw_and_are_counted() {
    let mut a = Auditor::new();
    assert!(a.observe("not json").is_err());
    assert!(a.observe(r#"{"kind":"request","url":"data:text/html,hi","tab":1}"#).is_err());
    assert!(a.observe(r#"{"kind":"request","url":"http://[bad","tab":1}"#).is_err());
    let s: serde_json::Value = serde_json::from_str(&a.stats()).unwrap();
    assert_eq!((s["not_network"].as_u64(), s["bad_urls"].as_u64()), (Some(1), Some(1)));
    let n = a.observe_batch(r#"[{"kind":"navigation","url":"https://a.example/","tab":1},{"kind":"bogus"},{"kind":"request","url":"https://t.example/x","tab":1}]"#).map_err(JsValue::from).unwrap();
    assert_eq!(n, 2);
}

#[wasm_bindgen_test]
fn exports_and_snapshots_round_trip() {
    let mut a = Auditor::new();
    browse(&mut a);
    let files = a.export("csv").map_err(JsValue::from).unwrap();
    assert_eq!(files.length(), 2);
    let json = a.export("json").map_err(JsValue::from).unwrap();
    let pair = js_sys::Array::from(&json.get(0));
    let text = pair.get(1).as_string().unwrap();
    assert!(text.contains("\"telltale-graph\""));
    assert!(a.export("pdf").is_err());

    let snap = a.snapshot();
    let mut b = Auditor::new();
    b.restore(&snap).map_err(JsValue::from).unwrap();
    assert_eq!(b.snapshot(), snap);
    assert!(b.restore("{\"format\":\"telltale-snapshot\",\"version\":99}").is_err());
    assert_eq!(b.snapshot(), snap, "a failed restore changes nothing");

    let mut c = Auditor::empty();
    c.import_graph("g.json", &text).map_err(JsValue::from).unwrap();
    assert_eq!(c.reach("cookies.example"), 2);
}

#[wasm_bindgen_test]
fn site_lookups() {
    assert_eq!(site_of("WWW.BBC.CO.UK.").as_deref(), Some("bbc.co.uk"));
    assert_eq!(site_of("<script>"), None);
    assert_eq!(registrable_domains("a.b.example.com\nlocalhost\nalice.github.io\n食狮.com.cn"), "example.com\n\nalice.github.io\nxn--85x722f.com.cn");
}

#[wasm_bindgen_test]
fn user_packs_load_or_explain() {
    let mut a = Auditor::empty();
    let err = a.load_pack("p.json", "{\"format\": \"telltale-rules/1\",\n\"name\": 3}").err().map(JsValue::from).unwrap();
    let msg = js_sys::Error::from(err).message().as_string().unwrap();
    assert!(msg.starts_with("p.json:2:"), "{msg}");
}
