//! Tool blueprint commands: list, create, edit details, delete, open and save the canvas graph, its versions, its palette, and preview runs.

use neuroflow_engine::KindInfo;
use neuroflow_model::graph::{Graph, GraphChanges, GraphSurface};
use neuroflow_model::AIToolCategory;
use neuroflow_runs::files::{self, GraphExport};
use neuroflow_runs::{RunOptions, RunUpdate};
use neuroflow_store::blueprints::{BlueprintDoc, BlueprintMeta, BlueprintSummary};
use neuroflow_store::versions::{SaveAs, VersionDoc, VersionSummary};
use tauri::ipc::Channel;
use tauri::{AppHandle, State};

use crate::error::{parse_id, AppError};
use crate::state::{AppState, SecretsState};

#[tauri::command]
#[specta::specta]
pub async fn blueprint_list(
    state: State<'_, AppState>,
    search: Option<String>,
    category: Option<AIToolCategory>,
) -> Result<Vec<BlueprintSummary>, AppError> {
    let s = state.session()?;
    Ok(s.store
        .blueprint_list(s.actor(), search.as_deref(), category)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn blueprint_create(
    state: State<'_, AppState>,
    meta: BlueprintMeta,
) -> Result<BlueprintDoc, AppError> {
    let s = state.session()?;
    Ok(s.store.blueprint_create(s.actor(), &meta).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn blueprint_update_meta(
    state: State<'_, AppState>,
    id: String,
    meta: BlueprintMeta,
) -> Result<BlueprintSummary, AppError> {
    let s = state.session()?;
    Ok(s.store
        .blueprint_update_meta(s.actor(), parse_id("blueprint", &id)?, &meta)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn blueprint_delete(state: State<'_, AppState>, id: String) -> Result<(), AppError> {
    let s = state.session()?;
    Ok(s.store
        .blueprint_delete(s.actor(), parse_id("blueprint", &id)?)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn blueprint_get(
    state: State<'_, AppState>,
    id: String,
) -> Result<BlueprintDoc, AppError> {
    let s = state.session()?;
    Ok(s.store
        .blueprint_get(s.actor(), parse_id("blueprint", &id)?)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn blueprint_save_graph(
    state: State<'_, AppState>,
    id: String,
    graph: Graph,
    save: SaveAs,
) -> Result<BlueprintDoc, AppError> {
    let s = state.session()?;
    Ok(s.store
        .blueprint_save_graph_as(s.actor(), parse_id("blueprint", &id)?, &graph, &save)
        .await?)
}

/// Saves what the canvas changed since it loaded or last saved; answers with the summary (and
/// so the new signature) only.
#[tauri::command]
#[specta::specta]
pub async fn blueprint_save_changes(
    state: State<'_, AppState>,
    id: String,
    changes: GraphChanges,
    save: SaveAs,
) -> Result<BlueprintSummary, AppError> {
    let s = state.session()?;
    Ok(s.store
        .blueprint_save_changes(s.actor(), parse_id("blueprint", &id)?, &changes, &save)
        .await?)
}

/// Writes the blueprint's graph file into the Downloads folder (a new file, never replacing
/// one) and returns its text too.
#[tauri::command]
#[specta::specta]
pub async fn blueprint_export(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
) -> Result<GraphExport, AppError> {
    let s = state.session()?;
    let (file, contents) =
        files::export_blueprint(&s.store, s.actor(), parse_id("blueprint", &id)?).await?;
    super::workflows::to_downloads(&app, &file.name, contents)
}

/// A new blueprint from a blueprint's graph file (or React Flow JSON); `file_name` names it
/// when the file does not. All or nothing.
#[tauri::command]
#[specta::specta]
pub async fn blueprint_import(
    state: State<'_, AppState>,
    contents: String,
    file_name: String,
) -> Result<files::BlueprintImportReport, AppError> {
    let s = state.session()?;
    let fallback = file_name
        .trim_end_matches(".json")
        .trim_end_matches(".neuroflow");
    Ok(
        files::import_blueprint(&s.store, s.actor(), contents.as_bytes(), fallback)
            .await?
            .into(),
    )
}

#[tauri::command]
#[specta::specta]
pub async fn blueprint_versions(
    state: State<'_, AppState>,
    id: String,
) -> Result<Vec<VersionSummary>, AppError> {
    let s = state.session()?;
    Ok(s.store
        .blueprint_versions(s.actor(), parse_id("blueprint", &id)?)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn blueprint_version_get(
    state: State<'_, AppState>,
    version_id: String,
) -> Result<VersionDoc, AppError> {
    let s = state.session()?;
    Ok(s.store
        .blueprint_version_get(s.actor(), parse_id("version", &version_id)?)
        .await?)
}

/// The blueprint editor's palette: its components with their ports and config schemas.
#[tauri::command]
#[specta::specta]
pub fn blueprint_kind_list() -> Result<Vec<KindInfo>, AppError> {
    Ok(neuroflow_engine::catalog_for(GraphSurface::Blueprint))
}

/// Runs the saved blueprint with `options.input` as the call's parameters; a preview, not
/// stored: `updates` gets every event, then each component's results.
#[tauri::command]
#[specta::specta]
pub async fn blueprint_run(
    state: State<'_, AppState>,
    secrets: State<'_, SecretsState>,
    id: String,
    options: RunOptions,
    updates: Channel<RunUpdate>,
) -> Result<(), AppError> {
    let s = state.session()?;
    let id = parse_id("blueprint", &id)?;
    let integrations = super::integrations::service(&state, &secrets)?;
    Ok(s.runner
        .run_blueprint_streaming(s.actor(), id, options, Some(integrations), move |update| {
            let _ = updates.send(update);
        })
        .await?)
}
