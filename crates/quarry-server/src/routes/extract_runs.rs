//! `/extract_runs` (create, get, list, cancel, delete, batch), the sync
//! `POST /extract`, and `GET /batch_runs/{id}`.

use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::{Path, State};
use quarry_model::enums::RunStatus;
use quarry_model::ids::{BATCH_RUN, new_id};
use quarry_model::requests::{CreateExtractBatch, CreateExtractRun};
use quarry_model::resources::{BatchRun, Deleted, ExtractRun, ListResponse};
use quarry_model::time::{now_ms, rfc3339};
use quarry_store::{BatchRecord, CancelOutcome, ExtractRunRecord, RunFilter};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::error::ApiError;
use crate::http::auth::Caller;
use crate::http::request::{ApiJson, ApiQuery};
use crate::ingest::resolve_file_input;
use crate::review::{ReviewRequest, review_run};
use crate::routes::paging::PageQuery;
use crate::runs::{
    check_batch_inputs, check_metadata, check_priority, check_source, new_run, resolve_spec,
};
use crate::state::AppState;
use crate::views::RunViews;

/// How often a sync request re-reads its run while waiting.
pub(crate) const SYNC_POLL: Duration = Duration::from_millis(50);

/// Validates and stores one run with its job; returns the stored record.
pub(crate) async fn submit(
    state: &AppState,
    caller: &Caller,
    req: CreateExtractRun,
) -> Result<ExtractRunRecord, ApiError> {
    let ws = caller.workspace_id.as_str();
    if req.package.is_some() {
        return Err(ApiError::bad_request(
            "`package` (multi-file) runs are not supported by this server yet; send `file`",
        ));
    }
    let file = req
        .file
        .as_ref()
        .ok_or_else(|| ApiError::bad_request("`file` is required"))?;
    let priority = check_priority(req.priority)?;
    let metadata = check_metadata(req.metadata, "metadata")?;
    let spec = resolve_spec(state, ws, req.extractor.as_ref(), req.config.as_ref()).await?;
    let file = resolve_file_input(state, ws, file, "file").await?;
    let run = new_run(ws, &spec, &file, priority, metadata, None);
    state
        .store
        .create_runs(std::slice::from_ref(&run), None)
        .await?;
    state.jobs_ready.notify_waiters();
    Ok(run)
}

async fn full_view(state: &AppState, run: &ExtractRunRecord) -> Result<Json<ExtractRun>, ApiError> {
    Ok(Json(RunViews::new(state).view(run, true).await?))
}

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
    let mut run = submit(&state, &caller, req).await?;
    let deadline = Instant::now() + state.config.sync_timeout;
    while !run.status.is_terminal() && Instant::now() < deadline {
        tokio::time::sleep(SYNC_POLL).await;
        run = state
            .store
            .get_run(&caller.workspace_id, &run.id)
            .await?
            .ok_or_else(|| ApiError::not_found("extract run", &run.id))?;
    }
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
    let run = state
        .store
        .get_run(&caller.workspace_id, &id)
        .await?
        .ok_or_else(|| ApiError::not_found("extract run", &id))?;
    full_view(&state, &run).await
}

/// The filters and paging of `GET /extract_runs`; the dashboard's runs list
/// reads the same query, so its filters match the API's.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    pub status: Option<RunStatus>,
    pub extractor_id: Option<String>,
    pub batch_id: Option<String>,
    pub source_id: Option<String>,
    pub source: Option<String>,
    pub file_name_contains: Option<String>,
    #[serde(flatten)]
    #[param(ignore)] // documented as its own `PageQuery` parameter set
    pub page: PageQuery,
}

impl ListQuery {
    /// Validates the query and lists one page of runs of workspace `ws`.
    pub async fn fetch(
        &self,
        state: &AppState,
        ws: &str,
    ) -> Result<quarry_store::Page<ExtractRunRecord>, ApiError> {
        check_source(self.source.as_deref())?;
        let page = self.page.request()?;
        let filter = RunFilter {
            status: self.status,
            extractor_id: self.extractor_id.clone(),
            batch_id: self.batch_id.clone(),
            source_id: self.source_id.clone(),
            source: self.source.clone(),
            file_name_contains: self.file_name_contains.clone(),
        };
        Ok(state.store.list_runs(ws, &filter, &page).await?)
    }
}

#[utoipa::path(
    get, path = "/extract_runs", tag = "extract_runs",
    params(ListQuery, PageQuery),
    responses((status = 200, description = "One page of runs (summary form)", body = ListResponse<ExtractRun>)),
)]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<ListResponse<ExtractRun>>, ApiError> {
    let list = q.fetch(&state, &caller.workspace_id).await?;
    let mut views = RunViews::new(&state);
    let mut data = Vec::with_capacity(list.items.len());
    for run in &list.items {
        data.push(views.view(run, false).await?);
    }
    Ok(Json(ListResponse::new(data, list.next_page_token)))
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

#[utoipa::path(
    post, path = "/extract_runs/{id}/cancel", tag = "extract_runs",
    params(("id" = String, Path, description = "Extract run id (`exr_…`)")),
    responses((status = 200, description = "The cancelled run", body = ExtractRun)),
)]
pub async fn cancel(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ExtractRun>, ApiError> {
    match state.store.cancel_run(&caller.workspace_id, &id).await? {
        CancelOutcome::Cancelled(run) => full_view(&state, &run).await,
        CancelOutcome::NotCancellable(status) => Err(ApiError::bad_request(format!(
            "Extract run `{id}` is already {} and cannot be cancelled",
            status.as_str()
        ))),
        CancelOutcome::NotFound => Err(ApiError::not_found("extract run", &id)),
    }
}

#[utoipa::path(
    delete, path = "/extract_runs/{id}", tag = "extract_runs",
    params(("id" = String, Path, description = "Extract run id (`exr_…`)")),
    responses((status = 200, description = "The run was deleted", body = Deleted)),
)]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Deleted>, ApiError> {
    if state.store.delete_run(&caller.workspace_id, &id).await? {
        Ok(Json(Deleted { id }))
    } else {
        Err(ApiError::not_found("extract run", &id))
    }
}

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
    let metadata = check_batch_inputs(&state, ws, &req.inputs).await?;
    let priority = check_priority(req.priority)?;
    let spec = resolve_spec(&state, ws, Some(&req.extractor), None).await?;
    let n = req.inputs.len();
    let batch = BatchRecord {
        id: new_id(BATCH_RUN),
        workspace_id: ws.to_string(),
        kind: "extract_run".into(),
        run_count: n as i64,
        created_at: now_ms(),
    };
    let mut runs = Vec::with_capacity(n);
    for (i, (input, meta)) in req.inputs.iter().zip(metadata).enumerate() {
        let file =
            resolve_file_input(&state, ws, &input.file, &format!("inputs[{i}].file")).await?;
        runs.push(new_run(ws, &spec, &file, priority, meta, Some(&batch.id)));
    }
    state.store.create_runs(&runs, Some(&batch)).await?;
    state.jobs_ready.notify_waiters();
    Ok(Json(batch_view(&batch, RunStatus::Pending)))
}

pub fn batch_view(b: &BatchRecord, status: RunStatus) -> BatchRun {
    BatchRun {
        object: "batch_run".into(),
        id: b.id.clone(),
        status,
        run_count: b.run_count,
        created_at: rfc3339(b.created_at),
    }
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
