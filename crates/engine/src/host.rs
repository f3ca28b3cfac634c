//! What the engine asks of its host (the desktop app or the CLI): AI agent rows, blueprint
//! sub-graphs and credentials. Secrets cross this boundary in a type that never prints them.

use std::future::Future;
use std::pin::Pin;

use neuroflow_model::graph::Graph;
use serde_json::Value as Json;
use uuid::Uuid;

pub type HostFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// An API key or token. Debug and Display show only that it is redacted; it is never
/// serialized, logged nor put in an event.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, for the one header that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
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
    fn a_secret_never_prints() {
        let s = Secret::new("sk-very-secret");
        assert!(!format!("{s:?}").contains("sk-"));
        assert_eq!(s.expose(), "sk-very-secret");
    }
}
