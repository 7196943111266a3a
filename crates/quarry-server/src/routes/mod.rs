//! The route table: one file per resource family, thin handlers that
//! validate, call the store or a service function, and render a view.

pub mod classifiers;
pub mod classify_runs;
pub mod events;
pub mod extract_runs;
pub mod extractors;
pub mod files;
pub mod health;
pub mod paging;
pub mod parse_runs;
pub mod split_runs;
pub mod splitters;
pub mod webhook_endpoints;
pub mod webhook_subscriptions;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};

use crate::error::ApiError;
use crate::http::{auth, envelope};
use crate::state::AppState;

/// The whole HTTP application with its middleware stack.
pub fn router(state: AppState) -> Router {
    let limit = state.config.max_body_bytes;
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(crate::metrics::scrape))
        .route("/files", get(files::list))
        .route("/files/upload", post(files::upload))
        .route("/files/{id}", get(files::get).delete(files::delete))
        .route("/files/{id}/content", get(files::content))
        .route(
            "/extractors",
            get(extractors::list).post(extractors::create),
        )
        .route(
            "/extractors/{id}",
            get(extractors::get).post(extractors::update),
        )
        .route(
            "/extractors/{id}/versions",
            get(extractors::list_versions).post(extractors::create_version),
        )
        .route(
            "/extractors/{id}/versions/{version}",
            get(extractors::get_version),
        )
        .route(
            "/classifiers",
            get(classifiers::list).post(classifiers::create),
        )
        .route(
            "/classifiers/{id}",
            get(classifiers::get).post(classifiers::update),
        )
        .route(
            "/classifiers/{id}/versions",
            get(classifiers::list_versions).post(classifiers::create_version),
        )
        .route(
            "/classifiers/{id}/versions/{version}",
            get(classifiers::get_version),
        )
        .route(
            "/classify_runs",
            get(classify_runs::list).post(classify_runs::create),
        )
        .route("/classify_runs/batch", post(classify_runs::create_batch))
        .route(
            "/classify_runs/{id}",
            get(classify_runs::get).delete(classify_runs::delete),
        )
        .route("/classify_runs/{id}/cancel", post(classify_runs::cancel))
        .route("/classify", post(classify_runs::classify_sync))
        .route("/splitters", get(splitters::list).post(splitters::create))
        .route(
            "/splitters/{id}",
            get(splitters::get).post(splitters::update),
        )
        .route(
            "/splitters/{id}/versions",
            get(splitters::list_versions).post(splitters::create_version),
        )
        .route(
            "/splitters/{id}/versions/{version}",
            get(splitters::get_version),
        )
        .route(
            "/split_runs",
            get(split_runs::list).post(split_runs::create),
        )
        .route("/split_runs/batch", post(split_runs::create_batch))
        .route(
            "/split_runs/{id}",
            get(split_runs::get).delete(split_runs::delete),
        )
        .route("/split_runs/{id}/cancel", post(split_runs::cancel))
        .route("/split", post(split_runs::split_sync))
        .route(
            "/extract_runs",
            get(extract_runs::list).post(extract_runs::create),
        )
        .route("/extract_runs/batch", post(extract_runs::create_batch))
        .route(
            "/extract_runs/{id}",
            get(extract_runs::get).delete(extract_runs::delete),
        )
        .route("/extract_runs/{id}/cancel", post(extract_runs::cancel))
        .route("/extract", post(extract_runs::extract_sync))
        .route("/batch_runs/{id}", get(extract_runs::get_batch))
        .route(
            "/parse_runs",
            get(parse_runs::list).post(parse_runs::create),
        )
        .route("/parse_runs/batch", post(parse_runs::create_batch))
        .route(
            "/parse_runs/{id}",
            get(parse_runs::get).delete(parse_runs::delete),
        )
        .route("/parse_runs/{id}/cancel", post(parse_runs::cancel))
        .route("/parse", post(parse_runs::parse_sync))
        .route(
            "/webhook_endpoints",
            get(webhook_endpoints::list).post(webhook_endpoints::create),
        )
        .route(
            "/webhook_endpoints/{id}",
            get(webhook_endpoints::get)
                .post(webhook_endpoints::update)
                .delete(webhook_endpoints::delete),
        )
        .route(
            "/webhook_subscriptions",
            get(webhook_subscriptions::list).post(webhook_subscriptions::create),
        )
        .route(
            "/webhook_subscriptions/{id}",
            get(webhook_subscriptions::get)
                .post(webhook_subscriptions::update)
                .delete(webhook_subscriptions::delete),
        )
        .route(
            "/quarry/extract_runs/{id}/review",
            post(extract_runs::review),
        )
        .route("/quarry/events", get(events::list))
        .route("/quarry/events/replay", post(events::replay_range))
        .route("/quarry/events/{id}/deliveries", get(events::deliveries))
        .route("/quarry/events/{id}/replay", post(events::replay))
        .fallback(not_found)
        .layer(from_fn_with_state(state.clone(), auth::authenticate))
        .merge(crate::dashboard::router())
        .merge(crate::openapi::docs::router())
        .layer(DefaultBodyLimit::max(limit))
        .layer(from_fn(envelope::envelope))
        .with_state(state)
}

/// Probes and metrics only (no auth): what a `quarry worker` process serves
/// on `--metrics-bind`, so workers without the API can still be scraped.
pub fn probe_router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(crate::metrics::scrape))
        .fallback(not_found)
        .layer(from_fn(envelope::envelope))
        .with_state(state)
}

async fn not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::NotFound(format!("No route for `{}`", uri.path()))
}
