//! Telltale: a tracker auditor. This crate is the whole brain: the browser
//! extension runs it as WebAssembly, the `telltale` CLI runs it natively.
//!
//! Where things are:
//! - [`site`]: hostname → registrable domain (Public Suffix List); first vs third party.
//! - [`observe`]: browser events, normalised once at the boundary.
//! - [`rules`]: rule packs (format v1), located load errors, the compiled index, the default-pack generator.
//! - [`classify`]: an observation + rules + learned state → [`Verdict`] with evidence.
//! - [`learn`]: heuristics that find trackers no list names.
//! - [`sync`]: cookie syncing, from salted hashes of identifier-like cookie values.
//! - [`graph`]: the petgraph tracker graph and its queries.
//! - [`export`]: one writer per format (Telltale JSON, GEXF, GraphML, DOT, CSV).
//! - [`audit`]: the [`Auditor`], the one door for embedders.
//! - [`policy`]: the user's choices (block, allow, trust, opt out) → declarativeNetRequest rules and opt-out actions.
//! - [`report`]: per-page and cross-site summaries for people.
//! - [`site_report`]: what one site did, with evidence and how it was measured, as self-contained HTML.
//! - [`har`]: HAR files read as a stream and fed to an auditor.
//! - `openwpm` (native only): OpenWPM crawls (SQLite) read visit by visit and fed to an auditor.
//! - `python` (feature `python`): the Python package's classifier and audit.
//! - [`store`]: versioned snapshots of learned state.
//! - [`view`]: the graph page's filtered, styled graph and details panel.
//! - `wasm` (wasm32 only): the wasm-bindgen facade.

pub mod audit;
pub mod behaviour;
pub mod classify;
pub mod export;
pub mod graph;
pub mod har;
pub mod learn;
pub mod observe;
#[cfg(not(target_arch = "wasm32"))]
pub mod openwpm;
#[cfg(all(feature = "python", not(target_arch = "wasm32")))]
mod python;
pub mod policy;
pub mod report;
#[cfg(not(target_arch = "wasm32"))]
pub mod run;
pub mod rules;
pub mod site;
pub mod site_report;
pub mod store;
pub mod sync;
pub mod view;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use audit::{Auditor, PageReport, ThirdParty};
pub use classify::{Evidence, Verdict};
pub use export::Format;
pub use graph::TrackerGraph;
pub use observe::{Observation, RawEvent};
pub use rules::{Category, PackError, RulePack};
pub use site::{Host, Site};
