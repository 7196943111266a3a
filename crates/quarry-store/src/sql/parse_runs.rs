//! Parse runs. Like extract runs, a run and its queue job (kind `parse_run`)
//! are inserted in one transaction; cancellation and completion go through
//! the same outbox so `parse_run.*` and `batch_parse_run.*` events commit
//! with the state change they report.

use async_trait::async_trait;
use quarry_model::time::now_ms;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::SqlStore;
use super::lifecycle::{RunListing, insert_batch, insert_job};
use super::outbox::Tx;
use super::runs::status_of;
use super::util::get_scoped;
use super::util::{args, json_opt, json_req, stmt};
use super::util::{fold, to_json, to_json_opt};
use crate::{
    BatchRecord, CancelOutcome, FileRecord, Page, PageRequest, ParseRunFilter, ParseRunRecord,
    ParseRunStore, Result, RunKind,
};

const COLUMNS: &str = "id, workspace_id, status, priority, file_id, file_name, file_url, \
    batch_id, source, source_id, config, metadata, output, failure_reason, failure_message, \
    metrics, usage_json, created_at, updated_at";

fn from_row(r: &AnyRow) -> Result<ParseRunRecord> {
    let status: String = r.try_get("status")?;
    Ok(ParseRunRecord {
        id: r.try_get("id")?,
        workspace_id: r.try_get("workspace_id")?,
        status: status_of(&status)?,
        priority: r.try_get("priority")?,
        file_id: r.try_get("file_id")?,
        file_name: r.try_get("file_name")?,
        file_url: r.try_get("file_url")?,
        batch_id: r.try_get("batch_id")?,
        source: r.try_get("source")?,
        source_id: r.try_get("source_id")?,
        config: json_req(r, "config")?,
        metadata: json_opt(r, "metadata")?,
        output: json_opt(r, "output")?,
        failure_reason: r.try_get("failure_reason")?,
        failure_message: r.try_get("failure_message")?,
        metrics: json_opt(r, "metrics")?,
        usage: json_opt(r, "usage_json")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

/// Inserts one parse run row, every column included: a queued run has no
/// output yet, while the parse an extract run made arrives finished
/// (`complete_run` stores it with the extract run's result).
pub(super) async fn insert_parse_run(tx: &mut Tx, r: &ParseRunRecord) -> Result<()> {
    stmt(
        "INSERT INTO parse_runs (id, workspace_id, status, priority, file_id, file_name,
            file_name_fold, file_url, batch_id, source, source_id, config, metadata, output,
            failure_reason, failure_message, metrics, usage_json, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
            $18, $19, $20)",
        args![
            r.id.as_str(),
            r.workspace_id.as_str(),
            r.status.as_str(),
            r.priority,
            r.file_id.clone(),
            r.file_name.clone(),
            r.file_name.as_deref().map(fold),
            r.file_url.clone(),
            r.batch_id.clone(),
            r.source.as_str(),
            r.source_id.clone(),
            to_json(&r.config),
            to_json_opt(r.metadata.as_ref()),
            to_json_opt(r.output.as_ref()),
            r.failure_reason.clone(),
            r.failure_message.clone(),
            to_json_opt(r.metrics.as_ref()),
            to_json_opt(r.usage.as_ref()),
            r.created_at,
            r.updated_at
        ],
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[async_trait]
impl ParseRunStore for SqlStore {
    async fn create_parse_runs(
        &self,
        runs: &[ParseRunRecord],
        batch: Option<&BatchRecord>,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        if let Some(b) = batch {
            insert_batch(&mut tx, b).await?;
        }
        for r in runs {
            insert_parse_run(&mut tx, r).await?;
            let (id, ws) = (r.id.as_str(), r.workspace_id.as_str());
            insert_job(&mut tx, RunKind::Parse, id, ws, r.priority, r.created_at).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn get_parse_run(&self, ws: &str, id: &str) -> Result<Option<ParseRunRecord>> {
        get_scoped(&self.pool, "parse_runs", COLUMNS, ws, id, from_row).await
    }

    async fn list_parse_runs(
        &self,
        ws: &str,
        f: &ParseRunFilter,
        page: &PageRequest,
    ) -> Result<Page<ParseRunRecord>> {
        let exact = [
            ("batch_id", &f.batch_id),
            ("source_id", &f.source_id),
            ("source", &f.source),
        ];
        let listing = RunListing {
            kind: RunKind::Parse,
            columns: COLUMNS,
            status: f.status,
            exact: &exact,
            file_name_contains: f.file_name_contains.as_deref(),
        };
        let key = |r: &ParseRunRecord| (r.created_at, r.updated_at, r.id.clone());
        listing.page(&self.pool, ws, page, from_row, key).await
    }

    async fn cancel_parse_run(&self, ws: &str, id: &str) -> Result<CancelOutcome<ParseRunRecord>> {
        let done = self.cancel_kind(RunKind::Parse, ws, id).await?;
        match self.get_parse_run(ws, id).await? {
            None => Ok(CancelOutcome::NotFound),
            Some(run) if done => Ok(CancelOutcome::Cancelled(Box::new(run))),
            Some(run) => Ok(CancelOutcome::NotCancellable(run.status)),
        }
    }

    async fn delete_parse_run(&self, ws: &str, id: &str) -> Result<bool> {
        self.delete_kind(RunKind::Parse, ws, id).await
    }

    async fn attach_parse_file(&self, ws: &str, run_id: &str, file: &FileRecord) -> Result<()> {
        stmt(
            "UPDATE parse_runs SET file_id = $1, file_name = $2, file_name_fold = $3,
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
}
