//! The OpenAPI 3.1 description of the HTTP API, generated from the wire
//! types (`quarry-model` with its `openapi` feature) and the
//! `#[utoipa::path]` attribute on every handler, so the document cannot
//! drift from the code that serves it.
//!
//! What every operation shares — the bearer key, the version and workspace
//! headers, and the error responses the middleware can produce — is added
//! once by [`conventions::Conventions`] instead of being repeated on each
//! handler. [`docs`] serves the document at `GET /openapi.json` and a
//! browsable page at `GET /docs`.

mod conventions;
pub mod docs;

use conventions::Conventions;
use quarry_model::error::ErrorBody;
use utoipa::OpenApi;

use crate::routes::{
    classifiers, classify_runs, events, extract_runs, extractors, files, health, parse_runs,
    split_runs, splitters, webhook_endpoints, webhook_subscriptions,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Quarry API",
        description = "Self-hosted document extraction, compatible with the Extend API \
                       version `2026-02-09`. Routes under `/quarry/` are Quarry's own.",
        license(name = "MIT OR Apache-2.0"),
    ),
    modifiers(&Conventions),
    components(schemas(ErrorBody)),
    tags(
        (name = "files", description = "Uploaded documents"),
        (name = "extractors", description = "Saved extraction configs and their versions"),
        (name = "extract_runs", description = "Extraction runs, sync extraction and batches"),
        (name = "parse_runs", description = "Parse runs (document to chunks) and sync parsing"),
        (name = "classifiers", description = "Saved classification configs and their versions"),
        (name = "classify_runs", description = "Classify runs (which kind of document), sync classification and batches"),
        (name = "splitters", description = "Saved splitting configs and their versions"),
        (name = "split_runs", description = "Split runs (where each document of a packet starts and ends, each kept as a file), sync splitting and batches"),
        (name = "webhook_endpoints", description = "Where signed events are delivered"),
        (name = "webhook_subscriptions", description = "Resource-scoped event subscriptions"),
        (name = "quarry", description = "Quarry-specific: event outbox, replays, human review"),
        (name = "probes", description = "Health, readiness and Prometheus metrics (no auth)"),
    ),
    paths(
        health::healthz,
        health::readyz,
        crate::metrics::scrape,
        files::list,
        files::upload,
        files::get,
        files::delete,
        files::content,
        extractors::list,
        extractors::create,
        extractors::get,
        extractors::update,
        extractors::list_versions,
        extractors::create_version,
        extractors::get_version,
        extract_runs::list,
        extract_runs::create,
        extract_runs::create_batch,
        extract_runs::get,
        extract_runs::delete,
        extract_runs::cancel,
        extract_runs::extract_sync,
        extract_runs::get_batch,
        extract_runs::review,
        parse_runs::list,
        parse_runs::create,
        parse_runs::create_batch,
        parse_runs::get,
        parse_runs::delete,
        parse_runs::cancel,
        parse_runs::parse_sync,
        classifiers::list,
        classifiers::create,
        classifiers::get,
        classifiers::update,
        classifiers::list_versions,
        classifiers::create_version,
        classifiers::get_version,
        classify_runs::list,
        classify_runs::create,
        classify_runs::create_batch,
        classify_runs::get,
        classify_runs::delete,
        classify_runs::cancel,
        classify_runs::classify_sync,
        splitters::list,
        splitters::create,
        splitters::get,
        splitters::update,
        splitters::list_versions,
        splitters::create_version,
        splitters::get_version,
        split_runs::list,
        split_runs::create,
        split_runs::create_batch,
        split_runs::get,
        split_runs::delete,
        split_runs::cancel,
        split_runs::split_sync,
        webhook_endpoints::list,
        webhook_endpoints::create,
        webhook_endpoints::get,
        webhook_endpoints::update,
        webhook_endpoints::delete,
        webhook_subscriptions::list,
        webhook_subscriptions::create,
        webhook_subscriptions::get,
        webhook_subscriptions::update,
        webhook_subscriptions::delete,
        events::list,
        events::replay_range,
        events::deliveries,
        events::replay,
    )
)]
pub struct ApiDoc;

/// The document as JSON text.
pub fn document_json() -> String {
    ApiDoc::openapi()
        .to_pretty_json()
        .unwrap_or_else(|e| unreachable!("the OpenAPI document always serializes: {e}"))
}
