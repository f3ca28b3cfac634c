//! Demo data for the browser preview and its tests: rows a test sends (agents, past executions with their agent calls) written into the real store as the organization's own, so the pages read a history as the engine would have stored it.

use neuroflow_api::{AppError, Core};
use neuroflow_model::entities::{AgentExecution, AiAgent, WorkflowExecution};
use serde::Deserialize;

/// What `POST /dev/seed` takes: whole rows, in the entities' camelCase.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Seed {
    #[serde(default)]
    pub agents: Vec<AiAgent>,
    #[serde(default)]
    pub executions: Vec<WorkflowExecution>,
    #[serde(default)]
    pub agent_calls: Vec<AgentExecution>,
}

/// Writes the rows (agents, then executions, then their agent calls) into this core's
/// organization, made by its user; how many rows were written.
pub async fn write(core: &Core, seed: Seed) -> Result<usize, AppError> {
    let session = core.session()?;
    let org = session.identity.organization_id;
    let user = session.identity.user_id;
    let mut written = 0;
    for mut agent in seed.agents {
        agent.organization_id = org;
        agent.created_by = user;
        session.store.insert(&agent).await?;
        written += 1;
    }
    for mut execution in seed.executions {
        execution.organization_id = org;
        execution.triggered_by = Some(user);
        session.store.insert(&execution).await?;
        written += 1;
    }
    for mut call in seed.agent_calls {
        call.organization_id = org;
        session.store.insert(&call).await?;
        written += 1;
    }
    Ok(written)
}
