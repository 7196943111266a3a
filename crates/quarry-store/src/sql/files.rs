//! File metadata rows.

use async_trait::async_trait;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::SqlStore;
use super::util::get_scoped;
use super::util::to_json_opt;
use super::util::{Sql, args, finish_page, fold, json_opt, like_pattern, push_page, stmt};
use crate::{FileRecord, FileStore, Page, PageRequest, Result, Secret};

const COLUMNS: &str = "id, workspace_id, name, file_type, mime, size_bytes, sha256, page_count, \
                       parent_file_id, parent_split, password, created_at, updated_at";

fn from_row(r: &AnyRow) -> Result<FileRecord> {
    Ok(FileRecord {
        id: r.try_get("id")?,
        workspace_id: r.try_get("workspace_id")?,
        name: r.try_get("name")?,
        file_type: r.try_get("file_type")?,
        mime: r.try_get("mime")?,
        size_bytes: r.try_get("size_bytes")?,
        sha256: r.try_get("sha256")?,
        page_count: r.try_get("page_count")?,
        parent_file_id: r.try_get("parent_file_id")?,
        parent_split: json_opt(r, "parent_split")?,
        password: r.try_get::<Option<String>, _>("password")?.map(Secret),
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

#[async_trait]
impl FileStore for SqlStore {
    async fn insert_file(&self, f: &FileRecord) -> Result<()> {
        stmt(
            // A file a run derives has an id fixed by the run, so a retried
            // run stores it once.
            "INSERT INTO files (id, workspace_id, name, name_fold, file_type, mime, size_bytes,
                                sha256, page_count, parent_file_id, parent_split, password,
                                created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
             ON CONFLICT (id) DO NOTHING",
            args![
                f.id.as_str(),
                f.workspace_id.as_str(),
                f.name.as_str(),
                fold(&f.name),
                f.file_type.clone(),
                f.mime.as_str(),
                f.size_bytes,
                f.sha256.as_str(),
                f.page_count,
                f.parent_file_id.clone(),
                to_json_opt(f.parent_split.as_ref()),
                f.password.as_ref().map(|p| p.0.clone()),
                f.created_at,
                f.updated_at
            ],
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn get_file(&self, ws: &str, id: &str) -> Result<Option<FileRecord>> {
        get_scoped(&self.pool, "files", COLUMNS, ws, id, from_row).await
    }

    async fn list_files(
        &self,
        ws: &str,
        name_contains: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<FileRecord>> {
        let mut sql = Sql::new(&format!(
            "SELECT {COLUMNS} FROM files WHERE workspace_id = "
        ));
        sql.bind(ws);
        if let Some(n) = name_contains {
            sql.push(" AND name_fold LIKE ")
                .bind(like_pattern(n))
                .push(" ESCAPE '\\'");
        }
        push_page(&mut sql, page, "");
        let rows = sql.query().fetch_all(&self.pool).await?;
        let items = rows.iter().map(from_row).collect::<Result<Vec<_>>>()?;
        Ok(finish_page(items, page, |f| {
            (f.created_at, f.updated_at, f.id.clone())
        }))
    }

    async fn delete_file(&self, ws: &str, id: &str) -> Result<Option<FileRecord>> {
        let Some(file) = self.get_file(ws, id).await? else {
            return Ok(None);
        };
        let done = stmt(
            "DELETE FROM files WHERE workspace_id = $1 AND id = $2",
            args![ws, id],
        )
        .execute(&self.pool)
        .await?;
        Ok((done.rows_affected() > 0).then_some(file))
    }

    async fn blob_referenced(&self, sha256: &str) -> Result<bool> {
        let row = stmt(
            "SELECT COUNT(*) AS n FROM files WHERE sha256 = $1",
            args![sha256],
        )
        .fetch_one(&self.pool)
        .await?;
        let n: i64 = row.try_get("n")?;
        Ok(n > 0)
    }
}
