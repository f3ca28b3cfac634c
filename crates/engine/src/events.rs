//! What a run reports while it goes: the `RunEvent` stream (for the canvas and the CLI) and
//! the statuses shared with the final result.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::value::Val;

/// Items a node emitted, by output port name.
pub type PortItems = BTreeMap<String, Arc<Vec<Val>>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum RunStatus {
    Completed,
    Failed,
    Cancelled,
}

impl RunStatus {
    /// The stored `workflow_executions.status` for this outcome.
    pub fn execution_status(self) -> neuroflow_model::ExecutionStatus {
        match self {
            RunStatus::Completed => neuroflow_model::ExecutionStatus::Completed,
            RunStatus::Failed => neuroflow_model::ExecutionStatus::Failed,
            RunStatus::Cancelled => neuroflow_model::ExecutionStatus::Cancelled,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum NodeStatus {
    /// Ran and finished.
    Succeeded,
    /// Not executed: its pinned sample output (or a previous run's output) stood in.
    Pinned,
    /// Failed; `handled` on the result says whether its error port took the failure.
    Failed,
    /// An untaken branch, or not connected to a trigger that fired.
    Skipped,
    /// Was running when the run was cancelled or stopped by a limit or another failure.
    Stopped,
}

/// One event of a run, sent in order on the run's channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum RunEvent {
    RunStarted {
        run_id: Uuid,
        started_at: DateTime<Utc>,
        node_count: u32,
    },
    NodeStarted {
        node_id: Uuid,
        kind: String,
        label: String,
    },
    NodeLog {
        node_id: Uuid,
        message: String,
    },
    NodeFinished {
        node_id: Uuid,
        status: NodeStatus,
        output: PortItems,
        duration_ms: u32,
        tokens: u32,
        cost: f64,
    },
    NodeFailed {
        node_id: Uuid,
        error: String,
        /// True when the node's error port routed the failure and the run goes on.
        handled: bool,
        duration_ms: u32,
    },
    NodeSkipped {
        node_id: Uuid,
        reason: String,
    },
    RunFinished {
        run_id: Uuid,
        status: RunStatus,
        duration_ms: u32,
        tokens: u32,
        cost: f64,
        output: Val,
        error: Option<String>,
    },
}

/// Where a run sends its events; unbounded so a slow reader never stalls the scheduler.
pub type EventSender = tokio::sync::mpsc::UnboundedSender<RunEvent>;
