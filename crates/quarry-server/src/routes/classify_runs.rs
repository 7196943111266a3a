//! `/classify_runs` (create, get, list, cancel, delete, batch) and the sync
//! `POST /classify`. A classify run names one of its config's
//! classifications for a file; it is queued and processed like an extract
//! run, with a classifier (and version) or an inline ClassifyConfig.

use axum::Json;
use axum::extract::State;
use quarry_model::ids::CLASSIFY_RUN;
use quarry_model::requests::{CreateClassifyBatch, CreateClassifyRun, ProcessorRef};
use quarry_model::resources::{BatchRun, ClassifyRun, ListResponse};
use quarry_store::{ClassifyRunRecord, ProcessorKind};
use serde::Deserialize;
use serde_json::Value;
use utoipa::IntoParams;

use crate::error::ApiError;
use crate::http::auth::Caller;
use crate::http::request::{ApiJson, ApiQuery};
use crate::routes::paging::PageQuery;
use crate::run_family::{self, RunListQuery};
use crate::runs::{NewRun, RunSpec, check_classify_config, resolve_spec};
use crate::state::AppState;

type Run = ClassifyRunRecord;

async fn spec(
    state: &AppState,
    ws: &str,
    classifier: Option<&ProcessorRef>,
    config: Option<&Value>,
) -> Result<RunSpec, ApiError> {
    let kind = ProcessorKind::Classifier;
    resolve_spec(state, ws, kind, classifier, config, check_classify_config).await
}

fn new_run(spec: &RunSpec, new: NewRun<'_>) -> Run {
    ClassifyRunRecord {
        core: new.core(CLASSIFY_RUN, spec.config.clone()),
        classifier_id: spec.processor_id.clone(),
        classifier_version_id: spec.version_id.clone(),
        parse_run_id: None,
    }
}

/// Validates and stores one classify run with its job.
async fn submit(
    state: &AppState,
    caller: &Caller,
    req: CreateClassifyRun,
) -> Result<Run, ApiError> {
    let ws = caller.workspace_id.as_str();
    let spec = spec(state, ws, req.classifier.as_ref(), req.config.as_ref());
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
    ClassifyRunRecord,
    ClassifyRun,
    CreateClassifyRun,
    submit,
    tag = "classify_runs",
    create = "/classify_runs",
    sync = classify_sync "/classify",
    get = "/classify_runs/{id}",
    id = "Classify run id (`clr_…`)"
);

/// The filters and paging of `GET /classify_runs`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    pub classifier_id: Option<String>,
    #[serde(flatten)]
    #[param(ignore)] // documented as its own `RunListQuery` parameter set
    pub filters: RunListQuery,
    #[serde(flatten)]
    #[param(ignore)] // documented as its own `PageQuery` parameter set
    pub page: PageQuery,
}

#[utoipa::path(
    get, path = "/classify_runs", tag = "classify_runs",
    params(ListQuery, RunListQuery, PageQuery),
    responses((status = 200, description = "One page of runs (summary form)", body = ListResponse<ClassifyRun>)),
)]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<ListResponse<ClassifyRun>>, ApiError> {
    let filter = q.filters.filter(q.classifier_id.clone())?;
    run_family::list::<Run>(&state, &caller.workspace_id, &filter, &q.page).await
}

run_family::cancel_and_delete!(
    ClassifyRunRecord,
    ClassifyRun,
    tag = "classify_runs",
    cancel = "/classify_runs/{id}/cancel",
    delete = "/classify_runs/{id}",
    id = "Classify run id (`clr_…`)"
);

#[utoipa::path(
    post, path = "/classify_runs/batch", tag = "classify_runs",
    request_body = CreateClassifyBatch,
    responses((status = 200, description = "The batch; its runs are queued", body = BatchRun)),
)]
pub async fn create_batch(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<CreateClassifyBatch>,
) -> Result<Json<BatchRun>, ApiError> {
    let ws = caller.workspace_id.as_str();
    let spec = spec(&state, ws, Some(&req.classifier), None);
    run_family::create_batch(&state, ws, &req.inputs, req.priority, spec, new_run).await
}
