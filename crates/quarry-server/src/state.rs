//! Shared application state handed to handlers and workers.

use std::sync::Arc;

use metrics_exporter_prometheus::PrometheusHandle;
use quarry_llm::Engines;
use quarry_store::{BlobStore, FsBlobStore, S3BlobStore, SqlStore, Store};
use tokio::sync::Notify;

use crate::config::Config;
use crate::http::rate_limit::RateLimiter;
use crate::net::fetch::Fetcher;

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub blobs: Arc<dyn BlobStore>,
    pub config: Arc<Config>,
    /// Wakes idle in-process workers when a job is enqueued, so small runs
    /// start at once instead of at the next poll.
    pub jobs_ready: Arc<Notify>,
    /// Downloads `file.url` inputs under the SSRF guard.
    pub fetcher: Arc<Fetcher>,
    /// Per-workspace and per-key request limits (off unless configured).
    pub rate_limiter: Arc<RateLimiter>,
    /// Renders the process-wide Prometheus registry (`GET /metrics`).
    pub metrics: PrometheusHandle,
    /// The extraction engines, chosen per run by `baseProcessor`.
    pub engines: Engines,
}

impl AppState {
    /// Opens the configured database (running migrations) and blob store
    /// (S3 when configured, else files under the data directory).
    pub async fn open(config: Config) -> Result<Self, quarry_store::StoreError> {
        std::fs::create_dir_all(&config.data_dir)?;
        let url = config.database_url();
        let store = SqlStore::connect(&url, None).await?;
        let blobs: Arc<dyn BlobStore> = match &config.s3 {
            Some(s3) => Arc::new(S3BlobStore::new(s3)?),
            None => Arc::new(FsBlobStore::new(config.data_dir.join("blobs"))?),
        };
        Ok(Self {
            store: Arc::new(store),
            blobs,
            fetcher: Arc::new(
                Fetcher::new(
                    config.url_allow.clone(),
                    config.parse_limits.max_bytes,
                    config.fetch_timeout,
                )
                .with_resolver(config.resolver.clone()),
            ),
            rate_limiter: Arc::new(RateLimiter::new(
                config.workspace_rate_limit,
                config.key_rate_limit,
            )),
            engines: Engines::new(config.llm.clone()),
            config: Arc::new(config),
            jobs_ready: Arc::new(Notify::new()),
            metrics: crate::metrics::handle(),
        })
    }
}
