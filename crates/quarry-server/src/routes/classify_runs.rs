//! `/classify_runs` (create, get, list, cancel, delete, batch) and the sync
//! `POST /classify`. A classify run names one of its config's
//! classifications for a file; it is queued and processed like an extract
//! run, with a classifier (and version) or an inline ClassifyConfig.

use quarry_model::ids::CLASSIFY_RUN;
use quarry_model::requests::{CreateClassifyBatch, CreateClassifyRun};
use quarry_model::resources::{BatchRun, ClassifyRun, ListResponse};
use quarry_store::{ClassifyRunRecord, RunCore};

use crate::processor_runs::{ProcessorRun, processor_run_routes};
use crate::processors::Classifiers;

impl ProcessorRun for ClassifyRunRecord {
    type Processor = Classifiers;
    const PREFIX: &'static str = CLASSIFY_RUN;
    fn new(core: RunCore, processor: Option<String>, version: Option<String>) -> Self {
        ClassifyRunRecord::new(core, processor, version)
    }
}

processor_run_routes!(
    ClassifyRunRecord,
    ClassifyRun,
    CreateClassifyRun,
    CreateClassifyBatch,
    classifier,
    classifier_id,
    tag = "classify_runs",
    runs = "/classify_runs",
    sync = classify_sync "/classify",
    one = "/classify_runs/{id}",
    cancel = "/classify_runs/{id}/cancel",
    batch = "/classify_runs/batch",
    id = "Classify run id (`clr_…`)"
);
