//! `/parse_runs` (create, get, list, cancel, delete, batch) and the sync
//! `POST /parse`. A parse run turns a file into chunks of blocks; it is
//! stored with its queue job (kind `parse_run`) like an extract run, and the
//! worker writes the output on the run.

use std::time::Instant;

use axum::Json;
use axum::extract::{Path, State};
use quarry_model::enums::RunStatus;
use quarry_model::ids::{BATCH_RUN, PARSE_RUN, new_id};
use quarry_model::requests::{CreateParseBatch, CreateParseRun};
use quarry_model::resources::{BatchRun, Deleted, ListResponse, ParseRun};
use quarry_model::time::now_ms;
use quarry_store::{BatchRecord, CancelOutcome, ParseRunFilter, ParseRunRecord, RunKind};
use serde::Deserialize;
use serde_json::Value;
use utoipa::IntoParams;

use crate::error::ApiError;
use crate::http::auth::Caller;
use crate::http::request::{ApiJson, ApiQuery};
use crate::ingest::{RunFile, resolve_file_input};
use crate::routes::extract_runs::{SYNC_POLL, batch_view};
use crate::routes::paging::PageQuery;
use crate::runs::{check_batch_inputs, check_metadata, check_priority, check_source};
use crate::state::AppState;
use crate::views::parse_run_view;

/// `responseType`: only `json` is served; `url` (a presigned output URL)
/// is refused with a 400 rather than silently ignored.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ResponseQuery {
    response_type: Option<String>,
}

impl ResponseQuery {
    fn check(&self) -> Result<(), ApiError> {
        match self.response_type.as_deref() {
            None | Some("json") => Ok(()),
            Some("url") => Err(ApiError::bad_request(
                "responseType `url` is not supported by this server; use `json`",
            )),
            Some(other) => Err(ApiError::bad_request(format!(
                "responseType must be `json` or `url`; got `{other}`"
            ))),
        }
    }
}

/// A new parse run: `PROCESSING` as the API documents for single runs,
/// `PENDING` inside a batch (the claim moves either to `PROCESSING`).
fn new_parse_run(
    ws: &str,
    config: &Value,
    file: &RunFile,
    priority: i64,
    metadata: Option<Value>,
    batch_id: Option<&str>,
) -> ParseRunRecord {
    let now = now_ms();
    let (file_id, file_name, file_url) = match file {
        RunFile::Stored(f) => (Some(f.id.clone()), f.name.clone(), None),
        RunFile::Remote { url, name } => (None, name.clone(), Some(url.clone())),
    };
    ParseRunRecord {
        id: new_id(PARSE_RUN),
        workspace_id: ws.to_string(),
        status: if batch_id.is_some() {
            RunStatus::Pending
        } else {
            RunStatus::Processing
        },
        priority,
        file_id,
        file_name: Some(file_name),
        file_url,
        batch_id: batch_id.map(str::to_string),
        source: if batch_id.is_some() {
            "BATCH_PROCESSOR_RUN"
        } else {
            "API"
        }
        .to_string(),
        source_id: batch_id.map(str::to_string),
        config: config.clone(),
        metadata,
        output: None,
        failure_reason: None,
        failure_message: None,
        metrics: None,
        usage: None,
        created_at: now,
        updated_at: now,
    }
}

/// Validates and stores one parse run with its job.
async fn submit(
    state: &AppState,
    caller: &Caller,
    req: CreateParseRun,
) -> Result<ParseRunRecord, ApiError> {
    let ws = caller.workspace_id.as_str();
    let file = req
        .file
        .as_ref()
        .ok_or_else(|| ApiError::bad_request("`file` is required"))?;
    let config = quarry_pipeline::parse_config::resolve(req.config.as_ref())?;
    let priority = check_priority(req.priority)?;
    let metadata = check_metadata(req.metadata, "metadata")?;
    let file = resolve_file_input(state, ws, file, "file").await?;
    let run = new_parse_run(ws, &config, &file, priority, metadata, None);
    state
        .store
        .create_parse_runs(std::slice::from_ref(&run), None)
        .await?;
    state.jobs_ready.notify_waiters();
    Ok(run)
}

async fn found(state: &AppState, ws: &str, id: &str) -> Result<ParseRunRecord, ApiError> {
    state
        .store
        .get_parse_run(ws, id)
        .await?
        .ok_or_else(|| ApiError::not_found("parse run", id))
}

#[utoipa::path(
    post, path = "/parse_runs", tag = "parse_runs",
    request_body = CreateParseRun,
    responses((status = 200, description = "The queued run", body = ParseRun)),
)]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<CreateParseRun>,
) -> Result<Json<ParseRun>, ApiError> {
    let run = submit(&state, &caller, req).await?;
    Ok(Json(parse_run_view(&state, &run, true).await?))
}

/// `POST /parse`: creates the run and waits (up to the sync timeout) for
/// it; a run still going at the timeout is returned as it is.
#[utoipa::path(
    post, path = "/parse", tag = "parse_runs",
    params(ResponseQuery),
    request_body = CreateParseRun,
    responses((status = 200, description = "The finished run, or the run as it is when the sync timeout passes", body = ParseRun)),
)]
pub async fn parse_sync(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ResponseQuery>,
    ApiJson(req): ApiJson<CreateParseRun>,
) -> Result<Json<ParseRun>, ApiError> {
    q.check()?;
    let mut run = submit(&state, &caller, req).await?;
    let deadline = Instant::now() + state.config.sync_timeout;
    while !run.status.is_terminal() && Instant::now() < deadline {
        tokio::time::sleep(SYNC_POLL).await;
        run = found(&state, &caller.workspace_id, &run.id).await?;
    }
    Ok(Json(parse_run_view(&state, &run, true).await?))
}

#[utoipa::path(
    get, path = "/parse_runs/{id}", tag = "parse_runs",
    params(("id" = String, Path, description = "Parse run id (`pr_…`)"), ResponseQuery),
    responses((status = 200, description = "The run", body = ParseRun)),
)]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<ResponseQuery>,
) -> Result<Json<ParseRun>, ApiError> {
    q.check()?;
    let run = found(&state, &caller.workspace_id, &id).await?;
    Ok(Json(parse_run_view(&state, &run, true).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    status: Option<RunStatus>,
    batch_id: Option<String>,
    source_id: Option<String>,
    source: Option<String>,
    file_name_contains: Option<String>,
    #[serde(flatten)]
    #[param(ignore)] // documented as its own `PageQuery` parameter set
    page: PageQuery,
}

#[utoipa::path(
    get, path = "/parse_runs", tag = "parse_runs",
    params(ListQuery, PageQuery),
    responses((status = 200, description = "One page of runs (summary form)", body = ListResponse<ParseRun>)),
)]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<ListResponse<ParseRun>>, ApiError> {
    check_source(q.source.as_deref())?;
    let page = q.page.request()?;
    let filter = ParseRunFilter {
        status: q.status,
        batch_id: q.batch_id,
        source_id: q.source_id,
        source: q.source,
        file_name_contains: q.file_name_contains,
    };
    let list = state
        .store
        .list_parse_runs(&caller.workspace_id, &filter, &page)
        .await?;
    let mut data = Vec::with_capacity(list.items.len());
    for run in &list.items {
        data.push(parse_run_view(&state, run, false).await?);
    }
    Ok(Json(ListResponse::new(data, list.next_page_token)))
}

#[utoipa::path(
    post, path = "/parse_runs/{id}/cancel", tag = "parse_runs",
    params(("id" = String, Path, description = "Parse run id (`pr_…`)")),
    responses((status = 200, description = "The cancelled run", body = ParseRun)),
)]
pub async fn cancel(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ParseRun>, ApiError> {
    match state
        .store
        .cancel_parse_run(&caller.workspace_id, &id)
        .await?
    {
        CancelOutcome::Cancelled(run) => Ok(Json(parse_run_view(&state, &run, true).await?)),
        CancelOutcome::NotCancellable(status) => Err(ApiError::bad_request(format!(
            "Parse run `{id}` is already {} and cannot be cancelled",
            status.as_str()
        ))),
        CancelOutcome::NotFound => Err(ApiError::not_found("parse run", &id)),
    }
}

#[utoipa::path(
    delete, path = "/parse_runs/{id}", tag = "parse_runs",
    params(("id" = String, Path, description = "Parse run id (`pr_…`)")),
    responses((status = 200, description = "The run was deleted", body = Deleted)),
)]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Deleted>, ApiError> {
    if state
        .store
        .delete_parse_run(&caller.workspace_id, &id)
        .await?
    {
        Ok(Json(Deleted { id }))
    } else {
        Err(ApiError::not_found("parse run", &id))
    }
}

#[utoipa::path(
    post, path = "/parse_runs/batch", tag = "parse_runs",
    request_body = CreateParseBatch,
    responses((status = 200, description = "The batch; its runs are queued", body = BatchRun)),
)]
pub async fn create_batch(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<CreateParseBatch>,
) -> Result<Json<BatchRun>, ApiError> {
    let ws = caller.workspace_id.as_str();
    let metadata = check_batch_inputs(&state, ws, &req.inputs).await?;
    let priority = check_priority(req.priority)?;
    let config = quarry_pipeline::parse_config::resolve(req.config.as_ref())?;
    let n = req.inputs.len();
    let batch = BatchRecord {
        id: new_id(BATCH_RUN),
        workspace_id: ws.to_string(),
        kind: RunKind::Parse.as_str().into(),
        run_count: n as i64,
        created_at: now_ms(),
    };
    let mut runs = Vec::with_capacity(n);
    for (i, (input, meta)) in req.inputs.iter().zip(metadata).enumerate() {
        let field = format!("inputs[{i}].file");
        let file = resolve_file_input(&state, ws, &input.file, &field).await?;
        runs.push(new_parse_run(
            ws,
            &config,
            &file,
            priority,
            meta,
            Some(&batch.id),
        ));
    }
    state.store.create_parse_runs(&runs, Some(&batch)).await?;
    state.jobs_ready.notify_waiters();
    Ok(Json(batch_view(&batch, RunStatus::Pending)))
}
