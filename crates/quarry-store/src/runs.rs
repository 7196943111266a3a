//! The run families (extract runs, parse runs, and the kinds to come) as the
//! store sees them: one core every run has, the few columns a kind adds, and
//! [`RunKind`], which names a kind's table, queue jobs and batches.
//!
//! A kind's record reads through to its [`RunCore`] (`run.id`,
//! `run.status`), so code that only needs the lifecycle works on any kind,
//! and the store's listing, lookups, cancel, delete and file attachment are
//! written once over [`RunRecord`].

use std::ops::{Deref, DerefMut};

use quarry_model::enums::RunStatus;
use serde_json::Value;

use crate::{ProcessorKind, Result, RunStore, Secret, Store, StoreError};

/// Which run family a queue job (and a batch) belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RunKind {
    Extract,
    Parse,
    Classify,
    Split,
}

impl RunKind {
    /// Every kind this build knows; a worker claims only jobs of these.
    pub const ALL: [RunKind; 4] = [
        RunKind::Extract,
        RunKind::Parse,
        RunKind::Classify,
        RunKind::Split,
    ];

    /// The `kind` of its jobs and batches.
    pub fn as_str(self) -> &'static str {
        match self {
            RunKind::Extract => "extract_run",
            RunKind::Parse => "parse_run",
            RunKind::Classify => "classify_run",
            RunKind::Split => "split_run",
        }
    }

    /// The kind a job or batch row names. A kind this build does not know
    /// (a row written by a newer Quarry) is an error, never another kind.
    pub fn parse(kind: &str) -> Result<RunKind> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == kind)
            .ok_or_else(|| StoreError::Corrupt(format!("unknown run kind `{kind}`")))
    }

    /// The table holding runs of this kind.
    pub fn table(self) -> &'static str {
        match self {
            RunKind::Extract => "extract_runs",
            RunKind::Parse => "parse_runs",
            RunKind::Classify => "classify_runs",
            RunKind::Split => "split_runs",
        }
    }

    /// The processor family a run of this kind may use (its extractor,
    /// its classifier); `None` for kinds that have none.
    pub fn processor(self) -> Option<ProcessorKind> {
        match self {
            RunKind::Extract => Some(ProcessorKind::Extractor),
            RunKind::Classify => Some(ProcessorKind::Classifier),
            RunKind::Split => Some(ProcessorKind::Splitter),
            RunKind::Parse => None,
        }
    }

    /// The column naming the processor a run used, which list filters and
    /// webhook subscriptions are scoped by.
    pub fn processor_column(self) -> Option<&'static str> {
        self.processor().map(ProcessorKind::parent_column)
    }

    /// Whether a run of this kind records the parse it was made from
    /// (`parse_run_id`), which is deleted with it.
    pub fn keeps_parse(self) -> bool {
        self.processor().is_some()
    }
}

impl std::fmt::Display for RunKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What every run stores, whatever its kind.
#[derive(Debug, Clone, PartialEq)]
pub struct RunCore {
    pub id: String,
    pub workspace_id: String,
    pub status: RunStatus,
    /// 1–100, lower runs first.
    pub priority: i64,
    pub file_id: Option<String>,
    /// Copied from the file so name filters and listings survive file deletion.
    pub file_name: Option<String>,
    /// For `file.url` inputs: the URL a worker fetches before processing;
    /// `file_id` is set once the bytes are stored.
    pub file_url: Option<String>,
    /// For `file.url` inputs with `settings.password`: the password the
    /// downloaded file is stored with.
    pub file_password: Option<Secret>,
    pub batch_id: Option<String>,
    pub source: String,
    pub source_id: Option<String>,
    /// The effective config the run uses (resolved, defaults applied, at
    /// create time).
    pub config: Value,
    pub metadata: Option<Value>,
    pub output: Option<Value>,
    pub failure_reason: Option<String>,
    pub failure_message: Option<String>,
    pub usage: Option<Value>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A run of one kind: its [`RunCore`] plus what only that kind stores.
pub trait RunRecord:
    Deref<Target = RunCore> + DerefMut + Clone + Send + Sync + std::fmt::Debug + 'static
{
    const KIND: RunKind;
    /// This kind's runs in `store`, for code written once over every kind.
    fn runs(store: &dyn Store) -> &dyn RunStore<Self>;
}

/// An extract run: the core plus the extractor it used, the parse it was
/// made from, and its human review.
#[derive(Debug, Clone, PartialEq)]
pub struct ExtractRunRecord {
    pub core: RunCore,
    pub extractor_id: Option<String>,
    pub extractor_version_id: Option<String>,
    pub initial_output: Option<Value>,
    pub reviewed_output: Option<Value>,
    pub edits: Option<Value>,
    pub reviewed: bool,
    pub edited: bool,
    pub parse_run_id: Option<String>,
}

impl ExtractRunRecord {
    /// A run that has not been processed or reviewed yet.
    pub fn new(core: RunCore, extractor_id: Option<String>, version_id: Option<String>) -> Self {
        ExtractRunRecord {
            core,
            extractor_id,
            extractor_version_id: version_id,
            initial_output: None,
            reviewed_output: None,
            edits: None,
            reviewed: false,
            edited: false,
            parse_run_id: None,
        }
    }
}

/// A parse run (`/parse_runs`): the core, with the parsed document (chunks
/// and blocks) as its output and its timing as metrics.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseRunRecord {
    pub core: RunCore,
    /// `{processingTimeMs, pageCount}` once processed.
    pub metrics: Option<Value>,
}

macro_rules! run_record {
    ($record:ty, $kind:expr, $runs:ident) => {
        impl Deref for $record {
            type Target = RunCore;
            fn deref(&self) -> &RunCore {
                &self.core
            }
        }
        impl DerefMut for $record {
            fn deref_mut(&mut self) -> &mut RunCore {
                &mut self.core
            }
        }
        impl RunRecord for $record {
            const KIND: RunKind = $kind;
            fn runs(store: &dyn Store) -> &dyn RunStore<Self> {
                store.$runs()
            }
        }
    };
}
run_record!(ExtractRunRecord, RunKind::Extract, extract_runs);
run_record!(ParseRunRecord, RunKind::Parse, parse_runs);

/// A run kind whose record is the core plus the processor (and version) it
/// used and the parse it was made from: classify and split runs.
macro_rules! processor_run_record {
    ($(#[$doc:meta])* $record:ident, $kind:expr, $runs:ident, $processor:ident, $version:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $record {
            pub core: RunCore,
            pub $processor: Option<String>,
            pub $version: Option<String>,
            pub parse_run_id: Option<String>,
        }

        impl $record {
            /// A run that has not been processed yet.
            pub fn new(core: RunCore, processor: Option<String>, version: Option<String>) -> Self {
                $record {
                    core,
                    $processor: processor,
                    $version: version,
                    parse_run_id: None,
                }
            }
        }

        run_record!($record, $kind, $runs);
    };
}
processor_run_record!(
    /// A classify run; its output is `{id, type, confidence, insights}`.
    ClassifyRunRecord,
    RunKind::Classify,
    classify_runs,
    classifier_id,
    classifier_version_id
);
processor_run_record!(
    /// A split run; its output is `{splits: [...]}`, each split a file.
    SplitRunRecord,
    RunKind::Split,
    split_runs,
    splitter_id,
    splitter_version_id
);

/// Filters of a run listing (`GET /extract_runs`, `GET /parse_runs`):
/// exact matches plus a case-insensitive file-name substring.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunFilter {
    pub status: Option<RunStatus>,
    /// The processor (extractor) the runs used; only kinds with a
    /// [`RunKind::processor_column`] can be filtered by it.
    pub processor_id: Option<String>,
    pub batch_id: Option<String>,
    pub source_id: Option<String>,
    pub source: Option<String>,
    pub file_name_contains: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CancelOutcome<R> {
    Cancelled(Box<R>),
    /// The run exists but is already terminal.
    NotCancellable(RunStatus),
    NotFound,
}

/// A human review of a `PROCESSED` extract run, as the review API stores
/// it. The engine's answer is kept as `initial_output` (set once, at the
/// first review), so reviewing again diffs against the engine, not the
/// last review.
#[derive(Debug, Clone, PartialEq)]
pub struct RunReview {
    /// The reviewed `{value, metadata}`; becomes `output` and `reviewed_output`.
    pub reviewed_output: Value,
    /// `{ path: {originalValue?, editedValue?, notes?, page?, fieldType?} }`.
    pub edits: Value,
    /// Whether any value differs from the engine's answer.
    pub edited: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BatchRecord {
    pub id: String,
    pub workspace_id: String,
    /// Which run family the batch holds.
    pub kind: RunKind,
    pub run_count: i64,
    pub created_at: i64,
}

/// A batch with its aggregate status derived from its runs.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchSummary {
    pub batch: BatchRecord,
    pub status: RunStatus,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_and_unknown_kinds_are_errors() {
        for k in RunKind::ALL {
            assert_eq!(RunKind::parse(k.as_str()).expect("known"), k);
        }
        assert!(matches!(
            RunKind::parse("no_such_run"),
            Err(StoreError::Corrupt(_))
        ));
    }
}
