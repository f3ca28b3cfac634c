//! AI agents of an organization as the Agents page sees them: the list with model, status and figures, one agent's settings (`AgentSpec`), create, edit, duplicate and delete.

use neuroflow_model::agent::{AgentSpec, Provider};
use neuroflow_model::entities::AiAgent;
use neuroflow_model::{new_id, validate, AgentStatus};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::repo::{now, ListQuery};
use crate::workflows::Actor;
use crate::{Store, StoreError};

/// One row of the Agents list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AgentSummary {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub provider: Provider,
    pub model: String,
    pub status: AgentStatus,
    pub is_active: bool,
    pub tool_count: u32,
    pub total_executions: i32,
    pub success_rate: f64,
    pub avg_response_ms: f64,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// One agent: its row's figures and its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AgentDoc {
    pub summary: AgentSummary,
    pub spec: AgentSpec,
}

fn spec_of(a: &AiAgent) -> AgentSpec {
    AgentSpec::from_columns(
        &a.name,
        &a.description,
        a.is_active,
        &a.personality,
        &a.model_config,
        &a.capabilities,
        &a.memory,
    )
}

fn doc_of(a: &AiAgent) -> AgentDoc {
    let spec = spec_of(a);
    AgentDoc {
        summary: AgentSummary {
            id: a.id,
            name: a.name.clone(),
            description: a.description.clone(),
            provider: spec.model.provider,
            model: spec.model.model.clone(),
            status: a.status,
            is_active: a.is_active,
            tool_count: u32::try_from(spec.tools.blueprint_ids.len()).unwrap_or(u32::MAX),
            total_executions: a.total_executions,
            success_rate: a.success_rate,
            avg_response_ms: a.avg_response_ms,
            updated_at: a.updated_at,
        },
        spec,
    }
}

fn write_spec(a: &mut AiAgent, spec: &AgentSpec) {
    let (personality, model_config, capabilities, memory) = spec.columns();
    a.name = spec.name.clone();
    a.description = spec.description.clone();
    a.personality = personality;
    a.model_config = model_config;
    a.capabilities = capabilities;
    a.memory = memory;
    a.is_active = spec.is_active;
}

impl Store {
    /// The organization's agents, by name; `search` matches names.
    pub async fn agent_list(
        &self,
        actor: Actor,
        search: Option<&str>,
    ) -> Result<Vec<AgentSummary>, StoreError> {
        let search = search
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| ("name", s.chars().take(200).collect()));
        let query = ListQuery {
            search,
            order_by: "name",
            descending: false,
            limit: 1000,
            ..ListQuery::in_org(actor.organization_id)
        };
        let rows: Vec<AiAgent> = self.list(&query).await?;
        Ok(rows.iter().map(|a| doc_of(a).summary).collect())
    }

    pub async fn agent_get(&self, actor: Actor, id: Uuid) -> Result<AgentDoc, StoreError> {
        let a: AiAgent = self.get(Some(actor.organization_id), id).await?;
        Ok(doc_of(&a))
    }

    /// A new agent from `spec` (validated), IDLE, made by the actor.
    pub async fn agent_create(
        &self,
        actor: Actor,
        spec: &AgentSpec,
    ) -> Result<AgentDoc, StoreError> {
        let spec = spec.validated()?;
        self.check_tools(actor, &spec).await?;
        let at = now();
        let mut a = AiAgent {
            id: new_id(),
            organization_id: actor.organization_id,
            name: String::new(),
            description: String::new(),
            personality: serde_json::Value::Null,
            model_config: serde_json::Value::Null,
            capabilities: serde_json::Value::Null,
            memory: serde_json::Value::Null,
            success_rate: 0.0,
            avg_response_ms: 0.0,
            total_executions: 0,
            status: AgentStatus::Idle,
            is_active: true,
            created_by: actor.user_id,
            created_at: at,
            updated_at: at,
            deleted_at: None,
            hlc: String::new(),
        };
        write_spec(&mut a, &spec);
        let stored = self.insert(&a).await?;
        Ok(doc_of(&stored))
    }

    /// Replaces the agent's settings with `spec` (validated); its figures and status stay.
    pub async fn agent_update(
        &self,
        actor: Actor,
        id: Uuid,
        spec: &AgentSpec,
    ) -> Result<AgentDoc, StoreError> {
        let spec = spec.validated()?;
        self.check_tools(actor, &spec).await?;
        let mut a: AiAgent = self.get(Some(actor.organization_id), id).await?;
        write_spec(&mut a, &spec);
        let stored = self.update(&a).await?;
        Ok(doc_of(&stored))
    }

    /// A copy of the agent's settings under a free name ("Name (copy)"), with fresh figures.
    pub async fn agent_duplicate(&self, actor: Actor, id: Uuid) -> Result<AgentDoc, StoreError> {
        let source = self.agent_get(actor, id).await?;
        let taken = self
            .names_like::<AiAgent>(actor.organization_id, &source.spec.name)
            .await?;
        let mut name = format!("{} (copy)", source.spec.name);
        let mut n = 2;
        while taken.contains(&name.to_lowercase()) {
            name = format!("{} (copy {n})", source.spec.name);
            n += 1;
        }
        let spec = AgentSpec {
            name: validate::name("name", &truncate(&name))?,
            ..source.spec
        };
        self.agent_create(actor, &spec).await
    }

    pub async fn agent_delete(&self, actor: Actor, id: Uuid) -> Result<(), StoreError> {
        self.delete::<AiAgent>(Some(actor.organization_id), id)
            .await
    }

    /// Every tool is a live blueprint of the organization (a tool another organization owns, or
    /// one deleted meanwhile, would be a tool the agent can never call).
    async fn check_tools(&self, actor: Actor, spec: &AgentSpec) -> Result<(), StoreError> {
        for id in &spec.tools.blueprint_ids {
            let found: Result<neuroflow_model::entities::ToolBlueprint, _> =
                self.get(Some(actor.organization_id), *id).await;
            if let Err(StoreError::NotFound { .. }) = found {
                return Err(StoreError::Invalid(format!(
                    "tool {id} is not one of this organization's blueprints (it may have been deleted)"
                )));
            }
            found?;
        }
        Ok(())
    }
}

/// A copy's name within the name limit.
fn truncate(name: &str) -> String {
    name.chars().take(validate::MAX_NAME_CHARS).collect()
}
