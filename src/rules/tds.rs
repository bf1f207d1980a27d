//! Tracker lists with per-URL rules, in the shape of DuckDuckGo's Tracker
//! Data Set (`tds.json`): trackers keyed by domain, each with a default
//! action and rules (regular expressions on the full URL) tried in order,
//! and CNAME records that unmask first-party subdomains.
//!
//! A pack carries them in `"tracker_lists"`. Matching follows the format's
//! documented algorithm (tds-EXAMPLES.md in DuckDuckGo's tracker-blocklists,
//! and its reference implementation, privacy-grade's `trackers.js`):
//!
//! 1. The request's host, then each parent down to two labels, is looked up
//!    in `trackers`.
//! 2. Only when none is found, the request's host (exactly: a DNS record
//!    names one host) is looked up in `cnames`; a hit replaces the host (the
//!    URL the rules see is rewritten too), and its target, then each parent,
//!    is looked up in `trackers`. No tracker: the list has nothing to say.
//! 3. The tracker's rules are tried in order, each a case-insensitive,
//!    unanchored regular expression on the full URL without its port (ports
//!    take no part in matching). A rule whose `options`
//!    (page domains, request types) do not fit the request is passed over.
//!    The first rule that matches decides: if its `exceptions` fit the
//!    request, it is not blocked; if its `action` is `ignore`, not blocked;
//!    otherwise blocked (through a surrogate script, where it names one).
//! 4. No rule matched: the tracker's `default` (`block` or `ignore`).
//!
//! `options` and `exceptions` fit when every list they give fits: `domains`
//! against the page's host, matching a domain and its subdomains; `types`
//! against the request's webRequest type.
//!
//! Regular expressions are compiled on first use, with size limits; Rust's
//! engine runs in time linear in the URL, so no rule can hang a worker.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock};

use regex::{Regex, RegexBuilder};
use serde::{Deserialize, Serialize};

use super::{Category, Source};
use crate::observe::{ResourceType, WebUrl};
use crate::site::Host;

/// The most memory one rule's compiled program may take.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// One tracker list in a pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrackerList {
    pub name: String,
    /// The id of a source in the pack's `sources`.
    pub source: String,
    pub trackers: Vec<Tracker>,
    /// First-party host → the tracker host its DNS CNAME points to.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub cnames: BTreeMap<String, String>,
}

/// What a list does with a tracker's request when nothing else decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Block,
    Ignore,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Block => "block",
            Action::Ignore => "ignore",
        }
    }
}

/// A tracker: its domain, owner, default action, categories and rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tracker {
    pub domain: String,
    /// The owning entity's name, as in the pack's `entities`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    pub default: Action,
    /// What a blocked request is, in Telltale's terms.
    pub categories: Vec<Category>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<TrackerRule>,
}

/// One rule of a tracker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrackerRule {
    /// A regular expression matched, ignoring case, anywhere in the full URL.
    pub rule: String,
    /// `ignore`: a matching request is not blocked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<Action>,
    /// The replacement script a blocker serves instead of the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub surrogate: Option<String>,
    /// The rule applies only where these fit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Scope>,
    /// Where the rule matches but does not block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exceptions: Option<Scope>,
}

/// Page domains and request types, as `options` and `exceptions` give them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scope {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<String>,
    /// webRequest resource types (`script`, `image`, `xmlhttprequest`...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub types: Vec<String>,
}

/// The webRequest type names a scope may give (`subdocument` is the older
/// name of `sub_frame`, `beacon` Firefox's name of `ping`).
pub const TYPE_NAMES: [&str; 16] = [
    "main_frame",
    "sub_frame",
    "subdocument",
    "stylesheet",
    "script",
    "image",
    "imageset",
    "font",
    "object",
    "xmlhttprequest",
    "ping",
    "beacon",
    "csp_report",
    "media",
    "websocket",
    "other",
];

/// Compiles a rule as matching does; the error says why it cannot be.
pub fn compile_rule(rule: &str) -> Result<Regex, String> {
    RegexBuilder::new(rule).case_insensitive(true).size_limit(REGEX_SIZE_LIMIT).dfa_size_limit(REGEX_SIZE_LIMIT).build().map_err(|e| match e {
        regex::Error::CompiledTooBig(n) => format!("the regular expression compiles to more than {n} bytes"),
        e => e.to_string().lines().rfind(|l| !l.trim().is_empty()).unwrap_or("invalid regular expression").trim().to_owned(),
    })
}

fn scope_fits(scope: &Scope, page_host: Option<&str>, t: &str) -> bool {
    let types = scope.types.is_empty() || scope.types.iter().any(|x| normal_type(x) == t);
    let domains = scope.domains.is_empty()
        || page_host.is_some_and(|h| scope.domains.iter().any(|d| h == d || (h.len() > d.len() && h.ends_with(d.as_str()) && h.as_bytes()[h.len() - d.len() - 1] == b'.')));
    types && domains
}

/// A scope's type name as Telltale's resource types are named.
pub fn normal_type(t: &str) -> &str {
    match t {
        "subdocument" => "sub_frame",
        "beacon" => "ping",
        "imageset" => "image",
        t => t,
    }
}

/// Why a list decided as it did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// Rule `index` (from 1) matched and blocks.
    Rule { index: usize, rule: String, surrogate: Option<String> },
    /// Rule `index` matched, and its exceptions fit the request.
    Exception { index: usize, rule: String },
    /// Rule `index` matched, and its action is `ignore`.
    IgnoreRule { index: usize, rule: String },
    /// No rule matched: the tracker's default.
    Default,
}

/// A tracker list's decision on one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackerHit {
    pub list: String,
    pub source: Source,
    /// The tracker entry's domain.
    pub tracker: String,
    pub owner: Option<String>,
    pub action: Action,
    pub reason: Reason,
    /// The first-party host whose CNAME led to the tracker.
    pub cname: Option<String>,
    /// The tracker host, after CNAME resolution.
    pub host: String,
    pub categories: Vec<Category>,
}

impl TrackerHit {
    /// What decided, in words: `rule 2 omtrdc\.net/b/ss`, `default block`...
    pub fn decided_by(&self) -> String {
        match &self.reason {
            Reason::Rule { index, rule, surrogate: None } => format!("rule {index} {rule}"),
            Reason::Rule { index, rule, surrogate: Some(s) } => format!("rule {index} {rule} (surrogate {s})"),
            Reason::Exception { index, rule } => format!("rule {index} {rule}, excepted here"),
            Reason::IgnoreRule { index, rule } => format!("rule {index} {rule}, action ignore"),
            Reason::Default => format!("default {}", self.action.as_str()),
        }
    }
}

struct CompiledRule {
    rule: TrackerRule,
    regex: OnceLock<Option<Regex>>,
}

struct CompiledTracker {
    domain: String,
    owner: Option<String>,
    default: Action,
    categories: Vec<Category>,
    rules: Vec<CompiledRule>,
}

struct CompiledList {
    name: String,
    source: Source,
    trackers: HashMap<String, CompiledTracker>,
    cnames: HashMap<String, String>,
}

/// One pack's tracker lists, ready to match.
#[derive(Clone)]
pub struct TrackerLayer {
    pub pack: String,
    lists: Arc<Vec<CompiledList>>,
}

impl std::fmt::Debug for TrackerLayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrackerLayer").field("pack", &self.pack).field("lists", &self.lists.len()).finish()
    }
}

impl TrackerLayer {
    pub fn build(pack: &str, lists: &[TrackerList], sources: &BTreeMap<String, Source>) -> TrackerLayer {
        let lists = lists
            .iter()
            .map(|l| CompiledList {
                name: l.name.clone(),
                source: sources.get(&l.source).cloned().unwrap_or(Source { name: l.source.clone(), url: None, license: None }),
                trackers: l
                    .trackers
                    .iter()
                    .map(|t| {
                        let rules = t.rules.iter().map(|r| CompiledRule { rule: r.clone(), regex: OnceLock::new() }).collect();
                        (t.domain.clone(), CompiledTracker { domain: t.domain.clone(), owner: t.owner.clone(), default: t.default, categories: t.categories.clone(), rules })
                    })
                    .collect(),
                cnames: l.cnames.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            })
            .collect();
        TrackerLayer { pack: pack.to_owned(), lists: Arc::new(lists) }
    }

    /// The decision of the last list of this pack that names the request's
    /// tracker, or `None` when none does.
    pub fn check(&self, url: &WebUrl, page: Option<&WebUrl>, t: ResourceType) -> Option<TrackerHit> {
        self.lists.iter().rev().find_map(|l| l.check(url, page, t))
    }
}

impl CompiledList {
    fn check(&self, url: &WebUrl, page: Option<&WebUrl>, t: ResourceType) -> Option<TrackerHit> {
        // 1. The tracker, the host first, then each parent of two labels or more.
        let tracker_of = |h: &Host| h.ancestors().filter(|a| a.contains('.')).find_map(|a| self.trackers.get(a));
        // 2. Else the host's CNAME record (the host's own: DNS records name one host each).
        let (tracker, cname, target_host) = match tracker_of(&url.host) {
            Some(t) => (t, None, url.host.clone()),
            None => {
                let (from, target) = self.cnames.get_key_value(url.host.as_str())?;
                let h = Host::parse(target).ok()?;
                (tracker_of(&h)?, Some(from.as_str()), h)
            }
        };
        // The URL the rules see: the uncloaked host, no port.
        let rewritten = (cname.is_some() || url.url.port().is_some()).then(|| {
            let mut u = url.url.clone();
            let _ = u.set_host(Some(target_host.as_str()));
            let _ = u.set_port(None);
            String::from(u)
        });
        let full_url = rewritten.as_deref().unwrap_or(url.as_written());
        let ty = super::filters::engine_type(t);
        let page_host = page.map(|p| p.host.as_str());
        // 3. The first rule that matches and whose options fit.
        let matched = tracker.rules.iter().enumerate().find(|(_, r)| {
            let Some(re) = r.regex.get_or_init(|| compile_rule(&r.rule.rule).ok()) else { return false };
            re.is_match(full_url) && r.rule.options.as_ref().is_none_or(|o| scope_fits(o, page_host, ty))
        });
        let (action, reason) = match matched {
            Some((i, r)) => {
                let (index, rule) = (i + 1, r.rule.rule.clone());
                if r.rule.exceptions.as_ref().is_some_and(|e| scope_fits(e, page_host, ty)) {
                    (Action::Ignore, Reason::Exception { index, rule })
                } else if r.rule.action == Some(Action::Ignore) {
                    (Action::Ignore, Reason::IgnoreRule { index, rule })
                } else {
                    (Action::Block, Reason::Rule { index, rule, surrogate: r.rule.surrogate.clone() })
                }
            }
            // 4. The tracker's default.
            None => (tracker.default, Reason::Default),
        };
        Some(TrackerHit {
            list: self.name.clone(),
            source: self.source.clone(),
            tracker: tracker.domain.clone(),
            owner: tracker.owner.clone(),
            action,
            reason,
            cname: cname.map(str::to_owned),
            host: target_host.as_str().to_owned(),
            categories: tracker.categories.clone(),
        })
    }
}
