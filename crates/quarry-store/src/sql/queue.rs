//! The leased job queue.
//!
//! A job row is `queued`, `leased` (with a random `lease_token` and an expiry),
//! `done` or `dead`. Which job a claim picks (expired leases first, then
//! fair between workspaces, then priority and age) is `claim.rs`.
//! Heartbeats and completion match on the lease token: after another worker
//! re-claims an expired job, the old holder's writes match no row. A terminal
//! result writes its webhook events (see `outbox.rs`) in the same transaction.

use async_trait::async_trait;
use quarry_model::enums::{RunStatus, failure};
use quarry_model::ids::new_id;
use quarry_model::time::now_ms;
use sqlx::Row;

use super::SqlStore;
use super::claim::{ClaimArgs, known_kinds, lease_next};
use super::lifecycle::returning;
use super::outbox::run_finished;
use super::runs::{insert_run, status_of};
use super::util::{Sql, args, stmt, to_json_opt};
use crate::{Completion, JobQueue, Lease, LeaseState, QueueDepth, Result, RunKind, RunResult};

impl SqlStore {
    /// Status of a run by id, `None` once the run is deleted.
    async fn run_status(&self, kind: RunKind, run_id: &str) -> Result<Option<RunStatus>> {
        let mut sql = Sql::new(&format!("SELECT status FROM {} WHERE id = ", kind.table()));
        sql.bind(run_id);
        sql.query()
            .fetch_optional(&self.pool)
            .await?
            .map(|r| status_of(&r.try_get::<String, _>("status")?))
            .transpose()
    }
}

/// The statement writing result `r` on run `run_id` of `kind` while it is
/// `PROCESSING`, returning what the outbox needs. Every kind writes the
/// core result; an extract run also names its parse run and may replace
/// its config (a generated schema), a parse run keeps its metrics.
fn result_update(kind: RunKind, r: &RunResult, now: i64, run_id: &str) -> Sql {
    let mut sql = Sql::new(&format!("UPDATE {} SET status = ", kind.table()));
    sql.bind(r.status.as_str())
        .push(", output = ")
        .bind(to_json_opt(r.output.as_ref()))
        .push(", failure_reason = ")
        .bind(r.failure_reason.clone())
        .push(", failure_message = ")
        .bind(r.failure_message.clone())
        .push(", usage_json = ")
        .bind(to_json_opt(r.usage.as_ref()))
        .push(", updated_at = ")
        .bind(now);
    if kind.keeps_parse() {
        sql.push(", parse_run_id = ")
            .bind(r.parse_run.as_ref().map(|p| p.id.clone()));
    }
    match kind {
        RunKind::Extract => {
            sql.push(", config = COALESCE(")
                .bind(to_json_opt(r.config.as_ref()))
                .push(", config)");
        }
        RunKind::Classify | RunKind::Split => {}
        RunKind::Parse => {
            sql.push(", metrics = ")
                .bind(to_json_opt(r.metrics.as_ref()));
        }
    }
    sql.push(" WHERE id = ")
        .bind(run_id)
        .push(" AND status = 'PROCESSING' RETURNING ")
        .push(&returning(kind));
    sql
}

/// Sets the leased run's status to `to` if it is one of `from` (a SQL list
/// of literals); returns how many rows changed (0 or 1).
async fn move_run(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    lease: &Lease,
    from: &str,
    to: &str,
    now: i64,
) -> Result<u64> {
    let mut update = Sql::new(&format!(
        "UPDATE {} SET status = '{to}', updated_at = ",
        lease.kind.table()
    ));
    update
        .bind(now)
        .push(" WHERE id = ")
        .bind(lease.run_id.as_str())
        .push(&format!(" AND status IN ({from})"));
    Ok(update.query().execute(&mut **tx).await?.rows_affected())
}

#[async_trait]
impl JobQueue for SqlStore {
    async fn claim_job(
        &self,
        worker: &str,
        lease_ms: i64,
        max_attempts: i64,
    ) -> Result<Option<Lease>> {
        loop {
            let now = now_ms();
            let token = new_id("lease_");
            let mut tx = self.pool.begin().await?;
            let claim = ClaimArgs {
                token: &token,
                worker,
                expires_at: now + lease_ms,
                now,
                max_attempts,
            };
            let Some(row) = lease_next(&mut tx, self.dialect, &claim).await? else {
                tx.commit().await?;
                return Ok(None);
            };
            let lease = Lease {
                job_seq: row.try_get("seq")?,
                kind: RunKind::parse(&row.try_get::<String, _>("kind")?)?,
                run_id: row.try_get("run_id")?,
                workspace_id: row.try_get("workspace_id")?,
                token,
                attempt: row.try_get("attempts")?,
            };
            let from = "'PENDING', 'PROCESSING'";
            if move_run(&mut tx, &lease, from, "PROCESSING", now).await? == 1 {
                tx.commit().await?;
                return Ok(Some(lease));
            }
            // The run was cancelled or deleted while queued: close the job and look again.
            stmt(
                "UPDATE jobs SET state = 'done', updated_at = $1 WHERE seq = $2",
                args![now, lease.job_seq],
            )
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        }
    }

    async fn heartbeat(&self, lease: &Lease, lease_ms: i64) -> Result<LeaseState> {
        let now = now_ms();
        let held = stmt(
            "UPDATE jobs SET lease_expires_at = $1, updated_at = $2
             WHERE seq = $3 AND lease_token = $4 AND state = 'leased'",
            args![now + lease_ms, now, lease.job_seq, lease.token.as_str()],
        )
        .execute(&self.pool)
        .await?;
        let status = self.run_status(lease.kind, &lease.run_id).await?;
        if held.rows_affected() == 0 {
            // Deleting a run deletes its job too; that is a cancellation.
            return Ok(match status {
                None => LeaseState::Cancelled,
                Some(_) => LeaseState::Lost,
            });
        }
        match status {
            Some(s) if !s.is_terminal() => Ok(LeaseState::Held),
            _ => Ok(LeaseState::Cancelled),
        }
    }

    async fn complete_run(&self, lease: &Lease, r: &RunResult) -> Result<Completion> {
        let now = now_ms();
        let kind = lease.kind;
        let mut tx = self.pool.begin().await?;
        let held = stmt(
            "UPDATE jobs SET state = 'done', updated_at = $1
             WHERE seq = $2 AND lease_token = $3 AND state = 'leased'",
            args![now, lease.job_seq, lease.token.as_str()],
        )
        .execute(&mut *tx)
        .await?;
        if held.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(match self.run_status(kind, &lease.run_id).await? {
                None => Completion::Discarded,
                Some(_) => Completion::LeaseLost,
            });
        }
        let stored = result_update(kind, r, now, &lease.run_id)
            .query()
            .fetch_optional(&mut *tx)
            .await?;
        if let (Some(_), Some(parse)) = (&stored, &r.parse_run) {
            insert_run(&mut tx, &**parse).await?;
        }
        // The outbox event commits with the result, or not at all.
        if let Some(row) = &stored {
            run_finished(
                &mut tx,
                self.dialect,
                kind,
                row,
                &lease.run_id,
                r.status,
                now,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(if stored.is_some() {
            Completion::Stored
        } else {
            Completion::Discarded
        })
    }

    async fn release_job(&self, lease: &Lease) -> Result<bool> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        let released = stmt(
            "UPDATE jobs SET state = 'queued', lease_token = NULL, lease_owner = NULL,
                lease_expires_at = NULL, attempts = attempts - 1, updated_at = $1
             WHERE seq = $2 AND lease_token = $3 AND state = 'leased'",
            args![now, lease.job_seq, lease.token.as_str()],
        )
        .execute(&mut *tx)
        .await?;
        if released.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        move_run(&mut tx, lease, "'PROCESSING'", "PENDING", now).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn fail_exhausted_jobs(&self, max_attempts: i64) -> Result<Vec<String>> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        // Only kinds this build knows: a newer worker's job is its to fail.
        let rows = stmt(
            concat!(
                "UPDATE jobs SET state = 'dead', updated_at = $1
                 WHERE state = 'leased' AND lease_expires_at < $1 AND attempts >= $2
                   AND kind IN ",
                known_kinds!(),
                " RETURNING run_id, kind"
            ),
            args![now, max_attempts],
        )
        .fetch_all(&mut *tx)
        .await?;
        let mut failed = Vec::with_capacity(rows.len());
        for row in rows {
            let run_id: String = row.try_get("run_id")?;
            let message = format!(
                "processing was interrupted {max_attempts} times (the worker holding the run \
                 stopped without finishing it)"
            );
            let kind = RunKind::parse(&row.try_get::<String, _>("kind")?)?;
            let returning = returning(kind);
            let mut fail = Sql::new(&format!(
                "UPDATE {} SET status = 'FAILED', failure_reason = ",
                kind.table()
            ));
            fail.bind(failure::INTERNAL_ERROR)
                .push(", failure_message = ")
                .bind(message)
                .push(", updated_at = ")
                .bind(now)
                .push(" WHERE id = ")
                .bind(run_id.as_str())
                .push(&format!(
                    " AND status IN ('PENDING', 'PROCESSING') RETURNING {returning}"
                ));
            let done = fail.query().fetch_optional(&mut *tx).await?;
            // A run cancelled while leased keeps its status and is not reported.
            if let Some(row) = &done {
                let failed_status = RunStatus::Failed;
                run_finished(
                    &mut tx,
                    self.dialect,
                    kind,
                    row,
                    &run_id,
                    failed_status,
                    now,
                )
                .await?;
                failed.push(run_id);
            }
        }
        tx.commit().await?;
        Ok(failed)
    }

    async fn queue_depth_by_priority(&self) -> Result<Vec<QueueDepth>> {
        stmt(
            "SELECT state, priority, COUNT(*) AS n FROM jobs
             GROUP BY state, priority ORDER BY state, priority",
            vec![],
        )
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(QueueDepth {
                state: r.try_get("state")?,
                priority: r.try_get("priority")?,
                jobs: r.try_get("n")?,
            })
        })
        .collect()
    }

    async fn purge_finished_jobs(&self, older_than_ms: i64) -> Result<u64> {
        let done = stmt(
            "DELETE FROM jobs WHERE state IN ('done', 'dead') AND updated_at < $1",
            args![older_than_ms],
        )
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }
}
