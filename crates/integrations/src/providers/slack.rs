//! Slack's Web API: `auth.test` checks a bot token (Slack answers HTTP 200 with `{"ok":false,"error":…}` when it is bad).

use neuroflow_secrets::Secret;
use reqwest::header::AUTHORIZATION;
use serde::Deserialize;

use super::{check_status, parse_json, read_body, scrub, send, sensitive_header};
use super::{ProviderError, ProviderHttp};

const SERVICE: &str = "Slack";

/// Who a token belongs to, from `auth.test`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlackIdentity {
    pub team: Option<String>,
    pub user: Option<String>,
    /// The token's OAuth scopes, from Slack's `x-oauth-scopes` header.
    pub scopes: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct SlackAnswer {
    ok: bool,
    error: Option<String>,
    team: Option<String>,
    user: Option<String>,
}

/// Slack Web API client for one base URL (`https://slack.com/api` unless configured).
#[derive(Debug, Clone)]
pub struct SlackClient {
    http: ProviderHttp,
    api_base: String,
}

impl SlackClient {
    pub fn new(http: ProviderHttp, api_base: &str) -> Self {
        SlackClient {
            http,
            api_base: api_base.trim_end_matches('/').to_owned(),
        }
    }

    /// `POST {base}/auth.test` with `Authorization: Bearer <bot token>`.
    pub async fn auth_test(&self, bot_token: &Secret) -> Result<SlackIdentity, ProviderError> {
        let request = self
            .http
            .client()
            .post(format!("{}/auth.test", self.api_base))
            .header(
                AUTHORIZATION,
                sensitive_header(SERVICE, &format!("Bearer {}", bot_token.expose()))?,
            );
        let response = send(SERVICE, request).await?;
        check_status(SERVICE, &response, None)?;
        let scopes = response
            .headers()
            .get("x-oauth-scopes")
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                v.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            });
        let body = read_body(SERVICE, response).await?;
        let answer: SlackAnswer = parse_json(SERVICE, &body, "auth.test answer")?;
        if answer.ok {
            return Ok(SlackIdentity {
                team: answer.team,
                user: answer.user,
                scopes,
            });
        }
        let code = scrub(
            answer.error.as_deref().unwrap_or("unknown_error"),
            [bot_token],
        );
        Err(slack_error(code))
    }
}

/// Slack's error codes (https://api.slack.com/methods/auth.test#errors) in words.
fn slack_error(code: String) -> ProviderError {
    let service = SERVICE.to_owned();
    match code.as_str() {
        "invalid_auth" | "not_authed" | "account_inactive" | "token_revoked" | "token_expired"
        | "no_permission" | "missing_scope" | "not_allowed_token_type" => {
            ProviderError::Rejected {
                service,
                detail: format!("{code}: check that the bot token (xoxb-…) belongs to an app installed in the workspace"),
            }
        }
        "ratelimited" => ProviderError::RateLimited {
            service,
            retry_after: None,
        },
        "fatal_error" | "internal_error" | "service_unavailable" | "request_timeout" => {
            ProviderError::Api {
                service,
                detail: format!("the service failed ({code}); try again later"),
            }
        }
        _ => ProviderError::Api {
            service,
            detail: format!("answered with the error {code}"),
        },
    }
}
