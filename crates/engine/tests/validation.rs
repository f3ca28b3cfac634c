//! Validation before a run: every problem found, each with its node or edge, all together.

mod common;

use common::*;
use neuroflow_engine::file;
use neuroflow_engine::*;
use neuroflow_model::graph::{GraphEdge, MAX_NODES};
use serde_json::json;
use uuid::Uuid;

fn codes(d: &[Diagnostic]) -> Vec<DiagnosticCode> {
    d.iter().map(|d| d.code).collect()
}

#[test]
fn a_good_graph_has_no_diagnostics() {
    let t = manual();
    let s = set("S", json!({"a": "{{ item.x }}"}));
    let o = node("output", "O", json!({}));
    assert_eq!(
        validate(&graph(&[&t, &s, &o], vec![edge(&t, &s), edge(&s, &o)])),
        vec![]
    );
}

#[test]
fn every_problem_is_reported_together_with_its_node_or_edge() {
    let t = manual();
    let unknown = node("no.such.kind", "Mystery", json!({}));
    let missing = node("data.set", "No fields", json!({}));
    let bad_type = node("flow.delay", "Delay", json!({"ms": "soon"}));
    let bad_jq = node("data.transform", "Jq", json!({"expression": ".a |||"}));
    let bad_tpl = set("Tpl", json!({"x": "{{ item. }}"}));
    let secret = node(
        "ai.llm",
        "Leaky",
        json!({"model": "gpt-4o", "prompt": "p", "apiKey": "sk-123"}),
    );
    let llm = node(
        "ai.llm",
        "Text out",
        json!({"model": "gpt-4o", "prompt": "p"}),
    );
    let wants_object = set("Wants object", json!({"a": 1}));
    let cond = node("flow.condition", "Cond", json!({"expression": "true"}));
    let after_cond = set("After cond", json!({"a": 1}));
    let dangling = GraphEdge {
        id: Uuid::now_v7(),
        source: t.id,
        source_handle: None,
        target: Uuid::now_v7(),
        target_handle: None,
    };
    let g = graph(
        &[
            &t,
            &unknown,
            &missing,
            &bad_type,
            &bad_jq,
            &bad_tpl,
            &secret,
            &llm,
            &wants_object,
            &cond,
            &after_cond,
        ],
        vec![
            edge(&t, &missing),
            edge(&t, &llm),
            ports(&llm, Some("text"), &wants_object, None),
            edge(&t, &cond),
            edge(&cond, &after_cond),
            dangling.clone(),
        ],
    );
    let d = validate(&g);
    let c = codes(&d);
    for expected in [
        DiagnosticCode::UnknownKind,
        DiagnosticCode::MissingConfig,
        DiagnosticCode::InvalidConfig,
        DiagnosticCode::SecretInConfig,
        DiagnosticCode::IncompatiblePorts,
        DiagnosticCode::UnknownPort,
        DiagnosticCode::DanglingEdge,
    ] {
        assert!(c.contains(&expected), "{expected:?} missing from {d:#?}");
    }
    let on = |code, id| d.iter().any(|x| x.code == code && x.node_id == Some(id));
    assert!(on(DiagnosticCode::UnknownKind, unknown.id));
    assert!(on(DiagnosticCode::MissingConfig, missing.id));
    assert!(on(DiagnosticCode::InvalidConfig, bad_type.id));
    assert!(on(DiagnosticCode::InvalidConfig, bad_jq.id));
    assert!(on(DiagnosticCode::InvalidConfig, bad_tpl.id));
    assert!(on(DiagnosticCode::SecretInConfig, secret.id));
    assert!(d
        .iter()
        .any(|x| x.code == DiagnosticCode::DanglingEdge && x.edge_id == Some(dangling.id)));
    assert!(
        d.iter()
            .any(|x| x.code == DiagnosticCode::UnknownPort
                && x.message.contains("true, false, error")),
        "{d:#?}"
    );
    assert!(d.iter().all(|x| !x.message.contains('\n')));
}

#[test]
fn a_graph_without_a_trigger_is_refused() {
    let s = set("S", json!({"a": 1}));
    assert_eq!(
        codes(&validate(&graph(&[&s], vec![]))),
        vec![DiagnosticCode::NoTrigger]
    );
}

#[test]
fn cycles_are_refused_unless_a_loop_closes_them() {
    let t = manual();
    let a = set("A", json!({"a": 1}));
    let b = set("B", json!({"b": 1}));
    let d = validate(&graph(
        &[&t, &a, &b],
        vec![edge(&t, &a), edge(&a, &b), edge(&b, &a)],
    ));
    let cyc: Vec<_> = d
        .iter()
        .filter(|d| d.code == DiagnosticCode::Cycle)
        .filter_map(|d| d.node_id)
        .collect();
    assert_eq!(cyc.len(), 2, "{d:#?}");
    assert!(cyc.contains(&a.id) && cyc.contains(&b.id));

    let lp = node("flow.loop", "Loop", json!({}));
    let body = set("Body", json!({"x": 1}));
    let ok = graph(
        &[&t, &lp, &body],
        vec![
            edge(&t, &lp),
            ports(&lp, Some("body"), &body, None),
            ports(&body, None, &lp, Some("next")),
        ],
    );
    assert_eq!(validate(&ok), vec![]);

    let self_loop = graph(&[&t, &a], vec![edge(&t, &a), edge(&a, &a)]);
    assert!(codes(&validate(&self_loop)).contains(&DiagnosticCode::Cycle));
}

#[test]
fn a_loop_body_must_not_take_input_from_outside() {
    let t = manual();
    let lp = node("flow.loop", "Loop", json!({}));
    let body = set("Body", json!({"x": 1}));
    let outside = set("Outside", json!({"y": 1}));
    let g = graph(
        &[&t, &lp, &body, &outside],
        vec![
            edge(&t, &lp),
            ports(&lp, Some("body"), &body, None),
            edge(&t, &outside),
            edge(&outside, &body),
        ],
    );
    let d = validate(&g);
    assert!(
        d.iter()
            .any(|x| x.code == DiagnosticCode::LoopBody && x.node_id == Some(body.id)),
        "{d:#?}"
    );
}

#[test]
fn huge_graphs_are_refused_in_one_diagnostic() {
    let nodes: Vec<_> = (0..MAX_NODES + 1)
        .map(|i| set(&format!("S{i}"), json!({"a": 1})))
        .collect();
    let refs: Vec<_> = nodes.iter().collect();
    let d = validate(&graph(&refs, vec![]));
    assert_eq!(codes(&d), vec![DiagnosticCode::TooLarge]);
}

#[test]
fn a_long_cycle_gives_a_bounded_list() {
    let t = manual();
    let nodes: Vec<_> = (0..5000)
        .map(|i| set(&format!("S{i}"), json!({"a": 1})))
        .collect();
    let mut edges: Vec<_> = nodes.windows(2).map(|w| edge(&w[0], &w[1])).collect();
    edges.push(edge(&nodes[4999], &nodes[0]));
    edges.push(edge(&t, &nodes[0]));
    let mut refs = vec![&t];
    refs.extend(nodes.iter());
    let d = validate(&graph(&refs, edges));
    assert!(d.len() <= validate::MAX_DIAGNOSTICS + 1);
    assert!(d.last().is_some_and(|x| x.message.starts_with("and ")));
}

#[test]
fn the_file_format_round_trips() {
    let t = manual();
    let s = set("S", json!({"a": 1}));
    let f = file::GraphFile::new("demo", graph(&[&t, &s], vec![edge(&t, &s)]));
    let text = file::to_string(&f).expect("write");
    assert!(text.contains("\"format\": \"neuroflow.graph\""));
    assert_eq!(file::parse(text.as_bytes()).expect("read"), f);
}
