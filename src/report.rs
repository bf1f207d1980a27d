//! Summaries for people: a page's third parties grouped by company, and the
//! cross-site picture (which companies saw you on how many of your sites).
//! The CLI prints these; the popup renders the same structures.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use serde::Serialize;

use crate::audit::{Auditor, PageReport};
use crate::rules::Category;
use crate::site::Site;

/// One third party on a page, in the CLI's `--json` shape.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThirdPartyOut {
    pub site: Site,
    pub entity: Option<String>,
    pub company: Option<String>,
    pub tracker: bool,
    pub categories: Vec<Category>,
    pub requests: u64,
    pub blocked: u64,
    /// How many of your sites it saw you on.
    pub reach: usize,
}

/// A company's third parties on one page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompanyOnPage {
    /// The company, or the site itself when no pack names it.
    pub company: String,
    pub known: bool,
    pub tracker: bool,
    pub categories: Vec<Category>,
    pub sites: Vec<Site>,
    pub requests: u64,
    /// How many of your sites any of its sites saw you on.
    pub reach: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PageOut {
    pub page: String,
    pub site: Site,
    pub trackers: usize,
    pub third_parties: Vec<ThirdPartyOut>,
    pub companies: Vec<CompanyOnPage>,
}

/// A company across every site you visited.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompanyOut {
    pub company: String,
    pub tracker: bool,
    pub categories: Vec<Category>,
    pub sites: Vec<Site>,
    pub seen_on: Vec<Site>,
    pub reach: usize,
    pub requests: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditOut {
    pub pages: Vec<PageOut>,
    /// Number of first-party sites visited.
    pub sites_visited: usize,
    /// Companies seen on two or more of your sites, by reach.
    pub cross_site: Vec<CompanyOut>,
    pub stats: crate::audit::Stats,
}

/// A page's third parties, with reach and categories as the auditor knows them now.
pub fn page(a: &Auditor, r: &PageReport) -> PageOut {
    let g = a.graph();
    let third_parties: Vec<ThirdPartyOut> = r
        .third_parties
        .values()
        .map(|t| {
            let node = g.node(&t.site);
            // What rules said is the page's own verdicts; what heuristics learned
            // since (on other pages) comes from the graph.
            let mut categories: BTreeSet<Category> = t.categories.clone();
            if node.is_some_and(|n| n.categories.contains(&Category::CrossSiteCookies)) {
                categories.insert(Category::CrossSiteCookies);
            }
            ThirdPartyOut {
                site: t.site.clone(),
                entity: t.entity.clone(),
                company: t.company.clone(),
                tracker: t.tracker || node.is_some_and(|n| n.tracker && n.categories.contains(&Category::CrossSiteCookies)),
                categories: categories.into_iter().collect(),
                requests: t.requests,
                blocked: t.blocked,
                reach: node.map_or(0, |n| n.reach()),
            }
        })
        .collect();
    let mut by: BTreeMap<String, CompanyOnPage> = BTreeMap::new();
    for t in &third_parties {
        let name = t.company.clone().unwrap_or_else(|| t.site.to_string());
        let c = by.entry(name.clone()).or_insert_with(|| CompanyOnPage {
            company: name,
            known: t.company.is_some(),
            tracker: false,
            categories: vec![],
            sites: vec![],
            requests: 0,
            reach: 0,
        });
        c.tracker |= t.tracker;
        c.categories.extend(t.categories.iter().copied());
        c.sites.push(t.site.clone());
        c.requests += t.requests;
    }
    let mut companies: Vec<CompanyOnPage> = by
        .into_values()
        .map(|mut c| {
            c.categories.sort();
            c.categories.dedup();
            let seen: BTreeSet<&Site> = c.sites.iter().filter_map(|s| g.node(s)).flat_map(|n| n.seen_on.iter()).collect();
            c.reach = seen.len();
            c
        })
        .collect();
    companies.sort_by(|a, b| b.tracker.cmp(&a.tracker).then(b.reach.cmp(&a.reach)).then(b.requests.cmp(&a.requests)).then(a.company.cmp(&b.company)));
    PageOut { page: r.page.clone(), site: r.site.clone(), trackers: third_parties.iter().filter(|t| t.tracker).count(), third_parties, companies }
}

/// The whole audit: the given pages plus the cross-site summary.
pub fn audit(a: &Auditor, reports: &[&PageReport]) -> AuditOut {
    let g = a.graph();
    let cross_site = g
        .companies()
        .into_iter()
        .filter(|c| c.seen_on.len() >= 2)
        .map(|c| CompanyOut {
            tracker: c.sites.iter().filter_map(|s| g.node(s)).any(|n| n.tracker),
            company: c.company,
            categories: c.categories.into_iter().collect(),
            reach: c.seen_on.len(),
            seen_on: c.seen_on.into_iter().collect(),
            sites: c.sites,
            requests: c.requests,
        })
        .collect();
    AuditOut {
        pages: reports.iter().map(|r| page(a, r)).collect(),
        sites_visited: g.nodes().filter(|n| n.first_party).count(),
        cross_site,
        stats: a.stats().clone(),
    }
}

fn cats(c: &[Category]) -> String {
    c.iter().map(|c| c.id()).collect::<Vec<_>>().join(", ")
}

/// The audit as text for a terminal.
pub fn to_text(out: &AuditOut) -> String {
    let mut o = String::new();
    for p in &out.pages {
        let _ = writeln!(o, "{} ({})", p.page, p.site);
        let _ = writeln!(o, "  {} third parties from {} companies; {} trackers", p.third_parties.len(), p.companies.len(), p.trackers);
        for c in &p.companies {
            let mark = if c.tracker { "tracker" } else { "       " };
            let _ = writeln!(
                o,
                "  {mark}  {:<32} {:>4} req  [{}]  {}",
                c.company,
                c.requests,
                cats(&c.categories),
                c.sites.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" ")
            );
        }
        o.push('\n');
    }
    let _ = writeln!(o, "Across your {} sites:", out.sites_visited);
    if out.cross_site.is_empty() {
        let _ = writeln!(o, "  no company saw you on more than one site");
    }
    for c in &out.cross_site {
        let _ = writeln!(
            o,
            "  {:<32} seen you on {} of your sites ({})  [{}]",
            c.company,
            c.reach,
            c.seen_on.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "),
            cats(&c.categories)
        );
    }
    let s = &out.stats;
    if s.bad_urls + s.not_network + s.malformed_cookies > 0 {
        let _ = writeln!(
            o,
            "\nSkipped: {} non-network URLs, {} unparseable URLs, {} malformed Set-Cookie headers",
            s.not_network, s.bad_urls, s.malformed_cookies
        );
    }
    o
}
