//! Workflow commands: list, create, rename, settings, delete, open and save the canvas graph; its saved versions; export and import as files: one-line adapters onto `neuroflow_api::Core`.

use neuroflow_api::{AppError, Core, ExportTo};
use neuroflow_model::graph::{Graph, GraphChanges};
use neuroflow_model::settings::WorkflowSettings;
use neuroflow_runs::files::{GraphExport, ImportReport};
use neuroflow_store::versions::{SaveAs, VersionDoc, VersionSummary};
use neuroflow_store::workflows::{WorkflowDoc, WorkflowSummary};
use tauri::{AppHandle, Manager, State};

#[tauri::command]
#[specta::specta]
pub async fn workflow_list(
    core: State<'_, Core>,
    search: Option<String>,
) -> Result<Vec<WorkflowSummary>, AppError> {
    core.workflow_list(search).await
}

#[tauri::command]
#[specta::specta]
pub async fn workflow_create(
    core: State<'_, Core>,
    name: String,
) -> Result<WorkflowSummary, AppError> {
    core.workflow_create(name).await
}

#[tauri::command]
#[specta::specta]
pub async fn workflow_rename(
    core: State<'_, Core>,
    id: String,
    name: String,
) -> Result<WorkflowSummary, AppError> {
    core.workflow_rename(id, name).await
}

#[tauri::command]
#[specta::specta]
pub async fn workflow_set_settings(
    core: State<'_, Core>,
    id: String,
    settings: WorkflowSettings,
) -> Result<WorkflowSettings, AppError> {
    core.workflow_set_settings(id, settings).await
}

#[tauri::command]
#[specta::specta]
pub async fn workflow_delete(core: State<'_, Core>, id: String) -> Result<(), AppError> {
    core.workflow_delete(id).await
}

#[tauri::command]
#[specta::specta]
pub async fn workflow_get(core: State<'_, Core>, id: String) -> Result<WorkflowDoc, AppError> {
    core.workflow_get(id).await
}

#[tauri::command]
#[specta::specta]
/// `save` says how the history records it (an autosave only becomes a version at a checkpoint).
pub async fn workflow_save_graph(
    core: State<'_, Core>,
    id: String,
    graph: Graph,
    save: SaveAs,
) -> Result<WorkflowDoc, AppError> {
    core.workflow_save_graph(id, graph, save).await
}

/// Saves what the canvas changed since it loaded or last saved (not the whole graph); answers
/// with the summary only.
#[tauri::command]
#[specta::specta]
pub async fn workflow_save_changes(
    core: State<'_, Core>,
    id: String,
    changes: GraphChanges,
    save: SaveAs,
) -> Result<WorkflowSummary, AppError> {
    core.workflow_save_changes(id, changes, save).await
}

/// The workflow's saved versions, newest first.
#[tauri::command]
#[specta::specta]
pub async fn workflow_versions(
    core: State<'_, Core>,
    id: String,
) -> Result<Vec<VersionSummary>, AppError> {
    core.workflow_versions(id).await
}

#[tauri::command]
#[specta::specta]
pub async fn workflow_version_get(
    core: State<'_, Core>,
    version_id: String,
) -> Result<VersionDoc, AppError> {
    core.workflow_version_get(version_id).await
}

/// Writes the workflow's graph file into the Downloads folder (a new file, never replacing one)
/// and returns its text too.
#[tauri::command]
#[specta::specta]
pub async fn workflow_export(
    app: AppHandle,
    core: State<'_, Core>,
    id: String,
) -> Result<GraphExport, AppError> {
    core.workflow_export(id, downloads(&app)).await
}

/// A new workflow from a graph file's text or React Flow JSON; `file_name` names it when the
/// file does not.
#[tauri::command]
#[specta::specta]
pub async fn workflow_import(
    core: State<'_, Core>,
    contents: String,
    file_name: String,
) -> Result<ImportReport, AppError> {
    core.workflow_import(contents, file_name).await
}

/// Exports go to a new file in the Downloads folder (a window concern: where that folder is).
pub(crate) fn downloads(app: &AppHandle) -> ExportTo {
    ExportTo::Folder(app.path().download_dir().map_err(|e| e.to_string()))
}
