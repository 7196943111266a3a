//! Command-line arguments. Each flag has a `QUARRY_*` environment variable.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};
use quarry_parse::{ChildLimits, Isolation, Limits, OcrEngine};
use quarry_server::Config;

pub use crate::cmd::bench::BenchCommand;
pub use crate::cmd::extract::ExtractArgs;
pub use crate::cmd::parse::ParseArgs;
use quarry_server::keys::DEFAULT_WORKSPACE;
use quarry_server::net::guard::AllowList;

/// The hidden subcommand the parse child runs.
pub const PARSE_CHILD_COMMAND: &str = "__parse-child";

pub use crate::cmd::config::Target as ConfigTarget;
use crate::config_file::ConfigFile;
use crate::scale_args::{RateLimitArgs, S3Args};

#[derive(Debug, Parser)]
#[command(
    name = "quarry",
    version,
    about = "Self-hosted, Extend-compatible document extraction server"
)]
pub struct Cli {
    /// TOML file of settings (keys are flag names: `bind`, `data-dir`,
    /// `llm-model`, …); flags and QUARRY_* variables override it. See
    /// `quarry config show`.
    #[arg(long, global = true, env = "QUARRY_CONFIG")]
    pub config: Option<PathBuf>,
    /// Log format on stderr.
    #[arg(long, global = true, env = "QUARRY_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// OpenTelemetry collector (OTLP/HTTP) base URL, e.g.
    /// http://127.0.0.1:4318: request and run spans are exported as traces.
    /// The standard OTEL_EXPORTER_OTLP_ENDPOINT works too.
    #[arg(long, global = true, env = "QUARRY_OTLP_ENDPOINT")]
    pub otlp_endpoint: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the HTTP API, with in-process workers unless --no-workers.
    Serve(ServeArgs),
    /// Run workers only (no HTTP), against a shared database.
    Worker(WorkerArgs),
    /// Apply database migrations and exit.
    Migrate(StoreArgs),
    /// Manage API keys.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Parse one file and print it as markdown, spatial text or JSON.
    Parse(ParseArgs),
    /// Extract from many files (embedded, or on a server with --url) into
    /// JSONL/CSV, with progress, per-file errors and resumable output.
    Extract(ExtractArgs),
    /// Internal: parse one document from stdin under rlimits (the child of
    /// `--parse-isolation child`).
    #[command(name = PARSE_CHILD_COMMAND, hide = true)]
    ParseChild {
        /// The parent's request (file name, limits), as JSON.
        request: String,
    },
    /// Print a shell completion script (e.g. `quarry completions bash >
    /// /etc/bash_completion.d/quarry`).
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
    /// Benchmarks: parse throughput and memory, extraction quality.
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Inspect the effective configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the settings `serve` (or `worker`) would use, as TOML, with the
    /// source of each and secrets redacted; fails on an invalid value.
    Show {
        /// Whose settings.
        #[arg(long = "for", value_enum, default_value_t = ConfigTarget::Serve)]
        target: ConfigTarget,
    },
}

/// Parses the command line with the config file (`--config` /
/// `QUARRY_CONFIG`) installed as defaults. Returns the parsed command, the
/// clap tree it was parsed with (for `config show`) and the file.
pub fn parse() -> anyhow::Result<(Cli, clap::Command, ConfigFile)> {
    use clap::{CommandFactory, FromArgMatches};
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let base = Cli::command();
    // A lenient first pass only to learn where the file is.
    let path = base
        .clone()
        .ignore_errors(true)
        .try_get_matches_from(&argv)
        .ok()
        .and_then(|m| m.get_one::<PathBuf>("config").cloned());
    let file = match path {
        Some(path) => ConfigFile::load(&path)?,
        None => ConfigFile::default(),
    };
    let command = file.install(base)?;
    let matches = command.clone().get_matches_from(argv);
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    Ok((cli, command, file))
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Create an API key and print it (shown once; only its hash is stored).
    Create {
        #[command(flatten)]
        store: StoreArgs,
        /// A name to recognise the key by.
        #[arg(long, default_value = "default")]
        name: String,
        /// Workspace the key gives access to.
        #[arg(long, default_value = DEFAULT_WORKSPACE)]
        workspace: String,
    },
    /// List keys (id, workspace, name, created, revoked); never the keys themselves.
    List {
        #[command(flatten)]
        store: StoreArgs,
        /// Only this workspace's keys.
        #[arg(long)]
        workspace: Option<String>,
    },
    /// Revoke a key by id (`key_…`, from `keys list`); it stops working at once.
    Revoke {
        #[command(flatten)]
        store: StoreArgs,
        /// The key's id.
        id: String,
    },
}

/// Where state lives.
#[derive(Debug, Clone, Args)]
pub struct StoreArgs {
    /// Directory for the SQLite database and stored files.
    #[arg(long, env = "QUARRY_DATA_DIR", default_value = "./quarry-data")]
    pub data_dir: PathBuf,
    /// Database URL (`postgres://…` or `sqlite://…`); default: SQLite in --data-dir.
    #[arg(long, env = "QUARRY_DATABASE_URL")]
    pub database_url: Option<String>,
    #[command(flatten)]
    pub s3: S3Args,
    /// Secret that API keys are HMAC'd under at rest; give every node the
    /// same one. Keys minted without it keep working.
    #[arg(long, env = "QUARRY_KEY_SECRET", hide_env_values = true)]
    pub key_secret: Option<String>,
}

impl StoreArgs {
    pub fn config(&self) -> Config {
        let mut c = Config::new(self.data_dir.clone());
        c.database_url = self.database_url.clone();
        c.s3 = self.s3.config();
        c.key_secret = self
            .key_secret
            .clone()
            .filter(|s| !s.is_empty())
            .map(quarry_server::keys::KeySecret);
        c
    }
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Address to listen on (port 0 picks a free port; the address is printed).
    #[arg(long, env = "QUARRY_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Base URL of links handed out (dashboardUrl); default http://<bind>.
    #[arg(long, env = "QUARRY_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// In-process workers (0 = API only).
    #[arg(long, env = "QUARRY_WORKERS", default_value_t = 2)]
    pub workers: usize,
    /// API only, no in-process workers (overrides --workers): for API nodes
    /// in front of separate `quarry worker` processes.
    #[arg(long, env = "QUARRY_NO_WORKERS")]
    pub no_workers: bool,
    #[command(flatten)]
    pub queue: QueueArgs,
    /// How long POST /extract waits for its run, in seconds.
    #[arg(long, env = "QUARRY_SYNC_TIMEOUT_SECS", default_value_t = 300)]
    pub sync_timeout_secs: u64,
    /// Largest request body (uploads included), in MiB.
    #[arg(long, env = "QUARRY_MAX_BODY_MB", default_value_t = 50)]
    pub max_body_mb: usize,
    /// API version assumed when a request has no x-extend-api-version header
    /// (handy for curl); by default such requests get 400.
    #[arg(long, env = "QUARRY_DEFAULT_API_VERSION")]
    pub default_api_version: Option<String>,
    #[command(flatten)]
    pub outbound: OutboundArgs,
    #[command(flatten)]
    pub limits: LimitArgs,
    #[command(flatten)]
    pub rate_limits: RateLimitArgs,
    #[command(flatten)]
    pub llm: LlmArgs,
}

/// Caps on what one document may cost to parse. A document over a cap ends
/// its run `FAILED` with a message naming the cap.
#[derive(Debug, Clone, Args)]
pub struct LimitArgs {
    /// Most pages (or sheets/slides) per document.
    #[arg(long, env = "QUARRY_MAX_PAGES", default_value_t = Limits::default().max_pages)]
    pub max_pages: usize,
    /// Largest decompressed size of a DOCX/XLSX/PPTX/ODS, in MiB (zip-bomb guard).
    #[arg(long, env = "QUARRY_MAX_DECOMPRESSED_MB", default_value_t = Limits::default().max_decompressed_bytes >> 20)]
    pub max_decompressed_mb: u64,
    /// Most table/spreadsheet cells per document.
    #[arg(long, env = "QUARRY_MAX_CELLS", default_value_t = Limits::default().max_cells)]
    pub max_cells: usize,
    /// Largest image handed to OCR, in megapixels (read from the header).
    #[arg(long, env = "QUARRY_MAX_IMAGE_MEGAPIXELS", default_value_t = Limits::default().max_image_pixels / 1_000_000)]
    pub max_image_megapixels: u64,
    /// OCR time cap per page or image, in seconds.
    #[arg(long, env = "QUARRY_OCR_SECONDS_PER_PAGE", default_value_t = Limits::default().ocr_seconds_per_page)]
    pub ocr_seconds_per_page: u64,
    /// Directory of the OCR language model (`eng.traineddata`). Unset:
    /// `$HOME/.cache/quarry/tessdata` when scripts/install-deps filled it
    /// (tessdata_best), else tesseract's own data.
    #[arg(long, env = "QUARRY_TESSDATA_DIR")]
    pub tessdata_dir: Option<PathBuf>,
    /// OCR engine for images and scanned pages: `auto` (PaddleOCR when
    /// scripts/install-deps installed its runtime and models and page
    /// rotation detection is off, else tesseract), `tesseract`, or `paddle`.
    #[arg(long, env = "QUARRY_OCR_ENGINE", value_enum, default_value_t = OcrEngineArg::Auto)]
    pub ocr_engine: OcrEngineArg,
    /// Where documents are parsed: `child` (a child process under hard
    /// memory/CPU/time limits, so a parser crash costs one run) or
    /// `in-process` (faster, no isolation).
    #[arg(long, env = "QUARRY_PARSE_ISOLATION", value_enum, default_value_t = IsolationMode::Child)]
    pub parse_isolation: IsolationMode,
    /// Address-space cap of the parse child, in MiB.
    #[arg(long, env = "QUARRY_PARSE_MEMORY_MB", default_value_t = 2048)]
    pub parse_memory_mb: u64,
    /// CPU-time cap of the parse child, in seconds.
    #[arg(long, env = "QUARRY_PARSE_CPU_SECS", default_value_t = 120)]
    pub parse_cpu_secs: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OcrEngineArg {
    Auto,
    Tesseract,
    Paddle,
}

impl From<OcrEngineArg> for OcrEngine {
    fn from(arg: OcrEngineArg) -> Self {
        match arg {
            OcrEngineArg::Auto => OcrEngine::Auto,
            OcrEngineArg::Tesseract => OcrEngine::Tesseract,
            OcrEngineArg::Paddle => OcrEngine::Paddle,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum IsolationMode {
    Child,
    InProcess,
}

impl LimitArgs {
    /// Sets the caps; the parse child is this very binary (`__parse-child`),
    /// killed after `wall` (the run's time cap).
    pub fn apply(&self, limits: &mut Limits, wall: Duration) -> anyhow::Result<()> {
        limits.isolation = match self.parse_isolation {
            IsolationMode::InProcess => Isolation::InProcess,
            IsolationMode::Child => Isolation::Child(ChildLimits {
                program: std::env::current_exe().context("locating the quarry binary")?,
                args: vec![PARSE_CHILD_COMMAND.to_string()],
                memory_bytes: self.parse_memory_mb.max(64) << 20,
                cpu_seconds: self.parse_cpu_secs.max(1),
                wall_seconds: wall.as_secs().max(1),
            }),
        };
        self.apply_caps(limits);
        Ok(())
    }

    fn apply_caps(&self, limits: &mut Limits) {
        limits.max_pages = self.max_pages.max(1);
        limits.max_decompressed_bytes = self.max_decompressed_mb.max(1) << 20;
        limits.max_cells = self.max_cells.max(1);
        limits.max_image_pixels = self.max_image_megapixels.max(1) * 1_000_000;
        limits.ocr_seconds_per_page = self.ocr_seconds_per_page.max(1);
        limits.tessdata_dir.clone_from(&self.tessdata_dir);
        limits.ocr_engine = self.ocr_engine.into();
    }
}

/// How workers hold and give up jobs (serve's in-process workers and
/// `quarry worker` alike).
#[derive(Debug, Clone, Args)]
pub struct QueueArgs {
    /// Seconds a claimed job stays leased between heartbeats.
    #[arg(long, env = "QUARRY_LEASE_SECS", default_value_t = 30)]
    pub lease_secs: u64,
    /// Claims of one run before it fails with INTERNAL_ERROR (its workers
    /// kept dying or losing the lease).
    #[arg(long, env = "QUARRY_MAX_ATTEMPTS", default_value_t = 3)]
    pub max_attempts: i64,
    /// On SIGTERM/Ctrl-C, seconds a worker may keep working on its run
    /// before giving it back to the queue.
    #[arg(long, env = "QUARRY_SHUTDOWN_GRACE_SECS", default_value_t = 30)]
    pub shutdown_grace_secs: u64,
    /// Wall-time cap for processing one run, in seconds (then `FAILED`; the
    /// parse child is killed at this cap).
    #[arg(long, env = "QUARRY_RUN_TIMEOUT_SECS", default_value_t = 120)]
    pub run_timeout_secs: u64,
}

impl QueueArgs {
    pub fn apply(&self, c: &mut Config) {
        c.lease = Duration::from_secs(self.lease_secs.max(1));
        c.max_attempts = self.max_attempts.max(1);
        c.shutdown_grace = Duration::from_secs(self.shutdown_grace_secs);
        c.run_timeout = Duration::from_secs(self.run_timeout_secs.max(1));
    }
}

/// Outbound HTTP: `file.url` downloads and webhook deliveries.
#[derive(Debug, Clone, Args)]
pub struct OutboundArgs {
    /// Comma-separated CIDRs, IPs or host names that `file.url` downloads and
    /// webhook deliveries may reach although they are internal (loopback,
    /// private, link-local, …).
    #[arg(long, env = "QUARRY_URL_ALLOW", default_value = "")]
    pub url_allow: String,
    /// Time cap for downloading one `file.url`, in seconds.
    #[arg(long, env = "QUARRY_FETCH_TIMEOUT_SECS", default_value_t = 60)]
    pub fetch_timeout_secs: u64,
    /// Time cap for one webhook delivery attempt, in milliseconds.
    #[arg(long, env = "QUARRY_WEBHOOK_TIMEOUT_MS", default_value_t = 10_000)]
    pub webhook_timeout_ms: u64,
    /// Attempts per webhook delivery before it is marked failed.
    #[arg(long, env = "QUARRY_WEBHOOK_MAX_ATTEMPTS", default_value_t = 15)]
    pub webhook_max_attempts: i64,
    /// First webhook retry delay in milliseconds; doubles per attempt (±20 % jitter).
    #[arg(long, env = "QUARRY_WEBHOOK_BACKOFF_BASE_MS", default_value_t = 1_000)]
    pub webhook_backoff_base_ms: u64,
    /// Longest webhook retry delay, in milliseconds.
    #[arg(
        long,
        env = "QUARRY_WEBHOOK_BACKOFF_CAP_MS",
        default_value_t = 3_600_000
    )]
    pub webhook_backoff_cap_ms: u64,
}

impl OutboundArgs {
    pub fn apply(&self, c: &mut Config) -> anyhow::Result<()> {
        c.url_allow =
            AllowList::parse(&self.url_allow).map_err(|e| anyhow::anyhow!("--url-allow: {e}"))?;
        c.fetch_timeout = Duration::from_secs(self.fetch_timeout_secs.max(1));
        c.webhook_timeout = Duration::from_millis(self.webhook_timeout_ms.max(1));
        c.webhook_max_attempts = self.webhook_max_attempts.max(1);
        c.webhook_backoff_base = Duration::from_millis(self.webhook_backoff_base_ms.max(1));
        c.webhook_backoff_cap = Duration::from_millis(self.webhook_backoff_cap_ms.max(1));
        Ok(())
    }
}

impl ServeArgs {
    pub fn config(&self) -> anyhow::Result<Config> {
        let mut c = self.store.config();
        c.bind = self.bind;
        c.public_url = self
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.bind));
        c.workers = if self.no_workers { 0 } else { self.workers };
        self.queue.apply(&mut c);
        c.sync_timeout = Duration::from_secs(self.sync_timeout_secs);
        c.max_body_bytes = self.max_body_mb.max(1) * 1024 * 1024;
        c.parse_limits.max_bytes = c.max_body_bytes;
        c.default_api_version = self.default_api_version.clone();
        self.outbound.apply(&mut c)?;
        self.limits.apply(&mut c.parse_limits, c.run_timeout)?;
        self.rate_limits.apply(&mut c);
        c.llm = self.llm.config()?;
        Ok(c)
    }
}

#[derive(Debug, Args)]
pub struct WorkerArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Concurrent runs in this process.
    #[arg(long, env = "QUARRY_WORKER_CONCURRENCY", default_value_t = 2)]
    pub concurrency: usize,
    #[command(flatten)]
    pub queue: QueueArgs,
    #[command(flatten)]
    pub outbound: OutboundArgs,
    #[command(flatten)]
    pub limits: LimitArgs,
    #[command(flatten)]
    pub llm: LlmArgs,
    /// Serve /healthz, /readyz and /metrics on this address (no API).
    #[arg(long, env = "QUARRY_METRICS_BIND")]
    pub metrics_bind: Option<SocketAddr>,
}

/// The model behind `extraction_performance` and `extraction_operator`
/// (docs/llm.md). Without `--llm-model` every run uses the rules engine.
#[derive(Debug, Clone, Args)]
pub struct LlmArgs {
    /// Wire protocol: `openai` (OpenAI, vLLM, Ollama, llama.cpp server) or `anthropic`.
    #[arg(long, env = "QUARRY_LLM_PROVIDER", default_value = "openai")]
    pub llm_provider: String,
    /// Model server base URL, e.g. http://127.0.0.1:11434/v1 (Ollama);
    /// default: the provider's public API.
    #[arg(long, env = "QUARRY_LLM_BASE_URL")]
    pub llm_base_url: Option<String>,
    /// Model name; setting it turns the LLM engine on.
    #[arg(long, env = "QUARRY_LLM_MODEL")]
    pub llm_model: Option<String>,
    /// API key; default: OPENAI_API_KEY or ANTHROPIC_API_KEY by provider.
    #[arg(long, env = "QUARRY_LLM_API_KEY", hide_env_values = true)]
    pub llm_api_key: Option<String>,
    /// Cap on tokens of one model response.
    #[arg(long, env = "QUARRY_LLM_MAX_TOKENS", default_value_t = 4096)]
    pub llm_max_tokens: u32,
    /// Cap on input + output tokens of one run; 0 = unlimited.
    #[arg(long, env = "QUARRY_LLM_TOKEN_BUDGET", default_value_t = quarry_llm::DEFAULT_TOKEN_BUDGET)]
    pub llm_token_budget: u64,
    /// Time cap for one model request, in seconds.
    #[arg(long, env = "QUARRY_LLM_TIMEOUT_SECS", default_value_t = 120)]
    pub llm_timeout_secs: u64,
    /// Pages per model request when a config sets no chunkingOptions.pageChunkSize.
    #[arg(long, env = "QUARRY_LLM_PAGE_CHUNK_SIZE", default_value_t = 10)]
    pub llm_page_chunk_size: usize,
    /// Attempts per model request on 429, 5xx and connection errors.
    #[arg(long, env = "QUARRY_LLM_MAX_ATTEMPTS", default_value_t = 4)]
    pub llm_max_attempts: u32,
    /// Ask OpenAI-compatible servers for logprobs (fills logprobsConfidence).
    #[arg(long, env = "QUARRY_LLM_LOGPROBS")]
    pub llm_logprobs: bool,
    /// The hybrid engine (extraction_performance) asks the model about
    /// fields whose rules confidence is below this (0-1).
    #[arg(long, env = "QUARRY_LLM_HYBRID_THRESHOLD", default_value_t = quarry_llm::DEFAULT_HYBRID_THRESHOLD)]
    pub llm_hybrid_threshold: f64,
}

impl LlmArgs {
    /// The LLM setting, or `None` when no model is named.
    pub fn config(&self) -> anyhow::Result<Option<quarry_llm::LlmConfig>> {
        let Some(model) = self.llm_model.clone().filter(|m| !m.trim().is_empty()) else {
            return Ok(None);
        };
        let provider: quarry_llm::Provider = self
            .llm_provider
            .parse()
            .map_err(|e: String| anyhow::anyhow!("--llm-provider: {e}"))?;
        let mut c = quarry_llm::LlmConfig::new(provider, model);
        if let Some(url) = &self.llm_base_url {
            c = c.with_base_url(url);
        }
        c.api_key = self
            .llm_api_key
            .clone()
            .or_else(|| std::env::var(provider.key_env()).ok())
            .filter(|k| !k.is_empty());
        c.max_tokens = self.llm_max_tokens.max(1);
        c.token_budget = (self.llm_token_budget > 0).then_some(self.llm_token_budget);
        c.timeout = Duration::from_secs(self.llm_timeout_secs.max(1));
        c.page_chunk_size = self.llm_page_chunk_size.max(1);
        c.max_attempts = self.llm_max_attempts.max(1);
        c.logprobs = self.llm_logprobs;
        c.hybrid_threshold = self.llm_hybrid_threshold.clamp(0.0, 1.0);
        Ok(Some(c))
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    fn llm(args: &[&str]) -> anyhow::Result<Option<quarry_llm::LlmConfig>> {
        let argv = ["quarry", "serve"].iter().chain(args);
        match Cli::try_parse_from(argv)?.command {
            Command::Serve(serve) => serve.llm.config(),
            _ => anyhow::bail!("not serve"),
        }
    }

    #[test]
    fn llm_flags_turn_the_model_on_only_with_a_model_name() -> anyhow::Result<()> {
        assert!(llm(&[])?.is_none());
        let c = llm(&[
            "--llm-provider",
            "anthropic",
            "--llm-model",
            "claude-x",
            "--llm-api-key",
            "k",
            "--llm-base-url",
            "http://127.0.0.1:9/",
            "--llm-token-budget",
            "5000",
        ])?
        .ok_or_else(|| anyhow::anyhow!("configured"))?;
        assert_eq!(c.provider, quarry_llm::Provider::Anthropic);
        assert_eq!(c.base_url, "http://127.0.0.1:9");
        assert_eq!(c.api_key.as_deref(), Some("k"));
        assert_eq!(c.token_budget, Some(5000));
        assert!(llm(&["--llm-provider", "gemini", "--llm-model", "m"]).is_err());
        Ok(())
    }
}
