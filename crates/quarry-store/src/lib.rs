//! Durable state of Quarry.
//!
//! * [`Store`] — metadata (workspaces, keys, files, extractors, runs) and the
//!   job queue, in one database so that a run and its job are written in the
//!   same transaction: a run acknowledged to a client can never be lost.
//!   [`SqlStore`] implements it for SQLite (embedded default) and PostgreSQL
//!   (scale-out) through `sqlx`'s `Any` driver; the SQL is shared and only the
//!   job-claim statement differs (`FOR UPDATE SKIP LOCKED` on Postgres).
//! * [`WebhookStore`] — webhook endpoints, subscriptions, and the event
//!   outbox with its leased delivery queue; events are written in the same
//!   transaction as the state change they report.
//! * [`BlobStore`] — document bytes addressed by their SHA-256, so the same
//!   upload stored twice costs one copy.
//!
//! The queue uses leases: a worker claims a job for a lease period, extends it
//! with heartbeats, and completes it only while it still holds the lease. An
//! expired lease makes the job claimable again; completion by a worker whose
//! lease was taken over is refused, so a run never gets two terminal results.

mod blob;
mod error;
mod page;
mod processors;
mod records;
mod runs;
mod sql;
mod webhooks;

use async_trait::async_trait;
use quarry_model::enums::ReleaseType;

pub use blob::{BlobStore, FsBlobStore, S3BlobStore, S3Config, sha256_hex};
pub use error::StoreError;
pub use page::{Page, PageRequest};
pub use processors::*;
pub use records::*;
pub use runs::*;
pub use sql::{Dialect, SqlStore, redact as redact_url};
pub use webhooks::*;

pub type Result<T> = std::result::Result<T, StoreError>;

/// Metadata store and job queue: the union of the per-resource traits below.
/// Every read and write is scoped by workspace; an id from another workspace
/// behaves exactly like a missing id. Import [`prelude`] to call the methods
/// on an `Arc<dyn Store>`.
pub trait Store:
    KeyStore
    + FileStore
    + ProcessorStore
    + RunStore<ExtractRunRecord>
    + RunStore<ParseRunRecord>
    + RunStore<ClassifyRunRecord>
    + RunStore<SplitRunRecord>
    + ReviewStore
    + BatchStore
    + JobQueue
    + WebhookStore
{
    /// The extract runs (`store.extract_runs().get(ws, id)`).
    fn extract_runs(&self) -> &dyn RunStore<ExtractRunRecord>;
    /// The parse runs.
    fn parse_runs(&self) -> &dyn RunStore<ParseRunRecord>;
    /// The classify runs.
    fn classify_runs(&self) -> &dyn RunStore<ClassifyRunRecord>;
    /// The split runs.
    fn split_runs(&self) -> &dyn RunStore<SplitRunRecord>;
}

impl Store for SqlStore {
    fn extract_runs(&self) -> &dyn RunStore<ExtractRunRecord> {
        self
    }
    fn parse_runs(&self) -> &dyn RunStore<ParseRunRecord> {
        self
    }
    fn classify_runs(&self) -> &dyn RunStore<ClassifyRunRecord> {
        self
    }
    fn split_runs(&self) -> &dyn RunStore<SplitRunRecord> {
        self
    }
}

/// The store traits, for `use quarry_store::prelude::*`.
pub mod prelude {
    pub use crate::{
        BatchStore, BlobStore, FileStore, JobQueue, KeyStore, ProcessorStore, ReviewStore,
        RunStore, Store, WebhookStore,
    };
}

/// Workspaces and API keys.
#[async_trait]
pub trait KeyStore: Send + Sync + 'static {
    async fn ensure_workspace(&self, id: &str, name: &str) -> Result<()>;
    async fn insert_api_key(&self, key: &ApiKeyRecord) -> Result<()>;
    /// The live (not revoked) key with this hash.
    async fn find_api_key(&self, key_hash: &str) -> Result<Option<ApiKeyRecord>>;
    /// Every key (revoked ones too), oldest first; only `workspace`'s when given.
    async fn list_api_keys(&self, workspace: Option<&str>) -> Result<Vec<ApiKeyRecord>>;
    /// Revokes the key with this id; `false` when no live key has it.
    async fn revoke_api_key(&self, id: &str) -> Result<bool>;
    /// Stores a dashboard session (and drops expired ones).
    async fn insert_session(&self, session: &DashboardSession) -> Result<()>;
    /// The live key behind the session with this token hash, if the session
    /// has not expired by `now_ms` and its key is not revoked.
    async fn find_session(&self, token_hash: &str, now_ms: i64) -> Result<Option<ApiKeyRecord>>;
    /// Ends a session (logout); unknown hashes are ignored.
    async fn delete_session(&self, token_hash: &str) -> Result<()>;
}

/// File metadata (bytes live in the [`BlobStore`]).
#[async_trait]
pub trait FileStore: Send + Sync + 'static {
    async fn insert_file(&self, file: &FileRecord) -> Result<()>;
    async fn get_file(&self, ws: &str, id: &str) -> Result<Option<FileRecord>>;
    async fn list_files(
        &self,
        ws: &str,
        name_contains: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<FileRecord>>;
    /// Deletes the file row; returns it (so the caller can collect the blob).
    async fn delete_file(&self, ws: &str, id: &str) -> Result<Option<FileRecord>>;
    /// Whether any file row still references the blob `sha256`.
    async fn blob_referenced(&self, sha256: &str) -> Result<bool>;
}

/// Processors of every kind (extractors, classifiers) and their versions.
#[async_trait]
pub trait ProcessorStore: Send + Sync + 'static {
    /// Inserts a processor together with its draft version.
    async fn insert_processor(&self, p: &ProcessorRecord, draft: &VersionRecord) -> Result<()>;
    async fn get_processor(
        &self,
        kind: ProcessorKind,
        ws: &str,
        id: &str,
    ) -> Result<Option<ProcessorRecord>>;
    async fn list_processors(
        &self,
        kind: ProcessorKind,
        ws: &str,
        page: &PageRequest,
    ) -> Result<Page<ProcessorRecord>>;
    /// Renames and/or replaces the draft config. Returns the updated processor.
    async fn update_processor(
        &self,
        kind: ProcessorKind,
        ws: &str,
        id: &str,
        name: Option<&str>,
        draft_config: Option<&serde_json::Value>,
    ) -> Result<Option<ProcessorRecord>>;
    /// Publishes a new numbered version from `config` (or the draft's config).
    async fn publish_version(
        &self,
        kind: ProcessorKind,
        ws: &str,
        processor_id: &str,
        release: ReleaseType,
        description: Option<&str>,
        config: Option<&serde_json::Value>,
    ) -> Result<Option<VersionRecord>>;
    /// Resolves `draft`, `latest` (latest published, else draft), a number
    /// like `1.0`, or a version id.
    async fn get_version(
        &self,
        kind: ProcessorKind,
        ws: &str,
        processor_id: &str,
        selector: &str,
    ) -> Result<Option<VersionRecord>>;
    async fn get_version_by_id(
        &self,
        kind: ProcessorKind,
        ws: &str,
        id: &str,
    ) -> Result<Option<VersionRecord>>;
    async fn list_versions(
        &self,
        kind: ProcessorKind,
        ws: &str,
        processor_id: &str,
        page: &PageRequest,
    ) -> Result<Page<VersionRecord>>;
}

/// The runs of one kind `R`. Every kind shares the job queue and the batch
/// table, so leases, cancellation and batch events behave alike.
#[async_trait]
pub trait RunStore<R: RunRecord>: Send + Sync + 'static {
    /// Inserts runs, their queue jobs and (optionally) the batch, atomically.
    async fn create(&self, runs: &[R], batch: Option<&BatchRecord>) -> Result<()>;
    async fn get(&self, ws: &str, id: &str) -> Result<Option<R>>;
    async fn list(&self, ws: &str, filter: &RunFilter, page: &PageRequest) -> Result<Page<R>>;
    /// Cancels a non-terminal run; see [`CancelOutcome`].
    async fn cancel(&self, ws: &str, id: &str) -> Result<CancelOutcome<R>>;
    /// Deletes a run, its job and what it produced. `false` when it did
    /// not exist.
    async fn delete(&self, ws: &str, id: &str) -> Result<bool>;
    /// Points a run created from a URL at the file its worker fetched.
    async fn attach_file(&self, ws: &str, run_id: &str, file: &FileRecord) -> Result<()>;
}

/// Human review of extract runs.
#[async_trait]
pub trait ReviewStore: Send + Sync + 'static {
    /// Stores a human review of a `PROCESSED` run: `initial_output` keeps
    /// the engine's answer (first review only), `output` and
    /// `reviewed_output` become the reviewed one, and `reviewed` is set.
    /// `None` when the run does not exist in `ws` or is not `PROCESSED`.
    async fn review_run(
        &self,
        ws: &str,
        id: &str,
        review: &RunReview,
    ) -> Result<Option<ExtractRunRecord>>;
}

/// Batches of runs of any kind.
#[async_trait]
pub trait BatchStore: Send + Sync + 'static {
    /// The batch with the status its runs add up to.
    async fn get_batch(&self, ws: &str, id: &str) -> Result<Option<BatchSummary>>;
}

/// The leased job queue.
#[async_trait]
pub trait JobQueue: Send + Sync + 'static {
    /// Claims the next runnable job and marks its run `PROCESSING`: first a
    /// job whose lease expired with fewer than `max_attempts` claims, else
    /// the queued job of the workspace with the fewest jobs in flight (then
    /// the one served longest ago), lowest priority number, then oldest.
    async fn claim_job(
        &self,
        worker: &str,
        lease_ms: i64,
        max_attempts: i64,
    ) -> Result<Option<Lease>>;
    /// Extends a lease and reports whether work should go on.
    async fn heartbeat(&self, lease: &Lease, lease_ms: i64) -> Result<LeaseState>;
    /// Writes the terminal result if `lease` is still held; see [`Completion`].
    async fn complete_run(&self, lease: &Lease, result: &RunResult) -> Result<Completion>;
    /// Gives a held job back to the queue without counting the attempt
    /// (graceful shutdown); its run is `PENDING` again. `false` when the
    /// lease was no longer held.
    async fn release_job(&self, lease: &Lease) -> Result<bool>;
    /// Fails runs whose jobs exhausted `max_attempts` leases. Returns their ids.
    async fn fail_exhausted_jobs(&self, max_attempts: i64) -> Result<Vec<String>>;
    /// Counts of queue jobs by state and priority, for metrics.
    async fn queue_depth_by_priority(&self) -> Result<Vec<QueueDepth>>;
    /// Counts of queue jobs by state, for readiness and metrics.
    async fn queue_depth(&self) -> Result<Vec<(String, i64)>> {
        let mut by_state = std::collections::BTreeMap::<String, i64>::new();
        for d in self.queue_depth_by_priority().await? {
            *by_state.entry(d.state).or_default() += d.jobs;
        }
        Ok(by_state.into_iter().collect())
    }
    /// Deletes finished (`done`/`dead`) jobs last updated before
    /// `older_than_ms` (epoch ms); queued and leased jobs are never touched.
    /// Returns how many were deleted.
    async fn purge_finished_jobs(&self, older_than_ms: i64) -> Result<u64>;
}
