//! The pack format v1, as types: sources, entities, their domains, URL
//! patterns and opt-outs, and the pack that holds them. Reading one from
//! text, with its checks, is check.rs.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Category, FilterList, TrackerList};

/// Where a pack's data comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
}

/// How a pack describes a category (display name and meaning).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryDef {
    pub id: Category,
    pub name: String,
    pub description: String,
}

/// A domain name as packs write it: lower-case, no scheme, no wildcard
/// (a domain always covers its subdomains).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct DomainName(pub(super) String);

impl DomainName {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A normalised host as a pack's domain, unless it cannot be one (see [`domain_problem`]).
    pub fn of_host(h: &crate::site::Host) -> Result<DomainName, &'static str> {
        match domain_problem(h) {
            Some(why) => Err(why),
            None => Ok(DomainName(h.as_str().to_owned())),
        }
    }
}

impl<'de> Deserialize<'de> for DomainName {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<str>::deserialize(d)?;
        match crate::site::Host::parse(&s) {
            Ok(h) if h.as_str() == s.as_ref() => match domain_problem(&h) {
                Some(m) => Err(serde::de::Error::custom(format!("domain {s:?} {m}"))),
                None => Ok(DomainName(s.into_owned())),
            },
            Ok(h) => Err(serde::de::Error::custom(format!(
                "domain {s:?} is not in normal form: expected {:?} (lower case, no port, no trailing dot)",
                h.as_str()
            ))),
            Err(e) => Err(serde::de::Error::custom(format!("expected a domain name such as \"tracker.example\": {e}"))),
        }
    }
}

/// Why a normalised host cannot be a pack's domain, if it cannot: an IPv6
/// literal (the schema's domain pattern has no colon), or a public suffix,
/// which would claim every site under it.
pub(crate) fn domain_problem(h: &crate::site::Host) -> Option<&'static str> {
    if h.as_str().contains(':') {
        return Some("is an IPv6 literal: expected a domain name or an IPv4 address, as the pack schema's domain pattern says");
    }
    if !h.is_ip() && h.registrable_domain().is_none() {
        return Some("is a public suffix (every site under it would match): expected a registrable domain, or a host under one");
    }
    None
}

/// A URL pattern: `host/path-prefix`. It matches a request whose host is
/// `host` or a subdomain of it and whose path starts with the prefix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UrlPattern {
    /// `host` or `host/path-prefix`.
    #[serde(rename = "match")]
    pub pattern: String,
    pub categories: Vec<Category>,
    /// The id of a source in the pack's `sources`, when it differs from the entity's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// What the source says, briefly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
}

impl UrlPattern {
    /// Splits into (host, path prefix starting with '/').
    /// Anything the matcher would not honour is an error, never accepted
    /// and then ignored: a scheme, a port, a query or fragment, a host that
    /// is not in normal form or is a public suffix.
    pub fn parts(&self) -> Result<(String, String), String> {
        let p = &self.pattern;
        if p.contains("://") {
            return Err(format!("pattern {p:?} has a scheme: patterns match any scheme, write host/path"));
        }
        if p.contains(['?', '#']) {
            return Err(format!("pattern {p:?} has a query or fragment: patterns match the path only"));
        }
        let (host, path) = match p.find('/') {
            Some(i) => (&p[..i], &p[i..]),
            None => (p.as_str(), "/"),
        };
        if host.contains(':') && !host.starts_with('[') {
            return Err(format!("pattern {p:?} has a port: patterns match any port"));
        }
        let h = crate::site::Host::parse(host).map_err(|e| format!("pattern {p:?}: {e}"))?;
        if h.as_str() != host {
            return Err(format!("pattern {p:?}: host {host:?} is not in normal form: expected {:?}", h.as_str()));
        }
        if let Some(m) = domain_problem(&h) {
            return Err(format!("pattern {p:?}: host {host:?} {m}"));
        }
        Ok((h.as_str().to_owned(), path.to_owned()))
    }
}

/// A privacy signal a vendor says it honours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PrivacySignal {
    /// Global Privacy Control (`Sec-GPC: 1`, `navigator.globalPrivacyControl`).
    Gpc,
    /// Do Not Track (`DNT: 1`).
    Dnt,
}

/// Where a per-site id for a [`OptOut::JsFlag`] property comes from: a query
/// parameter of the vendor's script URL (`www.googletagmanager.com/gtag/js?id=G-…`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdsFrom {
    /// `host` or `host/path-prefix` of the script.
    #[serde(rename = "match")]
    pub pattern: String,
    /// The query parameter holding the id.
    pub param: String,
}

/// A vendor's own opt-out, or a standard signal it honours. Each names the
/// source that documents it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, tag = "kind", rename_all = "kebab-case")]
pub enum OptOut {
    /// The vendor honours these signals (sent as request headers, and GPC to page scripts).
    Signal {
        signals: Vec<PrivacySignal>,
        source: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        evidence: Option<String>,
    },
    /// A cookie the vendor reads as an opt-out; `domain` is one of the entity's.
    Cookie {
        domain: String,
        name: String,
        value: String,
        source: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        evidence: Option<String>,
    },
    /// The vendor's opt-out page (https), opened for the user.
    Page {
        url: String,
        source: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        evidence: Option<String>,
    },
    /// A window property set in the page's own world before the vendor's
    /// script runs. `{id}` in `property` is filled from [`IdsFrom`].
    JsFlag {
        property: String,
        #[serde(default = "flag_true")]
        value: serde_json::Value,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ids_from: Option<IdsFrom>,
        source: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        evidence: Option<String>,
    },
}

fn flag_true() -> serde_json::Value {
    serde_json::Value::Bool(true)
}

impl OptOut {
    /// The id of the source that documents it.
    pub fn source(&self) -> &str {
        match self {
            OptOut::Signal { source, .. } | OptOut::Cookie { source, .. } | OptOut::Page { source, .. } | OptOut::JsFlag { source, .. } => source,
        }
    }

    /// The source id, to rename it (merging packs).
    pub fn source_mut(&mut self) -> &mut String {
        match self {
            OptOut::Signal { source, .. } | OptOut::Cookie { source, .. } | OptOut::Page { source, .. } | OptOut::JsFlag { source, .. } => source,
        }
    }

    /// The mechanism's kind, as packs name it.
    pub fn kind(&self) -> &'static str {
        match self {
            OptOut::Signal { .. } => "signal",
            OptOut::Cookie { .. } => "cookie",
            OptOut::Page { .. } => "page",
            OptOut::JsFlag { .. } => "js-flag",
        }
    }
}

/// One company or product and what it does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entity {
    pub name: String,
    /// The owning company, for the roll-up; defaults to `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    /// The id of a source in the pack's `sources` that says who owns it,
    /// when that is not the entity's own source (an acquisition's press release).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_source: Option<String>,
    /// What that source says, quoted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_evidence: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub homepage: Option<String>,
    pub domains: Vec<DomainName>,
    pub categories: Vec<Category>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub patterns: Vec<UrlPattern>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub opt_outs: Vec<OptOut>,
    /// The id of a source in the pack's `sources`.
    pub source: String,
}

impl Entity {
    pub fn company(&self) -> &str {
        self.company.as_deref().unwrap_or(&self.name)
    }
}

/// A rule pack, format v1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulePack {
    pub format: String,
    pub name: String,
    pub version: String,
    pub license: String,
    /// Sources by id; entities and patterns refer to them.
    pub sources: BTreeMap<String, Source>,
    #[serde(default)]
    pub categories: Vec<CategoryDef>,
    pub entities: Vec<Entity>,
    /// Filter lists in Adblock Plus syntax (network filters), compiled by Brave's engine.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub filter_lists: Vec<FilterList>,
    /// Tracker lists with per-URL rules and CNAME records (DuckDuckGo's TDS shape).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tracker_lists: Vec<TrackerList>,
}

impl RulePack {
    /// The display definition of a category, if the pack gives one.
    pub fn category_def(&self, c: Category) -> Option<&CategoryDef> {
        self.categories.iter().find(|d| d.id == c)
    }
}
