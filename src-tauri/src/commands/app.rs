//! Commands about the app itself: who and where the local workspace is, the node palette: one-line adapters onto `neuroflow_api::Core`.

use neuroflow_api::{AppError, AppInfo, Core};
use neuroflow_engine::KindInfo;
use tauri::State;

#[tauri::command]
#[specta::specta]
pub fn app_info(core: State<'_, Core>) -> Result<AppInfo, AppError> {
    core.app_info()
}

#[tauri::command]
#[specta::specta]
pub fn app_open_logs_folder(core: State<'_, Core>) -> Result<(), AppError> {
    core.app_open_logs_folder()
}

#[tauri::command]
#[specta::specta]
pub fn node_kind_list(core: State<'_, Core>) -> Result<Vec<KindInfo>, AppError> {
    core.node_kind_list()
}
