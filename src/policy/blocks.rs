//! What the choices block, as the DNR rules mean it: for counting what was
//! blocked and for the popup's buttons.

use std::collections::BTreeSet;

use super::*;


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
