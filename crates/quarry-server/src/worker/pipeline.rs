//! One run's processing, as a blocking function: bytes + config in,
//! terminal [`RunResult`] out. Parse → (infer schema if none) → extract with
//! the engine the `baseProcessor` selects → validate against the schema →
//! usage (pages, plus model tokens when a model was asked). Every failure becomes a `FAILED`
//! result with a documented `failureReason` and a message a user can act on.

use quarry_extract::{CitationMode, ExtractRequest, infer_schema, validate_output};
use quarry_llm::Engines;
use quarry_model::enums::{RunStatus, failure};
use quarry_parse::{Limits, ParseError};
use quarry_store::RunResult;
use serde_json::Value;

use crate::worker::usage::usage_for;

/// What the pipeline needs to know about the run's file.
pub struct Input<'a> {
    pub run_id: &'a str,
    pub file_id: &'a str,
    pub file_name: &'a str,
    pub bytes: &'a [u8],
    pub config: &'a Value,
    pub limits: &'a Limits,
    pub engines: &'a Engines,
}

/// A `FAILED` result.
pub fn failed(reason: &str, message: impl Into<String>) -> RunResult {
    RunResult {
        status: RunStatus::Failed,
        output: None,
        failure_reason: Some(reason.to_string()),
        failure_message: Some(message.into()),
        parse_run_id: None,
        usage: None,
        config: None,
        metrics: None,
    }
}

pub fn process(input: &Input<'_>) -> RunResult {
    let doc = match quarry_parse::parse(input.bytes, input.file_name, input.limits) {
        Ok(doc) => doc,
        Err(e) => {
            return failed(
                parse_failure_reason(&e),
                format!("Could not read the file: {e}"),
            );
        }
    };
    let config = input.config;
    let (schema, inferred) = match config.get("schema").filter(|s| !s.is_null()) {
        Some(s) => (s.clone(), false),
        None => match infer_schema(&doc) {
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
    };
    let base = config.get("baseProcessor").and_then(Value::as_str);
    let (output, tokens) = match input
        .engines
        .for_processor(base)
        .extract_metered(&doc, &request)
    {
        Ok(e) => (e.output, e.tokens),
        Err(e) => return failed(e.failure_reason(), e.to_string()),
    };
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
        parse_run_id: None,
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
            run_id: "exr_t",
            file_id: "file_t",
            file_name: name,
            bytes,
            config: &config,
            limits: &Limits::default(),
            engines: &Engines::new(None),
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
