//! Extract runs: listing filters and keyset paging, cancel, delete, batches.

use std::sync::Arc;

use quarry_model::enums::{RunStatus, SortBy, SortDir};
use quarry_model::ids::{BATCH_RUN, new_id};
use quarry_store::prelude::*;
use quarry_store::{
    BatchRecord, BatchSummary, CancelOutcome, Completion, ExtractRunRecord, LeaseState,
    PageRequest, RunFilter, RunKind, StoreError,
};
use serde_json::json;

use crate::fixtures::{BASE_MS, OTHER_WS, WS, claim, enqueue, failed, processed, run, run_in_ws};

/// Run number `i` of the listing fixture: created at `BASE_MS + 10 i`.
fn listed_run(
    i: i64,
    extractor_id: Option<&str>,
    batch_id: Option<&str>,
    source: &str,
    source_id: Option<&str>,
    file_name: Option<&str>,
) -> ExtractRunRecord {
    let mut r = run(50, BASE_MS + 10 * i);
    r.extractor_id = extractor_id.map(str::to_string);
    r.batch_id = batch_id.map(str::to_string);
    r.source = source.to_string();
    r.source_id = source_id.map(str::to_string);
    r.file_name = file_name.map(str::to_string);
    r.config = json!({"zeta": i, "alpha": {"b": [1, 2.5, "x"], "a": null}, "ünï": "çødé"});
    r.metadata = Some(json!({"customer": format!("c{i}"), "tags": ["x", "y"]}));
    r
}

/// Seven runs with distinct creation and update times (in different orders)
/// and a spread of filterable fields, inserted out of creation order.
fn seven_runs() -> Vec<ExtractRunRecord> {
    const BATCH: &str = "BATCH_PROCESSOR_RUN";
    let by_creation = [
        listed_run(0, Some("ex_a"), None, "API", None, Some("Invoice_A.pdf")),
        listed_run(
            1,
            Some("ex_b"),
            Some("bpr_1"),
            BATCH,
            None,
            Some("receipt.png"),
        ),
        listed_run(
            2,
            Some("ex_a"),
            Some("bpr_1"),
            BATCH,
            None,
            Some("INVOICE-B.pdf"),
        ),
        listed_run(3, None, None, "STUDIO", Some("src-1"), None),
        listed_run(
            4,
            Some("ex_b"),
            None,
            "API",
            Some("src-1"),
            Some("contract.docx"),
        ),
        listed_run(
            5,
            Some("ex_a"),
            Some("bpr_2"),
            BATCH,
            Some("src-2"),
            Some("invoice_c.pdf"),
        ),
        listed_run(6, None, None, "PLAYGROUND", None, Some("notes.txt")),
    ];
    let update_rank = [4, 6, 0, 5, 1, 3, 2];
    let insert_order = [3, 0, 6, 1, 5, 2, 4];
    insert_order
        .into_iter()
        .map(|i| {
            let mut r = by_creation[i].clone();
            r.updated_at = BASE_MS + 1_000 + update_rank[i];
            r
        })
        .collect()
}

/// Ids of `runs` matching `keep`, newest first.
fn expected(runs: &[ExtractRunRecord], keep: impl Fn(&ExtractRunRecord) -> bool) -> Vec<String> {
    let mut hits: Vec<_> = runs.iter().filter(|r| keep(r)).collect();
    hits.sort_by_key(|r| std::cmp::Reverse(r.created_at));
    hits.into_iter().map(|r| r.id.clone()).collect()
}

async fn listed(store: &dyn Store, filter: RunFilter) -> Vec<String> {
    let page = PageRequest::first(SortBy::CreatedAt, SortDir::Desc, 100);
    let found = store
        .extract_runs()
        .list(WS, &filter, &page)
        .await
        .expect("list runs");
    assert_eq!(found.next_page_token, None);
    found.items.into_iter().map(|r| r.core.id).collect()
}

/// Walks every page of two; asserts only the last page lacks a token.
async fn all_pages(store: &dyn Store, by: SortBy, dir: SortDir) -> Vec<String> {
    let mut ids = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..10 {
        let req = PageRequest::first(by, dir, 2)
            .with_token(token.as_deref())
            .expect("a token is valid for its own ordering");
        let page = store
            .extract_runs()
            .list(WS, &RunFilter::default(), &req)
            .await
            .expect("list");
        assert!(page.items.len() <= 2, "a page holds at most `limit` rows");
        ids.extend(page.items.iter().map(|r| r.id.clone()));
        match page.next_page_token {
            Some(t) => token = Some(t),
            None => return ids,
        }
    }
    panic!("paging did not end after 10 pages: {ids:?}");
}

pub async fn run_filters_and_paging(store: Arc<dyn Store>) {
    let store = &*store;
    let runs = seven_runs();
    store
        .extract_runs()
        .create(&runs, None)
        .await
        .expect("create runs");
    let by = |f: RunFilter| listed(store, f);

    assert_eq!(by(RunFilter::default()).await, expected(&runs, |_| true));
    let f = RunFilter {
        processor_id: Some("ex_a".into()),
        ..Default::default()
    };
    assert_eq!(
        by(f).await,
        expected(&runs, |r| r.extractor_id.as_deref() == Some("ex_a"))
    );
    let f = RunFilter {
        batch_id: Some("bpr_1".into()),
        ..Default::default()
    };
    assert_eq!(
        by(f).await,
        expected(&runs, |r| r.batch_id.as_deref() == Some("bpr_1"))
    );
    let f = RunFilter {
        source: Some("API".into()),
        ..Default::default()
    };
    assert_eq!(by(f).await, expected(&runs, |r| r.source == "API"));
    let f = RunFilter {
        source_id: Some("src-1".into()),
        ..Default::default()
    };
    assert_eq!(
        by(f).await,
        expected(&runs, |r| r.source_id.as_deref() == Some("src-1"))
    );
    let f = RunFilter {
        file_name_contains: Some("INVOICE".into()),
        ..Default::default()
    };
    let invoices = expected(&runs, |r| {
        r.file_name
            .as_deref()
            .is_some_and(|n| n.to_lowercase().contains("invoice"))
    });
    assert_eq!(invoices.len(), 3);
    assert_eq!(by(f).await, invoices);
    let f = RunFilter {
        file_name_contains: Some("_".into()),
        ..Default::default()
    };
    assert_eq!(
        by(f).await,
        expected(&runs, |r| r
            .file_name
            .as_deref()
            .is_some_and(|n| n.contains('_')))
    );
    let f = RunFilter {
        processor_id: Some("ex_a".into()),
        batch_id: Some("bpr_1".into()),
        ..Default::default()
    };
    assert_eq!(by(f).await.len(), 1, "filters combine with AND");
    let foreign = store
        .extract_runs()
        .list(
            OTHER_WS,
            &RunFilter::default(),
            &PageRequest::first(SortBy::CreatedAt, SortDir::Desc, 100),
        )
        .await
        .expect("list foreign");
    assert!(
        foreign.items.is_empty(),
        "runs are scoped to their workspace"
    );

    // Paging: every run exactly once, in order, under each ordering.
    let mut created_asc = expected(&runs, |_| true);
    created_asc.reverse();
    let mut updated_asc = runs.clone();
    updated_asc.sort_by_key(|r| r.updated_at);
    let updated_asc: Vec<_> = updated_asc.into_iter().map(|r| r.core.id).collect();
    let mut updated_desc = updated_asc.clone();
    updated_desc.reverse();
    assert_eq!(
        all_pages(store, SortBy::CreatedAt, SortDir::Desc).await,
        expected(&runs, |_| true)
    );
    assert_eq!(
        all_pages(store, SortBy::CreatedAt, SortDir::Asc).await,
        created_asc
    );
    assert_eq!(
        all_pages(store, SortBy::UpdatedAt, SortDir::Desc).await,
        updated_desc
    );
    assert_eq!(
        all_pages(store, SortBy::UpdatedAt, SortDir::Asc).await,
        updated_asc
    );

    // A token only continues the ordering it came from.
    let first = store
        .extract_runs()
        .list(
            WS,
            &RunFilter::default(),
            &PageRequest::first(SortBy::CreatedAt, SortDir::Desc, 2),
        )
        .await
        .expect("list");
    let token = first.next_page_token.expect("more than one page");
    for (by, dir) in [
        (SortBy::UpdatedAt, SortDir::Desc),
        (SortBy::CreatedAt, SortDir::Asc),
    ] {
        let err = PageRequest::first(by, dir, 2).with_token(Some(&token));
        assert!(matches!(err, Err(StoreError::InvalidPageToken)), "{err:?}");
    }
    let garbage = PageRequest::first(SortBy::CreatedAt, SortDir::Desc, 2).with_token(Some("abc!"));
    assert!(matches!(garbage, Err(StoreError::InvalidPageToken)));

    // Status filter after a cancel.
    let cancelled = runs[0].id.clone();
    store
        .extract_runs()
        .cancel(WS, &cancelled)
        .await
        .expect("cancel");
    let f = RunFilter {
        status: Some(RunStatus::Cancelled),
        ..Default::default()
    };
    assert_eq!(by(f).await, std::slice::from_ref(&cancelled));
    let f = RunFilter {
        status: Some(RunStatus::Pending),
        ..Default::default()
    };
    assert_eq!(by(f).await, expected(&runs, |r| r.id != cancelled));
}

pub async fn run_config_and_metadata_round_trip(store: Arc<dyn Store>) {
    let runs = seven_runs();
    store
        .extract_runs()
        .create(&runs, None)
        .await
        .expect("create runs");
    for r in &runs {
        let got = run_in_ws(&*store, &r.id).await;
        assert_eq!(&got, r);
        // Key order and unicode survive, not just semantic equality.
        assert_eq!(got.config.to_string(), r.config.to_string());
        assert_eq!(
            got.metadata.as_ref().map(ToString::to_string),
            r.metadata.as_ref().map(ToString::to_string)
        );
    }
    assert_eq!(
        store
            .extract_runs()
            .get(OTHER_WS, &runs[0].id)
            .await
            .expect("get"),
        None
    );
    assert_eq!(
        store
            .extract_runs()
            .get(WS, "exr_missing")
            .await
            .expect("get"),
        None
    );
}

pub async fn cancel_pending_run(store: Arc<dyn Store>) {
    let ids = enqueue(&*store, &[10, 20]).await;
    match store
        .extract_runs()
        .cancel(WS, &ids[0])
        .await
        .expect("cancel")
    {
        CancelOutcome::Cancelled(run) => {
            assert_eq!(
                (run.id.as_str(), run.status),
                (ids[0].as_str(), RunStatus::Cancelled)
            );
        }
        other => panic!("expected Cancelled, got {other:?}"),
    }
    assert_eq!(
        store
            .extract_runs()
            .cancel(WS, &ids[0])
            .await
            .expect("cancel again"),
        CancelOutcome::NotCancellable(RunStatus::Cancelled)
    );
    assert_eq!(
        store
            .extract_runs()
            .cancel(WS, "exr_missing")
            .await
            .expect("cancel"),
        CancelOutcome::NotFound
    );
    assert_eq!(
        store
            .extract_runs()
            .cancel(OTHER_WS, &ids[1])
            .await
            .expect("cancel"),
        CancelOutcome::NotFound
    );
    assert_eq!(run_in_ws(&*store, &ids[1]).await.status, RunStatus::Pending);

    // The cancelled run had the better priority, yet only the other is claimed.
    let lease = claim(&*store, "w")
        .await
        .expect("the live run is claimable");
    assert_eq!(lease.run_id, ids[1]);
    assert_eq!(claim(&*store, "w").await, None);
    assert_eq!(
        run_in_ws(&*store, &ids[0]).await.status,
        RunStatus::Cancelled
    );
}

pub async fn delete_run_removes_its_job(store: Arc<dyn Store>) {
    let ids = enqueue(&*store, &[10, 20, 30]).await;
    assert!(
        !store
            .extract_runs()
            .delete(OTHER_WS, &ids[0])
            .await
            .expect("delete foreign")
    );
    assert!(
        store
            .extract_runs()
            .get(WS, &ids[0])
            .await
            .expect("get")
            .is_some()
    );
    assert!(
        store
            .extract_runs()
            .delete(WS, &ids[0])
            .await
            .expect("delete")
    );
    assert_eq!(
        store.extract_runs().get(WS, &ids[0]).await.expect("get"),
        None
    );
    assert!(
        !store
            .extract_runs()
            .delete(WS, &ids[0])
            .await
            .expect("delete again")
    );

    let lease = claim(&*store, "w").await.expect("claim");
    assert_eq!(lease.run_id, ids[1], "the deleted run's job is gone");

    // Deleting a run while a worker holds it reads as a cancellation to the
    // worker, which writes nothing.
    assert!(
        store
            .extract_runs()
            .delete(WS, &ids[1])
            .await
            .expect("delete running")
    );
    let state = store.heartbeat(&lease, 60_000).await.expect("heartbeat");
    assert_eq!(state, LeaseState::Cancelled);
    let done = store
        .complete_run(&lease, &processed(json!({"late": 1})))
        .await
        .expect("complete");
    assert_eq!(done, Completion::Discarded);
    assert_eq!(
        store.extract_runs().get(WS, &ids[1]).await.expect("get"),
        None
    );

    assert_eq!(
        claim(&*store, "w").await.map(|l| l.run_id),
        Some(ids[2].clone())
    );
    assert_eq!(claim(&*store, "w").await, None);
}

fn batch_of(size: i64) -> (BatchRecord, Vec<ExtractRunRecord>) {
    let batch = BatchRecord {
        id: new_id(BATCH_RUN),
        workspace_id: WS.to_string(),
        kind: RunKind::Extract,
        run_count: size,
        created_at: BASE_MS,
    };
    let runs = (0..size)
        .map(|i| {
            let mut r = run(50, BASE_MS + i);
            r.batch_id = Some(batch.id.clone());
            r.source = "BATCH_PROCESSOR_RUN".to_string();
            r
        })
        .collect();
    (batch, runs)
}

async fn batch_status(store: &dyn Store, id: &str) -> RunStatus {
    store
        .get_batch(WS, id)
        .await
        .expect("get batch")
        .expect("batch exists")
        .status
}

pub async fn batch_status_follows_its_runs(store: Arc<dyn Store>) {
    let store = &*store;
    let (ok_batch, runs) = batch_of(3);
    store
        .extract_runs()
        .create(&runs, Some(&ok_batch))
        .await
        .expect("create batch");
    assert_eq!(
        store.get_batch(WS, &ok_batch.id).await.expect("get batch"),
        Some(BatchSummary {
            batch: ok_batch.clone(),
            status: RunStatus::Pending
        })
    );
    assert_eq!(
        store.get_batch(OTHER_WS, &ok_batch.id).await.expect("get"),
        None
    );
    assert_eq!(store.get_batch(WS, "bpr_missing").await.expect("get"), None);

    let first = claim(store, "w").await.expect("claim");
    assert_eq!(
        batch_status(store, &ok_batch.id).await,
        RunStatus::Processing
    );
    let mut lease = Some(first);
    while let Some(l) = lease {
        let done = store
            .complete_run(&l, &processed(json!({"ok": true})))
            .await
            .expect("complete");
        assert_eq!(done, Completion::Stored);
        lease = claim(store, "w").await;
    }
    assert_eq!(
        batch_status(store, &ok_batch.id).await,
        RunStatus::Processed
    );

    let (bad_batch, runs) = batch_of(2);
    store
        .extract_runs()
        .create(&runs, Some(&bad_batch))
        .await
        .expect("create batch");
    while let Some(l) = claim(store, "w").await {
        let done = store
            .complete_run(&l, &failed("unreadable scan"))
            .await
            .expect("complete");
        assert_eq!(done, Completion::Stored);
    }
    assert_eq!(batch_status(store, &bad_batch.id).await, RunStatus::Failed);

    // All or nothing: a clashing run id leaves no batch, run or job behind.
    let (torn, mut runs) = batch_of(2);
    runs[1].id = ok_batch_run_id(store, &ok_batch.id).await;
    let depth_before = store.queue_depth().await.expect("depth");
    assert!(
        store
            .extract_runs()
            .create(&runs, Some(&torn))
            .await
            .is_err()
    );
    assert_eq!(store.get_batch(WS, &torn.id).await.expect("get"), None);
    assert_eq!(
        store
            .extract_runs()
            .get(WS, &runs[0].id)
            .await
            .expect("get"),
        None
    );
    assert_eq!(store.queue_depth().await.expect("depth"), depth_before);
}

async fn ok_batch_run_id(store: &dyn Store, batch_id: &str) -> String {
    let filter = RunFilter {
        batch_id: Some(batch_id.to_string()),
        ..Default::default()
    };
    let page = PageRequest::first(SortBy::CreatedAt, SortDir::Desc, 1);
    let found = store
        .extract_runs()
        .list(WS, &filter, &page)
        .await
        .expect("list");
    found
        .items
        .into_iter()
        .next()
        .map(|r| r.core.id)
        .expect("batch has runs")
}
