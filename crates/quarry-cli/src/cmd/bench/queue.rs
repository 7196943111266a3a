//! `quarry bench queue`: the scale-out numbers on PostgreSQL.
//!
//! - **Throughput**: `--runs` small raw-text runs are submitted through the
//!   API of an in-process server (no workers), then N real `quarry worker`
//!   processes (`--concurrency 1` each, this same binary) drain the queue;
//!   runs/s is runs over the time from starting the workers until the
//!   queue is empty. Each N gets a fresh database.
//! - **Latency**: `--stored` finished runs are written straight into a fresh
//!   database and analysed; then `GET /extract_runs` (first page of 100, and filtered by
//!   status) and `GET /extract_runs/{id}` are timed over HTTP, one request
//!   at a time, and reported as percentiles.
//!
//! Nothing is asserted; docs/benchmarks.md records the results.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Args;
use quarry_model::enums::RunStatus;
use quarry_model::ids::{EXTRACT_RUN, new_id};
use quarry_model::time::now_ms;
use quarry_server::keys::{DEFAULT_WORKSPACE, register_key};
use quarry_server::{AppState, Config};
use quarry_store::{ExtractRunRecord, RunCore};
use serde_json::json;
use sqlx::{Connection, Executor, PgConnection};
use tokio::sync::oneshot;

use super::report;

const KEY: &str = "qry_bench_queue_key_0123456789";

#[derive(Debug, Args)]
pub struct QueueBenchArgs {
    /// PostgreSQL server; a fresh database is created (and dropped) on it
    /// for each measurement.
    #[arg(
        long,
        env = "QUARRY_BENCH_DATABASE_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/test"
    )]
    pub database_url: String,
    /// Worker process counts to measure.
    #[arg(long, value_delimiter = ',', default_value = "1,2,4")]
    pub workers: Vec<usize>,
    /// Runs processed per worker count (0 skips the throughput table).
    #[arg(long, default_value_t = 1_000)]
    pub runs: usize,
    /// Runs stored for the list/get latency measurement (0 skips it).
    #[arg(long, default_value_t = 100_000)]
    pub stored: usize,
    /// Requests timed per latency row.
    #[arg(long, default_value_t = 300)]
    pub samples: usize,
}

pub fn run(args: &QueueBenchArgs) -> anyhow::Result<()> {
    report::machine();
    // reqwest is built without a bundled TLS provider.
    let _ = rustls::crypto::ring::default_provider().install_default();
    tokio::runtime::Runtime::new()?.block_on(async {
        let counts = if args.runs > 0 {
            &args.workers[..]
        } else {
            &[]
        };
        if !counts.is_empty() {
            println!("\n| workers (processes) | runs | seconds | runs/s |\n|---|---|---|---|");
        }
        for &n in counts {
            let db = BenchDb::create(&args.database_url).await?;
            let result = throughput(&db.url, n, args.runs).await;
            db.drop().await;
            let secs = result?.as_secs_f64();
            println!(
                "| {n} | {} | {secs:.1} | {:.0} |",
                args.runs,
                args.runs as f64 / secs
            );
        }
        if args.stored > 0 {
            let db = BenchDb::create(&args.database_url).await?;
            let result = latency(&db.url, args.stored, args.samples).await;
            db.drop().await;
            result?;
        }
        Ok(())
    })
}

/// A throwaway database on the benchmark server.
struct BenchDb {
    admin: String,
    name: String,
    url: String,
}

impl BenchDb {
    async fn create(admin: &str) -> anyhow::Result<Self> {
        let name = format!("quarry_bench_{:016x}", rand::random::<u64>());
        let mut conn = PgConnection::connect(admin)
            .await
            .with_context(|| format!("connecting to {}", quarry_store::redact_url(admin)))?;
        conn.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .await?;
        let base = admin.split('?').next().unwrap_or(admin);
        let base = base.rsplit_once('/').map_or(base, |(b, _)| b);
        Ok(Self {
            admin: admin.to_string(),
            url: format!("{base}/{name}"),
            name,
        })
    }

    async fn drop(self) {
        let dropped = async {
            let mut conn = PgConnection::connect(&self.admin).await?;
            conn.execute(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            )))
            .await
        }
        .await;
        if let Err(e) = dropped {
            eprintln!("could not drop {}: {e}", self.name);
        }
    }
}

/// An in-process API server (no workers) on a free port.
struct Api {
    base: String,
    state: AppState,
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl Api {
    async fn start(database_url: &str, data_dir: &Path) -> anyhow::Result<Self> {
        let mut config = Config::new(data_dir.to_path_buf());
        config.database_url = Some(database_url.to_string());
        config.workers = 0;
        let state = AppState::open(config).await?;
        register_key(state.store.as_ref(), KEY, "bench", DEFAULT_WORKSPACE).await?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://{}", listener.local_addr()?);
        let (stop, rx) = oneshot::channel();
        let st = state.clone();
        let task = tokio::spawn(async move {
            let shutdown = async {
                let _ = rx.await;
            };
            if let Err(e) = quarry_server::serve::serve_on(listener, st, shutdown).await {
                eprintln!("bench server stopped: {e}");
            }
        });
        Ok(Self {
            base,
            state,
            stop,
            task,
        })
    }

    fn get(&self, http: &reqwest::Client, path: &str) -> reqwest::RequestBuilder {
        http.get(format!("{}{path}", self.base))
            .bearer_auth(KEY)
            .header("x-extend-api-version", quarry_model::API_VERSION)
    }

    async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
    }
}

/// Seconds for `workers` processes to drain `runs` queued runs.
async fn throughput(database_url: &str, workers: usize, runs: usize) -> anyhow::Result<Duration> {
    let dir = tempfile::tempdir()?;
    let api = Api::start(database_url, dir.path()).await?;
    report::progress(&format!("{workers} worker(s): submitting {runs} runs"));
    let http = reqwest::Client::new();
    for i in 0..runs {
        let body = json!({
            "config": {"schema": {
                "type": "object",
                "properties": {"invoice_number": {"type": ["string", "null"]}},
                "required": ["invoice_number"],
                "additionalProperties": false
            }},
            "file": {"text": format!("ACME GmbH\nInvoice Number: INV-{i}\nTotal: {i}.50 EUR\n")}
        });
        let resp = http
            .post(format!("{}/extract_runs", api.base))
            .bearer_auth(KEY)
            .header("x-extend-api-version", quarry_model::API_VERSION)
            .json(&body)
            .send()
            .await?;
        anyhow::ensure!(
            resp.status().is_success(),
            "submitting run {i}: {}",
            resp.status()
        );
    }
    let started = Instant::now();
    let mut procs: Vec<Child> = (0..workers)
        .map(|_| spawn_worker(database_url, dir.path()))
        .collect::<anyhow::Result<_>>()?;
    let drained = wait_drained(&api.state).await;
    let elapsed = started.elapsed();
    for p in &mut procs {
        let _ = p.kill();
        let _ = p.wait();
    }
    api.stop().await;
    drained.map(|()| elapsed)
}

fn spawn_worker(database_url: &str, data_dir: &Path) -> anyhow::Result<Child> {
    Command::new(std::env::current_exe()?)
        .args([
            "worker",
            "--concurrency",
            "1",
            "--database-url",
            database_url,
        ])
        .arg("--data-dir")
        .arg(data_dir)
        .env("QUARRY_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .context("starting a quarry worker")
}

/// Waits until no job is queued or leased.
async fn wait_drained(state: &AppState) -> anyhow::Result<()> {
    loop {
        let depth = state.store.queue_depth().await?;
        if !depth
            .iter()
            .any(|(s, n)| (s == "queued" || s == "leased") && *n > 0)
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Stores `stored` processed runs, then times list and get requests.
async fn latency(database_url: &str, stored: usize, samples: usize) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let api = Api::start(database_url, dir.path()).await?;
    report::progress(&format!("storing {stored} runs"));
    let mut ids = Vec::with_capacity(stored);
    let base_ms = now_ms() - stored as i64;
    for chunk in (0..stored).collect::<Vec<_>>().chunks(1_000) {
        let runs: Vec<ExtractRunRecord> = chunk
            .iter()
            .map(|&i| stored_run(i, base_ms + i as i64))
            .collect();
        api.state.store.extract_runs().create(&runs, None).await?;
        ids.extend(runs.into_iter().map(|r| r.core.id));
    }
    // Measure the steady state, not the minutes before autovacuum first
    // analyses a freshly filled table (plans without statistics differ).
    let mut conn = PgConnection::connect(database_url).await?;
    conn.execute("ANALYZE").await?;
    let http = reqwest::Client::new();
    println!(
        "\n{stored} runs stored; {samples} sequential requests per row over HTTP on 127.0.0.1\n"
    );
    println!("| request | p50 ms | p95 ms | p99 ms |\n|---|---|---|---|");
    let list = "/extract_runs?maxPageSize=100".to_string();
    let filtered = "/extract_runs?maxPageSize=100&status=PROCESSED&sortBy=updatedAt".to_string();
    let by_id = (0..samples)
        .map(|k| format!("/extract_runs/{}", ids[k * 7919 % ids.len()]))
        .collect();
    let rows = [
        ("GET /extract_runs (first page, 100)", vec![list; samples]),
        (
            "GET /extract_runs?status=PROCESSED&sortBy=updatedAt (100)",
            vec![filtered; samples],
        ),
        ("GET /extract_runs/{id} (random id)", by_id),
    ];
    for (label, paths) in rows {
        let mut times = Vec::with_capacity(samples);
        for path in &paths {
            let start = Instant::now();
            let resp = api.get(&http, path).send().await?;
            anyhow::ensure!(resp.status().is_success(), "{label}: {}", resp.status());
            resp.bytes().await?;
            times.push(start.elapsed());
        }
        times.sort();
        let pct = |p: f64| times[((times.len() - 1) as f64 * p) as usize].as_secs_f64() * 1e3;
        println!(
            "| {label} | {:.1} | {:.1} | {:.1} |",
            pct(0.5),
            pct(0.95),
            pct(0.99)
        );
    }
    api.stop().await;
    Ok(())
}

/// A processed run as the API would have stored it.
fn stored_run(i: usize, at: i64) -> ExtractRunRecord {
    let core = RunCore {
        id: new_id(EXTRACT_RUN),
        workspace_id: DEFAULT_WORKSPACE.to_string(),
        status: RunStatus::Processed,
        priority: 50,
        file_id: None,
        file_url: None,
        file_password: None,
        file_name: Some(format!("invoice-{i}.txt")),
        batch_id: None,
        source: "API".to_string(),
        source_id: None,
        config: json!({"schema": {"type": "object", "properties": {"invoice_number": {"type": ["string", "null"]}}}}),
        metadata: Some(json!({"n": i})),
        output: Some(json!({"value": {"invoice_number": format!("INV-{i}")}, "metadata": {}})),
        failure_reason: None,
        failure_message: None,
        usage: None,
        created_at: at,
        updated_at: at,
    };
    ExtractRunRecord::new(core, None, None)
}
