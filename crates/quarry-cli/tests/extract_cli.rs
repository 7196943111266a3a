//! `quarry extract`: a 100-file batch with a corrupt file in the middle,
//! resumable JSONL/CSV output, and the same batch against a live server.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use serde_json::Value;

const SCHEMA: &str = r#"{"type":"object","properties":{
  "invoice_number":{"type":["string","null"]},
  "total_amount":{"type":["number","null"]}},
  "required":["invoice_number","total_amount"],"additionalProperties":false}"#;

/// `n` small text invoices plus one corrupt PDF sorted into the middle.
fn make_batch(dir: &Path, n: usize) -> PathBuf {
    let docs = dir.join("docs");
    std::fs::create_dir_all(docs.join("nested")).expect("mkdir");
    for i in 0..n {
        // Half of them in a sub-directory: directories are walked recursively.
        let sub = if i % 2 == 0 {
            docs.clone()
        } else {
            docs.join("nested")
        };
        let text =
            format!("ACME GMBH - INVOICE\nInvoice Number: INV-{i:03}\nTotal Amount: {i}.50\n");
        std::fs::write(sub.join(format!("inv{i:03}.txt")), text).expect("write");
    }
    std::fs::write(
        docs.join(format!("inv{:03}x.pdf", n / 2)),
        b"%PDF-1.7\n\x00\x01 not a pdf",
    )
    .expect("write");
    std::fs::write(docs.join(".hidden.txt"), "ignored").expect("write");
    std::fs::write(dir.join("schema.json"), SCHEMA).expect("write schema");
    docs
}

fn quarry(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_quarry"))
        .args(args)
        .current_dir(dir)
        .env_remove("QUARRY_URL")
        .env_remove("QUARRY_API_KEY")
        .output()
        .expect("run quarry extract")
}

fn records(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .expect("read output")
        .lines()
        .map(|l| serde_json::from_str(l).expect("every line is a JSON record"))
        .collect()
}

/// Checks a complete batch's records: every file exactly once, values right.
fn assert_complete(records: &[Value], n: usize) {
    assert_eq!(records.len(), n + 1, "one record per file");
    let mut files: Vec<&str> = records
        .iter()
        .map(|r| r["file"].as_str().expect("file"))
        .collect();
    files.sort_unstable();
    files.dedup();
    assert_eq!(files.len(), n + 1, "no file recorded twice");
    for r in records {
        let file = r["file"].as_str().expect("file");
        if file.ends_with(".pdf") {
            assert_eq!(r["status"], "FAILED", "{r}");
            assert_eq!(r["failureReason"], "PARSING_ERROR", "{r}");
            assert!(
                r["failureMessage"].as_str().is_some_and(|m| !m.is_empty()),
                "{r}"
            );
        } else {
            assert_eq!(r["status"], "PROCESSED", "{r}");
            let stem = Path::new(file).file_stem().expect("stem").to_string_lossy();
            let i: f64 = stem.trim_start_matches("inv").parse().expect("number");
            assert_eq!(r["value"]["invoice_number"], format!("INV-{i:03}"), "{r}");
            assert_eq!(r["value"]["total_amount"].as_f64(), Some(i + 0.5), "{r}");
            assert!(r["metadata"]["invoice_number"].is_object(), "{r}");
        }
    }
}

#[test]
fn hundred_files_with_a_corrupt_one_then_a_resumed_rerun() {
    let dir = tempfile::tempdir().expect("tempdir");
    let n = 99;
    make_batch(dir.path(), n);
    let args = [
        "extract",
        "docs",
        "--schema",
        "schema.json",
        "--out",
        "out.jsonl",
        "--concurrency",
        "2",
    ];

    let first = quarry(&args, dir.path());
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert!(
        !first.status.success(),
        "a failed file makes the exit status non-zero"
    );
    assert!(
        stderr.contains("[100/100]"),
        "progress is reported per file: {stderr}"
    );
    assert!(
        stderr.contains("processed      99") && stderr.contains("failed          1"),
        "{stderr}"
    );
    let out = dir.path().join("out.jsonl");
    assert_complete(&records(&out), n);

    // A re-run skips every processed file and retries only the corrupt one.
    let second = quarry(&args, dir.path());
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(stderr.contains("skipping 99 file(s)"), "{stderr}");
    assert!(stderr.contains("[1/1] FAILED"), "{stderr}");
    assert_complete(&records(&out), n);

    // An interrupted run: only 40 records and a torn last line survive.
    let text = std::fs::read_to_string(&out).expect("read");
    let mut kept: String = text.lines().take(40).map(|l| format!("{l}\n")).collect();
    kept.push_str("{\"file\":\"docs/inv0");
    std::fs::write(&out, kept).expect("truncate");
    let third = quarry(&args, dir.path());
    let stderr = String::from_utf8_lossy(&third.stderr);
    let processed_before = records_in(&text, 40);
    assert!(
        stderr.contains(&format!("skipping {processed_before} file(s)")),
        "{stderr}"
    );
    assert_complete(&records(&out), n);
}

/// Processed records among the first `lines` lines of an output.
fn records_in(text: &str, lines: usize) -> usize {
    text.lines()
        .take(lines)
        .filter(|l| l.contains("\"status\":\"PROCESSED\""))
        .count()
}

#[test]
fn csv_output_has_a_column_per_schema_field() {
    let dir = tempfile::tempdir().expect("tempdir");
    make_batch(dir.path(), 3);
    let args = [
        "extract",
        "docs",
        "--schema",
        "schema.json",
        "--out",
        "out.csv",
    ];
    quarry(&args, dir.path());
    let csv = std::fs::read_to_string(dir.path().join("out.csv")).expect("csv");
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("file,status,failure_reason,failure_message,invoice_number,total_amount")
    );
    assert!(
        csv.contains("docs/inv000.txt,PROCESSED,,,INV-000,0.5"),
        "{csv}"
    );
    assert!(
        csv.contains("docs/inv001x.pdf,FAILED,PARSING_ERROR,"),
        "{csv}"
    );
    // Resume keeps the header once and the processed rows.
    let again = quarry(&args, dir.path());
    assert!(String::from_utf8_lossy(&again.stderr).contains("skipping 3 file(s)"));
    let csv = std::fs::read_to_string(dir.path().join("out.csv")).expect("csv");
    assert_eq!(csv.matches("file,status").count(), 1, "{csv}");
    let rows = csv::Reader::from_reader(csv.as_bytes()).records().count();
    assert_eq!(
        rows, 4,
        "three processed rows kept, the corrupt file retried: {csv}"
    );
}

#[test]
fn an_invalid_schema_is_rejected_before_any_file_is_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    make_batch(dir.path(), 1);
    std::fs::write(
        dir.path().join("bad.json"),
        r#"{"type":"object","properties":{"a":{"type":"string"}}}"#,
    )
    .expect("write");
    let out = quarry(
        &[
            "extract", "docs", "--schema", "bad.json", "--out", "o.jsonl",
        ],
        dir.path(),
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("invalid schema"), "{stderr}");
    assert!(
        !dir.path().join("o.jsonl").exists(),
        "nothing written for a rejected config"
    );
}

/// A `quarry serve` on a free port, killed when the test ends.
struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_server(data: &Path, key: &str) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_quarry"))
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--workers",
            "2",
            "--data-dir",
        ])
        .arg(data)
        .env_remove("QUARRY_DATABASE_URL")
        .env("QUARRY_API_KEY", key)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn quarry serve");
    let stdout = child.stdout.take().expect("stdout");
    let url = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find_map(|l| l.strip_prefix("quarry listening on ").map(str::to_string))
        .expect("server printed its address");
    Server { child, url }
}

#[test]
fn the_same_batch_against_a_live_server() {
    let dir = tempfile::tempdir().expect("tempdir");
    let n = 6;
    make_batch(dir.path(), n);
    let key = "qk_test_extract_cli_0123456789abcdef";
    let server = start_server(&dir.path().join("data"), key);
    let out = quarry(
        &[
            "extract",
            "docs",
            "--schema",
            "schema.json",
            "--out",
            "out.jsonl",
            "--url",
            &server.url,
            "--api-key",
            key,
        ],
        dir.path(),
    );
    let records = records(&dir.path().join("out.jsonl"));
    assert_complete(&records, n);
    assert!(!out.status.success());
    for r in &records {
        assert!(
            r["runId"].as_str().is_some_and(|id| id.starts_with("exr_")),
            "{r}"
        );
    }

    // A wrong key fails every file with the server's error, naming it.
    let bad = quarry(
        &[
            "extract",
            "docs",
            "--schema",
            "schema.json",
            "--out",
            "bad.jsonl",
            "--url",
            &server.url,
            "--api-key",
            "qk_wrong",
        ],
        dir.path(),
    );
    assert!(!bad.status.success());
    let bad = self::records(&dir.path().join("bad.jsonl"));
    assert_eq!(bad.len(), n + 1);
    assert!(
        bad.iter().all(|r| r["status"] == "FAILED"
            && r["failureMessage"]
                .as_str()
                .is_some_and(|m| m.contains("401"))),
        "{bad:?}"
    );
}
