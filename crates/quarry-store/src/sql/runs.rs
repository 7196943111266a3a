//! Runs of every kind, written once: a kind's table holds the core columns
//! and the few its [`RunRow`] adds. A run and its queue job are inserted in
//! one transaction, so every acknowledged run is durably queued.

use async_trait::async_trait;
use quarry_model::enums::RunStatus;
use quarry_model::time::now_ms;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::SqlStore;
use super::lifecycle::{RunListing, insert_batch, insert_job};
use super::outbox::Tx;
use super::util::{Arg, Sql, args, get_scoped, json_opt, json_req, stmt};
use super::util::{fold, to_json, to_json_opt};
use crate::{
    BatchRecord, BatchStore, BatchSummary, CancelOutcome, FileRecord, Page, PageRequest, Result,
    RunCore, RunFilter, RunKind, RunRecord, RunStore, Secret, StoreError,
};

/// The columns of [`RunCore`], in the order [`core_values`] binds them.
const CORE_COLUMNS: &str = "id, workspace_id, status, priority, file_id, file_name, file_url, \
    file_password, batch_id, source, source_id, config, metadata, output, failure_reason, failure_message, \
    usage_json, created_at, updated_at";

/// How one kind's record meets its table.
pub(super) trait RunRow: RunRecord {
    /// The columns only this kind has, comma-separated.
    const COLUMNS: &'static str;
    /// The record from its core and the row (which holds [`Self::COLUMNS`]).
    fn from_row(core: RunCore, row: &AnyRow) -> Result<Self>;
    /// Values of [`Self::COLUMNS`], in order.
    fn values(&self) -> Vec<Arg>;
}

pub(super) fn status_of(s: &str) -> Result<RunStatus> {
    RunStatus::parse(s).ok_or_else(|| StoreError::Corrupt(format!("unknown run status `{s}`")))
}

fn core_of(r: &AnyRow) -> Result<RunCore> {
    let status: String = r.try_get("status")?;
    Ok(RunCore {
        id: r.try_get("id")?,
        workspace_id: r.try_get("workspace_id")?,
        status: status_of(&status)?,
        priority: r.try_get("priority")?,
        file_id: r.try_get("file_id")?,
        file_name: r.try_get("file_name")?,
        file_url: r.try_get("file_url")?,
        file_password: r.try_get::<Option<String>, _>("file_password")?.map(Secret),
        batch_id: r.try_get("batch_id")?,
        source: r.try_get("source")?,
        source_id: r.try_get("source_id")?,
        config: json_req(r, "config")?,
        metadata: json_opt(r, "metadata")?,
        output: json_opt(r, "output")?,
        failure_reason: r.try_get("failure_reason")?,
        failure_message: r.try_get("failure_message")?,
        usage: json_opt(r, "usage_json")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

fn core_values(r: &RunCore) -> Vec<Arg> {
    args![
        r.id.as_str(),
        r.workspace_id.as_str(),
        r.status.as_str(),
        r.priority,
        r.file_id.clone(),
        r.file_name.clone(),
        r.file_url.clone(),
        r.file_password.as_ref().map(|p| p.0.clone()),
        r.batch_id.clone(),
        r.source.as_str(),
        r.source_id.clone(),
        to_json(&r.config),
        to_json_opt(r.metadata.as_ref()),
        to_json_opt(r.output.as_ref()),
        r.failure_reason.clone(),
        r.failure_message.clone(),
        to_json_opt(r.usage.as_ref()),
        r.created_at,
        r.updated_at
    ]
}

fn from_row<R: RunRow>(r: &AnyRow) -> Result<R> {
    R::from_row(core_of(r)?, r)
}

fn columns<R: RunRow>() -> String {
    format!("{CORE_COLUMNS}, {}", R::COLUMNS)
}

/// Inserts one run row, every column included: a queued run has no output
/// yet, while the parse an extract run made arrives finished
/// (`complete_run` stores it with the extract run's result).
pub(super) async fn insert_run<R: RunRow>(tx: &mut Tx, r: &R) -> Result<()> {
    let mut sql = Sql::new(&format!(
        "INSERT INTO {} ({}, file_name_fold) VALUES (",
        R::KIND.table(),
        columns::<R>()
    ));
    let values = core_values(r).into_iter().chain(r.values());
    for (i, v) in values.enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.bind(v);
    }
    sql.push(", ")
        .bind(r.file_name.as_deref().map(fold))
        .push(")");
    sql.query().execute(&mut **tx).await?;
    Ok(())
}

/// Aggregate status of a batch from its runs' status counts.
pub(super) fn batch_status(counts: &[(RunStatus, i64)]) -> RunStatus {
    let n = |s: RunStatus| {
        counts
            .iter()
            .filter(|(k, _)| *k == s)
            .map(|(_, c)| c)
            .sum::<i64>()
    };
    let total: i64 = counts.iter().map(|(_, c)| c).sum();
    let (pending, processing) = (n(RunStatus::Pending), n(RunStatus::Processing));
    if total == 0 || pending == total {
        RunStatus::Pending
    } else if pending + processing > 0 {
        RunStatus::Processing
    } else if n(RunStatus::Cancelled) == total {
        RunStatus::Cancelled
    } else if n(RunStatus::Failed) + n(RunStatus::Cancelled) == total {
        RunStatus::Failed
    } else {
        RunStatus::Processed
    }
}

/// How many runs of `batch` are in each status.
pub(super) async fn batch_counts<'e>(
    ex: impl sqlx::Executor<'e, Database = sqlx::Any>,
    kind: RunKind,
    batch: &str,
) -> Result<Vec<(RunStatus, i64)>> {
    let table = kind.table();
    let mut sql = Sql::new(&format!(
        "SELECT status, COUNT(*) AS n FROM {table} WHERE batch_id = "
    ));
    sql.bind(batch).push(" GROUP BY status");
    sql.query()
        .fetch_all(ex)
        .await?
        .iter()
        .map(|r| {
            let s: String = r.try_get("status")?;
            Ok((status_of(&s)?, r.try_get::<i64, _>("n")?))
        })
        .collect()
}

#[async_trait]
impl<R: RunRow> RunStore<R> for SqlStore {
    async fn create(&self, runs: &[R], batch: Option<&BatchRecord>) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        if let Some(b) = batch {
            insert_batch(&mut tx, b).await?;
        }
        for r in runs {
            insert_run(&mut tx, r).await?;
            let (id, ws) = (r.id.as_str(), r.workspace_id.as_str());
            insert_job(&mut tx, R::KIND, id, ws, r.priority, r.created_at).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn get(&self, ws: &str, id: &str) -> Result<Option<R>> {
        let columns = columns::<R>();
        get_scoped(&self.pool, R::KIND.table(), &columns, ws, id, from_row::<R>).await
    }

    async fn list(&self, ws: &str, f: &RunFilter, page: &PageRequest) -> Result<Page<R>> {
        let processor = R::KIND.processor_column();
        let by_processor = processor.map(|column| (column, &f.processor_id));
        if by_processor.is_none() && f.processor_id.is_some() {
            // A kind without a processor has no run that matches one.
            return Ok(Page {
                items: Vec::new(),
                next_page_token: None,
            });
        }
        let exact = by_processor
            .into_iter()
            .chain([
                ("batch_id", &f.batch_id),
                ("source_id", &f.source_id),
                ("source", &f.source),
            ])
            .collect::<Vec<_>>();
        let columns = columns::<R>();
        let listing = RunListing {
            kind: R::KIND,
            columns: &columns,
            status: f.status,
            exact: &exact,
            file_name_contains: f.file_name_contains.as_deref(),
        };
        let key = |r: &R| (r.created_at, r.updated_at, r.id.clone());
        listing.page(&self.pool, ws, page, from_row::<R>, key).await
    }

    async fn cancel(&self, ws: &str, id: &str) -> Result<CancelOutcome<R>> {
        let done = self.cancel_kind(R::KIND, ws, id).await?;
        match RunStore::<R>::get(self, ws, id).await? {
            None => Ok(CancelOutcome::NotFound),
            Some(run) if done => Ok(CancelOutcome::Cancelled(Box::new(run))),
            Some(run) => Ok(CancelOutcome::NotCancellable(run.status)),
        }
    }

    async fn delete(&self, ws: &str, id: &str) -> Result<bool> {
        self.delete_kind(R::KIND, ws, id).await
    }

    async fn attach_file(&self, ws: &str, run_id: &str, file: &FileRecord) -> Result<()> {
        let mut sql = Sql::new(&format!("UPDATE {} SET file_id = ", R::KIND.table()));
        sql.bind(file.id.as_str())
            .push(", file_name = ")
            .bind(file.name.as_str())
            .push(", file_name_fold = ")
            .bind(fold(&file.name))
            // The stored file keeps the password now; the run needs it no more.
            .push(", file_password = NULL, updated_at = ")
            .bind(now_ms())
            .push(" WHERE workspace_id = ")
            .bind(ws)
            .push(" AND id = ")
            .bind(run_id);
        sql.query().execute(&self.pool).await?;
        Ok(())
    }
}

#[async_trait]
impl BatchStore for SqlStore {
    async fn get_batch(&self, ws: &str, id: &str) -> Result<Option<BatchSummary>> {
        let Some(row) = stmt(
            "SELECT id, workspace_id, kind, run_count, created_at FROM batch_runs
             WHERE workspace_id = $1 AND id = $2",
            args![ws, id],
        )
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let batch = BatchRecord {
            id: row.try_get("id")?,
            workspace_id: row.try_get("workspace_id")?,
            kind: RunKind::parse(&row.try_get::<String, _>("kind")?)?,
            run_count: row.try_get("run_count")?,
            created_at: row.try_get("created_at")?,
        };
        let counts = batch_counts(&self.pool, batch.kind, id).await?;
        Ok(Some(BatchSummary {
            status: batch_status(&counts),
            batch,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use RunStatus::*;

    #[test]
    fn batch_status_aggregates_runs() {
        assert_eq!(batch_status(&[(Pending, 3)]), Pending);
        assert_eq!(batch_status(&[(Pending, 1), (Processed, 2)]), Processing);
        assert_eq!(batch_status(&[(Processed, 2), (Failed, 1)]), Processed);
        assert_eq!(batch_status(&[(Failed, 2), (Cancelled, 1)]), Failed);
        assert_eq!(batch_status(&[(Cancelled, 2)]), Cancelled);
    }
}
