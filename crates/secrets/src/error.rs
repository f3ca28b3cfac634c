//! The secrets error type: one line a person can act on, never containing a secret value.

/// What went wrong storing or reading a secret.
///
/// No variant holds a [`crate::Secret`] or bytes read from the keychain; the `reason` texts
/// come from the platform (D-Bus, Keychain Services, Credential Manager) and are additionally
/// scrubbed of the value being written (see `SecretError::without_value`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    /// No keychain can be reached (no Secret Service on the session bus, no session bus, no
    /// default keyring). The app offers to keep the secret in memory for this session.
    #[error("the OS keychain is unavailable: {reason}")]
    KeychainUnavailable { reason: String },
    #[error("the OS keychain is locked: {reason}")]
    KeychainLocked { reason: String },
    #[error("access to the OS keychain was denied: {reason}")]
    KeychainAccessDenied { reason: String },
    #[error("the OS keychain holds more than one entry for {reference}: remove the duplicates with the system's keychain manager")]
    AmbiguousEntry { reference: String },
    #[error("the OS keychain entry for {reference} is not UTF-8 text: it was not written by NeuroFlow Studio")]
    NotText { reference: String },
    #[error("the OS keychain failed: {reason}")]
    Keychain { reason: String },
    #[error("invalid secret reference: {why}")]
    InvalidReference { why: String },
    /// The blocking keychain call of an async wrapper panicked or was cancelled.
    #[error("the keychain task did not finish: {reason}")]
    TaskFailed { reason: String },
}

impl SecretError {
    /// True when the keychain itself cannot be used (unavailable, locked, denied): the moment
    /// to tell the user and offer session memory, as opposed to a bad reference or entry.
    pub fn is_keychain_unusable(&self) -> bool {
        matches!(
            self,
            SecretError::KeychainUnavailable { .. }
                | SecretError::KeychainLocked { .. }
                | SecretError::KeychainAccessDenied { .. }
        )
    }

    /// Replaces any occurrence of `value` in the platform's text by `***`: the platform has no
    /// reason to echo a secret, but an error message is the last place one may appear.
    pub(crate) fn without_value(self, value: &str) -> Self {
        if value.is_empty() {
            return self;
        }
        let scrub = |text: String| text.replace(value, "***");
        match self {
            SecretError::KeychainUnavailable { reason } => SecretError::KeychainUnavailable {
                reason: scrub(reason),
            },
            SecretError::KeychainLocked { reason } => SecretError::KeychainLocked {
                reason: scrub(reason),
            },
            SecretError::KeychainAccessDenied { reason } => SecretError::KeychainAccessDenied {
                reason: scrub(reason),
            },
            SecretError::Keychain { reason } => SecretError::Keychain {
                reason: scrub(reason),
            },
            SecretError::TaskFailed { reason } => SecretError::TaskFailed {
                reason: scrub(reason),
            },
            other @ (SecretError::AmbiguousEntry { .. }
            | SecretError::NotText { .. }
            | SecretError::InvalidReference { .. }) => other,
        }
    }
}
