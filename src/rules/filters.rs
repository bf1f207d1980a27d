//! Filter lists in Adblock Plus syntax (EasyList, EasyPrivacy and the many
//! lists written like them), matched by Brave's `adblock` engine.
//!
//! A pack carries filter lists in `"filter_lists"`: network filters only,
//! each list with its source and the Telltale categories its matches get.
//! All lists of one pack compile into one engine, so an exception in one
//! list (`@@||cdn.example^`) lifts a block from another, as when a browser
//! loads them together. Telltale's own Public Suffix code is the engine's
//! domain resolver, so "third party" means the same thing everywhere.

use std::sync::Arc;

use adblock::lists::{FilterSet, ParseOptions, ParsedLine};
use adblock::request::Request;
use adblock::Engine;
use serde::{Deserialize, Serialize};

use super::{Category, Source};
use crate::observe::{ResourceType, WebUrl};

/// One filter list in a pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilterList {
    /// The list's own title (`! Title:` in its header).
    pub name: String,
    /// The id of a source in the pack's `sources`.
    pub source: String,
    /// What a request the list blocks is, in Telltale's terms.
    pub categories: Vec<Category>,
    /// Network filters, one per string, as the list writes them.
    pub filters: Vec<String>,
}

/// What kind of line of a filter list this is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineKind {
    /// A network filter Telltale matches requests with.
    Network,
    /// An element-hiding or scriptlet filter: it acts on pages, not requests.
    Cosmetic,
    /// A comment, the `[Adblock Plus 2.0]` header, or a blank line.
    Comment,
    /// Not a filter the engine can read, and why.
    Invalid(String),
}

/// Classifies one line of a list.
pub fn line_kind(line: &str) -> LineKind {
    let t = line.trim();
    if t.is_empty() || t.starts_with('!') || (t.starts_with('[') && t.ends_with(']')) {
        return LineKind::Comment;
    }
    match adblock::lists::parse_filter(t, false, ParseOptions::default()) {
        Ok(ParsedLine::Network(_)) => LineKind::Network,
        Ok(ParsedLine::Cosmetic(_)) => LineKind::Cosmetic,
        Err(e) => LineKind::Invalid(e.to_string()),
    }
}

/// Installs Telltale's Public Suffix code as the engine's domain resolver
/// (once per process; the engine panics without one).
pub fn install_domain_resolver() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // Err only if one is already installed, which is what we want.
        let _ = adblock::url_parser::set_domain_resolver(Box::new(PslResolver));
    });
}

struct PslResolver;

impl adblock::url_parser::ResolvesDomain for PslResolver {
    fn get_host_domain(&self, host: &str) -> (usize, usize) {
        crate::site::with_registrable_domain(host, |d| match d {
            Some(d) if host.ends_with(d) && d.len() <= host.len() => (host.len() - d.len(), host.len()),
            _ => (0, host.len()),
        })
    }
}

/// The engine's name for a resource type (webRequest names, as
/// adblock-rust's `cpt_match_type` reads them).
pub fn engine_type(t: ResourceType) -> &'static str {
    match t {
        ResourceType::MainFrame => "main_frame",
        ResourceType::SubFrame => "sub_frame",
        ResourceType::Stylesheet => "stylesheet",
        ResourceType::Script => "script",
        ResourceType::Image => "image",
        ResourceType::Font => "font",
        ResourceType::Object => "object",
        ResourceType::Xmlhttprequest => "xmlhttprequest",
        ResourceType::Ping => "ping",
        ResourceType::CspReport => "csp_report",
        ResourceType::Media => "media",
        ResourceType::Websocket => "websocket",
        ResourceType::Other => "other",
    }
}

/// A list of a compiled layer, as verdicts name it.
#[derive(Debug, Clone)]
pub struct LayerList {
    pub name: String,
    pub categories: Vec<Category>,
    pub source: Source,
    pub filters: usize,
}

/// One pack's filter lists, compiled.
#[derive(Clone)]
pub struct FilterLayer {
    pub pack: String,
    pub lists: Vec<LayerList>,
    engine: Arc<Engine>,
}

impl std::fmt::Debug for FilterLayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FilterLayer").field("pack", &self.pack).field("lists", &self.lists).finish_non_exhaustive()
    }
}

/// A block decided by a filter list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterHit {
    /// Index into [`FilterLayer::lists`].
    pub list: usize,
    /// The filter as the list writes it.
    pub filter: String,
}

/// A request as the engine sees it: Telltale's parsed URL and page, so the
/// host, site and party are the ones every other verdict uses.
pub fn engine_request(url: &WebUrl, page: Option<&WebUrl>, t: ResourceType) -> Request {
    let third_party = page.is_none_or(|p| p.site != url.site);
    let source_host = page.map_or("", |p| p.host.as_str());
    Request::preparsed(url.as_written(), url.host.as_str(), source_host, engine_type(t), third_party, "GET")
}

impl FilterLayer {
    /// Compiles the filter lists of a pack (validated: every source exists).
    pub fn build(pack: &str, lists: &[FilterList], sources: &std::collections::BTreeMap<String, Source>) -> FilterLayer {
        install_domain_resolver();
        let mut set = FilterSet::new(true);
        let mut out = Vec::with_capacity(lists.len());
        for l in lists {
            let mut text = String::with_capacity(l.filters.iter().map(|f| f.len() + 1).sum());
            for f in &l.filters {
                text.push_str(f);
                text.push('\n');
            }
            set.add_filter_list(text, ParseOptions::default());
            let mut categories = l.categories.clone();
            categories.sort();
            categories.dedup();
            out.push(LayerList {
                name: l.name.clone(),
                categories,
                source: sources.get(&l.source).cloned().unwrap_or(Source { name: l.source.clone(), url: None, license: None }),
                filters: l.filters.len(),
            });
        }
        FilterLayer { pack: pack.to_owned(), lists: out, engine: Arc::new(Engine::new_with_filter_set(set)) }
    }

    /// The layer in the engine's own binary form (see [`FilterLayer::from_bytes`]).
    pub fn engine_bytes(&self) -> Vec<u8> {
        self.engine.serialize()
    }

    /// A layer from [`FilterLayer::engine_bytes`] and its lists; `None` when
    /// the bytes are not an engine this build reads (then compile again).
    pub fn from_bytes(pack: String, lists: Vec<LayerList>, bytes: &[u8]) -> Option<FilterLayer> {
        install_domain_resolver();
        let mut engine = Engine::default();
        engine.deserialize(bytes).ok()?;
        Some(FilterLayer { pack, lists, engine: Arc::new(engine) })
    }

    /// Whether the engine blocks `request` (an exception in the same pack lifts a block).
    pub fn blocks(&self, request: &Request) -> bool {
        self.engine.check_network_request(request).should_block()
    }

    /// The list and filter that block this request, if any.
    pub fn check(&self, request: &Request) -> Option<FilterHit> {
        let r = self.engine.check_network_request(request);
        if !r.should_block() {
            return None;
        }
        let info = r.filter?;
        let list = info.source_location.as_ref().map_or(0, |s| s.source_index as usize).min(self.lists.len().saturating_sub(1));
        Some(FilterHit { list, filter: info.raw_line.unwrap_or_else(|| "(a filter of this list)".into()) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_told_apart() {
        assert_eq!(line_kind("||tracker.example^$third-party"), LineKind::Network);
        assert_eq!(line_kind("@@||cdn.example/lib.js$script"), LineKind::Network);
        assert_eq!(line_kind("example.com##.ad-banner"), LineKind::Cosmetic);
        assert_eq!(line_kind("! Title: EasyPrivacy"), LineKind::Comment);
        assert_eq!(line_kind("[Adblock Plus 2.0]"), LineKind::Comment);
        assert_eq!(line_kind("   "), LineKind::Comment);
        assert!(matches!(line_kind("||x.example^$unknownoption"), LineKind::Invalid(_)), "{:?}", line_kind("||x.example^$unknownoption"));
    }

    #[test]
    fn the_resolver_is_the_public_suffix_list() {
        use adblock::url_parser::ResolvesDomain;
        let r = PslResolver;
        let host = "a.b.bbc.co.uk";
        let (s, e) = r.get_host_domain(host);
        assert_eq!(&host[s..e], "bbc.co.uk");
        // Private section: each user's site on github.io is its own.
        let host = "alice.github.io";
        let (s, e) = r.get_host_domain(host);
        assert_eq!(&host[s..e], "alice.github.io");
        let (s, e) = r.get_host_domain("co.uk");
        assert_eq!((s, e), (0, 5));
    }

    fn layer(lists: &[(&str, &[Category], &[&str])]) -> FilterLayer {
        let mut sources = std::collections::BTreeMap::new();
        sources.insert("s".to_owned(), Source { name: "test".into(), url: None, license: None });
        let lists: Vec<FilterList> = lists
            .iter()
            .map(|(n, c, f)| FilterList { name: (*n).into(), source: "s".into(), categories: c.to_vec(), filters: f.iter().map(|s| (*s).to_owned()).collect() })
            .collect();
        FilterLayer::build("p", &lists, &sources)
    }

    fn req(url: &str, page: &str, t: ResourceType) -> Request {
        engine_request(&WebUrl::parse(url).unwrap(), Some(&WebUrl::parse(page).unwrap()), t)
    }

    #[test]
    fn party_types_and_exceptions_across_lists() {
        let l = layer(&[
            ("Ads", &[Category::Advertising], &["||ads.example^$third-party", "/pixel.gif$image"]),
            ("Fixes", &[Category::Other], &["@@||ads.example/ok.js$script"]),
        ]);
        // Third party by the PSL: news.co.uk and ads.example differ.
        let hit = l.check(&req("https://x.ads.example/a.js", "https://www.news.co.uk/", ResourceType::Script)).unwrap();
        assert_eq!((hit.list, hit.filter.as_str()), (0, "||ads.example^$third-party"));
        // First party: the same site is not blocked by a $third-party filter.
        assert!(l.check(&req("https://x.ads.example/a.js", "https://ads.example/", ResourceType::Script)).is_none());
        // The other list's exception lifts it.
        assert!(l.check(&req("https://ads.example/ok.js", "https://news.example/", ResourceType::Script)).is_none());
        // Types: $image does not match a script.
        assert!(l.check(&req("https://cdn.example/pixel.gif", "https://news.example/", ResourceType::Image)).is_some());
        assert!(l.check(&req("https://cdn.example/pixel.gif", "https://news.example/", ResourceType::Script)).is_none());
    }

    #[test]
    fn a_layer_survives_its_binary_form() {
        let l = layer(&[("Ads", &[Category::Advertising], &["||ads.example^"])]);
        let bytes = l.engine_bytes();
        let back = FilterLayer::from_bytes("p".into(), l.lists.clone(), &bytes).unwrap();
        let r = req("https://ads.example/x", "https://news.example/", ResourceType::Image);
        assert_eq!(back.check(&r), l.check(&r));
        assert!(back.check(&r).is_some());
        assert!(FilterLayer::from_bytes("p".into(), vec![], &bytes[..bytes.len() / 2]).is_none());
        assert!(FilterLayer::from_bytes("p".into(), vec![], b"<html>").is_none());
    }
}
