//! Runs of a processor family (classify and split runs): a request names a
//! processor (and version, with overrides) or gives an inline config, and
//! the run records which it used. Everything but the kind's names is
//! written once here; [`processor_run_routes!`] generates a kind's
//! handlers, so its route file is an impl of [`ProcessorRun`] and one
//! macro call.

use axum::Json;
use quarry_model::requests::{BatchInput, FileInput, ProcessorRef};
use quarry_model::resources::BatchRun;
use quarry_store::RunCore;
use serde_json::Value;

use crate::error::ApiError;
use crate::processor_family::ProcessorApi;
use crate::run_family::{self, RunApi};
use crate::runs::{NewRun, RunSpec, resolve_spec};
use crate::state::AppState;

/// A run kind whose runs use a processor of family [`Self::Processor`].
pub(crate) trait ProcessorRun: RunApi {
    type Processor: ProcessorApi;
    /// Id prefix of a run (`clr_`).
    const PREFIX: &'static str;
    /// A new run from its core and the processor and version it uses.
    fn new(core: RunCore, processor: Option<String>, version: Option<String>) -> Self;
}

/// What a create request of any processor run kind says.
pub(crate) struct RunRequest<'a> {
    pub processor: Option<&'a ProcessorRef>,
    pub config: Option<&'a Value>,
    pub file: Option<&'a FileInput>,
    pub priority: Option<i64>,
    pub metadata: Option<Value>,
}

async fn spec<R: ProcessorRun>(
    state: &AppState,
    ws: &str,
    processor: Option<&ProcessorRef>,
    config: Option<&Value>,
) -> Result<RunSpec, ApiError> {
    let kind = <R::Processor as ProcessorApi>::KIND;
    let check = <R::Processor as ProcessorApi>::check_config;
    resolve_spec(state, ws, kind, processor, config, check).await
}

fn new_run<R: ProcessorRun>(spec: &RunSpec, new: NewRun<'_>) -> R {
    let core = new.core(R::PREFIX, spec.config.clone());
    R::new(core, spec.processor_id.clone(), spec.version_id.clone())
}

/// Validates and stores one run of kind `R` with its job.
pub(crate) async fn submit<R: ProcessorRun>(
    state: &AppState,
    ws: &str,
    req: RunRequest<'_>,
) -> Result<R, ApiError> {
    let spec = spec::<R>(state, ws, req.processor, req.config);
    let RunRequest {
        file,
        priority,
        metadata,
        ..
    } = req;
    run_family::submit(state, ws, file, priority, metadata, spec, new_run::<R>).await
}

/// `POST /<kind>_runs/batch` of kind `R`: every input run by `processor`.
pub(crate) async fn create_batch<R: ProcessorRun>(
    state: &AppState,
    ws: &str,
    processor: &ProcessorRef,
    inputs: &[BatchInput],
    priority: Option<i64>,
) -> Result<Json<BatchRun>, ApiError> {
    let spec = spec::<R>(state, ws, Some(processor), None);
    run_family::create_batch(state, ws, inputs, priority, spec, new_run::<R>).await
}

/// Every handler of processor run kind `$run` (wire object `$view`):
/// create, sync, get, list (filtered by the processor through
/// `$filter`), cancel, delete and batch. `$create` and `$batch` are the
/// request types, whose processor field is `$processor`.
macro_rules! processor_run_routes {
    (
        $run:ident, $view:ident, $create:ident, $batch:ident, $processor:ident, $filter:ident,
        tag = $tag:tt, runs = $runs:tt, sync = $sync_fn:ident $sync:tt, one = $one:tt,
        cancel = $cancel:tt, batch = $batch_path:tt, id = $id:tt
    ) => {
        async fn submit(
            state: &$crate::state::AppState,
            caller: &$crate::http::auth::Caller,
            req: $create,
        ) -> Result<$run, $crate::error::ApiError> {
            let request = $crate::processor_runs::RunRequest {
                processor: req.$processor.as_ref(),
                config: req.config.as_ref(),
                file: req.file.as_ref(),
                priority: req.priority,
                metadata: req.metadata,
            };
            $crate::processor_runs::submit::<$run>(state, &caller.workspace_id, request).await
        }

        $crate::run_family::create_sync_and_get!(
            $run, $view, $create, submit, tag = $tag, create = $runs,
            sync = $sync_fn $sync, get = $one, id = $id
        );

        $crate::run_family::cancel_and_delete!(
            $run, $view, tag = $tag, cancel = $cancel, delete = $one, id = $id
        );

        /// The filters and paging of the run list.
        #[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
        #[serde(rename_all = "camelCase")]
        #[into_params(parameter_in = Query)]
        pub struct ListQuery {
            pub $filter: Option<String>,
            #[serde(flatten)]
            #[param(ignore)] // documented as its own `RunListQuery` parameter set
            pub filters: $crate::run_family::RunListQuery,
            #[serde(flatten)]
            #[param(ignore)] // documented as its own `PageQuery` parameter set
            pub page: $crate::routes::paging::PageQuery,
        }

        #[utoipa::path(
            get, path = $runs, tag = $tag,
            params(ListQuery, $crate::run_family::RunListQuery, $crate::routes::paging::PageQuery),
            responses((status = 200, description = "One page of runs (summary form)", body = ListResponse<$view>)),
        )]
        pub async fn list(
            axum::extract::State(state): axum::extract::State<$crate::state::AppState>,
            caller: $crate::http::auth::Caller,
            $crate::http::request::ApiQuery(q): $crate::http::request::ApiQuery<ListQuery>,
        ) -> Result<axum::Json<ListResponse<$view>>, $crate::error::ApiError> {
            let filter = q.filters.filter(q.$filter.clone())?;
            $crate::run_family::list::<$run>(&state, &caller.workspace_id, &filter, &q.page).await
        }

        #[utoipa::path(
            post, path = $batch_path, tag = $tag,
            request_body = $batch,
            responses((status = 200, description = "The batch; its runs are queued", body = BatchRun)),
        )]
        pub async fn create_batch(
            axum::extract::State(state): axum::extract::State<$crate::state::AppState>,
            caller: $crate::http::auth::Caller,
            $crate::http::request::ApiJson(req): $crate::http::request::ApiJson<$batch>,
        ) -> Result<axum::Json<BatchRun>, $crate::error::ApiError> {
            let ws = caller.workspace_id.as_str();
            let (inputs, priority) = (&req.inputs, req.priority);
            $crate::processor_runs::create_batch::<$run>(&state, ws, &req.$processor, inputs, priority)
                .await
        }
    };
}
pub(crate) use processor_run_routes;
