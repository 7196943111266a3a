//! The model engine against a real local HTTP server that speaks each
//! provider's wire format (`quarry_llm::stub`): values-only structured
//! output, citations found on the parsed words, chunk merging, continuation
//! of cut-off answers, loops cut instead of continued, retries, budgets and
//! malformed answers. The hybrid engine has its own file (tests/hybrid.rs).

use std::time::Duration;

mod common;

use common::doc;
use quarry_extract::{Engine, ExtractError, ExtractRequest, Extraction};
use quarry_llm::stub::{Reply, StubLlm};
use quarry_llm::{LlmConfig, LlmEngine, Provider};
use quarry_parse::Document;
use serde_json::{Value, json};

fn invoice() -> Document {
    doc(&[&["Invoice Number: INV-7", "Total: 1.234,50 EUR", "PO: 4711"]])
}

fn schema() -> Value {
    json!({"type": "object", "properties": {
        "invoice_number": {"type": ["string", "null"]},
        "total": {"type": ["number", "null"]},
        "po_number": {"type": ["string", "null"]},
        "items": {"type": "array", "items": {"type": "object", "properties": {
            "sku": {"type": ["string", "null"]}
        }}}
    }})
}

fn request() -> ExtractRequest {
    ExtractRequest {
        schema: Some(schema()),
        extraction_rules: Some("Totals are gross.".into()),
        citations_enabled: true,
        file_id: Some("file_1".into()),
        ..ExtractRequest::default()
    }
}

fn config(stub: &StubLlm, provider: Provider) -> LlmConfig {
    let url = match provider {
        Provider::OpenAi => stub.openai_url(),
        Provider::Anthropic => stub.anthropic_url(),
    };
    let mut c = LlmConfig::new(provider, "test-model").with_base_url(&url);
    c.api_key = Some("sk-test".into());
    c.backoff_base = Duration::from_millis(1);
    c.backoff_cap = Duration::from_millis(5);
    c.max_attempts = 3;
    c
}

fn run(
    stub: &StubLlm,
    provider: Provider,
    tweak: impl FnOnce(&mut LlmConfig),
) -> Result<Extraction, ExtractError> {
    let mut c = config(stub, provider);
    tweak(&mut c);
    LlmEngine::new(c).extract_metered(&invoice(), &request())
}

fn start(script: Vec<Reply>) -> StubLlm {
    StubLlm::start(script).expect("stub starts")
}

/// A values-only answer: no line ids, no citations.
fn answer() -> Value {
    json!({"invoice_number": "INV-7", "total": 1234.5, "po_number": "PO-9", "items": []})
}

#[test]
fn values_only_answers_get_citations_on_the_right_words_and_absent_values_are_uncited() {
    let stub = start(vec![Reply::Answer(answer())]);
    let out = run(&stub, Provider::OpenAi, |_| {}).expect("extracts");
    let value = &out.output.value;
    assert_eq!(value, &answer());

    let meta = &out.output.metadata;
    let cite = &meta["invoice_number"]["citations"][0];
    assert_eq!(cite["fileId"], "file_1");
    assert_eq!(
        cite["page"],
        json!({"number": 1, "width": 600.0, "height": 800.0})
    );
    assert_eq!(cite["referenceText"], "Invoice Number: INV-7");
    // Only the value word "INV-7" (columns 16..21 of line 1), not the label.
    assert_eq!(
        cite["polygon"],
        json!([{"x": 106.0, "y": 10.0}, {"x": 136.0, "y": 10.0}, {"x": 136.0, "y": 20.0}, {"x": 106.0, "y": 20.0}])
    );
    assert_eq!(meta["invoice_number"]["ocrConfidence"], json!(0.9));
    // 1234.5 is printed "1.234,50" on line 2: the number word, not "Total:" or "EUR".
    let total = &meta["total"]["citations"][0];
    assert_eq!(total["referenceText"], "Total: 1.234,50 EUR");
    assert_eq!(total["polygon"][0], json!({"x": 52.0, "y": 30.0}));
    assert_eq!(total["polygon"][1], json!({"x": 100.0, "y": 30.0}));
    assert!(
        meta["total"].get("quarryFlags").is_none(),
        "{}",
        meta["total"]
    );
    // "PO-9" is printed nowhere (the page says 4711): uncited, low confidence.
    assert_eq!(meta["po_number"]["quarryFlags"], json!(["uncited"]));
    assert_eq!(meta["po_number"]["ocrConfidence"], json!(0.1));
    assert_eq!(meta["po_number"]["citations"], json!([]));
    assert_eq!(meta["items"]["citations"], json!([]));

    let sent = &stub.requests()[0];
    assert_eq!(sent["model"], "test-model");
    assert_eq!(sent["response_format"]["type"], "json_schema");
    assert_eq!(sent["response_format"]["json_schema"]["strict"], true);
    // The wire schema is the value's schema itself: nothing asks for citations.
    let wire_schema = &sent["response_format"]["json_schema"]["schema"];
    assert_eq!(wire_schema["additionalProperties"], false);
    assert!(wire_schema["properties"].get("citations").is_none());
    let user = sent["messages"][1]["content"].as_str().unwrap_or_default();
    assert!(user.contains("\nTotal: 1.234,50 EUR\n"), "{user}");
    assert!(!user.contains("[p1:"), "no line ids are sent: {user}");
    let system = sent["messages"][0]["content"].as_str().unwrap_or_default();
    assert!(
        system.contains("Totals are gross."),
        "extractionRules reach the model"
    );
    assert!(
        system.contains("\"invoice_number\""),
        "the schema is in the prompt"
    );
    assert_eq!(stub.headers()[0]["authorization"], "Bearer sk-test");

    let tokens = out.tokens.expect("token usage");
    assert_eq!(tokens.requests, 1);
    assert!(tokens.input_tokens > 0 && tokens.output_tokens > 0);
}

#[test]
fn word_citation_mode_cites_each_value_word() {
    let stub = start(vec![Reply::Answer(answer())]);
    let mut req = request();
    req.citation_mode = quarry_extract::CitationMode::Word;
    let engine = LlmEngine::new(config(&stub, Provider::OpenAi));
    let out = engine.extract_metered(&invoice(), &req).expect("extracts");
    let cites = &out.output.metadata["invoice_number"]["citations"];
    assert_eq!(cites.as_array().map(Vec::len), Some(1));
    assert_eq!(cites[0]["referenceText"], "INV-7");
}

#[test]
fn anthropic_tool_use_answer_is_parsed() {
    let stub = start(vec![Reply::Answer(answer())]);
    let out = run(&stub, Provider::Anthropic, |_| {}).expect("extracts");
    assert_eq!(out.output.value["total"], json!(1234.5));
    assert_eq!(
        out.output.metadata["total"]["citations"][0]["page"]["number"],
        1
    );
    let sent = &stub.requests()[0];
    assert_eq!(
        sent["tool_choice"],
        json!({"type": "tool", "name": "record_extraction"})
    );
    assert_eq!(
        sent["tools"][0]["input_schema"]["required"],
        json!(["invoice_number", "total", "po_number", "items"])
    );
    assert!(sent["system"].as_str().is_some_and(|s| s.contains("JSON")));
    let headers = &stub.headers()[0];
    assert_eq!(headers["x-api-key"], "sk-test");
    assert_eq!(headers["anthropic-version"], "2023-06-01");
}

#[test]
fn arrays_from_two_chunks_are_merged_without_duplicates() {
    let pages: &[&[&str]] = &[
        &["SKU A", "SKU B"],
        &["Invoice Number: INV-7"],
        &["SKU B", "SKU C"],
    ];
    let first = json!({"invoice_number": null, "total": null, "po_number": null,
        "items": [{"sku": "A"}, {"sku": "B"}]});
    let second = json!({"invoice_number": null, "total": null, "po_number": null,
        "items": [{"sku": "B"}, {"sku": "C"}]});
    let stub = start(vec![Reply::Answer(first), Reply::Answer(second)]);
    let engine = LlmEngine::new(config(&stub, Provider::OpenAi));
    let mut req = request();
    req.page_chunk_size = Some(2);
    let out = engine.extract_metered(&doc(pages), &req).expect("extracts");

    assert_eq!(
        out.output.value["items"],
        json!([{"sku": "A"}, {"sku": "B"}, {"sku": "C"}])
    );
    let c = &out.output.metadata["items[2].sku"]["citations"][0];
    assert_eq!(c["page"]["number"], 3);
    assert_eq!(c["referenceText"], "SKU C");
    assert_eq!(
        out.output.metadata["items"]["citations"]
            .as_array()
            .map(Vec::len),
        Some(3)
    );

    let sent = stub.requests();
    assert_eq!(sent.len(), 2);
    let second_user = sent[1]["messages"][1]["content"]
        .as_str()
        .unwrap_or_default();
    assert!(
        second_user.contains("<page 3>\nSKU B\nSKU C\n</page 3>")
            && !second_user.contains("<page 1>"),
        "{second_user}"
    );
    assert_eq!(out.tokens.map(|t| t.requests), Some(2));
}

#[test]
fn a_cut_off_answer_is_continued_and_its_arrays_flagged() {
    let full = answer()
        .to_string()
        .replace("\"items\":[]", "\"items\":[{\"sku\":\"Z\"}]");
    assert!(full.contains("\"sku\":\"Z\""), "{full}");
    let (head, tail) = full.split_at(full.len() / 2);
    let stub = start(vec![
        Reply::Truncated(head.into()),
        Reply::Text(tail.into()),
    ]);
    let out = run(&stub, Provider::OpenAi, |_| {}).expect("extracts");
    assert_eq!(out.output.value["invoice_number"], "INV-7");
    assert_eq!(out.output.value["items"], json!([{"sku": "Z"}]));
    assert_eq!(
        out.output.metadata["items"]["quarryFlags"],
        json!(["possibly_truncated"])
    );

    let sent = stub.requests();
    assert_eq!(sent.len(), 2);
    assert!(sent[1].get("response_format").is_none());
    assert_eq!(
        sent[1]["messages"][2],
        json!({"role": "assistant", "content": head})
    );
    assert_eq!(sent[1]["messages"][3]["role"], "user");
}

#[test]
fn a_cut_off_anthropic_tool_call_is_continued_as_prefilled_text() {
    let full = answer().to_string();
    let (head, tail) = full.split_at(full.len() / 2);
    let stub = start(vec![
        Reply::Truncated(String::new()),
        Reply::Truncated(head.into()),
        Reply::Text(tail.into()),
    ]);
    let out = run(&stub, Provider::Anthropic, |_| {}).expect("extracts");
    assert_eq!(out.output.value["po_number"], "PO-9");
    let sent = stub.requests();
    assert_eq!(sent.len(), 3);
    assert!(sent[1].get("tools").is_none());
    assert_eq!(sent[1]["messages"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        sent[2]["messages"][1],
        json!({"role": "assistant", "content": head.trim_end()})
    );
}

#[test]
fn an_answer_still_cut_off_after_every_continuation_fails_as_parsing_error() {
    let stub = start(vec![
        Reply::Truncated("{\"invoice_number\": ".into()),
        Reply::Truncated("\"INV".into()),
    ]);
    let err = run(&stub, Provider::OpenAi, |c| c.max_continuations = 1).expect_err("fails");
    assert_eq!(err.failure_reason(), "PARSING_ERROR");
    assert!(err.to_string().contains("cut off"), "{err}");
}

#[test]
fn rate_limited_requests_are_retried_after_the_servers_delay() {
    let stub = start(vec![Reply::Status(429, Some(0)), Reply::Answer(answer())]);
    let out = run(&stub, Provider::OpenAi, |_| {}).expect("extracts after the retry");
    assert_eq!(out.output.value["invoice_number"], "INV-7");
    assert_eq!(stub.requests().len(), 2);
}

#[test]
fn server_errors_are_retried_until_attempts_run_out() {
    let stub = start(vec![
        Reply::Status(503, None),
        Reply::Status(503, None),
        Reply::Status(503, None),
        Reply::Answer(answer()),
    ]);
    let err = run(&stub, Provider::OpenAi, |_| {}).expect_err("fails");
    assert_eq!(err.failure_reason(), "INTERNAL_ERROR");
    assert!(
        err.to_string().contains("503") && err.to_string().contains("3 attempts"),
        "{err}"
    );
    assert_eq!(stub.requests().len(), 3);
    assert_eq!(stub.remaining(), 1);
}

#[test]
fn client_errors_are_not_retried() {
    let stub = start(vec![Reply::Status(400, None), Reply::Answer(answer())]);
    let err = run(&stub, Provider::Anthropic, |_| {}).expect_err("fails");
    assert!(err.to_string().contains("400"), "{err}");
    assert_eq!(stub.requests().len(), 1);
}

#[test]
fn malformed_json_is_asked_again_then_fails_as_parsing_error() {
    let stub = start(vec![
        Reply::Text("{\"invoice_number\": oops".into()),
        Reply::Text("Sorry, I cannot.".into()),
    ]);
    let err = run(&stub, Provider::OpenAi, |_| {}).expect_err("fails");
    assert_eq!(err.failure_reason(), "PARSING_ERROR");
    assert!(err.to_string().contains("not valid JSON"), "{err}");
    assert_eq!(stub.requests().len(), 2);

    let stub = start(vec![
        Reply::Text("{\"invoice_number\": oops".into()),
        Reply::Answer(answer()),
    ]);
    let out = run(&stub, Provider::OpenAi, |_| {}).expect("second answer is fine");
    assert_eq!(out.output.value["invoice_number"], "INV-7");
    assert_eq!(out.tokens.map(|t| t.requests), Some(2));
}

#[test]
fn a_run_over_its_token_budget_fails_clearly() {
    let stub = start(vec![Reply::Answer(answer())]);
    let err = run(&stub, Provider::OpenAi, |c| c.token_budget = Some(10)).expect_err("fails");
    assert_eq!(err.failure_reason(), "INTERNAL_ERROR");
    assert!(err.to_string().contains("budget of 10"), "{err}");
}

#[test]
fn a_looping_answer_is_cut_and_closed_instead_of_continued() {
    // The model repeats one row until max_tokens: no continuation is asked;
    // the values before the loop and one round of it are kept.
    let row = "{\"sku\":\"LOOP\"},";
    let text = format!(
        "{{\"invoice_number\":\"INV-7\",\"total\":1234.5,\"po_number\":null,\"items\":[{}",
        row.repeat(12)
    );
    let stub = start(vec![Reply::Truncated(text), Reply::Answer(answer())]);
    let out = run(&stub, Provider::OpenAi, |_| {}).expect("extracts");
    assert_eq!(stub.requests().len(), 1, "not continued");
    assert_eq!(stub.remaining(), 1);
    assert_eq!(out.output.value["invoice_number"], "INV-7");
    let items = out.output.value["items"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(!items.is_empty() && items.len() <= 2, "{items:?}");
    assert_eq!(
        out.output.metadata["items"]["quarryFlags"],
        json!(["possibly_truncated"])
    );
}
