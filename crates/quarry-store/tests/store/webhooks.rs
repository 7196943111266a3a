//! The event outbox: events commit with the state change that causes them
//! (and only then), fan out to the endpoints that want them, and a batch's
//! event is written exactly once, even when its last runs finish together.

use std::sync::Arc;

use quarry_model::enums::{ReleaseType, RunStatus};
use quarry_model::ids::{BATCH_RUN, new_id};
use quarry_model::time::now_ms;
use quarry_store::prelude::*;
use quarry_store::{
    BatchRecord, CancelOutcome, Completion, EndpointRecord, PageRequest, ProcessorKind, RunKind,
};
use serde_json::json;

use crate::fixtures::{
    MAX_ATTEMPTS, OTHER_WS, PAST_SHORT_LEASE, SHORT_LEASE_MS, WS, claim, enqueue, failed,
    processed, processor, run,
};

pub fn endpoint(ws: &str, events: &[&str], status: &str) -> EndpointRecord {
    let now = now_ms();
    EndpointRecord {
        id: new_id("wh_"),
        workspace_id: ws.to_string(),
        url: "https://hooks.example.com/x".to_string(),
        name: "hook".to_string(),
        status: status.to_string(),
        enabled_events: events.iter().map(|e| e.to_string()).collect(),
        api_version: "2026-02-09".to_string(),
        advanced_options: None,
        signing_secret: "wss_test".to_string(),
        created_at: now,
        updated_at: now,
    }
}

/// `(event type, resource id)` of every event in `ws`, oldest first.
pub async fn events(store: &dyn Store, ws: &str) -> Vec<(String, String)> {
    let page = PageRequest::first(Default::default(), quarry_model::enums::SortDir::Asc, 1000);
    let list = store.list_events(ws, &page).await.expect("list events");
    list.items
        .into_iter()
        .map(|e| (e.event_type, e.resource_id))
        .collect()
}

pub fn ev(kind: &str, id: &str) -> (String, String) {
    (kind.to_string(), id.to_string())
}

pub async fn run_events_commit_with_the_result(store: Arc<dyn Store>) {
    let store = &*store;
    let wanted = endpoint(
        WS,
        &["extract_run.processed", "extract_run.failed"],
        "enabled",
    );
    let disabled = endpoint(WS, &["extract_run.processed"], "disabled");
    let foreign = endpoint(OTHER_WS, &["extract_run.processed"], "enabled");
    for e in [&wanted, &disabled, &foreign] {
        store.insert_endpoint(e).await.expect("endpoint");
    }
    let other = store.get_endpoint(OTHER_WS, &wanted.id).await.expect("get");
    assert_eq!(other, None, "another workspace's endpoint is invisible");
    let ids = enqueue(store, &[10, 20, 30]).await;

    // Stored result → exactly one event, delivered to the one matching endpoint.
    let a = claim(store, "w").await.expect("job");
    let done = store.complete_run(&a, &processed(json!({"x": 1}))).await;
    assert_eq!(done.expect("complete"), Completion::Stored);
    assert_eq!(
        events(store, WS).await,
        vec![ev("extract_run.processed", &ids[0])]
    );
    let jobs = store
        .claim_deliveries("d", 60_000, 10)
        .await
        .expect("claim");
    assert_eq!(jobs.len(), 1);
    assert_eq!(
        (
            jobs[0].endpoint.id.as_str(),
            jobs[0].event.resource_id.as_str()
        ),
        (wanted.id.as_str(), ids[0].as_str())
    );

    // A result discarded (run cancelled meanwhile) writes no run event.
    let b = claim(store, "w").await.expect("job");
    let cancelled = store
        .extract_runs()
        .cancel(WS, &ids[1])
        .await
        .expect("cancel");
    assert!(matches!(cancelled, CancelOutcome::Cancelled(_)));
    let late = store
        .complete_run(&b, &failed("late"))
        .await
        .expect("complete");
    assert_eq!(late, Completion::Discarded);

    // A lease lost to another worker writes nothing; the reaper's failure does.
    let c = store
        .claim_job("dead", SHORT_LEASE_MS, MAX_ATTEMPTS)
        .await
        .expect("claim")
        .expect("job");
    tokio::time::sleep(PAST_SHORT_LEASE).await;
    let c2 = store
        .claim_job("alive", SHORT_LEASE_MS, MAX_ATTEMPTS)
        .await
        .expect("claim")
        .expect("expired job");
    let lost = store
        .complete_run(&c, &failed("dead"))
        .await
        .expect("complete");
    assert_eq!(lost, Completion::LeaseLost);
    assert_eq!(
        events(store, WS).await.len(),
        1,
        "no event without a state change"
    );
    tokio::time::sleep(PAST_SHORT_LEASE).await;
    let reaped = store.fail_exhausted_jobs(2).await.expect("reap");
    assert_eq!(reaped, vec![c2.run_id.clone()]);
    assert_eq!(
        events(store, WS).await,
        vec![
            ev("extract_run.processed", &ids[0]),
            ev("extract_run.failed", &ids[2])
        ]
    );
    assert!(events(store, OTHER_WS).await.is_empty());
}

pub async fn batch_event_once_its_last_run_finishes(store: Arc<dyn Store>) {
    let store = &*store;
    let now = now_ms();
    let batch = BatchRecord {
        id: new_id(BATCH_RUN),
        workspace_id: WS.to_string(),
        kind: RunKind::Extract,
        run_count: 2,
        created_at: now,
    };
    let runs: Vec<_> = (0..2)
        .map(|_| {
            let mut r = run(10, now);
            r.batch_id = Some(batch.id.clone());
            r
        })
        .collect();
    store
        .extract_runs()
        .create(&runs, Some(&batch))
        .await
        .expect("batch");
    let first = claim(store, "w").await.expect("job");
    store
        .complete_run(&first, &processed(json!({})))
        .await
        .expect("complete");
    let kinds = |evs: Vec<(String, String)>| evs.into_iter().map(|e| e.0).collect::<Vec<_>>();
    assert_eq!(
        kinds(events(store, WS).await),
        vec!["extract_run.processed"]
    );
    let second = claim(store, "w").await.expect("job");
    store
        .complete_run(&second, &failed("bad"))
        .await
        .expect("complete");
    // Both events share one transaction (and millisecond): compare as sets.
    let mut all = events(store, WS).await;
    all.sort();
    assert_eq!(
        all,
        [
            ev("batch_processor_run.processed", &batch.id),
            ev("extract_run.failed", &runs[1].id),
            ev("extract_run.processed", &runs[0].id),
        ]
    );
    let summary = store
        .get_batch(WS, &batch.id)
        .await
        .expect("get")
        .expect("batch");
    assert_eq!(summary.status, RunStatus::Processed);
}

pub async fn processor_changes_write_events(store: Arc<dyn Store>) {
    for kind in [ProcessorKind::Extractor, ProcessorKind::Classifier] {
        processor_events(&*store, kind).await;
    }
}

async fn processor_events(store: &dyn Store, kind: ProcessorKind) {
    let before = events(store, WS).await.len();
    // Events are listed by (created_at ms, id): space this kind's events
    // from the previous kind's.
    tokio::time::sleep(std::time::Duration::from_millis(3)).await;
    let (ex, draft) = processor(kind, "ex", json!({}), now_ms());
    store.insert_processor(&ex, &draft).await.expect("insert");
    // Events are listed by (created_at ms, id): changes within one
    // millisecond have no defined order, so space them out.
    tokio::time::sleep(std::time::Duration::from_millis(3)).await;
    store
        .update_processor(kind, WS, &ex.id, Some("renamed"), None)
        .await
        .expect("update");
    let missing = store
        .update_processor(kind, OTHER_WS, &ex.id, Some("x"), None)
        .await;
    assert_eq!(missing.expect("update"), None);
    tokio::time::sleep(std::time::Duration::from_millis(3)).await;
    let v = store
        .publish_version(kind, WS, &ex.id, ReleaseType::Major, None, None)
        .await
        .expect("publish")
        .expect("version");
    assert_eq!(
        events(store, WS).await[before..],
        [
            ev(&kind.event("created"), &ex.id),
            ev(&kind.event("updated"), &ex.id),
            ev(&kind.event("version.published"), &v.id)
        ]
    );
    assert!(events(store, OTHER_WS).await.is_empty());
}

pub async fn concurrent_last_runs_emit_one_batch_event(store: Arc<dyn Store>) {
    let now = now_ms();
    let batch = BatchRecord {
        id: new_id(BATCH_RUN),
        workspace_id: WS.to_string(),
        kind: RunKind::Extract,
        run_count: 8,
        created_at: now,
    };
    let runs: Vec<_> = (0..8)
        .map(|_| {
            let mut r = run(10, now);
            r.batch_id = Some(batch.id.clone());
            r
        })
        .collect();
    store
        .extract_runs()
        .create(&runs, Some(&batch))
        .await
        .expect("batch");
    let workers: Vec<_> = (0..4)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move {
                while let Some(lease) = claim(&*store, &format!("w{i}")).await {
                    let r = store.complete_run(&lease, &processed(json!({}))).await;
                    assert_eq!(r.expect("complete"), Completion::Stored);
                }
            })
        })
        .collect();
    for w in workers {
        w.await.expect("worker");
    }
    let batch_events: Vec<_> = events(&*store, WS)
        .await
        .into_iter()
        .filter(|e| e.0.starts_with("batch_processor_run."))
        .collect();
    assert_eq!(
        batch_events,
        vec![ev("batch_processor_run.processed", &batch.id)]
    );
}
