//! The web dashboard served by `quarry serve` under `/dashboard`: sign-in
//! with an API key ([`session`]), the runs list with the API's filters and
//! live status ([`runs`]), the run page with the document, its extracted
//! fields and citations, and human review ([`run_page`], rendered pages from
//! [`document`]), and extractors with their schema, versions and a "try it"
//! upload ([`extractors`]).
//!
//! Pages are server-rendered HTML ([`html`]) plus one small script and one
//! stylesheet, embedded in the binary with `include_str!`: nothing to build,
//! nothing to fetch. These routes sit outside the API's bearer-key
//! middleware; each handler takes a [`session::Viewer`] instead, so every
//! page (images and polling endpoints included) needs a signed-in session.

pub mod classify;
mod document;
pub mod extractors;
pub mod html;
pub mod run_page;
pub mod runs;
pub mod session;

use axum::Router;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use crate::state::AppState;

const SCRIPT: &str = include_str!("assets/dashboard.js");
const STYLE: &str = include_str!("assets/dashboard.css");

/// The dashboard's routes, merged into the API router outside its auth layer.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/dashboard",
            get(|| async { Redirect::to("/dashboard/runs") }),
        )
        .route(
            "/dashboard/",
            get(|| async { Redirect::to("/dashboard/runs") }),
        )
        .route("/dashboard/assets/dashboard.js", get(script))
        .route("/dashboard/assets/dashboard.css", get(style))
        .route(
            "/dashboard/login",
            get(session::login_page).post(session::login),
        )
        .route("/dashboard/logout", post(session::logout))
        .route("/dashboard/runs", get(runs::list))
        .route("/dashboard/runs/status", get(runs::status))
        .route("/dashboard/runs/{id}", get(run_page::show))
        .route("/dashboard/runs/{id}/review", post(run_page::review))
        .route("/dashboard/runs/{id}/pages/{n}", get(document::page_image))
        .route("/dashboard/classify", get(classify::list))
        .route("/dashboard/extractors", get(extractors::list))
        .route("/dashboard/extractors/{id}", get(extractors::show))
        .route("/dashboard/extractors/{id}/try", post(extractors::try_file))
}

async fn script() -> Response {
    asset("text/javascript; charset=utf-8", SCRIPT)
}

async fn style() -> Response {
    asset("text/css; charset=utf-8", STYLE)
}

/// Assets are public (no tenant data) and change only with the binary.
fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        body,
    )
        .into_response()
}
