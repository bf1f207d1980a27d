//! Hostnames and sites: a [`Host`] is a normalised hostname, a [`Site`] is its
//! registrable domain (eTLD+1) under the Public Suffix List, private section included.
//!
//! Every later module takes these types, never raw strings, so normalisation
//! (case, trailing dot, port, brackets, IDN → punycode) happens exactly once.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::OnceLock;

use publicsuffix::{List, Psl};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The Public Suffix List shipped in `rules/`, embedded at build time with its
/// rules in punycode (build.rs), so parsing it needs no IDNA work.
const PSL_TEXT: &str = include_str!(concat!(env!("OUT_DIR"), "/public_suffix_list.ascii.dat"));

fn psl() -> &'static List {
    static LIST: OnceLock<List> = OnceLock::new();
    LIST.get_or_init(|| {
        PSL_TEXT
            .parse()
            .expect("the embedded Public Suffix List is checked by the test suite")
    })
}

/// Parses the embedded list now rather than on first lookup (the extension
/// calls this while it starts, so the first request is not slowed down).
pub fn warm_up() {
    let _ = psl();
}

/// Why a string is not a usable hostname.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostError {
    Empty,
    TooLong(usize),
    Invalid(String),
}

impl fmt::Display for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HostError::Empty => write!(f, "empty hostname"),
            HostError::TooLong(n) => write!(f, "hostname of {n} bytes is longer than 253"),
            HostError::Invalid(h) => write!(f, "not a valid hostname: {h:?}"),
        }
    }
}

impl std::error::Error for HostError {}

/// A normalised hostname: lower-case ASCII (IDNs in punycode), no trailing dot,
/// no port, IPv6 literals without brackets.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Host(String);

impl Host {
    /// Normalises `raw`, which may carry a port (`example.com:8080`), brackets
    /// (`[::1]:443`), a trailing dot, upper case, or Unicode labels.
    pub fn parse(raw: &str) -> Result<Host, HostError> {
        match normal_form(raw) {
            Some(h) => Ok(Host(h.to_owned())),
            None => Host::parse_slow(raw),
        }
    }

    fn parse_slow(raw: &str) -> Result<Host, HostError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(HostError::Empty);
        }
        // IPv6 literal, with or without brackets and port.
        if let Some(rest) = raw.strip_prefix('[') {
            let end = rest.find(']').ok_or_else(|| HostError::Invalid(truncate(raw)))?;
            let ip: Ipv6Addr = rest[..end].parse().map_err(|_| HostError::Invalid(truncate(raw)))?;
            return Ok(Host(ip.to_string()));
        }
        if raw.matches(':').count() > 1 {
            if let Ok(ip) = raw.parse::<Ipv6Addr>() {
                return Ok(Host(ip.to_string()));
            }
            return Err(HostError::Invalid(truncate(raw)));
        }
        let name = match raw.rsplit_once(':') {
            Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
            Some(_) => return Err(HostError::Invalid(truncate(raw))),
            None => raw,
        };
        let name = name.strip_suffix('.').unwrap_or(name);
        if name.is_empty() {
            return Err(HostError::Empty);
        }
        if name.len() > 253 * 4 {
            return Err(HostError::TooLong(name.len()));
        }
        let ascii = if name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_')
            && !name.bytes().any(|b| b.is_ascii_uppercase())
            && !name.contains("xn--")
        {
            name.to_owned()
        } else {
            // UTS #46 processing: case folding, Unicode → punycode, validation.
            idna::domain_to_ascii(name).map_err(|_| HostError::Invalid(truncate(raw)))?
        };
        if ascii.is_empty() {
            return Err(HostError::Empty);
        }
        if ascii.len() > 253 {
            return Err(HostError::TooLong(ascii.len()));
        }
        if ascii.split('.').any(|l| l.is_empty() || l.len() > 63)
            || !ascii.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_')
        {
            return Err(HostError::Invalid(truncate(raw)));
        }
        Ok(Host(ascii))
    }

    /// The host of a URL that the `url` crate has already parsed and normalised.
    pub fn of_url(url: &url::Url) -> Option<Host> {
        match url.host()? {
            url::Host::Domain(d) => Host::parse(d).ok(),
            url::Host::Ipv4(ip) => Some(Host(ip.to_string())),
            url::Host::Ipv6(ip) => Some(Host(ip.to_string())),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True for IPv4 and IPv6 literals.
    pub fn is_ip(&self) -> bool {
        is_ip_literal(&self.0)
    }

    /// The registrable domain (eTLD+1) of this host, or `None` when it has
    /// none: IP literals, single labels such as `localhost`, and public
    /// suffixes themselves (`co.uk`, `github.io`).
    pub fn registrable_domain(&self) -> Option<&str> {
        registrable_domain_of_normal(&self.0)
    }

    /// The site this host belongs to.
    pub fn site(&self) -> Site {
        Site(self.registrable_domain().unwrap_or(&self.0).to_owned())
    }

    /// This host and each parent domain, longest first: `a.b.c` → `a.b.c`, `b.c`, `c`.
    pub fn ancestors(&self) -> impl Iterator<Item = &str> {
        let s = self.0.as_str();
        let ip = self.is_ip();
        std::iter::successors(Some(s), move |cur| {
            if ip {
                return None;
            }
            cur.find('.').map(|i| &cur[i + 1..])
        })
    }
}

/// `raw` itself when it is already a hostname in normal form (lower-case
/// ASCII letters, digits, `-` and `_`, labels of 1 to 63 bytes, at most 253
/// bytes, no punycode label), with a trailing dot dropped. This is nearly every
/// hostname a browser reports, and it needs no allocation and no IDNA work.
fn normal_form(raw: &str) -> Option<&str> {
    let s = raw.strip_suffix('.').unwrap_or(raw);
    let b = s.as_bytes();
    if b.is_empty() || b.len() > 253 {
        return None;
    }
    let mut label = 0usize;
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'a'..=b'z' | b'0'..=b'9' | b'_' => label += 1,
            b'-' => {
                // `xn--`: punycode labels go through IDNA validation.
                if label == 3 && &b[i - 3..i] == b"xn-" {
                    return None;
                }
                label += 1;
            }
            b'.' if label > 0 => {
                label = 0;
                continue;
            }
            _ => return None,
        }
        if label > 63 {
            return None;
        }
    }
    (label > 0).then_some(s)
}

fn is_ip_literal(h: &str) -> bool {
    // No top-level domain ends in a digit, so only such hosts can be IPv4.
    h.contains(':') || (h.ends_with(|c: char| c.is_ascii_digit()) && h.parse::<Ipv4Addr>().is_ok())
}

fn registrable_domain_of_normal(h: &str) -> Option<&str> {
    if !h.contains('.') || is_ip_literal(h) {
        return None;
    }
    let d = psl().domain(h.as_bytes())?;
    // `domain` returns a suffix of the input: slice it to avoid a copy.
    Some(&h[h.len() - d.as_bytes().len()..])
}

/// The registrable domain of a raw hostname, without allocating when the
/// hostname is already in normal form. For bulk lookups.
pub fn with_registrable_domain<R>(raw: &str, f: impl FnOnce(Option<&str>) -> R) -> R {
    match normal_form(raw) {
        Some(h) => f(registrable_domain_of_normal(h)),
        None => match Host::parse_slow(raw) {
            Ok(h) => f(h.registrable_domain()),
            Err(_) => f(None),
        },
    }
}

fn truncate(s: &str) -> String {
    if s.len() <= 80 {
        s.to_owned()
    } else {
        let mut end = 80;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}…", &s[..end])
    }
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A registrable domain (`nytimes.com`, `bbc.co.uk`, `user.github.io`), or the
/// whole host where there is none (an IP literal, `localhost`). Two requests
/// are first party to each other exactly when their sites are equal.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Site(String);

impl Site {
    /// The site of a raw hostname (any case, port, IDN form).
    pub fn of(raw_host: &str) -> Result<Site, HostError> {
        Ok(Host::parse(raw_host)?.site())
    }

    /// The site of a URL; `None` for URLs without a host (`data:`, `about:`, `blob:` of an opaque origin).
    pub fn of_url(url: &url::Url) -> Option<Site> {
        Host::of_url(url).map(|h| h.site())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Site {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Site {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Site {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<str>::deserialize(d)?;
        Site::of(&s).map_err(serde::de::Error::custom)
    }
}

impl Serialize for Host {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Host {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<str>::deserialize(d)?;
        Host::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Whether `a` and `b` are third parties to each other.
pub fn is_third_party(a: &Site, b: &Site) -> bool {
    a != b
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(h: &str) -> String {
        Site::of(h).unwrap().0
    }

    /// Runs the official vectors: `input expected` (tests.txt) or
    /// `checkPublicSuffix('input', 'expected');` (test_psl.txt).
    fn vectors(path: &str) -> Vec<(Option<String>, Option<String>)> {
        let text = std::fs::read_to_string(path).expect("../shared/data/psl is beside the project");
        let mut out = Vec::new();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with("//") {
                continue;
            }
            let parts: Vec<Option<String>> = if let Some(args) = line.strip_prefix("checkPublicSuffix(") {
                args.trim_end_matches(");")
                    .split(", ")
                    .map(|a| (a != "null").then(|| a.trim_matches('\'').to_owned()))
                    .collect()
            } else {
                line.split_whitespace().map(|a| (a != "null").then(|| a.to_owned())).collect()
            };
            assert_eq!(parts.len(), 2, "bad vector line {line:?}");
            out.push((parts[0].clone(), parts[1].clone()));
        }
        out
    }

    fn check(path: &str) {
        let v = vectors(path);
        assert!(v.len() > 70, "{path}: only {} vectors", v.len());
        for (input, expected) in v {
            let got = input.as_deref().and_then(|i| {
                // A leading dot is not a hostname.
                if i.starts_with('.') {
                    return None;
                }
                Host::parse(i).ok().and_then(|h| h.registrable_domain().map(str::to_owned))
            });
            // Expected values are in the input's form; compare in punycode.
            let expected = expected.map(|e| idna::domain_to_ascii(&e).unwrap());
            assert_eq!(got, expected, "{path}: {input:?}");
        }
    }

    #[test]
    fn official_vectors_tests_txt() {
        check("../shared/data/psl/tests.txt");
    }

    #[test]
    fn official_vectors_test_psl_txt() {
        check("../shared/data/psl/test_psl.txt");
    }

    #[test]
    fn private_section_is_used() {
        assert_eq!(site("alice.github.io"), "alice.github.io");
        assert_eq!(site("x.alice.blogspot.com"), "alice.blogspot.com");
        assert_eq!(Host::parse("github.io").unwrap().registrable_domain(), None);
    }

    #[test]
    fn ip_literals_localhost_and_single_labels() {
        assert_eq!(site("127.0.0.1"), "127.0.0.1");
        assert_eq!(site("127.0.0.1:8080"), "127.0.0.1");
        assert_eq!(site("[::1]:443"), "::1");
        assert_eq!(site("2001:DB8::1"), "2001:db8::1");
        assert_eq!(site("localhost"), "localhost");
        assert_eq!(site("LOCALHOST.:3000"), "localhost");
        assert_eq!(site("intranet"), "intranet");
        assert!(Host::parse("127.0.0.1").unwrap().is_ip());
    }

    #[test]
    fn case_trailing_dot_and_port() {
        assert_eq!(site("WWW.NYTimes.COM."), "nytimes.com");
        assert_eq!(site("static.bbc.co.uk:8443"), "bbc.co.uk");
    }

    #[test]
    fn idn_in_unicode_and_punycode_give_the_same_site() {
        assert_eq!(site("www.食狮.公司.cn"), site("www.xn--85x722f.xn--55qx5d.cn"));
        assert_eq!(site("Bücher.example.de"), site("xn--bcher-kva.example.de"));
        assert_eq!(site("bücher.de"), "xn--bcher-kva.de");
    }

    #[test]
    fn hostile_hosts_are_errors_not_panics() {
        for bad in ["", " ", "a..b", "<script>.com", "evil\"host.com", "[::1", "host:port", "a:b:c", ".", ":80"] {
            assert!(Host::parse(bad).is_err(), "{bad:?} accepted");
        }
        let giant = "a".repeat(100_000) + ".com";
        assert!(matches!(Host::parse(&giant), Err(HostError::TooLong(_))));
    }

    #[test]
    fn third_party_means_different_sites() {
        let a = Site::of("www.nytimes.com").unwrap();
        let b = Site::of("static01.nytimes.com").unwrap();
        let c = Site::of("nyt.com").unwrap();
        assert!(!is_third_party(&a, &b));
        assert!(is_third_party(&a, &c));
    }

    #[test]
    fn fast_and_slow_paths_agree() {
        for h in ["a.b.example.com", "x_y.example.org", "a-b.co.uk", "1.2.3.4", "a.xn--bcher-kva.de", "A.example.com", "a.example.com.", "a.example.com:80", "a..b", "-", "é.fr"] {
            let fast = with_registrable_domain(h, |d| d.map(str::to_owned));
            let slow = Host::parse_slow(h).ok().and_then(|h| h.registrable_domain().map(str::to_owned));
            assert_eq!(fast, slow, "{h}");
            assert_eq!(Host::parse(h).ok(), Host::parse_slow(h).ok(), "{h}");
        }
        let long_label = format!("{}.com", "a".repeat(64));
        assert!(normal_form(&long_label).is_none() && Host::parse(&long_label).is_err());
    }

    #[test]
    fn ancestors_walk_up_the_labels() {
        let h = Host::parse("a.b.example.com").unwrap();
        assert_eq!(h.ancestors().collect::<Vec<_>>(), ["a.b.example.com", "b.example.com", "example.com", "com"]);
        let ip = Host::parse("10.0.0.1").unwrap();
        assert_eq!(ip.ancestors().count(), 1);
    }
}
