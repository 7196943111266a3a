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
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::http::auth::Caller;
use crate::http::request::{ApiJson, ApiQuery};
use crate::routes::paging::PageQuery;
use crate::state::AppState;

/// One outbox event (`object: "event"`).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventView {
    object: &'static str,
    id: String,
    event_type: String,
    resource_id: String,
    /// The delivered payload; `null` until the event was first rendered.
    payload: Option<Value>,
    created_at: String,
}

/// The delivery state of one event to one endpoint (`object: "webhook_delivery"`).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryView {
    object: &'static str,
    webhook_endpoint_id: String,
    /// `pending`, `delivered` or `failed`.
    state: String,
    attempts: i64,
    /// When the next attempt is due; `null` unless `state` is `pending`.
    next_attempt_at: Option<String>,
    attempt_log: Vec<AttemptView>,
}

/// One delivery attempt.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AttemptView {
    attempt: i64,
    /// The endpoint's HTTP status; `null` when no response arrived.
    status_code: Option<i64>,
    latency_ms: i64,
    error: Option<String>,
    created_at: String,
}

/// Answer of `POST /quarry/events/{id}/replay`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventReplayed {
    event_id: String,
    /// Deliveries queued again.
    deliveries: usize,
}

/// Answer of `POST /quarry/events/replay`.
#[derive(Debug, Serialize, ToSchema)]
pub struct RangeReplayed {
    /// Events whose deliveries were queued again.
    events: usize,
}

fn event_view(e: &EventRecord) -> EventView {
    EventView {
        object: "event",
        id: e.id.clone(),
        event_type: e.event_type.clone(),
        resource_id: e.resource_id.clone(),
        payload: e
            .payload
            .as_deref()
            .and_then(|p| serde_json::from_str::<Value>(p).ok()),
        created_at: rfc3339(e.created_at),
    }
}

fn delivery_view(d: &DeliveryLog) -> DeliveryView {
    DeliveryView {
        object: "webhook_delivery",
        webhook_endpoint_id: d.endpoint_id.clone(),
        state: d.state.clone(),
        attempts: d.attempts,
        next_attempt_at: (d.state == "pending").then(|| rfc3339(d.next_attempt_at)),
        attempt_log: d
            .attempt_log
            .iter()
            .map(|a| AttemptView {
                attempt: a.attempt,
                status_code: a.status_code,
                latency_ms: a.latency_ms,
                error: a.error.clone(),
                created_at: rfc3339(a.created_at),
            })
            .collect(),
    }
}

async fn find(state: &AppState, ws: &str, id: &str) -> Result<EventRecord, ApiError> {
    state
        .store
        .get_event(ws, id)
        .await?
        .ok_or_else(|| ApiError::not_found("event", id))
}

#[utoipa::path(
    get, path = "/quarry/events", tag = "quarry",
    params(PageQuery),
    responses((status = 200, description = "One page of events, newest first", body = ListResponse<EventView>)),
)]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Json<ListResponse<EventView>>, ApiError> {
    let page = q.by_creation()?;
    let list = state.store.list_events(&caller.workspace_id, &page).await?;
    Ok(Json(ListResponse::new(
        list.items.iter().map(event_view).collect(),
        list.next_page_token,
    )))
}

#[utoipa::path(
    get, path = "/quarry/events/{id}/deliveries", tag = "quarry",
    params(("id" = String, Path, description = "Event id (`evt_…`)")),
    responses((status = 200, description = "Delivery state per endpoint, with every attempt", body = ListResponse<DeliveryView>)),
)]
pub async fn deliveries(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ListResponse<DeliveryView>>, ApiError> {
    let ws = caller.workspace_id.as_str();
    find(&state, ws, &id).await?;
    let log = state.store.event_deliveries(ws, &id).await?;
    Ok(Json(ListResponse::new(
        log.iter().map(delivery_view).collect(),
        None,
    )))
}

#[utoipa::path(
    post, path = "/quarry/events/{id}/replay", tag = "quarry",
    params(("id" = String, Path, description = "Event id (`evt_…`)")),
    responses((status = 200, description = "Deliveries queued again", body = EventReplayed)),
)]
pub async fn replay(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<EventReplayed>, ApiError> {
    let ws = caller.workspace_id.as_str();
    find(&state, ws, &id).await?;
    let deliveries = state.store.replay_event(ws, &id).await?;
    Ok(Json(EventReplayed {
        event_id: id,
        deliveries,
    }))
}

/// Body of `POST /quarry/events/replay`: an RFC 3339 creation-time range.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReplayRange {
    from: String,
    to: String,
}

fn parse_time(field: &str, v: &str) -> Result<i64, ApiError> {
    DateTime::parse_from_rfc3339(v)
        .map(|t| t.timestamp_millis())
        .map_err(|e| ApiError::bad_request(format!("{field} must be an RFC 3339 time: {e}")))
}

#[utoipa::path(
    post, path = "/quarry/events/replay", tag = "quarry",
    request_body = ReplayRange,
    responses((status = 200, description = "Events queued again", body = RangeReplayed)),
)]
pub async fn replay_range(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<ReplayRange>,
) -> Result<Json<RangeReplayed>, ApiError> {
    let (from, to) = (parse_time("from", &req.from)?, parse_time("to", &req.to)?);
    if from > to {
        return Err(ApiError::bad_request("`from` must not be after `to`"));
    }
    let events = state
        .store
        .replay_range(&caller.workspace_id, from, to)
        .await?;
    Ok(Json(RangeReplayed { events }))
}
