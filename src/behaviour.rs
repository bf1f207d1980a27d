//! Tracking recognised by what scripts do in the page, not by a list.
//!
//! The MAIN-world probe reports what each script calls ([`Signal`]); the
//! auditor keeps counts per page and script ([`crate::audit::SignalStore`],
//! keys written by [`record`]). [`judge`] reads one page's counts and says,
//! vendor by vendor (a vendor is a script's site: recorders split the work
//! between bundles), what the scripts do:
//!
//! - **session replay**: mouse or pointer listeners, scroll listeners, key or
//!   input listeners, a MutationObserver on the document or DOM snapshots,
//!   and data sent back more than once during the visit (by the vendor's
//!   scripts, or requests to the vendor's site that webRequest saw: many
//!   recorders send from a Web Worker, where no probe runs);
//! - **canvas fingerprinting**, by Englehardt and Narayanan's criteria
//!   ("Online Tracking: A 1-million-site Measurement and Analysis", 2016):
//!   the canvas is at least 16×16, text was drawn with at least 10 distinct
//!   characters or 2 colours, it is read back, and neither save/restore nor
//!   an event listener on it suggests drawing for display; Telltale adds that
//!   a read inside a user gesture (a click that saves an image) is not one;
//! - **canvas-font fingerprinting**: measureText in 50 or more distinct fonts
//!   (the same study);
//! - **key logging** (Blacklight's test, run on the person's own typing):
//!   data sent to a third party held what was typed in a field before the
//!   form was submitted, as typed, URL-encoded, in base64 or as its MD5,
//!   SHA-1 or SHA-256. The probe compares in the page and reports only the
//!   kind of field and the encoding; a password field is called out. The
//!   receiver is judged: a page's own bundle that sends your typing to a
//!   third party makes that third party the key logger, and sending to the
//!   page's own site is not key logging (search-as-you-type, drafts saved);
//! - WebGL reads of the GPU's name, and audio graphs of the kind audio
//!   fingerprinting builds: noted as evidence, not verdicts by themselves.
//!
//! A script served from the page's own site is judged the same way and
//! named as first party.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::observe::Signal;
use crate::rules::Category;
use crate::site::Site;

/// Listener events that follow the mouse or a pointer.
pub const POINTER_EVENTS: [&str; 9] = ["mousemove", "mouseover", "mousedown", "mouseup", "pointermove", "pointerover", "pointerdown", "pointerup", "touchmove"];
/// Listener events that follow scrolling.
pub const SCROLL_EVENTS: [&str; 2] = ["scroll", "wheel"];
/// Listener events that follow typing.
pub const KEY_EVENTS: [&str; 5] = ["keydown", "keyup", "keypress", "input", "change"];

/// Englehardt and Narayanan's canvas criteria (see the module's text).
pub const CANVAS_MIN_SIDE: u32 = 16;
pub const CANVAS_MIN_CHARS: u32 = 10;
pub const CANVAS_MIN_COLOURS: u32 = 2;
/// Distinct fonts measured that make canvas-font fingerprinting.
pub const FONT_MIN: u32 = 50;

/// The pseudo-script under which requests to a site, as webRequest saw
/// them, are counted for a page (`(requests to) rec.example`).
pub const REQUESTS_TO: &str = "(requests to) ";

/// The most distinct signal keys kept per script; past it, counted under `(more)`.
const MAX_KEYS_PER_SCRIPT: usize = 64;

/// Does a canvas read meet the fingerprinting criteria?
pub fn canvas_fingerprint(width: u32, height: u32, chars: u32, colours: u32, save_restore: bool, listener: bool, user_gesture: bool) -> bool {
    width >= CANVAS_MIN_SIDE && height >= CANVAS_MIN_SIDE && (chars >= CANVAS_MIN_CHARS || colours >= CANVAS_MIN_COLOURS) && !save_restore && !listener && !user_gesture
}

/// Adds a signal to a script's counts: most add `count` under their key;
/// `font_measure` keeps the largest number of fonts seen.
pub fn record(counts: &mut BTreeMap<String, u64>, signal: &Signal, count: u32) {
    let (key, value, max) = match signal {
        Signal::Listener { event } => (format!("listener:{event}"), u64::from(count), false),
        Signal::MutationObserver => ("mutation_observer".into(), u64::from(count), false),
        Signal::InputRead => ("input_read".into(), u64::from(count), false),
        Signal::CanvasText => ("canvas_text".into(), u64::from(count), false),
        Signal::CanvasRead => ("canvas_read".into(), u64::from(count), false),
        Signal::Beacon { .. } => ("beacon".into(), u64::from(count), false),
        Signal::DomSnapshot => ("dom_snapshot".into(), u64::from(count), false),
        Signal::Send { via, host } => {
            if let Ok(site) = Site::of(host) {
                add(counts, format!("send_site:{site}"), u64::from(count), false);
            }
            (format!("send:{via}"), u64::from(count), false)
        }
        &Signal::CanvasExtract { width, height, chars, colours, save_restore, listener, user_gesture } => {
            let fp = canvas_fingerprint(width, height, chars, colours, save_restore, listener, user_gesture);
            (if fp { "canvas_fingerprint".into() } else { "canvas_read".into() }, u64::from(count), false)
        }
        Signal::FontMeasure { fonts } => ("font_measure".into(), u64::from(*fonts), true),
        Signal::TypedSent { host, fields, .. } => {
            for t in fields {
                add(counts, format!("typed:{}:{}", t.field, t.encoding), u64::from(count), false);
            }
            let site = Site::of(host).map_or_else(|_| "(none)".to_owned(), |s| s.as_str().to_owned());
            (format!("typed_to:{site}"), u64::from(count), false)
        }
        Signal::WebglParam { name } => (format!("webgl:{name}"), u64::from(count), false),
        Signal::Audio { node } => (format!("audio:{node}"), u64::from(count), false),
        Signal::Unknown | Signal::Sampled | Signal::Forged | Signal::Tamper => ("unknown".into(), u64::from(count), false),
    };
    add(counts, key, value, max);
}

fn add(counts: &mut BTreeMap<String, u64>, key: String, value: u64, max: bool) {
    let key = if counts.len() >= MAX_KEYS_PER_SCRIPT && !counts.contains_key(&key) { "(more)".to_owned() } else { key };
    let slot = counts.entry(key).or_default();
    *slot = if max { (*slot).max(value) } else { slot.saturating_add(value) };
}

/// What a vendor's scripts were seen doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    SessionReplay,
    CanvasFingerprinting,
    FontFingerprinting,
    Webgl,
    Audio,
    KeyLogging,
}

impl Kind {
    pub fn id(self) -> &'static str {
        match self {
            Kind::SessionReplay => "session-replay",
            Kind::CanvasFingerprinting => "canvas-fingerprinting",
            Kind::FontFingerprinting => "font-fingerprinting",
            Kind::Webgl => "webgl",
            Kind::Audio => "audio",
            Kind::KeyLogging => "key-logging",
        }
    }

    /// The category the behaviour gives its vendor (none: evidence only).
    pub fn category(self) -> Option<Category> {
        match self {
            // Telltale's session replay is scripts that record your mouse, keys and forms.
            Kind::SessionReplay | Kind::KeyLogging => Some(Category::SessionReplay),
            Kind::CanvasFingerprinting | Kind::FontFingerprinting => Some(Category::Fingerprinting),
            Kind::Webgl | Kind::Audio => None,
        }
    }
}

/// One behaviour of one vendor on one page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub kind: Kind,
    /// The site the scripts came from.
    pub vendor: Site,
    /// Served from the page's own site.
    pub first_party: bool,
    /// The vendor's scripts on the page (host and path), up to three.
    pub scripts: Vec<String>,
    /// What was seen, in plain words.
    pub detail: String,
}

fn vendor_of(script: &str, page: &Site) -> Option<Site> {
    if script == "(inline)" {
        return Some(page.clone());
    }
    let host = script.split('/').next()?;
    Site::of(host).ok()
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The behaviours of each vendor on one page, from that page's counts.
pub fn judge(page: &Site, scripts: &BTreeMap<String, BTreeMap<String, u64>>) -> Vec<Finding> {
    let mut by_vendor: BTreeMap<Site, (Vec<String>, BTreeMap<String, u64>)> = BTreeMap::new();
    let mut requests_to: BTreeMap<Site, u64> = BTreeMap::new();
    for (script, counts) in scripts {
        if let Some(site) = script.strip_prefix(REQUESTS_TO) {
            if let Ok(site) = Site::of(site) {
                *requests_to.entry(site).or_default() += counts.values().sum::<u64>();
            }
            continue;
        }
        let Some(vendor) = vendor_of(script, page) else { continue };
        let (names, sum) = by_vendor.entry(vendor).or_default();
        if names.len() < 3 {
            names.push(script.clone());
        }
        for (k, v) in counts {
            let slot = sum.entry(k.clone()).or_default();
            *slot = if k == "font_measure" { (*slot).max(*v) } else { slot.saturating_add(*v) };
        }
    }
    let mut out = Vec::new();
    for (vendor, (scripts, c)) in by_vendor {
        let get = |k: &str| c.get(k).copied().unwrap_or(0);
        let listeners = |events: &[&str]| events.iter().map(|e| get(&format!("listener:{e}"))).sum::<u64>();
        let first_party = vendor == *page;
        let mut found = |kind: Kind, detail: String| out.push(Finding { kind, vendor: vendor.clone(), first_party, scripts: scripts.clone(), detail });
        let (pointer, scroll, keys) = (listeners(&POINTER_EVENTS), listeners(&SCROLL_EVENTS), listeners(&KEY_EVENTS));
        let (observer, snapshots) = (get("mutation_observer"), get("dom_snapshot"));
        // Sent by the vendor's scripts, or to its site as webRequest saw.
        let by_scripts: u64 = c.iter().filter(|(k, _)| k.starts_with("send:") || *k == "beacon").map(|(_, v)| v).sum();
        let sent = by_scripts.max(requests_to.get(&vendor).copied().unwrap_or(0));
        if pointer > 0 && scroll > 0 && keys > 0 && observer + snapshots > 0 && sent > 1 {
            let watch = match (observer > 0, snapshots > 0) {
                (true, true) => "DOM observer and DOM snapshots",
                (true, false) => "DOM observer",
                _ => "DOM snapshots",
            };
            found(
                Kind::SessionReplay,
                format!(
                    "records your mouse, keys and page changes: {}, {}, {watch}, {} sent to {vendor}",
                    plural(pointer + scroll, "mouse and scroll listener", "mouse and scroll listeners"),
                    plural(keys, "key and input listener", "key and input listeners"),
                    plural(sent, "batch", "batches"),
                ),
            );
        }
        let canvas = get("canvas_fingerprint");
        if canvas > 0 {
            found(Kind::CanvasFingerprinting, format!("reads back a canvas it drew text on, as canvas fingerprinting does ({})", plural(canvas, "time", "times")));
        }
        let fonts = get("font_measure");
        if fonts >= u64::from(FONT_MIN) {
            found(Kind::FontFingerprinting, format!("measures text in {fonts} fonts, as font fingerprinting does"));
        }
        let names: Vec<&str> = c.keys().filter_map(|k| k.strip_prefix("webgl:")).collect();
        if !names.is_empty() {
            found(Kind::Webgl, format!("reads the graphics card's name through WebGL ({})", names.join(", ")));
        }
        let nodes: Vec<&str> = c.keys().filter_map(|k| k.strip_prefix("audio:")).collect();
        if !nodes.is_empty() {
            found(Kind::Audio, format!("builds an audio graph of the kind audio fingerprinting uses ({})", nodes.join(", ")));
        }
        out.extend(key_logging(page, &vendor, first_party, &scripts, &c));
    }
    out
}

/// How the probe found a typed value written, in words.
fn encoding_words(encoding: &str) -> &'static str {
    match encoding {
        "plain" => "as typed",
        "url" => "URL-encoded",
        "base64" => "in base64",
        "md5" => "as its MD5 hash",
        "sha1" => "as its SHA-1 hash",
        "sha256" => "as its SHA-256 hash",
        _ => "encoded",
    }
}

/// Key logging by one vendor's scripts on a page: what you typed, sent to a
/// third party before you submitted it. A page's own script sending it makes
/// each receiving third party the key logger.
fn key_logging(page: &Site, vendor: &Site, first_party: bool, scripts: &[String], c: &BTreeMap<String, u64>) -> Vec<Finding> {
    let to: Vec<(Site, u64)> = c
        .iter()
        .filter_map(|(k, v)| Some((Site::of(k.strip_prefix("typed_to:")?).ok()?, *v)))
        .filter(|(site, _)| site != page)
        .collect();
    if to.is_empty() {
        return Vec::new();
    }
    // Field kind → encodings, password first.
    let mut fields: BTreeMap<(u8, &str), Vec<&str>> = BTreeMap::new();
    for k in c.keys() {
        if let Some((field, encoding)) = k.strip_prefix("typed:").and_then(|r| r.split_once(':')) {
            let rank = match field {
                "password" => 0,
                "email" => 1,
                _ => 2,
            };
            fields.entry((rank, field)).or_default().push(encoding_words(encoding));
        }
    }
    let password = fields.keys().any(|(_, f)| *f == "password");
    let what = fields
        .iter()
        .map(|((_, field), enc)| format!("{} {field} field {}", if *field == "email" { "an" } else { "a" }, enc.join(" and ")))
        .collect::<Vec<_>>()
        .join(", ");
    let detail = |sites: &[&Site], n: u64| {
        format!(
            "sends what you type before you submit it{}: {what}, {} to {}",
            if password { ", a password among it" } else { "" },
            plural(n, "time", "times"),
            sites.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "),
        )
    };
    if first_party {
        let by = " (by the page's own script)";
        return to.iter().map(|(site, n)| Finding { kind: Kind::KeyLogging, vendor: site.clone(), first_party: false, scripts: scripts.to_vec(), detail: detail(&[site], *n) + by }).collect();
    }
    let sites: Vec<&Site> = to.iter().map(|(s, _)| s).collect();
    vec![Finding { kind: Kind::KeyLogging, vendor: vendor.clone(), first_party, scripts: scripts.to_vec(), detail: detail(&sites, to.iter().map(|(_, n)| n).sum()) }]
}

/// A time in ms since the epoch as RFC 3339 text to the second (finer would
/// only be noise); empty for a time that is not one.
pub fn rfc3339_seconds(ms: f64) -> String {
    time::OffsetDateTime::from_unix_timestamp((ms / 1000.0).floor() as i64)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_default()
}

/// A behaviour as remembered for its vendor: where and when it was first seen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Seen {
    pub kind: Kind,
    pub detail: String,
    pub page: Site,
    pub scripts: Vec<String>,
    /// Milliseconds since the epoch.
    pub time: f64,
    /// The vendor is the page's own site.
    #[serde(default)]
    pub first_party: bool,
}

impl Seen {
    /// When, as RFC 3339 text to the second (empty for a time that is not one).
    pub fn when(&self) -> String {
        rfc3339_seconds(self.time)
    }

    pub fn evidence(&self) -> crate::evidence::Evidence {
        crate::evidence::Evidence::Behaviour {
            kind: self.kind.id().into(),
            detail: self.detail.clone(),
            page: self.page.clone(),
            scripts: self.scripts.clone(),
            when: self.when(),
            first_party: self.first_party,
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_probe_follows_canvas_text_up_to_the_cores_criteria() {
        // The probe stops following a canvas's text once these are met: the two must agree.
        let probe = include_str!("../extension/injected/probe.js");
        assert!(probe.contains(&format!("const CANVAS_MIN_CHARS = {CANVAS_MIN_CHARS};")));
        assert!(probe.contains(&format!("const CANVAS_MIN_COLOURS = {CANVAS_MIN_COLOURS};")));
    }

    use super::*;

    /// One page's counts, as the auditor keeps them, from (script, signal, count) reports.
    fn page(reports: &[(&str, Signal, u32)]) -> BTreeMap<String, BTreeMap<String, u64>> {
        let mut m: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
        for (script, s, n) in reports {
            record(m.entry((*script).to_owned()).or_default(), s, *n);
        }
        m
    }

    fn l(e: &str) -> Signal {
        Signal::Listener { event: e.into() }
    }

    fn send(via: &str, host: &str) -> Signal {
        Signal::Send { via: via.into(), host: host.into() }
    }

    fn news() -> Site {
        Site::of("news.example").unwrap()
    }

    fn kinds(f: &[Finding]) -> Vec<(Kind, &str, bool)> {
        f.iter().map(|f| (f.kind, f.vendor.as_str(), f.first_party)).collect()
    }

    #[test]
    fn a_recorder_split_across_bundles_is_judged_by_its_site() {
        // The main bundle listens and sends; a lazily loaded recorder observes.
        let p = page(&[
            ("cdn.rec.example/main.js", l("mousemove"), 3),
            ("cdn.rec.example/main.js", l("scroll"), 1),
            ("cdn.rec.example/main.js", l("keydown"), 2),
            ("cdn.rec.example/main.js", l("input"), 2),
            ("cdn.rec.example/main.js", send("fetch", "in.rec.example"), 23),
            ("cdn.rec.example/recorder.js", Signal::MutationObserver, 1),
        ]);
        let f = judge(&news(), &p);
        assert_eq!(kinds(&f), [(Kind::SessionReplay, "rec.example", false)]);
        assert_eq!(f[0].detail, "records your mouse, keys and page changes: 4 mouse and scroll listeners, 4 key and input listeners, DOM observer, 23 batches sent to rec.example");
        assert_eq!(f[0].scripts, ["cdn.rec.example/main.js", "cdn.rec.example/recorder.js"]);
    }

    #[test]
    fn sending_from_a_worker_counts_through_the_requests_webrequest_saw() {
        let mut p = page(&[
            ("rec.example/r.js", l("pointermove"), 1),
            ("rec.example/r.js", l("wheel"), 1),
            ("rec.example/r.js", l("keyup"), 1),
            ("rec.example/r.js", Signal::DomSnapshot, 1),
        ]);
        assert!(judge(&news(), &p).is_empty(), "nothing sent yet");
        p.entry(format!("{REQUESTS_TO}rec.example")).or_default().insert("requests".into(), 1);
        assert!(judge(&news(), &p).is_empty(), "sent once: not during the visit, more than once");
        p.get_mut(&format!("{REQUESTS_TO}rec.example")).unwrap().insert("requests".into(), 5);
        let f = judge(&news(), &p);
        assert_eq!(kinds(&f), [(Kind::SessionReplay, "rec.example", false)]);
        assert!(f[0].detail.contains("DOM snapshots, 5 batches sent to rec.example"), "{}", f[0].detail);
    }

    #[test]
    fn a_bundled_recorder_is_named_as_first_party() {
        let p = page(&[
            ("www.news.example/static/app.js", l("mousemove"), 1),
            ("www.news.example/static/app.js", l("scroll"), 1),
            ("www.news.example/static/app.js", l("change"), 1),
            ("www.news.example/static/app.js", Signal::MutationObserver, 1),
            ("www.news.example/static/app.js", send("xhr", "www.news.example"), 3),
        ]);
        assert_eq!(kinds(&judge(&news(), &p)), [(Kind::SessionReplay, "news.example", true)]);
    }

    #[test]
    fn benign_look_alikes_are_not_flagged() {
        let mut false_positives = 0;
        // An analytics script that counts page views: one beacon, a visibility listener.
        let analytics = page(&[("stats.example/a.js", l("visibilitychange"), 1), ("stats.example/a.js", Signal::Beacon { url: "https://stats.example/hit".into() }, 1)]);
        // A chart drawn on a canvas: text, no read-back.
        let chart = page(&[("charts.example/c.js", Signal::CanvasText, 40), ("charts.example/c.js", l("mousemove"), 1)]);
        // An autocomplete widget: reads what you type, listens to input, sends nothing.
        let autocomplete = page(&[("widgets.example/ac.js", l("input"), 1), ("widgets.example/ac.js", l("keydown"), 1), ("widgets.example/ac.js", Signal::InputRead, 30)]);
        // A form that posts only on submit: what it sends held typing already submitted, so the probe reports a plain send.
        let form = page(&[("forms.example/f.js", l("submit"), 1), ("forms.example/f.js", Signal::InputRead, 3), ("forms.example/f.js", send("fetch", "forms.example"), 1)]);
        // A text logo saved as an image when the user clicks: short text, one colour, in a gesture.
        let logo = page(&[("logo.example/l.js", Signal::CanvasExtract { width: 300, height: 80, chars: 4, colours: 1, save_restore: false, listener: false, user_gesture: true }, 1)]);
        // A drawing app: a large canvas with text in many colours, drawn with save/restore, read on demand.
        let app = page(&[("draw.example/d.js", Signal::CanvasExtract { width: 800, height: 600, chars: 26, colours: 8, save_restore: true, listener: true, user_gesture: false }, 1)]);
        for p in [analytics, chart, autocomplete, form, logo, app] {
            let f = judge(&news(), &p);
            false_positives += f.iter().filter(|f| f.kind.category().is_some()).count();
        }
        assert_eq!(false_positives, 0);
    }

    #[test]
    fn canvas_and_font_fingerprinting_follow_the_study_criteria() {
        let fp = Signal::CanvasExtract { width: 220, height: 30, chars: 36, colours: 2, save_restore: false, listener: false, user_gesture: false };
        let f = judge(&news(), &page(&[("fp.example/fp.js", fp, 1)]));
        assert_eq!(kinds(&f), [(Kind::CanvasFingerprinting, "fp.example", false)]);
        assert_eq!(f[0].kind.category(), Some(Category::Fingerprinting));
        // Each criterion matters: too small, too little text, a listener.
        assert!(!canvas_fingerprint(15, 30, 36, 2, false, false, false));
        assert!(!canvas_fingerprint(220, 30, 9, 1, false, false, false));
        assert!(canvas_fingerprint(220, 30, 9, 2, false, false, false), "2 colours are enough");
        assert!(!canvas_fingerprint(220, 30, 36, 2, false, true, false));
        // Fonts: the most distinct fonts one script measured; 49 is not enough, 50 is.
        let fonts = |n| judge(&news(), &page(&[("fonts.example/f.js", Signal::FontMeasure { fonts: 20 }, 1), ("fonts.example/f.js", Signal::FontMeasure { fonts: n }, 1)]));
        assert!(fonts(49).is_empty());
        assert_eq!(kinds(&fonts(50)), [(Kind::FontFingerprinting, "fonts.example", false)]);
        // WebGL and audio: evidence, no category.
        let f = judge(&news(), &page(&[("gpu.example/g.js", Signal::WebglParam { name: "unmasked_renderer".into() }, 1), ("gpu.example/g.js", Signal::Audio { node: "offline_context".into() }, 1)]));
        assert_eq!(f.iter().map(|f| (f.kind, f.kind.category())).collect::<Vec<_>>(), [(Kind::Webgl, None), (Kind::Audio, None)]);
    }

    fn typed(via: &str, host: &str, fields: &[(&str, &str)]) -> Signal {
        use crate::observe::Typed;
        Signal::TypedSent { via: via.into(), host: host.into(), fields: fields.iter().map(|(f, e)| Typed { field: (*f).into(), encoding: (*e).into() }).collect() }
    }

    #[test]
    fn typing_sent_to_a_third_party_before_submit_is_key_logging() {
        let p = page(&[
            ("cdn.keys.example/k.js", l("input"), 2),
            ("cdn.keys.example/k.js", Signal::InputRead, 12),
            ("cdn.keys.example/k.js", typed("beacon", "in.keys.example", &[("password", "sha256"), ("text", "base64")]), 2),
            ("cdn.keys.example/k.js", typed("beacon", "in.keys.example", &[("text", "base64")]), 1),
        ]);
        let f = judge(&news(), &p);
        assert_eq!(kinds(&f), [(Kind::KeyLogging, "keys.example", false)]);
        assert_eq!(f[0].kind.category(), Some(Category::SessionReplay));
        assert_eq!(
            f[0].detail,
            "sends what you type before you submit it, a password among it: a password field as its SHA-256 hash, a text field in base64, 3 times to keys.example"
        );
        // Every encoding the probe reports has its words; an email field is named.
        let p = page(&[
            ("k.example/k.js", typed("xhr", "k.example", &[("email", "plain"), ("email", "url")]), 1),
            ("k.example/k.js", typed("xhr", "k.example", &[("text", "md5")]), 1),
            ("k.example/k.js", typed("xhr", "k.example", &[("text", "sha1")]), 2),
        ]);
        assert_eq!(judge(&news(), &p)[0].detail, "sends what you type before you submit it: an email field as typed and URL-encoded, a text field as its MD5 hash and as its SHA-1 hash, 4 times to k.example");
    }

    #[test]
    fn the_receiver_of_typing_is_judged_and_the_pages_own_site_is_not_a_key_logger() {
        // A page's own bundle sending your typing to a vendor: the vendor receives it.
        let p = page(&[("www.news.example/app.js", typed("fetch", "collect.vendor.example", &[("text", "plain")]), 4)]);
        let f = judge(&news(), &p);
        assert_eq!(kinds(&f), [(Kind::KeyLogging, "vendor.example", false)]);
        assert!(f[0].detail.ends_with("4 times to vendor.example (by the page's own script)"), "{}", f[0].detail);
        assert_eq!(f[0].scripts, ["www.news.example/app.js"]);
        // Search-as-you-type and saved drafts go to the page's own site: not key logging,
        // whoever's script sends them.
        for script in ["www.news.example/search.js", "widget.example/w.js"] {
            let p = page(&[(script, typed("xhr", "api.news.example", &[("text", "plain")]), 9)]);
            assert!(judge(&news(), &p).is_empty(), "{script}");
        }
        // A destination that is no host (a page's odd URL) is not a site to blame.
        assert!(judge(&news(), &page(&[("k.example/k.js", typed("image", "", &[("text", "plain")]), 1)])).is_empty());
    }

    #[test]
    fn signals_read_as_the_probe_writes_them() {
        assert_eq!(
            serde_json::from_str::<Signal>(r#"{"type": "typed_sent", "via": "beacon", "host": "in.keys.example", "fields": [{"field": "password", "encoding": "sha256"}]}"#).unwrap(),
            typed("beacon", "in.keys.example", &[("password", "sha256")])
        );
        let read = |j: &str| serde_json::from_str::<Signal>(j).unwrap();
        assert_eq!(
            read(r#"{"type": "canvas_extract", "width": 240, "height": 60, "chars": 21, "colours": 2, "save_restore": false, "listener": false, "user_gesture": false}"#),
            Signal::CanvasExtract { width: 240, height: 60, chars: 21, colours: 2, save_restore: false, listener: false, user_gesture: false }
        );
        assert_eq!(read(r#"{"type": "font_measure", "fonts": 60}"#), Signal::FontMeasure { fonts: 60 });
        assert_eq!(read(r#"{"type": "send", "via": "fetch", "host": "ingest.rec.example"}"#), send("fetch", "ingest.rec.example"));
        assert_eq!(read(r#"{"type": "webgl_param", "name": "unmasked_renderer"}"#), Signal::WebglParam { name: "unmasked_renderer".into() });
        assert_eq!(read(r#"{"type": "audio", "node": "oscillator"}"#), Signal::Audio { node: "oscillator".into() });
        assert_eq!(read(r#"{"type": "dom_snapshot"}"#), Signal::DomSnapshot);
        assert_eq!(read(r#"{"type": "forged"}"#), Signal::Forged);
        assert_eq!(read(r#"{"type": "tamper"}"#), Signal::Tamper);
        assert!(serde_json::from_str::<Signal>(r#"{"type": "canvas_extract", "width": "big"}"#).is_err());
    }

    #[test]
    fn a_flood_of_distinct_signals_is_bounded_per_script() {
        let mut counts = BTreeMap::new();
        for i in 0..10_000 {
            record(&mut counts, &Signal::Listener { event: format!("e{i}") }, 1);
        }
        assert_eq!(counts.len(), MAX_KEYS_PER_SCRIPT + 1);
        assert_eq!(counts["(more)"], 10_000 - MAX_KEYS_PER_SCRIPT as u64);
    }
}
