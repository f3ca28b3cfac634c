//! The integration service's error: one line a person can act on, never holding a credential.

use neuroflow_secrets::SecretError;
use neuroflow_store::StoreError;

/// What went wrong managing an integration. A failed *connection test* is not an error: it is
/// recorded on the integration (status ERROR and `last_error`) and returned as its view.
#[derive(Debug, thiserror::Error)]
pub enum IntegrationError {
    /// Input the person must correct.
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The OS keychain refused or could not be reached while `action`. `source` is the secrets
    /// crate's error, whose texts never contain a secret value.
    #[error("{action}: {source}")]
    Keychain {
        action: &'static str,
        source: SecretError,
    },
    /// The keychain entry of an integration is not one this app wrote. The parse error is
    /// deliberately not kept: serde's messages quote the offending value.
    #[error("the saved credentials of “{name}” are unreadable (the keychain entry was not written by NeuroFlow Studio): edit the integration and enter them again")]
    UnreadableCredentials { name: String },
    /// The HTTP client could not be set up (its TLS backend failed to initialise).
    #[error("the HTTP client could not start: {0}")]
    HttpClient(String),
}

impl IntegrationError {
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        IntegrationError::Invalid(message.into())
    }

    pub(crate) fn keychain(action: &'static str) -> impl FnOnce(SecretError) -> Self {
        move |source| IntegrationError::Keychain { action, source }
    }

    /// True when the keychain itself is unusable (unavailable, locked, denied): the moment the
    /// app offers to keep secrets in memory for this session.
    pub fn is_keychain_unusable(&self) -> bool {
        matches!(self, IntegrationError::Keychain { source, .. } if source.is_keychain_unusable())
    }
}
