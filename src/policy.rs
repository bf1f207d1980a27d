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

use crate::graph::TrackerGraph;
use crate::rules::{Category, OptOut, PrivacySignal, RuleIndex};
use crate::site::{Host, Site};

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

/// A located problem with stored choices.
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
    pub fn from_json(text: &str) -> Result<Policy, PolicyError> {
        let v: Value = serde_json::from_str(text).map_err(|e| PolicyError(format!("stored choices:{}:{}: {}", e.line(), e.column(), e)))?;
        if v.get("format").and_then(Value::as_str) != Some(FORMAT) {
            return Err(PolicyError(format!("stored choices: expected \"format\": \"{FORMAT}\"")));
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

// ------------------------------------------------------------------ compiling

/// What the browser allows and what the user granted, as the extension reads
/// them (feature detection); the CLI uses Chrome's numbers.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Capabilities {
    /// `MAX_NUMBER_OF_DYNAMIC_RULES` (Chrome 120+, Firefox 128+: 30,000; older: 5,000).
    pub max_rules: usize,
    /// `MAX_NUMBER_OF_UNSAFE_DYNAMIC_RULES` (modifyHeaders and redirects: 5,000).
    pub max_unsafe_rules: usize,
    /// Resource types the browser's DNR accepts.
    pub resource_types: Vec<String>,
    /// Page-world scripts can be registered (the `scripting` permission).
    pub scripting: bool,
    /// Cookies can be set (the `cookies` permission).
    pub cookies: bool,
    /// The js-flag scripts packaged with this build, by mechanism id.
    pub packaged_flags: Option<BTreeSet<String>>,
}

impl Default for Capabilities {
    fn default() -> Self {
        Capabilities {
            max_rules: 30_000,
            max_unsafe_rules: 5_000,
            resource_types: COMMON_RESOURCE_TYPES.iter().map(|s| s.to_string()).collect(),
            scripting: true,
            cookies: true,
            packaged_flags: None,
        }
    }
}

/// A DNR rule, in the shape `declarativeNetRequest.updateDynamicRules` takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DnrRule {
    pub id: u32,
    pub priority: u32,
    pub action: DnrAction,
    pub condition: DnrCondition,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DnrAction {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty", deserialize_with = "null_as_empty")]
    pub request_headers: Vec<DnrHeader>,
    /// Fields a browser hands back that Telltale never sets (Firefox lists
    /// every field, most as `null`); a rule with one set is not Telltale's.
    #[serde(flatten, skip_serializing)]
    pub other: BTreeMap<String, Value>,
}

fn null_as_empty<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DnrHeader {
    pub header: String,
    pub operation: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DnrCondition {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url_filter: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_domains: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excluded_initiator_domains: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_types: Option<Vec<String>>,
    /// As [`DnrAction::other`].
    #[serde(flatten, skip_serializing)]
    pub other: BTreeMap<String, Value>,
}

/// A page-world content script to register (`scripting.registerContentScripts`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageScript {
    pub id: String,
    pub js: Vec<String>,
    pub matches: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude_matches: Vec<String>,
    pub all_frames: bool,
    pub match_origin_as_fallback: bool,
    pub run_at: String,
    pub world: String,
    pub persist_across_sessions: bool,
}

/// A vendor's opt-out cookie, in the shape `cookies.set` takes (less the expiry, set by the caller).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptOutCookie {
    pub company: String,
    pub url: String,
    pub domain: String,
    pub name: String,
    pub value: String,
}

/// An opt-out cookie that a pack the person loaded names, waiting for them
/// to see its domain, name and value and confirm it
/// ([`Intent::ConfirmCookie`]): a pack could name any site's domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingCookie {
    pub company: String,
    /// The pack that names it.
    pub pack: String,
    pub domain: String,
    pub name: String,
    pub value: String,
}

/// A vendor's opt-out page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptOutPage {
    pub company: String,
    pub url: String,
}

/// A choice, or part of one, that could not be applied, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotApplied {
    pub key: String,
    pub label: String,
    pub reason: String,
    /// Optional permissions it waits for (the popup asks for them again).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub needs: Vec<String>,
}

/// Everything the choices come to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Compiled {
    /// Sorted by id.
    pub rules: Vec<DnrRule>,
    pub scripts: Vec<PageScript>,
    pub cookies: Vec<OptOutCookie>,
    /// Cookies of loaded packs, set only once confirmed.
    pub confirm_cookies: Vec<PendingCookie>,
    pub pages: Vec<OptOutPage>,
    pub not_applied: Vec<NotApplied>,
}

/// The change that brings the browser's dynamic rules to the computed ones.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RulesDiff {
    pub remove_rule_ids: Vec<u32>,
    pub add_rules: Vec<DnrRule>,
}

impl RulesDiff {
    pub fn is_empty(&self) -> bool {
        self.remove_rule_ids.is_empty() && self.add_rules.is_empty()
    }
}

/// The change that brings the registered page scripts to the computed ones.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScriptsDiff {
    pub unregister: Vec<String>,
    pub register: Vec<PageScript>,
}

/// FNV-1a of the rule's purpose, in 1..2^31 (DNR ids are positive 32-bit ints).
fn rule_id(key: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in key.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    (h & 0x7fff_ffff).max(1)
}

/// A stable id for a js-flag mechanism: its packaged script is `injected/flags/<id>.js`.
pub fn flag_id(o: &OptOut) -> Option<String> {
    let OptOut::JsFlag { property, value, ids_from, .. } = o else { return None };
    let key = serde_json::to_string(&(property, value, ids_from)).unwrap_or_default();
    Some(format!("{:08x}", rule_id(&key)))
}

/// The page-world script of a js-flag mechanism: it sets the property before
/// page scripts run; a templated property is set for every id found in the
/// URL of a matching script, as soon as the script element appears.
pub fn flag_script(o: &OptOut) -> Option<String> {
    let OptOut::JsFlag { property, value, ids_from, .. } = o else { return None };
    let spec = match ids_from {
        None => serde_json::json!({"property": property, "value": value}),
        Some(i) => {
            let p = crate::rules::UrlPattern { pattern: i.pattern.clone(), categories: vec![], source: None, evidence: None };
            let (host, path) = p.parts().ok()?;
            serde_json::json!({"property": property, "value": value, "host": host, "path": path, "param": i.param})
        }
    };
    Some(format!(
        "// A vendor's documented opt-out flag, set in the page's world before its script runs.\n\
         // Generated by Telltale from its rule packs; the data is the JSON below.\n\
         (function (spec) {{\n\
         \x20 'use strict';\n\
         \x20 var set = function (name) {{\n\
         \x20   try {{ Object.defineProperty(window, name, {{ value: spec.value, writable: true, configurable: true, enumerable: false }}); }} catch (e) {{}}\n\
         \x20 }};\n\
         \x20 if (!spec.param) {{ set(spec.property); return; }}\n\
         \x20 var seen = Object.create(null);\n\
         \x20 var look = function (el) {{\n\
         \x20   if (!el || el.tagName !== 'SCRIPT' || !el.src) return;\n\
         \x20   var u;\n\
         \x20   try {{ u = new URL(el.src, document.baseURI); }} catch (e) {{ return; }}\n\
         \x20   var h = u.hostname;\n\
         \x20   if (h !== spec.host && h.slice(-spec.host.length - 1) !== '.' + spec.host) return;\n\
         \x20   if (u.pathname.indexOf(spec.path) !== 0) return;\n\
         \x20   var id = u.searchParams.get(spec.param);\n\
         \x20   if (id && !seen[id]) {{ seen[id] = 1; set(spec.property.split('{{id}}').join(id)); }}\n\
         \x20 }};\n\
         \x20 new MutationObserver(function (records) {{\n\
         \x20   for (var i = 0; i < records.length; i++) {{\n\
         \x20     var added = records[i].addedNodes;\n\
         \x20     for (var j = 0; j < added.length; j++) {{\n\
         \x20       look(added[j]);\n\
         \x20       if (added[j].querySelectorAll) {{ var inner = added[j].querySelectorAll('script[src]'); for (var k = 0; k < inner.length; k++) look(inner[k]); }}\n\
         \x20     }}\n\
         \x20   }}\n\
         \x20 }}).observe(document, {{ childList: true, subtree: true }});\n\
         \x20 var existing = document.getElementsByTagName('script');\n\
         \x20 for (var n = 0; n < existing.length; n++) look(existing[n]);\n\
         }})({});\n",
        serde_json::to_string(&spec).ok()?
    ))
}

/// Every js-flag script the given packs call for: (mechanism id, script text).
pub fn flag_scripts(rules: &RuleIndex) -> BTreeMap<String, String> {
    rules
        .entities()
        .iter()
        .flat_map(|e| e.opt_outs.iter())
        .filter_map(|o| Some((flag_id(o)?, flag_script(o)?)))
        .collect()
}

/// Drops domains covered by another in the list (`a.example` covers `x.a.example`).
fn minimal_domains(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v.dedup();
    let set: BTreeSet<String> = v.iter().cloned().collect();
    v.into_iter()
        .filter(|d| {
            let mut rest = d.as_str();
            while let Some(i) = rest.find('.') {
                rest = &rest[i + 1..];
                if set.contains(rest) {
                    return false;
                }
            }
            true
        })
        .collect()
}

/// Match patterns for a site's pages, for `excludeMatches`.
fn site_matches(site: &Site) -> [String; 2] {
    [format!("*://{site}/*"), format!("*://*.{site}/*")]
}

struct Builder<'a> {
    caps: &'a Capabilities,
    out: Compiled,
    unsafe_rules: usize,
    ids: BTreeSet<u32>,
    /// Loaded packs' opt-out cookies the person confirmed: (domain, name, value).
    confirmed: BTreeSet<(&'a str, &'a str, &'a str)>,
}

impl Builder<'_> {
    /// Adds a choice's rules all together, or none of them when they do not fit.
    fn rules(&mut self, choice: &Choice, rules: Vec<(String, DnrRule)>) {
        let unsafe_n = rules.iter().filter(|(_, r)| r.action.kind == "modifyHeaders").count();
        if self.out.rules.len() + rules.len() > self.caps.max_rules {
            self.not_applied(choice, format!(
                "the browser allows {} blocking rules and the choices before this one use {}; this one needs {} more",
                self.caps.max_rules, self.out.rules.len(), rules.len()
            ));
            return;
        }
        if self.unsafe_rules + unsafe_n > self.caps.max_unsafe_rules {
            self.not_applied(choice, format!(
                "the browser allows {} header rules and the choices before this one use {}; this one needs {} more",
                self.caps.max_unsafe_rules, self.unsafe_rules, unsafe_n
            ));
            return;
        }
        self.unsafe_rules += unsafe_n;
        for (key, mut r) in rules {
            // Ids are hashes of the purpose; a collision takes the next free id.
            let mut id = rule_id(&key);
            while !self.ids.insert(id) {
                id = if id >= 0x7fff_ffff { 1 } else { id + 1 };
            }
            r.id = id;
            self.out.rules.push(r);
        }
    }

    fn not_applied(&mut self, choice: &Choice, reason: String) {
        self.out.not_applied.push(NotApplied { key: choice.key(), label: choice.label(), reason, needs: vec![] });
    }

    /// Not applied for want of an optional permission the person did not grant.
    fn not_granted(&mut self, choice: &Choice, reason: String, permission: &str) {
        self.out.not_applied.push(NotApplied { key: choice.key(), label: choice.label(), reason, needs: vec![permission.into()] });
    }
}

fn rule(priority: u32, kind: &str, condition: DnrCondition) -> DnrRule {
    DnrRule { id: 0, priority, action: DnrAction { kind: kind.into(), request_headers: vec![], other: BTreeMap::new() }, condition }
}

fn block_rule(domains: Vec<String>, own: Vec<String>) -> DnrRule {
    rule(PRIORITY_BLOCK, "block", DnrCondition {
        request_domains: Some(domains),
        excluded_initiator_domains: (!own.is_empty()).then_some(own),
        domain_type: Some("thirdParty".into()),
        ..Default::default()
    })
}

fn opt_out_headers(signals: &BTreeSet<PrivacySignal>, domains: Option<Vec<String>>, caps: &Capabilities) -> DnrRule {
    let mut r = rule(PRIORITY_OPT_OUT, "modifyHeaders", DnrCondition {
        request_domains: domains,
        // Without resourceTypes a rule skips top-level documents.
        resource_types: Some(caps.resource_types.clone()),
        ..Default::default()
    });
    for s in signals {
        let header = match s {
            PrivacySignal::Gpc => "Sec-GPC",
            PrivacySignal::Dnt => "DNT",
        };
        r.action.request_headers.push(DnrHeader { header: header.into(), operation: "set".into(), value: Some("1".into()) });
    }
    r
}

/// What the packs and the graph know, indexed for compiling.
struct Knowledge<'a> {
    rules: &'a RuleIndex,
    /// Company → its domains (minimal).
    company_domains: BTreeMap<String, Vec<String>>,
    /// Brand (entity) → its domains (minimal): a choice may name a brand
    /// ("company:Hotjar") where the packs give it an owner (Contentsquare).
    brand_domains: BTreeMap<String, Vec<String>>,
    /// Site → owning company, from the packs' domains.
    site_company: BTreeMap<Site, String>,
}

impl<'a> Knowledge<'a> {
    fn new(rules: &'a RuleIndex) -> Knowledge<'a> {
        let mut company_domains: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut brand_domains: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut site_company = BTreeMap::new();
        for (domain, id) in rules.domains() {
            let company = &rules.entity(id).company;
            company_domains.entry(company.clone()).or_default().push(domain.to_owned());
            brand_domains.entry(rules.entity(id).name.clone()).or_default().push(domain.to_owned());
            if let Ok(h) = Host::parse(domain) {
                site_company.entry(h.site()).or_insert_with(|| company.clone());
            }
        }
        for v in company_domains.values_mut().chain(brand_domains.values_mut()) {
            *v = minimal_domains(std::mem::take(v));
        }
        Knowledge { rules, company_domains, brand_domains, site_company }
    }

    /// The domains of a company, or of a brand when no company has that name.
    fn own_domains(&self, company: &str) -> Vec<String> {
        self.company_domains.get(company).or_else(|| self.brand_domains.get(company)).cloned().unwrap_or_default()
    }
}

/// Compiles choices into rules, scripts and opt-out actions. `graph` supplies
/// the trackers that heuristics found (no pack names them), so they can be
/// blocked by category like listed ones.
pub fn compile(policy: &Policy, rules: &RuleIndex, graph: &TrackerGraph, caps: &Capabilities) -> Compiled {
    let k = Knowledge::new(rules);
    let confirmed = policy
        .choices()
        .filter_map(|c| match c {
            Choice::SetPackCookie { domain, name, value } => Some((domain.as_str(), name.as_str(), value.as_str())),
            _ => None,
        })
        .collect();
    let mut b = Builder { caps, out: Compiled::default(), unsafe_rules: 0, ids: BTreeSet::new(), confirmed };
    // Trust and allow first: they are what keeps sites working, so they are
    // the last to be left out by a rule limit.
    let mut ordered: Vec<&Choice> = policy.choices().collect();
    ordered.sort_by_key(|c| match c {
        Choice::TrustSite { .. } => 0,
        Choice::AllowCompany { .. } | Choice::AllowSite { .. } => 1,
        Choice::OptOutEverywhere => 2,
        Choice::OptOutCompany { .. } => 3,
        _ => 4,
    });
    let trusted: Vec<&Site> = policy.choices().filter_map(|c| if let Choice::TrustSite { site } = c { Some(site) } else { None }).collect();
    let exclude: Vec<String> = trusted.iter().flat_map(|s| site_matches(s)).collect();
    let mut flags: BTreeMap<String, String> = BTreeMap::new();
    let mut gpc_script = false;

    for c in ordered {
        let key = c.key();
        match c {
            Choice::TrustSite { site } => b.rules(c, vec![(key, rule(PRIORITY_TRUST, "allowAllRequests", DnrCondition {
                request_domains: Some(vec![site.to_string()]),
                resource_types: Some(vec!["main_frame".into()]),
                ..Default::default()
            }))]),
            Choice::AllowCompany { company } => {
                let d = k.own_domains(company);
                if d.is_empty() {
                    b.not_applied(c, format!("no loaded rule pack names a domain of {company}"));
                } else {
                    b.rules(c, vec![(key, rule(PRIORITY_ALLOW, "allow", DnrCondition { request_domains: Some(d), ..Default::default() }))]);
                }
            }
            Choice::AllowSite { site } => {
                b.rules(c, vec![(key, rule(PRIORITY_ALLOW, "allow", DnrCondition { request_domains: Some(vec![site.to_string()]), ..Default::default() }))])
            }
            Choice::BlockCompany { company } => {
                let d = k.own_domains(company);
                if d.is_empty() {
                    b.not_applied(c, format!("no loaded rule pack names a domain of {company}"));
                } else {
                    b.rules(c, vec![(key, block_rule(d.clone(), d))]);
                }
            }
            Choice::BlockSite { site } => {
                let mut own = vec![site.to_string()];
                if let Some(company) = k.site_company.get(site) {
                    own.extend(k.own_domains(company));
                }
                b.rules(c, vec![(key, block_rule(vec![site.to_string()], minimal_domains(own)))]);
            }
            Choice::BlockCategory { category } => {
                let r = category_rules(&k, graph, *category, &key);
                if r.is_empty() {
                    b.not_applied(c, format!("no loaded rule pack and no heuristic names a third party as {}", category_words(*category)));
                } else {
                    b.rules(c, r);
                }
            }
            Choice::OptOutEverywhere => {
                let all: BTreeSet<PrivacySignal> = [PrivacySignal::Gpc, PrivacySignal::Dnt].into();
                b.rules(c, vec![(key, opt_out_headers(&all, None, caps))]);
                gpc_script = true;
                let companies: BTreeSet<&str> = rules.entities().iter().filter(|e| !e.opt_outs.is_empty()).map(|e| e.company.as_str()).collect();
                for company in companies {
                    vendor_opt_outs(&mut b, &k, c, company, &mut flags, false);
                }
            }
            Choice::OptOutCompany { company } => {
                let found = vendor_opt_outs(&mut b, &k, c, company, &mut flags, true);
                if !found {
                    b.not_applied(c, format!("no loaded rule pack names an opt-out for {company}"));
                }
            }
            // It lets a loaded pack's cookie through when an opt-out above names it.
            Choice::SetPackCookie { .. } => {}
        }
    }
    if gpc_script {
        if caps.scripting {
            b.out.scripts.push(page_script("telltale-gpc", GPC_SCRIPT.into(), &exclude));
        } else {
            b.not_granted(&Choice::OptOutEverywhere, "navigator.globalPrivacyControl needs the \"scripting\" permission, which was not granted; the Sec-GPC and DNT headers are sent".into(), "scripting");
        }
    }
    for (id, company) in flags {
        let packaged = caps.packaged_flags.as_ref().is_none_or(|p| p.contains(&id));
        let choice = Choice::OptOutCompany { company: company.clone() };
        if !caps.scripting {
            b.not_granted(&choice, format!("{company}'s opt-out flag needs the \"scripting\" permission, which was not granted"), "scripting");
        } else if !packaged {
            b.not_applied(&choice, format!("{company}'s opt-out flag comes from a pack loaded after this build; only flags of the built-in pack can be set before page scripts run"));
        } else {
            b.out.scripts.push(page_script(&format!("telltale-flag-{id}"), format!("{FLAG_SCRIPT_DIR}/{id}.js"), &exclude));
        }
    }
    b.out.rules.sort_by_key(|r| r.id);
    b.out.scripts.sort_by(|a, b| a.id.cmp(&b.id));
    b.out.cookies.sort_by(|a, b| (&a.domain, &a.name).cmp(&(&b.domain, &b.name)));
    b.out.cookies.dedup();
    b.out.confirm_cookies.sort_by(|a, b| (&a.domain, &a.name, &a.value).cmp(&(&b.domain, &b.name, &b.value)));
    b.out.confirm_cookies.dedup_by(|a, b| (&a.domain, &a.name, &a.value) == (&b.domain, &b.name, &b.value));
    b.out.pages.sort_by(|a, b| (&a.company, &a.url).cmp(&(&b.company, &b.url)));
    b.out.pages.dedup();
    b.out
}

/// One company's opt-out mechanisms into the builder; `headers` adds a header
/// rule for its signals (opting out everywhere already sends them to all).
/// Returns whether the packs name any mechanism for it.
fn vendor_opt_outs(b: &mut Builder, k: &Knowledge, c: &Choice, company: &str, flags: &mut BTreeMap<String, String>, headers: bool) -> bool {
    let mechanisms: Vec<_> =
        k.rules.entities().iter().filter(|e| e.company == company).flat_map(|e| e.opt_outs.iter().map(move |o| (o, e))).collect();
    let mut signals = BTreeSet::new();
    for &(o, entity) in &mechanisms {
        match o {
            OptOut::Signal { signals: s, .. } => signals.extend(s.iter().copied()),
            OptOut::Cookie { domain, name, value, .. } => {
                if !entity.built_in && !b.confirmed.contains(&(domain.as_str(), name.as_str(), value.as_str())) {
                    b.out.confirm_cookies.push(PendingCookie { company: company.into(), pack: entity.pack.clone(), domain: domain.clone(), name: name.clone(), value: value.clone() });
                    b.not_applied(c, format!("{company}'s opt-out cookie {name} on {domain} comes from the rule pack \"{}\" you loaded: it is set once you confirm it", entity.pack));
                } else if b.caps.cookies {
                    b.out.cookies.push(OptOutCookie { company: company.into(), url: format!("https://{domain}/"), domain: domain.clone(), name: name.clone(), value: value.clone() });
                } else {
                    b.not_granted(c, format!("{company}'s opt-out cookie needs the \"cookies\" permission, which was not granted"), "cookies");
                }
            }
            OptOut::Page { url, .. } => b.out.pages.push(OptOutPage { company: company.into(), url: url.clone() }),
            OptOut::JsFlag { .. } => {
                if let Some(id) = flag_id(o) {
                    flags.entry(id).or_insert_with(|| company.to_owned());
                }
            }
        }
    }
    if headers && !signals.is_empty() {
        let d = k.own_domains(company);
        if !d.is_empty() {
            b.rules(c, vec![(format!("{}:signals", c.key()), opt_out_headers(&signals, Some(d), b.caps))]);
        }
    }
    !mechanisms.is_empty()
}

fn page_script(id: &str, file: String, exclude: &[String]) -> PageScript {
    PageScript {
        id: id.into(),
        js: vec![file],
        matches: vec!["<all_urls>".into()],
        exclude_matches: exclude.to_vec(),
        all_frames: true,
        match_origin_as_fallback: true,
        run_at: "document_start".into(),
        world: "MAIN".into(),
        persist_across_sessions: true,
    }
}

/// A category block: per company, its domains in that category (its own
/// sites excluded as initiators); per pattern, a URL filter; per learned
/// tracker, its site.
fn category_rules(k: &Knowledge, graph: &TrackerGraph, category: Category, key: &str) -> Vec<(String, DnrRule)> {
    let rules = k.rules;
    let mut by_company: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (domain, id) in rules.domains() {
        let e = rules.entity(id);
        if e.categories.contains(&category) {
            by_company.entry(e.company.as_str()).or_default().push(domain.to_owned());
        }
    }
    // A pattern on a whole host is a domain of its company's rule.
    for p in rules.patterns().filter(|p| p.path_prefix == "/" && p.categories.contains(&category)) {
        by_company.entry(rules.entity(p.entity).company.as_str()).or_default().push(p.host.to_owned());
    }
    let mut out: Vec<(String, DnrRule)> = Vec::new();
    let mut covered: BTreeSet<String> = BTreeSet::new();
    for (company, domains) in by_company {
        let domains = minimal_domains(domains);
        covered.extend(domains.iter().cloned());
        out.push((format!("{key}:company:{company}"), block_rule(domains, k.own_domains(company))));
    }
    let mut filters: BTreeMap<String, &str> = BTreeMap::new();
    for p in rules.patterns().filter(|p| p.categories.contains(&category)) {
        let host_covered = Host::parse(p.host).is_ok_and(|h| h.ancestors().any(|a| covered.contains(a)));
        if !host_covered {
            // `^` ends the prefix at a separator, as pack patterns match at a path-segment boundary.
            let path = match p.path_prefix {
                x if x.ends_with('/') => x.to_owned(),
                x => format!("{x}^"),
            };
            filters.insert(format!("||{}{}", p.host, path), rules.entity(p.entity).company.as_str());
        }
    }
    for (filter, company) in filters {
        let mut r = block_rule(vec![], k.own_domains(company));
        r.condition.request_domains = None;
        r.condition.url_filter = Some(filter.clone());
        out.push((format!("{key}:pattern:{filter}"), r));
    }
    let learned: Vec<String> = graph
        .nodes()
        .filter(|n| n.third_party && n.categories.contains(&category) && !covered.contains(n.site.as_str()))
        .filter(|n| n.company.is_none() && !k.site_company.contains_key(&n.site))
        .map(|n| n.site.to_string())
        .collect();
    for site in learned {
        out.push((format!("{key}:site:{site}"), block_rule(vec![site.clone()], vec![site.clone()])));
    }
    out
}

/// The change from the rules in force (`current`, as `getDynamicRules` gives
/// them) to the computed ones: a rule whose id is kept but whose content
/// changed is removed and added again.
pub fn diff(current: &[DnrRule], wanted: &[DnrRule]) -> RulesDiff {
    let now: BTreeMap<u32, &DnrRule> = current.iter().map(|r| (r.id, r)).collect();
    let want: BTreeMap<u32, &DnrRule> = wanted.iter().map(|r| (r.id, r)).collect();
    let mut d = RulesDiff::default();
    for (id, r) in &now {
        if want.get(id).is_none_or(|w| !same_rule(w, r)) {
            d.remove_rule_ids.push(*id);
        }
    }
    for (id, w) in &want {
        if now.get(id).is_none_or(|r| !same_rule(w, r)) {
            d.add_rules.push((*w).clone());
        }
    }
    d
}

/// Rules compare as sets where order carries no meaning (browsers may hand
/// back lists in another order), and fields left at their defaults (`null`,
/// `false`) as absent.
fn same_rule(a: &DnrRule, b: &DnrRule) -> bool {
    fn norm(r: &DnrRule) -> DnrRule {
        let mut r = r.clone();
        let unset = |v: &Value| v.is_null() || *v == Value::Bool(false);
        r.action.other.retain(|_, v| !unset(v));
        r.condition.other.retain(|_, v| !unset(v));
        let c = &mut r.condition;
        for l in [&mut c.request_domains, &mut c.excluded_initiator_domains, &mut c.resource_types].into_iter().flatten() {
            l.sort();
        }
        r.action.request_headers.sort_by(|x, y| x.header.cmp(&y.header));
        r
    }
    norm(a) == norm(b)
}

/// The change from the registered page scripts (`getRegisteredContentScripts`,
/// our ids only) to the computed ones.
pub fn diff_scripts(current: &[Value], wanted: &[PageScript]) -> ScriptsDiff {
    let mut d = ScriptsDiff::default();
    let now: BTreeMap<String, &Value> = current
        .iter()
        .filter_map(|v| Some((v.get("id")?.as_str()?.to_owned(), v)))
        .filter(|(id, _)| id.starts_with("telltale-"))
        .collect();
    for (id, v) in &now {
        let keep = wanted.iter().find(|w| w.id == *id).is_some_and(|w| same_script(w, v));
        if !keep {
            d.unregister.push(id.clone());
        }
    }
    for w in wanted {
        let keep = now.get(&w.id).is_some_and(|v| same_script(w, v));
        if !keep {
            d.register.push(w.clone());
        }
    }
    d
}

fn same_script(w: &PageScript, v: &Value) -> bool {
    let list = |k: &str| -> Vec<String> {
        let mut l: Vec<String> = v.get(k).and_then(Value::as_array).map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_owned)).collect()).unwrap_or_default();
        l.sort();
        l
    };
    let mut ex = w.exclude_matches.clone();
    ex.sort();
    list("js") == w.js && list("excludeMatches") == ex
}

// ------------------------------------------------------------------ reading the policy

/// The optional browser permissions opting out asks for, requested in the
/// click itself: `scripting` for page-world scripts (GPC, vendors' flags),
/// `cookies` for vendors' opt-out cookies. `company: None` is "everywhere".
pub fn opt_out_permissions(rules: &RuleIndex, company: Option<&str>) -> Vec<&'static str> {
    let mechanisms: Vec<&OptOut> = match company {
        Some(c) => opt_outs_of(rules, c),
        None => rules.entities().iter().flat_map(|e| e.opt_outs.iter()).collect(),
    };
    let mut out = Vec::new();
    if company.is_none() || mechanisms.iter().any(|o| matches!(o, OptOut::JsFlag { .. })) {
        out.push("scripting");
    }
    if mechanisms.iter().any(|o| matches!(o, OptOut::Cookie { .. })) {
        out.push("cookies");
    }
    out
}

/// The vendor pages an intent opens for the user: a company's own opt-out
/// pages when opting out of it. (Opting out everywhere lists them instead of
/// opening a tab for each.)
pub fn pages_to_open(intent: &Intent, rules: &RuleIndex, graph: &TrackerGraph) -> Vec<String> {
    let Intent::OptOut { site } = intent else { return vec![] };
    let Ok(Target::Company(company)) = Target::of(site, rules, graph) else { return vec![] };
    opt_outs_of(rules, &company)
        .into_iter()
        .filter_map(|o| if let OptOut::Page { url, .. } = o { Some(url.clone()) } else { None })
        .collect()
}

/// The permissions "Forget me" asks for.
pub const FORGET_PERMISSIONS: [&str; 2] = ["cookies", "browsingData"];

/// The domains whose cookies and site data "Forget me" removes: every domain
/// a block rule names (listed, learned or by URL filter).
pub fn forget_domains(c: &Compiled) -> Vec<String> {
    let mut out = Vec::new();
    for r in c.rules.iter().filter(|r| r.action.kind == "block") {
        out.extend(r.condition.request_domains.iter().flatten().cloned());
        if let Some(f) = &r.condition.url_filter {
            let host = f.trim_start_matches("||").split('/').next().unwrap_or_default();
            if !host.is_empty() {
                out.push(host.to_owned());
            }
        }
    }
    minimal_domains(out)
}

/// Whether the choices block requests to `host` (at `path`, when known) on
/// a page of `page`: the DNR rules' meaning, for counting what was blocked
/// and for the popup's buttons. Without a path, a category block counts when
/// any of the company's rules is in that category.
pub fn blocks(policy: &Policy, rules: &RuleIndex, graph: &TrackerGraph, host: &Host, path: Option<&str>, page: Option<&Site>) -> Option<Choice> {
    let site = host.site();
    if page == Some(&site) {
        return None;
    }
    if let Some(p) = page {
        if policy.has(&Choice::TrustSite { site: p.clone() }) {
            return None;
        }
    }
    let entity = rules.entity_of_host(host).map(|id| rules.entity(id));
    let company = entity.map(|e| e.company.clone()).or_else(|| graph.node(&site).and_then(|n| n.company.clone()));
    // A company's own sites are never blocked from loading its other domains.
    if let (Some(c), Some(p)) = (&company, page) {
        let k_own = Host::parse(p.as_str()).ok().and_then(|h| rules.entity_of_host(&h)).map(|id| &rules.entity(id).company);
        if k_own == Some(c) {
            return None;
        }
    }
    // A choice names the company, or one of its brands.
    let brand = entity.map(|e| e.name.clone()).filter(|b| company.as_ref() != Some(b));
    let names = || company.iter().chain(brand.iter());
    if names().any(|c| policy.has(&Choice::AllowCompany { company: c.clone() })) || policy.has(&Choice::AllowSite { site: site.clone() }) {
        return None;
    }
    for c in names() {
        let choice = Choice::BlockCompany { company: c.clone() };
        if policy.has(&choice) {
            return Some(choice);
        }
    }
    let choice = Choice::BlockSite { site: site.clone() };
    if policy.has(&choice) {
        return Some(choice);
    }
    let mut cats: BTreeSet<Category> = match (path, &company) {
        (Some(path), _) => rules.lookup(host, path).map(|m| m.categories.into_iter().collect()).unwrap_or_default(),
        (None, Some(c)) => company_categories(rules, graph, c),
        (None, None) => BTreeSet::new(),
    };
    if entity.is_none() {
        cats.extend(graph.node(&site).map(|n| n.categories.iter().copied()).into_iter().flatten());
    }
    policy.choices().find(|c| matches!(c, Choice::BlockCategory { category } if cats.contains(category))).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RulePack;

    const PACK: &str = r#"{
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
    fn ix() -> RuleIndex {
        let mut ix = RuleIndex::new();
        ix.add_built_in(&RulePack::parse("t.json", PACK).unwrap());
        ix
    }

    fn site(s: &str) -> Site {
        Site::of(s).unwrap()
    }

    #[test]
    fn blocking_a_company_blocks_its_domains_but_not_from_its_own_sites() {
        let (ix, g) = (ix(), TrackerGraph::new());
        let mut p = Policy::new();
        p.act(&Intent::Block { site: "px.ads.example".into() }, 1, 1.0, &ix, &g).unwrap();
        assert!(p.has(&Choice::BlockCompany { company: "AdCo".into() }));
        let c = compile(&p, &ix, &g, &Capabilities::default());
        assert_eq!(c.rules.len(), 1);
        let r = &c.rules[0];
        assert_eq!(r.action.kind, "block");
        assert_eq!(r.condition.request_domains.as_deref().unwrap(), ["adco.example", "ads.example", "rt.example"]);
        assert_eq!(r.condition.excluded_initiator_domains, r.condition.request_domains, "its own sites keep working");
        assert_eq!(r.condition.domain_type.as_deref(), Some("thirdParty"));
        let h = Host::parse("px.ads.example").unwrap();
        assert!(blocks(&p, &ix, &g, &h, None, Some(&site("news.example"))).is_some());
        assert!(blocks(&p, &ix, &g, &h, None, Some(&site("adco.example"))).is_none(), "the company's own site");
    }

    #[test]
    fn a_choice_may_name_a_brand_of_a_company() {
        // "AdCo Retarget" is a brand of AdCo: blocking it by name blocks its domains only.
        let (ix, g) = (ix(), TrackerGraph::new());
        let mut p = Policy::new();
        p.add(Choice::BlockCompany { company: "AdCo Retarget".into() }, 1.0);
        let c = compile(&p, &ix, &g, &Capabilities::default());
        assert_eq!(c.rules.len(), 1, "{:?}", c.not_applied);
        assert_eq!(c.rules[0].condition.request_domains.as_deref().unwrap(), ["rt.example"]);
        let news = site("news.example");
        assert_eq!(blocks(&p, &ix, &g, &Host::parse("px.rt.example").unwrap(), None, Some(&news)), Some(Choice::BlockCompany { company: "AdCo Retarget".into() }));
        assert!(blocks(&p, &ix, &g, &Host::parse("px.ads.example").unwrap(), None, Some(&news)).is_none(), "the company's other brand");
    }

    #[test]
    fn ids_are_stable_and_diffs_touch_only_what_changed() {
        let (ix, g) = (ix(), TrackerGraph::new());
        let caps = Capabilities::default();
        let mut p = Policy::new();
        p.add(Choice::BlockSite { site: site("unknown.example") }, 1.0);
        let one = compile(&p, &ix, &g, &caps);
        p.add(Choice::BlockCategory { category: Category::SessionReplay }, 2.0);
        let two = compile(&p, &ix, &g, &caps);
        let d = diff(&one.rules, &two.rules);
        assert!(d.remove_rule_ids.is_empty(), "{d:?}");
        assert_eq!(d.add_rules.len(), two.rules.len() - 1);
        // The same choices compile to the same ids, whatever their order.
        let mut q = Policy::new();
        q.add(Choice::BlockCategory { category: Category::SessionReplay }, 1.0);
        q.add(Choice::BlockSite { site: site("unknown.example") }, 2.0);
        assert_eq!(compile(&q, &ix, &g, &caps).rules, two.rules);
        assert!(diff(&two.rules, &two.rules).is_empty());
        // Removing a choice removes its rules and adds nothing.
        p.act(&Intent::Unblock { site: "unknown.example".into() }, 1, 3.0, &ix, &g).unwrap();
        let three = compile(&p, &ix, &g, &caps);
        let d = diff(&two.rules, &three.rules);
        assert_eq!((d.remove_rule_ids.len(), d.add_rules.len()), (1, 0));
        // Firefox hands rules back with every field, most of them null: the same rules.
        let firefox: Vec<DnrRule> = serde_json::from_str(&serde_json::to_string(&three.rules).unwrap().replace(
            "\"domainType\"",
            "\"initiatorDomains\":null,\"regexFilter\":null,\"tabIds\":null,\"isUrlFilterCaseSensitive\":null,\"domainType\"",
        ).replace("\"type\":\"block\"", "\"type\":\"block\",\"redirect\":null,\"requestHeaders\":null")).unwrap();
        assert!(diff(&firefox, &three.rules).is_empty(), "{:?}", diff(&firefox, &three.rules));
        // A rule with a field Telltale never sets is not Telltale's rule.
        let mut foreign = three.rules.clone();
        foreign[0].condition.other.insert("tabIds".into(), serde_json::json!([1]));
        assert_eq!(diff(&foreign, &three.rules).remove_rule_ids.len(), 1);
        // A rule the browser holds in another order is the same rule.
        let mut shuffled = three.rules.clone();
        for r in &mut shuffled {
            if let Some(l) = r.condition.request_domains.as_mut() {
                l.reverse();
            }
        }
        assert!(diff(&shuffled, &three.rules).is_empty());
    }

    #[test]
    fn a_category_block_covers_entities_patterns_and_learned_trackers() {
        let ix = ix();
        let mut g = TrackerGraph::new();
        let (page, learned) = (site("news.example"), site("learned.example"));
        g.visit(&page, 1.0);
        g.record_request(&crate::graph::Hit { from: &page, to: &learned, page: &page, time: 1.0, resource_type: Some("image"), redirect: false });
        g.classify(&learned, None, None, &[Category::CrossSiteCookies], true, &[]);
        let mut p = Policy::new();
        p.add(Choice::BlockCategory { category: Category::SessionReplay }, 1.0);
        p.add(Choice::BlockCategory { category: Category::CrossSiteCookies }, 1.0);
        let c = compile(&p, &ix, &g, &Capabilities::default());
        let filters: Vec<_> = c.rules.iter().filter_map(|r| r.condition.url_filter.clone()).collect();
        assert_eq!(filters, ["||stats.example/replay/"]);
        let domains: Vec<_> = c.rules.iter().filter_map(|r| r.condition.request_domains.clone()).collect();
        assert!(domains.contains(&vec!["rec-cdn.example".into(), "rec.example".into()]), "{domains:?}");
        assert!(domains.contains(&vec!["learned.example".into()]), "a heuristic's tracker is blocked like a listed one");
        assert!(blocks(&p, &ix, &g, &Host::parse("px.learned.example").unwrap(), None, Some(&page)).is_some());
        assert!(c.not_applied.is_empty(), "{:?}", c.not_applied);
    }

    #[test]
    fn a_company_let_through_a_category_block_still_gets_the_opt_out_signal() {
        let (ix, g) = (ix(), TrackerGraph::new());
        let mut p = Policy::new();
        p.add(Choice::OptOutEverywhere, 1.0);
        p.add(Choice::BlockCategory { category: Category::Advertising }, 1.0);
        p.add(Choice::AllowCompany { company: "AdCo".into() }, 1.0);
        p.add(Choice::TrustSite { site: site("news.example") }, 1.0);
        let c = compile(&p, &ix, &g, &Capabilities::default());
        let of = |kind: &str| c.rules.iter().filter(|r| r.action.kind == kind).map(|r| r.priority).collect::<Vec<_>>();
        let (headers, allows, trust) = (of("modifyHeaders"), of("allow"), of("allowAllRequests"));
        assert!(!headers.is_empty() && !allows.is_empty() && !trust.is_empty(), "{:?}", c.rules);
        // The engine applies modifyHeaders only above every matching allow rule: above "allow", below trust.
        assert!(headers.iter().all(|h| allows.iter().all(|a| h > a) && trust.iter().all(|t| h < t)), "{headers:?} {allows:?} {trust:?}");
    }

    #[test]
    fn trust_allows_everything_on_the_site_above_blocks_and_signals() {
        let (ix, g) = (ix(), TrackerGraph::new());
        let mut p = Policy::new();
        p.add(Choice::BlockCategory { category: Category::Advertising }, 1.0);
        p.add(Choice::OptOutEverywhere, 1.0);
        p.act(&Intent::Trust { site: "www.news.example".into() }, 1, 2.0, &ix, &g).unwrap();
        let c = compile(&p, &ix, &g, &Capabilities::default());
        let trust = c.rules.iter().find(|r| r.action.kind == "allowAllRequests").unwrap();
        assert_eq!(trust.condition.request_domains.as_deref().unwrap(), ["news.example"]);
        assert!(c.rules.iter().all(|r| r.action.kind == "allowAllRequests" || r.priority < trust.priority));
        let headers = c.rules.iter().find(|r| r.action.kind == "modifyHeaders").unwrap();
        assert!(headers.condition.resource_types.as_ref().unwrap().contains(&"main_frame".to_string()), "top-level documents get the headers too");
        let names: BTreeSet<_> = headers.action.request_headers.iter().map(|h| h.header.as_str()).collect();
        assert_eq!(names, ["DNT", "Sec-GPC"].into());
        let gpc = c.scripts.iter().find(|s| s.js == [GPC_SCRIPT]).unwrap();
        assert_eq!(gpc.exclude_matches, ["*://news.example/*", "*://*.news.example/*"]);
        assert_eq!(gpc.world, "MAIN");
        let ads = Host::parse("ads.example").unwrap();
        assert!(blocks(&p, &ix, &g, &ads, None, Some(&site("news.example"))).is_none());
        assert!(blocks(&p, &ix, &g, &ads, None, Some(&site("shop.example"))).is_some());
    }

    #[test]
    fn opting_out_runs_each_vendors_mechanisms() {
        let (ix, g) = (ix(), TrackerGraph::new());
        let mut p = Policy::new();
        p.act(&Intent::OptOut { site: "rec.example".into() }, 1, 1.0, &ix, &g).unwrap();
        let c = compile(&p, &ix, &g, &Capabilities::default());
        assert_eq!(c.cookies, [OptOutCookie { company: "RecCo".into(), url: "https://rec.example/".into(), domain: "rec.example".into(), name: "optout".into(), value: "1".into() }]);
        assert_eq!(c.pages, [OptOutPage { company: "RecCo".into(), url: "https://rec.example/opt-out".into() }]);
        let r = &c.rules[0];
        assert_eq!((r.action.kind.as_str(), r.action.request_headers[0].header.as_str()), ("modifyHeaders", "Sec-GPC"));
        assert_eq!(r.condition.request_domains.as_deref().unwrap(), ["rec-cdn.example", "rec.example"]);
        assert!(p.act(&Intent::OptOut { site: "ads.example".into() }, 1, 1.0, &ix, &g).is_err(), "AdCo names no opt-out");

        let mut all = Policy::new();
        all.add(Choice::OptOutEverywhere, 1.0);
        let c = compile(&all, &ix, &g, &Capabilities::default());
        let flag = c.scripts.iter().find(|s| s.id.starts_with("telltale-flag-")).unwrap();
        let o = &ix.entities().iter().find(|e| e.name == "Stats").unwrap().opt_outs[0];
        assert_eq!(flag.js, [format!("{FLAG_SCRIPT_DIR}/{}.js", flag_id(o).unwrap())]);
        assert!(flag_script(o).unwrap().contains("\"param\":\"id\""));
        assert_eq!(c.cookies.len(), 1);

        // Without the permissions, the rest applies and the user is told what did not.
        let caps = Capabilities { scripting: false, cookies: false, ..Default::default() };
        let c = compile(&all, &ix, &g, &caps);
        assert!(c.scripts.is_empty() && c.cookies.is_empty());
        assert_eq!(c.rules.len(), 1);
        assert!(c.not_applied.iter().any(|n| n.reason.contains("globalPrivacyControl")), "{:?}", c.not_applied);
        assert!(c.not_applied.iter().any(|n| n.reason.contains("\"cookies\" permission") && n.needs == ["cookies"]), "{:?}", c.not_applied);
        assert!(c.not_applied.iter().any(|n| n.reason.contains("globalPrivacyControl") && n.needs == ["scripting"]), "{:?}", c.not_applied);
        // A flag from a pack this build did not package is reported, not dropped.
        let caps = Capabilities { packaged_flags: Some(BTreeSet::new()), ..Default::default() };
        let c = compile(&all, &ix, &g, &caps);
        assert!(c.not_applied.iter().any(|n| n.reason.contains("loaded after this build")), "{:?}", c.not_applied);
    }

    #[test]
    fn a_loaded_packs_opt_out_cookie_waits_for_the_person_to_see_it() {
        let (mut ix, g) = (ix(), TrackerGraph::new());
        let hostile = r#"{"format": "telltale-rules/1", "name": "hostile", "version": "1", "license": "CC0-1.0",
            "sources": {"s": {"name": "test"}},
            "entities": [{"name": "Bank Tracker", "domains": ["bank.example"], "categories": ["advertising"], "source": "s",
                          "opt_outs": [{"kind": "cookie", "domain": "bank.example", "name": "session", "value": "attacker", "source": "s"}]}]}"#;
        ix.add(&RulePack::parse("hostile.json", hostile).unwrap());
        let mut p = Policy::new();
        p.add(Choice::OptOutEverywhere, 1.0);
        let c = compile(&p, &ix, &g, &Capabilities::default());
        // The built-in pack's cookie is set; the loaded pack's waits, named with its pack.
        assert_eq!(c.cookies.iter().map(|k| k.domain.as_str()).collect::<Vec<_>>(), ["rec.example"]);
        assert_eq!(c.confirm_cookies, [PendingCookie { company: "Bank Tracker".into(), pack: "hostile".into(), domain: "bank.example".into(), name: "session".into(), value: "attacker".into() }]);
        assert!(c.not_applied.iter().any(|n| n.reason.contains("comes from the rule pack \"hostile\" you loaded")), "{:?}", c.not_applied);
        // Confirming sets exactly that cookie; a cookie no pack names cannot be confirmed.
        let forged = Intent::ConfirmCookie { domain: "bank.example".into(), name: "session".into(), value: "other".into() };
        assert!(p.act(&forged, 1, 2.0, &ix, &g).is_err());
        let seen = Intent::ConfirmCookie { domain: "bank.example".into(), name: "session".into(), value: "attacker".into() };
        p.act(&seen, 1, 2.0, &ix, &g).unwrap();
        let c = compile(&p, &ix, &g, &Capabilities::default());
        assert!(c.confirm_cookies.is_empty());
        assert!(c.cookies.iter().any(|k| k.domain == "bank.example" && k.value == "attacker"));
        // A pack cannot call itself built in.
        let mut other = RuleIndex::new();
        other.add(&RulePack::parse("t.json", PACK).unwrap());
        let c = compile(&p, &other, &g, &Capabilities::default());
        assert!(c.cookies.is_empty() && c.confirm_cookies.len() == 1, "{:?}", c.cookies);
    }

    #[test]
    fn rule_limits_leave_whole_choices_out_and_say_which() {
        let (ix, g) = (ix(), TrackerGraph::new());
        let mut p = Policy::new();
        p.add(Choice::TrustSite { site: site("news.example") }, 1.0);
        for i in 0..5 {
            p.add(Choice::BlockSite { site: site(&format!("t{i}.example")) }, 2.0);
        }
        let caps = Capabilities { max_rules: 3, ..Default::default() };
        let c = compile(&p, &ix, &g, &caps);
        assert_eq!(c.rules.len(), 3);
        assert!(c.rules.iter().any(|r| r.action.kind == "allowAllRequests"), "trust is applied first");
        assert_eq!(c.not_applied.len(), 3);
        assert!(c.not_applied.iter().all(|n| n.key.starts_with("block-site:") && n.reason.contains("allows 3")), "{:?}", c.not_applied);
        let caps = Capabilities { max_unsafe_rules: 0, ..Default::default() };
        let mut q = Policy::new();
        q.add(Choice::OptOutEverywhere, 1.0);
        let c = compile(&q, &ix, &g, &caps);
        assert!(c.rules.is_empty() && c.not_applied[0].reason.contains("header rules"), "{:?}", c.not_applied);
    }

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
        assert!(Policy::from_json("{").unwrap_err().0.contains("1:1"));
        // Kept-aside entries survive another save and load.
        assert_eq!(Policy::from_json(&p.to_json()).unwrap().kept_aside().len(), 3);
    }

    #[test]
    fn five_thousand_domains_fit_in_one_rule() {
        let mut pack: serde_json::Value = serde_json::from_str(PACK).unwrap();
        let domains: Vec<String> = (0..5000).map(|i| format!("d{i}.big.example")).collect();
        pack["entities"].as_array_mut().unwrap().push(serde_json::json!({"name": "Big", "domains": domains, "categories": ["advertising"], "source": "s"}));
        let mut ix = RuleIndex::new();
        ix.add(&RulePack::parse("big.json", &pack.to_string()).unwrap());
        let mut p = Policy::new();
        p.add(Choice::BlockCompany { company: "Big".into() }, 1.0);
        let c = compile(&p, &ix, &TrackerGraph::new(), &Capabilities::default());
        assert_eq!(c.rules.len(), 1);
        assert_eq!(c.rules[0].condition.request_domains.as_ref().unwrap().len(), 5000);
    }

    #[test]
    fn hostile_names_stay_data() {
        let (ix, g) = (ix(), TrackerGraph::new());
        let mut p = Policy::new();
        assert!(p.act(&Intent::Block { site: "<img src=x onerror=alert(1)>".into() }, 1, 1.0, &ix, &g).is_err());
        p.add(Choice::BlockCompany { company: "<script>alert(1)</script>".into() }, 1.0);
        let c = compile(&p, &ix, &g, &Capabilities::default());
        assert!(c.rules.is_empty());
        assert!(c.not_applied[0].label.contains("<script>"), "kept as text for the view to escape");
    }
}
