//! `IntegrationService::perform`, the provider call of a workflow integration node (Slack message, Gmail send, webhook POST, HTTP request) with the integration's saved settings and credentials, and `answer_integration_call`, which answers `EngineHost::integration` with it.

use chrono::Utc;
use neuroflow_engine::{IntegrationAction, IntegrationCall, NodeError};
use neuroflow_model::entities::Integration;
use neuroflow_store::StoreError;
use serde_json::Value as Json;
use uuid::Uuid;

use super::{
    failure_reason, http_auth, log_line, provider_label, settings_of, CredentialsUnavailable,
    IntegrationService, RefreshFailure, Refreshed, EXPIRY_MARGIN,
};
use crate::credentials::{CredentialField, StoredCredentials};
use crate::providers::gmail::{rfc2822, Email, GmailClient};
use crate::providers::http::HttpServiceClient;
use crate::providers::slack::SlackClient;
use crate::providers::webhook::WebhookClient;
use crate::providers::{scrub_json, ProviderError};
use crate::settings::{GmailSettings, IntegrationSettings};
use crate::IntegrationError;

/// Answers `EngineHost::integration` for a host that has an `IntegrationService`: performs the
/// call, and logs a failure (one line, no secret) with the node it came from.
pub async fn answer_integration_call(
    service: &IntegrationService,
    call: IntegrationCall,
) -> Result<Json, NodeError> {
    let result = service.perform(call.integration_id, &call.action).await;
    if let Err(error) = &result {
        log_line(&format!(
            "integration {} ({}) call from node {}: {}{}",
            call.integration_id,
            call.provider(),
            call.node_id,
            error.message,
            if error.retryable {
                ""
            } else {
                " (not retryable)"
            }
        ));
    }
    result
}

impl IntegrationService {
    /// Performs one workflow node's action with the integration `id`: loads its row and its
    /// credentials from the keychain, calls the provider, and gives the provider's answer as
    /// the node's output item. A Gmail access token that expired (by the recorded expiry, or
    /// a 401 once) is refreshed first and the new one saved. Outputs and errors never hold a
    /// credential; an error says whether a retry can help, and when.
    pub async fn perform(&self, id: Uuid, action: &IntegrationAction) -> Result<Json, NodeError> {
        let row = self.row(id).await.map_err(load_failure)?;
        let wanted = action.provider();
        if row.provider != wanted {
            return Err(NodeError::permanent(format!(
                "the integration “{}” is a {} integration; this node needs a {} one",
                row.name,
                provider_label(row.provider),
                provider_label(wanted)
            )));
        }
        let settings = settings_of(&row).map_err(|e| NodeError::permanent(e.to_string()))?;
        let credentials =
            self.saved_credentials(&row)
                .await
                .map_err(|CredentialsUnavailable(why)| {
                    NodeError::permanent(format!("the integration “{}”: {why}", row.name))
                })?;
        let saved = credentials.clone();
        let output = match (action, &settings) {
            (
                IntegrationAction::SlackPostMessage {
                    channel,
                    text,
                    thread_ts,
                },
                IntegrationSettings::Slack(slack),
            ) => {
                let token = credentials.get(CredentialField::BotToken).ok_or_else(|| {
                    NodeError::permanent(
                        "no Slack bot token is saved: edit the integration and enter it",
                    )
                })?;
                let channel = channel
                    .as_deref()
                    .or(slack.default_channel.as_deref())
                    .ok_or_else(|| {
                        NodeError::permanent(format!(
                            "no channel: set the node's channel, or a default channel on the integration “{}”",
                            row.name
                        ))
                    })?;
                SlackClient::new(self.http.clone(), slack.api_base())
                    .post_message(token, channel, text, thread_ts.as_deref())
                    .await
                    .map_err(|e| node_error(&e, &credentials))?
            }
            (
                IntegrationAction::GmailSend {
                    to,
                    cc,
                    subject,
                    body,
                },
                IntegrationSettings::Gmail(gmail),
            ) => {
                let email = Email {
                    from: gmail.email.as_deref(),
                    to,
                    cc,
                    subject,
                    body,
                };
                let message = rfc2822(&email, Utc::now()).map_err(|e| node_error(&e, &saved))?;
                self.send_gmail(&row, gmail, credentials, &message).await?
            }
            (IntegrationAction::WebhookPost { body }, IntegrationSettings::Webhook(hook)) => {
                let answer = WebhookClient::new(self.http.clone(), &hook.url)
                    .post_item(body, credentials.get(CredentialField::SigningSecret))
                    .await
                    .map_err(|e| node_error(&e, &credentials))?;
                serde_json::json!({"status": answer.status, "body": answer.body})
            }
            (IntegrationAction::HttpRequest(request), IntegrationSettings::Http(http)) => {
                let auth =
                    http_auth(http.auth, http, &credentials).map_err(NodeError::permanent)?;
                HttpServiceClient::new(self.http.clone(), &http.base_url, auth)
                    .perform(request)
                    .await
                    .map_err(|e| node_error(&e, &credentials))?
            }
            _ => {
                return Err(NodeError::permanent(format!(
                    "the stored settings of the integration “{}” are not {} settings",
                    row.name,
                    provider_label(wanted)
                )))
            }
        };
        // The clients scrub what they sent; every saved value goes once more, whatever a
        // server echoed.
        let values: Vec<_> = saved.values().collect();
        Ok(scrub_json(output, &values))
    }

    /// `users.messages.send`, refreshing the access token first when the recorded expiry says
    /// it has expired (or none is saved), or once after a 401.
    async fn send_gmail(
        &self,
        row: &Integration,
        settings: &GmailSettings,
        mut credentials: StoredCredentials,
        message: &[u8],
    ) -> Result<Json, NodeError> {
        let saved = credentials.clone();
        let client = GmailClient::new(self.http.clone(), settings.api_base(), settings.token_url());
        let expired = row
            .credential_expires_at
            .is_some_and(|at| at <= Utc::now() + EXPIRY_MARGIN);
        let first = match credentials
            .get(CredentialField::AccessToken)
            .filter(|_| !expired)
        {
            Some(token) => Some(client.send_message(token, message).await),
            None => None,
        };
        let rejected = match first {
            Some(Ok(sent)) => return Ok(sent),
            Some(Err(e)) if !e.is_rejected_credentials() => return Err(node_error(&e, &saved)),
            Some(Err(e)) => Some(e),
            None => None,
        };
        let refreshed = match self
            .refresh_gmail(row, settings, &mut credentials, &client)
            .await
        {
            Ok(refreshed) => refreshed,
            // Without a way to refresh, the 401 itself says the most.
            Err(RefreshFailure::Impossible(why)) => {
                return Err(node_error(&rejected.unwrap_or(why), &saved))
            }
            Err(RefreshFailure::Failed(e)) => return Err(node_error(&e, &saved)),
            Err(RefreshFailure::NotSaved(reason)) => return Err(NodeError::permanent(reason)),
        };
        self.record_refresh(row.id, &refreshed).await;
        client
            .send_message(&refreshed.token, message)
            .await
            .map_err(|e| node_error(&e, &credentials))
    }

    /// Puts a refreshed token's fingerprint, expiry and scopes on the row. The token is
    /// already in the keychain, so a row that cannot be written only logs: the send goes on.
    async fn record_refresh(&self, id: Uuid, refreshed: &Refreshed) {
        let written = async {
            let mut row = self.row(id).await?;
            row.credential_fingerprint = Some(refreshed.fingerprint.clone());
            row.credential_expires_at = refreshed.expires_at;
            if let Some(scopes) = &refreshed.scopes {
                row.scopes = serde_json::json!(scopes);
            }
            self.store.update(&row).await?;
            Ok::<(), IntegrationError>(())
        };
        if let Err(e) = written.await {
            log_line(&format!(
                "integration {id} (GMAIL): the refreshed token's expiry could not be recorded: {e}"
            ));
        }
    }
}

/// A provider's failure as the node's: its message scrubbed of every saved value, retryable
/// when the provider's failure is transient, with the Retry-After it gave.
fn node_error(error: &ProviderError, credentials: &StoredCredentials) -> NodeError {
    NodeError {
        message: failure_reason(error, credentials),
        retry_after: error.retry_after(),
        retryable: error.is_transient(),
    }
}

/// No id in what a person reads: they pick integrations by name.
fn load_failure(error: IntegrationError) -> NodeError {
    match error {
        IntegrationError::Store(StoreError::NotFound { .. }) => NodeError::permanent(
            "the integration this node uses does not exist in this organization (was it deleted?): choose another on the node",
        ),
        other => NodeError::new(format!("the integration this node uses could not be loaded: {other}")),
    }
}
