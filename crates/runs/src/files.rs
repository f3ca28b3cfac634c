//! Graph files: a saved workflow (with the agents its nodes use) or tool blueprint exported in the graph file format, and a file imported as a new workflow or blueprint, all or nothing.

use std::path::{Path, PathBuf};

use neuroflow_engine::file::{self, GraphFile};
use neuroflow_engine::{AgentProfile, EngineHost};
use neuroflow_model::entities::AiAgent;
use neuroflow_model::graph::GraphSurface;
use neuroflow_model::AIToolCategory;
use neuroflow_store::blueprints::{BlueprintDoc, BlueprintMeta};
use neuroflow_store::workflows::{Actor, WorkflowDoc};
use neuroflow_store::Store;
use serde::Serialize;
use serde_json::Value as Json;
use uuid::Uuid;

use crate::host::StoreHost;
use crate::RunError;

/// An exported workflow or blueprint: the file's text and where it was written, if it was.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct GraphExport {
    pub file_name: String,
    pub contents: String,
    pub saved_to: Option<String>,
}

/// The graph file of a saved workflow. Configs hold references (integration ids, credential
/// ids), never secrets: validation refuses secret-looking keys in a graph, and the agents
/// carried along hold only their model settings.
pub async fn export(
    store: &Store,
    actor: Actor,
    workflow_id: Uuid,
) -> Result<(GraphFile, String), RunError> {
    let doc: WorkflowDoc = store.workflow_get(actor, workflow_id).await?;
    let host = StoreHost::new(store.clone(), actor, None);
    let mut agents: Vec<AgentProfile> = Vec::new();
    for node in doc.graph.nodes.iter().filter(|n| n.kind == "ai.agent") {
        let Some(id) = node
            .config
            .get("agentId")
            .and_then(Json::as_str)
            .and_then(|s| s.parse::<Uuid>().ok())
        else {
            continue;
        };
        if agents.iter().any(|a| a.id == id) {
            continue;
        }
        // An agent that is gone is simply not carried: validation names the node on import.
        if let Ok(agent) = host.agent(id).await {
            agents.push(agent);
        }
    }
    let mut graph_file = GraphFile::new(doc.summary.name.clone(), doc.graph);
    graph_file.description = doc.summary.description.clone();
    graph_file.agents = agents;
    let text = file::to_string(&graph_file).map_err(|e| RunError::Refused(e.to_string()))?;
    Ok((graph_file, text))
}

/// The graph file of a saved tool blueprint (`surface: blueprint`, with its category). Its
/// components hold no secrets: validation refuses secret-looking keys in a graph.
pub async fn export_blueprint(
    store: &Store,
    actor: Actor,
    blueprint_id: Uuid,
) -> Result<(GraphFile, String), RunError> {
    let doc = store.blueprint_get(actor, blueprint_id).await?;
    let mut graph_file = GraphFile::new(doc.summary.name.clone(), doc.graph);
    graph_file.description = doc.summary.description.clone();
    graph_file.surface = GraphSurface::Blueprint;
    graph_file.category = Some(doc.summary.category);
    let text = file::to_string(&graph_file).map_err(|e| RunError::Refused(e.to_string()))?;
    Ok((graph_file, text))
}

/// A new tool blueprint from a blueprint's graph file (or React Flow JSON), all or nothing, as
/// [`import`] makes workflows; a workflow's file is refused with where it goes instead.
pub async fn import_blueprint(
    store: &Store,
    actor: Actor,
    bytes: &[u8],
    fallback_name: &str,
) -> Result<BlueprintDoc, RunError> {
    let imported = file::parse_import(bytes).map_err(|e| RunError::Refused(e.to_string()))?;
    if imported.surface == Some(GraphSurface::Workflow) {
        return Err(RunError::Refused(
            "this file holds a workflow: import it on the Workflows page".into(),
        ));
    }
    let name = imported
        .name
        .clone()
        .unwrap_or_else(|| fallback_name.trim().to_string());
    let meta = BlueprintMeta {
        name: if name.is_empty() {
            "Imported blueprint".to_string()
        } else {
            name
        },
        description: imported.description.clone(),
        category: imported.category.unwrap_or(AIToolCategory::Automation),
        is_public: false,
    };
    Ok(store
        .blueprint_import(actor, &meta, &imported.graph)
        .await?)
}

/// A file name for the workflow that says what it is: "Lead enrichment.neuroflow.json".
pub fn file_name(name: &str) -> String {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || " -_().,".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let safe = safe.trim().trim_matches('.');
    let safe = if safe.is_empty() { "workflow" } else { safe };
    format!(
        "{}.neuroflow.json",
        safe.chars().take(100).collect::<String>()
    )
}

/// Writes `contents` as `name` in `dir`, adding " (2)", " (3)"… rather than replacing a file,
/// through a temporary file so a crash never leaves half a file under the final name.
pub fn write_new_file(dir: &Path, name: &str, contents: &str) -> Result<PathBuf, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let (stem, ext) = name
        .strip_suffix(".neuroflow.json")
        .map(|s| (s.to_string(), ".neuroflow.json"))
        .unwrap_or_else(|| (name.to_string(), ""));
    for n in 1..1000 {
        let candidate = if n == 1 {
            dir.join(name)
        } else {
            dir.join(format!("{stem} ({n}){ext}"))
        };
        if candidate.exists() {
            continue;
        }
        let tmp = dir.join(format!(".{}.part", uuid::Uuid::now_v7().simple()));
        std::fs::write(&tmp, contents)
            .map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
        // A plain rename could replace a file made meanwhile; hard_link refuses to.
        let linked = std::fs::hard_link(&tmp, &candidate);
        let _ = std::fs::remove_file(&tmp);
        match linked {
            Ok(()) => return Ok(candidate),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(format!("cannot write {}: {e}", candidate.display())),
        }
    }
    Err(format!(
        "{} already holds 999 files named {name}",
        dir.display()
    ))
}

/// What an import made.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    pub workflow: neuroflow_store::workflows::WorkflowSummary,
    /// "neuroflow.graph v1" or "React Flow".
    pub source: String,
    /// Agents the file carried that were added to this workspace.
    pub agents_added: u32,
}

/// A new workflow from a graph file or React Flow JSON. `fallback_name` (the file's name)
/// names it when the file does not. Fresh ids for every element; the graph's structure is
/// checked and the workflow, its elements and its first version are written in one
/// transaction, so an invalid file leaves nothing behind. Agents the file carries and this
/// workspace lacks are added.
pub async fn import(
    store: &Store,
    actor: Actor,
    bytes: &[u8],
    fallback_name: &str,
) -> Result<ImportReport, RunError> {
    let imported = file::parse_import(bytes).map_err(|e| RunError::Refused(e.to_string()))?;
    if imported.surface == Some(GraphSurface::Blueprint) {
        return Err(RunError::Refused(
            "this file holds a tool blueprint: import it on the Blueprints page".into(),
        ));
    }
    let name = imported
        .name
        .clone()
        .unwrap_or_else(|| fallback_name.trim().to_string());
    let name = if name.is_empty() {
        "Imported workflow".to_string()
    } else {
        name
    };
    let doc = store.workflow_import(actor, &name, &imported.graph).await?;
    let source = imported.source;
    let mut agents_added = 0;
    for agent in imported.agents {
        let known: Result<AiAgent, _> = store.get(Some(actor.organization_id), agent.id).await;
        if known.is_ok() {
            continue;
        }
        let now = chrono::Utc::now();
        let row = AiAgent {
            id: agent.id,
            organization_id: actor.organization_id,
            name: agent.name,
            description: agent.description,
            personality: agent.personality,
            model_config: agent.model_config,
            capabilities: agent.capabilities,
            memory: Json::Object(Default::default()),
            success_rate: 0.0,
            avg_response_ms: 0.0,
            total_executions: 0,
            status: neuroflow_model::AgentStatus::Idle,
            is_active: true,
            created_by: actor.user_id,
            created_at: now,
            updated_at: now,
            deleted_at: None,
            hlc: String::new(),
        };
        if store.insert(&row).await.is_ok() {
            agents_added += 1;
        }
    }
    Ok(ImportReport {
        workflow: doc.summary,
        source: source.to_string(),
        agents_added,
    })
}
