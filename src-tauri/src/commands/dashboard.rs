//! The Dashboard command: a one-line adapter onto `neuroflow_api::Core`.

use neuroflow_api::{AppError, Core};
use neuroflow_store::dashboard::Dashboard;
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn dashboard(core: State<'_, Core>, days: u32) -> Result<Dashboard, AppError> {
    core.dashboard(days).await
}
