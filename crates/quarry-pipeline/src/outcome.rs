//! What processing a run produced: the terminal state a store persists.

use quarry_model::enums::RunStatus;
use serde_json::Value;

/// A finished run, `PROCESSED` or `FAILED`.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub status: RunStatus,
    /// The run's `output` (extract: `{value, metadata}`; parse: chunks).
    pub output: Option<Value>,
    /// Why the run failed, when it did.
    pub failure: Option<Failure>,
    /// The parse an extract run read, so the store can keep it as a parse
    /// run of its own (`parseRunId`). Only when the input asked for it.
    pub parse: Option<ParseOutcome>,
    pub usage: Option<Value>,
    /// The run's effective config when processing completed it (a schema
    /// inferred from the document); `None` leaves the stored one.
    pub config: Option<Value>,
    /// `{processingTimeMs, pageCount}` (parse runs).
    pub metrics: Option<Value>,
    /// Files the run made out of its input (a split run's documents), in
    /// the order its output names them.
    pub files: Vec<DerivedFile>,
}

/// A file a run made out of its input, for the store to keep.
#[derive(Debug, Clone, PartialEq)]
pub struct DerivedFile {
    /// Where in the output the stored file's id goes (a JSON pointer such
    /// as `/splits/0/fileId`).
    pub id_at: String,
    pub name: String,
    pub bytes: Vec<u8>,
    /// `{id, type, identifier, startPage, endPage}`: the split it holds.
    pub parent_split: Value,
}

/// A documented `failureReason` and a message a user can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub reason: String,
    pub message: String,
}

/// A parsed document as a parse run reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseOutcome {
    /// The resolved ParseConfig it was parsed under.
    pub config: Value,
    /// `{chunks, blocks, …}` under that config's target and chunking.
    pub output: Value,
    /// `{processingTimeMs, pageCount}`.
    pub metrics: Value,
}

impl Failure {
    pub fn new(reason: &str, message: impl Into<String>) -> Failure {
        Failure {
            reason: reason.to_string(),
            message: message.into(),
        }
    }
}

impl From<Failure> for Outcome {
    fn from(f: Failure) -> Outcome {
        Outcome::failed(&f.reason, f.message)
    }
}

impl Outcome {
    /// A `FAILED` outcome.
    pub fn failed(reason: &str, message: impl Into<String>) -> Outcome {
        Outcome {
            status: RunStatus::Failed,
            output: None,
            failure: Some(Failure {
                reason: reason.to_string(),
                message: message.into(),
            }),
            parse: None,
            usage: None,
            config: None,
            metrics: None,
            files: Vec::new(),
        }
    }

    /// A `PROCESSED` outcome with `output` and `usage`.
    pub fn processed(output: Value, usage: Value) -> Outcome {
        Outcome {
            status: RunStatus::Processed,
            output: Some(output),
            failure: None,
            parse: None,
            usage: Some(usage),
            config: None,
            metrics: None,
            files: Vec::new(),
        }
    }
}
