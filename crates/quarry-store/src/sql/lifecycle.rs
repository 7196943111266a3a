//! Steps every run kind shares: inserting a batch row, the filtered, paged
//! listing, and the cancel and delete transactions (a cancel closes a
//! queued job and reports through the outbox; a delete removes the job with
//! the run). `RunKind` names the table, so every kind keeps one behaviour.

use quarry_model::enums::RunStatus;
use quarry_model::time::now_ms;

use super::outbox::{Tx, run_finished};
use sqlx::AnyPool;
use sqlx::any::AnyRow;

use super::util::{Sql, args, finish_page, like_pattern, push_page, stmt, stmt_built};
use super::{Dialect, SqlStore};
use crate::{BatchRecord, Page, PageRequest, Result, RunKind};

/// Inserts the batch row inside `tx`.
pub(super) async fn insert_batch(tx: &mut Tx, b: &BatchRecord) -> Result<()> {
    stmt(
        "INSERT INTO batch_runs (id, workspace_id, kind, run_count, created_at)
         VALUES ($1, $2, $3, $4, $5)",
        args![
            b.id.as_str(),
            b.workspace_id.as_str(),
            b.kind.as_str(),
            b.run_count,
            b.created_at
        ],
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// What the outbox needs back from a run update of `kind`.
pub(super) fn returning(kind: RunKind) -> String {
    match kind.processor_column() {
        Some(column) => format!("workspace_id, batch_id, {column}"),
        None => "workspace_id, batch_id".to_string(),
    }
}

impl SqlStore {
    /// Cancels run `id` of `kind` if it is not terminal; `true` when it was.
    pub(super) async fn cancel_kind(&self, kind: RunKind, ws: &str, id: &str) -> Result<bool> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        let mut sql = Sql::new(&format!(
            "UPDATE {} SET status = 'CANCELLED', updated_at = ",
            kind.table()
        ));
        sql.bind(now)
            .push(" WHERE workspace_id = ")
            .bind(ws)
            .push(" AND id = ")
            .bind(id)
            .push(" AND status IN ('PENDING', 'PROCESSING') RETURNING ")
            .push(&returning(kind));
        let done = sql.query().fetch_optional(&mut *tx).await?;
        if let Some(row) = &done {
            // Cancelling the last open run of a batch settles the batch.
            let dialect: Dialect = self.dialect;
            run_finished(&mut tx, dialect, kind, row, id, RunStatus::Cancelled, now).await?;
            // A queued job is closed now; a leased one is closed by its worker,
            // which sees the cancellation at its next heartbeat.
            stmt(
                "UPDATE jobs SET state = 'done', updated_at = $1 WHERE run_id = $2 AND state = 'queued'",
                args![now, id],
            )
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(done.is_some())
    }

    /// Deletes run `id` of `kind` and its job; `false` when it did not exist.
    pub(super) async fn delete_kind(&self, kind: RunKind, ws: &str, id: &str) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        if kind.keeps_parse() {
            // The parse a run recorded holds the same document: it goes with
            // the run (a user deleting a run expects its data gone).
            stmt_built(
                format!(
                    "DELETE FROM parse_runs WHERE workspace_id = $1 AND id =
                        (SELECT parse_run_id FROM {} WHERE workspace_id = $1 AND id = $2)",
                    kind.table()
                ),
                args![ws, id],
            )
            .execute(&mut *tx)
            .await?;
        }
        let mut sql = Sql::new(&format!(
            "DELETE FROM {} WHERE workspace_id = ",
            kind.table()
        ));
        sql.bind(ws).push(" AND id = ").bind(id);
        let done = sql.query().execute(&mut *tx).await?;
        if done.rows_affected() > 0 {
            stmt("DELETE FROM jobs WHERE run_id = $1", args![id])
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(done.rows_affected() > 0)
    }
}

/// Queues the job of run `run_id` of `kind` inside `tx`.
pub(super) async fn insert_job(
    tx: &mut Tx,
    kind: RunKind,
    run_id: &str,
    ws: &str,
    priority: i64,
    created_at: i64,
) -> Result<()> {
    stmt(
        "INSERT INTO jobs (kind, run_id, workspace_id, priority, state, attempts,
                           created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'queued', 0, $5, $5)",
        args![kind.as_str(), run_id, ws, priority, created_at],
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A run listing: the filters both run families have (`status`,
/// exact-match `(column, value)` pairs, the case-insensitive file-name
/// substring) over a kind's table, paged by the keyset cursor.
pub(super) struct RunListing<'a> {
    pub kind: RunKind,
    pub columns: &'a str,
    pub status: Option<RunStatus>,
    pub exact: &'a [(&'a str, &'a Option<String>)],
    pub file_name_contains: Option<&'a str>,
}

impl RunListing<'_> {
    /// One page of `ws`'s runs, decoded by `from_row`; `key` gives a
    /// record's `(created_at, updated_at, id)` for the next-page cursor.
    pub(super) async fn page<T>(
        &self,
        pool: &AnyPool,
        ws: &str,
        page: &PageRequest,
        from_row: fn(&AnyRow) -> Result<T>,
        key: fn(&T) -> (i64, i64, String),
    ) -> Result<Page<T>> {
        let mut sql = Sql::new(&format!(
            "SELECT {} FROM {} WHERE workspace_id = ",
            self.columns,
            self.kind.table()
        ));
        sql.bind(ws);
        if let Some(s) = self.status {
            sql.push(" AND status = ").bind(s.as_str());
        }
        for (col, v) in self.exact {
            if let Some(v) = v {
                sql.push(&format!(" AND {col} = ")).bind(v.as_str());
            }
        }
        if let Some(n) = self.file_name_contains {
            sql.push(" AND file_name_fold LIKE ")
                .bind(like_pattern(n))
                .push(" ESCAPE '\\'");
        }
        push_page(&mut sql, page, "");
        let rows = sql.query().fetch_all(pool).await?;
        let items = rows.iter().map(from_row).collect::<Result<Vec<_>>>()?;
        Ok(finish_page(items, page, key))
    }
}
