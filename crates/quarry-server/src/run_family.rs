//! What every run family answers alike: lookup by id, the listing with its
//! filters, cancel, delete, queueing new runs and batches, the sync wait, written
//! once over [`RunApi`]. A kind's route file keeps only what the kind does
//! differently (how a request becomes runs) and calls these.

use std::future::Future;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use axum::Json;
use quarry_model::enums::RunStatus;
use quarry_model::ids::{BATCH_RUN, new_id};
use quarry_model::requests::{BatchInput, FileInput};
use quarry_model::resources::{BatchRun, Deleted, ListResponse};
use quarry_model::time::{now_ms, rfc3339};
use quarry_store::{BatchRecord, CancelOutcome, RunFilter, RunRecord};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::IntoParams;

use crate::error::ApiError;
use crate::ingest::resolve_file_input;
use crate::routes::paging::PageQuery;
use crate::runs::{NewRun, check_batch_inputs, check_metadata, check_priority, check_source};
use crate::state::AppState;
use crate::views::RunViews;

/// How often a sync request re-reads its run while waiting.
const SYNC_POLL: Duration = Duration::from_millis(50);

/// How one run kind is named and rendered on the wire.
#[async_trait]
pub(crate) trait RunApi: RunRecord {
    /// The kind in messages (`extract run`).
    const NOUN: &'static str;
    /// The wire object.
    type View: Serialize + Send;
    /// The full object (`full`) or its list summary, embedded objects
    /// looked up through `views`.
    async fn view(&self, views: &mut RunViews<'_>, full: bool) -> Result<Self::View, ApiError>;
}

/// Run `id` of kind `R` in workspace `ws`, or 404.
pub(crate) async fn found<R: RunApi>(state: &AppState, ws: &str, id: &str) -> Result<R, ApiError> {
    R::runs(state.store.as_ref())
        .get(ws, id)
        .await?
        .ok_or_else(|| ApiError::not_found(R::NOUN, id))
}

/// The full wire object of `run`.
pub(crate) async fn full_view<R: RunApi>(
    state: &AppState,
    run: &R,
) -> Result<Json<R::View>, ApiError> {
    Ok(Json(run.view(&mut RunViews::new(state), true).await?))
}

/// Stores new runs (and their batch) with their jobs and wakes the workers.
pub(crate) async fn queue<R: RunApi>(
    state: &AppState,
    runs: &[R],
    batch: Option<&BatchRecord>,
) -> Result<(), ApiError> {
    R::runs(state.store.as_ref()).create(runs, batch).await?;
    state.jobs_ready.notify_waiters();
    Ok(())
}

/// `POST /<kind>_runs`: checks that a `file` is given, `priority` and
/// `metadata`, then awaits `config` (the kind's resolved options), resolves
/// the file and queues the run `new_run` builds. Nothing is stored unless
/// every check passed.
pub(crate) async fn submit<R: RunApi, C>(
    state: &AppState,
    ws: &str,
    file: Option<&FileInput>,
    priority: Option<i64>,
    metadata: Option<Value>,
    config: impl Future<Output = Result<C, ApiError>>,
    new_run: impl Fn(&C, NewRun<'_>) -> R,
) -> Result<R, ApiError> {
    let file = file.ok_or_else(|| ApiError::bad_request("`file` is required"))?;
    let priority = check_priority(priority)?;
    let metadata = check_metadata(metadata, "metadata")?;
    let config = config.await?;
    let file = resolve_file_input(state, ws, file, "file").await?;
    let new = NewRun {
        ws,
        file: &file,
        priority,
        metadata,
        batch_id: None,
    };
    let run = new_run(&config, new);
    queue(state, std::slice::from_ref(&run), None).await?;
    Ok(run)
}

/// `POST /<kind>/batch`: checks the inputs (count, files, metadata) and
/// `priority`, then awaits `config` (the kind's resolved options, so a bad
/// config is reported after bad inputs, as before), builds each run with
/// `new_run(config, NewRun)` and queues them
/// with the batch. Every file is resolved before anything is stored, so a
/// bad input leaves no trace.
pub(crate) async fn create_batch<R: RunApi, C>(
    state: &AppState,
    ws: &str,
    inputs: &[BatchInput],
    priority: Option<i64>,
    config: impl Future<Output = Result<C, ApiError>>,
    new_run: impl Fn(&C, NewRun<'_>) -> R,
) -> Result<Json<BatchRun>, ApiError> {
    let metadata = check_batch_inputs(state, ws, inputs).await?;
    let priority = check_priority(priority)?;
    let config = config.await?;
    let batch = BatchRecord {
        id: new_id(BATCH_RUN),
        workspace_id: ws.to_string(),
        kind: R::KIND,
        run_count: inputs.len() as i64,
        created_at: now_ms(),
    };
    let mut runs = Vec::with_capacity(inputs.len());
    for (i, (input, meta)) in inputs.iter().zip(metadata).enumerate() {
        let field = format!("inputs[{i}].file");
        let file = resolve_file_input(state, ws, &input.file, &field).await?;
        let new = NewRun {
            ws,
            file: &file,
            priority,
            metadata: meta,
            batch_id: Some(&batch.id),
        };
        runs.push(new_run(&config, new));
    }
    queue(state, &runs, Some(&batch)).await?;
    Ok(Json(batch_view(&batch, RunStatus::Pending)))
}

/// The wire object of a batch with status `status`.
pub(crate) fn batch_view(b: &BatchRecord, status: RunStatus) -> BatchRun {
    BatchRun {
        object: "batch_run".into(),
        id: b.id.clone(),
        status,
        run_count: b.run_count,
        created_at: rfc3339(b.created_at),
    }
}

/// Re-reads `run` until it is terminal or the sync timeout passes; a run
/// still going then is returned as it is, for the caller to poll by id.
pub(crate) async fn wait<R: RunApi>(state: &AppState, mut run: R) -> Result<R, ApiError> {
    let deadline = Instant::now() + state.config.sync_timeout;
    while !run.status.is_terminal() && Instant::now() < deadline {
        tokio::time::sleep(SYNC_POLL).await;
        run = found(state, &run.workspace_id, &run.id).await?;
    }
    Ok(run)
}

/// The filters every run listing accepts, beside its paging; a kind's
/// list query adds its own (extract runs: `extractorId`).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct RunListQuery {
    pub status: Option<RunStatus>,
    pub batch_id: Option<String>,
    pub source_id: Option<String>,
    pub source: Option<String>,
    pub file_name_contains: Option<String>,
}

impl RunListQuery {
    /// The store filter, with the processor (extractor) a kind filters by.
    pub fn filter(&self, processor_id: Option<String>) -> Result<RunFilter, ApiError> {
        check_source(self.source.as_deref())?;
        Ok(RunFilter {
            status: self.status,
            processor_id,
            batch_id: self.batch_id.clone(),
            source_id: self.source_id.clone(),
            source: self.source.clone(),
            file_name_contains: self.file_name_contains.clone(),
        })
    }
}

/// One page of `ws`'s runs of kind `R`, as records.
pub(crate) async fn page<R: RunApi>(
    state: &AppState,
    ws: &str,
    filter: &RunFilter,
    page: &PageQuery,
) -> Result<quarry_store::Page<R>, ApiError> {
    let page = page.request()?;
    Ok(R::runs(state.store.as_ref())
        .list(ws, filter, &page)
        .await?)
}

/// One page of `ws`'s runs of kind `R` in summary form.
pub(crate) async fn list<R: RunApi>(
    state: &AppState,
    ws: &str,
    filter: &RunFilter,
    page_query: &PageQuery,
) -> Result<Json<ListResponse<R::View>>, ApiError> {
    let list = page::<R>(state, ws, filter, page_query).await?;
    let mut views = RunViews::new(state);
    let mut data = Vec::with_capacity(list.items.len());
    for run in &list.items {
        data.push(run.view(&mut views, false).await?);
    }
    Ok(Json(ListResponse::new(data, list.next_page_token)))
}

/// Cancels run `id`; 400 when it is already terminal.
pub(crate) async fn cancel<R: RunApi>(
    state: &AppState,
    ws: &str,
    id: &str,
) -> Result<Json<R::View>, ApiError> {
    match R::runs(state.store.as_ref()).cancel(ws, id).await? {
        CancelOutcome::Cancelled(run) => full_view(state, run.as_ref()).await,
        CancelOutcome::NotCancellable(status) => Err(ApiError::bad_request(format!(
            "{} `{id}` is already {} and cannot be cancelled",
            capitalized(R::NOUN),
            status.as_str()
        ))),
        CancelOutcome::NotFound => Err(ApiError::not_found(R::NOUN, id)),
    }
}

/// Deletes run `id` and what it produced.
pub(crate) async fn delete<R: RunApi>(
    state: &AppState,
    ws: &str,
    id: String,
) -> Result<Json<Deleted>, ApiError> {
    if R::runs(state.store.as_ref()).delete(ws, &id).await? {
        Ok(Json(Deleted { id }))
    } else {
        Err(ApiError::not_found(R::NOUN, &id))
    }
}

/// The `cancel` and `delete` handlers of run kind `$run` (wire object
/// `$view`), the same for every kind but for their paths: a macro because
/// the OpenAPI attribute wants literal paths.
macro_rules! cancel_and_delete {
    ($run:ident, $view:ident, tag = $tag:tt, cancel = $cancel:tt, delete = $delete:tt, id = $id:tt) => {
        #[utoipa::path(
            post, path = $cancel, tag = $tag,
            params(("id" = String, Path, description = $id)),
            responses((status = 200, description = "The cancelled run", body = $view)),
        )]
        pub async fn cancel(
            axum::extract::State(state): axum::extract::State<$crate::state::AppState>,
            caller: $crate::http::auth::Caller,
            axum::extract::Path(id): axum::extract::Path<String>,
        ) -> Result<axum::Json<$view>, $crate::error::ApiError> {
            $crate::run_family::cancel::<$run>(&state, &caller.workspace_id, &id).await
        }

        #[utoipa::path(
            delete, path = $delete, tag = $tag,
            params(("id" = String, Path, description = $id)),
            responses((status = 200, description = "The run was deleted", body = quarry_model::resources::Deleted)),
        )]
        pub async fn delete(
            axum::extract::State(state): axum::extract::State<$crate::state::AppState>,
            caller: $crate::http::auth::Caller,
            axum::extract::Path(id): axum::extract::Path<String>,
        ) -> Result<axum::Json<quarry_model::resources::Deleted>, $crate::error::ApiError> {
            $crate::run_family::delete::<$run>(&state, &caller.workspace_id, id).await
        }
    };
}
pub(crate) use cancel_and_delete;

/// The `create`, sync and `get` handlers of a processor run kind `$run`
/// (wire object `$view`, create request `$request`, stored by `$submit`):
/// the same for extract and classify runs but for their paths.
macro_rules! create_sync_and_get {
    (
        $run:ident, $view:ident, $request:ident, $submit:path, tag = $tag:tt,
        create = $create:tt, sync = $sync_fn:ident $sync:tt, get = $get:tt, id = $id:tt
    ) => {
        #[utoipa::path(
            post, path = $create, tag = $tag,
            request_body = $request,
            responses((status = 200, description = "The queued run", body = $view)),
        )]
        pub async fn create(
            axum::extract::State(state): axum::extract::State<$crate::state::AppState>,
            caller: $crate::http::auth::Caller,
            $crate::http::request::ApiJson(req): $crate::http::request::ApiJson<$request>,
        ) -> Result<axum::Json<$view>, $crate::error::ApiError> {
            let run = $submit(&state, &caller, req).await?;
            $crate::run_family::full_view(&state, &run).await
        }

        /// The sync endpoint: creates the run and waits (up to the
        /// configured sync timeout) for it to finish. A run still going at
        /// the timeout is returned as it is, so the caller can keep polling
        /// it by id.
        #[utoipa::path(
            post, path = $sync, tag = $tag,
            request_body = $request,
            responses((status = 200, description = "The finished run, or the run as it is when the sync timeout passes", body = $view)),
        )]
        pub async fn $sync_fn(
            axum::extract::State(state): axum::extract::State<$crate::state::AppState>,
            caller: $crate::http::auth::Caller,
            $crate::http::request::ApiJson(req): $crate::http::request::ApiJson<$request>,
        ) -> Result<axum::Json<$view>, $crate::error::ApiError> {
            let run = $submit(&state, &caller, req).await?;
            let run = $crate::run_family::wait(&state, run).await?;
            $crate::run_family::full_view(&state, &run).await
        }

        #[utoipa::path(
            get, path = $get, tag = $tag,
            params(("id" = String, Path, description = $id)),
            responses((status = 200, description = "The run", body = $view)),
        )]
        pub async fn get(
            axum::extract::State(state): axum::extract::State<$crate::state::AppState>,
            caller: $crate::http::auth::Caller,
            axum::extract::Path(id): axum::extract::Path<String>,
        ) -> Result<axum::Json<$view>, $crate::error::ApiError> {
            let run: $run = $crate::run_family::found(&state, &caller.workspace_id, &id).await?;
            $crate::run_family::full_view(&state, &run).await
        }
    };
}
pub(crate) use create_sync_and_get;

/// `noun` with its first letter upper-cased, to open a message.
pub(crate) fn capitalized(noun: &str) -> String {
    let mut chars = noun.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_start_with_the_kind_capitalized() {
        assert_eq!(capitalized("extract run"), "Extract run");
        assert_eq!(capitalized(""), "");
    }
}
