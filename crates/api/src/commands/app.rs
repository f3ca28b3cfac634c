//! Commands about the app itself: who and where the local workspace is, the node palette.

use neuroflow_engine::KindInfo;
use serde::Serialize;

use crate::error::AppError;
use crate::state::Core;

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub organization_id: String,
    pub organization_name: String,
    pub user_id: String,
    pub user_email: String,
    pub database_path: String,
    /// The app's version.
    pub version: String,
    /// The folder of the log file, when this window writes one (the desktop app).
    pub log_folder: Option<String>,
}

impl Core {
    pub fn app_info(&self) -> Result<AppInfo, AppError> {
        let s = self.session()?;
        Ok(AppInfo {
            organization_id: s.identity.organization_id.to_string(),
            organization_name: s.identity.organization_name.clone(),
            user_id: s.identity.user_id.to_string(),
            user_email: s.identity.user_email.clone(),
            database_path: s.database_path.display().to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            log_folder: self.log_dir.get().map(|d| d.display().to_string()),
        })
    }

    /// Opens the log folder in the system's file manager.
    pub fn app_open_logs_folder(&self) -> Result<(), AppError> {
        let dir = self.log_dir.get().ok_or_else(|| {
            AppError::invalid(
                "this window writes no log file (the browser preview logs to its terminal)",
            )
        })?;
        let opener = if cfg!(target_os = "macos") {
            "open"
        } else if cfg!(target_os = "windows") {
            "explorer"
        } else {
            "xdg-open"
        };
        std::process::Command::new(opener)
            .arg(dir)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .map(|mut child| {
                // Reaped when the file manager's launcher exits.
                std::thread::spawn(move || child.wait());
            })
            .map_err(|e| {
                AppError::new(
                    crate::error::ErrorCode::Internal,
                    format!(
                        "the file manager could not be started ({opener}: {e}); the logs are in {}",
                        dir.display()
                    ),
                )
            })
    }

    pub fn node_kind_list(&self) -> Result<Vec<KindInfo>, AppError> {
        Ok(neuroflow_engine::catalog())
    }
}
