//! Importing graph files: this project's format and React Flow's `toObject()` JSON, fresh ids for every element, and one clear error for anything else.

use neuroflow_engine::file::{self, parse_import, GraphFile};
use neuroflow_model::graph::{Graph, GraphEdge, GraphNode, Position};
use serde_json::json;
use uuid::Uuid;

fn graph() -> Graph {
    let a = GraphNode {
        id: Uuid::now_v7(),
        kind: "trigger.manual".into(),
        label: "Start".into(),
        position: Position { x: 10.0, y: 20.0 },
        config: json!({}),
    };
    let b = GraphNode {
        id: Uuid::now_v7(),
        kind: "flow.condition".into(),
        label: "Big?".into(),
        position: Position { x: 300.0, y: 20.0 },
        config: json!({"expression": "item.n > 1"}),
    };
    let e = GraphEdge {
        id: Uuid::now_v7(),
        source: a.id,
        source_handle: None,
        target: b.id,
        target_handle: None,
    };
    Graph {
        nodes: vec![a, b],
        edges: vec![e],
    }
}

#[test]
fn a_graph_file_imports_with_fresh_ids_and_the_same_shape() {
    let g = graph();
    let text = file::to_string(&GraphFile::new("Orders", g.clone())).expect("write");
    let imported = parse_import(text.as_bytes()).expect("import");
    assert_eq!(imported.name.as_deref(), Some("Orders"));
    assert_eq!(imported.source, "neuroflow.graph v1");
    let got = imported.graph;
    assert_eq!(got.nodes.len(), 2);
    for (old, new) in g.nodes.iter().zip(&got.nodes) {
        assert_ne!(old.id, new.id, "fresh ids");
        assert_eq!(
            (&old.kind, &old.label, &old.config),
            (&new.kind, &new.label, &new.config)
        );
        assert_eq!(new.id.get_version_num(), 7);
    }
    assert_eq!(
        got.edges[0].source, got.nodes[0].id,
        "edges follow their nodes"
    );
    assert_eq!(got.edges[0].target, got.nodes[1].id);
    assert_ne!(got.edges[0].id, g.edges[0].id);
    // Twice: independent ids again.
    let again = parse_import(text.as_bytes()).expect("again").graph;
    assert_ne!(again.nodes[0].id, got.nodes[0].id);
}

#[test]
fn react_flow_json_imports_from_our_canvas_and_from_other_apps() {
    // What our canvas's React Flow instance gives from toObject().
    let ours = json!({
        "nodes": [
            {"id": Uuid::now_v7().to_string(), "type": "flow", "position": {"x": 1, "y": 2},
             "data": {"kind": "trigger.manual", "label": "Go", "config": {}}, "measured": {"width": 220, "height": 64}},
            {"id": Uuid::now_v7().to_string(), "type": "flow", "position": {"x": 300, "y": 2},
             "data": {"kind": "output", "label": "Done"}}
        ],
        "edges": [],
        "viewport": {"x": 0, "y": 0, "zoom": 1}
    });
    let mut v = ours.clone();
    v["edges"] = json!([{"id": "e1", "source": ours["nodes"][0]["id"], "target": ours["nodes"][1]["id"], "sourceHandle": null, "targetHandle": null}]);
    let imported = parse_import(v.to_string().as_bytes()).expect("ours");
    assert_eq!(imported.source, "React Flow");
    assert_eq!(imported.name, None);
    assert_eq!(imported.graph.nodes[1].label, "Done");
    assert_eq!(imported.graph.nodes[1].config, json!({}));
    assert_eq!(imported.graph.edges[0].target, imported.graph.nodes[1].id);

    // Hand-written, with numeric ids and the kind as the node type.
    let other = json!({
        "nodes": [
            {"id": 1, "type": "trigger.manual", "position": {"x": 0, "y": 0}, "data": {"label": "Start"}},
            {"id": "2", "type": "http.request", "position": {"x": 200, "y": 0}, "data": {"config": {"url": "https://example.com"}}}
        ],
        "edges": [{"source": "1", "target": 2}]
    });
    let g = parse_import(other.to_string().as_bytes())
        .expect("other")
        .graph;
    assert_eq!(g.nodes[0].kind, "trigger.manual");
    assert_eq!(
        g.nodes[1].label, "http.request",
        "the kind stands in for a missing label"
    );
    assert_eq!(g.edges[0].source, g.nodes[0].id);
    assert_eq!(g.edges[0].target, g.nodes[1].id);
}

#[test]
fn anything_else_is_refused_in_one_line() {
    let cases: &[(&str, &str)] = &[
        ("hello", "not a graph file"),
        ("[1, 2]", "not a graph file"),
        (
            r#"{"format": "other.thing", "version": 1}"#,
            "its format is 'other.thing'",
        ),
        (
            r#"{"format": "neuroflow.graph", "version": 9, "name": "x", "nodes": [], "edges": []}"#,
            "version 9 is not supported",
        ),
        (
            r#"{"nodes": [{"id": "a", "position": {"x": 0, "y": 0}, "data": {}}]}"#,
            "node 'a' has no kind",
        ),
        (
            r#"{"nodes": [{"id": "a", "type": "output"}], "edges": [{"source": "a", "target": "zz"}]}"#,
            "points to node 'zz'",
        ),
        (
            r#"{"nodes": [{"id": "a", "type": "output"}, {"id": "a", "type": "output"}]}"#,
            "'a' is used twice",
        ),
        (
            r#"{"edges": []}"#,
            "neither a neuroflow graph file nor React Flow JSON",
        ),
    ];
    for (text, want) in cases {
        let e = parse_import(text.as_bytes()).expect_err(text);
        assert!(e.to_string().contains(want), "{text}: {e}");
        assert!(!e.to_string().contains('\n'), "one line: {e}");
    }
    // Too many nodes stops at the limit instead of reading them all.
    let many: Vec<_> = (0..=neuroflow_model::graph::MAX_NODES)
        .map(|i| json!({"id": i, "type": "output"}))
        .collect();
    let e = parse_import(json!({"nodes": many}).to_string().as_bytes()).expect_err("too many");
    assert!(e.to_string().contains("at most 100000 nodes"), "{e}");
    // Deep nesting is an error, not a stack overflow.
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    assert!(parse_import(deep.as_bytes()).is_err());
}

#[test]
fn carried_blueprints_keep_their_ids_with_fresh_components_and_calls_can_be_redirected() {
    let carried = Uuid::now_v7();
    let elsewhere = Uuid::now_v7();
    let input = Uuid::now_v7();
    let output = Uuid::now_v7();
    let call = |id: Uuid| {
        json!({"id": Uuid::now_v7(), "kind": "blueprint.call", "label": "Call", "position": {"x": 0, "y": 0},
               "config": {"blueprintId": id.to_string()}})
    };
    // A blueprint entry as the CLI has always read it (no description or category) next to
    // one as the desktop writes it.
    let text = json!({
        "format": "neuroflow.graph", "version": 1, "name": "Calls",
        "nodes": [call(carried), call(elsewhere)], "edges": [],
        "blueprints": [
            {"id": carried, "name": "Tool", "description": "Does it", "category": "API",
             "nodes": [
                {"id": input, "kind": "blueprint.input", "label": "In", "position": {"x": 0, "y": 0}, "config": {}},
                {"id": output, "kind": "output", "label": "Out", "position": {"x": 1, "y": 0}, "config": {}}
             ],
             "edges": [{"id": Uuid::now_v7(), "source": input, "target": output}]},
            {"id": elsewhere, "name": "Plain", "nodes": [], "edges": []}
        ]
    })
    .to_string();
    let mut imported = parse_import(text.as_bytes()).expect("import");
    assert_eq!(imported.blueprints.len(), 2);
    let tool = &imported.blueprints[0];
    assert_eq!(tool.id, carried, "the id the calls name");
    assert_eq!(
        (tool.description.as_str(), tool.category),
        ("Does it", Some(neuroflow_model::AIToolCategory::Api))
    );
    assert!(tool
        .graph
        .nodes
        .iter()
        .all(|n| n.id != input && n.id != output));
    assert_eq!(tool.graph.edges[0].source, tool.graph.nodes[0].id);
    assert_eq!(imported.blueprints[1].category, None);

    let new = Uuid::now_v7();
    file::redirect_calls(&mut imported.graph, &[(carried, new)].into());
    let called: Vec<&str> = imported
        .graph
        .nodes
        .iter()
        .map(|n| n.config["blueprintId"].as_str().expect("id"))
        .collect();
    assert_eq!(called, [new.to_string(), elsewhere.to_string()]);
}
