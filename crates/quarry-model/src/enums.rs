//! Enumerations of the wire contract. Values keep their documented case.

use serde::{Deserialize, Serialize};

/// Status of an extract run. `CANCELLING` is never produced: a cancel takes
/// effect immediately and a running worker observes it at its next heartbeat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RunStatus {
    Pending,
    Processing,
    Processed,
    Failed,
    Cancelled,
}

impl RunStatus {
    pub const ALL: [RunStatus; 5] = [
        RunStatus::Pending,
        RunStatus::Processing,
        RunStatus::Processed,
        RunStatus::Failed,
        RunStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Pending => "PENDING",
            RunStatus::Processing => "PROCESSING",
            RunStatus::Processed => "PROCESSED",
            RunStatus::Failed => "FAILED",
            RunStatus::Cancelled => "CANCELLED",
        }
    }

    pub fn parse(s: &str) -> Option<RunStatus> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// Terminal statuses never change again (except through review).
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            RunStatus::Processed | RunStatus::Failed | RunStatus::Cancelled
        )
    }
}

/// Where a run came from (list filter `source`).
pub const RUN_SOURCES: [&str; 7] = [
    "ADMIN",
    "BATCH_PROCESSOR_RUN",
    "PLAYGROUND",
    "WORKFLOW_CONFIGURATION",
    "WORKFLOW_RUN",
    "STUDIO",
    "API",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum SortBy {
    #[default]
    #[serde(rename = "createdAt")]
    CreatedAt,
    #[serde(rename = "updatedAt")]
    UpdatedAt,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum SortDir {
    Asc,
    #[default]
    Desc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ReleaseType {
    Major,
    Minor,
}

/// Documented extract `failureReason` values that Quarry produces.
pub mod failure {
    pub const INTERNAL_ERROR: &str = "INTERNAL_ERROR";
    pub const FAILED_TO_PROCESS_FILE: &str = "FAILED_TO_PROCESS_FILE";
    pub const INVALID_CONFIGURATION: &str = "INVALID_CONFIGURATION";
    pub const PARSING_ERROR: &str = "PARSING_ERROR";
    pub const POST_PROCESSING_FAILURE: &str = "POST_PROCESSING_FAILURE";
    pub const SCHEMA_GENERATION_FAILED: &str = "SCHEMA_GENERATION_FAILED";
    pub const ABORTED: &str = "ABORTED";
}

/// Documented parse `failureReason` values that Quarry produces.
pub mod parse_failure {
    pub const UNABLE_TO_DOWNLOAD_FILE: &str = "UNABLE_TO_DOWNLOAD_FILE";
    pub const FILE_TYPE_NOT_SUPPORTED: &str = "FILE_TYPE_NOT_SUPPORTED";
    pub const FILE_SIZE_TOO_LARGE: &str = "FILE_SIZE_TOO_LARGE";
    pub const CORRUPT_FILE: &str = "CORRUPT_FILE";
    pub const PASSWORD_PROTECTED_FILE: &str = "PASSWORD_PROTECTED_FILE";
    pub const INTERNAL_ERROR: &str = "INTERNAL_ERROR";
}
