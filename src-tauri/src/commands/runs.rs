//! Run and execution commands: validate a graph, start a run streaming its updates, cancel it, estimate its cost, list and read stored executions: one-line adapters onto `neuroflow_api::Core`.

use neuroflow_api::{AppError, Core, RunStarted};
use neuroflow_model::graph::{GraphChanges, GraphSurface};
use neuroflow_runs::{ExecutionDetail, GraphCheck, RunOptions, RunUpdate};
use neuroflow_store::executions::ExecutionSummary;
use tauri::ipc::Channel;
use tauri::State;

/// Runs the workflow's saved graph; `updates` gets each event, then whether it was stored.
#[tauri::command]
#[specta::specta]
pub async fn workflow_run(
    core: State<'_, Core>,
    id: String,
    options: RunOptions,
    updates: Channel<RunUpdate>,
) -> Result<RunStarted, AppError> {
    core.workflow_run(id, options, forward(updates)).await
}

/// True when the run was still going and has been asked to stop.
#[tauri::command]
#[specta::specta]
pub fn run_cancel(core: State<'_, Core>, execution_id: String) -> Result<bool, AppError> {
    core.run_cancel(execution_id)
}

/// The canvas's live check: the problems (and pre-run estimate) of the saved graph of
/// `owner_id` with the canvas's unsaved `changes` made; only the changes cross IPC.
#[tauri::command]
#[specta::specta]
pub async fn graph_check_changes(
    core: State<'_, Core>,
    owner_id: String,
    surface: GraphSurface,
    changes: GraphChanges,
    input: serde_json::Value,
) -> Result<GraphCheck, AppError> {
    core.graph_check_changes(owner_id, surface, changes, input)
        .await
}

/// Newest first; of one workflow when `workflow_id` is given.
#[tauri::command]
#[specta::specta]
pub async fn execution_list(
    core: State<'_, Core>,
    workflow_id: Option<String>,
    limit: u32,
    offset: u32,
) -> Result<Vec<ExecutionSummary>, AppError> {
    core.execution_list(workflow_id, limit, offset).await
}

#[tauri::command]
#[specta::specta]
pub async fn execution_get(core: State<'_, Core>, id: String) -> Result<ExecutionDetail, AppError> {
    core.execution_get(id).await
}

/// The run's updates into the window's channel. A closed window stops listening; the run still
/// finishes and is stored.
pub(crate) fn forward(updates: Channel<RunUpdate>) -> impl Fn(RunUpdate) + Send + 'static {
    move |update| {
        let _ = updates.send(update);
    }
}
