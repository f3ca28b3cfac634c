//! Regressions for what the fuzz targets (crates/fuzz) found, one test per finding.

use neuroflow_engine::file;
use neuroflow_engine::validate::{validate, validate_with_blueprints};
use neuroflow_model::graph::{Graph, GraphEdge, GraphNode, Position};
use serde_json::json;
use std::collections::HashMap;
use std::time::{Duration, Instant};

use uuid::Uuid;

/// Found by `file_parse`: serde quotes a wrongly typed string whole, so a file that is one long
/// JSON string (or has one where a list belongs) made an error as long as the file.
#[test]
fn a_long_wrongly_typed_string_makes_a_short_error() {
    let long = "x".repeat(1 << 20);
    let whole = format!("\"{long}\"");
    let in_place = format!(
        r#"{{"format":"neuroflow.graph","version":1,"name":"n","nodes":"{long}","edges":[]}}"#
    );
    let flow = format!(r#"{{"nodes":"{long}"}}"#);
    for (what, bytes) in [
        ("parse", whole.as_bytes()),
        ("parse", in_place.as_bytes()),
        ("parse_import", flow.as_bytes()),
    ] {
        let message = match file::parse(bytes) {
            Err(e) if what == "parse" => e.0,
            _ => match file::parse_import(bytes) {
                Err(e) => e.0,
                Ok(_) => panic!("{what}: a string is not a graph"),
            },
        };
        assert!(
            message.chars().count() <= 400,
            "{what}: {} chars",
            message.len()
        );
        assert!(
            message.ends_with('…'),
            "{what}: the clip is visible: {message}"
        );
        assert!(!message.contains('\n'));
    }
}

/// Found by `file_parse`: a format name with a line break was quoted as it was.
#[test]
fn a_format_name_with_a_line_break_makes_a_one_line_error() {
    let bytes = br#"{"format":"neuro\r\nflow","version":1,"name":"n","nodes":[],"edges":[]}"#;
    let error = match file::parse(bytes) {
        Err(e) => e.0,
        Ok(_) => panic!("not a neuroflow file"),
    };
    assert!(!error.contains(['\n', '\r']), "{error:?}");
    assert!(error.contains("neuro  flow"), "{error}");
}

fn node(n: u128, kind: &str, label: &str, config: serde_json::Value) -> GraphNode {
    GraphNode {
        id: Uuid::from_u128(n),
        kind: kind.into(),
        label: label.into(),
        position: Position { x: 0.0, y: 0.0 },
        config,
    }
}

/// Found by `validate_graph`: diagnostics quoted labels, port names and config values whole, so
/// a label with a line break split a problem over lines and a long value made a huge one.
#[test]
fn diagnostics_quoting_hostile_values_stay_one_short_line() {
    let long = "0".repeat(100_000);
    let graph = Graph {
        nodes: vec![
            node(1, "trigger.manual", "Start\nagain", json!({})),
            node(
                2,
                "flow.condition",
                "Check\r\n",
                json!({"expression": "a\nb c"}),
            ),
            node(3, "ai.llm", "LLM", json!({"provider": long})),
        ],
        edges: vec![GraphEdge {
            id: Uuid::from_u128(10),
            source: Uuid::from_u128(1),
            source_handle: Some("line\nbreak".into()),
            target: Uuid::from_u128(2),
            target_handle: None,
        }],
    };
    let diagnostics = validate(&graph);
    assert!(diagnostics.len() >= 3, "{diagnostics:?}");
    for d in &diagnostics {
        assert!(!d.message.contains(['\n', '\r']), "{:?}", d.message);
        assert!(
            d.message.chars().count() <= 301,
            "{} chars",
            d.message.len()
        );
    }
}

/// Found by `validate_graph` (its slowest input: 1 s for a 44-node workflow): each
/// `blueprint.call` node validated the blueprint it calls again, so many calls to one large
/// blueprint cost calls × blueprint. A thousand calls to a 2,000-node blueprint would take
/// minutes that way; checked once, well under the bound below even in a debug build.
#[test]
fn many_calls_to_one_blueprint_validate_it_once() {
    let blueprint_id = Uuid::from_u128(0xB1E);
    let blueprint = Graph {
        nodes: (0..2_000)
            .map(|i| {
                node(
                    100_000 + i,
                    "data.set",
                    "Set",
                    json!({"fields": {"a": "{{ item.a }}"}}),
                )
            })
            .collect(),
        edges: Vec::new(),
    };
    let graph = Graph {
        nodes: (0..1_000)
            .map(|i| {
                node(
                    1 + i,
                    "blueprint.call",
                    "Call",
                    json!({"blueprintId": blueprint_id}),
                )
            })
            .collect(),
        edges: Vec::new(),
    };
    let blueprints = HashMap::from([(blueprint_id, Ok(blueprint))]);
    let started = Instant::now();
    let diagnostics = validate_with_blueprints(&graph, Some(&blueprints));
    let took = started.elapsed();
    assert!(!diagnostics.is_empty(), "unconnected calls are reported");
    assert!(took < Duration::from_secs(5), "took {took:?}");
}

/// A jq program whose operators nest tens of thousands deep is checked on a thread with the jq
/// thread's stack: validating it used to overflow the caller's stack and abort the process.
#[test]
fn a_deeply_nested_jq_program_is_validated_without_a_stack_overflow() {
    for code in [
        format!("{}1", "-".repeat(20_000)),
        format!("1{}", "+1".repeat(30_000)),
        format!(".{}", "|.".repeat(30_000)),
    ] {
        let graph = neuroflow_model::graph::Graph {
            nodes: vec![neuroflow_model::graph::GraphNode {
                id: uuid::Uuid::now_v7(),
                kind: "data.transform".into(),
                label: "Deep".into(),
                position: neuroflow_model::graph::Position { x: 0.0, y: 0.0 },
                config: serde_json::json!({ "expression": code }),
            }],
            edges: vec![],
        };
        // Whatever the verdict, the process is still here to read it, in one line each.
        let diagnostics = validate(&graph);
        assert!(diagnostics.iter().all(|d| !d.message.contains('\n')));
    }
}
