//! What a finished run hands back: per-node results, totals and the records the host stores
//! as a `workflow_executions` row and `agent_executions` rows.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use uuid::Uuid;

use crate::events::{NodeStatus, PortItems, RunStatus};
use crate::value::Val;

/// One node's part in a run. A node inside a loop body runs once per item: its input and
/// outputs then hold every iteration's items, in order, and `iterations` counts them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct NodeResult {
    pub node_id: Uuid,
    pub kind: String,
    pub label: String,
    pub status: NodeStatus,
    pub input: Arc<Vec<Val>>,
    pub output: PortItems,
    pub logs: Vec<String>,
    pub error: Option<String>,
    /// True when a failure was routed through the node's error port.
    pub handled: bool,
    pub reason: Option<String>,
    /// Milliseconds from the run's start to the node's (first) start.
    pub started_ms: u32,
    pub duration_ms: u32,
    pub attempts: u32,
    pub iterations: u32,
    pub tokens: u32,
    pub cost: f64,
    /// Position of the node's (last) start and finish in the run's event order: a node that
    /// feeds another always finishes before that one starts.
    pub started_seq: u32,
    pub finished_seq: u32,
}

/// One model call made by an `ai.llm` or `ai.agent` node: what the host stores as an
/// `agent_executions` row (agent calls carry their agent id).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AgentCallRecord {
    pub node_id: Uuid,
    pub agent_id: Option<Uuid>,
    pub task: String,
    pub input: Json,
    pub output: Option<Json>,
    pub status: RunStatus,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub duration_ms: u32,
    pub tokens_used: u32,
    pub cost: f64,
    pub provider: String,
    pub model: String,
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RunResult {
    pub run_id: Uuid,
    pub status: RunStatus,
    pub error: Option<String>,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub duration_ms: u32,
    pub tokens: u32,
    pub cost: f64,
    pub input: Val,
    /// The items of the output node (an object by label when there are several; the items
    /// of the nodes without outgoing edges when there is none).
    pub output: Val,
    /// Every node that ran, was pinned, skipped, failed or stopped, in graph order.
    pub nodes: Vec<NodeResult>,
    pub agent_calls: Vec<AgentCallRecord>,
}

/// The columns of a `workflow_executions` row that a run decides; the host adds ids,
/// organization, workflow and who triggered it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ExecutionRecord {
    pub status: neuroflow_model::ExecutionStatus,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub duration_ms: i32,
    pub tokens_used: i32,
    pub cost: f64,
    pub input_data: Json,
    pub output_data: Option<Json>,
    /// Per-node results (input, output, logs, status, timings), as `stored::encode` writes
    /// them (`stored::decode` reads them back).
    pub logs: Json,
    pub error: Option<String>,
}

impl RunResult {
    pub fn execution_record(&self) -> ExecutionRecord {
        ExecutionRecord {
            status: self.status.execution_status(),
            started_at: self.started_at,
            finished_at: self.finished_at,
            duration_ms: i32::try_from(self.duration_ms).unwrap_or(i32::MAX),
            tokens_used: i32::try_from(self.tokens).unwrap_or(i32::MAX),
            cost: self.cost,
            input_data: self.input.to_json(),
            output_data: (self.status == RunStatus::Completed).then(|| self.output.to_json()),
            logs: crate::stored::encode(&self.nodes),
            error: self.error.clone(),
        }
    }

    pub fn node(&self, id: Uuid) -> Option<&NodeResult> {
        self.nodes.iter().find(|n| n.node_id == id)
    }

    /// The outputs of every node that produced some, as `RunMode::From` takes them back.
    pub fn outputs(&self) -> std::collections::HashMap<Uuid, PortItems> {
        self.nodes
            .iter()
            .filter(|n| matches!(n.status, NodeStatus::Succeeded | NodeStatus::Pinned))
            .map(|n| (n.node_id, n.output.clone()))
            .collect()
    }
}
