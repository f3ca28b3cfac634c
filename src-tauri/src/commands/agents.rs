//! Agent commands: list, open, create, edit, duplicate and delete AI agents: one-line adapters onto `neuroflow_api::Core`.

use neuroflow_api::{AppError, Core};
use neuroflow_model::agent::AgentSpec;
use neuroflow_store::agents::{AgentDoc, AgentSummary};
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn agent_list(
    core: State<'_, Core>,
    search: Option<String>,
) -> Result<Vec<AgentSummary>, AppError> {
    core.agent_list(search).await
}

#[tauri::command]
#[specta::specta]
pub async fn agent_get(core: State<'_, Core>, id: String) -> Result<AgentDoc, AppError> {
    core.agent_get(id).await
}

#[tauri::command]
#[specta::specta]
pub fn agent_defaults(core: State<'_, Core>, name: String) -> Result<AgentSpec, AppError> {
    core.agent_defaults(name)
}

#[tauri::command]
#[specta::specta]
pub async fn agent_create(core: State<'_, Core>, spec: AgentSpec) -> Result<AgentDoc, AppError> {
    core.agent_create(spec).await
}

#[tauri::command]
#[specta::specta]
pub async fn agent_update(
    core: State<'_, Core>,
    id: String,
    spec: AgentSpec,
) -> Result<AgentDoc, AppError> {
    core.agent_update(id, spec).await
}

#[tauri::command]
#[specta::specta]
pub async fn agent_duplicate(core: State<'_, Core>, id: String) -> Result<AgentDoc, AppError> {
    core.agent_duplicate(id).await
}

#[tauri::command]
#[specta::specta]
pub async fn agent_delete(core: State<'_, Core>, id: String) -> Result<(), AppError> {
    core.agent_delete(id).await
}
