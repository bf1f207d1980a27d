//! OpenWPM crawls as input: the SQLite database a crawl writes
//! (`crawl-data.sqlite`) or its Parquet output (a folder per table,
//! [`parquet`]), read as a stream, one visit at a time.
//!
//! Tables and columns are OpenWPM's own (`openwpm/storage/schema.sql` of
//! openwpm/OpenWPM): `site_visits`, `http_requests`, `http_responses`,
//! `http_redirects`, `javascript_cookies` and `javascript`. A page is a
//! `visit_id`: its document is the visit's first `main_frame` request (its
//! `top_level_url` otherwise, then the visit's `site_url`), and each visit is
//! a tab of its own. As OpenWPM writes them: `headers` is a JSON list of
//! `[name, value]` pairs; Firefox joins several Set-Cookie lines into one
//! value with `\n`; a 3xx answer is in `http_redirects` (with its headers),
//! not in `http_responses`; `resource_type` uses Firefox's webRequest names;
//! `time_stamp` is ISO 8601 text.
//!
//! `javascript` rows (the API calls OpenWPM's instrument records) become the
//! same probe signals the extension sends, so canvas and canvas-font
//! fingerprinting are judged by the same code ([`crate::behaviour`]):
//! per script, the distinct characters drawn (`fillText`, `strokeText`), the
//! fill and stroke styles set, whether it used save/restore or a canvas
//! listener, the canvas's size (its `width` and `height` as set, else
//! HTML's 300×150; a `getImageData` area), and the fonts it measured.
//! `javascript_cookies` rows of third parties give cookie syncing the
//! values to look for, as Set-Cookie headers would.
//!
//! Every table is read in the order the visits happened (each visit's
//! first request time, then its id: OpenWPM's ids are random), so memory
//! holds one visit and cookie syncing across visits is found; SQLite sorts
//! on disk where it has no index. A row that cannot be used (no
//! visit, a URL that is not one) is counted in [`Skipped`], never fatal; a
//! database that is not OpenWPM's is an error naming what is missing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags, Row};

pub mod parquet;

use crate::audit::Auditor;
use crate::error::InputError;
use crate::run::Run;
use crate::observe::{RawEvent, RawNavigation, RawRequest, RawResponse, RawScriptSignal, ResourceType, Signal, TabId};

/// The tables Telltale reads and the columns it needs of each.
pub const TABLES: [(&str, &[&str]); 6] = [
    ("site_visits", &["visit_id", "site_url"]),
    ("http_requests", &["id", "visit_id", "url", "top_level_url", "method", "referrer", "headers", "request_id", "resource_type", "time_stamp"]),
    ("http_responses", &["id", "visit_id", "url", "response_status", "headers", "request_id", "time_stamp"]),
    ("http_redirects", &["id", "visit_id", "old_request_url", "new_request_url", "response_status", "headers", "time_stamp"]),
    ("javascript_cookies", &["id", "visit_id", "record_type", "expiry", "is_session", "host", "name", "path", "value", "time_stamp"]),
    ("javascript", &["id", "visit_id", "script_url", "document_url", "top_level_url", "symbol", "operation", "value", "arguments", "time_stamp"]),
];


/// Rows read and rows left out, by table and reason.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Skipped {
    /// (table, reason) → rows.
    pub rows: BTreeMap<(String, String), u64>,
}

impl Skipped {
    fn add(&mut self, table: &str, why: &str) {
        *self.rows.entry((table.to_owned(), why.to_owned())).or_default() += 1;
    }

    /// One line a reason: "12 http_requests rows: no visit_id".
    pub fn lines(&self) -> Vec<String> {
        self.rows.iter().map(|((t, why), n)| format!("{n} {t} row{}: {why}", if *n == 1 { "" } else { "s" })).collect()
    }
}

/// What a crawl gave: how many visits (its pages, in [`Run`]) and what was left out.
#[derive(Debug, Clone, Default)]
pub struct Crawl {
    pub visits: u64,
    pub skipped: Skipped,
}

/// Whether a file is an SQLite database (by its first 16 bytes).
pub fn is_sqlite(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 16];
    std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut head)).is_ok() && &head == b"SQLite format 3\0"
}

/// A text column as text, whatever SQLite stored (numbers printed, bytes as UTF-8 with replacements); NULL is `None`.
fn text(row: &Row, i: usize) -> Option<String> {
    match row.get_ref(i).ok()? {
        ValueRef::Null => None,
        ValueRef::Integer(n) => Some(n.to_string()),
        ValueRef::Real(x) => Some(x.to_string()),
        ValueRef::Text(b) | ValueRef::Blob(b) => Some(String::from_utf8_lossy(b).into_owned()),
    }
}

fn integer(row: &Row, i: usize) -> Option<i64> {
    match row.get_ref(i).ok()? {
        ValueRef::Integer(n) => Some(n),
        ValueRef::Text(b) => std::str::from_utf8(b).ok()?.trim().parse().ok(),
        ValueRef::Real(x) if x.fract() == 0.0 => Some(x as i64),
        _ => None,
    }
}

/// OpenWPM's ISO 8601 time as milliseconds since the epoch (0 when it is none).
fn millis(t: Option<&str>) -> f64 {
    let Some(t) = t else { return 0.0 };
    time::OffsetDateTime::parse(t.trim(), &time::format_description::well_known::Rfc3339)
        .or_else(|_| time::OffsetDateTime::parse(&format!("{}Z", t.trim().replace(' ', "T")), &time::format_description::well_known::Rfc3339))
        .map(|d| (d.unix_timestamp_nanos() / 1_000_000) as f64)
        .unwrap_or(0.0)
}

/// The values of the headers named `name` from OpenWPM's JSON list of pairs; `None` when the text is not such a list.
fn headers(json: Option<&str>, name: &str) -> Option<Vec<String>> {
    let pairs: Vec<(String, String)> = serde_json::from_str(json?).ok()?;
    Some(pairs.into_iter().filter(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v).collect())
}

/// One row of one table, as read.
enum Item {
    Request { url: Option<String>, top: Option<String>, resource_type: String, headers: Option<String>, referrer: Option<String>, request_id: Option<String>, method: Option<String> },
    Response { url: Option<String>, status: Option<i64>, headers: Option<String>, request_id: Option<String> },
    Redirect { from: Option<String>, to: Option<String>, status: Option<i64>, headers: Option<String> },
    Cookie { record_type: Option<String>, host: Option<String>, name: Option<String>, path: Option<String>, value: Option<String>, expiry: Option<String>, session: bool },
    Call { script: Option<String>, page: Option<String>, symbol: String, operation: String, value: Option<String>, arguments: Option<String> },
}

/// A visit's place in the crawl: the time of its first request (none
/// first), then its id. OpenWPM's visit ids are random, so the ids alone
/// would not give the order the visits happened in, which cookie syncing
/// across visits needs.
type VisitKey = (Option<String>, i64);

/// A table's rows in visit order, one visit at a time.
struct Cursor<'s> {
    table: &'static str,
    rows: rusqlite::Rows<'s>,
    /// The next row, read ahead: its visit's place in the crawl, its time and item.
    next: Option<(VisitKey, f64, Item)>,
    done: bool,
}

impl<'s> Cursor<'s> {
    fn advance(&mut self, skipped: &mut Skipped, file: &str) -> Result<(), InputError> {
        self.next = None;
        while !self.done {
            let row = match self.rows.next() {
                Ok(Some(row)) => row,
                Ok(None) => {
                    self.done = true;
                    break;
                }
                Err(e) => return Err(InputError::whole(file, format!("reading {}: {e}", self.table))),
            };
            // Column 0 is the visit's first time; the table's own columns follow.
            let Some(visit) = integer(row, 1) else {
                skipped.add(self.table, "no visit_id");
                continue;
            };
            let key = (text(row, 0), visit);
            let time = millis(text(row, 2).as_deref());
            let t = |i: usize| text(row, i + 1);
            let n = |i: usize| integer(row, i + 1);
            let item = match self.table {
                "http_requests" => Item::Request { url: t(2), top: t(3), method: t(4), referrer: t(5), headers: t(6), request_id: t(7), resource_type: t(8).unwrap_or_default() },
                "http_responses" => Item::Response { url: t(2), status: n(3), headers: t(4), request_id: t(5) },
                "http_redirects" => Item::Redirect { from: t(2), to: t(3), status: n(4), headers: t(5) },
                "javascript_cookies" => Item::Cookie { record_type: t(2), expiry: t(3), session: n(4).unwrap_or(0) != 0, host: t(5), name: t(6), path: t(7), value: t(8) },
                _ => Item::Call { script: t(2), page: t(4).or_else(|| t(3)), symbol: t(5).unwrap_or_default(), operation: t(6).unwrap_or_default(), value: t(7), arguments: t(8) },
            };
            self.next = Some((key, time, item));
            break;
        }
        Ok(())
    }

    /// The rows of the visit at `key` (rows of earlier visits that no site_visits row names are counted and passed over).
    fn take(&mut self, key: &VisitKey, out: &mut Vec<(f64, usize, Item)>, order: usize, skipped: &mut Skipped, file: &str) -> Result<(), InputError> {
        while let Some((k, _, _)) = &self.next {
            if k > key {
                break;
            }
            let (k, time, item) = self.next.take().expect("checked above");
            if k == *key {
                out.push((time, order, item));
            } else {
                skipped.add(self.table, "a visit_id no site_visits row has");
            }
            self.advance(skipped, file)?;
        }
        Ok(())
    }
}

/// The columns each table's query selects, in the order [`Cursor::advance`] reads them.
fn select(table: &str) -> String {
    let cols = match table {
        "http_requests" => "visit_id, time_stamp, url, top_level_url, method, referrer, headers, request_id, resource_type",
        "http_responses" => "visit_id, time_stamp, url, response_status, headers, request_id",
        "http_redirects" => "visit_id, time_stamp, old_request_url, new_request_url, response_status, headers",
        "javascript_cookies" => "visit_id, time_stamp, record_type, expiry, is_session, host, name, path, value",
        _ => "visit_id, time_stamp, script_url, document_url, top_level_url, symbol, operation, value, arguments",
    };
    let cols: Vec<String> = cols.split(", ").map(|c| format!("t.{c}")).collect();
    format!("SELECT o.first, {} FROM {table} t LEFT JOIN temp.telltale_visits o ON o.visit_id = t.visit_id ORDER BY o.first, t.visit_id, t.id", cols.join(", "))
}

/// Checks that every table Telltale reads is there with its columns.
fn check_schema(conn: &Connection, file: &str) -> Result<(), InputError> {
    let err = |message: String| InputError::whole(file, message);
    for (table, needed) in TABLES {
        let mut stmt = conn.prepare(&format!("PRAGMA table_info({table})")).map_err(|e| err(format!("not an SQLite database Telltale can read: {e}")))?;
        let have: BTreeSet<String> = stmt
            .query_map([], |r| r.get::<_, String>(1))
            .and_then(|rows| rows.collect::<Result<_, _>>())
            .map_err(|e| err(format!("not an SQLite database Telltale can read: {e}")))?;
        if have.is_empty() {
            return Err(err(format!("not an OpenWPM crawl: no table {table} (expected OpenWPM's tables {}, with {table}({}))", TABLES.map(|t| t.0).join(", "), needed.join(", "))));
        }
        let missing: Vec<&str> = needed.iter().copied().filter(|c| !have.contains(*c)).collect();
        if !missing.is_empty() {
            return Err(err(format!("not an OpenWPM crawl: table {table} has no column {} (expected {table}({}))", missing.join(", "), needed.join(", "))));
        }
    }
    Ok(())
}

/// Feeds an OpenWPM SQLite crawl to the run, visit by visit, each a tab
/// closed as its visit ends. The database is opened read-only; a crawl
/// being written may be read (rows written after the read began are not).
pub fn audit_sqlite(run: &mut Run, path: &Path) -> Result<Crawl, InputError> {
    let file = path.display().to_string();
    let err = |message: String| InputError::whole(&file, message);
    if !is_sqlite(path) {
        return Err(err(match std::fs::metadata(path) {
            Err(e) => e.to_string(),
            Ok(_) => "not an SQLite database (an OpenWPM crawl is crawl-data.sqlite)".to_owned(),
        }));
    }
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX).map_err(|e| err(e.to_string()))?;
    // A crawler writing beside us holds its lock briefly: wait for it rather than fail.
    conn.busy_timeout(std::time::Duration::from_secs(30)).map_err(|e| err(e.to_string()))?;
    check_schema(&conn, &file)?;
    audit_connection(run, &conn, &file, Crawl::default())
}

/// Feeds the visits of a checked crawl database, in visit order.
fn audit_connection(run: &mut Run, conn: &Connection, file: &str, mut crawl: Crawl) -> Result<Crawl, InputError> {
    let err = |message: String| InputError::whole(file, message);
    // One read transaction: every table is read as of the same moment.
    conn.execute_batch("BEGIN").map_err(|e| err(e.to_string()))?;
    // Each visit's first request time, for the order the visits happened in.
    conn.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS telltale_visits (visit_id INTEGER PRIMARY KEY, first TEXT);
         DELETE FROM temp.telltale_visits;
         INSERT INTO temp.telltale_visits SELECT visit_id, MIN(time_stamp) FROM http_requests WHERE typeof(visit_id) = 'integer' GROUP BY visit_id;",
    )
    .map_err(|e| err(format!("reading http_requests: {e}")))?;
    let mut visits = conn
        .prepare("SELECT o.first, v.visit_id, v.site_url FROM site_visits v LEFT JOIN temp.telltale_visits o ON o.visit_id = v.visit_id ORDER BY o.first, v.visit_id")
        .map_err(|e| err(e.to_string()))?;
    let mut statements = Vec::new();
    for (table, _) in &TABLES[1..] {
        statements.push((*table, conn.prepare(&select(table)).map_err(|e| err(format!("reading {table}: {e}")))?));
    }
    let mut cursors = Vec::new();
    for (table, stmt) in statements.iter_mut() {
        let rows = stmt.query([]).map_err(|e| err(format!("reading {table}: {e}")))?;
        let mut c = Cursor { table, rows, next: None, done: false };
        c.advance(&mut crawl.skipped, file)?;
        cursors.push(c);
    }
    let mut rows = visits.query([]).map_err(|e| err(format!("reading site_visits: {e}")))?;
    while let Some(row) = rows.next().map_err(|e| err(format!("reading site_visits: {e}")))? {
        let Some(visit) = integer(row, 1) else {
            crawl.skipped.add("site_visits", "no visit_id");
            continue;
        };
        let key = (text(row, 0), visit);
        let site_url = text(row, 2).unwrap_or_default();
        let mut items = Vec::new();
        for (order, c) in cursors.iter_mut().enumerate() {
            c.take(&key, &mut items, order, &mut crawl.skipped, file)?;
        }
        let (auditor, tab) = run.open_tab();
        feed_visit(auditor, tab, &site_url, items, &mut crawl.skipped);
        run.close(tab).map_err(|e| err(format!("writing a page's report to {}: {e}", run.temp_dir().display())))?;
        crawl.visits += 1;
    }
    // Rows of visits after the last site_visits row.
    for c in cursors.iter_mut() {
        c.take(&(Some(String::from('\u{10ffff}')), i64::MAX), &mut Vec::new(), 0, &mut crawl.skipped, file)?;
    }
    drop(rows);
    drop(cursors);
    drop(statements);
    drop(visits);
    conn.execute_batch("COMMIT").map_err(|e| err(e.to_string()))?;
    Ok(crawl)
}

/// Whether `b` is the URL `a` (as the URL parser writes it) names.
fn same_url(a: &str, b: &str) -> bool {
    match (url::Url::parse(a), url::Url::parse(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

fn is_web(url: &str) -> bool {
    url.starts_with("https://") || url.starts_with("http://")
}

/// One visit's rows as the browser would have reported them: its document
/// first, then everything else in time order.
fn feed_visit(auditor: &mut Auditor, tab: TabId, site_url: &str, mut items: Vec<(f64, usize, Item)>, skipped: &mut Skipped) {
    items.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let document = items.iter().position(|(_, _, i)| matches!(i, Item::Request { resource_type, url: Some(u), .. } if ResourceType::from_browser_name(resource_type) == ResourceType::MainFrame && is_web(u)));
    let page = match document {
        Some(d) => {
            let (time, _, item) = items.remove(d);
            let Item::Request { url, .. } = &item else { unreachable!("a request was found") };
            let url = url.clone().unwrap_or_default();
            request(auditor, tab, time, item, true, skipped);
            url
        }
        None => {
            // No document request (the visit failed, or the crawl kept none): the page OpenWPM names.
            let top = items.iter().find_map(|(_, _, i)| match i {
                Item::Request { top: Some(t), .. } if is_web(t) => Some(t.clone()),
                _ => None,
            });
            let url = top.unwrap_or_else(|| site_url.to_owned());
            let time = items.first().map_or(0.0, |i| i.0);
            if auditor.observe_raw(&RawEvent::Navigation(RawNavigation { url: url.clone(), tab, time })).is_err() {
                skipped.add("site_visits", "a site_url that is not a web address");
            }
            url
        }
    };
    let mut canvas: BTreeMap<String, CanvasState> = BTreeMap::new();
    // The document's URL, and where it redirected: a main-frame request
    // there is the same page's next hop (its document too), not a frame.
    let mut document_url = page.clone();
    let mut next_hop: Option<String> = None;
    for (time, _, item) in items {
        match item {
            Item::Request { ref url, ref resource_type, .. } => {
                let hop = ResourceType::from_browser_name(resource_type) == ResourceType::MainFrame && url.as_deref().is_some_and(|u| next_hop.as_deref().is_some_and(|n| same_url(n, u)));
                if hop {
                    document_url = url.clone().unwrap_or_default();
                    next_hop = None;
                }
                request(auditor, tab, time, item, hop, skipped);
            }
            Item::Response { url, status, headers: h, request_id } => {
                let Some(url) = url.filter(|u| is_web(u)) else {
                    skipped.add("http_responses", "no web URL");
                    continue;
                };
                let set_cookie = set_cookies(h.as_deref(), "http_responses", skipped);
                if auditor.observe_raw(&RawEvent::Response(RawResponse { url, top_url: None, tab, time, request_id, status: status.unwrap_or(200).clamp(0, 999) as u16, redirect_url: None, set_cookie })).is_err() {
                    skipped.add("http_responses", "a URL that is not a web address");
                }
            }
            Item::Redirect { from, to, status, headers: h } => {
                let (Some(from), Some(to)) = (from.filter(|u| is_web(u)), to.filter(|u| !u.is_empty())) else {
                    skipped.add("http_redirects", "no web URL");
                    continue;
                };
                if same_url(&document_url, &from) || from == document_url {
                    next_hop = url::Url::parse(&from).ok().and_then(|f| f.join(&to).ok()).map(String::from);
                }
                let set_cookie = set_cookies(h.as_deref(), "http_redirects", skipped);
                if auditor.observe_raw(&RawEvent::Response(RawResponse { url: from, top_url: None, tab, time, request_id: None, status: status.unwrap_or(302).clamp(0, 999) as u16, redirect_url: Some(to), set_cookie })).is_err() {
                    skipped.add("http_redirects", "a URL that is not a web address");
                }
            }
            Item::Cookie { record_type, host, name, path, value, expiry, session } => {
                // Cookies a third party holds: their values are what syncing looks for.
                let (Some(host), Some(name)) = (host.filter(|h| !h.trim_start_matches('.').is_empty()), name) else {
                    skipped.add("javascript_cookies", "no host or name");
                    continue;
                };
                if record_type.as_deref() == Some("deleted") {
                    continue;
                }
                let mut line = format!("{name}={}", value.unwrap_or_default());
                if let Some(e) = expiry.filter(|_| !session).map(|e| millis(Some(&e))).filter(|e| *e > 0.0) {
                    line += &format!("; Max-Age={}", ((e - time) / 1000.0).max(0.0) as i64);
                }
                let host = host.trim_start_matches('.');
                let url = format!("https://{host}{}", path.filter(|p| p.starts_with('/')).unwrap_or_else(|| "/".to_owned()));
                auditor.remember_stored_cookie(&url, &page, &line, time);
            }
            Item::Call { script, page: call_page, symbol, operation, value, arguments } => {
                let script = script.unwrap_or_default();
                let st = canvas.entry(script.clone()).or_default();
                for signal in st.call(&symbol, &operation, value.as_deref(), arguments.as_deref()) {
                    let page_url = call_page.clone().filter(|p| is_web(p)).unwrap_or_else(|| page.clone());
                    if auditor.observe_raw(&RawEvent::ScriptSignal(RawScriptSignal { tab, time, page_url, script_url: script.clone(), signal, count: 1 })).is_err() {
                        skipped.add("javascript", "a page URL that is not a web address");
                    }
                }
            }
        }
    }
}

/// A response's Set-Cookie lines; headers that are not OpenWPM's JSON list are counted and read as none.
fn set_cookies(json: Option<&str>, table: &str, skipped: &mut Skipped) -> Vec<String> {
    headers(json, "set-cookie").unwrap_or_else(|| {
        if json.is_some() {
            skipped.add(table, "headers that are not a JSON list of pairs (read without them)");
        }
        Vec::new()
    })
}

/// A request row as the browser's request event (and, for a document, the navigation).
fn request(auditor: &mut Auditor, tab: TabId, time: f64, item: Item, document: bool, skipped: &mut Skipped) {
    let Item::Request { url, top, resource_type, headers: h, referrer, request_id, method } = item else { return };
    let Some(url) = url.filter(|u| !u.is_empty()) else {
        skipped.add("http_requests", "no URL");
        return;
    };
    let cookie = headers(h.as_deref(), "cookie");
    if h.is_some() && cookie.is_none() {
        skipped.add("http_requests", "headers that are not a JSON list of pairs (read without them)");
    }
    let named = ResourceType::from_browser_name(&resource_type);
    let resource_type = match named {
        _ if document => ResourceType::MainFrame,
        ResourceType::MainFrame => ResourceType::SubFrame,
        t => t,
    };
    let referrer = headers(h.as_deref(), "referer").and_then(|v| v.into_iter().next()).or(referrer).filter(|r| !r.is_empty() && r != "undefined");
    let event = RawEvent::Request(RawRequest {
        url,
        top_url: if document { None } else { top.filter(|t| is_web(t)) },
        frame_url: None,
        resource_type: resource_type.as_str().into(),
        method: method.unwrap_or_else(|| "GET".into()),
        time,
        tab,
        request_id,
        cookie_header: cookie.map(|c| c.join("; ")).filter(|c| !c.is_empty()),
        referrer,
    });
    if auditor.observe_raw(&event).is_err() {
        skipped.add("http_requests", "a URL that is not a web address");
    }
}

/// What one script did with canvases, from OpenWPM's `javascript` rows.
#[derive(Default)]
struct CanvasState {
    chars: BTreeSet<char>,
    styles: BTreeSet<String>,
    fonts: BTreeSet<String>,
    save_restore: bool,
    listener: bool,
    width: Option<u32>,
    height: Option<u32>,
}

impl CanvasState {
    /// The probe signals one recorded call makes.
    fn call(&mut self, symbol: &str, operation: &str, value: Option<&str>, arguments: Option<&str>) -> Vec<Signal> {
        let args: Vec<serde_json::Value> = arguments.and_then(|a| serde_json::from_str(a).ok()).unwrap_or_default();
        let arg_u32 = |i: usize| args.get(i).and_then(|v| v.as_f64().or_else(|| v.as_str()?.parse().ok())).map(|x| x.max(0.0) as u32);
        let (iface, member) = symbol.rsplit_once('.').unwrap_or(("", symbol));
        let canvas_2d = iface == "CanvasRenderingContext2D";
        let element = iface == "HTMLCanvasElement";
        if !(canvas_2d || element) {
            return Vec::new();
        }
        match (member, operation) {
            ("fillText" | "strokeText", "call") => {
                if let Some(text) = args.first().and_then(|v| v.as_str()) {
                    for c in text.chars() {
                        if self.chars.len() < 256 {
                            self.chars.insert(c);
                        }
                    }
                }
                vec![Signal::CanvasText]
            }
            ("fillStyle" | "strokeStyle", "set") => {
                if self.styles.len() < 64 {
                    self.styles.insert(value.unwrap_or_default().to_owned());
                }
                Vec::new()
            }
            ("font", "set") => {
                if self.fonts.len() < 1000 {
                    self.fonts.insert(value.unwrap_or_default().to_owned());
                }
                Vec::new()
            }
            ("measureText", "call") => vec![Signal::FontMeasure { fonts: self.fonts.len().max(1) as u32 }],
            ("save" | "restore", "call") => {
                self.save_restore = true;
                Vec::new()
            }
            ("addEventListener", "call") => {
                self.listener = true;
                Vec::new()
            }
            ("width", "set") if element => {
                self.width = value.and_then(|v| v.trim().parse::<f64>().ok()).map(|x| x.max(0.0) as u32);
                Vec::new()
            }
            ("height", "set") if element => {
                self.height = value.and_then(|v| v.trim().parse::<f64>().ok()).map(|x| x.max(0.0) as u32);
                Vec::new()
            }
            ("toDataURL" | "toBlob", "call") if element => vec![self.extract(self.width.unwrap_or(300), self.height.unwrap_or(150))],
            // getImageData(sx, sy, sw, sh): the area read is the size that counts.
            ("getImageData", "call") if canvas_2d => vec![self.extract(arg_u32(2).unwrap_or(0), arg_u32(3).unwrap_or(0))],
            _ => Vec::new(),
        }
    }

    fn extract(&self, width: u32, height: u32) -> Signal {
        Signal::CanvasExtract {
            width,
            height,
            chars: self.chars.len() as u32,
            colours: self.styles.len() as u32,
            save_restore: self.save_restore,
            listener: self.listener,
            user_gesture: false,
        }
    }
}
