//! Extract jobs: the run's config resolved into a plan, then the extract
//! pipeline with the engine the plan chooses.

use quarry_pipeline::{ExtractPlan, run_extract};
use quarry_store::{ExtractRunRecord, Lease, RunResult};

use super::processor::process;
use crate::state::AppState;

/// Computes the extract run held by `lease`, naming the engine that
/// produced it in `engine` (for the run-duration metric) once it is known.
pub(super) async fn compute(
    state: &AppState,
    lease: &Lease,
    engine: &mut &'static str,
) -> RunResult {
    let limits = &state.config.parse_limits;
    let engines = state.engines.clone();
    let plan = |run: &ExtractRunRecord| {
        let plan = ExtractPlan::resolve(run.config.clone(), limits)?;
        *engine = plan.engine(&state.engines).name();
        Ok(plan)
    };
    process(state, lease, plan, move |plan, input| {
        run_extract(plan, &engines, input, true)
    })
    .await
}
