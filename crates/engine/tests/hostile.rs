//! Malformed and hostile graph files: each ends in a clear one-line error, in bounded time
//! and memory, never a panic or a hang.

mod common;

use std::sync::Arc;

use common::*;
use neuroflow_engine::file::{parse, MAX_FILE_BYTES};
use neuroflow_engine::*;
use neuroflow_model::graph::MAX_NODES;
use serde_json::json;
use uuid::Uuid;

fn err(bytes: &[u8]) -> String {
    let e = parse(bytes).expect_err("refused").to_string();
    assert!(!e.contains('\n'), "{e}");
    e
}

fn header(nodes: &str, edges: &str) -> String {
    format!(
        r#"{{"format":"neuroflow.graph","version":1,"name":"x","nodes":{nodes},"edges":{edges}}}"#
    )
}

#[test]
fn garbage_is_not_a_graph_file() {
    assert!(err(b"\x00\xff garbage").starts_with("not a neuroflow graph file"));
    assert!(err(b"").starts_with("not a neuroflow graph file"));
    assert!(err(b"[1,2,3]").starts_with("not a neuroflow graph file"));
    assert!(err(br#"{"nodes":[],"edges":[]}"#).contains("no \"format\""));
    assert!(err(br#"{"format":"n8n","version":1}"#).contains("'n8n'"));
    assert!(
        err(br#"{"format":"neuroflow.graph","version":2}"#).contains("version 2 is not supported")
    );
    assert!(err(header(r#"[{"id":"x"}]"#, "[]").as_bytes()).starts_with("invalid graph file"));
}

#[test]
fn deep_nesting_hits_the_recursion_limit() {
    let deep = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
    let nested_config = header(
        &format!(
            r#"[{{"id":"{}","kind":"data.set","label":"x","position":{{"x":0,"y":0}},"config":{deep}}}]"#,
            Uuid::now_v7()
        ),
        "[]",
    );
    assert!(err(nested_config.as_bytes()).contains("recursion limit"));
    assert!(err(deep.as_bytes()).contains("recursion limit"));
}

#[test]
fn oversized_files_are_refused_before_parsing() {
    let big = vec![b' '; MAX_FILE_BYTES as usize + 1];
    assert!(err(&big).contains("limit"));
}

#[tokio::test]
async fn huge_strings_are_refused_by_validation() {
    let huge = "x".repeat(8 * 1024 * 1024);
    let t = manual();
    let s = set("S", json!({"blob": huge}));
    let mut long_label = set("L", json!({"a": 1}));
    long_label.label = "y".repeat(1_000_000);
    let g = graph(
        &[&t, &s, &long_label],
        vec![edge(&t, &s), edge(&t, &long_label)],
    );
    let text = serde_json::to_string(&neuroflow_engine::file::GraphFile::new("big", g.clone()))
        .expect("json");
    let parsed = parse(text.as_bytes()).expect("parses: under the file limit");
    let d = validate(&parsed.graph());
    assert!(
        d.iter()
            .any(|x| x.code == DiagnosticCode::TooLarge && x.node_id == Some(s.id)),
        "{d:?}"
    );
    assert!(d
        .iter()
        .any(|x| x.code == DiagnosticCode::TooLarge && x.node_id == Some(long_label.id)));
    assert!(d.iter().all(|x| x.message.len() < 500));
}

#[test]
fn a_node_past_the_limit_stops_reading_at_the_node_limit() {
    let one = format!(
        r#"{{"id":"{}","kind":"data.set","label":"n","position":{{"x":0,"y":0}},"config":{{}}}}"#,
        Uuid::nil()
    );
    let nodes = format!("[{}]", vec![one; MAX_NODES + 1].join(","));
    let e = err(header(&nodes, "[]").as_bytes());
    assert!(e.contains(&format!("at most {MAX_NODES} nodes")), "{e}");
}

/// A trigger and `total - 1` set-field nodes, each wired to the next.
fn long_chain(total: usize) -> neuroflow_model::graph::Graph {
    let t = manual();
    let sets: Vec<_> = (1..total)
        .map(|i| set(&format!("Set {i}"), json!({format!("f{}", i % 8): i})))
        .collect();
    let mut edges = vec![edge(&t, &sets[0])];
    edges.extend(sets.windows(2).map(|w| edge(&w[0], &w[1])));
    let mut refs = vec![&t];
    refs.extend(sets.iter());
    graph(&refs, edges)
}

#[test]
fn a_hundred_thousand_node_chain_is_read_and_validated_and_one_more_node_is_refused() {
    use neuroflow_model::graph::{check_workflow_graph, MAX_EDGES};
    // The limits this file format promises (docs/GRAPH-FORMAT.md).
    assert_eq!((MAX_NODES, MAX_EDGES), (100_000, 100_000));
    assert_eq!(MAX_FILE_BYTES, 128 * 1024 * 1024);

    let chain = long_chain(MAX_NODES);
    assert_eq!(chain.edges.len(), MAX_NODES - 1);
    // Exported as the desktop exports it (pretty JSON), the file is within the size limit
    // and reads back whole.
    let text =
        neuroflow_engine::file::to_string(&neuroflow_engine::file::GraphFile::new("chain", chain))
            .expect("json");
    assert!(text.len() as u64 <= MAX_FILE_BYTES, "{} bytes", text.len());
    let parsed = parse(text.as_bytes()).expect("a 100,000-node chain is a valid file");
    let chain = parsed.graph();
    assert_eq!(chain.nodes.len(), MAX_NODES);
    assert_eq!(validate(&chain), vec![]);
    assert_eq!(check_workflow_graph(&chain), Ok(()));

    // One node more is refused by each reader, in one line that says the limit.
    let mut over = chain;
    over.nodes.push(set("One too many", json!({"a": 1})));
    let d = validate(&over);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].code, DiagnosticCode::TooLarge);
    assert!(
        d[0].message.contains(&format!(
            "at most {MAX_NODES} nodes and {MAX_EDGES} edges; this one has 100001"
        )),
        "{}",
        d[0].message
    );
    let stored = check_workflow_graph(&over).expect_err("too many to store");
    assert!(
        stored[0]
            .message
            .contains("at most 100000 nodes; this one has 100001"),
        "{stored:?}"
    );
    let text =
        serde_json::to_string(&neuroflow_engine::file::GraphFile::new("over", over)).expect("json");
    let e = err(text.as_bytes());
    assert!(e.contains("may hold at most 100000 nodes"), "{e}");
}

#[tokio::test]
async fn cycles_and_self_recursive_blueprints_are_refused_not_run() {
    let t = manual();
    let a = set("A", json!({"a": 1}));
    let b = set("B", json!({"b": 1}));
    let cyclic = graph(
        &[&t, &a, &b],
        vec![edge(&t, &a), edge(&a, &b), edge(&b, &a)],
    );
    let refused = run(
        request(cyclic, json!({})),
        Arc::new(NoHost),
        None,
        CancelToken::new(),
    )
    .await;
    assert!(matches!(refused, Err(RunRefused::Invalid(_))));

    let id = Uuid::now_v7();
    let input = node("blueprint.input", "In", json!({}));
    let me = node(
        "blueprint.call",
        "Me again",
        json!({"blueprintId": id.to_string()}),
    );
    let selfish = BlueprintGraph {
        id,
        name: "selfish".into(),
        graph: graph(&[&input, &me], vec![edge(&input, &me)]),
    };
    let host = TestHost {
        blueprints: [(id, selfish)].into(),
        ..TestHost::default()
    };
    let t = manual();
    let call = node(
        "blueprint.call",
        "Call",
        json!({"blueprintId": id.to_string()}),
    );
    let refused = run(
        request(graph(&[&t, &call], vec![edge(&t, &call)]), json!({})),
        Arc::new(host),
        None,
        CancelToken::new(),
    )
    .await;
    let Err(RunRefused::Invalid(d)) = refused else {
        panic!("expected refusal")
    };
    assert!(
        d.iter()
            .any(|x| x.code == DiagnosticCode::BlueprintRecursion),
        "{d:?}"
    );
}

#[tokio::test]
async fn endless_templates_and_jq_end_in_errors() {
    let t = manual();
    let tpl = set(
        "Endless",
        json!({"x": "{% for i in range(100000000) %}{{ i }}{% endfor %}"}),
    );
    let r = run_graph(graph(&[&t, &tpl], vec![edge(&t, &tpl)]), json!({})).await;
    assert_eq!(r.status, RunStatus::Failed);

    let t = manual();
    let jq = node(
        "data.transform",
        "Endless",
        json!({"expression": "repeat(1)"}),
    );
    let r = run_graph(graph(&[&t, &jq], vec![edge(&t, &jq)]), json!({})).await;
    assert_eq!(r.status, RunStatus::Failed);
    assert!(
        r.error.as_deref().unwrap_or("").contains("more than"),
        "{:?}",
        r.error
    );
}

#[tokio::test]
async fn templates_that_double_or_flood_fail_their_node() {
    for (label, template, budget) in [
        (
            "Doubling",
            "{% set ns = namespace(s='x') %}{% for i in range(100) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s | length }}",
            "a namespace passed",
        ),
        (
            "Flooding",
            "{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}",
            "the result passes",
        ),
    ] {
        let t = manual();
        let s = set(label, json!({ "x": template }));
        let r = tokio::time::timeout(
            std::time::Duration::from_secs(60),
            run_graph(graph(&[&t, &s], vec![edge(&t, &s)]), json!({})),
        )
        .await
        .expect("the run ends");
        assert_eq!(r.status, RunStatus::Failed);
        let error = r.error.unwrap_or_default();
        assert!(
            error.contains(label) && error.contains("template budget exceeded") && error.contains(budget),
            "{error}"
        );
    }
}

#[tokio::test]
async fn huge_error_messages_are_clipped_and_kept_whole_in_the_logs() {
    let t = manual();
    let jq = node(
        "data.transform",
        "Loud",
        json!({"expression": "error(\"x\" * 8000000)"}),
    );
    let r = run_graph(graph(&[&t, &jq], vec![edge(&t, &jq)]), json!({})).await;
    assert_eq!(r.status, RunStatus::Failed);
    let run_error = r.error.unwrap_or_default();
    assert!(run_error.chars().count() < 1_100, "{}", run_error.len());
    assert!(run_error.contains('…'), "the cut is shown");
    let failed = r.nodes.iter().find(|n| n.node_id == jq.id).expect("ran");
    let error = failed.error.clone().unwrap_or_default();
    assert_eq!(
        error.chars().count(),
        1_001,
        "1,000 characters and the ellipsis"
    );
    assert!(error.starts_with("jq error: xxx"), "{}", &error[..20]);
    let full = failed
        .logs
        .iter()
        .find(|l| l.starts_with("error (in full): jq error: xxx"))
        .expect("the whole message is logged");
    assert_eq!(
        full.chars().count(),
        64 * 1024 + 1,
        "the log line is bounded too"
    );
}

/// Twenty blueprints, each calling the next: the call past the nesting limit fails cleanly.
#[tokio::test]
async fn blueprint_calls_nest_no_deeper_than_their_limit() {
    use neuroflow_engine::kinds::blueprint::MAX_DEPTH;
    let ids: Vec<Uuid> = (0..20).map(|_| Uuid::now_v7()).collect();
    let mut blueprints = std::collections::HashMap::new();
    for (i, id) in ids.iter().enumerate() {
        let input = node("blueprint.input", "In", json!({}));
        let body = match ids.get(i + 1) {
            Some(next) => node(
                "blueprint.call",
                &format!("Level {i}"),
                json!({"blueprintId": next.to_string()}),
            ),
            None => set("Bottom", json!({"deep": true})),
        };
        blueprints.insert(
            *id,
            BlueprintGraph {
                id: *id,
                name: format!("level {i}"),
                graph: graph(&[&input, &body], vec![edge(&input, &body)]),
            },
        );
    }
    let host = TestHost {
        blueprints,
        ..TestHost::default()
    };
    let t = manual();
    let call = node(
        "blueprint.call",
        "Top",
        json!({"blueprintId": ids[0].to_string()}),
    );
    let r = tokio::time::timeout(
        std::time::Duration::from_secs(60),
        run(
            request(graph(&[&t, &call], vec![edge(&t, &call)]), json!({})),
            Arc::new(host),
            None,
            CancelToken::new(),
        ),
    )
    .await
    .expect("the run ends")
    .expect("the run starts");
    assert_eq!(r.status, RunStatus::Failed);
    let error = r.error.unwrap_or_default();
    assert!(
        error.contains(&format!("blueprint calls nest deeper than {MAX_DEPTH}")),
        "{error}"
    );
}

#[test]
fn an_edge_past_the_limit_stops_reading_at_the_edge_limit() {
    use neuroflow_model::graph::MAX_EDGES;
    let one = format!(
        r#"{{"id":"{0}","source":"{0}","sourceHandle":null,"target":"{0}","targetHandle":null}}"#,
        Uuid::nil()
    );
    let edges = format!("[{}]", vec![one; MAX_EDGES + 1].join(","));
    let e = err(header("[]", &edges).as_bytes());
    assert!(e.contains(&format!("at most {MAX_EDGES} edges")), "{e}");
}
