//! The generator of the default pack: third-party-web's entities as the base,
//! Blacklight's session-recorder list and curated layers on top. Run by
//! `telltale rules build`; rules/README.md gives the exact command.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{Category, CategoryDef, DomainName, Entity, RulePack, Source, UrlPattern, FORMAT_V1};
use crate::site::Host;

/// One entity of third-party-web's `entities.json`.
#[derive(Debug, Deserialize)]
struct TpwEntity {
    name: String,
    #[serde(default)]
    company: Option<String>,
    #[serde(default)]
    homepage: Option<String>,
    category: String,
    domains: Vec<String>,
}

/// One entry of a curated layer (`rules/curated/*.json`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CuratedEntry {
    /// The entity to refine, by third-party-web name; a new entity is made when none has it.
    pub entity: String,
    #[serde(default)]
    pub company: Option<String>,
    /// `host` or `host/path-prefix`.
    #[serde(rename = "match")]
    pub pattern: String,
    pub categories: Vec<Category>,
    /// What the source says, briefly.
    pub evidence: String,
    pub source: Source,
}

/// One entry of an opt-out layer (`rules/curated/opt-outs*.json`): a
/// mechanism a vendor documents, on the entity of that name.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptOutEntry {
    /// The entity, by its exact third-party-web name.
    pub entity: String,
    /// The mechanism as in a pack, less `source` and `evidence` (taken from this entry).
    pub opt_out: serde_json::Value,
    /// What the source says, quoted.
    pub evidence: String,
    pub source: Source,
}

/// One entry of an ownership layer (`rules/curated/owners*.json`): who
/// owns an entity now, with the page that says so.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OwnerEntry {
    /// The entity, by its exact third-party-web name.
    pub entity: String,
    /// Its current ultimate owner.
    pub company: String,
    /// What the source says, quoted.
    pub evidence: String,
    pub source: Source,
    /// The links before this one, oldest first, when no one page names the
    /// owner of this brand (a brand renamed, then its company bought).
    #[serde(default)]
    pub via: Vec<OwnerLink>,
}

/// One earlier link of an ownership chain, with the page that says so.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OwnerLink {
    pub evidence: String,
    pub source: Source,
}

/// What a curated layer holds, by its file name: opt-outs, owners, or URL patterns.
fn layer_kind(file: &str) -> &'static str {
    match std::path::Path::new(file).file_name().and_then(|n| n.to_str()) {
        Some(n) if n.starts_with("opt-outs") => "opt-outs",
        Some(n) if n.starts_with("owners") => "owners",
        _ => "patterns",
    }
}

/// Maps third-party-web's category names onto Telltale's.
pub fn map_tpw_category(c: &str) -> Option<Category> {
    Some(match c {
        "ad" => Category::Advertising,
        "analytics" => Category::Analytics,
        "social" => Category::Social,
        "tag-manager" => Category::TagManager,
        "consent-provider" => Category::Consent,
        "cdn" => Category::Cdn,
        "content" | "video" | "hosting" => Category::Content,
        "marketing" | "customer-success" | "utility" | "other" => Category::Other,
        _ => return None,
    })
}

pub fn category_definitions() -> Vec<CategoryDef> {
    let d = |id, name: &str, description: &str| CategoryDef { id, name: name.into(), description: description.into() };
    vec![
        d(Category::SessionReplay, "Session replay", "Scripts that record mouse movements, keystrokes, form input and page changes so a visit can be replayed."),
        d(Category::Retargeting, "Retargeting", "Ad endpoints that mark you as a visitor so you can be shown ads for this site elsewhere."),
        d(Category::Advertising, "Advertising", "Ad serving, ad exchanges and ad measurement."),
        d(Category::Analytics, "Analytics", "Audience measurement and behaviour analytics."),
        d(Category::Social, "Social", "Social networks' widgets, pixels and logins, which tell the network where you go."),
        d(Category::Fingerprinting, "Fingerprinting", "Scripts that identify your browser by its characteristics rather than cookies."),
        d(Category::CrossSiteCookies, "Cross-site cookies", "A third party that set or received cookies on two or more of the sites you visited."),
        d(Category::Tracking, "Tracking", "Named as tracking by a filter list (EasyPrivacy) that does not say which kind."),
        d(Category::TagManager, "Tag manager", "Loaders that inject other third-party scripts."),
        d(Category::Consent, "Consent", "Consent-management platforms."),
        d(Category::Content, "Content", "Embedded content, video and hosting platforms."),
        d(Category::Cdn, "CDN", "Content delivery networks serving files for the site."),
        d(Category::Other, "Other", "Other third-party services (support chat, payments, utilities, marketing tools)."),
    ]
}

/// Everything the generator reads.
pub struct Inputs<'a> {
    /// third-party-web `entities.json` text and its version.
    pub third_party_web: &'a str,
    pub third_party_web_version: &'a str,
    /// Blacklight's session-recorder list (one URL substring per line, `#` comments).
    pub session_recorders: &'a str,
    /// Curated layers: (file name, text).
    pub curated: Vec<(String, String)>,
    /// The pack's version string.
    pub version: &'a str,
}

/// Builds the default pack. Errors name the input and what was wrong.
pub fn build_default_pack(inp: &Inputs) -> Result<RulePack, String> {
    build_default_pack_reporting(inp).map(|(p, _)| p)
}

/// [`build_default_pack`], also returning the source domains left out
/// (`entity: domain`): public suffixes such as `github.io` or `de.com`,
/// which would claim every site under them.
pub fn build_default_pack_reporting(inp: &Inputs) -> Result<(RulePack, Vec<String>), String> {
    let mut dropped = Vec::new();
    let tpw: Vec<TpwEntity> =
        serde_json::from_str(inp.third_party_web).map_err(|e| format!("third-party-web entities: {e}"))?;
    let mut sources = BTreeMap::new();
    sources.insert(
        "third-party-web".to_owned(),
        Source {
            name: format!("third-party-web {} (dist/entities.json)", inp.third_party_web_version),
            url: Some("https://github.com/patrickhulce/third-party-web".into()),
            license: Some("MIT".into()),
        },
    );
    sources.insert(
        "blacklight".to_owned(),
        Source {
            name: "The Markup, Blacklight session-recorder list (SESSION_RECORDERS_LIST)".into(),
            url: Some("https://github.com/the-markup/blacklight-collector/blob/fe046f914ba87b131b86dc1f8029fffa0b70de44/src/helpers/statics.ts".into()),
            license: Some("GPL-3.0".into()),
        },
    );

    let mut entities: Vec<Entity> = Vec::with_capacity(tpw.len() + 32);
    let mut seen = std::collections::HashSet::new();
    for t in &tpw {
        let category = map_tpw_category(&t.category)
            .ok_or_else(|| format!("third-party-web entity {:?}: unknown category {:?}", t.name, t.category))?;
        let mut domains = Vec::new();
        for d in &t.domains {
            let bare = d.trim_start_matches("*.");
            let host = Host::parse(bare).map_err(|e| format!("third-party-web entity {:?}: {e}", t.name))?;
            if super::domain_problem(&host).is_some() {
                dropped.push(format!("{}: {}", t.name, host.as_str()));
                continue;
            }
            // A domain named twice keeps its first owner, as third-party-web's own matcher does.
            if seen.insert(host.as_str().to_owned()) {
                domains.push(DomainName(host.as_str().to_owned()));
            }
        }
        if domains.is_empty() {
            continue;
        }
        entities.push(Entity {
            name: t.name.clone(),
            company: t.company.clone().filter(|c| c != &t.name),
            company_source: None,
            company_evidence: None,
            homepage: t.homepage.clone(),
            domains,
            categories: vec![category],
            patterns: vec![],
            opt_outs: vec![],
            source: "third-party-web".into(),
        });
    }

    // Session replay: each Blacklight substring becomes a pattern on the entity owning its host.
    for line in inp.session_recorders.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        attach(
            &mut entities,
            &mut seen,
            line,
            None,
            None,
            UrlPattern {
                pattern: line.to_owned(),
                categories: vec![Category::SessionReplay],
                source: Some("blacklight".into()),
                evidence: Some("listed as a session-recording script by Blacklight".into()),
            },
            "blacklight",
        )?;
    }

    // Owners first: the layers after them name entities by name, not company.
    for (file, text) in inp.curated.iter().filter(|(f, _)| layer_kind(f) == "owners") {
        let entries: Vec<OwnerEntry> = serde_json::from_str(text).map_err(|e| format!("{file}:{}:{}: {}", e.line(), e.column(), e))?;
        for c in entries {
            let id = source_id(&c.source);
            sources.entry(id.clone()).or_insert_with(|| c.source.clone());
            let entity = entities.iter_mut().find(|e| e.name == c.entity).ok_or_else(|| format!("{file}: no entity is named {:?}", c.entity))?;
            if c.company.trim().is_empty() {
                return Err(format!("{file}: {}: the company is empty", c.entity));
            }
            // A chain's evidence quotes each link, the earlier ones with their sources named.
            let mut evidence = String::new();
            for link in &c.via {
                let lid = source_id(&link.source);
                sources.entry(lid).or_insert_with(|| link.source.clone());
                evidence.push_str(&format!("{} ({}). Then: ", link.evidence, link.source.name));
            }
            evidence.push_str(&c.evidence);
            entity.company = Some(c.company).filter(|x| *x != entity.name);
            entity.company_source = Some(id);
            entity.company_evidence = Some(evidence);
        }
    }

    for (file, text) in inp.curated.iter().filter(|(f, _)| layer_kind(f) == "opt-outs") {
        let entries: Vec<OptOutEntry> = serde_json::from_str(text).map_err(|e| format!("{file}:{}:{}: {}", e.line(), e.column(), e))?;
        for c in entries {
            let id = source_id(&c.source);
            sources.entry(id.clone()).or_insert_with(|| c.source.clone());
            let mut m = c.opt_out.clone();
            let fields = m.as_object_mut().ok_or_else(|| format!("{file}: {}: opt_out is not an object", c.entity))?;
            fields.insert("source".into(), id.clone().into());
            fields.insert("evidence".into(), c.evidence.clone().into());
            let o: super::OptOut = serde_json::from_value(m).map_err(|e| format!("{file}: {}: {e}", c.entity))?;
            let entity = entities.iter_mut().find(|e| e.name == c.entity).ok_or_else(|| format!("{file}: no entity is named {:?}", c.entity))?;
            o.check(entity).map_err(|(_, m)| format!("{file}: {}: {m}", c.entity))?;
            entity.opt_outs.push(o);
        }
    }

    for (file, text) in inp.curated.iter().filter(|(f, _)| layer_kind(f) == "patterns") {
        let entries: Vec<CuratedEntry> = serde_json::from_str(text)
            .map_err(|e| format!("{file}:{}:{}: {}", e.line(), e.column(), e))?;
        for c in entries {
            let id = source_id(&c.source);
            sources.entry(id.clone()).or_insert_with(|| c.source.clone());
            attach(
                &mut entities,
                &mut seen,
                &c.pattern,
                Some(&c.entity),
                c.company.as_deref(),
                UrlPattern { pattern: c.pattern.clone(), categories: c.categories.clone(), source: Some(id.clone()), evidence: Some(c.evidence.clone()) },
                &id,
            )
            .map_err(|e| format!("{file}: {e}"))?;
        }
    }

    Ok((RulePack {
        format: FORMAT_V1.into(),
        name: "telltale-default".into(),
        version: inp.version.into(),
        license: "MIT AND GPL-3.0".into(),
        sources,
        categories: category_definitions(),
        entities,
        filter_lists: Vec::new(),
        tracker_lists: Vec::new(),
    }, dropped))
}

/// A stable source id from its URL or name: `github.com/x/y`, lower case.
fn source_id(s: &Source) -> String {
    let base = s.url.as_deref().unwrap_or(&s.name);
    let base = base.trim_start_matches("https://").trim_start_matches("http://").trim_start_matches("www.");
    base.chars().take(80).collect()
}

/// Attaches `pattern` to the entity that owns its host (by name when given,
/// else by domain), or makes a new entity named after the host.
fn attach(
    entities: &mut Vec<Entity>,
    seen: &mut std::collections::HashSet<String>,
    line: &str,
    by_name: Option<&str>,
    company: Option<&str>,
    pattern: UrlPattern,
    source: &str,
) -> Result<(), String> {
    let (host, path) = pattern.parts()?;
    let host = Host::parse(&host).map_err(|e| e.to_string())?;
    let owner = match by_name {
        Some(n) => entities.iter().position(|e| e.name == n),
        None => None,
    }
    .or_else(|| {
        host.ancestors().find_map(|a| entities.iter().position(|e| e.domains.iter().any(|d| d.as_str() == a)))
    });
    match owner {
        Some(i) => entities[i].patterns.push(pattern),
        None => {
            // No entity owns this host: the source names only the host, so the
            // entity is named after it and claims it only when the whole host matches.
            let whole_host = path == "/";
            let name = by_name.map(str::to_owned).unwrap_or_else(|| host.as_str().to_owned());
            let mut e = Entity {
                name,
                company: company.map(str::to_owned),
                company_source: None,
                company_evidence: None,
                homepage: None,
                domains: vec![],
                categories: pattern.categories.clone(),
                patterns: vec![],
                opt_outs: vec![],
                source: source.to_owned(),
            };
            if whole_host && seen.insert(host.as_str().to_owned()) {
                e.domains.push(DomainName(host.as_str().to_owned()));
            } else {
                e.categories.clear();
                e.patterns.push(pattern);
            }
            if e.categories.is_empty() && e.patterns.is_empty() {
                return Err(format!("{line}: nothing to attach"));
            }
            if e.categories.is_empty() {
                e.categories = e.patterns[0].categories.clone();
            }
            entities.push(e);
        }
    }
    Ok(())
}

/// Serialises a pack one entity per line, so diffs of the generated file stay readable.
pub fn to_json_lines(pack: &RulePack) -> String {
    let mut out = String::from("{\n");
    let field = |k: &str, v: String| format!("  \"{k}\": {v},\n");
    out += &field("format", serde_json::to_string(&pack.format).unwrap());
    out += &field("name", serde_json::to_string(&pack.name).unwrap());
    out += &field("version", serde_json::to_string(&pack.version).unwrap());
    out += &field("license", serde_json::to_string(&pack.license).unwrap());
    out += "  \"sources\": {\n";
    let n = pack.sources.len();
    for (i, (k, v)) in pack.sources.iter().enumerate() {
        out += &format!("    {}: {}{}\n", serde_json::to_string(k).unwrap(), serde_json::to_string(v).unwrap(), if i + 1 < n { "," } else { "" });
    }
    out += "  },\n  \"categories\": [\n";
    let n = pack.categories.len();
    for (i, c) in pack.categories.iter().enumerate() {
        out += &format!("    {}{}\n", serde_json::to_string(c).unwrap(), if i + 1 < n { "," } else { "" });
    }
    out += "  ],\n  \"entities\": [\n";
    let n = pack.entities.len();
    for (i, e) in pack.entities.iter().enumerate() {
        out += &format!("    {}{}\n", serde_json::to_string(e).unwrap(), if i + 1 < n { "," } else { "" });
    }
    out += "  ]";
    // One filter per line, so an error in one is located at its line.
    if !pack.filter_lists.is_empty() {
        out += ",\n  \"filter_lists\": [\n";
        let n = pack.filter_lists.len();
        for (i, l) in pack.filter_lists.iter().enumerate() {
            let s = |v: &str| serde_json::to_string(v).unwrap();
            out += &format!(
                "    {{\"name\": {}, \"source\": {}, \"categories\": {}, \"filters\": [\n",
                s(&l.name),
                s(&l.source),
                serde_json::to_string(&l.categories).unwrap()
            );
            let m = l.filters.len();
            for (j, f) in l.filters.iter().enumerate() {
                out += &format!("      {}{}\n", s(f), if j + 1 < m { "," } else { "" });
            }
            out += &format!("    ]}}{}\n", if i + 1 < n { "," } else { "" });
        }
        out += "  ]";
    }
    // One tracker per line, so an error in a rule is located at its tracker.
    if !pack.tracker_lists.is_empty() {
        out += ",\n  \"tracker_lists\": [\n";
        let n = pack.tracker_lists.len();
        for (i, l) in pack.tracker_lists.iter().enumerate() {
            let s = |v: &str| serde_json::to_string(v).unwrap();
            out += &format!("    {{\"name\": {}, \"source\": {}, \"trackers\": [\n", s(&l.name), s(&l.source));
            let m = l.trackers.len();
            for (j, t) in l.trackers.iter().enumerate() {
                out += &format!("      {}{}\n", serde_json::to_string(t).unwrap(), if j + 1 < m { "," } else { "" });
            }
            out += "    ], \"cnames\": {\n";
            let m = l.cnames.len();
            for (j, (from, to)) in l.cnames.iter().enumerate() {
                out += &format!("      {}: {}{}\n", s(from), s(to), if j + 1 < m { "," } else { "" });
            }
            out += &format!("    }}}}{}\n", if i + 1 < n { "," } else { "" });
        }
        out += "  ]";
    }
    out += "\n}\n";
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::DEFAULT_PACK;

    fn shared(path: &str) -> String {
        std::fs::read_to_string(format!("../shared/data/{path}")).unwrap()
    }

    fn curated() -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = std::fs::read_dir("rules/curated")
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .map(|p| (p.display().to_string(), std::fs::read_to_string(&p).unwrap()))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn shipped_easyprivacy_layer_is_exactly_what_the_importer_makes() {
        let imported = crate::rules::import::abp::import(&[("easyprivacy.txt", &shared("filterlists/easyprivacy.txt"))], None).unwrap();
        let text = to_json_lines(&imported.pack);
        assert_eq!(text, crate::rules::DEFAULT_FILTERS, "rules/easyprivacy.json is stale: import it again (rules/README.md)");
        let p = RulePack::parse(crate::rules::DEFAULT_FILTERS_NAME, crate::rules::DEFAULT_FILTERS).unwrap();
        assert_eq!(p, RulePack::default_filters());
        assert_eq!(p.filter_lists[0].categories, [crate::rules::Category::Tracking]);
    }

    #[test]
    fn shipped_easylist_layer_is_exactly_what_the_importer_makes() {
        let sections: Vec<String> = crate::rules::EASYLIST_SECTIONS.iter().map(|s| s.to_string()).collect();
        let imported = crate::rules::import::abp::import_sections(&[("easylist.txt", &shared("filterlists/easylist.txt"))], None, &sections).unwrap();
        let text = to_json_lines(&imported.pack);
        assert_eq!(text, crate::rules::DEFAULT_AD_FILTERS, "rules/easylist.json is stale: import it again (rules/README.md)");
        let p = RulePack::parse(crate::rules::DEFAULT_AD_FILTERS_NAME, crate::rules::DEFAULT_AD_FILTERS).unwrap();
        assert_eq!(p, RulePack::default_ad_filters());
        assert_eq!(p.filter_lists[0].categories, [crate::rules::Category::Advertising]);
        // Element hiding and the generic first-party rules stay out; ad servers are in.
        let f = &p.filter_lists[0].filters;
        assert!(f.iter().all(|l| !l.contains("##")), "no element hiding");
        assert!(f.iter().any(|l| l == "||google.com/pagead/1p-user-list/"), "the third-party section is in");
        assert!(!f.iter().any(|l| l == "/pagead/1p-user-list/*$image"), "the generic block section is out");
        assert!(imported.skipped.keys().any(|k| k.starts_with("lines of EasyList outside the sections taken")), "{:?}", imported.skipped);
    }

    #[test]
    fn shipped_default_pack_is_exactly_what_the_generator_makes() {
        let shipped = RulePack::parse("rules/default.json", DEFAULT_PACK).unwrap();
        let built = build_default_pack(&Inputs {
            third_party_web: &shared("third-party-web/entities-0.30.0.json"),
            third_party_web_version: "0.30.0",
            session_recorders: &shared("session-replay/blacklight-session-recorders.txt"),
            curated: curated(),
            version: &shipped.version,
        })
        .unwrap();
        assert_eq!(to_json_lines(&built), DEFAULT_PACK, "rules/default.json is stale: rebuild it (rules/README.md)");
    }

    #[test]
    fn an_owners_layer_names_todays_owner_with_its_source() {
        let owners = r#"[{"entity": "AppNexus", "company": "Test Owner", "evidence": "Test Owner bought AppNexus.", "source": {"name": "Test: a press release", "url": "https://owner.example/press"}}]"#;
        let inputs = |layer: &str| Inputs {
            third_party_web: Box::leak(shared("third-party-web/entities-0.30.0.json").into_boxed_str()),
            third_party_web_version: "0.30.0",
            session_recorders: Box::leak(shared("session-replay/blacklight-session-recorders.txt").into_boxed_str()),
            curated: vec![("rules/curated/owners-test.json".into(), layer.to_owned())],
            version: "test",
        };
        let pack = build_default_pack(&inputs(owners)).unwrap();
        let e = pack.entities.iter().find(|e| e.name == "AppNexus").unwrap();
        assert_eq!(e.company(), "Test Owner");
        assert_eq!(pack.sources[e.company_source.as_ref().unwrap()].url.as_deref(), Some("https://owner.example/press"));
        assert_eq!(e.company_evidence.as_deref(), Some("Test Owner bought AppNexus."));
        let text = to_json_lines(&pack);
        assert!(RulePack::parse("built.json", &text).is_ok(), "the built pack passes its own checks");
        let err = build_default_pack(&inputs(&owners.replace("\"AppNexus\"", "\"Nobody Inc\""))).unwrap_err();
        assert_eq!(err, "rules/curated/owners-test.json: no entity is named \"Nobody Inc\"");
    }

    #[test]
    fn every_blacklight_recorder_is_in_the_pack() {
        let pack = RulePack::parse("rules/default.json", DEFAULT_PACK).unwrap();
        let lines = shared("session-replay/blacklight-session-recorders.txt");
        for l in lines.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
            let found = pack.entities.iter().any(|e| {
                e.patterns.iter().any(|p| p.pattern == l && p.categories.contains(&Category::SessionReplay))
                    || (e.domains.iter().any(|d| d.as_str() == l) && e.categories.contains(&Category::SessionReplay))
            });
            assert!(found, "{l} missing");
        }
    }

    #[test]
    fn third_party_web_categories_all_map() {
        let tpw: Vec<TpwEntity> = serde_json::from_str(&shared("third-party-web/entities-0.30.0.json")).unwrap();
        for t in &tpw {
            assert!(map_tpw_category(&t.category).is_some(), "{}", t.category);
        }
    }
}
