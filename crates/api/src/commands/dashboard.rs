//! The Dashboard command: the figures of the last days' runs and the open orders.

use neuroflow_store::dashboard::Dashboard;

use crate::error::AppError;
use crate::state::Core;

impl Core {
    /// `days`: how far back (1–90; out of range is brought into it).
    pub async fn dashboard(&self, days: u32) -> Result<Dashboard, AppError> {
        let s = self.session()?;
        Ok(s.store.dashboard(s.actor(), days).await?)
    }
}
