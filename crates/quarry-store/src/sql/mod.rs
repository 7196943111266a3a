//! [`SqlStore`]: the [`Store`](crate::Store) on SQLite or PostgreSQL.
//!
//! Both backends run the same SQL through `sqlx`'s `Any` driver: numbered
//! `$N` placeholders, `RETURNING`, row-value comparisons for keyset paging,
//! JSON kept as text and times as BIGINT milliseconds. The one statement that
//! differs is the job claim (see `claim.rs`). SQLite uses a single connection:
//! it serialises writers anyway, and one connection avoids `SQLITE_BUSY`
//! upgrade failures under concurrent workers.

mod claim;
mod deliveries;
mod extract_runs;
mod files;
mod keys;
mod lifecycle;
mod outbox;
mod parse_runs;
mod processor_runs;
mod processors;
mod queue;
mod runs;
mod util;
mod webhook_store;
mod webhooks;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};

use crate::{Result, StoreError};

/// Which SQL engine is behind the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// SQL-backed [`Store`](crate::Store).
#[derive(Debug, Clone)]
pub struct SqlStore {
    pool: AnyPool,
    dialect: Dialect,
}

impl SqlStore {
    /// Opens a SQLite database file, creating it (and its directory) if needed.
    pub async fn open_sqlite(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let url = format!("sqlite://{}?mode=rwc", path.display());
        Self::connect(&url, None).await
    }

    /// Connects to `url` (`sqlite://…` or `postgres://…`). For Postgres,
    /// `schema` (created if missing) becomes the `search_path`, which lets
    /// tests and tenants-per-schema deployments share one database.
    pub async fn connect(url: &str, schema: Option<&str>) -> Result<Self> {
        install_default_drivers();
        let dialect = if url.starts_with("sqlite:") {
            Dialect::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Dialect::Postgres
        } else {
            return Err(StoreError::UnsupportedUrl(redact(url)));
        };
        if let Some(s) = schema
            && !s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return Err(StoreError::Corrupt(format!("invalid schema name `{s}`")));
        }
        let options = match dialect {
            Dialect::Sqlite => AnyPoolOptions::new()
                .max_connections(1)
                .after_connect(|conn, _| {
                    Box::pin(async move {
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute("PRAGMA synchronous = NORMAL").await?;
                        Ok(())
                    })
                }),
            Dialect::Postgres => {
                let search_path = schema.map(|s| format!("SET search_path TO {s}"));
                AnyPoolOptions::new()
                    .max_connections(16)
                    .after_connect(move |conn, _| {
                        let search_path = search_path.clone();
                        Box::pin(async move {
                            if let Some(sql) = search_path {
                                conn.execute(sqlx::AssertSqlSafe(sql)).await?;
                            }
                            Ok(())
                        })
                    })
            }
        }
        .acquire_timeout(Duration::from_secs(30));

        if let (Dialect::Postgres, Some(s)) = (dialect, schema) {
            let bootstrap = AnyPoolOptions::new()
                .max_connections(1)
                .connect(url)
                .await?;
            bootstrap
                .execute(sqlx::AssertSqlSafe(format!(
                    "CREATE SCHEMA IF NOT EXISTS {s}"
                )))
                .await?;
            bootstrap.close().await;
        }
        let pool = options.connect(url).await?;
        if dialect == Dialect::Sqlite {
            // WAL lets readers in other processes (CLI, backups) proceed during writes.
            pool.execute("PRAGMA journal_mode = WAL").await?;
        }
        let store = Self { pool, dialect };
        store.migrate().await?;
        Ok(store)
    }

    /// Applies pending migrations of this dialect.
    pub async fn migrate(&self) -> Result<()> {
        match self.dialect {
            Dialect::Sqlite => {
                sqlx::migrate!("./migrations/sqlite")
                    .run(&self.pool)
                    .await?
            }
            Dialect::Postgres => {
                sqlx::migrate!("./migrations/postgres")
                    .run(&self.pool)
                    .await?
            }
        }
        Ok(())
    }

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// Closes the pool, waiting for connections to be returned.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The URL with any password replaced, for error messages and logs.
pub fn redact(url: &str) -> String {
    match url::Url::from_str(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}
