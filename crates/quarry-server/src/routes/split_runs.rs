//! `/split_runs` (create, get, list, cancel, delete, batch) and the sync
//! `POST /split`. A split run finds the documents of a packet (their type
//! and pages) and keeps each as a file of its own; it is queued and
//! processed like an extract run, with a splitter (and version) or an
//! inline SplitConfig.

use axum::Json;
use axum::extract::State;
use quarry_model::ids::SPLIT_RUN;
use quarry_model::requests::{CreateSplitBatch, CreateSplitRun, ProcessorRef};
use quarry_model::resources::{BatchRun, ListResponse, SplitRun};
use quarry_store::{ProcessorKind, SplitRunRecord};
use serde::Deserialize;
use serde_json::Value;
use utoipa::IntoParams;

use crate::error::ApiError;
use crate::http::auth::Caller;
use crate::http::request::{ApiJson, ApiQuery};
use crate::routes::paging::PageQuery;
use crate::run_family::{self, RunListQuery};
use crate::runs::{NewRun, RunSpec, check_split_config, resolve_spec};
use crate::state::AppState;

type Run = SplitRunRecord;

async fn spec(
    state: &AppState,
    ws: &str,
    splitter: Option<&ProcessorRef>,
    config: Option<&Value>,
) -> Result<RunSpec, ApiError> {
    let kind = ProcessorKind::Splitter;
    resolve_spec(state, ws, kind, splitter, config, check_split_config).await
}

fn new_run(spec: &RunSpec, new: NewRun<'_>) -> Run {
    SplitRunRecord {
        core: new.core(SPLIT_RUN, spec.config.clone()),
        splitter_id: spec.processor_id.clone(),
        splitter_version_id: spec.version_id.clone(),
        parse_run_id: None,
    }
}

/// Validates and stores one split run with its job.
async fn submit(state: &AppState, caller: &Caller, req: CreateSplitRun) -> Result<Run, ApiError> {
    let ws = caller.workspace_id.as_str();
    let spec = spec(state, ws, req.splitter.as_ref(), req.config.as_ref());
    run_family::submit(
        state,
        ws,
        req.file.as_ref(),
        req.priority,
        req.metadata,
        spec,
        new_run,
    )
    .await
}

run_family::create_sync_and_get!(
    SplitRunRecord,
    SplitRun,
    CreateSplitRun,
    submit,
    tag = "split_runs",
    create = "/split_runs",
    sync = split_sync "/split",
    get = "/split_runs/{id}",
    id = "Split run id (`splr_…`)"
);

/// The filters and paging of `GET /split_runs`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    pub splitter_id: Option<String>,
    #[serde(flatten)]
    #[param(ignore)] // documented as its own `RunListQuery` parameter set
    pub filters: RunListQuery,
    #[serde(flatten)]
    #[param(ignore)] // documented as its own `PageQuery` parameter set
    pub page: PageQuery,
}

#[utoipa::path(
    get, path = "/split_runs", tag = "split_runs",
    params(ListQuery, RunListQuery, PageQuery),
    responses((status = 200, description = "One page of runs (summary form)", body = ListResponse<SplitRun>)),
)]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<ListResponse<SplitRun>>, ApiError> {
    let filter = q.filters.filter(q.splitter_id.clone())?;
    run_family::list::<Run>(&state, &caller.workspace_id, &filter, &q.page).await
}

run_family::cancel_and_delete!(
    SplitRunRecord,
    SplitRun,
    tag = "split_runs",
    cancel = "/split_runs/{id}/cancel",
    delete = "/split_runs/{id}",
    id = "Split run id (`splr_…`)"
);

#[utoipa::path(
    post, path = "/split_runs/batch", tag = "split_runs",
    request_body = CreateSplitBatch,
    responses((status = 200, description = "The batch; its runs are queued", body = BatchRun)),
)]
pub async fn create_batch(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<CreateSplitBatch>,
) -> Result<Json<BatchRun>, ApiError> {
    let ws = caller.workspace_id.as_str();
    let spec = spec(&state, ws, Some(&req.splitter), None);
    run_family::create_batch(&state, ws, &req.inputs, req.priority, spec, new_run).await
}
