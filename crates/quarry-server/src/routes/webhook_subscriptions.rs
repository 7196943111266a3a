//! `/webhook_subscriptions`: resource-scoped event subscriptions. Creating
//! one for an endpoint and resource that already have one replaces its
//! events (upsert).

use axum::Json;
use axum::extract::{Path, State};
use quarry_model::ids::{WEBHOOK_SUBSCRIPTION, new_id};
use quarry_model::resources::{Deleted, ListResponse};
use quarry_model::time::now_ms;
use quarry_model::webhooks::{
    CreateWebhookSubscription, UpdateWebhookSubscription, WebhookSubscription,
    subscription_event_types,
};
use quarry_store::{ProcessorKind, SubscriptionRecord};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::error::ApiError;
use crate::http::auth::Caller;
use crate::http::request::{ApiJson, ApiQuery};
use crate::routes::paging::PageQuery;
use crate::state::AppState;
use crate::webhooks::views::{check_events, subscription_view};

fn checked_events(resource_type: &str, events: &[String]) -> Result<Vec<String>, ApiError> {
    let allowed = subscription_event_types(resource_type).ok_or_else(|| {
        ApiError::bad_request(format!(
            "resourceType must be extractor, classifier, splitter or workflow; got `{resource_type}`"
        ))
    })?;
    check_events(events, allowed, &format!("{resource_type} subscription"))
}

#[utoipa::path(
    post, path = "/webhook_subscriptions", tag = "webhook_subscriptions",
    request_body = CreateWebhookSubscription,
    responses((status = 200, description = "The subscription (created, or its events replaced)", body = WebhookSubscription)),
)]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<CreateWebhookSubscription>,
) -> Result<Json<WebhookSubscription>, ApiError> {
    let ws = caller.workspace_id.as_str();
    let events = checked_events(&req.resource_type, &req.enabled_events)?;
    if state
        .store
        .get_endpoint(ws, &req.webhook_endpoint_id)
        .await?
        .is_none()
    {
        return Err(ApiError::not_found(
            "webhook endpoint",
            &req.webhook_endpoint_id,
        ));
    }
    // Subscriptions on a processor must name one that exists; other
    // resources (workflows) are stored as given.
    let kind = ProcessorKind::ALL
        .into_iter()
        .find(|k| k.noun() == req.resource_type);
    if let Some(kind) = kind
        && state
            .store
            .get_processor(kind, ws, &req.resource_id)
            .await?
            .is_none()
    {
        return Err(ApiError::not_found(kind.noun(), &req.resource_id));
    }
    let now = now_ms();
    let sub = SubscriptionRecord {
        id: new_id(WEBHOOK_SUBSCRIPTION),
        workspace_id: ws.to_string(),
        endpoint_id: req.webhook_endpoint_id.clone(),
        resource_type: req.resource_type.clone(),
        resource_id: req.resource_id.clone(),
        enabled_events: events,
        created_at: now,
        updated_at: now,
    };
    let stored = state.store.upsert_subscription(&sub).await?;
    Ok(Json(subscription_view(&stored)))
}

#[utoipa::path(
    get, path = "/webhook_subscriptions/{id}", tag = "webhook_subscriptions",
    params(("id" = String, Path, description = "Webhook subscription id (`whes_…`)")),
    responses((status = 200, description = "The subscription", body = WebhookSubscription)),
)]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<WebhookSubscription>, ApiError> {
    let s = state
        .store
        .get_subscription(&caller.workspace_id, &id)
        .await?
        .ok_or_else(|| ApiError::not_found("webhook subscription", &id))?;
    Ok(Json(subscription_view(&s)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    webhook_endpoint_id: Option<String>,
    resource_id: Option<String>,
    #[serde(flatten)]
    #[param(ignore)] // documented as its own `PageQuery` parameter set
    page: PageQuery,
}

#[utoipa::path(
    get, path = "/webhook_subscriptions", tag = "webhook_subscriptions",
    params(ListQuery, PageQuery),
    responses((status = 200, description = "One page of subscriptions", body = ListResponse<WebhookSubscription>)),
)]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<ListResponse<WebhookSubscription>>, ApiError> {
    let page = q.page.by_creation()?;
    let list = state
        .store
        .list_subscriptions(
            &caller.workspace_id,
            q.webhook_endpoint_id.as_deref(),
            q.resource_id.as_deref(),
            &page,
        )
        .await?;
    Ok(Json(ListResponse::new(
        list.items.iter().map(subscription_view).collect(),
        list.next_page_token,
    )))
}

#[utoipa::path(
    post, path = "/webhook_subscriptions/{id}", tag = "webhook_subscriptions",
    params(("id" = String, Path, description = "Webhook subscription id (`whes_…`)")),
    request_body = UpdateWebhookSubscription,
    responses((status = 200, description = "The updated subscription", body = WebhookSubscription)),
)]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<UpdateWebhookSubscription>,
) -> Result<Json<WebhookSubscription>, ApiError> {
    let ws = caller.workspace_id.as_str();
    let current = state
        .store
        .get_subscription(ws, &id)
        .await?
        .ok_or_else(|| ApiError::not_found("webhook subscription", &id))?;
    let events = checked_events(&current.resource_type, &req.enabled_events)?;
    let s = state
        .store
        .update_subscription(ws, &id, &events)
        .await?
        .ok_or_else(|| ApiError::not_found("webhook subscription", &id))?;
    Ok(Json(subscription_view(&s)))
}

#[utoipa::path(
    delete, path = "/webhook_subscriptions/{id}", tag = "webhook_subscriptions",
    params(("id" = String, Path, description = "Webhook subscription id (`whes_…`)")),
    responses((status = 200, description = "The subscription was deleted", body = Deleted)),
)]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Deleted>, ApiError> {
    if !state
        .store
        .delete_subscription(&caller.workspace_id, &id)
        .await?
    {
        return Err(ApiError::not_found("webhook subscription", &id));
    }
    Ok(Json(Deleted { id }))
}
