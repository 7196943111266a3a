//! Liveness and readiness probes (no authentication).

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::state::AppState;

/// Body of `GET /healthz`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// Always `ok`.
    status: &'static str,
}

/// Body of `GET /readyz`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Readiness {
    /// Always `ready` (an unreachable database answers 500 instead).
    status: &'static str,
    /// Queue jobs by state.
    queue: BTreeMap<String, i64>,
}

#[utoipa::path(
    get, path = "/healthz", tag = "probes",
    responses((status = 200, description = "The process is up", body = Health)),
)]
pub async fn healthz() -> Json<Health> {
    Json(Health { status: "ok" })
}

/// Ready when the database answers; reports queue depth by state.
#[utoipa::path(
    get, path = "/readyz", tag = "probes",
    responses((status = 200, description = "The database answers", body = Readiness)),
)]
pub async fn readyz(State(state): State<AppState>) -> Result<Json<Readiness>, ApiError> {
    let queue = state.store.queue_depth().await?.into_iter().collect();
    Ok(Json(Readiness {
        status: "ready",
        queue,
    }))
}
