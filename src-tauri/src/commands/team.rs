//! Team commands: sign in and out of a team database, the sync status and "Sync now", conflicts and their restore, members and their roles: one-line adapters onto `neuroflow_api::Core`.

use neuroflow_api::commands::team::{MemberList, RestoreSide, SignInResult, TeamStatus};
use neuroflow_api::{AppError, Core};
use neuroflow_sync::conflicts::ConflictView;
use neuroflow_sync::connect::TeamConnection;
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn team_status(core: State<'_, Core>) -> Result<TeamStatus, AppError> {
    core.team_status().await
}

#[tauri::command]
#[specta::specta]
pub async fn team_sign_in(
    core: State<'_, Core>,
    connection: TeamConnection,
    password: String,
) -> Result<SignInResult, AppError> {
    core.team_sign_in(connection, password).await
}

#[tauri::command]
#[specta::specta]
pub async fn team_open(
    core: State<'_, Core>,
    connection: TeamConnection,
    organization_id: String,
) -> Result<TeamStatus, AppError> {
    core.team_open(connection, organization_id).await
}

#[tauri::command]
#[specta::specta]
pub async fn team_sign_out(
    core: State<'_, Core>,
    keep_local_copy: bool,
) -> Result<TeamStatus, AppError> {
    core.team_sign_out(keep_local_copy).await
}

#[tauri::command]
#[specta::specta]
pub async fn sync_now(core: State<'_, Core>) -> Result<TeamStatus, AppError> {
    core.sync_now().await
}

#[tauri::command]
#[specta::specta]
pub async fn conflict_list(
    core: State<'_, Core>,
    include_resolved: bool,
) -> Result<Vec<ConflictView>, AppError> {
    core.conflict_list(include_resolved).await
}

#[tauri::command]
#[specta::specta]
pub async fn conflict_restore(
    core: State<'_, Core>,
    id: String,
    side: RestoreSide,
) -> Result<ConflictView, AppError> {
    core.conflict_restore(id, side).await
}

#[tauri::command]
#[specta::specta]
pub async fn conflict_dismiss(core: State<'_, Core>, id: String) -> Result<(), AppError> {
    core.conflict_dismiss(id).await
}

#[tauri::command]
#[specta::specta]
pub async fn refusal_dismiss(core: State<'_, Core>, id: String) -> Result<TeamStatus, AppError> {
    core.refusal_dismiss(id).await
}

#[tauri::command]
#[specta::specta]
pub async fn member_list(core: State<'_, Core>) -> Result<MemberList, AppError> {
    core.member_list().await
}

#[tauri::command]
#[specta::specta]
pub async fn member_set_role(
    core: State<'_, Core>,
    id: String,
    role: String,
) -> Result<MemberList, AppError> {
    core.member_set_role(id, role).await
}

#[tauri::command]
#[specta::specta]
pub async fn member_remove(core: State<'_, Core>, id: String) -> Result<MemberList, AppError> {
    core.member_remove(id).await
}
