//! `quarry serve --otlp-endpoint` exports its request spans as OTLP/HTTP
//! JSON to a collector. The collector here is a small HTTP server on
//! 127.0.0.1 that accepts what a real OpenTelemetry collector's
//! `/v1/traces` receiver accepts and keeps the bodies.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

/// One POST the collector received: path, content type, body.
type Export = (String, String, String);

fn start_collector() -> (String, Arc<Mutex<Vec<Export>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind collector");
    let addr = listener.local_addr().expect("addr").to_string();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let keep = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            if let Some(export) = receive(stream) {
                keep.lock().expect("lock").push(export);
            }
        }
    });
    (addr, seen)
}

/// Reads one HTTP/1.1 request and answers 200 with an empty JSON object
/// (an `ExportTraceServiceResponse` with no partial success).
fn receive(stream: TcpStream) -> Option<Export> {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line).ok()?;
    let path = request_line.split_whitespace().nth(1)?.to_string();
    let (mut length, mut content_type) = (0usize, String::new());
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':')?;
        match name.to_ascii_lowercase().as_str() {
            "content-length" => length = value.trim().parse().ok()?,
            "content-type" => content_type = value.trim().to_string(),
            _ => {}
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    let mut stream = stream;
    let _ = stream.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
    );
    Some((
        path,
        content_type,
        String::from_utf8_lossy(&body).into_owned(),
    ))
}

/// Every span of every export, with its attributes as a flat map.
fn spans(exports: &[Export]) -> Vec<(String, serde_json::Map<String, Value>)> {
    let mut out = Vec::new();
    for (_, _, body) in exports {
        let Ok(doc) = serde_json::from_str::<Value>(body) else {
            continue;
        };
        for rs in doc["resourceSpans"].as_array().into_iter().flatten() {
            for ss in rs["scopeSpans"].as_array().into_iter().flatten() {
                for span in ss["spans"].as_array().into_iter().flatten() {
                    let mut attrs = serde_json::Map::new();
                    for a in span["attributes"].as_array().into_iter().flatten() {
                        let value = a["value"].as_object().and_then(|v| v.values().next());
                        attrs.insert(
                            a["key"].as_str().unwrap_or_default().to_string(),
                            value.cloned().unwrap_or(Value::Null),
                        );
                    }
                    out.push((span["name"].as_str().unwrap_or_default().to_string(), attrs));
                }
            }
        }
    }
    out
}

#[test]
fn request_spans_reach_the_collector() {
    let (collector, seen) = start_collector();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut child = support::quarry()
        .args(["serve", "--bind", "127.0.0.1:0", "--workers", "0"])
        .arg("--data-dir")
        .arg(dir.path())
        .arg("--otlp-endpoint")
        .arg(format!("http://{collector}"))
        // Export every 100 ms instead of every 5 s.
        .env("OTEL_BSP_SCHEDULE_DELAY", "100")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn quarry serve");
    let addr = support::listening_addr(&mut child).expect("serve printed its address");

    let mut stream = TcpStream::connect(&addr).expect("connect");
    write!(
        stream,
        "GET /extract_runs HTTP/1.0\r\nHost: {addr}\r\nx-extend-api-version: 2026-02-09\r\n\r\n"
    )
    .expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    assert!(response.contains(" 401"), "no key: {response}");

    let started = Instant::now();
    let request = loop {
        let exports = seen.lock().expect("lock").clone();
        let found = spans(&exports)
            .into_iter()
            .find(|(name, a)| name == "request" && a["path"] == "/extract_runs");
        if let Some(found) = found {
            let (path, content_type, _) = &exports[0];
            assert_eq!(path, "/v1/traces");
            assert!(
                content_type.starts_with("application/json"),
                "{content_type}"
            );
            assert!(
                exports[0].2.contains("\"service.name\""),
                "{}",
                exports[0].2
            );
            break found;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no request span exported; got {exports:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    let _ = child.kill();
    let _ = child.wait();
    let (_, attrs) = request;
    assert_eq!(attrs["method"], "GET");
    assert!(
        attrs["id"].as_str().is_some_and(|id| !id.is_empty()),
        "the request id is on the span: {attrs:?}"
    );
}
