//! Starting a run: validation, preview modes (pinned outputs, a single node, up to a node,
//! from a node with earlier outputs), the run itself and its result; plus the pre-run
//! token/cost estimate.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;

use chrono::Utc;
use neuroflow_model::graph::Graph;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use uuid::Uuid;

use crate::cancel::CancelToken;
use crate::egress::NetworkPolicy;
use crate::events::{EventSender, PortItems, RunEvent, RunStatus};
use crate::host::EngineHost;
use crate::kinds::{self, trigger::items_of_input};
use crate::limits::RunLimits;
use crate::plan::{plan, TOP};
use crate::result::RunResult;
use crate::scheduler::{run_output, run_scope, RunCtx, RunSetup, Stop};
use crate::validate::{port_name, validate_with_host, Diagnostic};
use crate::value::Val;

/// Which part of the graph to run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(
    tag = "mode",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum RunMode {
    #[default]
    Full,
    /// Just this node, on `input` items or else on its parents' `previous` outputs.
    Single {
        node_id: Uuid,
        input: Option<Vec<Json>>,
    },
    /// This node and everything it depends on.
    UpTo { node_id: Uuid },
    /// This node and everything after it; the nodes feeding them reuse `previous` outputs.
    From { node_id: Uuid },
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", default)]
pub struct RunRequest {
    pub graph: Graph,
    /// What the triggers emit: an array gives one item per element.
    pub input: Json,
    pub limits: RunLimits,
    pub mode: RunMode,
    /// When set, only this trigger fires.
    pub trigger: Option<Uuid>,
    /// Outputs of an earlier run (`RunResult::outputs`), for `Single` and `From`.
    pub previous: HashMap<Uuid, PortItems>,
    /// What the run's requests may reach (see `egress`). Set by the host from the workflow's
    /// setting or the CLI flag, never from the graph itself.
    #[serde(skip)]
    #[specta(skip)]
    pub network: NetworkPolicy,
}

/// Why a run did not start.
#[derive(Debug, Clone, PartialEq)]
pub enum RunRefused {
    Invalid(Vec<Diagnostic>),
    Preview(String),
}

impl std::fmt::Display for RunRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunRefused::Invalid(d) => match d.as_slice() {
                [] => f.write_str("the graph is invalid"),
                [one] => write!(f, "the graph is invalid: {}", one.message),
                [first, rest @ ..] => write!(
                    f,
                    "the graph is invalid: {} (and {} more)",
                    first.message,
                    rest.len()
                ),
            },
            RunRefused::Preview(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for RunRefused {}

struct Prepared {
    graph: Graph,
    pins: HashMap<Uuid, PortItems>,
    entry: HashMap<Uuid, Vec<Val>>,
}

/// Runs a graph to its end (or its failure, cancellation or limit). Events go to `events`
/// as they happen; the result holds every node's input, output, logs and timings.
pub async fn run(
    request: RunRequest,
    host: Arc<dyn EngineHost>,
    events: Option<EventSender>,
    cancel: CancelToken,
) -> Result<RunResult, RunRefused> {
    let diagnostics = validate_with_host(&request.graph, host.as_ref()).await;
    if !diagnostics.is_empty() {
        return Err(RunRefused::Invalid(diagnostics));
    }
    let RunRequest {
        graph,
        input,
        limits,
        mode,
        trigger,
        previous,
        network,
    } = request;
    // Items share their parts with the input from here on.
    let input = Val::from(input);
    // Notes and groups are the canvas's, not steps: the run never sees them.
    let graph = match neuroflow_model::graph::program_of(&graph) {
        std::borrow::Cow::Borrowed(_) => graph,
        std::borrow::Cow::Owned(program) => program,
    };
    let Prepared { graph, pins, entry } = prepare(graph, &mode, &previous)?;
    let plan = plan(graph).map_err(RunRefused::Preview)?;
    // Only previews pin or feed nodes: a full run needs no index of its nodes.
    let index: HashMap<Uuid, usize> = if pins.is_empty() && entry.is_empty() {
        HashMap::new()
    } else {
        plan.nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id, i))
            .collect()
    };
    let pins = pins
        .into_iter()
        .filter_map(|(id, p)| Some((*index.get(&id)?, p)))
        .collect();
    let entry = entry
        .into_iter()
        .filter_map(|(id, items)| Some((*index.get(&id)?, Arc::new(items))))
        .collect();
    let node_count = u32::try_from(plan.nodes.len()).unwrap_or(u32::MAX);
    let run_id = neuroflow_model::new_id();
    let started_at = Utc::now();
    let ctx = Arc::new(RunCtx::new(RunSetup {
        graph: plan,
        host,
        events,
        cancel,
        limits,
        trigger_items: Arc::new(items_of_input(&input)),
        input: input.clone(),
        fire: trigger,
        pins,
        entry,
        network,
    }));
    ctx.emit(RunEvent::RunStarted {
        run_id,
        started_at,
        node_count,
    });
    let outcome = run_scope(ctx.clone(), TOP, Vec::new()).await;
    let (status, error) = match outcome {
        Ok(_) => (RunStatus::Completed, None),
        Err(Stop::Cancelled) => (
            RunStatus::Cancelled,
            Some("the run was cancelled".to_string()),
        ),
        Err(Stop::Failed(reason)) => (RunStatus::Failed, Some(reason)),
    };
    let results = ctx.take_results();
    let (output, _) = run_output(&ctx.graph, &results);
    let output = if status == RunStatus::Completed {
        output
    } else {
        Val::Null
    };
    let (tokens, cost) = ctx.budget.totals();
    let finished_at = Utc::now();
    let duration_ms = u32::try_from(ctx.started.elapsed().as_millis()).unwrap_or(u32::MAX);
    ctx.emit(RunEvent::RunFinished {
        run_id,
        status,
        duration_ms,
        tokens,
        cost,
        output: output.clone(),
        error: error.clone(),
    });
    Ok(RunResult {
        run_id,
        status,
        error,
        started_at,
        finished_at,
        duration_ms,
        tokens,
        cost,
        input,
        output,
        nodes: results.into_iter().flatten().collect(),
        agent_calls: ctx.budget.take_calls(),
    })
}

/// Everything `run` checks before it starts (validation, the preview mode against the earlier
/// outputs given, the plan), without running: so a host can refuse at once and record only
/// runs that start.
pub async fn preflight(request: &RunRequest, host: &dyn EngineHost) -> Result<(), RunRefused> {
    let diagnostics = validate_with_host(&request.graph, host).await;
    if !diagnostics.is_empty() {
        return Err(RunRefused::Invalid(diagnostics));
    }
    let graph = neuroflow_model::graph::program_of(&request.graph).into_owned();
    let prepared = prepare(graph, &request.mode, &request.previous)?;
    plan(prepared.graph).map_err(RunRefused::Preview)?;
    Ok(())
}

fn label_of(graph: &Graph, id: Uuid) -> String {
    graph
        .nodes
        .iter()
        .find(|n| n.id == id)
        .map(|n| format!("node '{}'", n.label))
        .unwrap_or_else(|| format!("node {id}"))
}

/// Nodes reachable from `start` following edges forward (or backward), `start` included.
fn reach(graph: &Graph, start: Uuid, forward: bool) -> HashSet<Uuid> {
    let mut next: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for e in &graph.edges {
        let (from, to) = if forward {
            (e.source, e.target)
        } else {
            (e.target, e.source)
        };
        next.entry(from).or_default().push(to);
    }
    let mut seen = HashSet::from([start]);
    let mut queue = VecDeque::from([start]);
    while let Some(id) = queue.pop_front() {
        for &to in next.get(&id).into_iter().flatten() {
            if seen.insert(to) {
                queue.push_back(to);
            }
        }
    }
    seen
}

fn subgraph(graph: &Graph, keep: &HashSet<Uuid>, drop_edges_into: &HashSet<Uuid>) -> Graph {
    Graph {
        nodes: graph
            .nodes
            .iter()
            .filter(|n| keep.contains(&n.id))
            .cloned()
            .collect(),
        edges: graph
            .edges
            .iter()
            .filter(|e| {
                keep.contains(&e.source)
                    && keep.contains(&e.target)
                    && !drop_edges_into.contains(&e.target)
            })
            .cloned()
            .collect(),
    }
}

fn prepare(
    graph: Graph,
    mode: &RunMode,
    previous: &HashMap<Uuid, PortItems>,
) -> Result<Prepared, RunRefused> {
    let target = match mode {
        RunMode::Full => {
            return Ok(Prepared {
                graph,
                pins: HashMap::new(),
                entry: HashMap::new(),
            })
        }
        RunMode::Single { node_id, .. } | RunMode::UpTo { node_id } | RunMode::From { node_id } => {
            *node_id
        }
    };
    if !graph.nodes.iter().any(|n| n.id == target) {
        return Err(RunRefused::Preview(format!(
            "node {target} is not in the graph"
        )));
    }
    // Previews of a node inside a loop body would cut the loop apart.
    let full = plan(graph.clone()).map_err(RunRefused::Preview)?;
    if let Some(i) = full.nodes.iter().position(|n| n.id == target) {
        if full.scope_of[i] != TOP {
            return Err(RunRefused::Preview(format!(
                "{} is inside a loop body: run the whole loop instead",
                label_of(&graph, target)
            )));
        }
    }
    match mode {
        RunMode::Full => Ok(Prepared {
            graph,
            pins: HashMap::new(),
            entry: HashMap::new(),
        }),
        RunMode::UpTo { .. } => {
            let keep = reach(&graph, target, false);
            Ok(Prepared {
                graph: subgraph(&graph, &keep, &HashSet::new()),
                pins: HashMap::new(),
                entry: HashMap::new(),
            })
        }
        RunMode::From { .. } => {
            let active = reach(&graph, target, true);
            let feeders: HashSet<Uuid> = graph
                .edges
                .iter()
                .filter(|e| active.contains(&e.target) && !active.contains(&e.source))
                .map(|e| e.source)
                .collect();
            let mut pins = HashMap::new();
            for &id in &feeders {
                let outputs = previous.get(&id).ok_or_else(|| {
                    RunRefused::Preview(format!(
                        "{} has no output from an earlier run: run up to it first",
                        label_of(&graph, id)
                    ))
                })?;
                pins.insert(id, outputs.clone());
            }
            let keep: HashSet<Uuid> = active.union(&feeders).copied().collect();
            Ok(Prepared {
                graph: subgraph(&graph, &keep, &feeders),
                pins,
                entry: HashMap::new(),
            })
        }
        RunMode::Single { input, .. } => {
            let keep = HashSet::from([target]);
            let single = subgraph(&graph, &keep, &HashSet::new());
            let is_trigger = single
                .nodes
                .first()
                .and_then(|n| kinds::kind(&n.kind))
                .is_some_and(|k| k.trigger);
            let items = match input {
                Some(items) => Some(items.iter().map(Val::from).collect()),
                None if is_trigger => None,
                None => {
                    let mut items = Vec::new();
                    let mut any = false;
                    for e in graph.edges.iter().filter(|e| e.target == target) {
                        if let Some(port) = previous
                            .get(&e.source)
                            .and_then(|p| p.get(port_name(&e.source_handle)))
                        {
                            any = true;
                            items.extend(port.iter().cloned());
                        }
                    }
                    if !any {
                        return Err(RunRefused::Preview(format!(
                            "{} has no input: give items, or run the nodes before it first",
                            label_of(&graph, target)
                        )));
                    }
                    Some(items)
                }
            };
            let entry = items
                .map(|items| HashMap::from([(target, items)]))
                .unwrap_or_default();
            Ok(Prepared {
                graph: single,
                pins: HashMap::new(),
                entry,
            })
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct NodeEstimate {
    pub node_id: Uuid,
    pub model: String,
    pub calls: u32,
    pub input_tokens: u32,
    pub output_tokens: u32,
    pub cost: f64,
}

/// A rough pre-run figure, not a quote: prompts count about four characters per token,
/// each call is assumed to answer `maxTokens` (or 1024), and every LLM node is assumed to
/// see as many items as the run input gives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Estimate {
    pub nodes: Vec<NodeEstimate>,
    pub tokens: u32,
    pub cost: f64,
}

pub async fn estimate(graph: &Graph, input: &Json, host: &dyn EngineHost) -> Estimate {
    let items = items_of_input(&Val::from(input));
    let calls = u32::try_from(items.len()).unwrap_or(u32::MAX);
    let item_chars = items.iter().map(|i| i.to_string().len()).max().unwrap_or(0);
    let text_len = |v: Option<&Json>| v.and_then(Json::as_str).map(str::len).unwrap_or(0);
    let mut nodes = Vec::new();
    for node in &graph.nodes {
        let (model_config, system_chars) = match node.kind.as_str() {
            "ai.llm" => (node.config.clone(), text_len(node.config.get("system"))),
            "ai.agent" => {
                let Some(id) = kinds::agent::agent_id(&node.config) else {
                    continue;
                };
                match host.agent(id).await {
                    Ok(agent) => (
                        agent.model_config.clone(),
                        kinds::agent::system_prompt(&agent).len(),
                    ),
                    Err(_) => continue,
                }
            }
            _ => continue,
        };
        let model = model_config
            .get("model")
            .and_then(Json::as_str)
            .unwrap_or("")
            .to_string();
        let max_tokens = model_config
            .get("maxTokens")
            .and_then(Json::as_u64)
            .map(|n| n.min(u64::from(u32::MAX)) as u32);
        let prompt_chars = text_len(node.config.get("prompt")) + system_chars + item_chars;
        let (input_tokens, output_tokens, cost) =
            kinds::llm::estimate_call(&model, prompt_chars, max_tokens);
        nodes.push(NodeEstimate {
            node_id: node.id,
            model,
            calls,
            input_tokens: input_tokens.saturating_mul(calls),
            output_tokens: output_tokens.saturating_mul(calls),
            cost: cost * f64::from(calls),
        });
    }
    let tokens = nodes.iter().fold(0u32, |t, n| {
        t.saturating_add(n.input_tokens)
            .saturating_add(n.output_tokens)
    });
    let cost = nodes.iter().map(|n| n.cost).sum();
    Estimate {
        nodes,
        tokens,
        cost,
    }
}
