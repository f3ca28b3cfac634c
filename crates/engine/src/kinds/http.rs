//! `http.request`: one HTTP call per item (reqwest, rustls); method, url, headers, query and
//! body are templated over the item. Responses are read up to a cap. A failed status says
//! whether a retry can help (429 with its Retry-After, 5xx) or not (401, 403, 400…).

use std::sync::Arc;

use chrono::Utc;
use serde_json::{json, Map, Value as Json};

use super::{NodeCall, NodeFuture, NodeOutput};
use crate::error::{parse_retry_after, NodeError};
use crate::host::CredentialRequest;
use crate::template::{item_context, to_value, Tpl};

pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 10 * 1024 * 1024;
/// The most `maxResponseBytes` may ask for: validation refuses more (a body is held in memory).
pub const MAX_RESPONSE_BYTES: u64 = 64 * 1024 * 1024;

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
            "credential": {"type": "string", "description": "keychain reference of a token (app)"},
            "apiKeyEnv": {"type": "string", "description": "environment variable holding a token (CLI)"},
            "authHeader": {"type": "string", "description": "header the token goes in (default Authorization, as Bearer)"}
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
        let auth_header = call
            .str_config("authHeader")
            .unwrap_or("Authorization")
            .to_string();
        let client = call.run.http_client()?;
        let input = to_value(call.run_input());
        let mut out = Vec::with_capacity(call.items.len());
        for (index, item) in call.items.iter().enumerate() {
            let ctx = item_context(item, index, &input);
            let url = url_tpl.render_text(&ctx)?;
            let mut request = client.request(method.clone(), &url);
            if let Json::Object(headers) = headers_tpl.render(&ctx)? {
                for (name, value) in headers {
                    let value = match value {
                        Json::String(s) => s,
                        other => other.to_string(),
                    };
                    request = request.header(name, value);
                }
            }
            if let Json::Object(query) = query_tpl.render(&ctx)? {
                let pairs: Vec<(String, String)> = query
                    .into_iter()
                    .map(|(k, v)| match v {
                        Json::String(s) => (k, s),
                        other => (k, other.to_string()),
                    })
                    .collect();
                request = request.query(&pairs);
            }
            if let Some(secret) = &token {
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
                    "{method_name} {url} failed: {}",
                    one_line(&e.to_string())
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
            if fail_on_status && !status.is_success() {
                let detail = match &body {
                    Json::String(s) => one_line(s),
                    other => one_line(&other.to_string()),
                };
                return Err(NodeError::for_status(
                    status.as_u16(),
                    retry_after,
                    format!("{method_name} {url} answered {status}: {detail}"),
                ));
            }
            call.log(format!("{method_name} {url} → {}", status.as_u16()));
            out.push(json!({"status": status.as_u16(), "headers": headers, "body": body}));
        }
        Ok(NodeOutput::main(out))
    })
}
