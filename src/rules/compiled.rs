//! Packs in a compiled, binary form: what the service worker loads instead
//! of parsing a big filter list at every start.
//!
//! Layout (integers little-endian):
//!
//! ```text
//! "TTPK" | u16 layout version | u16 n + n bytes: the Telltale version that wrote it
//! | u32 content hash of the pack's text | u32 n + n bytes: the pack as JSON, filters left out
//! | u32 n + n bytes: Brave's engine, serialised (empty when the pack has no filter list)
//! ```
//!
//! A compiled pack is only read by the Telltale version that wrote it, and
//! only stands for the text whose hash it carries: anything else is refused
//! (the caller compiles the text again), never half-read.

use super::filters::{FilterLayer, LayerList};
use super::{import::content_hash, RulePack};
use crate::error::InputError;

const MAGIC: &[u8; 4] = b"TTPK";
const LAYOUT: u16 = 1;

/// What a compiled pack's errors name as their file.
const FILE: &str = "compiled pack";

fn refused(message: impl Into<String>) -> InputError {
    InputError::whole(FILE, message)
}

/// The hash a compiled pack carries for its source text.
pub fn text_hash(text: &str) -> u32 {
    content_hash(text.strip_prefix('\u{feff}').unwrap_or(text))
}

/// Compiles a checked pack read from `text`.
pub fn compile(pack: &RulePack, text: &str) -> Vec<u8> {
    let layer = (!pack.filter_lists.is_empty()).then(|| FilterLayer::build(&pack.name, &pack.filter_lists, &pack.sources));
    to_bytes(pack, layer.as_ref(), text_hash(text))
}

/// Writes the binary form of a pack and its compiled layer.
pub fn to_bytes(pack: &RulePack, layer: Option<&FilterLayer>, hash: u32) -> Vec<u8> {
    let mut head = pack.clone();
    let counts: Vec<usize> = head.filter_lists.iter_mut().map(|l| std::mem::take(&mut l.filters).len()).collect();
    let json = serde_json::to_vec(&(head, counts)).expect("a pack serialises");
    let engine = layer.map(FilterLayer::engine_bytes).unwrap_or_default();
    let version = env!("CARGO_PKG_VERSION").as_bytes();
    let mut out = Vec::with_capacity(16 + version.len() + json.len() + engine.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&LAYOUT.to_le_bytes());
    out.extend_from_slice(&(version.len() as u16).to_le_bytes());
    out.extend_from_slice(version);
    out.extend_from_slice(&hash.to_le_bytes());
    out.extend_from_slice(&(json.len() as u32).to_le_bytes());
    out.extend_from_slice(&json);
    out.extend_from_slice(&(engine.len() as u32).to_le_bytes());
    out.extend_from_slice(&engine);
    out
}

/// A compiled pack, read back: the pack (its filter lists without their
/// filters), how many filters each list had, and the compiled layer.
#[derive(Debug)]
pub struct Loaded {
    pub pack: RulePack,
    pub filter_counts: Vec<usize>,
    pub layer: Option<FilterLayer>,
    pub hash: u32,
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], InputError> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.b.len()).ok_or_else(|| refused(format!("cut short in its {what}")))?;
        let s = &self.b[self.at..end];
        self.at = end;
        Ok(s)
    }
    fn u16(&mut self, what: &str) -> Result<u16, InputError> {
        Ok(u16::from_le_bytes(self.take(2, what)?.try_into().expect("2 bytes")))
    }
    fn u32(&mut self, what: &str) -> Result<u32, InputError> {
        Ok(u32::from_le_bytes(self.take(4, what)?.try_into().expect("4 bytes")))
    }
}

/// Reads a compiled pack; `expected_hash`, when given, is the hash of the
/// text it must stand for.
pub fn from_bytes(bytes: &[u8], expected_hash: Option<u32>) -> Result<Loaded, InputError> {
    let mut r = Reader { b: bytes, at: 0 };
    if r.take(4, "header").ok() != Some(&MAGIC[..]) {
        return Err(refused("not one Telltale compiled (no TTPK header)"));
    }
    let layout = r.u16("header")?;
    let n = r.u16("header")? as usize;
    let version = r.take(n, "header")?;
    if layout != LAYOUT || version != env!("CARGO_PKG_VERSION").as_bytes() {
        return Err(refused(format!(
            "compiled by Telltale {} (layout {layout}); this is {} (layout {LAYOUT}): compile it again",
            String::from_utf8_lossy(version),
            env!("CARGO_PKG_VERSION")
        )));
    }
    let hash = r.u32("header")?;
    if let Some(want) = expected_hash.filter(|&w| w != hash) {
        return Err(refused(format!("compiled from another text (hash {hash:08x}, expected {want:08x}): compile it again")));
    }
    let n = r.u32("pack")? as usize;
    let json = r.take(n, "pack")?;
    let (pack, filter_counts): (RulePack, Vec<usize>) = serde_json::from_slice(json).map_err(|e| refused(format!("corrupt: {e}")))?;
    let n = r.u32("engine")? as usize;
    let engine = r.take(n, "engine")?;
    if r.at != bytes.len() {
        return Err(refused("bytes after its end"));
    }
    if filter_counts.len() != pack.filter_lists.len() {
        return Err(refused("corrupt: filter counts do not match its lists"));
    }
    let layer = if pack.filter_lists.is_empty() {
        None
    } else {
        let lists = pack
            .filter_lists
            .iter()
            .zip(&filter_counts)
            .map(|(l, &filters)| {
                let mut categories = l.categories.clone();
                categories.sort();
                categories.dedup();
                LayerList { name: l.name.clone(), categories, source: pack.sources.get(&l.source).cloned().unwrap_or(super::Source { name: l.source.clone(), url: None, license: None }), filters }
            })
            .collect();
        Some(FilterLayer::from_bytes(pack.name.clone(), lists, engine).ok_or_else(|| refused("its filter engine is corrupt"))?)
    };
    Ok(Loaded { pack, filter_counts, layer, hash })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PACK: &str = r#"{"format": "telltale-rules/1", "name": "t", "version": "1", "license": "CC0-1.0",
      "sources": {"s": {"name": "S"}},
      "entities": [{"name": "One", "domains": ["one.example"], "categories": ["analytics"], "source": "s"}],
      "filter_lists": [{"name": "L", "source": "s", "categories": ["tracking"], "filters": ["||pixel.example^", "/beacon.gif"]}]}"#;

    #[test]
    fn a_compiled_pack_reads_back_and_refuses_what_it_is_not() {
        let p = RulePack::parse("t.json", PACK).unwrap();
        let bytes = compile(&p, PACK);
        let l = from_bytes(&bytes, Some(text_hash(PACK))).unwrap();
        assert_eq!(l.pack.entities, p.entities);
        assert_eq!(l.filter_counts, [2]);
        let layer = l.layer.unwrap();
        let req = crate::rules::filters::engine_request(
            &crate::observe::WebUrl::parse("https://cdn.example/beacon.gif?x=1").unwrap(),
            Some(&crate::observe::WebUrl::parse("https://news.example/").unwrap()),
            crate::observe::ResourceType::Image,
        );
        assert_eq!(layer.check(&req).unwrap().filter, "/beacon.gif");
        // Another text, a cut, a stranger's bytes, a trailing byte: refused with a reason.
        assert!(from_bytes(&bytes, Some(text_hash("other"))).unwrap_err().message.contains("another text"));
        for cut in [0, 3, 10, bytes.len() / 2, bytes.len() - 1] {
            assert!(from_bytes(&bytes[..cut], None).is_err(), "cut at {cut}");
        }
        assert!(from_bytes(b"<html>not found</html>", None).unwrap_err().message.contains("TTPK"));
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(from_bytes(&longer, None).is_err());
        let mut other_version = bytes.clone();
        other_version[8] ^= 1;
        assert!(from_bytes(&other_version, None).unwrap_err().message.contains("compile it again"));
    }
}
