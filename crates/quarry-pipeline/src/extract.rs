//! An extract run: parse (under the plan's ParseConfig) → schema (given,
//! or inferred from the document) → the engine the plan's `baseProcessor`
//! selects → the e-invoice overlay → validation against the schema → usage
//! (pages, plus model tokens when a model was asked). Every failure is a
//! `FAILED` outcome with a documented `failureReason` and a message a user
//! can act on. The parse can be kept in the outcome, so a store can show
//! users what the engine read (`parseRunId`).

use quarry_extract::{Engine, ExtractOutput, TokenUsage, infer_schema, validate_output};
use quarry_llm::Engines;
use quarry_model::enums::failure;
use quarry_parse::Document;
use serde_json::Value;

use crate::parse::read;
use crate::{ExtractPlan, Failure, Input, Outcome, usage_for};

/// Processes one extract run. `keep_parse` puts the parse into the outcome
/// ([`Outcome::parse`]); only a store keeps it, so `quarry extract`
/// without a server does not build it for nothing.
pub fn run_extract(
    plan: &ExtractPlan,
    engines: &Engines,
    input: &Input<'_>,
    keep_parse: bool,
) -> Outcome {
    let (doc, parse) = match read(&plan.parse, input, keep_parse) {
        Ok(read) => read,
        Err(failure) => return failure.into(),
    };
    let engine = plan.engine(engines);
    let mut outcome = match extract_document(plan, engine, &doc, Some(input.file_id)) {
        Ok(extracted) => extracted.into_outcome(plan, input.run_id, doc.page_count()),
        Err(f) => Outcome::failed(&f.reason, f.message),
    };
    outcome.parse = parse;
    outcome
}

/// What an engine made of a parsed document, checked against the schema.
pub struct Extracted {
    pub output: ExtractOutput,
    /// Model tokens, when a model was asked.
    pub tokens: Option<TokenUsage>,
    /// The schema inferred from the document, when the plan had none.
    pub inferred_schema: Option<Value>,
}

impl Extracted {
    fn into_outcome(self, plan: &ExtractPlan, run_id: &str, pages: usize) -> Outcome {
        let base = plan.base_processor.as_deref();
        let usage = usage_for(run_id, base, pages, self.tokens.as_ref());
        let output = match serde_json::to_value(&self.output) {
            Ok(v) => v,
            Err(e) => return Outcome::failed(failure::INTERNAL_ERROR, e.to_string()),
        };
        let mut outcome = Outcome::processed(output, usage);
        outcome.config = self.inferred_schema.map(|schema| {
            let mut c = plan.config().clone();
            if let Some(o) = c.as_object_mut() {
                o.insert("schema".into(), schema);
            }
            c
        });
        outcome
    }
}

/// Extraction from a parsed document with `engine`: the step `bench
/// accuracy` measures, and the one every run goes through.
pub fn extract_document(
    plan: &ExtractPlan,
    engine: &dyn Engine,
    doc: &Document,
    file_id: Option<&str>,
) -> Result<Extracted, Failure> {
    let fail = Failure::new;
    let (schema, inferred) = match &plan.schema {
        Some(s) => (s.clone(), false),
        None => infer_schema(doc)
            .map(|s| (s, true))
            .map_err(|e| fail(e.failure_reason(), e.to_string()))?,
    };
    let request = plan.request(&schema, file_id);
    let extraction = engine
        .extract_metered(doc, &request)
        .map_err(|e| fail(e.failure_reason(), e.to_string()))?;
    let output = quarry_extract::einvoice::overlay(doc, &request, extraction.output);
    validate_output(&schema, &output.value).map_err(|e| {
        fail(
            failure::POST_PROCESSING_FAILURE,
            format!("The extracted value does not match the schema: {e}"),
        )
    })?;
    Ok(Extracted {
        output,
        tokens: extraction.tokens,
        inferred_schema: inferred.then_some(schema),
    })
}

#[cfg(test)]
mod tests {
    use quarry_model::enums::RunStatus;
    use quarry_parse::Limits;
    use serde_json::json;

    use super::*;

    fn run(bytes: &[u8], name: &str, config: Value, keep_parse: bool) -> Outcome {
        let plan = ExtractPlan::resolve(config, &Limits::default()).expect("valid config");
        let input = Input {
            run_id: "exr_t",
            file_id: "file_t",
            file_name: name,
            bytes,
            password: None,
        };
        run_extract(&plan, &Engines::new(None), &input, keep_parse)
    }

    #[test]
    fn text_document_is_processed_with_usage() {
        let config = json!({"baseProcessor": "extraction_performance", "schema": {
            "type": "object",
            "properties": {"invoice_number": {"type": ["string", "null"]}},
            "required": ["invoice_number"], "additionalProperties": false}});
        let r = run(b"Invoice Number: INV-7\n", "a.txt", config, true);
        assert_eq!(r.status, RunStatus::Processed, "{r:?}");
        let out = r.output.expect("output");
        assert_eq!(out["value"]["invoice_number"], "INV-7");
        assert!(out["metadata"].is_object());
        let usage = r.usage.expect("usage");
        assert_eq!(usage["credits"], json!(1.0));
        assert_eq!(usage["breakdown"][0]["id"], "exr_t");
        let parse = r.parse.expect("the parse is kept");
        assert!(parse.output["chunks"].is_array());
        assert_eq!(parse.config["target"], "markdown");
    }

    #[test]
    fn without_a_store_no_parse_is_kept() {
        let r = run(b"Invoice Number: INV-7\n", "a.txt", json!({}), false);
        assert_eq!(r.status, RunStatus::Processed, "{r:?}");
        assert!(r.parse.is_none());
    }

    #[test]
    fn broken_pdf_fails_with_reason() {
        let r = run(b"%PDF-1.7\n\x00\x01garbage", "x.pdf", json!({}), true);
        assert_eq!(r.status, RunStatus::Failed);
        let failure = r.failure.expect("failure");
        assert_eq!(failure.reason, failure::PARSING_ERROR);
        assert!(failure.message.contains("Could not read the file"));
    }

    #[test]
    fn page_ranges_extract_and_charge_only_the_pages_named() {
        let config = |ranges: Value| {
            json!({"schema": {
                "type": "object",
                "properties": {"invoice_number": {"type": ["string", "null"]}},
                "required": ["invoice_number"], "additionalProperties": false},
                "advancedOptions": {"pageRanges": ranges, "citationsEnabled": true}})
        };
        let text = b"Invoice Number: FIRST-1\x0cNotes only\x0cInvoice Number: THIRD-3\n";
        let r = run(text, "a.txt", config(json!([{"start": 3, "end": 3}])), true);
        assert_eq!(r.status, RunStatus::Processed, "{r:?}");
        let out = r.output.expect("output");
        assert_eq!(out["value"]["invoice_number"], "THIRD-3");
        let citation = &out["metadata"]["invoice_number"]["citations"][0];
        assert_eq!(
            citation["page"]["number"],
            json!(3),
            "citations keep the file's page numbers: {out}"
        );
        assert_eq!(r.usage.expect("usage")["credits"], json!(1.0));
        let none = run(
            text,
            "a.txt",
            config(json!([{"start": 5, "end": 9}])),
            false,
        );
        assert_eq!(none.status, RunStatus::Failed);
        assert!(
            none.failure
                .expect("failure")
                .message
                .contains("pageRanges")
        );
    }

    #[test]
    fn schemaless_run_records_inferred_schema() {
        let r = run(
            b"Invoice Number: INV-7\nTotal: 12.50\n",
            "a.txt",
            json!({}),
            true,
        );
        assert_eq!(r.status, RunStatus::Processed, "{r:?}");
        let config = r.config.expect("config");
        assert!(config["schema"]["properties"].is_object());
        assert_eq!(config["baseProcessor"], "extraction_performance");
    }
}
