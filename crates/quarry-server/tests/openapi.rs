//! `GET /openapi.json` and `GET /docs` on a live server: the document
//! parses as OpenAPI 3.1, names every route of the API router (read from
//! the route table's source, so a route added without `#[utoipa::path]`
//! fails here) and no route the router lacks, and every `$ref` resolves.
//! The docs page works offline: it loads nothing from another host.

mod common;

use std::collections::BTreeSet;

use common::TestServer;
use serde_json::Value;

/// The route table; the dashboard's HTML pages are not part of the API.
const ROUTE_TABLE: &str = include_str!("../src/routes/mod.rs");
const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// `(METHOD, path)` of every `.route(…)` call in `source`.
fn routes_in(source: &str) -> BTreeSet<(String, String)> {
    let mut routes = BTreeSet::new();
    for call in source.split(".route(").skip(1) {
        let call = [".fallback(", ".layer(", ".merge(", ".with_state("]
            .iter()
            .filter_map(|end| call.find(end))
            .min()
            .map_or(call, |end| &call[..end]);
        let path = call.split('"').nth(1).expect("route path literal");
        for method in METHODS {
            let needle = format!("{method}(");
            let calls = call.match_indices(&needle).filter(|(i, _)| {
                call[..*i]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == ':'))
            });
            if calls.count() > 0 {
                routes.insert((method.to_uppercase(), path.to_string()));
            }
        }
    }
    routes
}

/// `(METHOD, path)` of every operation in the document.
fn operations_in(doc: &Value) -> BTreeSet<(String, String)> {
    let paths = doc["paths"].as_object().expect("paths object");
    paths
        .iter()
        .flat_map(|(path, item)| {
            METHODS
                .iter()
                .filter(|m| item.get(**m).is_some())
                .map(move |m| (m.to_uppercase(), path.clone()))
        })
        .collect()
}

/// Every `$ref` value anywhere under `v`.
fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push(r),
                    _ => refs(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

/// `GET path` without credentials; asserts 200.
async fn get_public(s: &TestServer, path: &str) -> reqwest::Response {
    let resp = s
        .http
        .get(format!("{}{path}", s.base))
        .send()
        .await
        .expect("send");
    assert_eq!(
        resp.status().as_u16(),
        200,
        "{path} is served without a key"
    );
    resp
}

#[test]
fn the_route_table_parser_sees_every_method() {
    let routes = routes_in(
        r#"Router::new()
        .route("/a", get(m::get).delete(m::delete))
        .route(
            "/b/{id}",
            get(m::list_versions).post(m::create_version),
        )
        .route("/c", post(m::get_post))
        .fallback(not_found)"#,
    );
    let want: BTreeSet<_> = [
        ("GET", "/a"),
        ("DELETE", "/a"),
        ("GET", "/b/{id}"),
        ("POST", "/b/{id}"),
        ("POST", "/c"),
    ]
    .iter()
    .map(|(m, p)| (m.to_string(), p.to_string()))
    .collect();
    assert_eq!(routes, want);
}

#[tokio::test]
async fn openapi_document_covers_every_route_of_the_router() {
    let s = TestServer::start(|_| {}).await;
    let resp = get_public(&s, "/openapi.json").await;
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("application/json")
    );
    let doc: Value = resp.json().await.expect("JSON document");
    assert_eq!(doc["openapi"], "3.1.0");

    let routes = routes_in(ROUTE_TABLE);
    assert!(routes.len() > 40, "route table parsed: {routes:?}");
    let documented = operations_in(&doc);
    let undocumented: Vec<_> = routes.difference(&documented).collect();
    assert!(
        undocumented.is_empty(),
        "routes without #[utoipa::path]: {undocumented:?}"
    );
    let phantom: Vec<_> = documented.difference(&routes).collect();
    assert!(phantom.is_empty(), "documented but not routed: {phantom:?}");

    let mut ids = BTreeSet::new();
    for (_, item) in doc["paths"].as_object().expect("paths").iter() {
        for op in item.as_object().expect("path item").values() {
            let id = op["operationId"].as_str().expect("operationId");
            assert!(ids.insert(id.to_string()), "duplicate operationId {id}");
        }
    }

    let mut all = Vec::new();
    refs(&doc, &mut all);
    for r in all {
        let pointer = r.strip_prefix('#').expect("local $ref");
        assert!(doc.pointer(pointer).is_some(), "dangling $ref {r}");
    }

    // Keyed routes carry the bearer scheme and its 401; probes need no key.
    let files = &doc["paths"]["/files/{id}"]["get"];
    assert_eq!(files["security"][0]["apiKey"], Value::Array(vec![]));
    assert!(files["responses"]["401"].is_object());
    assert_eq!(
        doc["paths"]["/healthz"]["get"]["security"][0],
        Value::Object(Default::default())
    );
    s.stop().await;
}

#[tokio::test]
async fn docs_page_renders_the_document_without_other_hosts() {
    let s = TestServer::start(|_| {}).await;
    let html = get_public(&s, "/docs").await.text().await.expect("html");
    assert!(html.contains("/docs/redoc.standalone.js"), "{html}");
    assert!(
        html.contains("\"/extract_runs\""),
        "the document is inlined"
    );
    let script_tags: Vec<_> = html.match_indices("src=\"").collect();
    assert!(
        script_tags
            .iter()
            .all(|(i, m)| html[i + m.len()..].starts_with('/')),
        "only same-origin assets: {html}"
    );
    let script = get_public(&s, "/docs/redoc.standalone.js").await;
    assert!(script.text().await.expect("js").contains("Redoc"));
    s.stop().await;
}
