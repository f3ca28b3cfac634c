//! Run and execution commands: validate a graph, start a run streaming its updates, cancel it, estimate its cost, list and read stored executions.

use neuroflow_model::graph::{GraphChanges, GraphSurface};
use neuroflow_runs::{ExecutionDetail, GraphCheck, RunError, RunOptions, RunUpdate};
use neuroflow_store::executions::ExecutionSummary;
use serde::Serialize;

use crate::error::{parse_id, AppError, ErrorCode};
use crate::state::Core;

impl From<RunError> for AppError {
    fn from(e: RunError) -> Self {
        match e {
            RunError::Store(store) => store.into(),
            RunError::Invalid(_) => AppError::new(ErrorCode::InvalidGraph, e.to_string()),
            RunError::Refused(why) => AppError::invalid(why),
        }
    }
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RunStarted {
    pub execution_id: String,
}

impl Core {
    /// Runs the workflow's saved graph; `updates` gets each event, then whether it was stored.
    pub async fn workflow_run(
        &self,
        id: String,
        options: RunOptions,
        updates: impl Fn(RunUpdate) + Send + 'static,
    ) -> Result<RunStarted, AppError> {
        let s = self.session()?;
        let id = parse_id("workflow", &id)?;
        // Integration nodes and model keys read the keychain (or this session's memory) as it is now.
        let integrations = self.integrations()?;
        let execution_id = s
            .runner
            .start_streaming(s.actor(), id, options, Some(integrations), updates)
            .await?;
        Ok(RunStarted {
            execution_id: execution_id.to_string(),
        })
    }

    /// True when the run was still going and has been asked to stop.
    pub fn run_cancel(&self, execution_id: String) -> Result<bool, AppError> {
        let s = self.session()?;
        Ok(s.runner.cancel(parse_id("execution", &execution_id)?))
    }

    /// The canvas's live check: the problems (and pre-run estimate) of the saved graph of
    /// `owner_id` with the canvas's unsaved `changes` made; only the changes cross IPC.
    pub async fn graph_check_changes(
        &self,
        owner_id: String,
        surface: GraphSurface,
        changes: GraphChanges,
        input: serde_json::Value,
    ) -> Result<GraphCheck, AppError> {
        let s = self.session()?;
        let noun = match surface {
            GraphSurface::Workflow => "workflow",
            GraphSurface::Blueprint => "blueprint",
        };
        Ok(s.runner
            .check_changes(
                s.actor(),
                parse_id(noun, &owner_id)?,
                surface,
                &changes,
                &input,
            )
            .await?)
    }

    /// Newest first; of one workflow when `workflow_id` is given.
    pub async fn execution_list(
        &self,
        workflow_id: Option<String>,
        limit: u32,
        offset: u32,
    ) -> Result<Vec<ExecutionSummary>, AppError> {
        let s = self.session()?;
        let workflow_id = workflow_id
            .as_deref()
            .map(|w| parse_id("workflow", w))
            .transpose()?;
        Ok(s.store
            .execution_list(s.actor(), workflow_id, limit, offset)
            .await?)
    }

    pub async fn execution_get(&self, id: String) -> Result<ExecutionDetail, AppError> {
        let s = self.session()?;
        Ok(s.runner
            .detail(s.actor(), parse_id("execution", &id)?)
            .await?)
    }
}
