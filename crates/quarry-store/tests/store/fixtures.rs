//! Records and small steps shared by the cases.

use quarry_model::enums::RunStatus;
use quarry_model::ids::{EXTRACT_RUN, new_id};
use quarry_model::time::now_ms;
use quarry_store::prelude::*;
use quarry_store::{
    ExtractRunRecord, Lease, ProcessorKind, ProcessorRecord, RunCore, RunResult, VersionRecord,
};
use serde_json::{Value, json};

pub const WS: &str = "ws_main";
pub const OTHER_WS: &str = "ws_other";
/// A fixed past instant for records whose times the test controls.
pub const BASE_MS: i64 = 1_700_000_000_000;
/// Long enough that it never expires during a test.
pub const LONG_LEASE_MS: i64 = 60_000;
pub const MAX_ATTEMPTS: i64 = 3;
/// A lease short enough to expire in a fast test, and a wait that outlasts
/// it; long enough that a loaded 2-core CI machine still makes its next call
/// inside the lease (150 ms was not).
pub const SHORT_LEASE_MS: i64 = 600;
pub const PAST_SHORT_LEASE: std::time::Duration = std::time::Duration::from_millis(900);

/// A new processor of `kind` in [`WS`] and its draft version holding `config`.
pub fn processor(
    kind: ProcessorKind,
    name: &str,
    config: Value,
    now: i64,
) -> (ProcessorRecord, VersionRecord) {
    let p = ProcessorRecord::new(kind, WS, name, now);
    let draft = p.draft(config);
    (p, draft)
}

/// A pending API run in [`WS`].
pub fn run(priority: i64, created_at: i64) -> ExtractRunRecord {
    let core = RunCore {
        id: new_id(EXTRACT_RUN),
        workspace_id: WS.to_string(),
        status: RunStatus::Pending,
        priority,
        file_id: None,
        file_url: None,
        file_password: None,
        file_name: None,
        batch_id: None,
        source: "API".to_string(),
        source_id: None,
        config: json!({"fields": {"total": {"type": "number"}}}),
        metadata: None,
        output: None,
        failure_reason: None,
        failure_message: None,
        usage: None,
        created_at,
        updated_at: created_at,
    };
    ExtractRunRecord::new(core, None, None)
}

/// Creates one pending run per priority, in order; returns their ids.
pub async fn enqueue(store: &dyn Store, priorities: &[i64]) -> Vec<String> {
    let now = now_ms();
    create_all(store, priorities.iter().map(|&p| run(p, now)).collect()).await
}

/// Stores `runs` (with their jobs) and returns their ids, in order.
pub async fn create_all(store: &dyn Store, runs: Vec<ExtractRunRecord>) -> Vec<String> {
    store
        .extract_runs()
        .create(&runs, None)
        .await
        .expect("create runs");
    runs.into_iter().map(|r| r.core.id).collect()
}

/// Claims with a lease that outlasts the test.
pub async fn claim(store: &dyn Store, worker: &str) -> Option<Lease> {
    store
        .claim_job(worker, LONG_LEASE_MS, MAX_ATTEMPTS)
        .await
        .expect("claim job")
}

pub async fn run_in_ws(store: &dyn Store, id: &str) -> ExtractRunRecord {
    store
        .extract_runs()
        .get(WS, id)
        .await
        .expect("get run")
        .unwrap_or_else(|| panic!("run {id} exists"))
}

pub fn processed(output: Value) -> RunResult {
    RunResult {
        status: RunStatus::Processed,
        output: Some(output),
        failure_reason: None,
        failure_message: None,
        parse_run: None,
        usage: Some(json!({"credits": 1})),
        config: None,
        metrics: None,
    }
}

pub fn failed(message: &str) -> RunResult {
    RunResult {
        status: RunStatus::Failed,
        output: None,
        failure_reason: Some("FAILED_TO_PROCESS_FILE".to_string()),
        failure_message: Some(message.to_string()),
        parse_run: None,
        usage: None,
        config: None,
        metrics: None,
    }
}
