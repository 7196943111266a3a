//! Opens a fresh store per test on each backend, runs a case on it, and
//! cleans up (the Postgres schema is dropped even when the case panics).

use std::future::Future;
use std::panic::resume_unwind;
use std::sync::Arc;

use quarry_store::SqlStore;
use quarry_store::prelude::*;
use sqlx::{Connection, Executor};

const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

pub async fn on_sqlite<F, Fut>(case: F)
where
    F: FnOnce(Arc<dyn Store>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let dir = tempfile::tempdir().expect("create temp dir");
    let store = SqlStore::open_sqlite(&dir.path().join("q.db"))
        .await
        .expect("open SQLite store");
    if let Err(panic) = run_case(store, case).await {
        resume_unwind(panic);
    }
}

pub async fn on_postgres<F, Fut>(case: F)
where
    F: FnOnce(Arc<dyn Store>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    if std::env::var("QUARRY_SKIP_POSTGRES").as_deref() == Ok("1") {
        eprintln!("skipping Postgres variant: QUARRY_SKIP_POSTGRES=1");
        return;
    }
    let url = std::env::var("QUARRY_TEST_DATABASE_URL")
        .unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_string());
    let schema = format!("qt_{:016x}", rand::random::<u64>());
    let store = match SqlStore::connect(&url, Some(&schema)).await {
        Ok(store) => store,
        Err(e) => {
            drop_schema(&url, &schema).await;
            panic!(
                "cannot open Postgres store at {url}: {e} \
                 (set QUARRY_SKIP_POSTGRES=1 to skip the Postgres variants)"
            );
        }
    };
    let outcome = run_case(store, case).await;
    drop_schema(&url, &schema).await;
    if let Err(panic) = outcome {
        resume_unwind(panic);
    }
}

/// Runs `case` as its own task so a panic comes back as a value and cleanup
/// still happens; closes the pool before returning.
async fn run_case<F, Fut>(store: SqlStore, case: F) -> Result<(), Box<dyn std::any::Any + Send>>
where
    F: FnOnce(Arc<dyn Store>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let shared: Arc<dyn Store> = Arc::new(store.clone());
    let outcome = tokio::spawn(case(shared)).await;
    store.close().await;
    outcome.map_err(|e| match e.try_into_panic() {
        Ok(panic) => panic,
        Err(e) => Box::new(format!("test task did not finish: {e}")),
    })
}

/// Best effort: a leftover schema only costs disk space.
async fn drop_schema(url: &str, schema: &str) {
    let result = async {
        let mut conn = sqlx::PgConnection::connect(url).await?;
        conn.execute(sqlx::AssertSqlSafe(format!(
            "DROP SCHEMA IF EXISTS {schema} CASCADE"
        )))
        .await?;
        conn.close().await
    }
    .await;
    if let Err(e) = result {
        eprintln!("could not drop test schema {schema}: {e}");
    }
}
