//! The graph file format (`neuroflow.graph`, version 1) that the CLI runs and the desktop
//! imports and exports: reading it with bounded size, node count and nesting.

use std::io::Read;
use std::marker::PhantomData;
use std::path::Path;

use neuroflow_model::graph::{Graph, GraphEdge, GraphNode, GraphSurface, MAX_EDGES, MAX_NODES};
use neuroflow_model::AIToolCategory;
use serde::de::{Deserializer, Error as _, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::host::{AgentProfile, BlueprintGraph};

pub const FORMAT: &str = "neuroflow.graph";
pub const VERSION: u32 = 1;
/// Larger files are refused before they are read. A 100,000-node chain exported as pretty
/// JSON is about 50 MB; this leaves room for configs of about 1 KB per node at the node limit.
pub const MAX_FILE_BYTES: u64 = 128 * 1024 * 1024;
/// Blueprints and agents a file may carry along with its graph.
pub const MAX_BLUEPRINTS: usize = 256;
pub const MAX_AGENTS: usize = 256;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GraphFile {
    pub format: String,
    pub version: u32,
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// What the graph is: a workflow (the default, and what files without the field are) or a
    /// tool blueprint.
    #[serde(default, skip_serializing_if = "is_workflow")]
    pub surface: GraphSurface,
    /// A blueprint's tool category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<AIToolCategory>,
    #[serde(deserialize_with = "bounded_nodes")]
    pub nodes: Vec<GraphNode>,
    #[serde(deserialize_with = "bounded_edges")]
    pub edges: Vec<GraphEdge>,
    /// Blueprints the graph's `blueprint.call` nodes may call, and those they call in turn:
    /// the CLI serves them, the desktop adds them to the workspace a file is imported into.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "bounded_blueprints"
    )]
    pub blueprints: Vec<FileBlueprint>,
    /// AI agents the graph's `ai.agent` nodes may use (used by the CLI).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "bounded_agents"
    )]
    pub agents: Vec<AgentProfile>,
}

impl GraphFile {
    pub fn new(name: impl Into<String>, graph: Graph) -> Self {
        Self {
            format: FORMAT.into(),
            version: VERSION,
            name: name.into(),
            description: String::new(),
            surface: GraphSurface::Workflow,
            category: None,
            nodes: graph.nodes,
            edges: graph.edges,
            blueprints: Vec::new(),
            agents: Vec::new(),
        }
    }

    pub fn graph(&self) -> Graph {
        Graph {
            nodes: self.nodes.clone(),
            edges: self.edges.clone(),
        }
    }
}

/// A tool blueprint a graph file carries: the sub-graph a `blueprint.call` node with its `id`
/// runs, and what the desktop needs to add it to a workspace (description, category).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileBlueprint {
    pub id: uuid::Uuid,
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<AIToolCategory>,
    #[serde(flatten)]
    pub graph: Graph,
}

impl FileBlueprint {
    /// The blueprint as the engine runs it.
    pub fn to_blueprint_graph(&self) -> BlueprintGraph {
        BlueprintGraph {
            id: self.id,
            name: self.name.clone(),
            graph: self.graph.clone(),
        }
    }
}

fn is_workflow(s: &GraphSurface) -> bool {
    *s == GraphSurface::Workflow
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError(pub String);

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FileError {}

struct Bounded<T> {
    max: usize,
    what: &'static str,
    item: PhantomData<T>,
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for Bounded<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "a list of at most {} {}", self.max, self.what)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(item) = seq.next_element()? {
            // Stop reading at the limit rather than building a huge list first.
            if out.len() == self.max {
                return Err(A::Error::custom(format!(
                    "a graph file may hold at most {} {}",
                    self.max, self.what
                )));
            }
            out.push(item);
        }
        Ok(out)
    }
}

fn bounded<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
    max: usize,
    what: &'static str,
) -> Result<Vec<T>, D::Error> {
    d.deserialize_seq(Bounded {
        max,
        what,
        item: PhantomData,
    })
}

fn bounded_nodes<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<GraphNode>, D::Error> {
    bounded(d, MAX_NODES, "nodes")
}

fn bounded_edges<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<GraphEdge>, D::Error> {
    bounded(d, MAX_EDGES, "edges")
}

fn bounded_blueprints<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<FileBlueprint>, D::Error> {
    bounded(d, MAX_BLUEPRINTS, "blueprints")
}

fn bounded_agents<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<AgentProfile>, D::Error> {
    bounded(d, MAX_AGENTS, "agents")
}

#[derive(Deserialize)]
struct Header {
    format: Option<serde_json::Value>,
    version: Option<serde_json::Value>,
}

/// The longest parse error, in characters: serde quotes an offending string whole, and a
/// hostile file's string can be megabytes long.
const MAX_ERROR_CHARS: usize = 300;

fn one_line(e: impl std::fmt::Display) -> String {
    let line = e
        .to_string()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if line.chars().count() <= MAX_ERROR_CHARS {
        return line;
    }
    let mut clipped: String = line.chars().take(MAX_ERROR_CHARS).collect();
    clipped.push('…');
    clipped
}

/// Parses a graph file. serde_json's nesting limit (128) stays on, so a deeply nested file
/// is an error, not a stack overflow.
///
/// The whole file is read once: only when that fails is its header read on its own, to say
/// whether it is a graph file of this version at all (a large file's time is its reading).
pub fn parse(bytes: &[u8]) -> Result<GraphFile, FileError> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(FileError(format!(
            "the file is {} bytes; the limit is {MAX_FILE_BYTES}",
            bytes.len()
        )));
    }
    let file: GraphFile = match serde_json::from_slice(bytes) {
        Ok(file) => file,
        Err(e) => {
            let header: Header = serde_json::from_slice(bytes)
                .map_err(|e| FileError(format!("not a neuroflow graph file: {}", one_line(e))))?;
            check_header(
                header.format.as_ref().and_then(|f| f.as_str()),
                header.version.as_ref().and_then(|v| v.as_u64()),
            )?;
            return Err(FileError(format!("invalid graph file: {}", one_line(e))));
        }
    };
    check_header(Some(&file.format), Some(u64::from(file.version)))?;
    for blueprint in &file.blueprints {
        if blueprint.graph.nodes.len() > MAX_NODES || blueprint.graph.edges.len() > MAX_EDGES {
            return Err(FileError(format!(
                "blueprint {} has more than {MAX_NODES} nodes or {MAX_EDGES} edges",
                blueprint.id
            )));
        }
    }
    Ok(file)
}

/// A file's `format` and `version`, as far as they could be read.
fn check_header(format: Option<&str>, version: Option<u64>) -> Result<(), FileError> {
    match format {
        Some(FORMAT) => {}
        Some(other) => {
            let other = clip(other);
            return Err(FileError(format!(
                "not a neuroflow graph file: its format is '{other}', not '{FORMAT}'"
            )));
        }
        None => {
            return Err(FileError(format!(
                "not a neuroflow graph file: it has no \"format\": \"{FORMAT}\""
            )));
        }
    }
    match version {
        Some(v) if v == u64::from(VERSION) => Ok(()),
        Some(v) => Err(FileError(format!(
            "graph file version {v} is not supported; this neuroflow reads version {VERSION}"
        ))),
        None => Err(FileError(
            "the graph file has no whole-number \"version\"".into(),
        )),
    }
}

/// Reads and parses a graph file, refusing one over `MAX_FILE_BYTES` before reading it.
pub fn read(path: &Path) -> Result<GraphFile, FileError> {
    let shown = path.display();
    let file =
        std::fs::File::open(path).map_err(|e| FileError(format!("cannot open {shown}: {e}")))?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    if len > MAX_FILE_BYTES {
        return Err(FileError(format!(
            "{shown} is {len} bytes; the limit is {MAX_FILE_BYTES}"
        )));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| FileError(format!("cannot read {shown}: {e}")))?;
    parse(&bytes)
}

/// The file as pretty JSON, as the desktop exports it.
pub fn to_string(file: &GraphFile) -> Result<String, FileError> {
    serde_json::to_string_pretty(file)
        .map_err(|e| FileError(format!("cannot write the graph: {e}")))
}

/// What an import brings: the file's name (a React Flow export has none) and its graph.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub name: Option<String>,
    pub description: String,
    pub graph: Graph,
    /// The AI agents a graph file carries for its `ai.agent` nodes.
    pub agents: Vec<AgentProfile>,
    /// The blueprints a graph file carries for its `blueprint.call` nodes, under the ids the
    /// calls name (each blueprint's own components have fresh ids).
    pub blueprints: Vec<FileBlueprint>,
    /// "neuroflow.graph v1" or "React Flow".
    pub source: &'static str,
    /// What a graph file says it is; None for React Flow JSON (either editor takes it).
    pub surface: Option<GraphSurface>,
    /// A blueprint file's tool category.
    pub category: Option<AIToolCategory>,
}

/// Reads a file the desktop can import: this project's graph file, or React Flow's
/// `toObject()` JSON (`{nodes, edges, viewport}`, each node's kind in `data.kind` or its
/// `type`, label and config in `data`). React Flow ids that are not UUIDs get fresh ones, the
/// edges following them. Every id is then replaced by a fresh one, so a file imported twice
/// (or into the workspace it came from) makes independent workflows. Errors are one line.
/// Carried blueprints keep their own ids, which the graph's calls name: the importer decides
/// what they become (see [`redirect_calls`]).
pub fn parse_import(bytes: &[u8]) -> Result<Imported, FileError> {
    let mut imported = parse_import_as_is(bytes)?;
    imported.graph = with_fresh_ids(imported.graph);
    for blueprint in &mut imported.blueprints {
        blueprint.graph = with_fresh_ids(std::mem::take(&mut blueprint.graph));
    }
    Ok(imported)
}

/// Points every `blueprint.call` node whose `blueprintId` is a key of `to` at that key's value
/// (an imported blueprint's id in the workspace it was imported into); other calls stay.
pub fn redirect_calls(graph: &mut Graph, to: &std::collections::HashMap<uuid::Uuid, uuid::Uuid>) {
    redirect(graph, "blueprint.call", "blueprintId", to);
}

/// The agents the graph's `ai.agent` nodes use, in the order they first appear, each once.
pub fn used_agents(graph: &Graph) -> Vec<uuid::Uuid> {
    let mut out: Vec<uuid::Uuid> = Vec::new();
    for id in graph
        .nodes
        .iter()
        .filter(|n| n.kind == "ai.agent")
        .filter_map(|n| crate::kinds::agent::agent_id(&n.config))
    {
        if !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

/// Points every `ai.agent` node whose `agentId` is a key of `to` at that key's value (an
/// imported agent's id in the workspace it was imported into); other nodes stay.
pub fn redirect_agents(graph: &mut Graph, to: &std::collections::HashMap<uuid::Uuid, uuid::Uuid>) {
    redirect(graph, "ai.agent", "agentId", to);
}

fn redirect(
    graph: &mut Graph,
    kind: &str,
    key: &str,
    to: &std::collections::HashMap<uuid::Uuid, uuid::Uuid>,
) {
    for node in graph.nodes.iter_mut().filter(|n| n.kind == kind) {
        let Some(new) = crate::kinds::id_in(&node.config, key).and_then(|id| to.get(&id)) else {
            continue;
        };
        if let Some(config) = node.config.as_object_mut() {
            config.insert(key.into(), serde_json::Value::String(new.to_string()));
        }
    }
}

/// The same graph with new node and edge ids (UUIDv7), edges following their nodes. An edge
/// whose end is not a node keeps that end, so validation still reports it.
pub fn with_fresh_ids(graph: Graph) -> Graph {
    let ids: std::collections::HashMap<uuid::Uuid, uuid::Uuid> = graph
        .nodes
        .iter()
        .map(|n| (n.id, neuroflow_model::new_id()))
        .collect();
    let map = |id: uuid::Uuid| ids.get(&id).copied().unwrap_or(id);
    Graph {
        nodes: graph
            .nodes
            .into_iter()
            .map(|n| GraphNode { id: map(n.id), ..n })
            .collect(),
        edges: graph
            .edges
            .into_iter()
            .map(|e| GraphEdge {
                id: neuroflow_model::new_id(),
                source: map(e.source),
                target: map(e.target),
                ..e
            })
            .collect(),
    }
}

fn parse_import_as_is(bytes: &[u8]) -> Result<Imported, FileError> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(FileError(format!(
            "the file is {} bytes; the limit is {MAX_FILE_BYTES}",
            bytes.len()
        )));
    }
    // Both formats are JSON objects (serde would read a struct from an array too).
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(FileError(
            "not a graph file: a graph file is a JSON object".into(),
        ));
    }
    let header: Header = serde_json::from_slice(bytes)
        .map_err(|e| FileError(format!("not a graph file: {}", one_line(e))))?;
    if header.format.is_some() {
        let file = parse(bytes)?;
        return Ok(Imported {
            name: Some(file.name.clone()).filter(|n| !n.trim().is_empty()),
            description: file.description.clone(),
            graph: file.graph(),
            agents: file.agents,
            blueprints: file.blueprints,
            source: "neuroflow.graph v1",
            surface: Some(file.surface),
            category: file.category,
        });
    }
    let flow: ReactFlowObject = serde_json::from_slice(bytes).map_err(|e| {
        FileError(format!(
            "neither a neuroflow graph file nor React Flow JSON: {}",
            one_line(e)
        ))
    })?;
    flow.into_graph().map(|graph| Imported {
        name: None,
        description: String::new(),
        graph,
        agents: Vec::new(),
        blueprints: Vec::new(),
        source: "React Flow",
        surface: None,
        category: None,
    })
}

#[derive(Deserialize)]
struct ReactFlowObject {
    #[serde(deserialize_with = "bounded_flow_nodes")]
    nodes: Vec<ReactFlowNode>,
    #[serde(default, deserialize_with = "bounded_flow_edges")]
    edges: Vec<ReactFlowEdge>,
}

#[derive(Deserialize)]
struct ReactFlowNode {
    id: serde_json::Value,
    #[serde(default, rename = "type")]
    node_type: Option<String>,
    #[serde(default)]
    position: Option<ReactFlowPosition>,
    #[serde(default)]
    data: serde_json::Map<String, serde_json::Value>,
}

#[derive(Deserialize)]
struct ReactFlowPosition {
    x: f64,
    y: f64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReactFlowEdge {
    #[serde(default)]
    id: Option<serde_json::Value>,
    source: serde_json::Value,
    target: serde_json::Value,
    #[serde(default)]
    source_handle: Option<String>,
    #[serde(default)]
    target_handle: Option<String>,
}

fn bounded_flow_nodes<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<ReactFlowNode>, D::Error> {
    bounded(d, MAX_NODES, "nodes")
}

fn bounded_flow_edges<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<ReactFlowEdge>, D::Error> {
    bounded(d, MAX_EDGES, "edges")
}

/// React Flow ids are strings (or numbers in hand-written files).
fn id_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl ReactFlowObject {
    fn into_graph(self) -> Result<Graph, FileError> {
        use std::collections::HashMap;
        let mut ids: HashMap<String, uuid::Uuid> = HashMap::with_capacity(self.nodes.len());
        let mut nodes = Vec::with_capacity(self.nodes.len());
        for (i, n) in self.nodes.into_iter().enumerate() {
            let raw =
                id_text(&n.id).ok_or_else(|| FileError(format!("node {} has no id", i + 1)))?;
            let id = raw
                .parse::<uuid::Uuid>()
                .unwrap_or_else(|_| neuroflow_model::new_id());
            if ids.insert(raw.clone(), id).is_some() {
                return Err(FileError(format!("node id '{}' is used twice", clip(&raw))));
            }
            // Our own canvas exports `type: "flow"` with the kind in data; other React Flow
            // apps may name the kind in `type`.
            let kind = n
                .data
                .get("kind")
                .and_then(serde_json::Value::as_str)
                .map(str::to_string)
                .or(n.node_type.filter(|t| t != "flow"))
                .ok_or_else(|| {
                    FileError(format!(
                        "node '{}' has no kind (data.kind or type)",
                        clip(&raw)
                    ))
                })?;
            let label = n
                .data
                .get("label")
                .and_then(serde_json::Value::as_str)
                .map(str::to_string)
                .unwrap_or_else(|| kind.clone());
            let config = n
                .data
                .get("config")
                .cloned()
                .unwrap_or_else(|| serde_json::Value::Object(Default::default()));
            let position = n.position.unwrap_or(ReactFlowPosition { x: 0.0, y: 0.0 });
            nodes.push(GraphNode {
                id,
                kind,
                label,
                position: neuroflow_model::graph::Position {
                    x: position.x,
                    y: position.y,
                },
                config,
            });
        }
        let mut edges = Vec::with_capacity(self.edges.len());
        for (i, e) in self.edges.into_iter().enumerate() {
            let end = |v: &serde_json::Value, side: &str| {
                let raw =
                    id_text(v).ok_or_else(|| FileError(format!("edge {} has no {side}", i + 1)))?;
                ids.get(&raw).copied().ok_or_else(|| {
                    FileError(format!(
                        "edge {} points to node '{}', which is not in the file",
                        i + 1,
                        clip(&raw)
                    ))
                })
            };
            let id =
                e.id.as_ref()
                    .and_then(id_text)
                    .and_then(|s| s.parse::<uuid::Uuid>().ok())
                    .unwrap_or_else(neuroflow_model::new_id);
            edges.push(GraphEdge {
                id,
                source: end(&e.source, "source")?,
                source_handle: e.source_handle,
                target: end(&e.target, "target")?,
                target_handle: e.target_handle,
            });
        }
        Ok(Graph { nodes, edges })
    }
}

/// A value from the file as an error shows it: 40 characters on one line (a control character,
/// such as a line break, becomes a space).
fn clip(s: &str) -> String {
    let mut out: String = s
        .chars()
        .take(40)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if s.chars().count() > 40 {
        out.push('…');
    }
    out
}
