//! Hostile documents through a live server (issue: security). Generated
//! bombs — a zip-bomb DOCX, a 100,000-page PDF, 50,000-deep nested PDF
//! objects, a 100k × 100k PNG — plus every file of the corpus's robustness
//! set (when present) are submitted as extract runs. Each must end in a
//! terminal state with a message naming the cap it hit, while the same
//! server keeps answering health checks and processing a normal run.

mod common;

use std::io::Write;
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};

use common::{TestServer, invoice_schema};

/// A DOCX whose document.xml inflates to 64 MiB of spaces (~64 KiB zipped).
fn zip_bomb_docx() -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("[Content_Types].xml", opts).expect("entry");
    zip.write_all(br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#).expect("write");
    zip.start_file("word/document.xml", opts).expect("entry");
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..64 {
        zip.write_all(&chunk).expect("write");
    }
    zip.finish().expect("finish").into_inner()
}

/// Assembles a PDF from object bodies (object `i + 1` is `objects[i]`),
/// with a correct xref table so the engine does not need to repair it.
fn pdf(objects: &[String]) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// 100,000 distinct (empty) pages.
fn hundred_thousand_page_pdf() -> Vec<u8> {
    let pages = 100_000;
    let kids: Vec<String> = (0..pages).map(|i| format!("{} 0 R", i + 3)).collect();
    let mut objects = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        format!(
            "<< /Type /Pages /Count {pages} /Kids [{}] >>",
            kids.join(" ")
        ),
    ];
    objects.extend(
        (0..pages).map(|_| "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>".to_string()),
    );
    pdf(&objects)
}

/// One page whose resources hold an array nested 50,000 levels deep.
fn deeply_nested_pdf() -> Vec<u8> {
    let depth = 50_000;
    let nested = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    pdf(&[
        "<< /Type /Catalog /Pages 2 0 R >>".into(),
        "<< /Type /Pages /Count 1 /Kids [3 0 R] >>".into(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Resources << /Deep 4 0 R >> >>"
            .into(),
        nested,
    ])
}

/// A PNG header declaring 100,000 × 100,000 pixels (a few dozen bytes).
fn huge_png() -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    fn chunk(kind: &[u8], data: &[u8]) -> Vec<u8> {
        let mut c = (data.len() as u32).to_be_bytes().to_vec();
        let body: Vec<u8> = kind.iter().chain(data).copied().collect();
        c.extend_from_slice(&body);
        c.extend_from_slice(&crc32(&body).to_be_bytes());
        c
    }
    let mut ihdr = 100_000u32.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]); // 8-bit grayscale
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(chunk(b"IHDR", &ihdr));
    png.extend(chunk(
        b"IDAT",
        &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    ));
    png.extend(chunk(b"IEND", &[]));
    png
}

/// A generated bomb and the words its failure message must contain.
struct Bomb {
    name: &'static str,
    bytes: Vec<u8>,
    must_say: Option<&'static str>,
}

async fn upload(server: &TestServer, name: &str, bytes: Vec<u8>) -> String {
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
    );
    let resp = server
        .req(Method::POST, "/files/upload")
        .multipart(form)
        .send()
        .await
        .expect("upload");
    assert_eq!(
        resp.status(),
        200,
        "{name}: {}",
        resp.text().await.unwrap_or_default()
    );
    let file: Value = resp.json().await.expect("json");
    file["id"].as_str().expect("file id").to_string()
}

async fn start_run(server: &TestServer, file: Value) -> String {
    let resp = server
        .post(
            "/extract_runs",
            json!({"file": file, "config": {"schema": invoice_schema()}}),
        )
        .await;
    assert_eq!(resp.status(), 200);
    let run: Value = resp.json().await.expect("json");
    run["id"].as_str().expect("run id").to_string()
}

async fn run_status(server: &TestServer, id: &str) -> Value {
    server
        .get(&format!("/extract_runs/{id}"))
        .await
        .json()
        .await
        .expect("json")
}

fn is_terminal(run: &Value) -> bool {
    matches!(
        run["status"].as_str(),
        Some("PROCESSED" | "FAILED" | "CANCELLED")
    )
}

fn robustness_corpus() -> Vec<(String, Vec<u8>)> {
    let root = std::env::var("QUARRY_CORPUS").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus").to_string()
    });
    let dir = std::path::Path::new(&root).join("robustness/docs");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!(
            "skipping the corpus robustness set: {} not found",
            dir.display()
        );
        return Vec::new();
    };
    let mut files: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    files.sort();
    files
        .into_iter()
        .filter_map(|p| {
            Some((
                p.file_name()?.to_string_lossy().into_owned(),
                std::fs::read(&p).ok()?,
            ))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn hostile_documents_fail_their_own_run_while_the_server_keeps_working() {
    let server = TestServer::start(|c| {
        c.workers = 2;
        c.run_timeout = Duration::from_secs(30);
        c.parse_limits.max_decompressed_bytes = 16 << 20;
    })
    .await;
    let bombs = vec![
        Bomb {
            name: "bomb.docx",
            bytes: zip_bomb_docx(),
            must_say: Some("decompressed"),
        },
        Bomb {
            name: "pages.pdf",
            bytes: hundred_thousand_page_pdf(),
            must_say: Some("100000 pages"),
        },
        Bomb {
            name: "nested.pdf",
            bytes: deeply_nested_pdf(),
            must_say: None,
        },
        Bomb {
            name: "huge.png",
            bytes: huge_png(),
            must_say: Some("pixel"),
        },
    ];
    let mut runs = Vec::new();
    for bomb in bombs {
        let file = upload(&server, bomb.name, bomb.bytes).await;
        runs.push((
            bomb.name.to_string(),
            start_run(&server, json!({"id": file})).await,
            bomb.must_say,
        ));
    }
    for (name, bytes) in robustness_corpus() {
        let file = upload(&server, &name, bytes).await;
        runs.push((name, start_run(&server, json!({"id": file})).await, None));
    }
    // Submitted last, so it queues behind every hostile document.
    let normal = start_run(
        &server,
        json!({"text": "Invoice Number: INV-9\nTotal Amount: 10.00\n"}),
    )
    .await;

    let deadline = Instant::now() + Duration::from_secs(300);
    let mut health_checks = 0;
    loop {
        let health = server
            .http
            .get(format!("{}/healthz", server.base))
            .timeout(Duration::from_secs(2))
            .send()
            .await;
        assert!(
            health.is_ok_and(|r| r.status() == 200),
            "the server stopped answering"
        );
        health_checks += 1;
        let mut pending = 0;
        for (_, id, _) in &runs {
            if !is_terminal(&run_status(&server, id).await) {
                pending += 1;
            }
        }
        if pending == 0 && is_terminal(&run_status(&server, &normal).await) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{pending} hostile runs still not terminal"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(health_checks > 0);

    for (name, id, must_say) in &runs {
        let run = run_status(&server, id).await;
        if let Some(words) = must_say {
            assert_eq!(run["status"], "FAILED", "{name}: {run}");
            assert!(run["failureReason"].is_string(), "{name}: {run}");
            let message = run["failureMessage"].as_str().unwrap_or_default();
            assert!(
                message.contains(words),
                "{name}: the message should name the cap ({words}): {message}"
            );
        }
        if run["status"] == "FAILED" {
            assert!(
                run["failureMessage"]
                    .as_str()
                    .is_some_and(|m| !m.is_empty()),
                "{name}: {run}"
            );
        }
    }
    let normal = run_status(&server, &normal).await;
    assert_eq!(normal["status"], "PROCESSED", "{normal}");
    assert_eq!(normal["output"]["value"]["invoice_number"], "INV-9");
    server.stop().await;
}
