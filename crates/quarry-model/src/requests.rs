//! Request bodies. Unset optional keys are simply absent (the SDK never
//! sends `null` for them), so every optional field defaults to `None`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::enums::ReleaseType;

/// A document given to a run: by id, by URL, or as raw text. Exactly one of
/// `id`, `url`, `text` must be set; [`FileInput::source`] checks that.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct FileInput {
    pub id: Option<String>,
    pub url: Option<String>,
    pub text: Option<String>,
    pub name: Option<String>,
    pub settings: Option<FileSettings>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FileSettings {
    pub password: Option<String>,
}

/// The one source a [`FileInput`] names.
#[derive(Debug, Clone, PartialEq)]
pub enum FileSource<'a> {
    Id(&'a str),
    Url(&'a str),
    Text(&'a str),
}

impl FileInput {
    /// The single source named, or a message saying what is wrong.
    pub fn source(&self) -> Result<FileSource<'_>, String> {
        match (&self.id, &self.url, &self.text) {
            (Some(id), None, None) => Ok(FileSource::Id(id)),
            (None, Some(url), None) => Ok(FileSource::Url(url)),
            (None, None, Some(text)) => Ok(FileSource::Text(text)),
            (None, None, None) => Err("file must have one of `id`, `url` or `text`".into()),
            _ => Err("file must have only one of `id`, `url` or `text`".into()),
        }
    }
}

/// Reference to a saved processor (extractor, classifier), optionally
/// pinned to a version, with config overrides merged over it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ProcessorRef {
    pub id: String,
    pub version: Option<String>,
    pub override_config: Option<Value>,
}

/// `POST /extract_runs` and `POST /extract`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreateExtractRun {
    pub extractor: Option<ProcessorRef>,
    pub config: Option<Value>,
    pub file: Option<FileInput>,
    pub package: Option<Value>,
    pub priority: Option<i64>,
    pub metadata: Option<Value>,
}

/// `POST /extract_runs/batch`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreateExtractBatch {
    pub extractor: ProcessorRef,
    pub inputs: Vec<BatchInput>,
    pub priority: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BatchInput {
    pub file: FileInput,
    pub metadata: Option<Value>,
}

/// `POST /extractors`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreateExtractor {
    pub name: String,
    pub clone_extractor_id: Option<String>,
    pub config: Option<Value>,
    pub generate: Option<Value>,
}

/// `POST /extractors/{id}`, `POST /classifiers/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateProcessor {
    pub name: Option<String>,
    pub config: Option<Value>,
}

/// `POST /extractors/{id}/versions`, `POST /classifiers/{id}/versions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreateProcessorVersion {
    pub release_type: ReleaseType,
    pub description: Option<String>,
    pub config: Option<Value>,
}

/// The requests of a processor family whose runs name their processor by
/// `$processor` (classify and split runs): run create, batch create, and
/// processor create (a fresh `config` or a clone of another's draft).
macro_rules! processor_requests {
    ($run:ident, $batch:ident, $create:ident, $processor:ident, $clone:ident, $noun:literal) => {
        #[doc = concat!("`POST /", $noun, "_runs` and the sync endpoint.")]
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "camelCase")]
        pub struct $run {
            pub $processor: Option<ProcessorRef>,
            pub config: Option<Value>,
            pub file: Option<FileInput>,
            pub priority: Option<i64>,
            pub metadata: Option<Value>,
        }

        #[doc = concat!("`POST /", $noun, "_runs/batch`.")]
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "camelCase")]
        pub struct $batch {
            pub $processor: ProcessorRef,
            pub inputs: Vec<BatchInput>,
            pub priority: Option<i64>,
        }

        #[doc = concat!("Creating a ", stringify!($processor), ".")]
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "camelCase")]
        pub struct $create {
            pub name: String,
            pub $clone: Option<String>,
            pub config: Option<Value>,
        }
    };
}
processor_requests!(
    CreateClassifyRun,
    CreateClassifyBatch,
    CreateClassifier,
    classifier,
    clone_classifier_id,
    "classify"
);
processor_requests!(
    CreateSplitRun,
    CreateSplitBatch,
    CreateSplitter,
    splitter,
    clone_splitter_id,
    "split"
);

/// `POST /parse_runs` and `POST /parse`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreateParseRun {
    pub file: Option<FileInput>,
    pub config: Option<Value>,
    pub metadata: Option<Value>,
    pub data_retention: Option<Value>,
    pub priority: Option<i64>,
}

/// `POST /parse_runs/batch`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreateParseBatch {
    pub inputs: Vec<BatchInput>,
    pub config: Option<Value>,
    pub priority: Option<i64>,
}
