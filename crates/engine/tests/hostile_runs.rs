//! Hostile run shapes: loops that multiply work end at the run's step or output budgets as
//! a clean failure, in bounded time, never a hang.

mod common;

use std::time::{Duration, Instant};

use common::*;
use neuroflow_engine::*;
use neuroflow_model::graph::{GraphEdge, GraphNode};
use serde_json::json;

/// Far above what these runs take: firing means a hang, not slowness.
const HANG_GUARD: Duration = Duration::from_secs(120);

/// Peak resident memory of this test process, for the report printed with `--nocapture`.
fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM"))
                .map(str::to_string)
        })
        .unwrap_or_default()
}

async fn run_within_guard(req: RunRequest) -> RunResult {
    let started = Instant::now();
    let r = tokio::time::timeout(
        HANG_GUARD,
        run(req, std::sync::Arc::new(NoHost), None, CancelToken::new()),
    )
    .await
    .expect("the run ends")
    .expect("the run starts");
    eprintln!(
        "{:?} {:?} {} — {:?}",
        started.elapsed(),
        r.status,
        peak_memory(),
        r.error
    );
    r
}

/// A loop over `items` whose body is a chain of `body` `data.set` nodes.
fn loop_with_body(body: usize) -> (Vec<GraphNode>, Vec<GraphEdge>) {
    loop_with_fields(body, |i| json!({ "step": i }))
}

/// A loop whose body is `body` Set nodes, node `i` setting `fields(i)`.
fn loop_with_fields(
    body: usize,
    fields: impl Fn(usize) -> serde_json::Value,
) -> (Vec<GraphNode>, Vec<GraphEdge>) {
    let t = manual();
    let lp = node("flow.loop", "Each", json!({}));
    let mut nodes = vec![t.clone(), lp.clone()];
    let mut edges = vec![edge(&t, &lp)];
    let mut prev: Option<GraphNode> = None;
    for i in 0..body {
        let n = set(&format!("Body {i}"), fields(i));
        edges.push(match &prev {
            None => ports(&lp, Some("body"), &n, None),
            Some(p) => edge(p, &n),
        });
        nodes.push(n.clone());
        prev = Some(n);
    }
    if let Some(last) = prev {
        edges.push(ports(&last, None, &lp, Some("next")));
    }
    (nodes, edges)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_loop_over_100_000_items_with_a_ten_node_body_ends_at_the_step_limit() {
    let (nodes, edges) = loop_with_body(10);
    let g = neuroflow_model::graph::Graph { nodes, edges };
    let items: Vec<_> = (0..100_000).map(|i| json!({ "i": i })).collect();
    let r = run_within_guard(request(g, json!(items))).await;
    assert_eq!(r.status, RunStatus::Failed);
    let error = r.error.unwrap_or_default();
    assert!(
        error.contains("limit of 1000000 steps (at node 'Body"),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nested_loops_of_1000_by_1000_end_at_the_step_limit_with_templates_in_the_body() {
    let t = manual();
    let outer = node("flow.loop", "Outer", json!({}));
    let fan = node(
        "data.transform",
        "Thousand",
        json!({"expression": "range(1000) | {j: .}"}),
    );
    let inner = node("flow.loop", "Inner", json!({}));
    let body = set("Cell", json!({"cell": "{{ item.j }}"}));
    let g = graph(
        &[&t, &outer, &fan, &inner, &body],
        vec![
            edge(&t, &outer),
            ports(&outer, Some("body"), &fan, None),
            edge(&fan, &inner),
            ports(&inner, Some("body"), &body, None),
            ports(&body, None, &inner, Some("next")),
            ports(&inner, Some("done"), &outer, Some("next")),
        ],
    );
    let items: Vec<_> = (0..1000).map(|i| json!({ "i": i })).collect();
    // The default 1,000,000 steps end this run too, after about a minute of a debug build;
    // a tenth of them shows the same budget reaching inside nested loops.
    let mut req = request(g, json!(items));
    req.limits = RunLimits {
        max_steps: 100_000,
        ..RunLimits::default()
    };
    let r = run_within_guard(req).await;
    assert_eq!(r.status, RunStatus::Failed);
    let error = r.error.unwrap_or_default();
    assert!(
        error.contains("limit of 100000 steps (at node '"),
        "{error}"
    );
}

/// With the step limit raised, the kept-output budget is what ends a run that holds too much:
/// each body node makes a new 1 KB string per item (what a node only passes on or keeps from
/// its input is shared, and counts once).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_output_budget_ends_a_run_that_holds_too_much() {
    let (nodes, edges) = loop_with_fields(10, |_| json!({ "pad": "{{ item.pad }}+" }));
    let g = neuroflow_model::graph::Graph { nodes, edges };
    let items: Vec<_> = (0..20_000)
        .map(|i| json!({ "i": i, "pad": "x".repeat(1000) }))
        .collect();
    let mut req = request(g, json!(items));
    req.limits = RunLimits {
        max_steps: 10_000_000,
        max_output_bytes: 64 * 1024 * 1024,
        ..RunLimits::default()
    };
    let r = run_within_guard(req).await;
    assert_eq!(r.status, RunStatus::Failed);
    let error = r.error.unwrap_or_default();
    assert!(
        error.contains("outputs passed their limit of 67108864 bytes (at node 'Body"),
        "{error}"
    );
}

/// Every node's output is kept, but what a node keeps from its input is shared with it: 50 Set
/// nodes over 10,000 items hold about 45 MB as JSON, and only what they made (a small object
/// per item and node, about 21 MB) counts against the kept-output budget. Each node's output
/// still reads whole.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outputs_share_what_they_keep_from_their_input() {
    let t = manual();
    let mut nodes = vec![t.clone()];
    let mut edges = Vec::new();
    for i in 1..=50 {
        let n = set(&format!("Set {i}"), json!({ format!("f{}", i % 8): i }));
        edges.push(edge(nodes.last().expect("a node before"), &n));
        nodes.push(n);
    }
    let g = neuroflow_model::graph::Graph {
        nodes: nodes.clone(),
        edges,
    };
    let items: Vec<_> = (0..10_000).map(|i| json!({ "id": i })).collect();
    let mut req = request(g, json!(items));
    req.limits = RunLimits {
        max_output_bytes: 32 * 1024 * 1024,
        ..RunLimits::default()
    };
    let r = run_within_guard(req).await;
    assert_eq!(r.status, RunStatus::Completed, "{:?}", r.error);
    assert_eq!(
        out(&r, &nodes[3], "main")[7],
        json!({"id": 7, "f1": 1, "f2": 2, "f3": 3})
    );
    let last = out(&r, &nodes[50], "main");
    assert_eq!(last.len(), 10_000);
    assert_eq!(
        last[9_999],
        json!({"id": 9_999, "f0": 48, "f1": 49, "f2": 50, "f3": 43, "f4": 44, "f5": 45, "f6": 46, "f7": 47})
    );
}
