//! The engine host of the desktop app: AI agents from the store, credentials from the keychain through the integrations service.

use neuroflow_engine::{
    AgentProfile, BlueprintGraph, CredentialRequest, EngineHost, HostFuture, Secret,
};
use neuroflow_model::entities::AiAgent;
use neuroflow_store::workflows::Actor;
use neuroflow_store::{Store, StoreError};
use uuid::Uuid;

/// What a run of one actor may read: that organization's agents and credentials.
#[derive(Clone)]
pub struct StoreHost {
    store: Store,
    actor: Actor,
}

impl StoreHost {
    pub fn new(store: Store, actor: Actor) -> Self {
        StoreHost { store, actor }
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
                    StoreError::NotFound { .. } => format!("AI agent {id} does not exist"),
                    other => format!("AI agent {id} could not be read: {other}"),
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
        Box::pin(async move { Err(format!("blueprint {id} does not exist in this workspace")) })
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
                (Some(_), _) => Err(format!(
                    "{} API keys cannot be chosen from the keychain yet",
                    request.provider
                )),
            }
        })
    }
}
