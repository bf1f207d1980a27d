//! Packs as people handle them: a summary to read (`telltale rules info`)
//! and several packs merged into one (`telltale rules merge`).

use std::collections::{BTreeMap, BTreeSet};
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
    /// Tracker lists: name, trackers, rules and CNAME records.
    pub tracker_lists: Vec<TrackerListCounts>,
    /// The counts in one line, as the options page shows them.
    pub counts: String,
}

/// A tracker list in numbers.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TrackerListCounts {
    pub name: String,
    pub trackers: usize,
    pub rules: usize,
    pub cnames: usize,
    /// Trackers by the category of their blocked requests.
    pub categories: BTreeMap<Category, usize>,
    /// Trackers blocked by default, and ignored by default.
    pub default_block: usize,
    pub default_ignore: usize,
}

pub fn summary(p: &RulePack) -> Summary {
    summary_counted(p, None)
}

/// [`summary`] of a pack whose filters were set aside (a compiled pack),
/// with each filter list's number of filters given.
pub fn summary_counted(p: &RulePack, filter_counts: Option<&[usize]>) -> Summary {
    let filter_count = |i: usize, l: &super::FilterList| filter_counts.and_then(|c| c.get(i).copied()).unwrap_or(l.filters.len());
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
    let plural = |n: usize, one: &str, many: &str| format!("{} {}", grouped(n), if n == 1 { one } else { many });
    let domains: usize = p.entities.iter().map(|e| e.domains.len()).sum();
    let mut counts = Vec::new();
    if domains > 0 || (p.filter_lists.is_empty() && p.tracker_lists.is_empty()) {
        counts.push(plural(domains, "domain", "domains"));
    }
    let filters: usize = p.filter_lists.iter().enumerate().map(|(i, l)| filter_count(i, l)).sum();
    if !p.filter_lists.is_empty() {
        counts.push(plural(filters, "network filter", "network filters"));
    }
    for l in &p.tracker_lists {
        counts.push(format!(
            "{}, {}, {}",
            plural(l.trackers.len(), "tracker", "trackers"),
            plural(l.trackers.iter().map(|t| t.rules.len()).sum(), "URL rule", "URL rules"),
            plural(l.cnames.len(), "CNAME record", "CNAME records")
        ));
    }
    if !categories.is_empty() {
        counts.push(categories.iter().map(|(c, n)| format!("{c} {n}")).collect::<Vec<_>>().join(", "));
    }
    Summary {
        counts: counts.join(" · "),
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
        filter_lists: p.filter_lists.iter().enumerate().map(|(i, l)| (l.name.clone(), filter_count(i, l))).collect(),
        tracker_lists: p.tracker_lists.iter().map(tracker_counts).collect(),
    }
}

/// 55494 → "55,494".
fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn tracker_counts(l: &super::TrackerList) -> TrackerListCounts {
    let mut categories: BTreeMap<Category, usize> = BTreeMap::new();
    for c in l.trackers.iter().flat_map(|t| t.categories.iter()) {
        *categories.entry(*c).or_default() += 1;
    }
    let blocked = l.trackers.iter().filter(|t| t.default == super::tds::Action::Block).count();
    TrackerListCounts {
        name: l.name.clone(),
        trackers: l.trackers.len(),
        rules: l.trackers.iter().map(|t| t.rules.len()).sum(),
        cnames: l.cnames.len(),
        categories,
        default_block: blocked,
        default_ignore: l.trackers.len() - blocked,
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
    for t in &s.tracker_lists {
        let _ = writeln!(
            o,
            "  tracker list {}: {} trackers ({} blocked by default, {} ignored by default), {} URL rules, {} CNAME records",
            t.name, t.trackers, t.default_block, t.default_ignore, t.rules, t.cnames
        );
        if !t.categories.is_empty() {
            let _ = writeln!(o, "    trackers by category: {}", t.categories.iter().map(|(c, n)| format!("{c} {n}")).collect::<Vec<_>>().join(", "));
        }
    }
    let _ = writeln!(o, "  sources:");
    for (id, s) in &p.sources {
        let entities = p.entities.iter().filter(|e| e.source == *id).count();
        let rules = p.entities.iter().flat_map(|e| e.patterns.iter()).filter(|x| x.source.as_deref() == Some(id.as_str())).count()
            + p.entities.iter().flat_map(|e| e.opt_outs.iter()).filter(|x| x.source() == id).count();
        let lists = p.filter_lists.iter().filter(|l| l.source == *id).count();
        let tracker_lists = p.tracker_lists.iter().filter(|l| l.source == *id).count();
        let used = if tracker_lists > 0 {
            format!("{entities} entities, {tracker_lists} tracker list{}", if tracker_lists == 1 { "" } else { "s" })
        } else if lists > 0 {
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
    // Each domain's entity, as loading in order decides: a later entity
    // replaces an earlier one, unless it only records an owner (no
    // categories, no patterns) and an earlier pack names the domain.
    let mut winner: std::collections::HashMap<&str, (usize, usize)> = std::collections::HashMap::new();
    for (i, p) in packs.iter().enumerate() {
        for (j, e) in p.entities.iter().enumerate() {
            let owner_only = e.categories.is_empty() && e.patterns.is_empty();
            for d in &e.domains {
                if !(owner_only && winner.contains_key(d.as_str())) {
                    winner.insert(d.as_str(), (i, j));
                }
            }
        }
    }
    let mut kept: Vec<Vec<super::Entity>> = vec![Vec::new(); packs.len()];
    for (i, p) in packs.iter().enumerate() {
        for (j, e) in p.entities.iter().enumerate() {
            let mut e = e.clone();
            e.domains.retain(|d| winner.get(d.as_str()) == Some(&(i, j)));
            if e.domains.is_empty() && e.patterns.is_empty() {
                continue;
            }
            kept[i].push(e);
        }
    }
    let mut sources = BTreeMap::new();
    let mut entities = Vec::new();
    let mut categories = Vec::new();
    // Merged lists compile into one engine: an exception in any lifts a block of any.
    let mut filter_lists = Vec::new();
    // Tracker lists keep their order: the last that names a tracker decides.
    let mut tracker_lists = Vec::new();
    for (p, list) in packs.iter().zip(kept) {
        let id = |s: &str| format!("{}/{s}", p.name);
        for l in &p.filter_lists {
            filter_lists.push(super::FilterList { source: id(&l.source), ..l.clone() });
        }
        for l in &p.tracker_lists {
            tracker_lists.push(super::TrackerList { source: id(&l.source), ..l.clone() });
        }
        for (k, s) in &p.sources {
            sources.insert(id(k), s.clone());
        }
        for mut e in list {
            e.source = id(&e.source);
            e.company_source = e.company_source.as_deref().map(id);
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
        tracker_lists,
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
                    "company": "Owner", "company_source": "s",
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
        assert_eq!(m.entities[1].company_source.as_deref(), Some("b/s"), "an owner's citation follows its source");
        assert_eq!(m.license, "CC0-1.0 AND MIT");
        let i = info(&m, "merged.json");
        assert!(i.contains("2 entities, 3 domains") && i.contains("session-replay 1, analytics 1") && i.contains("opt-out mechanisms: signal 1"), "{i}");
        assert!(i.contains("b/s: B's, licence MIT (1 entities, 1 patterns and opt-outs)"), "{i}");
        assert_eq!(summary(&m).counts, "3 domains · session-replay 1, analytics 1");
        assert_eq!((grouped(7), grouped(55_494), grouped(1_000_000)), ("7".into(), "55,494".into(), "1,000,000".into()));
    }
}
