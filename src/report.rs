//! Summaries for people: a page's third parties grouped by company, and the
//! cross-site picture (which companies saw you on how many of your sites).
//! The CLI prints these; the popup renders the same structures.

use std::collections::{BTreeMap, BTreeSet, HashMap};
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
    /// Why it is classified so: the pack and rule, or the heuristic (one line each).
    pub evidence: Vec<String>,
}

/// A company's third parties on one page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompanyOnPage {
    /// The company (today's owner), or the site itself when no pack names it.
    pub company: String,
    /// The brands (entities) of its sites on the page, where they are not the company's own name.
    pub brands: Vec<String>,
    pub known: bool,
    pub tracker: bool,
    pub categories: Vec<Category>,
    pub sites: Vec<Site>,
    pub requests: u64,
    /// Requests to its sites that were stopped (by your choices or another blocker).
    pub blocked: u64,
    /// How many of your sites any of its sites saw you on.
    pub reach: usize,
    /// Why its sites are classified so (the pack and rule, or the heuristic), without repeats.
    pub evidence: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PageOut {
    pub page: String,
    pub site: Site,
    /// Trackers that reached you on this page (the badge count).
    pub trackers: usize,
    /// Trackers every request of which was stopped.
    pub blocked_trackers: usize,
    /// Third-party requests stopped on this page.
    pub blocked: u64,
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
    page_with(a, r, &mut HashMap::new())
}

/// [`page`], with the reach of each company's set of sites remembered ([`PageOuts`]).
fn page_with(a: &Auditor, r: &PageReport, reach_of: &mut HashMap<Vec<Site>, usize>) -> PageOut {
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
                evidence: node.map(|n| first_what_was_seen(&n.evidence)).unwrap_or_default(),
            }
        })
        .collect();
    let mut by: BTreeMap<String, CompanyOnPage> = BTreeMap::new();
    for t in &third_parties {
        let name = t.company.clone().unwrap_or_else(|| t.site.to_string());
        let c = by.entry(name.clone()).or_insert_with(|| CompanyOnPage {
            company: name,
            brands: vec![],
            known: t.company.is_some(),
            tracker: false,
            categories: vec![],
            sites: vec![],
            requests: 0,
            blocked: 0,
            reach: 0,
            evidence: vec![],
        });
        if let Some(brand) = t.entity.as_ref().filter(|b| **b != c.company && !c.brands.contains(b)) {
            c.brands.push(brand.clone());
        }
        c.tracker |= t.tracker;
        c.categories.extend(t.categories.iter().copied());
        c.sites.push(t.site.clone());
        c.requests += t.requests;
        c.blocked += t.blocked;
        for e in &t.evidence {
            if !c.evidence.contains(e) {
                c.evidence.push(e.clone());
            }
        }
    }
    let mut companies: Vec<CompanyOnPage> = by
        .into_values()
        .map(|mut c| {
            let mut set: BTreeSet<Category> = BTreeSet::new();
            crate::rules::merge_categories(&mut set, c.categories.iter().copied());
            c.categories = set.into_iter().collect();
            c.reach = *reach_of.entry(c.sites.clone()).or_insert_with(|| {
                let seen: BTreeSet<&Site> = c.sites.iter().filter_map(|s| g.node(s)).flat_map(|n| n.seen_on.iter()).collect();
                seen.len()
            });
            c
        })
        .collect();
    companies.sort_by(|a, b| b.tracker.cmp(&a.tracker).then(b.reach.cmp(&a.reach)).then(b.requests.cmp(&a.requests)).then(a.company.cmp(&b.company)));
    PageOut {
        page: r.page.clone(),
        site: r.site.clone(),
        trackers: third_parties.iter().filter(|t| t.tracker && t.requests > 0).count(),
        blocked_trackers: third_parties.iter().filter(|t| t.tracker && t.requests == 0 && t.blocked > 0).count(),
        blocked: third_parties.iter().map(|t| t.blocked).sum(),
        third_parties,
        companies,
    }
}

/// The buttons of one company's row: what a click does and what it asks for.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowControls {
    /// The site a click names (any of the company's sites on the page).
    pub site: Site,
    /// The choice that blocks it here, in words ("Block all session replay").
    pub blocked_by: Option<String>,
    /// A pack names an opt-out mechanism for its company.
    pub can_opt_out: bool,
    pub opted_out: bool,
    /// Optional permissions its Opt out asks for.
    pub opt_out_needs: Vec<&'static str>,
}

/// What the popup's buttons show for a page, from the user's choices.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PageControls {
    pub site: Site,
    pub trusted: bool,
    pub opt_out_everywhere: bool,
    pub session_replay_blocked: bool,
    pub retargeting_blocked: bool,
    /// The last action taken from this tab, which Undo reverses.
    pub undo: Option<String>,
    pub opt_out_everywhere_needs: Vec<&'static str>,
    pub forget_needs: Vec<&'static str>,
    /// By company, as in [`PageOut::companies`].
    pub rows: BTreeMap<String, RowControls>,
}

/// The controls of a page report.
pub fn controls(a: &Auditor, tab: crate::observe::TabId, p: &PageOut) -> PageControls {
    use crate::policy::{blocks, opt_out_permissions, opt_outs_of, Choice, FORGET_PERMISSIONS};
    let pol = a.policy();
    let everywhere = pol.has(&Choice::OptOutEverywhere);
    let rows = p
        .companies
        .iter()
        .filter_map(|c| {
            let site = c.sites.first()?.clone();
            let host = crate::site::Host::parse(site.as_str()).ok()?;
            let blocked_by = blocks(pol, a.rules(), a.graph(), &host, None, Some(&p.site)).map(|ch| ch.label());
            let company = c.known.then_some(c.company.as_str());
            let can_opt_out = company.is_some_and(|n| !opt_outs_of(a.rules(), n).is_empty());
            let opted_out = can_opt_out && (everywhere || company.is_some_and(|n| pol.has(&Choice::OptOutCompany { company: n.to_owned() })));
            let opt_out_needs = if can_opt_out { opt_out_permissions(a.rules(), company) } else { vec![] };
            Some((c.company.clone(), RowControls { site, blocked_by, can_opt_out, opted_out, opt_out_needs }))
        })
        .collect();
    PageControls {
        site: p.site.clone(),
        trusted: pol.has(&Choice::TrustSite { site: p.site.clone() }),
        opt_out_everywhere: everywhere,
        session_replay_blocked: pol.has(&Choice::BlockCategory { category: Category::SessionReplay }),
        retargeting_blocked: pol.has(&Choice::BlockCategory { category: Category::Retargeting }),
        undo: pol.undo_for(tab).map(|u| u.label.clone()),
        opt_out_everywhere_needs: opt_out_permissions(a.rules(), None),
        forget_needs: FORGET_PERMISSIONS.to_vec(),
        rows,
    }
}

/// The whole audit: the given pages plus the cross-site summary.
pub fn audit(a: &Auditor, reports: &[&PageReport]) -> AuditOut {
    let mut pages = PageOuts::new(a);
    let Summary { sites_visited, cross_site, stats } = summary(a);
    AuditOut { pages: reports.iter().map(|r| pages.page(r)).collect(), sites_visited, cross_site, stats }
}

/// What follows the pages in an audit: [`AuditOut`] without its pages.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub sites_visited: usize,
    pub cross_site: Vec<CompanyOut>,
    pub stats: crate::audit::Stats,
}

/// The cross-site summary of everything the auditor saw.
pub fn summary(a: &Auditor) -> Summary {
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
    Summary { sites_visited: g.nodes().filter(|n| n.first_party).count(), cross_site, stats: a.stats().clone() }
}

/// Page after page of one audit, each as [`page`] gives it: the reach of
/// each company's set of sites is remembered across pages (many pages share
/// the same trackers, and the union of their `seen_on` sets is the costly part).
pub struct PageOuts<'a> {
    auditor: &'a Auditor,
    reach_of: HashMap<Vec<Site>, usize>,
}

impl<'a> PageOuts<'a> {
    pub fn new(auditor: &'a Auditor) -> PageOuts<'a> {
        PageOuts { auditor, reach_of: HashMap::new() }
    }

    pub fn page(&mut self, r: &PageReport) -> PageOut {
        page_with(self.auditor, r, &mut self.reach_of)
    }
}

/// Text that is safe to print on a terminal: control characters (C0, DEL,
/// C1) and the bidirectional overrides written as `\u{..}` escapes, so a
/// name in a pack or a capture cannot move the cursor, clear the screen or
/// reorder what is shown.
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c) || ('\u{2066}'..='\u{2069}').contains(&c);
    if !s.chars().any(bad) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut o = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if bad(c) {
            let _ = write!(o, "\\u{{{:x}}}", c as u32);
        } else {
            o.push(c);
        }
    }
    std::borrow::Cow::Owned(o)
}

fn cats(c: &[Category]) -> String {
    c.iter().map(|c| c.id()).collect::<Vec<_>>().join(", ")
}

/// The audit as text for a terminal.
pub fn to_text(out: &AuditOut) -> String {
    let mut o = String::new();
    for p in &out.pages {
        o += &page_text(p);
    }
    o += &summary_text(&Summary { sites_visited: out.sites_visited, cross_site: out.cross_site.clone(), stats: out.stats.clone() });
    o
}

/// One page of [`to_text`].
pub fn page_text(p: &PageOut) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "{} ({})", printable(&p.page), p.site);
    let _ = writeln!(o, "  {} third parties from {} companies; {} trackers", p.third_parties.len(), p.companies.len(), p.trackers);
    for c in &p.companies {
        let mark = if c.tracker { "tracker" } else { "       " };
        let blocked = if c.blocked > 0 { format!(" ({} blocked)", c.blocked) } else { String::new() };
        let _ = writeln!(
            o,
            "  {mark}  {:<32} {:>4} req{blocked}  [{}]  {}",
            printable(&c.company),
            c.requests,
            cats(&c.categories),
            c.sites.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" ")
        );
    }
    o.push('\n');
    o
}

/// What follows the pages in [`to_text`].
pub fn summary_text(out: &Summary) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "Across your {} sites:", out.sites_visited);
    if out.cross_site.is_empty() {
        let _ = writeln!(o, "  no company saw you on more than one site");
    }
    for c in &out.cross_site {
        let _ = writeln!(
            o,
            "  {:<32} seen you on {} of your sites ({})  [{}]",
            printable(&c.company),
            c.reach,
            c.seen_on.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "),
            cats(&c.categories)
        );
    }
    let s = &out.stats;
    if s.bad_urls + s.not_network + s.malformed_cookies + s.without_page > 0 {
        let _ = writeln!(
            o,
            "\nSkipped: {} non-network URLs, {} unparseable URLs, {} malformed Set-Cookie headers, {} requests with no page",
            s.not_network, s.bad_urls, s.malformed_cookies, s.without_page
        );
    }
    o
}

/// Evidence in the order a reader needs it: what scripts were seen doing in
/// this browser first, then what Telltale's heuristics found, then what
/// lists say; in the order found within each.
fn first_what_was_seen(evidence: &[String]) -> Vec<String> {
    let rank = |e: &String| {
        if e.starts_with("behaviour ") {
            0
        } else if e.starts_with("heuristic ") {
            1
        } else {
            2
        }
    };
    let mut out = evidence.to_vec();
    out.sort_by_key(rank);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_was_seen_comes_before_what_lists_say() {
        let lines = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let node = lines(&["easyprivacy: EasyPrivacy filter $ping,third-party (EasyPrivacy)", "heuristic cookie-sync: syncs cookie uid with b.example", "behaviour key-logging: sends what you type", "behaviour session-replay: records your mouse"]);
        assert_eq!(
            first_what_was_seen(&node),
            lines(&["behaviour key-logging: sends what you type", "behaviour session-replay: records your mouse", "heuristic cookie-sync: syncs cookie uid with b.example", "easyprivacy: EasyPrivacy filter $ping,third-party (EasyPrivacy)"])
        );
    }
}
