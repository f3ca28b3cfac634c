//! Agent commands: list, open, create, edit, duplicate and delete an organization's AI agents.

use neuroflow_model::agent::{new_agent, AgentSpec};
use neuroflow_store::agents::{AgentDoc, AgentSummary};

use crate::error::{parse_id, AppError};
use crate::state::Core;

impl Core {
    pub async fn agent_list(&self, search: Option<String>) -> Result<Vec<AgentSummary>, AppError> {
        let s = self.session()?;
        Ok(s.store.agent_list(s.actor(), search.as_deref()).await?)
    }

    pub async fn agent_get(&self, id: String) -> Result<AgentDoc, AppError> {
        let s = self.session()?;
        Ok(s.store
            .agent_get(s.actor(), parse_id("agent", &id)?)
            .await?)
    }

    /// The settings a new agent starts from (the form's defaults come from the core).
    pub fn agent_defaults(&self, name: String) -> Result<AgentSpec, AppError> {
        Ok(new_agent(&name))
    }

    pub async fn agent_create(&self, spec: AgentSpec) -> Result<AgentDoc, AppError> {
        let s = self.session()?;
        Ok(s.store.agent_create(s.actor(), &spec).await?)
    }

    pub async fn agent_update(&self, id: String, spec: AgentSpec) -> Result<AgentDoc, AppError> {
        let s = self.session()?;
        Ok(s.store
            .agent_update(s.actor(), parse_id("agent", &id)?, &spec)
            .await?)
    }

    pub async fn agent_duplicate(&self, id: String) -> Result<AgentDoc, AppError> {
        let s = self.session()?;
        Ok(s.store
            .agent_duplicate(s.actor(), parse_id("agent", &id)?)
            .await?)
    }

    pub async fn agent_delete(&self, id: String) -> Result<(), AppError> {
        let s = self.session()?;
        Ok(s.store
            .agent_delete(s.actor(), parse_id("agent", &id)?)
            .await?)
    }
}
