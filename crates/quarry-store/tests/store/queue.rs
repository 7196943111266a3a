//! The leased job queue: ordering, lease takeover, cancellation seen by a
//! running worker, exhausted attempts, and concurrent workers.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use quarry_model::enums::RunStatus;
use quarry_store::prelude::*;
use quarry_store::{CancelOutcome, Completion, LeaseState};
use serde_json::json;

use crate::fixtures::{
    LONG_LEASE_MS, MAX_ATTEMPTS, PAST_SHORT_LEASE, SHORT_LEASE_MS, WS, claim, enqueue, processed,
    run_in_ws,
};

async fn depth(store: &dyn Store) -> BTreeMap<String, i64> {
    store
        .queue_depth()
        .await
        .expect("queue depth")
        .into_iter()
        .collect()
}

pub async fn claims_follow_priority_then_age(store: Arc<dyn Store>) {
    let store = &*store;
    let ids = enqueue(store, &[50, 10, 10, 90]).await;
    for expected in [&ids[1], &ids[2], &ids[0], &ids[3]] {
        let lease = claim(store, "w").await.expect("a job is queued");
        assert_eq!(&lease.run_id, expected);
        assert_eq!(
            (
                lease.attempt,
                lease.kind.as_str(),
                lease.workspace_id.as_str()
            ),
            (1, "extract_run", WS)
        );
        assert_eq!(
            run_in_ws(store, expected).await.status,
            RunStatus::Processing
        );
    }
    assert_eq!(claim(store, "w").await, None);
}

pub async fn expired_lease_is_taken_over(store: Arc<dyn Store>) {
    let store = &*store;
    let id = enqueue(store, &[10]).await.remove(0);
    let a = store
        .claim_job("a", SHORT_LEASE_MS, MAX_ATTEMPTS)
        .await
        .expect("claim")
        .expect("queued");
    // Worker "a" is now killed: it never heartbeats again.
    assert_eq!(
        store
            .claim_job("b", SHORT_LEASE_MS, MAX_ATTEMPTS)
            .await
            .expect("claim"),
        None
    );
    tokio::time::sleep(PAST_SHORT_LEASE).await;

    let b = store
        .claim_job("b", SHORT_LEASE_MS, MAX_ATTEMPTS)
        .await
        .expect("claim")
        .expect("expired lease is claimable");
    assert_eq!(
        (b.run_id.as_str(), b.job_seq, b.attempt),
        (id.as_str(), a.job_seq, 2)
    );
    assert_ne!(a.token, b.token);

    // The old holder can neither extend nor complete.
    assert_eq!(
        store.heartbeat(&a, LONG_LEASE_MS).await.expect("heartbeat"),
        LeaseState::Lost
    );
    let late = store
        .complete_run(&a, &processed(json!({"by": "a"})))
        .await
        .expect("complete");
    assert_eq!(late, Completion::LeaseLost);
    let run = run_in_ws(store, &id).await;
    assert_eq!(
        (run.status, run.core.output),
        (RunStatus::Processing, None),
        "a wrote nothing"
    );

    assert_eq!(
        store
            .heartbeat(&b, SHORT_LEASE_MS)
            .await
            .expect("heartbeat"),
        LeaseState::Held
    );
    let done = store
        .complete_run(&b, &processed(json!({"by": "b"})))
        .await
        .expect("complete");
    assert_eq!(done, Completion::Stored);
    let run = run_in_ws(store, &id).await;
    assert_eq!(run.status, RunStatus::Processed);
    assert_eq!(run.output, Some(json!({"by": "b"})));
    assert_eq!(run.usage, Some(json!({"credits": 1})));

    // A finished job is never handed out again, even after its lease period.
    tokio::time::sleep(PAST_SHORT_LEASE).await;
    assert_eq!(
        store
            .claim_job("c", SHORT_LEASE_MS, MAX_ATTEMPTS)
            .await
            .expect("claim"),
        None
    );
    let again = store
        .complete_run(&b, &processed(json!({"by": "b2"})))
        .await
        .expect("complete");
    assert_eq!(
        again,
        Completion::LeaseLost,
        "a run gets one terminal result"
    );
    assert_eq!(run_in_ws(store, &id).await.output, Some(json!({"by": "b"})));
}

pub async fn cancel_is_observed_while_running(store: Arc<dyn Store>) {
    let store = &*store;
    let ids = enqueue(store, &[10, 20]).await;
    let lease = claim(store, "w").await.expect("claim");
    assert_eq!(lease.run_id, ids[0]);
    match store
        .extract_runs()
        .cancel(WS, &ids[0])
        .await
        .expect("cancel")
    {
        CancelOutcome::Cancelled(run) => assert_eq!(run.status, RunStatus::Cancelled),
        other => panic!("expected Cancelled, got {other:?}"),
    }
    assert_eq!(
        store
            .heartbeat(&lease, LONG_LEASE_MS)
            .await
            .expect("heartbeat"),
        LeaseState::Cancelled
    );
    let done = store
        .complete_run(&lease, &processed(json!({"late": true})))
        .await
        .expect("complete");
    assert_eq!(done, Completion::Discarded);
    let run = run_in_ws(store, &ids[0]).await;
    assert_eq!((run.status, run.core.output), (RunStatus::Cancelled, None));

    // A cancelled run whose worker died is not started again after expiry.
    let short = store
        .claim_job("w", SHORT_LEASE_MS, MAX_ATTEMPTS)
        .await
        .expect("claim")
        .expect("queued");
    assert_eq!(short.run_id, ids[1]);
    store
        .extract_runs()
        .cancel(WS, &ids[1])
        .await
        .expect("cancel");
    tokio::time::sleep(PAST_SHORT_LEASE).await;
    assert_eq!(claim(store, "w").await, None);
    assert_eq!(run_in_ws(store, &ids[1]).await.status, RunStatus::Cancelled);
    assert_eq!(
        depth(store).await,
        BTreeMap::from([("done".to_string(), 2)])
    );
}

pub async fn exhausted_attempts_fail_the_run(store: Arc<dyn Store>) {
    let store = &*store;
    let id = enqueue(store, &[10]).await.remove(0);
    let max = 2;
    let first = store
        .claim_job("a", SHORT_LEASE_MS, max)
        .await
        .expect("claim")
        .expect("queued");
    assert_eq!(first.attempt, 1);
    tokio::time::sleep(PAST_SHORT_LEASE).await;
    let second = store
        .claim_job("b", SHORT_LEASE_MS, max)
        .await
        .expect("claim")
        .expect("expired");
    assert_eq!((second.run_id.as_str(), second.attempt), (id.as_str(), 2));
    assert_eq!(
        store.fail_exhausted_jobs(max).await.expect("sweep"),
        Vec::<String>::new(),
        "a live lease is not failed"
    );
    tokio::time::sleep(PAST_SHORT_LEASE).await;

    assert_eq!(
        store
            .claim_job("c", SHORT_LEASE_MS, max)
            .await
            .expect("claim"),
        None
    );
    assert_eq!(
        store.fail_exhausted_jobs(max).await.expect("sweep"),
        std::slice::from_ref(&id)
    );
    let run = run_in_ws(store, &id).await;
    assert_eq!(run.status, RunStatus::Failed);
    assert_eq!(run.failure_reason.as_deref(), Some("INTERNAL_ERROR"));
    assert!(run.core.failure_message.is_some_and(|m| !m.is_empty()));
    assert!(
        store
            .fail_exhausted_jobs(max)
            .await
            .expect("sweep")
            .is_empty(),
        "reported once"
    );

    // The last holder comes back too late.
    assert_eq!(
        store
            .heartbeat(&second, LONG_LEASE_MS)
            .await
            .expect("heartbeat"),
        LeaseState::Lost
    );
    let late = store
        .complete_run(&second, &processed(json!({})))
        .await
        .expect("complete");
    assert_eq!(late, Completion::LeaseLost);
    assert_eq!(run_in_ws(store, &id).await.status, RunStatus::Failed);
    assert_eq!(
        store
            .claim_job("c", SHORT_LEASE_MS, max)
            .await
            .expect("claim"),
        None
    );
}

pub async fn exhausted_cancelled_run_is_not_reported_failed(store: Arc<dyn Store>) {
    let store = &*store;
    let id = enqueue(store, &[10]).await.remove(0);
    let lease = store
        .claim_job("a", SHORT_LEASE_MS, 1)
        .await
        .expect("claim")
        .expect("queued");
    assert_eq!(lease.run_id, id);
    store.extract_runs().cancel(WS, &id).await.expect("cancel");
    tokio::time::sleep(PAST_SHORT_LEASE).await;
    assert_eq!(
        store
            .claim_job("b", SHORT_LEASE_MS, 1)
            .await
            .expect("claim"),
        None
    );
    let failed = store.fail_exhausted_jobs(1).await.expect("sweep");
    assert!(
        failed.is_empty(),
        "the run was cancelled, not failed: {failed:?}"
    );
    assert_eq!(run_in_ws(store, &id).await.status, RunStatus::Cancelled);
    assert_eq!(
        depth(store).await.get("leased"),
        None,
        "the dead job is closed"
    );
}

pub async fn concurrent_workers_claim_each_run_once(store: Arc<dyn Store>) {
    let priorities: Vec<i64> = (0..40).map(|i| 1 + (i * 37) % 100).collect();
    let ids = enqueue(&*store, &priorities).await;
    let workers: Vec<_> = (0..4)
        .map(|w| {
            let store = Arc::clone(&store);
            tokio::spawn(async move {
                let mut claimed = Vec::new();
                while let Some(lease) = claim(&*store, &format!("w{w}")).await {
                    let done = store
                        .complete_run(&lease, &processed(json!({"worker": w})))
                        .await
                        .expect("complete");
                    assert_eq!(done, Completion::Stored);
                    claimed.push(lease.run_id);
                }
                claimed
            })
        })
        .collect();
    let mut claimed = Vec::new();
    for w in workers {
        claimed.extend(w.await.expect("worker task"));
    }
    assert_eq!(claimed.len(), 40, "every run is claimed once: {claimed:?}");
    let unique: HashSet<_> = claimed.iter().cloned().collect();
    assert_eq!(unique, ids.iter().cloned().collect::<HashSet<_>>());
    for id in &ids {
        assert_eq!(run_in_ws(&*store, id).await.status, RunStatus::Processed);
    }
    assert_eq!(
        depth(&*store).await,
        BTreeMap::from([("done".to_string(), 40)])
    );
}

pub async fn queue_depth_counts_jobs_by_state(store: Arc<dyn Store>) {
    let store = &*store;
    assert!(depth(store).await.is_empty());
    let ids = enqueue(store, &[10, 20, 30, 40]).await;
    let done = claim(store, "w").await.expect("claim");
    store
        .complete_run(&done, &processed(json!({})))
        .await
        .expect("complete");
    claim(store, "w").await.expect("claim");
    store
        .extract_runs()
        .cancel(WS, &ids[2])
        .await
        .expect("cancel");
    let expected = [("done", 2), ("leased", 1), ("queued", 1)];
    assert_eq!(
        depth(store).await,
        expected.map(|(k, v)| (k.to_string(), v)).into()
    );
    // Claims go by priority: 10 and 20 were claimed (the first one
    // completed), 30 was cancelled, 40 still waits.
    let by_priority = store.queue_depth_by_priority().await.expect("depth");
    let rows: Vec<(&str, i64, i64)> = by_priority
        .iter()
        .map(|d| (d.state.as_str(), d.priority, d.jobs))
        .collect();
    assert_eq!(
        rows,
        [
            ("done", 10, 1),
            ("done", 30, 1),
            ("leased", 20, 1),
            ("queued", 40, 1)
        ]
    );
}

pub async fn purge_deletes_only_old_finished_jobs(store: Arc<dyn Store>) {
    let store = &*store;
    let ids = enqueue(store, &[10, 20, 30]).await;
    let done_old = claim(store, "w").await.expect("claim");
    assert_eq!(done_old.run_id, ids[0]);
    store
        .complete_run(&done_old, &processed(json!({})))
        .await
        .expect("complete");
    let leased = claim(store, "w").await.expect("claim");
    assert_eq!(leased.run_id, ids[1]);
    // ids[2] stays queued. A job dies after one expired lease with max 1.
    let dead = enqueue(store, &[5]).await.remove(0);
    let lease = store
        .claim_job("w", SHORT_LEASE_MS, 1)
        .await
        .expect("claim")
        .expect("queued");
    assert_eq!(lease.run_id, dead);
    tokio::time::sleep(PAST_SHORT_LEASE).await;
    assert_eq!(
        store.fail_exhausted_jobs(1).await.expect("reap"),
        vec![dead.clone()]
    );

    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let cutoff = quarry_model::time::now_ms();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let recent = enqueue(store, &[1]).await.remove(0);
    let done_recent = claim(store, "w").await.expect("claim");
    assert_eq!(done_recent.run_id, recent);
    store
        .complete_run(&done_recent, &processed(json!({})))
        .await
        .expect("complete");

    assert_eq!(store.purge_finished_jobs(cutoff).await.expect("purge"), 2);
    let expected = [("done", 1), ("leased", 1), ("queued", 1)];
    assert_eq!(
        depth(store).await,
        expected.map(|(k, v)| (k.to_string(), v)).into()
    );
    assert_eq!(store.purge_finished_jobs(cutoff).await.expect("purge"), 0);
    // Runs outlive their jobs, and the live lease still works.
    assert_eq!(run_in_ws(store, &ids[0]).await.status, RunStatus::Processed);
    assert_eq!(
        store
            .heartbeat(&leased, LONG_LEASE_MS)
            .await
            .expect("heartbeat"),
        LeaseState::Held
    );

    // Even a cutoff in the future never touches queued or leased jobs.
    let later = quarry_model::time::now_ms() + 3_600_000;
    assert_eq!(store.purge_finished_jobs(later).await.expect("purge"), 1);
    let expected = [("leased", 1), ("queued", 1)];
    assert_eq!(
        depth(store).await,
        expected.map(|(k, v)| (k.to_string(), v)).into()
    );
}

/// Graceful shutdown gives a job back: it is queued again, its run is
/// PENDING, the attempt is not counted, and the old lease can no longer
/// complete it.
pub async fn released_job_is_queued_again_without_an_attempt(store: Arc<dyn Store>) {
    let store = &*store;
    let id = enqueue(store, &[10]).await.remove(0);
    let first = claim(store, "stopping").await.expect("queued");
    assert!(store.release_job(&first).await.expect("release"));
    assert!(!store.release_job(&first).await.expect("release twice"));
    assert_eq!(run_in_ws(store, &id).await.status, RunStatus::Pending);
    assert_eq!(
        depth(store).await,
        BTreeMap::from([("queued".to_string(), 1)])
    );
    let second = claim(store, "other").await.expect("claimable at once");
    assert_eq!((second.run_id.as_str(), second.attempt), (id.as_str(), 1));
    assert_eq!(
        store
            .complete_run(&first, &processed(json!({"late": true})))
            .await
            .expect("complete"),
        Completion::LeaseLost
    );
    assert_eq!(
        store
            .complete_run(&second, &processed(json!({})))
            .await
            .expect("complete"),
        Completion::Stored
    );
}
