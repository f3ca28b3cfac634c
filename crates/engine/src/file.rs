//! The graph file format (`neuroflow.graph`, version 1) that the CLI runs and the desktop
//! imports and exports: reading it with bounded size, node count and nesting.

use std::io::Read;
use std::marker::PhantomData;
use std::path::Path;

use neuroflow_model::graph::{Graph, GraphEdge, GraphNode, MAX_EDGES, MAX_NODES};
use serde::de::{Deserializer, Error as _, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::host::{AgentProfile, BlueprintGraph};

pub const FORMAT: &str = "neuroflow.graph";
pub const VERSION: u32 = 1;
/// Larger files are refused before they are read.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
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
    #[serde(deserialize_with = "bounded_nodes")]
    pub nodes: Vec<GraphNode>,
    #[serde(deserialize_with = "bounded_edges")]
    pub edges: Vec<GraphEdge>,
    /// Blueprints the graph's `blueprint.call` nodes may call (used by the CLI).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "bounded_blueprints"
    )]
    pub blueprints: Vec<BlueprintGraph>,
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

fn bounded_blueprints<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<BlueprintGraph>, D::Error> {
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

fn one_line(e: impl std::fmt::Display) -> String {
    e.to_string()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Parses a graph file. serde_json's nesting limit (128) stays on, so a deeply nested file
/// is an error, not a stack overflow.
pub fn parse(bytes: &[u8]) -> Result<GraphFile, FileError> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(FileError(format!(
            "the file is {} bytes; the limit is {MAX_FILE_BYTES}",
            bytes.len()
        )));
    }
    let header: Header = serde_json::from_slice(bytes)
        .map_err(|e| FileError(format!("not a neuroflow graph file: {}", one_line(e))))?;
    match header.format.as_ref().and_then(|f| f.as_str()) {
        Some(FORMAT) => {}
        Some(other) => {
            let other: String = other.chars().take(40).collect();
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
    match header.version.as_ref().and_then(|v| v.as_u64()) {
        Some(v) if v == u64::from(VERSION) => {}
        Some(v) => {
            return Err(FileError(format!(
                "graph file version {v} is not supported; this neuroflow reads version {VERSION}"
            )))
        }
        None => {
            return Err(FileError(
                "the graph file has no whole-number \"version\"".into(),
            ))
        }
    }
    let file: GraphFile = serde_json::from_slice(bytes)
        .map_err(|e| FileError(format!("invalid graph file: {}", one_line(e))))?;
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
