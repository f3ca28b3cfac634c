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
        })
    }

    pub fn node_kind_list(&self) -> Result<Vec<KindInfo>, AppError> {
        Ok(neuroflow_engine::catalog())
    }
}
