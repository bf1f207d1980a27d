//! The site report: what one visited site did, in plain words, each finding
//! with its evidence and time, and how it was measured, so that a reader of a
//! story can check the claim. The extension's report page, its "Export HTML"
//! and `telltale report` all render it here: the same input gives the same
//! findings.
//!
//! A report holds what the graph and the learner hold, so nothing private:
//! sites, pages as sites, cookie names (never values), the kind of a field
//! typed into (never what was typed), script URLs as host and path.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::Serialize;

use crate::audit::Auditor;
use crate::behaviour::Kind;
use crate::rules::Category;
use crate::site::Site;

/// Where the data came from, as the caller knows it.
#[derive(Debug, Clone, Default)]
pub struct Measured {
    /// The browser and its version ("Chrome 131.0.6778.85"), when it was a browser.
    pub browser: Option<String>,
    /// The files read, when it was the CLI (names only).
    pub inputs: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SiteReport {
    pub site: Site,
    /// Pages of the site loaded at the top level (a redirect and its target count once).
    pub pages: u64,
    /// RFC 3339, to the second (empty when the site was never visited).
    pub first_visit: String,
    pub last_visit: String,
    pub owners: Vec<Owner>,
    pub behaviours: Vec<Behaviour>,
    pub syncs: Vec<Sync>,
    pub cookies: Vec<Cookies>,
    pub blocked: Vec<Blocked>,
    pub measured: MeasuredOut,
}

/// A company whose sites were third parties on the site.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Owner {
    /// The owner as the packs name it, else the third party's own site.
    pub company: String,
    /// Its brands seen there (entities), when not the company's own name.
    pub brands: Vec<String>,
    pub tracker: bool,
    pub categories: Vec<Category>,
    pub sites: Vec<Site>,
    /// Requests to its sites from the site's pages (not counting those another third party made).
    pub requests: u64,
    /// When none came from the site's pages: the site's other third parties that loaded its sites.
    pub loaded_by: Vec<Site>,
    /// When it was first seen there.
    pub first_seen: String,
    /// Why it is classified as it is (rule or behaviour, a line each, at most 4).
    pub evidence: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Behaviour {
    pub kind: Kind,
    /// The site the scripts came from, and its owner when the packs name one.
    pub vendor: Site,
    pub company: Option<String>,
    /// The site's own scripts.
    pub first_party: bool,
    pub scripts: Vec<String>,
    pub detail: String,
    pub when: String,
}

/// One third party's identifier cookie seen in another's request.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Sync {
    pub from: Site,
    pub to: Site,
    pub cookies: Vec<String>,
    pub first_seen: String,
}

/// A third party that set or read cookies on the site's pages: names only.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Cookies {
    pub site: Site,
    pub company: Option<String>,
    /// Cookie names it set or read (across your browsing), never values.
    pub names: Vec<String>,
    pub set: u64,
    pub sent: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Blocked {
    pub site: Site,
    pub company: Option<String>,
    pub requests: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MeasuredOut {
    pub browser: Option<String>,
    pub inputs: Vec<String>,
    pub telltale: String,
    pub packs: Vec<PackOut>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PackOut {
    pub name: String,
    pub version: String,
    pub licence: String,
    pub sources: Vec<String>,
}

/// The browser and version a user agent names: the last of the known
/// engines' product tokens it carries ("Firefox/140.0" → "Firefox 140.0").
pub fn browser_of_user_agent(ua: &str) -> Option<String> {
    const KNOWN: [(&str, &str); 5] = [("Firefox/", "Firefox"), ("Edg/", "Edge"), ("OPR/", "Opera"), ("HeadlessChrome/", "Chromium (headless)"), ("Chrome/", "Chrome")];
    KNOWN.iter().find_map(|(token, name)| {
        let at = ua.find(token)? + token.len();
        let version: String = ua[at..].chars().take_while(|c| c.is_ascii_digit() || *c == '.').take(32).collect();
        (!version.is_empty()).then(|| format!("{name} {version}"))
    })
}

fn when(ms: f64) -> String {
    if !ms.is_finite() || ms <= 0.0 {
        return String::new();
    }
    crate::behaviour::rfc3339_seconds(ms)
}

/// The report of `site`; `None` when Telltale never saw it.
pub fn site_report(a: &Auditor, site: &Site, measured: &Measured) -> Option<SiteReport> {
    let g = a.graph();
    let home = g.node(site)?;
    let third: Vec<&crate::graph::Node> = g.nodes().filter(|n| n.site != *site && n.seen_on.contains(site)).collect();
    let company_of = |s: &Site| g.node(s).and_then(|n| n.company.clone());

    let mut by: BTreeMap<String, Owner> = BTreeMap::new();
    for n in &third {
        let name = n.company.clone().unwrap_or_else(|| n.site.to_string());
        let edge = g.edge(site, &n.site);
        let first = edge.map_or(n.first_seen, |e| e.first_seen);
        let o = by.entry(name.clone()).or_insert_with(|| Owner {
            company: name,
            brands: vec![],
            tracker: false,
            categories: vec![],
            sites: vec![],
            requests: 0,
            loaded_by: vec![],
            first_seen: String::new(),
            evidence: vec![],
        });
        if let Some(brand) = n.entity.as_ref().filter(|b| **b != o.company && !o.brands.contains(b)) {
            o.brands.push(brand.clone());
        }
        o.tracker |= n.tracker;
        o.categories.extend(n.categories.iter().copied());
        o.sites.push(n.site.clone());
        o.requests += edge.map_or(0, |e| e.requests);
        for by in third.iter().filter(|t| t.site != n.site && g.edge(&t.site, &n.site).is_some_and(|e| e.requests > 0)) {
            if !o.loaded_by.contains(&by.site) {
                o.loaded_by.push(by.site.clone());
            }
        }
        let w = when(first);
        if o.first_seen.is_empty() || (!w.is_empty() && w < o.first_seen) {
            o.first_seen = w;
        }
        for e in n.evidence.iter().take(4) {
            if o.evidence.len() < 4 && !o.evidence.contains(e) {
                o.evidence.push(e.clone());
            }
        }
    }
    let mut owners: Vec<Owner> = by
        .into_values()
        .map(|mut o| {
            if o.requests > 0 {
                o.loaded_by.clear();
            }
            o.loaded_by.retain(|s| !o.sites.contains(s));
            o.loaded_by.sort();
            let mut set = BTreeSet::new();
            crate::rules::merge_categories(&mut set, o.categories.iter().copied());
            o.categories = set.into_iter().collect();
            o
        })
        .collect();
    owners.sort_by(|x, y| y.tracker.cmp(&x.tracker).then(y.sites.len().cmp(&x.sites.len())).then(y.requests.cmp(&x.requests)).then(x.company.cmp(&y.company)));

    let mut behaviours: Vec<Behaviour> = a
        .learner
        .behaviour_on(site)
        .filter(|(_, s)| matches!(s.kind, Kind::SessionReplay | Kind::KeyLogging | Kind::CanvasFingerprinting | Kind::FontFingerprinting))
        .map(|(vendor, s)| Behaviour {
            kind: s.kind,
            vendor: vendor.clone(),
            company: company_of(vendor),
            first_party: s.first_party,
            scripts: s.scripts.clone(),
            detail: s.detail.clone(),
            when: s.when(),
        })
        .collect();
    behaviours.sort_by(|x, y| x.kind.cmp(&y.kind).then(x.when.cmp(&y.when)).then(x.vendor.cmp(&y.vendor)));

    let here: BTreeSet<&Site> = third.iter().map(|n| &n.site).collect();
    let mut syncs: Vec<Sync> = g
        .edges()
        .filter(|(x, y, e)| !e.syncs.is_empty() && here.contains(x) && here.contains(y))
        .map(|(x, y, e)| Sync { from: x.clone(), to: y.clone(), cookies: e.syncs.keys().cloned().collect(), first_seen: when(e.first_seen) })
        .collect();
    syncs.sort_by(|x, y| (&x.from, &x.to).cmp(&(&y.from, &y.to)));

    let mut cookies: Vec<Cookies> = third
        .iter()
        .filter_map(|n| {
            let e = g.edge(site, &n.site);
            let (set, sent) = e.map_or((0, 0), |e| (e.cookies_set, e.cookies_sent));
            (set + sent > 0).then(|| Cookies { site: n.site.clone(), company: n.company.clone(), names: n.cookies.keys().cloned().collect(), set, sent })
        })
        .collect();
    cookies.sort_by(|x, y| (y.set + y.sent).cmp(&(x.set + x.sent)).then(x.site.cmp(&y.site)));

    let mut blocked: Vec<Blocked> = g
        .edges()
        .filter(|(x, _, e)| *x == site && e.blocked > 0)
        .map(|(_, y, e)| Blocked { site: y.clone(), company: company_of(y), requests: e.blocked })
        .collect();
    blocked.sort_by(|x, y| y.requests.cmp(&x.requests).then(x.site.cmp(&y.site)));

    let packs = a.packs().iter().map(|p| PackOut { name: p.name.clone(), version: p.version.clone(), licence: p.license.clone(), sources: p.sources.clone() }).collect();
    Some(SiteReport {
        site: site.clone(),
        pages: home.visits,
        first_visit: if home.visits > 0 { when(home.first_visit) } else { String::new() },
        last_visit: if home.visits > 0 { when(home.last_visit) } else { String::new() },
        owners,
        behaviours,
        syncs,
        cookies,
        blocked,
        measured: MeasuredOut { browser: measured.browser.clone(), inputs: measured.inputs.clone(), telltale: env!("CARGO_PKG_VERSION").to_owned(), packs },
    })
}

/// Text for HTML: every character that could open markup, escaped.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in crate::report::printable(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn category_name(c: Category) -> &'static str {
    match c {
        Category::SessionReplay => "session replay",
        Category::Retargeting => "retargeting",
        Category::Advertising => "advertising",
        Category::Analytics => "analytics",
        Category::Social => "social",
        Category::Fingerprinting => "fingerprinting",
        Category::CrossSiteCookies => "cross-site cookies",
        Category::Tracking => "tracking",
        Category::TagManager => "tag manager",
        Category::Consent => "consent",
        Category::Content => "content",
        Category::Cdn => "CDN",
        Category::Other => "other",
    }
}

/// Owners in category `c` on the site whose scripts were seen doing nothing
/// there: a list names them for it (a capture has no probe; a browser may not
/// have run the recording).
fn listed(r: &SiteReport, c: Category) -> Vec<&Owner> {
    r.owners.iter().filter(|o| o.categories.contains(&c) && !r.behaviours.iter().any(|b| o.sites.contains(&b.vendor))).collect()
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn day(rfc3339: &str) -> &str {
    rfc3339.get(..10).unwrap_or(rfc3339)
}

/// A time as people read it (to the second, UTC), machine-readable in `datetime`.
fn time_el(rfc3339: &str) -> String {
    if rfc3339.is_empty() {
        return String::new();
    }
    let shown = rfc3339.replacen('T', " ", 1).replace('Z', " UTC");
    format!("<time datetime=\"{}\">{}</time>", esc(rfc3339), esc(&shown))
}

fn who(company: &Option<String>, site: &Site) -> String {
    match company {
        Some(c) => format!("{} ({})", esc(c), esc(site.as_str())),
        None => esc(site.as_str()),
    }
}

const STYLE: &str = r#"
:root{color-scheme:light dark;--fg:#1b1f23;--bg:#fff;--muted:#57606a;--line:#d0d7de;--accent:#b3261e;--chip:#eef1f4}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--muted:#9da7b3;--line:#3d444d;--accent:#ff7b72;--chip:#21262d}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:60rem;margin:0 auto;padding:1.5rem}
h1{font-size:1.7rem;margin:.2rem 0 .5rem;overflow-wrap:anywhere}
h2{font-size:1.2rem;margin:1.8rem 0 .5rem;border-bottom:1px solid var(--line);padding-bottom:.2rem}
p.lede{font-size:1.05rem}
p.none{color:var(--muted)}
table{border-collapse:collapse;width:100%;margin:.4rem 0}
th,td{text-align:left;vertical-align:top;padding:.35rem .5rem;border-bottom:1px solid var(--line);overflow-wrap:anywhere}
td.s{min-width:9rem}
th.n,td.n{white-space:nowrap}
time{white-space:nowrap}
th{font-weight:600}
td.n{text-align:right;white-space:nowrap}
.muted,small{color:var(--muted)}
.chip{display:inline-block;white-space:nowrap;background:var(--chip);border-radius:.6rem;padding:0 .45rem;margin:0 .2rem .2rem 0;font-size:.85em}
.chip.t{outline:1px solid var(--accent)}
ul.ev{margin:.2rem 0 0;padding-left:1.1rem;font-size:.85em;color:var(--muted)}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}
dt{font-weight:600}
dd{margin:0;overflow-wrap:anywhere}
figure{margin:.5rem 0}
svg{max-width:100%;height:auto}
svg text{fill:var(--fg);font:11px system-ui,sans-serif}
svg line{stroke:var(--line)}
@media print{body{font-size:11pt;background:#fff;color:#000}main{max-width:none;padding:0}.no-print{display:none!important}
tr,li,figure,dl{break-inside:avoid}thead{display:table-header-group}h2{break-after:avoid}a{color:inherit}}
"#;

/// The report as one self-contained HTML document: styles inline, the
/// site's graph as inline SVG, no script.
pub fn to_html(r: &SiteReport) -> String {
    let site = esc(r.site.as_str());
    let mut h = String::with_capacity(16 * 1024);
    let _ = write!(h, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n<meta name=\"generator\" content=\"Telltale {}\">\n<title>What {site} did</title>\n<style>{STYLE}</style></head>\n<body><main>\n<h1>What {site} did</h1>\n", esc(&r.measured.telltale));
    let trackers: Vec<&Owner> = r.owners.iter().filter(|o| o.tracker).collect();
    let when = if r.pages > 0 {
        if day(&r.first_visit) == day(&r.last_visit) {
            format!("On {}, on {} of {site}", day(&r.first_visit), plural(r.pages as usize, "page", "pages"))
        } else {
            format!("Between {} and {}, on {} of {site}", day(&r.first_visit), day(&r.last_visit), plural(r.pages as usize, "page", "pages"))
        }
    } else {
        format!("On pages where {site} was loaded")
    };
    let count = |k: Kind| r.behaviours.iter().filter(|b| b.kind == k).count();
    // The rows of "Session recorders": vendors seen recording, and those a list names (a capture has no probe).
    let recorders = count(Kind::SessionReplay) + listed(r, Category::SessionReplay).len();
    let _ = writeln!(
        h,
        "<p class=\"lede\">{when}, Telltale saw {} that track people, out of {} in all. {}{}{}</p>",
        plural(trackers.len(), "company", "companies"),
        plural(r.owners.len(), "third-party company", "third-party companies"),
        match recorders {
            0 => String::new(),
            1 => "A session recorder was on these pages. ".to_owned(),
            n => format!("{n} session recorders were on these pages. "),
        },
        if count(Kind::KeyLogging) > 0 { "Typing was sent away before a form was submitted. ".to_owned() } else { String::new() },
        if count(Kind::CanvasFingerprinting) + count(Kind::FontFingerprinting) > 0 { "The browser was fingerprinted. ".to_owned() } else { String::new() },
    );

    h.push_str("<section><h2>Trackers, by owner</h2>\n");
    if r.owners.is_empty() {
        h.push_str("<p class=\"none\">No third parties were seen.</p>\n");
    } else {
        h.push_str("<table><thead><tr><th>Owner</th><th>What they do</th><th>Brands and sites</th><th class=\"n\">Requests</th><th>First seen</th></tr></thead><tbody>\n");
        for o in &r.owners {
            let _ = write!(h, "<tr><td><strong>{}</strong>{}", esc(&o.company), if o.tracker { "" } else { " <small>(not a tracker)</small>" });
            if !o.evidence.is_empty() {
                h.push_str("<ul class=\"ev\">");
                for e in &o.evidence {
                    let _ = write!(h, "<li>{}</li>", esc(e));
                }
                h.push_str("</ul>");
            }
            let brands: Vec<String> = o.brands.iter().map(|b| esc(b)).collect();
            let sites: Vec<String> = o.sites.iter().map(|s| esc(s.as_str())).collect();
            h.push_str("</td><td>");
            for c in &o.categories {
                let _ = write!(h, "<span class=\"chip{}\">{}</span> ", if c.is_tracking() { " t" } else { "" }, category_name(*c));
            }
            let _ = writeln!(
                h,
                "</td><td class=\"s\">{}{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
                if brands.is_empty() { String::new() } else { format!("{}<br>", brands.join(", ")) },
                sites.join(", "),
                if o.requests == 0 && !o.loaded_by.is_empty() {
                    format!("0, loaded by {}", o.loaded_by.iter().map(|s| esc(s.as_str())).collect::<Vec<_>>().join(", "))
                } else {
                    o.requests.to_string()
                },
                time_el(&o.first_seen)
            );
        }
        h.push_str("</tbody></table>\n");
    }
    h.push_str("</section>\n");

    for (kind, listed_as, title, none) in [
        (vec![Kind::SessionReplay], Some(Category::SessionReplay), "Session recorders", "No script was seen recording the session, and no session recorder a list names was loaded."),
        (vec![Kind::KeyLogging], None, "Key logging", "No typing was seen sent away before a form was submitted."),
        (vec![Kind::CanvasFingerprinting, Kind::FontFingerprinting], Some(Category::Fingerprinting), "Canvas and font fingerprinting", "No canvas or font fingerprinting was seen, and no fingerprinter a list names was loaded."),
    ] {
        let _ = writeln!(h, "<section><h2>{title}</h2>");
        let found: Vec<&Behaviour> = r.behaviours.iter().filter(|b| kind.contains(&b.kind)).collect();
        let listed: Vec<&Owner> = listed_as.map_or_else(Vec::new, |c| listed(r, c));
        if found.is_empty() && listed.is_empty() {
            let _ = writeln!(h, "<p class=\"none\">{none}</p>");
        } else {
            h.push_str("<table><thead><tr><th>Whose scripts</th><th>What they did</th><th>When</th></tr></thead><tbody>\n");
            for b in found {
                let scripts: Vec<String> = b.scripts.iter().map(|s| esc(s)).collect();
                let _ = writeln!(
                    h,
                    "<tr><td><strong>{}</strong>{}{}</td><td>{}</td><td>{}</td></tr>",
                    who(&b.company, &b.vendor),
                    if b.first_party { " <small>(the site's own)</small>" } else { "" },
                    if scripts.is_empty() { String::new() } else { format!("<ul class=\"ev\"><li>{}</li></ul>", scripts.join("</li><li>")) },
                    esc(&b.detail),
                    time_el(&b.when)
                );
            }
            for o in listed {
                let sites: Vec<String> = o.sites.iter().map(|s| esc(s.as_str())).collect();
                let why = o.evidence.iter().find(|e| !e.starts_with("behaviour ")).or(o.evidence.first());
                let _ = writeln!(
                    h,
                    "<tr><td><strong>{}</strong> ({})</td><td>Loaded here; named {} by a list{}</td><td>{}</td></tr>",
                    esc(&o.company),
                    sites.join(", "),
                    listed_as.map_or("", category_name),
                    why.map_or(String::new(), |e| format!(": {}", esc(e))),
                    time_el(&o.first_seen)
                );
            }
            h.push_str("</tbody></table>\n");
        }
        h.push_str("</section>\n");
    }

    h.push_str("<section><h2>Cookie syncing</h2>\n");
    if r.syncs.is_empty() {
        h.push_str("<p class=\"none\">No third party was seen passing another's identifier cookie.</p>\n");
    } else {
        h.push_str("<table><thead><tr><th>Identifier of</th><th>Seen in a request to</th><th>Cookie names</th><th>First seen</th></tr></thead><tbody>\n");
        for s in &r.syncs {
            let names: Vec<String> = s.cookies.iter().map(|c| esc(c)).collect();
            let _ = writeln!(h, "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", esc(s.from.as_str()), esc(s.to.as_str()), names.join(", "), time_el(&s.first_seen));
        }
        h.push_str("</tbody></table>\n");
    }
    h.push_str("</section>\n");

    h.push_str("<section><h2>Retargeting pixels</h2>\n");
    let retargeting: Vec<&Owner> = r.owners.iter().filter(|o| o.categories.contains(&Category::Retargeting)).collect();
    if retargeting.is_empty() {
        h.push_str("<p class=\"none\">No retargeting endpoint was seen.</p>\n");
    } else {
        h.push_str("<ul>");
        for o in retargeting {
            let sites: Vec<String> = o.sites.iter().map(|s| esc(s.as_str())).collect();
            let _ = write!(h, "<li><strong>{}</strong>: {}</li>", esc(&o.company), sites.join(", "));
        }
        h.push_str("</ul>\n");
    }
    h.push_str("</section>\n");

    h.push_str("<section><h2>Third-party cookies</h2>\n");
    if r.cookies.is_empty() {
        h.push_str("<p class=\"none\">No third party set or read a cookie on these pages.</p>\n");
    } else {
        h.push_str("<p class=\"muted\">Names only: Telltale never keeps a cookie's value.</p>\n<table><thead><tr><th>Third party</th><th>Cookie names it used</th><th class=\"n\">Set</th><th class=\"n\">Sent</th></tr></thead><tbody>\n");
        for c in &r.cookies {
            let names: Vec<String> = c.names.iter().map(|n| esc(n)).collect();
            let _ = writeln!(h, "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>", who(&c.company, &c.site), names.join(", "), c.set, c.sent);
        }
        h.push_str("</tbody></table>\n");
    }
    h.push_str("</section>\n");

    h.push_str("<section><h2>What was blocked</h2>\n");
    if r.blocked.is_empty() {
        h.push_str("<p class=\"none\">Nothing was blocked on these pages.</p>\n");
    } else {
        h.push_str("<table><thead><tr><th>Third party</th><th class=\"n\">Requests stopped</th></tr></thead><tbody>\n");
        for b in &r.blocked {
            let _ = writeln!(h, "<tr><td>{}</td><td class=\"n\">{}</td></tr>", who(&b.company, &b.site), b.requests);
        }
        h.push_str("</tbody></table>\n");
    }
    h.push_str("</section>\n");

    h.push_str("<section><h2>The site and its third parties</h2>\n");
    h.push_str(&svg(r));
    h.push_str("</section>\n");

    h.push_str("<section><h2>How this was measured</h2>\n<dl>\n");
    let _ = writeln!(h, "<dt>Pages</dt><dd>{}</dd>", plural(r.pages as usize, "page", "pages"));
    if r.pages > 0 {
        let _ = writeln!(h, "<dt>First visit</dt><dd>{}</dd><dt>Last visit</dt><dd>{}</dd>", time_el(&r.first_visit), time_el(&r.last_visit));
    }
    if let Some(b) = &r.measured.browser {
        let _ = writeln!(h, "<dt>Browser</dt><dd>{}</dd>", esc(b));
    }
    if !r.measured.inputs.is_empty() {
        let inputs: Vec<String> = r.measured.inputs.iter().map(|i| esc(i)).collect();
        let _ = writeln!(h, "<dt>Captures</dt><dd>{}</dd>", inputs.join(", "));
    }
    let _ = writeln!(h, "<dt>Telltale</dt><dd>{}</dd>\n</dl>", esc(&r.measured.telltale));
    h.push_str("<table><thead><tr><th>Rule pack</th><th>Version</th><th>Sources</th><th>Licence</th></tr></thead><tbody>\n");
    for p in &r.measured.packs {
        // A pack citing hundreds of pages (the default pack's owners) shows its first few.
        const SHOWN: usize = 6;
        let mut sources: Vec<String> = p.sources.iter().take(SHOWN).map(|s| esc(s)).collect();
        if p.sources.len() > SHOWN {
            sources.push(format!("<small>and {} more cited sources, listed in the pack</small>", p.sources.len() - SHOWN));
        }
        let _ = writeln!(h, "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", esc(&p.name), esc(&p.version), sources.join("<br>"), esc(&p.licence));
    }
    h.push_str("</tbody></table>\n<p class=\"muted\">Telltale keeps no cookie value, nothing typed, and no URL's query string or fragment: pages appear as their sites, scripts as host and path.</p>\n</section>\n</main></body></html>\n");
    h
}

/// The site in the middle, its third parties around it (trackers first, at
/// most 48), each coloured by its main category and named.
fn svg(r: &SiteReport) -> String {
    const MAX: usize = 48;
    let mut around: Vec<(&Site, &Owner)> = r.owners.iter().flat_map(|o| o.sites.iter().map(move |s| (s, o))).collect();
    around.sort_by(|x, y| y.1.tracker.cmp(&x.1.tracker).then(x.0.cmp(y.0)));
    let more = around.len().saturating_sub(MAX);
    around.truncate(MAX);
    let (w, hgt) = (760.0_f64, 560.0_f64);
    let (cx, cy, rad) = (w / 2.0, hgt / 2.0, 220.0_f64);
    let mut s = String::new();
    let n = around.len().max(1) as f64;
    let _ = write!(
        s,
        "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {hgt}\" width=\"{w}\" height=\"{hgt}\" role=\"img\" aria-label=\"{} and {} third parties\">",
        esc(r.site.as_str()),
        around.len() + more
    );
    for (i, _) in around.iter().enumerate() {
        let t = std::f64::consts::TAU * i as f64 / n - std::f64::consts::FRAC_PI_2;
        let _ = write!(s, "<line x1=\"{cx}\" y1=\"{cy}\" x2=\"{:.1}\" y2=\"{:.1}\"/>", cx + rad * t.cos(), cy + rad * t.sin());
    }
    for (i, (site, o)) in around.iter().enumerate() {
        let t = std::f64::consts::TAU * i as f64 / n - std::f64::consts::FRAC_PI_2;
        let (x, y) = (cx + rad * t.cos(), cy + rad * t.sin());
        let category = o.categories.iter().find(|c| c.is_tracking()).or(o.categories.first()).map_or("unknown", |c| c.id());
        let anchor = if t.cos() < -0.2 { "end" } else if t.cos() > 0.2 { "start" } else { "middle" };
        let dx = if anchor == "end" { -9.0 } else if anchor == "start" { 9.0 } else { 0.0 };
        let dy = if anchor == "middle" { if t.sin() < 0.0 { -10.0 } else { 16.0 } } else { 4.0 };
        let _ = write!(
            s,
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{}\" fill=\"{}\"><title>{} ({})</title></circle><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\">{}</text>",
            if o.tracker { 7 } else { 5 },
            crate::view::category_colour(category),
            esc(site.as_str()),
            esc(&o.company),
            x + dx,
            y + dy,
            esc(site.as_str())
        );
    }
    let _ = write!(s, "<circle cx=\"{cx}\" cy=\"{cy}\" r=\"12\" fill=\"{}\"/><text x=\"{cx}\" y=\"{:.1}\" text-anchor=\"middle\"><tspan font-weight=\"600\">{}</tspan></text></svg>", crate::view::category_colour("first-party"), cy + 28.0, esc(r.site.as_str()));
    let _ = writeln!(s, "<figcaption class=\"muted\">{}{}</figcaption></figure>", plural(around.len(), "third party", "third parties"), if more > 0 { format!(", and {more} more not drawn") } else { String::new() });
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browser_is_read_from_its_own_token() {
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.85 Safari/537.36";
        assert_eq!(browser_of_user_agent(chrome).as_deref(), Some("Chrome 131.0.6778.85"));
        assert_eq!(browser_of_user_agent("Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0").as_deref(), Some("Firefox 140.0"));
        assert_eq!(browser_of_user_agent(&chrome.replace("Chrome/", "HeadlessChrome/")).as_deref(), Some("Chromium (headless) 131.0.6778.85"));
        assert_eq!(browser_of_user_agent("curl/8.0"), None);
    }

    use crate::observe::{RawEvent, RawNavigation, RawRequest, RawResponse};

    fn req(tab: u32, url: &str, kind: &str, t: f64) -> RawEvent {
        RawEvent::Request(RawRequest { url: url.into(), resource_type: kind.into(), tab: tab.into(), time: t, ..Default::default() })
    }

    #[test]
    fn hostile_names_are_text_and_a_redirect_is_one_page() {
        let pack = r#"{"format": "telltale-rules/1", "name": "<b>pack</b>", "version": "1\"><script>", "license": "CC0-1.0",
            "sources": {"s": {"name": "<img src=x onerror=alert(1)>"}},
            "entities": [{"name": "</td><script>alert(1)</script>", "company": "<svg onload=alert(2)>", "domains": ["evil-tracker.example"], "categories": ["advertising"], "source": "s"}]}"#;
        let mut a = Auditor::new();
        a.load_pack("p.json", pack).unwrap();
        let t = |ms: f64| 1_765_000_000_000.0 + ms;
        // http://news.example → https://www.news.example: one page load.
        a.observe_raw(&req(1, "http://news.example/", "main_frame", t(0.0))).unwrap();
        a.observe_raw(&RawEvent::Response(RawResponse { url: "http://news.example/".into(), tab: 1.into(), time: t(1.0), status: 301, redirect_url: Some("https://www.news.example/".into()), ..Default::default() })).unwrap();
        a.observe_raw(&req(1, "https://www.news.example/", "main_frame", t(2.0))).unwrap();
        a.observe_raw(&RawEvent::Navigation(RawNavigation { url: "https://www.news.example/".into(), tab: 1.into(), time: t(3.0) })).unwrap();
        a.observe_raw(&req(1, "https://ads.evil-tracker.example/p.js?uid=secret-query-value", "script", t(4.0))).unwrap();
        a.observe_raw(&RawEvent::Response(RawResponse {
            url: "https://ads.evil-tracker.example/p.js?uid=secret-query-value".into(),
            tab: 1.into(),
            time: t(5.0),
            status: 200,
            set_cookie: vec!["<i>uid</i>=secret-cookie-value; SameSite=None; Secure".into()],
            ..Default::default()
        }))
        .unwrap();
        let site = Site::of("news.example").unwrap();
        let r = site_report(&a, &site, &Measured { browser: browser_of_user_agent("x Firefox/140.0<script>"), inputs: vec!["<u>in</u>.har".into()] }).unwrap();
        assert_eq!(r.pages, 1, "a redirect and its target are one page load");
        assert_eq!(r.owners.len(), 1);
        assert_eq!(r.owners[0].brands, ["</td><script>alert(1)</script>"]);
        assert_eq!(r.cookies[0].names, ["<i>uid</i>"]);
        let html = to_html(&r);
        assert!(!html.contains("<script") && !html.contains("<svg onload") && !html.contains("<img") && !html.contains("<i>") && !html.contains("<u>") && !html.contains("<b>"), "{html}");
        assert!(html.contains("&lt;svg onload=alert(2)&gt;") && html.contains("&lt;i&gt;uid&lt;/i&gt;") && html.contains("Firefox 140.0"));
        assert!(!html.contains("secret-query-value") && !html.contains("secret-cookie-value"));
        assert!(site_report(&a, &Site::of("never.example").unwrap(), &Measured::default()).is_none());
    }

    #[test]
    fn a_tracker_only_another_one_loaded_says_which() {
        let mut a = Auditor::with_default_pack();
        a.observe_raw(&req(1, "https://news.example/", "main_frame", 1.0)).unwrap();
        a.observe_raw(&RawEvent::Navigation(RawNavigation { url: "https://news.example/".into(), tab: 1.into(), time: 2.0 })).unwrap();
        // adnxs.com answers with a redirect to criteo.com: news.example's page never asked criteo itself.
        a.observe_raw(&req(1, "https://ib.adnxs.com/getuid", "image", 3.0)).unwrap();
        a.observe_raw(&RawEvent::Response(RawResponse { url: "https://ib.adnxs.com/getuid".into(), tab: 1.into(), time: 4.0, status: 302, redirect_url: Some("https://dis.criteo.com/rex/match".into()), ..Default::default() })).unwrap();
        a.observe_raw(&req(1, "https://dis.criteo.com/rex/match", "image", 5.0)).unwrap();
        let r = site_report(&a, &Site::of("news.example").unwrap(), &Measured::default()).unwrap();
        let criteo = r.owners.iter().find(|o| o.sites.iter().any(|s| s.as_str() == "criteo.com")).expect("criteo is a third party of the page");
        assert_eq!((criteo.requests, criteo.loaded_by.iter().map(Site::as_str).collect::<Vec<_>>()), (0, vec!["adnxs.com"]));
        assert!(to_html(&r).contains("<td class=\"n\">0, loaded by adnxs.com</td>"));
        let adnxs = r.owners.iter().find(|o| o.sites.iter().any(|s| s.as_str() == "adnxs.com")).unwrap();
        assert_eq!((adnxs.requests, adnxs.loaded_by.len()), (1, 0));
    }

    #[test]
    fn markup_in_names_is_text() {
        assert_eq!(esc("<img src=x onerror=alert(1)>&\"'"), "&lt;img src=x onerror=alert(1)&gt;&amp;&quot;&#39;");
    }
}
