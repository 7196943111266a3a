//! Fair claims between workspaces: one tenant's big batch must not starve
//! another tenant's few runs, and priority still orders a workspace's work.

use std::collections::HashSet;
use std::sync::Arc;

use quarry_model::time::now_ms;
use quarry_store::prelude::*;
use serde_json::json;

use crate::fixtures::{OTHER_WS, WS, claim, create_all, processed, run};

const BATCH: usize = 2_000;
const SMALL: usize = 10;
const WORKERS: usize = 3;

/// Creates `n` pending runs in `ws` with one priority; returns their ids.
async fn submit(store: &dyn Store, ws: &str, n: usize, priority: i64) -> Vec<String> {
    let now = now_ms();
    let runs: Vec<_> = (0..n)
        .map(|_| {
            let mut r = run(priority, now);
            r.workspace_id = ws.to_string();
            r
        })
        .collect();
    create_all(store, runs).await
}

/// Workspace A queues a 2,000-run batch, then B submits 10 runs. Three
/// workers drain the queue; B's runs are all done while A's batch has
/// barely started (each claim alternates between the two workspaces).
pub async fn small_tenant_is_not_starved_by_a_batch(store: Arc<dyn Store>) {
    submit(&*store, WS, BATCH, 50).await;
    let small: HashSet<String> = submit(&*store, OTHER_WS, SMALL, 50)
        .await
        .into_iter()
        .collect();
    let order = Arc::new(tokio::sync::Mutex::new(Vec::new()));
    let workers: Vec<_> = (0..WORKERS)
        .map(|w| {
            let (store, order, small) = (store.clone(), order.clone(), small.clone());
            tokio::spawn(async move {
                // Workers claim concurrently; only the record is serialised.
                while !finished(&order.lock().await, &small) {
                    let lease = claim(&*store, &format!("w{w}")).await.expect("queued work");
                    store
                        .complete_run(&lease, &processed(json!({})))
                        .await
                        .expect("complete");
                    order.lock().await.push(lease.run_id);
                }
            })
        })
        .collect();
    for w in workers {
        w.await.expect("worker task");
    }
    let order = order.lock().await;
    let last_small = order
        .iter()
        .rposition(|id| small.contains(id))
        .expect("B ran");
    // Alternation finishes B's 10 runs within about 20 claims; concurrent
    // claims may let A slip in a few more. Without fairness B would wait
    // for all 2,000 of A's runs.
    assert!(
        last_small < 3 * SMALL,
        "B's last run finished as claim #{} of {}",
        last_small + 1,
        order.len()
    );
    // Only A's runs *before* B's last one count: workers that were already
    // mid-claim when B finished may add one more A run each afterwards.
    let batch_done = order[..=last_small]
        .iter()
        .filter(|id| !small.contains(*id))
        .count();
    assert!(
        batch_done <= 2 * SMALL,
        "A's batch ran {batch_done} runs before B finished"
    );
    let depth = store.queue_depth().await.expect("queue depth");
    let queued = depth
        .iter()
        .find(|(state, _)| state == "queued")
        .map(|d| d.1);
    assert_eq!(
        queued,
        Some((BATCH - order.len() + SMALL) as i64),
        "the rest of A's batch is still queued"
    );
}

/// Within one workspace, and between workspaces that are otherwise even,
/// a lower priority number goes first.
pub async fn priority_orders_work_within_a_workspace(store: Arc<dyn Store>) {
    let low = submit(&*store, WS, 1, 90).await;
    let high = submit(&*store, WS, 1, 10).await;
    let other = submit(&*store, OTHER_WS, 1, 5).await;
    let mut order = Vec::new();
    while let Some(lease) = claim(&*store, "w").await {
        store
            .complete_run(&lease, &processed(json!({})))
            .await
            .expect("complete");
        order.push(lease.run_id);
    }
    assert_eq!(order, [other, high, low].concat());
}

fn finished(order: &[String], small: &HashSet<String>) -> bool {
    small.iter().all(|id| order.contains(id))
}
