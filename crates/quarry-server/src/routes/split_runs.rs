//! `/split_runs` (create, get, list, cancel, delete, batch) and the sync
//! `POST /split`. A split run finds the documents of a packet (their type
//! and pages) and keeps each as a file of its own; it is queued and
//! processed like an extract run, with a splitter (and version) or an
//! inline SplitConfig.

use quarry_model::ids::SPLIT_RUN;
use quarry_model::requests::{CreateSplitBatch, CreateSplitRun};
use quarry_model::resources::{BatchRun, ListResponse, SplitRun};
use quarry_store::{RunCore, SplitRunRecord};

use crate::processor_runs::{ProcessorRun, processor_run_routes};
use crate::processors::Splitters;

impl ProcessorRun for SplitRunRecord {
    type Processor = Splitters;
    const PREFIX: &'static str = SPLIT_RUN;
    fn new(core: RunCore, processor: Option<String>, version: Option<String>) -> Self {
        SplitRunRecord::new(core, processor, version)
    }
}

processor_run_routes!(
    SplitRunRecord,
    SplitRun,
    CreateSplitRun,
    CreateSplitBatch,
    splitter,
    splitter_id,
    tag = "split_runs",
    runs = "/split_runs",
    sync = split_sync "/split",
    one = "/split_runs/{id}",
    cancel = "/split_runs/{id}/cancel",
    batch = "/split_runs/batch",
    id = "Split run id (`splr_…`)"
);
