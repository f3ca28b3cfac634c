//! The graph model shared by workflows and blueprints: `{nodes, edges}` as the canvas speaks
//! it, the catalog of node kinds, and the structural checks a saved graph must pass.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use uuid::Uuid;

use crate::validate::{self, ValidationError};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Position {
    // Typed as a plain TS `number`: specta renders f64 as `number | null` because JSON has no
    // NaN, but check_workflow_graph refuses non-finite positions, so stored ones are finite.
    #[specta(type = i32)]
    pub x: f64,
    #[specta(type = i32)]
    pub y: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct GraphNode {
    pub id: Uuid,
    pub kind: String,
    pub label: String,
    pub position: Position,
    pub config: Json,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct GraphEdge {
    pub id: Uuid,
    pub source: Uuid,
    pub source_handle: Option<String>,
    pub target: Uuid,
    pub target_handle: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Graph {
    pub nodes: Vec<GraphNode>,
    pub edges: Vec<GraphEdge>,
}

/// What an editor changed in a graph since the version it has: the nodes and edges added or
/// changed (whole), and the ids of those removed. A save sends this instead of the whole graph,
/// so its cost follows the edit, not the graph.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct GraphChanges {
    pub nodes: Vec<GraphNode>,
    pub edges: Vec<GraphEdge>,
    pub removed_nodes: Vec<Uuid>,
    pub removed_edges: Vec<Uuid>,
}

impl GraphChanges {
    /// How many elements the changes touch.
    pub fn len(&self) -> usize {
        self.nodes.len() + self.edges.len() + self.removed_nodes.len() + self.removed_edges.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `graph` with the changes made: removals first, then each node or edge replaces the one
    /// with its id in place or is appended. A removal of an id the same changes send again is a
    /// replacement in place, as the store writes it (an update keeps the row's place). Applying
    /// the same changes twice gives the same graph.
    pub fn apply(&self, graph: &mut Graph) {
        if !self.removed_nodes.is_empty() {
            let sent: HashSet<Uuid> = self.nodes.iter().map(|n| n.id).collect();
            let gone: HashSet<Uuid> = self
                .removed_nodes
                .iter()
                .copied()
                .filter(|id| !sent.contains(id))
                .collect();
            graph.nodes.retain(|n| !gone.contains(&n.id));
        }
        if !self.removed_edges.is_empty() {
            let sent: HashSet<Uuid> = self.edges.iter().map(|e| e.id).collect();
            let gone: HashSet<Uuid> = self
                .removed_edges
                .iter()
                .copied()
                .filter(|id| !sent.contains(id))
                .collect();
            graph.edges.retain(|e| !gone.contains(&e.id));
        }
        if !self.nodes.is_empty() {
            let at: HashMap<Uuid, usize> = graph
                .nodes
                .iter()
                .enumerate()
                .map(|(i, n)| (n.id, i))
                .collect();
            for n in &self.nodes {
                match at.get(&n.id) {
                    Some(&i) => graph.nodes[i] = n.clone(),
                    None => graph.nodes.push(n.clone()),
                }
            }
        }
        if !self.edges.is_empty() {
            let at: HashMap<Uuid, usize> = graph
                .edges
                .iter()
                .enumerate()
                .map(|(i, e)| (e.id, i))
                .collect();
            for e in &self.edges {
                match at.get(&e.id) {
                    Some(&i) => graph.edges[i] = e.clone(),
                    None => graph.edges.push(e.clone()),
                }
            }
        }
    }
}

/// One entry of the palette: what a node kind is and which sides it connects on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct NodeKindInfo {
    pub kind: String,
    pub label: String,
    pub category: String,
    pub description: String,
    pub has_input: bool,
    pub has_output: bool,
}

/// The canvas kinds both editors have.
const NOTE_KIND: KindRow = (
    "note",
    "Sticky note",
    "Canvas",
    "A note on the canvas for the people who read it; not a step of the run.",
    false,
    false,
);
const GROUP_KIND: KindRow = (
    "group",
    "Group",
    "Canvas",
    "A frame around nodes: move them together, collapse them to one box.",
    false,
    false,
);

/// The workflow nodes.
const WORKFLOW_KINDS: &[KindRow] = &[
    (
        "trigger.manual",
        "Manual trigger",
        "Triggers",
        "Starts the workflow when you press Run.",
        false,
        true,
    ),
    (
        "trigger.webhook",
        "Webhook trigger",
        "Triggers",
        "Starts the workflow when an HTTP request arrives.",
        false,
        true,
    ),
    (
        "trigger.schedule",
        "Schedule trigger",
        "Triggers",
        "Starts the workflow on a cron schedule.",
        false,
        true,
    ),
    (
        "ai.agent",
        "AI agent",
        "AI",
        "Runs one of your AI agents on the incoming items.",
        true,
        true,
    ),
    (
        "ai.llm",
        "LLM prompt",
        "AI",
        "Sends a templated prompt to a chat model.",
        true,
        true,
    ),
    (
        "ai.team",
        "Agent team",
        "AI",
        "Hands the task to an agent team.",
        true,
        true,
    ),
    (
        "http.request",
        "HTTP request",
        "Actions",
        "Calls any HTTP API.",
        true,
        true,
    ),
    (
        "data.set",
        "Set fields",
        "Data",
        "Adds or overwrites fields on each item.",
        true,
        true,
    ),
    (
        "data.constant",
        "Constant",
        "Data",
        "A fixed value: text, a number, a list or an object.",
        false,
        true,
    ),
    (
        "data.transform",
        "Transform (jq)",
        "Data",
        "Reshapes items with a jq expression.",
        true,
        true,
    ),
    (
        "flow.condition",
        "Condition",
        "Flow",
        "Routes items down the true or false branch.",
        true,
        true,
    ),
    (
        "flow.switch",
        "Switch",
        "Flow",
        "Routes items by matching rules.",
        true,
        true,
    ),
    (
        "flow.loop",
        "For each",
        "Flow",
        "Runs the following nodes once per item.",
        true,
        true,
    ),
    (
        "flow.merge",
        "Merge",
        "Flow",
        "Waits for several branches and joins them.",
        true,
        true,
    ),
    (
        "flow.delay",
        "Delay",
        "Flow",
        "Waits before passing items on.",
        true,
        true,
    ),
    (
        "blueprint.call",
        "Blueprint tool",
        "Tools",
        "Runs a tool blueprint as a step.",
        true,
        true,
    ),
    (
        "integration.slack",
        "Slack message",
        "Integrations",
        "Posts a message to a Slack channel.",
        true,
        true,
    ),
    (
        "integration.gmail",
        "Gmail send",
        "Integrations",
        "Sends an email through Gmail.",
        true,
        true,
    ),
    (
        "integration.webhook",
        "Webhook call",
        "Integrations",
        "POSTs items to a webhook, signed when a secret is set.",
        true,
        true,
    ),
    (
        "integration.http",
        "HTTP service call",
        "Integrations",
        "Calls an API with a saved integration's base URL and credentials.",
        true,
        true,
    ),
    (
        "output",
        "Output",
        "Flow",
        "Marks the workflow's result.",
        true,
        false,
    ),
    NOTE_KIND,
    GROUP_KIND,
];

/// Kinds that are part of the canvas, not of the program: notes and groups. The engine leaves
/// them out of validation and runs; they never have ports.
pub const CANVAS_ONLY_KINDS: [&str; 2] = ["note", "group"];

pub fn is_canvas_only(kind: &str) -> bool {
    CANVAS_ONLY_KINDS.contains(&kind)
}

/// The graph without its notes and groups (and any edge that touches one), as the engine
/// sees it; borrowed when there are none.
pub fn program_of(graph: &Graph) -> std::borrow::Cow<'_, Graph> {
    if !graph.nodes.iter().any(|n| is_canvas_only(&n.kind)) {
        return std::borrow::Cow::Borrowed(graph);
    }
    let dropped: HashSet<Uuid> = graph
        .nodes
        .iter()
        .filter(|n| is_canvas_only(&n.kind))
        .map(|n| n.id)
        .collect();
    std::borrow::Cow::Owned(Graph {
        nodes: graph
            .nodes
            .iter()
            .filter(|n| !dropped.contains(&n.id))
            .cloned()
            .collect(),
        edges: graph
            .edges
            .iter()
            .filter(|e| !dropped.contains(&e.source) && !dropped.contains(&e.target))
            .cloned()
            .collect(),
    })
}

/// Which editor a graph belongs to: a workflow, or a tool blueprint (whose input and output
/// components are its tool signature).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type,
)]
#[serde(rename_all = "camelCase")]
pub enum GraphSurface {
    #[default]
    Workflow,
    Blueprint,
}

/// The blueprint components.
const BLUEPRINT_KINDS: &[KindRow] = &[
    (
        "blueprint.input",
        "Tool input",
        "Signature",
        "The tool's parameters: what an agent or workflow passes in.",
        false,
        true,
    ),
    (
        "output",
        "Tool output",
        "Signature",
        "What the tool returns to its caller.",
        true,
        false,
    ),
    (
        "data.constant",
        "Constant",
        "Data",
        "A fixed value: text, a number, a list or an object.",
        false,
        true,
    ),
    (
        "http.request",
        "HTTP call",
        "Actions",
        "Calls any HTTP API.",
        true,
        true,
    ),
    (
        "data.transform",
        "Transform (jq)",
        "Data",
        "Reshapes items with a jq expression.",
        true,
        true,
    ),
    (
        "data.set",
        "Set fields",
        "Data",
        "Adds or overwrites fields on each item.",
        true,
        true,
    ),
    (
        "ai.llm",
        "LLM",
        "AI",
        "Sends a templated prompt to a chat model.",
        true,
        true,
    ),
    (
        "flow.condition",
        "Condition",
        "Flow",
        "Routes items down the true or false branch.",
        true,
        true,
    ),
    (
        "blueprint.call",
        "Blueprint call",
        "Actions",
        "Runs another tool blueprint as a step.",
        true,
        true,
    ),
    NOTE_KIND,
    GROUP_KIND,
];

/// (kind, label, category, description, has_input, has_output)
type KindRow = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    bool,
    bool,
);

fn kinds_of(surface: GraphSurface) -> &'static [KindRow] {
    match surface {
        GraphSurface::Workflow => WORKFLOW_KINDS,
        GraphSurface::Blueprint => BLUEPRINT_KINDS,
    }
}

/// The palette of an editor.
pub fn node_kinds(surface: GraphSurface) -> Vec<NodeKindInfo> {
    kinds_of(surface)
        .iter()
        .map(
            |(kind, label, category, description, has_input, has_output)| NodeKindInfo {
                kind: (*kind).into(),
                label: (*label).into(),
                category: (*category).into(),
                description: (*description).into(),
                has_input: *has_input,
                has_output: *has_output,
            },
        )
        .collect()
}

pub fn workflow_node_kinds() -> Vec<NodeKindInfo> {
    node_kinds(GraphSurface::Workflow)
}

/// Limits that keep a hostile or broken file from exhausting memory.
pub const MAX_NODES: usize = 100_000;
/// As many edges as nodes: a 100,000-node chain needs 99,999. The store reads a graph's
/// elements in lists of at most 100,000 rows (`graph_docs::element_query`), so a larger
/// bound here would let a saved graph lose edges when it is read back.
pub const MAX_EDGES: usize = 100_000;
pub const MAX_CONFIG_BYTES: usize = 256 * 1024;
const MAX_HANDLE_CHARS: usize = 64;

/// Structural checks for a workflow graph before it is stored: known kinds, unique ids,
/// edges between existing nodes on sides that exist, no self-loops or duplicate edges.
/// All problems are returned together so the canvas can mark every one.
pub fn check_workflow_graph(graph: &Graph) -> Result<(), Vec<ValidationError>> {
    check_graph(graph, GraphSurface::Workflow)
}

/// [`check_workflow_graph`] for either editor: kinds are those of its palette.
pub fn check_graph(graph: &Graph, surface: GraphSurface) -> Result<(), Vec<ValidationError>> {
    let palette = kinds_of(surface);
    let workflow_kind = |kind: &str| palette.iter().find(|k| k.0 == kind);
    let mut errors = Vec::new();
    if graph.nodes.len() > MAX_NODES {
        errors.push(ValidationError::new(
            "nodes",
            format!(
                "a graph may have at most {MAX_NODES} nodes; this one has {}",
                graph.nodes.len()
            ),
        ));
        return Err(errors);
    }
    if graph.edges.len() > MAX_EDGES {
        errors.push(ValidationError::new(
            "edges",
            format!(
                "a graph may have at most {MAX_EDGES} edges; this one has {}",
                graph.edges.len()
            ),
        ));
        return Err(errors);
    }
    let mut ids = HashSet::with_capacity(graph.nodes.len());
    for node in &graph.nodes {
        if !ids.insert(node.id) {
            errors.push(ValidationError::new(
                "nodes",
                format!("node id {} appears twice", node.id),
            ));
        }
        if workflow_kind(&node.kind).is_none() {
            let kind: String = node.kind.chars().take(64).collect();
            errors.push(ValidationError::new(
                "nodes",
                format!("node {} has an unknown kind '{kind}'", node.id),
            ));
        }
        if let Err(e) = validate::name("node label", &node.label) {
            errors.push(ValidationError::new(
                "nodes",
                format!("node {}: {}", node.id, e.message),
            ));
        }
        if !node.position.x.is_finite() || !node.position.y.is_finite() {
            errors.push(ValidationError::new(
                "nodes",
                format!(
                    "node {} has a position that is not a finite number",
                    node.id
                ),
            ));
        }
        let config_len = serde_json::to_string(&node.config)
            .map(|s| s.len())
            .unwrap_or(usize::MAX);
        if config_len > MAX_CONFIG_BYTES {
            errors.push(ValidationError::new(
                "nodes",
                format!(
                    "node {} config is {config_len} bytes; the limit is {MAX_CONFIG_BYTES}",
                    node.id
                ),
            ));
        }
    }
    let kinds: HashMap<Uuid, _> = graph
        .nodes
        .iter()
        .filter_map(|n| Some((n.id, workflow_kind(&n.kind)?)))
        .collect();
    let kind_of = |id: Uuid| kinds.get(&id).copied();
    let mut edge_ids = HashSet::with_capacity(graph.edges.len());
    let mut pairs = HashSet::with_capacity(graph.edges.len());
    for edge in &graph.edges {
        if !edge_ids.insert(edge.id) || ids.contains(&edge.id) {
            errors.push(ValidationError::new(
                "edges",
                format!("edge id {} is not unique", edge.id),
            ));
        }
        for handle in [&edge.source_handle, &edge.target_handle]
            .into_iter()
            .flatten()
        {
            if handle.chars().count() > MAX_HANDLE_CHARS {
                errors.push(ValidationError::new(
                    "edges",
                    format!(
                        "edge {} has a port name longer than {MAX_HANDLE_CHARS} characters",
                        edge.id
                    ),
                ));
            }
        }
        if !ids.contains(&edge.source) || !ids.contains(&edge.target) {
            errors.push(ValidationError::new(
                "edges",
                format!("edge {} connects a node that is not in the graph", edge.id),
            ));
            continue;
        }
        if edge.source == edge.target {
            errors.push(ValidationError::new(
                "edges",
                format!("edge {} connects node {} to itself", edge.id, edge.source),
            ));
        }
        if !pairs.insert((
            edge.source,
            edge.source_handle.clone(),
            edge.target,
            edge.target_handle.clone(),
        )) {
            errors.push(ValidationError::new(
                "edges",
                format!(
                    "edge {} duplicates another edge between the same ports",
                    edge.id
                ),
            ));
        }
        if kind_of(edge.source).is_some_and(|k| !k.5) {
            errors.push(ValidationError::new(
                "edges",
                format!(
                    "edge {} starts at node {}, which has no output",
                    edge.id, edge.source
                ),
            ));
        }
        if kind_of(edge.target).is_some_and(|k| !k.4) {
            errors.push(ValidationError::new(
                "edges",
                format!(
                    "edge {} ends at node {}, which has no input",
                    edge.id, edge.target
                ),
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::new_id;

    fn node(kind: &str) -> GraphNode {
        GraphNode {
            id: new_id(),
            kind: kind.into(),
            label: kind.into(),
            position: Position { x: 0.0, y: 0.0 },
            config: Json::Null,
        }
    }

    fn edge(a: &GraphNode, b: &GraphNode) -> GraphEdge {
        GraphEdge {
            id: new_id(),
            source: a.id,
            source_handle: None,
            target: b.id,
            target_handle: None,
        }
    }

    #[test]
    fn changes_replace_in_place_append_new_and_remove() {
        let a = node("trigger.manual");
        let b = node("set");
        let c = node("output");
        let ab = edge(&a, &b);
        let bc = edge(&b, &c);
        let mut g = Graph {
            nodes: vec![a.clone(), b.clone(), c.clone()],
            edges: vec![ab.clone(), bc.clone()],
        };
        let mut renamed = b.clone();
        renamed.label = "Renamed".into();
        let d = node("output");
        let bd = edge(&b, &d);
        let changes = GraphChanges {
            nodes: vec![renamed.clone(), d.clone()],
            edges: vec![bd.clone()],
            removed_nodes: vec![c.id],
            removed_edges: vec![bc.id],
        };
        assert_eq!(changes.len(), 5);
        changes.apply(&mut g);
        assert_eq!(g.nodes, vec![a.clone(), renamed.clone(), d.clone()]);
        assert_eq!(g.edges, vec![ab.clone(), bd.clone()]);
        // Idempotent: a save retried after a lost answer changes nothing more.
        let once = g.clone();
        changes.apply(&mut g);
        assert_eq!(g, once);
        assert!(GraphChanges::default().is_empty());
    }

    #[test]
    fn a_trigger_to_http_graph_is_valid() {
        let a = node("trigger.manual");
        let b = node("http.request");
        let g = Graph {
            edges: vec![edge(&a, &b)],
            nodes: vec![a, b],
        };
        assert_eq!(check_workflow_graph(&g), Ok(()));
    }

    #[test]
    fn every_problem_is_reported_together() {
        let a = node("trigger.manual");
        let b = node("no.such.kind");
        let out = node("output");
        let mut dup = edge(&a, &out);
        let first = dup.clone();
        dup.id = new_id();
        let into_trigger = edge(&out, &a);
        let dangling = GraphEdge {
            id: new_id(),
            source: a.id,
            source_handle: None,
            target: new_id(),
            target_handle: None,
        };
        let self_loop = edge(&b, &b);
        let g = Graph {
            nodes: vec![a, b, out],
            edges: vec![first, dup, into_trigger, dangling, self_loop],
        };
        let errors = check_workflow_graph(&g).expect_err("invalid");
        let text: Vec<_> = errors.iter().map(|e| e.message.clone()).collect();
        assert!(
            text.iter()
                .any(|m| m.contains("unknown kind 'no.such.kind'")),
            "{text:?}"
        );
        assert!(
            text.iter().any(|m| m.contains("duplicates another edge")),
            "{text:?}"
        );
        assert!(text.iter().any(|m| m.contains("has no output")), "{text:?}");
        assert!(text.iter().any(|m| m.contains("has no input")), "{text:?}");
        assert!(
            text.iter().any(|m| m.contains("not in the graph")),
            "{text:?}"
        );
        assert!(text.iter().any(|m| m.contains("to itself")), "{text:?}");
    }

    #[test]
    fn non_finite_positions_and_huge_graphs_are_refused() {
        let mut a = node("data.set");
        a.position.x = f64::NAN;
        assert!(check_workflow_graph(&Graph {
            nodes: vec![a],
            edges: vec![]
        })
        .is_err());
        let many = Graph {
            nodes: (0..MAX_NODES + 1).map(|_| node("data.set")).collect(),
            edges: vec![],
        };
        let errors = check_workflow_graph(&many).expect_err("too many");
        assert_eq!(errors.len(), 1);
    }

    #[test]
    fn graph_json_is_what_react_flow_speaks() {
        let a = node("trigger.manual");
        let json = serde_json::to_value(Graph {
            nodes: vec![a],
            edges: vec![],
        })
        .expect("json");
        assert!(json["nodes"][0]["position"]["x"].is_number());
    }
}
