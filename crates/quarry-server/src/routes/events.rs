//! Quarry-specific (not in the hosted API), under `/quarry/`: the event
//! outbox and its delivery log, and replays.
//!
//! * `GET /quarry/events` — events, newest first, paginated;
//! * `GET /quarry/events/{id}/deliveries` — per endpoint: state and every attempt;
//! * `POST /quarry/events/{id}/replay` — send again now (fresh timestamp and signature);
//! * `POST /quarry/events/replay` `{from, to}` — replay events created in an RFC 3339 range.

use axum::Json;
use axum::extract::{Path, State};
use chrono::DateTime;
use quarry_model::resources::ListResponse;
use quarry_model::time::rfc3339;
use quarry_store::{DeliveryLog, EventRecord};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::http::auth::Caller;
use crate::http::extract::{ApiJson, ApiQuery};
use crate::routes::paging::PageQuery;
use crate::state::AppState;

fn event_view(e: &EventRecord) -> Value {
    let payload = e
        .payload
        .as_deref()
        .and_then(|p| serde_json::from_str::<Value>(p).ok());
    json!({
        "object": "event",
        "id": e.id,
        "eventType": e.event_type,
        "resourceId": e.resource_id,
        "payload": payload,
        "createdAt": rfc3339(e.created_at),
    })
}

fn delivery_view(d: &DeliveryLog) -> Value {
    let attempts: Vec<Value> = d
        .attempt_log
        .iter()
        .map(|a| {
            json!({
                "attempt": a.attempt,
                "statusCode": a.status_code,
                "latencyMs": a.latency_ms,
                "error": a.error,
                "createdAt": rfc3339(a.created_at),
            })
        })
        .collect();
    json!({
        "object": "webhook_delivery",
        "webhookEndpointId": d.endpoint_id,
        "state": d.state,
        "attempts": d.attempts,
        "nextAttemptAt": (d.state == "pending").then(|| rfc3339(d.next_attempt_at)),
        "attemptLog": attempts,
    })
}

async fn find(state: &AppState, ws: &str, id: &str) -> Result<EventRecord, ApiError> {
    state
        .store
        .get_event(ws, id)
        .await?
        .ok_or_else(|| ApiError::not_found("event", id))
}

pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Json<ListResponse<Value>>, ApiError> {
    let page = q.by_creation()?;
    let list = state.store.list_events(&caller.workspace_id, &page).await?;
    Ok(Json(ListResponse::new(
        list.items.iter().map(event_view).collect(),
        list.next_page_token,
    )))
}

pub async fn deliveries(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ListResponse<Value>>, ApiError> {
    let ws = caller.workspace_id.as_str();
    find(&state, ws, &id).await?;
    let log = state.store.event_deliveries(ws, &id).await?;
    Ok(Json(ListResponse::new(
        log.iter().map(delivery_view).collect(),
        None,
    )))
}

pub async fn replay(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let ws = caller.workspace_id.as_str();
    find(&state, ws, &id).await?;
    let n = state.store.replay_event(ws, &id).await?;
    Ok(Json(json!({"eventId": id, "deliveries": n})))
}

#[derive(Debug, Deserialize)]
pub struct ReplayRange {
    from: String,
    to: String,
}

fn parse_time(field: &str, v: &str) -> Result<i64, ApiError> {
    DateTime::parse_from_rfc3339(v)
        .map(|t| t.timestamp_millis())
        .map_err(|e| ApiError::bad_request(format!("{field} must be an RFC 3339 time: {e}")))
}

pub async fn replay_range(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<ReplayRange>,
) -> Result<Json<Value>, ApiError> {
    let (from, to) = (parse_time("from", &req.from)?, parse_time("to", &req.to)?);
    if from > to {
        return Err(ApiError::bad_request("`from` must not be after `to`"));
    }
    let n = state
        .store
        .replay_range(&caller.workspace_id, from, to)
        .await?;
    Ok(Json(json!({"events": n})))
}
