//! Tool blueprint commands: list, create, edit details, delete, open and save the canvas graph, its versions, its palette, and preview runs.

use neuroflow_engine::KindInfo;
use neuroflow_model::graph::{Graph, GraphChanges, GraphSurface};
use neuroflow_model::AIToolCategory;
use neuroflow_runs::files::{self, GraphExport};
use neuroflow_runs::{RunOptions, RunUpdate};
use neuroflow_store::blueprints::{BlueprintDoc, BlueprintMeta, BlueprintSummary};
use neuroflow_store::versions::{SaveAs, VersionDoc, VersionSummary};

use super::workflows::ExportTo;
use crate::error::{parse_id, AppError};
use crate::state::Core;

impl Core {
    pub async fn blueprint_list(
        &self,
        search: Option<String>,
        category: Option<AIToolCategory>,
    ) -> Result<Vec<BlueprintSummary>, AppError> {
        let s = self.session()?;
        Ok(s.store
            .blueprint_list(s.actor(), search.as_deref(), category)
            .await?)
    }

    pub async fn blueprint_create(&self, meta: BlueprintMeta) -> Result<BlueprintDoc, AppError> {
        let s = self.session()?;
        Ok(s.store.blueprint_create(s.actor(), &meta).await?)
    }

    pub async fn blueprint_update_meta(
        &self,
        id: String,
        meta: BlueprintMeta,
    ) -> Result<BlueprintSummary, AppError> {
        let s = self.session()?;
        Ok(s.store
            .blueprint_update_meta(s.actor(), parse_id("blueprint", &id)?, &meta)
            .await?)
    }

    pub async fn blueprint_delete(&self, id: String) -> Result<(), AppError> {
        let s = self.session()?;
        Ok(s.store
            .blueprint_delete(s.actor(), parse_id("blueprint", &id)?)
            .await?)
    }

    pub async fn blueprint_get(&self, id: String) -> Result<BlueprintDoc, AppError> {
        let s = self.session()?;
        Ok(s.store
            .blueprint_get(s.actor(), parse_id("blueprint", &id)?)
            .await?)
    }

    pub async fn blueprint_save_graph(
        &self,
        id: String,
        graph: Graph,
        save: SaveAs,
    ) -> Result<BlueprintDoc, AppError> {
        let s = self.session()?;
        Ok(s.store
            .blueprint_save_graph_as(s.actor(), parse_id("blueprint", &id)?, &graph, &save)
            .await?)
    }

    /// Saves what the canvas changed since it loaded or last saved; answers with the summary (and
    /// so the new signature) only.
    pub async fn blueprint_save_changes(
        &self,
        id: String,
        changes: GraphChanges,
        save: SaveAs,
    ) -> Result<BlueprintSummary, AppError> {
        let s = self.session()?;
        Ok(s.store
            .blueprint_save_changes(s.actor(), parse_id("blueprint", &id)?, &changes, &save)
            .await?)
    }

    /// Writes the blueprint's graph file into the Downloads folder (a new file, never replacing
    /// one) and returns its text too.
    pub async fn blueprint_export(
        &self,
        id: String,
        to: ExportTo,
    ) -> Result<GraphExport, AppError> {
        let s = self.session()?;
        let (file, contents) =
            files::export_blueprint(&s.store, s.actor(), parse_id("blueprint", &id)?).await?;
        to.write(&file.name, contents)
    }

    /// A new blueprint from a blueprint's graph file (or React Flow JSON); `file_name` names it
    /// when the file does not. All or nothing.
    pub async fn blueprint_import(
        &self,
        contents: String,
        file_name: String,
    ) -> Result<files::BlueprintImportReport, AppError> {
        let s = self.session()?;
        let fallback = file_name
            .trim_end_matches(".json")
            .trim_end_matches(".neuroflow");
        Ok(
            files::import_blueprint(&s.store, s.actor(), contents.as_bytes(), fallback)
                .await?
                .into(),
        )
    }

    pub async fn blueprint_versions(&self, id: String) -> Result<Vec<VersionSummary>, AppError> {
        let s = self.session()?;
        Ok(s.store
            .blueprint_versions(s.actor(), parse_id("blueprint", &id)?)
            .await?)
    }

    pub async fn blueprint_version_get(&self, version_id: String) -> Result<VersionDoc, AppError> {
        let s = self.session()?;
        Ok(s.store
            .blueprint_version_get(s.actor(), parse_id("version", &version_id)?)
            .await?)
    }

    /// The blueprint editor's palette: its components with their ports and config schemas.
    pub fn blueprint_kind_list(&self) -> Result<Vec<KindInfo>, AppError> {
        Ok(neuroflow_engine::catalog_for(GraphSurface::Blueprint))
    }

    /// Runs the saved blueprint with `options.input` as the call's parameters; a preview, not
    /// stored: `updates` gets every event, then each component's results.
    pub async fn blueprint_run(
        &self,
        id: String,
        options: RunOptions,
        updates: impl Fn(RunUpdate) + Send + 'static,
    ) -> Result<(), AppError> {
        let s = self.session()?;
        let id = parse_id("blueprint", &id)?;
        let integrations = self.integrations()?;
        Ok(s.runner
            .run_blueprint_streaming(s.actor(), id, options, Some(integrations), updates)
            .await?)
    }
}
