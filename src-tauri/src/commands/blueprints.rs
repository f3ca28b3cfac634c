//! Tool blueprint commands: list, create, edit details, delete, open and save the canvas graph, its versions, its palette, and preview runs: one-line adapters onto `neuroflow_api::Core`.

use neuroflow_api::{AppError, Core};
use neuroflow_engine::KindInfo;
use neuroflow_model::graph::{Graph, GraphChanges};
use neuroflow_model::AIToolCategory;
use neuroflow_runs::files::{self, GraphExport};
use neuroflow_runs::{RunOptions, RunUpdate};
use neuroflow_store::blueprints::{BlueprintDoc, BlueprintMeta, BlueprintSummary};
use neuroflow_store::versions::{SaveAs, VersionDoc, VersionSummary};
use tauri::ipc::Channel;
use tauri::{AppHandle, State};

use super::runs::forward;
use super::workflows::downloads;

#[tauri::command]
#[specta::specta]
pub async fn blueprint_list(
    core: State<'_, Core>,
    search: Option<String>,
    category: Option<AIToolCategory>,
) -> Result<Vec<BlueprintSummary>, AppError> {
    core.blueprint_list(search, category).await
}

#[tauri::command]
#[specta::specta]
pub async fn blueprint_create(
    core: State<'_, Core>,
    meta: BlueprintMeta,
) -> Result<BlueprintDoc, AppError> {
    core.blueprint_create(meta).await
}

#[tauri::command]
#[specta::specta]
pub async fn blueprint_update_meta(
    core: State<'_, Core>,
    id: String,
    meta: BlueprintMeta,
) -> Result<BlueprintSummary, AppError> {
    core.blueprint_update_meta(id, meta).await
}

#[tauri::command]
#[specta::specta]
pub async fn blueprint_delete(core: State<'_, Core>, id: String) -> Result<(), AppError> {
    core.blueprint_delete(id).await
}

#[tauri::command]
#[specta::specta]
pub async fn blueprint_get(core: State<'_, Core>, id: String) -> Result<BlueprintDoc, AppError> {
    core.blueprint_get(id).await
}

#[tauri::command]
#[specta::specta]
pub async fn blueprint_save_graph(
    core: State<'_, Core>,
    id: String,
    graph: Graph,
    save: SaveAs,
) -> Result<BlueprintDoc, AppError> {
    core.blueprint_save_graph(id, graph, save).await
}

/// Saves what the canvas changed since it loaded or last saved; answers with the summary (and
/// so the new signature) only.
#[tauri::command]
#[specta::specta]
pub async fn blueprint_save_changes(
    core: State<'_, Core>,
    id: String,
    changes: GraphChanges,
    save: SaveAs,
) -> Result<BlueprintSummary, AppError> {
    core.blueprint_save_changes(id, changes, save).await
}

/// Writes the blueprint's graph file into the Downloads folder (a new file, never replacing
/// one) and returns its text too.
#[tauri::command]
#[specta::specta]
pub async fn blueprint_export(
    app: AppHandle,
    core: State<'_, Core>,
    id: String,
) -> Result<GraphExport, AppError> {
    core.blueprint_export(id, downloads(&app)).await
}

/// A new blueprint from a blueprint's graph file (or React Flow JSON); `file_name` names it
/// when the file does not. All or nothing.
#[tauri::command]
#[specta::specta]
pub async fn blueprint_import(
    core: State<'_, Core>,
    contents: String,
    file_name: String,
) -> Result<files::BlueprintImportReport, AppError> {
    core.blueprint_import(contents, file_name).await
}

#[tauri::command]
#[specta::specta]
pub async fn blueprint_versions(
    core: State<'_, Core>,
    id: String,
) -> Result<Vec<VersionSummary>, AppError> {
    core.blueprint_versions(id).await
}

#[tauri::command]
#[specta::specta]
pub async fn blueprint_version_get(
    core: State<'_, Core>,
    version_id: String,
) -> Result<VersionDoc, AppError> {
    core.blueprint_version_get(version_id).await
}

/// The blueprint editor's palette: its components with their ports and config schemas.
#[tauri::command]
#[specta::specta]
pub fn blueprint_kind_list(core: State<'_, Core>) -> Result<Vec<KindInfo>, AppError> {
    core.blueprint_kind_list()
}

/// Runs the saved blueprint with `options.input` as the call's parameters; a preview, not
/// stored: `updates` gets every event, then each component's results.
#[tauri::command]
#[specta::specta]
pub async fn blueprint_run(
    core: State<'_, Core>,
    id: String,
    options: RunOptions,
    updates: Channel<RunUpdate>,
) -> Result<(), AppError> {
    core.blueprint_run(id, options, forward(updates)).await
}
