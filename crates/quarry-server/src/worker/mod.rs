//! Workers: claim a job, process its run off the async runtime, heartbeat
//! the lease meanwhile, and write the terminal result only while the lease is
//! held. A cancelled run or a lost lease stops the wait at the next heartbeat;
//! a panic or a timeout in processing ends the run `FAILED`, never the worker.

mod pipeline;
mod usage;

use std::time::Duration;

use quarry_model::enums::failure;
use quarry_store::{Completion, ExtractRunRecord, FileRecord, Lease, LeaseState, RunResult};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::ingest::store_file;
use crate::state::AppState;
pub use pipeline::{Input, failed, process};
pub use usage::{credits_per_page, usage_for};

/// How long an idle worker waits before polling the queue again when no
/// in-process wake-up arrives (jobs enqueued by other nodes).
const IDLE_POLL: Duration = Duration::from_millis(250);
/// How often expired, exhausted jobs are failed.
const REAP_EVERY: Duration = Duration::from_secs(5);

/// Starts `n` workers and the reaper; they stop when `shutdown` turns true,
/// after finishing the run in hand.
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
            Ok(Some(lease)) => run_job(&state, lease).await,
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
/// run was cancelled or the lease lost).
pub async fn run_job(state: &AppState, lease: Lease) {
    let span = tracing::info_span!("run", id = %lease.run_id, attempt = lease.attempt);
    let _guard = span.enter();
    let started = std::time::Instant::now();
    let result = tokio::select! {
        r = compute(state, &lease) => r,
        stop = watch_lease(state, &lease) => match stop {
            LeaseState::Cancelled => Some(failed(failure::ABORTED, "The run was cancelled")),
            _ => None,
        },
    };
    let Some(result) = result else {
        tracing::warn!("lease lost; another worker owns the run now");
        return;
    };
    match state.store.complete_run(&lease, &result).await {
        Ok(Completion::Stored) => tracing::info!(
            status = result.status.as_str(),
            reason = result.failure_reason.as_deref().unwrap_or(""),
            ms = started.elapsed().as_millis() as u64,
            "run finished"
        ),
        Ok(Completion::Discarded) => tracing::info!("run was cancelled or deleted; result dropped"),
        Ok(Completion::LeaseLost) => tracing::warn!("lease lost before completion; result dropped"),
        Err(e) => {
            tracing::error!(error = %e, "storing the result failed; the lease will expire and the run be retried")
        }
    }
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

/// Loads the run's inputs and runs the pipeline on a blocking thread, under
/// the run time limit. `None` only when the run vanished (deleted).
async fn compute(state: &AppState, lease: &Lease) -> Option<RunResult> {
    let ws = lease.workspace_id.as_str();
    let run = match state.store.get_run(ws, &lease.run_id).await {
        Ok(Some(run)) => run,
        Ok(None) => return Some(failed(failure::ABORTED, "The run was deleted")),
        Err(e) => {
            return Some(failed(
                failure::INTERNAL_ERROR,
                format!("Loading the run failed: {e}"),
            ));
        }
    };
    let file = match (run.file_id.as_deref(), run.file_url.as_deref()) {
        (Some(id), _) => state.store.get_file(ws, id).await.ok().flatten(),
        (None, Some(url)) => match download(state, &run, url).await {
            Ok(file) => Some(file),
            Err(failure) => return Some(failure),
        },
        (None, None) => None,
    };
    let Some(file) = file else {
        return Some(failed(
            failure::FAILED_TO_PROCESS_FILE,
            "The run's file no longer exists",
        ));
    };
    let bytes = match state.blobs.get(&file.sha256).await {
        Ok(Some(b)) => b,
        Ok(None) => {
            return Some(failed(
                failure::FAILED_TO_PROCESS_FILE,
                "The file's content is missing from storage",
            ));
        }
        Err(e) => {
            return Some(failed(
                failure::INTERNAL_ERROR,
                format!("Reading the file failed: {e}"),
            ));
        }
    };
    let limits = state.config.parse_limits.clone();
    let run_id = run.id.clone();
    let task = tokio::task::spawn_blocking(move || {
        process(&Input {
            run_id: &run_id,
            file_id: &file.id,
            file_name: &file.name,
            bytes: &bytes,
            config: &run.config,
            limits: &limits,
        })
    });
    let limit = state.config.run_timeout;
    Some(match tokio::time::timeout(limit, task).await {
        Ok(Ok(result)) => result,
        Ok(Err(join)) => {
            tracing::error!(error = %join, "processing panicked");
            failed(
                failure::INTERNAL_ERROR,
                "Processing crashed on this document; the error was logged",
            )
        }
        Err(_) => failed(
            failure::FAILED_TO_PROCESS_FILE,
            format!("Processing exceeded the {} s time limit", limit.as_secs()),
        ),
    })
}

/// Fetches a `file.url` input under the SSRF guard, stores it as a file and
/// attaches it to the run. Any failure is the run's `FAILED` result.
async fn download(
    state: &AppState,
    run: &ExtractRunRecord,
    url: &str,
) -> Result<FileRecord, RunResult> {
    let cant = |e: String| {
        failed(
            failure::FAILED_TO_PROCESS_FILE,
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
    let file = store_file(state, ws, &name, &fetched.bytes)
        .await
        .map_err(|e| cant(e.to_string()))?;
    state
        .store
        .attach_file(ws, &run.id, &file)
        .await
        .map_err(|e| {
            failed(
                failure::INTERNAL_ERROR,
                format!("Recording the downloaded file failed: {e}"),
            )
        })?;
    Ok(file)
}
