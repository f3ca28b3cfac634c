//! Credentials: what the UI sends (typed per provider, deserialize-only) and the one keychain entry per integration that keeps them, a small JSON object of that provider's secret fields.

use std::collections::BTreeMap;
use std::fmt;

use neuroflow_model::{DbEnum, IntegrationProvider};
use neuroflow_secrets::Secret;
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serializer};
use zeroize::Zeroizing;

/// The version of the keychain entry's JSON layout.
const ENTRY_VERSION: u32 = 1;

/// A secret typed by a person, on its way from the UI to the keychain.
///
/// Deserializes from a JSON string straight into a `Secret` (redacted in every format, wiped
/// on drop) and deliberately implements no `Serialize`: it can arrive over IPC but never leave.
#[derive(Clone, specta::Type)]
#[specta(type = String)]
pub struct SecretInput(Secret);

impl SecretInput {
    pub fn new(value: impl Into<String>) -> Self {
        SecretInput(Secret::new(value))
    }

    pub fn into_secret(self) -> Secret {
        self.0
    }
}

impl fmt::Debug for SecretInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl<'de> Deserialize<'de> for SecretInput {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Zeroizing::new(String::deserialize(deserializer)?);
        Ok(SecretInput(Secret::new(value.as_str())))
    }
}

/// Secrets entered in the Add/Edit form, tagged by provider. A field that is `null` or empty
/// keeps what is saved (the form never shows saved secrets, so it cannot send them back).
#[derive(Debug, Clone, serde::Deserialize, specta::Type)]
#[serde(tag = "provider")]
pub enum CredentialsInput {
    #[serde(rename = "SLACK")]
    Slack(SlackCredentialsInput),
    #[serde(rename = "GMAIL")]
    Gmail(GmailCredentialsInput),
    #[serde(rename = "WEBHOOK")]
    Webhook(WebhookCredentialsInput),
    #[serde(rename = "HTTP")]
    Http(HttpCredentialsInput),
}

#[derive(Debug, Clone, Default, serde::Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SlackCredentialsInput {
    /// A bot token, `xoxb-…`.
    pub bot_token: Option<SecretInput>,
}

#[derive(Debug, Clone, Default, serde::Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct GmailCredentialsInput {
    pub access_token: Option<SecretInput>,
    pub refresh_token: Option<SecretInput>,
    pub client_secret: Option<SecretInput>,
}

#[derive(Debug, Clone, Default, serde::Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct WebhookCredentialsInput {
    /// Key of the `X-NeuroFlow-Signature` HMAC; without one, requests go unsigned.
    pub signing_secret: Option<SecretInput>,
}

#[derive(Debug, Clone, Default, serde::Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct HttpCredentialsInput {
    pub bearer_token: Option<SecretInput>,
    pub password: Option<SecretInput>,
    pub api_key: Option<SecretInput>,
}

impl CredentialsInput {
    pub fn provider(&self) -> IntegrationProvider {
        match self {
            CredentialsInput::Slack(_) => IntegrationProvider::Slack,
            CredentialsInput::Gmail(_) => IntegrationProvider::Gmail,
            CredentialsInput::Webhook(_) => IntegrationProvider::Webhook,
            CredentialsInput::Http(_) => IntegrationProvider::Http,
        }
    }

    /// The values actually entered, trimmed (pasted tokens often carry a newline).
    pub(crate) fn into_entries(self) -> Vec<(CredentialField, Secret)> {
        use CredentialField as F;
        let fields = match self {
            CredentialsInput::Slack(c) => vec![(F::BotToken, c.bot_token)],
            CredentialsInput::Gmail(c) => vec![
                (F::AccessToken, c.access_token),
                (F::RefreshToken, c.refresh_token),
                (F::ClientSecret, c.client_secret),
            ],
            CredentialsInput::Webhook(c) => vec![(F::SigningSecret, c.signing_secret)],
            CredentialsInput::Http(c) => vec![
                (F::BearerToken, c.bearer_token),
                (F::Password, c.password),
                (F::ApiKey, c.api_key),
            ],
        };
        fields
            .into_iter()
            .filter_map(|(field, input)| {
                let secret = input?.into_secret();
                let trimmed = secret.expose().trim();
                if trimmed.is_empty() {
                    None
                } else if trimmed.len() == secret.expose().len() {
                    Some((field, secret))
                } else {
                    Some((field, Secret::new(trimmed)))
                }
            })
            .collect()
    }
}

/// One secret value of an integration; its `key` names it in the keychain entry's JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CredentialField {
    BotToken,
    AccessToken,
    RefreshToken,
    ClientSecret,
    SigningSecret,
    BearerToken,
    Password,
    ApiKey,
}

impl CredentialField {
    pub const ALL: [CredentialField; 8] = [
        CredentialField::BotToken,
        CredentialField::AccessToken,
        CredentialField::RefreshToken,
        CredentialField::ClientSecret,
        CredentialField::SigningSecret,
        CredentialField::BearerToken,
        CredentialField::Password,
        CredentialField::ApiKey,
    ];

    pub fn key(self) -> &'static str {
        match self {
            CredentialField::BotToken => "botToken",
            CredentialField::AccessToken => "accessToken",
            CredentialField::RefreshToken => "refreshToken",
            CredentialField::ClientSecret => "clientSecret",
            CredentialField::SigningSecret => "signingSecret",
            CredentialField::BearerToken => "bearerToken",
            CredentialField::Password => "password",
            CredentialField::ApiKey => "apiKey",
        }
    }

    fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.key() == key)
    }
}

/// The credentials of one integration as kept in its keychain entry:
/// `{"v":1,"provider":"GMAIL","fields":{"accessToken":"…","refreshToken":"…"}}`.
#[derive(Clone)]
pub struct StoredCredentials {
    provider: IntegrationProvider,
    fields: BTreeMap<CredentialField, Secret>,
}

impl fmt::Debug for StoredCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredCredentials")
            .field("provider", &self.provider)
            .field("fields", &self.fields.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// The JSON shape of a keychain entry, for reading it back.
#[derive(Deserialize)]
struct EntryJson {
    v: u32,
    provider: String,
    fields: BTreeMap<String, SecretInput>,
}

impl StoredCredentials {
    pub fn new(provider: IntegrationProvider) -> Self {
        StoredCredentials {
            provider,
            fields: BTreeMap::new(),
        }
    }

    pub fn provider(&self) -> IntegrationProvider {
        self.provider
    }

    pub fn get(&self, field: CredentialField) -> Option<&Secret> {
        self.fields.get(&field)
    }

    pub fn has(&self, field: CredentialField) -> bool {
        self.fields.contains_key(&field)
    }

    pub fn set(&mut self, field: CredentialField, secret: Secret) {
        self.fields.insert(field, secret);
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// Drops the fields the integration's current settings do not use (e.g. a bearer token
    /// after switching an HTTP integration to basic auth).
    pub(crate) fn retain(&mut self, allowed: &[CredentialField]) {
        self.fields.retain(|field, _| allowed.contains(field));
    }

    /// Every value, to scrub server-provided text of anything we sent.
    pub(crate) fn values(&self) -> impl Iterator<Item = &Secret> {
        self.fields.values()
    }

    /// The keychain entry's value. Written with a streaming serializer so the values are
    /// copied once, into the buffer that becomes the (zeroized-on-drop) [`Secret`].
    pub(crate) fn to_secret(&self) -> Secret {
        let mut buffer = Zeroizing::new(Vec::with_capacity(
            128 + self
                .fields
                .values()
                .map(|s| s.expose().len() * 2)
                .sum::<usize>(),
        ));
        let written = (|| -> Result<(), serde_json::Error> {
            let mut serializer = serde_json::Serializer::new(&mut *buffer);
            let mut entry = serializer.serialize_map(Some(3))?;
            entry.serialize_entry("v", &ENTRY_VERSION)?;
            entry.serialize_entry("provider", self.provider.as_str())?;
            entry.serialize_entry("fields", &FieldsJson(&self.fields))?;
            entry.end()
        })();
        // Serializing strings into a Vec cannot fail (no I/O, no non-string keys); should it
        // ever, an empty object is stored, which reads back as "unreadable", never as a leak.
        if written.is_err() {
            buffer.clear();
            buffer.extend_from_slice(b"{}");
        }
        Secret::new(String::from_utf8_lossy(&buffer).into_owned())
    }

    /// Reads a keychain entry back. `None` when it is not an entry of this layout for this
    /// provider; the reason is not returned because serde's messages quote the value.
    pub(crate) fn from_secret(provider: IntegrationProvider, secret: &Secret) -> Option<Self> {
        let entry: EntryJson = serde_json::from_str(secret.expose()).ok()?;
        if entry.v != ENTRY_VERSION || entry.provider != provider.as_str() {
            return None;
        }
        let mut fields = BTreeMap::new();
        for (key, value) in entry.fields {
            // Keys this version does not know (written by a newer one) are left out.
            if let Some(field) = CredentialField::from_key(&key) {
                fields.insert(field, value.into_secret());
            }
        }
        Some(StoredCredentials { provider, fields })
    }
}

struct FieldsJson<'a>(&'a BTreeMap<CredentialField, Secret>);

impl serde::Serialize for FieldsJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (field, secret) in self.0 {
            map.serialize_entry(field.key(), secret.expose())?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_the_keychain_text() {
        let mut stored = StoredCredentials::new(IntegrationProvider::Gmail);
        stored.set(
            CredentialField::AccessToken,
            Secret::new("ya29.\"quoted\"\n"),
        );
        stored.set(CredentialField::RefreshToken, Secret::new("1//refresh"));
        let text = stored.to_secret();
        assert!(text
            .expose()
            .starts_with(r#"{"v":1,"provider":"GMAIL","fields":{"#));
        let back =
            StoredCredentials::from_secret(IntegrationProvider::Gmail, &text).expect("readable");
        assert_eq!(
            back.get(CredentialField::AccessToken).map(Secret::expose),
            Some("ya29.\"quoted\"\n")
        );
        assert_eq!(
            back.get(CredentialField::RefreshToken).map(Secret::expose),
            Some("1//refresh")
        );
        assert!(StoredCredentials::from_secret(IntegrationProvider::Slack, &text).is_none());
        assert!(StoredCredentials::from_secret(
            IntegrationProvider::Gmail,
            &Secret::new("plain token")
        )
        .is_none());
    }

    #[test]
    fn debug_names_fields_but_never_values() {
        let mut stored = StoredCredentials::new(IntegrationProvider::Slack);
        stored.set(CredentialField::BotToken, Secret::new("xoxb-canary"));
        let debug = format!("{stored:?}");
        assert!(
            debug.contains("BotToken") && !debug.contains("canary"),
            "{debug}"
        );
        let input: CredentialsInput =
            serde_json::from_str(r#"{"provider":"SLACK","botToken":"xoxb-canary"}"#)
                .expect("input");
        assert!(!format!("{input:?}").contains("canary"));
    }

    #[test]
    fn entered_values_are_trimmed_and_empty_ones_dropped() {
        let input: CredentialsInput = serde_json::from_str(
            r#"{"provider":"GMAIL","accessToken":"  tok\n","refreshToken":"   ","clientSecret":null}"#,
        )
        .expect("input");
        let entries = input.into_entries();
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].0, CredentialField::AccessToken);
        assert_eq!(entries[0].1.expose(), "tok");
    }
}
