//! The pipeline's outcomes as the store's terminal results: ids,
//! timestamps and records belong to the server, not to processing.

use quarry_model::enums::RunStatus;
use quarry_model::ids::PARSE_RUN;
use quarry_pipeline::{Outcome, ParseOutcome};
use quarry_store::{ParseRunRecord, RunResult};

use crate::runs::{DEFAULT_PRIORITY, new_core};

/// A `FAILED` result.
pub fn failed(reason: &str, message: impl Into<String>) -> RunResult {
    stored(Outcome::failed(reason, message), None)
}

/// The run whose outcome is stored, for the parse run an extract run keeps.
pub(super) struct Origin<'a> {
    pub workspace_id: &'a str,
    pub run_id: &'a str,
    pub file_id: &'a str,
    pub file_name: &'a str,
}

/// `outcome` as the store keeps it. The parse behind an extract run
/// becomes a finished parse run of its own, found by `GET
/// /parse_runs?sourceId=<extract run id>`.
pub(super) fn stored(outcome: Outcome, origin: Option<&Origin<'_>>) -> RunResult {
    let (failure_reason, failure_message) = match outcome.failure {
        Some(f) => (Some(f.reason), Some(f.message)),
        None => (None, None),
    };
    let parse_run = outcome
        .parse
        .zip(origin)
        .map(|(parse, origin)| Box::new(parse_run_of(origin, parse)));
    RunResult {
        status: outcome.status,
        output: outcome.output,
        failure_reason,
        failure_message,
        parse_run,
        usage: outcome.usage,
        config: outcome.config,
        metrics: outcome.metrics,
    }
}

/// The parse an extract run was made from, as a finished parse run. It
/// carries no usage: the extract run's usage already charges its pages.
fn parse_run_of(origin: &Origin<'_>, parse: ParseOutcome) -> ParseRunRecord {
    let mut core = new_core(
        PARSE_RUN,
        origin.workspace_id,
        parse.config,
        DEFAULT_PRIORITY,
        None,
        None,
    );
    core.status = RunStatus::Processed;
    core.file_id = Some(origin.file_id.to_string());
    core.file_name = Some(origin.file_name.to_string());
    core.source_id = Some(origin.run_id.to_string());
    core.output = Some(parse.output);
    ParseRunRecord {
        core,
        metrics: Some(parse.metrics),
    }
}

#[cfg(test)]
mod tests {
    use quarry_pipeline::Outcome;
    use serde_json::json;

    use super::*;

    #[test]
    fn the_kept_parse_becomes_a_parse_run_of_the_extract_run() {
        let mut outcome = Outcome::processed(json!({"value": {}}), json!({"credits": 1.0}));
        outcome.parse = Some(ParseOutcome {
            config: json!({"target": "markdown"}),
            output: json!({"chunks": []}),
            metrics: json!({"pageCount": 1}),
        });
        let origin = Origin {
            workspace_id: "ws_t",
            run_id: "exr_t",
            file_id: "file_t",
            file_name: "a.pdf",
        };
        let r = stored(outcome, Some(&origin));
        assert_eq!(r.status, RunStatus::Processed);
        let parse = r.parse_run.expect("parse run");
        assert_eq!(parse.source_id.as_deref(), Some("exr_t"));
        assert_eq!(parse.file_id.as_deref(), Some("file_t"));
        assert!(parse.id.starts_with(PARSE_RUN));
        assert!(parse.usage.is_none());
    }

    #[test]
    fn a_failure_keeps_its_reason_and_message() {
        let r = failed("ABORTED", "The run was cancelled");
        assert_eq!(r.status, RunStatus::Failed);
        assert_eq!(r.failure_reason.as_deref(), Some("ABORTED"));
        assert_eq!(r.failure_message.as_deref(), Some("The run was cancelled"));
        assert!(r.output.is_none() && r.parse_run.is_none());
    }
}
