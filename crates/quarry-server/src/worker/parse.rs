//! Parse runs: load the file, parse it, and turn the document into the
//! parse API's chunks and blocks (`quarry_parse::output`). The processing is
//! a pure blocking function, [`process_parse`]; failures carry the parse
//! `failureReason`s of the API (`CORRUPT_FILE`, `FILE_TYPE_NOT_SUPPORTED`, …).

use std::time::Instant;

use quarry_model::enums::{RunStatus, parse_failure};
use quarry_parse::{Document, Limits, ParseError, SheetOptions, parse_output};
use quarry_store::{Lease, RunKind, RunResult};
use serde_json::{Value, json};

use super::{RunSource, failed, load_file, run_blocking};
use crate::parse_config;
use crate::state::AppState;

/// Credits per parsed page.
const CREDITS_PER_PAGE: f64 = 1.0;

/// Processes the parse run held by `lease`. `None` is never returned today;
/// the signature matches the extract path so the worker treats both alike.
pub(super) async fn compute(state: &AppState, lease: &Lease) -> Option<RunResult> {
    let ws = lease.workspace_id.as_str();
    let run = match state.store.get_parse_run(ws, &lease.run_id).await {
        Ok(Some(run)) => run,
        Ok(None) => return Some(failed(parse_failure::INTERNAL_ERROR, "The run was deleted")),
        Err(e) => {
            return Some(failed(
                parse_failure::INTERNAL_ERROR,
                format!("Loading the run failed: {e}"),
            ));
        }
    };
    let source = RunSource {
        kind: RunKind::Parse,
        ws,
        run_id: &run.id,
        file_id: run.file_id.as_deref(),
        file_url: run.file_url.as_deref(),
        file_name: run.file_name.as_deref(),
    };
    let (file, bytes) =
        match load_file(state, &source, parse_failure::UNABLE_TO_DOWNLOAD_FILE).await {
            Ok(loaded) => loaded,
            Err(failure) => return Some(failure),
        };
    let limits = state.config.parse_limits.clone();
    let run_id = run.id.clone();
    let reason = parse_failure::INTERNAL_ERROR;
    Some(
        run_blocking(state, reason, move || {
            process_parse(&run_id, &file.name, &bytes, &run.config, &limits)
        })
        .await,
    )
}

/// Parses `bytes` under a validated ParseConfig into a terminal result.
pub fn process_parse(
    run_id: &str,
    file_name: &str,
    bytes: &[u8],
    config: &Value,
    limits: &Limits,
) -> RunResult {
    let started = Instant::now();
    let doc = match quarry_parse::parse(bytes, file_name, &limits_for(config, limits)) {
        Ok(doc) => doc,
        Err(e) => return failed(failure_reason(&e), format!("Could not read the file: {e}")),
    };
    let parsed = match Parsed::of(&doc, config, started) {
        Ok(p) => p,
        Err(e) => return failed(parse_failure::INTERNAL_ERROR, e.to_string()),
    };
    let pages = doc.page_count();
    let credits = CREDITS_PER_PAGE * pages.max(1) as f64;
    RunResult {
        status: RunStatus::Processed,
        output: Some(parsed.output),
        failure_reason: None,
        failure_message: None,
        parse_run: None,
        usage: Some(json!({
            "credits": credits,
            "totalCredits": credits,
            "breakdown": [{"object": "parse_run", "id": run_id, "credits": credits,
                "charges": [{"product": "parse_performance", "unit": "page",
                             "quantity": pages.max(1), "credits": credits}]}],
        })),
        config: None,
        metrics: Some(parsed.metrics),
    }
}

/// The parse limits a resolved ParseConfig asks for: `pageRotationEnabled`
/// turns orientation detection on or off over the server's default, and the
/// Excel options say how spreadsheets are read.
pub(super) fn limits_for(config: &Value, limits: &Limits) -> Limits {
    let flag = |key: &str, default: bool| {
        config
            .pointer(&format!("/advancedOptions/{key}"))
            .and_then(Value::as_bool)
            .unwrap_or(default)
    };
    Limits {
        detect_orientation: flag("pageRotationEnabled", limits.detect_orientation),
        sheets: SheetOptions {
            skip_hidden: flag("excelSkipHiddenContent", limits.sheets.skip_hidden),
            raw_values: flag("excelUseRawCellValues", limits.sheets.raw_values),
            selection: limits.sheets.selection.clone(),
        },
        ..limits.clone()
    }
}

/// A parsed document as a parse run reports it.
pub(super) struct Parsed {
    /// `{chunks, blocks, …}` under the config's target and chunking.
    pub output: Value,
    /// `{processingTimeMs, pageCount}`, timed from `started`.
    pub metrics: Value,
}

impl Parsed {
    pub(super) fn of(
        doc: &Document,
        config: &Value,
        started: Instant,
    ) -> Result<Parsed, serde_json::Error> {
        let output = serde_json::to_value(parse_output(doc, &parse_config::options(config)))?;
        Ok(Parsed {
            output,
            metrics: json!({
                "processingTimeMs": started.elapsed().as_millis() as u64,
                "pageCount": doc.page_count(),
            }),
        })
    }
}

/// The documented parse `failureReason` of a parse error.
fn failure_reason(e: &ParseError) -> &'static str {
    match e {
        ParseError::TooLarge { .. }
        | ParseError::TooManyPages { .. }
        | ParseError::TooLargeDecompressed { .. }
        | ParseError::TooManyCells { .. }
        | ParseError::TooManyPixels { .. } => parse_failure::FILE_SIZE_TOO_LARGE,
        ParseError::Unsupported(_) => parse_failure::FILE_TYPE_NOT_SUPPORTED,
        ParseError::PasswordProtected => parse_failure::PASSWORD_PROTECTED_FILE,
        ParseError::LimitExceeded(_) => parse_failure::FILE_SIZE_TOO_LARGE,
        ParseError::Corrupt(_) | ParseError::Crashed(_) => parse_failure::CORRUPT_FILE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(v: Value) -> Value {
        parse_config::resolve(Some(&v)).expect("valid config")
    }

    #[test]
    fn text_is_parsed_into_chunks_with_metrics_and_usage() {
        let r = process_parse(
            "pr_t",
            "a.txt",
            b"Hello parse\x0cPage two",
            &config(json!({})),
            &Limits::default(),
        );
        assert_eq!(r.status, RunStatus::Processed, "{r:?}");
        let out = r.output.expect("output");
        assert_eq!(out["chunks"].as_array().map(Vec::len), Some(2));
        assert_eq!(out["chunks"][0]["content"], "Hello parse");
        assert_eq!(
            out["chunks"][0]["blocks"][0]["details"]["type"],
            "text_details"
        );
        assert_eq!(out["chunks"][0]["metadata"]["pageRange"]["start"], 1);
        assert_eq!(r.metrics.expect("metrics")["pageCount"], 2);
        assert_eq!(r.usage.expect("usage")["credits"], json!(2.0));
    }

    #[test]
    fn broken_pdf_is_a_corrupt_file() {
        let r = process_parse(
            "pr_t",
            "x.pdf",
            b"%PDF-1.7\n\x00\x01garbage",
            &config(json!({})),
            &Limits::default(),
        );
        assert_eq!(r.status, RunStatus::Failed);
        assert_eq!(r.failure_reason.as_deref(), Some("CORRUPT_FILE"));
    }
}
