//! `quarry-extract` turns a parsed [`quarry_parse::Document`] plus an
//! ExtractConfig into the wire output `{value, metadata}` of an Extend
//! ExtractRun (API 2026-02-09).
//!
//! It owns three things and nothing else (no HTTP, no store):
//! - the **config gate**: [`validate_config`] / [`validate_schema`] enforce the
//!   schema dialect (§8.5) with Extend-style `…; Path: schema.properties.x` errors;
//! - the **output gate**: [`validate_output`] checks every PROCESSED value
//!   against its schema with the `jsonschema` crate;
//! - the **engines** behind the [`Engine`] trait, chosen by [`engine_for`]. Today
//!   that is the offline [`RulesEngine`]; schema-less runs use [`infer_schema`].

mod config;
pub mod engine;
pub mod infer;
mod layout;
mod output;
mod pairs;
pub mod rules;
pub mod schema;
mod values;

pub use config::{BASE_PROCESSORS, validate_config};
pub use engine::{CitationMode, Engine, ExtractError, ExtractOutput, ExtractRequest};
pub use infer::infer_schema;
pub use output::{OutputError, validate_output};
pub use rules::RulesEngine;
pub use schema::{
    MAX_OBJECT_DEPTH, MAX_PROPERTIES, MAX_SCHEMA_BYTES, SchemaError, validate_schema,
};

/// The engine serving a config's `baseProcessor`.
///
/// Every value (`extraction_performance`, `extraction_light`,
/// `extraction_operator`, or none) maps to the [`RulesEngine`] for now; LLM
/// engines will be selected here later, behind the same [`Engine`] trait, so
/// callers never change.
pub fn engine_for(base_processor: Option<&str>) -> Box<dyn Engine> {
    match base_processor {
        Some(_) | None => Box::new(RulesEngine),
    }
}
