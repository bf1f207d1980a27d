//! OpenWPM crawls through the CLI: crawls built from the shared HAR captures
//! in OpenWPM's own schema (tests/openwpm/schema.sql, copied from
//! openwpm/OpenWPM openwpm/storage/schema.sql at 0098181b) and written the way
//! OpenWPM writes them (headers as JSON lists of pairs, Set-Cookie lines joined
//! by `\n`, 3xx answers in http_redirects, Firefox's resource type names,
//! ISO 8601 times, random visit ids) give the same report as the captures.

use std::path::{Path, PathBuf};
use std::process::Command;

use rusqlite::{params, Connection};
use serde_json::Value;

fn shared(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/har").join(name)
}

fn telltale(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_telltale")).args(args).output().expect("telltale runs")
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("telltale-openwpm-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// An empty crawl database in OpenWPM's schema.
fn new_crawl(path: &Path) -> Connection {
    let _ = std::fs::remove_file(path);
    let c = Connection::open(path).unwrap();
    c.execute_batch(include_str!("openwpm/schema.sql")).unwrap();
    c.execute_batch("INSERT INTO task (task_id, manager_params, openwpm_version, browser_version) VALUES (1, '{}', '0.35.0', 'Firefox 146'); INSERT INTO crawl (browser_id, task_id, browser_params) VALUES (1, 1, '{}');").unwrap();
    c
}

/// Firefox's webRequest name for a HAR entry's type (the captures record only MIME types).
fn firefox_type(entry: &Value, first_document: bool) -> &'static str {
    let mime = entry["response"]["content"]["mimeType"].as_str().unwrap_or("");
    match telltale::observe::ResourceType::from_mime(mime) {
        telltale::observe::ResourceType::MainFrame if first_document => "main_frame",
        telltale::observe::ResourceType::MainFrame => "sub_frame",
        telltale::observe::ResourceType::Stylesheet => "stylesheet",
        telltale::observe::ResourceType::Script => "script",
        telltale::observe::ResourceType::Xmlhttprequest => "xmlhttprequest",
        telltale::observe::ResourceType::Image => "image",
        telltale::observe::ResourceType::Font => "font",
        telltale::observe::ResourceType::Media => "media",
        _ => "other",
    }
}

/// Headers as OpenWPM stores them: a JSON list of [name, value], Set-Cookie lines joined into one value by `\n` (as Firefox gives them).
fn headers_json(headers: &Value) -> String {
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut cookies: Vec<String> = Vec::new();
    for h in headers.as_array().into_iter().flatten() {
        let (name, value) = (h["name"].as_str().unwrap_or("").to_owned(), h["value"].as_str().unwrap_or("").to_owned());
        if name.eq_ignore_ascii_case("set-cookie") {
            cookies.extend(value.split('\n').map(str::to_owned));
        } else {
            pairs.push((name, value));
        }
    }
    if !cookies.is_empty() {
        pairs.push(("Set-Cookie".into(), cookies.join("\n")));
    }
    serde_json::to_string(&pairs).unwrap()
}

/// Writes each page of a HAR capture as an OpenWPM visit; returns the visit ids.
fn add_har(c: &Connection, har: &Path, first_visit: i64) -> Vec<i64> {
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(har).unwrap()).unwrap();
    let pages = doc["log"]["pages"].as_array().cloned().unwrap_or_default();
    let mut visits = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        // OpenWPM's visit ids are random: not the order of the visits.
        let visit = first_visit + ((i as i64 * 7919) % 1000) * 1000 + i as i64;
        let entries: Vec<&Value> = doc["log"]["entries"].as_array().unwrap().iter().filter(|e| e["pageref"] == page["id"]).collect();
        let html = entries.iter().position(|e| telltale::observe::ResourceType::from_mime(e["response"]["content"]["mimeType"].as_str().unwrap_or("")) == telltale::observe::ResourceType::MainFrame);
        // The navigation starts where the redirects that lead to that page start (mytoys.de's checkout
        // bounces through its group's sign-on host, each 302 recorded as text/plain).
        let document = html.map(|mut d| {
            let leads_to = |from: &Value, to: &Value| from["response"]["redirectURL"].as_str() == to["request"]["url"].as_str();
            while d > 0 && leads_to(entries[d - 1], entries[d]) {
                d -= 1;
            }
            &entries[d]
        });
        let top = document.map(|e| e["request"]["url"].as_str().unwrap().to_owned()).unwrap_or_default();
        c.execute("INSERT INTO site_visits (visit_id, browser_id, site_url) VALUES (?1, 1, ?2)", params![visit, top]).unwrap();
        let mut seen_document = false;
        let mut next_hop: Option<String> = None;
        // Firefox's top_level_url: the top document's URL, the last hop's once the redirects end.
        let mut top = top.clone();
        for (n, e) in entries.iter().enumerate() {
            let url = e["request"]["url"].as_str().unwrap();
            let time = e["startedDateTime"].as_str().unwrap();
            let first_document = !seen_document && document.is_some_and(|d| std::ptr::eq(*d, *e));
            // Where the document redirects is the document too (Firefox: every hop is main_frame).
            let hop = first_document || next_hop.as_deref() == Some(url);
            let redirect = e["response"]["status"].as_i64().is_some_and(|s| (300..400).contains(&s));
            let ty = if seen_document && (hop || (redirect && firefox_type(e, true) == "main_frame")) { "main_frame" } else { firefox_type(e, first_document) };
            if hop {
                next_hop = e["response"]["redirectURL"].as_str().filter(|l| !l.is_empty()).map(str::to_owned);
                top = url.to_owned();
            }
            seen_document |= first_document;
            let referer = e["request"]["headers"].as_array().into_iter().flatten().find(|h| h["name"].as_str().is_some_and(|n| n.eq_ignore_ascii_case("referer"))).and_then(|h| h["value"].as_str()).unwrap_or("");
            let request_id = visit * 10_000 + n as i64;
            c.execute(
                "INSERT INTO http_requests (browser_id, visit_id, url, top_level_url, method, referrer, headers, request_id, resource_type, time_stamp) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![visit, url, top, e["request"]["method"].as_str().unwrap_or("GET"), referer, headers_json(&e["request"]["headers"]), request_id, ty, time],
            )
            .unwrap();
            let status = e["response"]["status"].as_i64().unwrap_or(0);
            let headers = headers_json(&e["response"]["headers"]);
            let location = e["response"]["redirectURL"].as_str().filter(|l| !l.is_empty());
            if let Some(location) = location.filter(|_| (300..400).contains(&status)) {
                c.execute(
                    "INSERT INTO http_redirects (browser_id, visit_id, old_request_url, old_request_id, new_request_url, new_request_id, response_status, response_status_text, headers, time_stamp) VALUES (1, ?1, ?2, ?3, ?4, ?3, ?5, '', ?6, ?7)",
                    params![visit, url, request_id.to_string(), location, status, headers, time],
                )
                .unwrap();
            } else {
                c.execute(
                    "INSERT INTO http_responses (browser_id, visit_id, url, method, response_status, response_status_text, is_cached, headers, request_id, location, time_stamp) VALUES (1, ?1, ?2, 'GET', ?3, '', 0, ?4, ?5, '', ?6)",
                    params![visit, url, status, headers, request_id, time],
                )
                .unwrap();
            }
        }
        visits.push(visit);
    }
    visits
}

fn json(args: &[&str]) -> Value {
    let out = telltale(args);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A page's third parties as (site, tracker, categories, requests), sorted.
fn third_parties(page: &Value) -> Vec<(String, bool, Value, u64)> {
    let mut v: Vec<_> = page["third_parties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["site"].as_str().unwrap().to_owned(), t["tracker"].as_bool().unwrap(), t["categories"].clone(), t["requests"].as_u64().unwrap()))
        .collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

#[test]
fn a_crawl_of_the_shared_captures_reports_as_the_captures_do() {
    let hars = ["aftonbladet.se-2015.har", "mytoys.de-2017.har", "en.wikipedia.org-2015.har"];
    let crawl = tmp("crawl-data.sqlite");
    let c = new_crawl(&crawl);
    for (i, h) in hars.iter().enumerate() {
        add_har(&c, &shared(h), (i as i64 + 1) * 1_000_000);
    }
    drop(c);
    let paths: Vec<String> = hars.iter().map(|h| shared(h).display().to_string()).collect();
    let from_har = json(&[&["audit", "--json"][..], &paths.iter().map(String::as_str).collect::<Vec<_>>()].concat());
    let from_crawl = json(&["audit", "--json", crawl.to_str().unwrap()]);
    let pages = |v: &Value| v["pages"].as_array().unwrap().iter().map(|p| (p["site"].as_str().unwrap().to_owned(), third_parties(p))).collect::<std::collections::BTreeMap<_, _>>();
    let (h, c) = (pages(&from_har), pages(&from_crawl));
    assert_eq!(c.keys().collect::<Vec<_>>(), ["aftonbladet.se", "mytoys.de", "wikipedia.org"]);
    for (site, tps) in &h {
        assert_eq!(&c[site], tps, "{site}");
    }
    assert!(h["aftonbladet.se"].iter().any(|t| t.0 == "hotjar.com" && t.1), "the session recorder is found");
    assert_eq!(from_crawl["cross_site"], from_har["cross_site"]);
    // Six wikipedia pages (first and repeat views) are six visits, one tab each.
    assert_eq!(from_crawl["pages"].as_array().unwrap().len(), from_har["pages"].as_array().unwrap().len());
    // Each visit's report waited on disk once the visit ended; what was learned
    // later still reaches it, so every page reads as the HAR's open tab does.
    // (Visits come in the order they happened, captures in the order given.)
    let by_page = |v: &Value| {
        let mut p = v["pages"].as_array().unwrap().clone();
        p.sort_by_key(|p| (p["site"].to_string(), p["companies"].to_string()));
        p
    };
    for (c, h) in by_page(&from_crawl).iter().zip(by_page(&from_har).iter()) {
        for key in ["site", "trackers", "blocked_trackers", "companies"] {
            assert_eq!(c[key], h[key], "{key} of {}", h["page"]);
        }
    }
}

/// The aftonbladet capture as if reached through an ad's click-through: its
/// document first redirects across sites, over two hops.
fn redirected_capture() -> PathBuf {
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(shared("aftonbladet.se-2015.har")).unwrap()).unwrap();
    let entries = doc["log"]["entries"].as_array_mut().unwrap();
    let first = entries[0].clone();
    let (page, start) = (first["pageref"].clone(), first["startedDateTime"].as_str().unwrap().to_owned());
    let document = first["request"]["url"].as_str().unwrap().to_owned();
    // The hops come 200 and 100 ms before the document ("...:08.375+00:00").
    let earlier = |ms: u32| {
        let (head, rest) = start.split_at(start.find('.').unwrap() + 1);
        format!("{head}{:03}{}", rest[..3].parse::<u32>().unwrap() - ms, &rest[3..])
    };
    let hop = |url: &str, to: &str, cookie: &str, time: String| {
        let mut e = first.clone();
        e["request"]["url"] = Value::from(url);
        e["request"]["headers"] = serde_json::json!([]);
        e["response"]["status"] = Value::from(302);
        e["response"]["redirectURL"] = Value::from(to);
        e["response"]["headers"] = serde_json::json!([{"name": "Location", "value": to}, {"name": "Set-Cookie", "value": cookie}]);
        e["response"]["content"] = serde_json::json!({"size": 0, "mimeType": "text/html"});
        e["startedDateTime"] = Value::from(time);
        e["pageref"] = page.clone();
        e
    };
    let hops = [
        hop("https://click.ad-hop.test/c?ad=42&uid=Kx93Lm20Pq77Zt", "https://www.brand-hop.test/lp?ad=42", "clk=Kx93Lm20Pq77Zt; Max-Age=31536000; SameSite=None; Secure", earlier(200)),
        hop("https://www.brand-hop.test/lp?ad=42", &document, "lp=1; Max-Age=600", earlier(100)),
    ];
    entries.splice(0..0, hops);
    let path = tmp("aftonbladet-redirected.har");
    std::fs::write(&path, doc.to_string()).unwrap();
    path
}

#[test]
fn a_visit_whose_document_redirects_across_sites_is_one_page_at_its_final_document() {
    let har = redirected_capture();
    let plain = json(&["audit", "--json", shared("aftonbladet.se-2015.har").to_str().unwrap()]);
    let from_har = json(&["audit", "--json", har.to_str().unwrap()]);
    let crawl = tmp("redirected.sqlite");
    let c = new_crawl(&crawl);
    add_har(&c, &har, 5_000_000);
    drop(c);
    let from_crawl = json(&["audit", "--json", crawl.to_str().unwrap()]);
    for (what, v) in [("HAR", &from_har), ("crawl", &from_crawl)] {
        let pages = v["pages"].as_array().unwrap();
        assert_eq!(pages.len(), 1, "{what}: one page");
        assert_eq!(pages[0]["site"], "aftonbladet.se", "{what}: the page is where the redirects ended");
        assert_eq!(pages[0]["page"], plain["pages"][0]["page"], "{what}");
        // Its third parties are the capture's own; the hops are not third parties of it.
        assert_eq!(third_parties(&pages[0]), third_parties(&plain["pages"][0]), "{what}");
        assert_eq!(v["sites_visited"], 1, "{what}: the hops are no sites you visited");
    }
    let export = |from: &Path, name: &str| {
        let to = tmp(name);
        let out = telltale(&["audit", from.to_str().unwrap(), "--export", to.to_str().unwrap(), "--format", "json"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let g: Value = serde_json::from_str(&std::fs::read_to_string(&to).unwrap()).unwrap();
        g["nodes"].as_array().unwrap().iter().filter(|n| n["first_party"] == true).map(|n| n["site"].as_str().unwrap().to_owned()).collect::<Vec<_>>()
    };
    assert_eq!(export(&har, "redirected-har.json"), ["aftonbladet.se"]);
    assert_eq!(export(&crawl, "redirected-crawl.json"), ["aftonbladet.se"]);
}

/// One visit of https://news.example/ whose `javascript` rows are the calls OpenWPM's instrument records.
fn crawl_with_calls(path: &Path, calls: &[(&str, &str, &str, &str, &str)]) {
    let c = new_crawl(path);
    c.execute("INSERT INTO site_visits (visit_id, browser_id, site_url) VALUES (4242, 1, 'https://news.example/')", []).unwrap();
    c.execute(
        "INSERT INTO http_requests (browser_id, visit_id, url, top_level_url, method, referrer, headers, request_id, resource_type, time_stamp) VALUES (1, 4242, 'https://news.example/', 'https://news.example/', 'GET', '', '[]', 1, 'main_frame', '2026-12-01T10:00:00.000Z')",
        [],
    )
    .unwrap();
    // Each script was loaded, as in any crawl.
    let scripts: std::collections::BTreeSet<&str> = calls.iter().map(|c| c.0).collect();
    for (i, script) in scripts.iter().enumerate() {
        c.execute(
            "INSERT INTO http_requests (browser_id, visit_id, url, top_level_url, method, referrer, headers, request_id, resource_type, time_stamp) VALUES (1, 4242, ?1, 'https://news.example/', 'GET', 'https://news.example/', '[]', ?2, 'script', '2026-12-01T10:00:00.500Z')",
            params![script, i as i64 + 2],
        )
        .unwrap();
    }
    for (i, (script, symbol, operation, value, arguments)) in calls.iter().enumerate() {
        c.execute(
            "INSERT INTO javascript (browser_id, visit_id, script_url, document_url, top_level_url, symbol, operation, value, arguments, time_stamp) VALUES (1, 4242, ?1, 'https://news.example/', 'https://news.example/', ?2, ?3, ?4, ?5, ?6)",
            params![script, symbol, operation, value, arguments, format!("2026-12-01T10:00:01.{:03}Z", i % 1000)],
        )
        .unwrap();
    }
}

#[test]
fn canvas_and_font_fingerprinting_come_from_the_javascript_table_by_the_extensions_criteria() {
    // The calls of OpenWPM's own canvas test page (test/expected.py `canvas`), by a script no pack names,
    // beside a chart that draws with save/restore.
    let fp = "https://cdn.fp-unlisted.example/fp.js";
    let chart = "https://cdn.chart-unlisted.example/chart.js";
    let mut calls = vec![
        (fp, "HTMLCanvasElement.getContext", "call", "", r#"["2d"]"#),
        (fp, "CanvasRenderingContext2D.textBaseline", "set", "top", ""),
        (fp, "CanvasRenderingContext2D.font", "set", "14px 'Arial'", ""),
        (fp, "CanvasRenderingContext2D.fillStyle", "set", "#f60", ""),
        (fp, "CanvasRenderingContext2D.fillRect", "call", "", "[125,1,62,20]"),
        (fp, "CanvasRenderingContext2D.fillStyle", "set", "#069", ""),
        (fp, "CanvasRenderingContext2D.fillText", "call", "", r#"["BrowserLeaks,com <canvas> 1.0",2,15]"#),
        (fp, "CanvasRenderingContext2D.fillStyle", "set", "rgba(102, 204, 0, 0.7)", ""),
        (fp, "CanvasRenderingContext2D.fillText", "call", "", r#"["BrowserLeaks,com <canvas> 1.0",4,17]"#),
        (fp, "HTMLCanvasElement.toDataURL", "call", "", "[]"),
        (chart, "HTMLCanvasElement.getContext", "call", "", r#"["2d"]"#),
        (chart, "CanvasRenderingContext2D.save", "call", "", "[]"),
        (chart, "CanvasRenderingContext2D.fillStyle", "set", "#36c", ""),
        (chart, "CanvasRenderingContext2D.fillText", "call", "", r#"["Quarterly revenue 2026",2,15]"#),
        (chart, "CanvasRenderingContext2D.restore", "call", "", "[]"),
        (chart, "HTMLCanvasElement.toDataURL", "call", "", "[]"),
    ];
    let fonts: Vec<String> = (0..60).map(|i| format!("72px font-{i}, monospace")).collect();
    for f in &fonts {
        calls.push((fp, "CanvasRenderingContext2D.font", "set", f, ""));
        calls.push((fp, "CanvasRenderingContext2D.measureText", "call", "", r#"["mmmmmmmmmmlli"]"#));
    }
    let crawl = tmp("canvas.sqlite");
    crawl_with_calls(&crawl, &calls);
    let out = json(&["audit", "--json", crawl.to_str().unwrap()]);
    let page = &out["pages"][0];
    assert_eq!(page["site"], "news.example");
    let row = |site: &str| page["third_parties"].as_array().unwrap().iter().find(|t| t["site"] == site).cloned();
    let fp_row = row("fp-unlisted.example").expect("the fingerprinter is a third party of the page");
    assert_eq!(fp_row["tracker"], true, "{fp_row}");
    assert!(fp_row["categories"].as_array().unwrap().contains(&"fingerprinting".into()), "{fp_row}");
    let evidence: Vec<&str> = fp_row["evidence"].as_array().unwrap().iter().filter_map(|e| e.as_str()).collect();
    assert!(evidence.iter().any(|e| e.starts_with("behaviour canvas-fingerprinting: reads back a canvas it drew text on")), "{evidence:?}");
    assert!(evidence.iter().any(|e| e.starts_with("behaviour font-fingerprinting: measures text in 50 fonts")), "{evidence:?}");
    assert!(evidence.iter().all(|e| e.contains("on news.example, script cdn.fp-unlisted.example/fp.js") || !e.starts_with("behaviour")), "{evidence:?}");
    // The chart drew with save/restore: not fingerprinting, and no row of its own from behaviour alone.
    assert!(row("chart-unlisted.example").is_none_or(|r| r["tracker"] == false), "{page}");
}

#[test]
fn what_is_not_an_openwpm_crawl_is_refused_with_what_was_expected() {
    let not_sqlite = tmp("notes.sqlite");
    std::fs::write(&not_sqlite, "visit_id,url\n1,https://a.example/\n").unwrap();
    let out = telltale(&["audit", not_sqlite.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("notes.sqlite:1:1: not valid JSON"), "a file that is no database is read as a HAR, and located: {err}");

    // An SQLite database of another program.
    let other = tmp("other.sqlite");
    let _ = std::fs::remove_file(&other);
    Connection::open(&other).unwrap().execute_batch("CREATE TABLE moz_places (id INTEGER, url TEXT);").unwrap();
    let out = telltale(&["audit", other.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("other.sqlite: not an OpenWPM crawl: no table site_visits (expected OpenWPM's tables site_visits, http_requests, http_responses, http_redirects, javascript_cookies, javascript, with site_visits(visit_id, site_url))"), "{err}");

    // OpenWPM's tables, one of them without a column Telltale reads.
    let partial = tmp("partial.sqlite");
    let c = new_crawl(&partial);
    c.execute_batch("DROP TABLE javascript; CREATE TABLE javascript (id INTEGER PRIMARY KEY, visit_id INTEGER, symbol TEXT);").unwrap();
    drop(c);
    let out = telltale(&["audit", partial.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("partial.sqlite: not an OpenWPM crawl: table javascript has no column script_url, document_url, top_level_url, operation, value, arguments, time_stamp"), "{err}");
}

#[test]
fn rows_that_cannot_be_used_are_counted_and_reported_never_fatal() {
    let crawl = tmp("odd.sqlite");
    let c = new_crawl(&crawl);
    c.execute_batch(
        "INSERT INTO site_visits (visit_id, browser_id, site_url) VALUES (7, 1, 'https://shop.example/');
         INSERT INTO http_requests (browser_id, visit_id, url, top_level_url, method, referrer, headers, request_id, resource_type, time_stamp) VALUES
           (1, 7, 'https://shop.example/', 'https://shop.example/', 'GET', '', '[]', 1, 'main_frame', '2026-12-01T10:00:00Z'),
           (1, 7, 'not a url at all', 'https://shop.example/', 'GET', '', '[]', 2, 'image', '2026-12-01T10:00:01Z'),
           (1, 7, 'https://px.tracker-unlisted.example/p.gif', 'https://shop.example/', 'GET', 'undefined', '{not json', 3, 'image', 'yesterday'),
           (1, 99, 'https://orphan.example/x.js', 'https://orphan.example/', 'GET', '', '[]', 4, 'script', '2026-12-01T10:00:02Z');
         INSERT INTO http_responses (browser_id, visit_id, url, method, response_status, response_status_text, is_cached, headers, request_id, location, time_stamp) VALUES
           (1, 7, 'undefined', 'GET', 200, '', 0, '[]', 2, '', '2026-12-01T10:00:01Z');",
    )
    .unwrap();
    // A value of the wrong type where OpenWPM writes text: read as what it says.
    c.execute("INSERT INTO http_redirects (browser_id, visit_id, old_request_url, new_request_url, response_status, response_status_text, headers, time_stamp) VALUES (1, 7, 42, NULL, 302, '', X'00FF', '2026-12-01T10:00:03Z')", []).unwrap();
    drop(c);
    let out = telltale(&["audit", "--json", crawl.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let err = String::from_utf8_lossy(&out.stderr);
    for line in [
        "left out 1 http_redirects row: no web URL",
        "left out 1 http_requests row: a URL that is not a web address",
        "left out 1 http_requests row: a visit_id no site_visits row has",
        "left out 1 http_requests row: headers that are not a JSON list of pairs (read without them)",
        "left out 1 http_responses row: no web URL",
    ] {
        assert!(err.contains(line), "{line:?} in {err}");
    }
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let sites: Vec<&str> = report["pages"][0]["third_parties"].as_array().unwrap().iter().map(|t| t["site"].as_str().unwrap()).collect();
    assert_eq!(sites, ["tracker-unlisted.example"], "the request with unreadable headers still counts");
}

#[test]
fn a_third_partys_stored_cookie_is_what_cookie_syncing_looks_for() {
    let crawl = tmp("sync.sqlite");
    let c = new_crawl(&crawl);
    c.execute_batch(
        "INSERT INTO site_visits (visit_id, browser_id, site_url) VALUES (31, 1, 'https://news.example/');
         INSERT INTO http_requests (browser_id, visit_id, url, top_level_url, method, referrer, headers, request_id, resource_type, time_stamp) VALUES
           (1, 31, 'https://news.example/', 'https://news.example/', 'GET', '', '[]', 1, 'main_frame', '2026-12-01T10:00:00Z'),
           (1, 31, 'https://px.sync-a-unlisted.example/p.gif', 'https://news.example/', 'GET', '', '[]', 2, 'image', '2026-12-01T10:00:01Z'),
           (1, 31, 'https://match.sync-b-unlisted.example/m?partner=a&uid=Qx7Lm2Pz9Kw4RtV8', 'https://news.example/', 'GET', '', '[]', 3, 'image', '2026-12-01T10:00:03Z');
         INSERT INTO javascript_cookies (browser_id, visit_id, record_type, change_cause, expiry, is_session, host, name, path, value, time_stamp) VALUES
           (1, 31, 'added-or-changed', 'added', '2027-12-01T10:00:01Z', 0, '.sync-a-unlisted.example', 'uid', '/', 'Qx7Lm2Pz9Kw4RtV8', '2026-12-01T10:00:02Z');",
    )
    .unwrap();
    drop(c);
    let dot = tmp("sync.dot");
    let out = telltale(&["audit", crawl.to_str().unwrap(), "--export", dot.to_str().unwrap(), "--format", "dot"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let dot = std::fs::read_to_string(&dot).unwrap();
    assert!(dot.contains("\"sync-a-unlisted.example\" -> \"sync-b-unlisted.example\"") && dot.contains("syncs with"), "{dot}");
    assert!(!dot.contains("Qx7Lm2Pz9Kw4RtV8"), "no cookie value in the export");
}

#[test]
fn a_crawl_being_written_is_read_as_it_was_committed() {
    let crawl = tmp("live.sqlite");
    let c = new_crawl(&crawl);
    c.execute_batch(
        "INSERT INTO site_visits (visit_id, browser_id, site_url) VALUES (1, 1, 'https://news.example/');
         INSERT INTO http_requests (browser_id, visit_id, url, top_level_url, method, referrer, headers, request_id, resource_type, time_stamp) VALUES
           (1, 1, 'https://news.example/', 'https://news.example/', 'GET', '', '[]', 1, 'main_frame', '2026-12-01T10:00:00Z'),
           (1, 1, 'https://www.google-analytics.com/analytics.js', 'https://news.example/', 'GET', '', '[]', 2, 'script', '2026-12-01T10:00:01Z');",
    )
    .unwrap();
    // The crawler is in the middle of its next visit: a write transaction open, not committed.
    c.execute_batch(
        "BEGIN IMMEDIATE;
         INSERT INTO site_visits (visit_id, browser_id, site_url) VALUES (2, 1, 'https://shop.example/');
         INSERT INTO http_requests (browser_id, visit_id, url, top_level_url, method, referrer, headers, request_id, resource_type, time_stamp) VALUES
           (1, 2, 'https://shop.example/', 'https://shop.example/', 'GET', '', '[]', 3, 'main_frame', '2026-12-01T10:01:00Z');",
    )
    .unwrap();
    let out = json(&["audit", "--json", crawl.to_str().unwrap()]);
    let pages: Vec<&str> = out["pages"].as_array().unwrap().iter().map(|p| p["site"].as_str().unwrap()).collect();
    assert_eq!(pages, ["news.example"], "the committed visit, not the one being written");
    c.execute_batch("COMMIT").unwrap();
    let out = json(&["audit", "--json", crawl.to_str().unwrap()]);
    assert_eq!(out["pages"].as_array().unwrap().len(), 2);
}

#[test]
fn visits_are_read_in_the_order_they_happened_not_by_their_random_ids() {
    // OpenWPM's visit ids are random: here the later visit has the smaller id. The identifier A
    // set on the first site is synced to B on the second: seen only if the visits are read in time order.
    let crawl = tmp("order.sqlite");
    let c = new_crawl(&crawl);
    c.execute_batch(
        "INSERT INTO site_visits (visit_id, browser_id, site_url) VALUES (9000001, 1, 'https://first.example/'), (17, 1, 'https://second.example/');
         INSERT INTO http_requests (browser_id, visit_id, url, top_level_url, method, referrer, headers, request_id, resource_type, time_stamp) VALUES
           (1, 9000001, 'https://first.example/', 'https://first.example/', 'GET', '', '[]', 1, 'main_frame', '2026-12-01T10:00:00Z'),
           (1, 9000001, 'https://px.sync-a-unlisted.example/p.gif', 'https://first.example/', 'GET', '', '[]', 2, 'image', '2026-12-01T10:00:01Z'),
           (1, 17, 'https://second.example/', 'https://second.example/', 'GET', '', '[]', 3, 'main_frame', '2026-12-01T10:05:00Z'),
           (1, 17, 'https://match.sync-b-unlisted.example/m?uid=Qx7Lm2Pz9Kw4RtV8', 'https://second.example/', 'GET', '', '[]', 4, 'image', '2026-12-01T10:05:01Z');
         INSERT INTO http_responses (browser_id, visit_id, url, method, response_status, response_status_text, is_cached, headers, request_id, location, time_stamp) VALUES
           (1, 9000001, 'https://px.sync-a-unlisted.example/p.gif', 'GET', 200, '', 0, '[[\"Set-Cookie\",\"uid=Qx7Lm2Pz9Kw4RtV8; Max-Age=31536000\"]]', 2, '', '2026-12-01T10:00:01Z');",
    )
    .unwrap();
    drop(c);
    let out = json(&["audit", "--json", crawl.to_str().unwrap()]);
    let pages: Vec<&str> = out["pages"].as_array().unwrap().iter().map(|p| p["site"].as_str().unwrap()).collect();
    assert_eq!(pages, ["first.example", "second.example"]);
    let b = out["pages"][1]["third_parties"].as_array().unwrap().iter().find(|t| t["site"] == "sync-b-unlisted.example").unwrap();
    assert!(b["categories"].as_array().unwrap().contains(&"cross-site-cookies".into()), "{b}");
}

#[test]
fn temporary_files_go_where_asked_and_are_gone_after() {
    let hars = ["mytoys.de-2017.har", "en.wikipedia.org-2015.har"];
    let crawl = tmp("temp-dir.sqlite");
    let c = new_crawl(&crawl);
    for (i, h) in hars.iter().enumerate() {
        add_har(&c, &shared(h), (i as i64 + 1) * 1_000_000);
    }
    drop(c);
    let dir = tmp("scratch");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let there = json(&["audit", "--json", "--temp-dir", dir.to_str().unwrap(), crawl.to_str().unwrap()]);
    assert_eq!(there["pages"].as_array().unwrap().len(), 7, "a visit of mytoys.de and six of wikipedia.org");
    assert_eq!(there, json(&["audit", "--json", crawl.to_str().unwrap()]), "the same audit wherever its pages wait");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "nothing left behind");
    // A folder that cannot hold them: one line naming it, and a failing exit.
    let missing = dir.join("not-there");
    let out = telltale(&["audit", "--temp-dir", missing.to_str().unwrap(), crawl.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains(missing.to_str().unwrap()) && err.lines().count() == 1, "{err}");
}
