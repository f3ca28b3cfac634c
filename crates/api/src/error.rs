//! The one error shape every transport carries: `{code, message}`, and the mapping of the crates' errors onto it.

use neuroflow_store::StoreError;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    InvalidInput,
    /// The graph cannot run: the canvas shows each problem on its node (graph_check_changes).
    InvalidGraph,
    NotFound,
    Conflict,
    DatabaseUnavailable,
    Database,
    /// The OS keychain is unavailable, locked or refused: the UI offers session memory.
    KeychainUnavailable,
    /// The person's role does not allow this (a VIEWER editing, a MEMBER changing roles).
    Forbidden,
    /// The team database cannot be reached: the work stays on this device until it can.
    Offline,
    /// The team database refused (its row-level security or a rule), with its reason.
    Refused,
    /// The email or password of the team database is not right.
    SignIn,
    /// The secure connection to the team database could not be made.
    Tls,
    /// The team database and this app do not speak the same schema.
    Schema,
    /// This device's clock is far ahead of the team database's.
    ClockAhead,
    Internal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type, thiserror::Error)]
#[error("{message}")]
pub struct AppError {
    pub code: ErrorCode,
    pub message: String,
}

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidInput, message)
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        let code = match &e {
            StoreError::Unavailable(_) => ErrorCode::DatabaseUnavailable,
            StoreError::Invalid(_) => ErrorCode::InvalidInput,
            StoreError::NotFound { .. } => ErrorCode::NotFound,
            StoreError::Conflict(_) => ErrorCode::Conflict,
            StoreError::Database(_) => ErrorCode::Database,
            StoreError::Forbidden(_) => ErrorCode::Forbidden,
        };
        Self::new(code, e.to_string())
    }
}

/// Parses an id sent by the UI, naming what it was meant to identify when it is malformed.
pub fn parse_id(what: &str, raw: &str) -> Result<uuid::Uuid, AppError> {
    uuid::Uuid::parse_str(raw.trim()).map_err(|_| {
        let shown: String = raw.chars().take(40).collect();
        AppError::invalid(format!("'{shown}' is not a valid {what} id"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_errors_map_to_codes() {
        let e: AppError = StoreError::NotFound {
            what: "workflow",
            id: "x".into(),
        }
        .into();
        assert_eq!(e.code, ErrorCode::NotFound);
        assert_eq!(
            e.message,
            "this workflow no longer exists: it may have been deleted (reload to see the current list)"
        );
        let json = serde_json::to_value(AppError::invalid("bad")).expect("json");
        assert_eq!(
            json,
            serde_json::json!({"code": "invalid_input", "message": "bad"})
        );
    }

    #[test]
    fn malformed_ids_are_invalid_input() {
        let e = parse_id("workflow", "not-a-uuid").expect_err("invalid");
        assert_eq!(e.code, ErrorCode::InvalidInput);
        assert!(e.message.contains("not a valid workflow id"));
    }
}
