//! One run's processing, as pure blocking functions: what the server's
//! workers, `quarry extract` and `quarry bench accuracy` all run, so the
//! three give the same answers by construction.
//!
//! A run's config is JSON on the wire and in the store. It is checked and
//! resolved **once** into a typed plan ([`ExtractPlan`], [`ParsePlan`]):
//! the same resolution validates a request before anything is stored and
//! drives the run later, so the two can never disagree. A plan plus the
//! run's file ([`Input`]) gives an [`Outcome`]: everything the store keeps
//! of a finished run (output or failure, the parse behind it, usage,
//! metrics), with no ids, timestamps or storage types. The crate never
//! touches the store or HTTP; model calls go through `quarry-llm`'s engines.

mod classify;
mod error;
mod extract;
mod outcome;
mod parse;
pub mod parse_config;
mod plan;
mod routing;
mod split;
mod usage;

pub use classify::{ClassifyPlan, run_classify};
pub use error::ConfigError;
pub use extract::{Extracted, extract_document, run_extract};
pub use outcome::{DerivedFile, Failure, Outcome, ParseOutcome};
pub use parse::run_parse;
pub use plan::{ExtractPlan, Input, PARSE_CONFIG, ParsePlan, with_defaults, with_overrides};
pub use routing::Routing;
pub use split::{SplitPlan, run_split};
pub use usage::{credits_per_page, page_usage, usage_for};
