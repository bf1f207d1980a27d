//! Telltale: a tracker auditor. This crate is the whole brain: the browser
//! extension runs it as WebAssembly, the `telltale` CLI runs it natively.
//!
//! Where things are, in layers from the bottom up (a module uses only its
//! own layer and those below, with no circle; `tests/layers.rs` checks it):
//! 1. Site and observations
//!    - [`error`]: [`InputError`], the one located error of every reader of files and text.
//!    - [`site`]: hostname → registrable domain (Public Suffix List); first vs third party.
//!    - [`observe`]: browser events, normalised once at the boundary.
//! 2. Rules
//!    - [`rules`]: rule packs (format v1) and their checks, the compiled index, the default-pack generator.
//! 3. Judgements
//!    - [`evidence`]: why a verdict says what it says.
//!    - [`behaviour`]: what scripts were seen doing (session replay, key logging, fingerprinting).
//!    - [`learn`]: heuristics that find trackers no list names.
//!    - [`classify`]: an observation + rules + learned state → [`Verdict`] with evidence.
//!    - [`sync`]: cookie syncing, from salted hashes of identifier-like cookie values.
//! 4. State
//!    - [`graph`]: the petgraph tracker graph and its queries.
//!    - [`policy`]: the user's choices (block, allow, trust, opt out) → declarativeNetRequest rules and opt-out actions.
//!    - [`audit`]: the [`Auditor`], the one door for embedders.
//! 5. Outputs
//!    - [`report`]: per-page and cross-site summaries for people.
//!    - [`view`]: the graph page's filtered, styled graph and details panel.
//!    - [`export`]: one writer per format (Telltale JSON, GEXF, GraphML, DOT, CSV, interactive HTML).
//!    - [`site_report`]: what one site did, with evidence and how it was measured, as self-contained HTML.
//!    - [`store`]: versioned snapshots of learned state.
//! 6. Front doors
//!    - [`har`]: HAR files read as a stream and fed to an auditor.
//!    - `run` (native only): an audit of many inputs, its pages written as they close.
//!    - `openwpm` (native only): OpenWPM crawls (SQLite, Parquet) read visit by visit into a run.
//!    - `input` (native only): any input (a HAR or a crawl) read into a run.
//!    - `python` (feature `python`): the Python package's classifier and audit.
//!    - `wasm` (wasm32 only): the wasm-bindgen facade.

pub mod audit;
pub mod behaviour;
pub mod classify;
pub mod error;
pub mod evidence;
pub mod export;
pub mod graph;
pub mod har;
#[cfg(not(target_arch = "wasm32"))]
mod input;
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
pub use error::InputError;
pub use rules::{Category, RulePack};
pub use site::{Host, Site};
