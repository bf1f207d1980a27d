//! Filter lists in Adblock Plus syntax (EasyList, EasyPrivacy, ...) as a
//! native pack: each file becomes one entry of the pack's `filter_lists`,
//! holding its network filters as written. Brave's engine compiles them
//! (`rules::filters`).
//!
//! The list's header names it (`! Title:`), dates it (`! Version:`) and
//! points at its home and licence (`! Homepage:`, `! Licence:`). What a
//! match means in Telltale's terms comes from [`categories_of`] (the table
//! in rules/README.md), or from the caller. Element-hiding filters act on
//! pages, not requests, and are left out; lines the engine cannot read are
//! left out too. Both are counted, with the first bad line's number.

use std::collections::BTreeMap;

use super::{content_hash, Imported};
use crate::error::InputError;
use crate::rules::filters::{line_kind, FilterList, LineKind};
use crate::rules::{Category, RulePack, Source, FORMAT_V1};

/// What a block by a known list means. EasyList's own description: "the
/// primary filter list that removes most adverts"; EasyPrivacy's: "removes
/// all forms of tracking from the internet, including web bugs, tracking
/// scripts and information collectors". A list Telltale does not know is
/// taken as the second kind: it names tracking without saying how.
pub fn categories_of(title: &str) -> Vec<Category> {
    let t = title.trim().to_ascii_lowercase();
    if t == "easylist" || t.starts_with("easylist ") {
        vec![Category::Advertising]
    } else {
        vec![Category::Tracking]
    }
}

/// The licence of a list Telltale knows, from the list's licence page.
fn known_license(title: &str) -> Option<&'static str> {
    let t = title.trim().to_ascii_lowercase();
    // https://easylist.to/pages/licence.html: "dual licensed under the GNU
    // General Public License (version 3 or later) and Creative Commons
    // Attribution-ShareAlike 3.0 Unported (or later)".
    (t.starts_with("easylist") || t.starts_with("easyprivacy")).then_some("GPL-3.0-or-later OR CC-BY-SA-3.0")
}

/// Whether a text looks like an Adblock Plus list: a `[Adblock Plus …]`
/// header, or a `!` comment header, or network filters among its first lines.
pub fn detect(text: &str) -> bool {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let Some(first) = lines.clone().next() else { return false };
    if first.starts_with("[Adblock") || first.starts_with("! Title:") || first.starts_with("! Version:") {
        return true;
    }
    if first.starts_with('{') || first.starts_with('[') {
        return false;
    }
    // A bare word is a valid filter (a URL substring), so filter syntax must show.
    let looks = |l: &str| l.contains("||") || l.contains('^') || l.contains('$') || l.starts_with("@@") || l.contains("##") || l.starts_with('/');
    let sample: Vec<&str> = lines.by_ref().filter(|l| !l.starts_with('!')).take(20).collect();
    !sample.is_empty() && sample.iter().filter(|l| looks(l) && line_kind(l) != LineKind::Comment).count() * 2 > sample.len()
}

fn header<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    text.lines().take(200).find_map(|l| {
        let rest = l.trim().strip_prefix('!')?.trim_start();
        let value = rest.strip_prefix(key)?.trim_start().strip_prefix(':')?.trim();
        (!value.is_empty()).then_some(value)
    })
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_owned();
    if out.is_empty() { "list".into() } else { out }
}

/// One list as read: its filter list entry, its source, what was left out.
struct Read {
    list: FilterList,
    source: Source,
    version: Option<String>,
}

/// The section a line opens, as the lists' build writes it:
/// `! *** easylist:easylist/easylist_adservers.txt ***` opens `easylist_adservers`.
fn section_of(line: &str) -> Option<&str> {
    let inner = line.trim().strip_prefix("! ***")?.strip_suffix("***")?.trim();
    let path = inner.rsplit([':', '/']).next()?;
    Some(path.strip_suffix(".txt").unwrap_or(path))
}

fn read(file: &str, text: &str, categories: Option<&[Category]>, sections: &[String], skipped: &mut BTreeMap<String, usize>) -> Result<Read, InputError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let stem = file.rsplit(['/', '\\']).next().unwrap_or(file);
    let stem = stem.strip_suffix(".txt").unwrap_or(stem);
    if text.trim_start().starts_with('<') {
        return Err(InputError::whole(file, "looks like an HTML page, not a filter list: expected an Adblock Plus list (lines such as ||tracker.example^)"));
    }
    let title = header(text, "Title").unwrap_or(stem).to_owned();
    let mut filters = Vec::new();
    let (mut cosmetic, mut invalid, mut first_invalid) = (0usize, 0usize, None);
    // With sections named, only the lines under their headers count.
    let mut taking = sections.is_empty();
    let (mut found, mut outside) = (Vec::new(), 0usize);
    for (i, line) in text.lines().enumerate() {
        if !sections.is_empty() {
            if let Some(name) = section_of(line) {
                taking = sections.iter().any(|s| s == name);
                if taking {
                    found.push(name.to_owned());
                }
                continue;
            }
            if !taking {
                outside += usize::from(line_kind(line) != LineKind::Comment);
                continue;
            }
        }
        match line_kind(line) {
            LineKind::Network => filters.push(line.trim().to_owned()),
            LineKind::Cosmetic => cosmetic += 1,
            LineKind::Comment => {}
            LineKind::Invalid(why) => {
                invalid += 1;
                first_invalid.get_or_insert((i + 1, why));
            }
        }
    }
    if let Some(missing) = sections.iter().find(|s| !found.contains(s)) {
        return Err(InputError::whole(file, format!("no section {missing:?} in it: expected a header line such as `! *** easylist:easylist/{missing}.txt ***`")));
    }
    if outside > 0 {
        *skipped.entry(format!("lines of {title} outside the sections taken ({})", sections.join(", "))).or_default() += outside;
    }
    if cosmetic > 0 {
        *skipped.entry(format!("element-hiding filters in {title} (they act on pages, not requests)")).or_default() += cosmetic;
    }
    if let Some((line, why)) = first_invalid {
        *skipped.entry(format!("lines of {title} Brave's engine cannot read (the first at {file}:{line}: {why})")).or_default() += invalid;
    }
    if filters.is_empty() {
        return Err(InputError::whole(file, "no network filter in it: expected an Adblock Plus filter list (lines such as ||tracker.example^)"));
    }
    let license = known_license(&title).map(str::to_owned).or_else(|| header(text, "Licence").or_else(|| header(text, "License")).map(|l| format!("see {l}")));
    let url = header(text, "Homepage").map(str::to_owned);
    let categories = categories.map(<[Category]>::to_vec).unwrap_or_else(|| categories_of(&title));
    Ok(Read {
        source: Source { name: title.clone(), url, license },
        version: header(text, "Version").map(str::to_owned),
        list: FilterList { name: title, source: String::new(), categories, filters },
    })
}

/// Imports lists (file name, text); `categories` overrides [`categories_of`].
pub fn import(lists: &[(&str, &str)], categories: Option<&[Category]>) -> Result<Imported, InputError> {
    import_sections(lists, categories, &[])
}

/// As [`import`], taking from each list only the filters under the named
/// sections (`easylist_adservers`, ...): the headers a list's build leaves
/// in it. A section named but absent is an error.
pub fn import_sections(lists: &[(&str, &str)], categories: Option<&[Category]>, sections: &[String]) -> Result<Imported, InputError> {
    let mut skipped = BTreeMap::new();
    let mut sources = BTreeMap::new();
    let mut filter_lists = Vec::new();
    let mut versions = Vec::new();
    for (file, text) in lists {
        let mut r = read(file, text, categories, sections, &mut skipped)?;
        let mut id = slug(&r.list.name);
        while sources.contains_key(&id) {
            id.push('_');
        }
        r.list.source = id.clone();
        versions.push(r.version.unwrap_or_else(|| format!("{:08x}", content_hash(text))));
        sources.insert(id, r.source);
        filter_lists.push(r.list);
    }
    let licenses: Vec<String> = sources.values().map(|s: &Source| s.license.clone().unwrap_or_else(|| "not stated by the list".into())).collect();
    let mut license = licenses.clone();
    license.dedup();
    let name = filter_lists.iter().map(|l| slug(&l.name)).collect::<Vec<_>>().join("+");
    Ok(Imported {
        pack: RulePack {
            format: FORMAT_V1.into(),
            name,
            version: versions.join("+"),
            license: license.join(" AND "),
            sources,
            categories: vec![],
            entities: vec![],
            filter_lists,
            tracker_lists: Vec::new(),
        },
        skipped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_names_the_list_and_bad_lines_are_counted() {
        let text = "[Adblock Plus 2.0]\n! Title: Test List\n! Version: 7\n! Homepage: https://lists.example/\n||t.example^\nexample.com##.ad\n||x.example^$nonsense-option\n";
        let i = import(&[("test.txt", text)], None).unwrap();
        let p = &i.pack;
        assert_eq!((p.name.as_str(), p.version.as_str()), ("test-list", "7"));
        assert_eq!(p.filter_lists[0].filters, ["||t.example^"]);
        assert_eq!(p.filter_lists[0].categories, [Category::Tracking]);
        assert_eq!(p.sources["test-list"].url.as_deref(), Some("https://lists.example/"));
        assert_eq!(p.license, "not stated by the list");
        let notes: Vec<String> = i.skipped.iter().map(|(k, n)| format!("{n} {k}")).collect();
        assert!(notes.iter().any(|n| n.starts_with("1 element-hiding")), "{notes:?}");
        assert!(notes.iter().any(|n| n.starts_with("1 lines of Test List") && n.contains("test.txt:7")), "{notes:?}");
    }

    #[test]
    fn known_lists_get_their_categories_and_licence() {
        let ep = std::fs::read_to_string("../shared/data/filterlists/easyprivacy.txt").unwrap();
        let i = import(&[("easyprivacy.txt", &ep)], None).unwrap();
        assert_eq!(i.pack.filter_lists[0].name, "EasyPrivacy");
        assert_eq!(i.pack.filter_lists[0].categories, [Category::Tracking]);
        assert_eq!(i.pack.license, "GPL-3.0-or-later OR CC-BY-SA-3.0");
        assert_eq!(i.pack.version, "202607140953");
        assert!(i.pack.filter_lists[0].filters.len() > 40_000, "{}", i.pack.filter_lists[0].filters.len());
        assert_eq!(categories_of("EasyList"), [Category::Advertising]);
        assert!(detect(&ep));
        assert!(!detect("{\"format\": \"telltale-rules/1\"}"));
        assert!(!detect("hello\nworld\n"));
        assert!(detect("||a.example^\n||b.example^$script\n"));
    }

    #[test]
    fn a_list_with_no_network_filter_is_an_error() {
        let e = import(&[("page.html", "<!DOCTYPE html>\n<html><body>Not found</body></html>")], None).unwrap_err();
        assert!(e.to_string().starts_with("page.html: looks like an HTML page"), "{e}");
        let e = import(&[("empty.txt", "! Title: Nothing\n! just comments\n")], None).unwrap_err();
        assert!(e.to_string().starts_with("empty.txt: no network filter"), "{e}");
    }
}
