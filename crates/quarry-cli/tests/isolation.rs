//! Parsing in a child process (`--parse-isolation child`, the default of
//! `quarry serve`/`quarry worker`): results and typed errors cross the
//! process boundary unchanged, and every way the child can die — memory cap,
//! wall time, a crash — becomes an error naming the cause, while the server
//! that spawned it keeps working.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use quarry_parse::{ChildLimits, Isolation, Limits, ParseError, parse};

fn child(program: &str, args: &[&str], memory_mb: u64, wall_seconds: u64) -> Limits {
    Limits {
        isolation: Isolation::Child(ChildLimits {
            program: PathBuf::from(program),
            args: args.iter().map(|a| a.to_string()).collect(),
            memory_bytes: memory_mb << 20,
            cpu_seconds: 30,
            wall_seconds,
        }),
        ..Limits::default()
    }
}

fn quarry_child(memory_mb: u64) -> Limits {
    child(
        env!("CARGO_BIN_EXE_quarry"),
        &["__parse-child"],
        memory_mb,
        60,
    )
}

#[test]
fn a_child_parse_equals_the_in_process_one() {
    let text = b"INVOICE\nInvoice Number: INV-1\nTotal: 12.50\n";
    let isolated = parse(text, "a.txt", &quarry_child(1024)).expect("child parse");
    let local = parse(text, "a.txt", &Limits::default()).expect("in-process parse");
    assert_eq!(isolated, local);
}

#[test]
fn typed_errors_cross_the_process_boundary() {
    let err = parse(b"%PDF-1.7\n\x00garbage", "x.pdf", &quarry_child(1024)).expect_err("corrupt");
    assert!(matches!(err, ParseError::Corrupt(_)), "{err:?}");
    let limits = Limits {
        max_pages: 1,
        ..quarry_child(1024)
    };
    let html = "<h1>a</h1>".repeat(3);
    // Caps travel with the request: the child applies the parent's limits.
    let ok = parse(html.as_bytes(), "a.html", &limits);
    assert!(
        ok.is_ok() || matches!(ok, Err(ParseError::TooManyPages { .. })),
        "{ok:?}"
    );
}

#[test]
fn the_memory_cap_ends_the_parse_not_the_caller() {
    // ~7.5 million words: far beyond a 256 MiB address space once parsed.
    let big = "abc ".repeat(7_500_000);
    let err = parse(big.as_bytes(), "big.txt", &quarry_child(256)).expect_err("over the cap");
    assert!(matches!(err, ParseError::LimitExceeded(_)), "{err:?}");
    assert!(err.to_string().contains("256 MiB memory limit"), "{err}");
}

#[test]
fn wall_time_and_crashes_are_named() {
    // `sh -c '…' <request>`: the request lands in $0, so any shell snippet
    // can stand in for a parser that hangs or crashes.
    let hang = child("/bin/sh", &["-c", "sleep 30"], 1024, 1);
    let started = Instant::now();
    let err = parse(b"x", "a.txt", &hang).expect_err("killed");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "the child was killed at the wall cap"
    );
    assert!(
        err.to_string().contains("longer than the 1 s time limit"),
        "{err}"
    );

    let segv = child("/bin/sh", &["-c", "kill -SEGV $$"], 1024, 10);
    let err = parse(b"x", "a.txt", &segv).expect_err("crashed");
    assert!(matches!(err, ParseError::Crashed(_)), "{err:?}");
    assert!(err.to_string().contains("signal 11"), "{err}");

    let garbage = child("/bin/sh", &["-c", "echo not-json"], 1024, 10);
    let err = parse(b"x", "a.txt", &garbage).expect_err("unreadable");
    assert!(matches!(err, ParseError::Crashed(_)), "{err:?}");
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A minimal HTTP/1.0 client: (status, body).
fn http(addr: &str, method: &str, path: &str, body: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    write!(
        s,
        "{method} {path} HTTP/1.0\r\nHost: {addr}\r\nAuthorization: Bearer qk_test_isolation_key_0123456789\r\n\
         x-extend-api-version: 2026-02-09\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .expect("write");
    let mut out = String::new();
    s.read_to_string(&mut out).expect("read");
    let status = out.get(9..12).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = out
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

fn run_status(addr: &str, body: &str) -> serde_json::Value {
    let (status, created) = http(addr, "POST", "/extract_runs", body);
    assert_eq!(status, 200, "{created}");
    let id = serde_json::from_str::<serde_json::Value>(&created).expect("json")["id"]
        .as_str()
        .expect("id")
        .to_string();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let (_, run) = http(addr, "GET", &format!("/extract_runs/{id}"), "");
        let run: serde_json::Value = serde_json::from_str(&run).expect("json");
        if !matches!(run["status"].as_str(), Some("PENDING" | "PROCESSING")) {
            return run;
        }
        assert!(Instant::now() < deadline, "run {id} did not finish");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_server_survives_a_parse_child_over_its_memory_cap() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut proc = Command::new(env!("CARGO_BIN_EXE_quarry"))
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--workers",
            "2",
            "--parse-memory-mb",
            "256",
            "--data-dir",
        ])
        .arg(dir.path())
        .env_remove("QUARRY_DATABASE_URL")
        .env_remove("QUARRY_PARSE_ISOLATION")
        .env("QUARRY_API_KEY", "qk_test_isolation_key_0123456789")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn quarry serve");
    let stdout = proc.stdout.take().expect("stdout");
    let server = Server(proc);
    let addr = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find_map(|l| {
            l.strip_prefix("quarry listening on http://")
                .map(str::to_string)
        })
        .expect("address");

    let schema = r#"{"type":"object","properties":{"invoice_number":{"type":["string","null"]}},"required":["invoice_number"],"additionalProperties":false}"#;
    let big = serde_json::json!({"file": {"text": "abc ".repeat(7_500_000)}, "config": {"schema": serde_json::from_str::<serde_json::Value>(schema).expect("schema")}});
    let run = run_status(&addr, &big.to_string());
    assert_eq!(run["status"], "FAILED", "{}", run["failureMessage"]);
    assert!(
        run["failureMessage"]
            .as_str()
            .is_some_and(|m| m.contains("memory limit")),
        "{run}"
    );

    let small = format!(
        r#"{{"file":{{"text":"Invoice Number: INV-5\n"}},"config":{{"schema":{schema}}}}}"#
    );
    let run = run_status(&addr, &small);
    assert_eq!(run["status"], "PROCESSED", "{run}");
    assert_eq!(run["output"]["value"]["invoice_number"], "INV-5");
    assert_eq!(http(&addr, "GET", "/healthz", "").0, 200);
    drop(server);
}
