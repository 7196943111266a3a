//! Workers: claim a job, process its run off the async runtime, heartbeat
//! the lease meanwhile, and write the terminal result only while the lease is
//! held. A cancelled run or a lost lease stops the wait at the next heartbeat;
//! a panic or a timeout in processing ends the run `FAILED`, never the worker.
//! On shutdown a worker finishes the run in hand if it can within
//! `Config::shutdown_grace`, and otherwise gives the job back to the queue
//! (not counted as an attempt) so another worker starts it at once instead
//! of waiting for the lease to expire.

mod classify;
mod extract;
mod parse;
mod processor;
mod result;
mod split;

use std::time::Duration;

use quarry_model::enums::{RunStatus, failure};
use quarry_store::{Completion, FileRecord, Lease, LeaseState, RunKind, RunRecord, RunResult};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tracing::Instrument;

use crate::ingest::store_file_as;
use crate::state::AppState;
pub use result::failed;

/// How long an idle worker waits before polling the queue again when no
/// in-process wake-up arrives (jobs enqueued by other nodes).
const IDLE_POLL: Duration = Duration::from_millis(250);
/// How often expired, exhausted jobs are failed.
const REAP_EVERY: Duration = Duration::from_secs(5);

/// Starts `n` workers and the reaper; they stop when `shutdown` turns true,
/// after finishing (or, past the grace period, releasing) the run in hand.
pub fn spawn_workers(
    state: &AppState,
    n: usize,
    shutdown: watch::Receiver<bool>,
) -> Vec<JoinHandle<()>> {
    let node = quarry_model::ids::new_id("wkr_");
    let mut handles: Vec<JoinHandle<()>> = (0..n)
        .map(|i| {
            let state = state.clone();
            let id = format!("{node}-{i}");
            tokio::spawn(worker_loop(state, id, shutdown.clone()))
        })
        .collect();
    if n > 0 {
        handles.push(tokio::spawn(reaper(state.clone(), shutdown)));
    }
    handles
}

async fn worker_loop(state: AppState, id: String, mut shutdown: watch::Receiver<bool>) {
    tracing::info!(worker = %id, "worker started");
    let lease_ms = state.config.lease.as_millis() as i64;
    while !*shutdown.borrow() {
        let wake = state.jobs_ready.notified();
        match state
            .store
            .claim_job(&id, lease_ms, state.config.max_attempts)
            .await
        {
            Ok(Some(lease)) => run_job(&state, lease, shutdown.clone()).await,
            Ok(None) => {
                tokio::select! {
                    _ = wake => {}
                    _ = tokio::time::sleep(IDLE_POLL) => {}
                    _ = shutdown.changed() => {}
                }
            }
            Err(e) => {
                tracing::error!(worker = %id, error = %e, "claiming a job failed");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
    tracing::info!(worker = %id, "worker stopped");
}

async fn reaper(state: AppState, mut shutdown: watch::Receiver<bool>) {
    while !*shutdown.borrow() {
        match state
            .store
            .fail_exhausted_jobs(state.config.max_attempts)
            .await
        {
            Ok(ids) if !ids.is_empty() => {
                tracing::warn!(runs = ?ids, "failed runs whose workers kept dying")
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "reaping exhausted jobs failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(REAP_EVERY) => {}
            _ = shutdown.changed() => {}
        }
    }
}

/// Processes one leased run to a terminal state (or abandons it when the
/// run was cancelled or the lease lost, or releases it when shutdown's
/// grace period ends first).
pub async fn run_job(state: &AppState, lease: Lease, shutdown: watch::Receiver<bool>) {
    // The span follows the future: a guard held across awaits would leak
    // it into whatever else the thread runs meanwhile (request logs nested
    // under runs they have nothing to do with).
    let span = tracing::info_span!("run", id = %lease.run_id, attempt = lease.attempt);
    finish(state, lease, shutdown).instrument(span).await
}

async fn finish(state: &AppState, lease: Lease, shutdown: watch::Receiver<bool>) {
    let started = std::time::Instant::now();
    let mut engine = ENGINE_UNKNOWN;
    let result = tokio::select! {
        r = compute(state, &lease, &mut engine) => r,
        stop = watch_lease(state, &lease) => match stop {
            LeaseState::Cancelled => Some(failed(failure::ABORTED, "The run was cancelled")),
            _ => None,
        },
        () = grace_expired(state, shutdown) => {
            match state.store.release_job(&lease).await {
                Ok(true) => tracing::info!("shutting down; run released to the queue"),
                Ok(false) => tracing::info!("shutting down; the lease was already gone"),
                Err(e) => tracing::warn!(error = %e, "releasing the run failed; its lease will expire"),
            }
            return;
        }
    };
    let Some(result) = result else {
        tracing::warn!("lease lost; another worker owns the run now");
        return;
    };
    match state.store.complete_run(&lease, &result).await {
        Ok(Completion::Stored) => {
            let elapsed = started.elapsed();
            let pages = matches!(result.status, RunStatus::Processed)
                .then(|| pages_of(&result))
                .flatten();
            let done = crate::metrics::RunDone {
                kind: lease.kind.as_str(),
                engine,
                status: result.status.as_str(),
                elapsed,
                pages,
            };
            crate::metrics::run_completed(&done);
            tracing::info!(
                status = result.status.as_str(),
                reason = result.failure_reason.as_deref().unwrap_or(""),
                ms = elapsed.as_millis() as u64,
                "run finished"
            )
        }
        Ok(Completion::Discarded) => tracing::info!("run was cancelled or deleted; result dropped"),
        Ok(Completion::LeaseLost) => tracing::warn!("lease lost before completion; result dropped"),
        Err(e) => {
            tracing::error!(error = %e, "storing the result failed; the lease will expire and the run be retried")
        }
    }
}

/// Pages of a processed run: `metrics.pageCount` (parse runs), else the
/// page charge's quantity in `usage` (extract runs).
fn pages_of(result: &RunResult) -> Option<u64> {
    let from_metrics = result
        .metrics
        .as_ref()
        .and_then(|m| m["pageCount"].as_u64());
    from_metrics
        .or_else(|| result.usage.as_ref()?["breakdown"][0]["charges"][0]["quantity"].as_u64())
}

/// Resolves `shutdown_grace` after shutdown starts (never without one).
async fn grace_expired(state: &AppState, mut shutdown: watch::Receiver<bool>) {
    if shutdown.wait_for(|stop| *stop).await.is_err() {
        // The sender is gone without a shutdown: nothing will ever stop us.
        std::future::pending::<()>().await;
    }
    tokio::time::sleep(state.config.shutdown_grace).await;
}

/// Heartbeats until the lease is no longer held; returns why.
async fn watch_lease(state: &AppState, lease: &Lease) -> LeaseState {
    let lease_ms = state.config.lease.as_millis() as i64;
    let mut tick = tokio::time::interval(state.config.heartbeat_interval());
    tick.tick().await;
    loop {
        tick.tick().await;
        match state.store.heartbeat(lease, lease_ms).await {
            Ok(LeaseState::Held) => {}
            Ok(other) => return other,
            Err(e) => tracing::warn!(error = %e, "heartbeat failed; retrying"),
        }
    }
}

/// The `engine` metrics label of a run that ended before its engine was
/// known (deleted, unreadable file, cancelled early).
const ENGINE_UNKNOWN: &str = "none";

/// Dispatches a leased job to its run family's processing, naming the
/// engine that produced the result in `engine` (for the run-duration
/// metric) once it is known. `None` is never returned; the lease watcher's
/// arm of the race in [`run_job`] returns it when the lease is lost.
async fn compute(state: &AppState, lease: &Lease, engine: &mut &'static str) -> Option<RunResult> {
    Some(match lease.kind {
        RunKind::Extract => extract::compute(state, lease, engine).await,
        RunKind::Parse => {
            *engine = "parser";
            parse::compute(state, lease).await
        }
        RunKind::Classify => {
            *engine = "classifier";
            classify::compute(state, lease).await
        }
        RunKind::Split => {
            *engine = "splitter";
            split::compute(state, lease).await
        }
    })
}

/// The run a job names, or the `FAILED` result that ends the job: `deleted`
/// when the run is gone, `unreadable` when loading it failed.
fn loaded<T>(
    found: Result<Option<T>, quarry_store::StoreError>,
    deleted: &str,
    unreadable: &str,
) -> Result<T, Box<RunResult>> {
    match found {
        Ok(Some(run)) => Ok(run),
        Ok(None) => Err(Box::new(failed(deleted, "The run was deleted"))),
        Err(e) => Err(Box::new(failed(
            unreadable,
            format!("Loading the run failed: {e}"),
        ))),
    }
}

/// The run's file and bytes (downloading a `file.url` input first). Any
/// failure is the run's `FAILED` result; `unreadable` is its reason when the
/// file is gone or cannot be fetched.
pub(crate) async fn load_file<R: RunRecord>(
    state: &AppState,
    run: &R,
    unreadable: &str,
) -> Result<(FileRecord, Vec<u8>), RunResult> {
    let ws = run.workspace_id.as_str();
    let file = match (&run.file_id, &run.file_url) {
        (Some(id), _) => state.store.get_file(ws, id).await.ok().flatten(),
        (None, Some(url)) => Some(download(state, run, url, unreadable).await?),
        (None, None) => None,
    };
    let Some(file) = file else {
        return Err(failed(unreadable, "The run's file no longer exists"));
    };
    match state.blobs.get(&file.sha256).await {
        Ok(Some(b)) => Ok((file, b)),
        Ok(None) => Err(failed(
            unreadable,
            "The file's content is missing from storage",
        )),
        Err(e) => Err(failed(
            failure::INTERNAL_ERROR,
            format!("Reading the file failed: {e}"),
        )),
    }
}

/// Runs `work` on a blocking thread under the run time limit; a panic or a
/// timeout is the run's `FAILED` result (`timeout_reason` for timeouts).
pub(crate) async fn run_blocking<T: Send + 'static>(
    state: &AppState,
    timeout_reason: &str,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, RunResult> {
    let task = tokio::task::spawn_blocking(work);
    let limit = state.config.run_timeout;
    match tokio::time::timeout(limit, task).await {
        Ok(Ok(result)) => Ok(result),
        Ok(Err(join)) => {
            tracing::error!(error = %join, "processing panicked");
            Err(failed(
                failure::INTERNAL_ERROR,
                "Processing crashed on this document; the error was logged",
            ))
        }
        Err(_) => Err(failed(
            timeout_reason,
            format!("Processing exceeded the {} s time limit", limit.as_secs()),
        )),
    }
}

/// Fetches a `file.url` input under the SSRF guard, stores it as a file and
/// attaches it to the run. Any failure is the run's `FAILED` result.
async fn download<R: RunRecord>(
    state: &AppState,
    run: &R,
    url: &str,
    reason: &str,
) -> Result<FileRecord, RunResult> {
    let cant = |e: String| {
        failed(
            reason,
            format!("Could not download the file from {url}: {e}"),
        )
    };
    let fetched = state
        .fetcher
        .fetch(url)
        .await
        .map_err(|e| cant(e.to_string()))?;
    let name = run.file_name.clone().unwrap_or(fetched.name);
    let ws = run.workspace_id.as_str();
    let password = run.file_password.as_ref().map(|p| p.0.clone());
    let file = store_file_as(state, ws, &name, &fetched.bytes, None, password)
        .await
        .map_err(|e| cant(e.to_string()))?;
    let attached = R::runs(state.store.as_ref())
        .attach_file(ws, &run.id, &file)
        .await;
    attached.map_err(|e| {
        failed(
            failure::INTERNAL_ERROR,
            format!("Recording the downloaded file failed: {e}"),
        )
    })?;
    Ok(file)
}
