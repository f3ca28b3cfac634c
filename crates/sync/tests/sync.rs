//! Sync against a real Postgres: devices converge, each designer keeps their edits, the same field edited twice is a recorded conflict, a retried push changes nothing, a delete beats an edit it did not see, a viewer's push is refused with nothing lost, and the pull cursor misses no row that a naive one would.

mod common;

use std::time::Duration;

use common::{team, Device};
use neuroflow_model::graph::{GraphChanges, GraphEdge, GraphNode, Position};
use neuroflow_model::{new_id, OrgRole};
use neuroflow_store::versions::SaveAs;
use serde_json::json;
use uuid::Uuid;

fn node(kind: &str, x: f64) -> GraphNode {
    GraphNode {
        id: new_id(),
        kind: kind.into(),
        label: kind.into(),
        position: Position { x, y: 40.0 },
        config: json!({}),
    }
}

fn edge(a: &GraphNode, b: &GraphNode) -> GraphEdge {
    GraphEdge {
        id: new_id(),
        source: a.id,
        source_handle: None,
        target: b.id,
        target_handle: None,
    }
}

async fn change(d: &Device, wf: Uuid, changes: GraphChanges) {
    d.store
        .workflow_save_changes(d.actor(), wf, &changes, &SaveAs::save())
        .await
        .unwrap_or_else(|e| panic!("save: {e}"));
}

/// Saves `nodes` (new or changed) into the workflow on device `d`.
async fn edit_nodes(d: &Device, wf: Uuid, nodes: Vec<GraphNode>) {
    change(
        d,
        wf,
        GraphChanges {
            nodes,
            ..GraphChanges::default()
        },
    )
    .await;
}

/// A team database with Ann and Bob, members of one organization, each on their own device.
async fn ann_and_bob() -> (common::Team, Device, Device) {
    let t = team().await;
    let ann = t.person("ann@example.com", "studio", OrgRole::Member).await;
    let bob = t.person("bob@example.com", "studio", OrgRole::Member).await;
    let (a, b) = (
        Device::new(&ann, "ann").await,
        Device::new(&bob, "bob").await,
    );
    (t, a, b)
}

async fn graph(d: &Device, wf: Uuid) -> neuroflow_model::graph::Graph {
    let mut g = (*d.store.workflow_graph(d.actor(), wf).await.expect("graph")).clone();
    g.nodes.sort_by_key(|n| n.id);
    g.edges.sort_by_key(|e| e.id);
    g
}

async fn node_of(d: &Device, wf: Uuid, id: Uuid) -> GraphNode {
    graph(d, wf)
        .await
        .nodes
        .into_iter()
        .find(|n| n.id == id)
        .expect("node")
}

/// A workflow with trigger → http → output made on `a` and synced to `b`.
async fn shared_workflow(a: &Device, b: &Device) -> (Uuid, Vec<GraphNode>) {
    let wf = a
        .store
        .workflow_create(a.actor(), "Shared")
        .await
        .expect("create")
        .id;
    let nodes = vec![
        node("trigger.manual", 0.0),
        node("http.request", 300.0),
        node("output", 600.0),
    ];
    change(
        a,
        wf,
        GraphChanges {
            nodes: nodes.clone(),
            edges: vec![edge(&nodes[0], &nodes[1]), edge(&nodes[1], &nodes[2])],
            ..GraphChanges::default()
        },
    )
    .await;
    a.sync().await;
    b.sync().await;
    assert_eq!(graph(a, wf).await, graph(b, wf).await);
    (wf, nodes)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_designers_editing_offline_keep_both_their_edits_and_converge() {
    let (_team, a, b) = ann_and_bob().await;
    let (wf, nodes) = shared_workflow(&a, &b).await;
    let http = nodes[1].clone();

    // Offline: Ann moves the node and sets its URL; Bob renames it and sets its method.
    let mut by_ann = http.clone();
    by_ann.position = Position { x: 333.0, y: 99.0 };
    by_ann.config = json!({"url": "https://api.example.com"});
    edit_nodes(&a, wf, vec![by_ann]).await;
    let mut by_bob = http.clone();
    by_bob.label = "Fetch lead".into();
    by_bob.config = json!({"method": "POST"});
    edit_nodes(&b, wf, vec![by_bob]).await;

    let pushed = a.sync().await.pushed;
    assert!(pushed.applied > 0);
    assert_eq!(pushed.conflicts, 0);
    assert_eq!(
        b.sync().await.pushed.conflicts,
        0,
        "different fields do not conflict"
    );
    a.sync().await;

    let merged = node_of(&a, wf, http.id).await;
    assert_eq!(merged.position, Position { x: 333.0, y: 99.0 });
    assert_eq!(merged.label, "Fetch lead");
    assert_eq!(
        merged.config,
        json!({"url": "https://api.example.com", "method": "POST"})
    );
    assert_eq!(graph(&a, wf).await, graph(&b, wf).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_field_edited_on_two_devices_keeps_the_later_and_records_the_loser() {
    let (t, a, b) = ann_and_bob().await;
    let (ann, bob) = (a.team.clone(), b.team.clone());
    let (wf, nodes) = shared_workflow(&a, &b).await;

    let mut first = nodes[1].clone();
    first.label = "Ann's name".into();
    edit_nodes(&a, wf, vec![first]).await;
    tokio::time::sleep(Duration::from_millis(5)).await;
    let mut second = nodes[1].clone();
    second.label = "Bob's name".into();
    edit_nodes(&b, wf, vec![second]).await;

    // Bob's later edit reaches the server first; Ann's earlier one then loses to it.
    b.sync().await;
    let report = a.sync().await;
    assert_eq!(report.pushed.conflicts, 1);
    b.sync().await;
    assert_eq!(node_of(&a, wf, nodes[1].id).await.label, "Bob's name");
    assert_eq!(graph(&a, wf).await, graph(&b, wf).await);

    let conflicts: Vec<(String, String, serde_json::Value, serde_json::Value, Uuid, Uuid)> = sqlx::query_as(
        "SELECT field, reason, lost_value, won_value, lost_by, won_by FROM sync_conflicts WHERE row_id = $1",
    )
    .bind(nodes[1].id)
    .fetch_all(&t.su)
    .await
    .expect("conflicts");
    assert_eq!(conflicts.len(), 1);
    let (field, reason, lost, won, lost_by, won_by) = &conflicts[0];
    assert_eq!((field.as_str(), reason.as_str()), ("label", "overwritten"));
    assert_eq!((lost, won), (&json!("Ann's name"), &json!("Bob's name")));
    assert_eq!((*lost_by, *won_by), (ann.user_id, bob.user_id));
    // Both devices list the conflict from their own database (offline too), with where it is.
    for d in [&a, &b] {
        let listed = neuroflow_sync::conflicts::list(&d.store, d.team.organization_id, false)
            .await
            .expect("list");
        assert_eq!(listed.len(), 1);
        let c = &listed[0];
        assert_eq!(
            (c.field.as_str(), c.lost_by.as_deref(), c.won_by.as_deref()),
            ("label", Some("ann@example.com"), Some("bob@example.com"))
        );
        assert_eq!(
            (
                c.document_id,
                c.document_name.as_deref(),
                c.element_label.as_deref()
            ),
            (Some(wf), Some("Shared"), Some("Bob's name"))
        );
        assert_eq!(c.lost_value, Some(json!("Ann's name")));
    }
    // Resolved once, for everyone.
    let id = neuroflow_sync::conflicts::list(&a.store, a.team.organization_id, false)
        .await
        .expect("list")[0]
        .id;
    neuroflow_sync::conflicts::resolve(&a.team, id)
        .await
        .expect("resolve");
    assert!(
        neuroflow_sync::conflicts::resolve(&a.team, id)
            .await
            .is_err(),
        "already resolved"
    );
    b.sync().await;
    assert!(
        neuroflow_sync::conflicts::list(&b.store, b.team.organization_id, false)
            .await
            .expect("list")
            .is_empty()
    );
    assert_eq!(
        neuroflow_sync::conflicts::list(&b.store, b.team.organization_id, true)
            .await
            .expect("list")
            .len(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_push_retried_after_the_server_committed_changes_nothing() {
    let t = team().await;
    let ann = t.person("ann@example.com", "studio", OrgRole::Member).await;
    let mut a = Device::new(&ann, "ann").await;
    let wf = a
        .store
        .workflow_create(a.actor(), "Retried")
        .await
        .expect("create")
        .id;
    let n = node("trigger.manual", 0.0);
    change(
        &a,
        wf,
        GraphChanges {
            nodes: vec![n.clone()],
            ..GraphChanges::default()
        },
    )
    .await;
    let before_push = a.snapshot("before-push").await;
    let first = a.sync().await.pushed;
    assert!(first.applied >= 2);
    let state = |su: sqlx::PgPool| async move {
        sqlx::query_as::<_, (String, String)>(
            "SELECT id::text, to_jsonb(t)::text FROM workflow_nodes t ORDER BY id",
        )
        .fetch_all(&su)
        .await
        .expect("rows")
    };
    let server_before = state(t.su.clone()).await;
    // The acknowledgement was lost: the device restarts with its outbox as it was.
    a.reopen_from(&before_push).await;
    let again = a.sync().await.pushed;
    assert_eq!(again.applied, 0);
    assert_eq!(again.duplicates, first.applied);
    assert_eq!(state(t.su.clone()).await, server_before);
    assert_eq!(graph(&a, wf).await.nodes.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delete_beats_an_edit_it_did_not_see_and_dangling_edges_leave_the_graph() {
    let (t, a, b) = ann_and_bob().await;
    let (wf, nodes) = shared_workflow(&a, &b).await;
    let out = nodes[2].clone();

    // Bob renames the output node and connects the trigger to it; Ann deletes it, after.
    let mut renamed = out.clone();
    renamed.label = "Result".into();
    let extra = edge(&nodes[0], &out);
    change(
        &b,
        wf,
        GraphChanges {
            nodes: vec![renamed],
            edges: vec![extra],
            ..GraphChanges::default()
        },
    )
    .await;
    tokio::time::sleep(Duration::from_millis(5)).await;
    let old_edge = graph(&a, wf)
        .await
        .edges
        .into_iter()
        .find(|e| e.target == out.id)
        .expect("edge");
    change(
        &a,
        wf,
        GraphChanges {
            removed_nodes: vec![out.id],
            removed_edges: vec![old_edge.id],
            ..GraphChanges::default()
        },
    )
    .await;

    b.sync().await;
    let report = a.sync().await;
    assert!(
        report.pushed.conflicts >= 1,
        "the rename lost to the delete is recorded"
    );
    b.sync().await;
    for d in [&a, &b] {
        let g = graph(d, wf).await;
        assert!(
            g.nodes.iter().all(|n| n.id != out.id),
            "the node stays deleted"
        );
        let ids: Vec<Uuid> = g.nodes.iter().map(|n| n.id).collect();
        assert!(
            g.edges
                .iter()
                .all(|e| ids.contains(&e.source) && ids.contains(&e.target)),
            "no dangling edge"
        );
    }
    assert_eq!(graph(&a, wf).await, graph(&b, wf).await);
    let reasons: Vec<String> =
        sqlx::query_scalar("SELECT reason FROM sync_conflicts WHERE row_id = $1")
            .bind(out.id)
            .fetch_all(&t.su)
            .await
            .expect("conflicts");
    assert!(reasons.iter().all(|r| r == "deleted") && !reasons.is_empty());
    // Bob's next save works (the graph he reads has no dangling edge) and removes the edge.
    let mut moved = nodes[0].clone();
    moved.position.x = 5.0;
    edit_nodes(&b, wf, vec![moved]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_viewers_push_is_refused_and_nothing_is_lost_locally() {
    let t = team().await;
    let ann = t.person("ann@example.com", "studio", OrgRole::Member).await;
    let vic = t.person("vic@example.com", "studio", OrgRole::Member).await;
    let (a, v) = (
        Device::new(&ann, "ann").await,
        Device::new(&vic, "vic").await,
    );
    let (wf, nodes) = shared_workflow(&a, &v).await;
    // Vic edits offline as a member; meanwhile an admin makes Vic a viewer. (A viewer's own
    // store refuses edits, so this is how a viewer's edit reaches a push.)
    let mut edit = nodes[0].clone();
    edit.label = "viewer was here".into();
    edit_nodes(&v, wf, vec![edit]).await;
    sqlx::query("UPDATE organization_members SET role = 'VIEWER' WHERE user_id = $1")
        .bind(vic.user_id)
        .execute(&t.su)
        .await
        .expect("demote");
    let err = neuroflow_sync::sync(&v.store, &v.team)
        .await
        .expect_err("a viewer cannot write");
    assert_eq!(err.code(), "refused", "{err}");
    assert!(
        !err.to_string().contains("UPDATE"),
        "no statement in the message: {err}"
    );
    assert!(
        v.store.outbox_len().await.expect("outbox") > 0,
        "the edit waits in the outbox"
    );
    assert_eq!(node_of(&v, wf, nodes[0].id).await.label, "viewer was here");
    let server: String = sqlx::query_scalar("SELECT label FROM workflow_nodes WHERE id = $1")
        .bind(nodes[0].id)
        .fetch_one(&t.su)
        .await
        .expect("label");
    assert_eq!(server, "trigger.manual");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_organizations_person_cannot_push_into_or_pull_from_this_one() {
    let t = team().await;
    let ann = t.person("ann@example.com", "studio", OrgRole::Member).await;
    let eve = t.person("eve@example.com", "rival", OrgRole::Owner).await;
    let a = Device::new(&ann, "ann").await;
    let wf = a
        .store
        .workflow_create(a.actor(), "Secret plan")
        .await
        .expect("create")
        .id;
    a.sync().await;
    // Eve names Ann's organization: the team database does not let her in.
    let pool = eve.pool.clone();
    let err = neuroflow_sync::TeamSession::open(pool, ann.organization_id)
        .await
        .expect_err("not a member");
    assert_eq!(err.code(), "refused");
    // Her own device pulls nothing of it.
    let e = Device::new(&eve, "eve").await;
    assert!(e.store.workflow_get(e.actor(), wf).await.is_err());
}

/// The cursor of DESIGN §5 against writers that hold their transactions open: a naive
/// `updated_at >` cursor skips rows whose transaction committed after a later one; ours does not.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_snapshot_horizon_cursor_misses_no_row_that_a_timestamp_cursor_skips() {
    let t = team().await;
    let ann = t.person("ann@example.com", "studio", OrgRole::Member).await;
    let reader = Device::new(&ann, "reader").await;
    let wf = reader
        .store
        .workflow_create(reader.actor(), "Busy")
        .await
        .expect("create")
        .id;
    reader.sync().await;

    let writers = 6;
    let rounds = 8;
    let mut naive_cursor = chrono::Utc::now() - chrono::Duration::hours(1);
    let mut naive_seen = std::collections::HashSet::new();
    let mut handles = Vec::new();
    for w in 0..writers {
        let pool = ann.pool.clone();
        let org = ann.organization_id;
        handles.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            for r in 0..rounds {
                let mut tx = pool.begin().await.expect("begin");
                let id = new_id();
                let now = chrono::Utc::now();
                sqlx::query("INSERT INTO workflow_nodes (id, organization_id, workflow_id, kind, label, created_at, updated_at) VALUES ($1, $2, $3, 'output', 'w', $4, $4)")
                    .bind(id).bind(org).bind(wf).bind(now)
                    .execute(&mut *tx).await.expect("insert");
                // Hold the transaction open 0–500 ms after stamping updated_at.
                tokio::time::sleep(Duration::from_millis(((w * 7 + r * 13) % 11) as u64 * 45)).await;
                tx.commit().await.expect("commit");
                ids.push(id);
            }
            ids
        }));
    }
    // Pull repeatedly while they write, both ways.
    let Some(naive_pool) = Some(ann.pool.clone()) else {
        unreachable!()
    };
    let mut done = false;
    while !done {
        done = handles.iter().all(|h| h.is_finished());
        neuroflow_sync::pull(&reader.store, &reader.team)
            .await
            .expect("pull");
        let rows: Vec<(Uuid, chrono::DateTime<chrono::Utc>)> = sqlx::query_as(
            "SELECT id, updated_at FROM workflow_nodes WHERE updated_at > $1 ORDER BY updated_at",
        )
        .bind(naive_cursor)
        .fetch_all(&naive_pool)
        .await
        .expect("naive pull");
        for (id, at) in rows {
            naive_seen.insert(id);
            naive_cursor = naive_cursor.max(at);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut written = Vec::new();
    for h in handles {
        written.extend(h.await.expect("writer"));
    }
    let neuroflow_store::Db::Sqlite(pool) = reader.store.db() else {
        panic!()
    };
    let mut ours_missed = 0;
    for id in &written {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM workflow_nodes WHERE id = $1")
            .bind(id)
            .fetch_one(pool)
            .await
            .expect("count");
        if n == 0 {
            ours_missed += 1;
        }
    }
    let naive_missed = written.iter().filter(|id| !naive_seen.contains(id)).count();
    assert_eq!(
        ours_missed, 0,
        "the horizon cursor pulled every committed row"
    );
    assert!(
        naive_missed > 0,
        "the timestamp cursor skips rows committed out of order (it missed {naive_missed})"
    );
}

/// A restart whose wall clock went back an hour: the next edit of a field still beats the one
/// made before the restart (the clock resumes past every stamp in the database).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_after_a_restart_with_the_clock_set_back_still_wins() {
    let t = team().await;
    let ann = t.person("ann@example.com", "studio", OrgRole::Member).await;
    let mut a = Device::new(&ann, "ann").await;
    let wf = a
        .store
        .workflow_create(a.actor(), "Clock")
        .await
        .expect("create")
        .id;
    let mut n = node("output", 0.0);
    change(
        &a,
        wf,
        GraphChanges {
            nodes: vec![n.clone()],
            ..GraphChanges::default()
        },
    )
    .await;
    n.label = "before the restart".into();
    change(
        &a,
        wf,
        GraphChanges {
            nodes: vec![n.clone()],
            ..GraphChanges::default()
        },
    )
    .await;
    let copy = a.snapshot("restart").await;
    a.reopen_from(&copy).await;
    a.store.set_clock_offset_ms(-3_600_000);
    n.label = "after the restart".into();
    change(
        &a,
        wf,
        GraphChanges {
            nodes: vec![n.clone()],
            ..GraphChanges::default()
        },
    )
    .await;
    let report = a.sync().await;
    assert_eq!(report.pushed.conflicts, 0);
    assert_eq!(node_of(&a, wf, n.id).await.label, "after the restart");
    let server: String = sqlx::query_scalar("SELECT label FROM workflow_nodes WHERE id = $1")
        .bind(n.id)
        .fetch_one(&t.su)
        .await
        .expect("label");
    assert_eq!(server, "after the restart");
}

/// Live: a device that keeps synced sees another device's change within moments of its push,
/// by the team database's notification (its timer is set far beyond the wait).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_pushed_by_one_device_reaches_a_live_device_within_two_seconds() {
    let (_team, a, b) = ann_and_bob().await;
    let (wf, nodes) = shared_workflow(&a, &b).await;

    let (done_tx, done_rx) = tokio::sync::oneshot::channel::<()>();
    let (seen_tx, mut seen_rx) = tokio::sync::mpsc::unbounded_channel();
    let live_store = b.store.clone();
    let live_team = b.team.clone();
    let live = tokio::spawn(async move {
        neuroflow_sync::live::keep_synced(
            &live_store,
            &live_team,
            Duration::from_secs(600),
            std::sync::Arc::new(tokio::sync::Notify::new()),
            move |cause, result| {
                let _ = seen_tx.send((cause, result.is_ok()));
            },
            async {
                let _ = done_rx.await;
            },
        )
        .await;
    });
    assert_eq!(
        seen_rx.recv().await,
        Some((neuroflow_sync::live::Cause::Start, true))
    );

    let mut renamed = nodes[0].clone();
    renamed.label = "Live rename".into();
    edit_nodes(&a, wf, vec![renamed]).await;
    let pushed_at = std::time::Instant::now();
    a.sync().await;
    let (cause, ok) = tokio::time::timeout(Duration::from_secs(2), seen_rx.recv())
        .await
        .expect("a sync within 2 s of the push")
        .expect("live sync running");
    assert_eq!((cause, ok), (neuroflow_sync::live::Cause::Notified, true));
    assert_eq!(node_of(&b, wf, nodes[0].id).await.label, "Live rename");
    eprintln!(
        "the change reached the live device {:?} after its push",
        pushed_at.elapsed()
    );
    let _ = done_tx.send(());
    live.await.expect("live sync stops");
}

/// A device away longer than the team database keeps deleted rows resyncs in full: the delete
/// it missed (its tombstone purged) still reaches it, and its own waiting edits survive.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_away_past_a_purge_resyncs_in_full_and_keeps_its_waiting_edits() {
    let (t, a, b) = ann_and_bob().await;
    let (wf, nodes) = shared_workflow(&a, &b).await;
    // Bob goes away with an edit waiting; Ann deletes a node meanwhile.
    let mut kept = nodes[0].clone();
    kept.label = "Bob's offline edit".into();
    edit_nodes(&b, wf, vec![kept]).await;
    let gone = graph(&a, wf)
        .await
        .edges
        .into_iter()
        .filter(|e| e.source == nodes[2].id || e.target == nodes[2].id)
        .map(|e| e.id)
        .collect();
    change(
        &a,
        wf,
        GraphChanges {
            removed_nodes: vec![nodes[2].id],
            removed_edges: gone,
            ..GraphChanges::default()
        },
    )
    .await;
    a.sync().await;
    // The retention window passes: the tombstones are purged.
    let purged = neuroflow_store::pg_admin::purge_tombstones(
        &t.su,
        chrono::Utc::now() + chrono::Duration::seconds(1),
    )
    .await
    .expect("purge");
    assert!(purged.rows >= 2, "the node and its edge: {purged:?}");
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM workflow_nodes WHERE id = $1")
        .bind(nodes[2].id)
        .fetch_one(&t.su)
        .await
        .expect("count");
    assert_eq!(left, 0);

    let report = b.sync().await;
    assert!(report.pulled.full_resync, "Bob was away past the purge");
    let g = graph(&b, wf).await;
    assert!(
        g.nodes.iter().all(|n| n.id != nodes[2].id),
        "the missed delete reached Bob"
    );
    assert_eq!(
        node_of(&b, wf, nodes[0].id).await.label,
        "Bob's offline edit"
    );
    a.sync().await;
    assert_eq!(graph(&a, wf).await, graph(&b, wf).await);
    // The next sync is an ordinary one.
    assert!(!b.sync().await.pulled.full_resync);
}
