//! Rule packs: the v1 JSON format, loading with located errors, and the
//! compiled index the classifier queries.
//!
//! - `category.rs`: Telltale's categories, their stable ids.
//! - `pack.rs`: the format's types (sources, entities, patterns, opt-outs, the pack).
//! - `check.rs`: a pack read from text and checked, errors located.
//! - `index.rs`: the compiled index; `filters.rs` and `tds.rs`: filter lists
//!   in Brave's engine and tracker lists in DuckDuckGo's shape.
//! - `import/`, `compiled.rs`, `manage.rs`, `build.rs`: importers, the
//!   binary form, info and merge, the default-pack generator.
//!
//! A pack is data. Every entity names a source declared in the pack's
//! `sources`; nothing in a pack is a fact without one. The schema is
//! `rules/telltale-rules-v1.schema.json`.

pub mod build;
pub mod compiled;
pub mod filters;
pub mod import;
mod category;
mod check;
mod index;
mod manage;
mod pack;
pub mod tds;

pub use category::{merge_categories, Category};
pub use check::{read_text, MAX_PACK_BYTES};
pub use filters::FilterList;
pub(crate) use pack::domain_problem;
pub use pack::{CategoryDef, DomainName, Entity, IdsFrom, OptOut, PrivacySignal, RulePack, Source, UrlPattern};
pub use index::{FilterMatch, ListDecision, Match, PatternRef, RuleIndex};
pub use tds::TrackerList;
pub use manage::{info, merge, summary, summary_counted, Summary, TrackerListCounts};

/// The format tag every v1 pack carries in `"format"`.
pub const FORMAT_V1: &str = "telltale-rules/1";

/// The default pack, built from public data by `telltale rules build` (see rules/README.md).
pub const DEFAULT_PACK: &str = include_str!("../../rules/default.json");
pub const DEFAULT_PACK_NAME: &str = "rules/default.json";

/// The default pack's filter-list layer: EasyPrivacy, imported by `telltale
/// rules import --from abp` (rules/README.md). Native builds embed it; the
/// extension ships it compiled (`rules/easyprivacy.ttpack`) and loads that.
#[cfg(not(target_arch = "wasm32"))]
pub const DEFAULT_FILTERS: &str = include_str!("../../rules/easyprivacy.json");
pub const DEFAULT_FILTERS_NAME: &str = "rules/easyprivacy.json";

/// The default pack's advertising layer: EasyList's sections for third-party
/// ad servers and their exceptions ([`EASYLIST_SECTIONS`]), imported the same
/// way. Loaded before EasyPrivacy, so a request both block is EasyPrivacy's.
/// The extension ships it compiled too (`rules/easylist.ttpack`).
#[cfg(not(target_arch = "wasm32"))]
pub const DEFAULT_AD_FILTERS: &str = include_str!("../../rules/easylist.json");
pub const DEFAULT_AD_FILTERS_NAME: &str = "rules/easylist.json";
/// The sections of EasyList the advertising layer takes: ad servers and
/// third-party ad paths, general and adult, with the allowlists that lift
/// their blocks on sites they would break. Element hiding, popups and the
/// generic first-party path rules are left out.
pub const EASYLIST_SECTIONS: [&str; 6] = ["easylist_adservers", "adult_adservers", "easylist_thirdparty", "adult_thirdparty", "easylist_allowlist", "adult_allowlist"];

impl RulePack {
    /// Parses the embedded default pack without the located checks of
    /// [`RulePack::parse`]: the test suite runs those on it, and the
    /// extension's start-up is faster without them.
    pub fn default_pack() -> RulePack {
        serde_json::from_str(DEFAULT_PACK).expect("the default pack is checked by the test suite")
    }

    /// The default pack's EasyPrivacy layer, parsed like [`RulePack::default_pack`].
    #[cfg(not(target_arch = "wasm32"))]
    pub fn default_filters() -> RulePack {
        serde_json::from_str(DEFAULT_FILTERS).expect("the default filter layer is checked by the test suite")
    }

    /// The default pack's EasyList advertising layer, parsed the same way.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn default_ad_filters() -> RulePack {
        serde_json::from_str(DEFAULT_AD_FILTERS).expect("the default advertising layer is checked by the test suite")
    }
}
