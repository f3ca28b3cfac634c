//! The engine host of the desktop app: AI agents and tool blueprints from the store; integration calls and model API keys through the integrations service (credentials in the keychain).

use std::sync::{Arc, Mutex};

use neuroflow_engine::host::scrub_json;
use neuroflow_engine::{
    AgentProfile, BlueprintGraph, CredentialRequest, EngineHost, HostFuture, IntegrationCall,
    NodeError, Secret,
};
use neuroflow_integrations::IntegrationService;
use neuroflow_model::entities::AiAgent;
use neuroflow_store::workflows::Actor;
use neuroflow_store::{Store, StoreError};
use uuid::Uuid;

/// What a run of one actor may read: that organization's agents and credentials. Without an
/// integrations service (validation, estimates) integration nodes and keys are refused.
#[derive(Clone)]
pub struct StoreHost {
    store: Store,
    actor: Actor,
    integrations: Option<IntegrationService>,
    /// Every key handed to the engine in this run: what reaches the window or the database is
    /// scrubbed of them once more, whichever node kind let one through.
    handed_out: Arc<Mutex<Vec<Secret>>>,
}

impl StoreHost {
    pub fn new(store: Store, actor: Actor, integrations: Option<IntegrationService>) -> Self {
        StoreHost {
            store,
            actor,
            integrations,
            handed_out: Arc::default(),
        }
    }

    /// `value` with every key this host handed out replaced by `***` (see [`scrub_with`]).
    pub fn scrub<T>(&self, value: T, refused: impl FnOnce() -> T) -> T
    where
        T: serde::Serialize + serde::de::DeserializeOwned,
    {
        match self.handed_out.lock() {
            Ok(secrets) => scrub_with(&secrets, value, refused),
            Err(_) => refused(),
        }
    }
}

/// `value` with every one of `secrets` replaced by `***`, in every string at any depth. The
/// value goes through JSON only when a secret is in it; should it then not come back as its
/// type, `refused` stands in for it, so a secret never passes unscrubbed.
pub fn scrub_with<T>(secrets: &[Secret], value: T, refused: impl FnOnce() -> T) -> T
where
    T: serde::Serialize + serde::de::DeserializeOwned,
{
    if secrets.is_empty() {
        return value;
    }
    match mentions_any(&value, secrets) {
        Ok(false) => return value,
        Ok(true) => {}
        Err(_) => return refused(),
    }
    let Ok(json) = serde_json::to_value(&value) else {
        return refused();
    };
    let refs: Vec<&Secret> = secrets.iter().collect();
    serde_json::from_value(scrub_json(json, &refs)).unwrap_or_else(|_| refused())
}

/// Whether `value`'s JSON holds any of the (scrubbable) secrets, looked for while it is written
/// out and kept no further than a window: a run's result can be a hundred megabytes as JSON
/// while its items share their parts in memory, and the usual answer is no. Each secret is
/// looked for as JSON writes it (escaped), so one with a quote or a backslash is found too.
fn mentions_any(value: &impl serde::Serialize, secrets: &[Secret]) -> serde_json::Result<bool> {
    let needles: Vec<Vec<u8>> = secrets
        .iter()
        .filter(|s| s.expose().len() >= 4)
        .filter_map(|s| serde_json::to_string(s.expose()).ok())
        .map(|quoted| quoted.as_bytes()[1..quoted.len() - 1].to_vec())
        .collect();
    let longest = needles.iter().map(Vec::len).max().unwrap_or(0);
    if longest == 0 {
        return Ok(false);
    }
    let mut finder = Finder {
        needles: &needles,
        keep: longest - 1,
        window: Vec::new(),
        found: false,
    };
    serde_json::to_writer(&mut finder, value)?;
    finder.scan();
    Ok(finder.found)
}

/// Looks for byte strings in what is written through it, across the writes' boundaries.
struct Finder<'a> {
    needles: &'a [Vec<u8>],
    /// Bytes of the last window kept for a needle that straddles two windows.
    keep: usize,
    window: Vec<u8>,
    found: bool,
}

impl Finder<'_> {
    const WINDOW: usize = 64 * 1024;

    fn scan(&mut self) {
        if !self.found {
            self.found = self
                .needles
                .iter()
                .any(|n| self.window.windows(n.len()).any(|w| w == n.as_slice()));
        }
        let drop = self.window.len().saturating_sub(self.keep);
        self.window.drain(..drop);
    }
}

impl std::io::Write for Finder<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if !self.found {
            self.window.extend_from_slice(buf);
            if self.window.len() >= Self::WINDOW {
                self.scan();
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl EngineHost for StoreHost {
    fn agent(&self, id: Uuid) -> HostFuture<'_, Result<AgentProfile, String>> {
        Box::pin(async move {
            let agent: AiAgent = self
                .store
                .get(Some(self.actor.organization_id), id)
                .await
                .map_err(|e| match e {
                    // No id in what a person reads: they pick agents by name.
                    StoreError::NotFound { .. } => {
                        "the AI agent this node uses does not exist in this organization (was it deleted?): choose another on the node".to_string()
                    }
                    other => format!("the AI agent this node uses could not be read: {other}"),
                })?;
            if !agent.is_active {
                return Err(format!("AI agent '{}' is switched off", agent.name));
            }
            Ok(AgentProfile {
                id: agent.id,
                name: agent.name,
                description: agent.description,
                personality: agent.personality,
                model_config: agent.model_config,
                capabilities: agent.capabilities,
            })
        })
    }

    fn blueprint(&self, id: Uuid) -> HostFuture<'_, Result<BlueprintGraph, String>> {
        Box::pin(async move {
            let doc = self
                .store
                .blueprint_get(self.actor, id)
                .await
                .map_err(|e| match e {
                    StoreError::NotFound { .. } => {
                        format!("blueprint {id} does not exist in this workspace")
                    }
                    other => format!("blueprint {id} could not be read: {other}"),
                })?;
            Ok(BlueprintGraph {
                id,
                name: doc.summary.name,
                graph: doc.graph,
            })
        })
    }

    fn credential(
        &self,
        request: CredentialRequest,
    ) -> HostFuture<'_, Result<Option<Secret>, String>> {
        Box::pin(async move {
            match (&request.credential, &request.env) {
                (None, None) => Ok(None),
                (None, Some(name)) => Err(format!(
                    "the desktop app does not read API keys from environment variables ({name}): choose a saved credential"
                )),
                (Some(reference), _) => {
                    let id: Uuid = reference.trim().parse().map_err(|_| {
                        format!("credential '{reference}' is not an integration id: choose the HTTP integration that holds the {} key", request.provider)
                    })?;
                    let integrations = self
                        .integrations
                        .as_ref()
                        .ok_or("API keys are only read when the workflow runs")?;
                    // Scoped to the integration's base URL: the engine sends it nowhere else.
                    let key = integrations.api_key(id).await?;
                    if let Ok(mut handed_out) = self.handed_out.lock() {
                        handed_out.push(key.clone());
                    }
                    Ok(Some(key))
                }
            }
        })
    }

    fn integration(
        &self,
        call: IntegrationCall,
    ) -> HostFuture<'_, Result<serde_json::Value, NodeError>> {
        Box::pin(async move {
            match &self.integrations {
                Some(service) => {
                    neuroflow_integrations::answer_integration_call(service, call).await
                }
                None => Err(NodeError::permanent(
                    "integrations are only called when the workflow runs",
                )),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use neuroflow_engine::RunEvent;

    #[test]
    fn events_and_results_are_scrubbed_of_every_key_handed_out() {
        let keys = [Secret::new("sk-one-1234"), Secret::new("tok-two-5678")];
        let event = RunEvent::NodeLog {
            node_id: Uuid::nil(),
            message: "sent sk-one-1234 and tok-two-5678".into(),
        };
        let scrubbed = scrub_with(&keys, event, || unreachable!("it scrubs"));
        assert_eq!(
            scrubbed,
            RunEvent::NodeLog {
                node_id: Uuid::nil(),
                message: "sent *** and ***".into(),
            }
        );
        let untouched = serde_json::json!({"a": ["no key here"]});
        assert_eq!(
            scrub_with(&keys, untouched.clone(), || serde_json::Value::Null),
            untouched
        );
        // A key in a value that cannot come back as its type: the stand-in is kept instead.
        let number_key = [Secret::new("12345")];
        assert_eq!(
            scrub_with(&number_key, "x12345".to_string(), String::new),
            "x***"
        );
        assert_eq!(scrub_with(&number_key, 123456u64, || 0), 123456);
        // A key JSON escapes (a quote, a backslash) is found and scrubbed too.
        let odd = [Secret::new("ab\"c\\d")];
        assert_eq!(
            scrub_with(&odd, "x ab\"c\\d y".to_string(), String::new),
            "x *** y"
        );
    }

    #[test]
    fn a_key_across_the_finders_windows_is_found() {
        let key = "sk-straddling-9876";
        let keys = [Secret::new(key)];
        for at in [
            Finder::WINDOW - 10,
            Finder::WINDOW - 1,
            Finder::WINDOW,
            3 * Finder::WINDOW + 5,
        ] {
            let text = format!("{}{key}{}", "x".repeat(at), "y".repeat(100));
            let scrubbed = scrub_with(&keys, text.clone(), String::new);
            assert!(!scrubbed.contains(key), "at {at}");
            assert_eq!(scrubbed.len(), text.len() - key.len() + 3);
        }
        let clean = "z".repeat(5 * Finder::WINDOW);
        assert!(!mentions_any(&clean, &keys).expect("writes"));
    }
}
