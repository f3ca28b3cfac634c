//! What a save of one edit costs on a 5,000-node / 6,000-edge workflow in SQLite: the whole
//! graph sent (`workflow_save_graph_as`, what the canvas did before) against only the changes
//! (`workflow_save_changes`), both as autosaves (no version snapshot), and the bytes each sends.

use criterion::{criterion_group, criterion_main, Criterion};
use neuroflow_model::graph::{Graph, GraphChanges, GraphEdge, GraphNode, Position};
use neuroflow_model::VersionKind;
use neuroflow_store::local::ensure_local_identity;
use neuroflow_store::versions::SaveAs;
use neuroflow_store::workflows::Actor;
use neuroflow_store::{Db, Store};
use serde_json::json;
use uuid::Uuid;

const NODES: usize = 5_000;
const EXTRA_EDGES: usize = 1_001;

fn graph() -> Graph {
    let nodes: Vec<GraphNode> = (0..NODES)
        .map(|i| GraphNode {
            id: Uuid::now_v7(),
            kind: if i == 0 { "trigger.manual" } else { "data.set" }.into(),
            label: format!("Step {i}"),
            position: Position {
                x: (i / 60) as f64 * 300.0,
                y: (i % 60) as f64 * 140.0,
            },
            config: if i == 0 {
                json!({})
            } else {
                json!({"fields": {format!("f{}", i % 8): i}})
            },
        })
        .collect();
    let wire = |a: &GraphNode, b: &GraphNode| GraphEdge {
        id: Uuid::now_v7(),
        source: a.id,
        source_handle: None,
        target: b.id,
        target_handle: None,
    };
    let mut edges: Vec<GraphEdge> = nodes.windows(2).map(|w| wire(&w[0], &w[1])).collect();
    edges.extend((0..EXTRA_EDGES).map(|i| wire(&nodes[i], &nodes[i + 2])));
    Graph { nodes, edges }
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let dir = std::env::temp_dir().join(format!("neuroflow-save-bench-{}", Uuid::now_v7()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let (store, actor, id, mut g) = rt.block_on(async {
        let db = Db::open_sqlite(&dir.join("bench.db")).await.expect("open");
        let identity = ensure_local_identity(&db).await.expect("identity");
        let store = Store::new(db, identity.device);
        let actor = Actor {
            organization_id: identity.organization_id,
            user_id: identity.user_id,
        };
        let w = store.workflow_create(actor, "Large").await.expect("create");
        let g = graph();
        store
            .workflow_save_graph(actor, w.id, &g)
            .await
            .expect("first save");
        (store, actor, w.id, g)
    });
    let autosave = SaveAs {
        kind: VersionKind::Autosave,
        label: String::new(),
    };
    let mut n = 0u64;
    let one_rename = |g: &mut Graph, n: &mut u64| {
        *n += 1;
        g.nodes[2_500].label = format!("Renamed {n}");
        GraphChanges {
            nodes: vec![g.nodes[2_500].clone()],
            ..GraphChanges::default()
        }
    };
    let changes = one_rename(&mut g, &mut n);
    eprintln!(
        "bytes sent for one rename: whole graph {} B, changes {} B",
        serde_json::to_vec(&g).map(|v| v.len()).unwrap_or(0),
        serde_json::to_vec(&changes).map(|v| v.len()).unwrap_or(0)
    );

    let mut group = c.benchmark_group("save one rename, 5000 nodes / 6000 edges");
    group.sample_size(10);
    group.bench_function("whole graph (save_graph_as)", |b| {
        b.iter(|| {
            let _ = one_rename(&mut g, &mut n);
            rt.block_on(store.workflow_save_graph_as(actor, id, &g, &autosave))
                .expect("save")
        })
    });
    group.bench_function("changes only (save_changes)", |b| {
        b.iter(|| {
            let changes = one_rename(&mut g, &mut n);
            rt.block_on(store.workflow_save_changes(actor, id, &changes, &autosave))
                .expect("save")
        })
    });
    group.bench_function("read the graph (workflow_get)", |b| {
        b.iter(|| rt.block_on(store.workflow_get(actor, id)).expect("get"))
    });
    group.bench_function("structural check (check_graph)", |b| {
        b.iter(|| {
            neuroflow_model::graph::check_graph(&g, neuroflow_model::graph::GraphSurface::Workflow)
        })
    });
    group.bench_function("clone the graph", |b| b.iter(|| g.clone()));
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, bench);
criterion_main!(benches);
