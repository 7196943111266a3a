//! Webhook endpoints and resource-scoped subscriptions (plain CRUD; event
//! types are kept as a JSON array so the outbox can match them with `LIKE`).

use quarry_model::enums::SortBy;
use quarry_model::time::now_ms;
use serde_json::Value;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::SqlStore;
use super::util::get_scoped;
use super::util::{Sql, args, finish_page, json_opt, push_page, stmt, to_json_opt};
use crate::{
    EndpointPatch, EndpointRecord, Page, PageRequest, Result, StoreError, SubscriptionRecord,
};

const ENDPOINT_COLUMNS: &str = "id, workspace_id, url, name, status, enabled_events, api_version, \
                                advanced_options, signing_secret, created_at, updated_at";
const SUBSCRIPTION_COLUMNS: &str = "id, workspace_id, endpoint_id, resource_type, resource_id, \
                                    enabled_events, created_at, updated_at";

pub(super) fn events_json(events: &[String]) -> String {
    Value::from(events.to_vec()).to_string()
}

fn events_of(r: &AnyRow) -> Result<Vec<String>> {
    let text: String = r.try_get("enabled_events")?;
    serde_json::from_str(&text).map_err(StoreError::from)
}

pub(super) fn endpoint_from_row(r: &AnyRow) -> Result<EndpointRecord> {
    Ok(EndpointRecord {
        id: r.try_get("id")?,
        workspace_id: r.try_get("workspace_id")?,
        url: r.try_get("url")?,
        name: r.try_get("name")?,
        status: r.try_get("status")?,
        enabled_events: events_of(r)?,
        api_version: r.try_get("api_version")?,
        advanced_options: json_opt(r, "advanced_options")?,
        signing_secret: r.try_get("signing_secret")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

fn subscription_from_row(r: &AnyRow) -> Result<SubscriptionRecord> {
    Ok(SubscriptionRecord {
        id: r.try_get("id")?,
        workspace_id: r.try_get("workspace_id")?,
        endpoint_id: r.try_get("endpoint_id")?,
        resource_type: r.try_get("resource_type")?,
        resource_id: r.try_get("resource_id")?,
        enabled_events: events_of(r)?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

/// Lists sort by creation only.
fn by_creation(page: &PageRequest) -> PageRequest {
    PageRequest {
        sort_by: SortBy::CreatedAt,
        ..page.clone()
    }
}

impl SqlStore {
    pub(super) async fn endpoint_insert(&self, e: &EndpointRecord) -> Result<()> {
        stmt(
            "INSERT INTO webhook_endpoints (id, workspace_id, url, name, status, enabled_events,
                api_version, advanced_options, signing_secret, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            args![
                e.id.as_str(),
                e.workspace_id.as_str(),
                e.url.as_str(),
                e.name.as_str(),
                e.status.as_str(),
                events_json(&e.enabled_events),
                e.api_version.as_str(),
                to_json_opt(e.advanced_options.as_ref()),
                e.signing_secret.as_str(),
                e.created_at,
                e.updated_at
            ],
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub(super) async fn endpoint_get(&self, ws: &str, id: &str) -> Result<Option<EndpointRecord>> {
        get_scoped(
            &self.pool,
            "webhook_endpoints",
            ENDPOINT_COLUMNS,
            ws,
            id,
            endpoint_from_row,
        )
        .await
    }

    pub(super) async fn endpoint_list(
        &self,
        ws: &str,
        status: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<EndpointRecord>> {
        let page = by_creation(page);
        let mut sql = Sql::new(&format!(
            "SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE workspace_id = "
        ));
        sql.bind(ws);
        if let Some(s) = status {
            sql.push(" AND status = ").bind(s);
        }
        push_page(&mut sql, &page, "");
        let rows = sql.query().fetch_all(&self.pool).await?;
        let items = rows
            .iter()
            .map(endpoint_from_row)
            .collect::<Result<Vec<_>>>()?;
        Ok(finish_page(items, &page, |e| {
            (e.created_at, e.updated_at, e.id.clone())
        }))
    }

    pub(super) async fn endpoint_update(
        &self,
        ws: &str,
        id: &str,
        p: &EndpointPatch,
    ) -> Result<Option<EndpointRecord>> {
        stmt(
            "UPDATE webhook_endpoints SET url = COALESCE($1, url), name = COALESCE($2, name),
                status = COALESCE($3, status), enabled_events = COALESCE($4, enabled_events),
                advanced_options = COALESCE($5, advanced_options), updated_at = $6
             WHERE workspace_id = $7 AND id = $8",
            args![
                p.url.clone(),
                p.name.clone(),
                p.status.clone(),
                p.enabled_events.as_deref().map(events_json),
                to_json_opt(p.advanced_options.as_ref()),
                now_ms(),
                ws,
                id
            ],
        )
        .execute(&self.pool)
        .await?;
        self.endpoint_get(ws, id).await
    }

    pub(super) async fn endpoint_delete(&self, ws: &str, id: &str) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        // Children first: SQLite only cascades with foreign keys on, and the
        // attempts hang off deliveries.
        stmt(
            "DELETE FROM webhook_attempts WHERE delivery_seq IN
                (SELECT seq FROM webhook_deliveries WHERE endpoint_id = $1 AND workspace_id = $2)",
            args![id, ws],
        )
        .execute(&mut *tx)
        .await?;
        for sql in [
            "DELETE FROM webhook_deliveries WHERE endpoint_id = $1 AND workspace_id = $2",
            "DELETE FROM webhook_subscriptions WHERE endpoint_id = $1 AND workspace_id = $2",
        ] {
            stmt(sql, args![id, ws]).execute(&mut *tx).await?;
        }
        let done = stmt(
            "DELETE FROM webhook_endpoints WHERE id = $1 AND workspace_id = $2",
            args![id, ws],
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected() > 0)
    }

    pub(super) async fn subscription_upsert(
        &self,
        s: &SubscriptionRecord,
    ) -> Result<SubscriptionRecord> {
        stmt(
            "INSERT INTO webhook_subscriptions (id, workspace_id, endpoint_id, resource_type,
                resource_id, enabled_events, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (endpoint_id, resource_id)
             DO UPDATE SET enabled_events = excluded.enabled_events, updated_at = excluded.updated_at",
            args![
                s.id.as_str(),
                s.workspace_id.as_str(),
                s.endpoint_id.as_str(),
                s.resource_type.as_str(),
                s.resource_id.as_str(),
                events_json(&s.enabled_events),
                s.created_at,
                s.updated_at
            ],
        )
        .execute(&self.pool)
        .await?;
        let mut sql = Sql::new(&format!(
            "SELECT {SUBSCRIPTION_COLUMNS} FROM webhook_subscriptions WHERE endpoint_id = "
        ));
        sql.bind(s.endpoint_id.as_str())
            .push(" AND resource_id = ")
            .bind(s.resource_id.as_str());
        let row = sql.query().fetch_one(&self.pool).await?;
        subscription_from_row(&row)
    }

    pub(super) async fn subscription_get(
        &self,
        ws: &str,
        id: &str,
    ) -> Result<Option<SubscriptionRecord>> {
        get_scoped(
            &self.pool,
            "webhook_subscriptions",
            SUBSCRIPTION_COLUMNS,
            ws,
            id,
            subscription_from_row,
        )
        .await
    }

    pub(super) async fn subscription_list(
        &self,
        ws: &str,
        endpoint_id: Option<&str>,
        resource_id: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<SubscriptionRecord>> {
        let page = by_creation(page);
        let mut sql = Sql::new(&format!(
            "SELECT {SUBSCRIPTION_COLUMNS} FROM webhook_subscriptions WHERE workspace_id = "
        ));
        sql.bind(ws);
        if let Some(e) = endpoint_id {
            sql.push(" AND endpoint_id = ").bind(e);
        }
        if let Some(r) = resource_id {
            sql.push(" AND resource_id = ").bind(r);
        }
        push_page(&mut sql, &page, "");
        let rows = sql.query().fetch_all(&self.pool).await?;
        let items = rows
            .iter()
            .map(subscription_from_row)
            .collect::<Result<Vec<_>>>()?;
        Ok(finish_page(items, &page, |s| {
            (s.created_at, s.updated_at, s.id.clone())
        }))
    }

    pub(super) async fn subscription_update(
        &self,
        ws: &str,
        id: &str,
        events: &[String],
    ) -> Result<Option<SubscriptionRecord>> {
        stmt(
            "UPDATE webhook_subscriptions SET enabled_events = $1, updated_at = $2
             WHERE workspace_id = $3 AND id = $4",
            args![events_json(events), now_ms(), ws, id],
        )
        .execute(&self.pool)
        .await?;
        self.subscription_get(ws, id).await
    }

    pub(super) async fn subscription_delete(&self, ws: &str, id: &str) -> Result<bool> {
        let done = stmt(
            "DELETE FROM webhook_subscriptions WHERE workspace_id = $1 AND id = $2",
            args![ws, id],
        )
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }
}
