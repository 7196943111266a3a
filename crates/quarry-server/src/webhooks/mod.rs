//! Webhook delivery: the dispatcher that drains the outbox.
//!
//! Events and their per-endpoint deliveries are written by the store in the
//! transaction of the change they report. The dispatcher (one per `quarry
//! serve` / `quarry worker` process) leases due deliveries, renders the
//! payload once (then stored, so every retry and replay sends the same
//! payload), signs the exact bytes it sends with a fresh timestamp, POSTs
//! them under the SSRF guard, and records the attempt. Failures are retried
//! with exponential backoff and jitter until `webhook_max_attempts`, then the
//! delivery is `failed`. All state is in the database: a restart resumes
//! where it stopped, and a dispatcher that dies mid-send leaves a lease that
//! expires, so delivery is at-least-once and receivers dedupe on `eventId`.

pub mod payload;
pub mod send;
pub mod sign;
pub mod views;

use std::sync::Arc;
use std::time::Duration;

use http::HeaderValue;
use http::header::CONTENT_TYPE;
use quarry_model::time::now_ms;
use quarry_store::{AttemptOutcome, DeliveryJob};
use rand::Rng;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinHandle;

use crate::config::Config;
use crate::state::AppState;
use send::{Sender, custom_headers};
use sign::{SIGNATURE_HEADER, TIMESTAMP_HEADER, sign};

/// How often an idle dispatcher looks for due deliveries.
const POLL: Duration = Duration::from_millis(200);
/// Deliveries in flight per process.
const CONCURRENCY: usize = 16;
/// Lease beyond the send timeout, covering rendering and recording.
const LEASE_MARGIN: Duration = Duration::from_secs(30);

/// Starts the dispatcher; it stops when `shutdown` turns true, after the
/// deliveries in flight finish (bounded by the webhook timeout).
pub fn spawn_dispatcher(state: &AppState, shutdown: watch::Receiver<bool>) -> JoinHandle<()> {
    tokio::spawn(dispatch_loop(state.clone(), shutdown))
}

async fn dispatch_loop(state: AppState, mut shutdown: watch::Receiver<bool>) {
    let owner = quarry_model::ids::new_id("dsp_");
    let sender = Arc::new(
        Sender::new(state.config.url_allow.clone(), state.config.webhook_timeout)
            .with_resolver(state.config.resolver.clone()),
    );
    let permits = Arc::new(Semaphore::new(CONCURRENCY));
    let lease_ms = (state.config.webhook_timeout + LEASE_MARGIN).as_millis() as i64;
    tracing::info!(dispatcher = %owner, "webhook dispatcher started");
    while !*shutdown.borrow() {
        let free = permits.available_permits() as i64;
        let jobs = if free == 0 {
            Vec::new()
        } else {
            match state.store.claim_deliveries(&owner, lease_ms, free).await {
                Ok(jobs) => jobs,
                Err(e) => {
                    tracing::error!(error = %e, "claiming webhook deliveries failed");
                    Vec::new()
                }
            }
        };
        let idle = jobs.is_empty();
        for job in jobs {
            let Ok(permit) = permits.clone().acquire_owned().await else {
                break;
            };
            let (state, sender) = (state.clone(), sender.clone());
            tokio::spawn(async move {
                deliver(&state, &sender, job).await;
                drop(permit);
            });
        }
        if idle {
            tokio::select! {
                _ = tokio::time::sleep(POLL) => {}
                _ = shutdown.changed() => {}
            }
        }
    }
    // Let deliveries in flight record their outcome.
    let _ = permits.acquire_many(CONCURRENCY as u32).await;
    tracing::info!(dispatcher = %owner, "webhook dispatcher stopped");
}

/// Sends one delivery and records the attempt.
async fn deliver(state: &AppState, sender: &Sender, job: DeliveryJob) {
    let outcome = match payload_of(state, &job).await {
        Ok(payload) => {
            let body = payload::envelope(&job.event, &payload);
            let mut headers = custom_headers(job.endpoint.advanced_options.as_ref());
            let ts = now_ms() / 1000;
            let signature = sign(&job.endpoint.signing_secret, ts, &body);
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            headers.insert(TIMESTAMP_HEADER, HeaderValue::from(ts));
            if let Ok(v) = HeaderValue::from_str(&signature) {
                headers.insert(SIGNATURE_HEADER, v);
            }
            sender.post(&job.endpoint.url, headers, body).await
        }
        Err(e) => AttemptOutcome {
            status_code: None,
            latency_ms: 0,
            error: Some(format!("rendering the payload failed: {e}")),
            delivered: false,
        },
    };
    let attempts = job.attempts + 1;
    let retry_at = (!outcome.delivered && attempts < state.config.webhook_max_attempts)
        .then(|| now_ms() + retry_delay(&state.config, attempts).as_millis() as i64);
    tracing::info!(
        event = %job.event.id,
        endpoint = %job.endpoint.id,
        attempt = attempts,
        status = outcome.status_code.unwrap_or(0),
        ms = outcome.latency_ms,
        error = outcome.error.as_deref().unwrap_or(""),
        "webhook attempt"
    );
    crate::metrics::webhook_delivery(match (outcome.delivered, retry_at) {
        (true, _) => "delivered",
        (false, Some(_)) => "retry",
        (false, None) => "failed",
    });
    if let Err(e) = state.store.finish_delivery(&job, &outcome, retry_at).await {
        // The lease expires and the delivery is retried: at-least-once.
        tracing::error!(error = %e, "recording a webhook attempt failed");
    }
}

async fn payload_of(state: &AppState, job: &DeliveryJob) -> Result<String, String> {
    if let Some(p) = &job.event.payload {
        return Ok(p.clone());
    }
    let rendered = payload::render(state, &job.event)
        .await
        .map_err(|e| e.to_string())?;
    state
        .store
        .save_payload(&job.event.id, &rendered)
        .await
        .map_err(|e| e.to_string())
}

/// Wait before attempt `attempts + 1`: base · 2^(attempts-1), capped, ±20 %.
pub fn retry_delay(config: &Config, attempts: i64) -> Duration {
    let exp = attempts.clamp(1, 32) as u32 - 1;
    let base = config.webhook_backoff_base.as_millis() as u64;
    let cap = config.webhook_backoff_cap.as_millis() as u64;
    let raw = base.saturating_mul(1u64 << exp.min(40)).min(cap);
    let jitter = rand::rng().random_range(0.8..1.2);
    Duration::from_millis((raw as f64 * jitter) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_up_to_the_cap() {
        let mut c = Config::new(std::path::PathBuf::from("/nonexistent"));
        c.webhook_backoff_base = Duration::from_secs(1);
        c.webhook_backoff_cap = Duration::from_secs(10);
        for (attempts, nominal) in [(1, 1000), (2, 2000), (3, 4000), (4, 8000), (5, 10_000)] {
            let d = retry_delay(&c, attempts).as_millis() as u64;
            assert!(
                (nominal * 8 / 10..=nominal * 12 / 10).contains(&d),
                "attempt {attempts}: {d} ms"
            );
        }
        assert!(retry_delay(&c, 60).as_millis() <= 12_000);
    }
}
