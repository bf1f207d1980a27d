//! What people publish from the CLI carries none of the person's secrets: a
//! capture whose page URL has a reset token and a fragment, whose requests
//! carry a bare cookie (a value with no name), a named cookie, a Set-Cookie
//! line without a name and identifiers in query strings, audited to JSON and
//! exported in every format, with the learned pack.

mod common;

use common::{scratch, telltale};
use serde_json::json;

const SECRETS: [&str; 7] = ["TtQuery7Kx2Lm9", "TtFrag4Hn8Vb3", "TtBare5Rz2Wq8", "TtCookie3Pw7Ns5", "TtSet6Jm4Xc9", "TtUid8Lk2Dv6", "TtUser2Pa5Sw"];

fn entry(url: &str, cookie: Option<&str>, set_cookie: Option<&str>, mime: &str) -> serde_json::Value {
    let headers = |h: Option<(&str, &str)>| h.map(|(n, v)| vec![json!({"name": n, "value": v})]).unwrap_or_default();
    json!({
        "pageref": "page_1", "startedDateTime": "2026-12-01T10:00:00.000Z", "time": 10,
        "request": {"method": "GET", "url": url, "httpVersion": "HTTP/1.1", "headers": headers(cookie.map(|c| ("Cookie", c))),
                    "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 0},
        "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1", "headers": headers(set_cookie.map(|c| ("Set-Cookie", c))),
                     "cookies": [], "content": {"size": 0, "mimeType": mime}, "redirectURL": "", "headersSize": -1, "bodySize": 0},
        "cache": {}, "timings": {"send": 0, "wait": 10, "receive": 0}
    })
}

#[test]
fn no_secret_of_a_url_or_cookie_reaches_the_report_or_any_export() {
    let dir = scratch("privacy");
    let page = "https://TtUser2Pa5Sw:pw@shop.example/reset?token=TtQuery7Kx2Lm9#TtFrag4Hn8Vb3";
    let har = json!({"log": {"version": "1.2", "creator": {"name": "test", "version": "1"},
        "pages": [{"id": "page_1", "startedDateTime": "2026-12-01T10:00:00.000Z", "title": page, "pageTimings": {}}],
        "entries": [
            entry(page, Some("TtBare5Rz2Wq8"), None, "text/html"),
            entry("https://static.hotjar.com/c/hotjar-1.js?uid=TtUid8Lk2Dv6", Some("TtBare5Rz2Wq8; _hjid=TtCookie3Pw7Ns5"), Some("TtSet6Jm4Xc9; Max-Age=600; SameSite=None; Secure"), "application/javascript"),
            entry("https://px.secret-tracker.test/p.gif?u=TtUid8Lk2Dv6#TtFrag4Hn8Vb3", Some("TtBare5Rz2Wq8"), Some("sid=TtCookie3Pw7Ns5; Max-Age=600"), "image/gif"),
        ]}});
    let path = dir.join("secrets.har");
    std::fs::write(&path, har.to_string()).unwrap();
    let p = path.to_str().unwrap();

    let mut texts: Vec<(String, String)> = Vec::new();
    let out = telltale(&["audit", "--json", p]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["pages"][0]["page"], "https://shop.example/reset", "the page is named by its address");
    let hotjar = report["pages"][0]["third_parties"].as_array().unwrap().iter().find(|t| t["site"] == "hotjar.com").unwrap();
    assert_eq!(hotjar["tracker"], true, "the capture was read: {hotjar}");
    texts.push(("audit --json".into(), String::from_utf8(out.stdout).unwrap()));
    let out = telltale(&["audit", p]);
    texts.push(("audit".into(), String::from_utf8(out.stdout).unwrap()));
    for format in ["json", "gexf", "graphml", "dot", "csv"] {
        let to = dir.join(format!("graph.{format}"));
        let out = telltale(&["audit", p, "--export", to.to_str().unwrap(), "--format", format]);
        assert!(out.status.success(), "{format}: {}", String::from_utf8_lossy(&out.stderr));
        // CSV writes a folder of files; the others one file.
        let files: Vec<std::path::PathBuf> = if to.is_dir() { std::fs::read_dir(&to).unwrap().map(|e| e.unwrap().path()).collect() } else { vec![to.clone()] };
        for f in files {
            texts.push((f.display().to_string(), std::fs::read_to_string(&f).unwrap()));
        }
    }
    let learned = dir.join("learned.json");
    let out = telltale(&["audit", p, "--learned-pack", learned.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    texts.push(("learned pack".into(), std::fs::read_to_string(&learned).unwrap()));

    let graph = texts.iter().find(|(w, _)| w.ends_with("graph.json")).map(|(_, t)| t.as_str()).unwrap();
    assert!(graph.contains("(no name)"), "the bare cookies are counted as cookies with no name: {graph}");
    for (where_, text) in &texts {
        for s in SECRETS {
            assert!(!text.contains(s), "{s} in {where_}:\n{text}");
        }
    }
}
