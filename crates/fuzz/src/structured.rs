//! Graphs and changes made from fuzz bytes with the real palettes' kinds, ports and config
//! schemas, so the validator sees graphs it checks in depth, not only ones it refuses at once.

use std::sync::OnceLock;

use neuroflow_engine::{catalog_for, KindInfo};
use neuroflow_model::graph::{Graph, GraphChanges, GraphEdge, GraphNode, GraphSurface, Position};
use serde_json::{json, Map, Value as Json};
use uuid::Uuid;

use crate::entropy::Entropy;

/// The most nodes a generated graph has: past the validator's report limit (200 problems), yet
/// cheap enough for thousands of runs a second.
const MAX_GENERATED_NODES: usize = 400;

fn palette(surface: GraphSurface) -> &'static [KindInfo] {
    static WORKFLOW: OnceLock<Vec<KindInfo>> = OnceLock::new();
    static BLUEPRINT: OnceLock<Vec<KindInfo>> = OnceLock::new();
    match surface {
        GraphSurface::Workflow => WORKFLOW.get_or_init(|| catalog_for(GraphSurface::Workflow)),
        GraphSurface::Blueprint => BLUEPRINT.get_or_init(|| catalog_for(GraphSurface::Blueprint)),
    }
}

/// Every kind name of both palettes (for the byte mutator's dictionary too).
pub fn kind_names() -> Vec<String> {
    [GraphSurface::Workflow, GraphSurface::Blueprint]
        .into_iter()
        .flat_map(|s| palette(s).iter().map(|k| k.kind.clone()))
        .collect()
}

const ODD_KINDS: &[&str] = &[
    "",
    "note",
    "group",
    "unknown.kind",
    "flow.",
    "blueprint.input",
    "TRIGGER.MANUAL",
    "ккккк",
];

const STRINGS: &[&str] = &[
    "",
    " ",
    "x",
    "main",
    "error",
    "true",
    "item",
    "{{ item }}",
    "{{ item.x | upper }}",
    "{{",
    "{% for x in item %}{{ x }}{% endfor %}",
    ".",
    ".a | .b",
    "[.[] | select(.x > 1)]",
    "def f: f; f",
    "https://example.com/a?b=c",
    "http://127.0.0.1:1/",
    "http://169.254.169.254/latest",
    "GET",
    "POST",
    "00000000-0000-0000-0000-000000000001",
    "line\nbreak",
    "tab\there",
    "é",
    "\u{202e}rtl",
    "\u{0}",
];

fn string(e: &mut Entropy) -> String {
    match e.below(10) {
        0 => {
            // A long string: labels and config values have limits to hit.
            let unit = e.pick(STRINGS).copied().unwrap_or("x");
            unit.repeat(1 + e.below(300))
        }
        1 => {
            let len = e.below(24);
            (0..len)
                .map(|_| char::from_u32(e.u32() % 0x11000).unwrap_or('?'))
                .collect()
        }
        _ => e.pick(STRINGS).copied().unwrap_or("").to_string(),
    }
}

fn number(e: &mut Entropy) -> Json {
    match e.below(12) {
        0 => json!(-1),
        1 => json!(0),
        2 => json!(1.5),
        3 => json!(u64::MAX),
        4 => json!(i64::MIN),
        5 => json!(f64::MAX),
        6 => json!(1e-300),
        7 => json!(-0.0),
        8 => json!(2_147_483_648u64),
        _ => json!(e.below(100)),
    }
}

/// Any JSON value, nested at most `depth` deep.
pub fn json(e: &mut Entropy, depth: usize) -> Json {
    match e.below(if depth == 0 { 4 } else { 6 }) {
        0 => Json::Null,
        1 => Json::Bool(e.chance(50)),
        2 => number(e),
        3 => Json::String(string(e)),
        4 => Json::Array((0..e.below(5)).map(|_| json(e, depth - 1)).collect()),
        _ => {
            let mut map = Map::new();
            for _ in 0..e.below(5) {
                map.insert(string(e), json(e, depth - 1));
            }
            Json::Object(map)
        }
    }
}

/// A value for `schema` (the kinds' JSON-schema subset), off the schema now and then.
fn value_for(e: &mut Entropy, schema: &Json, ids: &[Uuid], depth: usize) -> Json {
    if depth == 0 || e.chance(6) {
        return json(e, depth.min(2));
    }
    if let Some(options) = schema.get("enum").and_then(Json::as_array) {
        if let Some(v) = e.pick(options) {
            return v.clone();
        }
    }
    match schema.get("type").and_then(Json::as_str) {
        Some("string") => {
            if !ids.is_empty() && e.chance(20) {
                Json::String(ids[e.below(ids.len())].to_string())
            } else {
                Json::String(string(e))
            }
        }
        Some("number") | Some("integer") => number(e),
        Some("boolean") => Json::Bool(e.chance(50)),
        Some("array") => {
            let items = schema.get("items").cloned().unwrap_or(Json::Null);
            Json::Array(
                (0..e.below(4))
                    .map(|_| value_for(e, &items, ids, depth - 1))
                    .collect(),
            )
        }
        Some("object") | None => {
            let mut map = Map::new();
            if let Some(props) = schema.get("properties").and_then(Json::as_object) {
                for (name, sub) in props {
                    if e.chance(70) {
                        map.insert(name.clone(), value_for(e, sub, ids, depth - 1));
                    }
                }
            }
            if e.chance(10) {
                map.insert(string(e), json(e, 1));
            }
            Json::Object(map)
        }
        Some(_) => json(e, 1),
    }
}

fn position(e: &mut Entropy, finite: bool) -> Position {
    let coordinate = |e: &mut Entropy| match e.below(20) {
        0 => f64::MAX,
        1 => -0.0,
        2 => 1e-310,
        3 if !finite => f64::NAN,
        4 if !finite => f64::NEG_INFINITY,
        _ => f64::from(e.u32() % 4000) - 2000.0,
    };
    Position {
        x: coordinate(e),
        y: coordinate(e),
    }
}

/// A node id: usually new, now and then one already used (the checks must catch duplicates).
fn node_id(e: &mut Entropy, used: &[Uuid]) -> Uuid {
    if !used.is_empty() && e.chance(4) {
        used[e.below(used.len())]
    } else {
        Uuid::from_u128(e.u128())
    }
}

/// A node of the surface's palette (or now and then of the other one, canvas-only or unknown).
fn node(e: &mut Entropy, surface: GraphSurface, id: Uuid, ids: &[Uuid], finite: bool) -> GraphNode {
    let other = match surface {
        GraphSurface::Workflow => GraphSurface::Blueprint,
        GraphSurface::Blueprint => GraphSurface::Workflow,
    };
    let info = match e.below(20) {
        0 => None,
        1 => e.pick(palette(other)),
        _ => e.pick(palette(surface)),
    };
    let kind = match info {
        Some(k) => k.kind.clone(),
        None => e.pick(ODD_KINDS).copied().unwrap_or("").to_string(),
    };
    let label = match (info, e.below(4)) {
        (Some(k), 0 | 1) => k.label.clone(),
        _ => string(e),
    };
    let config = match info {
        Some(k) if e.chance(85) => value_for(e, &k.config_schema, ids, 5),
        _ => json(e, 3),
    };
    GraphNode {
        id,
        kind,
        label,
        position: position(e, finite),
        config,
    }
}

fn handle(e: &mut Entropy, ports: Option<Vec<String>>) -> Option<String> {
    match e.below(10) {
        0..=3 => None,
        4 => Some(string(e)),
        5 => Some("error".into()),
        _ => ports.and_then(|p| e.pick(&p).cloned()),
    }
}

fn edge(e: &mut Entropy, graph: &Graph, surface: GraphSurface) -> GraphEdge {
    let end = |e: &mut Entropy| -> Option<&GraphNode> {
        if e.chance(5) {
            None
        } else {
            e.pick(&graph.nodes)
        }
    };
    let source = end(e);
    let target = end(e);
    let info =
        |n: Option<&GraphNode>| n.and_then(|n| palette(surface).iter().find(|k| k.kind == n.kind));
    let outputs = info(source).map(|k| {
        let mut names: Vec<String> = k.outputs.iter().map(|p| p.name.clone()).collect();
        // flow.switch rules add ports named in its config.
        if let Some(rules) = source
            .and_then(|n| n.config.get("rules"))
            .and_then(Json::as_array)
        {
            names.extend(
                rules
                    .iter()
                    .filter_map(|r| r.get("port").and_then(Json::as_str).map(str::to_string)),
            );
        }
        names
    });
    let inputs = info(target).map(|k| k.inputs.iter().map(|p| p.name.clone()).collect());
    GraphEdge {
        id: Uuid::from_u128(e.u128()),
        source: source.map_or_else(|| Uuid::from_u128(e.u128()), |n| n.id),
        source_handle: handle(e, outputs),
        target: target.map_or_else(|| Uuid::from_u128(e.u128()), |n| n.id),
        target_handle: handle(e, inputs),
    }
}

/// A graph for `surface`; its `blueprint.call` nodes may name `blueprints`. `finite` keeps
/// positions finite, as every graph that arrives as JSON has them.
pub fn graph(e: &mut Entropy, surface: GraphSurface, blueprints: &[Uuid], finite: bool) -> Graph {
    let count = if e.chance(3) {
        e.below(MAX_GENERATED_NODES)
    } else {
        e.below(16)
    };
    let mut graph = Graph::default();
    let mut used = Vec::with_capacity(count);
    for _ in 0..count {
        let id = node_id(e, &used);
        used.push(id);
        let n = node(e, surface, id, blueprints, finite);
        graph.nodes.push(n);
    }
    let edges = e.below(graph.nodes.len() * 2 + 2);
    for _ in 0..edges {
        let edge = edge(e, &graph, surface);
        graph.edges.push(edge);
    }
    // Now and then an edge id that is a node's id, or repeated.
    if e.chance(5) {
        if let (Some(first), Some(n)) = (graph.edges.first().cloned(), graph.nodes.first()) {
            graph.edges.push(GraphEdge { id: n.id, ..first });
        }
    }
    graph
}

/// Changes an editor could send (or a hostile one): nodes and edges changed in place, new ones,
/// removals of present and absent ids, repeats.
pub fn changes(e: &mut Entropy, base: &Graph, surface: GraphSurface) -> GraphChanges {
    let mut out = GraphChanges::default();
    let node_ids: Vec<Uuid> = base.nodes.iter().map(|n| n.id).collect();
    for _ in 0..e.below(8) {
        let id = match (e.chance(60), e.pick(&node_ids)) {
            (true, Some(id)) => *id,
            _ => Uuid::from_u128(e.u128()),
        };
        out.nodes.push(node(e, surface, id, &[], true));
    }
    for _ in 0..e.below(4) {
        out.removed_nodes
            .push(match (e.chance(70), e.pick(&node_ids)) {
                (true, Some(id)) => *id,
                _ => Uuid::from_u128(e.u128()),
            });
    }
    let mut grown = base.clone();
    grown.nodes.extend(out.nodes.iter().cloned());
    for _ in 0..e.below(8) {
        let mut edge = edge(e, &grown, surface);
        if e.chance(40) {
            if let Some(old) = e.pick(&base.edges) {
                edge.id = old.id;
            }
        }
        out.edges.push(edge);
    }
    for _ in 0..e.below(4) {
        out.removed_edges
            .push(match (e.chance(70), e.pick(&base.edges)) {
                (true, Some(edge)) => edge.id,
                _ => Uuid::from_u128(e.u128()),
            });
    }
    out
}
