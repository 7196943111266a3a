//! A multi-node Quarry deployment made of real `quarry` processes for the
//! scale-out tests: a fresh PostgreSQL database, the S3-compatible test
//! server (`QUARRY_TEST_S3_ENDPOINT`, started by `scripts/test`), API nodes
//! (`quarry serve --no-workers`) and workers (`quarry worker`), each with
//! its own data directory so nothing is shared but Postgres and S3.
//! Processes can be killed with SIGKILL or stopped with SIGTERM and
//! restarted; everything is killed and the database dropped when the
//! cluster is dropped, pass or fail.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use sqlx::{Connection, Executor, PgConnection};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// Where the shared services are, or why the test is skipped.
pub struct Services {
    admin_url: String,
    s3_endpoint: String,
    s3_bucket: String,
}

impl Services {
    /// `None` (after saying why) when Postgres or the S3 server is not
    /// configured for this run.
    pub fn from_env() -> Option<Self> {
        if std::env::var("QUARRY_SKIP_POSTGRES").as_deref() == Ok("1") {
            eprintln!("skipping: QUARRY_SKIP_POSTGRES=1");
            return None;
        }
        let Ok(s3_endpoint) = std::env::var("QUARRY_TEST_S3_ENDPOINT") else {
            eprintln!("skipping: QUARRY_TEST_S3_ENDPOINT is not set (scripts/test starts moto)");
            return None;
        };
        Some(Self {
            admin_url: std::env::var("QUARRY_TEST_DATABASE_URL")
                .unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_string()),
            s3_endpoint,
            s3_bucket: std::env::var("QUARRY_TEST_S3_BUCKET")
                .unwrap_or_else(|_| "quarry-test".into()),
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Api,
    Worker,
}

/// One `quarry` process slot: restarting it keeps its role, arguments,
/// data directory, log file and (for API nodes) its address.
pub struct Node {
    pub role: Role,
    pub name: String,
    args: Vec<String>,
    data_dir: PathBuf,
    log: PathBuf,
    /// `127.0.0.1:port` of an API node once started.
    pub addr: Option<String>,
    child: Option<Child>,
}

impl Node {
    pub fn is_running(&self) -> bool {
        self.child.is_some()
    }

    /// `kill -9`: no chance to finish, release or clean up anything.
    pub async fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.start_kill();
            let _ = child.wait().await;
        }
    }

    /// SIGTERM, then waits for the process to exit on its own (graceful
    /// shutdown finishes or releases its runs).
    pub async fn terminate(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        if let Some(pid) = child.id() {
            let _ = Command::new("kill")
                .args(["-TERM", &pid.to_string()])
                .status()
                .await;
        }
        if tokio::time::timeout(Duration::from_secs(30), child.wait())
            .await
            .is_err()
        {
            let _ = child.start_kill();
            let _ = child.wait().await;
            panic!("{} did not exit within 30 s of SIGTERM", self.name);
        }
    }
}

/// Processes sharing one fresh Postgres database and one S3 prefix.
pub struct Cluster {
    /// An API key of the default workspace.
    pub api_key: String,
    pub database_url: String,
    admin_url: String,
    database: String,
    s3_endpoint: String,
    s3_bucket: String,
    s3_prefix: String,
    pub nodes: Vec<Node>,
    dir: tempfile::TempDir,
}

impl Cluster {
    /// Creates the database, migrates it and creates an API key.
    pub async fn new(services: &Services) -> Self {
        let tag = format!("{:016x}", rand::random::<u64>());
        let database = format!("quarry_cluster_{tag}");
        let mut admin = PgConnection::connect(&services.admin_url)
            .await
            .unwrap_or_else(|e| panic!("cannot reach Postgres at {}: {e}", services.admin_url));
        admin
            .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {database}")))
            .await
            .expect("create database");
        let _ = admin.close().await;
        let database_url = with_database(&services.admin_url, &database);
        let cluster = Self {
            api_key: String::new(),
            database_url,
            admin_url: services.admin_url.clone(),
            database,
            s3_endpoint: services.s3_endpoint.clone(),
            s3_bucket: services.s3_bucket.clone(),
            s3_prefix: format!("cluster-{tag}"),
            nodes: Vec::new(),
            dir: tempfile::tempdir().expect("temp dir"),
        };
        let mut cluster = cluster;
        cluster.run_once(&["migrate"]).await;
        let key = cluster
            .run_once(&["keys", "create", "--name", "cluster"])
            .await;
        cluster.api_key = key.trim().to_string();
        assert!(!cluster.api_key.is_empty(), "keys create printed no key");
        cluster
    }

    fn command(&self, data_dir: &std::path::Path) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_quarry"));
        cmd.env("QUARRY_DATABASE_URL", &self.database_url)
            .env("QUARRY_DATA_DIR", data_dir)
            .env("QUARRY_S3_BUCKET", &self.s3_bucket)
            .env("QUARRY_S3_ENDPOINT", &self.s3_endpoint)
            .env("QUARRY_S3_PREFIX", &self.s3_prefix)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_REGION", "us-east-1")
            .env("QUARRY_LOG", "warn")
            .env_remove("QUARRY_API_KEY")
            .env_remove("QUARRY_WORKERS")
            .env_remove("QUARRY_BIND")
            .kill_on_drop(true);
        cmd
    }

    /// Runs a one-shot command to completion; returns its stdout.
    async fn run_once(&self, args: &[&str]) -> String {
        let out = self
            .command(self.dir.path())
            .args(args)
            .output()
            .await
            .expect("run quarry");
        assert!(
            out.status.success(),
            "quarry {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Adds and starts an API node (`serve --no-workers`) or a worker.
    pub async fn add(&mut self, role: Role, extra: &[&str]) -> usize {
        let i = self.nodes.len();
        let name = match role {
            Role::Api => format!("api-{i}"),
            Role::Worker => format!("worker-{i}"),
        };
        let mut args: Vec<String> = match role {
            Role::Api => vec!["serve".into(), "--no-workers".into()],
            Role::Worker => vec!["worker".into()],
        };
        args.extend(extra.iter().map(|s| s.to_string()));
        let data_dir = self.dir.path().join(&name);
        std::fs::create_dir_all(&data_dir).expect("node dir");
        self.nodes.push(Node {
            role,
            log: self.dir.path().join(format!("{name}.log")),
            name,
            args,
            data_dir,
            addr: None,
            child: None,
        });
        self.start(i).await;
        i
    }

    /// (Re)starts node `i`; an API node keeps its address across restarts.
    pub async fn start(&mut self, i: usize) {
        let node = &self.nodes[i];
        assert!(node.child.is_none(), "{} is already running", node.name);
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&node.log)
            .expect("log file");
        let mut cmd = self.command(&node.data_dir);
        cmd.args(&node.args).stderr(Stdio::from(log));
        if node.role == Role::Api {
            let bind = node.addr.clone().unwrap_or_else(|| "127.0.0.1:0".into());
            cmd.args(["--bind", &bind]).stdout(Stdio::piped());
        } else {
            cmd.stdout(Stdio::null());
        }
        let mut child = cmd.spawn().expect("spawn quarry");
        let addr = if node.role == Role::Api {
            Some(listening_addr(&mut child, &node.name, &node.log).await)
        } else {
            None
        };
        let node = &mut self.nodes[i];
        node.addr = addr.or(node.addr.take());
        node.child = Some(child);
    }

    /// Base URLs of the API nodes (running or not).
    pub fn api_urls(&self) -> Vec<String> {
        self.nodes
            .iter()
            .filter_map(|n| n.addr.as_ref().map(|a| format!("http://{a}")))
            .collect()
    }

    /// Indices of nodes with `role`.
    pub fn of_role(&self, role: Role) -> Vec<usize> {
        (0..self.nodes.len())
            .filter(|&i| self.nodes[i].role == role)
            .collect()
    }

    /// A connection to the cluster's database, for checking its state.
    pub async fn db(&self) -> PgConnection {
        PgConnection::connect(&self.database_url)
            .await
            .expect("connect to cluster db")
    }

    /// The tail of a node's log, for failure messages.
    pub fn log_tail(&self, i: usize) -> String {
        let text = std::fs::read_to_string(&self.nodes[i].log).unwrap_or_default();
        let start = text.len().saturating_sub(2_000);
        text[text.ceil_char_boundary(start)..].to_string()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for node in &mut self.nodes {
            if let Some(child) = node.child.as_mut() {
                let _ = child.start_kill();
            }
        }
        // Drop cannot await: drop the database from a helper thread with
        // its own runtime once the processes are gone.
        let (admin, database) = (self.admin_url.clone(), self.database.clone());
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            rt.block_on(async {
                let mut conn = PgConnection::connect(&admin)
                    .await
                    .map_err(std::io::Error::other)?;
                conn.execute(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {database} WITH (FORCE)"
                )))
                .await
                .map_err(std::io::Error::other)?;
                Ok::<_, std::io::Error>(())
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("could not drop test database {}", self.database);
        }
    }
}

/// `url` with its database name replaced by `database`.
fn with_database(url: &str, database: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let base = base.rsplit_once('/').map_or(base, |(b, _)| b);
    match query {
        Some(q) => format!("{base}/{database}?{q}"),
        None => format!("{base}/{database}"),
    }
}

/// Reads `quarry listening on http://ADDR` from an API node's stdout, then
/// keeps draining it so the node never writes into a closed pipe.
async fn listening_addr(child: &mut Child, name: &str, log: &std::path::Path) -> String {
    let stdout = child.stdout.take().expect("piped stdout");
    let (tx, rx) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let mut lines = BufReader::new(stdout).lines();
        let mut tx = Some(tx);
        while let Ok(Some(line)) = lines.next_line().await {
            if let Some(addr) = line.strip_prefix("quarry listening on http://")
                && let Some(tx) = tx.take()
            {
                let _ = tx.send(addr.trim().to_string());
            }
        }
    });
    match tokio::time::timeout(Duration::from_secs(60), rx).await {
        Ok(Ok(addr)) => addr,
        _ => panic!(
            "{name} did not start: {}",
            std::fs::read_to_string(log).unwrap_or_default()
        ),
    }
}
