//! Gmail over Google's REST API: `users.getProfile` and `users.messages.send` (an RFC 2822 message, base64url in `raw`) with an OAuth access token, and the OAuth 2.0 refresh-token grant that buys a new one.

use std::time::Duration;

use base64::engine::general_purpose::{STANDARD, URL_SAFE};
use base64::Engine as _;
use chrono::{DateTime, Utc};
use neuroflow_secrets::Secret;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use serde::Deserialize;

use super::{check_status, parse_json, read_body, scrub, scrub_json, send, sensitive_header};
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

    /// `POST {base}/gmail/v1/users/me/messages/send` with `{"raw": base64url(message)}`. Gives
    /// Gmail's answer (`id`, `threadId`, `labelIds`). A 401 is [`ProviderError::Rejected`]: the
    /// caller refreshes the token and sends once more.
    pub async fn send_message(
        &self,
        access_token: &Secret,
        message: &[u8],
    ) -> Result<serde_json::Value, ProviderError> {
        let body = serde_json::json!({"raw": URL_SAFE.encode(message)});
        let request = self
            .http
            .client()
            .post(format!("{}/gmail/v1/users/me/messages/send", self.api_base))
            .header(
                AUTHORIZATION,
                sensitive_header(SERVICE, &format!("Bearer {}", access_token.expose()))?,
            )
            .header(CONTENT_TYPE, "application/json")
            .body(body.to_string());
        let response = send(SERVICE, request).await?;
        if let Err(failure) = check_status(SERVICE, &response, None) {
            // Google explains a refusal in `error.message` ("Invalid To header", "Request had
            // insufficient authentication scopes"): worth showing, once scrubbed.
            let body = read_body(SERVICE, response).await.unwrap_or_default();
            let said = serde_json::from_slice::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| v.pointer("/error/message")?.as_str().map(str::to_owned))
                .map(|m| scrub(&m, [access_token]))
                .filter(|m| !m.is_empty());
            return Err(match (failure, said) {
                (ProviderError::Rejected { service, detail }, Some(said)) => {
                    ProviderError::Rejected {
                        service,
                        detail: format!("{detail}: {said}"),
                    }
                }
                (ProviderError::UnexpectedStatus { service, status }, Some(said)) => {
                    ProviderError::Api {
                        service,
                        detail: format!("refused the message (HTTP {status}): {said}"),
                    }
                }
                (failure, _) => failure,
            });
        }
        let body = read_body(SERVICE, response).await?;
        let answer: serde_json::Value = parse_json(SERVICE, &body, "messages.send answer")?;
        if answer
            .get("id")
            .and_then(serde_json::Value::as_str)
            .is_none()
        {
            return Err(ProviderError::Api {
                service: SERVICE.to_owned(),
                detail: "the answer names no message id".to_owned(),
            });
        }
        Ok(scrub_json(answer, &[access_token]))
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

/// A plain-text email, as an integration node sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email<'a> {
    /// The mailbox of the integration, when its settings name it (Gmail fills it in otherwise).
    pub from: Option<&'a str>,
    pub to: &'a [String],
    pub cc: &'a [String],
    pub subject: &'a str,
    pub body: &'a str,
}

/// Characters an address may not hold here: they would start a display name, a group, a
/// comment or a second address, or end the header.
const ADDRESS_FORBIDDEN: &[char] = &['<', '>', '(', ')', '[', ']', ',', ';', ':', '"', '\\'];

fn address(raw: &str) -> Result<&str, ProviderError> {
    let address = raw.trim();
    let plain = !address.chars().any(|c| ADDRESS_FORBIDDEN.contains(&c));
    if plain && neuroflow_model::validate::email(address).is_ok() {
        return Ok(address);
    }
    let shown: String = address
        .chars()
        .filter(|c| !c.is_control())
        .take(80)
        .collect();
    Err(ProviderError::Setup {
        service: SERVICE.to_owned(),
        detail: format!(
            "'{shown}' is not an email address (give bare addresses such as ada@example.com)"
        ),
    })
}

/// A header value of free text: on one line, and as RFC 2047 encoded words (UTF-8, base64)
/// when it is not plain ASCII, each word at most 75 characters, folded onto new lines.
fn header_text(text: &str) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let flat = flat.trim();
    if flat.is_ascii() && flat.len() <= 900 {
        return flat.to_owned();
    }
    // 45 bytes of UTF-8 become 60 characters of base64, plus 12 for `=?UTF-8?B?…?=`.
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in flat.chars() {
        if chunk.len() + c.len_utf8() > 45 {
            words.push(format!("=?UTF-8?B?{}?=", STANDARD.encode(chunk.as_bytes())));
            chunk.clear();
        }
        chunk.push(c);
    }
    if !chunk.is_empty() {
        words.push(format!("=?UTF-8?B?{}?=", STANDARD.encode(chunk.as_bytes())));
    }
    words.join("\r\n ")
}

/// The email as an RFC 2822 message: headers, then the body as UTF-8 text in base64 lines of
/// 76 characters (safe for any text, any line length). Addresses are checked so no value can
/// add a header or a recipient.
pub fn rfc2822(email: &Email<'_>, date: DateTime<Utc>) -> Result<Vec<u8>, ProviderError> {
    let list = |addresses: &[String]| -> Result<String, ProviderError> {
        Ok(addresses
            .iter()
            .map(|a| address(a))
            .collect::<Result<Vec<_>, _>>()?
            .join(", "))
    };
    if email.to.is_empty() {
        return Err(ProviderError::Setup {
            service: SERVICE.to_owned(),
            detail: "the email has no recipient".to_owned(),
        });
    }
    let mut message = String::new();
    if let Some(from) = email.from {
        message.push_str(&format!("From: {}\r\n", address(from)?));
    }
    message.push_str(&format!("To: {}\r\n", list(email.to)?));
    if !email.cc.is_empty() {
        message.push_str(&format!("Cc: {}\r\n", list(email.cc)?));
    }
    message.push_str(&format!("Subject: {}\r\n", header_text(email.subject)));
    message.push_str(&format!("Date: {}\r\n", date.to_rfc2822()));
    message.push_str("MIME-Version: 1.0\r\n");
    message.push_str("Content-Type: text/plain; charset=UTF-8\r\n");
    message.push_str("Content-Transfer-Encoding: base64\r\n\r\n");
    let body = email.body.replace("\r\n", "\n").replace('\n', "\r\n");
    let encoded = STANDARD.encode(body.as_bytes());
    for line in encoded.as_bytes().chunks(76) {
        message.push_str(&String::from_utf8_lossy(line));
        message.push_str("\r\n");
    }
    Ok(message.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2025-01-01T09:30:00Z")
            .expect("date")
            .with_timezone(&Utc)
    }

    #[test]
    fn a_message_has_its_headers_and_a_base64_body() {
        let to = vec!["ada@example.com".to_owned(), "bob@example.com".to_owned()];
        let cc = vec!["audit@example.com".to_owned()];
        let text = String::from_utf8(
            rfc2822(
                &Email {
                    from: Some("ops@example.com"),
                    to: &to,
                    cc: &cc,
                    subject: "Order 7",
                    body: "Hello\nbye",
                },
                at(),
            )
            .expect("message"),
        )
        .expect("ascii");
        let (head, body) = text.split_once("\r\n\r\n").expect("head and body");
        assert_eq!(
            head,
            "From: ops@example.com\r\nTo: ada@example.com, bob@example.com\r\nCc: audit@example.com\r\nSubject: Order 7\r\nDate: Wed, 1 Jan 2025 09:30:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64"
        );
        let decoded = STANDARD.decode(body.replace("\r\n", "")).expect("base64");
        assert_eq!(decoded, b"Hello\r\nbye");
    }

    #[test]
    fn subjects_stay_on_one_line_and_non_ascii_is_encoded() {
        assert_eq!(
            header_text("Hi\r\nBcc: evil@example.com"),
            "Hi  Bcc: evil@example.com"
        );
        let long = "Commande n°7 — réglée ".repeat(4);
        let encoded = header_text(&long);
        let words: Vec<&str> = encoded.split("\r\n ").collect();
        assert!(words.len() > 1, "{encoded}");
        let mut back = Vec::new();
        for word in &words {
            assert!(word.len() <= 75, "{word}");
            let inner = word
                .strip_prefix("=?UTF-8?B?")
                .and_then(|w| w.strip_suffix("?="))
                .expect("encoded word");
            back.extend(STANDARD.decode(inner).expect("base64"));
        }
        assert_eq!(String::from_utf8(back).expect("utf-8"), long.trim());
    }

    #[test]
    fn addresses_cannot_add_headers_or_recipients() {
        for bad in [
            "ada@example.com\r\nBcc: evil@example.com",
            "Ada <ada@example.com>",
            "ada@example.com, evil@example.com",
            "not an address",
        ] {
            let to = vec![bad.to_owned()];
            let email = Email {
                from: None,
                to: &to,
                cc: &[],
                subject: "s",
                body: "b",
            };
            assert!(rfc2822(&email, at()).is_err(), "{bad:?}");
        }
        let email = Email {
            from: None,
            to: &[],
            cc: &[],
            subject: "s",
            body: "b",
        };
        assert!(rfc2822(&email, at()).is_err());
    }
}
