//! What the engine asks of its host (the desktop app or the CLI): AI agent rows, blueprint
//! sub-graphs, credentials, and integration calls. Secrets cross this boundary in a type that
//! never prints them; integration calls need none: the host makes them with its own.

use std::future::Future;
use std::pin::Pin;

use neuroflow_model::graph::Graph;
use neuroflow_model::IntegrationProvider;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use uuid::Uuid;

use crate::error::NodeError;

pub type HostFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// An API key or token. Debug and Display show only that it is redacted; it is never
/// serialized, logged nor put in an event. A key saved on an integration carries that
/// integration's name and base URL: it is sent nowhere else.
#[derive(Clone)]
pub struct Secret {
    value: String,
    scope: Option<CredentialScope>,
}

/// Where a saved key may be sent: under its integration's base URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialScope {
    /// The integration's name, for messages.
    pub name: String,
    pub base_url: String,
}

impl Secret {
    /// A key with no saved place (the CLI's environment variable): sent only over TLS or to
    /// this computer.
    pub fn new(value: impl Into<String>) -> Self {
        Self {
            value: value.into(),
            scope: None,
        }
    }

    /// A key saved on an integration: sent only under `scope.base_url`.
    pub fn scoped(value: impl Into<String>, scope: CredentialScope) -> Self {
        Self {
            value: value.into(),
            scope: Some(scope),
        }
    }

    /// An integration without auth (a local model server): no key to send, only the base URL
    /// its requests may go to, which may then be this computer or the LAN.
    pub fn without_key(scope: CredentialScope) -> Self {
        Self {
            value: String::new(),
            scope: Some(scope),
        }
    }

    /// Whether there is a key to send (see [`Secret::without_key`]).
    pub fn has_key(&self) -> bool {
        !self.value.is_empty()
    }

    /// The secret itself, for the one header that needs it.
    pub fn expose(&self) -> &str {
        &self.value
    }

    pub fn scope(&self) -> Option<&CredentialScope> {
        self.scope.as_ref()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// Shorter values are not scrubbed: replacing "a" everywhere would garble text, hide nothing.
const MIN_SCRUBBED_LEN: usize = 4;
pub const REDACTED: &str = "***";

/// `text` with every occurrence of each secret replaced by `***` (a server may echo a key).
pub fn scrub_text(text: &str, secrets: &[&Secret]) -> String {
    let mut out = text.to_string();
    for secret in secrets {
        if secret.value.len() >= MIN_SCRUBBED_LEN && out.contains(secret.value.as_str()) {
            out = out.replace(secret.value.as_str(), REDACTED);
        }
    }
    out
}

/// `value` with every secret replaced in every string and key, at any depth.
pub fn scrub_json(value: Json, secrets: &[&Secret]) -> Json {
    if secrets.is_empty() {
        return value;
    }
    match value {
        Json::String(s) => Json::String(scrub_text(&s, secrets)),
        Json::Array(items) => {
            Json::Array(items.into_iter().map(|v| scrub_json(v, secrets)).collect())
        }
        Json::Object(map) => Json::Object(
            map.into_iter()
                .map(|(k, v)| (scrub_text(&k, secrets), scrub_json(v, secrets)))
                .collect(),
        ),
        other => other,
    }
}

/// Which key a node needs: `credential` is a keychain reference the app resolves, `env` the
/// name of an environment variable the CLI reads. The engine itself reads neither.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialRequest {
    pub node_id: Uuid,
    pub provider: String,
    pub credential: Option<String>,
    pub env: Option<String>,
}

/// The parts of an `ai_agents` row an `ai.agent` node needs.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentProfile {
    pub id: Uuid,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub personality: Json,
    #[serde(default)]
    pub model_config: Json,
    #[serde(default)]
    pub capabilities: Json,
}

/// A tool blueprint as a sub-graph: its `blueprint.input` (or trigger) nodes receive the
/// caller's items and its `output` nodes give the call's result.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BlueprintGraph {
    pub id: Uuid,
    pub name: String,
    #[serde(flatten)]
    pub graph: Graph,
}

/// One provider call of an integration node, for one item, with its config already
/// templated over the item. The host loads the integration (settings and credentials) and
/// performs it; the engine never sees the credentials.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IntegrationCall {
    pub node_id: Uuid,
    /// The `integrations` row the node names (`config.integrationId`).
    pub integration_id: Uuid,
    pub action: IntegrationAction,
}

impl IntegrationCall {
    /// The provider the integration must be: the one whose action the node asks for.
    pub fn provider(&self) -> IntegrationProvider {
        self.action.provider()
    }
}

/// What an integration node asks the provider to do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "action",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum IntegrationAction {
    /// Slack `chat.postMessage`. No channel means the integration's default channel.
    SlackPostMessage {
        channel: Option<String>,
        text: String,
        thread_ts: Option<String>,
    },
    /// Gmail `users.messages.send` of a plain-text email.
    GmailSend {
        to: Vec<String>,
        cc: Vec<String>,
        subject: String,
        body: String,
    },
    /// A POST of `body` as JSON to the integration's webhook URL, signed when it has a
    /// signing secret.
    WebhookPost { body: Json },
    /// A request under the integration's base URL, with its auth.
    HttpRequest(HttpAction),
}

impl IntegrationAction {
    pub fn provider(&self) -> IntegrationProvider {
        match self {
            IntegrationAction::SlackPostMessage { .. } => IntegrationProvider::Slack,
            IntegrationAction::GmailSend { .. } => IntegrationProvider::Gmail,
            IntegrationAction::WebhookPost { .. } => IntegrationProvider::Webhook,
            IntegrationAction::HttpRequest(_) => IntegrationProvider::Http,
        }
    }
}

/// An `integration.http` request: `path` (and `query`) under the integration's base URL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HttpAction {
    pub method: String,
    /// Starts with `/`; appended to the base URL.
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    /// JSON is sent as application/json, a string as text; `None` sends no body.
    pub body: Option<Json>,
    /// Fail on a status outside 200–299 (otherwise the status is the output's).
    pub fail_on_status: bool,
    /// A longer response fails the call.
    pub max_response_bytes: usize,
}

/// Implemented by the app (database + keychain) and by the CLI (graph file + environment).
/// Errors are one-line messages shown on the failing node.
pub trait EngineHost: Send + Sync {
    fn agent(&self, id: Uuid) -> HostFuture<'_, Result<AgentProfile, String>>;
    fn blueprint(&self, id: Uuid) -> HostFuture<'_, Result<BlueprintGraph, String>>;
    /// `Ok(None)` when the node asks for no key (a local Ollama, an open API).
    fn credential(
        &self,
        request: CredentialRequest,
    ) -> HostFuture<'_, Result<Option<Secret>, String>>;

    /// Performs an integration node's call and gives its output item. A host without
    /// integrations (the CLI) keeps this default, which refuses in one line; the error says
    /// whether a retry can help (a rate limit, a server failure) or not (rejected credentials).
    fn integration(&self, call: IntegrationCall) -> HostFuture<'_, Result<Json, NodeError>> {
        Box::pin(async move {
            Err(NodeError::permanent(format!(
                "integrations run in the desktop app; this host cannot reach integration {} ({})",
                call.integration_id,
                call.provider()
            )))
        })
    }
}

/// A host with no agents, no blueprints and no credentials: enough for graphs that use none.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoHost;

impl EngineHost for NoHost {
    fn agent(&self, id: Uuid) -> HostFuture<'_, Result<AgentProfile, String>> {
        Box::pin(async move { Err(format!("AI agent {id} is not known to this host")) })
    }

    fn blueprint(&self, id: Uuid) -> HostFuture<'_, Result<BlueprintGraph, String>> {
        Box::pin(async move { Err(format!("blueprint {id} is not known to this host")) })
    }

    fn credential(
        &self,
        request: CredentialRequest,
    ) -> HostFuture<'_, Result<Option<Secret>, String>> {
        Box::pin(async move {
            if request.credential.is_some() || request.env.is_some() {
                Err("this host holds no credentials".to_string())
            } else {
                Ok(None)
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrubbing_reaches_every_string_and_key() {
        let s = Secret::new("sk-canary-1");
        let v = serde_json::json!({"h": {"authorization": "Bearer sk-canary-1"}, "sk-canary-1": [1, "x sk-canary-1 y"]});
        let out = scrub_json(v, &[&s]).to_string();
        assert!(!out.contains("sk-canary-1"), "{out}");
        assert_eq!(out.matches(REDACTED).count(), 3, "{out}");
        assert_eq!(scrub_text("abc", &[&Secret::new("a")]), "abc");
    }

    #[test]
    fn a_secret_never_prints() {
        let s = Secret::new("sk-very-secret");
        assert!(!format!("{s:?}").contains("sk-"));
        assert_eq!(s.expose(), "sk-very-secret");
    }
}
