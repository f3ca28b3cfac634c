//! Workflow commands: list, create, rename, settings, delete, open and save the canvas graph; its saved versions; export and import as files.

use neuroflow_model::graph::{Graph, GraphChanges};
use neuroflow_model::settings::WorkflowSettings;
use neuroflow_runs::files::{self, GraphExport, ImportReport};
use neuroflow_store::versions::{SaveAs, VersionDoc, VersionSummary};
use neuroflow_store::workflows::{WorkflowDoc, WorkflowSummary};

use std::path::PathBuf;

use crate::error::{parse_id, AppError, ErrorCode};
use crate::state::Core;

impl Core {
    pub async fn workflow_list(
        &self,
        search: Option<String>,
    ) -> Result<Vec<WorkflowSummary>, AppError> {
        let s = self.session()?;
        Ok(s.store.workflow_list(s.actor(), search.as_deref()).await?)
    }

    pub async fn workflow_create(&self, name: String) -> Result<WorkflowSummary, AppError> {
        let s = self.session()?;
        Ok(s.store.workflow_create(s.actor(), &name).await?)
    }

    pub async fn workflow_rename(
        &self,
        id: String,
        name: String,
    ) -> Result<WorkflowSummary, AppError> {
        let s = self.session()?;
        Ok(s.store
            .workflow_rename(s.actor(), parse_id("workflow", &id)?, &name)
            .await?)
    }

    pub async fn workflow_set_settings(
        &self,
        id: String,
        settings: WorkflowSettings,
    ) -> Result<WorkflowSettings, AppError> {
        let s = self.session()?;
        Ok(s.store
            .workflow_set_settings(s.actor(), parse_id("workflow", &id)?, &settings)
            .await?)
    }

    pub async fn workflow_delete(&self, id: String) -> Result<(), AppError> {
        let s = self.session()?;
        Ok(s.store
            .workflow_delete(s.actor(), parse_id("workflow", &id)?)
            .await?)
    }

    pub async fn workflow_get(&self, id: String) -> Result<WorkflowDoc, AppError> {
        let s = self.session()?;
        Ok(s.store
            .workflow_get(s.actor(), parse_id("workflow", &id)?)
            .await?)
    }

    /// `save` says how the history records it (an autosave only becomes a version at a checkpoint).
    pub async fn workflow_save_graph(
        &self,
        id: String,
        graph: Graph,
        save: SaveAs,
    ) -> Result<WorkflowDoc, AppError> {
        let s = self.session()?;
        Ok(s.store
            .workflow_save_graph_as(s.actor(), parse_id("workflow", &id)?, &graph, &save)
            .await?)
    }

    /// Saves what the canvas changed since it loaded or last saved (not the whole graph); answers
    /// with the summary only.
    pub async fn workflow_save_changes(
        &self,
        id: String,
        changes: GraphChanges,
        save: SaveAs,
    ) -> Result<WorkflowSummary, AppError> {
        let s = self.session()?;
        Ok(s.store
            .workflow_save_changes(s.actor(), parse_id("workflow", &id)?, &changes, &save)
            .await?)
    }

    /// The workflow's saved versions, newest first.
    pub async fn workflow_versions(&self, id: String) -> Result<Vec<VersionSummary>, AppError> {
        let s = self.session()?;
        Ok(s.store
            .workflow_versions(s.actor(), parse_id("workflow", &id)?)
            .await?)
    }

    pub async fn workflow_version_get(&self, version_id: String) -> Result<VersionDoc, AppError> {
        let s = self.session()?;
        Ok(s.store
            .workflow_version_get(s.actor(), parse_id("version", &version_id)?)
            .await?)
    }

    /// Writes the workflow's graph file into the Downloads folder (a new file, never replacing one)
    /// and returns its text too.
    pub async fn workflow_export(&self, id: String, to: ExportTo) -> Result<GraphExport, AppError> {
        let s = self.session()?;
        let (file, contents) =
            files::export(&s.store, s.actor(), parse_id("workflow", &id)?).await?;
        to.write(&file.name, contents)
    }

    /// A new workflow from a graph file's text or React Flow JSON; `file_name` names it when the
    /// file does not.
    pub async fn workflow_import(
        &self,
        contents: String,
        file_name: String,
    ) -> Result<ImportReport, AppError> {
        let s = self.session()?;
        let fallback = file_name
            .trim_end_matches(".json")
            .trim_end_matches(".neuroflow");
        Ok(files::import(&s.store, s.actor(), contents.as_bytes(), fallback).await?)
    }
}

/// Where an export's file goes: a new file in a folder (the desktop's Downloads), or only back to
/// the caller as text (a browser saves it itself).
pub enum ExportTo {
    /// The folder, or why it could not be found.
    Folder(Result<PathBuf, String>),
    Caller,
}

impl ExportTo {
    /// Writes a graph file's text as a new file in the folder (never replacing one), if any.
    pub(crate) fn write(self, name: &str, contents: String) -> Result<GraphExport, AppError> {
        let file_name = files::file_name(name);
        let dir = match self {
            ExportTo::Caller => {
                return Ok(GraphExport {
                    file_name,
                    contents,
                    saved_to: None,
                })
            }
            ExportTo::Folder(dir) => dir.map_err(|e| {
                AppError::new(
                    ErrorCode::Internal,
                    format!("cannot find the Downloads folder: {e}"),
                )
            })?,
        };
        let saved = files::write_new_file(&dir, &file_name, &contents)
            .map_err(|e| AppError::new(ErrorCode::Internal, e))?;
        Ok(GraphExport {
            file_name,
            contents,
            saved_to: Some(saved.display().to_string()),
        })
    }
}
