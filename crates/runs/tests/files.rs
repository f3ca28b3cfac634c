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
    // The original is still there, so the copy says it was imported.
    assert_eq!(report.workflow.name, "Lead enrichment (imported)");
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
        .expect("import")
        .doc;
    assert_ne!(imported.summary.id, doc.summary.id);
    assert_eq!(imported.summary.name, "Summarise page (imported)");
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

/// A second organization in the same database with its own owner: the workspace a file from
/// the first one is imported into.
async fn another_organization(store: &Store) -> Actor {
    let Db::Sqlite(pool) = store.db() else {
        panic!("these tests run on SQLite")
    };
    let (org, user) = (Uuid::now_v7(), Uuid::now_v7());
    let now = chrono::Utc::now();
    let slug = format!("other-{}", org.simple());
    sqlx::query("INSERT INTO organizations (id, name, slug, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)")
        .bind(org).bind(&slug).bind(&slug).bind(now).execute(pool).await.expect("organization");
    sqlx::query("INSERT INTO users (id, email, created_at, updated_at) VALUES ($1, $2, $3, $3)")
        .bind(user)
        .bind(format!("{}@example.com", user.simple()))
        .bind(now)
        .execute(pool)
        .await
        .expect("user");
    sqlx::query("INSERT INTO organization_members (id, organization_id, user_id, role, created_at, updated_at) VALUES ($1, $2, $3, 'OWNER', $4, $4)")
        .bind(Uuid::now_v7()).bind(org).bind(user).bind(now).execute(pool).await.expect("member");
    Actor {
        organization_id: org,
        user_id: user,
    }
}

fn chain(nodes: Vec<GraphNode>) -> Graph {
    let edges = nodes
        .windows(2)
        .map(|p| GraphEdge {
            id: Uuid::now_v7(),
            source: p[0].id,
            source_handle: None,
            target: p[1].id,
            target_handle: None,
        })
        .collect();
    Graph { nodes, edges }
}

fn call(id: Uuid) -> GraphNode {
    node(
        "blueprint.call",
        "Call",
        200.0,
        json!({"blueprintId": id.to_string()}),
    )
}

/// The ids the graph's `blueprint.call` nodes call, in node order.
fn calls(graph: &Graph) -> Vec<Uuid> {
    graph
        .nodes
        .iter()
        .filter(|n| n.kind == "blueprint.call")
        .map(|n| {
            n.config["blueprintId"]
                .as_str()
                .and_then(|s| s.parse().ok())
                .expect("a blueprint id")
        })
        .collect()
}

/// A saved blueprint: a required `text` parameter, then `steps`, then its output.
async fn blueprint(store: &Store, actor: Actor, name: &str, steps: Vec<GraphNode>) -> Uuid {
    use neuroflow_store::blueprints::BlueprintMeta;
    let doc = store
        .blueprint_create(
            actor,
            &BlueprintMeta {
                name: name.into(),
                description: format!("{name} things"),
                category: neuroflow_model::AIToolCategory::Api,
                is_public: false,
            },
        )
        .await
        .expect("blueprint");
    let mut nodes = vec![node(
        "blueprint.input",
        "In",
        0.0,
        json!({"parameters": [{"name": "text", "type": "string", "required": true}]}),
    )];
    nodes.extend(steps);
    nodes.push(node("output", "Out", 600.0, json!({})));
    store
        .blueprint_save_graph_as(
            actor,
            doc.summary.id,
            &chain(nodes),
            &neuroflow_store::versions::SaveAs::save(),
        )
        .await
        .expect("save blueprint");
    doc.summary.id
}

/// "Shout" adds `shout`; "Greeter" adds `greeting`, then calls Shout; the workflow calls
/// Greeter, then Shout again. Returns (workflow, greeter, shout).
async fn greeter_calling_shout(store: &Store, actor: Actor) -> (Uuid, Uuid, Uuid) {
    let shout = blueprint(
        store,
        actor,
        "Shout",
        vec![node(
            "data.set",
            "Shout",
            100.0,
            json!({"fields": {"shout": "{{ item.text }}!"}}),
        )],
    )
    .await;
    let greeter = blueprint(
        store,
        actor,
        "Greeter",
        vec![
            node(
                "data.set",
                "Greet",
                100.0,
                json!({"fields": {"greeting": "Hello {{ item.text }}"}}),
            ),
            call(shout),
        ],
    )
    .await;
    let w = store
        .workflow_create(actor, "Greets loudly")
        .await
        .expect("workflow");
    let graph = chain(vec![
        node("trigger.manual", "Start", 0.0, json!({})),
        call(greeter),
        call(shout),
        node("output", "Result", 600.0, json!({})),
    ]);
    store
        .workflow_save_graph(actor, w.id, &graph)
        .await
        .expect("save");
    (w.id, greeter, shout)
}

/// The organization's blueprints as (name, id, the ids its graph calls), by name.
async fn blueprints_of(store: &Store, actor: Actor) -> Vec<(String, Uuid, Vec<Uuid>)> {
    let mut out = Vec::new();
    for b in store
        .blueprint_list(actor, None, None)
        .await
        .expect("blueprints")
    {
        let doc = store.blueprint_get(actor, b.id).await.expect("blueprint");
        out.push((b.name, b.id, calls(&doc.graph)));
    }
    out.sort();
    out
}

#[tokio::test]
async fn a_workflow_carries_the_blueprints_it_calls_into_another_organization_where_it_runs() {
    let (_dir, store, actor) = open().await;
    let (workflow, greeter, shout) = greeter_calling_shout(&store, actor).await;
    let (file, text) = files::export(&store, actor, workflow)
        .await
        .expect("export");
    // Every blueprint the workflow reaches, once, with what an import needs to add it.
    let carried: Vec<Uuid> = file.blueprints.iter().map(|b| b.id).collect();
    assert_eq!(carried, [greeter, shout]);
    assert_eq!(file.blueprints[0].name, "Greeter");
    assert_eq!(file.blueprints[0].description, "Greeter things");
    assert_eq!(
        file.blueprints[0].category,
        Some(neuroflow_model::AIToolCategory::Api)
    );
    assert_eq!(calls(&file.blueprints[0].graph), [shout]);
    let ours = blueprints_of(&store, actor).await;

    let other = another_organization(&store).await;
    let report = files::import(&store, other, text.as_bytes(), "x")
        .await
        .expect("import");
    assert_eq!(report.blueprints_added, 2);
    // Both blueprints exist there under ids of their own (the file's belong to the first
    // organization), and every call points at the copy in the same organization.
    let theirs = blueprints_of(&store, other).await;
    let names: Vec<&str> = theirs.iter().map(|(n, _, _)| n.as_str()).collect();
    assert_eq!(names, ["Greeter", "Shout"]);
    let (new_greeter, new_shout) = (theirs[0].1, theirs[1].1);
    assert!(![greeter, shout].contains(&new_greeter) && ![greeter, shout].contains(&new_shout));
    assert_eq!(theirs[0].2, [new_shout], "Greeter calls the new Shout");
    let copy = store
        .workflow_get(other, report.workflow.id)
        .await
        .expect("imported");
    assert_eq!(calls(&copy.graph), [new_greeter, new_shout]);
    let greeter_doc = store.blueprint_get(other, new_greeter).await.expect("get");
    assert_eq!(greeter_doc.summary.description, "Greeter things");
    assert_eq!(
        greeter_doc.summary.input_schema["required"],
        json!(["text"])
    );
    assert_eq!(
        blueprints_of(&store, actor).await,
        ours,
        "the first organization's blueprints are untouched"
    );

    // The imported workflow validates and runs there.
    let runner = neuroflow_runs::WorkflowRunner::new(store.clone());
    let problems = runner
        .validate(
            other,
            &copy.graph,
            neuroflow_model::graph::GraphSurface::Workflow,
        )
        .await;
    assert!(problems.is_empty(), "{problems:?}");
    let started = runner
        .start(
            other,
            report.workflow.id,
            neuroflow_runs::RunOptions {
                input: json!({"text": "Ada"}),
                ..Default::default()
            },
            None,
            None,
        )
        .await
        .expect("start");
    let execution = started.finished.await.expect("join").expect("recorded");
    assert_eq!(
        execution.status,
        neuroflow_model::ExecutionStatus::Completed,
        "{:?}",
        execution.error
    );
    assert_eq!(
        execution.output_data,
        Some(json!([{"text": "Ada", "greeting": "Hello Ada", "shout": "Ada!"}]))
    );

    // Each import is independent, as the workflow copies are: a second one adds its own.
    let again = files::import(&store, other, text.as_bytes(), "x")
        .await
        .expect("again");
    assert_eq!(again.blueprints_added, 2);
    assert_eq!(blueprints_of(&store, other).await.len(), 4);
}

#[tokio::test]
async fn importing_into_the_same_organization_reuses_the_blueprints_it_calls() {
    let (_dir, store, actor) = open().await;
    let (workflow, greeter, shout) = greeter_calling_shout(&store, actor).await;
    let (_, text) = files::export(&store, actor, workflow)
        .await
        .expect("export");
    let before = blueprints_of(&store, actor).await;
    let report = files::import(&store, actor, text.as_bytes(), "x")
        .await
        .expect("import");
    assert_eq!(report.blueprints_added, 0);
    assert_eq!(blueprints_of(&store, actor).await, before);
    let copy = store
        .workflow_get(actor, report.workflow.id)
        .await
        .expect("imported");
    assert_eq!(calls(&copy.graph), [greeter, shout]);

    // A blueprint's file carries what it calls, not itself; here that is reused too.
    let (file, text) = files::export_blueprint(&store, actor, greeter)
        .await
        .expect("export blueprint");
    assert_eq!(
        file.blueprints.iter().map(|b| b.id).collect::<Vec<_>>(),
        [shout]
    );
    let imported = files::import_blueprint(&store, actor, text.as_bytes(), "x")
        .await
        .expect("import blueprint");
    assert_eq!(imported.blueprints_added, 0);
    assert_eq!(calls(&imported.doc.graph), [shout]);
    assert_eq!(blueprints_of(&store, actor).await.len(), before.len() + 1);
}

#[tokio::test]
async fn a_blueprint_file_carries_its_callees_into_another_organization() {
    let (_dir, store, actor) = open().await;
    let (_, greeter, shout) = greeter_calling_shout(&store, actor).await;
    let (_, text) = files::export_blueprint(&store, actor, greeter)
        .await
        .expect("export");
    let other = another_organization(&store).await;
    let imported = files::import_blueprint(&store, other, text.as_bytes(), "x")
        .await
        .expect("import");
    assert_eq!(imported.blueprints_added, 1);
    let theirs = blueprints_of(&store, other).await;
    let names: Vec<&str> = theirs.iter().map(|(n, _, _)| n.as_str()).collect();
    assert_eq!(names, ["Greeter", "Shout"]);
    assert_ne!(theirs[1].1, shout);
    assert_eq!(calls(&imported.doc.graph), [theirs[1].1]);
    let runner = neuroflow_runs::WorkflowRunner::new(store.clone());
    let problems = runner
        .validate(
            other,
            &imported.doc.graph,
            neuroflow_model::graph::GraphSurface::Blueprint,
        )
        .await;
    assert!(problems.is_empty(), "{problems:?}");
}

#[tokio::test]
async fn a_file_with_an_invalid_part_imports_no_blueprint_either() {
    let (_dir, store, actor) = open().await;
    let (workflow, greeter, _) = greeter_calling_shout(&store, actor).await;
    let (_, text) = files::export(&store, actor, workflow)
        .await
        .expect("export");
    let (_, blueprint_text) = files::export_blueprint(&store, actor, greeter)
        .await
        .expect("export blueprint");
    let other = another_organization(&store).await;
    let edit = |text: &str, f: &dyn Fn(&mut serde_json::Value)| {
        let mut v: serde_json::Value = serde_json::from_str(text).expect("json");
        f(&mut v);
        v.to_string()
    };
    // The second carried blueprint has a workflow-only component; then the workflow itself
    // has a component only blueprints have.
    let bad_blueprint = edit(&text, &|v| {
        v["blueprints"][1]["nodes"][0]["kind"] = json!("trigger.schedule")
    });
    let bad_workflow = edit(&text, &|v| v["nodes"][0]["kind"] = json!("blueprint.input"));
    for (bad, want) in [(bad_blueprint, "'Shout'"), (bad_workflow, "imported")] {
        let e = files::import(&store, other, bad.as_bytes(), "x")
            .await
            .expect_err("refused");
        assert!(e.to_string().contains(want), "{e}");
    }
    let bad = edit(&blueprint_text, &|v| {
        v["blueprints"][0]["nodes"][0]["kind"] = json!("trigger.schedule")
    });
    let e = files::import_blueprint(&store, other, bad.as_bytes(), "x")
        .await
        .expect_err("refused");
    assert!(e.to_string().contains("'Shout'"), "{e}");
    assert!(store
        .workflow_list(other, None)
        .await
        .expect("list")
        .is_empty());
    assert!(
        blueprints_of(&store, other).await.is_empty(),
        "nothing half-imported"
    );
}

#[tokio::test]
async fn exports_carry_each_blueprint_once_through_cycles_and_leave_out_deleted_ones() {
    let (_dir, store, actor) = open().await;
    // X and Y call each other (validation refuses that, but a file can still hold it); Z is
    // deleted after the workflow calls it.
    let x = blueprint(&store, actor, "X", vec![]).await;
    let y = blueprint(&store, actor, "Y", vec![call(x)]).await;
    let z = blueprint(&store, actor, "Z", vec![]).await;
    let mut x_graph = store.blueprint_get(actor, x).await.expect("x").graph;
    let in_x = call(y);
    x_graph.edges.push(GraphEdge {
        id: Uuid::now_v7(),
        source: x_graph.nodes[0].id,
        source_handle: None,
        target: in_x.id,
        target_handle: None,
    });
    x_graph.nodes.push(in_x);
    store
        .blueprint_save_graph_as(
            actor,
            x,
            &x_graph,
            &neuroflow_store::versions::SaveAs::save(),
        )
        .await
        .expect("x calls y");
    let w = store.workflow_create(actor, "Loops").await.expect("w");
    let graph = chain(vec![
        node("trigger.manual", "Start", 0.0, json!({})),
        call(x),
        call(z),
    ]);
    store
        .workflow_save_graph(actor, w.id, &graph)
        .await
        .expect("save");
    store.blueprint_delete(actor, z).await.expect("delete z");

    let (file, text) = files::export(&store, actor, w.id).await.expect("export");
    assert_eq!(
        file.blueprints.iter().map(|b| b.id).collect::<Vec<_>>(),
        [x, y]
    );
    let other = another_organization(&store).await;
    let report = files::import(&store, other, text.as_bytes(), "x")
        .await
        .expect("import");
    assert_eq!(report.blueprints_added, 2);
    let theirs = blueprints_of(&store, other).await;
    let (new_x, new_y) = (theirs[0].1, theirs[1].1);
    assert_eq!(theirs[0].2, [new_y], "X calls the new Y");
    assert_eq!(theirs[1].2, [new_x], "Y calls the new X");
    let copy = store
        .workflow_get(other, report.workflow.id)
        .await
        .expect("copy");
    assert_eq!(
        calls(&copy.graph),
        [new_x, z],
        "the deleted one stays as it was"
    );
    // Validation names the node that calls the missing blueprint.
    let runner = neuroflow_runs::WorkflowRunner::new(store.clone());
    let problems = runner
        .validate(
            other,
            &copy.graph,
            neuroflow_model::graph::GraphSurface::Workflow,
        )
        .await;
    let missing = copy.graph.nodes[2].id;
    assert!(
        problems.iter().any(|d| d.node_id == Some(missing)
            && d.code == neuroflow_engine::DiagnosticCode::UnknownBlueprint),
        "{problems:?}"
    );
}

async fn agent(store: &Store, actor: Actor, name: &str) -> neuroflow_model::entities::AiAgent {
    let now = chrono::Utc::now();
    store
        .insert(&neuroflow_model::entities::AiAgent {
            id: neuroflow_model::new_id(),
            organization_id: actor.organization_id,
            name: name.into(),
            description: format!("{name}, described"),
            personality: json!({"systemPrompt": "Be brief."}),
            model_config: json!({"provider": "ollama", "model": "llama3.2"}),
            capabilities: json!(["summarise"]),
            memory: json!({"notes": "kept at home"}),
            success_rate: 0.9,
            avg_response_ms: 120.0,
            total_executions: 7,
            status: neuroflow_model::AgentStatus::Idle,
            is_active: true,
            created_by: actor.user_id,
            created_at: now,
            updated_at: now,
            deleted_at: None,
            hlc: String::new(),
        })
        .await
        .expect("agent")
}

fn agents_used(graph: &Graph) -> Vec<Uuid> {
    graph
        .nodes
        .iter()
        .filter(|n| n.kind == "ai.agent")
        .filter_map(|n| n.config.get("agentId")?.as_str()?.parse().ok())
        .collect()
}

#[tokio::test]
async fn a_workflow_carries_its_agents_into_another_organization_under_fresh_ids() {
    let (_dir, store, actor) = open().await;
    let helper = agent(&store, actor, "Summariser").await;
    let w = store
        .workflow_create(actor, "Summarise leads")
        .await
        .expect("create");
    let start = node("trigger.manual", "Start", 0.0, json!({}));
    let ask = |x: f64| {
        node(
            "ai.agent",
            "Summarise",
            x,
            json!({"agentId": helper.id.to_string(), "prompt": "Summarise {{ item.text }}"}),
        )
    };
    let graph = chain(vec![start, ask(300.0), ask(600.0)]);
    store
        .workflow_save_graph(actor, w.id, &graph)
        .await
        .expect("save");
    let (file, text) = files::export(&store, actor, w.id).await.expect("export");
    assert_eq!(
        file.agents.iter().map(|a| a.id).collect::<Vec<_>>(),
        [helper.id]
    );
    assert!(
        !text.contains("kept at home"),
        "an agent's memory stays home"
    );

    // Here the agent is known: the workflow uses it, nothing is added.
    let here = files::import(&store, actor, text.as_bytes(), "x")
        .await
        .expect("import here");
    assert_eq!(here.agents_added, 0);
    let doc = store
        .workflow_get(actor, here.workflow.id)
        .await
        .expect("get");
    assert_eq!(agents_used(&doc.graph), [helper.id, helper.id]);

    // In another organization the agent is added once, under a fresh id both nodes use, with
    // the file's model settings and none of the original's memory or figures.
    let other = another_organization(&store).await;
    let there = files::import(&store, other, text.as_bytes(), "x")
        .await
        .expect("import there");
    assert_eq!(there.agents_added, 1);
    let doc = store
        .workflow_get(other, there.workflow.id)
        .await
        .expect("get");
    let used = agents_used(&doc.graph);
    assert_eq!(used.len(), 2);
    assert_eq!(used[0], used[1]);
    assert_ne!(used[0], helper.id);
    let added: neuroflow_model::entities::AiAgent = store
        .get(Some(other.organization_id), used[0])
        .await
        .expect("the added agent is the other organization's");
    assert_eq!(
        (added.name.as_str(), &added.model_config, &added.personality),
        ("Summariser", &helper.model_config, &helper.personality)
    );
    assert_eq!(
        (added.total_executions, added.memory.clone()),
        (0, json!({}))
    );
    let original: neuroflow_model::entities::AiAgent = store
        .get(Some(actor.organization_id), helper.id)
        .await
        .expect("the original stays");
    assert_eq!(original.total_executions, 7);

    // An invalid file adds no agent either.
    let bad = text.replace("trigger.manual", "no.such.kind");
    let third = another_organization(&store).await;
    assert!(files::import(&store, third, bad.as_bytes(), "x")
        .await
        .is_err());
    let none: Vec<neuroflow_model::entities::AiAgent> = store
        .list(&neuroflow_store::ListQuery {
            organization_id: Some(third.organization_id),
            ..Default::default()
        })
        .await
        .expect("list");
    assert!(none.is_empty());
}
