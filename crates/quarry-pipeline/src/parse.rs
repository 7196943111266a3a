//! A parse run: parse the file under the plan and turn the document into
//! the parse API's chunks and blocks (`quarry_parse::output`). Failures
//! carry the parse `failureReason`s of the API (`CORRUPT_FILE`,
//! `FILE_TYPE_NOT_SUPPORTED`, …).

use std::time::Instant;

use quarry_model::enums::{RunStatus, failure, parse_failure};
use quarry_parse::{Document, FileKind, Limits, ParseError, detect_kind, parse_output};
use serde_json::json;

use crate::{Failure, Input, Outcome, ParseOutcome, ParsePlan};

/// Credits per parsed page.
const CREDITS_PER_PAGE: f64 = 1.0;

/// Processes one parse run.
pub fn run_parse(plan: &ParsePlan, input: &Input<'_>) -> Outcome {
    let started = Instant::now();
    let doc = match parse_input(input, &plan.limits) {
        Ok(doc) => doc,
        Err(e) => {
            return Outcome::failed(failure_reason(&e), format!("Could not read the file: {e}"));
        }
    };
    let parsed = match parsed(&doc, plan, started) {
        Ok(p) => p,
        Err(e) => return Outcome::failed(parse_failure::INTERNAL_ERROR, e.to_string()),
    };
    let pages = doc.page_count().max(1);
    let credits = CREDITS_PER_PAGE * pages as f64;
    Outcome {
        status: RunStatus::Processed,
        output: Some(parsed.output),
        failure: None,
        parse: None,
        usage: Some(json!({
            "credits": credits,
            "totalCredits": credits,
            "breakdown": [{"object": "parse_run", "id": input.run_id, "credits": credits,
                "charges": [{"product": "parse_performance", "unit": "page",
                             "quantity": pages, "credits": credits}]}],
        })),
        config: None,
        metrics: Some(parsed.metrics),
        files: Vec::new(),
    }
}

/// The input's document, its PDF unlocked first with the input's password.
fn parse_input(input: &Input<'_>, limits: &Limits) -> Result<Document, ParseError> {
    let unlocked = match input.password {
        Some(password) if detect_kind(input.bytes, input.file_name) == FileKind::Pdf => {
            Some(quarry_parse::unlock_pdf(input.bytes, password)?)
        }
        _ => None,
    };
    let bytes = unlocked.as_deref().unwrap_or(input.bytes);
    quarry_parse::parse(bytes, input.file_name, limits)
}

/// The input's document read under `plan` (only [`ParsePlan::pages`]),
/// with its parse as a parse run reports it when `keep` (a run that records its parse: extract,
/// classify). A file that cannot be read fails the run with the reason
/// processor runs document.
pub(crate) fn read(
    plan: &ParsePlan,
    input: &Input<'_>,
    keep: bool,
) -> Result<(Document, Option<ParseOutcome>), Failure> {
    let started = Instant::now();
    let unlocked = match input.password {
        Some(password) if detect_kind(input.bytes, input.file_name) == FileKind::Pdf => Some(
            quarry_parse::unlock_pdf(input.bytes, password).map_err(|e| {
                Failure::new(
                    failure::FAILED_TO_PROCESS_FILE,
                    format!("Could not open the file: {e}"),
                )
            })?,
        ),
        _ => None,
    };
    let bytes = unlocked.as_deref().unwrap_or(input.bytes);
    let mut doc = quarry_parse::parse(bytes, input.file_name, &plan.limits).map_err(|e| {
        let reason = match e {
            ParseError::Corrupt(_) | ParseError::Crashed(_) => failure::PARSING_ERROR,
            _ => failure::FAILED_TO_PROCESS_FILE,
        };
        Failure::new(reason, format!("Could not read the file: {e}"))
    })?;
    if !plan.pages.is_empty() {
        let total = doc.pages.len();
        doc.pages
            .retain(|p| plan.pages.iter().any(|&(s, e)| (s..=e).contains(&p.number)));
        if doc.pages.is_empty() {
            return Err(Failure::new(
                failure::INVALID_CONFIGURATION,
                format!("advancedOptions.pageRanges selects none of the file's {total} pages"),
            ));
        }
    }
    let parse = match keep {
        true => Some(
            parsed(&doc, plan, started)
                .map_err(|e| Failure::new(failure::INTERNAL_ERROR, e.to_string()))?,
        ),
        false => None,
    };
    Ok((doc, parse))
}

/// `doc` as a parse run reports it, timed from `started`.
pub(crate) fn parsed(
    doc: &Document,
    plan: &ParsePlan,
    started: Instant,
) -> Result<ParseOutcome, serde_json::Error> {
    let output = serde_json::to_value(parse_output(doc, &plan.options))?;
    Ok(ParseOutcome {
        config: plan.config.clone(),
        output,
        metrics: json!({
            "processingTimeMs": started.elapsed().as_millis() as u64,
            "pageCount": doc.page_count(),
        }),
    })
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
        ParseError::PasswordProtected | ParseError::WrongPassword => {
            parse_failure::PASSWORD_PROTECTED_FILE
        }
        ParseError::LimitExceeded(_) => parse_failure::FILE_SIZE_TOO_LARGE,
        ParseError::Corrupt(_) | ParseError::Crashed(_) => parse_failure::CORRUPT_FILE,
    }
}

#[cfg(test)]
mod tests {
    use quarry_parse::Limits;
    use serde_json::{Value, json};

    use super::*;

    fn run(name: &str, bytes: &[u8], config: Value) -> Outcome {
        let plan = ParsePlan::resolve_at(Some(&config), "config", &Limits::default())
            .expect("valid config");
        let input = Input {
            run_id: "pr_t",
            file_id: "file_t",
            file_name: name,
            bytes,
            password: None,
        };
        run_parse(&plan, &input)
    }

    #[test]
    fn text_is_parsed_into_chunks_with_metrics_and_usage() {
        let r = run("a.txt", b"Hello parse\x0cPage two", json!({}));
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
        let usage = r.usage.expect("usage");
        assert_eq!(usage["credits"], json!(2.0));
        assert_eq!(usage["breakdown"][0]["id"], "pr_t");
    }

    #[test]
    fn broken_pdf_is_a_corrupt_file() {
        let r = run("x.pdf", b"%PDF-1.7\n\x00\x01garbage", json!({}));
        assert_eq!(r.status, RunStatus::Failed);
        assert_eq!(r.failure.map(|f| f.reason).as_deref(), Some("CORRUPT_FILE"));
    }
}
