//! `GET /openapi.json` (the document) and `GET /docs` (Redoc rendering it),
//! both without authentication, like the dashboard's login page.
//!
//! utoipa-redoc's default page loads Redoc from a CDN; a self-hosted server
//! must work offline, so the page is its template pointed at the Redoc
//! standalone bundle (npm `redoc` 2.5.4, MIT, see `assets/`) embedded in the
//! binary and served at `/docs/redoc.standalone.js`.

use std::sync::LazyLock;

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use utoipa::OpenApi;
use utoipa_redoc::{Redoc, Servable};

use super::ApiDoc;
use crate::state::AppState;

/// Where the document is served.
pub const SPEC_PATH: &str = "/openapi.json";
/// Where the browsable page is served.
pub const DOCS_PATH: &str = "/docs";

const REDOC_JS: &str = include_str!("assets/redoc.standalone.js");

/// utoipa-redoc's template with the bundled script instead of the CDN one
/// (and no web fonts); `$spec` and `$config` are filled in by utoipa-redoc.
const PAGE: &str = r#"<!DOCTYPE html>
<html>
  <head>
    <title>Quarry API</title>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <style>body { margin: 0; padding: 0; }</style>
  </head>
  <body>
    <div id="redoc-container"></div>
    <script src="/docs/redoc.standalone.js"></script>
    <script>
      Redoc.init($spec, $config, document.getElementById("redoc-container"));
    </script>
  </body>
</html>
"#;

/// The document, rendered once.
static SPEC_JSON: LazyLock<String> = LazyLock::new(super::document_json);

/// The documentation routes, merged into the API router outside its auth layer.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(SPEC_PATH, get(spec))
        .route("/docs/redoc.standalone.js", get(script))
        .merge(Redoc::with_url(DOCS_PATH, ApiDoc::openapi()).custom_html(PAGE))
}

async fn spec() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        SPEC_JSON.as_str(),
    )
}

async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        REDOC_JS,
    )
}
