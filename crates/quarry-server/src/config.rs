//! Runtime configuration of the server and its workers. The CLI fills it
//! from flags and `QUARRY_*` environment variables; defaults suit the
//! embedded single-machine setup.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::http::rate_limit::RateLimit;
use crate::net::guard::AllowList;
use crate::net::resolve::{self, Resolve};

#[derive(Debug, Clone)]
pub struct Config {
    /// Address the HTTP API listens on.
    pub bind: SocketAddr,
    /// Holds `quarry.db` and `blobs/` in the embedded setup.
    pub data_dir: PathBuf,
    /// `postgres://…` or `sqlite://…`; `None` means `<data_dir>/quarry.db`.
    pub database_url: Option<String>,
    /// Document bytes in an S3-compatible bucket instead of
    /// `<data_dir>/blobs`; required when nodes share no disk.
    pub s3: Option<quarry_store::S3Config>,
    /// Base of links the API hands out (`dashboardUrl`).
    pub public_url: String,
    /// In-process workers; 0 runs the API only.
    pub workers: usize,
    /// How long a claimed job stays leased without a heartbeat.
    pub lease: Duration,
    /// How many times a job may be claimed before its run fails.
    pub max_attempts: i64,
    /// How long a stopping worker may keep working on its run before it
    /// releases the job to the queue.
    pub shutdown_grace: Duration,
    /// Wall-time cap for processing one run.
    pub run_timeout: Duration,
    /// How long `POST /extract` waits for the run to finish.
    pub sync_timeout: Duration,
    /// Largest request body accepted (uploads included).
    pub max_body_bytes: usize,
    /// Used when a request has no `x-extend-api-version` header; `None`
    /// answers such requests with 400.
    pub default_api_version: Option<String>,
    /// Requests per second per workspace (this node's share); `None` is
    /// unlimited.
    pub workspace_rate_limit: Option<RateLimit>,
    /// Requests per second per API key; `None` is unlimited.
    pub key_rate_limit: Option<RateLimit>,
    /// Caps applied when parsing documents.
    pub parse_limits: quarry_parse::Limits,
    /// Networks/hosts that `file.url` downloads may reach although they are
    /// internal (loopback, private, …). Empty by default.
    pub url_allow: AllowList,
    /// Resolves host names for downloads and webhook deliveries (the
    /// system resolver; tests swap in a fixed map).
    pub resolver: Arc<dyn Resolve>,
    /// Time cap for downloading one `file.url`.
    pub fetch_timeout: Duration,
    /// Time cap for one webhook delivery attempt.
    pub webhook_timeout: Duration,
    /// Attempts per delivery before it is marked `failed`.
    pub webhook_max_attempts: i64,
    /// First retry delay; doubles per attempt (with ±20 % jitter).
    pub webhook_backoff_base: Duration,
    /// Longest retry delay.
    pub webhook_backoff_cap: Duration,
    /// The model behind `extraction_performance`/`extraction_operator`;
    /// `None` runs every processor on the offline rules engine.
    pub llm: Option<quarry_llm::LlmConfig>,
    /// Secret that API keys are HMAC'd under at rest (`None`: SHA-256).
    pub key_secret: Option<crate::keys::KeySecret>,
}

impl Config {
    /// Defaults for a server whose data lives in `data_dir`.
    pub fn new(data_dir: PathBuf) -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir,
            database_url: None,
            s3: None,
            public_url: "http://127.0.0.1:8080".into(),
            workers: 2,
            lease: Duration::from_secs(30),
            max_attempts: 3,
            shutdown_grace: Duration::from_secs(30),
            run_timeout: Duration::from_secs(120),
            sync_timeout: Duration::from_secs(300),
            max_body_bytes: 50 * 1024 * 1024,
            default_api_version: None,
            workspace_rate_limit: None,
            key_rate_limit: None,
            parse_limits: quarry_parse::Limits::default(),
            url_allow: AllowList::default(),
            resolver: resolve::system(),
            fetch_timeout: Duration::from_secs(60),
            webhook_timeout: Duration::from_secs(10),
            webhook_max_attempts: 15,
            webhook_backoff_base: Duration::from_secs(1),
            webhook_backoff_cap: Duration::from_secs(3600),
            llm: None,
            key_secret: None,
        }
    }

    /// The database URL in effect.
    pub fn database_url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| {
            format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("quarry.db").display()
            )
        })
    }

    /// Heartbeats run at a third of the lease, so two can be missed.
    pub fn heartbeat_interval(&self) -> Duration {
        self.lease / 3
    }
}
