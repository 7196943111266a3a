//! The dashboard over real HTTP (reqwest with cookies, no browser): sign-in
//! with an API key, sessions and CSRF, workspace scoping, the pages, and the
//! review API that the browser tests (tests/browser) also drive.

mod common;

use common::{INVOICE_TEXT, KEY, TestServer, assert_error, invoice_schema};
use quarry_server::keys::register_key;
use reqwest::redirect::Policy;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

const FORM: &str = "application/x-www-form-urlencoded";

/// An urlencoded form body (reqwest's `form` feature is not compiled in).
fn form(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// A browser stand-in: does not follow redirects and sends the session
/// cookie that sign-in set (reqwest's cookie store is not compiled in).
struct Browser {
    client: Client,
    cookie: String,
}

impl Browser {
    fn new() -> Self {
        Self {
            client: Client::builder()
                .redirect(Policy::none())
                .build()
                .expect("client"),
            cookie: String::new(),
        }
    }

    fn get(&self, s: &TestServer, path: &str) -> reqwest::RequestBuilder {
        self.client
            .get(format!("{}{path}", s.base))
            .header("cookie", &self.cookie)
    }

    fn post(&self, s: &TestServer, path: &str) -> reqwest::RequestBuilder {
        self.client
            .post(format!("{}{path}", s.base))
            .header("cookie", &self.cookie)
    }

    /// Posts the login form; keeps the session cookie it sets.
    async fn sign_in(&mut self, s: &TestServer, key: &str) -> reqwest::Response {
        let r = self
            .post(s, "/dashboard/login")
            .header("content-type", FORM)
            .body(form(&[("key", key), ("next", "/dashboard/extractors")]))
            .send()
            .await
            .expect("login");
        if let Some(c) = r.headers().get("set-cookie") {
            let c = c.to_str().expect("ascii");
            self.cookie = c.split(';').next().unwrap_or("").to_string();
        }
        r
    }

    async fn page(&self, s: &TestServer, path: &str) -> (StatusCode, String) {
        let r = self.get(s, path).send().await.expect("get");
        (r.status(), r.text().await.expect("text"))
    }
}

/// The CSRF token a signed-in page embeds.
fn csrf_of(html: &str) -> String {
    let marker = r#"name="csrf-token" content=""#;
    let at = html.find(marker).expect("csrf meta") + marker.len();
    html[at..at + 64].to_string()
}

async fn processed_run(s: &TestServer) -> Value {
    let run: Value = s
        .post(
            "/extract_runs",
            json!({"file": {"text": INVOICE_TEXT, "name": "acme <b>invoice.txt"},
                   "config": {"schema": invoice_schema(),
                              "advancedOptions": {"citationsEnabled": true}}}),
        )
        .await
        .json()
        .await
        .expect("json");
    let run = s.wait_run(run["id"].as_str().expect("id")).await;
    assert_eq!(run["status"], "PROCESSED", "{run}");
    run
}

#[tokio::test]
async fn sign_in_mints_a_session_and_sign_out_ends_it() {
    let s = TestServer::start(|_| {}).await;
    let run = processed_run(&s).await;
    let id = run["id"].as_str().expect("id");
    let mut browser = Browser::new();

    let (status, _) = browser.page(&s, &format!("/dashboard/runs/{id}")).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "no page without a session");

    let bad = browser.sign_in(&s, "qry_not_a_key").await;
    assert_eq!(bad.status(), StatusCode::UNAUTHORIZED);
    assert!(bad.headers().get("set-cookie").is_none());

    let ok = browser.sign_in(&s, KEY).await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    assert_eq!(ok.headers()["location"], "/dashboard/extractors");
    let cookie = ok.headers()["set-cookie"]
        .to_str()
        .expect("ascii")
        .to_string();
    for attr in ["HttpOnly", "SameSite=Strict", "Path=/dashboard"] {
        assert!(cookie.contains(attr), "{cookie}");
    }
    assert!(!cookie.contains(KEY), "the key itself is never the cookie");

    let (status, html) = browser.page(&s, &format!("/dashboard/runs/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("acme &lt;b&gt;invoice.txt"),
        "file names are escaped"
    );
    assert!(!html.contains("<b>invoice"));
    assert!(html.contains("INV-2024-001"));
    let (status, list) = browser.page(&s, "/dashboard/runs?status=PROCESSED").await;
    assert_eq!(status, StatusCode::OK);
    assert!(list.contains(id));
    let (status, _) = browser.page(&s, "/dashboard/runs?status=NOPE").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // Sign-out needs the CSRF token; afterwards the cookie is worthless.
    let csrf = csrf_of(&html);
    let forged = browser
        .post(&s, "/dashboard/logout")
        .header("content-type", FORM)
        .body(form(&[("_csrf", &"0".repeat(64))]))
        .send()
        .await
        .expect("post");
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let out = browser
        .post(&s, "/dashboard/logout")
        .header("content-type", FORM)
        .body(form(&[("_csrf", &csrf)]))
        .send()
        .await
        .expect("post");
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    let replay = browser
        .get(&s, "/dashboard/runs")
        .send()
        .await
        .expect("get");
    assert_eq!(
        replay.status(),
        StatusCode::SEE_OTHER,
        "the old cookie is dead"
    );
    assert!(
        replay.headers()["location"]
            .to_str()
            .is_ok_and(|l| l.starts_with("/dashboard/login"))
    );
    s.stop().await;
}

#[tokio::test]
async fn dashboard_review_needs_csrf_and_stays_in_its_workspace() {
    let s = TestServer::start(|_| {}).await;
    let run = processed_run(&s).await;
    let id = run["id"].as_str().expect("id");
    register_key(s.state.store.as_ref(), "qry_other_ws", "other", "ws_other")
        .await
        .expect("key");
    let mut other = Browser::new();
    let signed = other.sign_in(&s, "qry_other_ws").await;
    assert_eq!(signed.status(), StatusCode::SEE_OTHER);
    let (status, html) = other.page(&s, &format!("/dashboard/runs/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!html.contains("INV-2024-001"));
    let (status, _) = other
        .page(&s, &format!("/dashboard/runs/{id}/pages/1"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let mut browser = Browser::new();
    browser.sign_in(&s, KEY).await;
    let (_, html) = browser.page(&s, &format!("/dashboard/runs/{id}")).await;
    let mut value = run["output"]["value"].clone();
    value["invoice_number"] = json!("INV-2024-999");
    let url = format!("/dashboard/runs/{id}/review");
    let no_token = browser
        .post(&s, &url)
        .json(&json!({"value": value}))
        .send()
        .await
        .expect("post");
    assert_error(no_token, 403, "FORBIDDEN").await;
    let cross_site = browser
        .post(&s, &url)
        .header("x-csrf-token", csrf_of(&html))
        .header("origin", "http://evil.example")
        .json(&json!({"value": value}))
        .send()
        .await
        .expect("post");
    assert_error(cross_site, 403, "FORBIDDEN").await;
    let saved: Value = browser
        .post(&s, &url)
        .header("x-csrf-token", csrf_of(&html))
        .json(&json!({"value": value}))
        .send()
        .await
        .expect("post")
        .json()
        .await
        .expect("json");
    assert_eq!(saved["reviewed"], true);
    assert_eq!(saved["output"]["value"]["invoice_number"], "INV-2024-999");
    s.stop().await;
}

#[tokio::test]
async fn review_api_records_edits_against_the_engine_answer() {
    let s = TestServer::start(|_| {}).await;
    let run = processed_run(&s).await;
    let id = run["id"].as_str().expect("id");
    assert_eq!(run["reviewed"], false);
    assert!(run.get("initialOutput").is_none());
    assert!(
        run["dashboardUrl"]
            .as_str()
            .is_some_and(|u| u.ends_with(&format!("/dashboard/runs/{id}")))
    );
    let path = format!("/quarry/extract_runs/{id}/review");
    let engine = run["output"].clone();
    let mut value = engine["value"].clone();
    value["total_amount"] = json!(99.5);

    for bad in [
        json!({"value": {"invoice_number": 1}}),
        json!({"value": "text"}),
        json!({"value": value, "surprise": true}),
    ] {
        assert_error(s.post(&path, bad).await, 400, "INVALID_REQUEST").await;
    }
    assert_error(
        s.post("/quarry/extract_runs/exr_nope/review", json!({"value": {}}))
            .await,
        404,
        "NOT_FOUND",
    )
    .await;

    let body = json!({"value": value, "notes": {"total_amount": "fixed by hand"}});
    let reviewed: Value = s.post(&path, body).await.json().await.expect("json");
    let fetched: Value = s
        .get(&format!("/extract_runs/{id}"))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(reviewed, fetched);
    assert_eq!(fetched["reviewed"], true);
    assert_eq!(fetched["edited"], true);
    assert_eq!(fetched["initialOutput"], engine);
    assert_eq!(fetched["reviewedOutput"]["value"], value);
    assert_eq!(fetched["reviewedOutput"]["metadata"], engine["metadata"]);
    assert_eq!(fetched["output"], fetched["reviewedOutput"]);
    let edit = &fetched["edits"]["total_amount"];
    assert_eq!(edit["originalValue"], engine["value"]["total_amount"]);
    assert_eq!(edit["editedValue"], json!(99.5));
    assert_eq!(edit["fieldType"], "number");
    assert_eq!(edit["notes"], "fixed by hand");
    assert_eq!(edit["page"], json!(1));
    assert_eq!(fetched["edits"].as_object().map(|o| o.len()), Some(1));

    // Undoing the edit keeps the run reviewed but no longer edited.
    let undone: Value = s
        .post(&path, json!({"value": engine["value"]}))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(undone["reviewed"], true);
    assert_eq!(undone["edited"], false);
    assert_eq!(undone["edits"], json!({}));
    assert_eq!(undone["initialOutput"], engine);
    s.stop().await;
}

#[tokio::test]
async fn extractor_pages_show_versions_and_try_a_file() {
    let s = TestServer::start(|_| {}).await;
    let schema = json!({
        "type": "object",
        "properties": {"invoice_number": {"type": ["string", "null"]},
                       "total": {"type": ["number", "null"]}},
        "required": ["invoice_number", "total"],
        "additionalProperties": false
    });
    let ex: Value = s
        .post(
            "/extractors",
            json!({"name": "Sheet <invoices>", "config": {"schema": schema}}),
        )
        .await
        .json()
        .await
        .expect("json");
    let id = ex["id"].as_str().expect("id");
    let published = s
        .post(
            &format!("/extractors/{id}/versions"),
            json!({"releaseType": "major"}),
        )
        .await;
    assert_eq!(published.status(), StatusCode::OK);

    let mut browser = Browser::new();
    browser.sign_in(&s, KEY).await;
    let (status, list) = browser.page(&s, "/dashboard/extractors").await;
    assert_eq!(status, StatusCode::OK);
    assert!(list.contains("Sheet &lt;invoices&gt;") && list.contains(id));
    let (status, html) = browser
        .page(&s, &format!("/dashboard/extractors/{id}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("&quot;invoice_number&quot;"),
        "the schema is shown"
    );
    assert!(
        html.contains(">draft<") && html.contains(">1.0<"),
        "both versions are listed"
    );

    // Try version 1.0 on an uploaded CSV: the new run's page draws its cells.
    let csv = "Invoice Number,Total\nINV-9,12.50\n";
    let form = reqwest::multipart::Form::new()
        .text("_csrf", csrf_of(&html))
        .text("version", "1.0")
        .part(
            "file",
            reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("sheet.csv"),
        );
    let tried = browser
        .post(&s, &format!("/dashboard/extractors/{id}/try"))
        .multipart(form)
        .send()
        .await
        .expect("post");
    assert_eq!(tried.status(), StatusCode::SEE_OTHER);
    let location = tried.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_string();
    let run_id = location.strip_prefix("/dashboard/runs/").expect("run page");
    let run = s.wait_run(run_id).await;
    assert_eq!(run["status"], "PROCESSED", "{run}");
    assert_eq!(run["extractor"]["id"], id);
    assert_eq!(run["extractorVersion"]["version"], "1.0");
    let (status, page) = browser.page(&s, &location).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(r#"class="page drawn" data-page="1""#),
        "{page}"
    );
    assert!(page.contains(">INV-9</div>"), "cells are drawn");
    s.stop().await;
}
