//! Opening and migrating the two backends: an embedded SQLite file or a team Postgres server.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::StoreError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A connection pool to one of the backends.
#[derive(Debug, Clone)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Expands `$body` once per backend so the same query code runs on either pool.
macro_rules! on_db {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite($pool) => $body,
            $crate::db::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_db;

impl Db {
    /// Opens (creating if missing) the local SQLite database and brings its schema up to date.
    pub async fn open_sqlite(path: &Path) -> Result<Db, StoreError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| {
                StoreError::Unavailable(format!(
                    "cannot create the data folder {}: {e}",
                    dir.display()
                ))
            })?;
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(3));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .acquire_timeout(Duration::from_secs(10))
            // An in-process SQLite connection does not go stale: checking each one as it is
            // taken from the pool cost a round trip to sqlx's worker thread per statement.
            .test_before_acquire(false)
            .connect_with(options)
            .await
            .map_err(|e| describe_open_error(path, e))?;
        let db = Db::Sqlite(pool);
        db.migrate().await.map_err(|e| match e {
            StoreError::Unavailable(m) => {
                StoreError::Unavailable(format!("{m} ({})", path.display()))
            }
            other => other,
        })?;
        Ok(db)
    }

    /// Connects to a database URL: `postgres://…` or a SQLite path / `sqlite:` URL. Does not migrate.
    pub async fn connect(url: &str) -> Result<Db, StoreError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = PgPoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(10))
                .connect(url)
                .await
                .map_err(|e| {
                    StoreError::Unavailable(format!(
                        "cannot connect to Postgres: {}",
                        redact_url_error(e)
                    ))
                })?;
            Ok(Db::Postgres(pool))
        } else {
            let path = url
                .strip_prefix("sqlite://")
                .or_else(|| url.strip_prefix("sqlite:"))
                .unwrap_or(url);
            let options = SqliteConnectOptions::from_str(&format!("sqlite://{path}"))
                .map_err(|e| {
                    StoreError::Invalid(format!("'{path}' is not a usable SQLite path: {e}"))
                })?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(3));
            let pool = SqlitePoolOptions::new()
                .max_connections(4)
                .test_before_acquire(false)
                .connect_with(options)
                .await
                .map_err(|e| describe_open_error(Path::new(path), e))?;
            Ok(Db::Sqlite(pool))
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Runs the forward-only migrations of this backend.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match self {
            Db::Sqlite(pool) => sqlx::migrate!("../../migrations/sqlite").run(pool).await?,
            Db::Postgres(pool) => {
                sqlx::migrate!("../../migrations/postgres")
                    .run(pool)
                    .await?
            }
        }
        Ok(())
    }

    /// The newest Postgres schema version this build knows (its last migration's number).
    pub fn postgres_schema_version() -> i64 {
        sqlx::migrate!("../../migrations/postgres")
            .migrations
            .iter()
            .map(|m| m.version)
            .max()
            .unwrap_or(0)
    }

    pub async fn close(&self) {
        on_db!(self, pool => pool.close().await)
    }
}

fn describe_open_error(path: &Path, e: sqlx::Error) -> StoreError {
    match StoreError::from(e) {
        StoreError::Unavailable(m) => StoreError::Unavailable(format!("{m} ({})", path.display())),
        other => StoreError::Unavailable(format!(
            "cannot open the database {}: {other}",
            path.display()
        )),
    }
}

/// Connection errors can echo the URL; keep passwords out of messages.
fn redact_url_error(e: sqlx::Error) -> String {
    let text = e.to_string();
    match text.find("://") {
        Some(start) => match text[start + 3..].find('@') {
            Some(at) => format!("{}://***@{}", &text[..start], &text[start + 3 + at + 1..]),
            None => text,
        },
        None => text,
    }
}
