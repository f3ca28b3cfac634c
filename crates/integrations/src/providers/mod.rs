//! Provider protocol clients over one HTTP client, and what a provider's failure means in one line (rejected credentials, rate limit with Retry-After, service failure, network).
//!
//! The clients take base URLs from the integration's settings, so tests and self-hosted
//! gateways point them anywhere; workflow nodes reuse them for the providers' other calls.

pub mod gmail;
pub mod http;
pub mod slack;
pub mod webhook;

use std::fmt;
use std::time::Duration;

use chrono::{DateTime, Utc};
use neuroflow_secrets::Secret;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Response, StatusCode};

/// A provider request that has not answered by then has failed.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Provider answers we read are small JSON documents; a larger body is cut off here so a
/// misbehaving server cannot fill memory.
const MAX_BODY_BYTES: usize = 1 << 20;
/// Server-provided text (an error description) is shown to people: one short line.
const MAX_SERVER_TEXT_CHARS: usize = 200;

const USER_AGENT: &str = concat!("NeuroFlow-Studio/", env!("CARGO_PKG_VERSION"));

/// The HTTP client all providers share (one connection pool, one TLS configuration).
#[derive(Debug, Clone)]
pub struct ProviderHttp {
    client: reqwest::Client,
}

impl ProviderHttp {
    /// Redirects are not followed: a credential header (an API key in a custom header in
    /// particular) must never be replayed to wherever a server points.
    pub fn new() -> Result<Self, crate::IntegrationError> {
        reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            // An integration's own URL may be this computer or the LAN (the person saved it),
            // never a link-local or cloud-metadata address, whatever a name resolves to.
            .dns_resolver(std::sync::Arc::new(
                neuroflow_engine::egress::PolicyResolver::new(true),
            ))
            .build()
            .map(|client| ProviderHttp { client })
            .map_err(|e| crate::IntegrationError::HttpClient(e.without_url().to_string()))
    }

    pub(crate) fn client(&self) -> &reqwest::Client {
        &self.client
    }
}

/// Why a provider call failed. Display is one line for people; the variants tell workflow
/// nodes whether (and when) a retry can help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderError {
    /// 401/403, or the provider's own "invalid credentials" answer.
    Rejected { service: String, detail: String },
    /// 429. `retry_after` from the Retry-After header (seconds or an HTTP date).
    RateLimited {
        service: String,
        retry_after: Option<Duration>,
    },
    /// 5xx.
    ServiceFailed { service: String, status: u16 },
    /// 404: the base URL or path is wrong.
    NotFound { service: String },
    /// 3xx: redirects are not followed (see [`ProviderHttp::new`]).
    Redirected {
        service: String,
        status: u16,
        location_host: Option<String>,
    },
    /// Another status the call does not expect.
    UnexpectedStatus { service: String, status: u16 },
    /// The provider answered, but not as its protocol says, or with an error of its own.
    Api { service: String, detail: String },
    /// The provider said, in its own words rather than a 5xx, that it failed for now
    /// (Slack's `internal_error`, `fatal_error`, `service_unavailable`).
    Unavailable { service: String, detail: String },
    /// No answer: refused, unreachable, TLS failure, timeout.
    Network { service: String, detail: String },
    /// The request could not be made from what is saved (e.g. no refresh token).
    Setup { service: String, detail: String },
}

impl ProviderError {
    /// Whether trying again later can help (rate limit, server failure, network).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            ProviderError::RateLimited { .. }
                | ProviderError::ServiceFailed { .. }
                | ProviderError::Unavailable { .. }
                | ProviderError::Network { .. }
        )
    }

    /// How long the provider asked us to wait, when it said.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ProviderError::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    pub fn is_rejected_credentials(&self) -> bool {
        matches!(self, ProviderError::Rejected { .. })
    }
}

impl fmt::Display for ProviderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProviderError::Rejected { service, detail } => {
                write!(f, "{service}: the credentials were rejected ({detail})")
            }
            ProviderError::RateLimited {
                service,
                retry_after: Some(wait),
            } => write!(
                f,
                "{service}: too many requests (HTTP 429); retry after {} s (Retry-After)",
                wait.as_secs().max(1)
            ),
            ProviderError::RateLimited {
                service,
                retry_after: None,
            } => write!(
                f,
                "{service}: too many requests (HTTP 429); retry later (no Retry-After was given)"
            ),
            ProviderError::ServiceFailed { service, status } => {
                write!(f, "{service}: the service failed (HTTP {status}); try again later")
            }
            ProviderError::NotFound { service } => write!(
                f,
                "{service}: nothing was found at that address (HTTP 404); check the base URL and path"
            ),
            ProviderError::Redirected {
                service,
                status,
                location_host,
            } => match location_host {
                Some(host) => write!(
                    f,
                    "{service}: answered with a redirect (HTTP {status}) to {host}; enter the final address instead (redirects are not followed, so credentials never go elsewhere)"
                ),
                None => write!(
                    f,
                    "{service}: answered with a redirect (HTTP {status}); enter the final address instead (redirects are not followed)"
                ),
            },
            ProviderError::UnexpectedStatus { service, status } => {
                let reason = StatusCode::from_u16(*status)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                    .map(|r| format!(" {r}"))
                    .unwrap_or_default();
                write!(f, "{service}: unexpected answer HTTP {status}{reason}")
            }
            ProviderError::Api { service, detail }
            | ProviderError::Unavailable { service, detail }
            | ProviderError::Network { service, detail }
            | ProviderError::Setup { service, detail } => write!(f, "{service}: {detail}"),
        }
    }
}

impl std::error::Error for ProviderError {}

/// Sends a request, turning a failure to get any answer into [`ProviderError::Network`]. The
/// message names the host, never the full URL (a webhook URL can embed a token).
pub(crate) async fn send(
    service: &str,
    request: reqwest::RequestBuilder,
) -> Result<Response, ProviderError> {
    let (client, request) = request.build_split();
    let request = request.map_err(|e| ProviderError::Setup {
        service: service.to_owned(),
        detail: format!(
            "the request could not be built ({})",
            root_cause(&e.without_url())
        ),
    })?;
    let target = target_of(request.url());
    client
        .execute(request)
        .await
        .map_err(|e| network_error(service, &target, e))
}

fn target_of(url: &reqwest::Url) -> String {
    let host = url.host_str().unwrap_or("the server");
    match url.port_or_known_default() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    }
}

fn network_error(service: &str, target: &str, error: reqwest::Error) -> ProviderError {
    let error = error.without_url();
    let detail = if error.is_timeout() {
        format!(
            "{target} did not answer within {} s",
            REQUEST_TIMEOUT.as_secs()
        )
    } else if error.is_connect() {
        format!("could not connect to {target} ({})", root_cause(&error))
    } else {
        format!("the request to {target} failed ({})", root_cause(&error))
    };
    ProviderError::Network {
        service: service.to_owned(),
        detail,
    }
}

/// The innermost cause of an error (e.g. "Connection refused (os error 111)"): the useful part
/// of reqwest's and hyper's nested errors.
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut current = error;
    while let Some(next) = current.source() {
        current = next;
    }
    one_line(&current.to_string(), MAX_SERVER_TEXT_CHARS)
}

/// `Ok` for 2xx; otherwise what the status means. Rejected credentials get `rejected_detail`,
/// which the caller fills with what the provider said (already scrubbed).
pub(crate) fn check_status(
    service: &str,
    response: &Response,
    rejected_detail: Option<String>,
) -> Result<(), ProviderError> {
    let status = response.status();
    if status.is_success() {
        return Ok(());
    }
    let service = service.to_owned();
    let code = status.as_u16();
    Err(match code {
        401 | 403 => ProviderError::Rejected {
            service,
            detail: rejected_detail.unwrap_or_else(|| format!("HTTP {code}")),
        },
        429 => ProviderError::RateLimited {
            service,
            retry_after: retry_after(response.headers(), Utc::now()),
        },
        404 => ProviderError::NotFound { service },
        500..=599 => ProviderError::ServiceFailed {
            service,
            status: code,
        },
        300..=399 => ProviderError::Redirected {
            service,
            status: code,
            location_host: response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| response.url().join(v).ok())
                .and_then(|u| u.host_str().map(str::to_owned)),
        },
        _ => ProviderError::UnexpectedStatus {
            service,
            status: code,
        },
    })
}

/// Retry-After as delay-seconds or an HTTP date (RFC 9110 §10.2.3).
pub(crate) fn retry_after(headers: &HeaderMap, now: DateTime<Utc>) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = DateTime::parse_from_rfc2822(value)
        .ok()?
        .with_timezone(&Utc);
    Some((when - now).to_std().unwrap_or(Duration::ZERO))
}

/// Reads at most [`MAX_BODY_BYTES`] of the body.
pub(crate) async fn read_body(
    service: &str,
    mut response: Response,
) -> Result<Vec<u8>, ProviderError> {
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let room = MAX_BODY_BYTES.saturating_sub(body.len());
                body.extend_from_slice(&chunk[..chunk.len().min(room)]);
                if body.len() >= MAX_BODY_BYTES {
                    break;
                }
            }
            Ok(None) => break,
            Err(e) => {
                return Err(ProviderError::Network {
                    service: service.to_owned(),
                    detail: format!("the answer broke off ({})", root_cause(&e.without_url())),
                })
            }
        }
    }
    Ok(body)
}

/// Reads the whole body, failing (rather than cutting it off) once it passes `cap` bytes: for
/// answers that become a workflow's data.
pub(crate) async fn read_body_capped(
    service: &str,
    mut response: Response,
    cap: usize,
) -> Result<Vec<u8>, ProviderError> {
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > cap {
                    return Err(ProviderError::Api {
                        service: service.to_owned(),
                        detail: format!("the answer is larger than {cap} bytes"),
                    });
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(body),
            Err(e) => {
                return Err(ProviderError::Network {
                    service: service.to_owned(),
                    detail: format!("the answer broke off ({})", root_cause(&e.without_url())),
                })
            }
        }
    }
}

/// Parses a JSON answer; the parse error's text is not shown (it can quote the body).
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(
    service: &str,
    body: &[u8],
    what: &str,
) -> Result<T, ProviderError> {
    serde_json::from_slice(body).map_err(|_| ProviderError::Api {
        service: service.to_owned(),
        detail: format!("the answer is not the {what} its protocol describes"),
    })
}

/// Server-provided text made fit to show: one line, short, and with every secret we sent
/// replaced by `***` (a hostile or buggy server could echo a token back).
pub(crate) fn scrub<'a>(text: &str, secrets: impl IntoIterator<Item = &'a Secret>) -> String {
    let out = without_secrets(&one_line(text, MAX_SERVER_TEXT_CHARS * 4), secrets);
    one_line(&out, MAX_SERVER_TEXT_CHARS)
}

/// `text` with every occurrence of each secret replaced by `***`. Values shorter than four
/// characters are left alone: replacing "a" everywhere would garble the text and hide nothing.
pub(crate) fn without_secrets<'a>(
    text: &str,
    secrets: impl IntoIterator<Item = &'a Secret>,
) -> String {
    let mut out = text.to_owned();
    for secret in secrets {
        let value = secret.expose();
        if value.len() >= 4 {
            out = out.replace(value, "***");
        }
    }
    out
}

/// A provider's answer made fit for a workflow's data: every secret we sent replaced by `***`
/// in every string and key, at any depth (a server may echo a token back).
pub(crate) fn scrub_json(value: serde_json::Value, secrets: &[&Secret]) -> serde_json::Value {
    use serde_json::Value as Json;
    match value {
        Json::String(s) => Json::String(without_secrets(&s, secrets.iter().copied())),
        Json::Array(items) => {
            Json::Array(items.into_iter().map(|v| scrub_json(v, secrets)).collect())
        }
        Json::Object(map) => Json::Object(
            map.into_iter()
                .map(|(k, v)| {
                    (
                        without_secrets(&k, secrets.iter().copied()),
                        scrub_json(v, secrets),
                    )
                })
                .collect(),
        ),
        other => other,
    }
}

/// A response body as workflow data: parsed JSON when it is JSON, otherwise its text, and
/// `null` when empty.
pub(crate) fn body_value(bytes: &[u8], is_json: bool) -> serde_json::Value {
    if bytes.is_empty() {
        return serde_json::Value::Null;
    }
    if is_json {
        if let Ok(value) = serde_json::from_slice(bytes) {
            return value;
        }
    }
    serde_json::Value::String(String::from_utf8_lossy(bytes).into_owned())
}

fn one_line(text: &str, max_chars: usize) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let flat = flat.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max_chars {
        flat
    } else {
        let cut: String = flat.chars().take(max_chars).collect();
        format!("{cut}…")
    }
}

/// A header value that is never printed (reqwest omits sensitive values from Debug output).
pub(crate) fn sensitive_header(
    service: &str,
    value: &str,
) -> Result<reqwest::header::HeaderValue, ProviderError> {
    let mut header =
        reqwest::header::HeaderValue::from_str(value).map_err(|_| ProviderError::Setup {
            service: service.to_owned(),
            detail: "a saved credential contains characters that cannot be sent in an HTTP header; enter it again".to_owned(),
        })?;
    header.set_sensitive(true);
    Ok(header)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = DateTime::parse_from_rfc3339("2025-01-01T00:00:00Z")
            .expect("date")
            .with_timezone(&Utc);
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(7)));
        headers.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Wed, 01 Jan 2025 00:01:30 GMT"),
        );
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(90)));
        headers.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&headers, now), None);
    }

    #[test]
    fn scrub_removes_sent_secrets_and_flattens() {
        let token = Secret::new("xoxb-123-secret");
        let text = scrub("bad token xoxb-123-secret\nline two", [&token]);
        assert_eq!(text, "bad token *** line two");
    }

    #[test]
    fn scrub_json_reaches_every_string_and_key() {
        let token = Secret::new("tok-12345");
        let value = serde_json::json!({"echo": "Bearer tok-12345", "tok-12345": [1, "a tok-12345 b"], "n": 3});
        assert_eq!(
            scrub_json(value, &[&token]),
            serde_json::json!({"echo": "Bearer ***", "***": [1, "a *** b"], "n": 3})
        );
    }

    #[test]
    fn messages_carry_the_required_phrases() {
        let s = "Slack".to_owned();
        assert!(ProviderError::Rejected {
            service: s.clone(),
            detail: "HTTP 401".into()
        }
        .to_string()
        .contains("credentials were rejected"));
        assert!(ProviderError::RateLimited {
            service: s.clone(),
            retry_after: Some(Duration::from_secs(30))
        }
        .to_string()
        .contains("Retry-After"));
        assert!(ProviderError::ServiceFailed {
            service: s,
            status: 502
        }
        .to_string()
        .contains("the service failed (HTTP 502)"));
    }
}
