//! What can stop a sync, in words a person can act on, each with a stable code for the window.

use neuroflow_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The team database cannot be reached (offline, stopped, refused): edits wait in the outbox.
    #[error("the team database cannot be reached: {0}")]
    Offline(String),
    /// The team database refused a change (row-level security, a rule): nothing of that batch
    /// was applied.
    #[error("the team database refused a change: {0}")]
    Refused(String),
    /// This device's clock is far ahead of the team database's: its stamps would beat every
    /// later edit of everyone else.
    #[error("this device's clock is {minutes} minutes ahead of the team database; correct the clock to sync")]
    ClockAhead { minutes: i64 },
    #[error("{0}")]
    Invalid(String),
    /// The email or password is not right, or the login is not a person.
    #[error("{0}")]
    SignIn(String),
    /// The secure connection could not be made.
    #[error("{0}")]
    Tls(String),
    /// The team database and this app do not speak the same schema.
    #[error("{0}")]
    Schema(String),
    #[error("local database: {0}")]
    Local(#[from] StoreError),
}

impl SyncError {
    /// A stable code for the `{code, message}` the window shows.
    pub fn code(&self) -> &'static str {
        match self {
            SyncError::Offline(_) => "offline",
            SyncError::Refused(_) => "refused",
            SyncError::ClockAhead { .. } => "clock_ahead",
            SyncError::Invalid(_) => "invalid",
            SyncError::SignIn(_) => "sign_in",
            SyncError::Tls(_) => "tls",
            SyncError::Schema(_) => "schema",
            SyncError::Local(_) => "local",
        }
    }
}

/// A Postgres error: unreachable is offline; a refusal (privilege, RLS, check, trigger) is
/// refused, with the server's one-line reason; statements never appear in the message.
pub fn remote(e: sqlx::Error) -> SyncError {
    match &e {
        sqlx::Error::Database(db) if db.code().is_some_and(|c| transient(&c)) => {
            SyncError::Offline(db.message().to_string())
        }
        sqlx::Error::Database(db) => SyncError::Refused(db.message().to_string()),
        sqlx::Error::Io(io) => SyncError::Offline(io.to_string()),
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed => {
            SyncError::Offline("no connection to the team database".into())
        }
        sqlx::Error::Tls(t) => SyncError::Offline(format!("TLS: {t}")),
        other => SyncError::Offline(other.to_string()),
    }
}

/// SQLSTATEs that say the attempt, not the change, failed: the connection went or is going
/// (class 08, 57P0x shutdown and termination, 25P03 idle-in-transaction timeout), the server is
/// short of resources (class 53), or the transaction lost a race (40001 serialization, 40P01
/// deadlock). The same push succeeds later, so these wait like being offline.
pub fn transient(code: &str) -> bool {
    code.starts_with("08")
        || code.starts_with("53")
        || code.starts_with("57P")
        || matches!(code, "25P03" | "40001" | "40P01")
}

/// A local SQLite error.
pub fn local_db(e: sqlx::Error) -> SyncError {
    SyncError::Local(StoreError::from(e))
}
