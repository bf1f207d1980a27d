//! Disconnect's tracker lists (`services.json`, and `entities.json` for
//! owners) as a native pack.
//!
//! `services.json` is `{"license", "categories": {Category: [{Service:
//! {homepage: [domains], flag: "true"...}}]}}`. A service listed in several
//! categories becomes one entity with each of them; its flags are kept:
//! `"session-replay": "true"` adds `session-replay`, `"dnt": "eff"` (the
//! service honours EFF's Do Not Track policy) becomes a `signal` opt-out.
//! With `entities.json`, a domain's owner (the entity whose `resources` list
//! it) is the entity's company.
//!
//! Categories map onto Telltale's by [`map_category`] (rules/README.md has
//! the table). A domain two services claim keeps its first claim, in file
//! order; domains that cannot be a pack's (public suffixes, not host names)
//! are left out. Both are counted in [`Imported::skipped`].

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::Value;

use super::Imported;
use crate::error::InputError;
use crate::rules::{Category, DomainName, Entity, OptOut, PrivacySignal, RulePack, Source, FORMAT_V1};
use crate::site::Host;

/// Disconnect's category names onto Telltale's.
pub fn map_category(c: &str) -> Option<Category> {
    Some(match c {
        "Advertising" => Category::Advertising,
        "Analytics" => Category::Analytics,
        "Social" => Category::Social,
        "Content" => Category::Content,
        "FingerprintingInvasive" | "FingerprintingGeneral" => Category::Fingerprinting,
        // Pixels that tell a sender when and where an email was opened: measurement.
        "Email" | "EmailAggressive" => Category::Analytics,
        "ConsentManagers" => Category::Consent,
        // Listed so they are not blocked by mistake, or for a harm that is not tracking.
        "Anti-fraud" | "Cryptomining" => Category::Other,
        _ => return None,
    })
}

/// Whether a JSON document looks like Disconnect's services.json.
pub fn detect(v: &Value) -> bool {
    v.get("categories").and_then(Value::as_object).is_some_and(|c| c.keys().any(|k| map_category(k).is_some()) && c.values().all(Value::is_array))
        && v.get("format").is_none()
}

fn license_of(text: &str) -> String {
    if text.contains("NonCommercial-ShareAlike 4.0") || text.contains("BY-NC-SA 4.0") {
        "CC-BY-NC-SA-4.0".into()
    } else {
        "see the source's license".into()
    }
}

/// Imports `services` (file name, parsed JSON) and, when given, `entities`.
pub fn import(services: (&str, &Value), entities: Option<(&str, &Value)>) -> Result<Imported, InputError> {
    let (file, v) = services;
    let err = |m: String| InputError::whole(file, m);
    let cats = v.get("categories").and_then(Value::as_object).ok_or_else(|| err("expected Disconnect's services.json: an object with \"categories\"".into()))?;
    // Owner of each domain, from entities.json's `resources`.
    let mut owner: HashMap<String, String> = HashMap::new();
    if let Some((efile, e)) = entities {
        let list = e.get("entities").and_then(Value::as_object).ok_or_else(|| InputError::whole(efile, "expected Disconnect's entities.json: an object with \"entities\""))?;
        for (name, ent) in list {
            for d in ent.get("resources").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
                owner.entry(d.to_ascii_lowercase()).or_insert_with(|| name.clone());
            }
        }
    }
    let mut order: Vec<String> = Vec::new();
    let mut by_name: HashMap<String, Entity> = HashMap::new();
    let mut claimed: HashSet<String> = HashSet::new();
    let mut skipped: BTreeMap<String, usize> = BTreeMap::new();
    let mut unknown_categories = Vec::new();
    for (cat_name, services) in cats {
        let Some(category) = map_category(cat_name) else {
            unknown_categories.push(cat_name.clone());
            continue;
        };
        for item in services.as_array().into_iter().flatten() {
            let Some(obj) = item.as_object() else {
                *skipped.entry("entries that are not objects".into()).or_default() += 1;
                continue;
            };
            for (service, body) in obj {
                let Some(body) = body.as_object() else {
                    *skipped.entry("services that are not objects".into()).or_default() += 1;
                    continue;
                };
                let e = by_name.entry(service.clone()).or_insert_with(|| {
                    order.push(service.clone());
                    Entity { name: service.clone(), company: None, company_source: None, company_evidence: None, homepage: None, domains: vec![], categories: vec![], patterns: vec![], opt_outs: vec![], source: "disconnect".into() }
                });
                if !e.categories.contains(&category) {
                    e.categories.push(category);
                }
                for (key, val) in body {
                    match (key.as_str(), val) {
                        (k, Value::Array(domains)) if k.starts_with("http") => {
                            if e.homepage.is_none() {
                                e.homepage = Some(k.to_owned());
                            }
                            for d in domains.iter().filter_map(Value::as_str) {
                                match Host::parse(d) {
                                    Ok(h) if crate::rules::domain_problem(&h).is_none() => {
                                        if claimed.insert(h.as_str().to_owned()) {
                                            if e.company.is_none() {
                                                e.company = owner.get(h.as_str()).filter(|o| *o != service).cloned();
                                            }
                                            e.domains.push(DomainName(h.as_str().to_owned()));
                                        } else if !e.domains.iter().any(|x| x.as_str() == h.as_str()) {
                                            *skipped.entry("domains another service claimed first".into()).or_default() += 1;
                                        }
                                    }
                                    _ => *skipped.entry("domains that cannot be a pack's (public suffixes, not host names)".into()).or_default() += 1,
                                }
                            }
                        }
                        ("session-replay", Value::String(t)) if t == "true" && !e.categories.contains(&Category::SessionReplay) => {
                            e.categories.push(Category::SessionReplay);
                        }
                        ("dnt", Value::String(t)) if t == "eff" => {
                            let o = OptOut::Signal { signals: vec![PrivacySignal::Dnt], source: "disconnect".into(), evidence: Some("\"dnt\": \"eff\" in Disconnect's services.json: honours EFF's Do Not Track policy".into()) };
                            if !e.opt_outs.contains(&o) {
                                e.opt_outs.push(o);
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
    }
    if !unknown_categories.is_empty() {
        return Err(err(format!("unknown Disconnect categories {unknown_categories:?}: expected those of rules/README.md's table")));
    }
    let mut entities: Vec<Entity> = Vec::new();
    for name in order {
        let mut e = by_name.remove(&name).expect("each name was inserted");
        if e.domains.is_empty() {
            *skipped.entry("services left with no domain".into()).or_default() += 1;
            continue;
        }
        e.categories.sort();
        entities.push(e);
    }
    let license = license_of(v.get("license").and_then(Value::as_str).unwrap_or(""));
    let mut sources = BTreeMap::new();
    sources.insert(
        "disconnect".to_owned(),
        Source {
            name: format!("Disconnect tracking protection lists ({file}{})", if owner.is_empty() { "" } else { " with entities.json" }),
            url: Some("https://github.com/disconnectme/disconnect-tracking-protection".into()),
            license: Some(license.clone()),
        },
    );
    let pack = RulePack {
        format: FORMAT_V1.into(),
        name: "disconnect".into(),
        version: format!("imported-{:08x}", super::content_hash(&v.to_string())),
        license,
        sources,
        categories: vec![],
        entities,
        filter_lists: Vec::new(),
        tracker_lists: Vec::new(),
    };
    Ok(Imported { pack, skipped })
}
