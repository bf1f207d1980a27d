//! The wasm-bindgen facade: the only Rust that knows JavaScript exists.
//! Values cross the boundary as JSON text (events in, reports out), so the
//! JavaScript side stays plain objects and the contract stays in one place.

use wasm_bindgen::prelude::*;

use crate::export::{export, json, Format};
use crate::observe::RawEvent;
use crate::site::Host;

/// The auditor as JavaScript sees it.
#[wasm_bindgen(js_name = Auditor)]
pub struct WasmAuditor {
    inner: crate::Auditor,
}

fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|e| format!("{{\"error\":{:?}}}", e.to_string()))
}

/// A salt for cookie-sync hashes from the browser's `crypto.getRandomValues`
/// (made anew each time the worker starts the core).
fn browser_salt() -> crate::sync::Salt {
    use wasm_bindgen::JsCast;
    let bytes = js_sys::Uint8Array::new_with_length(16);
    let crypto = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("crypto")).ok().filter(|c| c.is_object());
    let filled = crypto.as_ref().and_then(|c| {
        let f = js_sys::Reflect::get(c, &JsValue::from_str("getRandomValues")).ok()?;
        f.dyn_ref::<js_sys::Function>()?.call1(c, &bytes).ok()
    });
    let mut b = [0u8; 16];
    if filled.is_some() {
        bytes.copy_to(&mut b);
    } else {
        // No Web Crypto (not a browser): the clock and Math.random, still different each start.
        let x = (js_sys::Math::random() * 2f64.powi(52)) as u64 ^ (js_sys::Date::now() as u64).rotate_left(17);
        let y = (js_sys::Math::random() * 2f64.powi(52)) as u64;
        b[..8].copy_from_slice(&x.to_le_bytes());
        b[8..].copy_from_slice(&y.to_le_bytes());
    }
    crate::sync::Salt::from_bytes(b)
}

impl WasmAuditor {
    fn salted(mut inner: crate::Auditor) -> WasmAuditor {
        inner.set_salt(browser_salt());
        WasmAuditor { inner }
    }
}

#[wasm_bindgen(js_class = Auditor)]
impl WasmAuditor {
    /// An auditor with the default rule pack loaded and the suffix list parsed.
    #[wasm_bindgen(constructor)]
    pub fn new() -> WasmAuditor {
        crate::site::warm_up();
        WasmAuditor::salted(crate::Auditor::with_default_pack())
    }

    /// An auditor with no rule packs.
    pub fn empty() -> WasmAuditor {
        WasmAuditor::salted(crate::Auditor::new())
    }

    /// The learning rule's threshold: first-party sites on which a third
    /// party no pack names must show tracking behaviour (a setting).
    #[wasm_bindgen(js_name = setLearnSites)]
    pub fn set_learn_sites(&mut self, n: u32) {
        self.inner.set_learn_min_sites(n as usize);
    }

    /// Loads a rule list (a pack, or a list the core imports); returns its
    /// summary (`rules::Summary`: name, version, licence, counts, sources) or
    /// throws a located error.
    #[wasm_bindgen(js_name = loadPack)]
    pub fn load_pack(&mut self, file: &str, text: &str) -> Result<String, JsError> {
        let p = self.inner.load_pack(file, text).map_err(|e| JsError::new(&e.to_string()))?;
        Ok(to_json(p))
    }

    /// The filter that blocks a request (`url` of webRequest `type`, from a
    /// page at `page_url`), as its list writes it, or `undefined`: the filter
    /// lists alone, without the auditor's state (benchmarks, cross-checks).
    #[wasm_bindgen(js_name = filterMatch)]
    pub fn filter_match(&self, url: &str, page_url: &str, resource_type: &str) -> Option<String> {
        let url = crate::observe::WebUrl::parse(url).ok()?;
        let page = crate::observe::WebUrl::parse(page_url).ok();
        let t = crate::observe::ResourceType::from_browser_name(resource_type);
        self.inner.rules().filter_match(&url, page.as_ref(), t).map(|m| m.filter)
    }

    /// Loads a compiled pack (`compilePack`'s bytes); with `expected_hash`
    /// (`textHash` of the pack's text), only if compiled from that text.
    /// Returns the summary, or throws (then compile the text again).
    #[wasm_bindgen(js_name = loadCompiled)]
    pub fn load_compiled(&mut self, bytes: &[u8], expected_hash: Option<u32>) -> Result<String, JsError> {
        let s = self.inner.load_compiled(bytes, expected_hash).map_err(|e| JsError::new(&e.to_string()))?;
        Ok(to_json(s))
    }

    /// Observes one event (a plain object as JSON). Returns
    /// `{"verdict": Verdict|null, "journal": event|null, "tabs": [tab]}`: the
    /// verdict for requests; the event as it may be stored (no cookie values,
    /// URLs cut, known identifiers taken out of them) for the extension's journal, `null` when it changed nothing;
    /// the tabs whose report (and so badge) changed. Throws for events that cannot be used (they are counted in stats).
    pub fn observe(&mut self, event_json: &str) -> Result<String, JsError> {
        let raw: RawEvent = serde_json::from_str(event_json).map_err(|e| JsError::new(&format!("event: {e}")))?;
        let v = self.inner.observe_raw(&raw).map_err(|e| JsError::new(&e.to_string()))?;
        let journal = raw.changes_state().then(|| self.inner.journal_form(&raw));
        Ok(to_json(&serde_json::json!({"verdict": v, "journal": journal, "tabs": self.inner.take_changed_tabs()})))
    }

    /// Observes a JSON array of events; returns how many were usable. Unusable ones are counted in stats.
    #[wasm_bindgen(js_name = observeBatch)]
    pub fn observe_batch(&mut self, events_json: &str) -> Result<u32, JsError> {
        let raws: Vec<serde_json::Value> = serde_json::from_str(events_json).map_err(|e| JsError::new(&format!("events: {e}")))?;
        let mut ok = 0;
        for r in raws {
            if let Ok(raw) = serde_json::from_value::<RawEvent>(r) {
                if self.inner.observe_raw(&raw).is_ok() {
                    ok += 1;
                }
            }
        }
        Ok(ok)
    }

    /// The current page of a tab, its third parties grouped by company (JSON), or `null`.
    #[wasm_bindgen(js_name = tabReport)]
    pub fn tab_report(&self, tab: f64) -> String {
        match self.inner.tab_report(tab as i64) {
            Some(r) => to_json(&crate::report::page(&self.inner, r)),
            None => "null".into(),
        }
    }

    /// Trackers on a tab's current page (the badge count).
    #[wasm_bindgen(js_name = trackerCount)]
    pub fn tracker_count(&self, tab: f64) -> u32 {
        self.inner.tab_report(tab as i64).map_or(0, |r| crate::report::page(&self.inner, r).trackers as u32)
    }

    /// Companies rolled up across sites (JSON array).
    pub fn companies(&self) -> String {
        to_json(&self.inner.graph().companies())
    }

    /// The `n` trackers with the largest reach (JSON array of nodes).
    #[wasm_bindgen(js_name = topTrackers)]
    pub fn top_trackers(&self, n: u32) -> String {
        to_json(&self.inner.graph().top_trackers(n as usize))
    }

    /// Trackers seen on a first-party site (JSON array of nodes).
    #[wasm_bindgen(js_name = trackersOn)]
    pub fn trackers_on(&self, site: &str) -> String {
        match crate::Site::of(site) {
            Ok(s) => to_json(&self.inner.graph().trackers_on(&s)),
            Err(_) => "[]".into(),
        }
    }

    /// How many of your sites a tracker saw you on.
    pub fn reach(&self, site: &str) -> u32 {
        crate::Site::of(site).map_or(0, |s| self.inner.graph().reach(&s) as u32)
    }

    /// Exports the graph: an array of `[fileName, text]` pairs (CSV gives two).
    pub fn export(&self, format: &str) -> Result<js_sys::Array, JsError> {
        let f: Format = format.parse().map_err(|e: String| JsError::new(&e))?;
        let out = js_sys::Array::new();
        for (name, body) in export(self.inner.graph(), f) {
            let pair = js_sys::Array::new();
            pair.push(&JsValue::from_str(&name));
            pair.push(&JsValue::from_str(&body));
            out.push(&pair);
        }
        Ok(out)
    }

    /// Merges nothing: replaces the graph with a Telltale JSON export (for viewing an import).
    #[wasm_bindgen(js_name = importGraph)]
    pub fn import_graph(&mut self, file: &str, text: &str) -> Result<(), JsError> {
        self.inner.graph = json::import(file, text).map_err(|e| JsError::new(&e.to_string()))?;
        Ok(())
    }

    /// The graph page's view: filtered (`{categories, since, site, trackers_only}`), styled (JSON).
    #[wasm_bindgen(js_name = graphView)]
    pub fn graph_view(&self, filters_json: &str) -> Result<String, JsError> {
        let f: crate::view::Filters = serde_json::from_str(filters_json).map_err(|e| JsError::new(&format!("filters: {e}")))?;
        Ok(to_json(&crate::view::graph_view(self.inner.graph(), &f)))
    }

    /// The interactive HTML export of the filtered view: `positions_json` is
    /// `{site: [x, y, size]}` as the page draws it, `viewer` the viewer's script,
    /// `made_ms` the time it is made.
    #[wasm_bindgen(js_name = interactiveHtml)]
    pub fn interactive_html(&self, filters_json: &str, positions_json: &str, viewer: &str, made_ms: f64) -> Result<String, JsError> {
        let f: crate::view::Filters = serde_json::from_str(filters_json).map_err(|e| JsError::new(&format!("filters: {e}")))?;
        let positions: crate::export::html::Positions = serde_json::from_str(positions_json).map_err(|e| JsError::new(&format!("positions: {e}")))?;
        let data = crate::view::interactive(self.inner.graph(), self.inner.rules(), self.inner.policy(), &f);
        Ok(crate::export::html::interactive_html(&data, Some(&positions), viewer, made_ms))
    }

    /// The details panel of one site (JSON), or `null`.
    #[wasm_bindgen(js_name = nodeDetails)]
    pub fn node_details(&self, site: &str) -> String {
        crate::Site::of(site).ok().and_then(|s| crate::view::node_details(self.inner.graph(), self.inner.rules(), self.inner.policy(), &s)).map_or_else(|| "null".into(), |d| to_json(&d))
    }

    /// The loaded packs' summaries (`rules::Summary`: name, version, licence, counts, sources), in load order (JSON).
    pub fn packs(&self) -> String {
        to_json(&self.inner.packs())
    }

    /// The learned state as JSON text.
    pub fn snapshot(&self) -> String {
        self.inner.snapshot()
    }

    /// "Export all": the snapshot with the user's choices in it.
    #[wasm_bindgen(js_name = exportAll)]
    pub fn export_all(&self) -> String {
        self.inner.export_all()
    }

    /// Restores an "export all" file (choices included); throws and changes nothing when it cannot be read.
    #[wasm_bindgen(js_name = importAll)]
    pub fn import_all(&mut self, text: &str) -> Result<(), JsError> {
        self.inner.import_all(text).map_err(|e| JsError::new(&e.to_string()))
    }

    /// What importing an "export all" file would replace, before anything
    /// changes (JSON [`crate::store::ImportSummary`]); throws as `importAll` would.
    #[wasm_bindgen(js_name = importSummary)]
    pub fn import_summary(&self, text: &str) -> Result<String, JsError> {
        self.inner.import_summary(text).map(|s| to_json(&s)).map_err(|e| JsError::new(&e.to_string()))
    }

    /// Restores a snapshot; throws (and changes nothing) when it is corrupt or unknown.
    pub fn restore(&mut self, text: &str) -> Result<(), JsError> {
        self.inner.restore(text).map_err(|e| JsError::new(&e.to_string()))
    }

    /// Counters of what came in and what could not be used (JSON).
    pub fn stats(&self) -> String {
        to_json(self.inner.stats())
    }

    /// Probe signals by page and script (JSON).
    pub fn signals(&self) -> String {
        to_json(self.inner.signals())
    }

    /// Loads stored choices (`telltale-choices` JSON); returns what was kept
    /// aside as unreadable (JSON array). Throws, changing nothing, when the
    /// text is not a choices document at all.
    #[wasm_bindgen(js_name = setPolicy)]
    pub fn set_policy(&mut self, text: &str) -> Result<String, JsError> {
        let p = crate::policy::Policy::from_json(text).map_err(|e| JsError::new(&e.to_string()))?;
        let aside = to_json(&p.kept_aside());
        self.inner.set_policy(p);
        Ok(aside)
    }

    /// The choices as they are stored (JSON).
    #[wasm_bindgen(js_name = policyState)]
    pub fn policy_state(&self) -> String {
        self.inner.policy().to_json()
    }

    /// Carries out a click (`{"do": "block", "site": ...}`, see `policy::Intent`)
    /// from `tab`; returns `{label, open}` (the action in words, vendor pages
    /// to open for the user), or throws the reason it cannot be done.
    pub fn act(&mut self, intent_json: &str, tab: f64, time: f64) -> Result<String, JsError> {
        let intent: crate::policy::Intent = serde_json::from_str(intent_json).map_err(|e| JsError::new(&format!("action: {e}")))?;
        let label = self.inner.act(&intent, tab as i64, time).map_err(|e| JsError::new(&e.0))?;
        Ok(to_json(&serde_json::json!({"label": label, "open": self.inner.pages_to_open(&intent)})))
    }

    /// What the choices come to for this browser (`Capabilities` JSON):
    /// rules, page scripts, opt-out cookies and pages, what could not be applied.
    #[wasm_bindgen(js_name = compilePolicy)]
    pub fn compile_policy(&self, caps_json: &str) -> Result<String, JsError> {
        let caps: crate::policy::Capabilities = serde_json::from_str(caps_json).map_err(|e| JsError::new(&format!("capabilities: {e}")))?;
        Ok(to_json(&self.inner.compile_policy(&caps)))
    }

    /// The choices in force, each with its key and words (the options page's list).
    pub fn choices(&self) -> String {
        let list: Vec<serde_json::Value> =
            self.inner.policy().chosen().iter().map(|c| serde_json::json!({"key": c.choice.key(), "label": c.choice.label(), "choice": c.choice, "time": c.time})).collect();
        to_json(&list)
    }

    /// The popup's buttons for a tab's page (`report::PageControls` JSON), or `null`.
    pub fn controls(&self, tab: f64) -> String {
        match self.inner.tab_report(tab as i64) {
            Some(r) => to_json(&crate::report::controls(&self.inner, tab as i64, &crate::report::page(&self.inner, r))),
            None => "null".into(),
        }
    }

    /// The trackers the heuristics found and no loaded pack names, as a rule pack (JSON text).
    #[wasm_bindgen(js_name = learnedPack)]
    pub fn learned_pack(&self, version: &str) -> String {
        crate::rules::build::to_json_lines(&self.inner.learned_pack("this browser", version))
    }

    /// Forgets everything last seen before `cutoff` (ms since epoch).
    /// What `site` did, as one self-contained HTML document (`undefined` when
    /// Telltale never saw the site); `user_agent` names the browser in it.
    #[wasm_bindgen(js_name = siteReport)]
    pub fn site_report(&self, site: &str, user_agent: &str) -> Option<String> {
        let site = Host::parse(site).ok()?.site();
        let measured = crate::site_report::Measured { browser: crate::site_report::browser_of_user_agent(user_agent), inputs: vec![] };
        crate::site_report::site_report(&self.inner, &site, &measured).map(|r| crate::site_report::to_html(&r))
    }

    #[wasm_bindgen(js_name = forgetBefore)]
    pub fn forget_before(&mut self, cutoff: f64) {
        self.inner.forget_before(cutoff);
    }
}

impl Default for WasmAuditor {
    fn default() -> Self {
        WasmAuditor::new()
    }
}

/// The change from the DNR rules in force (`getDynamicRules`, JSON) to the
/// compiled ones: `{removeRuleIds, addRules}` for `updateDynamicRules`.
#[wasm_bindgen(js_name = rulesDiff)]
pub fn rules_diff(current_json: &str, wanted_json: &str) -> Result<String, JsError> {
    let current: Vec<crate::policy::DnrRule> = serde_json::from_str(current_json).map_err(|e| JsError::new(&format!("rules in force: {e}")))?;
    let wanted: Vec<crate::policy::DnrRule> = serde_json::from_str(wanted_json).map_err(|e| JsError::new(&format!("rules: {e}")))?;
    Ok(to_json(&crate::policy::diff(&current, &wanted)))
}

/// The change from the registered page scripts (`getRegisteredContentScripts`)
/// to the compiled ones: `{unregister: [id], register: [script]}`.
#[wasm_bindgen(js_name = scriptsDiff)]
pub fn scripts_diff(current_json: &str, wanted_json: &str) -> Result<String, JsError> {
    let current: Vec<serde_json::Value> = serde_json::from_str(current_json).map_err(|e| JsError::new(&format!("scripts in force: {e}")))?;
    let wanted: Vec<crate::policy::PageScript> = serde_json::from_str(wanted_json).map_err(|e| JsError::new(&format!("scripts: {e}")))?;
    Ok(to_json(&crate::policy::diff_scripts(&current, &wanted)))
}

/// The domains whose cookies and site data "Forget me" removes, from compiled choices (JSON array).
#[wasm_bindgen(js_name = forgetDomains)]
pub fn forget_domains(compiled_json: &str) -> Result<String, JsError> {
    let c: crate::policy::Compiled = serde_json::from_str(compiled_json).map_err(|e| JsError::new(&format!("compiled: {e}")))?;
    Ok(to_json(&crate::policy::forget_domains(&c)))
}

/// The js-flag page scripts the default pack calls for: `[[id, script text]]`
/// (the extension build writes each to `injected/flags/<id>.js`).
/// Compiles a rule list in any format Telltale reads into its binary form
/// (for `Auditor.loadCompiled`), or throws a located error.
#[wasm_bindgen(js_name = compilePack)]
pub fn compile_pack(file: &str, text: &str) -> Result<Vec<u8>, JsError> {
    let imported = crate::rules::import::parse_any(file, text).map_err(|e| JsError::new(&e.to_string()))?;
    Ok(crate::rules::compiled::compile(&imported.pack, text))
}

/// The content hash a compiled pack carries for its text.
#[wasm_bindgen(js_name = textHash)]
pub fn text_hash(text: &str) -> u32 {
    crate::rules::compiled::text_hash(text)
}

#[wasm_bindgen(js_name = flagScripts)]
pub fn flag_scripts() -> String {
    let mut ix = crate::rules::RuleIndex::new();
    ix.add(&crate::rules::RulePack::default_pack());
    to_json(&crate::policy::flag_scripts(&ix).into_iter().collect::<Vec<_>>())
}

/// Every category: `[{id, name, description, color, tracking}]` (JSON), for legends and chips.
#[wasm_bindgen(js_name = categoryInfo)]
pub fn category_info() -> String {
    let defs = crate::rules::build::category_definitions();
    to_json(
        &defs
            .iter()
            .map(|d| {
                serde_json::json!({
                    "id": d.id.id(),
                    "name": d.name,
                    "description": d.description,
                    "color": crate::view::category_colour(d.id.id()),
                    "tracking": d.id.is_tracking(),
                })
            })
            .collect::<Vec<_>>(),
    )
}

/// The site (registrable domain) of a hostname, or `undefined` when it is not a hostname.
#[wasm_bindgen(js_name = siteOf)]
pub fn site_of(host: &str) -> Option<String> {
    Host::parse(host).ok().map(|h| h.site().as_str().to_owned())
}

/// The registrable domain (eTLD+1) of each newline-separated hostname, one per
/// line, empty where there is none. One call for many hosts keeps the
/// boundary crossing out of the per-host cost.
#[wasm_bindgen(js_name = registrableDomains)]
pub fn registrable_domains(hosts: &str) -> String {
    let mut out = String::with_capacity(hosts.len());
    for (i, h) in hosts.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        crate::site::with_registrable_domain(h, |d| {
            if let Some(d) = d {
                out.push_str(d);
            }
        });
    }
    out
}
