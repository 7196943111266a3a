//! The seam between the server and whatever fills a schema from a document.
//!
//! The worker loop only knows [`Engine`]: it hands over a parsed
//! [`Document`] and an [`ExtractRequest`] and gets back the wire-shaped
//! [`ExtractOutput`] (`{"value": …, "metadata": {…}}`, spec §8.7) or an
//! [`ExtractError`] whose [`ExtractError::failure_reason`] is the documented
//! `failureReason` of a FAILED run. Engines never see HTTP, the store or ids
//! other than the optional `fileId` echoed in citations.

use std::borrow::Cow;

use quarry_parse::Document;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// An extraction engine. Implementations must be deterministic for a given
/// document and request, and must only return outputs that pass
/// [`crate::validate_output`] against the schema they used.
pub trait Engine: Send + Sync {
    /// A short stable name for logs and usage records (e.g. `"rules"`).
    fn name(&self) -> &'static str;

    /// Fills the request's schema (or an inferred one when it has none) from `doc`.
    fn extract(
        &self,
        doc: &Document,
        request: &ExtractRequest,
    ) -> Result<ExtractOutput, ExtractError>;

    /// [`Engine::extract`] plus what the run cost in model tokens, for the
    /// run's `usage`. Engines that call a model override it; offline engines
    /// keep this default, which reports no tokens.
    fn extract_metered(
        &self,
        doc: &Document,
        request: &ExtractRequest,
    ) -> Result<Extraction, ExtractError> {
        Ok(Extraction {
            output: self.extract(doc, request)?,
            tokens: None,
        })
    }
}

/// An [`ExtractOutput`] with the model tokens spent on it (`None` for
/// engines that use no model).
#[derive(Debug, Clone, PartialEq)]
pub struct Extraction {
    pub output: ExtractOutput,
    pub tokens: Option<TokenUsage>,
}

/// Tokens a model-backed engine consumed over one run, summed over every
/// request (chunks, continuations and retried attempts that returned a body).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TokenUsage {
    /// The model that was asked, as configured.
    pub model: String,
    pub input_tokens: u64,
    pub output_tokens: u64,
    /// Completed model requests.
    pub requests: u64,
}

/// How precisely citations point at the source (`advancedOptions.citationMode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CitationMode {
    /// One citation per source line; the polygon covers the value words.
    #[default]
    Line,
    /// One citation per value word.
    Word,
    /// One citation per text block (lines without a blank line between them).
    Block,
}

impl CitationMode {
    /// Parses the wire value (`line`, `word`, `block`).
    pub fn from_wire(value: &str) -> Option<Self> {
        match value {
            "line" => Some(Self::Line),
            "word" => Some(Self::Word),
            "block" => Some(Self::Block),
            _ => None,
        }
    }
}

/// Everything an engine needs from an ExtractConfig, already resolved
/// (extractor version merged with `overrideConfig`, defaults applied).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExtractRequest {
    /// The dialect schema (§8.5); `None` asks the engine to infer one.
    pub schema: Option<Value>,
    /// Natural-language rules; the rules engine does not interpret them.
    pub extraction_rules: Option<String>,
    /// `advancedOptions.citationsEnabled`.
    pub citations_enabled: bool,
    /// `advancedOptions.citationMode`.
    pub citation_mode: CitationMode,
    /// The file id echoed as `fileId` in citations.
    pub file_id: Option<String>,
    /// `advancedOptions.chunkingOptions.pageChunkSize`: pages per model
    /// request for engines that chunk; `None` leaves it to the engine.
    pub page_chunk_size: Option<usize>,
    /// `advancedOptions.chunkingOptions.chunkingStrategy` is `semantic`:
    /// chunks end where a section begins rather than after a fixed count.
    pub semantic_chunks: bool,
}

impl ExtractRequest {
    /// The schema to fill: the request's, checked against the dialect, or
    /// one inferred from `doc` when the request has none. Every engine
    /// starts here, so they agree on what an absent schema means.
    pub fn schema_for(&self, doc: &Document) -> Result<Cow<'_, Value>, ExtractError> {
        match &self.schema {
            Some(schema) => {
                crate::validate_schema(schema)?;
                Ok(Cow::Borrowed(schema))
            }
            None => Ok(Cow::Owned(crate::infer_schema(doc)?)),
        }
    }
}

/// The `output` of a PROCESSED ExtractRun: `{"value": …, "metadata": {…}}`.
///
/// `metadata` is keyed by field path (`vendor.name`, `line_items[0].amount`)
/// and always serialized, even when empty, so SDKs resolve the JSON variant
/// of their output union.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExtractOutput {
    pub value: Value,
    pub metadata: Map<String, Value>,
}

/// Why an extraction failed; each variant maps to one documented
/// `failureReason` via [`ExtractError::failure_reason`].
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExtractError {
    /// The config or schema cannot be used (`INVALID_CONFIGURATION`).
    #[error("invalid configuration: {0}")]
    InvalidConfiguration(String),
    /// No schema was given and none could be inferred (`SCHEMA_GENERATION_FAILED`).
    #[error("schema generation failed: {0}")]
    SchemaGeneration(String),
    /// A bug or broken invariant inside the engine (`INTERNAL_ERROR`).
    #[error("internal extraction error: {0}")]
    Internal(String),
    /// The model's answer could not be read as the requested JSON, even
    /// after retries (`PARSING_ERROR`).
    #[error("the model's answer could not be parsed: {0}")]
    Parsing(String),
    /// The model service failed (unreachable, 5xx or 429 after every retry,
    /// token budget exhausted) (`INTERNAL_ERROR`, with a message that says which).
    #[error("the model service failed: {0}")]
    Service(String),
}

impl ExtractError {
    /// The Extend `failureReason` string for a FAILED run.
    pub fn failure_reason(&self) -> &'static str {
        match self {
            Self::InvalidConfiguration(_) => "INVALID_CONFIGURATION",
            Self::SchemaGeneration(_) => "SCHEMA_GENERATION_FAILED",
            Self::Internal(_) | Self::Service(_) => "INTERNAL_ERROR",
            Self::Parsing(_) => "PARSING_ERROR",
        }
    }
}

impl From<crate::SchemaError> for ExtractError {
    fn from(err: crate::SchemaError) -> Self {
        Self::InvalidConfiguration(err.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn output_serializes_to_value_and_metadata_only() {
        let out = ExtractOutput {
            value: json!({"a": null}),
            metadata: Map::new(),
        };
        let wire = serde_json::to_value(&out).expect("serializes");
        assert_eq!(wire, json!({"value": {"a": null}, "metadata": {}}));
    }

    #[test]
    fn failure_reasons_match_the_documented_enum() {
        assert_eq!(
            ExtractError::InvalidConfiguration("x".into()).failure_reason(),
            "INVALID_CONFIGURATION"
        );
        assert_eq!(
            ExtractError::SchemaGeneration("x".into()).failure_reason(),
            "SCHEMA_GENERATION_FAILED"
        );
        assert_eq!(
            ExtractError::Internal("x".into()).failure_reason(),
            "INTERNAL_ERROR"
        );
        assert_eq!(
            ExtractError::Parsing("x".into()).failure_reason(),
            "PARSING_ERROR"
        );
        assert_eq!(
            ExtractError::Service("x".into()).failure_reason(),
            "INTERNAL_ERROR"
        );
    }

    #[test]
    fn schema_for_checks_the_given_schema_and_infers_a_missing_one() {
        let doc = Document {
            kind: quarry_parse::FileKind::Text,
            einvoice: None,
            pages: Vec::new(),
        };
        let bad = ExtractRequest {
            schema: Some(json!({"type": "array"})),
            ..ExtractRequest::default()
        };
        let err = bad.schema_for(&doc).expect_err("rejected");
        assert_eq!(err.failure_reason(), "INVALID_CONFIGURATION");
        let good = json!({"type": "object", "properties": {"a": {"type": ["string", "null"]}}});
        let given = ExtractRequest {
            schema: Some(good.clone()),
            ..ExtractRequest::default()
        };
        assert_eq!(given.schema_for(&doc).expect("valid").as_ref(), &good);
        let none = ExtractRequest::default();
        assert_eq!(
            none.schema_for(&doc)
                .expect_err("nothing to infer")
                .failure_reason(),
            "SCHEMA_GENERATION_FAILED"
        );
    }

    #[test]
    fn citation_mode_reads_wire_values() {
        assert_eq!(CitationMode::from_wire("word"), Some(CitationMode::Word));
        assert_eq!(CitationMode::from_wire("WORD"), None);
        assert_eq!(CitationMode::default(), CitationMode::Line);
    }
}
