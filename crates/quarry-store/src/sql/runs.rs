//! Extract runs and batches. A run and its queue job are inserted in one
//! transaction, so every acknowledged run is durably queued.

use async_trait::async_trait;
use quarry_model::enums::RunStatus;
use quarry_model::time::now_ms;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::SqlStore;
use super::lifecycle::{RunListing, insert_batch, insert_job};
use super::util::get_scoped;
use super::util::{Sql, args, json_opt, json_req, stmt};
use super::util::{fold, to_json, to_json_opt};
use crate::{
    BatchRecord, BatchSummary, CancelOutcome, ExtractRunRecord, FileRecord, Page, PageRequest,
    Result, RunFilter, RunKind, RunReview, RunStore, StoreError,
};

const COLUMNS: &str = "id, workspace_id, status, priority, extractor_id, extractor_version_id, \
    file_id, file_name, file_url, batch_id, source, source_id, config, metadata, output, initial_output, \
    reviewed_output, edits, reviewed, edited, failure_reason, failure_message, parse_run_id, \
    usage_json, created_at, updated_at";

pub(super) fn status_of(s: &str) -> Result<RunStatus> {
    RunStatus::parse(s).ok_or_else(|| StoreError::Corrupt(format!("unknown run status `{s}`")))
}

fn from_row(r: &AnyRow) -> Result<ExtractRunRecord> {
    let status: String = r.try_get("status")?;
    let reviewed: i64 = r.try_get("reviewed")?;
    let edited: i64 = r.try_get("edited")?;
    Ok(ExtractRunRecord {
        id: r.try_get("id")?,
        workspace_id: r.try_get("workspace_id")?,
        status: status_of(&status)?,
        priority: r.try_get("priority")?,
        extractor_id: r.try_get("extractor_id")?,
        extractor_version_id: r.try_get("extractor_version_id")?,
        file_id: r.try_get("file_id")?,
        file_name: r.try_get("file_name")?,
        file_url: r.try_get("file_url")?,
        batch_id: r.try_get("batch_id")?,
        source: r.try_get("source")?,
        source_id: r.try_get("source_id")?,
        config: json_req(r, "config")?,
        metadata: json_opt(r, "metadata")?,
        output: json_opt(r, "output")?,
        initial_output: json_opt(r, "initial_output")?,
        reviewed_output: json_opt(r, "reviewed_output")?,
        edits: json_opt(r, "edits")?,
        reviewed: reviewed != 0,
        edited: edited != 0,
        failure_reason: r.try_get("failure_reason")?,
        failure_message: r.try_get("failure_message")?,
        parse_run_id: r.try_get("parse_run_id")?,
        usage: json_opt(r, "usage_json")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
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
impl RunStore for SqlStore {
    async fn create_runs(
        &self,
        runs: &[ExtractRunRecord],
        batch: Option<&BatchRecord>,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        if let Some(b) = batch {
            insert_batch(&mut tx, b).await?;
        }
        for r in runs {
            stmt(
                "INSERT INTO extract_runs (id, workspace_id, status, priority, extractor_id,
                    extractor_version_id, file_id, file_name, file_name_fold, file_url, batch_id,
                    source, source_id, config, metadata, reviewed, edited, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
                    0, 0, $16, $17)",
                args![
                    r.id.as_str(),
                    r.workspace_id.as_str(),
                    r.status.as_str(),
                    r.priority,
                    r.extractor_id.clone(),
                    r.extractor_version_id.clone(),
                    r.file_id.clone(),
                    r.file_name.clone(),
                    r.file_name.as_deref().map(fold),
                    r.file_url.clone(),
                    r.batch_id.clone(),
                    r.source.as_str(),
                    r.source_id.clone(),
                    to_json(&r.config),
                    to_json_opt(r.metadata.as_ref()),
                    r.created_at,
                    r.updated_at
                ],
            )
            .execute(&mut *tx)
            .await?;
            let (id, ws) = (r.id.as_str(), r.workspace_id.as_str());
            insert_job(&mut tx, RunKind::Extract, id, ws, r.priority, r.created_at).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn get_run(&self, ws: &str, id: &str) -> Result<Option<ExtractRunRecord>> {
        get_scoped(&self.pool, "extract_runs", COLUMNS, ws, id, from_row).await
    }

    async fn list_runs(
        &self,
        ws: &str,
        f: &RunFilter,
        page: &PageRequest,
    ) -> Result<Page<ExtractRunRecord>> {
        let exact = [
            ("extractor_id", &f.extractor_id),
            ("batch_id", &f.batch_id),
            ("source_id", &f.source_id),
            ("source", &f.source),
        ];
        let listing = RunListing {
            kind: RunKind::Extract,
            columns: COLUMNS,
            status: f.status,
            exact: &exact,
            file_name_contains: f.file_name_contains.as_deref(),
        };
        let key = |r: &ExtractRunRecord| (r.created_at, r.updated_at, r.id.clone());
        listing.page(&self.pool, ws, page, from_row, key).await
    }

    async fn cancel_run(&self, ws: &str, id: &str) -> Result<CancelOutcome> {
        let done = self.cancel_kind(RunKind::Extract, ws, id).await?;
        match self.get_run(ws, id).await? {
            None => Ok(CancelOutcome::NotFound),
            Some(run) if done => Ok(CancelOutcome::Cancelled(Box::new(run))),
            Some(run) => Ok(CancelOutcome::NotCancellable(run.status)),
        }
    }

    async fn delete_run(&self, ws: &str, id: &str) -> Result<bool> {
        self.delete_kind(RunKind::Extract, ws, id).await
    }

    async fn review_run(
        &self,
        ws: &str,
        id: &str,
        review: &RunReview,
    ) -> Result<Option<ExtractRunRecord>> {
        let reviewed = to_json(&review.reviewed_output);
        let done = stmt(
            "UPDATE extract_runs SET initial_output = COALESCE(initial_output, output),
                output = $1, reviewed_output = $2, edits = $3, reviewed = 1, edited = $4,
                updated_at = $5
             WHERE workspace_id = $6 AND id = $7 AND status = $8",
            args![
                reviewed.clone(),
                reviewed,
                to_json(&review.edits),
                review.edited,
                now_ms(),
                ws,
                id,
                RunStatus::Processed.as_str()
            ],
        )
        .execute(&self.pool)
        .await?
        .rows_affected();
        if done == 0 {
            return Ok(None);
        }
        self.get_run(ws, id).await
    }

    async fn attach_file(&self, ws: &str, run_id: &str, file: &FileRecord) -> Result<()> {
        stmt(
            "UPDATE extract_runs SET file_id = $1, file_name = $2, file_name_fold = $3,
                updated_at = $4
             WHERE workspace_id = $5 AND id = $6",
            args![
                file.id.as_str(),
                file.name.as_str(),
                fold(&file.name),
                now_ms(),
                ws,
                run_id
            ],
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

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
            kind: row.try_get("kind")?,
            run_count: row.try_get("run_count")?,
            created_at: row.try_get("created_at")?,
        };
        let counts = batch_counts(&self.pool, RunKind::of(&batch.kind), id).await?;
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
