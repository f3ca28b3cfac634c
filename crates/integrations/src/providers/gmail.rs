//! Gmail over Google's REST API: `users.getProfile` with an OAuth access token, and the OAuth 2.0 refresh-token grant that buys a new one.

use std::time::Duration;

use chrono::{DateTime, Utc};
use neuroflow_secrets::Secret;
use reqwest::header::AUTHORIZATION;
use serde::Deserialize;

use super::{check_status, parse_json, read_body, scrub, send, sensitive_header};
use super::{ProviderError, ProviderHttp};

const SERVICE: &str = "Gmail";
const TOKEN_SERVICE: &str = "Google's token endpoint";

/// The mailbox a token reads, from `users.getProfile`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GmailProfile {
    pub email_address: String,
}

/// A new access token from the refresh-token grant.
#[derive(Debug, Clone)]
pub struct RefreshedToken {
    pub access_token: Secret,
    /// Set when the provider rotated the refresh token; the old one may stop working.
    pub refresh_token: Option<Secret>,
    pub expires_at: Option<DateTime<Utc>>,
    /// The granted scopes, when Google lists them.
    pub scopes: Option<Vec<String>>,
}

/// What the refresh-token grant needs.
pub struct RefreshGrant<'a> {
    pub client_id: &'a str,
    pub client_secret: &'a Secret,
    pub refresh_token: &'a Secret,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProfileAnswer {
    email_address: String,
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: SecretText,
    refresh_token: Option<SecretText>,
    expires_in: Option<u64>,
    scope: Option<String>,
}

#[derive(Deserialize)]
struct TokenErrorAnswer {
    error: String,
    error_description: Option<String>,
}

/// A token in a JSON answer, read straight into a [`Secret`].
struct SecretText(Secret);

impl<'de> Deserialize<'de> for SecretText {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::SecretInput::deserialize(deserializer).map(|s| SecretText(s.into_secret()))
    }
}

/// Gmail API client for one API base URL and token endpoint.
#[derive(Debug, Clone)]
pub struct GmailClient {
    http: ProviderHttp,
    api_base: String,
    token_endpoint: String,
}

impl GmailClient {
    pub fn new(http: ProviderHttp, api_base: &str, token_endpoint: &str) -> Self {
        GmailClient {
            http,
            api_base: api_base.trim_end_matches('/').to_owned(),
            token_endpoint: token_endpoint.to_owned(),
        }
    }

    /// `GET {base}/gmail/v1/users/me/profile` with `Authorization: Bearer <access token>`. A 401
    /// is [`ProviderError::Rejected`]: the caller refreshes the token and retries once.
    pub async fn profile(&self, access_token: &Secret) -> Result<GmailProfile, ProviderError> {
        let request = self
            .http
            .client()
            .get(format!("{}/gmail/v1/users/me/profile", self.api_base))
            .header(
                AUTHORIZATION,
                sensitive_header(SERVICE, &format!("Bearer {}", access_token.expose()))?,
            );
        let response = send(SERVICE, request).await?;
        check_status(SERVICE, &response, None)?;
        let body = read_body(SERVICE, response).await?;
        let answer: ProfileAnswer = parse_json(SERVICE, &body, "profile")?;
        Ok(GmailProfile {
            email_address: answer.email_address,
        })
    }

    /// The refresh-token grant (RFC 6749 §6): a form POST of `grant_type=refresh_token`,
    /// `client_id`, `client_secret` and `refresh_token` to the token endpoint.
    pub async fn refresh(&self, grant: RefreshGrant<'_>) -> Result<RefreshedToken, ProviderError> {
        let form = [
            ("grant_type", "refresh_token"),
            ("client_id", grant.client_id),
            ("client_secret", grant.client_secret.expose()),
            ("refresh_token", grant.refresh_token.expose()),
        ];
        let request = self.http.client().post(&self.token_endpoint).form(&form);
        let response = send(TOKEN_SERVICE, request).await?;
        let status = response.status();
        let sent = [grant.client_secret, grant.refresh_token];
        if status == reqwest::StatusCode::BAD_REQUEST || status == reqwest::StatusCode::UNAUTHORIZED
        {
            // OAuth reports a revoked or expired refresh token and a wrong client as 400/401
            // with `{"error": …}`: all mean the saved credentials no longer work.
            let body = read_body(TOKEN_SERVICE, response).await?;
            let detail = match serde_json::from_slice::<TokenErrorAnswer>(&body) {
                Ok(answer) => {
                    let description = answer
                        .error_description
                        .map(|d| scrub(&d, sent).trim_end_matches('.').to_owned())
                        .filter(|d| !d.is_empty())
                        .map(|d| format!(": {d}"))
                        .unwrap_or_default();
                    format!(
                        "{}{description} — reconnect the account and save new tokens",
                        scrub(&answer.error, sent)
                    )
                }
                Err(_) => format!("HTTP {}", status.as_u16()),
            };
            return Err(ProviderError::Rejected {
                service: TOKEN_SERVICE.to_owned(),
                detail,
            });
        }
        check_status(TOKEN_SERVICE, &response, None)?;
        let body = read_body(TOKEN_SERVICE, response).await?;
        let answer: TokenAnswer = parse_json(TOKEN_SERVICE, &body, "token answer")?;
        if answer.access_token.0.is_empty() {
            return Err(ProviderError::Api {
                service: TOKEN_SERVICE.to_owned(),
                detail: "the answer holds an empty access token".to_owned(),
            });
        }
        Ok(RefreshedToken {
            access_token: answer.access_token.0,
            refresh_token: answer.refresh_token.map(|t| t.0).filter(|t| !t.is_empty()),
            expires_at: answer.expires_in.and_then(|seconds| {
                chrono::Duration::from_std(Duration::from_secs(seconds))
                    .ok()
                    .map(|d| Utc::now() + d)
            }),
            scopes: answer
                .scope
                .map(|s| s.split_whitespace().map(str::to_owned).collect()),
        })
    }
}

/// The error when the saved credentials cannot refresh an expired token.
pub(crate) fn cannot_refresh(missing: &str) -> ProviderError {
    ProviderError::Setup {
        service: SERVICE.to_owned(),
        detail: format!(
            "the access token is missing or expired and cannot be refreshed: {missing}; edit the integration"
        ),
    }
}
