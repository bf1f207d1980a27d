//! Cookie syncing: tracker A's identifier turns up in a request to tracker B.
//!
//! An identifier-like cookie value follows Englehardt and Narayanan's
//! definition ("Online Tracking: A 1-million-site Measurement and
//! Analysis", 2016): 8 to 100 characters, long-lived (more than 90 days),
//! and neither a date nor a word. A value sent in a Cookie header carries no
//! lifetime; it counts unless Telltale saw the same cookie set for a session
//! or for 90 days or less.
//!
//! Values never stay: where an event arrives ([`CookieIds::remember`]) each
//! identifier-like value is hashed with a salt made anew for each auditor
//! (each browser session, each CLI run) and only the hash is kept, in
//! memory; snapshots and the journal never see it. A request's URL (query
//! values, path segments, and the pieces of either) and its referrer are
//! hashed the same way and looked up: a hit on a third party's cookie, in a
//! request to another third party, is a sync from the cookie's owner to the
//! request's site.
//!
//! A URL that carries a known identifier is stored (in the extension's
//! journal) with that value replaced ([`CookieIds::redact`]): a sync URL
//! is the cookie value in another form.

use std::collections::{HashMap, HashSet, VecDeque};
use std::hash::{Hash, Hasher};

use crate::site::Site;

/// Shortest and longest identifier-like values.
pub const ID_MIN_LEN: usize = 8;
pub const ID_MAX_LEN: usize = 100;
/// An identifier lives longer than this (seconds).
pub const ID_MIN_LIFETIME: i64 = 90 * 86_400;

/// Hashed values kept; the oldest go first.
const MAX_IDS: usize = 20_000;
/// Pieces of one URL looked up (a URL cannot make the lookup slow).
const MAX_PIECES: usize = 128;

/// A random key for the hashes of one session.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Salt([u64; 2]);

impl std::fmt::Debug for Salt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Salt(..)")
    }
}

impl Salt {
    /// A salt from random bytes (the extension's `crypto.getRandomValues`).
    pub fn from_bytes(b: [u8; 16]) -> Salt {
        let (x, y) = b.split_at(8);
        Salt([u64::from_le_bytes(x.try_into().unwrap_or_default()), u64::from_le_bytes(y.try_into().unwrap_or_default())])
    }

    /// A salt from the operating system's randomness (std's `RandomState`
    /// keys). In wasm the facade sets one from the browser's instead.
    pub fn random() -> Salt {
        use std::hash::BuildHasher;
        let s = std::collections::hash_map::RandomState::new();
        Salt([s.hash_one(1u8), s.hash_one(2u8)])
    }

    fn hash(&self, value: &str) -> u64 {
        let mut h = std::hash::DefaultHasher::new();
        self.0.hash(&mut h);
        value.hash(&mut h);
        h.finish()
    }
}

/// Is this cookie value identifier-like? `lifetime` in seconds, `None` when
/// unknown (a Cookie header).
pub fn identifier_like(value: &str, lifetime: Option<i64>) -> bool {
    let n = value.chars().count();
    (ID_MIN_LEN..=ID_MAX_LEN).contains(&n) && lifetime.is_none_or(|s| s > ID_MIN_LIFETIME) && !is_date(value) && !is_word(value)
}

/// Dates and times as cookies hold them: Unix times in seconds or
/// milliseconds (2000 to 2100), ISO 8601 and RFC 2822 dates, `12/31/2026`.
fn is_date(v: &str) -> bool {
    use time::format_description::well_known::{Iso8601, Rfc2822, Rfc3339};
    let v = v.trim();
    if v.bytes().all(|b| b.is_ascii_digit()) {
        let Ok(n) = v.parse::<u64>() else {
            return false;
        };
        let (lo, hi) = (946_684_800u64, 4_102_444_800u64);
        return (lo..hi).contains(&n) || (lo * 1000..hi * 1000).contains(&n);
    }
    if time::OffsetDateTime::parse(v, &Rfc3339).is_ok()
        || time::OffsetDateTime::parse(v, &Rfc2822).is_ok()
        || time::PrimitiveDateTime::parse(v, &Iso8601::DEFAULT).is_ok()
        || time::Date::parse(v, &Iso8601::DEFAULT).is_ok()
    {
        return true;
    }
    // 2026-12-31, 31.12.2026, 12/31/2026, with a time after it or not.
    let head: Vec<&str> = v.split([' ', 'T']).next().unwrap_or("").split(['-', '/', '.']).collect();
    head.len() == 3 && head.iter().all(|p| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit())) && head.iter().any(|p| p.len() == 4)
}

/// Words and phrases: letters only (and `-`, `_`, space between them), in
/// one case or capitalised (`accepted`, `en-US`, `DISMISSED`, `Dark_Mode`).
/// An identifier mixes digits in, or changes case at random.
fn is_word(v: &str) -> bool {
    v.split(['-', '_', ' ']).all(|w| {
        let mut c = w.chars();
        match c.next() {
            None => true,
            Some(first) if first.is_alphabetic() => {
                let rest: Vec<char> = c.collect();
                rest.iter().all(|c| c.is_alphabetic()) && (rest.iter().all(|c| c.is_lowercase()) || rest.iter().all(|c| c.is_uppercase()))
            }
            Some(_) => false,
        }
    })
}

/// Whose cookie a hash is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    pub site: Site,
    pub cookie: String,
}

/// A sync found: `from`'s cookie in a request to `to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sync {
    pub from: Site,
    pub to: Site,
    pub cookie: String,
    /// Where the value was: `query`, `path` or `referrer`.
    pub place: &'static str,
}

/// The salted hashes of third parties' identifier-like cookie values.
#[derive(Debug, Clone)]
pub struct CookieIds {
    salt: Salt,
    owners: HashMap<u64, Owner>,
    order: VecDeque<u64>,
    /// (site, cookie name) seen set for a session or a short time.
    short_lived: HashSet<u64>,
}

impl CookieIds {
    pub fn new(salt: Salt) -> CookieIds {
        CookieIds { salt, owners: HashMap::new(), order: VecDeque::new(), short_lived: HashSet::new() }
    }

    pub fn len(&self) -> usize {
        self.owners.len()
    }

    pub fn is_empty(&self) -> bool {
        self.owners.is_empty()
    }

    fn name_key(&self, site: &Site, name: &str) -> u64 {
        self.salt.hash(&format!("{site}\u{0}{name}"))
    }

    /// Keeps the hash of a third party's cookie value if it is identifier-like
    /// (`lifetime` in seconds; `None` for a value in a Cookie header). The
    /// value itself is not kept. Returns whether it was identifier-like.
    pub fn remember(&mut self, owner: &Site, name: &str, value: &str, lifetime: Option<i64>) -> bool {
        let name_key = self.name_key(owner, name);
        match lifetime {
            Some(_) if !identifier_like(value.trim_matches('"'), lifetime) => {
                self.short_lived.insert(name_key);
                return false;
            }
            None if self.short_lived.contains(&name_key) => return false,
            _ => {}
        }
        let mut any = false;
        let value = value.trim_matches('"');
        let decoded = percent_decode(value);
        for v in std::iter::once(value).chain(decoded.as_deref()) {
            if !identifier_like(v, lifetime) {
                continue;
            }
            any = true;
            let h = self.salt.hash(v);
            if self.owners.contains_key(&h) {
                continue;
            }
            if self.owners.len() >= MAX_IDS {
                if let Some(old) = self.order.pop_front() {
                    self.owners.remove(&old);
                }
            }
            self.owners.insert(h, Owner { site: owner.clone(), cookie: name.chars().take(64).collect() });
            self.order.push_back(h);
        }
        any
    }

    /// Reads the cookie values of a Cookie request header; returns whether one was identifier-like.
    pub fn remember_header(&mut self, owner: &Site, header: &str) -> bool {
        let mut any = false;
        for pair in header.split(';') {
            let (name, value) = crate::observe::sent_cookie_pair(pair);
            if !value.is_empty() {
                any |= self.remember(owner, name, value, None);
            }
        }
        any
    }

    /// Reads the cookies of Set-Cookie lines, with their lifetimes
    /// (Max-Age, else Expires against `now_ms`; a session cookie has none).
    pub fn remember_set_cookie(&mut self, owner: &Site, lines: &[String], now_ms: f64) -> bool {
        let mut any = false;
        for line in lines.iter().flat_map(|l| l.split('\n')) {
            let Ok(c) = cookie::Cookie::parse(crate::observe::named(line)) else {
                continue;
            };
            let lifetime = match (c.max_age(), c.expires_datetime()) {
                (Some(a), _) => a.whole_seconds(),
                (None, Some(t)) => t.unix_timestamp() - (now_ms / 1000.0) as i64,
                (None, None) => 0,
            };
            any |= self.remember(owner, c.name(), c.value(), Some(lifetime));
        }
        any
    }

    /// The syncs a request to `to` (a third party on its page) makes: the
    /// owners of identifier values in its URL or referrer, other than `to`.
    pub fn find(&self, to: &Site, url: &url::Url, referrer: Option<&url::Url>) -> Vec<Sync> {
        let mut out: Vec<Sync> = Vec::new();
        if self.owners.is_empty() {
            return out;
        }
        let mut pieces: Vec<(String, &'static str)> = Vec::new();
        let add = |text: &str, place: &'static str, pieces: &mut Vec<(String, &'static str)>| {
            for p in pieces_of(text) {
                if pieces.len() < MAX_PIECES {
                    pieces.push((p.to_owned(), place));
                }
            }
        };
        for (u, query_place, path_place) in std::iter::once((url, "query", "path")).chain(referrer.map(|r| (r, "referrer", "referrer"))) {
            for (_, v) in u.query_pairs() {
                add(&v, query_place, &mut pieces);
            }
            if let Some(segments) = u.path_segments() {
                for s in segments {
                    add(&percent_decode(s).unwrap_or_else(|| s.to_owned()), path_place, &mut pieces);
                }
            }
        }
        for (p, place) in pieces {
            if let Some(o) = self.owners.get(&self.salt.hash(&p)) {
                if o.site != *to && !out.iter().any(|s| s.from == o.site && s.cookie == o.cookie) {
                    out.push(Sync { from: o.site.clone(), to: to.clone(), cookie: o.cookie.clone(), place });
                }
            }
        }
        out
    }
}

impl CookieIds {
    /// Whether a text (a query value, a path segment) holds a known identifier, whole or as a piece.
    fn holds_id(&self, text: &str) -> bool {
        pieces_of(text).take(MAX_PIECES).any(|p| self.owners.contains_key(&self.salt.hash(p)))
    }

    /// The URL with each query value and path segment that holds a known
    /// identifier replaced by [`REDACTED`]; `None` when it holds none (or is
    /// not an absolute URL). Replaying a redacted URL classifies it as
    /// before: lists match hosts, paths and parameter names, not one
    /// browser's identifier.
    pub fn redact(&self, url: &str) -> Option<String> {
        if self.owners.is_empty() {
            return None;
        }
        let mut u = url::Url::parse(url).ok()?;
        let mut changed = false;
        if u.query().is_some() {
            let pairs: Vec<(String, String)> = u.query_pairs().into_owned().collect();
            if pairs.iter().any(|(_, v)| self.holds_id(v)) {
                let kept: Vec<(String, String)> = pairs.into_iter().map(|(k, v)| if self.holds_id(&v) { (k, REDACTED.to_owned()) } else { (k, v) }).collect();
                u.query_pairs_mut().clear().extend_pairs(kept);
                changed = true;
            }
        }
        let segments: Option<Vec<String>> = u.path_segments().map(|s| s.map(str::to_owned).collect());
        if let Some(segments) = segments.filter(|s| s.iter().any(|x| self.holds_id(&percent_decode(x).unwrap_or_else(|| x.clone())))) {
            let path: Vec<&str> = segments.iter().map(|x| if self.holds_id(&percent_decode(x).unwrap_or_else(|| x.clone())) { REDACTED } else { x.as_str() }).collect();
            u.set_path(&path.join("/"));
            changed = true;
        }
        changed.then(|| u.to_string())
    }
}

/// What a stored URL holds where an identifier was.
pub const REDACTED: &str = "(cookie-value)";

/// A text and its pieces between separators, of an identifier's length.
fn pieces_of(text: &str) -> impl Iterator<Item = &str> {
    std::iter::once(text).chain(text.split(['&', '=', ';', ',', '|', ':', '/', '?', ' '])).filter(|p| (ID_MIN_LEN..=ID_MAX_LEN).contains(&p.chars().count()))
}

fn percent_decode(s: &str) -> Option<String> {
    if !s.contains('%') && !s.contains('+') {
        return None;
    }
    let d: String = url::form_urlencoded::parse(format!("v={s}").as_bytes()).next()?.1.into_owned();
    (d != s).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Site {
        Site::of(x).unwrap()
    }

    fn u(x: &str) -> url::Url {
        url::Url::parse(x).unwrap()
    }

    const YEAR: Option<i64> = Some(365 * 86_400);

    #[test]
    fn identifier_like_follows_the_study() {
        assert!(identifier_like("4zru4Xntv0ahXhfx0d9X", YEAR));
        assert!(identifier_like("e93e2f27-e73c-49be-86d3-244c81c0f5f0", None));
        assert!(!identifier_like("4zru4Xn", YEAR), "7 characters");
        assert!(!identifier_like(&"a1".repeat(51), YEAR), "102 characters");
        assert!(!identifier_like("4zru4Xntv0ahXhfx0d9X", Some(90 * 86_400)), "90 days is not more than 90");
        assert!(!identifier_like("4zru4Xntv0ahXhfx0d9X", Some(0)), "a session cookie");
        for date in ["1764633600", "1764633600123", "2026-12-02", "2026-12-02T19:44:55Z", "Wed, 02 Dec 2026 19:44:55 +0000", "12/31/2026", "31.12.2026 10:00"] {
            assert!(!identifier_like(date, YEAR), "{date} is a date");
        }
        for word in ["accepted", "DISMISSED", "en-US-Large", "Dark_Mode", "notifications"] {
            assert!(!identifier_like(word, YEAR), "{word} is a word");
        }
        assert!(identifier_like("12345678", YEAR), "digits outside the dates' range");
        assert!(identifier_like("GA1.2.1234567890.1764633600", YEAR));
    }

    #[test]
    fn a_value_in_another_third_partys_url_is_a_sync() {
        let mut ids = CookieIds::new(Salt::random());
        ids.remember_set_cookie(&s("sync-a.test"), &["uid=AbC123xYz789Q; Max-Age=31536000; Path=/".into()], 0.0);
        assert_eq!(ids.len(), 1);
        let found = ids.find(&s("sync-b.test"), &u("https://match.sync-b.test/px?partner=a&partner_uid=AbC123xYz789Q"), None);
        assert_eq!(found, [Sync { from: s("sync-a.test"), to: s("sync-b.test"), cookie: "uid".into(), place: "query" }]);
        // In the path, URL-encoded inside a value, or in the referrer.
        assert_eq!(ids.find(&s("sync-b.test"), &u("https://sync-b.test/m/AbC123xYz789Q/px.gif"), None)[0].place, "path");
        assert_eq!(ids.find(&s("sync-b.test"), &u("https://sync-b.test/px?r=https%3A%2F%2Fx.test%2F%3Fid%3DAbC123xYz789Q"), None).len(), 1);
        assert_eq!(ids.find(&s("sync-b.test"), &u("https://sync-b.test/px"), Some(&u("https://sync-a.test/s?uid=AbC123xYz789Q")))[0].place, "referrer");
        // The owner's own requests, other values, and prefixes are not syncs.
        assert!(ids.find(&s("sync-a.test"), &u("https://sync-a.test/px?uid=AbC123xYz789Q"), None).is_empty());
        assert!(ids.find(&s("sync-b.test"), &u("https://sync-b.test/px?uid=AbC123xYz789"), None).is_empty());
    }

    #[test]
    fn only_identifier_like_values_are_hashed_and_never_kept() {
        let mut ids = CookieIds::new(Salt::random());
        ids.remember_set_cookie(
            &s("t.test"),
            &["session=Zq8Wm3Kp2Lx9; Path=/".into(), "short=Zq8Wm3Kp2Lx0; Max-Age=600".into(), "consent=accepted; Max-Age=31536000".into(), "when=1764633600; Max-Age=31536000".into()],
            0.0,
        );
        assert!(ids.is_empty(), "a session cookie, a short-lived one, a word and a date");
        // The short-lived cookie sent back later in a Cookie header still does not count.
        ids.remember_header(&s("t.test"), "short=Zq8Wm3Kp2Lx0; id=Zq8Wm3Kp2Lx1");
        assert_eq!(ids.len(), 1);
        assert!(!format!("{ids:?}").contains("Zq8Wm3Kp2Lx1"), "only the hash is kept");
        // Two sessions' salts hash the same value differently.
        assert_ne!(Salt::random().hash("Zq8Wm3Kp2Lx1"), Salt::random().hash("Zq8Wm3Kp2Lx1"));
    }

    #[test]
    fn memory_and_work_stay_bounded() {
        let mut ids = CookieIds::new(Salt::random());
        for i in 0..(MAX_IDS + 500) {
            ids.remember(&s("t.test"), "id", &format!("v{i:012}x"), YEAR);
        }
        assert_eq!(ids.len(), MAX_IDS);
        let long = format!("https://b.test/?{}", (0..5000).map(|i| format!("k{i}=v{i:012}x")).collect::<Vec<_>>().join("&"));
        let found = ids.find(&s("b.test"), &u(&long), None);
        assert!(found.len() <= 1, "one owner and cookie: one sync");
    }
}
