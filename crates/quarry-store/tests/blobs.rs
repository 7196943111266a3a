//! Blob store conformance suite: every case runs against the local
//! filesystem and against an S3-compatible server, so the embedded backend
//! and the scale-out one keep one observable behaviour.
//!
//! The S3 variants need `QUARRY_TEST_S3_ENDPOINT` (e.g. the moto server that
//! `scripts/test` starts) and an existing bucket `QUARRY_TEST_S3_BUCKET`
//! (default `quarry-test`); each test writes under a fresh random prefix.
//! Without the endpoint they print why and pass.

use std::future::Future;
use std::sync::Arc;

use quarry_store::{BlobStore, FsBlobStore, S3BlobStore, S3Config, StoreError, sha256_hex};

async fn on_fs<F, Fut>(case: F)
where
    F: FnOnce(Arc<dyn BlobStore>) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().expect("temp dir");
    let store = FsBlobStore::new(dir.path()).expect("fs blob store");
    case(Arc::new(store)).await;
}

/// The test server's config, or `None` (with a message) when there is none.
fn s3_config(prefix: &str) -> Option<S3Config> {
    let Ok(endpoint) = std::env::var("QUARRY_TEST_S3_ENDPOINT") else {
        eprintln!("skipping S3 variant: QUARRY_TEST_S3_ENDPOINT is not set (scripts/test sets it)");
        return None;
    };
    Some(S3Config {
        bucket: std::env::var("QUARRY_TEST_S3_BUCKET").unwrap_or_else(|_| "quarry-test".into()),
        prefix: prefix.to_string(),
        endpoint: Some(endpoint),
        region: Some("us-east-1".into()),
        path_style: true,
        access_key_id: Some("testing".into()),
        secret_access_key: Some("testing".into()),
        session_token: None,
    })
}

async fn on_s3<F, Fut>(case: F)
where
    F: FnOnce(Arc<dyn BlobStore>) -> Fut,
    Fut: Future<Output = ()>,
{
    let prefix = format!("blobs-{:016x}/", rand::random::<u64>());
    let Some(config) = s3_config(&prefix) else {
        return;
    };
    let store = S3BlobStore::new(&config).expect("s3 blob store");
    case(Arc::new(store)).await;
}

macro_rules! blob_tests {
    ($($case:ident),* $(,)?) => {$(
        mod $case {
            #[tokio::test]
            async fn fs() {
                crate::on_fs(crate::$case).await;
            }

            #[tokio::test]
            async fn s3() {
                crate::on_s3(crate::$case).await;
            }
        }
    )*};
}

blob_tests!(
    put_get_delete_by_content_hash,
    binary_and_empty_blobs_round_trip,
    invalid_keys_are_refused,
    concurrent_puts_of_one_content_agree,
);

async fn put_get_delete_by_content_hash(store: Arc<dyn BlobStore>) {
    let key = store.put(b"hello").await.expect("put");
    assert_eq!(key, sha256_hex(b"hello"));
    assert_eq!(store.put(b"hello").await.expect("idempotent"), key);
    assert_eq!(
        store.get(&key).await.expect("get").as_deref(),
        Some(&b"hello"[..])
    );
    store.delete(&key).await.expect("delete");
    assert_eq!(store.get(&key).await.expect("get after delete"), None);
    store.delete(&key).await.expect("deleting an absent blob");
    let absent = sha256_hex(b"never stored");
    assert_eq!(store.get(&absent).await.expect("get absent"), None);
}

async fn binary_and_empty_blobs_round_trip(store: Arc<dyn BlobStore>) {
    let binary: Vec<u8> = (0..=255u8).cycle().take(300_000).collect();
    for bytes in [binary.as_slice(), b"".as_slice()] {
        let key = store.put(bytes).await.expect("put");
        let back = store.get(&key).await.expect("get").expect("stored");
        assert_eq!(back.len(), bytes.len());
        assert!(back == bytes, "content changed in the round trip");
    }
}

async fn invalid_keys_are_refused(store: Arc<dyn BlobStore>) {
    for key in ["../etc/passwd", "", &"g".repeat(64), &"a".repeat(63)] {
        assert!(
            matches!(store.get(key).await, Err(StoreError::Corrupt(_))),
            "get accepted `{key}`"
        );
        assert!(
            matches!(store.delete(key).await, Err(StoreError::Corrupt(_))),
            "delete accepted `{key}`"
        );
    }
}

async fn concurrent_puts_of_one_content_agree(store: Arc<dyn BlobStore>) {
    let bytes = b"the same upload from several nodes".to_vec();
    let puts = (0..8).map(|_| {
        let store = store.clone();
        let bytes = bytes.clone();
        tokio::spawn(async move { store.put(&bytes).await })
    });
    for put in puts {
        let key = put.await.expect("join").expect("put");
        assert_eq!(key, sha256_hex(&bytes));
    }
    let back = store.get(&sha256_hex(&bytes)).await.expect("get");
    assert_eq!(back, Some(bytes));
}
