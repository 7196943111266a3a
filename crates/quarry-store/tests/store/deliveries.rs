//! Subscriptions and the delivery queue: resource-scoped fan-out, leases,
//! retries, giving up, the attempt log, and workspace-scoped replays.

use std::sync::Arc;

use quarry_model::ids::new_id;
use quarry_model::time::now_ms;
use quarry_store::prelude::*;
use quarry_store::{AttemptOutcome, SubscriptionRecord};
use serde_json::json;

use crate::fixtures::{OTHER_WS, WS, claim, enqueue, processed, run};
use crate::webhooks::endpoint;

pub async fn subscriptions_scope_run_events(store: Arc<dyn Store>) {
    let store = &*store;
    let hook = endpoint(WS, &[], "enabled");
    store.insert_endpoint(&hook).await.expect("endpoint");
    let now = now_ms();
    let sub = SubscriptionRecord {
        id: new_id("whes_"),
        workspace_id: WS.to_string(),
        endpoint_id: hook.id.clone(),
        resource_type: "extractor".to_string(),
        resource_id: "ex_scoped".to_string(),
        enabled_events: vec!["extract_run.failed".to_string()],
        created_at: now,
        updated_at: now,
    };
    let first = store.upsert_subscription(&sub).await.expect("upsert");
    let again = SubscriptionRecord {
        id: new_id("whes_"),
        enabled_events: vec!["extract_run.processed".to_string()],
        ..sub.clone()
    };
    let second = store.upsert_subscription(&again).await.expect("upsert");
    assert_eq!(
        (second.id.as_str(), second.enabled_events.len()),
        (first.id.as_str(), 1)
    );
    assert_eq!(second.enabled_events[0], "extract_run.processed");

    let mut scoped = run(10, now);
    scoped.extractor_id = Some("ex_scoped".to_string());
    let plain = run(20, now);
    store
        .extract_runs()
        .create(&[scoped.clone(), plain], None)
        .await
        .expect("runs");
    for _ in 0..2 {
        let lease = claim(store, "w").await.expect("job");
        store
            .complete_run(&lease, &processed(json!({})))
            .await
            .expect("complete");
    }
    let jobs = store
        .claim_deliveries("d", 60_000, 10)
        .await
        .expect("claim");
    let got: Vec<_> = jobs.iter().map(|j| j.event.resource_id.as_str()).collect();
    assert_eq!(got, vec![scoped.id.as_str()]);
}

pub async fn deliveries_retry_give_up_and_replay(store: Arc<dyn Store>) {
    let store = &*store;
    let hook = endpoint(WS, &["extract_run.processed"], "enabled");
    store.insert_endpoint(&hook).await.expect("endpoint");
    enqueue(store, &[10]).await;
    let lease = claim(store, "w").await.expect("job");
    store
        .complete_run(&lease, &processed(json!({})))
        .await
        .expect("complete");

    let refused = AttemptOutcome {
        status_code: None,
        latency_ms: 3,
        error: Some("connection refused".to_string()),
        delivered: false,
    };
    let job = store
        .claim_deliveries("d", 60_000, 10)
        .await
        .expect("claim")
        .remove(0);
    assert!(
        store
            .claim_deliveries("d2", 60_000, 10)
            .await
            .expect("claim")
            .is_empty(),
        "leased"
    );
    let stored = store
        .save_payload(&job.event.id, "{\"a\":1}")
        .await
        .expect("payload");
    assert_eq!(stored, "{\"a\":1}");
    let kept = store
        .save_payload(&job.event.id, "{\"b\":2}")
        .await
        .expect("payload");
    assert_eq!(
        kept, "{\"a\":1}",
        "the first rendering is kept for redeliveries"
    );
    store
        .finish_delivery(&job, &refused, Some(now_ms() - 1))
        .await
        .expect("finish");

    let retry = store
        .claim_deliveries("d", 60_000, 10)
        .await
        .expect("claim")
        .remove(0);
    assert_eq!(
        (retry.attempts, retry.event.payload.as_deref()),
        (1, Some("{\"a\":1}"))
    );
    store
        .finish_delivery(&retry, &refused, None)
        .await
        .expect("give up");
    assert!(
        store
            .claim_deliveries("d", 60_000, 10)
            .await
            .expect("claim")
            .is_empty()
    );
    let log = store
        .event_deliveries(WS, &job.event.id)
        .await
        .expect("log");
    assert_eq!(
        (
            log[0].state.as_str(),
            log[0].attempts,
            log[0].attempt_log.len()
        ),
        ("failed", 2, 2)
    );
    assert_eq!(
        log[0].attempt_log[0].error.as_deref(),
        Some("connection refused")
    );

    // Replays are workspace-scoped and make the delivery due again.
    assert_eq!(
        store
            .replay_event(OTHER_WS, &job.event.id)
            .await
            .expect("replay"),
        0
    );
    assert!(
        store
            .get_event(OTHER_WS, &job.event.id)
            .await
            .expect("get")
            .is_none()
    );
    assert_eq!(
        store.replay_event(WS, &job.event.id).await.expect("replay"),
        1
    );
    let replayed = store
        .claim_deliveries("d", 60_000, 10)
        .await
        .expect("claim");
    assert_eq!(replayed.len(), 1);
    let ok = AttemptOutcome {
        status_code: Some(200),
        latency_ms: 5,
        error: None,
        delivered: true,
    };
    store
        .finish_delivery(&replayed[0], &ok, None)
        .await
        .expect("finish");
    let log = store
        .event_deliveries(WS, &job.event.id)
        .await
        .expect("log");
    assert_eq!(
        (log[0].state.as_str(), log[0].attempt_log.len()),
        ("delivered", 3)
    );

    assert!(store.delete_endpoint(WS, &hook.id).await.expect("delete"));
    assert!(
        store
            .event_deliveries(WS, &job.event.id)
            .await
            .expect("log")
            .is_empty()
    );
}
