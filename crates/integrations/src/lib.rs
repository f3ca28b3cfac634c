//! Integrations with Slack, Gmail, webhooks and HTTP services: provider protocol clients, the service that keeps each integration's settings in the database and its credentials in the OS keychain (or this session's memory), never both, and performs workflow integration nodes' calls.

mod credentials;
mod error;
pub mod providers;
mod service;
mod settings;
mod view;

pub use credentials::{
    CredentialField, CredentialsInput, GmailCredentialsInput, HttpCredentialsInput, SecretInput,
    SlackCredentialsInput, StoredCredentials, WebhookCredentialsInput,
};
pub use error::IntegrationError;
pub use service::{answer_integration_call, IntegrationDraft, IntegrationService};
pub use settings::{
    GmailSettings, HttpAuthKind, HttpSettings, IntegrationSettings, SlackSettings, WebhookSettings,
    DEFAULT_GMAIL_API_BASE_URL, DEFAULT_GOOGLE_TOKEN_ENDPOINT, DEFAULT_SLACK_API_BASE_URL,
};
pub use view::{IntegrationView, KeychainState, KeychainStatusView};
