//! Rule packs: the v1 JSON format, loading with located errors, and the
//! compiled index the classifier queries.
//!
//! A pack is data. Every entity names a source declared in the pack's
//! `sources`; nothing in a pack is a fact without one. The schema is
//! `rules/telltale-rules-v1.schema.json`.

pub mod build;
pub mod compiled;
pub mod filters;
pub mod import;
mod index;
mod manage;
pub mod tds;

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

pub use filters::FilterList;
pub use index::{FilterMatch, ListDecision, Match, PatternRef, RuleIndex};
pub use tds::TrackerList;
pub use manage::{info, merge, summary, summary_counted, Summary, TrackerListCounts};

/// The format tag every v1 pack carries in `"format"`.
pub const FORMAT_V1: &str = "telltale-rules/1";

/// The default pack, built from public data by `telltale rules build` (see rules/README.md).
pub const DEFAULT_PACK: &str = include_str!("../../rules/default.json");
pub const DEFAULT_PACK_NAME: &str = "rules/default.json";

/// The default pack's filter-list layer: EasyPrivacy, imported by `telltale
/// rules import --from abp` (rules/README.md). Native builds embed it; the
/// extension ships it compiled (`rules/easyprivacy.ttpack`) and loads that.
#[cfg(not(target_arch = "wasm32"))]
pub const DEFAULT_FILTERS: &str = include_str!("../../rules/easyprivacy.json");
pub const DEFAULT_FILTERS_NAME: &str = "rules/easyprivacy.json";

/// The default pack's advertising layer: EasyList's sections for third-party
/// ad servers and their exceptions ([`EASYLIST_SECTIONS`]), imported the same
/// way. Loaded before EasyPrivacy, so a request both block is EasyPrivacy's.
/// The extension ships it compiled too (`rules/easylist.ttpack`).
#[cfg(not(target_arch = "wasm32"))]
pub const DEFAULT_AD_FILTERS: &str = include_str!("../../rules/easylist.json");
pub const DEFAULT_AD_FILTERS_NAME: &str = "rules/easylist.json";
/// The sections of EasyList the advertising layer takes: ad servers and
/// third-party ad paths, general and adult, with the allowlists that lift
/// their blocks on sites they would break. Element hiding, popups and the
/// generic first-party path rules are left out.
pub const EASYLIST_SECTIONS: [&str; 6] = ["easylist_adservers", "adult_adservers", "easylist_thirdparty", "adult_thirdparty", "easylist_allowlist", "adult_allowlist"];

/// Telltale's categories. The ids are stable: exports and packs rely on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    SessionReplay,
    Retargeting,
    Advertising,
    Analytics,
    Social,
    Fingerprinting,
    CrossSiteCookies,
    /// Named as tracking by a list that does not say how (EasyPrivacy, say).
    Tracking,
    TagManager,
    Consent,
    Content,
    Cdn,
    Other,
}

impl Category {
    pub const ALL: [Category; 13] = [
        Category::SessionReplay,
        Category::Retargeting,
        Category::Advertising,
        Category::Analytics,
        Category::Social,
        Category::Fingerprinting,
        Category::CrossSiteCookies,
        Category::Tracking,
        Category::TagManager,
        Category::Consent,
        Category::Content,
        Category::Cdn,
        Category::Other,
    ];

    /// The stable id, as in packs and exports.
    pub fn id(self) -> &'static str {
        match self {
            Category::SessionReplay => "session-replay",
            Category::Retargeting => "retargeting",
            Category::Advertising => "advertising",
            Category::Analytics => "analytics",
            Category::Social => "social",
            Category::Fingerprinting => "fingerprinting",
            Category::CrossSiteCookies => "cross-site-cookies",
            Category::Tracking => "tracking",
            Category::TagManager => "tag-manager",
            Category::Consent => "consent",
            Category::Content => "content",
            Category::Cdn => "cdn",
            Category::Other => "other",
        }
    }

    pub fn from_id(id: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.id() == id)
    }

    /// Whether a third party in this category follows people: these make it
    /// a tracker. A tag loader is one, whoever makes it: it exists to run
    /// trackers on the page, and it is the same kind of thing for Google as
    /// for Tealium (rules/README.md, "Tag loaders").
    pub fn is_tracking(self) -> bool {
        matches!(
            self,
            Category::SessionReplay
                | Category::Retargeting
                | Category::Advertising
                | Category::Analytics
                | Category::Social
                | Category::Fingerprinting
                | Category::CrossSiteCookies
                | Category::Tracking
                | Category::TagManager
        )
    }
}

/// Adds categories to a set. `tracking` only says that a list calls a third
/// party tracking; once another tracking category says how, it is dropped.
pub fn merge_categories(set: &mut std::collections::BTreeSet<Category>, more: impl IntoIterator<Item = Category>) {
    set.extend(more);
    if set.contains(&Category::Tracking) && set.iter().filter(|c| c.is_tracking()).count() > 1 {
        set.remove(&Category::Tracking);
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

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
pub struct DomainName(String);

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

    /// What is wrong with it for `entity`, beyond its shape: a cookie for a
    /// domain the entity does not own, a page that is not https, an empty flag.
    fn check(&self, entity: &Entity) -> Result<(), (String, String)> {
        match self {
            OptOut::Signal { signals, .. } if signals.is_empty() => {
                Err(("\"signals\"".into(), "opt-out signal names no signal: expected [\"gpc\"], [\"dnt\"] or both".into()))
            }
            OptOut::Cookie { domain, name, .. } => {
                let owned = crate::site::Host::parse(domain).ok().is_some_and(|h| {
                    h.ancestors().any(|a| entity.domains.iter().any(|d| d.as_str() == a))
                });
                if !owned {
                    return Err((
                        format!("\"{}\"", json_escape(domain)),
                        format!(
                            "opt-out cookie is for {domain:?}, which entity {:?} does not own: expected one of its domains {:?} or a subdomain",
                            entity.name,
                            entity.domains.iter().map(DomainName::as_str).collect::<Vec<_>>()
                        ),
                    ));
                }
                if name.is_empty() || name.contains(|c: char| c.is_control() || "=; ,\t".contains(c)) {
                    return Err((format!("\"{}\"", json_escape(name)), format!("opt-out cookie name {name:?} is not a cookie name")));
                }
                Ok(())
            }
            OptOut::Page { url, .. } => match url::Url::parse(url) {
                Ok(u) if u.scheme() == "https" && u.host_str().is_some() => Ok(()),
                _ => Err((format!("\"{}\"", json_escape(url)), format!("opt-out page {url:?} is not an https URL: expected https://…"))),
            },
            OptOut::JsFlag { property, value, ids_from, .. } => {
                if property.trim().is_empty() {
                    return Err(("\"property\"".into(), "js-flag property is empty: expected a window property name".into()));
                }
                if !(value.is_boolean() || value.is_string() || value.is_number()) {
                    return Err(("\"value\"".into(), "js-flag value must be true/false, a string or a number".into()));
                }
                match (property.contains("{id}"), ids_from) {
                    (true, None) => Err((
                        format!("\"{}\"", json_escape(property)),
                        format!("js-flag property {property:?} has {{id}} but no \"ids_from\": expected {{\"match\": \"host/path\", \"param\": \"id\"}}"),
                    )),
                    (false, Some(_)) => Err((
                        "\"ids_from\"".into(),
                        format!("js-flag property {property:?} has no {{id}} for \"ids_from\" to fill"),
                    )),
                    (_, Some(i)) => {
                        let p = UrlPattern { pattern: i.pattern.clone(), categories: vec![], source: None, evidence: None };
                        p.parts().map(|_| ()).map_err(|m| (format!("\"{}\"", json_escape(&i.pattern)), format!("{m}: expected host or host/path")))?;
                        if i.param.is_empty() {
                            return Err(("\"param\"".into(), "ids_from has an empty \"param\": expected a query parameter name".into()));
                        }
                        Ok(())
                    }
                    (false, None) => Ok(()),
                }
            }
            _ => Ok(()),
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

pub use crate::error::InputError;

/// The largest pack Telltale reads: far above any list people keep (the
/// default pack is 0.3 MB, EasyList 3 MB), far below what exhausts memory.
pub const MAX_PACK_BYTES: usize = 128 << 20;

/// The text of a rule list (a file, standard input): at most
/// [`MAX_PACK_BYTES`], and UTF-8 (a bad byte is given its line and column).
pub fn read_text(file: &str, reader: impl std::io::Read) -> Result<String, InputError> {
    let at = |line, column, message: String| InputError::at(file, line, column, message);
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut std::io::Read::take(reader, MAX_PACK_BYTES as u64 + 1), &mut bytes).map_err(|e| at(0, 0, format!("read error: {e}")))?;
    if bytes.len() > MAX_PACK_BYTES {
        return Err(at(1, 1, format!("larger than {} MB: expected a rule pack (Telltale reads packs up to that size)", MAX_PACK_BYTES >> 20)));
    }
    String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
        let last = good.iter().rposition(|&b| b == b'\n').map_or(good, |i| &good[i + 1..]);
        let column = String::from_utf8_lossy(last).chars().count() + 1;
        at(line, column, "invalid UTF-8: expected a UTF-8 text file".into())
    })
}

impl RulePack {
    /// Reads a native pack: [`read_text`], then [`RulePack::parse`].
    pub fn read(file: &str, reader: impl std::io::Read) -> Result<RulePack, InputError> {
        RulePack::parse(file, &read_text(file, reader)?)
    }

    /// Parses and validates a pack. `file` names it in errors. A leading
    /// byte-order mark is allowed (columns then count from after it).
    pub fn parse(file: &str, text: &str) -> Result<RulePack, InputError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if text.len() > MAX_PACK_BYTES {
            return Err(InputError::at(file, 1, 1, format!("larger than {} MB: expected a rule pack", MAX_PACK_BYTES >> 20)));
        }
        let pack: RulePack = serde_json::from_str(text).map_err(|e| InputError {
            file: file.to_owned(),
            line: e.line(),
            // At the end of the text serde_json says column 0: the end is the column after the last character.
            column: if e.column() == 0 { end_column(text, e.line()) } else { e.column() },
            message: describe_json_error(&e),
        })?;
        pack.validate(file, text)?;
        Ok(pack)
    }

    /// Parses the embedded default pack without the located checks of
    /// [`RulePack::parse`]: the test suite runs those on it, and the
    /// extension's start-up is faster without them.
    pub fn default_pack() -> RulePack {
        serde_json::from_str(DEFAULT_PACK).expect("the default pack is checked by the test suite")
    }

    /// The default pack's EasyPrivacy layer, parsed like [`RulePack::default_pack`].
    #[cfg(not(target_arch = "wasm32"))]
    pub fn default_filters() -> RulePack {
        serde_json::from_str(DEFAULT_FILTERS).expect("the default filter layer is checked by the test suite")
    }

    /// The default pack's EasyList advertising layer, parsed the same way.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn default_ad_filters() -> RulePack {
        serde_json::from_str(DEFAULT_AD_FILTERS).expect("the default advertising layer is checked by the test suite")
    }

    /// Checks what serde cannot: the format tag, source references,
    /// duplicate domains, pattern syntax. Errors point at the offending text.
    fn validate(&self, file: &str, text: &str) -> Result<(), InputError> {
        let err = |needle: &str, span: (usize, usize), message: String| {
            let (line, column) = locate(text, needle, span);
            InputError::at(file, line, column, message)
        };
        if self.format != FORMAT_V1 {
            return Err(err(
                &format!("\"{}\"", self.format),
                (0, text.len()),
                format!("unsupported format {:?}: expected \"{FORMAT_V1}\"", self.format),
            ));
        }
        let mut seen_domains: BTreeMap<&str, &str> = BTreeMap::new();
        // Where each entity is in the text, found in one pass, so located
        // errors point inside it at a cost bounded by its own size.
        let spans = entity_spans(text);
        for (i, entity) in self.entities.iter().enumerate() {
            let cursor = spans.get(i).copied().unwrap_or((0, text.len()));
            if entity.name.trim().is_empty() {
                return Err(err("\"name\"", cursor, "entity name is empty: expected a company or product name".into()));
            }
            if !self.sources.contains_key(&entity.source) {
                return Err(err(
                    &format!("\"{}\"", json_escape(&entity.source)),
                    cursor,
                    format!(
                        "entity {:?} names source {:?}, which is not in \"sources\": expected one of {:?}",
                        entity.name,
                        entity.source,
                        self.sources.keys().collect::<Vec<_>>()
                    ),
                ));
            }
            if let Some(s) = &entity.company_source {
                if !self.sources.contains_key(s) {
                    return Err(err(&format!("\"{}\"", json_escape(s)), cursor, format!("entity {:?}: company_source {s:?} is not in \"sources\"", entity.name)));
                }
            }
            if entity.domains.is_empty() && entity.patterns.is_empty() {
                return Err(err(
                    "\"domains\"",
                    cursor,
                    format!("entity {:?} has no domains and no patterns: expected at least one", entity.name),
                ));
            }
            for d in &entity.domains {
                if let Some(other) = seen_domains.insert(d.as_str(), &entity.name) {
                    return Err(err(
                        &format!("\"{}\"", d.as_str()),
                        cursor,
                        format!("domain {:?} is claimed by both {:?} and {:?}: expected each domain once per pack", d.as_str(), other, entity.name),
                    ));
                }
            }
            for p in &entity.patterns {
                if let Err(m) = p.parts() {
                    return Err(err(&format!("\"{}\"", json_escape(&p.pattern)), cursor, format!("{m}: expected host or host/path")));
                }
                if p.categories.is_empty() {
                    return Err(err(&format!("\"{}\"", json_escape(&p.pattern)), cursor, "pattern has no categories: expected at least one".into()));
                }
                if let Some(s) = &p.source {
                    if !self.sources.contains_key(s) {
                        return Err(err(&format!("\"{}\"", json_escape(s)), cursor, format!("pattern names source {s:?}, which is not in \"sources\"")));
                    }
                }
            }
            for o in &entity.opt_outs {
                let s = o.source();
                if !self.sources.contains_key(s) {
                    return Err(err(&format!("\"{}\"", json_escape(s)), cursor, format!("opt-out names source {s:?}, which is not in \"sources\"")));
                }
                if let Err((needle, message)) = o.check(entity) {
                    return Err(err(&needle, cursor, message));
                }
            }
        }
        // Filter lists come after the entities in every pack Telltale writes;
        // errors are searched for from the key on.
        let lists_at = text.find("\"filter_lists\"").unwrap_or(0);
        for list in &self.filter_lists {
            let cursor = (lists_at, text.len());
            let name = format!("\"{}\"", json_escape(&list.name));
            if !self.sources.contains_key(&list.source) {
                return Err(err(&name, cursor, format!("filter list {:?} names source {:?}, which is not in \"sources\"", list.name, list.source)));
            }
            if list.categories.is_empty() {
                return Err(err(&name, cursor, format!("filter list {:?} has no categories: expected at least one, such as [\"tracking\"]", list.name)));
            }
            for f in &list.filters {
                let problem = match filters::line_kind(f) {
                    filters::LineKind::Network => continue,
                    filters::LineKind::Cosmetic => "is an element-hiding filter: a pack holds network filters only".to_owned(),
                    filters::LineKind::Comment => "is a comment or blank: a pack holds network filters only".to_owned(),
                    filters::LineKind::Invalid(why) => format!("is not a filter Brave's engine reads ({why})"),
                };
                return Err(err(&format!("\"{}\"", json_escape(f)), cursor, format!("filter {f:?} in list {:?} {problem}", list.name)));
            }
        }
        self.validate_tracker_lists(file, text)
    }

    /// Tracker lists: sources, owners, host names in normal form, rules
    /// that compile, known request types. Errors are searched for from the
    /// `"tracker_lists"` key on, where every pack Telltale writes has them.
    fn validate_tracker_lists(&self, file: &str, text: &str) -> Result<(), InputError> {
        if self.tracker_lists.is_empty() {
            return Ok(());
        }
        let from = text.find("\"tracker_lists\"").unwrap_or(0);
        let err = |needle: &str, message: String| {
            let (line, column) = locate(text, &format!("\"{}\"", json_escape(needle)), (from, text.len()));
            InputError::at(file, line, column, message)
        };
        let entity_names: std::collections::HashSet<&str> = self.entities.iter().map(|e| e.name.as_str()).collect();
        let host_in_normal_form = |h: &str| crate::site::Host::parse(h).is_ok_and(|x| x.as_str() == h) && h.contains('.');
        for list in &self.tracker_lists {
            if !self.sources.contains_key(&list.source) {
                return Err(err(&list.name, format!("tracker list {:?} names source {:?}, which is not in \"sources\"", list.name, list.source)));
            }
            let mut seen = std::collections::HashSet::new();
            for t in &list.trackers {
                if !host_in_normal_form(&t.domain) {
                    return Err(err(&t.domain, format!("tracker domain {:?} is not a host name in normal form: expected lower-case labels such as \"tracker.example\"", t.domain)));
                }
                if !seen.insert(t.domain.as_str()) {
                    return Err(err(&t.domain, format!("tracker {:?} is listed twice in tracker list {:?}: expected each tracker once", t.domain, list.name)));
                }
                if let Some(o) = t.owner.as_deref().filter(|o| !entity_names.contains(o)) {
                    return Err(err(o, format!("tracker {:?} names owner {o:?}, which is not an entity of this pack", t.domain)));
                }
                for r in &t.rules {
                    if let Err(why) = tds::compile_rule(&r.rule) {
                        return Err(err(&r.rule, format!("rule {:?} of tracker {:?} is not a regular expression Telltale can match: {why}", r.rule, t.domain)));
                    }
                    for scope in r.options.iter().chain(r.exceptions.iter()) {
                        if let Some(ty) = scope.types.iter().find(|x| !tds::TYPE_NAMES.contains(&x.as_str())) {
                            return Err(err(ty, format!("request type {ty:?} in a rule of tracker {:?} is not a webRequest type: expected one of {:?}", t.domain, tds::TYPE_NAMES)));
                        }
                        if let Some(d) = scope.domains.iter().find(|d| !host_in_normal_form(d)) {
                            return Err(err(d, format!("domain {d:?} in a rule of tracker {:?} is not a host name in normal form", t.domain)));
                        }
                    }
                }
            }
            for (from_host, to_host) in &list.cnames {
                if let Some(h) = [from_host, to_host].into_iter().find(|h| !host_in_normal_form(h)) {
                    return Err(err(h, format!("CNAME record {from_host:?} → {to_host:?}: {h:?} is not a host name in normal form")));
                }
            }
        }
        Ok(())
    }

    /// The display definition of a category, if the pack gives one.
    pub fn category_def(&self, c: Category) -> Option<&CategoryDef> {
        self.categories.iter().find(|d| d.id == c)
    }
}

fn json_escape(s: &str) -> String {
    let quoted = serde_json::to_string(s).unwrap_or_default();
    quoted[1..quoted.len() - 1].to_owned()
}

/// 1-based line and column of the first `needle` inside the byte range
/// `span`, or of the span's start when it is not there (a value spelled with
/// escapes, say).
fn locate(text: &str, needle: &str, span: (usize, usize)) -> (usize, usize) {
    let (from, to) = (span.0.min(text.len()), span.1.min(text.len()));
    let at = text.get(from..to).and_then(|t| t.find(needle)).map_or(from, |i| i + from);
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
    (line, column)
}

/// The 1-based column just after the end of line `line` (for errors at the end of the text).
fn end_column(text: &str, line: usize) -> usize {
    text.split('\n').nth(line.saturating_sub(1)).map_or(0, |l| l.chars().count()) + 1
}

/// The byte ranges of the elements of the top-level `"entities"` array, in
/// one pass over the text (strings and nesting tracked; nothing else parsed).
/// Empty when the array is not found as written (a key spelled with escapes).
fn entity_spans(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut spans = Vec::new();
    let (mut i, mut depth) = (0usize, 0usize);
    let mut key: Option<(usize, usize)> = None;
    // Inside the entities array: the depth of its elements and where the current one began.
    let mut inside: Option<usize> = None;
    let mut element: Option<usize> = None;
    while i < b.len() {
        match b[i] {
            b'"' => {
                let start = i;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                if depth == 1 && inside.is_none() {
                    key = Some((start + 1, i.min(b.len())));
                }
                if inside == Some(depth) && element.is_none() {
                    element = Some(start);
                }
            }
            b'{' | b'[' => {
                if inside == Some(depth) && element.is_none() {
                    element = Some(i);
                }
                depth += 1;
                if b[i] == b'[' && depth == 2 && inside.is_none() && key.is_some_and(|(s, e)| &text[s..e] == "entities") {
                    inside = Some(depth);
                }
            }
            b'}' | b']' => {
                if inside == Some(depth) {
                    if let Some(s) = element.take() {
                        spans.push((s, i));
                    }
                    if b[i] == b']' {
                        return spans;
                    }
                }
                depth = depth.saturating_sub(1);
            }
            b',' if inside == Some(depth) => {
                if let Some(s) = element.take() {
                    spans.push((s, i));
                }
            }
            b':' | b',' if depth == 1 => {}
            c if inside == Some(depth) && element.is_none() && !c.is_ascii_whitespace() => element = Some(i),
            _ => {}
        }
        i += 1;
    }
    spans
}

fn describe_json_error(e: &serde_json::Error) -> String {
    use serde_json::error::Category as C;
    let msg = e.to_string();
    // serde_json appends " at line L column C"; the location is reported separately.
    let msg = msg.rsplit_once(" at line ").map(|(m, _)| m.to_owned()).unwrap_or(msg);
    match e.classify() {
        C::Eof => format!("unexpected end of file: {msg}"),
        C::Syntax => format!("invalid JSON: {msg}"),
        C::Data => msg,
        C::Io => format!("read error: {msg}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"{
  "format": "telltale-rules/1",
  "name": "test",
  "version": "1",
  "license": "CC0-1.0",
  "sources": {"s": {"name": "test source"}},
  "entities": [
    {"name": "Rec", "domains": ["rec.example"], "categories": ["session-replay"], "source": "s"}
  ]
}"#;

    use std::io::Read;

    #[test]
    fn minimal_pack_loads() {
        let p = RulePack::parse("t.json", MINIMAL).unwrap();
        assert_eq!(p.entities[0].categories, [Category::SessionReplay]);
    }

    #[test]
    fn default_pack_loads_and_every_entity_has_a_source() {
        let p = RulePack::parse(DEFAULT_PACK_NAME, DEFAULT_PACK).unwrap();
        assert!(p.entities.len() > 2000, "{}", p.entities.len());
        for e in &p.entities {
            let s = &p.sources[&e.source];
            assert!(!s.name.is_empty() && s.url.is_some(), "{}: source without a name or url", e.name);
        }
        for c in Category::ALL {
            assert!(p.category_def(c).is_some(), "default pack does not describe {c}");
        }
    }

    #[test]
    fn trusted_default_pack_is_the_checked_one() {
        assert_eq!(RulePack::default_pack(), RulePack::parse(DEFAULT_PACK_NAME, DEFAULT_PACK).unwrap());
    }

    #[test]
    fn unknown_category_is_located() {
        let bad = MINIMAL.replace("\"session-replay\"", "\"sesion-replay\"");
        let e = RulePack::parse("bad.json", &bad).unwrap_err();
        assert_eq!((e.file.as_str(), e.line), ("bad.json", 8), "{e}");
        assert!(e.message.contains("unknown variant `sesion-replay`") && e.message.contains("session-replay"), "{e}");
    }

    #[test]
    fn syntax_errors_are_located() {
        let bad = MINIMAL.replace("\"version\": \"1\",", "\"version\": \"1\"");
        let e = RulePack::parse("bad.json", &bad).unwrap_err();
        assert_eq!(e.line, 5, "{e}");
        assert!(e.message.starts_with("invalid JSON"), "{e}");
        let e = RulePack::parse("cut.json", &MINIMAL[..60]).unwrap_err();
        assert!(e.message.starts_with("unexpected end of file"), "{e}");
    }

    #[test]
    fn unknown_source_duplicate_domain_and_bad_domain_are_located() {
        let bad = MINIMAL.replace("\"source\": \"s\"}", "\"source\": \"nope\"}");
        let e = RulePack::parse("b.json", &bad).unwrap_err();
        assert_eq!((e.line, e.column), (8, 93), "{e}");
        assert!(e.message.contains("not in \"sources\""), "{e}");

        let dup = MINIMAL.replace(
            "\"source\": \"s\"}\n",
            "\"source\": \"s\"},\n    {\"name\": \"Rec2\", \"domains\": [\"rec.example\"], \"categories\": [\"analytics\"], \"source\": \"s\"}\n",
        );
        let e = RulePack::parse("d.json", &dup).unwrap_err();
        assert_eq!(e.line, 9, "{e}");
        assert!(e.message.contains("claimed by both"), "{e}");

        let upper = MINIMAL.replace("[\"rec.example\"]", "[\"Rec.Example\"]");
        let e = RulePack::parse("u.json", &upper).unwrap_err();
        assert_eq!(e.line, 8, "{e}");
        assert!(e.message.contains("expected \"rec.example\""), "{e}");
    }

    #[test]
    fn unknown_fields_and_wrong_format_are_rejected() {
        let bad = MINIMAL.replace("\"license\"", "\"licence\"");
        let e = RulePack::parse("f.json", &bad).unwrap_err();
        assert!(e.message.contains("unknown field `licence`"), "{e}");
        let v2 = MINIMAL.replace("telltale-rules/1", "telltale-rules/9");
        let e = RulePack::parse("v.json", &v2).unwrap_err();
        assert_eq!((e.line, e.column), (2, 13), "{e}");
    }

    #[test]
    fn opt_out_mechanisms_are_checked_against_their_entity() {
        let with = |o: &str| MINIMAL.replace("\"source\": \"s\"}\n", &format!("\"source\": \"s\",\n     \"opt_outs\": [{o}]}}\n"));
        let ok = with(r#"{"kind": "cookie", "domain": "www.rec.example", "name": "optout", "value": "1", "source": "s"},
            {"kind": "signal", "signals": ["gpc", "dnt"], "source": "s"},
            {"kind": "page", "url": "https://rec.example/opt-out", "source": "s"},
            {"kind": "js-flag", "property": "rec-off-{id}", "ids_from": {"match": "rec.example/tag.js", "param": "id"}, "source": "s"}"#);
        let p = RulePack::parse("ok.json", &ok).unwrap();
        assert_eq!(p.entities[0].opt_outs.iter().map(OptOut::kind).collect::<Vec<_>>(), ["cookie", "signal", "page", "js-flag"]);

        let e = RulePack::parse("c.json", &with(r#"{"kind": "cookie", "domain": "other.example", "name": "optout", "value": "1", "source": "s"}"#)).unwrap_err();
        assert!(e.message.contains("does not own"), "{e}");
        assert_eq!((e.line, e.column), (9, 48), "{e}");
        let e = RulePack::parse("p.json", &with(r#"{"kind": "page", "url": "http://rec.example/opt-out", "source": "s"}"#)).unwrap_err();
        assert!(e.message.contains("not an https URL"), "{e}");
        assert_eq!((e.line, e.column), (9, 43), "{e}");
        let e = RulePack::parse("j.json", &with(r#"{"kind": "js-flag", "property": "off-{id}", "source": "s"}"#)).unwrap_err();
        assert!(e.message.contains("no \"ids_from\""), "{e}");
        let e = RulePack::parse("s.json", &with(r#"{"kind": "signal", "signals": [], "source": "s"}"#)).unwrap_err();
        assert!(e.message.contains("names no signal"), "{e}");
        let e = RulePack::parse("k.json", &with(r#"{"kind": "gpc", "source": "s"}"#)).unwrap_err();
        assert!(e.message.contains("unknown variant `gpc`"), "{e}");
    }

    #[test]
    fn entities_are_found_in_one_pass() {
        let text = r#"{"format": "x", "sources": {"entities": [1]}, "entities": [ {"name": "a\"]},{", "d": [1, {"x": "]"}]}, {"name": "b"} ,
 {"name": "c"}], "after": [{"name": "z"}]}"#;
        let spans = entity_spans(text);
        let names: Vec<&str> = spans.iter().map(|&(s, e)| text[s..e].trim()).collect();
        assert_eq!(names, [r#"{"name": "a\"]},{", "d": [1, {"x": "]"}]}"#, r#"{"name": "b"}"#, r#"{"name": "c"}"#]);
        assert!(entity_spans("{\"entit\\u0069es\": [{}]}").is_empty());
        assert!(entity_spans("[").is_empty());
    }

    #[test]
    fn a_duplicate_domain_is_located_at_the_duplicate() {
        let dup = MINIMAL.replace(
            "\"source\": \"s\"}\n",
            "\"source\": \"s\"},\n    {\"name\": \"Rec2\",\n     \"domains\": [\"other.example\", \"rec.example\"], \"categories\": [\"analytics\"], \"source\": \"s\"}\n",
        );
        let e = RulePack::parse("d.json", &dup).unwrap_err();
        assert_eq!((e.line, e.column), (10, 35), "{e}");
        assert!(e.message.contains("claimed by both"), "{e}");
    }

    #[test]
    fn what_the_matcher_would_not_honour_is_rejected_with_a_location() {
        let pattern = |m: &str| MINIMAL.replace("\"source\": \"s\"}\n", &format!("\"source\": \"s\", \"patterns\": [{{\"match\": {m:?}, \"categories\": [\"analytics\"]}}]}}\n"));
        for (m, says) in [
            ("https://rec.example/x", "has a scheme"),
            ("rec.example/x?y=1", "query or fragment"),
            ("rec.example:8080/x", "has a port"),
            ("Rec.Example/x", "not in normal form"),
            ("co.uk/ads", "public suffix"),
        ] {
            let e = RulePack::parse("p.json", &pattern(m)).unwrap_err();
            assert!(e.message.contains(says), "{m}: {e}");
            assert_eq!(e.line, 8, "{m}: {e}");
        }
        for (d, says) in [("com", "public suffix"), ("github.io", "public suffix"), ("::1", "IPv6")] {
            let e = RulePack::parse("d.json", &MINIMAL.replace("[\"rec.example\"]", &format!("[{d:?}]"))).unwrap_err();
            assert!(e.message.contains(says), "{d}: {e}");
            assert_eq!(e.line, 8, "{d}: {e}");
        }
        assert!(RulePack::parse("ip.json", &MINIMAL.replace("[\"rec.example\"]", "[\"192.0.2.1\"]")).is_ok(), "IPv4, as the schema allows");
    }

    #[test]
    fn bom_utf8_size_and_end_of_file_are_handled() {
        let p = RulePack::read("bom.json", format!("\u{feff}{MINIMAL}").as_bytes()).unwrap();
        assert_eq!(p.entities.len(), 1);
        let mut bad = MINIMAL.as_bytes().to_vec();
        let at = MINIMAL.find("Rec").unwrap();
        bad[at + 1] = 0xff;
        let e = RulePack::read("utf8.json", &bad[..]).unwrap_err();
        assert_eq!((e.line, e.column), (8, 16), "{e}");
        assert!(e.message.contains("invalid UTF-8"), "{e}");
        let e = RulePack::read("zero", std::io::repeat(0).take(MAX_PACK_BYTES as u64 + 10)).unwrap_err();
        assert!(e.message.starts_with("larger than 128 MB"), "{e}");
        let cut = &MINIMAL[..MINIMAL.find("\"entities\"").unwrap()];
        let e = RulePack::parse("cut.json", cut).unwrap_err();
        assert!(e.message.starts_with("unexpected end of file"), "{e}");
        assert_eq!((e.line, e.column), (7, 2), "{e}");
        // After a final line break serde_json says column 0: the column is where the text ends.
        let e = RulePack::parse("nl.json", "{\n  \"format\": \"telltale-rules/1\",\n").unwrap_err();
        assert_eq!((e.line, e.column), (3, 1), "a real column: {e}");
    }

    #[test]
    fn hostile_input_never_panics() {
        for text in ["", "null", "[]", "{", "\u{feff}{}", "{\"format\": 1}", &"[".repeat(10_000)] {
            assert!(RulePack::parse("h.json", text).is_err());
        }
    }
}
