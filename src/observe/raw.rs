//! Browser events as plain strings, the way the extension and the HAR
//! reader hand them in, and the form the extension may store them in.

use serde::{Deserialize, Serialize};

use super::*;

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
pub(super) const MAX_TYPED_FIELDS: usize = 8;

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

#[cfg(test)]
mod tests {
    use super::*;

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
