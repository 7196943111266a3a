//! Backend conformance suite for the store: every case runs against SQLite
//! and PostgreSQL through the same `Arc<dyn Store>`, so the embedded default
//! and the scale-out backend keep one observable behaviour.
//!
//! Postgres comes from `QUARRY_TEST_DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`); each test gets a fresh schema
//! that is dropped afterwards. `QUARRY_SKIP_POSTGRES=1` skips the Postgres
//! variants; otherwise an unreachable server fails them.
//!
//! Run one backend with `cargo test -p quarry-store --test store -- sqlite`.

mod deliveries;
mod fairness;
mod fixtures;
mod harness;
mod keys_files;
mod names;
mod parse_runs;
mod processors;
mod queue;
mod review;
mod runs;
mod webhooks;

/// `backend_tests!(module::case, …)` makes `mod case { sqlite, postgres }`,
/// both running `module::case(store)`.
macro_rules! backend_tests {
    ($($module:ident :: $case:ident),* $(,)?) => {$(
        mod $case {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                crate::harness::on_sqlite(crate::$module::$case).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                crate::harness::on_postgres(crate::$module::$case).await;
            }
        }
    )*};
}

backend_tests!(
    keys_files::workspaces_and_api_keys,
    keys_files::files_crud_search_and_blob_refs,
    processors::processor_versions_publish_and_resolve,
    runs::run_filters_and_paging,
    runs::run_config_and_metadata_round_trip,
    runs::cancel_pending_run,
    runs::delete_run_removes_its_job,
    runs::batch_status_follows_its_runs,
    queue::claims_follow_priority_then_age,
    queue::expired_lease_is_taken_over,
    queue::cancel_is_observed_while_running,
    queue::exhausted_attempts_fail_the_run,
    queue::exhausted_cancelled_run_is_not_reported_failed,
    queue::concurrent_workers_claim_each_run_once,
    queue::queue_depth_counts_jobs_by_state,
    queue::purge_deletes_only_old_finished_jobs,
    queue::released_job_is_queued_again_without_an_attempt,
    fairness::small_tenant_is_not_starved_by_a_batch,
    fairness::priority_orders_work_within_a_workspace,
    webhooks::run_events_commit_with_the_result,
    webhooks::batch_event_once_its_last_run_finishes,
    webhooks::processor_changes_write_events,
    deliveries::subscriptions_scope_run_events,
    deliveries::deliveries_retry_give_up_and_replay,
    webhooks::concurrent_last_runs_emit_one_batch_event,
    parse_runs::parse_runs_are_queued_processed_and_reported,
    parse_runs::parse_run_filters_paging_cancel_and_delete,
    parse_runs::parse_batch_settles_with_its_runs,
    parse_runs::extract_result_stores_its_parse_run,
    names::name_filters_fold_non_ascii,
    review::review_keeps_the_engine_answer,
    review::sessions_expire_and_log_out,
);
