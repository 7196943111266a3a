//! A real Quarry server whose extraction model is the scripted stub server
//! (`quarry_llm::stub`, OpenAI wire format): an `extraction_operator` run
//! goes through the model engine to PROCESSED with values, citations and
//! token usage; `extraction_performance` runs the hybrid engine, which asks
//! the model nothing when the rules engine is sure; and a model that keeps
//! answering malformed JSON ends the run FAILED with `PARSING_ERROR`.

mod common;

use std::time::Duration;

use common::{INVOICE_TEXT, TestServer, invoice_schema};
use quarry_llm::stub::{Reply, StubLlm};
use quarry_llm::{LlmConfig, Provider};
use serde_json::{Value, json};

async fn server_with(stub: &StubLlm) -> TestServer {
    let mut llm = LlmConfig::new(Provider::OpenAi, "stub-model").with_base_url(&stub.openai_url());
    llm.backoff_base = Duration::from_millis(1);
    TestServer::start(|c| c.llm = Some(llm)).await
}

async fn extract(s: &TestServer, processor: &str) -> Value {
    let body = json!({
        "config": {"baseProcessor": processor, "schema": invoice_schema(),
                   "advancedOptions": {"citationsEnabled": true}},
        "file": {"text": INVOICE_TEXT}
    });
    let run: Value = s
        .post("/extract_runs", body)
        .await
        .json()
        .await
        .expect("json");
    s.wait_run(run["id"].as_str().expect("run id")).await
}

#[tokio::test]
async fn llm_run_is_processed_with_cited_values_and_token_usage() {
    let stub = StubLlm::start(vec![Reply::Answer(json!(
        {"invoice_number": "INV-2024-001", "invoice_date": "2024-03-05", "total_amount": 1234.5}
    ))])
    .expect("stub");
    let s = server_with(&stub).await;
    let run = extract(&s, "extraction_operator").await;
    assert_eq!(run["status"], "PROCESSED", "{run}");
    assert_eq!(
        run["output"]["value"],
        json!({"invoice_number": "INV-2024-001", "invoice_date": "2024-03-05", "total_amount": 1234.5})
    );
    let cite = &run["output"]["metadata"]["invoice_number"]["citations"][0];
    assert_eq!(cite["referenceText"], "Invoice Number: INV-2024-001");
    assert_eq!(cite["page"]["number"], 1);
    assert_eq!(cite["polygon"].as_array().map(Vec::len), Some(4));
    assert!(
        run["output"]["metadata"]["invoice_date"]
            .get("quarryFlags")
            .is_none(),
        "{run}"
    );
    let charges = &run["usage"]["breakdown"][0]["charges"];
    assert_eq!(charges[1]["product"], "llm_tokens", "{run}");
    assert_eq!(charges[1]["model"], "stub-model");
    assert_eq!(charges[1]["requests"], 1);
    assert_eq!(stub.requests().len(), 1);

    // extraction_light stays on the rules engine: the stub is not asked again.
    let light = extract(&s, "extraction_light").await;
    assert_eq!(light["status"], "PROCESSED", "{light}");
    assert_eq!(light["output"]["value"]["invoice_number"], "INV-2024-001");
    assert_eq!(stub.requests().len(), 1);

    // extraction_performance is the hybrid engine: the rules engine reads
    // this labelled invoice confidently, so the model is not asked either.
    let hybrid = extract(&s, "extraction_performance").await;
    assert_eq!(hybrid["status"], "PROCESSED", "{hybrid}");
    assert_eq!(hybrid["output"]["value"]["invoice_number"], "INV-2024-001");
    assert_eq!(
        hybrid["output"]["metadata"]["invoice_number"]["quarryEngine"],
        "rules"
    );
    assert_eq!(stub.requests().len(), 1);
    s.stop().await;
}

#[tokio::test]
async fn malformed_model_json_fails_the_run_with_parsing_error() {
    let stub = StubLlm::start(vec![
        Reply::Text("{\"invoice_number\": ".into()),
        Reply::Text("I could not find an invoice.".into()),
    ])
    .expect("stub");
    let s = server_with(&stub).await;
    let run = extract(&s, "extraction_operator").await;
    assert_eq!(run["status"], "FAILED", "{run}");
    assert_eq!(run["failureReason"], "PARSING_ERROR", "{run}");
    assert!(
        run["failureMessage"]
            .as_str()
            .is_some_and(|m| m.contains("not valid JSON")),
        "{run}"
    );
    assert!(run.get("output").is_none_or(Value::is_null), "{run}");
    s.stop().await;
}
