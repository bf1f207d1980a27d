//! Cookies by name and attributes, never value: Set-Cookie and Cookie
//! headers read as RFC 6265bis reads them.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

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

pub(super) fn clean_name(n: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn cookie_headers_read_as_rfc_6265bis_reads_them() {
        assert_eq!(cookie_names("a=1; UID4zru4Xntv0ahXhfx0d9X;  ; =v; b"), ["a", NAMELESS, NAMELESS, NAMELESS]);
        // Firefox sends a bare Set-Cookie value back as "VALUE=": no name is kept of it.
        assert_eq!(cookie_names("TtBare075f13596b73=; sid=x"), [NAMELESS, "sid"]);
        assert_eq!(sent_cookie_pair("TtBare075f13596b73="), ("", "TtBare075f13596b73"));
        assert_eq!(cookie_pair(" bare "), ("", "bare"));
        assert_eq!(cookie_pair("n = v=w"), ("n", "v=w"));
    }
}
