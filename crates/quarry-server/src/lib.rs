//! Quarry's HTTP server and workers.
//!
//! * [`routes`] — the Extend-compatible API, one module per resource family;
//! * [`http`] — middleware (request ids, error envelope, auth, version);
//! * [`worker`] — claim → pipeline (`quarry-pipeline`) → persist loops over the store's queue;
//! * [`webhooks`] — the dispatcher that delivers signed events from the outbox;
//! * `metrics` — the Prometheus recorder and `GET /metrics`;
//! * `dashboard` — the web dashboard (`/dashboard`) and human review;
//! * `openapi` — the OpenAPI 3.1 document (`/openapi.json`) and its docs page (`/docs`);
//! * [`serve`] — binds the listener and runs API and workers until shutdown.
//!
//! This crate knows HTTP and orchestration; a run's processing lives in
//! `quarry-pipeline`, storage in `quarry-store`, and neither sees a request.

pub mod config;
mod dashboard;
mod error;
pub mod http;
mod ingest;
pub mod keys;
mod metrics;
pub mod net;
mod openapi;
mod processor_family;
mod processor_runs;
mod processors;
mod review;
pub mod routes;
mod run_family;
mod runs;
pub mod serve;
pub mod state;
mod views;
pub mod webhooks;
pub mod worker;

pub use config::Config;
pub use state::AppState;
