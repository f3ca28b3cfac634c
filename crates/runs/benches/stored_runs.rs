//! Runs stored to SQLite through `WorkflowRunner`, as the desktop starts them: the saved graph
//! read, the run preflighted, its execution stored RUNNING, then with every node's result.
//! A trigger → output workflow and a 50-node set-field chain, reported as runs per second.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use neuroflow_model::graph::{Graph, GraphEdge, GraphNode, Position};
use neuroflow_model::ExecutionStatus;
use neuroflow_runs::{RunOptions, WorkflowRunner};
use neuroflow_store::local::ensure_local_identity;
use neuroflow_store::workflows::Actor;
use neuroflow_store::{Db, Store};
use serde_json::{json, Value as Json};
use uuid::Uuid;

/// A folder under the system temp dir, removed when dropped.
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new() -> Self {
        let p = std::env::temp_dir().join(format!("neuroflow-bench-{}", Uuid::now_v7()));
        std::fs::create_dir_all(&p).expect("temp dir");
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

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

fn trivial() -> Graph {
    let trigger = node("trigger.manual", "Start".into(), json!({}));
    let output = node("output", "Result".into(), json!({}));
    Graph {
        edges: vec![edge(&trigger, &output)],
        nodes: vec![trigger, output],
    }
}

/// A trigger and 49 set-field nodes, each wired to the next.
fn chain_50() -> Graph {
    let mut nodes = vec![node("trigger.manual", "Start".into(), json!({}))];
    nodes.extend((1..50).map(|i| {
        node(
            "data.set",
            format!("Set {i}"),
            json!({"fields": {format!("f{}", i % 8): i}}),
        )
    }));
    let edges = nodes.windows(2).map(|w| edge(&w[0], &w[1])).collect();
    Graph { nodes, edges }
}

struct Setup {
    _dir: TempDir,
    runner: WorkflowRunner,
    actor: Actor,
    workflow: Uuid,
}

async fn setup(graph: &Graph) -> Setup {
    let dir = TempDir::new();
    let db = Db::open_sqlite(&dir.0.join("runs.db")).await.expect("open");
    let identity = ensure_local_identity(&db).await.expect("identity");
    let store = Store::new(db, identity.device);
    let actor = Actor {
        organization_id: identity.organization_id,
        user_id: identity.user_id,
    };
    let workflow = store
        .workflow_create(actor, "Bench")
        .await
        .expect("create")
        .id;
    store
        .workflow_save_graph(actor, workflow, graph)
        .await
        .expect("save");
    Setup {
        _dir: dir,
        runner: WorkflowRunner::new(store),
        actor,
        workflow,
    }
}

async fn stored_run(s: &Setup) {
    let started = s
        .runner
        .start(
            s.actor,
            s.workflow,
            RunOptions {
                input: json!({"id": 1}),
                ..RunOptions::default()
            },
            None,
            None,
        )
        .await
        .expect("start");
    let execution = started.finished.await.expect("join").expect("stored");
    assert_eq!(execution.status, ExecutionStatus::Completed);
}

fn bench(c: &mut Criterion, name: &str, graph: Graph) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let s = runtime.block_on(setup(&graph));
    let mut group = c.benchmark_group("stored_runs");
    // Reported as runs per second.
    group.throughput(Throughput::Elements(1));
    group.bench_function(name, |b| b.iter(|| runtime.block_on(stored_run(&s))));
    group.finish();
}

fn benches(c: &mut Criterion) {
    bench(c, "trigger_output", trivial());
    bench(c, "chain_50_set", chain_50());
}

criterion_group! {
    name = stored;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(std::time::Duration::from_secs(1))
        .measurement_time(std::time::Duration::from_secs(5));
    targets = benches
}
criterion_main!(stored);
