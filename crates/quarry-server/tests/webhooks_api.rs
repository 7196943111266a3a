//! Webhook endpoints, subscriptions and the Quarry event log over HTTP:
//! the SSRF guard on endpoint URLs, the secret shown once, and workspace
//! scoping (another workspace's ids are 404s).

mod common;

use common::{TestServer, assert_error};
use quarry_server::keys::register_key;
use quarry_server::net::guard::AllowList;
use serde_json::{Value, json};

const OTHER_KEY: &str = "qry_other_workspace_key_0123";

fn endpoint_body(url: &str) -> Value {
    json!({
        "url": url,
        "name": "hook",
        "enabledEvents": ["extractor.created"],
        "apiVersion": "2026-02-09",
    })
}

#[tokio::test]
async fn endpoints_are_guarded_and_workspace_scoped() {
    let s = TestServer::start(|c| {
        c.url_allow = AllowList::parse("127.0.0.1").expect("allow list");
    })
    .await;
    register_key(s.state.store.as_ref(), OTHER_KEY, "other", "ws_other")
        .await
        .expect("key");

    // Internal addresses stay refused unless allow-listed.
    for url in ["http://10.0.0.1/x", "http://169.254.169.254/", "ftp://x/"] {
        assert_error(
            s.post("/webhook_endpoints", endpoint_body(url)).await,
            400,
            "INVALID_REQUEST",
        )
        .await;
    }
    let created: Value = s
        .post(
            "/webhook_endpoints",
            endpoint_body("http://127.0.0.1:9/hook"),
        )
        .await
        .json()
        .await
        .expect("json");
    let id = created["id"].as_str().expect("id");
    assert!(
        created["signingSecret"]
            .as_str()
            .is_some_and(|s| s.starts_with("wss_"))
    );
    let got: Value = s
        .get(&format!("/webhook_endpoints/{id}"))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(got["object"], "webhook_endpoint");
    assert!(got.get("signingSecret").is_none(), "{got}");

    // The extractor below writes an event; find it in the log.
    s.post("/extractors", json!({"name": "ex"})).await;
    let events: Value = s.get("/quarry/events").await.json().await.expect("json");
    let event = events["data"][0]["id"]
        .as_str()
        .expect("event id")
        .to_string();
    assert_eq!(events["data"][0]["eventType"], "extractor.created");

    let other = |method: reqwest::Method, path: String| {
        s.http
            .request(method, format!("{}{path}", s.base))
            .bearer_auth(OTHER_KEY)
            .header("x-extend-api-version", "2026-02-09")
            .send()
    };
    for (method, path) in [
        (reqwest::Method::GET, format!("/webhook_endpoints/{id}")),
        (reqwest::Method::DELETE, format!("/webhook_endpoints/{id}")),
        (
            reqwest::Method::GET,
            format!("/quarry/events/{event}/deliveries"),
        ),
        (
            reqwest::Method::POST,
            format!("/quarry/events/{event}/replay"),
        ),
    ] {
        let resp = other(method, path).await.expect("send");
        assert_error(resp, 404, "NOT_FOUND").await;
    }
    let theirs: Value = other(reqwest::Method::GET, "/quarry/events".into())
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(theirs["data"], json!([]));
    s.stop().await;
}
