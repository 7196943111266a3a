//! Processors (extractors, classifiers) and their versions, written once
//! over [`ProcessorKind`]. Each processor has exactly one `draft` version
//! row, edited in place by updates; publishing snapshots a config into a new
//! immutable `MAJOR.MINOR` row, so runs pinned to a version never change.
//! Creating, updating and publishing write their webhook events in the same
//! transaction.

use async_trait::async_trait;
use quarry_model::enums::{ReleaseType, SortBy};
use quarry_model::ids::new_id;
use quarry_model::time::now_ms;
use serde_json::Value;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::outbox::record_event;
use super::util::get_scoped;
use super::util::{Sql, args, finish_page, json_req, push_page, stmt_built, to_json};
use super::{Dialect, SqlStore};
use crate::{
    Page, PageRequest, ProcessorKind, ProcessorRecord, ProcessorStore, Result, VersionRecord,
};

const PROCESSOR_COLUMNS: &str = "id, workspace_id, name, created_at, updated_at";

/// A version's columns; its parent column is aliased to `processor_id`.
fn version_columns(kind: ProcessorKind) -> String {
    format!(
        "id, {} AS processor_id, workspace_id, version, major, minor, description, config, \
         created_at, updated_at",
        kind.parent_column()
    )
}

fn processor_from_row(kind: ProcessorKind, r: &AnyRow) -> Result<ProcessorRecord> {
    Ok(ProcessorRecord {
        kind,
        id: r.try_get("id")?,
        workspace_id: r.try_get("workspace_id")?,
        name: r.try_get("name")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

fn version_from_row(kind: ProcessorKind, r: &AnyRow) -> Result<VersionRecord> {
    Ok(VersionRecord {
        kind,
        id: r.try_get("id")?,
        processor_id: r.try_get("processor_id")?,
        workspace_id: r.try_get("workspace_id")?,
        version: r.try_get("version")?,
        major: r.try_get("major")?,
        minor: r.try_get("minor")?,
        description: r.try_get("description")?,
        config: json_req(r, "config")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

/// The number following `(major, minor)` for a release of `kind`.
fn next_number(latest: Option<(i64, i64)>, kind: ReleaseType) -> (i64, i64) {
    let (major, minor) = latest.unwrap_or((0, 0));
    match kind {
        ReleaseType::Major => (major + 1, 0),
        ReleaseType::Minor => (major, minor + 1),
    }
}

impl SqlStore {
    async fn fetch_version(&self, kind: ProcessorKind, sql: Sql) -> Result<Option<VersionRecord>> {
        sql.query()
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(|r| version_from_row(kind, r))
            .transpose()
    }

    fn version_query(kind: ProcessorKind, ws: &str, processor_id: &str) -> Sql {
        let mut sql = Sql::new(&format!(
            "SELECT {} FROM {} WHERE workspace_id = ",
            version_columns(kind),
            kind.versions_table()
        ));
        sql.bind(ws)
            .push(&format!(" AND {} = ", kind.parent_column()))
            .bind(processor_id);
        sql
    }
}

#[async_trait]
impl ProcessorStore for SqlStore {
    async fn insert_processor(&self, p: &ProcessorRecord, draft: &VersionRecord) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        stmt_built(
            format!(
                "INSERT INTO {} ({PROCESSOR_COLUMNS}) VALUES ($1, $2, $3, $4, $5)",
                p.kind.table()
            ),
            args![
                p.id.as_str(),
                p.workspace_id.as_str(),
                p.name.as_str(),
                p.created_at,
                p.updated_at
            ],
        )
        .execute(&mut *tx)
        .await?;
        insert_version(&mut tx, draft).await?;
        let (ws, id) = (p.workspace_id.as_str(), p.id.as_str());
        let event = p.kind.event("created");
        record_event(&mut tx, ws, &event, id, Some(id), p.created_at).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn get_processor(
        &self,
        kind: ProcessorKind,
        ws: &str,
        id: &str,
    ) -> Result<Option<ProcessorRecord>> {
        get_scoped(&self.pool, kind.table(), PROCESSOR_COLUMNS, ws, id, |r| {
            processor_from_row(kind, r)
        })
        .await
    }

    async fn list_processors(
        &self,
        kind: ProcessorKind,
        ws: &str,
        page: &PageRequest,
    ) -> Result<Page<ProcessorRecord>> {
        let mut sql = Sql::new(&format!(
            "SELECT {PROCESSOR_COLUMNS} FROM {} WHERE workspace_id = ",
            kind.table()
        ));
        sql.bind(ws);
        push_page(&mut sql, page, "");
        let rows = sql.query().fetch_all(&self.pool).await?;
        let items = rows
            .iter()
            .map(|r| processor_from_row(kind, r))
            .collect::<Result<Vec<_>>>()?;
        Ok(finish_page(items, page, |e| {
            (e.created_at, e.updated_at, e.id.clone())
        }))
    }

    async fn update_processor(
        &self,
        kind: ProcessorKind,
        ws: &str,
        id: &str,
        name: Option<&str>,
        draft_config: Option<&Value>,
    ) -> Result<Option<ProcessorRecord>> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        let done = stmt_built(
            format!(
                "UPDATE {} SET name = COALESCE($1, name), updated_at = $2
                 WHERE workspace_id = $3 AND id = $4",
                kind.table()
            ),
            args![name, now, ws, id],
        )
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(None);
        }
        if let Some(config) = draft_config {
            stmt_built(
                format!(
                    "UPDATE {} SET config = $1, updated_at = $2
                     WHERE {} = $3 AND version = 'draft'",
                    kind.versions_table(),
                    kind.parent_column()
                ),
                args![to_json(config), now, id],
            )
            .execute(&mut *tx)
            .await?;
        }
        record_event(&mut tx, ws, &kind.event("updated"), id, Some(id), now).await?;
        tx.commit().await?;
        self.get_processor(kind, ws, id).await
    }

    async fn publish_version(
        &self,
        kind: ProcessorKind,
        ws: &str,
        processor_id: &str,
        release: ReleaseType,
        description: Option<&str>,
        config: Option<&Value>,
    ) -> Result<Option<VersionRecord>> {
        let (table, versions, parent) = (kind.table(), kind.versions_table(), kind.parent_column());
        let mut tx = self.pool.begin().await?;
        // Serialise concurrent publishes of one processor (SQLite already has
        // a single writer; Postgres locks the processor row).
        let lock = match self.dialect {
            Dialect::Postgres => " FOR UPDATE",
            Dialect::Sqlite => "",
        };
        if stmt_built(
            format!("SELECT id FROM {table} WHERE workspace_id = $1 AND id = $2{lock}"),
            args![ws, processor_id],
        )
        .fetch_optional(&mut *tx)
        .await?
        .is_none()
        {
            return Ok(None);
        }
        let draft_row = stmt_built(
            format!("SELECT config FROM {versions} WHERE {parent} = $1 AND version = 'draft'"),
            args![processor_id],
        )
        .fetch_one(&mut *tx)
        .await?;
        let config = match config {
            Some(c) => c.clone(),
            None => json_req(&draft_row, "config")?,
        };
        let latest = stmt_built(
            format!(
                "SELECT major, minor FROM {versions}
                 WHERE {parent} = $1 AND version <> 'draft'
                 ORDER BY major DESC, minor DESC LIMIT 1"
            ),
            args![processor_id],
        )
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| Ok::<_, sqlx::Error>((r.try_get("major")?, r.try_get("minor")?)))
        .transpose()?;
        let (major, minor) = next_number(latest, release);
        let now = now_ms();
        let version = VersionRecord {
            kind,
            id: new_id(kind.version_prefix()),
            processor_id: processor_id.to_string(),
            workspace_id: ws.to_string(),
            version: format!("{major}.{minor}"),
            major,
            minor,
            description: description.map(str::to_string),
            config,
            created_at: now,
            updated_at: now,
        };
        insert_version(&mut tx, &version).await?;
        stmt_built(
            format!("UPDATE {table} SET updated_at = $1 WHERE id = $2"),
            args![now, processor_id],
        )
        .execute(&mut *tx)
        .await?;
        let event = kind.event("version.published");
        record_event(&mut tx, ws, &event, &version.id, Some(processor_id), now).await?;
        tx.commit().await?;
        Ok(Some(version))
    }

    async fn get_version(
        &self,
        kind: ProcessorKind,
        ws: &str,
        processor_id: &str,
        selector: &str,
    ) -> Result<Option<VersionRecord>> {
        let mut sql = Self::version_query(kind, ws, processor_id);
        if selector == "latest" {
            // Published versions sort before the draft, newest first.
            sql.push(
                " ORDER BY CASE WHEN version = 'draft' THEN 1 ELSE 0 END, major DESC, minor DESC \
                 LIMIT 1",
            );
        } else if selector.starts_with(|c: char| c.is_ascii_digit()) || selector == "draft" {
            sql.push(" AND version = ").bind(selector);
        } else {
            sql.push(" AND id = ").bind(selector);
        }
        self.fetch_version(kind, sql).await
    }

    async fn get_version_by_id(
        &self,
        kind: ProcessorKind,
        ws: &str,
        id: &str,
    ) -> Result<Option<VersionRecord>> {
        let columns = version_columns(kind);
        get_scoped(&self.pool, kind.versions_table(), &columns, ws, id, |r| {
            version_from_row(kind, r)
        })
        .await
    }

    async fn list_versions(
        &self,
        kind: ProcessorKind,
        ws: &str,
        processor_id: &str,
        page: &PageRequest,
    ) -> Result<Page<VersionRecord>> {
        let mut sql = Self::version_query(kind, ws, processor_id);
        let page = PageRequest {
            sort_by: SortBy::CreatedAt,
            ..page.clone()
        };
        push_page(&mut sql, &page, "");
        let rows = sql.query().fetch_all(&self.pool).await?;
        let items = rows
            .iter()
            .map(|r| version_from_row(kind, r))
            .collect::<Result<Vec<_>>>()?;
        Ok(finish_page(items, &page, |v| {
            (v.created_at, v.updated_at, v.id.clone())
        }))
    }
}

async fn insert_version(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    v: &VersionRecord,
) -> Result<()> {
    stmt_built(
        format!(
            "INSERT INTO {} (id, {}, workspace_id, version, major, minor, description, config,
                             created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            v.kind.versions_table(),
            v.kind.parent_column()
        ),
        args![
            v.id.as_str(),
            v.processor_id.as_str(),
            v.workspace_id.as_str(),
            v.version.as_str(),
            v.major,
            v.minor,
            v.description.clone(),
            to_json(&v.config),
            v.created_at,
            v.updated_at
        ],
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_numbers_follow_release_type() {
        assert_eq!(next_number(None, ReleaseType::Minor), (0, 1));
        assert_eq!(next_number(None, ReleaseType::Major), (1, 0));
        assert_eq!(next_number(Some((1, 0)), ReleaseType::Minor), (1, 1));
        assert_eq!(next_number(Some((1, 3)), ReleaseType::Major), (2, 0));
    }
}
