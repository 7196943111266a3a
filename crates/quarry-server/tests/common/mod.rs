//! A real Quarry server on 127.0.0.1:<random port> for HTTP tests, with an
//! SQLite store in a temp dir and a bootstrap API key.

#![allow(dead_code)]

use std::time::Duration;

use quarry_server::keys::{DEFAULT_WORKSPACE, register_key};
use quarry_server::serve::serve_on;
use quarry_server::{AppState, Config};
use reqwest::{Client, RequestBuilder, Response};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub const KEY: &str = "qry_test_key_0123456789";

pub struct TestServer {
    pub base: String,
    pub state: AppState,
    pub http: Client,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
    _dir: tempfile::TempDir,
}

impl TestServer {
    /// Starts a server; `tweak` adjusts the config before opening.
    pub async fn start(tweak: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut config = Config::new(dir.path().to_path_buf());
        config.workers = 2;
        tweak(&mut config);
        let state = AppState::open(config).await.expect("open state");
        register_key(state.store.as_ref(), KEY, "test", DEFAULT_WORKSPACE)
            .await
            .expect("key");
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let (tx, rx) = oneshot::channel();
        let st = state.clone();
        let task = tokio::spawn(async move {
            serve_on(listener, st, async {
                let _ = rx.await;
            })
            .await
            .expect("serve");
        });
        Self {
            base,
            state,
            http: Client::new(),
            stop: Some(tx),
            task: Some(task),
            _dir: dir,
        }
    }

    /// A request with the API key and version header set.
    pub fn req(&self, method: reqwest::Method, path: &str) -> RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(KEY)
            .header("x-extend-api-version", "2026-02-09")
    }

    pub async fn get(&self, path: &str) -> Response {
        self.req(reqwest::Method::GET, path)
            .send()
            .await
            .expect("send")
    }

    pub async fn post(&self, path: &str, body: Value) -> Response {
        self.req(reqwest::Method::POST, path)
            .json(&body)
            .send()
            .await
            .expect("send")
    }

    /// `GET path`, its body as JSON.
    pub async fn get_json(&self, path: &str) -> Value {
        self.get(path).await.json().await.expect("json")
    }

    /// `POST path` with `body`, the answer's body as JSON.
    pub async fn post_json(&self, path: &str, body: Value) -> Value {
        self.post(path, body).await.json().await.expect("json")
    }

    /// Polls a run until it leaves PENDING/PROCESSING (10 s at most).
    pub async fn wait_run(&self, id: &str) -> Value {
        for _ in 0..200 {
            let run = self.get_json(&format!("/extract_runs/{id}")).await;
            if !matches!(run["status"].as_str(), Some("PENDING" | "PROCESSING")) {
                return run;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("run {id} did not finish");
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
    }
}

/// An invoice schema in the 2026-02-09 dialect.
pub fn invoice_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "invoice_number": {"type": ["string", "null"]},
            "invoice_date": {"type": ["string", "null"], "extend:type": "date"},
            "total_amount": {"type": ["number", "null"]}
        },
        "required": ["invoice_number", "invoice_date", "total_amount"],
        "additionalProperties": false
    })
}

pub const INVOICE_TEXT: &str = "ACME GmbH\nInvoice Number: INV-2024-001\nInvoice Date: 05.03.2024\nTotal Amount: 1.234,50 EUR\n";

/// Asserts `resp` is an error with `status` and the documented body.
pub async fn assert_error(resp: Response, status: u16, code: &str) -> Value {
    assert_eq!(resp.status().as_u16(), status);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("application/json")
    );
    let body: Value = resp.json().await.expect("json body");
    assert_eq!(body["code"], code, "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert!(body["retryable"].is_boolean(), "{body}");
    assert!(
        body["requestId"]
            .as_str()
            .is_some_and(|r| r.starts_with("req_")),
        "{body}"
    );
    body
}
