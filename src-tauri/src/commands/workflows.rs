//! Workflow commands: list, create, rename, settings, delete, open and save the canvas graph; its saved versions; export and import as files.

use neuroflow_model::graph::{Graph, GraphChanges};
use neuroflow_model::settings::WorkflowSettings;
use neuroflow_runs::files::{self, GraphExport, ImportReport};
use neuroflow_store::versions::{SaveAs, VersionDoc, VersionSummary};
use neuroflow_store::workflows::{WorkflowDoc, WorkflowSummary};
use tauri::{AppHandle, Manager, State};

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
pub async fn workflow_set_settings(
    state: State<'_, AppState>,
    id: String,
    settings: WorkflowSettings,
) -> Result<WorkflowSettings, AppError> {
    let s = state.session()?;
    Ok(s.store
        .workflow_set_settings(s.actor(), parse_id("workflow", &id)?, &settings)
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
/// `save` says how the history records it (an autosave only becomes a version at a checkpoint).
pub async fn workflow_save_graph(
    state: State<'_, AppState>,
    id: String,
    graph: Graph,
    save: SaveAs,
) -> Result<WorkflowDoc, AppError> {
    let s = state.session()?;
    Ok(s.store
        .workflow_save_graph_as(s.actor(), parse_id("workflow", &id)?, &graph, &save)
        .await?)
}

/// Saves what the canvas changed since it loaded or last saved (not the whole graph); answers
/// with the summary only.
#[tauri::command]
#[specta::specta]
pub async fn workflow_save_changes(
    state: State<'_, AppState>,
    id: String,
    changes: GraphChanges,
    save: SaveAs,
) -> Result<WorkflowSummary, AppError> {
    let s = state.session()?;
    Ok(s.store
        .workflow_save_changes(s.actor(), parse_id("workflow", &id)?, &changes, &save)
        .await?)
}

/// The workflow's saved versions, newest first.
#[tauri::command]
#[specta::specta]
pub async fn workflow_versions(
    state: State<'_, AppState>,
    id: String,
) -> Result<Vec<VersionSummary>, AppError> {
    let s = state.session()?;
    Ok(s.store
        .workflow_versions(s.actor(), parse_id("workflow", &id)?)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn workflow_version_get(
    state: State<'_, AppState>,
    version_id: String,
) -> Result<VersionDoc, AppError> {
    let s = state.session()?;
    Ok(s.store
        .workflow_version_get(s.actor(), parse_id("version", &version_id)?)
        .await?)
}

/// Writes the workflow's graph file into the Downloads folder (a new file, never replacing one)
/// and returns its text too.
#[tauri::command]
#[specta::specta]
pub async fn workflow_export(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
) -> Result<GraphExport, AppError> {
    let s = state.session()?;
    let (file, contents) = files::export(&s.store, s.actor(), parse_id("workflow", &id)?).await?;
    to_downloads(&app, &file.name, contents)
}

/// Writes a graph file's text as a new file in the Downloads folder.
pub(crate) fn to_downloads(
    app: &AppHandle,
    name: &str,
    contents: String,
) -> Result<GraphExport, AppError> {
    let file_name = files::file_name(name);
    let dir = app.path().download_dir().map_err(|e| {
        AppError::new(
            crate::error::ErrorCode::Internal,
            format!("cannot find the Downloads folder: {e}"),
        )
    })?;
    let saved = files::write_new_file(&dir, &file_name, &contents)
        .map_err(|e| AppError::new(crate::error::ErrorCode::Internal, e))?;
    Ok(GraphExport {
        file_name,
        contents,
        saved_to: Some(saved.display().to_string()),
    })
}

/// A new workflow from a graph file's text or React Flow JSON; `file_name` names it when the
/// file does not.
#[tauri::command]
#[specta::specta]
pub async fn workflow_import(
    state: State<'_, AppState>,
    contents: String,
    file_name: String,
) -> Result<ImportReport, AppError> {
    let s = state.session()?;
    let fallback = file_name
        .trim_end_matches(".json")
        .trim_end_matches(".neuroflow");
    Ok(files::import(&s.store, s.actor(), contents.as_bytes(), fallback).await?)
}
