//! The `telltale` CLI on real captures and on bad input.

mod common;

use common::{har, scratch, telltale};
use serde_json::Value;

fn audit_json(files: &[&str]) -> Value {
    let paths: Vec<String> = files.iter().map(|f| har(f).display().to_string()).collect();
    let mut args = vec!["audit", "--json"];
    args.extend(paths.iter().map(String::as_str));
    let out = telltale(&args);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn third_party<'a>(page: &'a Value, site: &str) -> &'a Value {
    page["third_parties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["site"] == site)
        .unwrap_or_else(|| panic!("{site} not on {}", page["page"]))
}

fn cats(t: &Value) -> Vec<&str> {
    t["categories"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect()
}

#[test]
fn aftonbladet_trackers_are_found() {
    let v = audit_json(&["aftonbladet.se-2015.har"]);
    let page = &v["pages"][0];
    assert_eq!(page["site"], "aftonbladet.se");
    // The capture's document redirects from http://aftonbladet.se/: the page is where it ended.
    assert_eq!(page["page"], "http://www.aftonbladet.se/");
    // static.hotjar.com/c/hotjar-*.js is in the capture: a session recorder.
    let hotjar = third_party(page, "hotjar.com");
    assert_eq!(hotjar["entity"], "Hotjar");
    // The evidence names the pack and the rule that decided.
    assert_eq!(hotjar["evidence"][0], "telltale-default: pattern static.hotjar.com (The Markup, Blacklight session-recorder list (SESSION_RECORDERS_LIST))", "{hotjar}");
    assert_eq!(hotjar["tracker"], true);
    assert_eq!(cats(hotjar), ["session-replay", "analytics"]);
    let ga = third_party(page, "google-analytics.com");
    assert_eq!((ga["entity"].as_str(), ga["requests"].as_u64(), ga["tracker"].as_bool()), (Some("Google Analytics"), Some(3), Some(true)));
    let adnxs = third_party(page, "adnxs.com");
    assert_eq!(cats(adnxs), ["advertising"]);
    assert_eq!(third_party(page, "mixpanel.com")["entity"], "Mixpanel");
    // A third party only EasyPrivacy names is a tracker, and the filter that matched is the evidence.
    let np = third_party(page, "npario-inc.net");
    assert_eq!((np["tracker"].as_bool(), np["entity"].is_null()), (Some(true), true), "{np}");
    assert_eq!(cats(np), ["tracking"]);
    assert_eq!(np["evidence"][0], "easyprivacy: EasyPrivacy filter ||npario-inc.net^$third-party (EasyPrivacy)");
    // The site's own CDN is a third party by domain, but no pack calls it a tracker.
    let cdn = third_party(page, "aftonbladet-cdn.se");
    assert_eq!((cdn["tracker"].as_bool(), cdn["entity"].is_null(), cdn["requests"].as_u64()), (Some(false), true, Some(92)));
    // Every third-party request counted: 175 entries, 29 of them to aftonbladet.se hosts.
    let total: u64 = page["third_parties"].as_array().unwrap().iter().map(|t| t["requests"].as_u64().unwrap()).sum();
    assert_eq!(total, 146);
}

#[test]
fn mytoys_trackers_and_redirect_hop() {
    let v = audit_json(&["mytoys.de-2017.har"]);
    let page = &v["pages"][0];
    assert_eq!(page["site"], "mytoys.de");
    let dc = third_party(page, "doubleclick.net");
    assert_eq!((dc["company"].as_str(), dc["requests"].as_u64()), (Some("Google"), Some(2)));
    assert_eq!(cats(third_party(page, "facebook.net")), ["social"]);
    assert_eq!(third_party(page, "webtrendslive.com")["entity"], "Webtrends");
    // A tag loader is a tracker, whoever makes it; EasyPrivacy's block is its evidence too,
    // and `tracking` gives way to the category that says how.
    let tc = third_party(page, "commander1.com");
    assert_eq!(cats(tc), ["tag-manager"]);
    assert_eq!((tc["tracker"].as_bool(), tc["evidence"][1].as_str()), (Some(true), Some("easyprivacy: EasyPrivacy filter ||commander1.com^$third-party (EasyPrivacy)")));
    // The checkout redirects through the group's single-sign-on host (302s
    // recorded as text/plain): those hops are the page's document, as in the
    // browser, not a third party of it.
    assert_eq!(page["page"], "https://checkout.mytoys.de/checkout/registration");
    assert!(page["third_parties"].as_array().unwrap().iter().all(|t| t["site"] != "mytoys-group.de"), "{page}");
}

#[test]
fn wikipedia_is_a_clean_control() {
    let v = audit_json(&["en.wikipedia.org-2015.har"]);
    let pages = v["pages"].as_array().unwrap();
    assert_eq!(pages.len(), 6);
    for p in pages {
        assert_eq!(p["site"], "wikipedia.org");
        assert_eq!(p["trackers"], 0, "{p}");
        assert!(p["third_parties"].as_array().unwrap().iter().all(|t| t["site"] == "wikimedia.org"));
    }
}

#[test]
fn cross_site_summary_spans_files() {
    let v = audit_json(&["aftonbladet.se-2015.har", "mytoys.de-2017.har", "en.wikipedia.org-2015.har"]);
    assert_eq!(v["sites_visited"], 3);
    let cross = v["cross_site"].as_array().unwrap();
    let google = cross.iter().find(|c| c["company"] == "Google").expect("Google on two sites");
    assert_eq!(google["seen_on"], serde_json::json!(["aftonbladet.se", "mytoys.de"]));
    assert_eq!(google["reach"], 2);
    assert_eq!(cross.len(), 1, "only Google is on both: {cross:?}");
}

#[test]
fn text_report_groups_by_company() {
    let out = telltale(&["audit", &har("mytoys.de-2017.har").display().to_string()]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let line = text.lines().find(|l| l.contains("Webtrends")).unwrap();
    assert!(line.contains("tracker") && line.contains("webtrends.com webtrendslive.com") && line.contains("4 req"), "{line}");
}

#[test]
fn export_writes_each_format() {
    let dir = scratch("cli-export");
    for f in ["json", "gexf", "graphml", "dot"] {
        let path = dir.join(format!("g.{f}"));
        let out = telltale(&["audit", &har("mytoys.de-2017.har").display().to_string(), "--export", path.to_str().unwrap(), "--format", f]);
        assert!(out.status.success(), "{f}: {}", String::from_utf8_lossy(&out.stderr));
        let body = std::fs::read_to_string(&path).unwrap();
        assert!(body.contains("doubleclick.net"), "{f}");
    }
    let csv = dir.join("csv");
    let out = telltale(&["audit", &har("mytoys.de-2017.har").display().to_string(), "--export", csv.to_str().unwrap(), "--format", "csv"]);
    assert!(out.status.success());
    assert!(std::fs::read_to_string(csv.join("nodes.csv")).unwrap().starts_with("site,entity,company,categories"));
    assert!(std::fs::read_to_string(csv.join("edges.csv")).unwrap().contains("mytoys.de,doubleclick.net,2,"));
    let out = telltale(&["audit", &har("mytoys.de-2017.har").display().to_string(), "--export", "x", "--format", "pdf"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("expected one of json, gexf, graphml, dot, csv, html"));
}

#[test]
fn interactive_html_export_holds_every_site_its_details_and_the_viewer() {
    let dir = scratch("cli-export-html");
    let (html, json) = (dir.join("g.html"), dir.join("g.json"));
    let input = har("mytoys.de-2017.har").display().to_string();
    for (path, f) in [(&html, "html"), (&json, "json")] {
        let out = telltale(&["audit", &input, "--export", path.to_str().unwrap(), "--format", f]);
        assert!(out.status.success(), "{f}: {}", String::from_utf8_lossy(&out.stderr));
    }
    let body = std::fs::read_to_string(&html).unwrap();
    let start = body.find(r#"<script type="application/json" id="telltale-data">"#).expect("the data") + 51;
    let data: Value = serde_json::from_str(&body[start..start + body[start..].find("</script>").unwrap()]).unwrap();
    let graph: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let sites = |v: &Value, key: &str| -> Vec<String> {
        let mut s: Vec<String> = v.as_array().unwrap().iter().map(|n| n[key].as_str().unwrap().to_owned()).collect();
        s.sort();
        s
    };
    assert_eq!(sites(&data["view"]["nodes"], "id"), sites(&graph["nodes"], "site"));
    assert_eq!(data["layout"], "settle", "the CLI has no picture: the viewer lays it out");
    assert_eq!(data["details"]["doubleclick.net"]["company"], "Google");
    assert_eq!(data["details"]["doubleclick.net"]["seen_on"], serde_json::json!(["mytoys.de"]));
    // The viewer is inline, and nothing in the file is fetched.
    assert!(body.contains("telltale-data") && body.matches("<script").count() == 2);
    for fetched in [" src=", "<link", "@import"] {
        assert!(!body.contains(fetched), "{fetched}");
    }
    assert!(body.contains("<title>Telltale — who saw you ("));
}

/// Runs `audit FILE` and returns the single stderr line, asserting failure.
fn audit_error(path: &str) -> String {
    let out = telltale(&["audit", path]);
    assert!(!out.status.success(), "{path} was accepted");
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(!err.contains("panicked"), "{err}");
    err.trim().to_owned()
}

#[test]
fn bad_input_gets_a_located_one_line_error() {
    let dir = scratch("cli-bad");
    let write = |name: &str, body: &[u8]| {
        let p = dir.join(name);
        std::fs::write(&p, body).unwrap();
        p.display().to_string()
    };
    let e = audit_error(&write("notjson.har", b"<html>hello</html>"));
    assert!(e.contains("notjson.har:1:1: not valid JSON"), "{e}");

    let e = audit_error(&write("nothar.har", b"{\n  \"hello\": [1, 2, 3]\n}\n"));
    assert!(e.contains("nothar.har:1:1: not a HAR 1.2 file"), "{e}");

    let real = std::fs::read(har("mytoys.de-2017.har")).unwrap();
    let e = audit_error(&write("truncated.har", &real[..real.len() / 2]));
    assert!(e.contains("truncated.har:") && e.contains("unexpected end of file"), "{e}");
    let pos: Vec<&str> = e.split(':').skip(2).take(2).collect();
    assert!(pos[0].parse::<usize>().unwrap() > 100, "line of the cut: {e}");

    let e = audit_error(&write("empty.har", b"{\"log\": {\"version\": \"1.2\", \"pages\": [], \"entries\": []}}"));
    assert!(e.contains("empty.har:1:1: the HAR log has no entries"), "{e}");

    let e = audit_error(&write("zero.har", b""));
    assert!(e.contains("zero.har:1:1: unexpected end of file"), "{e}");

    let e = audit_error(dir.join("missing.har").to_str().unwrap());
    assert!(e.contains("missing.har: No such file or directory"), "{e}");

    let bin = write("binary.har", &[0xff, 0xfe, 0x00, 0x01, 0x80]);
    let e = audit_error(&bin);
    assert!(e.contains("binary.har:1:"), "{e}");
}

#[test]
fn rules_check_reports_good_and_bad_packs() {
    let out = telltale(&["rules", "check", concat!(env!("CARGO_MANIFEST_DIR"), "/rules/default.json")]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("ok: telltale-default") && text.contains("with 2139 entities"), "{text}");

    let dir = scratch("cli-rules");
    let p = dir.join("bad.json");
    std::fs::write(&p, "{\n \"format\": \"telltale-rules/1\", \"name\": \"b\", \"version\": \"1\", \"license\": \"x\",\n \"sources\": {\"s\": {\"name\": \"n\"}},\n \"entities\": [{\"name\": \"A\", \"domains\": [\"a.example\"], \"categories\": [\"trackers\"], \"source\": \"s\"}]\n}\n").unwrap();
    let out = telltale(&["rules", "check", p.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("bad.json:4:") && err.contains("unknown variant `trackers`, expected one of"), "{err}");

    // A user's pack loads with --rules and overrides the default for its domain.
    let mine = dir.join("mine.json");
    std::fs::write(&mine, "{\"format\": \"telltale-rules/1\", \"name\": \"mine\", \"version\": \"1\", \"license\": \"CC0-1.0\",\n \"sources\": {\"me\": {\"name\": \"my own crawl\"}},\n \"entities\": [{\"name\": \"Aftonbladet CDN\", \"company\": \"Schibsted\", \"domains\": [\"aftonbladet-cdn.se\"], \"categories\": [\"cdn\"], \"source\": \"me\"}]}").unwrap();
    let out = telltale(&["audit", "--json", "--rules", mine.to_str().unwrap(), &har("aftonbladet.se-2015.har").display().to_string()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let cdn = third_party(&v["pages"][0], "aftonbladet-cdn.se");
    assert_eq!((cdn["entity"].as_str(), cats(cdn)), (Some("Aftonbladet CDN"), vec!["cdn"]));
}

#[test]
fn policy_prints_the_rules_the_extension_applies() {
    let out = telltale(&["policy", "--block", "company:Hotjar", "--block", "category:retargeting", "--trust", "www.news.example", "--opt-out"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rules: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let hotjar = rules.iter().find(|r| r["condition"]["requestDomains"].as_array().is_some_and(|d| d.iter().any(|x| x == "hotjar.com"))).unwrap();
    assert_eq!(hotjar["action"]["type"], "block");
    assert_eq!(hotjar["condition"]["domainType"], "thirdParty");
    assert_eq!(hotjar["condition"]["excludedInitiatorDomains"], hotjar["condition"]["requestDomains"]);
    let trust = rules.iter().find(|r| r["action"]["type"] == "allowAllRequests").unwrap();
    assert_eq!(trust["condition"]["requestDomains"][0], "news.example");
    let gpc = rules.iter().find(|r| r["action"]["type"] == "modifyHeaders").unwrap();
    assert!(gpc["condition"]["resourceTypes"].as_array().unwrap().iter().any(|t| t == "main_frame"));
    assert!(rules.iter().any(|r| r["condition"]["requestDomains"].as_array().is_some_and(|d| d.iter().any(|x| x == "criteo.com"))), "retargeting covers Criteo");
    // The same choices give the same rules, ids included.
    let again = telltale(&["policy", "--opt-out", "--trust", "news.example", "--block", "category:retargeting", "--block", "company:Hotjar"]);
    assert_eq!(out.stdout, again.stdout);
    // --full adds the opt-out actions: Google Analytics' documented flag script.
    let full = telltale(&["policy", "--opt-out", "--full"]);
    let v: Value = serde_json::from_slice(&full.stdout).unwrap();
    assert!(v["scripts"].as_array().unwrap().iter().any(|s| s["js"][0] == "injected/gpc.js"));
    assert!(v["scripts"].as_array().unwrap().iter().any(|s| s["id"].as_str().unwrap().starts_with("telltale-flag-")));
}

#[test]
fn policy_says_what_it_cannot_apply() {
    let out = telltale(&["policy", "--block", "company:No Such Company"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not applied: Block No Such Company: no loaded rule pack names a domain"), "{err}");
    let out = telltale(&["policy", "--block", "category:sesion-replay"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown category \"sesion-replay\""));
    let out = telltale(&["policy", "--block", "hotjar.com"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("expected company:NAME, site:SITE or category:ID"));
}

#[test]
fn disconnect_lists_import_load_and_merge() {
    let dir = scratch("cli-import");
    let services = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/disconnect/services.json");
    let entities = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/disconnect/entities.json");
    let pack = dir.join("disconnect.json");
    let out = telltale(&["rules", "import", "--from", "disconnect", services, entities, "-o", pack.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8(out.stdout).unwrap();
    assert!(said.contains("1886 entities") && said.contains("left out: 13 domains"), "{said}");
    let out = telltale(&["rules", "check", pack.to_str().unwrap(), services]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // The list itself loads too, its format told by its content, and classifies.
    let out = telltale(&["audit", "--json", "--no-default-rules", "--rules", services, common::har("aftonbladet.se-2015.har").to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let hotjar = third_party(&v["pages"][0], "hotjar.com");
    assert_eq!(hotjar["entity"], "ContentSquare");
    assert_eq!(cats(hotjar), ["session-replay", "analytics"]);
    let out = telltale(&["rules", "info", pack.to_str().unwrap()]);
    let info = String::from_utf8(out.stdout).unwrap();
    assert!(info.contains("licence CC-BY-NC-SA-4.0") && info.contains("advertising 1273"), "{info}");
    // Merged after the default pack, the merged pack says what loading both in that order says.
    let merged = dir.join("merged.json");
    let out = telltale(&["rules", "merge", concat!(env!("CARGO_MANIFEST_DIR"), "/rules/default.json"), pack.to_str().unwrap(), "-o", merged.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let har = common::har("mytoys.de-2017.har");
    let by_merged: Value = serde_json::from_slice(&telltale(&["audit", "--json", "--no-default-rules", "--rules", merged.to_str().unwrap(), har.to_str().unwrap()]).stdout).unwrap();
    let by_loading: Value = serde_json::from_slice(&telltale(&["audit", "--json", "--rules", pack.to_str().unwrap(), har.to_str().unwrap()]).stdout).unwrap();
    let entities = |v: &Value| -> Vec<(String, String)> {
        v["pages"][0]["third_parties"].as_array().unwrap().iter().map(|t| (t["site"].to_string(), t["entity"].to_string())).collect()
    };
    assert_eq!(entities(&by_merged), entities(&by_loading));
    assert!(entities(&by_merged).iter().any(|(s, e)| s == "\"doubleclick.net\"" && e == "\"Google\""), "{:?}", entities(&by_merged));
    // A format Telltale does not read is named, not guessed.
    let out = telltale(&["rules", "import", "--from", "openwpm", services, "-o", "x.json"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("possible values: disconnect"));
}

#[test]
fn learned_trackers_export_as_a_pack_that_loads() {
    let dir = scratch("cli-learned");
    // An unlisted third party that sets cookies on two sites: the cross-site-cookies heuristic.
    let page = |site: &str| {
        format!(
            r#"{{"log": {{"entries": [
  {{"pageref": "p", "request": {{"url": "https://{site}/"}}, "response": {{"status": 200, "content": {{"mimeType": "text/html"}}}}}},
  {{"pageref": "p", "request": {{"url": "https://px.unlisted-tracker.example/p.gif"}}, "response": {{"status": 200, "headers": [{{"name": "Set-Cookie", "value": "tid=1; Path=/"}}], "content": {{"mimeType": "image/gif"}}}}}}]}}}}"#
        )
    };
    let (a, b) = (dir.join("a.har"), dir.join("b.har"));
    std::fs::write(&a, page("news.example")).unwrap();
    std::fs::write(&b, page("shop.example")).unwrap();
    let learned = dir.join("learned.json");
    let out = telltale(&["audit", a.to_str().unwrap(), b.to_str().unwrap(), "--learned-pack", learned.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&learned).unwrap()).unwrap();
    let names: Vec<&str> = v["entities"].as_array().unwrap().iter().map(|e| e["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["unlisted-tracker.example"]);
    assert_eq!(v["entities"][0]["categories"][0], "cross-site-cookies");
    // Shared and loaded elsewhere, it names the tracker on a single page.
    let one = telltale(&["audit", "--json", "--rules", learned.to_str().unwrap(), a.to_str().unwrap()]);
    let v: Value = serde_json::from_slice(&one.stdout).unwrap();
    let t = third_party(&v["pages"][0], "unlisted-tracker.example");
    assert_eq!((t["tracker"].as_bool(), t["entity"].as_str()), (Some(true), Some("unlisted-tracker.example")));
}

#[test]
fn tds_imports_checks_and_audits() {
    let dir = scratch("cli-tds");
    let tds = "../shared/data/duckduckgo/tds-slice.json";
    let pack = dir.join("tds.json");
    let out = telltale(&["rules", "import", "--from", "tds", tds, "-o", pack.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("35 entities") && said.contains("60 trackers with 132 URL rules, 294 CNAME records") && said.contains("49 domains that cannot be a pack's"), "{said}");
    // `rules info` on the pack and on the raw file (told by content) say the same counts.
    for p in [pack.to_str().unwrap(), tds] {
        let out = telltale(&["rules", "info", p]);
        let info = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(info.contains("licence CC-BY-NC-SA-4.0"), "{info}");
        assert!(info.contains("tracker list DuckDuckGo TDS: 60 trackers (32 blocked by default, 28 ignored by default), 132 URL rules, 294 CNAME records"), "{info}");
    }
    let out = telltale(&["rules", "check", tds]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // An audit with the raw tds.json: a page that loads Adobe's and Taboola's trackers.
    let har = dir.join("tds.har");
    std::fs::write(
        &har,
        serde_json::json!({"log": {"version": "1.2", "creator": {"name": "t", "version": "1"},
            "pages": [{"id": "p", "title": "https://shop.example/", "startedDateTime": "2026-01-01T00:00:00Z", "pageTimings": {}}],
            "entries": [
                {"pageref": "p", "startedDateTime": "2026-01-01T00:00:00Z", "time": 1, "timings": {"send": 0, "wait": 0, "receive": 0}, "cache": {},
                 "request": {"method": "GET", "url": "https://shop.example/", "httpVersion": "HTTP/2", "headers": [], "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 0},
                 "response": {"status": 200, "statusText": "", "httpVersion": "HTTP/2", "headers": [], "cookies": [], "content": {"size": 0, "mimeType": "text/html"}, "redirectURL": "", "headersSize": -1, "bodySize": 0}},
                {"pageref": "p", "startedDateTime": "2026-01-01T00:00:01Z", "time": 1, "timings": {"send": 0, "wait": 0, "receive": 0}, "cache": {},
                 "request": {"method": "GET", "url": "https://metrics.sc.omtrdc.net/b/ss/suite/1/JS-2.0/s1", "httpVersion": "HTTP/2", "headers": [], "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 0},
                 "response": {"status": 200, "statusText": "", "httpVersion": "HTTP/2", "headers": [], "cookies": [], "content": {"size": 0, "mimeType": "image/gif"}, "redirectURL": "", "headersSize": -1, "bodySize": 0}}
            ]}})
        .to_string(),
    )
    .unwrap();
    let out = telltale(&["audit", "--json", "--no-default-rules", "--rules", tds, har.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let t = &v["pages"][0]["third_parties"][0];
    assert_eq!(t["site"], "omtrdc.net", "{v}");
    assert_eq!(t["company"], "Adobe", "{t}");
    assert!(t["evidence"].to_string().contains(r"DuckDuckGo TDS tracker omtrdc.net: block by rule 3 omtrdc\\.net/b/ss"), "{t}");
}

#[test]
fn site_report_says_what_a_site_did_and_keeps_nothing_private() {
    let dir = scratch("cli-site-report");
    let out_path = dir.join("report.html");
    let input = har("mytoys.de-2017.har");
    let out = telltale(&["report", input.to_str().unwrap(), "--site", "www.mytoys.de", "-o", out_path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let html = std::fs::read_to_string(&out_path).unwrap();
    assert!(html.starts_with("<!doctype html>") && html.contains("<title>What mytoys.de did</title>"));
    assert!(!html.contains("<script") && !html.contains(" src=") && !html.contains("<link"), "self-contained, no script");
    let section = |title: &str| {
        let at = html.find(&format!("<h2>{title}</h2>")).unwrap_or_else(|| panic!("no section {title}"));
        html[at..].split("</section>").next().unwrap().to_owned()
    };
    let owners = section("Trackers, by owner");
    // By owner, with the brand: DoubleClick is Google's; Facebook is Meta's.
    for (owner, brand_or_site) in [("Google", "doubleclick.net"), ("Meta", "Facebook"), ("Webtrends", "webtrendslive.com"), ("TagCommander", "commander1.com")] {
        let row = owners.split("<tr>").find(|r| r.contains(&format!("<strong>{owner}</strong>"))).unwrap_or_else(|| panic!("{owner} missing"));
        assert!(row.contains(brand_or_site), "{owner}: {row}");
    }
    assert!(owners.contains("session replay") || !owners.contains("hotjar"), "no recorder is made up");
    let cookies = section("Third-party cookies");
    assert!(cookies.contains("Google (doubleclick.net)") && cookies.contains("IDE"), "{cookies}");
    let measured = section("How this was measured");
    assert!(measured.contains("<dt>Pages</dt><dd>1 page</dd>"), "{measured}");
    assert!(measured.contains("mytoys.de-2017.har") && measured.contains("telltale-default") && measured.contains("EasyPrivacy"), "{measured}");
    assert!(!measured.contains("<dt>Browser</dt>"), "a capture names no browser of ours");

    // Nothing private: no cookie value and no query string of the capture is in the report.
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&input).unwrap()).unwrap();
    let mut secrets = vec![];
    for e in v["log"]["entries"].as_array().unwrap() {
        for side in ["request", "response"] {
            for c in e[side]["cookies"].as_array().into_iter().flatten() {
                secrets.extend(c["value"].as_str().filter(|v| v.len() >= 8).map(str::to_owned));
            }
        }
        if let Some((_, q)) = e["request"]["url"].as_str().unwrap().split_once('?') {
            secrets.extend(q.split('&').filter_map(|kv| kv.split_once('=')).map(|(_, v)| v.to_owned()).filter(|v| v.len() >= 8));
        }
    }
    // A value that is itself a hostname (a query naming the site) is a site the report may name.
    secrets.retain(|s| !s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-'));
    assert!(secrets.len() > 20, "the capture has cookie values and queries to look for");
    for s in &secrets {
        assert!(!html.contains(s.as_str()), "{s} is in the report");
    }

    // The same input gives the same report; a site the input never saw is an error.
    let again = telltale(&["report", input.to_str().unwrap(), "--site", "mytoys.de", "-o", "-"]);
    assert_eq!(String::from_utf8(again.stdout).unwrap(), html);
    let none = telltale(&["report", input.to_str().unwrap(), "--site", "nowhere.example", "-o", "-"]);
    assert!(!none.status.success());
    assert!(String::from_utf8_lossy(&none.stderr).contains("nowhere.example appears nowhere in the input"));
}

#[test]
fn site_report_from_a_capture_names_the_recorder_a_list_names() {
    // A capture has no probe: the recorder on aftonbladet.se is known by Blacklight's list, and said so.
    let out = telltale(&["report", &har("aftonbladet.se-2015.har").display().to_string(), "--site", "aftonbladet.se", "-o", "-"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let html = String::from_utf8(out.stdout).unwrap();
    let at = html.find("<h2>Session recorders</h2>").unwrap();
    let section = html[at..].split("</section>").next().unwrap();
    assert!(section.contains("<strong>Contentsquare</strong> (hotjar.com)") && section.contains("named session replay by a list") && section.contains("Blacklight"), "{section}");
    assert!(html.contains("A session recorder was on these pages."));
}
