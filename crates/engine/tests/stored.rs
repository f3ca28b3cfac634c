//! Stored results (`stored::encode`/`decode`): what a run shares is written once, reads back
//! equal and shared again, and the first format still reads.

mod common;

use std::sync::Arc;

use common::*;
use neuroflow_engine::*;
use serde_json::json;

fn chain(sets: usize) -> neuroflow_model::graph::Graph {
    let t = manual();
    let mut nodes = vec![t];
    let mut edges = Vec::new();
    for i in 1..=sets {
        let n = set(&format!("Set {i}"), json!({ format!("f{}", i % 8): i }));
        edges.push(edge(nodes.last().expect("a node before"), &n));
        nodes.push(n);
    }
    neuroflow_model::graph::Graph { nodes, edges }
}

#[tokio::test]
async fn a_chain_of_sets_is_stored_as_its_input_and_patches_and_reads_back_equal() {
    let g = chain(50);
    let items: Vec<_> = (0..2_000)
        .map(|i| json!({ "id": i, "name": format!("customer {i}") }))
        .collect();
    let r = run_graph(g, json!(items)).await;
    assert_eq!(r.status, RunStatus::Completed, "{:?}", r.error);

    let full = serde_json::to_string(&r.nodes).expect("serializes").len();
    let logs = stored::encode(&r.nodes);
    let compact = logs.to_string().len();
    // The input list (about 60 KB) twice (the run's input and the trigger's items are written
    // once each), and 50 one-line patches.
    eprintln!("50 Set nodes x 2,000 items: stored {compact} bytes, {full} in full");
    assert!(compact * 20 < full, "stored {compact} bytes of {full}");

    let back = stored::decode(&logs).expect("reads");
    assert_eq!(back, r.nodes);
    // Read back, the outputs share their input's items again.
    let (third, fourth) = (&back[3], &back[4]);
    let over = match (&fourth.output["main"][5], &third.output["main"][5]) {
        (Val::Object(made), Val::Object(base)) => {
            made.patch_parts().map(|(over, _)| Arc::ptr_eq(over, base))
        }
        _ => None,
    };
    assert_eq!(over, Some(true));
    assert!(Arc::ptr_eq(&fourth.input, &third.output["main"]));
}

#[tokio::test]
async fn branches_templates_and_failures_read_back_equal() {
    let t = manual();
    let cond = node(
        "flow.condition",
        "Big?",
        json!({ "expression": "item.n > 2" }),
    );
    let each = set("Each", json!({ "double": "{{ item.n * 2 }}", "a.b": 1 }));
    let only = node(
        "data.set",
        "Only",
        json!({ "fields": { "x": 1 }, "keepOnlySet": true }),
    );
    let jq = node(
        "data.transform",
        "Boom",
        json!({ "expression": "if .n == 4 then error(\"four\") else . end" }),
    );
    let caught = set("Caught", json!({ "seen": true }));
    let g = graph(
        &[&t, &cond, &each, &only, &jq, &caught],
        vec![
            edge(&t, &cond),
            ports(&cond, Some("true"), &each, None),
            ports(&cond, Some("false"), &only, None),
            edge(&each, &jq),
            ports(&jq, Some("error"), &caught, None),
        ],
    );
    let items: Vec<_> = (0..6).map(|i| json!({ "n": i, "s": "x" })).collect();
    let r = run_graph(g, json!(items)).await;
    assert!(r.node(caught.id).is_some(), "the error port was taken");
    let back = stored::decode(&stored::encode(&r.nodes)).expect("reads");
    assert_eq!(back, r.nodes);
}

#[test]
fn the_first_format_still_reads_and_broken_logs_are_refused_in_one_line() {
    let first = json!([{
        "nodeId": "0190a000-0000-7000-8000-000000000001", "kind": "data.set", "label": "Set",
        "status": "succeeded", "input": [{"a": 1}], "output": {"main": [{"a": 1, "b": 2}]},
        "logs": [], "error": null, "handled": false, "reason": null, "startedMs": 0,
        "durationMs": 1, "attempts": 1, "iterations": 1, "tokens": 0, "cost": 0.0,
        "startedSeq": 1, "finishedSeq": 2
    }]);
    let nodes = stored::decode(&first).expect("reads");
    assert_eq!(nodes[0].output["main"][0], json!({"a": 1, "b": 2}));

    let node = |input: serde_json::Value, output: serde_json::Value| {
        json!({"format": 2, "nodes": [{
            "nodeId": "0190a000-0000-7000-8000-000000000001", "kind": "data.set",
            "label": "Set", "status": "succeeded", "input": input, "output": output,
            "logs": [], "error": null, "handled": false, "reason": null, "startedMs": 0,
            "durationMs": 1, "attempts": 1, "iterations": 1, "tokens": 0, "cost": 0.0,
            "startedSeq": 1, "finishedSeq": 2
        }]})
    };
    for broken in [
        json!({"format": 3, "nodes": []}),
        json!({"format": 2}),
        json!("text"),
        node(
            json!({"ref": {"node": "nobody", "list": "input"}}),
            json!({}),
        ),
        node(json!({"over": "input", "patch": {"x": 1}}), json!({})),
        node(
            json!([{"a": 1}]),
            json!({"main": {"over": "input", "patches": []}}),
        ),
        node(
            json!([1]),
            json!({"main": {"over": "input", "patch": {"x": 1}}}),
        ),
        node(
            json!([{"a": 1}]),
            json!({"main": {"over": "input", "patch": 5}}),
        ),
        node(json!([{"a": 1}]), json!({"main": 7})),
    ] {
        let error = stored::decode(&broken).expect_err("refused");
        assert!(!error.contains('\n') && error.len() < 200, "{error}");
    }
}
