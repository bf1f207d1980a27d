//! Observations: one normalised type per browser event, built once at the
//! boundary from the plain objects the extension (or a HAR reader) hands in.
//!
//! Raw forms ([`RawEvent`]) are what JavaScript and HAR files speak: strings.
//! [`Observation`] is what the core works on: parsed URLs, [`Host`]s and
//! [`Site`]s. No cookie value ever passes the boundary; only names and
//! attributes do.
//!
//! Parts: `raw.rs`, the raw forms and their stored form; `web_url.rs`, URLs
//! parsed once and cut; `cookies.rs`, Set-Cookie and Cookie headers read
//! as RFC 6265bis reads them, names and attributes only.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::site::{Host, Site};

mod cookies;
mod raw;
mod web_url;

pub use cookies::*;
pub use raw::*;
pub use web_url::*;

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
}
