//! Regressions for what the fuzz targets (crates/fuzz) found in the graph model.

use neuroflow_model::graph::{Graph, GraphChanges, GraphEdge, GraphNode, Position};
use serde_json::json;
use uuid::Uuid;

fn node(n: u128, label: &str) -> GraphNode {
    GraphNode {
        id: Uuid::from_u128(n),
        kind: "data.set".into(),
        label: label.into(),
        position: Position { x: 0.0, y: 0.0 },
        config: json!({}),
    }
}

fn edge(n: u128, from: u128, to: u128) -> GraphEdge {
    GraphEdge {
        id: Uuid::from_u128(n),
        source: Uuid::from_u128(from),
        source_handle: None,
        target: Uuid::from_u128(to),
        target_handle: None,
    }
}

/// Found by `save_payload`: changes that removed an id and sent it again moved it to the end,
/// so applying them twice reordered the graph, and the graph a save remembered was not in the
/// order the store (which updates such a row in place) reads back.
#[test]
fn an_id_removed_and_sent_again_is_replaced_in_place() {
    let base = Graph {
        nodes: vec![node(1, "P"), node(2, "Q")],
        edges: vec![edge(10, 1, 2), edge(11, 2, 1)],
    };
    let changes = GraphChanges {
        nodes: vec![node(1, "P again"), node(3, "R")],
        edges: vec![edge(10, 1, 3)],
        removed_nodes: vec![Uuid::from_u128(1)],
        removed_edges: vec![Uuid::from_u128(10)],
    };
    let mut once = base.clone();
    changes.apply(&mut once);
    let labels: Vec<_> = once.nodes.iter().map(|n| n.label.as_str()).collect();
    assert_eq!(labels, ["P again", "Q", "R"]);
    assert_eq!(once.edges, vec![edge(10, 1, 3), edge(11, 2, 1)]);
    let mut twice = once.clone();
    changes.apply(&mut twice);
    assert_eq!(twice, once);
}
