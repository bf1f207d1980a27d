//! Packs as people handle them: a summary to read (`telltale rules info`)
//! and several packs merged into one (`telltale rules merge`).

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write;

use super::{Category, RulePack, FORMAT_V1};

/// What a pack holds, in numbers: the options page's table and `rules info`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub name: String,
    pub version: String,
    pub format: String,
    pub license: String,
    pub entities: usize,
    pub domains: usize,
    pub patterns: usize,
    /// Entities by category (an entity counts once in each of its categories, patterns included).
    pub categories: BTreeMap<Category, usize>,
    /// Opt-out mechanisms by kind.
    pub opt_outs: BTreeMap<&'static str, usize>,
    /// Each source's name, with its licence when it states one.
    pub sources: Vec<String>,
    /// Filter lists: name and number of network filters.
    pub filter_lists: Vec<(String, usize)>,
}

pub fn summary(p: &RulePack) -> Summary {
    let mut categories: BTreeMap<Category, usize> = BTreeMap::new();
    for e in &p.entities {
        let mut cats: BTreeSet<Category> = e.categories.iter().copied().collect();
        cats.extend(e.patterns.iter().flat_map(|x| x.categories.iter().copied()));
        for c in cats {
            *categories.entry(c).or_default() += 1;
        }
    }
    let mut opt_outs: BTreeMap<&'static str, usize> = BTreeMap::new();
    for x in p.entities.iter().flat_map(|e| e.opt_outs.iter()) {
        *opt_outs.entry(x.kind()).or_default() += 1;
    }
    Summary {
        name: p.name.clone(),
        version: p.version.clone(),
        format: p.format.clone(),
        license: p.license.clone(),
        entities: p.entities.len(),
        domains: p.entities.iter().map(|e| e.domains.len()).sum(),
        patterns: p.entities.iter().map(|e| e.patterns.len()).sum(),
        categories,
        opt_outs,
        sources: p.sources.values().map(|s| match &s.license { Some(l) => format!("{} ({l})", s.name), None => s.name.clone() }).collect(),
        filter_lists: p.filter_lists.iter().map(|l| (l.name.clone(), l.filters.len())).collect(),
    }
}

/// Counts by category, sources, licence and format, as text.
pub fn info(p: &RulePack, file: &str) -> String {
    let s = summary(p);
    let mut o = String::new();
    let _ = writeln!(o, "{file}: {} {} ({}), licence {}", s.name, s.version, s.format, s.license);
    let _ = writeln!(o, "  {} entities, {} domains, {} URL patterns", s.entities, s.domains, s.patterns);
    if !s.categories.is_empty() {
        let _ = writeln!(o, "  entities by category: {}", s.categories.iter().map(|(c, n)| format!("{c} {n}")).collect::<Vec<_>>().join(", "));
    }
    if !s.opt_outs.is_empty() {
        let _ = writeln!(o, "  opt-out mechanisms: {}", s.opt_outs.iter().map(|(k, n)| format!("{k} {n}")).collect::<Vec<_>>().join(", "));
    }
    for l in &p.filter_lists {
        let cats: Vec<&str> = l.categories.iter().map(|c| c.id()).collect();
        let _ = writeln!(o, "  filter list {}: {} network filters, as {} (source {})", l.name, l.filters.len(), cats.join(", "), l.source);
    }
    let _ = writeln!(o, "  sources:");
    for (id, s) in &p.sources {
        let entities = p.entities.iter().filter(|e| e.source == *id).count();
        let rules = p.entities.iter().flat_map(|e| e.patterns.iter()).filter(|x| x.source.as_deref() == Some(id.as_str())).count()
            + p.entities.iter().flat_map(|e| e.opt_outs.iter()).filter(|x| x.source() == id).count();
        let lists = p.filter_lists.iter().filter(|l| l.source == *id).count();
        let used = if lists > 0 {
            format!("{lists} filter list{}", if lists == 1 { "" } else { "s" })
        } else if rules > 0 { format!("{entities} entities, {rules} patterns and opt-outs") } else { format!("{entities} entities") };
        let _ = writeln!(
            o,
            "    {id}: {}{}{} ({used})",
            s.name,
            s.url.as_deref().map(|u| format!(" <{u}>")).unwrap_or_default(),
            s.license.as_deref().map(|l| format!(", licence {l}")).unwrap_or_default()
        );
    }
    o
}

/// Merges packs into one. For a domain several packs name, the later pack
/// wins, as when they are loaded in that order; an entity left with no
/// domain and no pattern is dropped. Source ids are prefixed with their
/// pack's name, so two packs' `"s"` stay apart.
pub fn merge(packs: &[RulePack]) -> RulePack {
    let mut claimed: HashSet<String> = HashSet::new();
    let mut kept: Vec<Vec<super::Entity>> = vec![Vec::new(); packs.len()];
    for (i, p) in packs.iter().enumerate().rev() {
        for e in &p.entities {
            let mut e = e.clone();
            e.domains.retain(|d| !claimed.contains(d.as_str()));
            if e.domains.is_empty() && e.patterns.is_empty() {
                continue;
            }
            kept[i].push(e);
        }
        claimed.extend(p.entities.iter().flat_map(|e| e.domains.iter().map(|d| d.as_str().to_owned())));
    }
    let mut sources = BTreeMap::new();
    let mut entities = Vec::new();
    let mut categories = Vec::new();
    // Merged lists compile into one engine: an exception in any lifts a block of any.
    let mut filter_lists = Vec::new();
    for (p, list) in packs.iter().zip(kept) {
        let id = |s: &str| format!("{}/{s}", p.name);
        for l in &p.filter_lists {
            filter_lists.push(super::FilterList { source: id(&l.source), ..l.clone() });
        }
        for (k, s) in &p.sources {
            sources.insert(id(k), s.clone());
        }
        for mut e in list {
            e.source = id(&e.source);
            for pat in &mut e.patterns {
                pat.source = pat.source.as_deref().map(id);
            }
            for o in &mut e.opt_outs {
                let s = o.source_mut();
                *s = id(s);
            }
            entities.push(e);
        }
        for c in &p.categories {
            if !categories.iter().any(|x: &super::CategoryDef| x.id == c.id) {
                categories.push(c.clone());
            }
        }
    }
    let mut licenses: Vec<&str> = Vec::new();
    for p in packs {
        if !licenses.contains(&p.license.as_str()) {
            licenses.push(&p.license);
        }
    }
    let names: Vec<String> = packs.iter().map(|p| format!("{} {}", p.name, p.version)).collect();
    RulePack {
        format: FORMAT_V1.into(),
        name: "merged".into(),
        version: format!("merged-{:08x}", super::import::content_hash(&names.join("\n"))),
        license: licenses.join(" AND "),
        sources,
        categories,
        entities,
        filter_lists,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = r#"{"format": "telltale-rules/1", "name": "a", "version": "1", "license": "CC0-1.0", "sources": {"s": {"name": "A's"}},
      "entities": [{"name": "One", "domains": ["one.example", "shared.example"], "categories": ["analytics"], "source": "s"},
                   {"name": "Gone", "domains": ["gone.example"], "categories": ["advertising"], "source": "s"}]}"#;
    const B: &str = r#"{"format": "telltale-rules/1", "name": "b", "version": "2", "license": "MIT", "sources": {"s": {"name": "B's", "license": "MIT"}},
      "entities": [{"name": "Two", "domains": ["shared.example", "gone.example"], "categories": ["session-replay"], "source": "s",
                    "opt_outs": [{"kind": "signal", "signals": ["gpc"], "source": "s"}]}]}"#;

    #[test]
    fn the_later_pack_wins_and_sources_stay_apart() {
        let (a, b) = (RulePack::parse("a.json", A).unwrap(), RulePack::parse("b.json", B).unwrap());
        let m = merge(&[a, b]);
        let text = serde_json::to_string(&m).unwrap();
        let m = RulePack::parse("merged.json", &text).expect("a merged pack passes every check");
        let names: Vec<&str> = m.entities.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["One", "Two"], "Gone lost its only domain to the later pack");
        assert_eq!(m.entities[0].domains.iter().map(|d| d.as_str()).collect::<Vec<_>>(), ["one.example"]);
        assert_eq!((m.entities[0].source.as_str(), m.entities[1].source.as_str()), ("a/s", "b/s"));
        assert_eq!(m.entities[1].opt_outs[0].source(), "b/s");
        assert_eq!(m.license, "CC0-1.0 AND MIT");
        let i = info(&m, "merged.json");
        assert!(i.contains("2 entities, 3 domains") && i.contains("session-replay 1, analytics 1") && i.contains("opt-out mechanisms: signal 1"), "{i}");
        assert!(i.contains("b/s: B's, licence MIT (1 entities, 1 patterns and opt-outs)"), "{i}");
    }
}
