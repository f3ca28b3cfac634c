//! In-process benchmarks on the shapes the peers (n8n, Node-RED) were measured on: a manual
//! trigger and a 50-node set-field chain on 1 item, 20 set-field nodes over 200 items, and a
//! 10,000-node fan-out/fan-in. Every node's output is kept in the result, as n8n does.

use std::sync::Arc;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use neuroflow_engine::{run, CancelToken, NoHost, RunRequest, RunStatus};
use neuroflow_model::graph::{Graph, GraphEdge, GraphNode, Position};
use serde_json::{json, Value as Json};
use uuid::Uuid;

fn node(kind: &str, label: String, config: Json) -> GraphNode {
    GraphNode {
        id: Uuid::now_v7(),
        kind: kind.into(),
        label,
        position: Position { x: 0.0, y: 0.0 },
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

fn set(i: usize, templated: bool) -> GraphNode {
    let value = if templated {
        json!("{{ item.id }}-{i}")
    } else {
        json!(i)
    };
    node(
        "data.set",
        format!("Set {i}"),
        json!({"fields": {format!("f{}", i % 8): value}}),
    )
}

fn chain(n: usize, templated: bool) -> Graph {
    let trigger = node("trigger.manual", "Start".into(), json!({}));
    let sets: Vec<GraphNode> = (0..n).map(|i| set(i, templated)).collect();
    let mut edges = vec![edge(&trigger, &sets[0])];
    edges.extend(sets.windows(2).map(|w| edge(&w[0], &w[1])));
    let mut nodes = vec![trigger];
    nodes.extend(sets);
    Graph { nodes, edges }
}

fn fan(total: usize) -> Graph {
    let trigger = node("trigger.manual", "Start".into(), json!({}));
    let merge = node("flow.merge", "Merge".into(), json!({}));
    let sets: Vec<GraphNode> = (0..total - 2).map(|i| set(i, false)).collect();
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

fn bench_graph(c: &mut Criterion, name: &str, graph: Graph, input: Json) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let request = RunRequest {
        graph,
        input,
        ..RunRequest::default()
    };
    c.bench_function(name, |b| {
        b.iter_batched(
            || request.clone(),
            |request| {
                let result = runtime
                    .block_on(run(request, Arc::new(NoHost), None, CancelToken::new()))
                    .expect("valid graph");
                assert_eq!(result.status, RunStatus::Completed);
                result
            },
            BatchSize::SmallInput,
        )
    });
}

fn items(n: usize) -> Json {
    Json::Array(
        (0..n)
            .map(|i| json!({"id": i, "name": format!("item {i}")}))
            .collect(),
    )
}

fn benches(c: &mut Criterion) {
    bench_graph(c, "chain_50_set_1_item", chain(50, false), items(1));
    bench_graph(c, "chain_20_set_200_items", chain(20, false), items(200));
    bench_graph(
        c,
        "chain_20_templated_set_200_items",
        chain(20, true),
        items(200),
    );
}

fn large(c: &mut Criterion) {
    bench_graph(c, "fan_out_in_10000_nodes", fan(10_000), items(1));
}

criterion_group!(small, benches);
criterion_group! {
    name = big;
    config = Criterion::default().sample_size(10);
    targets = large
}
criterion_main!(small, big);
