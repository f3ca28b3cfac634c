//! Slack's Web API: `auth.test` checks a bot token and `chat.postMessage` posts a message (Slack answers HTTP 200 with `{"ok":false,"error":…}` when a call fails).

use neuroflow_secrets::Secret;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use serde::Deserialize;

use super::{check_status, parse_json, read_body, retry_after, scrub, scrub_json, send};
use super::{sensitive_header, ProviderError, ProviderHttp};

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
        Err(slack_error(code, None))
    }

    /// `POST {base}/chat.postMessage` with the bot token and a JSON body of `channel`, `text`
    /// and, for a reply, `thread_ts`. Gives Slack's answer (`ok`, `channel`, `ts`, `message`),
    /// scrubbed of the token.
    pub async fn post_message(
        &self,
        bot_token: &Secret,
        channel: &str,
        text: &str,
        thread_ts: Option<&str>,
    ) -> Result<serde_json::Value, ProviderError> {
        let mut body = serde_json::json!({"channel": channel, "text": text});
        if let Some(ts) = thread_ts {
            body["thread_ts"] = serde_json::Value::String(ts.to_owned());
        }
        let request = self
            .http
            .client()
            .post(format!("{}/chat.postMessage", self.api_base))
            .header(
                AUTHORIZATION,
                sensitive_header(SERVICE, &format!("Bearer {}", bot_token.expose()))?,
            )
            .header(CONTENT_TYPE, "application/json; charset=utf-8")
            .body(body.to_string());
        let response = send(SERVICE, request).await?;
        check_status(SERVICE, &response, None)?;
        let waited = retry_after(response.headers(), chrono::Utc::now());
        let body = read_body(SERVICE, response).await?;
        let answer: serde_json::Value = parse_json(SERVICE, &body, "chat.postMessage answer")?;
        if answer.get("ok").and_then(serde_json::Value::as_bool) == Some(true) {
            return Ok(scrub_json(answer, &[bot_token]));
        }
        let code = scrub(
            answer
                .get("error")
                .and_then(serde_json::Value::as_str)
                .unwrap_or("unknown_error"),
            [bot_token],
        );
        Err(slack_error(code, waited))
    }
}

/// Slack's error codes (https://api.slack.com/methods/auth.test#errors,
/// https://api.slack.com/methods/chat.postMessage#errors) in words.
fn slack_error(code: String, retry_after: Option<std::time::Duration>) -> ProviderError {
    let service = SERVICE.to_owned();
    match code.as_str() {
        "invalid_auth" | "not_authed" | "account_inactive" | "token_revoked" | "token_expired"
        | "no_permission" | "missing_scope" | "not_allowed_token_type" => {
            ProviderError::Rejected {
                service,
                detail: format!("{code}: check that the bot token (xoxb-…) belongs to an app installed in the workspace"),
            }
        }
        "ratelimited" | "rate_limited" => ProviderError::RateLimited {
            service,
            retry_after,
        },
        "fatal_error" | "internal_error" | "service_unavailable" | "request_timeout" => {
            ProviderError::Unavailable {
                service,
                detail: format!("the service failed ({code}); try again later"),
            }
        }
        "channel_not_found" => ProviderError::Api {
            service,
            detail: "channel_not_found: no such channel, or the app cannot see it (for a private channel, invite the app)".to_owned(),
        },
        "not_in_channel" => ProviderError::Api {
            service,
            detail: "not_in_channel: the app is not a member of the channel; invite it (/invite @app)".to_owned(),
        },
        "is_archived" => ProviderError::Api {
            service,
            detail: "is_archived: the channel is archived".to_owned(),
        },
        "msg_too_long" => ProviderError::Api {
            service,
            detail: "msg_too_long: the message text is too long".to_owned(),
        },
        "no_text" => ProviderError::Api {
            service,
            detail: "no_text: the message has no text".to_owned(),
        },
        _ => ProviderError::Api {
            service,
            detail: format!("answered with the error {code}"),
        },
    }
}
