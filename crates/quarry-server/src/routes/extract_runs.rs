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
use crate::runs::{ListQuery, extract_spec, new_run, submit};
use crate::state::AppState;

type Run = ExtractRunRecord;

run_family::create_sync_and_get!(
    ExtractRunRecord,
    ExtractRun,
    CreateExtractRun,
    submit,
    tag = "extract_runs",
    create = "/extract_runs",
    sync = extract_sync "/extract",
    get = "/extract_runs/{id}",
    id = "Extract run id (`exr_…`)"
);

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
    let spec = extract_spec(&state, ws, Some(&req.extractor), None);
    run_family::create_batch(&state, ws, &req.inputs, req.priority, spec, new_run).await
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
