//! Prometheus metrics: one process-wide recorder (installed once, so several
//! servers in one process share it), the series names, and the `/metrics`
//! handler. Labels are bounded: HTTP series use the matched route template,
//! never the raw path.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use quarry_store::QueueDepth;

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

/// A run whose terminal result was stored.
pub struct RunDone<'a> {
    /// `extract_run` or `parse_run`.
    pub kind: &'a str,
    /// The engine that produced it: `rules`, `llm`, `parser`, or `none`
    /// when the run ended before one was chosen.
    pub engine: &'static str,
    pub status: &'a str,
    pub elapsed: Duration,
    /// Pages of a `PROCESSED` run.
    pub pages: Option<u64>,
}

/// Records one run whose terminal result was stored.
pub fn run_completed(run: &RunDone<'_>) {
    metrics::counter!(
        "quarry_runs_completed_total",
        "kind" => run.kind.to_string(),
        "status" => run.status.to_string()
    )
    .increment(1);
    metrics::histogram!(
        "quarry_run_duration_seconds",
        "kind" => run.kind.to_string(),
        "engine" => run.engine
    )
    .record(run.elapsed.as_secs_f64());
    if let Some(pages) = run.pages {
        metrics::counter!("quarry_pages_parsed_total").increment(pages);
    }
}

/// One webhook attempt: `delivered`, `retry` or `failed`.
pub fn webhook_delivery(outcome: &'static str) {
    metrics::counter!("quarry_webhook_deliveries_total", "outcome" => outcome).increment(1);
}

/// Sets `quarry_queue_jobs{state}` (every state in [`JOB_STATES`] always
/// present) and `quarry_queue_jobs_by_priority{state, priority}`, where a
/// pair seen at an earlier scrape and now empty reads 0, not its last value.
fn queue_gauges(depth: &[QueueDepth]) {
    static SEEN: Mutex<BTreeSet<(String, i64)>> = Mutex::new(BTreeSet::new());
    let mut by_state: BTreeMap<&str, i64> = JOB_STATES.iter().map(|s| (*s, 0)).collect();
    let mut seen = SEEN.lock().unwrap_or_else(|e| e.into_inner());
    let now: BTreeSet<(String, i64)> = depth
        .iter()
        .map(|d| (d.state.clone(), d.priority))
        .collect();
    for (state, priority) in seen.difference(&now) {
        priority_gauge(state, *priority).set(0.0);
    }
    for d in depth {
        *by_state.entry(&d.state).or_default() += d.jobs;
        priority_gauge(&d.state, d.priority).set(d.jobs as f64);
    }
    seen.extend(now);
    for (state, jobs) in by_state {
        metrics::gauge!("quarry_queue_jobs", "state" => state.to_string()).set(jobs as f64);
    }
}

fn priority_gauge(state: &str, priority: i64) -> metrics::Gauge {
    metrics::gauge!(
        "quarry_queue_jobs_by_priority",
        "state" => state.to_string(),
        "priority" => priority.to_string()
    )
}

/// `GET /metrics`: the text exposition format, with the queue gauge read at
/// scrape time.
#[utoipa::path(
    get, path = "/metrics", tag = "probes",
    responses((status = 200, description = "Prometheus text exposition format", content_type = "text/plain", body = String)),
)]
pub async fn scrape(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    queue_gauges(&state.store.queue_depth_by_priority().await?);
    state.metrics.run_upkeep();
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(),
    ))
}
