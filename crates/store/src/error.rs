//! The store's error type: what went wrong, in words a person can act on.

use neuroflow_model::ValidationError;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be opened or migrated (locked, corrupt, unreachable).
    #[error("{0}")]
    Unavailable(String),
    #[error("{0}")]
    Invalid(String),
    /// The id stays out of the message (a person cannot act on a UUID); it is kept for logs.
    #[error(
        "this {what} no longer exists: it may have been deleted (reload to see the current list)"
    )]
    NotFound { what: &'static str, id: String },
    #[error("{0}")]
    Conflict(String),
    #[error("database error: {0}")]
    Database(String),
    /// The signed-in person may read but not change this organization's work (a VIEWER).
    #[error("{0}")]
    Forbidden(String),
}

impl From<ValidationError> for StoreError {
    fn from(e: ValidationError) -> Self {
        StoreError::Invalid(e.message)
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::Database(db) => {
                let msg = db.message().to_string();
                if db.is_unique_violation() {
                    StoreError::Conflict(format!("that already exists ({msg})"))
                } else if db.is_foreign_key_violation() {
                    StoreError::Invalid(format!("a referenced row does not exist ({msg})"))
                } else if db.is_check_violation() {
                    StoreError::Invalid(format!("a value is out of range ({msg})"))
                } else if msg.contains("database is locked") || msg.contains("database is busy") {
                    StoreError::Unavailable(
                        "the database is locked by another program; close it and try again".into(),
                    )
                } else if msg.contains("not a database") || msg.contains("malformed") {
                    StoreError::Unavailable(
                        "the database file is damaged (not a valid SQLite database)".into(),
                    )
                } else {
                    StoreError::Database(match db.code() {
                        Some(code) => format!("{msg} (code {code})"),
                        None => msg,
                    })
                }
            }
            sqlx::Error::PoolTimedOut => {
                StoreError::Unavailable("timed out waiting for a database connection".into())
            }
            sqlx::Error::Io(io) => {
                StoreError::Unavailable(format!("cannot reach the database: {io}"))
            }
            _ => StoreError::Database(e.to_string()),
        }
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        match e {
            sqlx::migrate::MigrateError::Execute(inner) => match StoreError::from(inner) {
                StoreError::Unavailable(m) => StoreError::Unavailable(m),
                other => {
                    StoreError::Unavailable(format!("could not upgrade the database: {other}"))
                }
            },
            other => StoreError::Unavailable(format!("could not upgrade the database: {other}")),
        }
    }
}
