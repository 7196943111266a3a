//! The delivery queue of the outbox: leasing due deliveries, recording
//! attempts, replays, and the event/delivery log. Like the job claim, the
//! lease on Postgres uses `FOR UPDATE SKIP LOCKED`, so several dispatchers
//! (one per `quarry serve`/`quarry worker`) never send the same delivery at
//! once; a dispatcher that dies mid-send leaves a lease that simply expires.
//! Deliveries of a disabled endpoint wait until it is enabled again.

use std::collections::HashMap;

use quarry_model::enums::SortBy;
use quarry_model::ids::new_id;
use quarry_model::time::now_ms;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::outbox::{Tx, fan_out};
use super::util::get_scoped;
use super::util::{Sql, args, finish_page, push_page, stmt};
use super::webhooks::endpoint_from_row;
use super::{Dialect, SqlStore};
use crate::{
    AttemptOutcome, AttemptRecord, DeliveryJob, DeliveryLog, EventRecord, Page, PageRequest, Result,
};

const EVENT_COLUMNS: &str =
    "id, workspace_id, event_type, resource_id, scope_id, payload, created_at";

/// The delivery claim; `$lock` is the row-locking clause of the dialect.
macro_rules! claim_sql {
    ($lock:literal) => {
        concat!(
            "UPDATE webhook_deliveries SET lease_token = $1, lease_expires_at = $2, updated_at = $3
            WHERE seq IN (
                SELECT seq FROM webhook_deliveries
                WHERE state = 'pending' AND next_attempt_at <= $3
                  AND (lease_expires_at IS NULL OR lease_expires_at < $3)
                  AND endpoint_id IN (SELECT id FROM webhook_endpoints WHERE status = 'enabled')
                ORDER BY next_attempt_at, seq LIMIT $4",
            $lock,
            ") RETURNING seq, attempts, event_id, endpoint_id"
        )
    };
}
const CLAIM_POSTGRES: &str = claim_sql!(" FOR UPDATE SKIP LOCKED");
const CLAIM_SQLITE: &str = claim_sql!("");

fn event_from_row(r: &AnyRow) -> Result<EventRecord> {
    Ok(EventRecord {
        id: r.try_get("id")?,
        workspace_id: r.try_get("workspace_id")?,
        event_type: r.try_get("event_type")?,
        resource_id: r.try_get("resource_id")?,
        scope_id: r.try_get("scope_id")?,
        payload: r.try_get("payload")?,
        created_at: r.try_get("created_at")?,
    })
}

/// Makes event `e` due now for every enabled endpoint that has or wants it.
async fn replay_in(tx: &mut Tx, e: &EventRecord, now: i64) -> Result<usize> {
    let ws = e.workspace_id.as_str();
    fan_out(tx, &e.id, ws, &e.event_type, e.scope_id.as_deref(), now).await?;
    let done = stmt(
        "UPDATE webhook_deliveries SET state = 'pending', attempts = 0, next_attempt_at = $1,
            lease_token = NULL, lease_expires_at = NULL, updated_at = $1
         WHERE event_id = $2 AND workspace_id = $3
           AND endpoint_id IN (SELECT id FROM webhook_endpoints WHERE status = 'enabled')",
        args![now, e.id.as_str(), ws],
    )
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() as usize)
}

impl SqlStore {
    pub(super) async fn event_get(&self, ws: &str, id: &str) -> Result<Option<EventRecord>> {
        get_scoped(&self.pool, "events", EVENT_COLUMNS, ws, id, event_from_row).await
    }

    pub(super) async fn event_list(
        &self,
        ws: &str,
        page: &PageRequest,
    ) -> Result<Page<EventRecord>> {
        let page = PageRequest {
            sort_by: SortBy::CreatedAt,
            ..page.clone()
        };
        let mut sql = Sql::new(&format!(
            "SELECT {EVENT_COLUMNS} FROM events WHERE workspace_id = "
        ));
        sql.bind(ws);
        push_page(&mut sql, &page, "");
        let rows = sql.query().fetch_all(&self.pool).await?;
        let items = rows
            .iter()
            .map(event_from_row)
            .collect::<Result<Vec<_>>>()?;
        Ok(finish_page(items, &page, |e| {
            (e.created_at, e.created_at, e.id.clone())
        }))
    }

    pub(super) async fn event_deliveries_log(
        &self,
        ws: &str,
        event_id: &str,
    ) -> Result<Vec<DeliveryLog>> {
        let deliveries = stmt(
            "SELECT seq, endpoint_id, state, attempts, next_attempt_at FROM webhook_deliveries
             WHERE workspace_id = $1 AND event_id = $2 ORDER BY seq",
            args![ws, event_id],
        )
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(deliveries.len());
        for d in deliveries {
            let seq: i64 = d.try_get("seq")?;
            let attempt_log = stmt(
                "SELECT attempt, status_code, latency_ms, error, created_at FROM webhook_attempts
                 WHERE delivery_seq = $1 ORDER BY seq",
                args![seq],
            )
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|a| {
                Ok(AttemptRecord {
                    attempt: a.try_get("attempt")?,
                    status_code: a.try_get("status_code")?,
                    latency_ms: a.try_get("latency_ms")?,
                    error: a.try_get("error")?,
                    created_at: a.try_get("created_at")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
            out.push(DeliveryLog {
                endpoint_id: d.try_get("endpoint_id")?,
                state: d.try_get("state")?,
                attempts: d.try_get("attempts")?,
                next_attempt_at: d.try_get("next_attempt_at")?,
                attempt_log,
            });
        }
        Ok(out)
    }

    pub(super) async fn event_replay(&self, ws: &str, id: &str) -> Result<usize> {
        let Some(e) = self.event_get(ws, id).await? else {
            return Ok(0);
        };
        let mut tx = self.pool.begin().await?;
        let n = replay_in(&mut tx, &e, now_ms()).await?;
        tx.commit().await?;
        Ok(n)
    }

    pub(super) async fn event_replay_range(&self, ws: &str, from: i64, to: i64) -> Result<usize> {
        let mut sql = Sql::new(&format!(
            "SELECT {EVENT_COLUMNS} FROM events WHERE workspace_id = "
        ));
        sql.bind(ws)
            .push(" AND created_at >= ")
            .bind(from)
            .push(" AND created_at <= ")
            .bind(to)
            .push(" ORDER BY created_at, id");
        let rows = sql.query().fetch_all(&self.pool).await?;
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        for r in &rows {
            replay_in(&mut tx, &event_from_row(r)?, now).await?;
        }
        tx.commit().await?;
        Ok(rows.len())
    }

    pub(super) async fn delivery_claim(
        &self,
        owner: &str,
        lease_ms: i64,
        limit: i64,
    ) -> Result<Vec<DeliveryJob>> {
        let claim = match self.dialect {
            Dialect::Postgres => CLAIM_POSTGRES,
            Dialect::Sqlite => CLAIM_SQLITE,
        };
        let now = now_ms();
        let token = new_id(&format!("dl_{owner}_"));
        let mut claimed = stmt(claim, args![token.as_str(), now + lease_ms, now, limit])
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| {
                Ok((
                    r.try_get::<i64, _>("seq")?,
                    r.try_get::<i64, _>("attempts")?,
                    r.try_get::<String, _>("event_id")?,
                    r.try_get::<String, _>("endpoint_id")?,
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        claimed.sort_by_key(|c| c.0);
        let mut endpoints = HashMap::new();
        let mut jobs = Vec::with_capacity(claimed.len());
        for (seq, attempts, event_id, endpoint_id) in claimed {
            let event = stmt(
                "SELECT id, workspace_id, event_type, resource_id, scope_id, payload, created_at
                 FROM events WHERE id = $1",
                args![event_id.as_str()],
            )
            .fetch_optional(&self.pool)
            .await?;
            if !endpoints.contains_key(&endpoint_id) {
                let e = stmt(
                    "SELECT id, workspace_id, url, name, status, enabled_events, api_version,
                        advanced_options, signing_secret, created_at, updated_at
                     FROM webhook_endpoints WHERE id = $1",
                    args![endpoint_id.as_str()],
                )
                .fetch_optional(&self.pool)
                .await?;
                endpoints.insert(endpoint_id.clone(), e);
            }
            // Rows deleted since the claim are skipped; their deliveries went with them.
            if let (Some(ev), Some(Some(ep))) = (event, endpoints.get(&endpoint_id)) {
                jobs.push(DeliveryJob {
                    seq,
                    lease_token: token.clone(),
                    attempts,
                    event: event_from_row(&ev)?,
                    endpoint: endpoint_from_row(ep)?,
                });
            }
        }
        Ok(jobs)
    }

    pub(super) async fn payload_save(&self, event_id: &str, payload: &str) -> Result<String> {
        stmt(
            "UPDATE events SET payload = $1 WHERE id = $2 AND payload IS NULL",
            args![payload, event_id],
        )
        .execute(&self.pool)
        .await?;
        let row = stmt("SELECT payload FROM events WHERE id = $1", args![event_id])
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some(r) => r
                .try_get::<Option<String>, _>("payload")?
                .unwrap_or_else(|| payload.to_string()),
            None => payload.to_string(),
        })
    }

    pub(super) async fn delivery_finish(
        &self,
        job: &DeliveryJob,
        o: &AttemptOutcome,
        retry_at: Option<i64>,
    ) -> Result<()> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        stmt(
            "INSERT INTO webhook_attempts (delivery_seq, event_id, endpoint_id, attempt,
                status_code, latency_ms, error, created_at)
             SELECT seq, event_id, endpoint_id, $1, $2, $3, $4, $5 FROM webhook_deliveries
             WHERE seq = $6",
            args![
                job.attempts + 1,
                o.status_code,
                o.latency_ms,
                o.error.clone(),
                now,
                job.seq
            ],
        )
        .execute(&mut *tx)
        .await?;
        let state = match (o.delivered, retry_at) {
            (true, _) => "delivered",
            (false, Some(_)) => "pending",
            (false, None) => "failed",
        };
        stmt(
            "UPDATE webhook_deliveries SET state = $1, attempts = attempts + 1,
                next_attempt_at = COALESCE($2, next_attempt_at), lease_token = NULL,
                lease_expires_at = NULL, last_status = $3, last_latency_ms = $4,
                last_error = $5, updated_at = $6
             WHERE seq = $7 AND lease_token = $8",
            args![
                state,
                retry_at,
                o.status_code,
                o.latency_ms,
                o.error.clone(),
                now,
                job.seq,
                job.lease_token.as_str()
            ],
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
