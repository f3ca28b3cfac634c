//! Integration and keychain commands: list, create, edit, delete and test integrations; the keychain's status and the consent to keep secrets in memory for this session: one-line adapters onto `neuroflow_api::Core`.

use neuroflow_api::{AppError, Core};
use neuroflow_integrations::{IntegrationDraft, IntegrationView, KeychainStatusView};
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn integration_list(core: State<'_, Core>) -> Result<Vec<IntegrationView>, AppError> {
    core.integration_list().await
}

#[tauri::command]
#[specta::specta]
pub async fn integration_create(
    core: State<'_, Core>,
    draft: IntegrationDraft,
) -> Result<IntegrationView, AppError> {
    core.integration_create(draft).await
}

#[tauri::command]
#[specta::specta]
pub async fn integration_update(
    core: State<'_, Core>,
    id: String,
    draft: IntegrationDraft,
) -> Result<IntegrationView, AppError> {
    core.integration_update(id, draft).await
}

#[tauri::command]
#[specta::specta]
pub async fn integration_delete(core: State<'_, Core>, id: String) -> Result<(), AppError> {
    core.integration_delete(id).await
}

#[tauri::command]
#[specta::specta]
pub async fn integration_test(
    core: State<'_, Core>,
    id: String,
) -> Result<IntegrationView, AppError> {
    core.integration_test(id).await
}

/// A fresh probe each time: the keychain may have been unlocked or started since.
#[tauri::command]
#[specta::specta]
pub async fn keychain_status(core: State<'_, Core>) -> Result<KeychainStatusView, AppError> {
    core.keychain_status().await
}

/// The user's explicit consent to keep secrets in memory until the app quits. Refused while
/// the keychain works: there is nothing to consent to then.
#[tauri::command]
#[specta::specta]
pub async fn keychain_use_session_memory(
    core: State<'_, Core>,
) -> Result<KeychainStatusView, AppError> {
    core.keychain_use_session_memory().await
}
