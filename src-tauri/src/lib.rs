//! NeuroFlow Studio's desktop shell: registers the commands, opens the local database and probes the OS keychain.

pub mod commands;
pub mod logging;

use neuroflow_api::{AppError, Core, ErrorCode, SecretsState};
use tauri::Manager;
use tauri_specta::{collect_commands, Builder};

/// The command surface, shared by the app and the bindings exporter.
pub fn specta_builder() -> Builder<tauri::Wry> {
    Builder::<tauri::Wry>::new()
        .commands(collect_commands![
            commands::app::app_info,
            commands::app::app_open_logs_folder,
            commands::app::node_kind_list,
            commands::workflows::workflow_list,
            commands::workflows::workflow_create,
            commands::workflows::workflow_rename,
            commands::workflows::workflow_set_settings,
            commands::workflows::workflow_delete,
            commands::workflows::workflow_get,
            commands::workflows::workflow_save_graph,
            commands::workflows::workflow_save_changes,
            commands::workflows::workflow_versions,
            commands::workflows::workflow_version_get,
            commands::workflows::workflow_export,
            commands::workflows::workflow_import,
            commands::blueprints::blueprint_list,
            commands::blueprints::blueprint_create,
            commands::blueprints::blueprint_update_meta,
            commands::blueprints::blueprint_delete,
            commands::blueprints::blueprint_get,
            commands::blueprints::blueprint_save_graph,
            commands::blueprints::blueprint_save_changes,
            commands::blueprints::blueprint_export,
            commands::blueprints::blueprint_import,
            commands::blueprints::blueprint_versions,
            commands::blueprints::blueprint_version_get,
            commands::blueprints::blueprint_kind_list,
            commands::blueprints::blueprint_run,
            commands::drafts::draft_put,
            commands::drafts::draft_get,
            commands::drafts::draft_clear,
            commands::runs::graph_check_changes,
            commands::runs::workflow_run,
            commands::runs::run_cancel,
            commands::runs::execution_list,
            commands::runs::execution_get,
            commands::integrations::integration_list,
            commands::integrations::integration_create,
            commands::integrations::integration_update,
            commands::integrations::integration_delete,
            commands::integrations::integration_test,
            commands::integrations::keychain_status,
            commands::integrations::keychain_use_session_memory,
            commands::agents::agent_list,
            commands::agents::agent_get,
            commands::agents::agent_defaults,
            commands::agents::agent_create,
            commands::agents::agent_update,
            commands::agents::agent_duplicate,
            commands::agents::agent_delete,
            commands::dashboard::dashboard,
            commands::orders::order_list,
            commands::orders::order_get,
            commands::orders::order_estimate,
            commands::orders::order_create,
            commands::orders::order_update,
            commands::orders::order_move,
            commands::orders::order_milestone_add,
            commands::orders::order_milestone_set_done,
            commands::orders::order_log,
            commands::orders::order_builders,
            commands::orders::order_assign,
            commands::team::team_status,
            commands::team::team_sign_in,
            commands::team::team_open,
            commands::team::team_sign_out,
            commands::team::sync_now,
            commands::team::conflict_list,
            commands::team::conflict_restore,
            commands::team::conflict_dismiss,
            commands::team::refusal_dismiss,
            commands::team::member_list,
            commands::team::member_set_role,
            commands::team::member_remove,
        ])
        .dangerously_cast_bigints_to_number()
        // One type per struct for both directions: the UI sends back exactly what it received.
        .disable_serde_phases()
}

/// Writes the TypeScript bindings the UI imports.
pub fn export_bindings(path: &std::path::Path) -> Result<(), String> {
    specta_builder()
        .export(specta_typescript::Typescript::default(), path)
        .map_err(|e| e.to_string())
}

pub fn run() {
    let builder = specta_builder();
    let result = tauri::Builder::default()
        // First: a second start of the app (a double click on its icon) shows the window that is
        // already open instead of opening the same database twice.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            tracing::info!("the app was started again: showing the window already open");
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
        }))
        // Size, position and maximized state come back at the next start.
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .on_window_event(|window, event| {
            if matches!(
                event,
                tauri::WindowEvent::Resized(_) | tauri::WindowEvent::Moved(_)
            ) {
                window_state::changed(window.app_handle());
            }
        })
        .invoke_handler(builder.invoke_handler())
        .setup(move |app| {
            builder.mount_events(app);
            let log_dir = app.path().app_log_dir().ok();
            logging::start(log_dir.as_deref());
            let secrets = SecretsState::new();
            // Probed in the background so a slow D-Bus activation cannot delay the window;
            // the Integrations page asks again (keychain_status) when it opens.
            let keychain = secrets.secrets();
            tauri::async_runtime::spawn(async move {
                let status = keychain.probe_async().await;
                if !status.is_available() {
                    tracing::warn!("{}", status.describe());
                }
            });
            let core = match app.path().app_data_dir() {
                // The team cache when the app was signed in to a team, else the offline workspace.
                Ok(dir) => {
                    tauri::async_runtime::block_on(Core::open(dir.join("neuroflow.db"), secrets))
                }
                Err(e) => {
                    let e = AppError::new(
                        ErrorCode::DatabaseUnavailable,
                        format!("cannot find the app data folder: {e}"),
                    );
                    tracing::error!("{}", e.message);
                    Core::new(Err(e), secrets)
                }
            };
            if let Some(dir) = log_dir {
                core.set_log_dir(dir);
            }
            match core.app_info() {
                Ok(info) => tracing::info!(
                    "NeuroFlow Studio {} started on {}",
                    info.version,
                    info.database_path
                ),
                Err(e) => tracing::error!(
                    "NeuroFlow Studio started without its database: {}",
                    e.message
                ),
            }
            app.manage(core);
            Ok(())
        })
        .run(tauri::generate_context!());
    if let Err(e) = result {
        tracing::error!("the window could not start: {e}");
        std::process::exit(1);
    }
}

/// Saves the window's size and position shortly after it stops changing, so a crash or a kill
/// keeps them too (the plugin itself saves when the app exits normally).
mod window_state {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::Duration;

    use tauri_plugin_window_state::{AppHandleExt, StateFlags};

    static CHANGES: AtomicU64 = AtomicU64::new(0);

    pub fn changed(app: &tauri::AppHandle) {
        let mine = CHANGES.fetch_add(1, Ordering::SeqCst) + 1;
        let app = app.clone();
        tauri::async_runtime::spawn(async move {
            tokio::time::sleep(Duration::from_millis(400)).await;
            if CHANGES.load(Ordering::SeqCst) == mine {
                if let Err(e) = app.save_window_state(StateFlags::all()) {
                    tracing::warn!("the window's size and place could not be saved: {e}");
                }
            }
        });
    }
}
