//! `quarry worker --metrics-bind` serves probes and Prometheus metrics from a
//! worker process that has no API, so scale-out workers can be scraped.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Kills the worker when the test ends, pass or fail.
struct Worker(Child);

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A plain HTTP/1.0 GET; returns the whole response text.
fn get(addr: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").expect("write");
    let mut out = String::new();
    stream.read_to_string(&mut out).expect("read");
    out
}

#[test]
fn worker_serves_health_and_metrics_without_the_api() {
    let dir = tempfile::tempdir().expect("tempdir");
    let child = Command::new(env!("CARGO_BIN_EXE_quarry"))
        .args([
            "worker",
            "--concurrency",
            "1",
            "--metrics-bind",
            "127.0.0.1:0",
        ])
        .arg("--data-dir")
        .arg(dir.path())
        .env_remove("QUARRY_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn quarry worker");
    let mut worker = Worker(child);
    let stdout = worker.0.stdout.take().expect("stdout");
    let started = Instant::now();
    let mut addr = None;
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("line");
        if let Some(rest) = line.strip_prefix("quarry worker metrics on http://") {
            addr = Some(rest.trim().to_string());
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "worker did not start"
        );
    }
    let addr = addr.expect("worker printed its metrics address");

    let health = get(&addr, "/healthz");
    assert!(
        health.starts_with("HTTP/1.0 200") || health.starts_with("HTTP/1.1 200"),
        "{health}"
    );
    let metrics = get(&addr, "/metrics");
    assert!(metrics.contains(" 200"), "{metrics}");
    assert!(
        metrics.contains("quarry_queue_jobs{state=\"queued\"}"),
        "{metrics}"
    );
    let api = get(&addr, "/extract_runs");
    assert!(api.contains(" 404"), "the worker serves no API: {api}");
}

fn keys(data: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_quarry"))
        .arg("keys")
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .env_remove("QUARRY_DATABASE_URL")
        .output()
        .expect("run quarry keys")
}

#[test]
fn keys_are_listed_without_secrets_and_revoked_by_id() {
    let dir = tempfile::tempdir().expect("tempdir");
    let created = keys(dir.path(), &["create", "--name", "ci-bot"]);
    assert!(created.status.success(), "{created:?}");
    let secret = String::from_utf8_lossy(&created.stdout).trim().to_string();
    assert!(secret.starts_with("qry_"), "{secret}");

    let listed = String::from_utf8_lossy(&keys(dir.path(), &["list"]).stdout).to_string();
    let row = listed
        .lines()
        .find(|l| l.contains("ci-bot"))
        .expect("key listed");
    assert!(
        !listed.contains(&secret),
        "the key itself is never shown again"
    );
    assert!(row.trim_end().ends_with('-'), "live key: {row}");
    let id = row.split_whitespace().next().expect("id").to_string();

    let revoked = keys(dir.path(), &["revoke", &id]);
    assert!(revoked.status.success(), "{revoked:?}");
    let listed = String::from_utf8_lossy(&keys(dir.path(), &["list"]).stdout).to_string();
    let row = listed
        .lines()
        .find(|l| l.contains("ci-bot"))
        .expect("still listed");
    assert!(
        !row.trim_end().ends_with('-'),
        "revocation time shown: {row}"
    );
    let again = keys(dir.path(), &["revoke", &id]);
    assert!(!again.status.success(), "revoking twice is an error");
}
