//! Compiling the choices: DNR rules by priority, page-world scripts, opt-out
//! cookies and pages, and what could not be applied.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::*;

/// What the browser allows and what the user granted, as the extension reads
/// them (feature detection); the CLI uses Chrome's numbers.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Capabilities {
    /// `MAX_NUMBER_OF_DYNAMIC_RULES` (Chrome 120+, Firefox 128+: 30,000; older: 5,000).
    pub max_rules: usize,
    /// `MAX_NUMBER_OF_UNSAFE_DYNAMIC_RULES` (modifyHeaders and redirects: 5,000).
    pub max_unsafe_rules: usize,
    /// Resource types the browser's DNR accepts.
    pub resource_types: Vec<String>,
    /// Page-world scripts can be registered (the `scripting` permission).
    pub scripting: bool,
    /// Cookies can be set (the `cookies` permission).
    pub cookies: bool,
    /// The js-flag scripts packaged with this build, by mechanism id.
    pub packaged_flags: Option<BTreeSet<String>>,
}

impl Default for Capabilities {
    fn default() -> Self {
        Capabilities {
            max_rules: 30_000,
            max_unsafe_rules: 5_000,
            resource_types: COMMON_RESOURCE_TYPES.iter().map(|s| s.to_string()).collect(),
            scripting: true,
            cookies: true,
            packaged_flags: None,
        }
    }
}

/// A DNR rule, in the shape `declarativeNetRequest.updateDynamicRules` takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DnrRule {
    pub id: u32,
    pub priority: u32,
    pub action: DnrAction,
    pub condition: DnrCondition,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DnrAction {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty", deserialize_with = "null_as_empty")]
    pub request_headers: Vec<DnrHeader>,
    /// Fields a browser hands back that Telltale never sets (Firefox lists
    /// every field, most as `null`); a rule with one set is not Telltale's.
    #[serde(flatten, skip_serializing)]
    pub other: BTreeMap<String, Value>,
}

pub(super) fn null_as_empty<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DnrHeader {
    pub header: String,
    pub operation: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DnrCondition {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url_filter: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_domains: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excluded_initiator_domains: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_types: Option<Vec<String>>,
    /// As [`DnrAction::other`].
    #[serde(flatten, skip_serializing)]
    pub other: BTreeMap<String, Value>,
}

/// A page-world content script to register (`scripting.registerContentScripts`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageScript {
    pub id: String,
    pub js: Vec<String>,
    pub matches: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude_matches: Vec<String>,
    pub all_frames: bool,
    pub match_origin_as_fallback: bool,
    pub run_at: String,
    pub world: String,
    pub persist_across_sessions: bool,
}

/// A vendor's opt-out cookie, in the shape `cookies.set` takes (less the expiry, set by the caller).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptOutCookie {
    pub company: String,
    pub url: String,
    pub domain: String,
    pub name: String,
    pub value: String,
}

/// An opt-out cookie that a pack the person loaded names, waiting for them
/// to see its domain, name and value and confirm it
/// ([`Intent::ConfirmCookie`]): a pack could name any site's domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingCookie {
    pub company: String,
    /// The pack that names it.
    pub pack: String,
    pub domain: String,
    pub name: String,
    pub value: String,
}

/// A vendor's opt-out page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptOutPage {
    pub company: String,
    pub url: String,
}

/// A choice, or part of one, that could not be applied, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotApplied {
    pub key: String,
    pub label: String,
    pub reason: String,
    /// Optional permissions it waits for (the popup asks for them again).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub needs: Vec<String>,
}

/// Everything the choices come to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Compiled {
    /// Sorted by id.
    pub rules: Vec<DnrRule>,
    pub scripts: Vec<PageScript>,
    pub cookies: Vec<OptOutCookie>,
    /// Cookies of loaded packs, set only once confirmed.
    pub confirm_cookies: Vec<PendingCookie>,
    pub pages: Vec<OptOutPage>,
    pub not_applied: Vec<NotApplied>,
}

/// FNV-1a of the rule's purpose, in 1..2^31 (DNR ids are positive 32-bit ints).
pub(super) fn rule_id(key: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in key.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    (h & 0x7fff_ffff).max(1)
}

/// Drops domains covered by another in the list (`a.example` covers `x.a.example`).
pub(super) fn minimal_domains(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v.dedup();
    let set: BTreeSet<String> = v.iter().cloned().collect();
    v.into_iter()
        .filter(|d| {
            let mut rest = d.as_str();
            while let Some(i) = rest.find('.') {
                rest = &rest[i + 1..];
                if set.contains(rest) {
                    return false;
                }
            }
            true
        })
        .collect()
}

/// Match patterns for a site's pages, for `excludeMatches`.
pub(super) fn site_matches(site: &Site) -> [String; 2] {
    [format!("*://{site}/*"), format!("*://*.{site}/*")]
}

pub(super) struct Builder<'a> {
    caps: &'a Capabilities,
    out: Compiled,
    unsafe_rules: usize,
    ids: BTreeSet<u32>,
    /// Loaded packs' opt-out cookies the person confirmed: (domain, name, value).
    confirmed: BTreeSet<(&'a str, &'a str, &'a str)>,
}

impl Builder<'_> {
    /// Adds a choice's rules all together, or none of them when they do not fit.
    fn rules(&mut self, choice: &Choice, rules: Vec<(String, DnrRule)>) {
        let unsafe_n = rules.iter().filter(|(_, r)| r.action.kind == "modifyHeaders").count();
        if self.out.rules.len() + rules.len() > self.caps.max_rules {
            self.not_applied(choice, format!(
                "the browser allows {} blocking rules and the choices before this one use {}; this one needs {} more",
                self.caps.max_rules, self.out.rules.len(), rules.len()
            ));
            return;
        }
        if self.unsafe_rules + unsafe_n > self.caps.max_unsafe_rules {
            self.not_applied(choice, format!(
                "the browser allows {} header rules and the choices before this one use {}; this one needs {} more",
                self.caps.max_unsafe_rules, self.unsafe_rules, unsafe_n
            ));
            return;
        }
        self.unsafe_rules += unsafe_n;
        for (key, mut r) in rules {
            // Ids are hashes of the purpose; a collision takes the next free id.
            let mut id = rule_id(&key);
            while !self.ids.insert(id) {
                id = if id >= 0x7fff_ffff { 1 } else { id + 1 };
            }
            r.id = id;
            self.out.rules.push(r);
        }
    }

    fn not_applied(&mut self, choice: &Choice, reason: String) {
        self.out.not_applied.push(NotApplied { key: choice.key(), label: choice.label(), reason, needs: vec![] });
    }

    /// Not applied for want of an optional permission the person did not grant.
    fn not_granted(&mut self, choice: &Choice, reason: String, permission: &str) {
        self.out.not_applied.push(NotApplied { key: choice.key(), label: choice.label(), reason, needs: vec![permission.into()] });
    }
}

pub(super) fn rule(priority: u32, kind: &str, condition: DnrCondition) -> DnrRule {
    DnrRule { id: 0, priority, action: DnrAction { kind: kind.into(), request_headers: vec![], other: BTreeMap::new() }, condition }
}

pub(super) fn block_rule(domains: Vec<String>, own: Vec<String>) -> DnrRule {
    rule(PRIORITY_BLOCK, "block", DnrCondition {
        request_domains: Some(domains),
        excluded_initiator_domains: (!own.is_empty()).then_some(own),
        domain_type: Some("thirdParty".into()),
        ..Default::default()
    })
}

pub(super) fn opt_out_headers(signals: &BTreeSet<PrivacySignal>, domains: Option<Vec<String>>, caps: &Capabilities) -> DnrRule {
    let mut r = rule(PRIORITY_OPT_OUT, "modifyHeaders", DnrCondition {
        request_domains: domains,
        // Without resourceTypes a rule skips top-level documents.
        resource_types: Some(caps.resource_types.clone()),
        ..Default::default()
    });
    for s in signals {
        let header = match s {
            PrivacySignal::Gpc => "Sec-GPC",
            PrivacySignal::Dnt => "DNT",
        };
        r.action.request_headers.push(DnrHeader { header: header.into(), operation: "set".into(), value: Some("1".into()) });
    }
    r
}

/// What the packs and the graph know, indexed for compiling.
pub(super) struct Knowledge<'a> {
    rules: &'a RuleIndex,
    /// Company → its domains (minimal).
    company_domains: BTreeMap<String, Vec<String>>,
    /// Brand (entity) → its domains (minimal): a choice may name a brand
    /// ("company:Hotjar") where the packs give it an owner (Contentsquare).
    brand_domains: BTreeMap<String, Vec<String>>,
    /// Site → owning company, from the packs' domains.
    site_company: BTreeMap<Site, String>,
}

impl<'a> Knowledge<'a> {
    fn new(rules: &'a RuleIndex) -> Knowledge<'a> {
        let mut company_domains: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut brand_domains: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut site_company = BTreeMap::new();
        for (domain, id) in rules.domains() {
            let company = &rules.entity(id).company;
            company_domains.entry(company.clone()).or_default().push(domain.to_owned());
            brand_domains.entry(rules.entity(id).name.clone()).or_default().push(domain.to_owned());
            if let Ok(h) = Host::parse(domain) {
                site_company.entry(h.site()).or_insert_with(|| company.clone());
            }
        }
        for v in company_domains.values_mut().chain(brand_domains.values_mut()) {
            *v = minimal_domains(std::mem::take(v));
        }
        Knowledge { rules, company_domains, brand_domains, site_company }
    }

    /// The domains of a company, or of a brand when no company has that name.
    fn own_domains(&self, company: &str) -> Vec<String> {
        self.company_domains.get(company).or_else(|| self.brand_domains.get(company)).cloned().unwrap_or_default()
    }
}

/// Compiles choices into rules, scripts and opt-out actions. `graph` supplies
/// the trackers that heuristics found (no pack names them), so they can be
/// blocked by category like listed ones.
pub fn compile(policy: &Policy, rules: &RuleIndex, graph: &TrackerGraph, caps: &Capabilities) -> Compiled {
    let k = Knowledge::new(rules);
    let confirmed = policy
        .choices()
        .filter_map(|c| match c {
            Choice::SetPackCookie { domain, name, value } => Some((domain.as_str(), name.as_str(), value.as_str())),
            _ => None,
        })
        .collect();
    let mut b = Builder { caps, out: Compiled::default(), unsafe_rules: 0, ids: BTreeSet::new(), confirmed };
    // Trust and allow first: they are what keeps sites working, so they are
    // the last to be left out by a rule limit.
    let mut ordered: Vec<&Choice> = policy.choices().collect();
    ordered.sort_by_key(|c| match c {
        Choice::TrustSite { .. } => 0,
        Choice::AllowCompany { .. } | Choice::AllowSite { .. } => 1,
        Choice::OptOutEverywhere => 2,
        Choice::OptOutCompany { .. } => 3,
        _ => 4,
    });
    let trusted: Vec<&Site> = policy.choices().filter_map(|c| if let Choice::TrustSite { site } = c { Some(site) } else { None }).collect();
    let exclude: Vec<String> = trusted.iter().flat_map(|s| site_matches(s)).collect();
    let mut flags: BTreeMap<String, String> = BTreeMap::new();
    let mut gpc_script = false;

    for c in ordered {
        let key = c.key();
        match c {
            Choice::TrustSite { site } => b.rules(c, vec![(key, rule(PRIORITY_TRUST, "allowAllRequests", DnrCondition {
                request_domains: Some(vec![site.to_string()]),
                resource_types: Some(vec!["main_frame".into()]),
                ..Default::default()
            }))]),
            Choice::AllowCompany { company } => {
                let d = k.own_domains(company);
                if d.is_empty() {
                    b.not_applied(c, format!("no loaded rule pack names a domain of {company}"));
                } else {
                    b.rules(c, vec![(key, rule(PRIORITY_ALLOW, "allow", DnrCondition { request_domains: Some(d), ..Default::default() }))]);
                }
            }
            Choice::AllowSite { site } => {
                b.rules(c, vec![(key, rule(PRIORITY_ALLOW, "allow", DnrCondition { request_domains: Some(vec![site.to_string()]), ..Default::default() }))])
            }
            Choice::BlockCompany { company } => {
                let d = k.own_domains(company);
                if d.is_empty() {
                    b.not_applied(c, format!("no loaded rule pack names a domain of {company}"));
                } else {
                    b.rules(c, vec![(key, block_rule(d.clone(), d))]);
                }
            }
            Choice::BlockSite { site } => {
                let mut own = vec![site.to_string()];
                if let Some(company) = k.site_company.get(site) {
                    own.extend(k.own_domains(company));
                }
                b.rules(c, vec![(key, block_rule(vec![site.to_string()], minimal_domains(own)))]);
            }
            Choice::BlockCategory { category } => {
                let r = category_rules(&k, graph, *category, &key);
                if r.is_empty() {
                    b.not_applied(c, format!("no loaded rule pack and no heuristic names a third party as {}", category_words(*category)));
                } else {
                    b.rules(c, r);
                }
            }
            Choice::OptOutEverywhere => {
                let all: BTreeSet<PrivacySignal> = [PrivacySignal::Gpc, PrivacySignal::Dnt].into();
                b.rules(c, vec![(key, opt_out_headers(&all, None, caps))]);
                gpc_script = true;
                let companies: BTreeSet<&str> = rules.entities().iter().filter(|e| !e.opt_outs.is_empty()).map(|e| e.company.as_str()).collect();
                for company in companies {
                    vendor_opt_outs(&mut b, &k, c, company, &mut flags, false);
                }
            }
            Choice::OptOutCompany { company } => {
                let found = vendor_opt_outs(&mut b, &k, c, company, &mut flags, true);
                if !found {
                    b.not_applied(c, format!("no loaded rule pack names an opt-out for {company}"));
                }
            }
            // It lets a loaded pack's cookie through when an opt-out above names it.
            Choice::SetPackCookie { .. } => {}
        }
    }
    if gpc_script {
        if caps.scripting {
            b.out.scripts.push(page_script("telltale-gpc", GPC_SCRIPT.into(), &exclude));
        } else {
            b.not_granted(&Choice::OptOutEverywhere, "navigator.globalPrivacyControl needs the \"scripting\" permission, which was not granted; the Sec-GPC and DNT headers are sent".into(), "scripting");
        }
    }
    for (id, company) in flags {
        let packaged = caps.packaged_flags.as_ref().is_none_or(|p| p.contains(&id));
        let choice = Choice::OptOutCompany { company: company.clone() };
        if !caps.scripting {
            b.not_granted(&choice, format!("{company}'s opt-out flag needs the \"scripting\" permission, which was not granted"), "scripting");
        } else if !packaged {
            b.not_applied(&choice, format!("{company}'s opt-out flag comes from a pack loaded after this build; only flags of the built-in pack can be set before page scripts run"));
        } else {
            b.out.scripts.push(page_script(&format!("telltale-flag-{id}"), format!("{FLAG_SCRIPT_DIR}/{id}.js"), &exclude));
        }
    }
    b.out.rules.sort_by_key(|r| r.id);
    b.out.scripts.sort_by(|a, b| a.id.cmp(&b.id));
    b.out.cookies.sort_by(|a, b| (&a.domain, &a.name).cmp(&(&b.domain, &b.name)));
    b.out.cookies.dedup();
    b.out.confirm_cookies.sort_by(|a, b| (&a.domain, &a.name, &a.value).cmp(&(&b.domain, &b.name, &b.value)));
    b.out.confirm_cookies.dedup_by(|a, b| (&a.domain, &a.name, &a.value) == (&b.domain, &b.name, &b.value));
    b.out.pages.sort_by(|a, b| (&a.company, &a.url).cmp(&(&b.company, &b.url)));
    b.out.pages.dedup();
    b.out
}

/// One company's opt-out mechanisms into the builder; `headers` adds a header
/// rule for its signals (opting out everywhere already sends them to all).
/// Returns whether the packs name any mechanism for it.
pub(super) fn vendor_opt_outs(b: &mut Builder, k: &Knowledge, c: &Choice, company: &str, flags: &mut BTreeMap<String, String>, headers: bool) -> bool {
    let mechanisms: Vec<_> =
        k.rules.entities().iter().filter(|e| e.company == company).flat_map(|e| e.opt_outs.iter().map(move |o| (o, e))).collect();
    let mut signals = BTreeSet::new();
    for &(o, entity) in &mechanisms {
        match o {
            OptOut::Signal { signals: s, .. } => signals.extend(s.iter().copied()),
            OptOut::Cookie { domain, name, value, .. } => {
                if !entity.built_in && !b.confirmed.contains(&(domain.as_str(), name.as_str(), value.as_str())) {
                    b.out.confirm_cookies.push(PendingCookie { company: company.into(), pack: entity.pack.clone(), domain: domain.clone(), name: name.clone(), value: value.clone() });
                    b.not_applied(c, format!("{company}'s opt-out cookie {name} on {domain} comes from the rule pack \"{}\" you loaded: it is set once you confirm it", entity.pack));
                } else if b.caps.cookies {
                    b.out.cookies.push(OptOutCookie { company: company.into(), url: format!("https://{domain}/"), domain: domain.clone(), name: name.clone(), value: value.clone() });
                } else {
                    b.not_granted(c, format!("{company}'s opt-out cookie needs the \"cookies\" permission, which was not granted"), "cookies");
                }
            }
            OptOut::Page { url, .. } => b.out.pages.push(OptOutPage { company: company.into(), url: url.clone() }),
            OptOut::JsFlag { .. } => {
                if let Some(id) = flag_id(o) {
                    flags.entry(id).or_insert_with(|| company.to_owned());
                }
            }
        }
    }
    if headers && !signals.is_empty() {
        let d = k.own_domains(company);
        if !d.is_empty() {
            b.rules(c, vec![(format!("{}:signals", c.key()), opt_out_headers(&signals, Some(d), b.caps))]);
        }
    }
    !mechanisms.is_empty()
}

pub(super) fn page_script(id: &str, file: String, exclude: &[String]) -> PageScript {
    PageScript {
        id: id.into(),
        js: vec![file],
        matches: vec!["<all_urls>".into()],
        exclude_matches: exclude.to_vec(),
        all_frames: true,
        match_origin_as_fallback: true,
        run_at: "document_start".into(),
        world: "MAIN".into(),
        persist_across_sessions: true,
    }
}

/// A category block: per company, its domains in that category (its own
/// sites excluded as initiators); per pattern, a URL filter; per learned
/// tracker, its site.
pub(super) fn category_rules(k: &Knowledge, graph: &TrackerGraph, category: Category, key: &str) -> Vec<(String, DnrRule)> {
    let rules = k.rules;
    let mut by_company: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (domain, id) in rules.domains() {
        let e = rules.entity(id);
        if e.categories.contains(&category) {
            by_company.entry(e.company.as_str()).or_default().push(domain.to_owned());
        }
    }
    // A pattern on a whole host is a domain of its company's rule.
    for p in rules.patterns().filter(|p| p.path_prefix == "/" && p.categories.contains(&category)) {
        by_company.entry(rules.entity(p.entity).company.as_str()).or_default().push(p.host.to_owned());
    }
    let mut out: Vec<(String, DnrRule)> = Vec::new();
    let mut covered: BTreeSet<String> = BTreeSet::new();
    for (company, domains) in by_company {
        let domains = minimal_domains(domains);
        covered.extend(domains.iter().cloned());
        out.push((format!("{key}:company:{company}"), block_rule(domains, k.own_domains(company))));
    }
    let mut filters: BTreeMap<String, &str> = BTreeMap::new();
    for p in rules.patterns().filter(|p| p.categories.contains(&category)) {
        let host_covered = Host::parse(p.host).is_ok_and(|h| h.ancestors().any(|a| covered.contains(a)));
        if !host_covered {
            // `^` ends the prefix at a separator, as pack patterns match at a path-segment boundary.
            let path = match p.path_prefix {
                x if x.ends_with('/') => x.to_owned(),
                x => format!("{x}^"),
            };
            filters.insert(format!("||{}{}", p.host, path), rules.entity(p.entity).company.as_str());
        }
    }
    for (filter, company) in filters {
        let mut r = block_rule(vec![], k.own_domains(company));
        r.condition.request_domains = None;
        r.condition.url_filter = Some(filter.clone());
        out.push((format!("{key}:pattern:{filter}"), r));
    }
    let learned: Vec<String> = graph
        .nodes()
        .filter(|n| n.third_party && n.categories.contains(&category) && !covered.contains(n.site.as_str()))
        .filter(|n| n.company.is_none() && !k.site_company.contains_key(&n.site))
        .map(|n| n.site.to_string())
        .collect();
    for site in learned {
        out.push((format!("{key}:site:{site}"), block_rule(vec![site.clone()], vec![site.clone()])));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::fixtures::*;
    use crate::rules::RulePack;

    #[test]
    fn blocking_a_company_blocks_its_domains_but_not_from_its_own_sites() {
        let (ix, g) = (ix(), TrackerGraph::new());
        let mut p = Policy::new();
        p.act(&Intent::Block { site: "px.ads.example".into() }, 1, 1.0, &ix, &g).unwrap();
        assert!(p.has(&Choice::BlockCompany { company: "AdCo".into() }));
        let c = compile(&p, &ix, &g, &Capabilities::default());
        assert_eq!(c.rules.len(), 1);
        let r = &c.rules[0];
        assert_eq!(r.action.kind, "block");
        assert_eq!(r.condition.request_domains.as_deref().unwrap(), ["adco.example", "ads.example", "rt.example"]);
        assert_eq!(r.condition.excluded_initiator_domains, r.condition.request_domains, "its own sites keep working");
        assert_eq!(r.condition.domain_type.as_deref(), Some("thirdParty"));
        let h = Host::parse("px.ads.example").unwrap();
        assert!(blocks(&p, &ix, &g, &h, None, Some(&site("news.example"))).is_some());
        assert!(blocks(&p, &ix, &g, &h, None, Some(&site("adco.example"))).is_none(), "the company's own site");
    }

    #[test]
    fn a_choice_may_name_a_brand_of_a_company() {
        // "AdCo Retarget" is a brand of AdCo: blocking it by name blocks its domains only.
        let (ix, g) = (ix(), TrackerGraph::new());
        let mut p = Policy::new();
        p.add(Choice::BlockCompany { company: "AdCo Retarget".into() }, 1.0);
        let c = compile(&p, &ix, &g, &Capabilities::default());
        assert_eq!(c.rules.len(), 1, "{:?}", c.not_applied);
        assert_eq!(c.rules[0].condition.request_domains.as_deref().unwrap(), ["rt.example"]);
        let news = site("news.example");
        assert_eq!(blocks(&p, &ix, &g, &Host::parse("px.rt.example").unwrap(), None, Some(&news)), Some(Choice::BlockCompany { company: "AdCo Retarget".into() }));
        assert!(blocks(&p, &ix, &g, &Host::parse("px.ads.example").unwrap(), None, Some(&news)).is_none(), "the company's other brand");
    }

    #[test]
    fn a_category_block_covers_entities_patterns_and_learned_trackers() {
        let ix = ix();
        let mut g = TrackerGraph::new();
        let (page, learned) = (site("news.example"), site("learned.example"));
        g.visit(&page, 1.0);
        g.record_request(&crate::graph::Hit { from: &page, to: &learned, page: &page, time: 1.0, resource_type: Some("image"), redirect: false });
        g.classify(&learned, None, None, &[Category::CrossSiteCookies], true, &[]);
        let mut p = Policy::new();
        p.add(Choice::BlockCategory { category: Category::SessionReplay }, 1.0);
        p.add(Choice::BlockCategory { category: Category::CrossSiteCookies }, 1.0);
        let c = compile(&p, &ix, &g, &Capabilities::default());
        let filters: Vec<_> = c.rules.iter().filter_map(|r| r.condition.url_filter.clone()).collect();
        assert_eq!(filters, ["||stats.example/replay/"]);
        let domains: Vec<_> = c.rules.iter().filter_map(|r| r.condition.request_domains.clone()).collect();
        assert!(domains.contains(&vec!["rec-cdn.example".into(), "rec.example".into()]), "{domains:?}");
        assert!(domains.contains(&vec!["learned.example".into()]), "a heuristic's tracker is blocked like a listed one");
        assert!(blocks(&p, &ix, &g, &Host::parse("px.learned.example").unwrap(), None, Some(&page)).is_some());
        assert!(c.not_applied.is_empty(), "{:?}", c.not_applied);
    }

    #[test]
    fn a_company_let_through_a_category_block_still_gets_the_opt_out_signal() {
        let (ix, g) = (ix(), TrackerGraph::new());
        let mut p = Policy::new();
        p.add(Choice::OptOutEverywhere, 1.0);
        p.add(Choice::BlockCategory { category: Category::Advertising }, 1.0);
        p.add(Choice::AllowCompany { company: "AdCo".into() }, 1.0);
        p.add(Choice::TrustSite { site: site("news.example") }, 1.0);
        let c = compile(&p, &ix, &g, &Capabilities::default());
        let of = |kind: &str| c.rules.iter().filter(|r| r.action.kind == kind).map(|r| r.priority).collect::<Vec<_>>();
        let (headers, allows, trust) = (of("modifyHeaders"), of("allow"), of("allowAllRequests"));
        assert!(!headers.is_empty() && !allows.is_empty() && !trust.is_empty(), "{:?}", c.rules);
        // The engine applies modifyHeaders only above every matching allow rule: above "allow", below trust.
        assert!(headers.iter().all(|h| allows.iter().all(|a| h > a) && trust.iter().all(|t| h < t)), "{headers:?} {allows:?} {trust:?}");
    }

    #[test]
    fn trust_allows_everything_on_the_site_above_blocks_and_signals() {
        let (ix, g) = (ix(), TrackerGraph::new());
        let mut p = Policy::new();
        p.add(Choice::BlockCategory { category: Category::Advertising }, 1.0);
        p.add(Choice::OptOutEverywhere, 1.0);
        p.act(&Intent::Trust { site: "www.news.example".into() }, 1, 2.0, &ix, &g).unwrap();
        let c = compile(&p, &ix, &g, &Capabilities::default());
        let trust = c.rules.iter().find(|r| r.action.kind == "allowAllRequests").unwrap();
        assert_eq!(trust.condition.request_domains.as_deref().unwrap(), ["news.example"]);
        assert!(c.rules.iter().all(|r| r.action.kind == "allowAllRequests" || r.priority < trust.priority));
        let headers = c.rules.iter().find(|r| r.action.kind == "modifyHeaders").unwrap();
        assert!(headers.condition.resource_types.as_ref().unwrap().contains(&"main_frame".to_string()), "top-level documents get the headers too");
        let names: BTreeSet<_> = headers.action.request_headers.iter().map(|h| h.header.as_str()).collect();
        assert_eq!(names, ["DNT", "Sec-GPC"].into());
        let gpc = c.scripts.iter().find(|s| s.js == [GPC_SCRIPT]).unwrap();
        assert_eq!(gpc.exclude_matches, ["*://news.example/*", "*://*.news.example/*"]);
        assert_eq!(gpc.world, "MAIN");
        let ads = Host::parse("ads.example").unwrap();
        assert!(blocks(&p, &ix, &g, &ads, None, Some(&site("news.example"))).is_none());
        assert!(blocks(&p, &ix, &g, &ads, None, Some(&site("shop.example"))).is_some());
    }

    #[test]
    fn rule_limits_leave_whole_choices_out_and_say_which() {
        let (ix, g) = (ix(), TrackerGraph::new());
        let mut p = Policy::new();
        p.add(Choice::TrustSite { site: site("news.example") }, 1.0);
        for i in 0..5 {
            p.add(Choice::BlockSite { site: site(&format!("t{i}.example")) }, 2.0);
        }
        let caps = Capabilities { max_rules: 3, ..Default::default() };
        let c = compile(&p, &ix, &g, &caps);
        assert_eq!(c.rules.len(), 3);
        assert!(c.rules.iter().any(|r| r.action.kind == "allowAllRequests"), "trust is applied first");
        assert_eq!(c.not_applied.len(), 3);
        assert!(c.not_applied.iter().all(|n| n.key.starts_with("block-site:") && n.reason.contains("allows 3")), "{:?}", c.not_applied);
        let caps = Capabilities { max_unsafe_rules: 0, ..Default::default() };
        let mut q = Policy::new();
        q.add(Choice::OptOutEverywhere, 1.0);
        let c = compile(&q, &ix, &g, &caps);
        assert!(c.rules.is_empty() && c.not_applied[0].reason.contains("header rules"), "{:?}", c.not_applied);
    }

    #[test]
    fn five_thousand_domains_fit_in_one_rule() {
        let mut pack: serde_json::Value = serde_json::from_str(PACK).unwrap();
        let domains: Vec<String> = (0..5000).map(|i| format!("d{i}.big.example")).collect();
        pack["entities"].as_array_mut().unwrap().push(serde_json::json!({"name": "Big", "domains": domains, "categories": ["advertising"], "source": "s"}));
        let mut ix = RuleIndex::new();
        ix.add(&RulePack::parse("big.json", &pack.to_string()).unwrap());
        let mut p = Policy::new();
        p.add(Choice::BlockCompany { company: "Big".into() }, 1.0);
        let c = compile(&p, &ix, &TrackerGraph::new(), &Capabilities::default());
        assert_eq!(c.rules.len(), 1);
        assert_eq!(c.rules[0].condition.request_domains.as_ref().unwrap().len(), 5000);
    }

    #[test]
    fn hostile_names_stay_data() {
        let (ix, g) = (ix(), TrackerGraph::new());
        let mut p = Policy::new();
        assert!(p.act(&Intent::Block { site: "<img src=x onerror=alert(1)>".into() }, 1, 1.0, &ix, &g).is_err());
        p.add(Choice::BlockCompany { company: "<script>alert(1)</script>".into() }, 1.0);
        let c = compile(&p, &ix, &g, &Capabilities::default());
        assert!(c.rules.is_empty());
        assert!(c.not_applied[0].label.contains("<script>"), "kept as text for the view to escape");
    }
}
