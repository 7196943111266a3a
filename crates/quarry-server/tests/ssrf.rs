//! SSRF suite (issue #7): every internal address class, odd IPv4 spellings,
//! DNS names resolving to internal addresses (via a fixed-map resolver, never
//! the system one), mixed public/private records, redirects to blocked
//! targets, redirect loops, non-http schemes and credentials are refused by
//! default with a clear reason; `--url-allow` lets exactly the listed
//! networks/hosts through. Connections go to a real server on 127.0.0.1.

mod common;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use common::{INVOICE_TEXT, TestServer, invoice_schema};
use quarry_server::net::fetch::Fetcher;
use quarry_server::net::guard::AllowList;
use quarry_server::net::resolve::{Resolve, StaticResolver};
use serde_json::{Value, json};
use tokio::net::TcpListener;

fn ip(s: &str) -> IpAddr {
    s.parse().expect("ip")
}

/// Test names: `docs.test` is the document host (127.0.0.1); the others
/// point at internal addresses, or at a public and a private one.
fn fake_dns() -> Arc<dyn Resolve> {
    Arc::new(
        StaticResolver::new()
            .with("docs.test", &[ip("127.0.0.1")])
            .with("loop.test", &[ip("127.0.0.1")])
            .with("loop6.test", &[ip("::1")])
            .with("metadata.test", &[ip("169.254.169.254")])
            .with("private.test", &[ip("10.1.2.3")])
            .with("internal.test", &[ip("192.168.0.5")])
            .with("ula.test", &[ip("fd00::5")])
            .with("mapped.test", &[ip("::ffff:10.0.0.1")])
            .with("mixed.test", &[ip("93.184.216.34"), ip("10.0.0.7")])
            .with("mixed-first.test", &[ip("10.0.0.7"), ip("93.184.216.34")])
            .with("mixed-local.test", &[ip("127.0.0.1"), ip("10.0.0.7")]),
    )
}

fn redirect(to: String) -> Response {
    (StatusCode::FOUND, [(header::LOCATION, to)]).into_response()
}

/// A document host on 127.0.0.1 with a file and redirects to various
/// targets. Returns its port.
async fn document_host() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let app = Router::new()
        .route("/doc.txt", get(|| async { INVOICE_TEXT }))
        .route("/hop-ok", get(|| async { redirect("/doc.txt".into()) }))
        .route(
            "/to-private-ip",
            get(|| async { redirect("http://10.0.0.1/x".into()) }),
        )
        .route(
            "/to-metadata",
            get(|| async { redirect("http://169.254.169.254/latest/meta-data/".into()) }),
        )
        .route(
            "/to-loopback",
            get(move || async move { redirect(format!("http://127.0.0.1:{port}/doc.txt")) }),
        )
        .route(
            "/to-v6-loopback",
            get(move || async move { redirect(format!("http://[::1]:{port}/doc.txt")) }),
        )
        .route(
            "/to-name",
            get(|| async { redirect("http://internal.test/x".into()) }),
        )
        .route(
            "/to-file",
            get(|| async { redirect("file:///etc/passwd".into()) }),
        )
        .route("/loop", get(|| async { redirect("/loop".into()) }));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    port
}

/// The outcome a row expects.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// Refused; the error message contains this text.
    Refused(&'static str),
    /// Downloaded the invoice.
    Fetched,
}
use Expect::*;

/// (case name, `--url-allow` spec, URL with `{port}`, expected outcome).
#[rustfmt::skip]
const CASES: &[(&str, &str, &str, Expect)] = &[
    // Address classes, as IP literals.
    ("loopback v4", "", "http://127.0.0.1:{port}/doc.txt", Refused("a loopback address")),
    ("loopback v4 other", "", "http://127.8.9.10/", Refused("loopback")),
    ("loopback v6", "", "http://[::1]:{port}/doc.txt", Refused("loopback")),
    ("unspecified 0.0.0.0", "", "http://0.0.0.0:{port}/", Refused("unspecified")),
    ("unspecified v6 ::", "", "http://[::]:{port}/", Refused("unspecified")),
    ("private 10/8", "", "http://10.0.0.1/", Refused("private network")),
    ("private 172.16/12", "", "http://172.16.0.1/", Refused("private network")),
    ("private 172.31 edge", "", "http://172.31.255.254/", Refused("private network")),
    ("private 192.168/16", "", "http://192.168.1.1/", Refused("private network")),
    ("link-local 169.254/16", "", "http://169.254.1.1/", Refused("link-local")),
    ("cloud metadata", "", "http://169.254.169.254/latest/meta-data/", Refused("link-local")),
    ("CGNAT 100.64/10", "", "http://100.64.0.1/", Refused("carrier-grade NAT")),
    ("CGNAT upper edge", "", "http://100.127.255.254/", Refused("carrier-grade NAT")),
    ("multicast v4", "", "http://224.0.0.1/", Refused("multicast")),
    ("broadcast", "", "http://255.255.255.255/", Refused("broadcast")),
    ("reserved 240/4", "", "http://240.0.0.1/", Refused("reserved")),
    ("documentation TEST-NET-1", "", "http://192.0.2.1/", Refused("documentation")),
    ("documentation TEST-NET-2", "", "http://198.51.100.7/", Refused("documentation")),
    ("documentation TEST-NET-3", "", "http://203.0.113.9/", Refused("documentation")),
    ("benchmarking 198.18/15", "", "http://198.18.0.1/", Refused("benchmarking")),
    ("documentation v6", "", "http://[2001:db8::1]/", Refused("documentation")),
    ("ULA fc00::/7 (fc)", "", "http://[fc00::1]/", Refused("unique-local")),
    ("ULA fc00::/7 (fd)", "", "http://[fd12:3456::1]/", Refused("unique-local")),
    ("link-local fe80::/10", "", "http://[fe80::1]/", Refused("link-local")),
    ("multicast v6", "", "http://[ff02::1]/", Refused("multicast")),
    ("v4-mapped loopback", "", "http://[::ffff:127.0.0.1]:{port}/", Refused("loopback")),
    ("v4-mapped metadata", "", "http://[::ffff:169.254.169.254]/", Refused("link-local")),
    ("NAT64 metadata", "", "http://[64:ff9b::a9fe:a9fe]/", Refused("link-local")),
    ("NAT64 private", "", "http://[64:ff9b::a00:1]/", Refused("private network")),
    ("local-use NAT64 64:ff9b:1::/48", "", "http://[64:ff9b:1::a00:1]/", Refused("local-use NAT64")),
    ("6to4 loopback", "", "http://[2002:7f00:1::]/", Refused("loopback")),
    ("v4-compatible loopback", "", "http://[::127.0.0.1]/", Refused("loopback")),
    // IPv4 spellings that mean 127.0.0.1.
    ("decimal IPv4", "", "http://2130706433:{port}/doc.txt", Refused("127.0.0.1")),
    ("hex IPv4", "", "http://0x7f.0.0.1:{port}/doc.txt", Refused("127.0.0.1")),
    ("octal IPv4", "", "http://0177.0.0.1:{port}/doc.txt", Refused("127.0.0.1")),
    ("short IPv4", "", "http://127.1:{port}/doc.txt", Refused("127.0.0.1")),
    ("hex dword IPv4", "", "http://0x7f000001:{port}/doc.txt", Refused("127.0.0.1")),
    // DNS names resolving to internal addresses.
    ("name -> loopback", "", "http://loop.test:{port}/doc.txt", Refused("loop.test resolves to 127.0.0.1")),
    ("name -> v6 loopback", "", "http://loop6.test:{port}/doc.txt", Refused("loopback")),
    ("name -> metadata", "", "http://metadata.test/latest", Refused("169.254.169.254")),
    ("name -> private", "", "http://private.test/", Refused("private network")),
    ("name -> ULA", "", "http://ula.test/", Refused("unique-local")),
    ("name -> v4-mapped private", "", "http://mapped.test/", Refused("private network")),
    ("name public+private", "", "http://mixed.test/", Refused("10.0.0.7")),
    ("name private+public", "", "http://mixed-first.test/", Refused("10.0.0.7")),
    ("name does not resolve", "", "http://nowhere.test/", Refused("could not resolve nowhere.test")),
    // Schemes and credentials.
    ("file scheme", "", "file:///etc/passwd", Refused("scheme `file`")),
    ("gopher scheme", "", "gopher://127.0.0.1:{port}/_x", Refused("scheme `gopher`")),
    ("ftp scheme", "", "ftp://8.8.8.8/x", Refused("scheme `ftp`")),
    ("dict scheme", "", "dict://127.0.0.1:11211/stat", Refused("scheme `dict`")),
    ("user:password", "", "http://user:pw@8.8.8.8/x", Refused("credentials")),
    ("user only", "", "http://user@8.8.8.8/x", Refused("credentials")),
    // Redirects from an allowed host (docs.test -> 127.0.0.1 by name).
    ("redirect -> private IP", "docs.test", "http://docs.test:{port}/to-private-ip", Refused("10.0.0.1")),
    ("redirect -> metadata IP", "docs.test", "http://docs.test:{port}/to-metadata", Refused("link-local")),
    ("redirect -> loopback IP", "docs.test", "http://docs.test:{port}/to-loopback", Refused("127.0.0.1")),
    ("redirect -> v6 loopback", "docs.test", "http://docs.test:{port}/to-v6-loopback", Refused("loopback")),
    ("redirect -> blocked name", "docs.test", "http://docs.test:{port}/to-name", Refused("internal.test resolves to 192.168.0.5")),
    ("redirect -> file:", "docs.test", "http://docs.test:{port}/to-file", Refused("scheme `file`")),
    ("redirect loop", "docs.test", "http://docs.test:{port}/loop", Refused("more than 5 redirects")),
    // --url-allow lets exactly the listed networks and hosts through.
    ("allowed 127.0.0.1/32", "127.0.0.1/32", "http://127.0.0.1:{port}/doc.txt", Fetched),
    ("allowed decimal spelling", "127.0.0.1/32", "http://2130706433:{port}/doc.txt", Fetched),
    ("allowed short spelling", "127.0.0.1/32", "http://127.1:{port}/doc.txt", Fetched),
    ("allowed net via name", "127.0.0.1/32", "http://loop.test:{port}/doc.txt", Fetched),
    ("allowed host name", "docs.test", "http://docs.test:{port}/doc.txt", Fetched),
    ("allowed host, same-host redirect", "docs.test", "http://docs.test:{port}/hop-ok", Fetched),
    ("allowed host + net redirect", "docs.test,127.0.0.1/32", "http://docs.test:{port}/to-loopback", Fetched),
    ("allow /32 leaves 127.0.0.2", "127.0.0.1/32", "http://127.0.0.2:{port}/doc.txt", Refused("loopback")),
    ("allow v4 leaves ::1", "127.0.0.1/32", "http://[::1]:{port}/doc.txt", Refused("loopback")),
    ("allow 127/32, mixed 10.x record", "127.0.0.1/32", "http://mixed-local.test:{port}/doc.txt", Refused("10.0.0.7")),
    ("allow docs.test only", "docs.test", "http://loop.test:{port}/doc.txt", Refused("loopback")),
    ("allow does not lift scheme rule", "127.0.0.1/32", "gopher://127.0.0.1:{port}/_x", Refused("scheme")),
];

#[tokio::test]
async fn fetcher_refuses_internal_targets_unless_allowed() {
    let port = document_host().await;
    let dns = fake_dns();
    let mut failures = Vec::new();
    for (name, allow, raw, expect) in CASES {
        let url = raw.replace("{port}", &port.to_string());
        let fetcher = Fetcher::new(
            AllowList::parse(allow).expect("allow list"),
            1 << 20,
            Duration::from_secs(5),
        )
        .with_resolver(dns.clone());
        let got = fetcher.fetch(&url).await;
        let ok = match (expect, &got) {
            (Fetched, Ok(f)) => f.bytes == INVOICE_TEXT.as_bytes() && f.name == "doc.txt",
            (Refused(needle), Err(e)) => e.to_string().contains(needle),
            _ => false,
        };
        if !ok {
            failures.push(format!("{name} ({url}): expected {expect:?}, got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    println!("ssrf: {} fetcher cases passed", CASES.len());
}

/// (case name, `--url-allow` spec, URL, `Some(needle)` for a FAILED run).
#[rustfmt::skip]
const API_CASES: &[(&str, &str, &str, Option<&str>)] = &[
    ("api loopback literal", "", "http://127.0.0.1:{port}/doc.txt", Some("loopback")),
    ("api decimal IPv4", "", "http://2130706433:{port}/doc.txt", Some("loopback")),
    ("api name -> metadata", "", "http://metadata.test/latest", Some("169.254.169.254")),
    ("api public+private name", "", "http://mixed.test/doc.txt", Some("10.0.0.7")),
    ("api v4-mapped", "", "http://[::ffff:127.0.0.1]:{port}/doc.txt", Some("loopback")),
    ("api redirect -> blocked name", "docs.test", "http://docs.test:{port}/to-name", Some("192.168.0.5")),
    ("api redirect -> loopback IP", "docs.test", "http://docs.test:{port}/to-loopback", Some("loopback")),
    ("api redirect loop", "docs.test", "http://docs.test:{port}/loop", Some("redirects")),
    ("api allowed host", "docs.test", "http://docs.test:{port}/doc.txt", None),
    ("api allowed net", "127.0.0.1/32", "http://127.0.0.1:{port}/doc.txt", None),
];

async fn run_url(s: &TestServer, url: &str) -> Value {
    let run: Value = s
        .post(
            "/extract_runs",
            json!({"config": {"schema": invoice_schema()}, "file": {"url": url}}),
        )
        .await
        .json()
        .await
        .expect("json");
    let id = run["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no run: {run}"));
    s.wait_run(id).await
}

#[tokio::test]
async fn extract_runs_fail_with_a_reason_for_internal_targets() {
    let port = document_host().await;
    let mut failures = Vec::new();
    for allow in ["", "docs.test", "127.0.0.1/32"] {
        let s = TestServer::start(|c| {
            c.url_allow = AllowList::parse(allow).expect("allow list");
            c.resolver = fake_dns();
        })
        .await;
        for (name, _, raw, expect) in API_CASES.iter().filter(|c| c.1 == allow) {
            let url = raw.replace("{port}", &port.to_string());
            let run = run_url(&s, &url).await;
            let ok = match expect {
                Some(needle) => {
                    run["status"] == "FAILED"
                        && run["failureReason"] == "FAILED_TO_PROCESS_FILE"
                        && run["file"].is_null()
                        && run["failureMessage"]
                            .as_str()
                            .is_some_and(|m| m.contains(needle))
                }
                None => {
                    run["status"] == "PROCESSED"
                        && run["output"]["value"]["invoice_number"] == "INV-2024-001"
                }
            };
            if !ok {
                failures.push(format!("{name} ({url}): expected {expect:?}, got {run}"));
            }
        }
        s.stop().await;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    println!("ssrf: {} API cases passed", API_CASES.len());
    println!("ssrf: {} cases in total", CASES.len() + API_CASES.len());
}
