//! Extractors and versions. Each extractor has exactly one `draft` version
//! row, edited in place by updates; publishing snapshots a config into a new
//! immutable `MAJOR.MINOR` row, so runs pinned to a version never change.
//! Creating, updating and publishing write their webhook events in the same
//! transaction.

use async_trait::async_trait;
use quarry_model::enums::{ReleaseType, SortBy};
use quarry_model::ids::{EXTRACTOR_VERSION, new_id};
use quarry_model::time::now_ms;
use serde_json::Value;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::outbox::{
    EXTRACTOR_CREATED, EXTRACTOR_UPDATED, EXTRACTOR_VERSION_PUBLISHED, record_event,
};
use super::util::get_scoped;
use super::util::{Sql, args, finish_page, json_req, push_page, stmt, to_json};
use super::{Dialect, SqlStore};
use crate::{ExtractorRecord, ExtractorStore, Page, PageRequest, Result, VersionRecord};

const VERSION_COLUMNS: &str = "id, extractor_id, workspace_id, version, major, minor, \
                               description, config, created_at, updated_at";

fn extractor_from_row(r: &AnyRow) -> Result<ExtractorRecord> {
    Ok(ExtractorRecord {
        id: r.try_get("id")?,
        workspace_id: r.try_get("workspace_id")?,
        name: r.try_get("name")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

fn version_from_row(r: &AnyRow) -> Result<VersionRecord> {
    Ok(VersionRecord {
        id: r.try_get("id")?,
        extractor_id: r.try_get("extractor_id")?,
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
    async fn fetch_version(&self, sql: Sql) -> Result<Option<VersionRecord>> {
        sql.query()
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(version_from_row)
            .transpose()
    }

    fn version_query(ws: &str, extractor_id: &str) -> Sql {
        let mut sql = Sql::new(&format!(
            "SELECT {VERSION_COLUMNS} FROM extractor_versions WHERE workspace_id = "
        ));
        sql.bind(ws).push(" AND extractor_id = ").bind(extractor_id);
        sql
    }
}

#[async_trait]
impl ExtractorStore for SqlStore {
    async fn insert_extractor(&self, ex: &ExtractorRecord, draft: &VersionRecord) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        stmt(
            "INSERT INTO extractors (id, workspace_id, name, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5)",
            args![
                ex.id.as_str(),
                ex.workspace_id.as_str(),
                ex.name.as_str(),
                ex.created_at,
                ex.updated_at
            ],
        )
        .execute(&mut *tx)
        .await?;
        insert_version(&mut tx, draft).await?;
        let (ws, id) = (ex.workspace_id.as_str(), ex.id.as_str());
        record_event(&mut tx, ws, EXTRACTOR_CREATED, id, Some(id), ex.created_at).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn get_extractor(&self, ws: &str, id: &str) -> Result<Option<ExtractorRecord>> {
        stmt(
            "SELECT id, workspace_id, name, created_at, updated_at FROM extractors
             WHERE workspace_id = $1 AND id = $2",
            args![ws, id],
        )
        .fetch_optional(&self.pool)
        .await?
        .as_ref()
        .map(extractor_from_row)
        .transpose()
    }

    async fn list_extractors(&self, ws: &str, page: &PageRequest) -> Result<Page<ExtractorRecord>> {
        let mut sql = Sql::new(
            "SELECT id, workspace_id, name, created_at, updated_at FROM extractors
             WHERE workspace_id = ",
        );
        sql.bind(ws);
        push_page(&mut sql, page, "");
        let rows = sql.query().fetch_all(&self.pool).await?;
        let items = rows
            .iter()
            .map(extractor_from_row)
            .collect::<Result<Vec<_>>>()?;
        Ok(finish_page(items, page, |e| {
            (e.created_at, e.updated_at, e.id.clone())
        }))
    }

    async fn update_extractor(
        &self,
        ws: &str,
        id: &str,
        name: Option<&str>,
        draft_config: Option<&Value>,
    ) -> Result<Option<ExtractorRecord>> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        let done = stmt(
            "UPDATE extractors SET name = COALESCE($1, name), updated_at = $2
             WHERE workspace_id = $3 AND id = $4",
            args![name, now, ws, id],
        )
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(None);
        }
        if let Some(config) = draft_config {
            stmt(
                "UPDATE extractor_versions SET config = $1, updated_at = $2
                 WHERE extractor_id = $3 AND version = 'draft'",
                args![to_json(config), now, id],
            )
            .execute(&mut *tx)
            .await?;
        }
        record_event(&mut tx, ws, EXTRACTOR_UPDATED, id, Some(id), now).await?;
        tx.commit().await?;
        self.get_extractor(ws, id).await
    }

    async fn publish_version(
        &self,
        ws: &str,
        extractor_id: &str,
        release: ReleaseType,
        description: Option<&str>,
        config: Option<&Value>,
    ) -> Result<Option<VersionRecord>> {
        let mut tx = self.pool.begin().await?;
        // Serialise concurrent publishes of one extractor (SQLite already has
        // a single writer; Postgres locks the extractor row).
        let lock = match self.dialect {
            Dialect::Postgres => {
                "SELECT id FROM extractors WHERE workspace_id = $1 AND id = $2 FOR UPDATE"
            }
            Dialect::Sqlite => "SELECT id FROM extractors WHERE workspace_id = $1 AND id = $2",
        };
        if stmt(lock, args![ws, extractor_id])
            .fetch_optional(&mut *tx)
            .await?
            .is_none()
        {
            return Ok(None);
        }
        let draft_row = stmt(
            "SELECT config FROM extractor_versions WHERE extractor_id = $1 AND version = 'draft'",
            args![extractor_id],
        )
        .fetch_one(&mut *tx)
        .await?;
        let config = match config {
            Some(c) => c.clone(),
            None => json_req(&draft_row, "config")?,
        };
        let latest = stmt(
            "SELECT major, minor FROM extractor_versions
             WHERE extractor_id = $1 AND version <> 'draft'
             ORDER BY major DESC, minor DESC LIMIT 1",
            args![extractor_id],
        )
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| Ok::<_, sqlx::Error>((r.try_get("major")?, r.try_get("minor")?)))
        .transpose()?;
        let (major, minor) = next_number(latest, release);
        let now = now_ms();
        let version = VersionRecord {
            id: new_id(EXTRACTOR_VERSION),
            extractor_id: extractor_id.to_string(),
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
        stmt(
            "UPDATE extractors SET updated_at = $1 WHERE id = $2",
            args![now, extractor_id],
        )
        .execute(&mut *tx)
        .await?;
        let v = version.id.as_str();
        record_event(
            &mut tx,
            ws,
            EXTRACTOR_VERSION_PUBLISHED,
            v,
            Some(extractor_id),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(Some(version))
    }

    async fn get_version(
        &self,
        ws: &str,
        extractor_id: &str,
        selector: &str,
    ) -> Result<Option<VersionRecord>> {
        let mut sql = Self::version_query(ws, extractor_id);
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
        self.fetch_version(sql).await
    }

    async fn get_version_by_id(&self, ws: &str, id: &str) -> Result<Option<VersionRecord>> {
        get_scoped(
            &self.pool,
            "extractor_versions",
            VERSION_COLUMNS,
            ws,
            id,
            version_from_row,
        )
        .await
    }

    async fn list_versions(
        &self,
        ws: &str,
        extractor_id: &str,
        page: &PageRequest,
    ) -> Result<Page<VersionRecord>> {
        let mut sql = Self::version_query(ws, extractor_id);
        let page = PageRequest {
            sort_by: SortBy::CreatedAt,
            ..page.clone()
        };
        push_page(&mut sql, &page, "");
        let rows = sql.query().fetch_all(&self.pool).await?;
        let items = rows
            .iter()
            .map(version_from_row)
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
    stmt(
        "INSERT INTO extractor_versions (id, extractor_id, workspace_id, version, major, minor,
                                         description, config, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        args![
            v.id.as_str(),
            v.extractor_id.as_str(),
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
