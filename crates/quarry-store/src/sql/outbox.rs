//! Writing events into the outbox inside the caller's transaction.
//!
//! [`record_event`] inserts the event and, in the same statement batch, one
//! pending delivery per enabled endpoint that wants it (globally through its
//! `enabled_events`, or through a subscription on the event's scope). Because
//! the caller commits or rolls back both with its own state change, an event
//! exists exactly when the change it reports does.

use quarry_model::enums::RunStatus;
use quarry_model::ids::{EVENT, new_id};
use sqlx::{Any, Row, Transaction};

use super::Dialect;
use super::runs::{batch_counts, batch_status};
use super::util::{args, stmt};
use crate::Result;
use crate::RunKind;

pub(crate) type Tx = Transaction<'static, Any>;

pub(crate) const EXTRACT_RUN_PROCESSED: &str = "extract_run.processed";
pub(crate) const EXTRACT_RUN_FAILED: &str = "extract_run.failed";
pub(crate) const BATCH_PROCESSED: &str = "batch_processor_run.processed";
pub(crate) const BATCH_FAILED: &str = "batch_processor_run.failed";
pub(crate) const PARSE_RUN_PROCESSED: &str = "parse_run.processed";
pub(crate) const PARSE_RUN_FAILED: &str = "parse_run.failed";
pub(crate) const BATCH_PARSE_PROCESSED: &str = "batch_parse_run.processed";
pub(crate) const BATCH_PARSE_FAILED: &str = "batch_parse_run.failed";
pub(crate) const CLASSIFY_RUN_PROCESSED: &str = "classify_run.processed";
pub(crate) const CLASSIFY_RUN_FAILED: &str = "classify_run.failed";
pub(crate) const SPLIT_RUN_PROCESSED: &str = "split_run.processed";
pub(crate) const SPLIT_RUN_FAILED: &str = "split_run.failed";

/// The `LIKE` pattern matching `event_type` inside a JSON array of strings.
pub(crate) fn event_pattern(event_type: &str) -> String {
    format!("%\"{event_type}\"%")
}

/// Inserts an event and its deliveries; returns the event id.
pub(crate) async fn record_event(
    tx: &mut Tx,
    ws: &str,
    event_type: &str,
    resource_id: &str,
    scope_id: Option<&str>,
    now: i64,
) -> Result<String> {
    let id = new_id(EVENT);
    stmt(
        "INSERT INTO events (id, workspace_id, event_type, resource_id, scope_id, payload, created_at)
         VALUES ($1, $2, $3, $4, $5, NULL, $6)",
        args![id.as_str(), ws, event_type, resource_id, scope_id, now],
    )
    .execute(&mut **tx)
    .await?;
    fan_out(tx, &id, ws, event_type, scope_id, now).await?;
    Ok(id)
}

/// Adds a pending delivery of event `id` for every enabled endpoint of `ws`
/// that wants `event_type` and has none yet.
pub(crate) async fn fan_out(
    tx: &mut Tx,
    id: &str,
    ws: &str,
    event_type: &str,
    scope_id: Option<&str>,
    now: i64,
) -> Result<u64> {
    let done = stmt(
        "INSERT INTO webhook_deliveries (event_id, endpoint_id, workspace_id, state, attempts,
                                         next_attempt_at, created_at, updated_at)
         SELECT $1, e.id, e.workspace_id, 'pending', 0, $2, $2, $2 FROM webhook_endpoints e
         WHERE e.workspace_id = $3 AND e.status = 'enabled'
           AND (e.enabled_events LIKE $4 OR EXISTS (
                SELECT 1 FROM webhook_subscriptions s
                WHERE s.endpoint_id = e.id AND s.resource_id = $5 AND s.enabled_events LIKE $4))
         ON CONFLICT (event_id, endpoint_id) DO NOTHING",
        args![id, now, ws, event_pattern(event_type), scope_id],
    )
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected())
}

/// The event reporting a run's terminal `status`.
pub(crate) fn run_event_type(kind: RunKind, status: RunStatus) -> &'static str {
    match (kind, status == RunStatus::Processed) {
        (RunKind::Extract, true) => EXTRACT_RUN_PROCESSED,
        (RunKind::Extract, false) => EXTRACT_RUN_FAILED,
        (RunKind::Parse, true) => PARSE_RUN_PROCESSED,
        (RunKind::Parse, false) => PARSE_RUN_FAILED,
        (RunKind::Classify, true) => CLASSIFY_RUN_PROCESSED,
        (RunKind::Classify, false) => CLASSIFY_RUN_FAILED,
        (RunKind::Split, true) => SPLIT_RUN_PROCESSED,
        (RunKind::Split, false) => SPLIT_RUN_FAILED,
    }
}

/// The `(processed, failed)` events of a batch of `kind`.
fn batch_event_types(kind: RunKind) -> (&'static str, &'static str) {
    match kind {
        // The API has one batch event pair for every processor's batches.
        RunKind::Extract | RunKind::Classify | RunKind::Split => (BATCH_PROCESSED, BATCH_FAILED),
        RunKind::Parse => (BATCH_PARSE_PROCESSED, BATCH_PARSE_FAILED),
    }
}

/// Records the terminal event of run `run_id` (ws, batch and the run's
/// processor as the updating statement returned them) and, if it was
/// the last open run of its batch, the batch's event.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn run_finished(
    tx: &mut Tx,
    dialect: Dialect,
    kind: RunKind,
    row: &sqlx::any::AnyRow,
    run_id: &str,
    status: RunStatus,
    now: i64,
) -> Result<()> {
    let ws: String = row.try_get("workspace_id")?;
    let processor: Option<String> = match kind.processor_column() {
        Some(column) => row.try_get(column)?,
        None => None,
    };
    let batch: Option<String> = row.try_get("batch_id")?;
    if status != RunStatus::Cancelled {
        let event = run_event_type(kind, status);
        record_event(tx, &ws, event, run_id, processor.as_deref(), now).await?;
    }
    if let Some(batch) = batch {
        batch_settled(tx, dialect, kind, &ws, &batch, processor.as_deref(), now).await?;
    }
    Ok(())
}

/// Emits the batch event once no run of `batch` is pending or processing.
async fn batch_settled(
    tx: &mut Tx,
    dialect: Dialect,
    kind: RunKind,
    ws: &str,
    batch: &str,
    scope: Option<&str>,
    now: i64,
) -> Result<()> {
    // Serialise the last runs of a batch finishing together on Postgres: the
    // second transaction waits here and then counts the first one's result.
    let lock = match dialect {
        Dialect::Postgres => "SELECT id FROM batch_runs WHERE id = $1 FOR UPDATE",
        Dialect::Sqlite => "SELECT id FROM batch_runs WHERE id = $1",
    };
    if stmt(lock, args![batch])
        .fetch_optional(&mut **tx)
        .await?
        .is_none()
    {
        return Ok(());
    }
    let counts = batch_counts(&mut **tx, kind, batch).await?;
    let (processed, failed) = batch_event_types(kind);
    if counts.iter().any(|(s, n)| !s.is_terminal() && *n > 0) {
        return Ok(());
    }
    let already = stmt(
        "SELECT id FROM events WHERE resource_id = $1 AND event_type IN ($2, $3)",
        args![batch, processed, failed],
    )
    .fetch_optional(&mut **tx)
    .await?;
    if already.is_some() {
        return Ok(());
    }
    let event = match batch_status(&counts) {
        RunStatus::Processed => processed,
        _ => failed,
    };
    record_event(tx, ws, event, batch, scope, now).await?;
    Ok(())
}
