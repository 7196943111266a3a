//! A password-protected PDF through the API: uploaded without its
//! password, its run fails with a message that names the password; a wrong
//! password is named as wrong; with the right one (`files.upload(password=)`)
//! the run reads it; a `file.url` input opens with `settings.password`.
//! The password never appears in the file object.

mod common;

use axum::Router;
use axum::routing::get;
use common::{KEY, TestServer};
use lopdf::content::{Content, Operation};
use lopdf::{
    Document, EncryptionState, EncryptionVersion, Object, Permissions, Stream, dictionary,
};
use quarry_server::net::guard::AllowList;
use serde_json::{Value, json};
use tokio::net::TcpListener;

/// A one-page PDF saying `text`, encrypted (RC4, 128 bit) so that only
/// `password` (or the owner's) opens it.
fn locked_pdf(text: &str, password: &str) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
    });
    let ops = vec![
        Operation::new("BT", vec![]),
        Operation::new("Tf", vec!["F1".into(), 12.into()]),
        Operation::new("Td", vec![72.into(), 700.into()]),
        Operation::new("Tj", vec![Object::string_literal(text)]),
        Operation::new("ET", vec![]),
    ];
    let content = Content { operations: ops }.encode().expect("content");
    let content_id = doc.add_object(Stream::new(dictionary! {}, content));
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
        "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
        "Resources" => dictionary! { "Font" => dictionary! { "F1" => font_id } },
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1,
        }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    // Encryption keys derive from the file identifier.
    let id = Object::string_literal("quarry-protected-1");
    doc.trailer.set("ID", vec![id.clone(), id]);
    let state = EncryptionState::try_from(EncryptionVersion::V2 {
        document: &doc,
        owner_password: "owner-only",
        user_password: password,
        key_length: 128,
        permissions: Permissions::all(),
    })
    .expect("encryption state");
    doc.encrypt(&state).expect("encrypt");
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save");
    out
}

async fn upload(s: &TestServer, bytes: &[u8], password: Option<&str>) -> Value {
    let mut form = reqwest::multipart::Form::new();
    if let Some(p) = password {
        form = form.text("password", p.to_string());
    }
    let part = reqwest::multipart::Part::bytes(bytes.to_vec()).file_name("locked.pdf");
    let resp = s
        .req(reqwest::Method::POST, "/files/upload")
        .multipart(form.part("file", part))
        .send()
        .await
        .expect("upload");
    assert_eq!(resp.status(), 200);
    resp.json().await.expect("file")
}

async fn extract(s: &TestServer, file: &Value) -> Value {
    extract_input(s, json!({"id": file["id"]})).await
}

async fn extract_input(s: &TestServer, file: Value) -> Value {
    let schema = json!({"type": "object",
        "properties": {"invoice_number": {"type": ["string", "null"]}},
        "required": ["invoice_number"], "additionalProperties": false});
    let body = json!({"config": {"schema": schema}, "file": file});
    let run = s.post_json("/extract_runs", body).await;
    s.wait_run(run["id"].as_str().expect("id")).await
}

#[tokio::test]
async fn a_protected_pdf_is_read_with_its_password_and_refused_without() {
    let s = TestServer::start(|_| {}).await;
    let _ = KEY;
    let pdf = locked_pdf("Invoice Number: LOCKED-7", "s3cret-pass");

    let without = extract(&s, &upload(&s, &pdf, None).await).await;
    assert_eq!(without["status"], "FAILED", "{without}");
    let message = without["failureMessage"].as_str().expect("message");
    assert!(message.contains("password"), "{message}");

    let wrong = extract(&s, &upload(&s, &pdf, Some("guess")).await).await;
    assert_eq!(wrong["status"], "FAILED", "{wrong}");
    let message = wrong["failureMessage"].as_str().expect("message");
    assert!(
        message.contains("`password` given does not open"),
        "{message}"
    );

    let file = upload(&s, &pdf, Some("s3cret-pass")).await;
    assert!(
        !file.to_string().contains("s3cret-pass"),
        "the password is not shown: {file}"
    );
    let run = extract(&s, &file).await;
    assert_eq!(run["status"], "PROCESSED", "{run}");
    assert_eq!(run["output"]["value"]["invoice_number"], "LOCKED-7");
    s.stop().await;
}

#[tokio::test]
async fn a_protected_pdf_at_a_url_opens_with_its_settings_password() {
    let pdf = locked_pdf("Invoice Number: REMOTE-9", "url-pass");
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let app = Router::new().route("/locked.pdf", get(move || async move { pdf.clone() }));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let s = TestServer::start(|c| {
        c.url_allow = AllowList::parse("127.0.0.1").expect("allow list");
    })
    .await;
    let url = format!("http://127.0.0.1:{port}/locked.pdf");
    let without = extract_input(&s, json!({"url": url})).await;
    assert_eq!(without["status"], "FAILED", "{without}");
    let input = json!({"url": url, "settings": {"password": "url-pass"}});
    let run = extract_input(&s, input).await;
    assert_eq!(run["status"], "PROCESSED", "{run}");
    assert_eq!(run["output"]["value"]["invoice_number"], "REMOTE-9");
    assert!(
        !run.to_string().contains("url-pass"),
        "the password is not shown: {run}"
    );
    s.stop().await;
}
