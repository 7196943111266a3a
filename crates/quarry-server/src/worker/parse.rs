//! Parse jobs: load the run and its file, and run the parse pipeline under
//! the run's resolved ParseConfig on a blocking thread.

use quarry_model::enums::parse_failure;
use quarry_pipeline::{Input, ParsePlan, run_parse};
use quarry_store::{Lease, RunResult};

use super::result::stored;
use super::{load_file, loaded, run_blocking};
use crate::state::AppState;

/// Computes the parse run held by `lease`.
pub(super) async fn compute(state: &AppState, lease: &Lease) -> RunResult {
    let ws = lease.workspace_id.as_str();
    let found = state.store.parse_runs().get(ws, &lease.run_id).await;
    let internal = parse_failure::INTERNAL_ERROR;
    let run = match loaded(found, internal, internal) {
        Ok(run) => run,
        Err(failure) => return *failure,
    };
    let (file, bytes) = match load_file(state, &run, parse_failure::UNABLE_TO_DOWNLOAD_FILE).await {
        Ok(loaded) => loaded,
        Err(failure) => return failure,
    };
    // Stored configs were resolved when the run was created.
    let plan = ParsePlan::resolved(run.core.config, &state.config.parse_limits);
    let run_id = run.core.id;
    run_blocking(state, parse_failure::INTERNAL_ERROR, move || {
        let input = Input {
            run_id: &run_id,
            file_id: &file.id,
            file_name: &file.name,
            bytes: &bytes,
            password: file.password.as_ref().map(|p| p.0.as_str()),
        };
        stored(run_parse(&plan, &input), None)
    })
    .await
    .unwrap_or_else(|failed| failed)
}
