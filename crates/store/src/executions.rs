//! Run history: a workflow execution is stored when it starts, completed with its per-node
//! results when it ends (with its agent calls and the workflow's counters, in one transaction).

use chrono::{DateTime, Utc};
use neuroflow_model::entities::{AgentExecution, Workflow, WorkflowExecution};
use neuroflow_model::{new_id, DbEnum, ExecutionStatus};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use uuid::Uuid;

use crate::repo::{ListQuery, Store};
use crate::value::SqlValue;
use crate::workflows::Actor;
use crate::StoreError;

/// One row of the Executions page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ExecutionSummary {
    pub id: Uuid,
    pub workflow_id: Uuid,
    pub workflow_name: String,
    pub status: ExecutionStatus,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub duration_ms: Option<i32>,
    pub tokens_used: i32,
    pub cost: f64,
    pub error: Option<String>,
}

/// How a finished run ended, as the engine reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct ExecutionOutcome {
    pub status: ExecutionStatus,
    pub finished_at: DateTime<Utc>,
    pub duration_ms: i32,
    pub tokens_used: i32,
    pub cost: f64,
    pub output_data: Option<Json>,
    /// Per-node results (input, output, logs, status, timings).
    pub logs: Json,
    pub error: Option<String>,
}

fn summary(e: &WorkflowExecution, workflow_name: &str) -> ExecutionSummary {
    ExecutionSummary {
        id: e.id,
        workflow_id: e.workflow_id,
        workflow_name: workflow_name.to_string(),
        status: e.status,
        started_at: e.started_at,
        finished_at: e.finished_at,
        duration_ms: e.duration_ms,
        tokens_used: e.tokens_used,
        cost: e.cost,
        error: e.error.clone(),
    }
}

impl Store {
    /// Stores a RUNNING execution of the workflow, before the engine starts.
    pub async fn execution_start(
        &self,
        actor: Actor,
        workflow_id: Uuid,
        input: Json,
    ) -> Result<WorkflowExecution, StoreError> {
        let _: Workflow = self.get(Some(actor.organization_id), workflow_id).await?;
        let now = crate::repo::now();
        let row = WorkflowExecution {
            id: new_id(),
            organization_id: actor.organization_id,
            workflow_id,
            status: ExecutionStatus::Running,
            started_at: now,
            finished_at: None,
            duration_ms: None,
            tokens_used: 0,
            cost: 0.0,
            input_data: input,
            output_data: None,
            logs: Json::Array(Vec::new()),
            error: None,
            triggered_by: Some(actor.user_id),
            created_at: now,
            updated_at: now,
            deleted_at: None,
            hlc: String::new(),
        };
        self.insert(&row).await
    }

    /// Completes a started execution with its outcome and stores the agent calls made during
    /// it, all or nothing. The workflow row is not written: its run figures are counted from its
    /// executions (`WorkflowSummary::runs`), so a run does not look like an edit of the
    /// workflow to sync or to the Workflows list.
    pub async fn execution_finish(
        &self,
        actor: Actor,
        execution_id: Uuid,
        outcome: ExecutionOutcome,
        agent_calls: Vec<AgentExecution>,
    ) -> Result<WorkflowExecution, StoreError> {
        let org = actor.organization_id;
        let mut execution: WorkflowExecution = self.get(Some(org), execution_id).await?;
        if execution.status != ExecutionStatus::Running {
            return Err(StoreError::Conflict(format!(
                "execution {execution_id} has already finished"
            )));
        }
        execution.status = outcome.status;
        execution.finished_at = Some(outcome.finished_at);
        execution.duration_ms = Some(outcome.duration_ms);
        execution.tokens_used = outcome.tokens_used;
        execution.cost = outcome.cost;
        execution.output_data = outcome.output_data;
        execution.logs = outcome.logs;
        execution.error = outcome.error;

        let mut ops = Vec::with_capacity(agent_calls.len() + 1);
        let (op, stored) = self.update_op(&execution)?;
        ops.push(op);
        for call in &agent_calls {
            if call.organization_id != org || call.workflow_execution_id != Some(execution_id) {
                return Err(StoreError::Invalid(
                    "an agent call must belong to this execution".into(),
                ));
            }
            ops.push(self.insert_op(call)?.0);
        }
        self.apply(ops).await?;
        Ok(stored)
    }

    /// Marks the organization's executions still RUNNING as FAILED: called when the app
    /// starts, so a run the app did not live to finish does not look as if it still goes on.
    /// Returns how many there were.
    pub async fn execution_fail_interrupted(
        &self,
        actor: Actor,
        reason: &str,
    ) -> Result<usize, StoreError> {
        let running: Vec<WorkflowExecution> = self
            .list(&ListQuery {
                eq: vec![(
                    "status",
                    SqlValue::Text(Some(ExecutionStatus::Running.as_str().to_string())),
                )],
                limit: 10_000,
                ..ListQuery::in_org(actor.organization_id)
            })
            .await?;
        let now = crate::repo::now();
        let mut ops = Vec::with_capacity(running.len());
        for mut execution in running.iter().cloned() {
            execution.status = ExecutionStatus::Failed;
            execution.finished_at = Some(now);
            execution.error = Some(reason.to_string());
            ops.push(self.update_op(&execution)?.0);
        }
        if !ops.is_empty() {
            self.apply(ops).await?;
        }
        Ok(running.len())
    }

    /// Executions of the organization, newest first; of one workflow when given.
    pub async fn execution_list(
        &self,
        actor: Actor,
        workflow_id: Option<Uuid>,
        limit: u32,
        offset: u32,
    ) -> Result<Vec<ExecutionSummary>, StoreError> {
        let mut query = ListQuery {
            order_by: "started_at",
            limit: limit.clamp(1, 500),
            offset,
            ..ListQuery::in_org(actor.organization_id)
        };
        if let Some(id) = workflow_id {
            query.eq.push(("workflow_id", SqlValue::Uuid(Some(id))));
        }
        let executions: Vec<WorkflowExecution> = self.list(&query).await?;
        let mut names: std::collections::HashMap<Uuid, String> = std::collections::HashMap::new();
        for e in &executions {
            if let std::collections::hash_map::Entry::Vacant(slot) = names.entry(e.workflow_id) {
                slot.insert(self.workflow_name(actor, e.workflow_id).await?);
            }
        }
        Ok(executions
            .iter()
            .map(|e| summary(e, names.get(&e.workflow_id).map_or("", String::as_str)))
            .collect())
    }

    /// The Executions page row of one execution.
    pub async fn execution_summary(
        &self,
        actor: Actor,
        execution: &WorkflowExecution,
    ) -> Result<ExecutionSummary, StoreError> {
        let name = self.workflow_name(actor, execution.workflow_id).await?;
        Ok(summary(execution, &name))
    }

    /// A workflow's name, deleted ones included: their runs stay in the history.
    async fn workflow_name(&self, actor: Actor, workflow_id: Uuid) -> Result<String, StoreError> {
        let found: Vec<Workflow> = self
            .list(&ListQuery {
                eq: vec![("id", SqlValue::Uuid(Some(workflow_id)))],
                include_deleted: true,
                limit: 1,
                ..ListQuery::in_org(actor.organization_id)
            })
            .await?;
        Ok(found
            .into_iter()
            .next()
            .map(|w| w.name)
            .unwrap_or_else(|| "(deleted workflow)".to_string()))
    }

    /// One execution with its per-node results.
    pub async fn execution_get(
        &self,
        actor: Actor,
        id: Uuid,
    ) -> Result<WorkflowExecution, StoreError> {
        self.get(Some(actor.organization_id), id).await
    }

    /// The agent calls made during one execution, oldest first.
    pub async fn execution_agent_calls(
        &self,
        actor: Actor,
        execution_id: Uuid,
    ) -> Result<Vec<AgentExecution>, StoreError> {
        self.list(&ListQuery {
            eq: vec![("workflow_execution_id", SqlValue::Uuid(Some(execution_id)))],
            order_by: "started_at",
            descending: false,
            limit: 10_000,
            ..ListQuery::in_org(actor.organization_id)
        })
        .await
    }
}
