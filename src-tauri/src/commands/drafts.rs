//! Draft commands: keep, read and clear the canvas's unsaved changes in the local database (so a crash loses no edit): one-line adapters onto `neuroflow_api::Core`.

use neuroflow_api::{AppError, Core};
use neuroflow_model::graph::{GraphChanges, GraphSurface};
use neuroflow_store::drafts::Draft;
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn draft_put(
    core: State<'_, Core>,
    owner_id: String,
    surface: GraphSurface,
    base_version: i32,
    changes: GraphChanges,
) -> Result<(), AppError> {
    core.draft_put(owner_id, surface, base_version, changes)
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn draft_get(core: State<'_, Core>, owner_id: String) -> Result<Option<Draft>, AppError> {
    core.draft_get(owner_id).await
}

#[tauri::command]
#[specta::specta]
pub async fn draft_clear(core: State<'_, Core>, owner_id: String) -> Result<(), AppError> {
    core.draft_clear(owner_id).await
}
