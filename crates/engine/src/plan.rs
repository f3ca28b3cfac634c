//! A validated graph made ready to run: nodes with their kind and settings, edges by index,
//! and scopes — the top level and one per loop body — with each edge's role in them.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use neuroflow_model::graph::Graph;
use serde_json::Value as Json;
use uuid::Uuid;

use crate::kinds::{self, KindSpec, ERROR_PORT, MAIN};
use crate::validate::{loop_body, port_name};
use crate::value::Val;

pub(crate) struct PlanNode {
    pub id: Uuid,
    pub kind: &'static KindSpec,
    pub label: String,
    pub config: Json,
    pub retries: u32,
    pub retry_delay: Duration,
    pub timeout: Option<Duration>,
    pub pinned: Option<Arc<Vec<Val>>>,
}

pub(crate) struct PlanEdge {
    pub source: usize,
    pub source_port: String,
    pub target: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EdgeRole {
    /// Between two nodes of one scope.
    Internal,
    /// From a loop's `body` port into its body: fed once per item by the loop.
    Seed,
    /// From the body back into the loop's `next` port: collects an iteration's result.
    Exit,
}

pub(crate) struct Scope {
    pub members: Vec<usize>,
    /// Per member (by local index): how many edges must resolve before it is ready.
    pub in_count: Vec<u32>,
    pub slots: usize,
}

pub(crate) struct Plan {
    pub nodes: Vec<PlanNode>,
    pub edges: Vec<PlanEdge>,
    pub out_edges: EdgeLists,
    pub in_edges: EdgeLists,
    pub role: Vec<EdgeRole>,
    /// Edge → its slot in the scope where it is resolved (Internal and Seed edges).
    pub slot: Vec<usize>,
    /// Node → its index among its scope's members.
    pub local: Vec<usize>,
    /// Node → the scope it runs in.
    pub scope_of: Vec<usize>,
    pub scopes: Vec<Scope>,
    /// Loop node → the scope of its body.
    pub loop_scope: HashMap<usize, usize>,
    /// Node → whether its error port is connected (a failure then does not stop the run).
    pub catches_errors: Vec<bool>,
    /// Loop node → whether anything feeds its `next` port.
    pub has_exit: Vec<bool>,
}

pub(crate) const TOP: usize = 0;

/// Each node's edges (out or in), in edge order, as slices of one list: `lists[n]`. One
/// list for the graph instead of one per node: on a 100,000-node graph the per-node lists
/// were 200,000 allocations.
pub(crate) struct EdgeLists {
    /// Node n's edges are `edges[starts[n]..starts[n + 1]]`.
    starts: Vec<usize>,
    edges: Vec<usize>,
}

impl EdgeLists {
    /// The lists of `nodes` nodes, from the node at one end of each edge (in edge order).
    fn new(nodes: usize, end_of: &[usize]) -> Self {
        let mut starts = vec![0; nodes + 1];
        for &n in end_of {
            starts[n + 1] += 1;
        }
        for i in 0..nodes {
            starts[i + 1] += starts[i];
        }
        let mut next = starts.clone();
        let mut edges = vec![0; end_of.len()];
        for (e, &n) in end_of.iter().enumerate() {
            edges[next[n]] = e;
            next[n] += 1;
        }
        Self { starts, edges }
    }
}

impl std::ops::Index<usize> for EdgeLists {
    type Output = [usize];

    fn index(&self, n: usize) -> &[usize] {
        &self.edges[self.starts[n]..self.starts[n + 1]]
    }
}

fn settings(config: &Json) -> (u32, Duration, Option<Duration>, Option<Arc<Vec<Val>>>) {
    let retries = config
        .get("retries")
        .and_then(Json::as_u64)
        .unwrap_or(0)
        .min(10) as u32;
    let delay = Duration::from_millis(
        config
            .get("retryDelayMs")
            .and_then(Json::as_u64)
            .unwrap_or(500),
    );
    let timeout = config
        .get("timeoutMs")
        .and_then(Json::as_u64)
        .filter(|&ms| ms > 0)
        .map(Duration::from_millis);
    let pinned = config
        .get("pinned")
        .and_then(Json::as_array)
        .map(|items| Arc::new(items.iter().map(Val::from).collect()));
    (retries, delay, timeout, pinned)
}

/// Builds the plan of a graph that passed validation; a graph that did not gets a
/// one-line reason instead. The plan takes the graph's labels and configs rather than copying
/// them: the copies showed in profiles of 100,000-node runs.
pub(crate) fn plan(graph: Graph) -> Result<Plan, String> {
    let Graph {
        nodes: graph_nodes,
        edges: graph_edges,
    } = graph;
    let mut index: HashMap<Uuid, usize> = HashMap::with_capacity(graph_nodes.len());
    let mut nodes = Vec::with_capacity(graph_nodes.len());
    for (i, node) in graph_nodes.into_iter().enumerate() {
        let kind =
            kinds::kind(&node.kind).ok_or_else(|| format!("unknown node kind '{}'", node.kind))?;
        let (retries, retry_delay, timeout, pinned) = settings(&node.config);
        index.insert(node.id, i);
        nodes.push(PlanNode {
            id: node.id,
            kind,
            label: node.label,
            config: node.config,
            retries,
            retry_delay,
            timeout,
            pinned,
        });
    }
    let n = nodes.len();
    let mut edges = Vec::with_capacity(graph_edges.len());
    let mut edge_ids = Vec::with_capacity(graph_edges.len());
    // Whether each edge ends at a `next` port: only a loop's may, and only loops need it.
    let mut into_next = Vec::with_capacity(graph_edges.len());
    for edge in graph_edges {
        let (Some(&s), Some(&t)) = (index.get(&edge.source), index.get(&edge.target)) else {
            return Err(format!(
                "edge {} connects a node that is not in the graph",
                edge.id
            ));
        };
        into_next.push(port_name(&edge.target_handle) == "next");
        edges.push(PlanEdge {
            source: s,
            source_port: edge.source_handle.unwrap_or_else(|| MAIN.to_string()),
            target: t,
        });
        edge_ids.push(edge.id);
    }
    let sources: Vec<usize> = edges.iter().map(|e: &PlanEdge| e.source).collect();
    let targets: Vec<usize> = edges.iter().map(|e: &PlanEdge| e.target).collect();
    let out_edges = EdgeLists::new(n, &sources);
    let in_edges = EdgeLists::new(n, &targets);
    // Each node belongs to the innermost loop body that holds it, or to the top scope.
    let loops: Vec<usize> = (0..n)
        .filter(|&i| matches!(nodes[i].kind.runner, kinds::Runner::Loop))
        .collect();
    let bodies: Vec<(usize, std::collections::HashSet<usize>)> = if loops.is_empty() {
        Vec::new()
    } else {
        let adjacency: Vec<Vec<(usize, usize, bool)>> = (0..n)
            .map(|i| {
                out_edges[i]
                    .iter()
                    .map(|&e| (e, edges[e].target, edges[e].source_port == "body"))
                    .collect()
            })
            .collect();
        loops
            .iter()
            .map(|&l| (l, loop_body(l, &adjacency)))
            .collect()
    };
    let mut scope_of = vec![TOP; n];
    let mut loop_scope = HashMap::new();
    for (k, (l, _)) in bodies.iter().enumerate() {
        loop_scope.insert(*l, k + 1);
    }
    if !bodies.is_empty() {
        for (i, scope) in scope_of.iter_mut().enumerate() {
            let innermost = bodies
                .iter()
                .enumerate()
                .filter(|(_, (_, body))| body.contains(&i))
                .min_by_key(|(_, (_, body))| body.len());
            if let Some((k, _)) = innermost {
                *scope = k + 1;
            }
        }
    }
    let mut scopes: Vec<Scope> = (0..=bodies.len())
        .map(|_| Scope {
            members: Vec::new(),
            in_count: Vec::new(),
            slots: 0,
        })
        .collect();
    let mut local = vec![0; n];
    for (i, &s) in scope_of.iter().enumerate() {
        local[i] = scopes[s].members.len();
        scopes[s].members.push(i);
        scopes[s].in_count.push(0);
    }
    let mut role = Vec::with_capacity(edges.len());
    let mut slot = vec![usize::MAX; edges.len()];
    let mut has_exit = vec![false; n];
    let mut catches_errors = vec![false; n];
    for (e, edge) in edges.iter().enumerate() {
        let (s, t) = (edge.source, edge.target);
        let r = if loop_scope.contains_key(&s) && edge.source_port == "body" {
            EdgeRole::Seed
        } else if into_next[e] && loop_scope.contains_key(&t) {
            has_exit[t] = true;
            EdgeRole::Exit
        } else {
            EdgeRole::Internal
        };
        if edge.source_port == ERROR_PORT {
            catches_errors[s] = true;
        }
        if r != EdgeRole::Exit {
            let scope = scope_of[t];
            if r == EdgeRole::Internal && scope_of[s] != scope {
                return Err(format!(
                    "edge {} crosses a loop body's boundary",
                    edge_ids[e]
                ));
            }
            slot[e] = scopes[scope].slots;
            scopes[scope].slots += 1;
            scopes[scope].in_count[local[t]] += 1;
        }
        role.push(r);
    }
    Ok(Plan {
        nodes,
        edges,
        out_edges,
        in_edges,
        role,
        slot,
        local,
        scope_of,
        scopes,
        loop_scope,
        catches_errors,
        has_exit,
    })
}
