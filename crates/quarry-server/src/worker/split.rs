//! Split jobs: the run's config resolved into a plan, then the split
//! pipeline (the offline splitter); each split's file is kept by
//! [`super::processor::process`].

use quarry_pipeline::{SplitPlan, run_split};
use quarry_store::{Lease, RunResult, SplitRunRecord};

use super::processor::process;
use crate::state::AppState;

/// Computes the split run held by `lease`.
pub(super) async fn compute(state: &AppState, lease: &Lease) -> RunResult {
    let limits = &state.config.parse_limits;
    let plan = |run: &SplitRunRecord| SplitPlan::resolve(run.config.clone(), limits);
    process(state, lease, plan, |plan, input| {
        run_split(plan, input, true)
    })
    .await
}
