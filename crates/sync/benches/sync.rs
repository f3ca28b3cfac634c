//! Sync figures against a real Postgres (`NEUROFLOW_TEST_PG_URL`): 10,000 offline edits pushed by one device and pulled by another, and the first pull of an organization with 100,000 rows. Run: cargo bench -p neuroflow-sync --bench sync.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

use common::Device;
use neuroflow_model::graph::{GraphChanges, GraphNode, Position};
use neuroflow_model::{new_id, OrgRole};
use neuroflow_store::versions::SaveAs;
use serde_json::json;

fn node(i: usize) -> GraphNode {
    GraphNode {
        id: new_id(),
        kind: "output".into(),
        label: format!("n{i}"),
        position: Position {
            x: (i % 100) as f64 * 200.0,
            y: (i / 100) as f64 * 120.0,
        },
        config: json!({}),
    }
}

async fn ten_thousand_offline_edits() {
    let t = common::team().await;
    let ann = t.person("ann@example.com", "bench", OrgRole::Member).await;
    let bob = t.person("bob@example.com", "bench", OrgRole::Member).await;
    let a = Device::new(&ann, "bench-a").await;
    let b = Device::new(&bob, "bench-b").await;
    let wf = a
        .store
        .workflow_create(a.actor(), "Bench")
        .await
        .expect("create")
        .id;
    // 10,000 edits: 2,500 nodes made, then each moved, renamed and configured in later saves.
    let mut nodes: Vec<GraphNode> = (0..2_500).map(node).collect();
    let save = SaveAs {
        kind: neuroflow_model::VersionKind::Autosave,
        label: String::new(),
    };
    for chunk in nodes.chunks(500) {
        a.store
            .workflow_save_changes(
                a.actor(),
                wf,
                &GraphChanges {
                    nodes: chunk.to_vec(),
                    ..GraphChanges::default()
                },
                &save,
            )
            .await
            .expect("add");
    }
    for round in 0..3 {
        for n in nodes.iter_mut() {
            match round {
                0 => n.position.x += 10.0,
                1 => n.label = format!("{} renamed", n.label),
                _ => n.config = json!({"value": n.label.clone()}),
            }
        }
        for chunk in nodes.chunks(500) {
            a.store
                .workflow_save_changes(
                    a.actor(),
                    wf,
                    &GraphChanges {
                        nodes: chunk.to_vec(),
                        ..GraphChanges::default()
                    },
                    &save,
                )
                .await
                .expect("edit");
        }
    }
    let waiting = a.store.outbox_len().await.expect("outbox");
    let started = Instant::now();
    let pushed = neuroflow_sync::push(&a.store, &a.team, neuroflow_sync::PUSH_BATCH)
        .await
        .expect("push");
    let push_s = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let pulled = neuroflow_sync::pull(&b.store, &b.team).await.expect("pull");
    let pull_s = started.elapsed().as_secs_f64();
    let g = b.store.workflow_graph(b.actor(), wf).await.expect("graph");
    assert_eq!(g.nodes.len(), 2_500);
    println!(
        "offline edits: {waiting} outbox rows ({} applied) pushed in {push_s:.2} s, pulled into a second device ({} rows) in {pull_s:.2} s: {:.2} s in all",
        pushed.applied,
        pulled.rows,
        push_s + pull_s
    );
}

async fn first_pull_of_100k_rows() {
    let t = common::team().await;
    let ann = t.person("ann@example.com", "bench", OrgRole::Member).await;
    let a = Device::new(&ann, "bench-seed").await;
    let wf = a
        .store
        .workflow_create(a.actor(), "Big")
        .await
        .expect("create")
        .id;
    a.sync().await;
    // 100,000 graph rows written on the server (as the admin path would import them).
    sqlx::query(
        "INSERT INTO workflow_nodes (id, organization_id, workflow_id, kind, label, position_x, position_y, config, created_at, updated_at, hlc, field_hlc) \
         SELECT gen_random_uuid(), $1, $2, 'output', 'n' || i, i % 300, i / 300, '{\"k\": 1}', now(), now(), '001700000000000-00000000-0000000000000001', \
                '{\"label\": \"001700000000000-00000000-0000000000000001\"}' FROM generate_series(1, 100000) i",
    )
    .bind(ann.organization_id)
    .bind(wf)
    .execute(&t.su)
    .await
    .expect("seed rows");
    let started = Instant::now();
    let b = Device::new(&ann, "bench-first").await;
    let first_s = started.elapsed().as_secs_f64();
    let neuroflow_store::Db::Sqlite(pool) = b.store.db() else {
        panic!()
    };
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM workflow_nodes")
        .fetch_one(pool)
        .await
        .expect("count");
    assert_eq!(n, 100_000);
    println!("first pull of an organization with {n} graph rows: {first_s:.2} s (opening the cache included)");
}

fn main() {
    if std::env::var("NEUROFLOW_TEST_PG_URL").is_err() {
        eprintln!("sync bench: set NEUROFLOW_TEST_PG_URL to a Postgres superuser URL");
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        ten_thousand_offline_edits().await;
        first_pull_of_100k_rows().await;
    });
}
