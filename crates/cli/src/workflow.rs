//! `neuroflow run` and `neuroflow validate`: graph files through the engine, with a host
//! that serves the file's blueprints and agents and reads API keys from the environment
//! variables nodes name, when `EnvAccess` lets it.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use neuroflow_engine::file::GraphFile;
use neuroflow_engine::{
    AgentProfile, BlueprintGraph, CancelToken, CredentialRequest, EngineHost, HostFuture,
    NetworkPolicy, RunEvent, RunRequest, RunStatus, Secret,
};
use serde_json::Value as Json;
use uuid::Uuid;

use crate::env_access::{self, EnvAccess};
use crate::json_input;

/// How run events are shown on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventStyle {
    Pretty,
    Jsonl,
    Silent,
}

impl EventStyle {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pretty" => Some(Self::Pretty),
            "jsonl" => Some(Self::Jsonl),
            "none" => Some(Self::Silent),
            _ => None,
        }
    }
}

/// The CLI's engine host: blueprints and agents from the graph file, keys from the
/// environment variable a node names (`apiKeyEnv`) when `env` allows it. Keychain
/// references need the app.
pub struct FileHost {
    blueprints: HashMap<Uuid, BlueprintGraph>,
    agents: HashMap<Uuid, AgentProfile>,
    env: EnvAccess,
}

impl FileHost {
    pub fn new(file: &GraphFile, env: EnvAccess) -> Self {
        Self {
            env,
            blueprints: file
                .blueprints
                .iter()
                .map(|b| (b.id, b.to_blueprint_graph()))
                .collect(),
            agents: file.agents.iter().map(|a| (a.id, a.clone())).collect(),
        }
    }
}

impl EngineHost for FileHost {
    fn agent(&self, id: Uuid) -> HostFuture<'_, Result<AgentProfile, String>> {
        Box::pin(async move {
            self.agents
                .get(&id)
                .cloned()
                .ok_or_else(|| format!("AI agent {id} is not in the graph file's \"agents\""))
        })
    }

    fn blueprint(&self, id: Uuid) -> HostFuture<'_, Result<BlueprintGraph, String>> {
        Box::pin(async move {
            self.blueprints
                .get(&id)
                .cloned()
                .ok_or_else(|| format!("blueprint {id} is not in the graph file's \"blueprints\""))
        })
    }

    fn credential(
        &self,
        request: CredentialRequest,
    ) -> HostFuture<'_, Result<Option<Secret>, String>> {
        Box::pin(async move {
            match (&request.env, &request.credential) {
                (Some(name), _) => {
                    // Checked here too, not only before the run: this is where the value is read.
                    self.env.check(name)?;
                    match std::env::var(name) {
                        Ok(value) if !value.is_empty() => Ok(Some(Secret::new(value))),
                        _ => Err(format!("environment variable {name} is not set")),
                    }
                }
                (None, Some(_)) => Err(
                    "credential references are resolved by the desktop app; from the CLI name an environment variable with \"apiKeyEnv\""
                        .to_string(),
                ),
                (None, None) => Ok(None),
            }
        })
    }
}

/// One printable line: text from the graph file or the network may hold terminal escapes.
fn one_line(s: &str) -> String {
    env_access::printable(&s.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Prints the diagnostics, and the environment variables `env` refuses; `Ok(true)` when
/// the graph is valid and may read every variable it names.
pub async fn validate(path: &Path, env: EnvAccess) -> Result<bool, String> {
    let file = json_input::read_graph(path)?;
    let refusals = env.refusals(&file);
    let host = FileHost::new(&file, env);
    let graph = file.graph();
    let diagnostics = neuroflow_engine::validate_with_host(&graph, &host).await;
    let mut out = std::io::stdout().lock();
    if diagnostics.is_empty() && refusals.is_empty() {
        let _ = writeln!(
            out,
            "{}: valid ({} nodes, {} edges)",
            path.display(),
            graph.nodes.len(),
            graph.edges.len()
        );
        return Ok(true);
    }
    for d in &diagnostics {
        let at = match (d.node_id, d.edge_id) {
            (Some(n), _) => format!(" [node {n}]"),
            (None, Some(e)) => format!(" [edge {e}]"),
            (None, None) => String::new(),
        };
        let code = serde_json::to_value(d.code)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let _ = writeln!(out, "{code}: {}{at}", one_line(&d.message));
    }
    for r in &refusals {
        let at = r
            .node_id
            .map(|n| format!(" [node {n}]"))
            .unwrap_or_default();
        let _ = writeln!(out, "envNotAllowed: {}{at}", r.message);
    }
    let _ = writeln!(
        out,
        "{}: {} problem(s)",
        path.display(),
        diagnostics.len() + refusals.len()
    );
    Ok(false)
}

pub enum RunFailure {
    Failed(String),
    Cancelled,
}

/// Runs a graph file; the output JSON goes to stdout, events to stderr. A file that names a
/// variable `env` refuses is refused before any node runs.
pub async fn run(
    path: &Path,
    input: Json,
    style: EventStyle,
    env: EnvAccess,
    network: NetworkPolicy,
) -> Result<(), RunFailure> {
    let file = json_input::read_graph(path).map_err(RunFailure::Failed)?;
    if let Some(refusal) = env.refusals(&file).into_iter().next() {
        return Err(RunFailure::Failed(refusal.message));
    }
    let host = Arc::new(FileHost::new(&file, env));
    // Labels come from the file: control characters (terminal escapes) are not printed.
    let labels: HashMap<Uuid, String> = file
        .nodes
        .iter()
        .map(|n| (n.id, env_access::printable(&n.label)))
        .collect();
    let cancel = CancelToken::new();
    let on_interrupt = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_interrupt.cancel();
        }
    });
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let printer = tokio::spawn(print_events(rx, style, labels));
    let request = RunRequest {
        graph: file.graph(),
        input,
        network,
        ..RunRequest::default()
    };
    let result = neuroflow_engine::run(
        request,
        host,
        (style != EventStyle::Silent).then_some(tx),
        cancel,
    )
    .await;
    let _ = printer.await;
    let result = result.map_err(|e| RunFailure::Failed(e.to_string()))?;
    match result.status {
        RunStatus::Completed => {
            let text = serde_json::to_string_pretty(&result.output)
                .map_err(|e| RunFailure::Failed(e.to_string()))?;
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{text}");
            Ok(())
        }
        RunStatus::Cancelled => Err(RunFailure::Cancelled),
        RunStatus::Failed => Err(RunFailure::Failed(format!(
            "run failed: {}",
            result.error.as_deref().map(one_line).unwrap_or_default()
        ))),
    }
}

async fn print_events(
    mut rx: tokio::sync::mpsc::UnboundedReceiver<RunEvent>,
    style: EventStyle,
    labels: HashMap<Uuid, String>,
) {
    let name = |id: &Uuid| labels.get(id).cloned().unwrap_or_else(|| id.to_string());
    while let Some(event) = rx.recv().await {
        let line = match style {
            EventStyle::Silent => continue,
            EventStyle::Jsonl => serde_json::to_string(&event).unwrap_or_default(),
            EventStyle::Pretty => match &event {
                RunEvent::RunStarted {
                    run_id, node_count, ..
                } => format!("run {run_id}: {node_count} nodes"),
                RunEvent::NodeStarted { node_id, kind, .. } => {
                    format!("  ▶ {} ({kind})", name(node_id))
                }
                RunEvent::NodeLog { node_id, message } => {
                    format!("    {}: {}", name(node_id), one_line(message))
                }
                RunEvent::NodeFinished {
                    node_id,
                    output,
                    duration_ms,
                    tokens,
                    cost,
                    status,
                } => {
                    let items: usize = output.values().map(|v| v.len()).sum();
                    let usage = if *tokens > 0 {
                        format!(", {tokens} tokens, ${cost:.6}")
                    } else {
                        String::new()
                    };
                    let how = if matches!(status, neuroflow_engine::NodeStatus::Pinned) {
                        " (pinned)"
                    } else {
                        ""
                    };
                    format!(
                        "  ✓ {}{how}: {items} items in {duration_ms} ms{usage}",
                        name(node_id)
                    )
                }
                RunEvent::NodeFailed {
                    node_id,
                    error,
                    handled,
                    ..
                } => {
                    let routed = if *handled {
                        " (sent to its error port)"
                    } else {
                        ""
                    };
                    format!("  ✗ {}: {}{routed}", name(node_id), one_line(error))
                }
                RunEvent::NodeSkipped { node_id, reason } => {
                    format!("  – {} skipped: {reason}", name(node_id))
                }
                RunEvent::RunFinished {
                    status,
                    duration_ms,
                    tokens,
                    cost,
                    ..
                } => {
                    let status = serde_json::to_value(status)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default();
                    format!("run {status} in {duration_ms} ms, {tokens} tokens, ${cost:.6}")
                }
            },
        };
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{line}");
    }
}
