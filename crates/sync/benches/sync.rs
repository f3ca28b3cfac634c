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
    // 100,000 graph rows written on the server (as the admin path would import them), with ids
    // in creation order as the app's UUIDv7 are.
    sqlx::query(
        "INSERT INTO workflow_nodes (id, organization_id, workflow_id, kind, label, position_x, position_y, config, created_at, updated_at, hlc, field_hlc) \
         SELECT ('01900000-0000-7000-8000-' || lpad(to_hex(i), 12, '0'))::uuid, $1, $2, 'output', 'n' || i, i % 300, i / 300, '{\"k\": 1}', now(), now(), '001700000000000-00000000-0000000000000001', \
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

/// CPU seconds used so far by every process named `postgres` (Linux /proc).
fn postgres_cpu_s() -> f64 {
    let mut ticks = 0u64;
    if let Ok(dir) = std::fs::read_dir("/proc") {
        for e in dir.flatten() {
            let Ok(stat) = std::fs::read_to_string(e.path().join("stat")) else {
                continue;
            };
            let Some((name, rest)) = stat.split_once(") ") else {
                continue;
            };
            if !name.ends_with("(postgres") {
                continue;
            }
            let f: Vec<&str> = rest.split_whitespace().collect();
            // Fields 14 and 15 of stat (utime, stime) are 12 and 13 after the name.
            ticks += f.get(11).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0)
                + f.get(12).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
        }
    }
    ticks as f64 / 100.0
}

/// Many devices of one organization syncing every 2 s, a few of them editing: pull latency and
/// the CPU Postgres spends.
async fn many_devices(devices: usize, seconds: u64) {
    let t = common::team().await;
    let people = (devices / 10).max(1);
    let mut sessions = Vec::new();
    for p in 0..people {
        sessions.push(
            t.person(&format!("p{p}@example.com"), "crowd", OrgRole::Member)
                .await,
        );
    }
    let first = Device::new(&sessions[0], "crowd-0").await;
    let wf = first
        .store
        .workflow_create(first.actor(), "Crowd")
        .await
        .expect("create")
        .id;
    let nodes: Vec<GraphNode> = (0..50).map(node).collect();
    first
        .store
        .workflow_save_changes(
            first.actor(),
            wf,
            &GraphChanges {
                nodes: nodes.clone(),
                ..GraphChanges::default()
            },
            &SaveAs::save(),
        )
        .await
        .expect("nodes");
    first.sync().await;
    let mut all = vec![first];
    for d in 1..devices {
        all.push(Device::new(&sessions[d % people], &format!("crowd-{d}")).await);
    }
    let cpu_before = postgres_cpu_s();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (i, d) in all.into_iter().enumerate() {
        let nodes = nodes.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(2));
            let mut round = 0usize;
            while started.elapsed().as_secs() < seconds {
                tick.tick().await;
                round += 1;
                // One device in ten edits a node each round.
                if (i + round).is_multiple_of(10) {
                    let mut n = nodes[(i + round) % nodes.len()].clone();
                    n.label = format!("d{i} r{round}");
                    let save = SaveAs {
                        kind: neuroflow_model::VersionKind::Autosave,
                        label: String::new(),
                    };
                    let _ = d
                        .store
                        .workflow_save_changes(
                            d.actor(),
                            wf,
                            &GraphChanges {
                                nodes: vec![n],
                                ..GraphChanges::default()
                            },
                            &save,
                        )
                        .await;
                }
                let _ = neuroflow_sync::push(&d.store, &d.team, neuroflow_sync::PUSH_BATCH).await;
                let at = Instant::now();
                if neuroflow_sync::pull(&d.store, &d.team).await.is_ok() {
                    latencies.push(at.elapsed().as_secs_f64() * 1000.0);
                }
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.expect("device"));
    }
    let wall = started.elapsed().as_secs_f64();
    let cpu = postgres_cpu_s() - cpu_before;
    latencies.sort_by(|a, b| a.total_cmp(b));
    let pct = |p: f64| {
        latencies
            .get(((latencies.len() as f64 - 1.0) * p) as usize)
            .copied()
            .unwrap_or(0.0)
    };
    println!(
        "{devices} devices syncing every 2 s for {wall:.0} s: {} pulls, pull latency p50 {:.0} ms, p95 {:.0} ms, p99 {:.0} ms; Postgres CPU {:.2} cores on average ({cpu:.1} CPU-seconds)",
        latencies.len(),
        pct(0.5),
        pct(0.95),
        pct(0.99),
        cpu / wall
    );
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
        let devices = std::env::var("NEUROFLOW_BENCH_DEVICES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(200);
        many_devices(devices, 30).await;
    });
}
