//! `/extractors` and `/extractors/{id}/versions`.

use axum::Json;
use axum::extract::{Path, State};
use quarry_model::ids::{EXTRACTOR, EXTRACTOR_VERSION, new_id};
use quarry_model::requests::{CreateExtractor, CreateExtractorVersion, UpdateExtractor};
use quarry_model::resources::{Extractor, ExtractorVersion, ListResponse};
use quarry_model::time::now_ms;
use quarry_store::{ExtractorRecord, VersionRecord};
use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::http::auth::Caller;
use crate::http::request::{ApiJson, ApiQuery};
use crate::routes::paging::PageQuery;
use crate::runs::check_config;
use crate::state::AppState;
use crate::views::{extractor_summary, extractor_view, version_view};

const MAX_NAME_CHARS: usize = 200;

fn check_name(name: &str) -> Result<String, ApiError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(ApiError::bad_request(format!(
            "name must be 1 to {MAX_NAME_CHARS} characters"
        )));
    }
    Ok(name.to_string())
}

/// Validates a config given to an extractor, with defaults applied.
fn checked_config(config: &Value) -> Result<Value, ApiError> {
    check_config(config.clone())
}

async fn find(state: &AppState, ws: &str, id: &str) -> Result<ExtractorRecord, ApiError> {
    state
        .store
        .get_extractor(ws, id)
        .await?
        .ok_or_else(|| ApiError::not_found("extractor", id))
}

#[utoipa::path(
    post, path = "/extractors", tag = "extractors",
    request_body = CreateExtractor,
    responses((status = 200, description = "The new extractor with its draft version", body = Extractor)),
)]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<CreateExtractor>,
) -> Result<Json<Extractor>, ApiError> {
    let ws = caller.workspace_id.as_str();
    let name = check_name(&req.name)?;
    let sources = [
        req.clone_extractor_id.is_some(),
        req.config.is_some(),
        req.generate.is_some(),
    ];
    if sources.iter().filter(|s| **s).count() > 1 {
        return Err(ApiError::bad_request(
            "`cloneExtractorId`, `config` and `generate` are mutually exclusive",
        ));
    }
    let config = if let Some(src) = &req.clone_extractor_id {
        find(&state, ws, src).await?;
        state
            .store
            .get_version(ws, src, "draft")
            .await?
            .ok_or_else(|| ApiError::not_found("extractor", src))?
            .config
    } else if req.generate.is_some() {
        return Err(ApiError::bad_request(
            "`generate` is not supported by this server yet; pass a `config` with a schema",
        ));
    } else {
        checked_config(req.config.as_ref().unwrap_or(&Value::Object(Map::new())))?
    };
    let now = now_ms();
    let extractor = ExtractorRecord {
        id: new_id(EXTRACTOR),
        workspace_id: ws.to_string(),
        name,
        created_at: now,
        updated_at: now,
    };
    let draft = VersionRecord {
        id: new_id(EXTRACTOR_VERSION),
        extractor_id: extractor.id.clone(),
        workspace_id: ws.to_string(),
        version: "draft".into(),
        major: 0,
        minor: 0,
        description: None,
        config,
        created_at: now,
        updated_at: now,
    };
    state.store.insert_extractor(&extractor, &draft).await?;
    Ok(Json(extractor_view(&state, &extractor).await?))
}

#[utoipa::path(
    get, path = "/extractors/{id}", tag = "extractors",
    params(("id" = String, Path, description = "Extractor id (`ex_…`)")),
    responses((status = 200, description = "The extractor with its draft version", body = Extractor)),
)]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Extractor>, ApiError> {
    let e = find(&state, &caller.workspace_id, &id).await?;
    Ok(Json(extractor_view(&state, &e).await?))
}

#[utoipa::path(
    post, path = "/extractors/{id}", tag = "extractors",
    params(("id" = String, Path, description = "Extractor id (`ex_…`)")),
    request_body = UpdateExtractor,
    responses((status = 200, description = "The updated extractor", body = Extractor)),
)]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<UpdateExtractor>,
) -> Result<Json<Extractor>, ApiError> {
    let name = req.name.as_deref().map(check_name).transpose()?;
    let config = req.config.as_ref().map(checked_config).transpose()?;
    let e = state
        .store
        .update_extractor(&caller.workspace_id, &id, name.as_deref(), config.as_ref())
        .await?
        .ok_or_else(|| ApiError::not_found("extractor", &id))?;
    Ok(Json(extractor_view(&state, &e).await?))
}

#[utoipa::path(
    get, path = "/extractors", tag = "extractors",
    params(PageQuery),
    responses((status = 200, description = "One page of extractors (summary form)", body = ListResponse<Extractor>)),
)]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Json<ListResponse<Extractor>>, ApiError> {
    let page = q.request()?;
    let list = state
        .store
        .list_extractors(&caller.workspace_id, &page)
        .await?;
    Ok(Json(ListResponse::new(
        list.items.iter().map(extractor_summary).collect(),
        list.next_page_token,
    )))
}

#[utoipa::path(
    post, path = "/extractors/{id}/versions", tag = "extractors",
    params(("id" = String, Path, description = "Extractor id (`ex_…`)")),
    request_body = CreateExtractorVersion,
    responses((status = 200, description = "The published version", body = ExtractorVersion)),
)]
pub async fn create_version(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<CreateExtractorVersion>,
) -> Result<Json<ExtractorVersion>, ApiError> {
    let config = req.config.as_ref().map(checked_config).transpose()?;
    let v = state
        .store
        .publish_version(
            &caller.workspace_id,
            &id,
            req.release_type,
            req.description.as_deref(),
            config.as_ref(),
        )
        .await?
        .ok_or_else(|| ApiError::not_found("extractor", &id))?;
    Ok(Json(version_view(&v, true)))
}

#[utoipa::path(
    get, path = "/extractors/{id}/versions/{version}", tag = "extractors",
    params(("id" = String, Path, description = "Extractor id (`ex_…`)"), ("version" = String, Path, description = "`draft`, a version number such as `1.0`, or a version id")),
    responses((status = 200, description = "The version", body = ExtractorVersion)),
)]
pub async fn get_version(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, version)): Path<(String, String)>,
) -> Result<Json<ExtractorVersion>, ApiError> {
    find(&state, &caller.workspace_id, &id).await?;
    let v = state
        .store
        .get_version(&caller.workspace_id, &id, &version)
        .await?
        .ok_or_else(|| {
            ApiError::NotFound(format!(
                "version `{version}` of extractor `{id}` was not found"
            ))
        })?;
    Ok(Json(version_view(&v, true)))
}

#[utoipa::path(
    get, path = "/extractors/{id}/versions", tag = "extractors",
    params(("id" = String, Path, description = "Extractor id (`ex_…`)"), PageQuery),
    responses((status = 200, description = "One page of versions (summary form), newest first", body = ListResponse<ExtractorVersion>)),
)]
pub async fn list_versions(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Json<ListResponse<ExtractorVersion>>, ApiError> {
    find(&state, &caller.workspace_id, &id).await?;
    let page = q.by_creation()?;
    let list = state
        .store
        .list_versions(&caller.workspace_id, &id, &page)
        .await?;
    Ok(Json(ListResponse::new(
        list.items.iter().map(|v| version_view(v, false)).collect(),
        list.next_page_token,
    )))
}
