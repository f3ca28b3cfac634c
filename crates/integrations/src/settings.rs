//! The non-secret settings of each provider (base URLs, channel, email, auth kind, header name, test path): what the database's `config` column holds, validated and normalised.

use neuroflow_model::{validate, IntegrationProvider};
use reqwest::header::HeaderName;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::IntegrationError;

/// Slack's Web API; methods are `{base}/{method}`, e.g. `{base}/auth.test`.
pub const DEFAULT_SLACK_API_BASE_URL: &str = "https://slack.com/api";
/// Gmail's API host; the profile is `{base}/gmail/v1/users/me/profile`.
pub const DEFAULT_GMAIL_API_BASE_URL: &str = "https://gmail.googleapis.com";
/// Google's OAuth 2.0 token endpoint, where a refresh token buys a new access token.
pub const DEFAULT_GOOGLE_TOKEN_ENDPOINT: &str = "https://oauth2.googleapis.com/token";

const MAX_URL_CHARS: usize = 2048;
const MAX_SHORT_CHARS: usize = 200;

/// An integration's settings, tagged by provider. Nothing here is secret: it is stored in the
/// database, synced, and sent to the UI; credentials travel separately (`CredentialsInput`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "provider")]
pub enum IntegrationSettings {
    #[serde(rename = "SLACK")]
    Slack(SlackSettings),
    #[serde(rename = "GMAIL")]
    Gmail(GmailSettings),
    #[serde(rename = "WEBHOOK")]
    Webhook(WebhookSettings),
    #[serde(rename = "HTTP")]
    Http(HttpSettings),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SlackSettings {
    /// `null` means https://slack.com/api.
    pub api_base_url: Option<String>,
    /// Where the Slack node posts when it names no channel, e.g. `#alerts`.
    pub default_channel: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct GmailSettings {
    /// The mailbox the tokens belong to; when set, a connection test checks it.
    pub email: Option<String>,
    /// The OAuth client's id (public by OAuth's design; its secret is a credential).
    pub client_id: Option<String>,
    /// `null` means https://gmail.googleapis.com.
    pub api_base_url: Option<String>,
    /// `null` means https://oauth2.googleapis.com/token.
    pub token_endpoint: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct WebhookSettings {
    pub url: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub enum HttpAuthKind {
    #[serde(rename = "NONE")]
    None,
    /// `Authorization: Bearer <token>`.
    #[serde(rename = "BEARER")]
    Bearer,
    /// `Authorization: Basic base64(username:password)`.
    #[serde(rename = "BASIC")]
    Basic,
    /// `<header name>: <key>`.
    #[serde(rename = "API_KEY")]
    ApiKey,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct HttpSettings {
    pub base_url: String,
    pub auth: HttpAuthKind,
    /// Basic auth's user name.
    pub username: Option<String>,
    /// The API-key header, e.g. `X-API-Key`.
    pub header_name: Option<String>,
    /// What a connection test GETs, appended to the base URL; `/` when empty.
    pub test_path: String,
}

impl IntegrationSettings {
    pub fn provider(&self) -> IntegrationProvider {
        match self {
            IntegrationSettings::Slack(_) => IntegrationProvider::Slack,
            IntegrationSettings::Gmail(_) => IntegrationProvider::Gmail,
            IntegrationSettings::Webhook(_) => IntegrationProvider::Webhook,
            IntegrationSettings::Http(_) => IntegrationProvider::Http,
        }
    }

    /// Trims every value, turns empty optional ones into `null`, drops trailing slashes from
    /// base URLs, and rejects what would not work or would put a credential in plaintext.
    pub fn normalized(self) -> Result<Self, IntegrationError> {
        Ok(match self {
            IntegrationSettings::Slack(s) => IntegrationSettings::Slack(SlackSettings {
                api_base_url: optional_url(
                    "Slack API base URL",
                    s.api_base_url,
                    Transport::CarriesCredentials,
                )?,
                default_channel: optional_text("default channel", s.default_channel)?,
            }),
            IntegrationSettings::Gmail(s) => IntegrationSettings::Gmail(GmailSettings {
                email: optional_text("email", s.email)?
                    .map(|email| validate::email(&email))
                    .transpose()
                    .map_err(|e| IntegrationError::invalid(e.message))?,
                client_id: optional_text("OAuth client id", s.client_id)?,
                api_base_url: optional_url(
                    "Gmail API base URL",
                    s.api_base_url,
                    Transport::CarriesCredentials,
                )?,
                token_endpoint: optional_url(
                    "token endpoint",
                    s.token_endpoint,
                    Transport::CarriesCredentials,
                )?,
            }),
            IntegrationSettings::Webhook(s) => IntegrationSettings::Webhook(WebhookSettings {
                // A signing secret never leaves this machine (only its HMAC does), so a plain
                // http:// receiver on the local network is acceptable.
                url: required_url("webhook URL", &s.url, Transport::SignedOnly)?,
            }),
            IntegrationSettings::Http(s) => {
                let transport = if s.auth == HttpAuthKind::None {
                    Transport::SignedOnly
                } else {
                    Transport::CarriesCredentials
                };
                let username = optional_text("user name", s.username)?;
                let header_name = optional_text("header name", s.header_name)?;
                if s.auth == HttpAuthKind::Basic && username.is_none() {
                    return Err(IntegrationError::invalid(
                        "Basic authentication needs a user name",
                    ));
                }
                if s.auth == HttpAuthKind::ApiKey {
                    let name = header_name.as_deref().ok_or_else(|| {
                        IntegrationError::invalid(
                            "API-key authentication needs the header name, e.g. X-API-Key",
                        )
                    })?;
                    HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                        IntegrationError::invalid(
                            "the header name may hold only letters, digits and - _ . ! # $ % & ' * + ^ ` | ~",
                        )
                    })?;
                }
                IntegrationSettings::Http(HttpSettings {
                    base_url: required_url("base URL", &s.base_url, transport)?,
                    auth: s.auth,
                    username: (s.auth == HttpAuthKind::Basic)
                        .then_some(username)
                        .flatten(),
                    header_name: (s.auth == HttpAuthKind::ApiKey)
                        .then_some(header_name)
                        .flatten(),
                    test_path: test_path(&s.test_path)?,
                })
            }
        })
    }
}

impl SlackSettings {
    pub fn api_base(&self) -> &str {
        self.api_base_url
            .as_deref()
            .unwrap_or(DEFAULT_SLACK_API_BASE_URL)
    }
}

impl GmailSettings {
    pub fn api_base(&self) -> &str {
        self.api_base_url
            .as_deref()
            .unwrap_or(DEFAULT_GMAIL_API_BASE_URL)
    }

    pub fn token_url(&self) -> &str {
        self.token_endpoint
            .as_deref()
            .unwrap_or(DEFAULT_GOOGLE_TOKEN_ENDPOINT)
    }
}

/// What travels to an address: decides whether plain `http://` is acceptable there.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Transport {
    /// Tokens, passwords or keys go in the request: HTTPS, or this machine (loopback) only.
    CarriesCredentials,
    /// At most a signature goes: any http(s) address.
    SignedOnly,
}

fn optional_text(field: &str, value: Option<String>) -> Result<Option<String>, IntegrationError> {
    let Some(text) = value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if text.chars().count() > MAX_SHORT_CHARS {
        return Err(IntegrationError::invalid(format!(
            "the {field} is longer than {MAX_SHORT_CHARS} characters"
        )));
    }
    if text.chars().any(char::is_control) {
        return Err(IntegrationError::invalid(format!(
            "the {field} must not contain control characters"
        )));
    }
    Ok(Some(text))
}

fn optional_url(
    field: &str,
    value: Option<String>,
    transport: Transport,
) -> Result<Option<String>, IntegrationError> {
    match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        Some(url) => required_url(field, url, transport).map(Some),
        None => Ok(None),
    }
}

/// The URL as typed (trimmed, without a trailing `/`), once it parses as an absolute http(s)
/// URL that fits `transport`. Error messages name the field, not the URL: a webhook URL can
/// embed a token of the receiving service.
fn required_url(field: &str, raw: &str, transport: Transport) -> Result<String, IntegrationError> {
    let text = raw.trim().trim_end_matches('/');
    if text.is_empty() {
        return Err(IntegrationError::invalid(format!("enter the {field}")));
    }
    if text.chars().count() > MAX_URL_CHARS {
        return Err(IntegrationError::invalid(format!(
            "the {field} is longer than {MAX_URL_CHARS} characters"
        )));
    }
    let url = Url::parse(text).map_err(|e| {
        IntegrationError::invalid(format!(
            "the {field} is not a valid URL ({e}); it starts with https://"
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(IntegrationError::invalid(format!(
            "the {field} must start with https:// or http://"
        )));
    }
    if url.host().is_none() {
        return Err(IntegrationError::invalid(format!(
            "the {field} has no host name"
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(IntegrationError::invalid(format!(
            "the {field} contains a user name or password: put credentials in the credential fields, which are kept in the OS keychain"
        )));
    }
    if url.fragment().is_some() {
        return Err(IntegrationError::invalid(format!(
            "the {field} must not contain a #fragment"
        )));
    }
    if let Some(why) = neuroflow_engine::egress::refused_without_lookup(&url, true) {
        return Err(IntegrationError::invalid(format!(
            "the {field} cannot be used: {why}"
        )));
    }
    if transport == Transport::CarriesCredentials && url.scheme() == "http" && !is_loopback(&url) {
        return Err(IntegrationError::invalid(format!(
            "the {field} must use https://: credentials are sent there (plain http:// is accepted only for this computer, e.g. http://127.0.0.1)"
        )));
    }
    Ok(text.to_owned())
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

fn test_path(raw: &str) -> Result<String, IntegrationError> {
    let path = raw.trim();
    if path.is_empty() {
        return Ok("/".to_owned());
    }
    if !path.starts_with('/') || path.contains("://") || path.contains('#') {
        return Err(IntegrationError::invalid(
            "the test path starts with / and is appended to the base URL, e.g. /health",
        ));
    }
    if path.chars().any(|c| c.is_control() || c == ' ') {
        return Err(IntegrationError::invalid(
            "the test path must not contain spaces or control characters",
        ));
    }
    if path.chars().count() > MAX_URL_CHARS {
        return Err(IntegrationError::invalid(format!(
            "the test path is longer than {MAX_URL_CHARS} characters"
        )));
    }
    Ok(path.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn http(base_url: &str, auth: HttpAuthKind) -> IntegrationSettings {
        IntegrationSettings::Http(HttpSettings {
            base_url: base_url.into(),
            auth,
            username: Some("  ann ".into()),
            header_name: Some("X-API-Key".into()),
            test_path: " ".into(),
        })
    }

    #[test]
    fn normalises_urls_and_drops_fields_of_other_auth_kinds() {
        let IntegrationSettings::Http(s) =
            http(" https://api.example.com/v1/ ", HttpAuthKind::Basic)
                .normalized()
                .expect("valid")
        else {
            panic!("provider changed");
        };
        assert_eq!(s.base_url, "https://api.example.com/v1");
        assert_eq!(s.username.as_deref(), Some("ann"));
        assert_eq!(s.header_name, None);
        assert_eq!(s.test_path, "/");
    }

    #[test]
    fn link_local_and_metadata_addresses_are_refused() {
        for url in [
            "http://169.254.169.254/latest",
            "https://[fe80::1]/",
            "http://metadata.google.internal/computeMetadata/v1",
            "https://100.100.100.200/",
        ] {
            let err = IntegrationSettings::Webhook(WebhookSettings { url: url.into() })
                .normalized()
                .expect_err(url);
            assert!(err.to_string().contains("never reach"), "{url}: {err}");
        }
        assert!(http("http://127.0.0.1:11434", HttpAuthKind::Bearer)
            .normalized()
            .is_ok());
        assert!(http("https://10.0.0.5/api", HttpAuthKind::Bearer)
            .normalized()
            .is_ok());
    }

    #[test]
    fn credentials_go_over_https_or_to_this_machine_only() {
        let err = http("http://api.example.com", HttpAuthKind::Bearer)
            .normalized()
            .expect_err("plain http with a token");
        assert!(err.to_string().contains("https://"), "{err}");
        for ok in [
            "http://127.0.0.1:8080",
            "http://localhost:1",
            "http://[::1]:2",
        ] {
            http(ok, HttpAuthKind::Bearer).normalized().expect(ok);
        }
        http("http://192.168.1.20/hook", HttpAuthKind::None)
            .normalized()
            .expect("no credentials travel");
        IntegrationSettings::Webhook(WebhookSettings {
            url: "http://10.0.0.5/hooks/1".into(),
        })
        .normalized()
        .expect("webhooks send only a signature");
    }

    #[test]
    fn rejects_credentials_in_urls_without_echoing_them() {
        let err = IntegrationSettings::Webhook(WebhookSettings {
            url: "https://user:hunter2@example.com/hook".into(),
        })
        .normalized()
        .expect_err("userinfo");
        assert!(!err.to_string().contains("hunter2"), "{err}");
        assert!(err.to_string().contains("OS keychain"), "{err}");
    }

    #[test]
    fn checks_auth_specific_fields() {
        let missing_user = IntegrationSettings::Http(HttpSettings {
            base_url: "https://x.example".into(),
            auth: HttpAuthKind::Basic,
            username: None,
            header_name: None,
            test_path: "/".into(),
        });
        assert!(missing_user.normalized().is_err());
        let bad_header = IntegrationSettings::Http(HttpSettings {
            base_url: "https://x.example".into(),
            auth: HttpAuthKind::ApiKey,
            username: None,
            header_name: Some("X Key".into()),
            test_path: "/".into(),
        });
        assert!(bad_header.normalized().is_err());
        for path in ["health", "/a b", "https://x/y"] {
            assert!(test_path(path).is_err(), "{path}");
        }
    }

    #[test]
    fn gmail_email_is_validated_and_lowercased() {
        let s = IntegrationSettings::Gmail(GmailSettings {
            email: Some(" Ops@Example.com ".into()),
            client_id: Some("".into()),
            api_base_url: None,
            token_endpoint: Some("  ".into()),
        })
        .normalized()
        .expect("valid");
        assert_eq!(
            s,
            IntegrationSettings::Gmail(GmailSettings {
                email: Some("ops@example.com".into()),
                client_id: None,
                api_base_url: None,
                token_endpoint: None,
            })
        );
    }

    #[test]
    fn serializes_tagged_by_provider() {
        let json = serde_json::to_value(IntegrationSettings::Webhook(WebhookSettings {
            url: "https://x.example/h".into(),
        }))
        .expect("json");
        assert_eq!(
            json,
            serde_json::json!({"provider": "WEBHOOK", "url": "https://x.example/h"})
        );
    }
}
