//! Parse runs: stored with their `parse_run` job, claimed from the shared
//! queue, completed with output and metrics, filtered and paged, cancelled,
//! deleted, batched, and reported through the outbox.

use std::sync::Arc;

use quarry_model::enums::{RunStatus, SortBy, SortDir};
use quarry_model::ids::{BATCH_RUN, PARSE_RUN, new_id};
use quarry_model::time::now_ms;
use quarry_store::prelude::*;
use quarry_store::{
    BatchRecord, CancelOutcome, Completion, PageRequest, ParseRunRecord, RunCore, RunFilter,
    RunKind, RunResult,
};
use serde_json::json;

use crate::fixtures::{OTHER_WS, WS, claim, enqueue, failed, processed, run_in_ws};
use crate::webhooks::{endpoint, ev, events};

pub fn parse_run(name: &str, created_at: i64, batch: Option<&str>) -> ParseRunRecord {
    let core = RunCore {
        id: new_id(PARSE_RUN),
        workspace_id: WS.to_string(),
        status: RunStatus::Pending,
        priority: 50,
        file_id: None,
        file_name: Some(name.to_string()),
        file_url: None,
        file_password: None,
        batch_id: batch.map(str::to_string),
        source: if batch.is_some() {
            "BATCH_PROCESSOR_RUN"
        } else {
            "API"
        }
        .to_string(),
        source_id: batch.map(str::to_string),
        config: json!({"target": "markdown", "chunkingStrategy": {"type": "page"}}),
        metadata: Some(json!({"k": "v"})),
        output: None,
        failure_reason: None,
        failure_message: None,
        usage: None,
        created_at,
        updated_at: created_at,
    };
    ParseRunRecord {
        core,
        metrics: None,
    }
}

fn page(limit: u32) -> PageRequest {
    PageRequest::first(SortBy::CreatedAt, SortDir::Desc, limit)
}

pub async fn parse_runs_are_queued_processed_and_reported(store: Arc<dyn Store>) {
    let store = &*store;
    let hook = endpoint(WS, &["parse_run.processed", "parse_run.failed"], "enabled");
    store.insert_endpoint(&hook).await.expect("endpoint");
    let now = now_ms();
    let (a, b) = (
        parse_run("a.pdf", now, None),
        parse_run("b.txt", now + 1, None),
    );
    store
        .parse_runs()
        .create(&[a.clone(), b.clone()], None)
        .await
        .expect("create");
    assert_eq!(
        store.parse_runs().get(WS, &a.id).await.expect("get"),
        Some(a.clone())
    );
    assert_eq!(
        store.parse_runs().get(OTHER_WS, &a.id).await.expect("get"),
        None
    );

    let lease = claim(store, "w").await.expect("a parse job");
    assert_eq!(
        (lease.kind.as_str(), lease.run_id.as_str()),
        ("parse_run", a.id.as_str())
    );
    let running = store.parse_runs().get(WS, &a.id).await.expect("get");
    assert_eq!(running.map(|r| r.status), Some(RunStatus::Processing));
    let mut result = processed(json!({"chunks": []}));
    result.metrics = Some(json!({"processingTimeMs": 3, "pageCount": 1}));
    let done = store.complete_run(&lease, &result).await.expect("complete");
    assert_eq!(done, Completion::Stored);
    let stored = store
        .parse_runs()
        .get(WS, &a.id)
        .await
        .expect("get")
        .expect("run");
    assert_eq!(stored.status, RunStatus::Processed);
    assert_eq!(stored.output, Some(json!({"chunks": []})));
    assert_eq!(stored.metrics, result.metrics);

    let lease = claim(store, "w").await.expect("second job");
    let done = store
        .complete_run(&lease, &failed("corrupt"))
        .await
        .expect("complete");
    assert_eq!(done, Completion::Stored);
    // Both events may share a millisecond, so compare them unordered.
    let mut got = events(store, WS).await;
    got.sort();
    let mut want = vec![
        ev("parse_run.processed", &a.id),
        ev("parse_run.failed", &b.id),
    ];
    want.sort();
    assert_eq!(got, want);
}

pub async fn parse_run_filters_paging_cancel_and_delete(store: Arc<dyn Store>) {
    let store = &*store;
    let now = now_ms();
    let runs: Vec<_> = (0..3)
        .map(|i| parse_run(&format!("Invoice-{i}.pdf"), now + i, None))
        .collect();
    store
        .parse_runs()
        .create(&runs, None)
        .await
        .expect("create");

    let first = store
        .parse_runs()
        .list(WS, &RunFilter::default(), &page(2))
        .await
        .expect("list");
    let ids: Vec<_> = first.items.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, [runs[2].id.as_str(), runs[1].id.as_str()]);
    let token = first.next_page_token.expect("more");
    let rest = store
        .parse_runs()
        .list(
            WS,
            &RunFilter::default(),
            &page(2).with_token(Some(&token)).expect("token"),
        )
        .await
        .expect("list");
    assert_eq!(rest.items.len(), 1);
    assert_eq!(rest.next_page_token, None);
    let named = RunFilter {
        file_name_contains: Some("invoice-1".into()),
        ..Default::default()
    };
    let hits = store
        .parse_runs()
        .list(WS, &named, &page(10))
        .await
        .expect("list");
    assert_eq!(hits.items.len(), 1);

    let cancelled = store
        .parse_runs()
        .cancel(WS, &runs[0].id)
        .await
        .expect("cancel");
    assert!(matches!(&cancelled, CancelOutcome::Cancelled(r) if r.status == RunStatus::Cancelled));
    let again = store
        .parse_runs()
        .cancel(WS, &runs[0].id)
        .await
        .expect("cancel");
    assert_eq!(again, CancelOutcome::NotCancellable(RunStatus::Cancelled));
    let status = RunFilter {
        status: Some(RunStatus::Cancelled),
        ..Default::default()
    };
    let hits = store
        .parse_runs()
        .list(WS, &status, &page(10))
        .await
        .expect("list");
    assert_eq!(hits.items.len(), 1);

    assert!(
        store
            .parse_runs()
            .delete(WS, &runs[1].id)
            .await
            .expect("delete")
    );
    assert!(
        !store
            .parse_runs()
            .delete(WS, &runs[1].id)
            .await
            .expect("delete")
    );
    assert_eq!(
        store.parse_runs().get(WS, &runs[1].id).await.expect("get"),
        None
    );
    // Only the third run's job is left to claim.
    let lease = claim(store, "w").await.expect("job");
    assert_eq!(lease.run_id, runs[2].id);
    assert_eq!(claim(store, "w").await, None);
}

pub async fn parse_batch_settles_with_its_runs(store: Arc<dyn Store>) {
    let store = &*store;
    let hook = endpoint(WS, &["batch_parse_run.processed"], "enabled");
    store.insert_endpoint(&hook).await.expect("endpoint");
    let now = now_ms();
    let batch = BatchRecord {
        id: new_id(BATCH_RUN),
        workspace_id: WS.to_string(),
        kind: RunKind::Parse,
        run_count: 2,
        created_at: now,
    };
    let runs = vec![
        parse_run("a.txt", now, Some(&batch.id)),
        parse_run("b.txt", now + 1, Some(&batch.id)),
    ];
    store
        .parse_runs()
        .create(&runs, Some(&batch))
        .await
        .expect("create");
    let by_batch = RunFilter {
        batch_id: Some(batch.id.clone()),
        ..Default::default()
    };
    let listed = store
        .parse_runs()
        .list(WS, &by_batch, &page(10))
        .await
        .expect("list");
    assert_eq!(listed.items.len(), 2);
    let summary = store
        .get_batch(WS, &batch.id)
        .await
        .expect("batch")
        .expect("exists");
    assert_eq!(summary.status, RunStatus::Pending);
    for _ in 0..2 {
        let lease = claim(store, "w").await.expect("job");
        let done = store
            .complete_run(&lease, &processed(json!({"chunks": []})))
            .await;
        assert_eq!(done.expect("complete"), Completion::Stored);
    }
    let summary = store
        .get_batch(WS, &batch.id)
        .await
        .expect("batch")
        .expect("exists");
    assert_eq!(summary.status, RunStatus::Processed);
    let batch_events: Vec<_> = events(store, WS)
        .await
        .into_iter()
        .filter(|(kind, _)| kind.starts_with("batch_parse_run."))
        .collect();
    assert_eq!(
        batch_events,
        vec![ev("batch_parse_run.processed", &batch.id)]
    );
}

/// An extract run's result carries the parse it was made from: the parse run
/// is stored finished, without a job, in the same transaction, and the
/// extract run's `parse_run_id` names it. A result that is discarded (the
/// run was cancelled meanwhile) stores no parse run.
pub async fn extract_result_stores_its_parse_run(store: Arc<dyn Store>) {
    let store = &*store;
    enqueue(store, &[50, 50]).await;
    let now = now_ms();
    let finished = |source_id: &str| {
        let mut run = parse_run("a.pdf", now, None);
        run.status = RunStatus::Processed;
        run.source_id = Some(source_id.to_string());
        run.output = Some(json!({"chunks": [], "blocks": []}));
        run.metrics = Some(json!({"processingTimeMs": 3, "pageCount": 1}));
        run
    };

    let lease = claim(store, "w").await.expect("the first run");
    let parse = finished(&lease.run_id);
    let result = RunResult {
        parse_run: Some(Box::new(parse.clone())),
        ..processed(json!({"value": {}, "metadata": {}}))
    };
    let done = store.complete_run(&lease, &result).await.expect("complete");
    assert_eq!(done, Completion::Stored);
    let run = run_in_ws(store, &lease.run_id).await;
    assert_eq!(run.parse_run_id.as_deref(), Some(parse.id.as_str()));
    assert_eq!(
        store.parse_runs().get(WS, &parse.id).await.expect("get"),
        Some(parse.clone())
    );
    let listed = store
        .parse_runs()
        .list(
            WS,
            &RunFilter {
                source_id: Some(lease.run_id.clone()),
                ..RunFilter::default()
            },
            &page(10),
        )
        .await
        .expect("list by source");
    assert_eq!(listed.items.len(), 1);
    // Deleting the extract run deletes the parse it recorded.
    assert!(
        store
            .extract_runs()
            .delete(WS, &lease.run_id)
            .await
            .expect("delete")
    );
    assert_eq!(
        store.parse_runs().get(WS, &parse.id).await.expect("get"),
        None
    );

    let lease = claim(store, "w").await.expect("the second run");
    assert!(
        claim(store, "w").await.is_none(),
        "a stored parse has no job"
    );
    store
        .extract_runs()
        .cancel(WS, &lease.run_id)
        .await
        .expect("cancel");
    let orphan = finished(&lease.run_id);
    let result = RunResult {
        parse_run: Some(Box::new(orphan.clone())),
        ..processed(json!({"value": {}, "metadata": {}}))
    };
    let done = store.complete_run(&lease, &result).await.expect("complete");
    assert_eq!(done, Completion::Discarded);
    assert_eq!(
        store.parse_runs().get(WS, &orphan.id).await.expect("get"),
        None
    );
}
