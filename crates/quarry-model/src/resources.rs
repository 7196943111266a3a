//! Resource objects as they appear in responses. Full and summary forms share
//! one struct: summary constructors leave the heavy fields `None`, and
//! `skip_serializing_if` drops them, so the two shapes can never drift apart.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::enums::RunStatus;

/// `file` object (and FileSummary when `presigned_url` is `None`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct FileObject {
    pub object: String,
    pub id: String,
    pub name: String,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub file_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub presigned_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_file_id: Option<String>,
    pub metadata: FileMetadata,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct FileMetadata {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_count: Option<i64>,
    /// For a file cut from another by a split run: `{id, type, identifier,
    /// startPage, endPage}` of the split it holds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_split: Option<Value>,
}

/// What every processor object (extractor, classifier, splitter) carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ProcessorFields {
    pub object: String,
    pub id: String,
    pub name: String,
    pub created_at: String,
    pub updated_at: String,
}

/// What every processor version carries; `config` is `None` only in the
/// summary form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct VersionFields {
    pub object: String,
    pub id: String,
    /// `draft` or `MAJOR.MINOR`.
    pub version: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config: Option<Value>,
    pub created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_by: Option<Value>,
}

/// A processor object and its version object, which differ per kind only
/// in their type names and the field naming the processor.
macro_rules! processor_objects {
    ($processor:ident, $version:ident, $parent:ident, $doc:literal) => {
        #[doc = concat!("`", $doc, "` object; `draft_version` only in the full form.")]
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "camelCase")]
        pub struct $processor {
            #[serde(flatten)]
            pub fields: ProcessorFields,
            #[serde(skip_serializing_if = "Option::is_none")]
            pub draft_version: Option<$version>,
        }

        #[doc = concat!("`", $doc, "_version` object.")]
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "camelCase")]
        pub struct $version {
            #[serde(flatten)]
            pub fields: VersionFields,
            pub $parent: String,
        }
    };
}
processor_objects!(Extractor, ExtractorVersion, extractor_id, "extractor");
processor_objects!(Classifier, ClassifierVersion, classifier_id, "classifier");
processor_objects!(Splitter, SplitterVersion, splitter_id, "splitter");

/// What every processor run (extract, classify, split) carries beside the
/// processor it used.
/// The summary form (lists) leaves `config` and `output` empty and drops
/// `usage.breakdown`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ProcessorRunFields {
    pub object: String,
    pub id: String,
    pub status: RunStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    pub reviewed: bool,
    pub edited: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config: Option<Value>,
    pub file: Option<FileObject>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parse_run_id: Option<String>,
    pub dashboard_url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage: Option<Value>,
    pub created_at: String,
    pub updated_at: String,
}

/// `classify_run` object: `output` is `{id, type, confidence, insights}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ClassifyRun {
    #[serde(flatten)]
    pub run: ProcessorRunFields,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub classifier: Option<Classifier>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub classifier_version: Option<ClassifierVersion>,
}

/// `split_run` object: `output` is `{splits: [{id, type, classificationId,
/// identifier, startPage, endPage, observation, name, fileId}]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SplitRun {
    #[serde(flatten)]
    pub run: ProcessorRunFields,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub splitter: Option<Splitter>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub splitter_version: Option<SplitterVersion>,
}

/// `extract_run` object: what every processor run carries, the extractor
/// it used, and its human review. The summary form (lists) leaves
/// `config`, `output`, `initial_output`, `reviewed_output` and `edits`
/// empty and drops `usage.breakdown`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ExtractRun {
    #[serde(flatten)]
    pub run: ProcessorRunFields,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initial_output: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reviewed_output: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub edits: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extractor: Option<Extractor>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extractor_version: Option<ExtractorVersion>,
}

/// A processor run object reads through to the fields every processor run
/// carries (`run.status`, `run.id`).
macro_rules! reads_through {
    ($($run:ty),*) => {$(
        impl std::ops::Deref for $run {
            type Target = ProcessorRunFields;
            fn deref(&self) -> &ProcessorRunFields {
                &self.run
            }
        }
    )*};
}
reads_through!(ExtractRun, ClassifyRun, SplitRun);

/// `parse_run` object. The summary form (lists) leaves `output` and
/// `config` empty and drops `usage.breakdown`. Both forms carry
/// `createdAt`/`updatedAt` (the SDK keeps unknown fields).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ParseRun {
    pub object: String,
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch_id: Option<String>,
    pub file: Option<FileObject>,
    pub status: RunStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metrics: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage: Option<Value>,
    pub created_at: String,
    pub updated_at: String,
}

/// `batch_run` object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct BatchRun {
    pub object: String,
    pub id: String,
    pub status: RunStatus,
    pub run_count: i64,
    pub created_at: String,
}

/// The list envelope of every list endpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ListResponse<T> {
    pub object: String,
    pub data: Vec<T>,
    pub next_page_token: Option<String>,
}

impl<T> ListResponse<T> {
    pub fn new(data: Vec<T>, next_page_token: Option<String>) -> Self {
        Self {
            object: "list".into(),
            data,
            next_page_token,
        }
    }
}

/// Body of every delete response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Deleted {
    pub id: String,
}
