//! The hybrid engine against the scripted stub server: which fields go to
//! the model and which stay with the rules engine, how much of the document
//! the model sees, how answers merge, per-field failure, and tables read
//! page by page. No network: the stub listens on 127.0.0.1.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::doc;
use quarry_extract::{Engine, ExtractRequest};
use quarry_llm::stub::{Reply, StubLlm};
use quarry_llm::{HybridEngine, LlmConfig, LlmEngine, Provider};
use quarry_parse::{BBox, Cell, Document, Table};
use serde_json::{Value, json};

fn schema() -> Value {
    json!({"type": "object", "properties": {
        "invoice_number": {"type": ["string", "null"], "description": "Invoice number"},
        "purchase_order": {"type": ["string", "null"], "description": "The buyer's purchase order reference"}
    }})
}

fn request(schema: Value) -> ExtractRequest {
    ExtractRequest {
        schema: Some(schema),
        citations_enabled: true,
        ..ExtractRequest::default()
    }
}

fn hybrid(stub: &StubLlm) -> HybridEngine {
    let mut c = LlmConfig::new(Provider::OpenAi, "test-model").with_base_url(&stub.openai_url());
    c.backoff_base = Duration::from_millis(1);
    c.backoff_cap = Duration::from_millis(5);
    c.max_attempts = 1;
    HybridEngine::new(
        Arc::new(LlmEngine::new(c)),
        quarry_llm::DEFAULT_HYBRID_THRESHOLD,
    )
}

fn start(script: Vec<Reply>) -> StubLlm {
    StubLlm::start(script).expect("stub starts")
}

/// The schema the model was asked to fill in request `i`.
fn asked_fields(stub: &StubLlm, i: usize) -> Vec<String> {
    stub.requests()[i]["response_format"]["json_schema"]["schema"]["properties"]
        .as_object()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

fn user_message(stub: &StubLlm, i: usize) -> String {
    stub.requests()[i]["messages"][1]["content"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// A long page: the invoice number is labelled at the top, the order
/// reference sits unlabelled in the middle of 300 lines of terms.
fn long_invoice() -> Document {
    let mut lines: Vec<String> = vec!["Invoice Number: INV-7".into()];
    for i in 0..300 {
        lines.push(if i == 150 {
            "Your reference ORD 5521 as agreed".into()
        } else {
            format!("Clause {i} of the general terms applies")
        });
    }
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    doc(&[&refs])
}

#[test]
fn only_fields_the_rules_engine_is_unsure_of_go_and_see_only_their_neighbourhood() {
    let stub = start(vec![Reply::Answer(json!({"purchase_order": "ORD 5521"}))]);
    let out = hybrid(&stub)
        .extract_metered(&long_invoice(), &request(schema()))
        .expect("extracts");
    // The labelled number stays with the rules engine; the model fills the rest.
    assert_eq!(
        out.output.value,
        json!({"invoice_number": "INV-7", "purchase_order": "ORD 5521"})
    );
    assert_eq!(stub.requests().len(), 1);
    assert_eq!(asked_fields(&stub, 0), vec!["purchase_order"]);
    // Context: the header and the lines around labels, not 301 lines.
    let user = user_message(&stub, 0);
    let sent_lines = user.lines().filter(|l| l.starts_with("Clause")).count();
    assert!(sent_lines <= 20, "{sent_lines} lines sent:\n{user}");
    assert!(user.contains("[...]"), "{user}");
    // Small answers get a small token cap.
    let max_tokens = stub.requests()[0]["max_tokens"].as_u64().unwrap_or(0);
    assert!(max_tokens > 0 && max_tokens <= 100, "{max_tokens}");

    let meta = &out.output.metadata;
    assert_eq!(meta["invoice_number"]["quarryEngine"], "rules");
    assert_eq!(meta["purchase_order"]["quarryEngine"], "llm");
    // The model's value is cited on its words, found in the parse.
    let cite = &meta["purchase_order"]["citations"][0];
    assert_eq!(cite["referenceText"], "Your reference ORD 5521 as agreed");
    assert_eq!(cite["polygon"][0]["y"], json!(10.0 + 20.0 * 151.0));
    let tokens = out.tokens.expect("model tokens are reported");
    assert_eq!(tokens.requests, 1);
}

#[test]
fn nothing_goes_to_the_model_when_the_rules_engine_is_sure() {
    let stub = start(vec![]);
    let d = doc(&[&["Invoice Number: INV-7"]]);
    let schema = json!({"type": "object", "properties": {
        "invoice_number": {"type": ["string", "null"]}
    }});
    let out = hybrid(&stub)
        .extract_metered(&d, &request(schema))
        .expect("extracts");
    assert_eq!(out.output.value["invoice_number"], "INV-7");
    assert!(stub.requests().is_empty());
    assert!(out.tokens.is_none());
}

#[test]
fn a_model_value_printed_nowhere_is_not_returned() {
    // The page says ORD 5521; "PO-9" is an invention.
    let stub = start(vec![Reply::Answer(json!({"purchase_order": "PO-9"}))]);
    let out = hybrid(&stub)
        .extract_metered(&long_invoice(), &request(schema()))
        .expect("extracts");
    assert_eq!(stub.requests().len(), 1);
    assert_eq!(out.output.value["invoice_number"], "INV-7");
    assert_eq!(out.output.value["purchase_order"], Value::Null);
    assert_ne!(
        out.output
            .metadata
            .get("purchase_order")
            .and_then(|m| m.get("quarryEngine")),
        Some(&json!("llm"))
    );
}

#[test]
fn a_failing_model_fails_its_fields_not_the_run() {
    let stub = start(vec![
        Reply::Text("{\"purchase_order\": oops".into()),
        Reply::Text("I cannot help with that.".into()),
    ]);
    let out = hybrid(&stub)
        .extract_metered(&long_invoice(), &request(schema()))
        .expect("the run survives");
    assert_eq!(stub.requests().len(), 2, "malformed twice, then given up");
    assert_eq!(out.output.value["invoice_number"], "INV-7");
    assert_eq!(out.output.value["purchase_order"], Value::Null);
    let failed = &out.output.metadata["purchase_order"];
    assert_eq!(failed["quarryFlags"], json!(["model_failed"]));
    assert_eq!(failed["ocrConfidence"], json!(0.1));
}

#[test]
fn the_run_fails_only_when_nothing_was_extracted() {
    let stub = start(vec![Reply::Status(500, None)]);
    let d = doc(&[&["lorem ipsum", "dolor sit amet"]]);
    let schema = json!({"type": "object", "properties": {
        "purchase_order": {"type": ["string", "null"]}
    }});
    let err = hybrid(&stub)
        .extract_metered(&d, &request(schema))
        .expect_err("nothing extracted");
    assert_eq!(err.failure_reason(), "INTERNAL_ERROR");
}

/// A table the parser detected on `page`, with a header and `rows` body rows.
fn table(rows: usize) -> Table {
    let cells = (0..=rows)
        .map(|r| Cell {
            row: r,
            col: 0,
            text: format!("r{r}"),
            bbox: BBox::default(),
            reference: None,
            row_span: 1,
            col_span: 1,
        })
        .collect();
    Table {
        rows: rows + 1,
        cols: 1,
        bbox: BBox::default(),
        cells,
        name: None,
        header_rows: 1,
        continued: false,
    }
}

#[test]
fn a_table_the_rules_engine_missed_is_read_page_by_page() {
    let mut d = doc(&[
        &["Widget alpha 3", "Widget beta 4"],
        &["Terms and conditions"],
        &["Widget gamma 5"],
    ]);
    d.pages[0].tables.push(table(2));
    d.pages[2].tables.push(table(1));
    let schema = json!({"type": "object", "properties": {
        "items": {"type": "array", "items": {"type": "object", "properties": {
            "name": {"type": ["string", "null"]},
            "qty": {"type": ["number", "null"]}
        }}}
    }});
    let stub = start(vec![
        Reply::Answer(
            json!({"items": [{"name": "Widget alpha", "qty": 3}, {"name": "Widget beta", "qty": 4}]}),
        ),
        Reply::Answer(json!({"items": [{"name": "Widget gamma", "qty": 5}]})),
    ]);
    let out = hybrid(&stub)
        .extract_metered(&d, &request(schema))
        .expect("extracts");
    // Pages 1 and 3 hold the table; page 2 is not sent.
    assert_eq!(stub.requests().len(), 2);
    assert!(user_message(&stub, 0).contains("<page 1>"));
    assert!(user_message(&stub, 1).contains("<page 3>"));
    assert!(!user_message(&stub, 1).contains("Widget alpha"));
    let items = out.output.value["items"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(items.len(), 3, "{items:?}");
    assert_eq!(items[2]["name"], "Widget gamma");
    let meta = &out.output.metadata;
    assert_eq!(meta["items[2].name"]["quarryEngine"], "llm");
    assert_eq!(meta["items[2].qty"]["citations"][0]["page"]["number"], 3);
}
