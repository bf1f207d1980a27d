//! Why a verdict says what it says: the evidence every judgement gives
//! (a pack's rule or filter, a tracker list, a heuristic, a behaviour seen),
//! at the bottom of the judgements so that each of them can give it.

use serde::{Deserialize, Serialize};

use crate::site::Site;

/// Why a verdict says what it says.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "kebab-case")]
pub enum Evidence {
    /// A rule pack named the host or URL.
    Rule { pack: String, entity: String, rule: String, source: String },
    /// A filter of a pack's filter list blocks the request.
    Filter { pack: String, list: String, filter: String, source: String },
    /// A pack's tracker list (DuckDuckGo's TDS, say) names the request's
    /// tracker: `rule` says what decided (`rule 3 omtrdc\.net/b/ss`,
    /// `default block`), `action` whether it blocks or ignores, and
    /// `cname` the first-party host whose CNAME record led there.
    Tracker {
        pack: String,
        list: String,
        tracker: String,
        rule: String,
        action: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cname: Option<String>,
        source: String,
    },
    /// The page's site belongs to the same company, so this third party is not a tracker by that fact alone.
    SameOwner { company: String },
    /// A heuristic decided, from what was observed.
    Heuristic { name: String, detail: String, sites: Vec<Site> },
    /// What the vendor's scripts were seen doing in a page ([`crate::behaviour`]):
    /// the behaviour, in plain words, where (page, scripts) and when.
    Behaviour { kind: String, detail: String, page: Site, scripts: Vec<String>, when: String, first_party: bool },
}
