//! Integration and keychain commands: list, create, edit, delete and test integrations; the keychain's status and the consent to keep secrets in memory for this session.

use neuroflow_integrations::{
    IntegrationDraft, IntegrationError, IntegrationService, IntegrationView, KeychainStatusView,
};
use neuroflow_secrets::SecretBackend;
use tauri::State;

use crate::error::{parse_id, AppError, ErrorCode};
use crate::state::{AppState, SecretsState};

impl From<IntegrationError> for AppError {
    fn from(e: IntegrationError) -> Self {
        if let IntegrationError::Store(store) = e {
            return store.into();
        }
        let code = if e.is_keychain_unusable() {
            ErrorCode::KeychainUnavailable
        } else if matches!(e, IntegrationError::Invalid(_)) {
            ErrorCode::InvalidInput
        } else {
            ErrorCode::Internal
        };
        AppError::new(code, e.to_string())
    }
}

pub(crate) fn service(
    state: &AppState,
    secrets: &SecretsState,
) -> Result<IntegrationService, AppError> {
    let session = state.session()?;
    Ok(IntegrationService::new(
        session.store.clone(),
        secrets.secrets(),
        session.actor(),
        secrets.http()?,
    ))
}

#[tauri::command]
#[specta::specta]
pub async fn integration_list(
    state: State<'_, AppState>,
    secrets: State<'_, SecretsState>,
) -> Result<Vec<IntegrationView>, AppError> {
    Ok(service(&state, &secrets)?.list().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn integration_create(
    state: State<'_, AppState>,
    secrets: State<'_, SecretsState>,
    draft: IntegrationDraft,
) -> Result<IntegrationView, AppError> {
    Ok(service(&state, &secrets)?.create(draft).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn integration_update(
    state: State<'_, AppState>,
    secrets: State<'_, SecretsState>,
    id: String,
    draft: IntegrationDraft,
) -> Result<IntegrationView, AppError> {
    let id = parse_id("integration", &id)?;
    Ok(service(&state, &secrets)?.update(id, draft).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn integration_delete(
    state: State<'_, AppState>,
    secrets: State<'_, SecretsState>,
    id: String,
) -> Result<(), AppError> {
    let id = parse_id("integration", &id)?;
    Ok(service(&state, &secrets)?.delete(id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn integration_test(
    state: State<'_, AppState>,
    secrets: State<'_, SecretsState>,
    id: String,
) -> Result<IntegrationView, AppError> {
    let id = parse_id("integration", &id)?;
    Ok(service(&state, &secrets)?.test(id).await?)
}

/// A fresh probe each time: the keychain may have been unlocked or started since.
#[tauri::command]
#[specta::specta]
pub async fn keychain_status(
    secrets: State<'_, SecretsState>,
) -> Result<KeychainStatusView, AppError> {
    let store = secrets.secrets();
    let status = store.probe_async().await;
    Ok(KeychainStatusView::new(&status, store.backend()))
}

/// The user's explicit consent to keep secrets in memory until the app quits. Refused while
/// the keychain works: there is nothing to consent to then.
#[tauri::command]
#[specta::specta]
pub async fn keychain_use_session_memory(
    secrets: State<'_, SecretsState>,
) -> Result<KeychainStatusView, AppError> {
    let current = secrets.secrets();
    let status = current.probe_async().await;
    if current.backend() == SecretBackend::Keychain && status.is_available() {
        return Err(AppError::invalid(
            "the OS keychain is available, so secrets are kept there",
        ));
    }
    let store = secrets.use_session_memory();
    eprintln!(
        "neuroflow: secrets are kept in memory for this session only, as the user chose ({})",
        status.describe()
    );
    Ok(KeychainStatusView::new(&status, store.backend()))
}
