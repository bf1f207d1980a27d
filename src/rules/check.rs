//! A pack read from text and checked: size and UTF-8, JSON, then what serde
//! cannot check (format tag, sources, duplicate domains, patterns, opt-outs,
//! tracker lists), every error located at its file, line and column.

use std::collections::BTreeMap;

use super::{filters, tds, DomainName, Entity, OptOut, RulePack, UrlPattern, FORMAT_V1};
use crate::error::InputError;

/// The largest pack Telltale reads: far above any list people keep (the
/// default pack is 0.3 MB, EasyList 3 MB), far below what exhausts memory.
pub const MAX_PACK_BYTES: usize = 128 << 20;

/// The text of a rule list (a file, standard input): at most
/// [`MAX_PACK_BYTES`], and UTF-8 (a bad byte is given its line and column).
pub fn read_text(file: &str, reader: impl std::io::Read) -> Result<String, InputError> {
    let at = |line, column, message: String| InputError::at(file, line, column, message);
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut std::io::Read::take(reader, MAX_PACK_BYTES as u64 + 1), &mut bytes).map_err(|e| at(0, 0, format!("read error: {e}")))?;
    if bytes.len() > MAX_PACK_BYTES {
        return Err(at(1, 1, format!("larger than {} MB: expected a rule pack (Telltale reads packs up to that size)", MAX_PACK_BYTES >> 20)));
    }
    String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
        let last = good.iter().rposition(|&b| b == b'\n').map_or(good, |i| &good[i + 1..]);
        let column = String::from_utf8_lossy(last).chars().count() + 1;
        at(line, column, "invalid UTF-8: expected a UTF-8 text file".into())
    })
}

impl RulePack {
    /// Reads a native pack: [`read_text`], then [`RulePack::parse`].
    pub fn read(file: &str, reader: impl std::io::Read) -> Result<RulePack, InputError> {
        RulePack::parse(file, &read_text(file, reader)?)
    }

    /// Parses and validates a pack. `file` names it in errors. A leading
    /// byte-order mark is allowed (columns then count from after it).
    pub fn parse(file: &str, text: &str) -> Result<RulePack, InputError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if text.len() > MAX_PACK_BYTES {
            return Err(InputError::at(file, 1, 1, format!("larger than {} MB: expected a rule pack", MAX_PACK_BYTES >> 20)));
        }
        let pack: RulePack = serde_json::from_str(text).map_err(|e| InputError {
            file: file.to_owned(),
            line: e.line(),
            // At the end of the text serde_json says column 0: the end is the column after the last character.
            column: if e.column() == 0 { end_column(text, e.line()) } else { e.column() },
            message: describe_json_error(&e),
        })?;
        pack.validate(file, text)?;
        Ok(pack)
    }

    /// Checks what serde cannot: the format tag, source references,
    /// duplicate domains, pattern syntax. Errors point at the offending text.
    fn validate(&self, file: &str, text: &str) -> Result<(), InputError> {
        let err = |needle: &str, span: (usize, usize), message: String| {
            let (line, column) = locate(text, needle, span);
            InputError::at(file, line, column, message)
        };
        if self.format != FORMAT_V1 {
            return Err(err(
                &format!("\"{}\"", self.format),
                (0, text.len()),
                format!("unsupported format {:?}: expected \"{FORMAT_V1}\"", self.format),
            ));
        }
        let mut seen_domains: BTreeMap<&str, &str> = BTreeMap::new();
        // Where each entity is in the text, found in one pass, so located
        // errors point inside it at a cost bounded by its own size.
        let spans = entity_spans(text);
        for (i, entity) in self.entities.iter().enumerate() {
            let cursor = spans.get(i).copied().unwrap_or((0, text.len()));
            if entity.name.trim().is_empty() {
                return Err(err("\"name\"", cursor, "entity name is empty: expected a company or product name".into()));
            }
            if !self.sources.contains_key(&entity.source) {
                return Err(err(
                    &format!("\"{}\"", json_escape(&entity.source)),
                    cursor,
                    format!(
                        "entity {:?} names source {:?}, which is not in \"sources\": expected one of {:?}",
                        entity.name,
                        entity.source,
                        self.sources.keys().collect::<Vec<_>>()
                    ),
                ));
            }
            if let Some(s) = &entity.company_source {
                if !self.sources.contains_key(s) {
                    return Err(err(&format!("\"{}\"", json_escape(s)), cursor, format!("entity {:?}: company_source {s:?} is not in \"sources\"", entity.name)));
                }
            }
            if entity.domains.is_empty() && entity.patterns.is_empty() {
                return Err(err(
                    "\"domains\"",
                    cursor,
                    format!("entity {:?} has no domains and no patterns: expected at least one", entity.name),
                ));
            }
            for d in &entity.domains {
                if let Some(other) = seen_domains.insert(d.as_str(), &entity.name) {
                    return Err(err(
                        &format!("\"{}\"", d.as_str()),
                        cursor,
                        format!("domain {:?} is claimed by both {:?} and {:?}: expected each domain once per pack", d.as_str(), other, entity.name),
                    ));
                }
            }
            for p in &entity.patterns {
                if let Err(m) = p.parts() {
                    return Err(err(&format!("\"{}\"", json_escape(&p.pattern)), cursor, format!("{m}: expected host or host/path")));
                }
                if p.categories.is_empty() {
                    return Err(err(&format!("\"{}\"", json_escape(&p.pattern)), cursor, "pattern has no categories: expected at least one".into()));
                }
                if let Some(s) = &p.source {
                    if !self.sources.contains_key(s) {
                        return Err(err(&format!("\"{}\"", json_escape(s)), cursor, format!("pattern names source {s:?}, which is not in \"sources\"")));
                    }
                }
            }
            for o in &entity.opt_outs {
                let s = o.source();
                if !self.sources.contains_key(s) {
                    return Err(err(&format!("\"{}\"", json_escape(s)), cursor, format!("opt-out names source {s:?}, which is not in \"sources\"")));
                }
                if let Err((needle, message)) = o.check(entity) {
                    return Err(err(&needle, cursor, message));
                }
            }
        }
        // Filter lists come after the entities in every pack Telltale writes;
        // errors are searched for from the key on.
        let lists_at = text.find("\"filter_lists\"").unwrap_or(0);
        for list in &self.filter_lists {
            let cursor = (lists_at, text.len());
            let name = format!("\"{}\"", json_escape(&list.name));
            if !self.sources.contains_key(&list.source) {
                return Err(err(&name, cursor, format!("filter list {:?} names source {:?}, which is not in \"sources\"", list.name, list.source)));
            }
            if list.categories.is_empty() {
                return Err(err(&name, cursor, format!("filter list {:?} has no categories: expected at least one, such as [\"tracking\"]", list.name)));
            }
            for f in &list.filters {
                let problem = match filters::line_kind(f) {
                    filters::LineKind::Network => continue,
                    filters::LineKind::Cosmetic => "is an element-hiding filter: a pack holds network filters only".to_owned(),
                    filters::LineKind::Comment => "is a comment or blank: a pack holds network filters only".to_owned(),
                    filters::LineKind::Invalid(why) => format!("is not a filter Brave's engine reads ({why})"),
                };
                return Err(err(&format!("\"{}\"", json_escape(f)), cursor, format!("filter {f:?} in list {:?} {problem}", list.name)));
            }
        }
        self.validate_tracker_lists(file, text)
    }

    /// Tracker lists: sources, owners, host names in normal form, rules
    /// that compile, known request types. Errors are searched for from the
    /// `"tracker_lists"` key on, where every pack Telltale writes has them.
    fn validate_tracker_lists(&self, file: &str, text: &str) -> Result<(), InputError> {
        if self.tracker_lists.is_empty() {
            return Ok(());
        }
        let from = text.find("\"tracker_lists\"").unwrap_or(0);
        let err = |needle: &str, message: String| {
            let (line, column) = locate(text, &format!("\"{}\"", json_escape(needle)), (from, text.len()));
            InputError::at(file, line, column, message)
        };
        let entity_names: std::collections::HashSet<&str> = self.entities.iter().map(|e| e.name.as_str()).collect();
        let host_in_normal_form = |h: &str| crate::site::Host::parse(h).is_ok_and(|x| x.as_str() == h) && h.contains('.');
        for list in &self.tracker_lists {
            if !self.sources.contains_key(&list.source) {
                return Err(err(&list.name, format!("tracker list {:?} names source {:?}, which is not in \"sources\"", list.name, list.source)));
            }
            let mut seen = std::collections::HashSet::new();
            for t in &list.trackers {
                if !host_in_normal_form(&t.domain) {
                    return Err(err(&t.domain, format!("tracker domain {:?} is not a host name in normal form: expected lower-case labels such as \"tracker.example\"", t.domain)));
                }
                if !seen.insert(t.domain.as_str()) {
                    return Err(err(&t.domain, format!("tracker {:?} is listed twice in tracker list {:?}: expected each tracker once", t.domain, list.name)));
                }
                if let Some(o) = t.owner.as_deref().filter(|o| !entity_names.contains(o)) {
                    return Err(err(o, format!("tracker {:?} names owner {o:?}, which is not an entity of this pack", t.domain)));
                }
                for r in &t.rules {
                    if let Err(why) = tds::compile_rule(&r.rule) {
                        return Err(err(&r.rule, format!("rule {:?} of tracker {:?} is not a regular expression Telltale can match: {why}", r.rule, t.domain)));
                    }
                    for scope in r.options.iter().chain(r.exceptions.iter()) {
                        if let Some(ty) = scope.types.iter().find(|x| !tds::TYPE_NAMES.contains(&x.as_str())) {
                            return Err(err(ty, format!("request type {ty:?} in a rule of tracker {:?} is not a webRequest type: expected one of {:?}", t.domain, tds::TYPE_NAMES)));
                        }
                        if let Some(d) = scope.domains.iter().find(|d| !host_in_normal_form(d)) {
                            return Err(err(d, format!("domain {d:?} in a rule of tracker {:?} is not a host name in normal form", t.domain)));
                        }
                    }
                }
            }
            for (from_host, to_host) in &list.cnames {
                if let Some(h) = [from_host, to_host].into_iter().find(|h| !host_in_normal_form(h)) {
                    return Err(err(h, format!("CNAME record {from_host:?} → {to_host:?}: {h:?} is not a host name in normal form")));
                }
            }
        }
        Ok(())
    }
}

impl OptOut {
    /// What is wrong with it for `entity`, beyond its shape: a cookie for a
    /// domain the entity does not own, a page that is not https, an empty flag.
    pub(super) fn check(&self, entity: &Entity) -> Result<(), (String, String)> {
        match self {
            OptOut::Signal { signals, .. } if signals.is_empty() => {
                Err(("\"signals\"".into(), "opt-out signal names no signal: expected [\"gpc\"], [\"dnt\"] or both".into()))
            }
            OptOut::Cookie { domain, name, .. } => {
                let owned = crate::site::Host::parse(domain).ok().is_some_and(|h| {
                    h.ancestors().any(|a| entity.domains.iter().any(|d| d.as_str() == a))
                });
                if !owned {
                    return Err((
                        format!("\"{}\"", json_escape(domain)),
                        format!(
                            "opt-out cookie is for {domain:?}, which entity {:?} does not own: expected one of its domains {:?} or a subdomain",
                            entity.name,
                            entity.domains.iter().map(DomainName::as_str).collect::<Vec<_>>()
                        ),
                    ));
                }
                if name.is_empty() || name.contains(|c: char| c.is_control() || "=; ,\t".contains(c)) {
                    return Err((format!("\"{}\"", json_escape(name)), format!("opt-out cookie name {name:?} is not a cookie name")));
                }
                Ok(())
            }
            OptOut::Page { url, .. } => match url::Url::parse(url) {
                Ok(u) if u.scheme() == "https" && u.host_str().is_some() => Ok(()),
                _ => Err((format!("\"{}\"", json_escape(url)), format!("opt-out page {url:?} is not an https URL: expected https://…"))),
            },
            OptOut::JsFlag { property, value, ids_from, .. } => {
                if property.trim().is_empty() {
                    return Err(("\"property\"".into(), "js-flag property is empty: expected a window property name".into()));
                }
                if !(value.is_boolean() || value.is_string() || value.is_number()) {
                    return Err(("\"value\"".into(), "js-flag value must be true/false, a string or a number".into()));
                }
                match (property.contains("{id}"), ids_from) {
                    (true, None) => Err((
                        format!("\"{}\"", json_escape(property)),
                        format!("js-flag property {property:?} has {{id}} but no \"ids_from\": expected {{\"match\": \"host/path\", \"param\": \"id\"}}"),
                    )),
                    (false, Some(_)) => Err((
                        "\"ids_from\"".into(),
                        format!("js-flag property {property:?} has no {{id}} for \"ids_from\" to fill"),
                    )),
                    (_, Some(i)) => {
                        let p = UrlPattern { pattern: i.pattern.clone(), categories: vec![], source: None, evidence: None };
                        p.parts().map(|_| ()).map_err(|m| (format!("\"{}\"", json_escape(&i.pattern)), format!("{m}: expected host or host/path")))?;
                        if i.param.is_empty() {
                            return Err(("\"param\"".into(), "ids_from has an empty \"param\": expected a query parameter name".into()));
                        }
                        Ok(())
                    }
                    (false, None) => Ok(()),
                }
            }
            _ => Ok(()),
        }
    }
}

fn json_escape(s: &str) -> String {
    let quoted = serde_json::to_string(s).unwrap_or_default();
    quoted[1..quoted.len() - 1].to_owned()
}

/// 1-based line and column of the first `needle` inside the byte range
/// `span`, or of the span's start when it is not there (a value spelled with
/// escapes, say).
fn locate(text: &str, needle: &str, span: (usize, usize)) -> (usize, usize) {
    let (from, to) = (span.0.min(text.len()), span.1.min(text.len()));
    let at = text.get(from..to).and_then(|t| t.find(needle)).map_or(from, |i| i + from);
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
    (line, column)
}

/// The 1-based column just after the end of line `line` (for errors at the end of the text).
fn end_column(text: &str, line: usize) -> usize {
    text.split('\n').nth(line.saturating_sub(1)).map_or(0, |l| l.chars().count()) + 1
}

/// The byte ranges of the elements of the top-level `"entities"` array, in
/// one pass over the text (strings and nesting tracked; nothing else parsed).
/// Empty when the array is not found as written (a key spelled with escapes).
fn entity_spans(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut spans = Vec::new();
    let (mut i, mut depth) = (0usize, 0usize);
    let mut key: Option<(usize, usize)> = None;
    // Inside the entities array: the depth of its elements and where the current one began.
    let mut inside: Option<usize> = None;
    let mut element: Option<usize> = None;
    while i < b.len() {
        match b[i] {
            b'"' => {
                let start = i;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                if depth == 1 && inside.is_none() {
                    key = Some((start + 1, i.min(b.len())));
                }
                if inside == Some(depth) && element.is_none() {
                    element = Some(start);
                }
            }
            b'{' | b'[' => {
                if inside == Some(depth) && element.is_none() {
                    element = Some(i);
                }
                depth += 1;
                if b[i] == b'[' && depth == 2 && inside.is_none() && key.is_some_and(|(s, e)| &text[s..e] == "entities") {
                    inside = Some(depth);
                }
            }
            b'}' | b']' => {
                if inside == Some(depth) {
                    if let Some(s) = element.take() {
                        spans.push((s, i));
                    }
                    if b[i] == b']' {
                        return spans;
                    }
                }
                depth = depth.saturating_sub(1);
            }
            b',' if inside == Some(depth) => {
                if let Some(s) = element.take() {
                    spans.push((s, i));
                }
            }
            b':' | b',' if depth == 1 => {}
            c if inside == Some(depth) && element.is_none() && !c.is_ascii_whitespace() => element = Some(i),
            _ => {}
        }
        i += 1;
    }
    spans
}

fn describe_json_error(e: &serde_json::Error) -> String {
    use serde_json::error::Category as C;
    // The location is reported separately.
    let msg = crate::error::json_message(e);
    match e.classify() {
        C::Eof => format!("unexpected end of file: {msg}"),
        C::Syntax => format!("invalid JSON: {msg}"),
        C::Data => msg,
        C::Io => format!("read error: {msg}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{Category, DEFAULT_PACK, DEFAULT_PACK_NAME};

    const MINIMAL: &str = r#"{
  "format": "telltale-rules/1",
  "name": "test",
  "version": "1",
  "license": "CC0-1.0",
  "sources": {"s": {"name": "test source"}},
  "entities": [
    {"name": "Rec", "domains": ["rec.example"], "categories": ["session-replay"], "source": "s"}
  ]
}"#;

    use std::io::Read;

    #[test]
    fn minimal_pack_loads() {
        let p = RulePack::parse("t.json", MINIMAL).unwrap();
        assert_eq!(p.entities[0].categories, [Category::SessionReplay]);
    }

    #[test]
    fn default_pack_loads_and_every_entity_has_a_source() {
        let p = RulePack::parse(DEFAULT_PACK_NAME, DEFAULT_PACK).unwrap();
        assert!(p.entities.len() > 2000, "{}", p.entities.len());
        for e in &p.entities {
            let s = &p.sources[&e.source];
            assert!(!s.name.is_empty() && s.url.is_some(), "{}: source without a name or url", e.name);
        }
        for c in Category::ALL {
            assert!(p.category_def(c).is_some(), "default pack does not describe {c}");
        }
    }

    #[test]
    fn trusted_default_pack_is_the_checked_one() {
        assert_eq!(RulePack::default_pack(), RulePack::parse(DEFAULT_PACK_NAME, DEFAULT_PACK).unwrap());
    }

    #[test]
    fn unknown_category_is_located() {
        let bad = MINIMAL.replace("\"session-replay\"", "\"sesion-replay\"");
        let e = RulePack::parse("bad.json", &bad).unwrap_err();
        assert_eq!((e.file.as_str(), e.line), ("bad.json", 8), "{e}");
        assert!(e.message.contains("unknown variant `sesion-replay`") && e.message.contains("session-replay"), "{e}");
    }

    #[test]
    fn syntax_errors_are_located() {
        let bad = MINIMAL.replace("\"version\": \"1\",", "\"version\": \"1\"");
        let e = RulePack::parse("bad.json", &bad).unwrap_err();
        assert_eq!(e.line, 5, "{e}");
        assert!(e.message.starts_with("invalid JSON"), "{e}");
        let e = RulePack::parse("cut.json", &MINIMAL[..60]).unwrap_err();
        assert!(e.message.starts_with("unexpected end of file"), "{e}");
    }

    #[test]
    fn unknown_source_duplicate_domain_and_bad_domain_are_located() {
        let bad = MINIMAL.replace("\"source\": \"s\"}", "\"source\": \"nope\"}");
        let e = RulePack::parse("b.json", &bad).unwrap_err();
        assert_eq!((e.line, e.column), (8, 93), "{e}");
        assert!(e.message.contains("not in \"sources\""), "{e}");

        let dup = MINIMAL.replace(
            "\"source\": \"s\"}\n",
            "\"source\": \"s\"},\n    {\"name\": \"Rec2\", \"domains\": [\"rec.example\"], \"categories\": [\"analytics\"], \"source\": \"s\"}\n",
        );
        let e = RulePack::parse("d.json", &dup).unwrap_err();
        assert_eq!(e.line, 9, "{e}");
        assert!(e.message.contains("claimed by both"), "{e}");

        let upper = MINIMAL.replace("[\"rec.example\"]", "[\"Rec.Example\"]");
        let e = RulePack::parse("u.json", &upper).unwrap_err();
        assert_eq!(e.line, 8, "{e}");
        assert!(e.message.contains("expected \"rec.example\""), "{e}");
    }

    #[test]
    fn unknown_fields_and_wrong_format_are_rejected() {
        let bad = MINIMAL.replace("\"license\"", "\"licence\"");
        let e = RulePack::parse("f.json", &bad).unwrap_err();
        assert!(e.message.contains("unknown field `licence`"), "{e}");
        let v2 = MINIMAL.replace("telltale-rules/1", "telltale-rules/9");
        let e = RulePack::parse("v.json", &v2).unwrap_err();
        assert_eq!((e.line, e.column), (2, 13), "{e}");
    }

    #[test]
    fn opt_out_mechanisms_are_checked_against_their_entity() {
        let with = |o: &str| MINIMAL.replace("\"source\": \"s\"}\n", &format!("\"source\": \"s\",\n     \"opt_outs\": [{o}]}}\n"));
        let ok = with(r#"{"kind": "cookie", "domain": "www.rec.example", "name": "optout", "value": "1", "source": "s"},
            {"kind": "signal", "signals": ["gpc", "dnt"], "source": "s"},
            {"kind": "page", "url": "https://rec.example/opt-out", "source": "s"},
            {"kind": "js-flag", "property": "rec-off-{id}", "ids_from": {"match": "rec.example/tag.js", "param": "id"}, "source": "s"}"#);
        let p = RulePack::parse("ok.json", &ok).unwrap();
        assert_eq!(p.entities[0].opt_outs.iter().map(OptOut::kind).collect::<Vec<_>>(), ["cookie", "signal", "page", "js-flag"]);

        let e = RulePack::parse("c.json", &with(r#"{"kind": "cookie", "domain": "other.example", "name": "optout", "value": "1", "source": "s"}"#)).unwrap_err();
        assert!(e.message.contains("does not own"), "{e}");
        assert_eq!((e.line, e.column), (9, 48), "{e}");
        let e = RulePack::parse("p.json", &with(r#"{"kind": "page", "url": "http://rec.example/opt-out", "source": "s"}"#)).unwrap_err();
        assert!(e.message.contains("not an https URL"), "{e}");
        assert_eq!((e.line, e.column), (9, 43), "{e}");
        let e = RulePack::parse("j.json", &with(r#"{"kind": "js-flag", "property": "off-{id}", "source": "s"}"#)).unwrap_err();
        assert!(e.message.contains("no \"ids_from\""), "{e}");
        let e = RulePack::parse("s.json", &with(r#"{"kind": "signal", "signals": [], "source": "s"}"#)).unwrap_err();
        assert!(e.message.contains("names no signal"), "{e}");
        let e = RulePack::parse("k.json", &with(r#"{"kind": "gpc", "source": "s"}"#)).unwrap_err();
        assert!(e.message.contains("unknown variant `gpc`"), "{e}");
    }

    #[test]
    fn entities_are_found_in_one_pass() {
        let text = r#"{"format": "x", "sources": {"entities": [1]}, "entities": [ {"name": "a\"]},{", "d": [1, {"x": "]"}]}, {"name": "b"} ,
 {"name": "c"}], "after": [{"name": "z"}]}"#;
        let spans = entity_spans(text);
        let names: Vec<&str> = spans.iter().map(|&(s, e)| text[s..e].trim()).collect();
        assert_eq!(names, [r#"{"name": "a\"]},{", "d": [1, {"x": "]"}]}"#, r#"{"name": "b"}"#, r#"{"name": "c"}"#]);
        assert!(entity_spans("{\"entit\\u0069es\": [{}]}").is_empty());
        assert!(entity_spans("[").is_empty());
    }

    #[test]
    fn a_duplicate_domain_is_located_at_the_duplicate() {
        let dup = MINIMAL.replace(
            "\"source\": \"s\"}\n",
            "\"source\": \"s\"},\n    {\"name\": \"Rec2\",\n     \"domains\": [\"other.example\", \"rec.example\"], \"categories\": [\"analytics\"], \"source\": \"s\"}\n",
        );
        let e = RulePack::parse("d.json", &dup).unwrap_err();
        assert_eq!((e.line, e.column), (10, 35), "{e}");
        assert!(e.message.contains("claimed by both"), "{e}");
    }

    #[test]
    fn what_the_matcher_would_not_honour_is_rejected_with_a_location() {
        let pattern = |m: &str| MINIMAL.replace("\"source\": \"s\"}\n", &format!("\"source\": \"s\", \"patterns\": [{{\"match\": {m:?}, \"categories\": [\"analytics\"]}}]}}\n"));
        for (m, says) in [
            ("https://rec.example/x", "has a scheme"),
            ("rec.example/x?y=1", "query or fragment"),
            ("rec.example:8080/x", "has a port"),
            ("Rec.Example/x", "not in normal form"),
            ("co.uk/ads", "public suffix"),
        ] {
            let e = RulePack::parse("p.json", &pattern(m)).unwrap_err();
            assert!(e.message.contains(says), "{m}: {e}");
            assert_eq!(e.line, 8, "{m}: {e}");
        }
        for (d, says) in [("com", "public suffix"), ("github.io", "public suffix"), ("::1", "IPv6")] {
            let e = RulePack::parse("d.json", &MINIMAL.replace("[\"rec.example\"]", &format!("[{d:?}]"))).unwrap_err();
            assert!(e.message.contains(says), "{d}: {e}");
            assert_eq!(e.line, 8, "{d}: {e}");
        }
        assert!(RulePack::parse("ip.json", &MINIMAL.replace("[\"rec.example\"]", "[\"192.0.2.1\"]")).is_ok(), "IPv4, as the schema allows");
    }

    #[test]
    fn bom_utf8_size_and_end_of_file_are_handled() {
        let p = RulePack::read("bom.json", format!("\u{feff}{MINIMAL}").as_bytes()).unwrap();
        assert_eq!(p.entities.len(), 1);
        let mut bad = MINIMAL.as_bytes().to_vec();
        let at = MINIMAL.find("Rec").unwrap();
        bad[at + 1] = 0xff;
        let e = RulePack::read("utf8.json", &bad[..]).unwrap_err();
        assert_eq!((e.line, e.column), (8, 16), "{e}");
        assert!(e.message.contains("invalid UTF-8"), "{e}");
        let e = RulePack::read("zero", std::io::repeat(0).take(MAX_PACK_BYTES as u64 + 10)).unwrap_err();
        assert!(e.message.starts_with("larger than 128 MB"), "{e}");
        let cut = &MINIMAL[..MINIMAL.find("\"entities\"").unwrap()];
        let e = RulePack::parse("cut.json", cut).unwrap_err();
        assert!(e.message.starts_with("unexpected end of file"), "{e}");
        assert_eq!((e.line, e.column), (7, 2), "{e}");
        // After a final line break serde_json says column 0: the column is where the text ends.
        let e = RulePack::parse("nl.json", "{\n  \"format\": \"telltale-rules/1\",\n").unwrap_err();
        assert_eq!((e.line, e.column), (3, 1), "a real column: {e}");
    }

    #[test]
    fn hostile_input_never_panics() {
        for text in ["", "null", "[]", "{", "\u{feff}{}", "{\"format\": 1}", &"[".repeat(10_000)] {
            assert!(RulePack::parse("h.json", text).is_err());
        }
    }
}
