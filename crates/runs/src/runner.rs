//! `WorkflowRunner`: starts a saved workflow's run (full or preview), stores it as an execution from start to end, forwards its events, and cancels runs in flight.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use neuroflow_engine::{
    AgentCallRecord, CancelToken, EventSender, NetworkPolicy, NodeResult, PortItems, RunEvent,
    RunLimits, RunMode, RunRefused, RunRequest, RunResult, RunStatus,
};
use neuroflow_model::entities::{AgentExecution, WorkflowExecution};
use neuroflow_model::graph::{GraphChanges, GraphSurface};
use neuroflow_model::{new_id, ExecutionStatus};
use neuroflow_store::executions::{ExecutionOutcome, ExecutionSummary};
use neuroflow_store::workflows::Actor;
use neuroflow_store::Store;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use tokio::task::JoinHandle;
use uuid::Uuid;

use neuroflow_integrations::IntegrationService;

use crate::host::StoreHost;
use crate::RunError;

/// The canvas's live check of the graph it holds: its problems, when it calls a model the
/// pre-run estimate, and for a blueprint its tool signature as the canvas now declares it.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct GraphCheck {
    pub diagnostics: Vec<neuroflow_engine::Diagnostic>,
    pub estimate: Option<neuroflow_engine::Estimate>,
    pub signature: Option<neuroflow_model::signature::ToolSignature>,
}

/// Said of runs that were still going when the app stopped.
pub const INTERRUPTED: &str = "the app closed before the run finished";

/// How to run: the input the triggers emit, which part of the graph, and which earlier
/// execution's outputs a preview may reuse (the workflow's latest when not given).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", default)]
pub struct RunOptions {
    pub input: Json,
    pub mode: RunMode,
    /// Only this trigger fires.
    pub trigger: Option<Uuid>,
    pub previous_execution_id: Option<Uuid>,
    /// What the run's requests may reach (`allowPrivateNetwork`: this computer and private
    /// networks), beyond what the workflow's own settings allow. Never from the window's
    /// request, so it is not part of the IPC type.
    #[serde(skip)]
    #[specta(skip)]
    pub network: NetworkPolicy,
}

/// A run that has started: its execution row exists (RUNNING) and its events flow.
pub struct StartedRun {
    pub execution_id: Uuid,
    /// Resolves to the stored execution once the run has ended and been recorded.
    pub finished: JoinHandle<Result<WorkflowExecution, RunError>>,
}

/// What a run in flight tells the window: each engine event in order, then whether its
/// execution was stored (the page may read it from then on).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum RunUpdate {
    Event {
        event: RunEvent,
    },
    Stored {
        execution: ExecutionSummary,
    },
    NotStored {
        message: String,
    },
    /// A preview that is not stored (a blueprint's) ended: every node's part in it.
    Results {
        nodes: Vec<NodeResult>,
    },
}

/// One stored run with every node's part in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ExecutionDetail {
    pub summary: ExecutionSummary,
    pub input: Json,
    pub output: Option<Json>,
    /// Per node, in graph order: status, input, output, logs, timings, tokens, cost.
    pub nodes: Vec<NodeResult>,
    pub agent_calls: Vec<AgentExecution>,
}

#[derive(Clone)]
pub struct WorkflowRunner {
    store: Store,
    in_flight: Arc<Mutex<HashMap<Uuid, CancelToken>>>,
}

impl WorkflowRunner {
    pub fn new(store: Store) -> Self {
        WorkflowRunner {
            store,
            in_flight: Arc::default(),
        }
    }

    fn host(&self, actor: Actor, integrations: Option<IntegrationService>) -> Arc<StoreHost> {
        Arc::new(StoreHost::new(self.store.clone(), actor, integrations))
    }

    /// Every problem of a graph (saved or not) in its editor, each with its node or edge, for
    /// the canvas: the engine's checks, and kinds the editor does not offer.
    pub async fn validate(
        &self,
        actor: Actor,
        graph: &neuroflow_model::graph::Graph,
        surface: GraphSurface,
    ) -> Vec<neuroflow_engine::Diagnostic> {
        let offered = neuroflow_model::graph::node_kinds(surface);
        let mut diagnostics: Vec<neuroflow_engine::Diagnostic> = graph
            .nodes
            .iter()
            .filter(|n| {
                !offered.iter().any(|k| k.kind == n.kind)
                    && neuroflow_engine::kinds::kind(&n.kind).is_some()
            })
            .map(|n| neuroflow_engine::Diagnostic {
                node_id: Some(n.id),
                edge_id: None,
                code: neuroflow_engine::DiagnosticCode::NotAvailable,
                message: match surface {
                    GraphSurface::Blueprint => format!("'{}' is not a blueprint component", n.kind),
                    GraphSurface::Workflow => {
                        format!("'{}' belongs in a blueprint, not a workflow", n.kind)
                    }
                },
            })
            .collect();
        diagnostics.extend(
            neuroflow_engine::validate_with_host(graph, self.host(actor, None).as_ref()).await,
        );
        diagnostics
    }

    /// Runs a tool blueprint's saved graph as a preview: `options.input` is the call's
    /// parameters. Not stored (executions belong to workflows); `on_update` gets every event,
    /// then `Results` with each component's input and output.
    pub async fn run_blueprint_streaming(
        &self,
        actor: Actor,
        blueprint_id: Uuid,
        options: RunOptions,
        integrations: Option<IntegrationService>,
        on_update: impl Fn(RunUpdate) + Send + 'static,
    ) -> Result<(), RunError> {
        let doc = self.store.blueprint_get(actor, blueprint_id).await?;
        let host = self.host(actor, integrations);
        let request = RunRequest {
            graph: doc.graph,
            input: match options.input {
                Json::Null => Json::Object(Default::default()),
                other => other,
            },
            // A blueprint preview holds what a workflow with default settings may.
            limits: RunLimits {
                max_output_bytes: neuroflow_model::settings::WorkflowSettings::default()
                    .run_data_bytes(),
                ..RunLimits::default()
            },
            mode: options.mode,
            trigger: options.trigger,
            previous: HashMap::new(),
            network: options.network,
        };
        neuroflow_engine::preflight(&request, host.as_ref())
            .await
            .map_err(refused)?;
        let cancel = CancelToken::new();
        // Cancelled by the blueprint's id: one preview per blueprint at a time.
        self.lock_in_flight().insert(blueprint_id, cancel.clone());
        let runner = self.clone();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        tokio::spawn(async move {
            let outcome = run_scrubbed(request, host.clone(), Some(tx), cancel);
            tokio::pin!(outcome);
            let mut closed = false;
            let outcome = loop {
                tokio::select! {
                    event = rx.recv(), if !closed => match event {
                        Some(event) => on_update(RunUpdate::Event { event }),
                        None => closed = true,
                    },
                    done = &mut outcome => {
                        while let Ok(event) = rx.try_recv() {
                            on_update(RunUpdate::Event { event });
                        }
                        break done;
                    }
                }
            };
            runner.lock_in_flight().remove(&blueprint_id);
            match outcome {
                Ok(result) => on_update(RunUpdate::Results {
                    nodes: host.scrub(result.nodes, Vec::new),
                }),
                Err(refused) => on_update(RunUpdate::NotStored {
                    message: refused.to_string(),
                }),
            }
        });
        Ok(())
    }

    /// Starts a run of the workflow's saved graph. Refuses at once (and records nothing) when
    /// the graph is invalid or the preview cannot run; otherwise the execution is stored as
    /// RUNNING, the run goes on in a task, and its end is stored with every node's result.
    pub async fn start(
        &self,
        actor: Actor,
        workflow_id: Uuid,
        options: RunOptions,
        integrations: Option<IntegrationService>,
        events: Option<EventSender>,
    ) -> Result<StartedRun, RunError> {
        // The graph as the canvas last saved it is usually in the store's memory: a run does not
        // read every element row again.
        let (graph, settings) = self.store.workflow_for_run(actor, workflow_id).await?;
        let host = self.host(actor, integrations);
        let previous = match (&options.mode, options.previous_execution_id) {
            (RunMode::Full | RunMode::UpTo { .. }, _) => HashMap::new(),
            (_, Some(id)) => self.outputs_of(actor, Some(workflow_id), id).await?,
            (_, None) => self.latest_outputs(actor, workflow_id).await?,
        };
        // No input and an empty object both give the triggers one empty item; the stored
        // `input_data` is never NULL.
        let input = match options.input {
            Json::Null => Json::Object(Default::default()),
            other => other,
        };
        let request = RunRequest {
            graph: (*graph).clone(),
            input,
            limits: RunLimits {
                max_output_bytes: settings.run_data_bytes(),
                ..RunLimits::default()
            },
            mode: options.mode,
            trigger: options.trigger,
            previous,
            // The workflow's own setting, or what the caller (the CLI's flag) allows.
            network: NetworkPolicy {
                allow_private_network: options.network.allow_private_network
                    || settings.allow_private_network,
            },
        };
        neuroflow_engine::preflight(&request, host.as_ref())
            .await
            .map_err(refused)?;

        let execution = self
            .store
            .execution_start(actor, workflow_id, request.input.clone())
            .await?;
        let execution_id = execution.id;
        let cancel = CancelToken::new();
        self.lock_in_flight().insert(execution_id, cancel.clone());

        let runner = self.clone();
        let finished = tokio::spawn(async move {
            let outcome = run_scrubbed(request, host.clone(), events, cancel).await;
            runner.lock_in_flight().remove(&execution_id);
            let outcome = outcome.map(|result| {
                let failed = failed_unshown(&result);
                host.scrub(result, || failed)
            });
            runner.record(actor, execution_id, outcome).await
        });
        Ok(StartedRun {
            execution_id,
            finished,
        })
    }

    /// Starts a run like [`start`](Self::start) and reports it through `on_update`: every
    /// event as it happens, then `Stored` (or `NotStored`) once its execution is recorded.
    /// Returns the execution id as soon as the run has started.
    pub async fn start_streaming(
        &self,
        actor: Actor,
        workflow_id: Uuid,
        options: RunOptions,
        integrations: Option<IntegrationService>,
        on_update: impl Fn(RunUpdate) + Send + 'static,
    ) -> Result<Uuid, RunError> {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let started = self
            .start(actor, workflow_id, options, integrations, Some(tx))
            .await?;
        let execution_id = started.execution_id;
        let runner = self.clone();
        tokio::spawn(async move {
            let mut finished = started.finished;
            let recorded = loop {
                tokio::select! {
                    event = rx.recv() => match event {
                        Some(event) => on_update(RunUpdate::Event { event }),
                        None => break (&mut finished).await,
                    },
                    done = &mut finished => {
                        while let Ok(event) = rx.try_recv() {
                            on_update(RunUpdate::Event { event });
                        }
                        break done;
                    }
                }
            };
            let update = match recorded {
                Ok(Ok(execution)) => match runner.summary(actor, &execution).await {
                    Ok(execution) => RunUpdate::Stored { execution },
                    Err(e) => RunUpdate::NotStored {
                        message: e.to_string(),
                    },
                },
                Ok(Err(e)) => RunUpdate::NotStored {
                    message: format!("the run ended but could not be saved: {e}"),
                },
                Err(e) => RunUpdate::NotStored {
                    message: format!("the run stopped unexpectedly: {e}"),
                },
            };
            on_update(update);
        });
        Ok(execution_id)
    }

    /// Marks the runs the app did not live to finish as failed (called once at start-up).
    pub async fn fail_interrupted(&self, actor: Actor) -> Result<usize, RunError> {
        Ok(self
            .store
            .execution_fail_interrupted(actor, INTERRUPTED)
            .await?)
    }

    /// Asks a run in flight to stop; false when it is not running (any more).
    pub fn cancel(&self, execution_id: Uuid) -> bool {
        match self.lock_in_flight().get(&execution_id) {
            Some(token) => {
                token.cancel();
                true
            }
            None => false,
        }
    }

    pub fn is_running(&self, execution_id: Uuid) -> bool {
        self.lock_in_flight().contains_key(&execution_id)
    }

    /// What the canvas shows while it is edited, for the saved graph of `owner_id` with
    /// `changes` made (what the canvas holds): every problem, and the pre-run estimate when the
    /// graph calls a model. The canvas sends only its changes, so a check after an edit costs the
    /// UI what the edit changed; the saved graph is read here.
    pub async fn check_changes(
        &self,
        actor: Actor,
        owner_id: Uuid,
        surface: GraphSurface,
        changes: &GraphChanges,
        input: &Json,
    ) -> Result<GraphCheck, RunError> {
        let saved = match surface {
            GraphSurface::Workflow => self.store.workflow_graph(actor, owner_id).await?,
            GraphSurface::Blueprint => self.store.blueprint_graph(actor, owner_id).await?,
        };
        let mut graph = (*saved).clone();
        changes.apply(&mut graph);
        let diagnostics = self.validate(actor, &graph, surface).await;
        let models = graph
            .nodes
            .iter()
            .any(|n| n.kind == "ai.llm" || n.kind == "ai.agent");
        let estimate = if models {
            Some(self.estimate(actor, &graph, input).await)
        } else {
            None
        };
        let signature = match surface {
            GraphSurface::Blueprint => Some(neuroflow_model::signature::signature(&graph)),
            GraphSurface::Workflow => None,
        };
        Ok(GraphCheck {
            diagnostics,
            estimate,
            signature,
        })
    }

    /// The pre-run token and cost figure of a graph's LLM and agent nodes (the canvas's, saved
    /// or not).
    pub async fn estimate(
        &self,
        actor: Actor,
        graph: &neuroflow_model::graph::Graph,
        input: &Json,
    ) -> neuroflow_engine::Estimate {
        neuroflow_engine::estimate(graph, input, self.host(actor, None).as_ref()).await
    }

    /// The Executions page row of a stored execution.
    pub async fn summary(
        &self,
        actor: Actor,
        execution: &WorkflowExecution,
    ) -> Result<ExecutionSummary, RunError> {
        Ok(self.store.execution_summary(actor, execution).await?)
    }

    /// A stored execution with its per-node results and agent calls.
    pub async fn detail(
        &self,
        actor: Actor,
        execution_id: Uuid,
    ) -> Result<ExecutionDetail, RunError> {
        let execution = self.store.execution_get(actor, execution_id).await?;
        let summary = self.store.execution_summary(actor, &execution).await?;
        let agent_calls = self
            .store
            .execution_agent_calls(actor, execution_id)
            .await?;
        Ok(ExecutionDetail {
            summary,
            nodes: node_results(&execution.logs),
            input: execution.input_data,
            output: execution.output_data,
            agent_calls,
        })
    }

    fn lock_in_flight(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, CancelToken>> {
        // A poisoned map only means a panic elsewhere between two map operations.
        self.in_flight
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    async fn outputs_of(
        &self,
        actor: Actor,
        workflow_id: Option<Uuid>,
        execution_id: Uuid,
    ) -> Result<HashMap<Uuid, PortItems>, RunError> {
        let execution = self.store.execution_get(actor, execution_id).await?;
        if workflow_id.is_some_and(|w| w != execution.workflow_id) {
            return Err(RunError::Refused(format!(
                "execution {execution_id} is a run of another workflow"
            )));
        }
        Ok(outputs(&node_results(&execution.logs)))
    }

    /// The outputs of the workflow's latest run that has any.
    async fn latest_outputs(
        &self,
        actor: Actor,
        workflow_id: Uuid,
    ) -> Result<HashMap<Uuid, PortItems>, RunError> {
        let recent = self
            .store
            .execution_list(actor, Some(workflow_id), 20, 0)
            .await?;
        for summary in recent {
            if summary.status == ExecutionStatus::Running {
                continue;
            }
            let found = self
                .outputs_of(actor, Some(workflow_id), summary.id)
                .await?;
            if !found.is_empty() {
                return Ok(found);
            }
        }
        Ok(HashMap::new())
    }

    async fn record(
        &self,
        actor: Actor,
        execution_id: Uuid,
        outcome: Result<RunResult, RunRefused>,
    ) -> Result<WorkflowExecution, RunError> {
        let (outcome, calls) = match outcome {
            Ok(result) => {
                let record = result.execution_record();
                let calls = result
                    .agent_calls
                    .iter()
                    .filter_map(|call| agent_execution(actor, execution_id, call))
                    .collect();
                (
                    ExecutionOutcome {
                        status: record.status,
                        finished_at: record.finished_at,
                        duration_ms: record.duration_ms,
                        tokens_used: record.tokens_used,
                        cost: record.cost,
                        output_data: record.output_data,
                        logs: record.logs,
                        error: record.error,
                    },
                    calls,
                )
            }
            // The preflight passed, so only a change between it and the run gets here.
            Err(refused) => (
                ExecutionOutcome {
                    status: ExecutionStatus::Failed,
                    finished_at: Utc::now(),
                    duration_ms: 0,
                    tokens_used: 0,
                    cost: 0.0,
                    output_data: None,
                    logs: Json::Array(Vec::new()),
                    error: Some(refused.to_string()),
                },
                Vec::new(),
            ),
        };
        Ok(self
            .store
            .execution_finish(actor, execution_id, outcome, calls)
            .await?)
    }
}

fn refused(r: RunRefused) -> RunError {
    match r {
        RunRefused::Invalid(diagnostics) => RunError::Invalid(diagnostics),
        RunRefused::Preview(why) => RunError::Refused(why),
    }
}

/// The per-node results stored in an execution's `logs`; rows written by another version
/// that do not parse show as no nodes rather than failing the whole page.
fn node_results(logs: &Json) -> Vec<NodeResult> {
    neuroflow_engine::stored::decode(logs).unwrap_or_default()
}

fn outputs(nodes: &[NodeResult]) -> HashMap<Uuid, PortItems> {
    nodes
        .iter()
        .filter(|n| {
            matches!(
                n.status,
                neuroflow_engine::NodeStatus::Succeeded | neuroflow_engine::NodeStatus::Pinned
            )
        })
        .map(|n| (n.node_id, n.output.clone()))
        .collect()
}

/// An agent node's model call as an `agent_executions` row. Plain LLM prompt calls belong to
/// no agent: they stay in the execution's per-node results (tokens, cost, model in the logs).
fn agent_execution(
    actor: Actor,
    execution_id: Uuid,
    call: &AgentCallRecord,
) -> Option<AgentExecution> {
    let agent_id = call.agent_id?;
    let now: DateTime<Utc> = Utc::now();
    Some(AgentExecution {
        id: new_id(),
        organization_id: actor.organization_id,
        agent_id,
        workflow_execution_id: Some(execution_id),
        task: call.task.clone(),
        input: call.input.clone(),
        output: call.output.clone(),
        status: call.status.execution_status(),
        started_at: call.started_at,
        finished_at: Some(call.finished_at),
        duration_ms: Some(i32::try_from(call.duration_ms).unwrap_or(i32::MAX)),
        tokens_used: i32::try_from(call.tokens_used).unwrap_or(i32::MAX),
        cost: call.cost,
        provider: call.provider.clone(),
        model: call.model.clone(),
        error: call.error.clone(),
        created_at: now,
        updated_at: now,
        deleted_at: None,
        hlc: String::new(),
    })
}

/// Runs the engine with its events scrubbed of the keys the host handed out before they go
/// on; the run ends only once every event has been passed on, so none follows the end.
async fn run_scrubbed(
    request: RunRequest,
    host: Arc<StoreHost>,
    events: Option<EventSender>,
    cancel: CancelToken,
) -> Result<RunResult, RunRefused> {
    let Some(out) = events else {
        return neuroflow_engine::run(request, host, None, cancel).await;
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let run = neuroflow_engine::run(request, host.clone(), Some(tx), cancel);
    tokio::pin!(run);
    let pass_on = |event: RunEvent| {
        let scrubbed = host.scrub(event, || RunEvent::NodeLog {
            node_id: Uuid::nil(),
            message: "an event was withheld: it held a key that could not be scrubbed".into(),
        });
        // A window that stopped listening does not stop the run.
        let _ = out.send(scrubbed);
    };
    let mut closed = false;
    loop {
        tokio::select! {
            event = rx.recv(), if !closed => match event {
                Some(event) => pass_on(event),
                None => closed = true,
            },
            done = &mut run => {
                while let Ok(event) = rx.try_recv() {
                    pass_on(event);
                }
                break done;
            }
        }
    }
}

/// What is stored instead of a result that held a key and could not be scrubbed: the run
/// failed, with none of its data.
fn failed_unshown(result: &RunResult) -> RunResult {
    RunResult {
        status: RunStatus::Failed,
        error: Some("the run's results held a key and were not kept".into()),
        output: neuroflow_engine::Val::Null,
        nodes: Vec::new(),
        agent_calls: Vec::new(),
        input: result.input.clone(),
        ..result.clone()
    }
}
