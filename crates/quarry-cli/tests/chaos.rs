//! Chaos test: 2 API nodes and 3 workers on one Postgres database and the
//! S3 test server. 1,000 runs are submitted through the API while workers
//! and API nodes are killed (`kill -9`, sometimes SIGTERM) and restarted at
//! random. At the end every acknowledged run is in a terminal state, none
//! is lost, none has two results, and the counts match exactly.
//!
//! Needs Postgres (`QUARRY_TEST_DATABASE_URL`) and `QUARRY_TEST_S3_ENDPOINT`
//! (`scripts/test` starts moto); skips with a message without the latter.

mod cluster;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use cluster::{Cluster, Role, Services};
use serde_json::{Value, json};
use sqlx::Row;
use tokio::sync::Mutex;

const RUNS: usize = 1_000;
const SUBMITTERS: usize = 8;
/// Upper bound for the whole test; it normally needs a fraction of this.
const DEADLINE: Duration = Duration::from_secs(240);
/// Short leases so killed workers' runs come back quickly.
const WORKER_ARGS: &[&str] = &[
    "--concurrency",
    "2",
    "--lease-secs",
    "3",
    "--max-attempts",
    "5",
    "--shutdown-grace-secs",
    "2",
];

/// What the submitters saw: acknowledged runs by submission index, and the
/// tags of attempts that got no answer (they may or may not have stored a run).
#[derive(Default)]
struct Submissions {
    acknowledged: BTreeMap<usize, String>,
    unanswered: HashSet<String>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn runs_survive_killed_workers_and_api_nodes() {
    let Some(services) = Services::from_env() else {
        return;
    };
    // reqwest is built without a bundled TLS provider.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let started = Instant::now();
    let mut cluster = Cluster::new(&services).await;
    for _ in 0..2 {
        cluster.add(Role::Api, &[]).await;
    }
    for _ in 0..3 {
        cluster.add(Role::Worker, WORKER_ARGS).await;
    }
    let urls = cluster.api_urls();
    let key = cluster.api_key.clone();
    let cluster = Arc::new(Mutex::new(cluster));

    let subs = Arc::new(Mutex::new(Submissions::default()));
    let next = Arc::new(AtomicUsize::new(0));
    let submitters: Vec<_> = (0..SUBMITTERS)
        .map(|_| {
            tokio::spawn(submit(
                urls.clone(),
                key.clone(),
                next.clone(),
                subs.clone(),
            ))
        })
        .collect();
    let stop_chaos = Arc::new(AtomicBool::new(false));
    let chaos = tokio::spawn(chaos(cluster.clone(), stop_chaos.clone()));

    // Chaos goes on while runs are submitted and until most are finished.
    for s in submitters {
        s.await.expect("submitter");
    }
    let db_url = cluster.lock().await.database_url.clone();
    wait_until(&db_url, started, |done, _| done >= RUNS * 9 / 10).await;
    stop_chaos.store(true, Ordering::SeqCst);
    let kills = chaos.await.expect("chaos task");
    {
        let mut cluster = cluster.lock().await;
        for i in 0..cluster.nodes.len() {
            if !cluster.nodes[i].is_running() {
                cluster.start(i).await;
            }
        }
    }
    let subs = subs.lock().await;
    let total = subs.acknowledged.len();
    assert_eq!(total, RUNS, "every submission was eventually acknowledged");
    // Every stored run, including any from unanswered attempts, settles.
    wait_until(&db_url, started, |done, stored| {
        done >= total && done == stored
    })
    .await;

    let cluster = cluster.lock().await;
    let mut db = cluster.db().await;
    check_final_state(&mut db, &subs).await;
    eprintln!(
        "chaos: {RUNS} runs, {kills:?} in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

/// Takes submission indices until all are taken; retries each on another
/// node until one acknowledges it. Every attempt carries a unique tag.
async fn submit(
    urls: Vec<String>,
    key: String,
    next: Arc<AtomicUsize>,
    subs: Arc<Mutex<Submissions>>,
) {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client");
    loop {
        let i = next.fetch_add(1, Ordering::SeqCst);
        if i >= RUNS {
            return;
        }
        for attempt in 0.. {
            let tag = format!("{i}-{attempt}");
            let url = format!("{}/extract_runs", urls[(i + attempt) % urls.len()]);
            let sent = http
                .post(url)
                .bearer_auth(&key)
                .header("x-extend-api-version", "2026-02-09")
                .json(&run_request(i, &tag))
                .send()
                .await;
            let body = match sent {
                Ok(resp) if resp.status().is_success() => resp.json::<Value>().await.ok(),
                Ok(resp) => {
                    let status = resp.status();
                    assert!(status.is_server_error(), "run {i} refused with {status}");
                    None
                }
                Err(_) => None,
            };
            match body.as_ref().and_then(|b| b["id"].as_str()) {
                Some(id) => {
                    subs.lock().await.acknowledged.insert(i, id.to_string());
                    break;
                }
                None => {
                    subs.lock().await.unanswered.insert(tag);
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
    }
}

/// Run `i`: a tiny text document whose extraction result identifies it.
fn run_request(i: usize, tag: &str) -> Value {
    json!({
        "config": {"schema": {
            "type": "object",
            "properties": {"invoice_number": {"type": ["string", "null"]}},
            "required": ["invoice_number"],
            "additionalProperties": false
        }},
        "file": {"text": format!("ACME GmbH\nInvoice Number: INV-{i}\n")},
        "metadata": {"chaos": tag}
    })
}

#[derive(Debug, Default)]
struct Kills {
    workers_killed: usize,
    workers_terminated: usize,
    api_killed: usize,
}

/// Repeatedly kills a random worker (every fifth time with SIGTERM) or,
/// every fourth round, an API node; restarts it shortly after.
async fn chaos(cluster: Arc<Mutex<Cluster>>, stop: Arc<AtomicBool>) -> Kills {
    let mut kills = Kills::default();
    let mut round = 0usize;
    while !stop.load(Ordering::SeqCst) {
        tokio::time::sleep(Duration::from_millis(rand::random_range(300..900))).await;
        round += 1;
        let mut c = cluster.lock().await;
        let role = if round.is_multiple_of(4) {
            Role::Api
        } else {
            Role::Worker
        };
        let nodes = c.of_role(role);
        let victim = nodes[rand::random_range(0..nodes.len())];
        if role == Role::Worker && round.is_multiple_of(5) {
            c.nodes[victim].terminate().await;
            kills.workers_terminated += 1;
        } else {
            c.nodes[victim].kill().await;
            match role {
                Role::Api => kills.api_killed += 1,
                Role::Worker => kills.workers_killed += 1,
            }
        }
        drop(c);
        tokio::time::sleep(Duration::from_millis(rand::random_range(100..500))).await;
        cluster.lock().await.start(victim).await;
    }
    kills
}

/// Waits until `enough(terminal runs, stored runs)` holds, within the test
/// deadline.
async fn wait_until(db_url: &str, started: Instant, enough: impl Fn(usize, usize) -> bool) {
    use sqlx::Connection;
    let mut db = sqlx::PgConnection::connect(db_url).await.expect("connect");
    loop {
        let counts = status_counts(&mut db).await;
        let terminal = counts.get("PROCESSED").unwrap_or(&0) + counts.get("FAILED").unwrap_or(&0);
        let stored: i64 = counts.values().sum();
        if enough(terminal as usize, stored as usize) {
            return;
        }
        assert!(
            started.elapsed() < DEADLINE,
            "runs did not finish in time: {counts:?}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

async fn status_counts(db: &mut sqlx::PgConnection) -> HashMap<String, i64> {
    sqlx::query("SELECT status, COUNT(*) AS n FROM extract_runs GROUP BY status")
        .fetch_all(db)
        .await
        .expect("count runs")
        .iter()
        .map(|r| (r.get("status"), r.get("n")))
        .collect()
}

/// The invariants, checked against the database after the storm.
async fn check_final_state(db: &mut sqlx::PgConnection, subs: &Submissions) {
    let rows = sqlx::query("SELECT id, status, metadata, output, failure_reason FROM extract_runs")
        .fetch_all(&mut *db)
        .await
        .expect("runs");
    let by_id: HashMap<String, &sqlx::postgres::PgRow> =
        rows.iter().map(|r| (r.get("id"), r)).collect();

    // None lost: every acknowledged run exists and is terminal, and its
    // result belongs to its own input.
    let mut failed = 0;
    for (i, id) in &subs.acknowledged {
        let row = by_id
            .get(id)
            .unwrap_or_else(|| panic!("acknowledged run {id} (#{i}) is lost"));
        let status: String = row.get("status");
        match status.as_str() {
            "PROCESSED" => {
                let output: String = row.get("output");
                let output: Value = serde_json::from_str(&output).expect("output json");
                assert_eq!(
                    output["value"]["invoice_number"],
                    format!("INV-{i}"),
                    "run {id} (#{i}) has another run's result: {output}"
                );
            }
            "FAILED" => {
                let reason: Option<String> = row.get("failure_reason");
                assert_eq!(reason.as_deref(), Some("INTERNAL_ERROR"), "run {id}");
                failed += 1;
            }
            other => panic!("run {id} (#{i}) ended {other}"),
        }
    }

    // Counts match: besides the acknowledged runs, only attempts that got
    // no answer may have stored a run (the node died after committing).
    let acknowledged: HashSet<&String> = subs.acknowledged.values().collect();
    for row in &rows {
        let id: String = row.get("id");
        if acknowledged.contains(&id) {
            continue;
        }
        let metadata: String = row.get("metadata");
        let metadata: Value = serde_json::from_str(&metadata).expect("metadata json");
        let tag = metadata["chaos"].as_str().unwrap_or_default();
        assert!(
            subs.unanswered.contains(tag),
            "run {id} was stored for attempt {tag}, which was answered"
        );
        let status: String = row.get("status");
        assert!(
            matches!(status.as_str(), "PROCESSED" | "FAILED"),
            "{id} ended {status}"
        );
    }

    // One result per run: exactly one terminal event each, and it agrees
    // with the stored status.
    let events = sqlx::query(
        "SELECT resource_id, event_type FROM events
         WHERE event_type IN ('extract_run.processed', 'extract_run.failed')",
    )
    .fetch_all(&mut *db)
    .await
    .expect("events");
    let mut per_run: HashMap<String, Vec<String>> = HashMap::new();
    for e in &events {
        per_run
            .entry(e.get("resource_id"))
            .or_default()
            .push(e.get("event_type"));
    }
    assert_eq!(per_run.len(), rows.len(), "one terminal event per run");
    for row in &rows {
        let id: String = row.get("id");
        let status: String = row.get("status");
        let expected = format!("extract_run.{}", status.to_lowercase());
        assert_eq!(
            per_run.get(&id),
            Some(&vec![expected]),
            "events of run {id}"
        );
    }

    // The queue agrees: nothing left in flight; dead jobs are the failures.
    let jobs: HashMap<String, i64> =
        sqlx::query("SELECT state, COUNT(*) AS n FROM jobs GROUP BY state")
            .fetch_all(&mut *db)
            .await
            .expect("jobs")
            .iter()
            .map(|r| (r.get("state"), r.get("n")))
            .collect();
    let orphans = rows.len() - subs.acknowledged.len();
    eprintln!(
        "chaos: {} acknowledged, {orphans} stored from unanswered attempts, {failed} failed, jobs {jobs:?}",
        subs.acknowledged.len()
    );
    assert_eq!(jobs.get("queued"), None, "{jobs:?}");
    assert_eq!(jobs.get("leased"), None, "{jobs:?}");
    assert_eq!(
        jobs.values().sum::<i64>(),
        rows.len() as i64,
        "one job per run: {jobs:?}"
    );
}
