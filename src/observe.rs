//! Observations: one normalised type per browser event, built once at the
//! boundary from the plain objects the extension (or a HAR reader) hands in.
//!
//! Raw forms ([`RawEvent`]) are what JavaScript and HAR files speak: strings.
//! [`Observation`] is what the core works on: parsed URLs, [`Host`]s and
//! [`Site`]s. No cookie value ever passes the boundary; only names and
//! attributes do.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};
use url::Url;

use crate::site::{Host, Site};

/// Browser tab id; `-1` for requests that belong to no tab (service workers, prefetch).
pub type TabId = i64;

/// URLs longer than this are cut before parsing: hostile pages send 100 KB
/// URLs, and nothing Telltale decides depends on bytes that far in.
pub const MAX_URL_BYTES: usize = 8 * 1024;

/// The kind of resource, by the browser's own names (webRequest `type`,
/// with the DevTools/HAR `_resourceType` names mapped onto them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResourceType {
    MainFrame,
    SubFrame,
    Stylesheet,
    Script,
    Image,
    Font,
    Object,
    Xmlhttprequest,
    Ping,
    CspReport,
    Media,
    Websocket,
    Other,
}

impl ResourceType {
    /// Maps a browser's name for a resource type. Unknown names become `Other`.
    pub fn from_browser_name(name: &str) -> ResourceType {
        use ResourceType::*;
        match name.to_ascii_lowercase().as_str() {
            "main_frame" | "document" => MainFrame,
            "sub_frame" | "subdocument" | "iframe" => SubFrame,
            "stylesheet" | "css" => Stylesheet,
            "script" | "js" => Script,
            "image" | "imageset" | "img" => Image,
            "font" => Font,
            "object" | "object_subrequest" => Object,
            "xmlhttprequest" | "xhr" | "fetch" | "eventsource" => Xmlhttprequest,
            "ping" | "beacon" => Ping,
            "csp_report" => CspReport,
            "media" | "video" | "audio" => Media,
            "websocket" => Websocket,
            _ => Other,
        }
    }

    /// Guesses the type from a MIME type, for HAR files that do not record one.
    pub fn from_mime(mime: &str) -> ResourceType {
        let m = mime.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        match m.as_str() {
            "text/html" | "application/xhtml+xml" => ResourceType::MainFrame,
            "text/css" => ResourceType::Stylesheet,
            "application/javascript" | "text/javascript" | "application/x-javascript" | "application/ecmascript" => ResourceType::Script,
            "application/json" | "text/plain" | "application/xml" | "text/xml" => ResourceType::Xmlhttprequest,
            _ if m.starts_with("image/") => ResourceType::Image,
            _ if m.starts_with("font/") || m.contains("font") => ResourceType::Font,
            _ if m.starts_with("video/") || m.starts_with("audio/") => ResourceType::Media,
            _ => ResourceType::Other,
        }
    }

    pub fn as_str(self) -> &'static str {
        use ResourceType::*;
        match self {
            MainFrame => "main_frame",
            SubFrame => "sub_frame",
            Stylesheet => "stylesheet",
            Script => "script",
            Image => "image",
            Font => "font",
            Object => "object",
            Xmlhttprequest => "xmlhttprequest",
            Ping => "ping",
            CspReport => "csp_report",
            Media => "media",
            Websocket => "websocket",
            Other => "other",
        }
    }
}

/// A browser event as plain strings, the way the extension and the HAR reader hand it in.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RawEvent {
    /// webRequest.onBeforeRequest.
    Request(RawRequest),
    /// webRequest.onSendHeaders: the request's Cookie header (names are kept, values dropped).
    SendHeaders(RawSendHeaders),
    /// webRequest.onHeadersReceived / onBeforeRedirect / onCompleted.
    Response(RawResponse),
    /// webRequest.onErrorOccurred.
    Error(RawError),
    /// webNavigation.onCommitted for a top-level frame.
    Navigation(RawNavigation),
    /// tabs.onRemoved.
    TabClosed { tab: TabId },
    /// A content-script probe signal.
    ScriptSignal(RawScriptSignal),
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct RawRequest {
    pub url: String,
    /// URL of the top-level document, when the event carries it.
    pub top_url: Option<String>,
    /// URL (or origin) of the frame or document that made the request.
    pub frame_url: Option<String>,
    #[serde(rename = "type")]
    pub resource_type: String,
    pub method: String,
    /// Milliseconds since the Unix epoch.
    pub time: f64,
    pub tab: TabId,
    pub request_id: Option<String>,
    /// The raw Cookie request header, when known at this point (HAR files,
    /// the extension's onSendHeaders). Its values are hashed for cookie-sync
    /// detection where the event arrives ([`crate::sync`]) and never kept.
    pub cookie_header: Option<String>,
    /// The Referer request header, read for cookie syncing only (not stored).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referrer: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct RawSendHeaders {
    pub url: String,
    pub top_url: Option<String>,
    pub tab: TabId,
    pub time: f64,
    pub request_id: Option<String>,
    pub cookie_header: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct RawResponse {
    pub url: String,
    pub top_url: Option<String>,
    pub tab: TabId,
    pub time: f64,
    pub request_id: Option<String>,
    pub status: u16,
    /// Where a redirect goes; may be relative to `url`.
    pub redirect_url: Option<String>,
    /// Each Set-Cookie header line (a line may hold several cookies separated by newlines).
    pub set_cookie: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct RawError {
    pub url: String,
    pub top_url: Option<String>,
    /// webRequest `type`; empty when the event does not say.
    #[serde(rename = "type", skip_serializing_if = "String::is_empty")]
    pub resource_type: String,
    pub tab: TabId,
    pub time: f64,
    pub request_id: Option<String>,
    pub error: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct RawNavigation {
    pub url: String,
    pub tab: TabId,
    pub time: f64,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct RawScriptSignal {
    pub tab: TabId,
    pub time: f64,
    /// The page the probe ran in (top-level document).
    pub page_url: String,
    /// The script whose code made the call, from the probe's stack inspection; empty for inline code.
    pub script_url: String,
    pub signal: Signal,
    /// How many times it happened since the last report.
    pub count: u32,
}

/// A typed value found in data sent: the kind of field (`password`,
/// `email`, `text`) and how the value was written (`plain`, `url`,
/// `base64`, `md5`, `sha1`, `sha256`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
pub struct Typed {
    pub field: String,
    pub encoding: String,
}

/// The most typed fields one sending reports.
const MAX_TYPED_FIELDS: usize = 8;

/// What a page script did that the MAIN-world probe saw.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize, Default)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Signal {
    /// addEventListener for a mouse, keyboard, input, scroll or visibility event.
    Listener { event: String },
    /// A MutationObserver observing the document.
    MutationObserver,
    /// A read of an input's value.
    InputRead,
    /// Text drawn on a canvas.
    CanvasText,
    /// Canvas pixels read back (toDataURL, getImageData).
    CanvasRead,
    /// navigator.sendBeacon to a URL.
    Beacon { url: String },
    /// The document serialised or deep-cloned whole (outerHTML of the root,
    /// XMLSerializer, cloneNode(true) of the document): a DOM snapshot.
    DomSnapshot,
    /// Data sent during the visit: `via` is xhr, fetch, beacon, websocket
    /// or image; `host` the destination's host.
    Send { via: String, host: String },
    /// A canvas read back (toDataURL, toBlob, getImageData), with what was
    /// drawn on it before: its size, the distinct characters of its text,
    /// the distinct fill and stroke styles, whether save/restore or an event
    /// listener was used on it, and whether the read came in a user gesture.
    CanvasExtract { width: u32, height: u32, chars: u32, colours: u32, save_restore: bool, listener: bool, user_gesture: bool },
    /// measureText with this many distinct fonts so far, by one script.
    FontMeasure { fonts: u32 },
    /// A WebGL parameter read that names the GPU (`renderer`, `vendor`, or their unmasked forms).
    WebglParam { name: String },
    /// An audio graph of the kind audio fingerprinting uses (`offline_context`, `oscillator`, `compressor`).
    Audio { node: String },
    /// One sending (`via` and destination `host` as for [`Signal::Send`])
    /// that held what the person had typed in fields and not yet submitted.
    /// The probe compares in the page and reports only each field's kind and
    /// how its value was written ([`Typed`]): never the value nor a hash of it.
    TypedSent { via: String, host: String, fields: Vec<Typed> },
    /// Signals the probe sampled out of a flood (`count` of them): counted, not stored.
    Sampled,
    /// Reports the relay refused as not the probe's (`count` of them): counted, not stored.
    Forged,
    /// Calls the probe could not attribute because the page made the browser's
    /// stack-trace settings impossible to replace (`count` of them): counted, not stored.
    Tamper,
    #[default]
    Unknown,
}

impl RawEvent {
    /// Whether observing this event can change the auditor's state. Events
    /// that cannot (a completed response without cookies or redirect, a
    /// failure that was not a block) need no place in the extension's journal.
    pub fn changes_state(&self) -> bool {
        match self {
            RawEvent::Response(r) => !r.set_cookie.is_empty() || r.redirect_url.as_deref().is_some_and(|u| !u.is_empty()),
            RawEvent::Error(e) => is_block_error(&e.error) || is_cache_only_miss(&e.error),
            RawEvent::SendHeaders(h) => h.cookie_header.as_deref().is_some_and(|c| !c.is_empty()),
            _ => true,
        }
    }

    /// The event as it may be stored: cookie values removed (names and
    /// attributes kept, so replaying it gives the same result) and URLs cut to
    /// [`MAX_URL_BYTES`]. The extension journals only this form.
    pub fn without_cookie_values(&self) -> RawEvent {
        self.stored_form(&|_| None)
    }

    /// [`RawEvent::without_cookie_values`], with each URL also passed
    /// through `redact` (the auditor's: known identifiers taken out).
    pub fn stored_form(&self, redact: &dyn Fn(&str) -> Option<String>) -> RawEvent {
        let cut = |u: &str| {
            let u = without_query_values(cut_url(u));
            redact(&u).unwrap_or_else(|| u.into_owned())
        };
        let names_only = |h: &Option<String>| h.as_deref().map(|h| cookie_names(h).iter().map(|n| format!("{n}={DROPPED}")).collect::<Vec<_>>().join("; "));
        match self {
            RawEvent::Request(r) => RawEvent::Request(RawRequest {
                url: cut(&r.url),
                top_url: r.top_url.as_deref().map(cut),
                frame_url: r.frame_url.as_deref().map(cut),
                cookie_header: names_only(&r.cookie_header),
                referrer: None,
                ..r.clone()
            }),
            RawEvent::SendHeaders(h) => RawEvent::SendHeaders(RawSendHeaders { url: cut(&h.url), top_url: h.top_url.as_deref().map(cut), cookie_header: names_only(&h.cookie_header), ..h.clone() }),
            RawEvent::Response(r) => {
                let (cookies, bad) = SetCookie::parse_headers(&r.set_cookie);
                let mut set_cookie: Vec<String> = cookies.iter().map(SetCookie::to_header_without_value).collect();
                // Malformed lines stay malformed (and counted), without their text.
                set_cookie.extend(std::iter::repeat_n("=".to_owned(), bad));
                RawEvent::Response(RawResponse { url: cut(&r.url), top_url: r.top_url.as_deref().map(cut), redirect_url: r.redirect_url.as_deref().map(cut), set_cookie, ..r.clone() })
            }
            RawEvent::Error(e) => RawEvent::Error(RawError { url: cut(&e.url), top_url: e.top_url.as_deref().map(cut), ..e.clone() }),
            RawEvent::Navigation(n) => RawEvent::Navigation(RawNavigation { url: cut(&n.url), ..n.clone() }),
            RawEvent::TabClosed { tab } => RawEvent::TabClosed { tab: *tab },
            RawEvent::ScriptSignal(s) => RawEvent::ScriptSignal(RawScriptSignal {
                page_url: cut(&s.page_url),
                script_url: cut(&s.script_url),
                signal: match &s.signal {
                    Signal::Beacon { url } => Signal::Beacon { url: beacon_address(url) },
                    other => other.clone(),
                },
                ..s.clone()
            }),
        }
    }
}

/// Why a raw event did not become an observation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObserveError {
    /// The URL could not be parsed.
    BadUrl { url: String, reason: String },
    /// A scheme Telltale does not audit (data:, blob:, about:, file:, extension pages).
    NotNetwork { scheme: String },
}

impl fmt::Display for ObserveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ObserveError::BadUrl { url, reason } => write!(f, "bad URL {url:?}: {reason}"),
            ObserveError::NotNetwork { scheme } => {
                write!(f, "{scheme}: URLs are not network requests")
            }
        }
    }
}

impl std::error::Error for ObserveError {}

/// A URL that was parsed and has a host on the web (http, https, ws, wss).
#[derive(Debug, Clone)]
pub struct WebUrl {
    pub url: Url,
    pub host: Host,
    pub site: Site,
    /// The text as given, when it differs from `url`'s serialisation
    /// (`https://a.example` for `https://a.example/`): filter lists match
    /// the request as it was written, as a browser's blocker does.
    written: Option<Box<str>>,
}

/// Equal when the parsed URLs are equal, however they were written.
impl PartialEq for WebUrl {
    fn eq(&self, other: &WebUrl) -> bool {
        self.url == other.url
    }
}

impl Eq for WebUrl {}

impl WebUrl {
    /// Parses `raw` (cut to [`MAX_URL_BYTES`]) and keeps it only if it is a web URL with a host.
    pub fn parse(raw: &str) -> Result<WebUrl, ObserveError> {
        let cut = cut_url(raw);
        let url = Url::parse(cut).map_err(|e| ObserveError::BadUrl { url: shorten(raw), reason: e.to_string() })?;
        let mut w = Self::from_url(url)?;
        if w.url.as_str() != cut {
            w.written = Some(cut.into());
        }
        Ok(w)
    }

    /// The URL as the event wrote it (cut to [`MAX_URL_BYTES`]).
    pub fn as_written(&self) -> &str {
        self.written.as_deref().unwrap_or(self.url.as_str())
    }

    /// Resolves `raw` against `base` (for relative redirect targets).
    pub fn join(base: &Url, raw: &str) -> Result<WebUrl, ObserveError> {
        let url = base.join(cut_url(raw)).map_err(|e| ObserveError::BadUrl { url: shorten(raw), reason: e.to_string() })?;
        Self::from_url(url)
    }

    fn from_url(url: Url) -> Result<WebUrl, ObserveError> {
        match url.scheme() {
            "http" | "https" | "ws" | "wss" => {}
            other => return Err(ObserveError::NotNetwork { scheme: other.to_owned() }),
        }
        let host = Host::of_url(&url).ok_or_else(|| ObserveError::BadUrl { url: shorten(url.as_str()), reason: "no usable host".into() })?;
        let site = host.site();
        Ok(WebUrl { url, host, site, written: None })
    }

    /// Host and path without the leading slash's host separator, as rule patterns match it: `host/path`.
    pub fn path(&self) -> &str {
        self.url.path()
    }

    /// The page this URL addresses, without what belongs to the person
    /// rather than the page: no user name or password, query string or
    /// fragment (where sites put session tokens, searches and reset links).
    /// Pages are kept, shown and exported in this form.
    pub fn address(&self) -> WebUrl {
        let mut url = self.url.clone();
        url.set_query(None);
        url.set_fragment(None);
        let _ = url.set_username("");
        let _ = url.set_password(None);
        WebUrl { url, host: self.host.clone(), site: self.site.clone(), written: None }
    }
}

/// A URL as the journal may store it: no fragment, and a query cut to its
/// parameters' names (`?a=&b=`). Values are where pages and trackers put
/// session tokens, typed text and identifiers; a filter rule that names a
/// parameter still matches the stored form.
pub fn without_query_values(u: &str) -> Cow<'_, str> {
    let u = u.split_once('#').map_or(u, |(before, _)| before);
    let Some((base, query)) = u.split_once('?') else {
        return Cow::Borrowed(u);
    };
    if query.split('&').all(|p| p.is_empty() || p.ends_with('=') && p.find('=') == Some(p.len() - 1)) {
        return Cow::Borrowed(u);
    }
    let names: Vec<&str> = query.split('&').filter_map(|p| p.find('=').map(|i| &p[..=i])).collect();
    Cow::Owned(format!("{base}?{}", names.join("&")))
}

fn cut_url(raw: &str) -> &str {
    if raw.len() <= MAX_URL_BYTES {
        return raw;
    }
    let mut end = MAX_URL_BYTES;
    while !raw.is_char_boundary(end) {
        end -= 1;
    }
    &raw[..end]
}

pub(crate) fn shorten(s: &str) -> String {
    let cut = if s.len() > 120 {
        let mut end = 120;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}…", &s[..end])
    } else {
        s.to_owned()
    };
    cut
}

/// Where a beacon went, as kept: host and path, shortened (what it carried
/// in its query is the person's, not the tracker's).
fn beacon_address(url: &str) -> String {
    let u = without_query_values(url);
    let u = u.split_once('?').map_or(&*u, |(before, _)| before);
    let u = u.split_once("://").map_or(u, |(_, rest)| rest);
    let u = u.rsplit_once('@').filter(|(userinfo, _)| !userinfo.contains('/')).map_or(u, |(_, rest)| rest);
    shorten(u)
}

fn optional_web_url(raw: &Option<String>) -> Option<WebUrl> {
    raw.as_deref().filter(|s| !s.is_empty()).and_then(|s| WebUrl::parse(s).ok())
}

/// A request, normalised.
#[derive(Debug, Clone)]
pub struct Request {
    pub url: WebUrl,
    /// The top-level page, when the event said; otherwise the auditor uses the tab's page.
    pub top: Option<WebUrl>,
    /// The frame or document that made the request, when known.
    pub frame: Option<WebUrl>,
    pub resource_type: ResourceType,
    pub method: String,
    pub time: f64,
    pub tab: TabId,
    pub request_id: Option<String>,
    /// Names of cookies sent with it (values are dropped here).
    pub cookies_sent: Vec<String>,
    /// The Referer header, when it parses (for cookie syncing).
    pub referrer: Option<url::Url>,
}

impl Request {
    pub fn new(raw: &RawRequest) -> Result<Request, ObserveError> {
        Ok(Request {
            url: WebUrl::parse(&raw.url)?,
            top: optional_web_url(&raw.top_url),
            frame: optional_web_url(&raw.frame_url),
            resource_type: ResourceType::from_browser_name(&raw.resource_type),
            method: if raw.method.is_empty() { "GET".into() } else { raw.method.to_ascii_uppercase() },
            time: raw.time,
            tab: raw.tab,
            request_id: raw.request_id.clone(),
            cookies_sent: raw.cookie_header.as_deref().map(cookie_names).unwrap_or_default(),
            referrer: raw.referrer.as_deref().and_then(|r| url::Url::parse(cut_url(r)).ok()),
        })
    }
}

/// Cookie names sent with a request (from onSendHeaders).
#[derive(Debug, Clone)]
pub struct SentCookies {
    pub url: WebUrl,
    pub top: Option<WebUrl>,
    pub tab: TabId,
    pub time: f64,
    pub names: Vec<String>,
}

impl SentCookies {
    pub fn new(raw: &RawSendHeaders) -> Result<SentCookies, ObserveError> {
        Ok(SentCookies { url: WebUrl::parse(&raw.url)?, top: optional_web_url(&raw.top_url), tab: raw.tab, time: raw.time, names: raw.cookie_header.as_deref().map(cookie_names).unwrap_or_default() })
    }
}

/// What stands for a cookie's value in a stored Cookie header (`name=-`):
/// a value, so that the name reads as a name again ([`sent_cookie_pair`]).
pub const DROPPED: &str = "-";

/// The name Telltale gives a cookie that has none: a pair without `=` is a
/// value with an empty name (RFC 6265bis, 5.6 and 5.7), never a name.
pub const NAMELESS: &str = "(no name)";

/// A cookie pair's name and value. A pair without `=` is all value.
pub fn cookie_pair(pair: &str) -> (&str, &str) {
    match pair.split_once('=') {
        Some((name, value)) => (name.trim(), value.trim()),
        None => ("", pair.trim()),
    }
}

/// A Set-Cookie line whose cookie has no name (its first pair has no `=`,
/// or nothing before it) with [`NAMELESS`] as its name, so that its value
/// is read as a value.
pub fn named(line: &str) -> Cow<'_, str> {
    let line = line.trim_start();
    let pair = line.split(';').next().unwrap_or_default();
    match cookie_pair(pair) {
        ("", "") => Cow::Borrowed(line),
        ("", _) if pair.contains('=') => Cow::Owned(format!("{NAMELESS}{line}")),
        ("", _) => Cow::Owned(format!("{NAMELESS}={line}")),
        _ => Cow::Borrowed(line),
    }
}

/// A pair of a Cookie request header: [`cookie_pair`], except that a pair
/// with an empty value is read as a value with no name. Its text may be a
/// value: Firefox sends a bare Set-Cookie value back as `VALUE=`. (A cookie
/// that really has an empty value carries nothing to keep a name for.)
pub fn sent_cookie_pair(pair: &str) -> (&str, &str) {
    match cookie_pair(pair) {
        (name, "") => ("", name),
        other => other,
    }
}

/// Cookie names in a Cookie request header, in order, without values; a
/// cookie without a name (or, as [`sent_cookie_pair`] reads it, without a
/// value) is [`NAMELESS`].
pub fn cookie_names(header: &str) -> Vec<String> {
    header
        .split(';')
        .filter_map(|p| match sent_cookie_pair(p) {
            ("", "") => None,
            ("", _) => Some(NAMELESS.to_owned()),
            (name, _) => Some(clean_name(name)).filter(|n| !n.is_empty()),
        })
        .collect()
}

fn clean_name(n: &str) -> String {
    // Names are shown to people; keep them short and printable. Markup is escaped by renderers.
    n.chars().filter(|c| !c.is_control()).take(128).collect()
}

/// The SameSite attribute of a cookie.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SameSite {
    Strict,
    Lax,
    None,
    Unset,
}

/// A cookie that a response set: metadata only, never the value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetCookie {
    pub name: String,
    /// The Domain attribute, lower-cased, without a leading dot.
    pub domain: Option<String>,
    /// Lifetime in seconds from Max-Age, when given.
    pub max_age: Option<i64>,
    /// Expiry (Unix seconds) from Expires, when given.
    pub expires: Option<i64>,
    pub same_site: SameSite,
    pub secure: bool,
    pub http_only: bool,
}

impl SetCookie {
    /// A Set-Cookie line with the same name and attributes and an empty value.
    pub fn to_header_without_value(&self) -> String {
        let mut h = format!("{}=", self.name);
        if let Some(d) = &self.domain {
            h += &format!("; Domain={d}");
        }
        if let Some(m) = self.max_age {
            h += &format!("; Max-Age={m}");
        }
        if let Some(e) = self.expires.and_then(|e| time::OffsetDateTime::from_unix_timestamp(e).ok()) {
            if let Ok(t) = e.format(&time::format_description::well_known::Rfc2822) {
                h += &format!("; Expires={}", t.replace("+0000", "GMT"));
            }
        }
        match self.same_site {
            SameSite::Strict => h += "; SameSite=Strict",
            SameSite::Lax => h += "; SameSite=Lax",
            SameSite::None => h += "; SameSite=None",
            SameSite::Unset => {}
        }
        if self.secure {
            h += "; Secure";
        }
        if self.http_only {
            h += "; HttpOnly";
        }
        h
    }

    /// Parses every cookie in Set-Cookie header lines. Malformed cookies are
    /// counted in the second value, not silently skipped.
    pub fn parse_headers(lines: &[String]) -> (Vec<SetCookie>, usize) {
        let mut out = Vec::new();
        let mut bad = 0;
        for line in lines.iter().flat_map(|l| l.split('\n')) {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            match cookie::Cookie::parse(named(line)) {
                Ok(c) if !c.name().trim().is_empty() => out.push(SetCookie {
                    name: clean_name(c.name()),
                    domain: c.domain().map(|d| d.trim_start_matches('.').to_ascii_lowercase()),
                    max_age: c.max_age().map(|d| d.whole_seconds()),
                    expires: c.expires_datetime().map(|t| t.unix_timestamp()),
                    same_site: match c.same_site() {
                        Some(cookie::SameSite::Strict) => SameSite::Strict,
                        Some(cookie::SameSite::Lax) => SameSite::Lax,
                        Some(cookie::SameSite::None) => SameSite::None,
                        None => SameSite::Unset,
                    },
                    secure: c.secure().unwrap_or(false),
                    http_only: c.http_only().unwrap_or(false),
                }),
                _ => bad += 1,
            }
        }
        (out, bad)
    }
}

/// A response, normalised.
#[derive(Debug, Clone)]
pub struct Response {
    pub url: WebUrl,
    pub top: Option<WebUrl>,
    pub tab: TabId,
    pub time: f64,
    pub request_id: Option<String>,
    pub status: u16,
    pub redirect_to: Option<WebUrl>,
    pub cookies: Vec<SetCookie>,
    /// Set-Cookie entries that could not be parsed.
    pub malformed_cookies: usize,
}

impl Response {
    pub fn new(raw: &RawResponse) -> Result<Response, ObserveError> {
        let url = WebUrl::parse(&raw.url)?;
        let redirect_to = raw.redirect_url.as_deref().filter(|s| !s.is_empty()).and_then(|r| WebUrl::join(&url.url, r).ok());
        let (cookies, malformed_cookies) = SetCookie::parse_headers(&raw.set_cookie);
        Ok(Response { top: optional_web_url(&raw.top_url), tab: raw.tab, time: raw.time, request_id: raw.request_id.clone(), status: raw.status, redirect_to, cookies, malformed_cookies, url })
    }
}

/// Whether a webRequest error says a content blocker stopped the request.
fn is_block_error(error: &str) -> bool {
    error.contains("BLOCKED_BY_CLIENT")
}

/// Whether a webRequest error says the request never reached the network:
/// Chromium first tries some resources (web fonts) from the cache alone, and
/// that attempt ends in `ERR_CACHE_MISS` before the real request is made.
fn is_cache_only_miss(error: &str) -> bool {
    error.contains("ERR_CACHE_MISS")
}

/// A request that failed; `blocked` when the failure was a content blocker's.
#[derive(Debug, Clone)]
pub struct Failure {
    pub url: WebUrl,
    pub top: Option<WebUrl>,
    pub tab: TabId,
    pub time: f64,
    pub request_id: Option<String>,
    pub blocked: bool,
    pub resource_type: ResourceType,
    /// The request never left the browser (a cache-only attempt that missed).
    pub never_sent: bool,
    /// Firefox's word for a request cancelled in the browser (also by its
    /// declarativeNetRequest engine): blocked when a choice covers it.
    pub aborted: bool,
}

impl Failure {
    pub fn new(raw: &RawError) -> Result<Failure, ObserveError> {
        Ok(Failure {
            url: WebUrl::parse(&raw.url)?,
            top: optional_web_url(&raw.top_url),
            tab: raw.tab,
            time: raw.time,
            request_id: raw.request_id.clone(),
            blocked: is_block_error(&raw.error),
            resource_type: ResourceType::from_browser_name(&raw.resource_type),
            never_sent: is_cache_only_miss(&raw.error),
            aborted: raw.error.contains("NS_ERROR_ABORT"),
        })
    }
}

/// A top-level navigation in a tab.
#[derive(Debug, Clone)]
pub struct Navigation {
    pub url: WebUrl,
    pub tab: TabId,
    pub time: f64,
}

/// A script signal, normalised.
#[derive(Debug, Clone)]
pub struct ScriptSignal {
    pub tab: TabId,
    pub time: f64,
    pub page: WebUrl,
    /// `None` for inline scripts or when the probe could not tell.
    pub script: Option<WebUrl>,
    pub signal: Signal,
    pub count: u32,
}

/// One normalised browser event.
#[derive(Debug, Clone)]
pub enum Observation {
    Request(Request),
    SentCookies(SentCookies),
    Response(Response),
    Failure(Failure),
    Navigation(Navigation),
    TabClosed(TabId),
    ScriptSignal(ScriptSignal),
}

/// `word` when it is one of `known`, else `other`: a page cannot put its own text where the core expects a name.
fn one_of(word: &str, known: &[&str]) -> String {
    known.iter().find(|k| **k == word).map_or("other", |k| *k).to_owned()
}

impl Observation {
    /// Normalises a raw event. This is the one place strings become typed values.
    pub fn from_raw(raw: &RawEvent) -> Result<Observation, ObserveError> {
        Ok(match raw {
            RawEvent::Request(r) => Observation::Request(Request::new(r)?),
            RawEvent::SendHeaders(s) => Observation::SentCookies(SentCookies::new(s)?),
            RawEvent::Response(r) => Observation::Response(Response::new(r)?),
            RawEvent::Error(e) => Observation::Failure(Failure::new(e)?),
            RawEvent::Navigation(n) => Observation::Navigation(Navigation { url: WebUrl::parse(&n.url)?, tab: n.tab, time: n.time }),
            RawEvent::TabClosed { tab } => Observation::TabClosed(*tab),
            RawEvent::ScriptSignal(s) => Observation::ScriptSignal(ScriptSignal {
                tab: s.tab,
                time: s.time,
                page: WebUrl::parse(&s.page_url)?,
                script: (!s.script_url.is_empty()).then(|| WebUrl::parse(&s.script_url).ok()).flatten(),
                signal: match &s.signal {
                    Signal::Beacon { url } => Signal::Beacon { url: beacon_address(url) },
                    Signal::Listener { event } => Signal::Listener { event: event.chars().take(32).collect() },
                    Signal::Send { via, host } => Signal::Send { via: via.chars().take(16).collect(), host: Host::parse(host).map(|h| h.as_str().to_owned()).unwrap_or_default() },
                    Signal::WebglParam { name } => Signal::WebglParam { name: name.chars().take(32).collect() },
                    Signal::Audio { node } => Signal::Audio { node: node.chars().take(32).collect() },
                    Signal::TypedSent { via, host, fields } => Signal::TypedSent {
                        via: via.chars().take(16).collect(),
                        host: Host::parse(host).map(|h| h.as_str().to_owned()).unwrap_or_default(),
                        fields: fields
                            .iter()
                            .take(MAX_TYPED_FIELDS)
                            .map(|t| Typed { field: one_of(&t.field, &["password", "email", "text"]), encoding: one_of(&t.encoding, &["plain", "url", "base64", "md5", "sha1", "sha256"]) })
                            .collect(),
                    },
                    other => other.clone(),
                },
                count: s.count.max(1),
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_is_normalised_once() {
        let r = Request::new(&RawRequest {
            url: "HTTPS://Static.Hotjar.COM:443/c/hotjar-1.js?sv=6".into(),
            top_url: Some("https://www.example.co.uk/news".into()),
            resource_type: "script".into(),
            tab: 4,
            cookie_header: Some("_hjid=secret-value; other=1".into()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(r.url.host.as_str(), "static.hotjar.com");
        assert_eq!(r.url.site.as_str(), "hotjar.com");
        assert_eq!(r.top.unwrap().site.as_str(), "example.co.uk");
        assert_eq!(r.resource_type, ResourceType::Script);
        assert_eq!(r.method, "GET");
        assert_eq!(r.cookies_sent, ["_hjid", "other"]);
        assert!(!format!("{:?}", r.cookies_sent).contains("secret"));
    }

    #[test]
    fn odd_schemes_are_not_network_requests() {
        for url in ["data:text/html,<b>x</b>", "blob:https://a.com/1234", "about:blank", "file:///etc/passwd", "chrome-extension://abcdef/popup.html"] {
            let err = WebUrl::parse(url).unwrap_err();
            assert!(matches!(err, ObserveError::NotNetwork { .. }), "{url}: {err:?}");
        }
        assert!(matches!(WebUrl::parse("not a url"), Err(ObserveError::BadUrl { .. })));
    }

    #[test]
    fn giant_url_is_cut_not_rejected() {
        let url = format!("https://t.example.com/p?{}", "a".repeat(100_000));
        let w = WebUrl::parse(&url).unwrap();
        assert!(w.url.as_str().len() <= MAX_URL_BYTES);
        assert_eq!(w.site.as_str(), "example.com");
    }

    #[test]
    fn ip_hosts_work() {
        let w = WebUrl::parse("http://192.168.1.10:8080/x").unwrap();
        assert_eq!(w.site.as_str(), "192.168.1.10");
        let w = WebUrl::parse("http://[2001:db8::1]/x").unwrap();
        assert_eq!(w.site.as_str(), "2001:db8::1");
    }

    #[test]
    fn set_cookie_keeps_metadata_and_counts_malformed() {
        let lines = vec![
            "uid=abc123; Domain=.Tracker.example; Max-Age=31536000; SameSite=None; Secure".to_string(),
            "JSESSIONID=5C1; Path=/\nMS_TEST=myTest; Expires=Sat, 23-Dec-2017 21:58:49 GMT".to_string(),
            "=novalue".to_string(),
            "<img src=x onerror=alert(1)>=1".to_string(),
            "bare-value-no-name; Max-Age=60".to_string(),
            "=".to_string(),
        ];
        let (cookies, bad) = SetCookie::parse_headers(&lines);
        let names: Vec<_> = cookies.iter().map(|c| c.name.as_str()).collect();
        // A pair without `=`, or with nothing before it, is a value with no name.
        assert_eq!(names, ["uid", "JSESSIONID", "MS_TEST", NAMELESS, "<img src", NAMELESS]);
        assert_eq!(cookies[5].max_age, Some(60));
        assert!(!format!("{cookies:?}").contains("bare-value") && !format!("{cookies:?}").contains("novalue"));
        assert_eq!(cookies[0].domain.as_deref(), Some("tracker.example"));
        assert_eq!(cookies[0].max_age, Some(31_536_000));
        assert_eq!(cookies[0].same_site, SameSite::None);
        assert!(cookies[0].secure);
        assert!(cookies[2].expires.is_some());
        assert_eq!(bad, 1);
        assert!(!format!("{cookies:?}").contains("abc123"));
    }

    #[test]
    fn journal_form_drops_cookie_values_but_replays_the_same() {
        let raw = RawEvent::Response(RawResponse {
            url: format!("https://t.example/p?{}", "x".repeat(20_000)),
            set_cookie: vec!["uid=SECRET1; Domain=.t.example; Max-Age=600; Expires=Wed, 21 Oct 2026 07:28:00 GMT; SameSite=None; Secure; HttpOnly\nb=SECRET2".into(), "=bad".into()],
            ..Default::default()
        });
        let j = raw.without_cookie_values();
        let text = serde_json::to_string(&j).unwrap();
        assert!(!text.contains("SECRET"), "{text}");
        assert!(text.len() < MAX_URL_BYTES + 1000);
        let (Observation::Response(a), Observation::Response(b)) = (Observation::from_raw(&raw).unwrap(), Observation::from_raw(&j).unwrap()) else { panic!() };
        assert_eq!(a.cookies, b.cookies);
        assert_eq!(a.malformed_cookies, b.malformed_cookies);
        let req = RawEvent::SendHeaders(RawSendHeaders { url: "https://t.example/".into(), cookie_header: Some("a=SECRET; b=SECRET; SECRETBARE".into()), ..Default::default() });
        let j = serde_json::to_string(&req.without_cookie_values()).unwrap();
        assert!(!j.contains("SECRET") && j.contains("a=-; b=-; (no name)=-"), "{j}");
        let Observation::SentCookies(replayed) = Observation::from_raw(&req.without_cookie_values()).unwrap() else { panic!() };
        assert_eq!(replayed.names, ["a", "b", NAMELESS]);
        // A bare Set-Cookie value, journaled, replays as the same nameless cookie.
        let raw = RawEvent::Response(RawResponse { url: "https://t.example/".into(), set_cookie: vec!["SECRETBARE; Max-Age=60; Secure".into()], ..Default::default() });
        let j = raw.without_cookie_values();
        assert!(!serde_json::to_string(&j).unwrap().contains("SECRET"));
        let (Observation::Response(a), Observation::Response(b)) = (Observation::from_raw(&raw).unwrap(), Observation::from_raw(&j).unwrap()) else { panic!() };
        assert_eq!((a.cookies, a.malformed_cookies), (b.cookies, b.malformed_cookies));
    }

    #[test]
    fn cookie_headers_read_as_rfc_6265bis_reads_them() {
        assert_eq!(cookie_names("a=1; UID4zru4Xntv0ahXhfx0d9X;  ; =v; b"), ["a", NAMELESS, NAMELESS, NAMELESS]);
        // Firefox sends a bare Set-Cookie value back as "VALUE=": no name is kept of it.
        assert_eq!(cookie_names("TtBare075f13596b73=; sid=x"), [NAMELESS, "sid"]);
        assert_eq!(sent_cookie_pair("TtBare075f13596b73="), ("", "TtBare075f13596b73"));
        assert_eq!(cookie_pair(" bare "), ("", "bare"));
        assert_eq!(cookie_pair("n = v=w"), ("n", "v=w"));
    }

    #[test]
    fn the_journal_keeps_no_query_value_nor_fragment() {
        assert_eq!(without_query_values("https://a.test/p?token=s3cr3t&flag&x=1#frag"), "https://a.test/p?token=&x=");
        assert_eq!(without_query_values("https://a.test/p?a=&b="), "https://a.test/p?a=&b=");
        assert_eq!(without_query_values("https://a.test/p#only"), "https://a.test/p");
        assert_eq!(without_query_values("https://a.test/p"), "https://a.test/p");
        let signal = RawEvent::ScriptSignal(RawScriptSignal {
            page_url: "https://a.test/reset?token=s3cr3t".into(),
            script_url: "https://cdn.test/s.js?v=s3cr3t#x".into(),
            signal: Signal::Beacon { url: "https://u:p@in.test/k?typed=s3cr3t#s3cr3t".into() },
            ..Default::default()
        });
        let stored = serde_json::to_string(&signal.without_cookie_values()).unwrap();
        assert!(!stored.contains("s3cr3t") && !stored.contains("u:p"), "{stored}");
        let Observation::ScriptSignal(o) = Observation::from_raw(&signal).unwrap() else { panic!() };
        assert_eq!(o.signal, Signal::Beacon { url: "in.test/k".into() });
    }

    #[test]
    fn relative_redirects_resolve() {
        let r =
            Response::new(&RawResponse { url: "https://uip.semasio.net/otto/1/info?sType=sync".into(), redirect_url: Some("/otto/1/info2?x=1".into()), status: 302, ..Default::default() }).unwrap();
        assert_eq!(r.redirect_to.unwrap().url.as_str(), "https://uip.semasio.net/otto/1/info2?x=1");
    }

    #[test]
    fn resource_type_names() {
        assert_eq!(ResourceType::from_browser_name("xmlhttprequest"), ResourceType::Xmlhttprequest);
        assert_eq!(ResourceType::from_browser_name("fetch"), ResourceType::Xmlhttprequest);
        assert_eq!(ResourceType::from_browser_name("beacon"), ResourceType::Ping);
        assert_eq!(ResourceType::from_browser_name("Document"), ResourceType::MainFrame);
        assert_eq!(ResourceType::from_browser_name("weird"), ResourceType::Other);
        assert_eq!(ResourceType::from_mime("image/gif"), ResourceType::Image);
        assert_eq!(ResourceType::from_mime("text/javascript; charset=utf-8"), ResourceType::Script);
    }

    #[test]
    fn raw_events_deserialise_from_plain_objects() {
        let raw: RawEvent = serde_json::from_str(
            r#"{"kind":"script_signal","tab":3,"time":1,"page_url":"https://news.example/","script_url":"https://rec.example/r.js","signal":{"type":"listener","event":"mousemove"},"count":2}"#,
        )
        .unwrap();
        match Observation::from_raw(&raw).unwrap() {
            Observation::ScriptSignal(s) => {
                assert_eq!(s.script.unwrap().site.as_str(), "rec.example");
                assert_eq!(s.signal, Signal::Listener { event: "mousemove".into() });
            }
            other => panic!("{other:?}"),
        }
    }
}
