//! The engine host of the desktop app: AI agents and tool blueprints from the store; integration calls and model API keys through the integrations service (credentials in the keychain).

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
}

impl StoreHost {
    pub fn new(store: Store, actor: Actor, integrations: Option<IntegrationService>) -> Self {
        StoreHost {
            store,
            actor,
            integrations,
        }
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
                    Ok(Some(integrations.api_key(id).await?))
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
