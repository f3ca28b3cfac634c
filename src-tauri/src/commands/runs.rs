//! Run and execution commands: validate a graph, start a run streaming its updates, cancel it, estimate its cost, list and read stored executions.

use neuroflow_model::graph::{GraphChanges, GraphSurface};
use neuroflow_runs::{ExecutionDetail, GraphCheck, RunError, RunOptions, RunUpdate};
use neuroflow_store::executions::ExecutionSummary;
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::State;

use crate::error::{parse_id, AppError, ErrorCode};
use crate::state::{AppState, SecretsState};

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

/// Runs the workflow's saved graph; `updates` gets each event, then whether it was stored.
#[tauri::command]
#[specta::specta]
pub async fn workflow_run(
    state: State<'_, AppState>,
    secrets: State<'_, SecretsState>,
    id: String,
    options: RunOptions,
    updates: Channel<RunUpdate>,
) -> Result<RunStarted, AppError> {
    let s = state.session()?;
    let id = parse_id("workflow", &id)?;
    // Integration nodes and model keys read the keychain (or this session's memory) as it is now.
    let integrations = super::integrations::service(&state, &secrets)?;
    let execution_id = s
        .runner
        .start_streaming(s.actor(), id, options, Some(integrations), move |update| {
            // A closed window stops listening; the run still finishes and is stored.
            let _ = updates.send(update);
        })
        .await?;
    Ok(RunStarted {
        execution_id: execution_id.to_string(),
    })
}

/// True when the run was still going and has been asked to stop.
#[tauri::command]
#[specta::specta]
pub fn run_cancel(state: State<'_, AppState>, execution_id: String) -> Result<bool, AppError> {
    let s = state.session()?;
    Ok(s.runner.cancel(parse_id("execution", &execution_id)?))
}

/// The canvas's live check: the problems (and pre-run estimate) of the saved graph of
/// `owner_id` with the canvas's unsaved `changes` made; only the changes cross IPC.
#[tauri::command]
#[specta::specta]
pub async fn graph_check_changes(
    state: State<'_, AppState>,
    owner_id: String,
    surface: GraphSurface,
    changes: GraphChanges,
    input: serde_json::Value,
) -> Result<GraphCheck, AppError> {
    let s = state.session()?;
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
#[tauri::command]
#[specta::specta]
pub async fn execution_list(
    state: State<'_, AppState>,
    workflow_id: Option<String>,
    limit: u32,
    offset: u32,
) -> Result<Vec<ExecutionSummary>, AppError> {
    let s = state.session()?;
    let workflow_id = workflow_id
        .as_deref()
        .map(|w| parse_id("workflow", w))
        .transpose()?;
    Ok(s.store
        .execution_list(s.actor(), workflow_id, limit, offset)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn execution_get(
    state: State<'_, AppState>,
    id: String,
) -> Result<ExecutionDetail, AppError> {
    let s = state.session()?;
    Ok(s.runner
        .detail(s.actor(), parse_id("execution", &id)?)
        .await?)
}
