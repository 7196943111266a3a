//! The steps every processor run (extract, classify) takes once claimed:
//! load the run, resolve its stored config into the kind's plan, load its
//! file, and run the kind's pipeline on a blocking thread, keeping the
//! parse it read. Failures carry the reasons processor runs document.

use quarry_model::enums::failure;
use quarry_pipeline::{ConfigError, Input, Outcome};
use quarry_store::{Lease, RunRecord, RunResult};

use super::result::{Origin, failed, stored};
use super::{load_file, loaded, run_blocking};
use crate::state::AppState;

/// Computes run `R` held by `lease`: `plan` resolves the loaded run's
/// config (an invalid one fails the run with `INVALID_CONFIGURATION`),
/// `work` turns the plan and the file into the outcome.
pub(super) async fn process<R, P>(
    state: &AppState,
    lease: &Lease,
    plan: impl FnOnce(&R) -> Result<P, ConfigError>,
    work: impl FnOnce(&P, &Input<'_>) -> Outcome + Send + 'static,
) -> RunResult
where
    R: RunRecord,
    P: Send + 'static,
{
    let ws = lease.workspace_id.as_str();
    let found = R::runs(state.store.as_ref()).get(ws, &lease.run_id).await;
    let run = match loaded(found, failure::ABORTED, failure::INTERNAL_ERROR) {
        Ok(run) => run,
        Err(failure) => return *failure,
    };
    let plan = match plan(&run) {
        Ok(plan) => plan,
        Err(e) => return failed(failure::INVALID_CONFIGURATION, e.to_string()),
    };
    let (file, bytes) = match load_file(state, &run, failure::FAILED_TO_PROCESS_FILE).await {
        Ok(loaded) => loaded,
        Err(failure) => return failure,
    };
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
        stored(work(&plan, &input), Some(&origin))
    })
    .await
}
