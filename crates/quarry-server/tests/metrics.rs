//! `GET /metrics`: the Prometheus exposition, public like the probes, with
//! HTTP series keyed by route template and run/queue series that move when
//! a run is processed.

mod common;

use std::time::Duration;

use common::{INVOICE_TEXT, TestServer, invoice_schema};
use reqwest::Method;
use serde_json::{Value, json};

/// Scrapes `/metrics` without credentials; asserts 200 and text/plain.
async fn scrape(s: &TestServer) -> String {
    let resp = s
        .http
        .get(format!("{}/metrics", s.base))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status().as_u16(), 200);
    let ct = resp.headers()["content-type"].to_str().expect("ascii");
    assert!(ct.starts_with("text/plain"), "{ct}");
    resp.text().await.expect("text")
}

/// The value of the sample `name{labels}` whose labels include all of
/// `want` (0 when absent). A minimal parser of the text format.
fn sample(text: &str, name: &str, want: &[(&str, &str)]) -> f64 {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let (series, value) = l.rsplit_once(' ')?;
            let (n, labels) = match series.split_once('{') {
                Some((n, rest)) => (n, rest.trim_end_matches('}')),
                None => (series, ""),
            };
            let has_all = want
                .iter()
                .all(|(k, v)| labels.split(',').any(|p| p == format!("{k}=\"{v}\"")));
            (n == name && has_all).then(|| value.parse::<f64>().ok())?
        })
        .sum()
}

#[tokio::test]
async fn metrics_move_when_a_run_is_processed() {
    let s = TestServer::start(|_| {}).await;
    let before = scrape(&s).await;
    let created = [("method", "POST"), ("route", "/extract_runs")];
    let completed = [("kind", "extract_run"), ("status", "PROCESSED")];
    let requests_before = sample(&before, "quarry_http_requests_total", &created);
    let runs_before = sample(&before, "quarry_runs_completed_total", &completed);

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
    let run: Value = s
        .post(
            "/extract_runs",
            json!({"config": {"schema": invoice_schema()}, "file": {"id": file["id"]}}),
        )
        .await
        .json()
        .await
        .expect("json");
    let id = run["id"].as_str().expect("id");
    assert_eq!(s.wait_run(id).await["status"], "PROCESSED");
    assert_eq!(s.get("/no/such/route").await.status().as_u16(), 404);

    // The counter is bumped just after the result is stored: allow a moment.
    let mut after = scrape(&s).await;
    for _ in 0..40 {
        if sample(&after, "quarry_runs_completed_total", &completed) > runs_before {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        after = scrape(&s).await;
    }
    assert!(sample(&after, "quarry_http_requests_total", &created) > requests_before);
    assert!(
        sample(
            &after,
            "quarry_http_requests_total",
            &[("route", "/extract_runs/{id}")]
        ) > 0.0,
        "GETs are keyed by the route template"
    );
    assert!(!after.contains(&format!("route=\"/extract_runs/{id}\"")));
    assert!(
        sample(
            &after,
            "quarry_http_requests_total",
            &[("route", "<unmatched>")]
        ) > 0.0
    );
    assert!(sample(&after, "quarry_runs_completed_total", &completed) > runs_before);
    assert!(sample(&after, "quarry_pages_parsed_total", &[]) >= 1.0);
    assert!(
        after.contains("quarry_queue_jobs{state=\"done\"}"),
        "{after}"
    );
    assert!(sample(&after, "quarry_queue_jobs", &[("state", "done")]) >= 1.0);
    let rules = [("kind", "extract_run"), ("engine", "rules")];
    assert!(
        sample(&after, "quarry_run_duration_seconds_count", &rules) >= 1.0,
        "run durations are labelled by engine: {after}"
    );
    let done_at_default = [("state", "done"), ("priority", "50")];
    assert!(
        sample(&after, "quarry_queue_jobs_by_priority", &done_at_default) >= 1.0,
        "queue depth by priority: {after}"
    );
    assert!(after.contains("quarry_http_request_duration_seconds_bucket{"));
    s.stop().await;
}
