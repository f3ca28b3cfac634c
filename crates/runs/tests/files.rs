//! Workflow files on a real SQLite database: export then import gives the same graph with fresh ids, a bad file imports nothing, exports never hold a secret, and written files never replace another.

use neuroflow_model::graph::{Graph, GraphEdge, GraphNode, Position};
use neuroflow_runs::files;
use neuroflow_store::local::ensure_local_identity;
use neuroflow_store::workflows::Actor;
use neuroflow_store::{Db, Store};
use serde_json::json;
use uuid::Uuid;

struct Scratch(std::path::PathBuf);
impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn open() -> (Scratch, Store, Actor) {
    let dir = std::env::temp_dir().join(format!("neuroflow-files-{}", Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).expect("dir");
    let db = Db::open_sqlite(&dir.join("files.db")).await.expect("open");
    let id = ensure_local_identity(&db).await.expect("identity");
    let actor = Actor {
        organization_id: id.organization_id,
        user_id: id.user_id,
    };
    (Scratch(dir), Store::new(db, id.device), actor)
}

fn node(kind: &str, label: &str, x: f64, config: serde_json::Value) -> GraphNode {
    GraphNode {
        id: Uuid::now_v7(),
        kind: kind.into(),
        label: label.into(),
        position: Position { x, y: 0.0 },
        config,
    }
}

#[tokio::test]
async fn export_then_import_gives_the_same_graph_as_a_new_workflow() {
    let (_dir, store, actor) = open().await;
    let w = store
        .workflow_create(actor, "Lead enrichment")
        .await
        .expect("create");
    let a = node("trigger.manual", "Start", 0.0, json!({}));
    let b = node(
        "flow.condition",
        "Hot lead?",
        300.0,
        json!({"expression": "item.score > 80"}),
    );
    let c = node(
        "integration.webhook",
        "Notify",
        600.0,
        json!({"integrationId": Uuid::now_v7().to_string()}),
    );
    let edge = |s: &GraphNode, h: Option<&str>, t: &GraphNode| GraphEdge {
        id: Uuid::now_v7(),
        source: s.id,
        source_handle: h.map(str::to_string),
        target: t.id,
        target_handle: None,
    };
    let graph = Graph {
        nodes: vec![a.clone(), b.clone(), c.clone()],
        edges: vec![edge(&a, None, &b), edge(&b, Some("true"), &c)],
    };
    store
        .workflow_save_graph(actor, w.id, &graph)
        .await
        .expect("save");

    let (_, text) = files::export(&store, actor, w.id).await.expect("export");
    assert!(text.contains("\"format\": \"neuroflow.graph\""));
    let report = files::import(
        &store,
        actor,
        text.as_bytes(),
        "ignored because the file names itself",
    )
    .await
    .expect("import");
    assert_eq!(report.workflow.name, "Lead enrichment");
    assert_eq!(report.source, "neuroflow.graph v1");
    assert_ne!(report.workflow.id, w.id);
    let copy = store
        .workflow_get(actor, report.workflow.id)
        .await
        .expect("get");
    assert_eq!(copy.graph.nodes.len(), 3);
    let labels: Vec<&str> = copy.graph.nodes.iter().map(|n| n.label.as_str()).collect();
    assert_eq!(labels, ["Start", "Hot lead?", "Notify"]);
    assert!(
        copy.graph
            .nodes
            .iter()
            .all(|n| graph.nodes.iter().all(|o| o.id != n.id)),
        "fresh ids"
    );
    assert_eq!(copy.graph.edges[1].source_handle.as_deref(), Some("true"));
    assert_eq!(copy.graph.nodes[2].config, c.config, "references survive");
    // The import is its first version.
    let history = store
        .workflow_versions(actor, report.workflow.id)
        .await
        .expect("history");
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].kind, neuroflow_model::VersionKind::Import);
}

#[tokio::test]
async fn a_bad_file_imports_nothing_and_says_why() {
    let (_dir, store, actor) = open().await;
    let before = store.workflow_list(actor, None).await.expect("list").len();
    let cases = [
        ("not json at all".to_string(), "not a graph file"),
        (json!({"nodes": [{"id": "1", "type": "no.such.kind"}], "edges": []}).to_string(), "unknown kind"),
        (
            json!({"format": "neuroflow.graph", "version": 1, "name": "Half", "nodes": [
                {"id": Uuid::now_v7(), "kind": "trigger.manual", "label": "ok", "position": {"x": 0, "y": 0}, "config": {}},
                {"id": Uuid::now_v7(), "kind": "output", "label": "bad", "position": {"x": "left", "y": 0}, "config": {}}
            ], "edges": []})
            .to_string(),
            "invalid graph file",
        ),
    ];
    for (text, want) in cases {
        let e = files::import(&store, actor, text.as_bytes(), "x")
            .await
            .expect_err(&text);
        assert!(e.to_string().contains(want), "{text}: {e}");
    }
    assert_eq!(
        store.workflow_list(actor, None).await.expect("list").len(),
        before,
        "nothing half-imported"
    );
}

#[tokio::test]
async fn exports_carry_references_never_secrets() {
    let (_dir, store, actor) = open().await;
    let secrets = neuroflow_secrets::SecretStore::session_memory();
    let service = neuroflow_integrations::IntegrationService::new(
        store.clone(),
        secrets,
        actor,
        neuroflow_integrations::providers::ProviderHttp::new().expect("http"),
    );
    let canary = format!("whsec-canary-{}", Uuid::now_v7().simple());
    let hook = service
        .create(
            serde_json::from_value(json!({
                "name": "Hook",
                "settings": {"provider": "WEBHOOK", "url": "http://127.0.0.1:9/in"},
                "credentials": {"provider": "WEBHOOK", "signingSecret": canary}
            }))
            .expect("draft"),
        )
        .await
        .expect("integration");
    let w = store
        .workflow_create(actor, "Uses a secret")
        .await
        .expect("create");
    let graph = Graph {
        nodes: vec![
            node("trigger.manual", "Start", 0.0, json!({})),
            node(
                "integration.webhook",
                "Post",
                300.0,
                json!({"integrationId": hook.id.to_string()}),
            ),
        ],
        edges: vec![],
    };
    store
        .workflow_save_graph(actor, w.id, &graph)
        .await
        .expect("save");
    let (_, text) = files::export(&store, actor, w.id).await.expect("export");
    assert!(
        text.contains(&hook.id.to_string()),
        "the reference is exported"
    );
    assert!(!text.contains(&canary), "the secret is not");
}

#[test]
fn files_are_named_for_people_and_never_replace_another() {
    let dir = std::env::temp_dir().join(format!("neuroflow-export-{}", Uuid::now_v7().simple()));
    let _cleanup = Scratch(dir.clone());
    assert_eq!(
        files::file_name("Lead enrichment"),
        "Lead enrichment.neuroflow.json"
    );
    assert_eq!(files::file_name("a/b\\c:d"), "a_b_c_d.neuroflow.json");
    assert_eq!(files::file_name("..."), "workflow.neuroflow.json");
    let first = files::write_new_file(&dir, "Flow.neuroflow.json", "one").expect("first");
    let second = files::write_new_file(&dir, "Flow.neuroflow.json", "two").expect("second");
    assert_eq!(
        first.file_name().and_then(|n| n.to_str()),
        Some("Flow.neuroflow.json")
    );
    assert_eq!(
        second.file_name().and_then(|n| n.to_str()),
        Some("Flow (2).neuroflow.json")
    );
    assert_eq!(std::fs::read_to_string(&first).expect("read"), "one");
    assert_eq!(std::fs::read_to_string(&second).expect("read"), "two");
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .expect("dir")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".part"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary file is left behind");
}

#[tokio::test]
async fn a_blueprint_exports_with_its_category_and_imports_as_a_new_blueprint_only() {
    use neuroflow_model::AIToolCategory;
    use neuroflow_store::blueprints::BlueprintMeta;
    let (_dir, store, actor) = open().await;
    let meta = BlueprintMeta {
        name: "Summarise page".into(),
        description: "Fetches a page and summarises it".into(),
        category: AIToolCategory::Api,
        is_public: false,
    };
    let doc = store.blueprint_create(actor, &meta).await.expect("create");
    let (file, text) = files::export_blueprint(&store, actor, doc.summary.id)
        .await
        .expect("export");
    assert_eq!(
        file.surface,
        neuroflow_model::graph::GraphSurface::Blueprint
    );
    assert!(text.contains("\"surface\": \"blueprint\""), "{text}");
    assert!(text.contains("\"category\": \"API\""), "{text}");

    let imported = files::import_blueprint(&store, actor, text.as_bytes(), "ignored")
        .await
        .expect("import");
    assert_ne!(imported.summary.id, doc.summary.id);
    assert_eq!(imported.summary.name, "Summarise page");
    assert_eq!(imported.summary.category, AIToolCategory::Api);
    assert_eq!(imported.summary.description, meta.description);
    assert_eq!(imported.summary.input_schema, doc.summary.input_schema);
    // The same components with fresh ids, the connection following them.
    let kinds = |g: &Graph| g.nodes.iter().map(|n| n.kind.clone()).collect::<Vec<_>>();
    assert_eq!(kinds(&imported.graph), kinds(&doc.graph));
    assert!(imported
        .graph
        .nodes
        .iter()
        .all(|n| doc.graph.nodes.iter().all(|o| o.id != n.id)));
    assert_eq!(imported.graph.edges.len(), 1);
    assert_eq!(imported.graph.edges[0].source, imported.graph.nodes[0].id);

    // Each kind of file goes to its own page, and says where.
    let wrong = files::import(&store, actor, text.as_bytes(), "x").await;
    assert!(
        matches!(&wrong, Err(neuroflow_runs::RunError::Refused(m)) if m.contains("Blueprints page")),
        "{wrong:?}"
    );
    let w = store
        .workflow_create(actor, "A workflow")
        .await
        .expect("workflow");
    let (_, workflow_text) = files::export(&store, actor, w.id).await.expect("export");
    let wrong = files::import_blueprint(&store, actor, workflow_text.as_bytes(), "x").await;
    assert!(
        matches!(&wrong, Err(neuroflow_runs::RunError::Refused(m)) if m.contains("Workflows page")),
        "{wrong:?}"
    );
    // A blueprint file with a workflow-only component imports nothing.
    let bad = text.replace("blueprint.input", "trigger.schedule");
    assert!(files::import_blueprint(&store, actor, bad.as_bytes(), "x")
        .await
        .is_err());
    assert_eq!(
        store
            .blueprint_list(actor, None, None)
            .await
            .expect("list")
            .len(),
        2
    );
}
