//! HTTP behaviour every route shares (auth, version header, error envelope,
//! limits) and the extract-run lifecycle, against a real listening server.

mod common;

use common::{INVOICE_TEXT, KEY, TestServer, assert_error, invoice_schema};
use reqwest::Method;
use serde_json::{Value, json};

#[tokio::test]
async fn auth_and_version_header_are_enforced_with_error_bodies() {
    let s = TestServer::start(|_| {}).await;
    let url = format!("{}/extract_runs", s.base);

    let resp = s
        .http
        .get(&url)
        .header("x-extend-api-version", "2026-02-09")
        .send()
        .await
        .expect("send");
    assert_error(resp, 401, "UNAUTHORIZED").await;

    let resp = s
        .http
        .get(&url)
        .bearer_auth("qry_wrong")
        .header("x-extend-api-version", "2026-02-09")
        .send()
        .await
        .expect("send");
    assert_error(resp, 401, "UNAUTHORIZED").await;

    let resp = s
        .http
        .get(&url)
        .bearer_auth(KEY)
        .send()
        .await
        .expect("send");
    let body = assert_error(resp, 400, "INVALID_REQUEST").await;
    assert!(
        body["message"]
            .as_str()
            .expect("msg")
            .contains("x-extend-api-version")
    );

    let resp = s
        .http
        .get(&url)
        .bearer_auth(KEY)
        .header("x-extend-api-version", "2024-01-01")
        .send()
        .await
        .expect("send");
    let body = assert_error(resp, 400, "INVALID_REQUEST").await;
    assert!(
        body["message"]
            .as_str()
            .expect("msg")
            .contains("2024-01-01")
    );

    let resp = s
        .req(Method::GET, "/extract_runs")
        .header("x-extend-workspace-id", "ws_other")
        .send()
        .await
        .expect("send");
    assert_error(resp, 403, "FORBIDDEN").await;

    let resp = s.get("/healthz").await;
    assert_eq!(resp.status(), 200, "probes need no key");
    s.stop().await;
}

#[tokio::test]
async fn default_api_version_flag_admits_bare_requests() {
    let s = TestServer::start(|c| c.default_api_version = Some("2026-02-09".into())).await;
    let resp = s
        .http
        .get(format!("{}/extract_runs", s.base))
        .bearer_auth(KEY)
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 200);
    s.stop().await;
}

#[tokio::test]
async fn malformed_requests_get_documented_errors() {
    let s = TestServer::start(|c| c.max_body_bytes = 64 * 1024).await;
    let resp = s
        .req(Method::POST, "/extract_runs")
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("send");
    assert_error(resp, 400, "INVALID_REQUEST").await;

    assert_error(s.get("/no/such/route").await, 404, "NOT_FOUND").await;
    let resp = s
        .req(Method::PUT, "/extract_runs")
        .send()
        .await
        .expect("send");
    assert_error(resp, 405, "METHOD_NOT_ALLOWED").await;

    let big = "x".repeat(100 * 1024);
    let resp = s
        .post("/extract_runs", json!({"file": {"text": big}}))
        .await;
    assert_error(resp, 413, "PAYLOAD_TOO_LARGE").await;

    let bad_schema = json!({"type": "object", "properties": {"x": {"type": "string"}}});
    let resp = s
        .post(
            "/extract_runs",
            json!({"config": {"schema": bad_schema}, "file": {"text": "x: 1"}}),
        )
        .await;
    let body = assert_error(resp, 400, "INVALID_REQUEST").await;
    assert!(
        body["message"]
            .as_str()
            .expect("msg")
            .contains("Path: schema.properties.x"),
        "{body}"
    );

    for priority in [0, 101] {
        let resp = s
            .post(
                "/extract_runs",
                json!({"file": {"text": "a: b"}, "priority": priority}),
            )
            .await;
        assert_error(resp, 400, "INVALID_REQUEST").await;
    }
    let resp = s.get("/extract_runs?maxPageSize=0").await;
    assert_error(resp, 400, "INVALID_REQUEST").await;
    let resp = s.get("/extract_runs?status=DONE").await;
    assert_error(resp, 400, "INVALID_REQUEST").await;
    let resp = s.get("/extract_runs?nextPageToken=garbage").await;
    assert_error(resp, 400, "INVALID_REQUEST").await;

    // Nothing was stored by any of the rejected requests.
    let list: Value = s.get("/extract_runs").await.json().await.expect("json");
    assert_eq!(list["data"], json!([]));
    let files: Value = s.get("/files").await.json().await.expect("json");
    assert_eq!(files["data"], json!([]));
    s.stop().await;
}

#[tokio::test]
async fn uploaded_file_is_extracted_downloadable_and_deletable() {
    let s = TestServer::start(|_| {}).await;
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(INVOICE_TEXT.as_bytes().to_vec()).file_name("invoice.txt"),
    );
    let file: Value = s
        .req(Method::POST, "/files/upload")
        .multipart(form)
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(file["object"], "file");
    assert_eq!(file["type"], "TXT");
    let file_id = file["id"].as_str().expect("id");
    assert!(file_id.starts_with("file_"));

    let run: Value = s
        .post("/extract_runs", json!({"config": {"schema": invoice_schema()}, "file": {"id": file_id}, "metadata": {"ref": [1, "x"]}}))
        .await
        .json()
        .await
        .expect("json");
    assert!(run["id"].as_str().expect("id").starts_with("exr_"));
    let run = s.wait_run(run["id"].as_str().expect("id")).await;
    assert_eq!(run["status"], "PROCESSED", "{run}");
    assert_eq!(
        run["output"]["value"],
        json!({"invoice_number": "INV-2024-001", "invoice_date": "2024-03-05", "total_amount": 1234.5})
    );
    assert_eq!(run["metadata"], json!({"ref": [1, "x"]}));
    assert_eq!(run["file"]["id"], file_id);
    assert!(run["usage"]["credits"].as_f64().expect("credits") > 0.0);

    let content = s
        .get(&format!("/files/{file_id}/content"))
        .await
        .bytes()
        .await
        .expect("bytes");
    assert_eq!(&content[..], INVOICE_TEXT.as_bytes());

    let resp = s
        .req(Method::DELETE, &format!("/files/{file_id}"))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 200);
    assert_error(s.get(&format!("/files/{file_id}")).await, 404, "NOT_FOUND").await;
    s.stop().await;
}

#[tokio::test]
async fn hostile_document_fails_its_run_and_spares_its_neighbour() {
    let s = TestServer::start(|_| {}).await;
    let mut pdf = b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n".to_vec();
    pdf.extend(std::iter::repeat_n(0xffu8, 4096));
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(pdf).file_name("broken.pdf"),
    );
    let file: Value = s
        .req(Method::POST, "/files/upload")
        .multipart(form)
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let config = json!({"schema": invoice_schema()});
    let bad: Value = s
        .post(
            "/extract_runs",
            json!({"config": config, "file": {"id": file["id"]}}),
        )
        .await
        .json()
        .await
        .expect("json");
    let good: Value = s
        .post(
            "/extract_runs",
            json!({"config": config, "file": {"text": INVOICE_TEXT}}),
        )
        .await
        .json()
        .await
        .expect("json");

    let bad = s.wait_run(bad["id"].as_str().expect("id")).await;
    assert_eq!(bad["status"], "FAILED", "{bad}");
    assert!(bad["failureReason"].is_string(), "{bad}");
    assert!(
        bad["failureMessage"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{bad}"
    );
    let good = s.wait_run(good["id"].as_str().expect("id")).await;
    assert_eq!(good["status"], "PROCESSED", "{good}");
    s.stop().await;
}

#[tokio::test]
async fn pending_run_cancels_once_and_deleted_run_is_gone() {
    let s = TestServer::start(|c| c.workers = 0).await;
    let run: Value = s
        .post("/extract_runs", json!({"file": {"text": INVOICE_TEXT}}))
        .await
        .json()
        .await
        .expect("json");
    let id = run["id"].as_str().expect("id");
    assert_eq!(run["status"], "PENDING");

    let cancelled: Value = s
        .post(&format!("/extract_runs/{id}/cancel"), json!({}))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(cancelled["status"], "CANCELLED");
    let again = s
        .post(&format!("/extract_runs/{id}/cancel"), json!({}))
        .await;
    let body = assert_error(again, 400, "INVALID_REQUEST").await;
    assert!(body["message"].as_str().expect("msg").contains("CANCELLED"));

    let deleted: Value = s
        .req(Method::DELETE, &format!("/extract_runs/{id}"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(deleted, json!({"id": id}));
    assert_error(
        s.get(&format!("/extract_runs/{id}")).await,
        404,
        "NOT_FOUND",
    )
    .await;
    assert_error(
        s.post(&format!("/extract_runs/{id}/cancel"), json!({}))
            .await,
        404,
        "NOT_FOUND",
    )
    .await;
    s.stop().await;
}

#[tokio::test]
async fn extract_run_records_the_parse_it_was_made_from() {
    let s = TestServer::start(|_| {}).await;
    let bad = json!({"config": {"schema": invoice_schema(), "parseConfig": {"target": "pdf"}},
                     "file": {"text": INVOICE_TEXT}});
    let body = assert_error(s.post("/extract_runs", bad).await, 400, "INVALID_REQUEST").await;
    let message = body["message"].as_str().expect("message");
    assert!(message.contains("config.parseConfig.target"), "{message}");

    let config = json!({"schema": invoice_schema(),
                        "parseConfig": {"chunkingStrategy": {"type": "document"}}});
    let run = s
        .post_json(
            "/extract_runs",
            json!({"config": config, "file": {"text": INVOICE_TEXT}}),
        )
        .await;
    let run_id = run["id"].as_str().expect("id");
    let run = s.wait_run(run_id).await;
    assert_eq!(run["status"], "PROCESSED", "{run}");
    let parse_id = run["parseRunId"].as_str().expect("parseRunId");
    assert!(parse_id.starts_with("pr_"), "{parse_id}");

    let parse = s.get_json(&format!("/parse_runs/{parse_id}")).await;
    assert_eq!(parse["status"], "PROCESSED", "{parse}");
    assert_eq!(parse["file"]["id"], run["file"]["id"]);
    assert_eq!(parse["config"]["chunkingStrategy"]["type"], "document");
    let chunks = parse["output"]["chunks"].as_array().expect("chunks");
    assert_eq!(chunks.len(), 1, "{parse}");
    let markdown = chunks[0]["content"].as_str().expect("content");
    assert!(markdown.contains("INV-2024-001"), "{markdown}");
    assert_eq!(parse["metrics"]["pageCount"], 1);

    let listed = s.get_json(&format!("/parse_runs?sourceId={run_id}")).await;
    assert_eq!(listed["data"].as_array().map(Vec::len), Some(1), "{listed}");
    assert_eq!(listed["data"][0]["id"], parse_id);
    s.stop().await;
}
