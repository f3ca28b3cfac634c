//! Graph files: a saved workflow (with the agents its nodes use) or tool blueprint exported in the graph file format with the blueprints it calls, and a file imported as a new workflow or blueprint with the blueprints it carries, all or nothing.

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};

use neuroflow_engine::file::{self, FileBlueprint, GraphFile};
use neuroflow_engine::kinds::blueprint::called_blueprints;
use neuroflow_engine::{AgentProfile, EngineHost};
use neuroflow_model::entities::{AiAgent, ToolBlueprint};
use neuroflow_model::graph::{Graph, GraphSurface};
use neuroflow_model::AIToolCategory;
use neuroflow_store::blueprints::{BlueprintDoc, BlueprintMeta, NewBlueprint};
use neuroflow_store::workflows::{Actor, WorkflowDoc};
use neuroflow_store::{Store, StoreError};
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

/// The graph file of a saved workflow, with the agents its nodes use and the blueprints it
/// calls. Configs hold references (integration ids, credential ids), never secrets: validation
/// refuses secret-looking keys in a graph, and the agents carried along hold only their model
/// settings.
pub async fn export(
    store: &Store,
    actor: Actor,
    workflow_id: Uuid,
) -> Result<(GraphFile, String), RunError> {
    let doc: WorkflowDoc = store.workflow_get(actor, workflow_id).await?;
    let host = StoreHost::new(store.clone(), actor, None);
    let mut agents: Vec<AgentProfile> = Vec::new();
    for id in file::used_agents(&doc.graph) {
        // An agent that is gone is simply not carried: validation names the node on import.
        if let Ok(agent) = host.agent(id).await {
            agents.push(agent);
        }
    }
    let blueprints = carried_blueprints(store, actor, &doc.graph, None).await?;
    let mut graph_file = GraphFile::new(doc.summary.name.clone(), doc.graph);
    graph_file.description = doc.summary.description.clone();
    graph_file.agents = agents;
    graph_file.blueprints = blueprints;
    let text = file::to_string(&graph_file).map_err(|e| RunError::Refused(e.to_string()))?;
    Ok((graph_file, text))
}

/// The graph file of a saved tool blueprint (`surface: blueprint`, with its category), with
/// the blueprints it calls. Its components hold no secrets: validation refuses secret-looking
/// keys in a graph.
pub async fn export_blueprint(
    store: &Store,
    actor: Actor,
    blueprint_id: Uuid,
) -> Result<(GraphFile, String), RunError> {
    let doc = store.blueprint_get(actor, blueprint_id).await?;
    let blueprints = carried_blueprints(store, actor, &doc.graph, Some(blueprint_id)).await?;
    let mut graph_file = GraphFile::new(doc.summary.name.clone(), doc.graph);
    graph_file.description = doc.summary.description.clone();
    graph_file.surface = GraphSurface::Blueprint;
    graph_file.category = Some(doc.summary.category);
    graph_file.blueprints = blueprints;
    let text = file::to_string(&graph_file).map_err(|e| RunError::Refused(e.to_string()))?;
    Ok((graph_file, text))
}

/// The blueprints `graph` calls, then those they call in turn, each once (cycles safe;
/// `except` — the blueprint being exported — is the file itself), at most
/// [`file::MAX_BLUEPRINTS`] as validation looks up. A called blueprint that is gone is simply
/// not carried: validation names the node that calls it, in the CLI and after an import.
async fn carried_blueprints(
    store: &Store,
    actor: Actor,
    graph: &Graph,
    except: Option<Uuid>,
) -> Result<Vec<FileBlueprint>, RunError> {
    let mut carried = Vec::new();
    let mut seen: HashSet<Uuid> = except.into_iter().collect();
    let mut queue: VecDeque<Uuid> = called_blueprints(graph).into();
    while let Some(id) = queue.pop_front() {
        if carried.len() >= file::MAX_BLUEPRINTS {
            break;
        }
        if !seen.insert(id) {
            continue;
        }
        let doc = match store.blueprint_get(actor, id).await {
            Ok(doc) => doc,
            Err(StoreError::NotFound { .. }) => continue,
            Err(other) => return Err(other.into()),
        };
        queue.extend(called_blueprints(&doc.graph));
        carried.push(FileBlueprint {
            id,
            name: doc.summary.name,
            description: doc.summary.description,
            category: Some(doc.summary.category),
            graph: doc.graph,
        });
    }
    Ok(carried)
}

/// What the blueprints a file carries become in this workspace; the calls in `graph` (and in
/// the blueprints added) are redirected to them. A carried blueprint whose id is a live
/// blueprint of this organization (the file was exported here) is that blueprint and is not
/// added, nor is what only it calls. Every other one the graph reaches is added under a fresh
/// id: ids are global primary keys, and the file's id may belong to another organization's
/// blueprint — in this database, where inserting it would fail, or in the team database this
/// one syncs to. So a file imported twice into another workspace adds its blueprints twice,
/// as it adds the workflow twice. Carried blueprints nothing reaches are left out.
async fn plan_carried(
    store: &Store,
    actor: Actor,
    graph: &mut Graph,
    carried: Vec<FileBlueprint>,
) -> Result<Vec<NewBlueprint>, RunError> {
    let mut by_id: HashMap<Uuid, FileBlueprint> = HashMap::with_capacity(carried.len());
    for b in carried {
        by_id.entry(b.id).or_insert(b);
    }
    let mut fresh: HashMap<Uuid, Uuid> = HashMap::new();
    let mut added: Vec<Uuid> = Vec::new();
    let mut seen: HashSet<Uuid> = HashSet::new();
    let mut queue: VecDeque<Uuid> = called_blueprints(graph).into();
    while let Some(id) = queue.pop_front() {
        if !seen.insert(id) {
            continue;
        }
        let Some(b) = by_id.get(&id) else {
            continue;
        };
        match store
            .get::<ToolBlueprint>(Some(actor.organization_id), id)
            .await
        {
            Ok(_) => continue,
            Err(StoreError::NotFound { .. }) => {}
            Err(other) => return Err(other.into()),
        }
        fresh.insert(id, neuroflow_model::new_id());
        added.push(id);
        queue.extend(called_blueprints(&b.graph));
    }
    file::redirect_calls(graph, &fresh);
    let mut out = Vec::with_capacity(added.len());
    for old in added {
        let (Some(mut b), Some(&id)) = (by_id.remove(&old), fresh.get(&old)) else {
            continue;
        };
        file::redirect_calls(&mut b.graph, &fresh);
        out.push(NewBlueprint {
            id,
            meta: BlueprintMeta {
                name: or_default(b.name.trim().to_string(), "Imported blueprint"),
                description: b.description,
                category: b.category.unwrap_or(AIToolCategory::Automation),
                is_public: false,
            },
            graph: b.graph,
        });
    }
    Ok(out)
}

/// What a blueprint import made: the blueprint, and how many blueprints it calls that the
/// file carried were added with it.
#[derive(Debug, Clone, PartialEq)]
pub struct BlueprintImport {
    pub doc: BlueprintDoc,
    pub blueprints_added: u32,
}

/// What a blueprint import made, as the Blueprints page reports it.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct BlueprintImportReport {
    pub blueprint: neuroflow_store::blueprints::BlueprintSummary,
    /// Blueprints the file carried that the blueprint calls and were added to this workspace.
    pub blueprints_added: u32,
}

impl From<BlueprintImport> for BlueprintImportReport {
    fn from(imported: BlueprintImport) -> Self {
        Self {
            blueprint: imported.doc.summary,
            blueprints_added: imported.blueprints_added,
        }
    }
}

/// A new tool blueprint from a blueprint's graph file (or React Flow JSON), with the
/// blueprints it calls that the file carries and this workspace lacks, all or nothing, as
/// [`import`] makes workflows; a workflow's file is refused with where it goes instead.
pub async fn import_blueprint(
    store: &Store,
    actor: Actor,
    bytes: &[u8],
    fallback_name: &str,
) -> Result<BlueprintImport, RunError> {
    let mut imported = file::parse_import(bytes).map_err(|e| RunError::Refused(e.to_string()))?;
    if imported.surface == Some(GraphSurface::Workflow) {
        return Err(RunError::Refused(
            "this file holds a workflow: import it on the Workflows page".into(),
        ));
    }
    let meta = BlueprintMeta {
        name: or_default(name_of(&imported, fallback_name), "Imported blueprint"),
        description: imported.description.clone(),
        category: imported.category.unwrap_or(AIToolCategory::Automation),
        is_public: false,
    };
    let carried = std::mem::take(&mut imported.blueprints);
    let carried = plan_carried(store, actor, &mut imported.graph, carried).await?;
    let doc = store
        .blueprint_import(actor, &meta, &imported.graph, &carried)
        .await?;
    Ok(BlueprintImport {
        doc,
        blueprints_added: u32::try_from(carried.len()).unwrap_or(u32::MAX),
    })
}

/// The name a file gives its graph, else the one its file name suggests.
fn name_of(imported: &file::Imported, fallback_name: &str) -> String {
    imported
        .name
        .clone()
        .unwrap_or_else(|| fallback_name.trim().to_string())
}

/// `name`, or `default` when it is empty.
fn or_default(name: String, default: &str) -> String {
    if name.is_empty() {
        default.to_string()
    } else {
        name
    }
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
    /// Blueprints the file carried that the workflow calls and were added to this workspace.
    pub blueprints_added: u32,
}

/// A new workflow from a graph file or React Flow JSON. `fallback_name` (the file's name)
/// names it when the file does not. Fresh ids for every element; the graph's structure is
/// checked and the workflow, its elements and its first version are written in one
/// transaction with the blueprints it calls and the agents it uses that the file carries and
/// this workspace lacks (see [`plan_carried`], [`plan_agents`]), so an invalid file leaves
/// nothing behind.
pub async fn import(
    store: &Store,
    actor: Actor,
    bytes: &[u8],
    fallback_name: &str,
) -> Result<ImportReport, RunError> {
    let mut imported = file::parse_import(bytes).map_err(|e| RunError::Refused(e.to_string()))?;
    if imported.surface == Some(GraphSurface::Blueprint) {
        return Err(RunError::Refused(
            "this file holds a tool blueprint: import it on the Blueprints page".into(),
        ));
    }
    let name = or_default(name_of(&imported, fallback_name), "Imported workflow");
    let carried = std::mem::take(&mut imported.blueprints);
    let carried = plan_carried(store, actor, &mut imported.graph, carried).await?;
    let agents = std::mem::take(&mut imported.agents);
    let agents = plan_agents(store, actor, &mut imported.graph, agents).await?;
    let doc = store
        .workflow_import(actor, &name, &imported.graph, &carried, &agents)
        .await?;
    Ok(ImportReport {
        workflow: doc.summary,
        source: imported.source.to_string(),
        agents_added: u32::try_from(agents.len()).unwrap_or(u32::MAX),
        blueprints_added: u32::try_from(carried.len()).unwrap_or(u32::MAX),
    })
}

/// What the agents a file carries become in this workspace, as [`plan_carried`] does for
/// blueprints: one whose id is a live agent of this organization (the file was exported here)
/// is that agent; every other one the graph's `ai.agent` nodes use is added under a fresh id
/// (the file's may be another organization's agent) and those nodes are pointed at it. Carried
/// agents no node uses are left out. The agents added hold the file's model settings and
/// nothing else: no memory, no figures.
async fn plan_agents(
    store: &Store,
    actor: Actor,
    graph: &mut Graph,
    carried: Vec<AgentProfile>,
) -> Result<Vec<AiAgent>, RunError> {
    let mut by_id: HashMap<Uuid, AgentProfile> = HashMap::with_capacity(carried.len());
    for a in carried {
        by_id.entry(a.id).or_insert(a);
    }
    let mut fresh: HashMap<Uuid, Uuid> = HashMap::new();
    let mut out = Vec::new();
    for id in file::used_agents(graph) {
        let Some(agent) = by_id.remove(&id) else {
            continue;
        };
        match store.get::<AiAgent>(Some(actor.organization_id), id).await {
            Ok(_) => continue,
            Err(StoreError::NotFound { .. }) => {}
            Err(other) => return Err(other.into()),
        }
        let new = neuroflow_model::new_id();
        fresh.insert(id, new);
        let now = chrono::Utc::now();
        out.push(AiAgent {
            id: new,
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
        });
    }
    file::redirect_agents(graph, &fresh);
    Ok(out)
}
