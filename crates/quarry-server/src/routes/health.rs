//! Liveness and readiness probes (no authentication).

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::state::AppState;

pub async fn healthz() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

/// Ready when the database answers; reports queue depth by state.
pub async fn readyz(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let depth = state.store.queue_depth().await?;
    let queue: serde_json::Map<String, Value> = depth
        .into_iter()
        .map(|(k, v)| (k, Value::from(v)))
        .collect();
    Ok(Json(json!({"status": "ready", "queue": queue})))
}
