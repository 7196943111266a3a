//! Rows as the store reads and writes them. Times are Unix milliseconds;
//! JSON documents (configs, outputs, metadata) are `serde_json::Value`.

use quarry_model::enums::RunStatus;
use serde_json::Value;

use crate::runs::{ParseRunRecord, RunKind};

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
    /// The file a split run cut this one from.
    pub parent_file_id: Option<String>,
    /// `{id, type, identifier, startPage, endPage}` of that split.
    pub parent_split: Option<Value>,
    /// The password that opens the file (a protected PDF), as uploaded.
    pub password: Option<Secret>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A secret the store keeps (a file's password): usable by the code that
/// needs it, never shown by `Debug`, so it cannot reach a log line.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
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

/// A claimed job. `token` identifies this claim: once another worker claims
/// the same job after expiry, this lease can no longer heartbeat or complete.
#[derive(Debug, Clone, PartialEq)]
pub struct Lease {
    pub job_seq: i64,
    pub kind: RunKind,
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
