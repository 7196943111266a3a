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

/// `extractor` object; `draft_version` is `None` only in the summary form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Extractor {
    pub object: String,
    pub id: String,
    pub name: String,
    pub created_at: String,
    pub updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub draft_version: Option<ExtractorVersion>,
}

/// `extractor_version` object; `config` is `None` only in summary form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ExtractorVersion {
    pub object: String,
    pub id: String,
    pub extractor_id: String,
    pub version: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config: Option<Value>,
    pub created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_by: Option<Value>,
}

/// `extract_run` object. The summary form (lists) leaves `config`, `output`,
/// `initial_output`, `reviewed_output` and `edits` empty and drops
/// `usage.breakdown`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ExtractRun {
    pub object: String,
    pub id: String,
    pub status: RunStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initial_output: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reviewed_output: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    pub reviewed: bool,
    pub edited: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub edits: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extractor: Option<Extractor>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extractor_version: Option<ExtractorVersion>,
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

/// `classifier` object; `draft_version` only in the full form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Classifier {
    pub object: String,
    pub id: String,
    pub name: String,
    pub created_at: String,
    pub updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub draft_version: Option<ClassifierVersion>,
}

/// `classifier_version` object; `config` is `None` only in summary form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ClassifierVersion {
    pub object: String,
    pub id: String,
    pub classifier_id: String,
    pub version: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config: Option<Value>,
    pub created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_by: Option<Value>,
}

/// `classify_run` object: `output` is `{id, type, confidence, insights}`.
/// The summary form (lists) leaves `config` and `output` empty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ClassifyRun {
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub classifier: Option<Classifier>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub classifier_version: Option<ClassifierVersion>,
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

/// `splitter` object; `draft_version` only in the full form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Splitter {
    pub object: String,
    pub id: String,
    pub name: String,
    pub created_at: String,
    pub updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub draft_version: Option<SplitterVersion>,
}

/// `splitter_version` object; `config` is `None` only in summary form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SplitterVersion {
    pub object: String,
    pub id: String,
    pub splitter_id: String,
    pub version: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config: Option<Value>,
    pub created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_by: Option<Value>,
}

/// `split_run` object: `output` is `{splits: [...]}`.
/// The summary form (lists) leaves `config` and `output` empty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SplitRun {
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub splitter: Option<Splitter>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub splitter_version: Option<SplitterVersion>,
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
