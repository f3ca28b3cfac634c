//! `http.request`: one HTTP call per item (reqwest, rustls); method, url, headers, query and
//! body are templated over the item. Responses are read up to a cap. A failed status says
//! whether a retry can help (429 with its Retry-After, 5xx) or not (401, 403, 400…).

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use reqwest::Url;
use serde_json::{json, Map, Value as Json};

use super::{NodeCall, NodeFuture, NodeOutput};
use crate::egress::{self, ClientKind};
use crate::error::{parse_retry_after, NodeError};
use crate::host::{scrub_json, scrub_text, CredentialRequest, Secret};
use crate::template::{item_context, Tpl};
use crate::value::Val;

pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 10 * 1024 * 1024;
/// The most `maxResponseBytes` may ask for: validation refuses more (a body is held in memory).
pub const MAX_RESPONSE_BYTES: u64 = 64 * 1024 * 1024;
/// A server that has not accepted the connection by then is not going to.
pub const DEFAULT_CONNECT_TIMEOUT_MS: u64 = 10_000;
pub const MAX_CONNECT_TIMEOUT_MS: u64 = 60_000;
/// One request, connection to last byte of the answer.
pub const DEFAULT_REQUEST_TIMEOUT_MS: u64 = 120_000;
pub const MAX_REQUEST_TIMEOUT_MS: u64 = 600_000;

pub fn schema() -> Json {
    json!({
        "type": "object",
        "properties": {
            "method": {"type": "string", "enum": ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]},
            "url": {"type": "string", "description": "template over `item`"},
            "headers": {"type": "object", "description": "name → template"},
            "query": {"type": "object", "description": "name → template"},
            "body": {"description": "JSON (templated) sent as application/json; a string is sent as text"},
            "failOnStatus": {"type": "boolean", "description": "fail on a status outside 200–299 (default true)"},
            "maxResponseBytes": {"type": "integer", "minimum": 1, "maximum": MAX_RESPONSE_BYTES},
            "credential": {"type": "string", "description": "the HTTP integration whose token is sent, only under its base URL (app)"},
            "apiKeyEnv": {"type": "string", "description": "environment variable holding a token (CLI)"},
            "authHeader": {"type": "string", "description": "header the token goes in (default Authorization, as Bearer)"},
            "connectTimeoutMs": {"type": "integer", "minimum": 1, "maximum": MAX_CONNECT_TIMEOUT_MS, "default": DEFAULT_CONNECT_TIMEOUT_MS},
            "requestTimeoutMs": {"type": "integer", "minimum": 1, "maximum": MAX_REQUEST_TIMEOUT_MS, "default": DEFAULT_REQUEST_TIMEOUT_MS, "description": "one request, connection to the answer's last byte"}
        },
        "required": ["url"]
    })
}

/// Reads a response body, failing once it passes `cap` bytes.
pub(crate) async fn read_capped(
    mut response: reqwest::Response,
    cap: usize,
) -> Result<Vec<u8>, NodeError> {
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| NodeError::new(format!("reading the response failed: {e}")))?
    {
        if body.len() + chunk.len() > cap {
            return Err(NodeError::permanent(format!(
                "the response is larger than {cap} bytes"
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The Retry-After of a response, when it has one.
pub(crate) fn retry_after_of(response: &reqwest::Response) -> Option<std::time::Duration> {
    let value = response.headers().get(reqwest::header::RETRY_AFTER)?;
    parse_retry_after(value.to_str().ok()?, Utc::now())
}

pub(crate) fn one_line(s: &str) -> String {
    let mut out: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if out.len() > 300 {
        let cut = (0..=300)
            .rev()
            .find(|i| out.is_char_boundary(*i))
            .unwrap_or(0);
        out.truncate(cut);
        out.push('…');
    }
    out
}

/// A timeout from the config: the default when absent, refused above its bound (a run must
/// not hang on one request for longer than the bound, whatever a graph says).
pub(crate) fn timeout_of(
    config: &Json,
    key: &str,
    default_ms: u64,
    max_ms: u64,
) -> Result<Duration, NodeError> {
    let ms = match config.get(key) {
        None | Some(Json::Null) => default_ms,
        Some(v) => v
            .as_u64()
            .filter(|ms| (1..=max_ms).contains(ms))
            .ok_or_else(|| {
                NodeError::permanent(format!(
                    "{key} must be a whole number of milliseconds from 1 to {max_ms}"
                ))
            })?,
    };
    Ok(Duration::from_millis(ms))
}

/// What one request may do, decided before it is sent: whether its credential may go to
/// `url` (only under its integration's base URL, over TLS unless to this computer), whether
/// `url` may be reached (an integration's own URL may be private; link-local never), and
/// so which client sends it. Requests with a credential or headers of their own follow no
/// redirect: a header must never be replayed to wherever a server points.
pub(crate) async fn client_for(
    call: &NodeCall,
    url: &Url,
    secret: Option<&Secret>,
    own_headers: bool,
    connect_timeout: Duration,
) -> Result<reqwest::Client, NodeError> {
    let integration_url = match secret {
        Some(secret) => egress::check_credential(secret, url).map_err(NodeError::permanent)?,
        None => false,
    };
    let allow_private = integration_url || call.run.http.policy().allow_private_network;
    egress::check_url(url, allow_private).await?;
    call.run
        .http
        .client(ClientKind {
            allow_private,
            follow_redirects: secret.is_none() && !own_headers,
            connect_timeout,
        })
        .map_err(NodeError::permanent)
}

pub fn run(call: Arc<NodeCall>) -> NodeFuture {
    Box::pin(async move {
        let config = call.config();
        let method_name = config
            .get("method")
            .and_then(Json::as_str)
            .unwrap_or("GET")
            .to_ascii_uppercase();
        let method = reqwest::Method::from_bytes(method_name.as_bytes())
            .map_err(|_| NodeError::permanent(format!("'{method_name}' is not an HTTP method")))?;
        let url_tpl = Tpl::compile(config.get("url").ok_or("config.url is required")?)?;
        let empty = Json::Object(Map::new());
        let headers_tpl = Tpl::compile(config.get("headers").unwrap_or(&empty))?;
        let query_tpl = Tpl::compile(config.get("query").unwrap_or(&empty))?;
        let body_tpl = config.get("body").map(Tpl::compile).transpose()?;
        let fail_on_status = config
            .get("failOnStatus")
            .and_then(Json::as_bool)
            .unwrap_or(true);
        let cap = config
            .get("maxResponseBytes")
            .and_then(Json::as_u64)
            .map(|n| n as usize)
            .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES);
        let connect_timeout = timeout_of(
            config,
            "connectTimeoutMs",
            DEFAULT_CONNECT_TIMEOUT_MS,
            MAX_CONNECT_TIMEOUT_MS,
        )?;
        let request_timeout = timeout_of(
            config,
            "requestTimeoutMs",
            DEFAULT_REQUEST_TIMEOUT_MS,
            MAX_REQUEST_TIMEOUT_MS,
        )?;
        let token = call
            .run
            .host
            .credential(CredentialRequest {
                node_id: call.node_id(),
                provider: "http".into(),
                credential: call.str_config("credential").map(str::to_string),
                env: call.str_config("apiKeyEnv").map(str::to_string),
            })
            .await?;
        // Whatever a server echoes back (headers, body, error text), the token is not kept.
        let secrets: Vec<&Secret> = token.iter().collect();
        let clean = |text: &str| scrub_text(text, &secrets);
        let auth_header = call
            .str_config("authHeader")
            .unwrap_or("Authorization")
            .to_string();
        let input = call.input_value();
        let mut out = Vec::with_capacity(call.items.len());
        for (index, item) in call.items.iter().enumerate() {
            let ctx = item_context(item, index, &input);
            let url_text = url_tpl.render_text(&ctx)?;
            let mut url = Url::parse(url_text.trim()).map_err(|e| {
                NodeError::permanent(format!("'{}' is not a URL: {e}", clean(&url_text)))
            })?;
            if let Json::Object(query) = query_tpl.render(&ctx)? {
                let mut pairs = url.query_pairs_mut();
                for (k, v) in query {
                    match v {
                        Json::String(s) => pairs.append_pair(&k, &s),
                        other => pairs.append_pair(&k, &other.to_string()),
                    };
                }
            }
            if url.query() == Some("") {
                url.set_query(None);
            }
            let headers = match headers_tpl.render(&ctx)? {
                Json::Object(headers) => headers,
                _ => Map::new(),
            };
            let shown = clean(&egress::origin_of(&url));
            let client = client_for(
                &call,
                &url,
                token.as_ref(),
                !headers.is_empty(),
                connect_timeout,
            )
            .await
            .map_err(|e| NodeError {
                message: format!("{method_name} {shown} not sent: {}", clean(&e.message)),
                ..e
            })?;
            let mut request = client.request(method.clone(), url).timeout(request_timeout);
            for (name, value) in headers {
                let value = match value {
                    Json::String(s) => s,
                    other => other.to_string(),
                };
                request = request.header(name, value);
            }
            if let Some(secret) = token.as_ref().filter(|s| s.has_key()) {
                let value = if auth_header.eq_ignore_ascii_case("authorization") {
                    format!("Bearer {}", secret.expose())
                } else {
                    secret.expose().to_string()
                };
                request = request.header(auth_header.as_str(), value);
            }
            match body_tpl.as_ref().map(|t| t.render(&ctx)).transpose()? {
                Some(Json::String(text)) => request = request.body(text),
                Some(json) => request = request.json(&json),
                None => {}
            }
            let response = request.send().await.map_err(|e| {
                NodeError::new(format!(
                    "{method_name} {shown} failed: {}",
                    one_line(&clean(&error_chain(&e.without_url())))
                ))
            })?;
            let status = response.status();
            let retry_after = retry_after_of(&response);
            let mut headers = Map::new();
            for (name, value) in response.headers() {
                headers.insert(
                    name.to_string(),
                    Json::String(String::from_utf8_lossy(value.as_bytes()).into_owned()),
                );
            }
            let headers = scrub_json(Json::Object(headers), &secrets);
            let is_json = headers
                .get("content-type")
                .and_then(Json::as_str)
                .is_some_and(|ct| ct.contains("json"));
            let bytes = read_capped(response, cap).await?;
            let body = if is_json {
                serde_json::from_slice(&bytes)
                    .unwrap_or_else(|_| Json::String(String::from_utf8_lossy(&bytes).into_owned()))
            } else {
                Json::String(String::from_utf8_lossy(&bytes).into_owned())
            };
            let body = scrub_json(body, &secrets);
            if fail_on_status && !status.is_success() {
                let detail = match &body {
                    Json::String(s) => one_line(s),
                    other => one_line(&other.to_string()),
                };
                return Err(NodeError::for_status(
                    status.as_u16(),
                    retry_after,
                    format!("{method_name} {shown} answered {status}: {detail}"),
                ));
            }
            call.log(format!("{method_name} {shown} → {}", status.as_u16()));
            out.push(Val::from(
                json!({"status": status.as_u16(), "headers": headers, "body": body}),
            ));
        }
        Ok(NodeOutput::main(out))
    })
}

/// A reqwest error with its causes (the resolver's refusal, a timeout, a TLS failure) in one
/// line: the outer text alone says only "error sending request".
pub(crate) fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let more = cause.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = cause.source();
    }
    text
}
