//! `/extract_runs` (create, get, list, cancel, delete, batch), the sync
//! `POST /extract`, and `GET /batch_runs/{id}`.

use axum::Json;
use axum::extract::{Path, State};
use quarry_model::requests::{CreateExtractBatch, CreateExtractRun};
use quarry_model::resources::{BatchRun, ExtractRun, ListResponse};
use quarry_store::ExtractRunRecord;

use crate::error::ApiError;
use crate::http::auth::Caller;
use crate::http::request::{ApiJson, ApiQuery};
use crate::review::{ReviewRequest, review_run};
use crate::routes::paging::PageQuery;
use crate::run_family::{self, RunListQuery, batch_view, full_view};
use crate::runs::{ListQuery, new_run, resolve_spec, submit};
use crate::state::AppState;

type Run = ExtractRunRecord;

#[utoipa::path(
    post, path = "/extract_runs", tag = "extract_runs",
    request_body = CreateExtractRun,
    responses((status = 200, description = "The queued run", body = ExtractRun)),
)]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<CreateExtractRun>,
) -> Result<Json<ExtractRun>, ApiError> {
    let run = submit(&state, &caller, req).await?;
    full_view(&state, &run).await
}

/// `POST /extract`: creates the run and waits (up to the configured sync
/// timeout) for it to finish. A run still going at the timeout is returned
/// as it is, so the caller can keep polling it by id.
#[utoipa::path(
    post, path = "/extract", tag = "extract_runs",
    request_body = CreateExtractRun,
    responses((status = 200, description = "The finished run, or the run as it is when the sync timeout passes", body = ExtractRun)),
)]
pub async fn extract_sync(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<CreateExtractRun>,
) -> Result<Json<ExtractRun>, ApiError> {
    let run = submit(&state, &caller, req).await?;
    let run = run_family::wait(&state, run).await?;
    full_view(&state, &run).await
}

#[utoipa::path(
    get, path = "/extract_runs/{id}", tag = "extract_runs",
    params(("id" = String, Path, description = "Extract run id (`exr_…`)")),
    responses((status = 200, description = "The run", body = ExtractRun)),
)]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ExtractRun>, ApiError> {
    let run: Run = run_family::found(&state, &caller.workspace_id, &id).await?;
    full_view(&state, &run).await
}

#[utoipa::path(
    get, path = "/extract_runs", tag = "extract_runs",
    params(ListQuery, RunListQuery, PageQuery),
    responses((status = 200, description = "One page of runs (summary form)", body = ListResponse<ExtractRun>)),
)]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<ListResponse<ExtractRun>>, ApiError> {
    let filter = q.filters.filter(q.extractor_id.clone())?;
    run_family::list::<Run>(&state, &caller.workspace_id, &filter, &q.page).await
}

/// `POST /quarry/extract_runs/{id}/review` (Quarry-specific): stores a human
/// review (see [`crate::review`]) and answers the run as `GET` renders it.
#[utoipa::path(
    post, path = "/quarry/extract_runs/{id}/review", tag = "quarry",
    params(("id" = String, Path, description = "Extract run id (`exr_…`)")),
    request_body = ReviewRequest,
    responses((status = 200, description = "The run with its reviewed output", body = ExtractRun)),
)]
pub async fn review(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<ReviewRequest>,
) -> Result<Json<ExtractRun>, ApiError> {
    let run = review_run(&state, &caller.workspace_id, &id, req).await?;
    full_view(&state, &run).await
}

run_family::cancel_and_delete!(
    ExtractRunRecord,
    ExtractRun,
    tag = "extract_runs",
    cancel = "/extract_runs/{id}/cancel",
    delete = "/extract_runs/{id}",
    id = "Extract run id (`exr_…`)"
);

#[utoipa::path(
    post, path = "/extract_runs/batch", tag = "extract_runs",
    request_body = CreateExtractBatch,
    responses((status = 200, description = "The batch; its runs are queued", body = BatchRun)),
)]
pub async fn create_batch(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<CreateExtractBatch>,
) -> Result<Json<BatchRun>, ApiError> {
    let ws = caller.workspace_id.as_str();
    let spec = resolve_spec(&state, ws, Some(&req.extractor), None);
    run_family::create_batch(
        &state,
        ws,
        &req.inputs,
        req.priority,
        spec,
        |spec, file, p, meta, batch| new_run(ws, spec, file, p, meta, Some(batch)),
    )
    .await
}

#[utoipa::path(
    get, path = "/batch_runs/{id}", tag = "extract_runs",
    params(("id" = String, Path, description = "Batch id (`bpr_…`)")),
    responses((status = 200, description = "The batch with its aggregate status", body = BatchRun)),
)]
pub async fn get_batch(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<BatchRun>, ApiError> {
    let b = state
        .store
        .get_batch(&caller.workspace_id, &id)
        .await?
        .ok_or_else(|| ApiError::not_found("batch run", &id))?;
    Ok(Json(batch_view(&b.batch, b.status)))
}
