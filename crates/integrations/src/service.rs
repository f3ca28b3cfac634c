//! `IntegrationService`: create, edit, list, test and delete one actor's integrations, keeping the database row (settings, reference, fingerprint) and the keychain entry (credentials) in step.

use chrono::{DateTime, Utc};
use neuroflow_model::entities::Integration;
use neuroflow_model::{new_id, validate, IntegrationProvider, IntegrationStatus};
use neuroflow_secrets::{Secret, SecretBackend, SecretRef, SecretStore};
use neuroflow_store::workflows::Actor;
use neuroflow_store::{ListQuery, Store, StoreError};
use serde::Deserialize;
use uuid::Uuid;

use crate::credentials::{CredentialField, CredentialsInput, StoredCredentials};
use crate::providers::gmail::{cannot_refresh, GmailClient, GmailProfile, RefreshGrant};
use crate::providers::http::{HttpAuth, HttpServiceClient};
use crate::providers::slack::SlackClient;
use crate::providers::webhook::WebhookClient;
use crate::providers::{without_secrets, ProviderError, ProviderHttp};
use crate::settings::{GmailSettings, HttpAuthKind, IntegrationSettings};
use crate::view::IntegrationView;
use crate::IntegrationError;

mod actions;

pub use actions::answer_integration_call;

/// A Gmail access token this close to its recorded expiry is refreshed before use.
const EXPIRY_MARGIN: chrono::Duration = chrono::Duration::seconds(60);

/// What the Add/Edit form sends.
#[derive(Debug, Clone, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct IntegrationDraft {
    pub name: String,
    pub settings: IntegrationSettings,
    /// The secrets typed in the form; `null`, or a field left empty, keeps what is saved.
    pub credentials: Option<CredentialsInput>,
}

/// Integrations of one organization, as one user. Credentials go only to `secrets` (the OS
/// keychain, or this session's memory when the user chose it); the database row keeps the
/// reference, a fingerprint, the scopes and the expiry.
#[derive(Debug, Clone)]
pub struct IntegrationService {
    store: Store,
    secrets: SecretStore,
    actor: Actor,
    http: ProviderHttp,
}

/// Why the saved credentials could not be read for a test or a workflow call, in words for
/// the integration's `last_error` or the node.
struct CredentialsUnavailable(String);

/// The outcome of a connection test, and what it learned along the way.
#[derive(Default)]
struct TestReport {
    /// `Ok(detail)` or `Err(one-line reason)`.
    result: Option<Result<String, String>>,
    scopes: Option<Vec<String>>,
    /// A refreshed Gmail token was saved: the row's fingerprint and expiry follow it.
    refreshed: Option<(String, Option<DateTime<Utc>>)>,
}

impl TestReport {
    fn failed(reason: impl Into<String>) -> Self {
        TestReport {
            result: Some(Err(reason.into())),
            ..TestReport::default()
        }
    }
}

impl IntegrationService {
    pub fn new(store: Store, secrets: SecretStore, actor: Actor, http: ProviderHttp) -> Self {
        IntegrationService {
            store,
            secrets,
            actor,
            http,
        }
    }

    /// Live integrations of the organization, by name.
    pub async fn list(&self) -> Result<Vec<IntegrationView>, IntegrationError> {
        let mut rows: Vec<Integration> = self
            .store
            .list(&ListQuery {
                limit: 1000,
                ..ListQuery::in_org(self.actor.organization_id)
            })
            .await?;
        rows.sort_by_key(|row| row.name.to_lowercase());
        let readable = self.secrets_readable_quietly().await;
        let mut views = Vec::with_capacity(rows.len());
        for row in &rows {
            views.push(self.view(row, readable).await?);
        }
        Ok(views)
    }

    pub async fn get(&self, id: Uuid) -> Result<IntegrationView, IntegrationError> {
        let row = self.row(id).await?;
        let readable = self.secrets_readable_quietly().await;
        self.view(&row, readable).await
    }

    pub async fn create(
        &self,
        draft: IntegrationDraft,
    ) -> Result<IntegrationView, IntegrationError> {
        let name = validate::name("integration name", &draft.name)
            .map_err(|e| IntegrationError::invalid(e.message))?;
        let settings = draft.settings.normalized()?;
        let provider = settings.provider();
        let mut credentials = StoredCredentials::new(provider);
        for (field, secret) in entered(provider, draft.credentials)? {
            credentials.set(field, secret);
        }
        credentials.retain(allowed_fields(&settings));
        check_required(&settings, &credentials, false)?;

        let id = new_id();
        let reference = SecretRef::integration(self.actor.organization_id, id);
        let fingerprint = if credentials.is_empty() {
            None
        } else {
            let secret = credentials.to_secret();
            let fingerprint = secret.fingerprint();
            self.secrets
                .put_async(reference.clone(), secret)
                .await
                .map_err(IntegrationError::keychain(
                    "the credentials could not be saved",
                ))?;
            Some(fingerprint)
        };
        let now = Utc::now();
        let row = Integration {
            id,
            organization_id: self.actor.organization_id,
            name,
            provider,
            config: settings_json(&settings)?,
            credential_ref: fingerprint.as_ref().map(|_| reference.to_string()),
            credential_fingerprint: fingerprint,
            scopes: serde_json::json!([]),
            credential_expires_at: None,
            status: IntegrationStatus::Disconnected,
            last_tested: None,
            last_error: None,
            created_by: self.actor.user_id,
            created_at: now,
            updated_at: now,
            deleted_at: None,
            hlc: String::new(),
        };
        match self.store.insert(&row).await {
            Ok(stored) => Ok(IntegrationView::new(
                &stored,
                settings,
                stored.credential_ref.is_some(),
            )),
            Err(e) => {
                if row.credential_ref.is_some() {
                    // The row is what the user sees; without it the entry would be an orphan.
                    if let Err(cleanup) = self.secrets.delete_async(reference).await {
                        log_line(&format!("integration {id}: the credentials saved for a create that failed could not be removed: {cleanup}"));
                    }
                }
                Err(e.into())
            }
        }
    }

    /// Edits name, settings and credentials. Credential fields left empty keep the saved
    /// values; fields the new settings do not use are dropped. The provider cannot change.
    pub async fn update(
        &self,
        id: Uuid,
        draft: IntegrationDraft,
    ) -> Result<IntegrationView, IntegrationError> {
        let mut row = self.row(id).await?;
        let name = validate::name("integration name", &draft.name)
            .map_err(|e| IntegrationError::invalid(e.message))?;
        let settings = draft.settings.normalized()?;
        if settings.provider() != row.provider {
            return Err(IntegrationError::invalid(format!(
                "“{}” is a {} integration and stays one: add a new integration for {}",
                row.name,
                provider_label(row.provider),
                provider_label(settings.provider())
            )));
        }
        let old_settings = settings_of(&row)?;
        let entries = entered(row.provider, draft.credentials)?;
        let allowed = allowed_fields(&settings);
        let credentials_change = !entries.is_empty() || allowed != allowed_fields(&old_settings);

        if credentials_change {
            let (saved, device_lacked) = self.saved_for_edit(&row).await?;
            let mut credentials = saved.unwrap_or_else(|| StoredCredentials::new(row.provider));
            for (field, secret) in entries {
                credentials.set(field, secret);
            }
            credentials.retain(allowed);
            check_required(&settings, &credentials, device_lacked)?;
            let reference = SecretRef::integration(row.organization_id, row.id);
            if credentials.is_empty() {
                self.secrets
                    .delete_async(reference)
                    .await
                    .map_err(IntegrationError::keychain(
                        "the credentials no longer used could not be removed",
                    ))?;
                row.credential_ref = None;
                row.credential_fingerprint = None;
            } else {
                let secret = credentials.to_secret();
                let fingerprint = secret.fingerprint();
                self.secrets
                    .put_async(reference.clone(), secret)
                    .await
                    .map_err(IntegrationError::keychain(
                        "the credentials could not be saved",
                    ))?;
                row.credential_ref = Some(reference.to_string());
                row.credential_fingerprint = Some(fingerprint);
            }
            // New credentials: what was learned about the old ones no longer holds.
            row.scopes = serde_json::json!([]);
            row.credential_expires_at = None;
        }
        if credentials_change || settings != old_settings {
            // Not tested since the change.
            row.status = IntegrationStatus::Disconnected;
            row.last_error = None;
        }
        row.name = name;
        row.config = settings_json(&settings)?;
        let stored = self.store.update(&row).await?;
        let readable = self.secrets_readable_quietly().await;
        let on_device = self.on_this_device(&stored, readable).await;
        Ok(IntegrationView::new(&stored, settings, on_device))
    }

    /// Removes the credentials from the keychain, then tombstones the row. When the keychain
    /// cannot be reached nothing is deleted: a row-less entry could never be found again.
    pub async fn delete(&self, id: Uuid) -> Result<(), IntegrationError> {
        let row = self.row(id).await?;
        if let Some(reference) = reference_of(&row) {
            self.secrets
                .delete_async(reference)
                .await
                .map_err(IntegrationError::keychain(
                    "the integration was not deleted: its credentials could not be removed from the keychain",
                ))?;
        }
        self.store
            .delete::<Integration>(Some(self.actor.organization_id), id)
            .await?;
        Ok(())
    }

    /// Performs a real request over the provider's protocol. The row goes TESTING, then
    /// CONNECTED or ERROR with `last_tested` and a one-line, secret-free `last_error`.
    pub async fn test(&self, id: Uuid) -> Result<IntegrationView, IntegrationError> {
        let mut row = self.row(id).await?;
        let settings = settings_of(&row)?;
        row.status = IntegrationStatus::Testing;
        let row = self.store.update(&row).await?;

        let report = self.run_test(&row, &settings).await;

        // Read again: the row may have been renamed while the request was under way.
        let mut row = self.row(id).await?;
        row.last_tested = Some(Utc::now());
        if let Some(scopes) = &report.scopes {
            row.scopes = serde_json::json!(scopes);
        }
        if let Some((fingerprint, expires_at)) = report.refreshed {
            row.credential_fingerprint = Some(fingerprint);
            row.credential_expires_at = expires_at;
        }
        let outcome = report
            .result
            .unwrap_or_else(|| Err("the test did not run".to_owned()));
        match &outcome {
            Ok(detail) => {
                row.status = IntegrationStatus::Connected;
                row.last_error = None;
                log_line(&format!(
                    "integration {id} ({}) test: CONNECTED ({detail})",
                    row.provider
                ));
            }
            Err(reason) => {
                row.status = IntegrationStatus::Error;
                row.last_error = Some(reason.clone());
                log_line(&format!(
                    "integration {id} ({}) test: ERROR: {reason}",
                    row.provider
                ));
            }
        }
        let stored = self.store.update(&row).await?;
        let readable = self.secrets_readable_quietly().await;
        let on_device = self.on_this_device(&stored, readable).await;
        Ok(IntegrationView::new(&stored, settings, on_device))
    }

    async fn run_test(&self, row: &Integration, settings: &IntegrationSettings) -> TestReport {
        let credentials = match self.saved_credentials(row).await {
            Ok(credentials) => credentials,
            Err(CredentialsUnavailable(reason)) => return TestReport::failed(reason),
        };
        let http = self.http.clone();
        let result = match settings {
            IntegrationSettings::Slack(slack) => {
                let Some(token) = credentials.get(CredentialField::BotToken) else {
                    return TestReport::failed(
                        "no Slack bot token is saved: edit the integration and enter it",
                    );
                };
                match SlackClient::new(http, slack.api_base())
                    .auth_test(token)
                    .await
                {
                    Ok(identity) => {
                        let detail = match (&identity.team, &identity.user) {
                            (Some(team), Some(user)) => format!("workspace {team} as {user}"),
                            (Some(team), None) => format!("workspace {team}"),
                            _ => "token accepted".to_owned(),
                        };
                        return TestReport {
                            result: Some(Ok(detail)),
                            scopes: identity.scopes,
                            refreshed: None,
                        };
                    }
                    Err(e) => Err(e),
                }
            }
            IntegrationSettings::Gmail(gmail) => {
                return self.test_gmail(row, gmail, credentials).await;
            }
            IntegrationSettings::Webhook(webhook) => WebhookClient::new(http, &webhook.url)
                .ping(row.id, credentials.get(CredentialField::SigningSecret))
                .await
                .map(|()| "ping accepted".to_owned()),
            IntegrationSettings::Http(settings) => {
                let auth = match http_auth(settings.auth, settings, &credentials) {
                    Ok(auth) => auth,
                    Err(reason) => return TestReport::failed(reason),
                };
                HttpServiceClient::new(http, &settings.base_url, auth)
                    .check(&settings.test_path)
                    .await
                    .map(|status| format!("HTTP {status}"))
            }
        };
        TestReport {
            result: Some(result.map_err(|e| failure_reason(&e, &credentials))),
            ..TestReport::default()
        }
    }

    /// `users.getProfile`; on 401 (or with no usable access token) the refresh-token grant
    /// buys a new access token, which is saved before the one retry.
    async fn test_gmail(
        &self,
        row: &Integration,
        settings: &GmailSettings,
        mut credentials: StoredCredentials,
    ) -> TestReport {
        let client = GmailClient::new(self.http.clone(), settings.api_base(), settings.token_url());
        let expired = row
            .credential_expires_at
            .is_some_and(|at| at <= Utc::now() + EXPIRY_MARGIN);
        let usable_token = credentials
            .get(CredentialField::AccessToken)
            .filter(|_| !expired);
        let first = match usable_token {
            Some(token) => Some(client.profile(token).await),
            None => None,
        };
        let mut report = TestReport::default();
        let profile: Result<GmailProfile, ProviderError> = match first {
            Some(Ok(profile)) => Ok(profile),
            Some(Err(e)) if !e.is_rejected_credentials() => Err(e),
            first => {
                let rejected = first.and_then(Result::err);
                match self
                    .refresh_gmail(row, settings, &mut credentials, &client)
                    .await
                {
                    Ok(refreshed) => {
                        if refreshed.scopes.is_some() {
                            report.scopes = refreshed.scopes;
                        }
                        report.refreshed = Some((refreshed.fingerprint, refreshed.expires_at));
                        client.profile(&refreshed.token).await
                    }
                    // Without a way to refresh, the 401 itself says the most.
                    Err(RefreshFailure::Impossible(why)) => Err(rejected.unwrap_or(why)),
                    Err(RefreshFailure::Failed(e)) => Err(e),
                    Err(RefreshFailure::NotSaved(reason)) => {
                        report.result = Some(Err(reason));
                        return report;
                    }
                }
            }
        };
        report.result = Some(match profile {
            Ok(profile) => match &settings.email {
                Some(email) if !email.eq_ignore_ascii_case(&profile.email_address) => Err(format!(
                    "Gmail: the tokens belong to {}, not to {email}: correct the email or the tokens",
                    profile.email_address
                )),
                _ => Ok(format!("mailbox {}", profile.email_address)),
            },
            Err(e) => Err(failure_reason(&e, &credentials)),
        });
        report
    }

    /// The refresh-token grant with the saved refresh token and client; the new access token
    /// (and a rotated refresh token) replaces the old in `credentials` and in the keychain.
    /// The caller records the new fingerprint and expiry on the row.
    async fn refresh_gmail(
        &self,
        row: &Integration,
        settings: &GmailSettings,
        credentials: &mut StoredCredentials,
        client: &GmailClient,
    ) -> Result<Refreshed, RefreshFailure> {
        let refresh_token = credentials
            .get(CredentialField::RefreshToken)
            .ok_or_else(|| {
                RefreshFailure::Impossible(cannot_refresh("no refresh token is saved"))
            })?;
        let client_secret = credentials
            .get(CredentialField::ClientSecret)
            .ok_or_else(|| {
                RefreshFailure::Impossible(cannot_refresh("no OAuth client secret is saved"))
            })?;
        let client_id = settings.client_id.as_deref().ok_or_else(|| {
            RefreshFailure::Impossible(cannot_refresh("no OAuth client id is set"))
        })?;
        let refreshed = client
            .refresh(RefreshGrant {
                client_id,
                client_secret,
                refresh_token,
            })
            .await
            .map_err(RefreshFailure::Failed)?;

        let token = refreshed.access_token.clone();
        credentials.set(CredentialField::AccessToken, refreshed.access_token);
        if let Some(rotated) = refreshed.refresh_token {
            credentials.set(CredentialField::RefreshToken, rotated);
        }
        let secret = credentials.to_secret();
        let fingerprint = secret.fingerprint();
        let reference = SecretRef::integration(row.organization_id, row.id);
        self.secrets
            .put_async(reference, secret)
            .await
            .map_err(|e| {
                RefreshFailure::NotSaved(format!(
                    "Gmail: a new access token was obtained but could not be saved: {e}"
                ))
            })?;
        log_line(&format!(
            "integration {} (GMAIL): the access token was refreshed and the new one saved ({})",
            row.id,
            backend_words(self.secrets.backend())
        ));
        Ok(Refreshed {
            token,
            fingerprint,
            expires_at: refreshed.expires_at,
            scopes: refreshed.scopes,
        })
    }

    /// The API key an `ai.llm`, `ai.agent` or `http.request` node names through an HTTP
    /// integration (bearer token or API-key header): so model keys live in the keychain like
    /// every other credential. The key carries the integration's name and base URL, and the
    /// engine sends it nowhere else; an integration without auth (a local model server) gives
    /// its base URL alone. The error is one line for the node, never a secret.
    pub async fn api_key(&self, id: Uuid) -> Result<neuroflow_engine::Secret, String> {
        let row = self
            .row(id)
            .await
            .map_err(|e| format!("the credential's integration cannot be used: {e}"))?;
        let settings = settings_of(&row).map_err(|e| e.to_string())?;
        let IntegrationSettings::Http(http) = &settings else {
            return Err(format!(
                "integration '{}' is a {} integration: an API key comes from an HTTP integration with a bearer token or an API key",
                row.name,
                provider_label(row.provider)
            ));
        };
        let scope = neuroflow_engine::CredentialScope {
            name: row.name.clone(),
            base_url: http.base_url.clone(),
        };
        let field = match http.auth {
            HttpAuthKind::Bearer => CredentialField::BearerToken,
            HttpAuthKind::ApiKey => CredentialField::ApiKey,
            // A server without auth (a local model): its URL, and no key to read.
            HttpAuthKind::None => return Ok(neuroflow_engine::Secret::without_key(scope)),
            HttpAuthKind::Basic => {
                return Err(format!(
                    "integration '{}' has no bearer token or API key to use as a model key",
                    row.name
                ))
            }
        };
        let credentials = self
            .saved_credentials(&row)
            .await
            .map_err(|CredentialsUnavailable(why)| why)?;
        let key = credentials.get(field).ok_or_else(|| {
            format!(
                "integration '{}' has no key saved: edit it and enter one",
                row.name
            )
        })?;
        Ok(neuroflow_engine::Secret::scoped(key.expose(), scope))
    }

    async fn row(&self, id: Uuid) -> Result<Integration, IntegrationError> {
        Ok(self
            .store
            .get::<Integration>(Some(self.actor.organization_id), id)
            .await?)
    }

    async fn view(
        &self,
        row: &Integration,
        readable: bool,
    ) -> Result<IntegrationView, IntegrationError> {
        let settings = settings_of(row)?;
        let on_device = self.on_this_device(row, readable).await;
        Ok(IntegrationView::new(row, settings, on_device))
    }

    /// Whether reading secrets now is quiet: session memory always is; the keychain is when
    /// it is available (a read from a locked one would show the system's unlock prompt).
    async fn secrets_readable_quietly(&self) -> bool {
        match self.secrets.backend() {
            SecretBackend::SessionMemory => true,
            SecretBackend::Keychain => self.secrets.probe_async().await.is_available(),
        }
    }

    async fn on_this_device(&self, row: &Integration, readable: bool) -> bool {
        let Some(reference) = reference_of(row).filter(|_| readable) else {
            return false;
        };
        matches!(self.secrets.get_async(reference).await, Ok(Some(_)))
    }

    /// The saved credentials to merge an edit into, and whether this device lacked them.
    /// Unreadable entries are replaced by what is entered; an unusable keychain is an error
    /// (the edit could not be saved there either).
    async fn saved_for_edit(
        &self,
        row: &Integration,
    ) -> Result<(Option<StoredCredentials>, bool), IntegrationError> {
        let Some(reference) = reference_of(row) else {
            return Ok((None, false));
        };
        let secret =
            self.secrets
                .get_async(reference)
                .await
                .map_err(IntegrationError::keychain(
                    "the saved credentials could not be read",
                ))?;
        Ok(match secret {
            Some(secret) => (StoredCredentials::from_secret(row.provider, &secret), false),
            None => (None, true),
        })
    }

    async fn saved_credentials(
        &self,
        row: &Integration,
    ) -> Result<StoredCredentials, CredentialsUnavailable> {
        let Some(reference) = reference_of(row) else {
            return Ok(StoredCredentials::new(row.provider));
        };
        match self.secrets.get_async(reference).await {
            Ok(Some(secret)) => StoredCredentials::from_secret(row.provider, &secret).ok_or_else(|| {
                CredentialsUnavailable(
                    IntegrationError::UnreadableCredentials {
                        name: row.name.clone(),
                    }
                    .to_string(),
                )
            }),
            Ok(None) => Err(CredentialsUnavailable(match self.secrets.backend() {
                SecretBackend::Keychain => "this device's keychain has no saved credentials for this integration (they were saved on another device, or kept in memory for an earlier session only): edit it and enter them again".to_owned(),
                SecretBackend::SessionMemory => "this session has no saved credentials for this integration (secrets are kept in memory for this session only, and these were saved elsewhere): edit it and enter them again".to_owned(),
            })),
            Err(e) => Err(CredentialsUnavailable(format!(
                "the saved credentials could not be read: {e}"
            ))),
        }
    }
}

/// A Gmail access token bought with the refresh token, already saved in the keychain.
struct Refreshed {
    token: Secret,
    /// Of the keychain entry now saved.
    fingerprint: String,
    expires_at: Option<DateTime<Utc>>,
    scopes: Option<Vec<String>>,
}

enum RefreshFailure {
    /// The saved credentials cannot refresh (no refresh token, client id or secret).
    Impossible(ProviderError),
    /// The token endpoint refused or failed.
    Failed(ProviderError),
    /// The new token could not be saved.
    NotSaved(String),
}

/// The keychain entry of a row that has credentials. Always the canonical reference of its
/// organization and id (the only one this service writes), so a damaged `credential_ref`
/// cannot point a delete elsewhere.
fn reference_of(row: &Integration) -> Option<SecretRef> {
    row.credential_ref
        .as_ref()
        .map(|_| SecretRef::integration(row.organization_id, row.id))
}

fn entered(
    provider: IntegrationProvider,
    input: Option<CredentialsInput>,
) -> Result<Vec<(CredentialField, Secret)>, IntegrationError> {
    let Some(input) = input else {
        return Ok(Vec::new());
    };
    if input.provider() != provider {
        return Err(IntegrationError::invalid(format!(
            "the credentials entered are for {}, but the integration is {}",
            provider_label(input.provider()),
            provider_label(provider)
        )));
    }
    Ok(input.into_entries())
}

/// The credential fields the settings use.
fn allowed_fields(settings: &IntegrationSettings) -> &'static [CredentialField] {
    use CredentialField as F;
    match settings {
        IntegrationSettings::Slack(_) => &[F::BotToken],
        IntegrationSettings::Gmail(_) => &[F::AccessToken, F::RefreshToken, F::ClientSecret],
        IntegrationSettings::Webhook(_) => &[F::SigningSecret],
        IntegrationSettings::Http(http) => match http.auth {
            HttpAuthKind::None => &[],
            HttpAuthKind::Bearer => &[F::BearerToken],
            HttpAuthKind::Basic => &[F::Password],
            HttpAuthKind::ApiKey => &[F::ApiKey],
        },
    }
}

fn check_required(
    settings: &IntegrationSettings,
    credentials: &StoredCredentials,
    device_lacked: bool,
) -> Result<(), IntegrationError> {
    use CredentialField as F;
    let missing = |what: &str| {
        let mut message = format!("enter the {what}");
        if device_lacked {
            message.push_str(
                " (this device's keychain has none of this integration's saved credentials to keep)",
            );
        }
        Err(IntegrationError::invalid(message))
    };
    match settings {
        IntegrationSettings::Slack(_) if !credentials.has(F::BotToken) => {
            missing("Slack bot token (xoxb-…)")
        }
        IntegrationSettings::Gmail(_)
            if !credentials.has(F::AccessToken) && !credentials.has(F::RefreshToken) =>
        {
            missing("Gmail access token, or a refresh token with the OAuth client's id and secret")
        }
        IntegrationSettings::Gmail(gmail) if credentials.has(F::RefreshToken) => {
            if !credentials.has(F::ClientSecret) {
                missing("OAuth client secret (a refresh token is used together with it)")
            } else if gmail.client_id.is_none() {
                Err(IntegrationError::invalid(
                    "enter the OAuth client id (a refresh token is used together with it)",
                ))
            } else {
                Ok(())
            }
        }
        IntegrationSettings::Http(http) => match http.auth {
            HttpAuthKind::Bearer if !credentials.has(F::BearerToken) => missing("bearer token"),
            HttpAuthKind::Basic if !credentials.has(F::Password) => missing("password"),
            HttpAuthKind::ApiKey if !credentials.has(F::ApiKey) => missing("API key"),
            _ => Ok(()),
        },
        _ => Ok(()),
    }
}

fn http_auth(
    kind: HttpAuthKind,
    settings: &crate::settings::HttpSettings,
    credentials: &StoredCredentials,
) -> Result<HttpAuth, String> {
    let secret = |field: CredentialField, what: &str| {
        credentials
            .get(field)
            .cloned()
            .ok_or_else(|| format!("no {what} is saved: edit the integration and enter it"))
    };
    Ok(match kind {
        HttpAuthKind::None => HttpAuth::None,
        HttpAuthKind::Bearer => {
            HttpAuth::Bearer(secret(CredentialField::BearerToken, "bearer token")?)
        }
        HttpAuthKind::Basic => HttpAuth::Basic {
            username: settings.username.clone().unwrap_or_default(),
            password: secret(CredentialField::Password, "password")?,
        },
        HttpAuthKind::ApiKey => HttpAuth::ApiKey {
            header: settings.header_name.clone().unwrap_or_default(),
            key: secret(CredentialField::ApiKey, "API key")?,
        },
    })
}

fn settings_json(settings: &IntegrationSettings) -> Result<serde_json::Value, IntegrationError> {
    serde_json::to_value(settings).map_err(|e| {
        IntegrationError::Store(StoreError::Invalid(format!(
            "the settings could not be encoded: {e}"
        )))
    })
}

/// The row's settings. A row whose `config` does not parse (or names another provider) was
/// not written by this service; saying so beats guessing.
/// Checked again as a save would check them: a row may come from an older version or from
/// a teammate through sync, and must not lead anywhere a save refuses (a metadata address).
fn settings_of(row: &Integration) -> Result<IntegrationSettings, IntegrationError> {
    match serde_json::from_value::<IntegrationSettings>(row.config.clone()) {
        Ok(settings) if settings.provider() == row.provider => settings.normalized(),
        _ => Err(IntegrationError::Store(StoreError::Database(format!(
            "the stored settings of the integration “{}” are unreadable",
            row.name
        )))),
    }
}

/// A failed test's `last_error`. Provider errors quote only scrubbed server text, hosts and
/// status codes; scrubbing every saved value once more keeps that true whatever a server says.
fn failure_reason(error: &ProviderError, credentials: &StoredCredentials) -> String {
    without_secrets(&error.to_string(), credentials.values())
}

fn provider_label(provider: IntegrationProvider) -> &'static str {
    match provider {
        IntegrationProvider::Slack => "Slack",
        IntegrationProvider::Gmail => "Gmail",
        IntegrationProvider::Webhook => "webhook",
        IntegrationProvider::Http => "HTTP",
    }
}

fn backend_words(backend: SecretBackend) -> &'static str {
    match backend {
        SecretBackend::Keychain => "in the OS keychain",
        SecretBackend::SessionMemory => "in memory for this session",
    }
}

/// The app has no log framework: its diagnostics go to stderr with the shell's prefix. Every
/// line is built from ids, provider names and messages that never contain a credential.
fn log_line(line: &str) {
    eprintln!("neuroflow: {line}");
}
