//! Workspaces and API keys.

use async_trait::async_trait;
use quarry_model::time::now_ms;
use sqlx::Row;

use super::SqlStore;
use super::util::{args, stmt};
use crate::{ApiKeyRecord, DashboardSession, KeyStore, Result};

#[async_trait]
impl KeyStore for SqlStore {
    async fn ensure_workspace(&self, id: &str, name: &str) -> Result<()> {
        stmt(
            "INSERT INTO workspaces (id, name, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (id) DO NOTHING",
            args![id, name, now_ms()],
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn insert_api_key(&self, key: &ApiKeyRecord) -> Result<()> {
        stmt(
            "INSERT INTO api_keys (id, workspace_id, name, key_hash, created_at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (key_hash) DO NOTHING",
            args![
                key.id.as_str(),
                key.workspace_id.as_str(),
                key.name.as_str(),
                key.key_hash.as_str(),
                key.created_at
            ],
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn find_api_key(&self, key_hash: &str) -> Result<Option<ApiKeyRecord>> {
        let row = stmt(
            "SELECT id, workspace_id, name, key_hash, created_at, revoked_at FROM api_keys
             WHERE key_hash = $1 AND revoked_at IS NULL",
            args![key_hash],
        )
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| key_from_row(&r)).transpose()
    }

    async fn list_api_keys(&self, workspace: Option<&str>) -> Result<Vec<ApiKeyRecord>> {
        let rows = stmt(
            "SELECT id, workspace_id, name, key_hash, created_at, revoked_at FROM api_keys
             WHERE ($1 = '' OR workspace_id = $1) ORDER BY created_at, id",
            args![workspace.unwrap_or("")],
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(key_from_row).collect()
    }

    async fn revoke_api_key(&self, id: &str) -> Result<bool> {
        let done = stmt(
            "UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
            args![now_ms(), id],
        )
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn insert_session(&self, s: &DashboardSession) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        stmt(
            "DELETE FROM dashboard_sessions WHERE expires_at <= $1",
            args![s.created_at],
        )
        .execute(&mut *tx)
        .await?;
        stmt(
            "INSERT INTO dashboard_sessions (token_hash, key_id, created_at, expires_at)
             VALUES ($1, $2, $3, $4)",
            args![
                s.token_hash.as_str(),
                s.key_id.as_str(),
                s.created_at,
                s.expires_at
            ],
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn find_session(&self, token_hash: &str, now: i64) -> Result<Option<ApiKeyRecord>> {
        let row = stmt(
            "SELECT k.id, k.workspace_id, k.name, k.key_hash, k.created_at, k.revoked_at
             FROM dashboard_sessions s JOIN api_keys k ON k.id = s.key_id
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND k.revoked_at IS NULL",
            args![token_hash, now],
        )
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(key_from_row).transpose()
    }

    async fn delete_session(&self, token_hash: &str) -> Result<()> {
        stmt(
            "DELETE FROM dashboard_sessions WHERE token_hash = $1",
            args![token_hash],
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

fn key_from_row(r: &sqlx::any::AnyRow) -> Result<ApiKeyRecord> {
    Ok(ApiKeyRecord {
        id: r.try_get("id")?,
        workspace_id: r.try_get("workspace_id")?,
        name: r.try_get("name")?,
        key_hash: r.try_get("key_hash")?,
        created_at: r.try_get("created_at")?,
        revoked_at: r.try_get("revoked_at")?,
    })
}
