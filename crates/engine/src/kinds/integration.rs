//! Integration nodes (`integration.slack`, `integration.gmail`, `integration.webhook`, `integration.http`): one provider call per item, with the config templated over the item, performed by the host with the integration's credentials.

use std::sync::Arc;

use minijinja::Value;
use serde_json::{json, Map, Value as Json};
use uuid::Uuid;

use super::http::{DEFAULT_MAX_RESPONSE_BYTES, MAX_RESPONSE_BYTES};
use super::{NodeCall, NodeFuture, NodeOutput, NodeRun};
use crate::error::NodeError;
use crate::host::{HttpAction, IntegrationAction, IntegrationCall};
use crate::template::{item_context, Tpl};
use crate::value::Val;

pub const SLACK_REQUIRED: &[&str] = &["integrationId", "text"];
pub const GMAIL_REQUIRED: &[&str] = &["integrationId", "to", "subject", "body"];
pub const WEBHOOK_REQUIRED: &[&str] = &["integrationId"];
pub const HTTP_REQUIRED: &[&str] = &["integrationId", "method", "path"];

/// The methods `integration.http` sends.
pub const HTTP_METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"];

fn integration_id_property() -> Json {
    json!({"type": "string", "format": "uuid", "description": "the integration (Integrations page) whose settings and credentials the calls use"})
}

pub fn slack_schema() -> Json {
    json!({
        "type": "object",
        "properties": {
            "integrationId": integration_id_property(),
            "channel": {"type": "string", "description": "channel name or id (template); the integration's default channel when left out"},
            "text": {"type": "string", "description": "the message (template over `item`)"},
            "threadTs": {"type": "string", "description": "reply in the thread of this message ts (template)"}
        },
        "required": SLACK_REQUIRED
    })
}

pub fn gmail_schema() -> Json {
    json!({
        "type": "object",
        "properties": {
            "integrationId": integration_id_property(),
            "to": {"type": ["string", "array"], "description": "addresses, comma-separated or an array (templates)"},
            "cc": {"type": ["string", "array"], "description": "addresses, comma-separated or an array (templates)"},
            "subject": {"type": "string", "description": "template over `item`"},
            "body": {"type": "string", "description": "plain text (template over `item`)"}
        },
        "required": GMAIL_REQUIRED
    })
}

pub fn webhook_schema() -> Json {
    json!({
        "type": "object",
        "properties": {
            "integrationId": integration_id_property(),
            "body": {"description": "JSON to POST (templated); the item itself when left out"}
        },
        "required": WEBHOOK_REQUIRED
    })
}

pub fn http_schema() -> Json {
    json!({
        "type": "object",
        "properties": {
            "integrationId": integration_id_property(),
            "method": {"type": "string", "enum": HTTP_METHODS},
            "path": {"type": "string", "description": "appended to the integration's base URL, starting with / (template)"},
            "query": {"type": "object", "description": "name → template"},
            "headers": {"type": "object", "description": "name → template; the auth header is the integration's"},
            "body": {"description": "JSON (templated) sent as application/json; a string is sent as text"},
            "failOnStatus": {"type": "boolean", "description": "fail on a status outside 200–299 (default true)"},
            "maxResponseBytes": {"type": "integer", "minimum": 1, "maximum": MAX_RESPONSE_BYTES}
        },
        "required": HTTP_REQUIRED
    })
}

/// The integration a node's config names.
pub fn integration_id(config: &Json) -> Option<Uuid> {
    config
        .get("integrationId")
        .and_then(Json::as_str)
        .and_then(|s| s.trim().parse().ok())
}

fn compile(value: &Json) -> Result<Tpl<'_>, NodeError> {
    Tpl::compile(value).map_err(NodeError::permanent)
}

fn render(tpl: &Tpl<'_>, ctx: &Value) -> Result<Json, NodeError> {
    tpl.render(ctx).map_err(NodeError::permanent)
}

/// Renders to text; `null` (a missing field) gives the empty string.
fn render_text(tpl: &Tpl<'_>, ctx: &Value) -> Result<String, NodeError> {
    Ok(match render(tpl, ctx)? {
        Json::Null => String::new(),
        Json::String(s) => s,
        other => other.to_string(),
    })
}

fn optional_text(tpl: Option<&Tpl<'_>>, ctx: &Value) -> Result<Option<String>, NodeError> {
    let Some(tpl) = tpl else { return Ok(None) };
    let text = render_text(tpl, ctx)?;
    Ok(Some(text.trim().to_string()).filter(|t| !t.is_empty()))
}

fn required_text(tpl: &Tpl<'_>, ctx: &Value, key: &str, index: usize) -> Result<String, NodeError> {
    let text = render_text(tpl, ctx)?;
    if text.trim().is_empty() {
        return Err(NodeError::permanent(format!(
            "config.{key} is empty for item {index}"
        )));
    }
    Ok(text)
}

/// Addresses from a comma-separated string or an array of strings.
fn addresses(tpl: Option<&Tpl<'_>>, ctx: &Value) -> Result<Vec<String>, NodeError> {
    let Some(tpl) = tpl else {
        return Ok(Vec::new());
    };
    let parts: Vec<String> = match render(tpl, ctx)? {
        Json::Null => Vec::new(),
        Json::String(s) => s.split(',').map(str::to_string).collect(),
        Json::Array(items) => items
            .into_iter()
            .map(|v| match v {
                Json::String(s) => s,
                other => other.to_string(),
            })
            .collect(),
        other => vec![other.to_string()],
    };
    Ok(parts
        .into_iter()
        .map(|a| a.trim().to_string())
        .filter(|a| !a.is_empty())
        .collect())
}

/// An object of name → value rendered to pairs of text.
fn pairs(tpl: &Tpl<'_>, ctx: &Value) -> Result<Vec<(String, String)>, NodeError> {
    Ok(match render(tpl, ctx)? {
        Json::Object(map) => map
            .into_iter()
            .map(|(k, v)| match v {
                Json::String(s) => (k, s),
                other => (k, other.to_string()),
            })
            .collect(),
        _ => Vec::new(),
    })
}

/// Calls the host once per item that no earlier attempt finished, building each call's action
/// from the item's template context, and gathers the outputs in item order.
async fn each_item(
    call: &NodeCall,
    mut action_for: impl FnMut(&Value, usize) -> Result<IntegrationAction, NodeError>,
) -> NodeRun {
    let integration_id = integration_id(call.config()).ok_or_else(|| {
        NodeError::permanent("config.integrationId must be the id of an integration")
    })?;
    let input = call.input_value();
    let mut outputs = call.completed_items();
    if !outputs.is_empty() {
        call.log(format!(
            "resuming after the {} item(s) an earlier attempt finished",
            outputs.len()
        ));
    }
    for (index, item) in call.items.iter().enumerate().skip(outputs.len()) {
        let ctx = item_context(item, index, &input);
        let action = action_for(&ctx, index)?;
        let summary = summary(&action);
        let output = call
            .run
            .host
            .integration(IntegrationCall {
                node_id: call.node_id(),
                integration_id,
                action,
            })
            .await
            .map(Val::from)?;
        match output.get("status").and_then(Val::as_u64) {
            Some(status) => call.log(format!("{summary} → {status}")),
            None => call.log(summary),
        }
        call.complete_item(output.clone());
        outputs.push(output);
    }
    Ok(NodeOutput::main(outputs))
}

/// A log line for a call: what it did and where, never what it carried.
fn summary(action: &IntegrationAction) -> String {
    match action {
        IntegrationAction::SlackPostMessage { channel, .. } => format!(
            "Slack chat.postMessage to {}",
            channel.as_deref().unwrap_or("the default channel")
        ),
        IntegrationAction::GmailSend { to, cc, .. } => {
            format!("Gmail send to {} recipient(s)", to.len() + cc.len())
        }
        IntegrationAction::WebhookPost { .. } => "webhook POST".to_string(),
        IntegrationAction::HttpRequest(http) => format!("{} {}", http.method, http.path),
    }
}

fn config_value<'a>(config: &'a Json, key: &str) -> Result<Option<Tpl<'a>>, NodeError> {
    config
        .get(key)
        .filter(|v| !v.is_null())
        .map(compile)
        .transpose()
}

fn required_value<'a>(config: &'a Json, key: &str) -> Result<Tpl<'a>, NodeError> {
    config_value(config, key)?
        .ok_or_else(|| NodeError::permanent(format!("config.{key} is required")))
}

pub fn slack(call: Arc<NodeCall>) -> NodeFuture {
    Box::pin(async move {
        let config = call.config();
        let channel = config_value(config, "channel")?;
        let text = required_value(config, "text")?;
        let thread_ts = config_value(config, "threadTs")?;
        each_item(&call, |ctx, index| {
            Ok(IntegrationAction::SlackPostMessage {
                channel: optional_text(channel.as_ref(), ctx)?,
                text: required_text(&text, ctx, "text", index)?,
                thread_ts: optional_text(thread_ts.as_ref(), ctx)?,
            })
        })
        .await
    })
}

pub fn gmail(call: Arc<NodeCall>) -> NodeFuture {
    Box::pin(async move {
        let config = call.config();
        let to = required_value(config, "to")?;
        let cc = config_value(config, "cc")?;
        let subject = required_value(config, "subject")?;
        let body = required_value(config, "body")?;
        each_item(&call, |ctx, index| {
            let to = addresses(Some(&to), ctx)?;
            if to.is_empty() {
                return Err(NodeError::permanent(format!(
                    "config.to gives no address for item {index}"
                )));
            }
            Ok(IntegrationAction::GmailSend {
                to,
                cc: addresses(cc.as_ref(), ctx)?,
                subject: required_text(&subject, ctx, "subject", index)?,
                body: render_text(&body, ctx)?,
            })
        })
        .await
    })
}

pub fn webhook(call: Arc<NodeCall>) -> NodeFuture {
    Box::pin(async move {
        let body = config_value(call.config(), "body")?;
        let items = call.items.clone();
        each_item(&call, |ctx, index| {
            let body = match &body {
                Some(tpl) => render(tpl, ctx)?,
                None => items.get(index).map(Val::to_json).unwrap_or(Json::Null),
            };
            Ok(IntegrationAction::WebhookPost { body })
        })
        .await
    })
}

pub fn http(call: Arc<NodeCall>) -> NodeFuture {
    Box::pin(async move {
        let config = call.config();
        let method = call
            .str_config("method")
            .map(str::to_ascii_uppercase)
            .ok_or_else(|| NodeError::permanent("config.method is required"))?;
        if !HTTP_METHODS.contains(&method.as_str()) {
            return Err(NodeError::permanent(format!(
                "config.method '{method}' is not one of {}",
                HTTP_METHODS.join(", ")
            )));
        }
        let path = required_value(config, "path")?;
        let empty = Json::Object(Map::new());
        let query = compile(config.get("query").unwrap_or(&empty))?;
        let headers = compile(config.get("headers").unwrap_or(&empty))?;
        let body = config_value(config, "body")?;
        let fail_on_status = config
            .get("failOnStatus")
            .and_then(Json::as_bool)
            .unwrap_or(true);
        let max_response_bytes = config
            .get("maxResponseBytes")
            .and_then(Json::as_u64)
            .map(|n| usize::try_from(n).unwrap_or(usize::MAX))
            .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES);
        each_item(&call, |ctx, index| {
            let path = required_text(&path, ctx, "path", index)?;
            if !path.starts_with('/') {
                return Err(NodeError::permanent(format!(
                    "config.path must start with / (it is appended to the integration's base URL); item {index} gives '{}'",
                    path.chars().take(60).collect::<String>()
                )));
            }
            Ok(IntegrationAction::HttpRequest(HttpAction {
                method: method.clone(),
                path,
                query: pairs(&query, ctx)?,
                headers: pairs(&headers, ctx)?,
                body: body.as_ref().map(|b| render(b, ctx)).transpose()?,
                fail_on_status,
                max_response_bytes,
            }))
        })
        .await
    })
}
