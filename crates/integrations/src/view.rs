//! What the UI is sent about integrations and the keychain: settings and status, and whether credentials exist — never a credential, nor any part of one.

use chrono::{DateTime, Utc};
use neuroflow_model::entities::Integration;
use neuroflow_model::{IntegrationProvider, IntegrationStatus};
use neuroflow_secrets::{KeychainStatus, SecretBackend};
use serde::Serialize;
use uuid::Uuid;

use crate::IntegrationSettings;

/// One integration as the Integrations page shows it. There is deliberately no field that
/// could carry a secret, a masked secret or a fingerprint: only two booleans about them.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct IntegrationView {
    pub id: Uuid,
    pub name: String,
    pub provider: IntegrationProvider,
    pub settings: IntegrationSettings,
    pub status: IntegrationStatus,
    pub last_tested: Option<DateTime<Utc>>,
    /// Why the last test failed, in one line (never containing a credential).
    pub last_error: Option<String>,
    /// The OAuth scopes the credentials were last seen to grant (Slack, Gmail).
    pub scopes: Vec<String>,
    pub credential_expires_at: Option<DateTime<Utc>>,
    /// Credentials were saved for this integration (on some device).
    pub has_credentials: bool,
    /// This device's keychain (or session memory) holds them; false when none were saved.
    pub credentials_on_this_device: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl IntegrationView {
    pub(crate) fn new(
        row: &Integration,
        settings: IntegrationSettings,
        credentials_on_this_device: bool,
    ) -> Self {
        IntegrationView {
            id: row.id,
            name: row.name.clone(),
            provider: row.provider,
            settings,
            status: row.status,
            last_tested: row.last_tested,
            last_error: row.last_error.clone(),
            scopes: scopes_of(row),
            credential_expires_at: row.credential_expires_at,
            has_credentials: row.credential_ref.is_some(),
            credentials_on_this_device: row.credential_ref.is_some() && credentials_on_this_device,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

pub(crate) fn scopes_of(row: &Integration) -> Vec<String> {
    row.scopes
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum KeychainState {
    Available,
    /// Reachable but locked: saving shows the system's unlock prompt.
    Locked,
    Unavailable,
}

/// Whether secrets can be saved, and where they go now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct KeychainStatusView {
    pub state: KeychainState,
    /// What the state means, for under the banner's title (which the UI words by `state`).
    pub message: String,
    /// Secrets are kept in this process's memory (the user agreed), gone when the app quits.
    pub session_memory: bool,
}

impl KeychainStatusView {
    pub fn new(status: &KeychainStatus, backend: SecretBackend) -> Self {
        let state = match status {
            KeychainStatus::Available => KeychainState::Available,
            KeychainStatus::Locked => KeychainState::Locked,
            KeychainStatus::Unavailable { .. } => KeychainState::Unavailable,
        };
        let session_memory = backend == SecretBackend::SessionMemory;
        // The UI titles the banner by state ("No OS keychain is available", …): the message is
        // the sentence under that title, so it does not repeat it.
        let message = if session_memory {
            let mut message =
                "They are gone when NeuroFlow Studio quits and are never written to disk."
                    .to_owned();
            if state == KeychainState::Available {
                message.push_str(
                    " The OS keychain is available again: restart the app to keep new secrets there.",
                );
            }
            message
        } else {
            match status {
                KeychainStatus::Available => "Secrets are saved in the OS keychain.".to_owned(),
                KeychainStatus::Locked => "Unlock it when the system asks, or keep secrets in memory for this session only.".to_owned(),
                KeychainStatus::Unavailable { reason, .. } => format!(
                    "{}. Secrets can be kept in memory for this session only; they are never written to disk in plaintext.",
                    capitalized(reason.trim_end_matches('.'))
                ),
            }
        };
        KeychainStatusView {
            state,
            message,
            session_memory,
        }
    }
}
