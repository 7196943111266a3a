//! `/parse_runs` (create, get, list, cancel, delete, batch) and the sync
//! `POST /parse`. A parse run turns a file into chunks of blocks; it is
//! stored with its queue job (kind `parse_run`) like an extract run, and the
//! worker writes the output on the run.

use axum::Json;
use axum::extract::{Path, State};
use quarry_model::enums::RunStatus;
use quarry_model::ids::PARSE_RUN;
use quarry_model::requests::{CreateParseBatch, CreateParseRun};
use quarry_model::resources::{BatchRun, ListResponse, ParseRun};
use quarry_store::ParseRunRecord;
use serde::Deserialize;
use serde_json::Value;
use utoipa::IntoParams;

use crate::error::ApiError;
use crate::http::auth::Caller;
use crate::http::request::{ApiJson, ApiQuery};
use crate::routes::paging::PageQuery;
use crate::run_family::{self, RunListQuery, full_view};
use crate::runs::NewRun;
use crate::state::AppState;

type Run = ParseRunRecord;

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
fn new_parse_run(config: &Value, new: NewRun<'_>) -> Run {
    let single = new.batch_id.is_none();
    let mut core = new.core(PARSE_RUN, config.clone());
    if single {
        core.status = RunStatus::Processing;
    }
    ParseRunRecord {
        core,
        metrics: None,
    }
}

/// Validates and stores one parse run with its job.
async fn submit(
    state: &AppState,
    caller: &Caller,
    req: CreateParseRun,
) -> Result<ParseRunRecord, ApiError> {
    let ws = caller.workspace_id.as_str();
    let config = async {
        quarry_pipeline::parse_config::resolve(req.config.as_ref()).map_err(ApiError::from)
    };
    let (file, priority) = (req.file.as_ref(), req.priority);
    run_family::submit(
        state,
        ws,
        file,
        priority,
        req.metadata,
        config,
        new_parse_run,
    )
    .await
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
    full_view(&state, &run).await
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
    let run = submit(&state, &caller, req).await?;
    let run = run_family::wait(&state, run).await?;
    full_view(&state, &run).await
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
    let run: Run = run_family::found(&state, &caller.workspace_id, &id).await?;
    full_view(&state, &run).await
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    #[serde(flatten)]
    #[param(ignore)] // documented as its own `RunListQuery` parameter set
    filters: RunListQuery,
    #[serde(flatten)]
    #[param(ignore)] // documented as its own `PageQuery` parameter set
    page: PageQuery,
}

#[utoipa::path(
    get, path = "/parse_runs", tag = "parse_runs",
    params(RunListQuery, PageQuery),
    responses((status = 200, description = "One page of runs (summary form)", body = ListResponse<ParseRun>)),
)]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<ListResponse<ParseRun>>, ApiError> {
    let filter = q.filters.filter(None)?;
    run_family::list::<Run>(&state, &caller.workspace_id, &filter, &q.page).await
}

run_family::cancel_and_delete!(
    ParseRunRecord,
    ParseRun,
    tag = "parse_runs",
    cancel = "/parse_runs/{id}/cancel",
    delete = "/parse_runs/{id}",
    id = "Parse run id (`pr_…`)"
);

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
    let config = async {
        quarry_pipeline::parse_config::resolve(req.config.as_ref()).map_err(ApiError::from)
    };
    run_family::create_batch(&state, ws, &req.inputs, req.priority, config, new_parse_run).await
}
