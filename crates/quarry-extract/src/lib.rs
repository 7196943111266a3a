//! `quarry-extract` turns a parsed [`quarry_parse::Document`] plus an
//! ExtractConfig into the wire output `{value, metadata}` of an Extend
//! ExtractRun (API 2026-02-09).
//!
//! It owns three things and nothing else (no HTTP, no store):
//! - the **config gate**: [`validate_config`] / [`validate_schema`] enforce the
//!   schema dialect (§8.5) with Extend-style `…; Path: schema.properties.x` errors;
//! - the **output gate**: [`validate_output`] checks every PROCESSED value
//!   against its schema with the `jsonschema` crate;
//! - the **engines** behind the [`Engine`] trait: the offline [`RulesEngine`]
//!   ([`engine_for`]); schema-less runs use [`infer_schema`]. Model-backed
//!   engines implement the same trait in `quarry-llm`, reusing [`citation`].

pub mod calibration;
pub mod citation;
mod config;
pub mod einvoice;
pub mod engine;
pub mod infer;
mod layout;
mod output;
mod pairs;
pub mod rules;
pub mod schema;
mod values;

pub use config::{BASE_PROCESSORS, validate_config};
pub use engine::{
    CitationMode, Engine, ExtractError, ExtractOutput, ExtractRequest, Extraction, TokenUsage,
};
pub use infer::infer_schema;
pub use output::{OutputError, validate_output};
pub use rules::{
    Analysis, FEATURE_NAMES, FieldFeatures, FieldKnowledge, RulesEngine, field_knowledge,
};
pub use schema::{
    MAX_OBJECT_DEPTH, MAX_PROPERTIES, MAX_SCHEMA_BYTES, SchemaError, validate_schema,
};

/// The offline engine serving a config's `baseProcessor`.
///
/// Every value (`extraction_performance`, `extraction_light`,
/// `extraction_operator`, or none) maps to the [`RulesEngine`]. Model-backed
/// engines live in `quarry-llm` (this crate stays free of network code);
/// `quarry_llm::Engines` picks between them and this one when a model is
/// configured.
pub fn engine_for(base_processor: Option<&str>) -> Box<dyn Engine> {
    match base_processor {
        Some(_) | None => Box::new(RulesEngine),
    }
}
