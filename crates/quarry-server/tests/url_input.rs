//! `file.url` inputs: downloaded by the worker under the SSRF guard. Internal
//! addresses are refused unless allow-listed, redirects are re-checked, and
//! every refusal or download failure ends the run FAILED with a reason.

mod common;

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use common::{INVOICE_TEXT, TestServer, assert_error, invoice_schema};
use quarry_server::net::guard::AllowList;
use serde_json::{Value, json};
use tokio::net::TcpListener;

/// A document host on 127.0.0.1 with a file, a redirect to an IP literal, a
/// 404 and an oversized file. Returns its port.
async fn document_host() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let app = Router::new()
        .route("/invoice.txt", get(|| async { INVOICE_TEXT }))
        .route(
            "/hop",
            get(move || async move {
                (
                    StatusCode::FOUND,
                    [(
                        header::LOCATION,
                        format!("http://127.0.0.1:{port}/invoice.txt"),
                    )],
                )
                    .into_response()
            }),
        )
        .route("/big.txt", get(|| async { "x".repeat(200_000) }));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    port
}

async fn run_url(s: &TestServer, url: &str) -> Value {
    let run: Value = s
        .post(
            "/extract_runs",
            json!({"config": {"schema": invoice_schema()}, "file": {"url": url}}),
        )
        .await
        .json()
        .await
        .expect("json");
    s.wait_run(
        run["id"]
            .as_str()
            .unwrap_or_else(|| panic!("no run: {run}")),
    )
    .await
}

fn assert_failed_with(run: &Value, needle: &str) {
    assert_eq!(run["status"], "FAILED", "{run}");
    assert_eq!(run["failureReason"], "FAILED_TO_PROCESS_FILE", "{run}");
    let msg = run["failureMessage"].as_str().expect("message");
    assert!(msg.contains(needle), "`{msg}` should mention `{needle}`");
}

#[tokio::test]
async fn loopback_urls_are_refused_by_default() {
    let port = document_host().await;
    let s = TestServer::start(|_| {}).await;
    let run = run_url(&s, &format!("http://127.0.0.1:{port}/invoice.txt")).await;
    assert_failed_with(&run, "loopback");
    let run = run_url(&s, &format!("http://localhost:{port}/invoice.txt")).await;
    assert_failed_with(&run, "loopback");
    assert_eq!(run["file"], Value::Null, "nothing was downloaded");
    s.stop().await;
}

#[tokio::test]
async fn allow_listed_host_is_fetched_and_redirects_are_rechecked() {
    let port = document_host().await;
    let s = TestServer::start(|c| {
        c.url_allow = AllowList::parse("localhost").expect("allow list");
        c.parse_limits.max_bytes = 100_000;
    })
    .await;
    let run = run_url(&s, &format!("http://localhost:{port}/invoice.txt")).await;
    assert_eq!(run["status"], "PROCESSED", "{run}");
    assert_eq!(run["output"]["value"]["invoice_number"], "INV-2024-001");
    assert_eq!(run["file"]["name"], "invoice.txt");
    assert!(
        run["file"]["id"]
            .as_str()
            .is_some_and(|id| id.starts_with("file_"))
    );

    // localhost is allowed by name; the redirect target 127.0.0.1 is not.
    let run = run_url(&s, &format!("http://localhost:{port}/hop")).await;
    assert_failed_with(&run, "127.0.0.1");
    let run = run_url(&s, &format!("http://localhost:{port}/missing")).await;
    assert_failed_with(&run, "HTTP 404");
    let run = run_url(&s, &format!("http://localhost:{port}/big.txt")).await;
    assert_failed_with(&run, "larger than");
    s.stop().await;
}

#[tokio::test]
async fn malformed_urls_are_rejected_at_create_time() {
    let s = TestServer::start(|_| {}).await;
    for url in [
        "file:///etc/passwd",
        "not a url",
        "http://user:pw@example.com/x",
    ] {
        let resp = s.post("/extract_runs", json!({"file": {"url": url}})).await;
        assert_error(resp, 400, "INVALID_REQUEST").await;
    }
    s.stop().await;
}

#[tokio::test]
async fn parse_runs_download_urls_and_report_unable_to_download() {
    let port = document_host().await;
    let s = TestServer::start(|c| {
        c.url_allow = AllowList::parse("localhost").expect("allow list");
    })
    .await;
    let parse = |url: String| {
        let s = &s;
        async move {
            let resp = s.post("/parse", json!({"file": {"url": url}})).await;
            resp.json::<Value>().await.expect("json")
        }
    };
    let run = parse(format!("http://localhost:{port}/invoice.txt")).await;
    assert_eq!(run["status"], "PROCESSED", "{run}");
    assert_eq!(run["file"]["name"], "invoice.txt");
    let content = run["output"]["chunks"][0]["content"]
        .as_str()
        .expect("chunk");
    assert!(content.contains("INV-2024-001"), "{content}");

    let run = parse(format!("http://127.0.0.1:{port}/invoice.txt")).await;
    assert_eq!(run["status"], "FAILED", "{run}");
    assert_eq!(run["failureReason"], "UNABLE_TO_DOWNLOAD_FILE", "{run}");
    assert_eq!(run["file"], Value::Null, "nothing was downloaded");
    s.stop().await;
}
