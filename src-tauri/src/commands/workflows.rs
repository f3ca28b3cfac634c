//! Workflow commands: list, create, rename, delete, open and save the canvas graph.

use neuroflow_model::graph::Graph;
use neuroflow_store::workflows::{WorkflowDoc, WorkflowSummary};
use tauri::State;

use crate::error::{parse_id, AppError};
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub async fn workflow_list(
    state: State<'_, AppState>,
    search: Option<String>,
) -> Result<Vec<WorkflowSummary>, AppError> {
    let s = state.session()?;
    Ok(s.store.workflow_list(s.actor(), search.as_deref()).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn workflow_create(
    state: State<'_, AppState>,
    name: String,
) -> Result<WorkflowSummary, AppError> {
    let s = state.session()?;
    Ok(s.store.workflow_create(s.actor(), &name).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn workflow_rename(
    state: State<'_, AppState>,
    id: String,
    name: String,
) -> Result<WorkflowSummary, AppError> {
    let s = state.session()?;
    Ok(s.store
        .workflow_rename(s.actor(), parse_id("workflow", &id)?, &name)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn workflow_delete(state: State<'_, AppState>, id: String) -> Result<(), AppError> {
    let s = state.session()?;
    Ok(s.store
        .workflow_delete(s.actor(), parse_id("workflow", &id)?)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn workflow_get(state: State<'_, AppState>, id: String) -> Result<WorkflowDoc, AppError> {
    let s = state.session()?;
    Ok(s.store
        .workflow_get(s.actor(), parse_id("workflow", &id)?)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn workflow_save_graph(
    state: State<'_, AppState>,
    id: String,
    graph: Graph,
) -> Result<WorkflowDoc, AppError> {
    let s = state.session()?;
    Ok(s.store
        .workflow_save_graph(s.actor(), parse_id("workflow", &id)?, &graph)
        .await?)
}
