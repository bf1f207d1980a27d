//! HAR 1.2 reading as a stream: entries are handed over one at a time as the
//! parser reaches them, so a 500 MB capture needs memory for one entry, not
//! for the file. Cookie values are read only to be reduced to names.

use std::fmt;
use std::io::Read;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use crate::audit::Auditor;
use crate::error::InputError;
use crate::observe::{RawEvent, RawRequest, RawResponse, ResourceType, TabId};

/// A HAR page: id and, when the capture tool recorded it, its URL.
#[derive(Debug, Clone, Deserialize)]
pub struct HarPage {
    pub id: String,
    #[serde(default, rename = "_URL")]
    pub url: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct HarHeader {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct HarCookie {
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct HarRequest {
    #[serde(default)]
    pub method: String,
    pub url: String,
    #[serde(default)]
    pub headers: Vec<HarHeader>,
    #[serde(default)]
    pub cookies: Vec<HarCookie>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct HarContent {
    #[serde(default, rename = "mimeType", deserialize_with = "string_or_null")]
    pub mime_type: String,
}

// Browsers and HAR tools write some fields oddly: `null` for an empty
// string, `200.0` for a status. Both read as meant.
fn string_or_null<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(d)?.unwrap_or_default())
}

fn status_number<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    match Option::<f64>::deserialize(d)? {
        Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => Ok(f as i64),
        Some(f) => Err(serde::de::Error::custom(format!("invalid status {f}: expected an HTTP status code"))),
        None => Ok(0),
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct HarResponse {
    #[serde(default, deserialize_with = "status_number")]
    pub status: i64,
    #[serde(default, rename = "redirectURL", deserialize_with = "string_or_null")]
    pub redirect_url: String,
    #[serde(default)]
    pub headers: Vec<HarHeader>,
    #[serde(default)]
    pub content: HarContent,
}

/// One request/response pair.
#[derive(Debug, Clone, Deserialize)]
pub struct HarEntry {
    #[serde(default)]
    pub pageref: Option<String>,
    #[serde(default, rename = "startedDateTime")]
    pub started: String,
    pub request: HarRequest,
    pub response: HarResponse,
    /// Chrome DevTools' resource type, when recorded.
    #[serde(default, rename = "_resourceType")]
    pub resource_type: Option<String>,
}

impl HarEntry {
    /// Milliseconds since the epoch of `startedDateTime`, or 0 when absent or unreadable.
    pub fn time_ms(&self) -> f64 {
        time::OffsetDateTime::parse(&self.started, &time::format_description::well_known::Rfc3339).map(|t| (t.unix_timestamp_nanos() / 1_000_000) as f64).unwrap_or(0.0)
    }

    /// The request's Cookie header, or one rebuilt from the HAR cookie list (names only).
    pub fn cookie_header(&self) -> Option<String> {
        let h: Vec<&str> = self.request.headers.iter().filter(|h| h.name.eq_ignore_ascii_case("cookie")).map(|h| h.value.as_str()).collect();
        if !h.is_empty() {
            return Some(h.join("; "));
        }
        if !self.request.cookies.is_empty() {
            return Some(self.request.cookies.iter().map(|c| format!("{}=", c.name)).collect::<Vec<_>>().join("; "));
        }
        None
    }

    /// The request's Referer header (read for cookie syncing).
    pub fn referrer(&self) -> Option<String> {
        self.request.headers.iter().find(|h| h.name.eq_ignore_ascii_case("referer")).map(|h| h.value.clone())
    }

    /// Every Set-Cookie response header line.
    pub fn set_cookie_lines(&self) -> Vec<String> {
        self.response.headers.iter().filter(|h| h.name.eq_ignore_ascii_case("set-cookie")).map(|h| h.value.clone()).collect()
    }
}


/// What the reader hands to the caller, in file order.
pub enum HarItem<'a> {
    Page(&'a HarPage),
    Entry(&'a HarEntry),
}

/// A reader that keeps the number of characters read since the last line
/// break: where the input ended, for an error at its end.
struct LineTail<R> {
    inner: R,
    chars: std::rc::Rc<std::cell::Cell<usize>>,
}

impl<R: Read> Read for LineTail<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut c = self.chars.get();
        for &b in &buf[..n] {
            if b == b'\n' {
                c = 0;
            } else if b & 0xC0 != 0x80 {
                c += 1;
            }
        }
        self.chars.set(c);
        Ok(n)
    }
}

/// Reads a HAR from `reader`, calling `each` for every page and entry as it is parsed.
/// Returns the number of entries. `file` names the input in errors.
pub fn read_har<R: Read>(file: &str, reader: R, mut each: impl FnMut(HarItem)) -> Result<usize, InputError> {
    use std::io::BufRead;
    let tail = std::rc::Rc::new(std::cell::Cell::new(0usize));
    let mut buffered = std::io::BufReader::with_capacity(1 << 16, LineTail { inner: reader, chars: tail.clone() });
    // A UTF-8 byte-order mark (some Windows tools write one) is not JSON: skip it.
    if buffered.fill_buf().is_ok_and(|head| head.starts_with(b"\xef\xbb\xbf")) {
        buffered.consume(3);
    }
    let mut de = serde_json::Deserializer::from_reader(buffered);
    let mut count = 0usize;
    let mut saw_log = false;
    let result = de.deserialize_map(TopVisitor { each: &mut each, count: &mut count, saw_log: &mut saw_log }).and_then(|_| de.end());
    let locate = |e: serde_json::Error| {
        let msg = crate::error::json_message(&e);
        let message = match e.classify() {
            serde_json::error::Category::Eof => {
                format!("unexpected end of file (truncated?): {msg}")
            }
            serde_json::error::Category::Syntax => format!("not valid JSON: {msg}"),
            serde_json::error::Category::Io => format!("read error: {msg}"),
            serde_json::error::Category::Data => format!("not a HAR 1.2 file: {msg}"),
        };
        // At the end of the input serde_json says column 0: the end is the
        // column after the last character of the last line.
        let column = if e.column() == 0 { tail.get() + 1 } else { e.column() };
        InputError::at(file, e.line(), column, message)
    };
    result.map_err(locate)?;
    if !saw_log {
        return Err(InputError::at(file, 1, 1, "not a HAR 1.2 file: expected a top-level \"log\" object"));
    }
    if count == 0 {
        return Err(InputError::at(file, 1, 1, "the HAR log has no entries: nothing to audit"));
    }
    Ok(count)
}

struct TopVisitor<'a, F> {
    each: &'a mut F,
    count: &'a mut usize,
    saw_log: &'a mut bool,
}

impl<'de, F: FnMut(HarItem)> Visitor<'de> for TopVisitor<'_, F> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a HAR object with a \"log\" member")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<std::borrow::Cow<str>>()? {
            if key == "log" {
                *self.saw_log = true;
                map.next_value_seed(LogSeed { each: &mut *self.each, count: &mut *self.count })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

struct LogSeed<'a, F> {
    each: &'a mut F,
    count: &'a mut usize,
}

impl<'de, F: FnMut(HarItem)> DeserializeSeed<'de> for LogSeed<'_, F> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, F: FnMut(HarItem)> Visitor<'de> for LogSeed<'_, F> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("the HAR \"log\" object with \"entries\"")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut saw_entries = false;
        while let Some(key) = map.next_key::<std::borrow::Cow<str>>()? {
            match key.as_ref() {
                "pages" => map.next_value_seed(PagesSeed { each: &mut *self.each })?,
                "entries" => {
                    saw_entries = true;
                    map.next_value_seed(EntriesSeed { each: &mut *self.each, count: &mut *self.count })?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if !saw_entries {
            return Err(serde::de::Error::custom("the \"log\" object has no \"entries\" array"));
        }
        Ok(())
    }
}

/// The `pages` array, one page at a time (a capture can hold a huge one).
struct PagesSeed<'a, F> {
    each: &'a mut F,
}

impl<'de, F: FnMut(HarItem)> DeserializeSeed<'de> for PagesSeed<'_, F> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, F: FnMut(HarItem)> Visitor<'de> for PagesSeed<'_, F> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of HAR pages")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(page) = seq.next_element::<HarPage>()? {
            (self.each)(HarItem::Page(&page));
        }
        Ok(())
    }
}

struct EntriesSeed<'a, F> {
    each: &'a mut F,
    count: &'a mut usize,
}

impl<'de, F: FnMut(HarItem)> DeserializeSeed<'de> for EntriesSeed<'_, F> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, F: FnMut(HarItem)> Visitor<'de> for EntriesSeed<'_, F> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of HAR entries")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(entry) = seq.next_element::<HarEntry>()? {
            *self.count += 1;
            (self.each)(HarItem::Entry(&entry));
        }
        Ok(())
    }
}

/// Entries held back while their page's document is awaited (an unsorted
/// capture); past this many, the page opens on the first of them.
const MAX_PENDING_ENTRIES: usize = 10_000;

/// One HAR page while it is read: its tab, whether its document has been
/// seen, the entries waiting for it, and its URL from the `pages` list.
struct PageState {
    tab: TabId,
    opened: bool,
    pending: Vec<HarEntry>,
    /// The page's document when it is no web page (`about:blank`, `data:`).
    opaque: Option<String>,
    /// Where the page's document redirected: the entry there is its next hop.
    next_hop: Option<String>,
}

/// Where an entry's answer redirects, resolved against its URL, as the URL parser writes it.
fn redirect_target(e: &HarEntry) -> Option<String> {
    let to = e.response.redirect_url.trim();
    if to.is_empty() {
        return None;
    }
    url::Url::parse(&e.request.url).ok()?.join(to).ok().map(String::from)
}

fn same_url(a: &str, b: &str) -> bool {
    url::Url::parse(b).is_ok_and(|b| b.as_str() == a)
}

/// The site of a page whose document has no web address and whose `pages`
/// entry names none: a reserved name (RFC 2606), so it cannot be a real site.
pub const UNKNOWN_PAGE: &str = "https://unknown-page.invalid/";

/// Whether an entry can be its page's document: a web URL that is not
/// plainly a subresource (by its recorded type, else by its MIME type; an
/// entry with neither can). `first`: nothing of its page came before it; then
/// a redirect with no recorded type can be the document's first hop whatever
/// its body's MIME type (a 302's `text/plain` says nothing of who asked).
fn may_be_document(e: &HarEntry, first: bool) -> bool {
    let web = e.request.url.starts_with("https://") || e.request.url.starts_with("http://");
    let t = match e.resource_type.as_deref() {
        Some(name) => ResourceType::from_browser_name(name),
        None if e.response.content.mime_type.trim().is_empty() => ResourceType::MainFrame,
        None if first && redirect_target(e).is_some() => ResourceType::MainFrame,
        None => ResourceType::from_mime(&e.response.content.mime_type),
    };
    web && matches!(t, ResourceType::MainFrame | ResourceType::Other)
}

/// Feeds a HAR capture to `auditor`: each HAR page becomes a tab (numbered
/// from `first_tab`) whose main frame is its document: the first entry that
/// can be one (entries before it wait, so an unsorted capture keeps its
/// page), else the page's URL in the `pages` list, else its first web entry.
/// An entry without `pageref` belongs to the page being read. Every entry
/// gives a request and a response; an entry whose URL is not a web URL
/// (about:, data:, ...) is counted once. Returns the tabs in page order.
pub fn audit_har<R: Read>(auditor: &mut Auditor, file: &str, reader: R, first_tab: TabId) -> Result<Vec<TabId>, InputError> {
    let mut order: Vec<String> = Vec::new();
    let mut pages: std::collections::HashMap<String, PageState> = std::collections::HashMap::new();
    let mut page_urls: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    let mut current: Option<String> = None;
    read_har(file, reader, |item| {
        let e = match item {
            HarItem::Page(p) => {
                if let Some(u) = p.url.clone().or_else(|| p.title.clone()).filter(|u| u.starts_with("http://") || u.starts_with("https://")) {
                    page_urls.insert(p.id.clone(), u);
                }
                return;
            }
            HarItem::Entry(e) => e,
        };
        let key = e.pageref.clone().or_else(|| current.clone()).unwrap_or_default();
        current = Some(key.clone());
        let page = pages.entry(key.clone()).or_insert_with(|| {
            order.push(key.clone());
            PageState { tab: first_tab + (order.len() - 1) as TabId, opened: false, pending: Vec::new(), opaque: None, next_hop: None }
        });
        if page.opened {
            // A hop of the document's redirects is the page's document too.
            let hop = page.next_hop.as_deref().is_some_and(|n| same_url(n, &e.request.url));
            feed(auditor, e, page.tab, hop);
            if hop {
                page.next_hop = redirect_target(e);
            }
        } else if may_be_document(e, page.pending.is_empty()) {
            feed(auditor, e, page.tab, true);
            page.opened = true;
            page.next_hop = redirect_target(e);
            for p in std::mem::take(&mut page.pending) {
                feed(auditor, &p, page.tab, false);
            }
        } else if !(e.request.url.starts_with("https://") || e.request.url.starts_with("http://")) {
            // Counted as what it is (not a network request); it opens no page.
            // A blob: document still says whose page it is: its origin.
            if let Some(inner) = e.request.url.strip_prefix("blob:").filter(|u| u.starts_with("https://") || u.starts_with("http://")) {
                page_urls.entry(key.clone()).or_insert_with(|| inner.to_owned());
            } else if page.opaque.is_none() && e.resource_type.as_deref().is_none_or(|t| ResourceType::from_browser_name(t) == ResourceType::MainFrame) {
                page.opaque = Some(e.request.url.chars().take(200).collect());
            }
            feed(auditor, e, page.tab, false);
        } else if page.pending.len() < MAX_PENDING_ENTRIES {
            page.pending.push(e.clone());
        } else {
            open_without_document(auditor, page, page_urls.get(&key));
            feed(auditor, e, page.tab, false);
        }
    })?;
    // Pages whose document never came: their URL in `pages`, else their first web entry.
    for key in &order {
        if let Some(page) = pages.get_mut(key) {
            if !page.opened {
                open_without_document(auditor, page, page_urls.get(key));
            }
        }
    }
    Ok(order.iter().filter_map(|k| pages.get(k)).map(|p| p.tab).collect())
}

/// Opens a page that has no web document entry: at its URL from the
/// `pages` list when there is one; else, when its document was no web page,
/// as an unknown page (its third parties are kept); else at its first
/// waiting entry. Then feeds the rest.
fn open_without_document(auditor: &mut Auditor, page: &mut PageState, url: Option<&String>) {
    let mut pending = std::mem::take(&mut page.pending).into_iter();
    let time = pending.as_slice().first().map_or(0.0, HarEntry::time_ms);
    let navigate = |a: &mut Auditor, u: &str| a.observe_raw(&RawEvent::Navigation(crate::observe::RawNavigation { url: u.to_owned(), tab: page.tab, time }));
    match (url, &page.opaque) {
        (Some(u), _) => {
            let _ = navigate(auditor, u);
        }
        (None, Some(document)) => {
            if navigate(auditor, UNKNOWN_PAGE).is_ok() {
                auditor.name_page(page.tab, document);
            }
        }
        (None, None) => {
            if let Some(first) = pending.next() {
                feed(auditor, &first, page.tab, true);
            }
        }
    }
    page.opened = true;
    for p in pending {
        feed(auditor, &p, page.tab, false);
    }
}

/// One entry as the browser would report it: a request, then its response.
fn feed(auditor: &mut Auditor, e: &HarEntry, tab: TabId, document: bool) {
    let time = e.time_ms();
    let named = e.resource_type.as_deref().map(ResourceType::from_browser_name);
    let resource_type = match named.unwrap_or_else(|| ResourceType::from_mime(&e.response.content.mime_type)) {
        _ if document => ResourceType::MainFrame,
        // Only a page's document is its main frame; later documents are frames.
        ResourceType::MainFrame => ResourceType::SubFrame,
        t => t,
    };
    let request = auditor.observe_raw(&RawEvent::Request(RawRequest {
        url: e.request.url.clone(),
        resource_type: resource_type.as_str().into(),
        method: e.request.method.clone(),
        time,
        tab,
        cookie_header: e.cookie_header(),
        referrer: e.referrer(),
        ..Default::default()
    }));
    // An unusable URL is counted once, by its request.
    if request.is_err() {
        return;
    }
    let _ = auditor.observe_raw(&RawEvent::Response(RawResponse {
        url: e.request.url.clone(),
        tab,
        time,
        status: u16::try_from(e.response.status).unwrap_or(0),
        redirect_url: Some(e.response.redirect_url.clone()).filter(|r| !r.is_empty()),
        set_cookie: e.set_cookie_lines(),
        ..Default::default()
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<usize, InputError> {
        read_har("t.har", text.as_bytes(), |_| {})
    }

    #[test]
    fn real_hars_stream_every_entry() {
        for (f, n, pages) in [("aftonbladet.se-2015.har", 175, 1), ("en.wikipedia.org-2015.har", 102, 6), ("mytoys.de-2017.har", 50, 1)] {
            let file = std::fs::File::open(format!("../shared/data/har/{f}")).unwrap();
            let (mut e, mut p) = (0, 0);
            let count = read_har(f, file, |item| match item {
                HarItem::Page(_) => p += 1,
                HarItem::Entry(_) => e += 1,
            })
            .unwrap();
            assert_eq!((count, e, p), (n, n, pages), "{f}");
        }
    }

    #[test]
    fn entry_fields() {
        let file = std::fs::File::open("../shared/data/har/mytoys.de-2017.har").unwrap();
        let mut first = None;
        read_har("m", file, |item| {
            if let (HarItem::Entry(e), None) = (item, &first) {
                first = Some(e.clone());
            }
        })
        .unwrap();
        let e = first.unwrap();
        assert_eq!(e.request.url, "https://checkout.mytoys.de/checkout/registration");
        assert!(e.response.redirect_url.starts_with("https://sso.mytoys-group.de/"));
        assert_eq!(e.time_ms(), 1513979929425.0);
        assert!(e.set_cookie_lines().iter().any(|l| l.starts_with("JSESSIONID=")));
    }

    fn entry(pageref: Option<&str>, url: &str, kind: Option<&str>) -> String {
        let pr = pageref.map(|p| format!("\"pageref\": \"{p}\", ")).unwrap_or_default();
        let t = kind.map(|k| format!(", \"_resourceType\": \"{k}\"")).unwrap_or_default();
        format!("{{{pr}\"request\": {{\"url\": \"{url}\"}}, \"response\": {{\"status\": 200}}{t}}}")
    }

    /// (page URL, third-party sites) of each tab, and the stats.
    fn audit(text: &str) -> (Vec<(String, Vec<String>)>, crate::audit::Stats) {
        let mut a = Auditor::with_default_pack();
        let tabs = audit_har(&mut a, "t.har", text.as_bytes(), 1).unwrap();
        let pages = tabs.iter().filter_map(|&t| a.tab_report(t)).map(|r| (r.page.clone(), r.third_parties.keys().map(|s| s.to_string()).collect())).collect();
        (pages, a.stats().clone())
    }

    #[test]
    fn each_page_is_its_document_whatever_the_order_and_pagerefs() {
        // Unsorted: a third party first, the document after it.
        let text = format!(
            "{{\"log\": {{\"entries\": [{}, {}, {}]}}}}",
            entry(Some("p"), "https://www.google-analytics.com/collect", Some("image")),
            entry(Some("p"), "https://news.example/", Some("document")),
            // No pageref: it belongs to the page being read, not to a new site of yours.
            entry(None, "https://px.tracker.example/p.gif", Some("image")),
        );
        let (pages, _) = audit(&text);
        assert_eq!(pages, [("https://news.example/".to_string(), vec!["google-analytics.com".to_string(), "tracker.example".to_string()])]);

        // A document that is no web page (about:blank): the `pages` list gives the page's URL; counted once.
        let text = format!(
            "{{\"log\": {{\"pages\": [{{\"id\": \"p\", \"title\": \"https://shop.example/cart\"}}], \"entries\": [{}, {}]}}}}",
            entry(Some("p"), "about:blank", Some("document")),
            entry(Some("p"), "https://www.google-analytics.com/collect", Some("image")),
        );
        let (pages, stats) = audit(&text);
        assert_eq!(pages, [("https://shop.example/cart".to_string(), vec!["google-analytics.com".to_string()])]);
        assert_eq!(stats.not_network, 1, "a non-network entry is counted once, not for its request and again for its response");

        // Neither: an unknown page, named by its document; its trackers are kept.
        let text =
            format!("{{\"log\": {{\"entries\": [{}, {}]}}}}", entry(Some("p"), "data:text/html,hi", Some("document")), entry(Some("p"), "https://www.google-analytics.com/collect", Some("image")),);
        let (pages, _) = audit(&text);
        assert_eq!(pages, [("data:text/html,hi".to_string(), vec!["google-analytics.com".to_string()])]);
    }

    #[test]
    fn odd_fields_and_a_byte_order_mark_are_read_as_meant() {
        let text =
            "\u{feff}{\"log\": {\"entries\": [{\"request\": {\"url\": \"https://news.example/\"}, \"response\": {\"status\": 200.0, \"redirectURL\": null, \"content\": {\"mimeType\": null}}}]}}";
        let (pages, _) = audit(text);
        assert_eq!(pages.len(), 1);
        let e = read("{\"log\": {\"entries\": [{\"request\": {\"url\": \"https://a.example/\"}, \"response\": {\"status\": 200.5}}]}}").unwrap_err();
        assert!(e.message.contains("invalid status 200.5"), "{e}");
    }

    #[test]
    fn bad_input_is_located() {
        let e = read("this is not json").unwrap_err();
        assert_eq!(e.line, 1);
        assert!(e.message.starts_with("not valid JSON"), "{e}");

        let e = read("{\"log\": {\"entries\": [{\"request\": {\"url\": \"https://a.example/\"},\n \"response\": {\"status\": 200}}, {\"req").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("truncated"), "{e}");

        let e = read("{\"foo\": 1}").unwrap_err();
        assert!(e.message.contains("top-level \"log\""), "{e}");

        let e = read("[1, 2]").unwrap_err();
        assert!(e.message.starts_with("not a HAR"), "{e}");

        let e = read("{\"log\": {\"version\": \"1.2\", \"entries\": []}}").unwrap_err();
        assert!(e.message.contains("no entries"), "{e}");

        let e = read("{\"log\": {\"version\": \"1.2\"}}").unwrap_err();
        assert!(e.message.contains("no \"entries\""), "{e}");

        let e = read("{\"log\": {\"entries\": [{\"request\": {}, \"response\": {}}]}}").unwrap_err();
        assert!(e.message.contains("missing field `url`"), "{e}");
        assert_eq!(e.to_string().split(':').take(3).collect::<Vec<_>>(), ["t.har", "1", "35"]);

        assert!(read("").unwrap_err().message.contains("end of file"));
    }
}
