//! Importers: the lists researchers already keep, turned into native packs
//! (format v1), so everything after loading is the same code. Each importer
//! says what it could not carry over ([`Imported::skipped`]); nothing is
//! dropped silently. Which format a file is, is told by its content.

pub mod abp;
pub mod disconnect;
pub mod tds;

use std::collections::BTreeMap;

use serde_json::Value;

use super::{RulePack, FORMAT_V1};
use crate::error::InputError;

/// A pack made by an importer, and what it left out (reason → count).
#[derive(Debug, Clone)]
pub struct Imported {
    pub pack: RulePack,
    pub skipped: BTreeMap<String, usize>,
}

/// The formats Telltale reads rule lists in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListFormat {
    /// Telltale's own, `telltale-rules/1`.
    Native,
    /// Disconnect's services.json.
    Disconnect,
    /// An Adblock Plus filter list (text).
    Adblock,
    /// DuckDuckGo's Tracker Data Set, tds.json.
    Tds,
}

impl ListFormat {
    pub fn name(self) -> &'static str {
        match self {
            ListFormat::Native => "telltale-rules/1",
            ListFormat::Disconnect => "disconnect",
            ListFormat::Adblock => "adblock",
            ListFormat::Tds => "tds",
        }
    }
}

/// Which format a JSON list is, by its content (`None`: not one Telltale reads).
pub fn detect(v: &Value) -> Option<ListFormat> {
    if v.get("format").is_some() {
        Some(ListFormat::Native)
    } else if disconnect::detect(v) {
        Some(ListFormat::Disconnect)
    } else if tds::detect(v) {
        Some(ListFormat::Tds)
    } else {
        None
    }
}

/// FNV-1a of a text: a short, stable content id for imported packs' versions.
pub(crate) fn content_hash(text: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in text.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// Reads a rule list in any format Telltale knows: a native pack is parsed
/// and checked as such; another format is imported, then checked like any
/// pack. Errors are located where the format allows.
pub fn parse_any(file: &str, text: &str) -> Result<Imported, InputError> {
    let located = |message: String| InputError::at(file, 1, 1, message);
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Only a document that is JSON and not a native pack needs this look.
    let v: Option<Value> = if body.contains(FORMAT_V1) { None } else { serde_json::from_str(body).ok() };
    if v.is_none() && !body.contains(FORMAT_V1) && abp::detect(body) {
        let imported = abp::import(&[(file, body)], None).map_err(|e| located(e.message))?;
        return check(file, imported);
    }
    match v.as_ref().and_then(detect) {
        Some(ListFormat::Disconnect) => {
            let imported = disconnect::import((file, v.as_ref().expect("detected")), None).map_err(|e| located(e.message))?;
            check(file, imported)
        }
        Some(ListFormat::Tds) => {
            let imported = tds::import(file, v.as_ref().expect("detected")).map_err(|e| located(e.message))?;
            check(file, imported)
        }
        None if v.as_ref().is_some_and(|v| v.is_object() && v.get("format").is_none()) => Err(located(
            "not a rule list Telltale reads: expected a Telltale pack (\"format\": \"telltale-rules/1\"), Disconnect's services.json, DuckDuckGo's tds.json or an Adblock Plus filter list".into(),
        )),
        _ => Ok(Imported { pack: RulePack::parse(file, text)?, skipped: BTreeMap::new() }),
    }
}

/// An imported pack passes the same checks as one read from a file.
pub fn check(file: &str, imported: Imported) -> Result<Imported, InputError> {
    let text = serde_json::to_string(&imported.pack).map_err(|e| InputError::at(file, 1, 1, e.to_string()))?;
    let pack = RulePack::parse(&format!("{file} (imported)"), &text)?;
    Ok(Imported { pack, skipped: imported.skipped })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{Category, OptOut, RuleIndex};
    use crate::site::Host;

    fn shared(path: &str) -> Value {
        serde_json::from_str(&std::fs::read_to_string(format!("../shared/data/{path}")).unwrap()).unwrap()
    }

    #[test]
    fn disconnect_yields_every_category_and_entity_and_their_owners() {
        let services = shared("disconnect/services.json");
        let entities = shared("disconnect/entities.json");
        let imported = check("services.json", disconnect::import(("services.json", &services), Some(("entities.json", &entities))).unwrap()).unwrap();
        let p = &imported.pack;
        // Every service named in services.json is an entity, unless none of its domains could be kept.
        let mut names = std::collections::BTreeSet::new();
        for list in services["categories"].as_object().unwrap().values() {
            for item in list.as_array().unwrap() {
                names.extend(item.as_object().unwrap().keys().cloned());
            }
        }
        let left_out = imported.skipped.get("services left with no domain").copied().unwrap_or(0);
        assert_eq!(p.entities.len() + left_out, names.len(), "{:?}", imported.skipped);
        // Every Telltale category Disconnect's map onto is present.
        let cats: std::collections::BTreeSet<Category> = p.entities.iter().flat_map(|e| e.categories.iter().copied()).collect();
        for c in [Category::Advertising, Category::Analytics, Category::Social, Category::Content, Category::Fingerprinting, Category::Consent, Category::Other, Category::SessionReplay] {
            assert!(cats.contains(&c), "{c} missing");
        }
        let mut ix = RuleIndex::new();
        ix.add(p);
        let who = |host: &str| ix.entity_of_host(&Host::parse(host).unwrap()).map(|id| ix.entity(id).clone());
        // The session-replay flag is kept: ContentSquare lists hotjar.com.
        let hj = who("static.hotjar.com").unwrap();
        assert_eq!(hj.name, "ContentSquare");
        assert!(hj.categories.contains(&Category::SessionReplay) && hj.categories.contains(&Category::Analytics), "{:?}", hj.categories);
        // Owners from entities.json.
        let dc = who("ad.doubleclick.net").unwrap();
        assert_eq!(dc.company, "Google", "{dc:?}");
        // "dnt": "eff" is a Do Not Track opt-out.
        let t = who("itisatracker.com").unwrap();
        assert!(matches!(&t.opt_outs[..], [OptOut::Signal { signals, .. }] if signals == &[crate::rules::PrivacySignal::Dnt]), "{t:?}");
        assert!(who("example-not-listed.example").is_none());
        assert_eq!(p.license, "CC-BY-NC-SA-4.0");
        assert!(imported.skipped.values().sum::<usize>() > 0, "domains named twice are counted, not dropped silently: {:?}", imported.skipped);
    }

    #[test]
    fn formats_are_told_by_their_content() {
        let services = std::fs::read_to_string("../shared/data/disconnect/services.json").unwrap();
        let imported = parse_any("services.json", &services).unwrap();
        assert_eq!(imported.pack.name, "disconnect");
        let native = parse_any(crate::rules::DEFAULT_PACK_NAME, crate::rules::DEFAULT_PACK).unwrap();
        assert_eq!(native.pack.name, "telltale-default");
        let e = parse_any("x.json", "{\"categories\": {\"Nonsense\": []}}").unwrap_err();
        assert!(e.to_string().starts_with("x.json:1:1: not a rule list Telltale reads"), "{e}");
    }
}
