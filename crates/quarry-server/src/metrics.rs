//! Prometheus metrics: one process-wide recorder (installed once, so several
//! servers in one process share it), the series names, and the `/metrics`
//! handler. Labels are bounded: HTTP series use the matched route template,
//! never the raw path.

use std::sync::OnceLock;
use std::time::Duration;

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

use crate::error::ApiError;
use crate::state::AppState;

/// Label value for requests that matched no route.
pub const UNMATCHED: &str = "<unmatched>";

/// Seconds buckets shared by the duration histograms.
const BUCKETS: [f64; 16] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0,
];

/// Job states always reported by `quarry_queue_jobs`, so a drained state
/// reads 0 rather than its last value.
const JOB_STATES: [&str; 3] = ["queued", "leased", "done"];

/// The global recorder's handle, installing the recorder on first use.
pub fn handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets(&BUCKETS)
                .expect("non-empty buckets")
                .build_recorder();
            let handle = recorder.handle();
            if let Err(e) = metrics::set_global_recorder(recorder) {
                tracing::warn!(error = %e, "a metrics recorder was already installed");
            }
            handle
        })
        .clone()
}

/// One served HTTP request.
pub fn http_request(method: &str, route: &str, status: u16, elapsed: Duration) {
    let (method, route) = (method.to_string(), route.to_string());
    metrics::counter!(
        "quarry_http_requests_total",
        "method" => method.clone(),
        "route" => route.clone(),
        "status" => status.to_string()
    )
    .increment(1);
    metrics::histogram!(
        "quarry_http_request_duration_seconds",
        "method" => method,
        "route" => route
    )
    .record(elapsed.as_secs_f64());
}

/// One run whose terminal result was stored.
pub fn run_completed(kind: &str, status: &str, elapsed: Duration, pages: Option<u64>) {
    metrics::counter!(
        "quarry_runs_completed_total",
        "kind" => kind.to_string(),
        "status" => status.to_string()
    )
    .increment(1);
    metrics::histogram!("quarry_run_duration_seconds", "kind" => kind.to_string())
        .record(elapsed.as_secs_f64());
    if let Some(pages) = pages {
        metrics::counter!("quarry_pages_parsed_total").increment(pages);
    }
}

/// One webhook attempt: `delivered`, `retry` or `failed`.
pub fn webhook_delivery(outcome: &'static str) {
    metrics::counter!("quarry_webhook_deliveries_total", "outcome" => outcome).increment(1);
}

/// `GET /metrics`: the text exposition format, with the queue gauge read at
/// scrape time.
#[utoipa::path(
    get, path = "/metrics", tag = "probes",
    responses((status = 200, description = "Prometheus text exposition format", content_type = "text/plain", body = String)),
)]
pub async fn scrape(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    let depth = state.store.queue_depth().await?;
    for s in JOB_STATES {
        if !depth.iter().any(|(k, _)| k == s) {
            metrics::gauge!("quarry_queue_jobs", "state" => s).set(0.0);
        }
    }
    for (s, n) in depth {
        metrics::gauge!("quarry_queue_jobs", "state" => s).set(n as f64);
    }
    state.metrics.run_upkeep();
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(),
    ))
}
