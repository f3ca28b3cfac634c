//! Large graphs as the CLI meets them: a graph file parsed, validated and run, on 10,000- and
//! 100,000-node set-field chains and a 10,000-node fan-out/fan-in; plus each phase of the
//! 100,000-node chain on its own (parse, validate, run of an already parsed graph).

use std::sync::Arc;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use neuroflow_engine::file::{self, GraphFile};
use neuroflow_engine::{run, validate, CancelToken, NoHost, RunRequest, RunStatus};
use neuroflow_model::graph::{Graph, GraphEdge, GraphNode, Position};
use serde_json::{json, Value as Json};
use uuid::Uuid;

fn node(kind: &str, label: String, x: f64, config: Json) -> GraphNode {
    GraphNode {
        id: Uuid::now_v7(),
        kind: kind.into(),
        label,
        position: Position { x, y: 0.0 },
        config,
    }
}

fn edge(a: &GraphNode, b: &GraphNode) -> GraphEdge {
    GraphEdge {
        id: Uuid::now_v7(),
        source: a.id,
        source_handle: None,
        target: b.id,
        target_handle: None,
    }
}

fn set(i: usize) -> GraphNode {
    node(
        "data.set",
        format!("Set {i}"),
        i as f64 * 200.0,
        json!({"fields": {format!("f{}", i % 8): i}}),
    )
}

/// A trigger and `total - 1` set-field nodes, each wired to the next.
fn chain(total: usize) -> Graph {
    let trigger = node("trigger.manual", "Start".into(), 0.0, json!({}));
    let sets: Vec<GraphNode> = (1..total).map(set).collect();
    let mut edges = vec![edge(&trigger, &sets[0])];
    edges.extend(sets.windows(2).map(|w| edge(&w[0], &w[1])));
    let mut nodes = vec![trigger];
    nodes.extend(sets);
    Graph { nodes, edges }
}

/// A trigger fanning out to `total - 2` set-field nodes that all feed one merge.
fn fan(total: usize) -> Graph {
    let trigger = node("trigger.manual", "Start".into(), 0.0, json!({}));
    let merge = node("flow.merge", "Merge".into(), 400.0, json!({}));
    let sets: Vec<GraphNode> = (1..total - 1).map(set).collect();
    let mut edges = Vec::with_capacity(2 * sets.len());
    for s in &sets {
        edges.push(edge(&trigger, s));
        edges.push(edge(s, &merge));
    }
    let mut nodes = vec![trigger];
    nodes.extend(sets);
    nodes.push(merge);
    Graph { nodes, edges }
}

fn file_bytes(name: &str, graph: Graph) -> Vec<u8> {
    serde_json::to_vec(&GraphFile::new(name, graph)).expect("serializes")
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

fn run_graph(runtime: &tokio::runtime::Runtime, graph: Graph) -> usize {
    let request = RunRequest {
        graph,
        input: json!({"id": 1}),
        ..RunRequest::default()
    };
    let result = runtime
        .block_on(run(request, Arc::new(NoHost), None, CancelToken::new()))
        .expect("valid graph");
    assert_eq!(result.status, RunStatus::Completed);
    result.nodes.len()
}

/// What `neuroflow run FILE` does in process: parse the file, then run (which validates).
fn whole(c: &mut Criterion, name: &str, bytes: &[u8]) {
    let runtime = runtime();
    c.bench_function(name, |b| {
        b.iter(|| {
            let parsed = file::parse(bytes).expect("parses");
            run_graph(&runtime, parsed.graph())
        })
    });
}

fn large(c: &mut Criterion) {
    whole(
        c,
        "parse_validate_run_chain_10000",
        &file_bytes("chain", chain(10_000)),
    );
    whole(
        c,
        "parse_validate_run_fan_10000",
        &file_bytes("fan", fan(10_000)),
    );
    let bytes = file_bytes("chain", chain(100_000));
    whole(c, "parse_validate_run_chain_100000", &bytes);
    c.bench_function("phase_parse_chain_100000", |b| {
        b.iter(|| file::parse(&bytes).expect("parses").nodes.len())
    });
    let graph = file::parse(&bytes).expect("parses").graph();
    c.bench_function("phase_validate_chain_100000", |b| {
        b.iter(|| assert!(validate(&graph).is_empty()))
    });
    let runtime = runtime();
    c.bench_function("phase_run_chain_100000", |b| {
        b.iter_batched(
            || graph.clone(),
            |graph| run_graph(&runtime, graph),
            BatchSize::LargeInput,
        )
    });
}

criterion_group! {
    name = big;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(std::time::Duration::from_secs(1))
        .measurement_time(std::time::Duration::from_secs(5));
    targets = large
}
criterion_main!(big);
