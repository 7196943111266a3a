//! One run's processing, as a blocking function: bytes + config in,
//! terminal [`RunResult`] out. Parse (under the config's `parseConfig`) →
//! (infer schema if none) → extract with the engine the `baseProcessor`
//! selects → validate against the schema → usage (pages, plus model tokens
//! when a model was asked). Every failure becomes a `FAILED` result with a
//! documented `failureReason` and a message a user can act on. Once the file
//! is parsed, the result carries that parse as a finished parse run, so the
//! extract run's `parseRunId` shows users what the engine read.

use std::time::Instant;

use quarry_extract::{CitationMode, ExtractRequest, infer_schema, validate_output};
use quarry_llm::Engines;
use quarry_model::enums::{RunStatus, failure};
use quarry_model::ids::{PARSE_RUN, new_id};
use quarry_model::time::now_ms;
use quarry_parse::{Document, Limits, ParseError, SheetSelection};
use quarry_store::{ParseRunRecord, RunResult};
use serde_json::Value;

use super::parse::{Parsed, limits_for};
use crate::parse_config;
use crate::runs::DEFAULT_PRIORITY;
use crate::worker::usage::usage_for;

/// What the pipeline needs to know about the run's file.
pub struct Input<'a> {
    /// The workspace of the run (and of the parse run it records).
    pub workspace_id: &'a str,
    pub run_id: &'a str,
    pub file_id: &'a str,
    pub file_name: &'a str,
    pub bytes: &'a [u8],
    pub config: &'a Value,
    pub limits: &'a Limits,
    pub engines: &'a Engines,
    /// Build the parse run the result carries (`parseRunId`). Only a store
    /// keeps it; `quarry extract` without a server would build it for
    /// nothing.
    pub record_parse: bool,
}

/// A `FAILED` result.
pub fn failed(reason: &str, message: impl Into<String>) -> RunResult {
    RunResult {
        status: RunStatus::Failed,
        output: None,
        failure_reason: Some(reason.to_string()),
        failure_message: Some(message.into()),
        parse_run: None,
        usage: None,
        config: None,
        metrics: None,
    }
}

/// Where an ExtractConfig holds its ParseConfig.
pub const PARSE_CONFIG: &str = "config.parseConfig";

pub fn process(input: &Input<'_>) -> RunResult {
    let parse_config = match parse_config::resolve_at(input.config.get("parseConfig"), PARSE_CONFIG)
    {
        Ok(c) => c,
        Err(e) => return failed(failure::INVALID_CONFIGURATION, e.to_string()),
    };
    let started = Instant::now();
    let mut limits = limits_for(&parse_config, input.limits);
    limits.sheets.selection = sheet_selection(input.config);
    let doc = match quarry_parse::parse(input.bytes, input.file_name, &limits) {
        Ok(doc) => doc,
        Err(e) => {
            return failed(
                parse_failure_reason(&e),
                format!("Could not read the file: {e}"),
            );
        }
    };
    if !input.record_parse {
        return extract(input, &doc);
    }
    let parse_run = match Parsed::of(&doc, &parse_config, started) {
        Ok(parsed) => parse_run_of(input, parse_config, parsed),
        Err(e) => return failed(failure::INTERNAL_ERROR, e.to_string()),
    };
    RunResult {
        parse_run: Some(Box::new(parse_run)),
        ..extract(input, &doc)
    }
}

/// The sheets an ExtractConfig asks for: `excelSheetRanges` (0-based,
/// validated at create time) over `excelSheetSelectionStrategy` (`first`,
/// `last`; `intelligent` and `all` read every sheet).
fn sheet_selection(config: &Value) -> SheetSelection {
    let options = config.get("advancedOptions");
    let ranges: Vec<(usize, usize)> = options
        .and_then(|o| o.get("excelSheetRanges"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|r| {
            let at = |k: &str| r.get(k).and_then(Value::as_u64).map(|n| n as usize);
            Some((at("start")?, at("end")?))
        })
        .collect();
    if !ranges.is_empty() {
        return SheetSelection::Ranges(ranges);
    }
    match options
        .and_then(|o| o.get("excelSheetSelectionStrategy"))
        .and_then(Value::as_str)
    {
        Some("first") => SheetSelection::First,
        Some("last") => SheetSelection::Last,
        _ => SheetSelection::All,
    }
}

/// The parse an extract run was made from, as a finished parse run found by
/// `GET /parse_runs?sourceId=<extract run id>`. It carries no usage: the
/// extract run's usage already charges its pages.
fn parse_run_of(input: &Input<'_>, config: Value, parsed: Parsed) -> ParseRunRecord {
    let now = now_ms();
    ParseRunRecord {
        id: new_id(PARSE_RUN),
        workspace_id: input.workspace_id.to_string(),
        status: RunStatus::Processed,
        priority: DEFAULT_PRIORITY,
        file_id: Some(input.file_id.to_string()),
        file_name: Some(input.file_name.to_string()),
        file_url: None,
        batch_id: None,
        source: "API".to_string(),
        source_id: Some(input.run_id.to_string()),
        config,
        metadata: None,
        output: Some(parsed.output),
        failure_reason: None,
        failure_message: None,
        metrics: Some(parsed.metrics),
        usage: None,
        created_at: now,
        updated_at: now,
    }
}

/// Extraction from the parsed document: schema (given or inferred), engine,
/// validation and usage.
fn extract(input: &Input<'_>, doc: &Document) -> RunResult {
    let config = input.config;
    let (schema, inferred) = match config.get("schema").filter(|s| !s.is_null()) {
        Some(s) => (s.clone(), false),
        None => match infer_schema(doc) {
            Ok(s) => (s, true),
            Err(e) => return failed(e.failure_reason(), e.to_string()),
        },
    };
    let options = config.get("advancedOptions");
    let flag = |k: &str| options.and_then(|o| o.get(k)).and_then(Value::as_bool);
    let request = ExtractRequest {
        schema: Some(schema.clone()),
        extraction_rules: config
            .get("extractionRules")
            .and_then(Value::as_str)
            .map(str::to_string),
        citations_enabled: flag("citationsEnabled").unwrap_or(false),
        citation_mode: options
            .and_then(|o| o.get("citationMode"))
            .and_then(Value::as_str)
            .and_then(CitationMode::from_wire)
            .unwrap_or_default(),
        file_id: Some(input.file_id.to_string()),
        page_chunk_size: options
            .and_then(|o| o.pointer("/chunkingOptions/pageChunkSize"))
            .and_then(Value::as_u64)
            .and_then(|n| usize::try_from(n).ok()),
        semantic_chunks: options
            .and_then(|o| o.pointer("/chunkingOptions/chunkingStrategy"))
            .and_then(Value::as_str)
            == Some("semantic"),
    };
    let base = config.get("baseProcessor").and_then(Value::as_str);
    let (output, tokens) = match input
        .engines
        .for_processor(base)
        .extract_metered(doc, &request)
    {
        Ok(e) => (e.output, e.tokens),
        Err(e) => return failed(e.failure_reason(), e.to_string()),
    };
    let output = quarry_extract::einvoice::overlay(doc, &request, output);
    if let Err(e) = validate_output(&schema, &output.value) {
        return failed(
            failure::POST_PROCESSING_FAILURE,
            format!("The extracted value does not match the schema: {e}"),
        );
    }
    let output = match serde_json::to_value(&output) {
        Ok(v) => v,
        Err(e) => return failed(failure::INTERNAL_ERROR, e.to_string()),
    };
    let new_config = inferred.then(|| {
        let mut c = config.clone();
        if let Some(o) = c.as_object_mut() {
            o.insert("schema".into(), schema);
        }
        c
    });
    RunResult {
        status: RunStatus::Processed,
        output: Some(output),
        failure_reason: None,
        failure_message: None,
        parse_run: None,
        usage: Some(usage_for(
            input.run_id,
            base,
            doc.page_count(),
            tokens.as_ref(),
        )),
        config: new_config,
        metrics: None,
    }
}

fn parse_failure_reason(e: &ParseError) -> &'static str {
    match e {
        ParseError::Corrupt(_) | ParseError::Crashed(_) => failure::PARSING_ERROR,
        _ => failure::FAILED_TO_PROCESS_FILE,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn run(bytes: &[u8], name: &str, config: Value) -> RunResult {
        process(&Input {
            workspace_id: "ws_t",
            run_id: "exr_t",
            file_id: "file_t",
            file_name: name,
            bytes,
            config: &config,
            limits: &Limits::default(),
            engines: &Engines::new(None),
            record_parse: true,
        })
    }

    #[test]
    fn text_document_is_processed_with_usage() {
        let config = json!({"baseProcessor": "extraction_performance", "schema": {
            "type": "object",
            "properties": {"invoice_number": {"type": ["string", "null"]}},
            "required": ["invoice_number"], "additionalProperties": false}});
        let r = run(b"Invoice Number: INV-7\n", "a.txt", config);
        assert_eq!(r.status, RunStatus::Processed, "{r:?}");
        let out = r.output.expect("output");
        assert_eq!(out["value"]["invoice_number"], "INV-7");
        assert!(out["metadata"].is_object());
        assert_eq!(r.usage.expect("usage")["credits"], json!(1.0));
        let parse = r.parse_run.expect("the parse is recorded");
        assert_eq!(parse.source_id.as_deref(), Some("exr_t"));
        assert!(parse.output.is_some_and(|o| o["chunks"].is_array()));
    }

    #[test]
    fn without_a_store_no_parse_run_is_built() {
        let config = json!({});
        let r = process(&Input {
            workspace_id: "local",
            run_id: "local",
            file_id: "file_t",
            file_name: "a.txt",
            bytes: b"Invoice Number: INV-7\n",
            config: &config,
            limits: &Limits::default(),
            engines: &Engines::new(None),
            record_parse: false,
        });
        assert_eq!(r.status, RunStatus::Processed, "{r:?}");
        assert!(r.parse_run.is_none());
    }

    #[test]
    fn broken_pdf_fails_with_reason() {
        let r = run(b"%PDF-1.7\n\x00\x01garbage", "x.pdf", json!({}));
        assert_eq!(r.status, RunStatus::Failed);
        assert!(r.failure_reason.is_some());
        assert!(
            r.failure_message
                .expect("message")
                .contains("Could not read the file")
        );
    }

    #[test]
    fn schemaless_run_records_inferred_schema() {
        let r = run(b"Invoice Number: INV-7\nTotal: 12.50\n", "a.txt", json!({}));
        assert_eq!(r.status, RunStatus::Processed, "{r:?}");
        assert!(r.config.expect("config")["schema"]["properties"].is_object());
    }
}
