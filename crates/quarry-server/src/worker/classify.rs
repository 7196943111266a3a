//! Classify jobs: the run's config resolved into a plan, then the classify
//! pipeline (the offline classifier).

use quarry_pipeline::{ClassifyPlan, run_classify};
use quarry_store::{ClassifyRunRecord, Lease, RunResult};

use super::processor::process;
use crate::state::AppState;

/// Computes the classify run held by `lease`.
pub(super) async fn compute(state: &AppState, lease: &Lease) -> RunResult {
    let limits = &state.config.parse_limits;
    let plan = |run: &ClassifyRunRecord| ClassifyPlan::resolve(run.config.clone(), limits);
    process(state, lease, plan, |plan, input| {
        run_classify(plan, input, true)
    })
    .await
}
