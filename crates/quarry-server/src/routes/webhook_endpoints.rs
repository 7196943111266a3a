//! `/webhook_endpoints`: create (the only response carrying the signing
//! secret), get, list, partial update and delete.

use axum::Json;
use axum::extract::{Path, State};
use quarry_model::ids::{WEBHOOK_ENDPOINT, new_id};
use quarry_model::resources::{Deleted, ListResponse};
use quarry_model::time::now_ms;
use quarry_model::webhooks::{CreateWebhookEndpoint, UpdateWebhookEndpoint, WebhookEndpoint};
use quarry_store::{EndpointPatch, EndpointRecord};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::error::ApiError;
use crate::http::auth::Caller;
use crate::http::request::{ApiJson, ApiQuery};
use crate::routes::paging::PageQuery;
use crate::state::AppState;
use crate::webhooks::sign::new_secret;
use crate::webhooks::views::{
    check_advanced_options, check_endpoint_events, check_endpoint_url, check_name, check_status,
    endpoint_view,
};

#[utoipa::path(
    post, path = "/webhook_endpoints", tag = "webhook_endpoints",
    request_body = CreateWebhookEndpoint,
    responses((status = 200, description = "The endpoint, with its signing secret (shown only here)", body = WebhookEndpoint)),
)]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<CreateWebhookEndpoint>,
) -> Result<Json<WebhookEndpoint>, ApiError> {
    let url = check_endpoint_url(
        state.config.resolver.as_ref(),
        &state.config.url_allow,
        &req.url,
    )
    .await?;
    if req.api_version.trim().is_empty() {
        return Err(ApiError::bad_request("apiVersion is required"));
    }
    let now = now_ms();
    let endpoint = EndpointRecord {
        id: new_id(WEBHOOK_ENDPOINT),
        workspace_id: caller.workspace_id.clone(),
        url,
        name: check_name(&req.name)?,
        status: check_status(req.status.as_deref().unwrap_or("enabled"))?,
        enabled_events: check_endpoint_events(&req.enabled_events)?,
        api_version: req.api_version.clone(),
        advanced_options: req
            .advanced_options
            .as_ref()
            .map(check_advanced_options)
            .transpose()?,
        signing_secret: new_secret(),
        created_at: now,
        updated_at: now,
    };
    state.store.insert_endpoint(&endpoint).await?;
    Ok(Json(endpoint_view(&endpoint, true)))
}

#[utoipa::path(
    get, path = "/webhook_endpoints/{id}", tag = "webhook_endpoints",
    params(("id" = String, Path, description = "Webhook endpoint id (`wh_…`)")),
    responses((status = 200, description = "The endpoint", body = WebhookEndpoint)),
)]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<WebhookEndpoint>, ApiError> {
    let e = state
        .store
        .get_endpoint(&caller.workspace_id, &id)
        .await?
        .ok_or_else(|| ApiError::not_found("webhook endpoint", &id))?;
    Ok(Json(endpoint_view(&e, false)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    status: Option<String>,
    #[serde(flatten)]
    #[param(ignore)] // documented as its own `PageQuery` parameter set
    page: PageQuery,
}

#[utoipa::path(
    get, path = "/webhook_endpoints", tag = "webhook_endpoints",
    params(ListQuery, PageQuery),
    responses((status = 200, description = "One page of endpoints", body = ListResponse<WebhookEndpoint>)),
)]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<ListResponse<WebhookEndpoint>>, ApiError> {
    let status = q.status.as_deref().map(check_status).transpose()?;
    let page = q.page.by_creation()?;
    let list = state
        .store
        .list_endpoints(&caller.workspace_id, status.as_deref(), &page)
        .await?;
    Ok(Json(ListResponse::new(
        list.items.iter().map(|e| endpoint_view(e, false)).collect(),
        list.next_page_token,
    )))
}

#[utoipa::path(
    post, path = "/webhook_endpoints/{id}", tag = "webhook_endpoints",
    params(("id" = String, Path, description = "Webhook endpoint id (`wh_…`)")),
    request_body = UpdateWebhookEndpoint,
    responses((status = 200, description = "The updated endpoint", body = WebhookEndpoint)),
)]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<UpdateWebhookEndpoint>,
) -> Result<Json<WebhookEndpoint>, ApiError> {
    let url = match &req.url {
        Some(u) => Some(
            check_endpoint_url(state.config.resolver.as_ref(), &state.config.url_allow, u).await?,
        ),
        None => None,
    };
    let patch = EndpointPatch {
        url,
        name: req.name.as_deref().map(check_name).transpose()?,
        status: req.status.as_deref().map(check_status).transpose()?,
        enabled_events: req
            .enabled_events
            .as_deref()
            .map(check_endpoint_events)
            .transpose()?,
        advanced_options: req
            .advanced_options
            .as_ref()
            .map(check_advanced_options)
            .transpose()?,
    };
    let e = state
        .store
        .update_endpoint(&caller.workspace_id, &id, &patch)
        .await?
        .ok_or_else(|| ApiError::not_found("webhook endpoint", &id))?;
    Ok(Json(endpoint_view(&e, false)))
}

#[utoipa::path(
    delete, path = "/webhook_endpoints/{id}", tag = "webhook_endpoints",
    params(("id" = String, Path, description = "Webhook endpoint id (`wh_…`)")),
    responses((status = 200, description = "The endpoint was deleted", body = Deleted)),
)]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Deleted>, ApiError> {
    if !state
        .store
        .delete_endpoint(&caller.workspace_id, &id)
        .await?
    {
        return Err(ApiError::not_found("webhook endpoint", &id));
    }
    Ok(Json(Deleted { id }))
}
