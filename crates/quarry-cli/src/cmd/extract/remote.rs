//! The remote backend: upload each file to a Quarry (or any Extend-API
//! 2026-02-09) server, start an extract run and poll it to a terminal
//! status. Transient answers (429, 5xx, connection errors) are retried with
//! backoff, honouring `Retry-After`; anything else fails only that file.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};
use futures::StreamExt;
use quarry_model::enums::failure;
use reqwest::{Client, RequestBuilder, StatusCode};
use serde_json::{Value, json};

use super::display;
use super::output::Record;

const API_VERSION: &str = "2026-02-09";
const ATTEMPTS: u32 = 5;
/// A run that is not terminal after this long is reported as failed here
/// (it keeps going on the server).
const MAX_WAIT: Duration = Duration::from_secs(30 * 60);

pub struct Remote {
    runtime: tokio::runtime::Runtime,
    client: Client,
    base: String,
    key: String,
    config: Value,
    extractor: Option<String>,
}

/// Why one request did not succeed.
enum CallError {
    /// The server answered with this (non-retryable) error body or status.
    Api(String),
    /// Retries ran out on transient failures.
    Transient(String),
}

impl Remote {
    pub fn new(
        url: &str,
        key: Option<&str>,
        config: Value,
        extractor: Option<String>,
    ) -> anyhow::Result<Self> {
        let Some(key) = key else {
            bail!("--url needs an API key: pass --api-key or set QUARRY_API_KEY");
        };
        // reqwest is built without a bundled crypto provider; pick ring once.
        let _ = rustls::crypto::ring::default_provider().install_default();
        Ok(Self {
            runtime: tokio::runtime::Runtime::new().context("starting the async runtime")?,
            client: Client::builder()
                .timeout(Duration::from_secs(300))
                .build()
                .context("building the HTTP client")?,
            base: url.trim_end_matches('/').to_string(),
            key: key.to_string(),
            config,
            extractor,
        })
    }

    /// The schema of `--extractor`, for the CSV columns.
    pub fn extractor_schema(&self) -> anyhow::Result<Value> {
        let id = self
            .extractor
            .as_deref()
            .ok_or_else(|| anyhow!("no --schema or --extractor given"))?;
        let url = format!("{}/extractors/{id}", self.base);
        let extractor = self
            .runtime
            .block_on(self.call(|| self.client.get(&url)))
            .map_err(|e| anyhow!("cannot read extractor {id}: {}", e.text()))?;
        Ok(extractor
            .pointer("/draftVersion/config/schema")
            .or_else(|| extractor.pointer("/config/schema"))
            .cloned()
            .unwrap_or(Value::Null))
    }

    pub fn run_all(
        &self,
        files: &[PathBuf],
        concurrency: usize,
        on_record: &mut dyn FnMut(Record) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        self.runtime.block_on(async {
            let mut results = futures::stream::iter(files.iter().map(|f| self.extract(f)))
                .buffer_unordered(concurrency.max(1));
            while let Some(record) = results.next().await {
                on_record(record)?;
            }
            Ok(())
        })
    }

    async fn extract(&self, path: &Path) -> Record {
        let started = Instant::now();
        let file = display(path);
        let ms = || started.elapsed().as_millis() as u64;
        let bytes = match tokio::fs::read(path).await {
            Ok(b) => b,
            Err(e) => {
                return Record::failed(
                    file,
                    failure::FAILED_TO_PROCESS_FILE,
                    format!("cannot read the file: {e}"),
                    ms(),
                );
            }
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match self.upload_and_run(bytes, name).await {
            Ok(run) => Record::from_run(file, &run, ms()),
            Err(e) => Record::failed(file, "REQUEST_FAILED", e.text(), ms()),
        }
    }

    async fn upload_and_run(&self, bytes: Vec<u8>, name: String) -> Result<Value, CallError> {
        let upload_url = format!("{}/files/upload", self.base);
        let uploaded = self
            .call(|| {
                let part = reqwest::multipart::Part::bytes(bytes.clone()).file_name(name.clone());
                self.client
                    .post(&upload_url)
                    .multipart(reqwest::multipart::Form::new().part("file", part))
            })
            .await?;
        let file_id = uploaded
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let mut body = json!({ "file": { "id": file_id } });
        match &self.extractor {
            Some(id) => body["extractor"] = json!({ "id": id }),
            None => body["config"] = self.config.clone(),
        }
        let runs_url = format!("{}/extract_runs", self.base);
        let mut run = self
            .call(|| self.client.post(&runs_url).json(&body))
            .await?;
        let id = run
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let run_url = format!("{runs_url}/{id}");
        let started = Instant::now();
        let mut delay = Duration::from_millis(200);
        while !is_terminal(&run) {
            if started.elapsed() > MAX_WAIT {
                return Err(CallError::Api(format!(
                    "run {id} not finished after {MAX_WAIT:?}"
                )));
            }
            tokio::time::sleep(delay).await;
            delay = (delay * 3 / 2).min(Duration::from_secs(2));
            run = self.call(|| self.client.get(&run_url)).await?;
        }
        Ok(run)
    }

    /// Sends the request built by `build` with auth and version headers,
    /// retrying transient failures.
    async fn call(&self, build: impl Fn() -> RequestBuilder) -> Result<Value, CallError> {
        let mut last = String::new();
        for attempt in 0..ATTEMPTS {
            let sent = build()
                .bearer_auth(&self.key)
                .header("x-extend-api-version", API_VERSION)
                .send()
                .await;
            let wait = match sent {
                Ok(resp) if resp.status().is_success() => {
                    return resp
                        .json()
                        .await
                        .map_err(|e| CallError::Api(format!("invalid JSON answer: {e}")));
                }
                Ok(resp) => {
                    let status = resp.status();
                    let retry_after = resp
                        .headers()
                        .get(reqwest::header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.parse::<u64>().ok())
                        .map(Duration::from_secs);
                    let body: Value = resp.json().await.unwrap_or(Value::Null);
                    let message = format!(
                        "HTTP {status}: {} {}",
                        body.get("code").and_then(Value::as_str).unwrap_or(""),
                        body.get("message").and_then(Value::as_str).unwrap_or("")
                    );
                    if !transient(status) {
                        return Err(CallError::Api(message));
                    }
                    last = message;
                    retry_after
                }
                Err(e) => {
                    last = format!("request failed: {e}");
                    None
                }
            };
            let backoff = Duration::from_millis(250 << attempt);
            tokio::time::sleep(wait.unwrap_or(backoff).min(Duration::from_secs(30))).await;
        }
        Err(CallError::Transient(last))
    }
}

impl CallError {
    fn text(&self) -> String {
        match self {
            Self::Api(m) => m.clone(),
            Self::Transient(m) => format!("gave up after {ATTEMPTS} attempts: {m}"),
        }
    }
}

fn transient(status: StatusCode) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error()
}

fn is_terminal(run: &Value) -> bool {
    matches!(
        run.get("status").and_then(Value::as_str),
        Some("PROCESSED" | "FAILED" | "CANCELLED")
    )
}
