//! The compiled index over loaded packs: host → entity by walking up the
//! labels (longest domain wins), then URL patterns for finer categories.

use std::collections::HashMap;

use super::filters::{engine_request, FilterLayer};
use super::tds::{TrackerHit, TrackerLayer};
use super::{Category, OptOut, RulePack, Source};
use crate::observe::{ResourceType, WebUrl};
use crate::site::Host;

/// An entity as the classifier sees it.
#[derive(Debug, Clone)]
pub struct IndexedEntity {
    pub name: String,
    pub company: String,
    pub homepage: Option<String>,
    pub categories: Vec<Category>,
    pub opt_outs: Vec<OptOut>,
    pub pack: String,
    /// The pack's place in load order (0: loaded first).
    pub rank: usize,
    pub source: Source,
    /// From a pack built into Telltale ([`RuleIndex::add_built_in`]), not
    /// one the person loaded: only such a pack's opt-out cookies are set
    /// without asking.
    pub built_in: bool,
}

#[derive(Debug, Clone)]
struct Pattern {
    path_prefix: String,
    categories: Vec<Category>,
    entity: u32,
    text: String,
    /// The pattern's own source, when it names one apart from its entity's.
    source: Option<u32>,
}

/// What the rules say about one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    pub entity: u32,
    /// The entity's categories plus any from a matching URL pattern.
    pub categories: Vec<Category>,
    /// Which rule decided: `domain hotjar.com` or `pattern static.hotjar.com/`.
    pub rule: String,
    /// The source of the pattern that refined it, when it names its own
    /// (else the entity's source stands).
    pub pattern_source: Option<Source>,
}

/// A block by a pack's filter list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterMatch {
    pub pack: String,
    /// The list's name (`EasyPrivacy`).
    pub list: String,
    pub categories: Vec<Category>,
    /// The filter that matched, as the list writes it.
    pub filter: String,
    pub source: Source,
}

/// What a list (a filter list, or a tracker list) decided for a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListDecision {
    /// A filter blocks it.
    Filter(FilterMatch),
    /// A tracker list names its tracker, and blocks or ignores it.
    Tracker { pack: String, rank: usize, hit: TrackerHit },
}

/// A URL pattern as the index holds it.
#[derive(Debug, Clone, Copy)]
pub struct PatternRef<'a> {
    pub host: &'a str,
    pub path_prefix: &'a str,
    pub categories: &'a [Category],
    pub entity: u32,
}

/// Every loaded pack, compiled for lookups. Packs loaded later take
/// precedence for a domain that an earlier pack also names.
#[derive(Debug, Clone, Default)]
pub struct RuleIndex {
    packs: Vec<(String, String)>,
    entities: Vec<IndexedEntity>,
    /// Sources that patterns name apart from their entity's.
    pattern_sources: Vec<Source>,
    domains: HashMap<String, u32>,
    patterns: HashMap<String, Vec<Pattern>>,
    /// Each pack's filter lists, compiled, in load order.
    filter_layers: Vec<FilterLayer>,
    /// The rank (load order) of the pack of each filter layer.
    filter_ranks: Vec<usize>,
    /// Each pack's tracker lists with its rank, in load order.
    tracker_layers: Vec<(usize, TrackerLayer)>,
}

impl RuleIndex {
    pub fn new() -> RuleIndex {
        RuleIndex::default()
    }

    /// Adds a validated pack, compiling its filter lists.
    pub fn add(&mut self, pack: &RulePack) {
        self.add_entities(pack);
        if !pack.filter_lists.is_empty() {
            self.add_filter_layer(FilterLayer::build(&pack.name, &pack.filter_lists, &pack.sources));
        }
    }

    /// Adds a pack that ships with Telltale: as [`RuleIndex::add`], its
    /// entities marked built in. Nothing in a pack's text can mark it so.
    pub fn add_built_in(&mut self, pack: &RulePack) {
        let first = self.entities.len();
        self.add(pack);
        for e in &mut self.entities[first..] {
            e.built_in = true;
        }
    }

    /// Adds a validated pack's entities, patterns and tracker lists (its
    /// filter lists come compiled, by [`RuleIndex::add_filter_layer`]).
    pub fn add_entities(&mut self, pack: &RulePack) {
        let rank = self.packs.len();
        self.packs.push((pack.name.clone(), pack.version.clone()));
        if !pack.tracker_lists.is_empty() {
            self.tracker_layers.push((rank, TrackerLayer::build(&pack.name, &pack.tracker_lists, &pack.sources)));
        }
        let mut touched = std::collections::HashSet::new();
        for e in &pack.entities {
            let id = self.entities.len() as u32;
            let mut categories = e.categories.clone();
            categories.sort();
            categories.dedup();
            self.entities.push(IndexedEntity {
                name: e.name.clone(),
                company: e.company().to_owned(),
                homepage: e.homepage.clone(),
                categories,
                opt_outs: e.opt_outs.clone(),
                pack: pack.name.clone(),
                rank,
                source: pack.sources[&e.source].clone(),
                built_in: false,
            });
            // An entity with no categories and no patterns (an owner record,
            // as imported from a tracker data set) says who owns a domain but
            // not what it does: it only names domains no earlier pack names.
            let owner_only = e.categories.is_empty() && e.patterns.is_empty();
            for d in &e.domains {
                if owner_only && self.domains.contains_key(d.as_str()) {
                    continue;
                }
                self.domains.insert(d.as_str().to_owned(), id);
            }
            for p in &e.patterns {
                // Validated by RulePack::parse.
                let Ok((host, path_prefix)) = p.parts() else { continue };
                touched.insert(host.clone());
                let source = p.source.as_ref().filter(|s| **s != e.source).and_then(|s| pack.sources.get(s)).map(|s| {
                    self.pattern_sources.push(s.clone());
                    (self.pattern_sources.len() - 1) as u32
                });
                self.patterns.entry(host).or_default().push(Pattern { path_prefix, categories: p.categories.clone(), entity: id, text: p.pattern.clone(), source });
            }
        }
        // Longest prefix first, so the most specific pattern decides; sorted
        // once per pack (stable: among equal lengths the earlier stays first).
        for host in touched {
            if let Some(list) = self.patterns.get_mut(&host) {
                list.sort_by_key(|p| std::cmp::Reverse(p.path_prefix.len()));
            }
        }
    }

    /// Adds a filter layer compiled before (a cached engine), as the layer
    /// of the pack added last.
    pub fn add_filter_layer(&mut self, layer: FilterLayer) {
        self.filter_ranks.push(self.packs.len().saturating_sub(1));
        self.filter_layers.push(layer);
    }

    /// The decision of the pack loaded last that has one: a tracker list
    /// that names the request's tracker (block or ignore), or a filter that
    /// blocks it. Within one pack, its tracker lists are asked first.
    pub fn list_decision(&self, url: &WebUrl, page: Option<&WebUrl>, t: ResourceType) -> Option<ListDecision> {
        let (mut f, mut k) = (self.filter_layers.len(), self.tracker_layers.len());
        let mut request = None;
        while f > 0 || k > 0 {
            let filter_rank = f.checked_sub(1).map(|i| self.filter_ranks[i]);
            let tracker_rank = k.checked_sub(1).map(|i| self.tracker_layers[i].0);
            if tracker_rank >= filter_rank {
                k -= 1;
                let (rank, layer) = &self.tracker_layers[k];
                if let Some(hit) = layer.check(url, page, t) {
                    return Some(ListDecision::Tracker { pack: layer.pack.clone(), rank: *rank, hit });
                }
            } else {
                f -= 1;
                let layer = &self.filter_layers[f];
                let request = request.get_or_insert_with(|| engine_request(url, page, t));
                if let Some(hit) = layer.check(request) {
                    let list = &layer.lists[hit.list];
                    return Some(ListDecision::Filter(FilterMatch {
                        pack: layer.pack.clone(),
                        list: list.name.clone(),
                        categories: list.categories.clone(),
                        filter: hit.filter,
                        source: list.source.clone(),
                    }));
                }
            }
        }
        None
    }

    /// The compiled filter layers, in load order.
    pub fn filter_layers(&self) -> &[FilterLayer] {
        &self.filter_layers
    }

    /// The filter that blocks a request, from the pack loaded last that has
    /// one: packs loaded later take precedence, as for domains.
    pub fn filter_match(&self, url: &WebUrl, page: Option<&WebUrl>, t: ResourceType) -> Option<FilterMatch> {
        if self.filter_layers.is_empty() {
            return None;
        }
        let request = engine_request(url, page, t);
        self.filter_layers.iter().rev().find_map(|layer| {
            let hit = layer.check(&request)?;
            let list = &layer.lists[hit.list];
            Some(FilterMatch { pack: layer.pack.clone(), list: list.name.clone(), categories: list.categories.clone(), filter: hit.filter, source: list.source.clone() })
        })
    }

    /// Names and versions of the loaded packs, in load order.
    pub fn packs(&self) -> &[(String, String)] {
        &self.packs
    }

    pub fn entity(&self, id: u32) -> &IndexedEntity {
        &self.entities[id as usize]
    }

    pub fn entities(&self) -> &[IndexedEntity] {
        &self.entities
    }

    /// Every domain with the entity that owns it (the last pack to name it), sorted.
    pub fn domains(&self) -> Vec<(&str, u32)> {
        let mut v: Vec<(&str, u32)> = self.domains.iter().map(|(d, &id)| (d.as_str(), id)).collect();
        v.sort_unstable();
        v
    }

    /// Every URL pattern, sorted by host.
    pub fn patterns(&self) -> impl Iterator<Item = PatternRef<'_>> {
        let mut hosts: Vec<&String> = self.patterns.keys().collect();
        hosts.sort_unstable();
        hosts.into_iter().flat_map(move |h| {
            self.patterns[h].iter().map(move |p| PatternRef { host: h, path_prefix: &p.path_prefix, categories: &p.categories, entity: p.entity })
        })
    }

    /// The entity owning `host` by domain alone.
    pub fn entity_of_host(&self, host: &Host) -> Option<u32> {
        host.ancestors().find_map(|a| self.domains.get(a).copied())
    }

    /// Looks up a request's host and path.
    pub fn lookup(&self, host: &Host, path: &str) -> Option<Match> {
        let mut found: Option<Match> = None;
        for a in host.ancestors() {
            if found.is_none() {
                if let Some(&id) = self.domains.get(a) {
                    found = Some(Match { entity: id, categories: self.entities[id as usize].categories.clone(), rule: format!("domain {a}"), pattern_source: None });
                }
            }
            if let Some(list) = self.patterns.get(a) {
                if let Some(p) = list.iter().find(|p| path_matches(path, &p.path_prefix)) {
                    let m = found.get_or_insert_with(|| Match {
                        entity: p.entity,
                        categories: self.entities[p.entity as usize].categories.clone(),
                        rule: String::new(),
                        pattern_source: None,
                    });
                    // A pattern refines the entity it belongs to; it does not
                    // graft its categories onto another company's domain.
                    if m.entity == p.entity || self.entities[m.entity as usize].company == self.entities[p.entity as usize].company {
                        m.categories.extend_from_slice(&p.categories);
                        m.categories.sort();
                        m.categories.dedup();
                        m.rule = if m.rule.is_empty() { format!("pattern {}", p.text) } else { format!("{}, pattern {}", m.rule, p.text) };
                        m.pattern_source = p.source.map(|i| self.pattern_sources[i as usize].clone());
                    }
                    return found;
                }
            }
        }
        found
    }
}

/// `prefix` matches `path` at a segment boundary: `/tr` matches `/tr` and
/// `/tr/x` but not `/track`; a prefix ending in `/` matches anything under it.
fn path_matches(path: &str, prefix: &str) -> bool {
    match path.strip_prefix(prefix) {
        Some(rest) => rest.is_empty() || prefix.ends_with('/') || rest.starts_with('/'),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{DEFAULT_PACK, DEFAULT_PACK_NAME};

    fn default_index() -> RuleIndex {
        let mut ix = RuleIndex::new();
        ix.add(&RulePack::parse(DEFAULT_PACK_NAME, DEFAULT_PACK).unwrap());
        ix
    }

    fn cats(ix: &RuleIndex, url: &str) -> (String, Vec<&'static str>) {
        let u = url::Url::parse(url).unwrap();
        let h = Host::of_url(&u).unwrap();
        let m = ix.lookup(&h, u.path()).unwrap_or_else(|| panic!("{url} not found"));
        (ix.entity(m.entity).name.clone(), m.categories.iter().map(|c| c.id()).collect())
    }

    #[test]
    fn longest_domain_wins() {
        let ix = default_index();
        assert_eq!(cats(&ix, "https://maps.google.com/x").0, "Google Maps");
        assert_eq!(cats(&ix, "https://securepubads.g.doubleclick.net/tag/js/gpt.js").0, "Google/Doubleclick Ads");
    }

    #[test]
    fn session_replay_patterns_refine_their_entity() {
        let ix = default_index();
        let (name, c) = cats(&ix, "https://static.hotjar.com/c/hotjar-123.js?sv=6");
        assert_eq!(name, "Hotjar");
        assert!(c.contains(&"session-replay") && c.contains(&"analytics"), "{c:?}");
        // Yandex Metrica's tag.js is a recorder; other Yandex endpoints are not.
        let (_, c) = cats(&ix, "https://mc.yandex.ru/metrika/tag.js");
        assert!(c.contains(&"session-replay"), "{c:?}");
        let (_, c) = cats(&ix, "https://mc.yandex.ru/watch/12345");
        assert!(!c.contains(&"session-replay"), "{c:?}");
        let (_, c) = cats(&ix, "https://edge.fullstory.com/s/fs.js");
        assert!(c.contains(&"session-replay"), "{c:?}");
    }

    #[test]
    fn patterns_match_at_segment_boundaries() {
        assert!(path_matches("/tr", "/tr"));
        assert!(path_matches("/tr/", "/tr"));
        assert!(!path_matches("/track", "/tr"));
        assert!(path_matches("/webvisor/x", "/webvisor/"));
        assert!(path_matches("/anything", "/"));
    }

    #[test]
    fn retargeting_layer_refines_ad_companies() {
        let ix = default_index();
        let (name, c) = cats(&ix, "https://googleads.g.doubleclick.net/pagead/viewthroughconversion/123/?label=x");
        assert_eq!(name, "Google/Doubleclick Ads");
        assert_eq!(c, ["retargeting", "advertising"]);
        let (_, c) = cats(&ix, "https://googleads.g.doubleclick.net/pagead/ads");
        assert_eq!(c, ["advertising"]);
        let (name, c) = cats(&ix, "https://dis.criteo.com/dis/usersync.aspx");
        assert_eq!((name.as_str(), c), ("Criteo", vec!["retargeting", "advertising"]));
        let (_, c) = cats(&ix, "https://www.facebook.com/tr?id=1&ev=PageView");
        assert!(c.contains(&"retargeting") && c.contains(&"social"), "{c:?}");
    }

    #[test]
    fn unknown_hosts_do_not_match() {
        let ix = default_index();
        let h = Host::parse("my-own-blog.example").unwrap();
        assert!(ix.lookup(&h, "/").is_none());
    }
}
