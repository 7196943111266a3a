//! Rate limits over HTTP: a workspace or key over its limit gets `429
//! RATE_LIMIT_EXCEEDED` with `Retry-After` and `Retry-After-Ms`, in the
//! documented error body; other workspaces and keys, and the probes, are
//! unaffected. Rates are tiny (one token per ~17 minutes) so no refill can
//! happen during the test, however slow the machine.

mod common;

use common::{KEY, TestServer, assert_error};
use quarry_server::http::rate_limit::RateLimit;
use quarry_server::keys::{DEFAULT_WORKSPACE, register_key};
use reqwest::{Method, Response};

const SLOW: f64 = 0.001;
const OTHER_WS_KEY: &str = "qry_rate_other_workspace_key_01";
const SECOND_KEY: &str = "qry_rate_second_key_same_ws_012";

async fn list_with(s: &TestServer, key: &str) -> Response {
    s.http
        .request(Method::GET, format!("{}/extract_runs", s.base))
        .bearer_auth(key)
        .header("x-extend-api-version", "2026-02-09")
        .send()
        .await
        .expect("send")
}

/// Asserts a 429 with both retry headers; returns Retry-After in seconds.
async fn assert_limited(resp: Response) -> u64 {
    let headers = resp.headers().clone();
    let body = assert_error(resp, 429, "RATE_LIMIT_EXCEEDED").await;
    assert_eq!(body["retryable"], true, "{body}");
    let secs: u64 = headers["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("Retry-After is whole seconds");
    let ms: u64 = headers["retry-after-ms"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("Retry-After-Ms is milliseconds");
    assert!(
        secs >= 1 && ms > 0 && secs == ms.div_ceil(1000),
        "{secs} s vs {ms} ms"
    );
    secs
}

#[tokio::test]
async fn workspace_limit_answers_429_with_retry_after() {
    let s = TestServer::start(|c| c.workspace_rate_limit = RateLimit::new(SLOW, 3.0)).await;
    register_key(s.state.store.as_ref(), OTHER_WS_KEY, "other", "ws_other")
        .await
        .expect("key");
    register_key(
        s.state.store.as_ref(),
        SECOND_KEY,
        "second",
        DEFAULT_WORKSPACE,
    )
    .await
    .expect("key");
    for _ in 0..3 {
        assert_eq!(list_with(&s, KEY).await.status(), 200);
    }
    // The bucket is empty for the whole workspace, whichever key calls;
    // one token comes back after 1 / 0.001 s.
    let wait = assert_limited(list_with(&s, KEY).await).await;
    assert!((990..=1000).contains(&wait), "Retry-After {wait}");
    assert_limited(list_with(&s, SECOND_KEY).await).await;
    // Another workspace has its own bucket; probes are never limited.
    assert_eq!(list_with(&s, OTHER_WS_KEY).await.status(), 200);
    let health = s
        .http
        .get(format!("{}/healthz", s.base))
        .send()
        .await
        .expect("send");
    assert_eq!(health.status(), 200);
    // Unauthenticated requests are refused before the limiter is consulted.
    assert_error(list_with(&s, "qry_not_a_key").await, 401, "UNAUTHORIZED").await;
    s.stop().await;
}

#[tokio::test]
async fn key_limit_is_per_key() {
    let s = TestServer::start(|c| c.key_rate_limit = RateLimit::new(SLOW, 2.0)).await;
    register_key(
        s.state.store.as_ref(),
        SECOND_KEY,
        "second",
        DEFAULT_WORKSPACE,
    )
    .await
    .expect("key");
    for _ in 0..2 {
        assert_eq!(list_with(&s, KEY).await.status(), 200);
    }
    assert_limited(list_with(&s, KEY).await).await;
    assert_eq!(list_with(&s, SECOND_KEY).await.status(), 200);
    s.stop().await;
}

#[tokio::test]
async fn no_limit_by_default() {
    let s = TestServer::start(|_| {}).await;
    for _ in 0..200 {
        assert_eq!(list_with(&s, KEY).await.status(), 200);
    }
    s.stop().await;
}
