//! DuckDuckGo's Tracker Data Set (`tds.json`) as a native pack.
//!
//! `tds.json` is `{"trackers": {domain: {domain, owner: {name,
//! displayName}, default, rules, categories, fingerprinting...}},
//! "entities": {name: {domains, displayName}}, "domains": {domain: entity},
//! "cnames": {host: host}}` (tds-README.md in DuckDuckGo's
//! tracker-blocklists). The import keeps all four:
//!
//! - each entity becomes a pack entity (`name`, company `displayName`) with
//!   its domains, so ownership and "same company" work as for any pack; the
//!   entities carry no categories of their own: what a request is comes from
//!   its tracker's decision;
//! - the trackers, their rules (in order, with `action`, `surrogate`,
//!   `options`, `exceptions`) and the cnames become one entry of the pack's
//!   `tracker_lists`, matched as [`crate::rules::tds`] describes.
//!
//! Categories map through [`map_category`] (rules/README.md has the table);
//! a tracker whose `fingerprinting` score is 3 ("almost certainly for
//! tracking purposes", in the format's documentation) also gets
//! `fingerprinting`. What cannot be carried over (a rule Rust's regex engine
//! cannot compile, a domain that cannot be a pack's, an unknown category) is
//! left out and counted in [`Imported::skipped`].

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde_json::{Map, Value};

use super::Imported;
use crate::error::InputError;
use crate::rules::tds::{self, Action, Scope, Tracker, TrackerList, TrackerRule};
use crate::rules::{Category, DomainName, Entity, RulePack, Source, FORMAT_V1};
use crate::site::Host;

/// Tracker Radar's categories onto Telltale's (`None`: says nothing of what
/// the tracker does, such as "Non-tracking" or "Obscure Ownership").
pub fn map_category(c: &str) -> Option<Option<Category>> {
    Some(Some(match c {
        "Advertising" | "Ad Motivated Tracking" => Category::Advertising,
        "Analytics" | "Audience Measurement" | "Third-Party Analytics Marketing" | "Action Pixels" => Category::Analytics,
        "Session Replay" => Category::SessionReplay,
        "Social Network" | "Social - Comment" | "Social - Share" | "Federated Login" => Category::Social,
        "Tag Manager" => Category::TagManager,
        "CDN" | "Content Delivery" => Category::Cdn,
        "Embedded Content" | "Badge" | "Online Payment" => Category::Content,
        "Ad Fraud" | "Malware" | "SSO" => Category::Other,
        "Unknown High Risk Behavior" => Category::Tracking,
        "Non-tracking" | "Non-Tracking" | "Obscure Ownership" => return Some(None),
        _ => return None,
    }))
}

/// Whether a JSON document looks like a TDS file.
pub fn detect(v: &Value) -> bool {
    v.get("format").is_none() && v.get("trackers").is_some_and(Value::is_object) && (v.get("entities").is_some_and(Value::is_object) || v.get("domains").is_some_and(Value::is_object))
}

fn count(skipped: &mut BTreeMap<String, usize>, why: &str) {
    *skipped.entry(why.to_owned()).or_default() += 1;
}

fn host(raw: &str) -> Option<String> {
    Host::parse(raw).ok().map(|h| h.as_str().to_owned()).filter(|h| h.contains('.'))
}

fn scope(v: Option<&Value>, skipped: &mut BTreeMap<String, usize>) -> Option<Scope> {
    let o = v?.as_object()?;
    let strings = |k: &str| -> Vec<String> { o.get(k).and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(str::to_owned).collect() };
    let mut domains = Vec::new();
    for d in strings("domains") {
        match host(&d) {
            Some(h) => domains.push(h),
            None => count(skipped, "rule domains that are not host names"),
        }
    }
    let mut types = Vec::new();
    for t in strings("types") {
        if tds::TYPE_NAMES.contains(&t.as_str()) {
            types.push(t);
        } else {
            count(skipped, "rule request types that are not webRequest types");
        }
    }
    Some(Scope { domains, types })
}

fn rule(r: &Value, skipped: &mut BTreeMap<String, usize>) -> Option<TrackerRule> {
    let Some(text) = r.get("rule").and_then(Value::as_str) else {
        count(skipped, "rules without a \"rule\" string");
        return None;
    };
    if tds::compile_rule(text).is_err() {
        count(skipped, "rules Rust's regex engine cannot compile (look-around, back-references, or too big)");
        return None;
    }
    let action = match r.get("action").and_then(Value::as_str) {
        None => None,
        Some("ignore") => Some(Action::Ignore),
        Some("block") => Some(Action::Block),
        // DuckDuckGo's reference: a rule with another action is passed over,
        // and the next rule or the tracker's default decides.
        Some(_) => {
            count(skipped, "rules whose action is neither block nor ignore (passed over: the next rule or the default decides)");
            return None;
        }
    };
    Some(TrackerRule {
        rule: text.to_owned(),
        action,
        surrogate: r.get("surrogate").and_then(Value::as_str).map(str::to_owned),
        options: scope(r.get("options"), skipped),
        exceptions: scope(r.get("exceptions"), skipped),
    })
}

/// Entities by name, in the order first named, and the domains claimed.
#[derive(Default)]
struct Owners {
    order: Vec<String>,
    by_name: HashMap<String, Entity>,
    claimed: HashSet<String>,
}

impl Owners {
    fn add(&mut self, name: &str, display: Option<&str>, d: &str, skipped: &mut BTreeMap<String, usize>) {
        let e = self.by_name.entry(name.to_owned()).or_insert_with(|| {
            self.order.push(name.to_owned());
            Entity {
                name: name.to_owned(),
                company: display.filter(|x| !x.is_empty() && *x != name).map(str::to_owned),
                company_source: None,
                company_evidence: None,
                homepage: None,
                domains: vec![],
                categories: vec![],
                patterns: vec![],
                opt_outs: vec![],
                source: "tds".into(),
            }
        });
        match Host::parse(d) {
            Ok(h) if crate::rules::domain_problem(&h).is_none() => {
                if self.claimed.insert(h.as_str().to_owned()) {
                    e.domains.push(DomainName(h.as_str().to_owned()));
                } else if !e.domains.iter().any(|x| x.as_str() == h.as_str()) {
                    count(skipped, "domains another entity claimed first");
                }
            }
            _ => count(skipped, "domains that cannot be a pack's (public suffixes, not host names)"),
        }
    }
}

/// Imports a parsed `tds.json` (`file` names it in errors and the source).
pub fn import(file: &str, v: &Value) -> Result<Imported, InputError> {
    let err = |m: &str| InputError::whole(file, m);
    let trackers_in = v.get("trackers").and_then(Value::as_object).ok_or_else(|| err("expected DuckDuckGo's tds.json: an object with \"trackers\""))?;
    let empty = Map::new();
    let entities_in = v.get("entities").and_then(Value::as_object).unwrap_or(&empty);
    let mut skipped: BTreeMap<String, usize> = BTreeMap::new();

    // Entities, with their domains: `entities` first, then `domains` for any it leaves out.
    let mut owners = Owners::default();
    for (name, body) in entities_in {
        let display = body.get("displayName").and_then(Value::as_str);
        for d in body.get("domains").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
            owners.add(name, display, d, &mut skipped);
        }
    }
    if let Some(domains) = v.get("domains").and_then(Value::as_object) {
        for (d, owner) in domains {
            let Some(owner) = owner.as_str() else { continue };
            if !owners.claimed.contains(d.as_str()) {
                let display = entities_in.get(owner).and_then(|b| b.get("displayName")).and_then(Value::as_str);
                owners.add(owner, display, d, &mut skipped);
            }
        }
    }

    let mut trackers = Vec::new();
    let mut unknown: BTreeSet<String> = BTreeSet::new();
    for (key, t) in trackers_in {
        let Some(t) = t.as_object() else {
            count(&mut skipped, "trackers that are not objects");
            continue;
        };
        let Some(domain) = host(t.get("domain").and_then(Value::as_str).unwrap_or(key)) else {
            count(&mut skipped, "trackers whose domain is not a host name");
            continue;
        };
        let owner = t.get("owner").and_then(|o| o.get("name")).and_then(Value::as_str).filter(|n| !n.is_empty());
        if let Some(o) = owner {
            // A brand owned by a parent company ("ownedBy") rolls up to the parent.
            if let Some(parent) = t.get("owner").and_then(|x| x.get("ownedBy")).and_then(Value::as_str).filter(|p| !p.is_empty() && *p != o) {
                let display = entities_in.get(parent).and_then(|b| b.get("displayName")).and_then(Value::as_str).unwrap_or(parent);
                if let Some(e) = owners.by_name.get_mut(o) {
                    e.company = Some(display.to_owned());
                }
            }
            // The tracker's own domain belongs to its owner, if no entity has it.
            if !owners.claimed.contains(domain.as_str()) {
                let display = t.get("owner").and_then(|o| o.get("displayName")).and_then(Value::as_str);
                owners.add(o, display, &domain, &mut skipped);
            }
        }
        let mut categories: Vec<Category> = Vec::new();
        for c in t.get("categories").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
            match map_category(c) {
                Some(Some(c)) => categories.push(c),
                Some(None) => {}
                None => {
                    unknown.insert(c.to_owned());
                }
            }
        }
        if t.get("fingerprinting").and_then(Value::as_f64) == Some(3.0) {
            categories.push(Category::Fingerprinting);
        }
        categories.sort();
        categories.dedup();
        let default = match t.get("default").and_then(Value::as_str) {
            Some("ignore") => Action::Ignore,
            Some("block") => Action::Block,
            _ => {
                count(&mut skipped, "trackers without a default of block or ignore (read as block)");
                Action::Block
            }
        };
        let rules = t.get("rules").and_then(Value::as_array).into_iter().flatten().filter_map(|r| rule(r, &mut skipped)).collect();
        trackers.push(Tracker { domain, owner: owner.map(str::to_owned), default, categories, rules });
    }
    for c in &unknown {
        *skipped.entry(format!("category {c:?}, which rules/README.md's table does not map")).or_default() += 1;
    }

    let mut cnames = BTreeMap::new();
    for (from, to) in v.get("cnames").and_then(Value::as_object).into_iter().flatten() {
        match (host(from), to.as_str().and_then(host)) {
            (Some(f), Some(t)) => {
                cnames.insert(f, t);
            }
            _ => count(&mut skipped, "CNAME records that are not host names"),
        }
    }

    let mut entities = Vec::new();
    for name in owners.order {
        let e = owners.by_name.remove(&name).expect("each name was inserted");
        if e.domains.is_empty() {
            count(&mut skipped, "entities left with no domain");
            continue;
        }
        entities.push(e);
    }
    // Owners left with no entity (no domain could be kept) are not named.
    let names: HashSet<&str> = entities.iter().map(|e| e.name.as_str()).collect();
    for t in &mut trackers {
        if t.owner.as_deref().is_some_and(|o| !names.contains(o)) {
            t.owner = None;
        }
    }
    let license = "CC-BY-NC-SA-4.0".to_owned();
    let mut sources = BTreeMap::new();
    sources.insert(
        "tds".to_owned(),
        Source {
            name: format!("DuckDuckGo Tracker Radar blocklist ({file})"),
            url: Some("https://github.com/duckduckgo/tracker-blocklists".into()),
            license: Some(license.clone()),
        },
    );
    let pack = RulePack {
        format: FORMAT_V1.into(),
        name: "duckduckgo-tds".into(),
        version: format!("imported-{:08x}", super::content_hash(&v.to_string())),
        license,
        sources,
        categories: vec![],
        entities,
        filter_lists: Vec::new(),
        tracker_lists: vec![TrackerList { name: "DuckDuckGo TDS".into(), source: "tds".into(), trackers, cnames }],
    };
    Ok(Imported { pack, skipped })
}
