//! Flags for running several nodes: S3-compatible object storage that API
//! nodes and workers share ([`S3Args`]; unset credentials and region fall
//! back to the standard `AWS_*` environment variables such as
//! `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`,
//! `AWS_REGION`), and request rate limits per workspace and per API key
//! ([`RateLimitArgs`]).

use clap::{ArgAction, Args};
use quarry_server::Config;
use quarry_server::http::rate_limit::RateLimit;
use quarry_store::S3Config;

#[derive(Debug, Clone, Args)]
pub struct S3Args {
    /// Store document bytes in this S3 bucket instead of `<data-dir>/blobs`.
    #[arg(long, env = "QUARRY_S3_BUCKET")]
    pub s3_bucket: Option<String>,
    /// Key prefix inside the bucket.
    #[arg(long, env = "QUARRY_S3_PREFIX", default_value = "")]
    pub s3_prefix: String,
    /// Endpoint of an S3-compatible service (MinIO, Ceph, R2, …); default AWS.
    #[arg(long, env = "QUARRY_S3_ENDPOINT")]
    pub s3_endpoint: Option<String>,
    /// Region (default: `AWS_REGION`, else us-east-1).
    #[arg(long, env = "QUARRY_S3_REGION")]
    pub s3_region: Option<String>,
    /// Path-style requests (`endpoint/bucket/key`); `false` for
    /// virtual-hosted style (`bucket.endpoint/key`).
    #[arg(long, env = "QUARRY_S3_PATH_STYLE", default_value_t = true, action = ArgAction::Set)]
    pub s3_path_style: bool,
    /// Access key id (default: `AWS_ACCESS_KEY_ID`).
    #[arg(long, env = "QUARRY_S3_ACCESS_KEY_ID")]
    pub s3_access_key_id: Option<String>,
    /// Secret access key (default: `AWS_SECRET_ACCESS_KEY`).
    #[arg(long, env = "QUARRY_S3_SECRET_ACCESS_KEY", hide_env_values = true)]
    pub s3_secret_access_key: Option<String>,
}

impl S3Args {
    /// The S3 config, or `None` when no bucket is set (local files).
    pub fn config(&self) -> Option<S3Config> {
        let bucket = self.s3_bucket.clone()?;
        Some(S3Config {
            bucket,
            prefix: self.s3_prefix.clone(),
            endpoint: self.s3_endpoint.clone(),
            region: self.s3_region.clone(),
            path_style: self.s3_path_style,
            access_key_id: self.s3_access_key_id.clone(),
            secret_access_key: self.s3_secret_access_key.clone(),
            session_token: None,
        })
    }
}

/// Request rate limits, enforced by each API node for its own traffic.
#[derive(Debug, Clone, Args)]
pub struct RateLimitArgs {
    /// Requests per second per workspace on this node (0 = unlimited).
    #[arg(long, env = "QUARRY_RATE_LIMIT_RPS", default_value_t = 0.0)]
    pub rate_limit_rps: f64,
    /// Requests a workspace may burst above its rate.
    #[arg(long, env = "QUARRY_RATE_LIMIT_BURST", default_value_t = 50.0)]
    pub rate_limit_burst: f64,
    /// Requests per second per API key on this node (0 = unlimited).
    #[arg(long, env = "QUARRY_KEY_RATE_LIMIT_RPS", default_value_t = 0.0)]
    pub key_rate_limit_rps: f64,
    /// Requests an API key may burst above its rate.
    #[arg(long, env = "QUARRY_KEY_RATE_LIMIT_BURST", default_value_t = 50.0)]
    pub key_rate_limit_burst: f64,
}

impl RateLimitArgs {
    pub fn apply(&self, c: &mut Config) {
        c.workspace_rate_limit = RateLimit::new(self.rate_limit_rps, self.rate_limit_burst);
        c.key_rate_limit = RateLimit::new(self.key_rate_limit_rps, self.key_rate_limit_burst);
    }
}
