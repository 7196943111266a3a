//! Which job a worker claims next.
//!
//! 1. A job whose lease expired (its worker died) and that has attempts
//!    left is taken over first: it is the oldest work in the system.
//! 2. Otherwise the queue is fair between workspaces: the workspace with
//!    the fewest jobs in flight goes first, then the one served longest ago
//!    (`queue_turns`, a round robin), then the lower priority number, then
//!    the older job. One tenant's 10k-run batch therefore takes turns with
//!    another tenant's single run instead of queueing it behind itself.
//!    Priority orders work within a workspace, and between workspaces
//!    that are otherwise even.
//!
//! A worker claims only jobs of the kinds its build knows ([`known_kinds!`]):
//! in a cluster being upgraded, a job of a newer kind waits for a worker
//! that can run it instead of failing on an older one.
//!
//! Picking the workspace must not scan the whole queue: the candidates come
//! from a loose index scan over `jobs_fair (state, workspace_id, priority,
//! seq)` — one index probe per workspace with queued work — and the job
//! within the chosen workspace from the same index. On Postgres the final
//! pick locks with `FOR UPDATE SKIP LOCKED`, so concurrent workers never
//! block on or double-claim a row; when another worker took the
//! workspace's last job meanwhile, the next candidate is tried.

use sqlx::any::AnyRow;
use sqlx::{Any, Transaction};

use super::Dialect;
use super::util::{args, stmt};
use crate::Result;

/// The job kinds this build processes, as a SQL list; a test keeps it equal
/// to [`RunKind::ALL`](crate::RunKind::ALL). A macro, because the claim
/// statements are literals.
macro_rules! known_kinds {
    () => {
        "('extract_run', 'parse_run', 'classify_run', 'split_run')"
    };
}
pub(super) use known_kinds;

/// `UPDATE … WHERE seq = (<pick><lock>)`: leases the picked job.
macro_rules! lease_job {
    ($pick:expr, $lock:literal) => {
        concat!(
            "UPDATE jobs SET state = 'leased', lease_token = $1, lease_owner = $2,
                lease_expires_at = $3, attempts = attempts + 1, updated_at = $4
             WHERE seq = (",
            $pick,
            $lock,
            ") RETURNING seq, kind, run_id, workspace_id, attempts"
        )
    };
}

/// Expired leases with attempts left ($5 = max attempts).
macro_rules! take_over {
    ($lock:literal) => {
        lease_job!(
            concat!(
                "SELECT seq FROM jobs
                 WHERE state = 'leased' AND lease_expires_at < $4 AND attempts < $5
                   AND kind IN ",
                known_kinds!(),
                " ORDER BY priority, seq LIMIT 1"
            ),
            $lock
        )
    };
}

/// The next queued job of workspace $5.
macro_rules! next_in_workspace {
    ($lock:literal) => {
        lease_job!(
            concat!(
                "SELECT seq FROM jobs WHERE state = 'queued' AND workspace_id = $5
                   AND kind IN ",
                known_kinds!(),
                " ORDER BY priority, seq LIMIT 1"
            ),
            $lock
        )
    };
}

/// Workspaces with queued jobs, fairest first (at most 16: enough to get
/// past ones whose last job a concurrent worker just took, or whose queued
/// jobs are all of kinds this build does not run).
const FAIR_WORKSPACES: &str = "WITH RECURSIVE ws(id) AS (
        SELECT MIN(workspace_id) FROM jobs WHERE state = 'queued'
        UNION ALL
        SELECT (SELECT MIN(j.workspace_id) FROM jobs j
                WHERE j.state = 'queued' AND j.workspace_id > ws.id)
        FROM ws WHERE ws.id IS NOT NULL)
    SELECT id,
        (SELECT COUNT(*) FROM jobs l WHERE l.state = 'leased' AND l.workspace_id = ws.id) AS busy,
        COALESCE((SELECT t.last_turn FROM queue_turns t WHERE t.workspace_id = ws.id), 0)
            AS last_turn,
        (SELECT MIN(p.priority) FROM jobs p WHERE p.state = 'queued' AND p.workspace_id = ws.id)
            AS top_priority,
        (SELECT MIN(o.seq) FROM jobs o WHERE o.state = 'queued' AND o.workspace_id = ws.id)
            AS oldest
    FROM ws WHERE id IS NOT NULL
    ORDER BY busy, last_turn, top_priority, oldest
    LIMIT 16";

/// Gives workspace $1 the newest turn. (`WHERE true` keeps SQLite from
/// reading `ON CONFLICT` as part of the SELECT.)
const TURN_TAKEN: &str = "INSERT INTO queue_turns (workspace_id, last_turn)
    SELECT $1, COALESCE(MAX(last_turn), 0) + 1 FROM queue_turns WHERE true
    ON CONFLICT (workspace_id) DO UPDATE SET last_turn = excluded.last_turn";

/// Values bound to every claim statement.
pub(super) struct ClaimArgs<'a> {
    pub token: &'a str,
    pub worker: &'a str,
    pub expires_at: i64,
    pub now: i64,
    pub max_attempts: i64,
}

/// Leases the next job inside `tx`; `None` when nothing is claimable.
pub(super) async fn lease_next(
    tx: &mut Transaction<'static, Any>,
    dialect: Dialect,
    a: &ClaimArgs<'_>,
) -> Result<Option<AnyRow>> {
    let (take_over, next_in_workspace) = match dialect {
        Dialect::Postgres => (
            take_over!(" FOR UPDATE SKIP LOCKED"),
            next_in_workspace!(" FOR UPDATE SKIP LOCKED"),
        ),
        Dialect::Sqlite => (take_over!(""), next_in_workspace!("")),
    };
    let fixed = || args![a.token, a.worker, a.expires_at, a.now];
    let mut bound = fixed();
    bound.push(a.max_attempts.into());
    if let Some(row) = stmt(take_over, bound).fetch_optional(&mut **tx).await? {
        return Ok(Some(row));
    }
    let candidates = stmt(FAIR_WORKSPACES, vec![]).fetch_all(&mut **tx).await?;
    for ws in candidates {
        let ws: String = sqlx::Row::try_get(&ws, "id")?;
        let mut bound = fixed();
        bound.push(ws.as_str().into());
        if let Some(row) = stmt(next_in_workspace, bound)
            .fetch_optional(&mut **tx)
            .await?
        {
            stmt(TURN_TAKEN, args![ws]).execute(&mut **tx).await?;
            return Ok(Some(row));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::super::SqlStore;
    use super::super::util::{args, stmt};
    use crate::{JobQueue, RunKind, RunStore};

    /// A queued job of a kind this build does not know, as a newer Quarry
    /// would write it: a worker of this build leaves it alone, and neither
    /// the claim nor the reaper fails on it.
    #[tokio::test]
    async fn jobs_of_unknown_kinds_are_neither_claimed_nor_reaped() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = SqlStore::open_sqlite(&dir.path().join("q.db"))
            .await
            .expect("open");
        for (state, expires) in [("queued", None), ("leased", Some(0_i64))] {
            stmt(
                "INSERT INTO jobs (kind, run_id, workspace_id, priority, state, attempts,
                    lease_expires_at, created_at, updated_at)
                 VALUES ('summarize_run', $1, 'ws', 1, $2, 9, $3, 0, 0)",
                args![format!("sr_{state}"), state, expires],
            )
            .execute(&store.pool)
            .await
            .expect("insert job");
        }
        let claimed = store.claim_job("w", 60_000, 3).await.expect("claim");
        assert_eq!(claimed, None);
        let reaped = store.fail_exhausted_jobs(3).await.expect("reap");
        assert!(reaped.is_empty());
        // A known kind queued behind them is still claimed.
        let run = crate::ExtractRunRecord::new(
            crate::RunCore {
                id: "exr_known".into(),
                workspace_id: "ws".into(),
                status: quarry_model::enums::RunStatus::Pending,
                priority: 50,
                file_id: None,
                file_name: None,
                file_url: None,
                file_password: None,
                batch_id: None,
                source: "API".into(),
                source_id: None,
                config: serde_json::json!({}),
                metadata: None,
                output: None,
                failure_reason: None,
                failure_message: None,
                usage: None,
                created_at: 1,
                updated_at: 1,
            },
            None,
            None,
        );
        RunStore::create(&store, std::slice::from_ref(&run), None)
            .await
            .expect("create");
        let lease = store.claim_job("w", 60_000, 3).await.expect("claim");
        let lease = lease.expect("the known job");
        assert_eq!(
            (lease.kind, lease.run_id.as_str()),
            (RunKind::Extract, "exr_known")
        );
    }

    #[test]
    fn the_claimed_kinds_are_the_kinds_this_build_knows() {
        let listed: Vec<String> = RunKind::ALL
            .iter()
            .map(|k| format!("'{}'", k.as_str()))
            .collect();
        assert_eq!(known_kinds!(), format!("({})", listed.join(", ")));
    }
}
