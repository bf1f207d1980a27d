//! The user's choices (block, allow, trust, opt out) and what they compile to:
//! declarativeNetRequest (DNR) rules, the page-world scripts that set
//! `navigator.globalPrivacyControl` and vendors' opt-out flags, and vendors'
//! opt-out cookies. The extension applies what this module computes and
//! nothing else; `telltale policy` prints the same rules.
//!
//! Rules, by priority (higher wins in the DNR engine):
//! - trust a site: `allowAllRequests` on its top-level documents (40), which also
//!   switches off the opt-out headers there (the engine applies a `modifyHeaders`
//!   rule only when its priority is above every matching allow rule's);
//! - opt out: `modifyHeaders` setting `Sec-GPC: 1` and `DNT: 1` (35): above the
//!   allow rules, so a company let through under a category block still gets
//!   the signal, and below trust, which switches it off;
//! - allow a company or site that a category block would catch: `allow` (30);
//! - block a company, a site or a category: `block` (20), third-party requests
//!   only, never from the company's own sites (its domains are excluded initiators).
//!
//! Rule ids are a hash of what the rule is for (`block-company:Google`), so
//! the same choice always makes the same rule, in the extension and the CLI
//! alike, and [`diff`] adds and removes only what changed.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::InputError;
use crate::graph::TrackerGraph;
use crate::rules::{Category, OptOut, PrivacySignal, RuleIndex};
use crate::site::{Host, Site};

mod blocks;
mod compile;
mod diff;
mod optout;

pub use blocks::*;
pub use compile::*;
pub use diff::*;
pub use optout::*;

pub const FORMAT: &str = "telltale-choices";
pub const VERSION: u32 = 1;

const PRIORITY_TRUST: u32 = 40;
const PRIORITY_ALLOW: u32 = 30;
const PRIORITY_BLOCK: u32 = 20;
const PRIORITY_OPT_OUT: u32 = 35;

/// The script that makes `navigator.globalPrivacyControl` read `true`.
pub const GPC_SCRIPT: &str = "injected/gpc.js";
/// Where the page-world scripts for vendors' js-flag opt-outs are packaged.
pub const FLAG_SCRIPT_DIR: &str = "injected/flags";

/// Resource types both Chrome and Firefox accept in DNR conditions.
pub const COMMON_RESOURCE_TYPES: [&str; 13] = [
    "main_frame", "sub_frame", "stylesheet", "script", "image", "font", "object", "xmlhttprequest", "ping", "csp_report", "media", "websocket", "other",
];

/// One thing the user chose. Choices are data: they are stored, exported,
/// listed in the options page and compiled into rules.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Choice {
    /// Block every domain the packs give this company (third-party requests only).
    BlockCompany { company: String },
    /// Block one third-party site (registrable domain).
    BlockSite { site: Site },
    /// Block every third party in a category, everywhere.
    BlockCategory { category: Category },
    /// Let a company through although a category block covers it.
    AllowCompany { company: String },
    /// Let a site through although a category block covers it.
    AllowSite { site: Site },
    /// A first-party site where nothing is blocked and no opt-out signal is sent.
    TrustSite { site: Site },
    /// Run one company's own opt-out mechanisms.
    OptOutCompany { company: String },
    /// Send GPC and DNT everywhere and run every known vendor's opt-out.
    OptOutEverywhere,
    /// Let an opt-out cookie that a pack the person loaded names be set
    /// (those of the built-in pack need no such choice).
    SetPackCookie { domain: String, name: String, value: String },
}

impl Choice {
    /// A stable text key: rule ids and the options page use it.
    pub fn key(&self) -> String {
        match self {
            Choice::BlockCompany { company } => format!("block-company:{company}"),
            Choice::BlockSite { site } => format!("block-site:{site}"),
            Choice::BlockCategory { category } => format!("block-category:{category}"),
            Choice::AllowCompany { company } => format!("allow-company:{company}"),
            Choice::AllowSite { site } => format!("allow-site:{site}"),
            Choice::TrustSite { site } => format!("trust-site:{site}"),
            Choice::OptOutCompany { company } => format!("opt-out-company:{company}"),
            Choice::OptOutEverywhere => "opt-out-everywhere".into(),
            Choice::SetPackCookie { domain, name, value } => format!("set-pack-cookie:{domain}:{name}={value}"),
        }
    }

    /// What it does, in words (the options page's list).
    pub fn label(&self) -> String {
        match self {
            Choice::BlockCompany { company } => format!("Block {company}"),
            Choice::BlockSite { site } => format!("Block {site}"),
            Choice::BlockCategory { category } => format!("Block all {}", category_words(*category)),
            Choice::AllowCompany { company } => format!("Let {company} through"),
            Choice::AllowSite { site } => format!("Let {site} through"),
            Choice::TrustSite { site } => format!("Trust {site}"),
            Choice::OptOutCompany { company } => format!("Opt out of {company}"),
            Choice::OptOutEverywhere => "Opt out everywhere".into(),
            Choice::SetPackCookie { domain, name, value } => format!("Set the cookie {name}={value} on {domain} (from a rule pack you loaded)"),
        }
    }
}

fn category_words(c: Category) -> &'static str {
    match c {
        Category::SessionReplay => "session replay",
        Category::Retargeting => "retargeting",
        Category::Advertising => "advertising",
        Category::Analytics => "analytics",
        Category::Social => "social",
        Category::Fingerprinting => "fingerprinting",
        Category::CrossSiteCookies => "cross-site cookies",
        Category::Tracking => "trackers that filter lists name",
        Category::TagManager => "tag managers",
        Category::Consent => "consent managers",
        Category::Content => "embedded content",
        Category::Cdn => "CDNs",
        Category::Other => "other third parties",
    }
}

/// A choice with when it was made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chosen {
    #[serde(flatten)]
    pub choice: Choice,
    /// Milliseconds since the Unix epoch.
    #[serde(default)]
    pub time: f64,
}

/// One change to the set of choices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "kebab-case")]
pub enum Edit {
    Add { choice: Choice },
    Remove { choice: Choice },
}

/// An action's inverse, kept so that Undo can restore the state before it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Undo {
    /// What the action was ("Block Hotjar").
    pub label: String,
    pub edits: Vec<Edit>,
}

/// What a person asks for with one click. The core turns it into edits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Intent {
    /// Block the company of this third-party site (the site alone when no pack names its company).
    Block { site: String },
    /// Stop blocking it: remove what blocks it, or let it through a category block.
    Unblock { site: String },
    /// Run this third party's company's opt-out mechanisms.
    OptOut { site: String },
    BlockCategory { category: Category },
    UnblockCategory { category: Category },
    Trust { site: String },
    Untrust { site: String },
    OptOutEverywhere,
    StopOptOutEverywhere,
    /// Set an opt-out cookie that a loaded pack names, once the person has seen it.
    ConfirmCookie { domain: String, name: String, value: String },
    /// Remove one choice by its key (the options page).
    Remove { key: String },
    RemoveAll,
    /// Undo the last action taken from this tab.
    Undo,
}

/// A stored choice that could not be read, kept so it is never lost silently.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeptAside {
    pub entry: Value,
    pub error: String,
}

/// The user's choices and, per tab, the undo of the last action taken there.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Policy {
    choices: Vec<Chosen>,
    /// Tab id → undo of the last action taken from it.
    undo: BTreeMap<i64, Undo>,
    /// Entries of the stored document that could not be read.
    kept_aside: Vec<KeptAside>,
}

/// An action that cannot be taken (nothing to undo, no opt-out named, not a site).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError(pub String);

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Policy {
    pub fn new() -> Policy {
        Policy::default()
    }

    pub fn choices(&self) -> impl Iterator<Item = &Choice> {
        self.choices.iter().map(|c| &c.choice)
    }

    pub fn chosen(&self) -> &[Chosen] {
        &self.choices
    }

    pub fn has(&self, c: &Choice) -> bool {
        self.choices.iter().any(|x| x.choice == *c)
    }

    pub fn kept_aside(&self) -> &[KeptAside] {
        &self.kept_aside
    }

    /// The undo waiting on a tab, if any.
    pub fn undo_for(&self, tab: i64) -> Option<&Undo> {
        self.undo.get(&tab)
    }

    /// Applies edits; returns the edits that changed something.
    fn apply(&mut self, edits: &[Edit], time: f64) -> Vec<Edit> {
        let mut done = Vec::new();
        for e in edits {
            match e {
                Edit::Add { choice } if !self.has(choice) => {
                    self.choices.push(Chosen { choice: choice.clone(), time });
                    done.push(e.clone());
                }
                Edit::Remove { choice } if self.has(choice) => {
                    self.choices.retain(|c| c.choice != *choice);
                    done.push(e.clone());
                }
                _ => {}
            }
        }
        done
    }

    /// Adds or removes choices directly (the CLI, tests).
    pub fn add(&mut self, c: Choice, time: f64) {
        self.apply(&[Edit::Add { choice: c }], time);
    }

    /// Carries out an intent from a tab; the tab's undo becomes its inverse.
    /// Returns the action's label, or an error in words when it cannot be done.
    pub fn act(&mut self, intent: &Intent, tab: i64, time: f64, rules: &RuleIndex, graph: &TrackerGraph) -> Result<String, PolicyError> {
        if let Intent::Undo = intent {
            let u = self.undo.remove(&tab).ok_or_else(|| PolicyError("nothing to undo on this tab".into()))?;
            let inverse: Vec<Edit> = u.edits.iter().rev().map(invert).collect();
            self.apply(&inverse, time);
            return Ok(format!("Undid: {}", u.label));
        }
        let (label, edits) = self.edits_for(intent, rules, graph)?;
        let done = self.apply(&edits, time);
        if !done.is_empty() {
            self.undo.insert(tab, Undo { label: label.clone(), edits: done });
        }
        Ok(label)
    }

    fn edits_for(&self, intent: &Intent, rules: &RuleIndex, graph: &TrackerGraph) -> Result<(String, Vec<Edit>), PolicyError> {
        let add = |c: Choice| Edit::Add { choice: c };
        let remove = |c: Choice| Edit::Remove { choice: c };
        Ok(match intent {
            Intent::Block { site } => {
                let t = Target::of(site, rules, graph)?;
                let mut edits: Vec<Edit> = t.allows().into_iter().filter(|c| self.has(c)).map(remove).collect();
                let c = t.block();
                let label = c.label();
                edits.push(add(c));
                (label, edits)
            }
            Intent::Unblock { site } => {
                let t = Target::of(site, rules, graph)?;
                let mut edits: Vec<Edit> = t.blocks().into_iter().filter(|c| self.has(c)).map(remove).collect();
                // Still caught by a category block: let it through.
                let cats = t.categories(rules, graph);
                if self.choices().any(|c| matches!(c, Choice::BlockCategory { category } if cats.contains(category))) {
                    edits.push(add(t.allow()));
                }
                (format!("Unblock {}", t.name()), edits)
            }
            Intent::OptOut { site } => {
                let t = Target::of(site, rules, graph)?;
                let Target::Company(company) = &t else {
                    return Err(PolicyError(format!("no rule pack names an opt-out for {site}")));
                };
                if opt_outs_of(rules, company).is_empty() {
                    return Err(PolicyError(format!("no rule pack names an opt-out for {company}")));
                }
                let c = Choice::OptOutCompany { company: company.clone() };
                (c.label(), vec![add(c)])
            }
            Intent::BlockCategory { category } => {
                let c = Choice::BlockCategory { category: *category };
                (c.label(), vec![add(c)])
            }
            Intent::UnblockCategory { category } => (format!("Unblock all {}", category_words(*category)), vec![remove(Choice::BlockCategory { category: *category })]),
            Intent::Trust { site } => {
                let c = Choice::TrustSite { site: site_of(site)? };
                (c.label(), vec![add(c)])
            }
            Intent::Untrust { site } => {
                let s = site_of(site)?;
                (format!("Stop trusting {s}"), vec![remove(Choice::TrustSite { site: s })])
            }
            Intent::OptOutEverywhere => ("Opt out everywhere".into(), vec![add(Choice::OptOutEverywhere)]),
            Intent::StopOptOutEverywhere => ("Stop opting out everywhere".into(), vec![remove(Choice::OptOutEverywhere)]),
            Intent::ConfirmCookie { domain, name, value } => {
                // Only a cookie a loaded pack names now: the intent cannot set any other.
                let named = rules.entities().iter().filter(|e| !e.built_in).flat_map(|e| e.opt_outs.iter()).any(|o| {
                    matches!(o, OptOut::Cookie { domain: d, name: n, value: v, .. } if d == domain && n == name && v == value)
                });
                if !named {
                    return Err(PolicyError(format!("no loaded rule pack names the opt-out cookie {name}={value} on {domain}")));
                }
                let c = Choice::SetPackCookie { domain: domain.clone(), name: name.clone(), value: value.clone() };
                (c.label(), vec![add(c)])
            }
            Intent::Remove { key } => {
                let c = self.choices().find(|c| c.key() == *key).cloned().ok_or_else(|| PolicyError(format!("no choice {key:?} is in force")))?;
                (format!("Remove: {}", c.label()), vec![remove(c)])
            }
            Intent::RemoveAll => ("Remove all choices".into(), self.choices().cloned().map(remove).collect()),
            Intent::Undo => unreachable!("handled by act"),
        })
    }

    /// The stored form: `{"format", "version", "choices", "undo"}`, plus what was kept aside.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&serde_json::json!({
            "format": FORMAT,
            "version": VERSION,
            "choices": self.choices,
            "undo": self.undo,
            "kept_aside": self.kept_aside,
        }))
        .unwrap_or_default()
    }

    /// Reads stored choices. Entries that cannot be read (corrupt, or from a
    /// newer version) are kept aside and reported; the rest apply. A document
    /// that is not a choices document at all is an error.
    pub fn from_json(text: &str) -> Result<Policy, InputError> {
        const FILE: &str = "stored choices";
        let v: Value = serde_json::from_str(text).map_err(|e| InputError::json(FILE, &e))?;
        if v.get("format").and_then(Value::as_str) != Some(FORMAT) {
            return Err(InputError::whole(FILE, format!("expected \"format\": \"{FORMAT}\"")));
        }
        let version = v.get("version").and_then(Value::as_u64).unwrap_or(0);
        let mut p = Policy::new();
        if let Some(Value::Array(old)) = v.get("kept_aside") {
            p.kept_aside = old.iter().filter_map(|x| serde_json::from_value(x.clone()).ok()).collect();
        }
        let entries = v.get("choices").and_then(Value::as_array).cloned().unwrap_or_default();
        for entry in entries {
            match serde_json::from_value::<Chosen>(entry.clone()) {
                Ok(c) if !p.has(&c.choice) && valid(&c.choice) => p.choices.push(c),
                Ok(c) if p.has(&c.choice) => {}
                Ok(_) => p.kept_aside.push(KeptAside { entry, error: "a choice with an empty name".into() }),
                Err(e) => {
                    let why = if version > u64::from(VERSION) {
                        format!("from a newer Telltale (choices version {version}; this one reads {VERSION}): {e}")
                    } else {
                        e.to_string()
                    };
                    p.kept_aside.push(KeptAside { entry, error: why });
                }
            }
        }
        if version <= u64::from(VERSION) {
            if let Some(u) = v.get("undo").and_then(|u| serde_json::from_value::<BTreeMap<i64, Undo>>(u.clone()).ok()) {
                p.undo = u;
            }
        }
        Ok(p)
    }

    /// Drops the kept-aside entries (the user read the report and removed them).
    pub fn clear_kept_aside(&mut self) {
        self.kept_aside.clear();
    }
}

fn valid(c: &Choice) -> bool {
    match c {
        Choice::BlockCompany { company } | Choice::AllowCompany { company } | Choice::OptOutCompany { company } => !company.trim().is_empty(),
        _ => true,
    }
}

fn invert(e: &Edit) -> Edit {
    match e {
        Edit::Add { choice } => Edit::Remove { choice: choice.clone() },
        Edit::Remove { choice } => Edit::Add { choice: choice.clone() },
    }
}

fn site_of(s: &str) -> Result<Site, PolicyError> {
    Host::parse(s).map(|h| h.site()).map_err(|e| PolicyError(format!("{s:?} is not a site: {e}")))
}

/// What a row of the popup stands for: a company the packs know, or a site alone.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    Company(String),
    Site(Site),
}

impl Target {
    /// The company of a third-party site: from the graph (what the verdicts
    /// said), else from the packs; the site itself when neither names one.
    fn of(site: &str, rules: &RuleIndex, graph: &TrackerGraph) -> Result<Target, PolicyError> {
        let host = Host::parse(site).map_err(|e| PolicyError(format!("{site:?} is not a site: {e}")))?;
        let s = host.site();
        if let Some(c) = graph.node(&s).and_then(|n| n.company.clone()) {
            return Ok(Target::Company(c));
        }
        if let Some(id) = rules.entity_of_host(&host) {
            return Ok(Target::Company(rules.entity(id).company.clone()));
        }
        Ok(Target::Site(s))
    }

    fn name(&self) -> String {
        match self {
            Target::Company(c) => c.clone(),
            Target::Site(s) => s.to_string(),
        }
    }

    fn block(&self) -> Choice {
        match self {
            Target::Company(company) => Choice::BlockCompany { company: company.clone() },
            Target::Site(site) => Choice::BlockSite { site: site.clone() },
        }
    }

    fn allow(&self) -> Choice {
        match self {
            Target::Company(company) => Choice::AllowCompany { company: company.clone() },
            Target::Site(site) => Choice::AllowSite { site: site.clone() },
        }
    }

    fn blocks(&self) -> Vec<Choice> {
        vec![self.block()]
    }

    fn allows(&self) -> Vec<Choice> {
        vec![self.allow()]
    }

    fn categories(&self, rules: &RuleIndex, graph: &TrackerGraph) -> BTreeSet<Category> {
        match self {
            Target::Company(c) => company_categories(rules, graph, c),
            Target::Site(s) => graph.node(s).map(|n| n.categories.clone()).unwrap_or_default(),
        }
    }
}

/// Every category the packs (entities and their patterns) and the graph give a company.
fn company_categories(rules: &RuleIndex, graph: &TrackerGraph, company: &str) -> BTreeSet<Category> {
    let mut out: BTreeSet<Category> = rules.entities().iter().filter(|e| e.company == company).flat_map(|e| e.categories.iter().copied()).collect();
    out.extend(rules.patterns().filter(|p| rules.entity(p.entity).company == company).flat_map(|p| p.categories.iter().copied()));
    out.extend(graph.nodes().filter(|n| n.company.as_deref() == Some(company)).flat_map(|n| n.categories.iter().copied()));
    out
}

/// The opt-out mechanisms the packs give a company.
pub fn opt_outs_of<'a>(rules: &'a RuleIndex, company: &str) -> Vec<&'a OptOut> {
    rules.entities().iter().filter(|e| e.company == company).flat_map(|e| e.opt_outs.iter()).collect()
}

/// What the tests of each part share: a pack as if built in.
#[cfg(test)]
mod fixtures {
    use super::*;
    use crate::rules::RulePack;

    pub(super) const PACK: &str = r#"{
  "format": "telltale-rules/1", "name": "t", "version": "1", "license": "CC0-1.0",
  "sources": {"s": {"name": "test"}},
  "entities": [
    {"name": "Rec", "company": "RecCo", "domains": ["rec.example", "rec-cdn.example"], "categories": ["session-replay"], "source": "s",
     "opt_outs": [{"kind": "cookie", "domain": "rec.example", "name": "optout", "value": "1", "source": "s"},
                  {"kind": "signal", "signals": ["gpc"], "source": "s"},
                  {"kind": "page", "url": "https://rec.example/opt-out", "source": "s"}]},
    {"name": "Ads", "company": "AdCo", "domains": ["ads.example", "adco.example"], "categories": ["advertising"], "source": "s"},
    {"name": "AdCo Retarget", "company": "AdCo", "domains": ["rt.example"], "categories": ["retargeting", "advertising"], "source": "s"},
    {"name": "Stats", "domains": ["stats.example"], "categories": ["analytics"], "source": "s",
     "patterns": [{"match": "stats.example/replay/", "categories": ["session-replay"]}],
     "opt_outs": [{"kind": "js-flag", "property": "stats-disable-{id}", "ids_from": {"match": "stats.example/tag.js", "param": "id"}, "source": "s"}]}
  ]
}"#;

    /// The test pack, as if built into Telltale.
    pub(super) fn ix() -> RuleIndex {
        let mut ix = RuleIndex::new();
        ix.add_built_in(&RulePack::parse("t.json", PACK).unwrap());
        ix
    }

    pub(super) fn site(s: &str) -> Site {
        Site::of(s).unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::fixtures::*;

    #[test]
    fn undo_restores_the_state_before_each_action() {
        let (ix, g) = (ix(), TrackerGraph::new());
        let mut p = Policy::new();
        p.act(&Intent::BlockCategory { category: Category::SessionReplay }, 7, 1.0, &ix, &g).unwrap();
        // Unblocking one recorder under a category block lets it through.
        let label = p.act(&Intent::Unblock { site: "rec.example".into() }, 7, 2.0, &ix, &g).unwrap();
        assert_eq!(label, "Unblock RecCo");
        assert!(p.has(&Choice::AllowCompany { company: "RecCo".into() }));
        assert_eq!(p.undo_for(7).unwrap().label, "Unblock RecCo");
        assert!(blocks(&p, &ix, &g, &Host::parse("rec.example").unwrap(), None, Some(&site("news.example"))).is_none());
        p.act(&Intent::Undo, 7, 3.0, &ix, &g).unwrap();
        assert!(!p.has(&Choice::AllowCompany { company: "RecCo".into() }));
        assert!(p.undo_for(7).is_none());
        assert!(p.act(&Intent::Undo, 7, 3.0, &ix, &g).is_err());
        // Block after an allow takes the allow away; its undo puts it back.
        p.add(Choice::AllowCompany { company: "RecCo".into() }, 4.0);
        p.act(&Intent::Block { site: "rec.example".into() }, 8, 5.0, &ix, &g).unwrap();
        assert!(!p.has(&Choice::AllowCompany { company: "RecCo".into() }) && p.has(&Choice::BlockCompany { company: "RecCo".into() }));
        p.act(&Intent::Undo, 8, 6.0, &ix, &g).unwrap();
        assert!(p.has(&Choice::AllowCompany { company: "RecCo".into() }) && !p.has(&Choice::BlockCompany { company: "RecCo".into() }));
        // Remove all, undone, restores every choice.
        let before: Vec<Choice> = p.choices().cloned().collect();
        p.act(&Intent::RemoveAll, 9, 7.0, &ix, &g).unwrap();
        assert_eq!(p.choices().count(), 0);
        p.act(&Intent::Undo, 9, 8.0, &ix, &g).unwrap();
        let mut after: Vec<Choice> = p.choices().cloned().collect();
        let mut b = before.clone();
        b.sort();
        after.sort();
        assert_eq!(after, b);
    }

    #[test]
    fn stored_choices_round_trip_and_bad_entries_are_kept_aside() {
        let (ix, g) = (ix(), TrackerGraph::new());
        let mut p = Policy::new();
        p.act(&Intent::Block { site: "ads.example".into() }, 3, 1.0, &ix, &g).unwrap();
        p.add(Choice::TrustSite { site: site("news.example") }, 2.0);
        let back = Policy::from_json(&p.to_json()).unwrap();
        assert_eq!(back, p);
        let text = r#"{"format": "telltale-choices", "version": 2, "choices": [
            {"kind": "block-site", "site": "t.example", "time": 1},
            {"kind": "block-everything-forever", "time": 2},
            {"kind": "block-site", "site": "<b>not a site</b>"},
            {"kind": "block-company", "company": " "}]}"#;
        let p = Policy::from_json(text).unwrap();
        assert_eq!(p.choices().collect::<Vec<_>>(), [&Choice::BlockSite { site: site("t.example") }]);
        assert_eq!(p.kept_aside().len(), 3);
        assert!(p.kept_aside()[0].error.contains("newer Telltale"), "{:?}", p.kept_aside());
        assert!(Policy::from_json("{\"format\": \"x\"}").is_err());
        assert!(Policy::from_json("{").unwrap_err().to_string().starts_with("stored choices:1:1: "));
        // Kept-aside entries survive another save and load.
        assert_eq!(Policy::from_json(&p.to_json()).unwrap().kept_aside().len(), 3);
    }
}
