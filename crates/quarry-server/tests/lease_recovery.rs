//! A worker that dies while holding a lease must not lose the run: after the
//! lease expires another worker processes it, and the dead worker's late
//! result is refused, so the run has exactly one terminal state.

mod common;

use std::time::Duration;

use common::{INVOICE_TEXT, TestServer, invoice_schema};
use quarry_model::enums::RunStatus;
use quarry_server::worker::{failed, spawn_workers};
use quarry_store::Completion;
use serde_json::{Value, json};
use tokio::sync::watch;

#[tokio::test]
async fn run_held_by_a_dead_worker_completes_elsewhere_after_lease_expiry() {
    let s = TestServer::start(|c| {
        c.workers = 0;
        c.lease = Duration::from_millis(600);
    })
    .await;
    let run: Value = s
        .post(
            "/extract_runs",
            json!({"config": {"schema": invoice_schema()}, "file": {"text": INVOICE_TEXT}}),
        )
        .await
        .json()
        .await
        .expect("json");
    let id = run["id"].as_str().expect("id").to_string();

    // The "dead" worker claims the job and then never heartbeats again.
    let dead = s
        .state
        .store
        .claim_job("dead-worker", 600, 3)
        .await
        .expect("claim")
        .expect("a job");
    assert_eq!(dead.run_id, id);
    let run: Value = s
        .get(&format!("/extract_runs/{id}"))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(run["status"], "PROCESSING");

    // A healthy worker starts; it cannot take the job until the lease expires.
    let (stop_tx, stop_rx) = watch::channel(false);
    let workers = spawn_workers(&s.state, 1, stop_rx);
    let run = s.wait_run(&id).await;
    assert_eq!(run["status"], "PROCESSED", "{run}");
    assert_eq!(run["output"]["value"]["invoice_number"], "INV-2024-001");

    // The dead worker wakes up late: its result is refused and changes nothing.
    let late = failed("INTERNAL_ERROR", "late result from a dead worker");
    let outcome = s
        .state
        .store
        .complete_run(&dead, &late)
        .await
        .expect("complete");
    assert_eq!(outcome, Completion::LeaseLost);
    let again: Value = s
        .get(&format!("/extract_runs/{id}"))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(again["status"], "PROCESSED");
    assert_eq!(again["output"], run["output"]);
    assert!(again.get("failureReason").is_none());
    let stored = s
        .state
        .store
        .extract_runs()
        .get("ws_default", &id)
        .await
        .expect("get")
        .expect("run");
    assert_eq!(stored.status, RunStatus::Processed);

    let _ = stop_tx.send(true);
    for w in workers {
        w.await.expect("worker stops cleanly");
    }
    s.stop().await;
}
