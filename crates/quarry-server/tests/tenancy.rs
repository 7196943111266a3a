//! Issue #7, "Must show 2": two workspaces on one server. Workspace A owns
//! one of every resource; workspace B tries every route that takes an id
//! (and every list, create and replay that could name A's ids). Each attempt
//! must be a documented 404, B's lists must not show anything of A's, B's
//! replays must not resend A's events, and afterwards A's resources must be
//! exactly as they were.
//!
//! The routes come from tables below. `tables_cover_every_route` reads
//! `src/routes/mod.rs`, so a new route without a row here fails the test.

mod common;

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::Path;
use common::{INVOICE_TEXT, KEY, TestServer, assert_error, invoice_schema};
use quarry_server::keys::register_key;
use quarry_server::net::guard::AllowList;
use quarry_server::worker::spawn_workers;
use reqwest::{Method, Response};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::watch;

const KEY_B: &str = "qry_tenancy_workspace_b_key_0123";
const WS_A: &str = "ws_default";
const WS_B: &str = "ws_b";

/// Every route that takes an id, tried by B with A's ids:
/// `(method, route as declared in routes/mod.rs, ids for its `{…}` params, body)`.
/// A param is a key of the id map built in the test, else used literally.
/// Bodies are valid, so a 404 can only come from scoping.
const ID_ROUTES: &[(&str, &str, &[&str], Option<&str>)] = &[
    ("GET", "/files/{id}", &["file"], None),
    ("GET", "/files/{id}", &["text_file"], None),
    ("GET", "/files/{id}/content", &["file"], None),
    ("GET", "/files/{id}/content", &["text_file"], None),
    ("DELETE", "/files/{id}", &["file"], None),
    ("DELETE", "/files/{id}", &["text_file"], None),
    ("GET", "/extractors/{id}", &["extractor"], None),
    (
        "POST",
        "/extractors/{id}",
        &["extractor"],
        Some(r#"{"name": "hijacked", "config": {config}}"#),
    ),
    ("GET", "/extractors/{id}/versions", &["extractor"], None),
    (
        "POST",
        "/extractors/{id}/versions",
        &["extractor"],
        Some(r#"{"releaseType": "major", "description": "hijacked", "config": {config}}"#),
    ),
    (
        "GET",
        "/extractors/{id}/versions/{version}",
        &["extractor", "version"],
        None,
    ),
    (
        "GET",
        "/extractors/{id}/versions/{version}",
        &["extractor", "1.0"],
        None,
    ),
    (
        "GET",
        "/extractors/{id}/versions/{version}",
        &["extractor", "latest"],
        None,
    ),
    (
        "GET",
        "/extractors/{id}/versions/{version}",
        &["extractor", "draft"],
        None,
    ),
    // B's own extractor with A's version id.
    (
        "GET",
        "/extractors/{id}/versions/{version}",
        &["b_extractor", "version"],
        None,
    ),
    ("GET", "/classifiers/{id}", &["classifier"], None),
    (
        "POST",
        "/classifiers/{id}",
        &["classifier"],
        Some(r#"{"name": "hijacked", "config": {classify_config}}"#),
    ),
    ("GET", "/classifiers/{id}/versions", &["classifier"], None),
    (
        "POST",
        "/classifiers/{id}/versions",
        &["classifier"],
        Some(r#"{"releaseType": "major", "config": {classify_config}}"#),
    ),
    (
        "GET",
        "/classifiers/{id}/versions/{version}",
        &["classifier", "classifier_version"],
        None,
    ),
    (
        "GET",
        "/classifiers/{id}/versions/{version}",
        &["classifier", "latest"],
        None,
    ),
    (
        "GET",
        "/classifiers/{id}/versions/{version}",
        &["classifier", "draft"],
        None,
    ),
    ("GET", "/classify_runs/{id}", &["classify_run"], None),
    (
        "POST",
        "/classify_runs/{id}/cancel",
        &["classify_run"],
        None,
    ),
    ("DELETE", "/classify_runs/{id}", &["classify_run"], None),
    ("GET", "/splitters/{id}", &["splitter"], None),
    (
        "POST",
        "/splitters/{id}",
        &["splitter"],
        Some(r#"{"name": "hijacked", "config": {split_config}}"#),
    ),
    ("GET", "/splitters/{id}/versions", &["splitter"], None),
    (
        "POST",
        "/splitters/{id}/versions",
        &["splitter"],
        Some(r#"{"releaseType": "major", "config": {split_config}}"#),
    ),
    (
        "GET",
        "/splitters/{id}/versions/{version}",
        &["splitter", "splitter_version"],
        None,
    ),
    (
        "GET",
        "/splitters/{id}/versions/{version}",
        &["splitter", "latest"],
        None,
    ),
    (
        "GET",
        "/splitters/{id}/versions/{version}",
        &["splitter", "draft"],
        None,
    ),
    ("GET", "/split_runs/{id}", &["split_run"], None),
    ("POST", "/split_runs/{id}/cancel", &["split_run"], None),
    ("DELETE", "/split_runs/{id}", &["split_run"], None),
    ("GET", "/extract_runs/{id}", &["run"], None),
    ("GET", "/extract_runs/{id}", &["pending_run"], None),
    ("GET", "/extract_runs/{id}", &["batch_run"], None),
    ("POST", "/extract_runs/{id}/cancel", &["pending_run"], None),
    ("POST", "/extract_runs/{id}/cancel", &["run"], None),
    (
        "POST",
        "/quarry/extract_runs/{id}/review",
        &["run"],
        Some(r#"{"value": {"invoice_number": null, "invoice_date": null, "total_amount": null}}"#),
    ),
    ("DELETE", "/extract_runs/{id}", &["pending_run"], None),
    ("DELETE", "/extract_runs/{id}", &["run"], None),
    ("DELETE", "/extract_runs/{id}", &["batch_run"], None),
    ("GET", "/batch_runs/{id}", &["batch"], None),
    ("GET", "/batch_runs/{id}", &["parse_batch"], None),
    ("GET", "/parse_runs/{id}", &["parse"], None),
    ("GET", "/parse_runs/{id}", &["open_parse"], None),
    ("POST", "/parse_runs/{id}/cancel", &["open_parse"], None),
    ("POST", "/parse_runs/{id}/cancel", &["parse"], None),
    ("DELETE", "/parse_runs/{id}", &["open_parse"], None),
    ("DELETE", "/parse_runs/{id}", &["parse"], None),
    ("GET", "/webhook_endpoints/{id}", &["endpoint"], None),
    (
        "POST",
        "/webhook_endpoints/{id}",
        &["endpoint"],
        Some(r#"{"name": "hijacked", "status": "disabled"}"#),
    ),
    ("DELETE", "/webhook_endpoints/{id}", &["endpoint"], None),
    (
        "GET",
        "/webhook_subscriptions/{id}",
        &["subscription"],
        None,
    ),
    (
        "POST",
        "/webhook_subscriptions/{id}",
        &["subscription"],
        Some(r#"{"enabledEvents": ["extract_run.processed"]}"#),
    ),
    (
        "DELETE",
        "/webhook_subscriptions/{id}",
        &["subscription"],
        None,
    ),
    ("GET", "/quarry/events/{id}/deliveries", &["event"], None),
    ("POST", "/quarry/events/{id}/replay", &["event"], None),
];

/// B's lists, unfiltered and filtered by A's ids: all empty (`{x}` is an id).
const LISTS: &[&str] = &[
    "/files",
    "/files?nameContains=invoice",
    "/extractors",
    "/extract_runs",
    "/extract_runs?status=PENDING",
    "/extract_runs?batchId={batch}",
    "/extract_runs?extractorId={extractor}",
    "/extract_runs?sourceId={batch}",
    "/extract_runs?source=BATCH_PROCESSOR_RUN",
    "/extract_runs?fileNameContains=invoice",
    "/classifiers",
    "/classify_runs",
    "/classify_runs?classifierId={classifier}",
    "/splitters",
    "/split_runs",
    "/split_runs?splitterId={splitter}",
    "/parse_runs",
    "/parse_runs?status=PROCESSING",
    "/parse_runs?batchId={parse_batch}",
    "/parse_runs?sourceId={parse_batch}",
    "/webhook_endpoints",
    "/webhook_endpoints?status=enabled",
    "/webhook_subscriptions",
    "/webhook_subscriptions?webhookEndpointId={endpoint}",
    "/webhook_subscriptions?resourceId={extractor}",
    "/quarry/events",
];

/// Creations in B that name one of A's ids: 404, and nothing stored.
const CREATES: &[(&str, &str)] = &[
    (
        "/extract_runs",
        r#"{"config": {config}, "file": {"id": "{file}"}}"#,
    ),
    (
        "/extract_runs",
        r#"{"extractor": {"id": "{extractor}"}, "file": {"text": "Total: 1"}}"#,
    ),
    (
        "/extract_runs",
        r#"{"extractor": {"id": "{extractor}", "version": "{version}"}, "file": {"text": "Total: 1"}}"#,
    ),
    (
        "/extract_runs",
        r#"{"extractor": {"id": "{b_extractor}", "version": "{version}"}, "file": {"text": "Total: 1"}}"#,
    ),
    (
        "/extract",
        r#"{"config": {config}, "file": {"id": "{file}"}}"#,
    ),
    (
        "/extract",
        r#"{"extractor": {"id": "{extractor}"}, "file": {"text": "Total: 1"}}"#,
    ),
    (
        "/extract_runs/batch",
        r#"{"extractor": {"id": "{extractor}"}, "inputs": [{"file": {"text": "Total: 1"}}]}"#,
    ),
    (
        "/extract_runs/batch",
        r#"{"extractor": {"id": "{b_extractor}"}, "inputs": [{"file": {"id": "{file}"}}]}"#,
    ),
    (
        "/classify_runs",
        r#"{"config": {classify_config}, "file": {"id": "{file}"}}"#,
    ),
    (
        "/classify_runs",
        r#"{"classifier": {"id": "{classifier}"}, "file": {"text": "Total: 1"}}"#,
    ),
    (
        "/classify",
        r#"{"classifier": {"id": "{classifier}"}, "file": {"text": "Total: 1"}}"#,
    ),
    (
        "/classify_runs/batch",
        r#"{"classifier": {"id": "{classifier}"}, "inputs": [{"file": {"text": "Total: 1"}}]}"#,
    ),
    (
        "/classifiers",
        r#"{"name": "stolen", "cloneClassifierId": "{classifier}"}"#,
    ),
    (
        "/split_runs",
        r#"{"config": {split_config}, "file": {"id": "{file}"}}"#,
    ),
    (
        "/split_runs",
        r#"{"splitter": {"id": "{splitter}"}, "file": {"text": "Total: 1"}}"#,
    ),
    (
        "/split",
        r#"{"splitter": {"id": "{splitter}"}, "file": {"text": "Total: 1"}}"#,
    ),
    (
        "/split_runs/batch",
        r#"{"splitter": {"id": "{splitter}"}, "inputs": [{"file": {"text": "Total: 1"}}]}"#,
    ),
    (
        "/splitters",
        r#"{"name": "stolen", "cloneSplitterId": "{splitter}"}"#,
    ),
    ("/parse_runs", r#"{"file": {"id": "{file}"}}"#),
    ("/parse", r#"{"file": {"id": "{text_file}"}}"#),
    (
        "/parse_runs/batch",
        r#"{"inputs": [{"file": {"id": "{file}"}}]}"#,
    ),
    (
        "/extractors",
        r#"{"name": "stolen", "cloneExtractorId": "{extractor}"}"#,
    ),
    (
        "/webhook_subscriptions",
        r#"{"webhookEndpointId": "{endpoint}", "resourceType": "extractor",
            "resourceId": "{b_extractor}", "enabledEvents": ["extract_run.processed"]}"#,
    ),
    (
        "/webhook_subscriptions",
        r#"{"webhookEndpointId": "{b_endpoint}", "resourceType": "extractor",
            "resourceId": "{extractor}", "enabledEvents": ["extract_run.processed"]}"#,
    ),
];

/// POST routes without an id that cannot name another workspace's resource,
/// or that are checked separately (the range replay).
const CREATES_EXEMPT: &[&str] = &[
    "/files/upload",
    "/webhook_endpoints",
    "/quarry/events/replay",
];

/// A's resources read back before and after B's attempts; must be identical.
const A_SNAPSHOT: &[&str] = &[
    "/files/{file}",
    "/files/{text_file}",
    "/extractors/{extractor}",
    "/extractors/{extractor}/versions",
    "/extractors/{extractor}/versions/{version}",
    "/extractors/{extractor}/versions/draft",
    "/classifiers/{classifier}",
    "/classifiers/{classifier}/versions",
    "/classify_runs/{classify_run}",
    "/classifiers?maxPageSize=100",
    "/classify_runs?maxPageSize=100",
    "/splitters/{splitter}",
    "/splitters/{splitter}/versions",
    "/split_runs/{split_run}",
    "/splitters?maxPageSize=100",
    "/split_runs?maxPageSize=100",
    "/extract_runs/{run}",
    "/extract_runs/{pending_run}",
    "/extract_runs/{batch_run}",
    "/batch_runs/{batch}",
    "/batch_runs/{parse_batch}",
    "/parse_runs/{parse}",
    "/parse_runs/{open_parse}",
    "/webhook_endpoints/{endpoint}",
    "/webhook_subscriptions/{subscription}",
    "/quarry/events/{event}/deliveries",
    "/files?maxPageSize=100",
    "/extractors?maxPageSize=100",
    "/extract_runs?maxPageSize=100",
    "/parse_runs?maxPageSize=100",
    "/webhook_endpoints?maxPageSize=100",
    "/webhook_subscriptions?maxPageSize=100",
    "/quarry/events?maxPageSize=100",
];

/// A valid ClassifyConfig for request bodies (`{classify_config}`).
const CLASSIFY_CONFIG: &str = r#"{"classifications": [
    {"id": "invoice", "type": "invoice", "description": "A supplier invoice"}]}"#;

/// A valid SplitConfig for request bodies (`{split_config}`).
const SPLIT_CONFIG: &str = r#"{"splitClassifications": [
    {"id": "invoice", "type": "invoice", "description": "A supplier invoice"}]}"#;

type Ids = HashMap<&'static str, String>;

/// A valid ExtractConfig for request bodies (`{config}` in the tables), so
/// that validation passes and only scoping can answer 404.
const CONFIG: &str = r#"{"schema": {"type": "object",
    "properties": {"total": {"type": ["number", "null"]}},
    "required": ["total"], "additionalProperties": false}}"#;

/// Replaces every `{name}` in `template` with `ids[name]` (`{config}` with
/// [`CONFIG`]); panics on a placeholder without a value.
fn fill(template: &str, ids: &Ids) -> String {
    let mut out = template
        .replace("{config}", CONFIG)
        .replace("{classify_config}", CLASSIFY_CONFIG)
        .replace("{split_config}", SPLIT_CONFIG);
    for (k, v) in ids {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    for (i, _) in out.match_indices('{') {
        let name: String = out[i + 1..]
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || *c == '_')
            .collect();
        let closed = out[i + 1 + name.len()..].starts_with('}');
        assert!(
            name.is_empty() || !closed,
            "no value for {{{name}}} in {out}"
        );
    }
    out
}

/// Fills a declared route's `{param}`s in order with `args` (id names or literals).
fn route_path(route: &str, args: &[&str], ids: &Ids) -> String {
    let mut out = String::new();
    let mut rest = route;
    let mut args = args.iter();
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').expect("closing brace") + open;
        let arg = args.next().expect("an argument per param");
        out.push_str(&rest[..open]);
        out.push_str(ids.get(*arg).map_or(*arg, String::as_str));
        rest = &rest[close + 1..];
    }
    assert!(args.next().is_none(), "too many arguments for {route}");
    out.push_str(rest);
    out
}

/// `(METHOD, path)` of every route in `src/routes/mod.rs`.
fn declared_routes() -> BTreeSet<(String, String)> {
    let src = include_str!("../src/routes/mod.rs");
    let src = src.split(".fallback(").next().expect("route table");
    let mut out = BTreeSet::new();
    for chunk in src.split(".route(").skip(1) {
        let path = chunk.split('"').nth(1).expect("path literal");
        let handlers = &chunk[chunk.find(',').expect("handlers")..];
        let pieces: Vec<&str> = handlers.split('(').collect();
        for piece in &pieces[..pieces.len() - 1] {
            let ident: String = piece
                .chars()
                .rev()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            if ["get", "post", "put", "patch", "delete"].contains(&ident.as_str()) {
                out.insert((ident.to_uppercase(), path.to_string()));
            }
        }
    }
    assert!(out.len() > 20, "route table not understood: {out:?}");
    out
}

#[test]
fn tables_cover_every_route() {
    let declared = declared_routes();
    let by_id: BTreeSet<(String, String)> = ID_ROUTES
        .iter()
        .map(|(m, r, _, _)| (m.to_string(), r.to_string()))
        .collect();
    let lists: BTreeSet<&str> = LISTS
        .iter()
        .map(|l| l.split('?').next().expect("path"))
        .collect();
    let creates: BTreeSet<&str> = CREATES.iter().map(|(p, _)| *p).collect();
    for (method, path) in &declared {
        let covered = if path.contains('{') {
            by_id.contains(&(method.clone(), path.clone()))
        } else if method == "GET" {
            lists.contains(path.as_str())
                || ["/healthz", "/readyz", "/metrics"].contains(&path.as_str())
        } else {
            creates.contains(path.as_str()) || CREATES_EXEMPT.contains(&path.as_str())
        };
        assert!(covered, "{method} {path} has no row in the tenancy tables");
    }
    for row in by_id.iter() {
        assert!(declared.contains(row), "stale row {row:?}: no such route");
    }
    for path in lists.iter().chain(&creates) {
        assert!(
            declared.iter().any(|(_, p)| p == path),
            "stale row {path}: no such route"
        );
    }
}

/// A local webhook receiver: POST `/{who}` records `(who, body)`.
#[derive(Clone, Default)]
struct Hooks(Arc<Mutex<Vec<(String, String)>>>);

impl Hooks {
    async fn start() -> (String, Self) {
        let hooks = Self::default();
        let h = hooks.clone();
        let app = axum::Router::new().route(
            "/{who}",
            axum::routing::post(move |Path(who): Path<String>, body: String| {
                let h = h.clone();
                async move {
                    h.0.lock().expect("lock").push((who, body));
                    axum::http::StatusCode::OK
                }
            }),
        );
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        (base, hooks)
    }

    fn bodies(&self, who: &str) -> Vec<String> {
        let all = self.0.lock().expect("lock");
        all.iter()
            .filter(|(w, _)| w == who)
            .map(|(_, b)| b.clone())
            .collect()
    }
}

/// Sends a request with `key`'s bearer token.
async fn call(
    s: &TestServer,
    key: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Response {
    let mut req = s
        .http
        .request(method, format!("{}{path}", s.base))
        .bearer_auth(key)
        .header("x-extend-api-version", "2026-02-09");
    if let Some(b) = body {
        req = req.json(&b);
    }
    req.send().await.expect("send")
}

async fn ok_json(resp: Response) -> Value {
    let status = resp.status();
    let body: Value = resp.json().await.expect("json");
    assert!(status.is_success(), "{status}: {body}");
    body
}

async fn a_post(s: &TestServer, path: &str, body: Value) -> Value {
    ok_json(call(s, KEY, Method::POST, path, Some(body)).await).await
}

async fn get_as(s: &TestServer, key: &str, path: &str) -> Value {
    ok_json(call(s, key, Method::GET, path, None).await).await
}

fn id_of(v: &Value) -> String {
    v["id"].as_str().expect("id").to_string()
}

/// Polls `path` as A until `done` holds (10 s at most).
async fn wait_for(s: &TestServer, path: &str, done: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..200 {
        let v = get_as(s, KEY, path).await;
        if done(&v) {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{path} did not settle");
}

/// Polls until `who` has received `n` webhook bodies (10 s at most).
async fn wait_hooks(hooks: &Hooks, who: &str, n: usize) {
    for _ in 0..200 {
        if hooks.bodies(who).len() >= n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "{who} got {} webhooks, expected {n}",
        hooks.bodies(who).len()
    );
}

/// Every resource A can read, keyed by path (content as text).
async fn snapshot(s: &TestServer, ids: &Ids) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for template in A_SNAPSHOT {
        let path = fill(template, ids);
        let v = get_as(s, KEY, &path).await;
        out.push((path, v));
    }
    for f in ["file", "text_file"] {
        let path = format!("/files/{}/content", ids[f]);
        let resp = call(s, KEY, Method::GET, &path, None).await;
        assert_eq!(resp.status(), 200, "{path}");
        out.push((path, Value::String(resp.text().await.expect("text"))));
    }
    out
}

#[tokio::test]
async fn workspace_b_cannot_reach_anything_of_workspace_a() {
    let s = TestServer::start(|c| {
        c.workers = 0;
        c.url_allow = AllowList::parse("127.0.0.1").expect("allow list");
    })
    .await;
    register_key(s.state.store.as_ref(), KEY_B, "tenant b", WS_B)
        .await
        .expect("key b");
    let (hook_base, hooks) = Hooks::start().await;
    let mut ids: Ids = HashMap::new();

    // ── Workspace A: one of everything. ──
    let endpoint = a_post(
        &s,
        "/webhook_endpoints",
        json!({
            "url": format!("{hook_base}/a"),
            "name": "a-hook",
            "enabledEvents": [
                "extract_run.processed", "extract_run.failed",
                "batch_processor_run.processed", "parse_run.processed",
                "batch_parse_run.processed", "extractor.created",
                "extractor.updated", "extractor.version.published",
                "classifier.created", "classifier.version.published",
                "classify_run.processed", "splitter.created",
                "splitter.version.published", "split_run.processed"
            ],
            "apiVersion": "2026-02-09",
        }),
    )
    .await;
    ids.insert("endpoint", id_of(&endpoint));

    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(INVOICE_TEXT.as_bytes().to_vec()).file_name("invoice.txt"),
    );
    let file = ok_json(
        s.req(Method::POST, "/files/upload")
            .multipart(form)
            .send()
            .await
            .expect("send"),
    )
    .await;
    ids.insert("file", id_of(&file));

    let extractor = a_post(
        &s,
        "/extractors",
        json!({"name": "invoices", "config": {"schema": invoice_schema()}}),
    )
    .await;
    ids.insert("extractor", id_of(&extractor));
    let version = a_post(
        &s,
        &format!("/extractors/{}/versions", ids["extractor"]),
        json!({"releaseType": "major"}),
    )
    .await;
    assert_eq!(version["version"], "1.0", "{version}");
    ids.insert("version", id_of(&version));

    let classify_config: Value = serde_json::from_str(CLASSIFY_CONFIG).expect("config");
    let classifier = a_post(
        &s,
        "/classifiers",
        json!({"name": "kinds", "config": classify_config}),
    )
    .await;
    ids.insert("classifier", id_of(&classifier));
    let classifier_version = a_post(
        &s,
        &format!("/classifiers/{}/versions", ids["classifier"]),
        json!({"releaseType": "major"}),
    )
    .await;
    ids.insert("classifier_version", id_of(&classifier_version));
    let classify_run = a_post(
        &s,
        "/classify_runs",
        json!({"classifier": {"id": ids["classifier"]}, "file": {"id": ids["file"]}}),
    )
    .await;
    ids.insert("classify_run", id_of(&classify_run));
    let split_config: Value = serde_json::from_str(SPLIT_CONFIG).expect("config");
    let splitter = a_post(
        &s,
        "/splitters",
        json!({"name": "packets", "config": split_config}),
    )
    .await;
    ids.insert("splitter", id_of(&splitter));
    let splitter_version = a_post(
        &s,
        &format!("/splitters/{}/versions", ids["splitter"]),
        json!({"releaseType": "major"}),
    )
    .await;
    ids.insert("splitter_version", id_of(&splitter_version));
    let split_run = a_post(
        &s,
        "/split_runs",
        json!({"splitter": {"id": ids["splitter"]}, "file": {"id": ids["file"]}}),
    )
    .await;
    ids.insert("split_run", id_of(&split_run));

    let sub = a_post(
        &s,
        "/webhook_subscriptions",
        json!({
            "webhookEndpointId": ids["endpoint"],
            "resourceType": "extractor",
            "resourceId": ids["extractor"],
            "enabledEvents": ["extract_run.failed"],
        }),
    )
    .await;
    ids.insert("subscription", id_of(&sub));

    let run = a_post(
        &s,
        "/extract_runs",
        json!({"extractor": {"id": ids["extractor"]}, "file": {"id": ids["file"]}}),
    )
    .await;
    ids.insert("run", id_of(&run));
    let batch = a_post(
        &s,
        "/extract_runs/batch",
        json!({"extractor": {"id": ids["extractor"]}, "inputs": [{"file": {"id": ids["file"]}}]}),
    )
    .await;
    ids.insert("batch", id_of(&batch));
    let parse = a_post(
        &s,
        "/parse_runs",
        json!({"file": {"text": INVOICE_TEXT, "name": "notes.txt"}}),
    )
    .await;
    ids.insert("parse", id_of(&parse));
    let parse_batch = a_post(
        &s,
        "/parse_runs/batch",
        json!({"inputs": [{"file": {"id": ids["file"]}}]}),
    )
    .await;
    ids.insert("parse_batch", id_of(&parse_batch));

    // Process everything queued so far, then stop the worker.
    let (stop_tx, stop_rx) = watch::channel(false);
    let workers = spawn_workers(&s.state, 1, stop_rx);
    let done = |v: &Value| v["status"] == "PROCESSED";
    wait_for(&s, &format!("/extract_runs/{}", ids["run"]), done).await;
    wait_for(&s, &format!("/batch_runs/{}", ids["batch"]), done).await;
    wait_for(&s, &format!("/parse_runs/{}", ids["parse"]), done).await;
    let classify_run = format!("/classify_runs/{}", ids["classify_run"]);
    wait_for(&s, &classify_run, done).await;
    let split_run = format!("/split_runs/{}", ids["split_run"]);
    wait_for(&s, &split_run, done).await;
    wait_for(&s, &format!("/batch_runs/{}", ids["parse_batch"]), done).await;
    let _ = stop_tx.send(true);
    for w in workers {
        w.await.expect("worker");
    }

    // Runs nobody will process: a PENDING extract run and an open parse run.
    let pending = a_post(
        &s,
        "/extract_runs",
        json!({"config": {"schema": invoice_schema()}, "file": {"id": ids["file"]}}),
    )
    .await;
    assert_eq!(pending["status"], "PENDING");
    ids.insert("pending_run", id_of(&pending));
    let open_parse = a_post(&s, "/parse_runs", json!({"file": {"id": ids["file"]}})).await;
    assert_eq!(open_parse["status"], "PROCESSING");
    ids.insert("open_parse", id_of(&open_parse));

    let batch_runs = get_as(&s, KEY, &format!("/extract_runs?batchId={}", ids["batch"])).await;
    ids.insert("batch_run", id_of(&batch_runs["data"][0]));
    let files = get_as(&s, KEY, "/files?maxPageSize=100").await;
    let text_file = files["data"]
        .as_array()
        .expect("files")
        .iter()
        .find(|f| f["name"] == "notes.txt")
        .expect("the parse run's text file");
    ids.insert("text_file", id_of(text_file));

    // Wait until every event A's endpoint wants is delivered, then pick one.
    let events = wait_for(&s, "/quarry/events?maxPageSize=100", |v| {
        v["data"].as_array().is_some_and(|d| d.len() >= 8)
    })
    .await;
    let events = events["data"].as_array().expect("events").clone();
    for e in &events {
        wait_for(
            &s,
            &format!(
                "/quarry/events/{}/deliveries",
                e["id"].as_str().expect("id")
            ),
            |d| {
                d["data"]
                    .as_array()
                    .is_some_and(|d| d.len() == 1 && d[0]["state"] == "delivered")
            },
        )
        .await;
    }
    let event = events
        .iter()
        .find(|e| {
            e["eventType"] == "extract_run.processed" && e["resourceId"] == ids["run"].as_str()
        })
        .expect("the run's processed event");
    ids.insert("event", id_of(event));
    let a_hits = hooks.bodies("a").len();
    assert_eq!(a_hits, events.len());

    let before = snapshot(&s, &ids).await;
    let a_ids: Vec<String> = ids.values().cloned().collect();
    let leaks = |text: &str| -> Vec<String> {
        a_ids
            .iter()
            .filter(|id| text.contains(id.as_str()))
            .cloned()
            .collect()
    };

    // ── Workspace B sees nothing of A's. ──
    for template in LISTS {
        let path = fill(template, &ids);
        let list = get_as(&s, KEY_B, &path).await;
        assert_eq!(list["data"], json!([]), "B's {path} is not empty: {list}");
    }

    // B's own endpoint and extractor (for the rows that mix B's ids with A's).
    let b_endpoint = ok_json(
        call(
            &s,
            KEY_B,
            Method::POST,
            "/webhook_endpoints",
            Some(json!({
                "url": format!("{hook_base}/b"),
                "name": "b-hook",
                "enabledEvents": ["extractor.created", "extract_run.processed"],
                "apiVersion": "2026-02-09",
            })),
        )
        .await,
    )
    .await;
    let b_extractor = ok_json(
        call(
            &s,
            KEY_B,
            Method::POST,
            "/extractors",
            Some(json!({"name": "b-own", "config": {"schema": invoice_schema()}})),
        )
        .await,
    )
    .await;
    ids.insert("b_endpoint", id_of(&b_endpoint));
    ids.insert("b_extractor", id_of(&b_extractor));
    wait_hooks(&hooks, "b", 1).await;

    // Every id route with A's ids: 404 with the documented body.
    let mut tried = 0;
    for (method, route, args, body) in ID_ROUTES {
        let path = route_path(route, args, &ids);
        let method = Method::from_bytes(method.as_bytes()).expect("method");
        let body = body.map(|b| serde_json::from_str::<Value>(&fill(b, &ids)).expect("row body"));
        let resp = call(&s, KEY_B, method.clone(), &path, body).await;
        let err = assert_error(resp, 404, "NOT_FOUND").await;
        let msg = err["message"].as_str().expect("message");
        assert!(!msg.starts_with("No route"), "{method} {path}: {msg}");
        assert!(
            !msg.contains(WS_A),
            "{method} {path} names A's workspace: {msg}"
        );
        tried += 1;
    }
    assert_eq!(tried, ID_ROUTES.len());

    // Creations in B naming A's ids: 404, nothing stored.
    for (path, body) in CREATES {
        let body: Value = serde_json::from_str(&fill(body, &ids)).expect("row body");
        let resp = call(&s, KEY_B, Method::POST, path, Some(body.clone())).await;
        let err = assert_error(resp, 404, "NOT_FOUND").await;
        assert!(
            !err["message"]
                .as_str()
                .expect("msg")
                .starts_with("No route"),
            "{path} {body}"
        );
    }

    // B uploads A's bytes and deletes its copy: the shared blob stays for A.
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(INVOICE_TEXT.as_bytes().to_vec()).file_name("mine.txt"),
    );
    let b_file = ok_json(
        s.http
            .post(format!("{}/files/upload", s.base))
            .bearer_auth(KEY_B)
            .header("x-extend-api-version", "2026-02-09")
            .multipart(form)
            .send()
            .await
            .expect("send"),
    )
    .await;
    ok_json(
        call(
            &s,
            KEY_B,
            Method::DELETE,
            &format!("/files/{}", id_of(&b_file)),
            None,
        )
        .await,
    )
    .await;

    // B's range replay resends B's own event only, never A's.
    let b_events = get_as(&s, KEY_B, "/quarry/events").await;
    let b_event_count = b_events["data"].as_array().expect("events").len();
    assert_eq!(b_event_count, 1, "{b_events}");
    let replayed = ok_json(
        call(
            &s,
            KEY_B,
            Method::POST,
            "/quarry/events/replay",
            Some(json!({"from": "2000-01-01T00:00:00Z", "to": "2100-01-01T00:00:00Z"})),
        )
        .await,
    )
    .await;
    assert_eq!(replayed["events"], b_event_count, "{replayed}");
    wait_hooks(&hooks, "b", 2).await;
    // A few dispatcher polls: nothing more may reach A's receiver.
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(hooks.bodies("a").len(), a_hits, "B's replay reached A");
    for body in hooks.bodies("b") {
        assert!(
            leaks(&body).is_empty(),
            "B's webhook carries A's ids: {body}"
        );
    }

    // B's lists still show nothing of A's (B now has its own resources).
    for template in LISTS {
        let path = fill(template, &ids);
        let list = get_as(&s, KEY_B, &path).await;
        assert!(leaks(&list.to_string()).is_empty(), "B's {path}: {list}");
    }

    // ── The workspace header: a key only ever reaches its own workspace. ──
    for (key, ws, path) in [
        (KEY, WS_B, "/files".to_string()),
        (KEY, WS_B, format!("/extractors/{}", ids["b_extractor"])),
        (KEY, WS_B, "/quarry/events".to_string()),
        (KEY_B, WS_A, format!("/files/{}", ids["file"])),
        (KEY_B, WS_A, "/extract_runs".to_string()),
    ] {
        let resp = s
            .http
            .get(format!("{}{path}", s.base))
            .bearer_auth(key)
            .header("x-extend-api-version", "2026-02-09")
            .header("x-extend-workspace-id", ws)
            .send()
            .await
            .expect("send");
        assert_error(resp, 403, "FORBIDDEN").await;
    }
    let resp = s
        .req(Method::POST, "/extractors")
        .header("x-extend-workspace-id", WS_B)
        .json(&json!({"name": "sneaky"}))
        .send()
        .await
        .expect("send");
    assert_error(resp, 403, "FORBIDDEN").await;
    let b_extractors = get_as(&s, KEY_B, "/extractors").await;
    assert_eq!(b_extractors["data"].as_array().expect("list").len(), 1);
    for (key, ws) in [(KEY, WS_A), (KEY_B, WS_B)] {
        let resp = s
            .http
            .get(format!("{}/files", s.base))
            .bearer_auth(key)
            .header("x-extend-api-version", "2026-02-09")
            .header("x-extend-workspace-id", ws)
            .send()
            .await
            .expect("send");
        assert_eq!(resp.status(), 200, "{ws}");
    }

    // ── A's resources are exactly as they were. ──
    let after = snapshot(&s, &ids).await;
    for ((path, was), (_, now)) in before.iter().zip(&after) {
        assert_eq!(was, now, "A's {path} changed");
    }
    let get = |id: &str| format!("/extract_runs/{}", ids[id]);
    assert_eq!(
        get_as(&s, KEY, &get("pending_run")).await["status"],
        "PENDING"
    );
    assert_eq!(get_as(&s, KEY, &get("run")).await["status"], "PROCESSED");
    let open = get_as(&s, KEY, &format!("/parse_runs/{}", ids["open_parse"])).await;
    assert_eq!(open["status"], "PROCESSING");
    let ep = get_as(&s, KEY, &format!("/webhook_endpoints/{}", ids["endpoint"])).await;
    assert_eq!(
        (ep["name"].as_str(), ep["status"].as_str()),
        (Some("a-hook"), Some("enabled"))
    );
    let ex = get_as(&s, KEY, &format!("/extractors/{}", ids["extractor"])).await;
    assert_eq!(ex["name"], "invoices");
    assert_eq!(hooks.bodies("a").len(), a_hits);

    // Control: A's own replay does reach A's receiver, so the checks above bite.
    let own = ok_json(
        call(
            &s,
            KEY,
            Method::POST,
            &format!("/quarry/events/{}/replay", ids["event"]),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(own["deliveries"], 1, "{own}");
    wait_hooks(&hooks, "a", a_hits + 1).await;
    s.stop().await;
}

/// With `key_secret` set, new keys are stored as HMAC-SHA256 under it (not
/// the key's plain SHA-256) and still authenticate; keys minted before the
/// secret keep working.
#[tokio::test]
async fn keys_are_hmacd_under_the_server_secret() {
    use quarry_server::keys::{KeySecret, register_key_with, stored_hash};
    let secret = KeySecret("test-secret".into());
    let server = TestServer::start(|c| c.key_secret = Some(KeySecret("test-secret".into()))).await;
    let key = "qry_keyed_0123456789abcdef";
    let record = register_key_with(
        server.state.store.as_ref(),
        Some(&secret),
        key,
        "keyed",
        "ws_default",
    )
    .await
    .expect("register");
    assert_eq!(record.key_hash, stored_hash(Some(&secret), key));
    assert_ne!(
        record.key_hash,
        stored_hash(None, key),
        "not the plain SHA-256"
    );
    let ok = server
        .http
        .get(format!("{}/extractors", server.base))
        .bearer_auth(key)
        .header("x-extend-api-version", "2026-02-09")
        .send()
        .await
        .expect("send");
    assert_eq!(ok.status(), 200);
    // The bootstrap key of the test server predates the secret (plain hash).
    assert_eq!(server.get("/extractors").await.status(), 200);
    server.stop().await;
}
