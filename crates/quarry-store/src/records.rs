//! Rows as the store reads and writes them. Times are Unix milliseconds;
//! JSON documents (configs, outputs, metadata) are `serde_json::Value`.

use quarry_model::enums::RunStatus;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub struct ApiKeyRecord {
    pub id: String,
    pub workspace_id: String,
    pub name: String,
    /// Hex SHA-256 of the key; the key itself is never stored.
    pub key_hash: String,
    pub created_at: i64,
    /// When the key was revoked; a revoked key authenticates nothing.
    pub revoked_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FileRecord {
    pub id: String,
    pub workspace_id: String,
    pub name: String,
    /// Extend `FileType` (`PDF`, `TXT`, …) when detectable.
    pub file_type: Option<String>,
    pub mime: String,
    pub size_bytes: i64,
    /// Content address of the bytes in the blob store.
    pub sha256: String,
    pub page_count: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ExtractorRecord {
    pub id: String,
    pub workspace_id: String,
    pub name: String,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct VersionRecord {
    pub id: String,
    pub extractor_id: String,
    pub workspace_id: String,
    /// `draft` or `MAJOR.MINOR`.
    pub version: String,
    pub major: i64,
    pub minor: i64,
    pub description: Option<String>,
    pub config: Value,
    pub created_at: i64,
    pub updated_at: i64,
}

impl VersionRecord {
    pub fn is_draft(&self) -> bool {
        self.version == "draft"
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ExtractRunRecord {
    pub id: String,
    pub workspace_id: String,
    pub status: RunStatus,
    /// 1–100, lower runs first.
    pub priority: i64,
    pub extractor_id: Option<String>,
    pub extractor_version_id: Option<String>,
    pub file_id: Option<String>,
    /// Copied from the file so name filters and listings survive file deletion.
    pub file_name: Option<String>,
    /// For `file.url` inputs: the URL a worker fetches before processing;
    /// `file_id` is set once the bytes are stored.
    pub file_url: Option<String>,
    pub batch_id: Option<String>,
    pub source: String,
    pub source_id: Option<String>,
    /// The effective config the run uses (resolved at create time).
    pub config: Value,
    pub metadata: Option<Value>,
    pub output: Option<Value>,
    pub initial_output: Option<Value>,
    pub reviewed_output: Option<Value>,
    pub edits: Option<Value>,
    pub reviewed: bool,
    pub edited: bool,
    pub failure_reason: Option<String>,
    pub failure_message: Option<String>,
    pub parse_run_id: Option<String>,
    pub usage: Option<Value>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A human review of a `PROCESSED` run, as the review API stores it. The
/// engine's answer is kept as `initial_output` (set once, at the first
/// review), so reviewing again diffs against the engine, not the last review.
#[derive(Debug, Clone, PartialEq)]
pub struct RunReview {
    /// The reviewed `{value, metadata}`; becomes `output` and `reviewed_output`.
    pub reviewed_output: Value,
    /// `{ path: {originalValue?, editedValue?, notes?, page?, fieldType?} }`.
    pub edits: Value,
    /// Whether any value differs from the engine's answer.
    pub edited: bool,
}

/// A dashboard sign-in session minted from an API key; only the SHA-256 of
/// its cookie token is stored.
#[derive(Debug, Clone, PartialEq)]
pub struct DashboardSession {
    pub token_hash: String,
    pub key_id: String,
    pub created_at: i64,
    pub expires_at: i64,
}

/// A parse run (`/parse_runs`): the same lifecycle as an extract run, with
/// the parsed document (chunks and blocks) as its output.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseRunRecord {
    pub id: String,
    pub workspace_id: String,
    pub status: RunStatus,
    pub priority: i64,
    pub file_id: Option<String>,
    pub file_name: Option<String>,
    pub file_url: Option<String>,
    pub batch_id: Option<String>,
    pub source: String,
    pub source_id: Option<String>,
    /// The ParseConfig with defaults applied.
    pub config: Value,
    pub metadata: Option<Value>,
    pub output: Option<Value>,
    pub failure_reason: Option<String>,
    pub failure_message: Option<String>,
    pub metrics: Option<Value>,
    pub usage: Option<Value>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// Filters of `GET /parse_runs`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParseRunFilter {
    pub status: Option<RunStatus>,
    pub batch_id: Option<String>,
    pub source_id: Option<String>,
    pub source: Option<String>,
    pub file_name_contains: Option<String>,
}

/// Which run family a queue job (and a batch) belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunKind {
    Extract,
    Parse,
}

impl RunKind {
    /// The `kind` of its jobs and batches.
    pub fn as_str(self) -> &'static str {
        match self {
            RunKind::Extract => "extract_run",
            RunKind::Parse => "parse_run",
        }
    }

    /// The kind named by a job or batch row; unknown kinds are extract runs,
    /// the only kind older rows have.
    pub fn of(kind: &str) -> RunKind {
        if kind == "parse_run" {
            RunKind::Parse
        } else {
            RunKind::Extract
        }
    }

    /// The table holding runs of this kind.
    pub fn table(self) -> &'static str {
        match self {
            RunKind::Extract => "extract_runs",
            RunKind::Parse => "parse_runs",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct BatchRecord {
    pub id: String,
    pub workspace_id: String,
    /// Which run family the batch holds (`extract_run`, `parse_run`).
    pub kind: String,
    pub run_count: i64,
    pub created_at: i64,
}

/// A batch with its aggregate status derived from its runs.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchSummary {
    pub batch: BatchRecord,
    pub status: RunStatus,
}

/// Exact-match filters of `GET /extract_runs`, plus a substring file filter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunFilter {
    pub status: Option<RunStatus>,
    pub extractor_id: Option<String>,
    pub batch_id: Option<String>,
    pub source_id: Option<String>,
    pub source: Option<String>,
    pub file_name_contains: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CancelOutcome<R = ExtractRunRecord> {
    Cancelled(Box<R>),
    /// The run exists but is already terminal.
    NotCancellable(RunStatus),
    NotFound,
}

/// A claimed job. `token` identifies this claim: once another worker claims
/// the same job after expiry, this lease can no longer heartbeat or complete.
#[derive(Debug, Clone, PartialEq)]
pub struct Lease {
    pub job_seq: i64,
    pub kind: String,
    pub run_id: String,
    pub workspace_id: String,
    pub token: String,
    pub attempt: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeaseState {
    /// Lease extended; keep working.
    Held,
    /// The run was cancelled or deleted; stop and complete nothing.
    Cancelled,
    /// Another worker owns the job now; stop and write nothing.
    Lost,
}

/// Terminal result of processing a run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunResult {
    pub status: RunStatus,
    pub output: Option<Value>,
    pub failure_reason: Option<String>,
    pub failure_message: Option<String>,
    /// Extract runs: the parse the run was made from, stored as a finished
    /// parse run in the same transaction as the result; the extract run's
    /// `parseRunId` names it.
    pub parse_run: Option<Box<ParseRunRecord>>,
    pub usage: Option<Value>,
    /// When set, replaces the stored config (e.g. a generated schema).
    pub config: Option<Value>,
    /// Parse runs: `{processingTimeMs, pageCount}`.
    pub metrics: Option<Value>,
}

/// How many queue jobs are in one state at one priority.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueDepth {
    /// `queued`, `leased`, `done` or `dead`.
    pub state: String,
    pub priority: i64,
    pub jobs: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Completion {
    /// The result is stored.
    Stored,
    /// The run was cancelled or deleted meanwhile; the job is closed.
    Discarded,
    /// The lease was lost; nothing was written.
    LeaseLost,
}
