//! Extract jobs: load the run and its file, resolve the run's config into
//! a plan, and run the pipeline on a blocking thread.

use quarry_model::enums::failure;
use quarry_pipeline::{ExtractPlan, Input, run_extract};
use quarry_store::{Lease, RunResult};

use super::result::{Origin, failed, stored};
use super::{load_file, loaded, run_blocking};
use crate::state::AppState;

/// Computes the extract run held by `lease`, naming the engine that
/// produced it in `engine` (for the run-duration metric) once it is known.
pub(super) async fn compute(
    state: &AppState,
    lease: &Lease,
    engine: &mut &'static str,
) -> RunResult {
    let ws = lease.workspace_id.as_str();
    let found = state.store.extract_runs().get(ws, &lease.run_id).await;
    let run = match loaded(found, failure::ABORTED, failure::INTERNAL_ERROR) {
        Ok(run) => run,
        Err(failure) => return *failure,
    };
    let plan = match ExtractPlan::resolve(run.config.clone(), &state.config.parse_limits) {
        Ok(plan) => plan,
        Err(e) => return failed(failure::INVALID_CONFIGURATION, e.to_string()),
    };
    *engine = plan.engine(&state.engines).name();
    let (file, bytes) = match load_file(state, &run, failure::FAILED_TO_PROCESS_FILE).await {
        Ok(loaded) => loaded,
        Err(failure) => return failure,
    };
    let engines = state.engines.clone();
    run_blocking(state, failure::FAILED_TO_PROCESS_FILE, move || {
        let input = Input {
            run_id: &run.id,
            file_id: &file.id,
            file_name: &file.name,
            bytes: &bytes,
        };
        let origin = Origin {
            workspace_id: &run.workspace_id,
            run_id: &run.id,
            file_id: &file.id,
            file_name: &file.name,
        };
        stored(run_extract(&plan, &engines, &input, true), Some(&origin))
    })
    .await
}
