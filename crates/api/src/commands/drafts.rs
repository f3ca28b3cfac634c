//! Draft commands: keep, read and clear the canvas's unsaved changes in the local database (so a crash loses no edit).

use neuroflow_model::graph::{GraphChanges, GraphSurface};
use neuroflow_store::drafts::Draft;

use crate::error::{parse_id, AppError};
use crate::state::Core;

impl Core {
    pub async fn draft_put(
        &self,
        owner_id: String,
        surface: GraphSurface,
        base_version: i32,
        changes: GraphChanges,
    ) -> Result<(), AppError> {
        let s = self.session()?;
        Ok(s.store
            .draft_put(
                parse_id("document", &owner_id)?,
                surface,
                base_version,
                &changes,
            )
            .await?)
    }

    pub async fn draft_get(&self, owner_id: String) -> Result<Option<Draft>, AppError> {
        let s = self.session()?;
        Ok(s.store
            .draft_get(s.actor().organization_id, parse_id("document", &owner_id)?)
            .await?)
    }

    pub async fn draft_clear(&self, owner_id: String) -> Result<(), AppError> {
        let s = self.session()?;
        Ok(s.store
            .draft_clear(parse_id("document", &owner_id)?)
            .await?)
    }
}
