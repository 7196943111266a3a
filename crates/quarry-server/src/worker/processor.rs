//! The steps every processor run (extract, classify) takes once claimed:
//! load the run, resolve its stored config into the kind's plan, load its
//! file, run the kind's pipeline on a blocking thread, and keep what it
//! made: the parse it read, and files cut out of the input. Failures carry the reasons processor runs document.

use quarry_model::enums::failure;
use quarry_model::ids::FILE;
use quarry_pipeline::{ConfigError, Input, Outcome};
use quarry_store::{FileRecord, Lease, RunRecord, RunResult, sha256_hex};
use serde_json::Value;

use super::result::{Origin, failed, stored};
use super::{load_file, loaded, run_blocking};
use crate::error::ApiError;
use crate::ingest::{Derived, store_file_as};
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
    let job = move || {
        let input = Input {
            run_id: &run.id,
            file_id: &file.id,
            file_name: &file.name,
            bytes: &bytes,
            password: file.password.as_ref().map(|p| p.0.as_str()),
        };
        (work(&plan, &input), run, file)
    };
    let (mut outcome, run, file) =
        match run_blocking(state, failure::FAILED_TO_PROCESS_FILE, job).await {
            Ok(done) => done,
            Err(failed) => return failed,
        };
    if let Err(e) = keep_files(state, &run, &file, &mut outcome).await {
        let message = format!("Storing the files the run made failed: {e}");
        return failed(failure::INTERNAL_ERROR, message);
    }
    let origin = Origin {
        workspace_id: &run.workspace_id,
        run_id: &run.id,
        file_id: &file.id,
        file_name: &file.name,
    };
    stored(outcome, Some(&origin))
}

/// Stores the files the run made out of `file` (a split run's documents)
/// and writes each one's id into the output where the outcome says. The
/// ids are fixed by the run, so a run that is retried after a crash
/// stores each file once.
async fn keep_files<R: RunRecord>(
    state: &AppState,
    run: &R,
    file: &FileRecord,
    outcome: &mut Outcome,
) -> Result<(), ApiError> {
    for (i, made) in std::mem::take(&mut outcome.files).into_iter().enumerate() {
        let derived = Derived {
            id: format!(
                "{FILE}{}",
                &sha256_hex(format!("{}:{i}", run.id).as_bytes())[..22]
            ),
            parent_file_id: file.id.clone(),
            parent_split: made.parent_split,
        };
        let ws = run.workspace_id.as_str();
        // A split of a protected PDF is saved unlocked: it needs no password.
        let stored = store_file_as(state, ws, &made.name, &made.bytes, Some(derived), None).await?;
        if let Some(slot) = outcome
            .output
            .as_mut()
            .and_then(|o| o.pointer_mut(&made.id_at))
        {
            *slot = Value::String(stored.id);
        }
    }
    Ok(())
}
