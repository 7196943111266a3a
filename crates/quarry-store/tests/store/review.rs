//! Human review of processed runs and dashboard sessions.

use std::sync::Arc;

use quarry_model::ids::{API_KEY, new_id};
use quarry_store::prelude::*;
use quarry_store::{ApiKeyRecord, DashboardSession, RunReview, sha256_hex};
use serde_json::json;

use crate::fixtures::{BASE_MS, OTHER_WS, WS, claim, enqueue, processed, run_in_ws};

fn review(total: f64) -> RunReview {
    RunReview {
        reviewed_output: json!({"value": {"total": total}, "metadata": {}}),
        edits: json!({"total": {"originalValue": 12.5, "editedValue": total}}),
        edited: true,
    }
}

pub async fn review_keeps_the_engine_answer(store: Arc<dyn Store>) {
    let ids = enqueue(store.as_ref(), &[50, 50]).await;
    let (done, pending) = (&ids[0], &ids[1]);
    let engine = json!({"value": {"total": 12.5}, "metadata": {"total": {"ocrConfidence": 0.9}}});
    let lease = claim(store.as_ref(), "w1").await.expect("a job");
    assert_eq!(&lease.run_id, done);
    store
        .complete_run(&lease, &processed(engine.clone()))
        .await
        .expect("complete");

    let first = store
        .review_run(WS, done, &review(13.0))
        .await
        .expect("review")
        .expect("processed run is reviewable");
    assert!(first.reviewed && first.edited);
    assert_eq!(first.initial_output.as_ref(), Some(&engine));
    assert_eq!(first.output, first.reviewed_output);
    assert_eq!(
        first.output.as_ref().map(|o| &o["value"]["total"]),
        Some(&json!(13.0))
    );
    assert_eq!(
        first.edits.as_ref().map(|e| &e["total"]["editedValue"]),
        Some(&json!(13.0))
    );

    // A second review replaces the reviewed output but never the initial one.
    let mut undo = review(12.5);
    undo.edits = json!({});
    undo.edited = false;
    let second = store
        .review_run(WS, done, &undo)
        .await
        .expect("review again")
        .expect("still reviewable");
    assert_eq!(second.initial_output.as_ref(), Some(&engine));
    assert!(second.reviewed && !second.edited);
    assert_eq!(second.edits, Some(json!({})));
    assert_eq!(run_in_ws(store.as_ref(), done).await, second);

    // Not processed, other workspace, unknown id: nothing is written.
    for (ws, id) in [
        (WS, pending.as_str()),
        (OTHER_WS, done.as_str()),
        (WS, "exr_nope"),
    ] {
        assert_eq!(
            store
                .review_run(ws, id, &review(1.0))
                .await
                .expect("review"),
            None,
            "{ws}/{id}"
        );
    }
    let untouched = run_in_ws(store.as_ref(), pending).await;
    assert!(!untouched.reviewed && untouched.output.is_none());
}

pub async fn sessions_expire_and_log_out(store: Arc<dyn Store>) {
    store.ensure_workspace(WS, "Main").await.expect("workspace");
    let key = ApiKeyRecord {
        id: new_id(API_KEY),
        workspace_id: WS.to_string(),
        name: "dash".to_string(),
        key_hash: sha256_hex(b"qk_dash"),
        created_at: BASE_MS,
        revoked_at: None,
    };
    store.insert_api_key(&key).await.expect("key");
    let session = |token: &str, expires_at: i64| DashboardSession {
        token_hash: sha256_hex(token.as_bytes()),
        key_id: key.id.clone(),
        created_at: BASE_MS,
        expires_at,
    };
    let live = session("live", BASE_MS + 1_000);
    store.insert_session(&live).await.expect("insert");
    let found = |hash: String, now: i64| {
        let store = store.clone();
        async move { store.find_session(&hash, now).await.expect("find") }
    };
    assert_eq!(
        found(live.token_hash.clone(), BASE_MS + 999).await,
        Some(key.clone())
    );
    assert_eq!(
        found(live.token_hash.clone(), BASE_MS + 1_000).await,
        None,
        "expired"
    );
    assert_eq!(found(sha256_hex(b"guess"), BASE_MS).await, None);

    // Minting a later session purges the expired one; logout ends a live one.
    let other = DashboardSession {
        created_at: BASE_MS + 2_000,
        expires_at: BASE_MS + 9_000,
        ..session("other", 0)
    };
    store.insert_session(&other).await.expect("insert other");
    assert_eq!(
        found(live.token_hash.clone(), BASE_MS).await,
        None,
        "purged"
    );
    assert_eq!(
        found(other.token_hash.clone(), BASE_MS + 3_000).await,
        Some(key.clone())
    );
    // Revoking the key ends every session minted from it.
    let third = DashboardSession {
        created_at: BASE_MS + 2_000,
        expires_at: BASE_MS + 9_000,
        ..session("third", 0)
    };
    store.insert_session(&third).await.expect("insert third");
    assert!(store.revoke_api_key(&key.id).await.expect("revoke"));
    assert_eq!(
        found(third.token_hash.clone(), BASE_MS + 3_000).await,
        None,
        "revoked"
    );
    store
        .delete_session(&other.token_hash)
        .await
        .expect("logout");
    store
        .delete_session(&other.token_hash)
        .await
        .expect("logout twice");
    assert_eq!(found(other.token_hash.clone(), BASE_MS + 3_000).await, None);
}
