//! The store contract: the same behaviour on SQLite and on Postgres, for every entity.

mod common;

use neuroflow_model::entities::*;
use neuroflow_model::graph::{Graph, GraphChanges, GraphEdge, GraphNode, Position};
use neuroflow_model::new_id;
use neuroflow_store::workflows::Actor;
use neuroflow_store::{ListQuery, Store, StoreError};
use serde_json::{json, Map, Value};
use uuid::Uuid;

/// A complete entity: `overrides` plus a plausible value for every other column.
fn sample<E: Entity>(org: Option<Uuid>, overrides: Value) -> E {
    let mut obj = Map::new();
    obj.insert("id".into(), json!(new_id()));
    obj.insert("organizationId".into(), json!(org));
    for c in E::COLUMNS {
        let v = match c.kind {
            ColKind::Uuid => Value::Null,
            ColKind::Text => json!(format!("sample {}", c.name)),
            ColKind::Int => json!(1),
            ColKind::Real => json!(0.5),
            ColKind::Bool => json!(false),
            ColKind::Json => json!({"k": [1, "two"]}),
            ColKind::Time => json!(chrono::Utc::now().to_rfc3339()),
        };
        obj.insert(json_key(c.name), v);
    }
    let now = chrono::Utc::now().to_rfc3339();
    obj.insert("createdAt".into(), json!(now));
    obj.insert("updatedAt".into(), json!(now));
    obj.insert("deletedAt".into(), Value::Null);
    obj.insert("hlc".into(), json!(""));
    if let Value::Object(o) = overrides {
        obj.extend(o);
    }
    serde_json::from_value(Value::Object(obj))
        .unwrap_or_else(|e| panic!("sample {}: {e}", E::TABLE))
}

/// insert → get → list → update → delete, comparing what comes back with what went in.
async fn round_trip<E: Entity + std::fmt::Debug + PartialEq + Clone>(
    store: &Store,
    org: Option<Uuid>,
    entity: E,
    edit: &str,
) -> E {
    let stored = store
        .insert(&entity)
        .await
        .unwrap_or_else(|e| panic!("insert {}: {e}", E::TABLE));
    let got: E = store
        .get(org, entity.id())
        .await
        .unwrap_or_else(|e| panic!("get {}: {e}", E::TABLE));
    assert_eq!(
        normalize(&got),
        normalize(&stored),
        "{} read back differs",
        E::TABLE
    );
    let listed: Vec<E> = store
        .list(&ListQuery {
            organization_id: org,
            ..ListQuery::default()
        })
        .await
        .expect("list");
    assert!(
        listed.iter().any(|e| e.id() == entity.id()),
        "{} not listed",
        E::TABLE
    );

    if E::APPEND_ONLY {
        assert!(
            matches!(store.update(&got).await, Err(StoreError::Invalid(_))),
            "{} must refuse updates",
            E::TABLE
        );
        assert!(
            store.delete::<E>(org, entity.id()).await.is_err(),
            "{} must refuse deletes",
            E::TABLE
        );
        return got;
    }
    let mut changed = serde_json::to_value(&got).expect("json");
    let new_value = if edit == "priority" {
        json!(7)
    } else {
        json!(format!("edited {edit}"))
    };
    changed[edit] = new_value.clone();
    let changed: E = serde_json::from_value(changed).expect("edited entity");
    let updated = store
        .update(&changed)
        .await
        .unwrap_or_else(|e| panic!("update {}: {e}", E::TABLE));
    let again: E = store.get(org, entity.id()).await.expect("get after update");
    assert_eq!(normalize(&again), normalize(&updated));
    assert_eq!(serde_json::to_value(&again).expect("json")[edit], new_value);
    again
}

/// Timestamps lose sub-microsecond precision in storage; compare at millisecond precision.
fn normalize<E: Entity>(e: &E) -> Value {
    let mut v = serde_json::to_value(e).expect("json");
    if let Value::Object(o) = &mut v {
        for (_, val) in o.iter_mut() {
            if let Some(s) = val.as_str() {
                if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
                    *val = json!(t.timestamp_millis());
                }
            }
        }
    }
    v
}

contract!(every_entity_round_trips, |t: common::TestDb| async move {
    let s = &t.store;
    let o = Some(t.org);
    let user = t.user;

    let wt: WorkflowTemplate = round_trip(s, o, sample(o, json!({"category": "SALES", "difficulty": "EXPERT", "isSystem": false, "createdBy": user})), "name").await;
    let wf: Workflow = round_trip(
        s,
        o,
        sample(o, json!({"createdBy": user, "templateId": wt.id})),
        "name",
    )
    .await;
    let order: CustomAgentOrder = round_trip(s, o, sample(o, json!({"status": "SUBMITTED", "priority": "URGENT", "complexity": "ENTERPRISE", "createdBy": user, "assignedTo": user})), "title").await;
    round_trip::<OrderMilestone>(s, o, sample(o, json!({"orderId": order.id})), "title").await;
    round_trip::<BuildLog>(
        s,
        o,
        sample(o, json!({"orderId": order.id, "level": "WARN"})),
        "message",
    )
    .await;
    let at: AgentTemplate = round_trip(
        s,
        o,
        sample(o, json!({"category": "RESEARCH", "createdBy": user})),
        "name",
    )
    .await;
    round_trip::<TemplateReview>(
        s,
        o,
        sample(
            o,
            json!({"templateId": at.id, "reviewerId": user, "rating": 5}),
        ),
        "comment",
    )
    .await;
    let bp: ToolBlueprint = round_trip(
        s,
        o,
        sample(o, json!({"category": "UI", "createdBy": user})),
        "name",
    )
    .await;
    round_trip::<ProjectShowcase>(
        s,
        o,
        sample(o, json!({"category": "CUSTOM_SOLUTION", "createdBy": user})),
        "title",
    )
    .await;
    let node: WorkflowNode = round_trip(
        s,
        o,
        sample(o, json!({"workflowId": wf.id, "kind": "data.set"})),
        "label",
    )
    .await;
    round_trip::<WorkflowEdge>(
        s,
        o,
        sample(
            o,
            json!({"workflowId": wf.id, "sourceId": node.id, "targetId": node.id}),
        ),
        "sourceHandle",
    )
    .await;
    let comp: BlueprintComponent =
        round_trip(s, o, sample(o, json!({"blueprintId": bp.id})), "label").await;
    round_trip::<BlueprintConnection>(
        s,
        o,
        sample(
            o,
            json!({"blueprintId": bp.id, "sourceId": comp.id, "targetId": comp.id}),
        ),
        "targetHandle",
    )
    .await;
    let we: WorkflowExecution = round_trip(
        s,
        o,
        sample(
            o,
            json!({"workflowId": wf.id, "status": "COMPLETED", "triggeredBy": user}),
        ),
        "error",
    )
    .await;
    let agent: AiAgent = round_trip(
        s,
        o,
        sample(o, json!({"status": "BUSY", "createdBy": user})),
        "name",
    )
    .await;
    round_trip::<AgentExecution>(
        s,
        o,
        sample(
            o,
            json!({"agentId": agent.id, "workflowExecutionId": we.id, "status": "FAILED"}),
        ),
        "model",
    )
    .await;
    let team: AgentTeam = round_trip(
        s,
        o,
        sample(o, json!({"structure": "DEMOCRATIC", "createdBy": user})),
        "name",
    )
    .await;
    round_trip::<TeamMember>(
        s,
        o,
        sample(
            o,
            json!({"teamId": team.id, "agentId": agent.id, "role": "COORDINATOR"}),
        ),
        "priority",
    )
    .await;
    round_trip::<TeamExecution>(
        s,
        o,
        sample(
            o,
            json!({"teamId": team.id, "coordinationPattern": "PIPELINE", "status": "RUNNING"}),
        ),
        "task",
    )
    .await;
    round_trip::<Integration>(
        s,
        o,
        sample(
            o,
            json!({"provider": "SLACK", "status": "CONNECTED", "createdBy": user}),
        ),
        "name",
    )
    .await;

    // System templates have no organization. A person never writes one (only the admin path
    // does); they read it like any other template.
    let system: AgentTemplate = sample(
        None,
        json!({"category": "SALES", "isSystem": true, "isPublic": true}),
    );
    match &t.admin {
        None => {
            round_trip::<AgentTemplate>(s, None, system, "name").await;
        }
        Some(admin) => {
            let refused = s.insert(&system).await;
            assert!(
                matches!(&refused, Err(StoreError::Database(m)) if m.contains("42501")),
                "a person created a system template: {refused:?}"
            );
            let stored = admin.insert(&system).await.expect("admin creates it");
            let got: AgentTemplate = s.get(None, system.id).await.expect("a person reads it");
            assert_eq!(normalize(&got), normalize(&stored));
            let mut renamed = got.clone();
            renamed.name = "mine now".into();
            assert!(
                matches!(s.update(&renamed).await, Err(StoreError::NotFound { .. })),
                "a person rewrote a system template"
            );
            assert!(matches!(
                s.delete::<AgentTemplate>(None, system.id).await,
                Err(StoreError::NotFound { .. })
            ));
        }
    }
});

contract!(
    constraints_hold_on_both_backends,
    |t: common::TestDb| async move {
        let s = &t.store;
        let o = Some(t.org);
        let at: AgentTemplate = s
            .insert(&sample::<AgentTemplate>(
                o,
                json!({"category": "SALES", "createdBy": t.user}),
            ))
            .await
            .expect("template");
        let review = |rating: i32| {
            sample::<TemplateReview>(
                o,
                json!({"templateId": at.id, "reviewerId": t.user, "rating": rating}),
            )
        };
        assert!(
            matches!(s.insert(&review(6)).await, Err(StoreError::Invalid(_))),
            "rating 6 must be refused"
        );
        s.insert(&review(4)).await.expect("first review");
        assert!(
            matches!(s.insert(&review(3)).await, Err(StoreError::Conflict(_))),
            "one review per reviewer and template"
        );

        let agent: AiAgent = s
            .insert(&sample::<AiAgent>(
                o,
                json!({"status": "IDLE", "createdBy": t.user, "successRate": 0.5}),
            ))
            .await
            .expect("agent");
        let team: AgentTeam = s
            .insert(&sample::<AgentTeam>(
                o,
                json!({"structure": "PIPELINE", "createdBy": t.user}),
            ))
            .await
            .expect("team");
        let member = || {
            sample::<TeamMember>(
                o,
                json!({"teamId": team.id, "agentId": agent.id, "role": "LEADER"}),
            )
        };
        let first = s.insert(&member()).await.expect("member");
        assert!(
            matches!(s.insert(&member()).await, Err(StoreError::Conflict(_))),
            "unique (team_id, agent_id)"
        );
        // A removed member can be added again: uniqueness is over live rows.
        s.delete::<TeamMember>(o, first.id)
            .await
            .expect("remove member");
        s.insert(&member()).await.expect("re-add member");

        // A child row cannot point at a parent in another organization.
        let other = Some(t.other_org);
        let order: CustomAgentOrder = s.insert(&sample::<CustomAgentOrder>(o, json!({"status": "DRAFT", "priority": "LOW", "complexity": "SIMPLE", "createdBy": t.user}))).await.expect("order");
        let cross = sample::<OrderMilestone>(other, json!({"orderId": order.id}));
        assert!(
            s.insert(&cross).await.is_err(),
            "milestone of another organization's order must be refused"
        );

        // Enum values outside the data model are refused by the database too (not only by serde).
        let bad = s
            .insert(&sample::<AgentTeam>(
                o,
                json!({"structure": "PIPELINE", "createdBy": t.user, "successRate": 7.0}),
            ))
            .await;
        assert!(
            matches!(bad, Err(StoreError::Invalid(_))),
            "success rate above 1 must be refused: {bad:?}"
        );
    }
);

contract!(
    tombstones_hide_rows_and_scope_by_organization,
    |t: common::TestDb| async move {
        let s = &t.store;
        let o = Some(t.org);
        let agent: AiAgent = s
            .insert(&sample::<AiAgent>(
                o,
                json!({"status": "IDLE", "createdBy": t.user}),
            ))
            .await
            .expect("agent");
        // Another organization's actor cannot read, update or delete it.
        assert!(matches!(
            s.get::<AiAgent>(Some(t.other_org), agent.id).await,
            Err(StoreError::NotFound { .. })
        ));
        let mut moved = agent.clone();
        moved.organization_id = t.other_org;
        assert!(matches!(
            s.update(&moved).await,
            Err(StoreError::NotFound { .. })
        ));
        assert!(matches!(
            s.delete::<AiAgent>(Some(t.other_org), agent.id).await,
            Err(StoreError::NotFound { .. })
        ));

        s.delete::<AiAgent>(o, agent.id).await.expect("delete");
        assert!(matches!(
            s.get::<AiAgent>(o, agent.id).await,
            Err(StoreError::NotFound { .. })
        ));
        let live: Vec<AiAgent> = s.list(&ListQuery::in_org(t.org)).await.expect("list");
        assert!(live.is_empty());
        let all: Vec<AiAgent> = s
            .list(&ListQuery {
                include_deleted: true,
                ..ListQuery::in_org(t.org)
            })
            .await
            .expect("list");
        assert_eq!(all.len(), 1);
        assert!(all[0].deleted_at.is_some());
        assert!(
            all[0].hlc > agent.hlc,
            "a tombstone carries a newer HLC stamp"
        );
        assert!(
            s.delete::<AiAgent>(o, agent.id).await.is_err(),
            "deleting twice reports not found"
        );
    }
);

contract!(
    list_filters_search_and_pages,
    |t: common::TestDb| async move {
        let s = &t.store;
        let actor = Actor {
            organization_id: t.org,
            user_id: t.user,
        };
        for name in [
            "Lead router",
            "lead scoring",
            "Invoice 100% match",
            "Support triage",
        ] {
            s.workflow_create(actor, name).await.expect("create");
        }
        let names = |v: Vec<neuroflow_store::workflows::WorkflowSummary>| {
            let mut n: Vec<String> = v.into_iter().map(|w| w.name).collect();
            n.sort();
            n
        };
        assert_eq!(
            names(s.workflow_list(actor, Some("LEAD")).await.expect("search")),
            vec!["Lead router", "lead scoring"]
        );
        assert_eq!(
            names(s.workflow_list(actor, Some("100%")).await.expect("search")),
            vec!["Invoice 100% match"]
        );
        assert_eq!(
            names(s.workflow_list(actor, Some("_")).await.expect("search")),
            Vec::<String>::new()
        );
        assert_eq!(s.workflow_list(actor, None).await.expect("all").len(), 4);
        let other = Actor {
            organization_id: t.other_org,
            user_id: t.other_user,
        };
        assert!(s
            .workflow_list(other, None)
            .await
            .expect("other org")
            .is_empty());

        let page: Vec<Workflow> = s
            .list(&ListQuery {
                limit: 3,
                order_by: "name",
                descending: false,
                ..ListQuery::in_org(t.org)
            })
            .await
            .expect("page 1");
        let rest: Vec<Workflow> = s
            .list(&ListQuery {
                limit: 3,
                offset: 3,
                order_by: "name",
                descending: false,
                ..ListQuery::in_org(t.org)
            })
            .await
            .expect("page 2");
        assert_eq!(page.len(), 3);
        assert_eq!(rest.len(), 1);
        assert!(s
            .list::<Workflow>(&ListQuery {
                order_by: "name; DROP TABLE workflows",
                ..ListQuery::in_org(t.org)
            })
            .await
            .is_err());
    }
);

fn node(kind: &str, x: f64) -> GraphNode {
    GraphNode {
        id: new_id(),
        kind: kind.into(),
        label: kind.into(),
        position: Position { x, y: 40.0 },
        config: json!({}),
    }
}

contract!(
    workflow_graph_round_trips_and_saves_only_changes,
    |t: common::TestDb| async move {
        let s = &t.store;
        let actor = Actor {
            organization_id: t.org,
            user_id: t.user,
        };
        let w = s
            .workflow_create(actor, "  Lead router  ")
            .await
            .expect("create");
        assert_eq!(w.name, "Lead router");
        assert_eq!(w.version, 1);

        let a = node("trigger.manual", 80.0);
        let b = node("http.request", 360.0);
        let c = node("output", 640.0);
        let ab = GraphEdge {
            id: new_id(),
            source: a.id,
            source_handle: None,
            target: b.id,
            target_handle: None,
        };
        let bc = GraphEdge {
            id: new_id(),
            source: b.id,
            source_handle: Some("out".into()),
            target: c.id,
            target_handle: Some("in".into()),
        };
        let graph = Graph {
            nodes: vec![a.clone(), b.clone(), c.clone()],
            edges: vec![ab.clone(), bc.clone()],
        };
        let saved = s
            .workflow_save_graph(actor, w.id, &graph)
            .await
            .expect("save");
        assert_eq!(saved.summary.version, 2);
        let reopened = s.workflow_get(actor, w.id).await.expect("get");
        assert_eq!(
            reopened.graph, graph,
            "reopening shows exactly the saved graph"
        );
        assert_eq!(reopened.summary.node_count, 3);

        let stamps = |nodes: &[WorkflowNode]| {
            nodes
                .iter()
                .map(|n| (n.id, n.hlc.clone()))
                .collect::<std::collections::HashMap<_, _>>()
        };
        let q = ListQuery {
            eq: vec![("workflow_id", neuroflow_store_sql_uuid(w.id))],
            ..ListQuery::in_org(t.org)
        };
        let before = stamps(&s.list::<WorkflowNode>(&q).await.expect("nodes"));

        // Move b, delete c with its edge: a is not rewritten.
        let mut moved_b = b.clone();
        moved_b.position.x = 400.0;
        let graph2 = Graph {
            nodes: vec![a.clone(), moved_b.clone()],
            edges: vec![ab.clone()],
        };
        let saved2 = s
            .workflow_save_graph(actor, w.id, &graph2)
            .await
            .expect("save 2");
        assert_eq!(saved2.summary.version, 3);
        assert_eq!(saved2.graph, graph2);
        let after = stamps(&s.list::<WorkflowNode>(&q).await.expect("nodes"));
        assert_eq!(
            after[&a.id], before[&a.id],
            "an unchanged node is not rewritten"
        );
        assert_ne!(after[&b.id], before[&b.id], "a moved node gets a new stamp");
        assert!(!after.contains_key(&c.id));

        // An invalid graph changes nothing.
        let bad = Graph {
            nodes: vec![a.clone(), node("no.such", 0.0)],
            edges: vec![],
        };
        assert!(matches!(
            s.workflow_save_graph(actor, w.id, &bad).await,
            Err(StoreError::Invalid(_))
        ));
        assert_eq!(
            s.workflow_get(actor, w.id).await.expect("get").graph,
            graph2
        );

        // Another organization cannot read or write it.
        let other = Actor {
            organization_id: t.other_org,
            user_id: t.other_user,
        };
        assert!(matches!(
            s.workflow_get(other, w.id).await,
            Err(StoreError::NotFound { .. })
        ));
        assert!(matches!(
            s.workflow_save_graph(other, w.id, &graph).await,
            Err(StoreError::NotFound { .. })
        ));
        assert!(matches!(
            s.workflow_rename(other, w.id, "x").await,
            Err(StoreError::NotFound { .. })
        ));

        // Names are validated.
        assert!(matches!(
            s.workflow_rename(actor, w.id, "   ").await,
            Err(StoreError::Invalid(_))
        ));
        assert_eq!(
            s.workflow_rename(actor, w.id, "Renamed")
                .await
                .expect("rename")
                .name,
            "Renamed"
        );

        // Delete tombstones the workflow with its elements.
        s.workflow_delete(actor, w.id).await.expect("delete");
        assert!(matches!(
            s.workflow_get(actor, w.id).await,
            Err(StoreError::NotFound { .. })
        ));
        assert!(s.list::<WorkflowNode>(&q).await.expect("nodes").is_empty());
        assert!(s.workflow_list(actor, None).await.expect("list").is_empty());
    }
);

contract!(
    saving_changes_writes_only_them_and_answers_with_the_summary,
    |t: common::TestDb| async move {
        use neuroflow_model::AIToolCategory;
        use neuroflow_store::blueprints::BlueprintMeta;
        use neuroflow_store::versions::SaveAs;
        let s = &t.store;
        let actor = Actor {
            organization_id: t.org,
            user_id: t.user,
        };
        let w = s.workflow_create(actor, "Big one").await.expect("create");
        // A chain of 200 nodes, saved whole once.
        let nodes: Vec<GraphNode> = (0..200)
            .map(|i| {
                node(
                    if i == 0 { "trigger.manual" } else { "data.set" },
                    f64::from(i) * 260.0,
                )
            })
            .collect();
        let edges: Vec<GraphEdge> = nodes
            .windows(2)
            .map(|p| GraphEdge {
                id: new_id(),
                source: p[0].id,
                source_handle: None,
                target: p[1].id,
                target_handle: None,
            })
            .collect();
        let graph = Graph {
            nodes: nodes.clone(),
            edges: edges.clone(),
        };
        s.workflow_save_graph(actor, w.id, &graph)
            .await
            .expect("save");
        let q = ListQuery {
            eq: vec![("workflow_id", neuroflow_store_sql_uuid(w.id))],
            ..ListQuery::in_org(t.org)
        };
        let stamps = |rows: Vec<WorkflowNode>| {
            rows.into_iter()
                .map(|n| (n.id, n.hlc))
                .collect::<std::collections::HashMap<_, _>>()
        };
        let before = stamps(s.list::<WorkflowNode>(&q).await.expect("nodes"));

        // Rename one node, remove the last one and its edge, add a node wired after the first.
        let mut renamed = nodes[10].clone();
        renamed.label = "Enrich".into();
        let added = node("output", 0.0);
        let wire = GraphEdge {
            id: new_id(),
            source: nodes[0].id,
            source_handle: None,
            target: added.id,
            target_handle: None,
        };
        let changes = GraphChanges {
            nodes: vec![renamed.clone(), added.clone()],
            edges: vec![wire.clone()],
            removed_nodes: vec![nodes[199].id],
            removed_edges: vec![edges[198].id],
        };
        let summary = s
            .workflow_save_changes(actor, w.id, &changes, &SaveAs::save())
            .await
            .expect("save changes");
        assert_eq!(summary.version, 3);
        assert_eq!(summary.node_count, 200);
        let mut expected = graph.clone();
        changes.apply(&mut expected);
        assert_eq!(
            s.workflow_get(actor, w.id).await.expect("get").graph,
            expected
        );
        let after = stamps(s.list::<WorkflowNode>(&q).await.expect("nodes"));
        let rewritten = after
            .iter()
            .filter(|(id, hlc)| before.get(*id) != Some(*hlc))
            .count();
        assert_eq!(
            rewritten, 2,
            "only the renamed and the added node are written"
        );
        // Each save is a version holding the whole graph.
        let history = s.workflow_versions(actor, w.id).await.expect("versions");
        assert_eq!(
            s.workflow_version_get(actor, history[0].id)
                .await
                .expect("newest")
                .graph,
            expected
        );

        // Changes that leave the graph invalid (an edge to a removed node) are refused whole.
        let dangling = GraphChanges {
            edges: vec![GraphEdge {
                id: new_id(),
                source: nodes[1].id,
                source_handle: None,
                target: nodes[199].id,
                target_handle: None,
            }],
            nodes: vec![node("data.set", 1.0)],
            ..GraphChanges::default()
        };
        assert!(matches!(
            s.workflow_save_changes(actor, w.id, &dangling, &SaveAs::save())
                .await,
            Err(StoreError::Invalid(_))
        ));
        assert_eq!(
            s.workflow_get(actor, w.id).await.expect("get").graph,
            expected
        );
        // Another organization's workflow is not found, whatever the changes.
        let other = Actor {
            organization_id: t.other_org,
            user_id: t.other_user,
        };
        assert!(matches!(
            s.workflow_save_changes(other, w.id, &GraphChanges::default(), &SaveAs::save())
                .await,
            Err(StoreError::NotFound { .. })
        ));

        // Another device on the same database saves a node; this one's next save of changes
        // starts from the graph as stored, not from what it last read (its copy is stale).
        let other_device = Store::new(s.db().clone(), 0xbeef);
        let theirs = node("data.set", 9_000.0);
        other_device
            .workflow_save_changes(
                actor,
                w.id,
                &GraphChanges {
                    nodes: vec![theirs.clone()],
                    ..GraphChanges::default()
                },
                &SaveAs::save(),
            )
            .await
            .expect("their save");
        let mut mine = renamed.clone();
        mine.label = "Enrich twice".into();
        s.workflow_save_changes(
            actor,
            w.id,
            &GraphChanges {
                nodes: vec![mine.clone()],
                ..GraphChanges::default()
            },
            &SaveAs::save(),
        )
        .await
        .expect("my save");
        let newest = s.workflow_versions(actor, w.id).await.expect("versions")[0].id;
        let snapshot = s
            .workflow_version_get(actor, newest)
            .await
            .expect("v")
            .graph;
        assert!(
            snapshot.nodes.contains(&theirs),
            "their node is in my version"
        );
        assert!(snapshot.nodes.contains(&mine));

        // Blueprints: a changed input component changes the signature in the answer.
        let meta = BlueprintMeta {
            name: "Fetch".into(),
            description: String::new(),
            category: AIToolCategory::Api,
            is_public: false,
        };
        let doc = s.blueprint_create(actor, &meta).await.expect("blueprint");
        let mut input = doc.graph.nodes[0].clone();
        input.config = json!({"parameters": [{"name": "url", "type": "string", "required": true}]});
        let b = s
            .blueprint_save_changes(
                actor,
                doc.summary.id,
                &GraphChanges {
                    nodes: vec![input.clone()],
                    ..GraphChanges::default()
                },
                &SaveAs::save(),
            )
            .await
            .expect("blueprint changes");
        assert_eq!(b.version, 2);
        assert_eq!(b.input_schema["required"], json!(["url"]));
        let stored = s.blueprint_get(actor, doc.summary.id).await.expect("get");
        assert_eq!(stored.graph.nodes[0], input);
        assert_eq!(stored.graph.nodes.len(), doc.graph.nodes.len());
    }
);

contract!(
    an_undone_delete_brings_the_saved_rows_back,
    |t: common::TestDb| async move {
        use neuroflow_model::AIToolCategory;
        use neuroflow_store::blueprints::BlueprintMeta;
        use neuroflow_store::versions::SaveAs;
        let s = &t.store;
        let actor = Actor {
            organization_id: t.org,
            user_id: t.user,
        };
        let w = s.workflow_create(actor, "Undo").await.expect("create");
        let a = node("trigger.manual", 0.0);
        let b = node("data.set", 260.0);
        let ab = GraphEdge {
            id: new_id(),
            source: a.id,
            source_handle: None,
            target: b.id,
            target_handle: None,
        };
        let whole = Graph {
            nodes: vec![a.clone(), b.clone()],
            edges: vec![ab.clone()],
        };
        s.workflow_save_graph(actor, w.id, &whole)
            .await
            .expect("save");
        let q = ListQuery {
            eq: vec![("workflow_id", neuroflow_store_sql_uuid(w.id))],
            include_deleted: true,
            ..ListQuery::in_org(t.org)
        };
        let created_b = s
            .list::<WorkflowNode>(&q)
            .await
            .expect("rows")
            .into_iter()
            .find(|n| n.id == b.id)
            .expect("b")
            .created_at;

        // Delete b (and its edge), saved as changes as autosave does; then undo: the same ids
        // come back, and then redo and undo again.
        let delete = GraphChanges {
            removed_nodes: vec![b.id],
            removed_edges: vec![ab.id],
            ..GraphChanges::default()
        };
        let undo = GraphChanges {
            nodes: vec![b.clone()],
            edges: vec![ab.clone()],
            ..GraphChanges::default()
        };
        for round in 0..2 {
            s.workflow_save_changes(
                actor,
                w.id,
                &delete,
                &SaveAs {
                    kind: neuroflow_model::VersionKind::Autosave,
                    label: String::new(),
                },
            )
            .await
            .expect("delete");
            assert_eq!(
                s.workflow_get(actor, w.id).await.expect("get").graph.nodes,
                vec![a.clone()]
            );
            s.workflow_save_changes(
                actor,
                w.id,
                &undo,
                &SaveAs {
                    kind: neuroflow_model::VersionKind::Autosave,
                    label: String::new(),
                },
            )
            .await
            .unwrap_or_else(|e| panic!("undo {round} must save: {e}"));
            assert_eq!(s.workflow_get(actor, w.id).await.expect("get").graph, whole);
        }
        let rows = s.list::<WorkflowNode>(&q).await.expect("rows");
        assert_eq!(rows.len(), 2, "b is one row, brought back, not a copy");
        let revived = rows.iter().find(|n| n.id == b.id).expect("b");
        assert!(revived.deleted_at.is_none());
        assert_eq!(
            revived.created_at, created_b,
            "it keeps its creation time (and so its place in the graph)"
        );

        // A restored version is a whole-graph save: deleted elements come back too, edited ones
        // take the version's values.
        s.workflow_save_changes(actor, w.id, &delete, &SaveAs::save())
            .await
            .expect("delete again");
        let mut edited = b.clone();
        edited.label = "Restored".into();
        let restored = Graph {
            nodes: vec![a.clone(), edited.clone()],
            edges: vec![ab.clone()],
        };
        s.workflow_save_graph(actor, w.id, &restored)
            .await
            .expect("a restore saves");
        assert_eq!(
            s.workflow_get(actor, w.id).await.expect("get").graph,
            restored
        );

        // Another workflow's tombstone is not this workflow's to bring back: its id collides,
        // and nothing of the save is written.
        let w2 = s.workflow_create(actor, "Other").await.expect("create");
        let c = node("trigger.manual", 0.0);
        s.workflow_save_graph(
            actor,
            w2.id,
            &Graph {
                nodes: vec![c.clone()],
                edges: vec![],
            },
        )
        .await
        .expect("save w2");
        s.workflow_save_graph(
            actor,
            w2.id,
            &Graph {
                nodes: vec![],
                edges: vec![],
            },
        )
        .await
        .expect("delete c");
        let before = s.workflow_get(actor, w.id).await.expect("get");
        let stolen = s
            .workflow_save_changes(
                actor,
                w.id,
                &GraphChanges {
                    nodes: vec![c.clone(), node("data.set", 9.0)],
                    ..GraphChanges::default()
                },
                &SaveAs::save(),
            )
            .await;
        assert!(matches!(stolen, Err(StoreError::Conflict(_))), "{stolen:?}");
        let after = s.workflow_get(actor, w.id).await.expect("get");
        assert_eq!(after.graph, before.graph);
        assert_eq!(after.summary.version, before.summary.version);
        // A live id of another workflow collides the same way.
        let live = s
            .workflow_save_changes(
                actor,
                w2.id,
                &GraphChanges {
                    nodes: vec![a.clone()],
                    ..GraphChanges::default()
                },
                &SaveAs::save(),
            )
            .await;
        assert!(matches!(live, Err(StoreError::Conflict(_))), "{live:?}");

        // Blueprint components come back the same way.
        let meta = BlueprintMeta {
            name: "Undo tool".into(),
            description: String::new(),
            category: AIToolCategory::Api,
            is_public: false,
        };
        let doc = s.blueprint_create(actor, &meta).await.expect("blueprint");
        let gone = doc.graph.nodes[doc.graph.nodes.len() - 1].clone();
        let wires: Vec<_> = doc
            .graph
            .edges
            .iter()
            .filter(|e| e.source == gone.id || e.target == gone.id)
            .cloned()
            .collect();
        s.blueprint_save_changes(
            actor,
            doc.summary.id,
            &GraphChanges {
                removed_nodes: vec![gone.id],
                removed_edges: wires.iter().map(|e| e.id).collect(),
                ..GraphChanges::default()
            },
            &SaveAs {
                kind: neuroflow_model::VersionKind::Autosave,
                label: String::new(),
            },
        )
        .await
        .expect("delete component");
        s.blueprint_save_changes(
            actor,
            doc.summary.id,
            &GraphChanges {
                nodes: vec![gone.clone()],
                edges: wires.clone(),
                ..GraphChanges::default()
            },
            &SaveAs {
                kind: neuroflow_model::VersionKind::Autosave,
                label: String::new(),
            },
        )
        .await
        .expect("undo of a component delete saves");
        let back = s.blueprint_get(actor, doc.summary.id).await.expect("get");
        assert_eq!(back.graph.nodes.len(), doc.graph.nodes.len());
        assert!(back.graph.nodes.contains(&gone));
    }
);

contract!(
    workflow_settings_are_kept_on_the_row_and_scoped_to_the_organization,
    |t: common::TestDb| async move {
        use neuroflow_model::settings::WorkflowSettings;
        let s = &t.store;
        let actor = Actor {
            organization_id: t.org,
            user_id: t.user,
        };
        let w = s.workflow_create(actor, "Settings").await.expect("create");
        assert_eq!(
            s.workflow_get(actor, w.id).await.expect("get").settings,
            WorkflowSettings::default(),
            "a new workflow's runs reach no private network"
        );
        let on = WorkflowSettings {
            allow_private_network: true,
            ..WorkflowSettings::default()
        };
        assert_eq!(
            s.workflow_set_settings(actor, w.id, &on)
                .await
                .expect("set"),
            on
        );
        let doc = s.workflow_get(actor, w.id).await.expect("get");
        assert_eq!(doc.settings, on);
        assert_eq!(doc.summary.version, w.version, "a setting is not a version");
        assert_eq!(s.workflow_settings(actor, w.id).await.expect("read"), on);
        let other = Actor {
            organization_id: t.other_org,
            user_id: t.other_user,
        };
        assert!(matches!(
            s.workflow_set_settings(other, w.id, &WorkflowSettings::default())
                .await,
            Err(StoreError::NotFound { .. })
        ));
        assert_eq!(s.workflow_settings(actor, w.id).await.expect("read"), on);
        // The memory for a run's data: 1 MiB to 1 GiB, refused in words outside that.
        let roomy = WorkflowSettings {
            max_run_data_mib: Some(256),
            ..on.clone()
        };
        assert_eq!(
            s.workflow_set_settings(actor, w.id, &roomy)
                .await
                .expect("set"),
            roomy
        );
        let err = s
            .workflow_set_settings(
                actor,
                w.id,
                &WorkflowSettings {
                    max_run_data_mib: Some(0),
                    ..on.clone()
                },
            )
            .await
            .expect_err("refused");
        assert!(
            matches!(&err, StoreError::Invalid(m) if m.contains("between 1 and 1024 MiB")),
            "{err:?}"
        );
        assert_eq!(s.workflow_settings(actor, w.id).await.expect("read"), roomy);
    }
);

contract!(
    an_imported_name_that_exists_gets_imported_and_a_number,
    |t: common::TestDb| async move {
        use neuroflow_model::AIToolCategory;
        use neuroflow_store::blueprints::BlueprintMeta;
        let s = &t.store;
        let actor = Actor {
            organization_id: t.org,
            user_id: t.user,
        };
        let graph = Graph {
            nodes: vec![node("trigger.manual", 0.0)],
            edges: vec![],
        };
        s.workflow_create(actor, "Lead router")
            .await
            .expect("create");
        let names: Vec<String> = {
            let mut v = Vec::new();
            for _ in 0..3 {
                let fresh = Graph {
                    nodes: vec![node("trigger.manual", 0.0)],
                    edges: vec![],
                };
                v.push(
                    s.workflow_import(actor, "lead router", &fresh, &[], &[])
                        .await
                        .expect("import")
                        .summary
                        .name,
                );
            }
            v
        };
        assert_eq!(
            names,
            vec![
                "lead router (imported)",
                "lead router (imported 2)",
                "lead router (imported 3)"
            ]
        );
        // Another organization's names do not count, and a free name is kept.
        let other = Actor {
            organization_id: t.other_org,
            user_id: t.other_user,
        };
        assert_eq!(
            t.other
                .workflow_import(other, "Lead router", &graph, &[], &[])
                .await
                .expect("import elsewhere")
                .summary
                .name,
            "Lead router"
        );
        let meta = BlueprintMeta {
            name: "Fetch".into(),
            description: String::new(),
            category: AIToolCategory::Api,
            is_public: false,
        };
        let first = s.blueprint_create(actor, &meta).await.expect("blueprint");
        // The same graph under fresh ids, as a file's import gives it.
        let mut fresh = first.graph.clone();
        let ids: std::collections::HashMap<Uuid, Uuid> =
            fresh.nodes.iter().map(|n| (n.id, new_id())).collect();
        for n in &mut fresh.nodes {
            n.id = ids[&n.id];
        }
        for e in &mut fresh.edges {
            e.id = new_id();
            e.source = ids[&e.source];
            e.target = ids[&e.target];
        }
        let copy = s
            .blueprint_import(actor, &meta, &fresh, &[])
            .await
            .expect("blueprint import");
        assert_eq!(copy.summary.name, "Fetch (imported)");
    }
);

fn neuroflow_store_sql_uuid(id: Uuid) -> neuroflow_store::SqlValue {
    neuroflow_store::SqlValue::Uuid(Some(id))
}

contract!(
    build_logs_are_append_only_in_the_database,
    |t: common::TestDb| async move {
        let s = &t.store;
        let o = Some(t.org);
        let order: CustomAgentOrder = s.insert(&sample::<CustomAgentOrder>(o, json!({"status": "DRAFT", "priority": "LOW", "complexity": "SIMPLE", "createdBy": t.user}))).await.expect("order");
        let log: BuildLog = s
            .insert(&sample::<BuildLog>(
                o,
                json!({"orderId": order.id, "level": "INFO"}),
            ))
            .await
            .expect("log");
        macro_rules! raw {
            ($pool:expr) => {{
                let upd = sqlx::query("UPDATE build_logs SET message = 'rewritten' WHERE id = $1")
                    .bind(log.id)
                    .execute($pool)
                    .await;
                assert!(upd.is_err(), "raw UPDATE of a build log must fail");
                let del = sqlx::query("DELETE FROM build_logs WHERE id = $1")
                    .bind(log.id)
                    .execute($pool)
                    .await;
                assert!(del.is_err(), "raw DELETE of a build log must fail");
            }};
        }
        match s.db() {
            neuroflow_store::Db::Sqlite(pool) => raw!(pool),
            neuroflow_store::Db::Postgres(pool) => raw!(pool),
        }
    }
);

#[tokio::test]
async fn sqlite_outbox_is_written_with_each_edit_and_not_on_failure_or_for_runs() {
    let t = common::sqlite().await;
    let s = &t.store;
    let actor = Actor {
        organization_id: t.org,
        user_id: t.user,
    };
    assert_eq!(s.outbox_len().await.expect("outbox"), 0);
    let w = s.workflow_create(actor, "Flow").await.expect("create");
    assert_eq!(s.outbox_len().await.expect("outbox"), 1);
    let a = node("trigger.manual", 0.0);
    let b = node("output", 200.0);
    let e = GraphEdge {
        id: new_id(),
        source: a.id,
        source_handle: None,
        target: b.id,
        target_handle: None,
    };
    s.workflow_save_graph(
        actor,
        w.id,
        &Graph {
            nodes: vec![a.clone(), b.clone()],
            edges: vec![e],
        },
    )
    .await
    .expect("save");
    // 2 nodes + 1 edge + the workflow's version bump + the saved version.
    assert_eq!(s.outbox_len().await.expect("outbox"), 6);
    // A graph whose edge id collides with a node id fails as a whole: no element, no outbox row.
    let dup = GraphEdge {
        id: a.id,
        source: a.id,
        source_handle: None,
        target: b.id,
        target_handle: None,
    };
    let c = node("data.set", 400.0);
    assert!(s
        .workflow_save_graph(
            actor,
            w.id,
            &Graph {
                nodes: vec![a, b, c],
                edges: vec![dup]
            }
        )
        .await
        .is_err());
    assert_eq!(s.outbox_len().await.expect("outbox"), 6);
    assert_eq!(
        s.workflow_get(actor, w.id)
            .await
            .expect("get")
            .graph
            .nodes
            .len(),
        2
    );
    // A run stays on this device: storing it puts nothing in the outbox, and it does not
    // touch the workflow row (which would travel).
    let run = s
        .execution_start(actor, w.id, serde_json::json!({}))
        .await
        .expect("start");
    s.execution_finish(
        actor,
        run.id,
        common::outcome(neuroflow_model::ExecutionStatus::Completed, 1, 0, 0.0),
        vec![],
    )
    .await
    .expect("finish");
    assert_eq!(s.outbox_len().await.expect("outbox"), 6);
    t.close().await;
}

#[tokio::test]
async fn a_corrupt_sqlite_file_gives_a_clear_error() {
    let dir = common::temp_dir("corrupt");
    let path = dir.0.join("neuroflow.db");
    std::fs::write(
        &path,
        b"this is not a database, it is a text file that got in the way".repeat(100),
    )
    .expect("write");
    let err = neuroflow_store::Db::open_sqlite(&path)
        .await
        .expect_err("must fail");
    let text = err.to_string();
    assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
    assert!(
        text.contains("damaged") && text.contains("neuroflow.db"),
        "{text}"
    );
}

#[tokio::test]
async fn migrations_are_idempotent_and_keep_data() {
    let dir = common::temp_dir("reopen");
    let path = dir.0.join("neuroflow.db");
    let db = neuroflow_store::Db::open_sqlite(&path).await.expect("open");
    let id = neuroflow_store::local::ensure_local_identity(&db)
        .await
        .expect("identity");
    db.close().await;
    let db = neuroflow_store::Db::open_sqlite(&path)
        .await
        .expect("reopen");
    let again = neuroflow_store::local::ensure_local_identity(&db)
        .await
        .expect("identity");
    assert_eq!(id, again, "the local organization and user are made once");
    db.close().await;
}

contract!(
    executions_are_stored_with_agent_calls_and_counted_by_their_workflow,
    |t: common::TestDb| async move {
        use neuroflow_model::ExecutionStatus;
        use neuroflow_store::executions::ExecutionOutcome;
        let s = &t.store;
        let actor = Actor {
            organization_id: t.org,
            user_id: t.user,
        };
        let w = s.workflow_create(actor, "Runs").await.expect("workflow");
        let agent: AiAgent = s
            .insert(&sample::<AiAgent>(
                Some(t.org),
                json!({"status": "IDLE", "createdBy": t.user}),
            ))
            .await
            .expect("agent");
        let w_row: Workflow = s.get(Some(t.org), w.id).await.expect("workflow");

        let started = s
            .execution_start(actor, w.id, json!({"ticket": 7}))
            .await
            .expect("start");
        assert_eq!(started.status, ExecutionStatus::Running);
        let running = s.execution_list(actor, None, 50, 0).await.expect("list");
        assert_eq!(running.len(), 1);
        assert_eq!(running[0].status, ExecutionStatus::Running);

        let call = sample::<AgentExecution>(
            Some(t.org),
            json!({"agentId": agent.id, "workflowExecutionId": started.id, "status": "COMPLETED", "tokensUsed": 42}),
        );
        let outcome = ExecutionOutcome {
            status: ExecutionStatus::Completed,
            finished_at: chrono::Utc::now(),
            duration_ms: 12,
            tokens_used: 42,
            cost: 0.0021,
            output_data: Some(json!([{"answer": "ok"}])),
            logs: json!([{"nodeId": "n1", "status": "succeeded"}]),
            error: None,
        };
        let done = s
            .execution_finish(actor, started.id, outcome.clone(), vec![call])
            .await
            .expect("finish");
        assert_eq!(done.status, ExecutionStatus::Completed);
        assert_eq!(done.tokens_used, 42);
        let again = s.execution_get(actor, started.id).await.expect("get");
        assert_eq!(again.output_data, Some(json!([{"answer": "ok"}])));
        assert_eq!(again.logs, json!([{"nodeId": "n1", "status": "succeeded"}]));
        assert_eq!(
            s.execution_agent_calls(actor, started.id)
                .await
                .expect("calls")
                .len(),
            1
        );
        // The workflow counts the finished run; the run did not write the workflow row (a run
        // is not an edit, and a count on a synced row would lose another device's runs).
        let doc = s.workflow_get(actor, w.id).await.expect("workflow");
        assert_eq!(doc.summary.runs, 1);
        assert_eq!(doc.summary.last_run_at, again.finished_at);
        assert!(doc.summary.last_run_at.is_some());
        let wf: Workflow = s.get(Some(t.org), w.id).await.expect("workflow");
        assert_eq!(
            (wf.hlc.as_str(), wf.updated_at),
            (w_row.hlc.as_str(), w_row.updated_at)
        );

        // Finishing twice is refused and changes nothing.
        assert!(matches!(
            s.execution_finish(actor, started.id, outcome, vec![]).await,
            Err(StoreError::Conflict(_))
        ));
        assert_eq!(
            s.workflow_get(actor, w.id)
                .await
                .expect("workflow")
                .summary
                .runs,
            1
        );

        // Newest first, filtered by workflow, invisible to another organization.
        let second = s
            .execution_start(actor, w.id, json!({}))
            .await
            .expect("start 2");
        let list = s
            .execution_list(actor, Some(w.id), 50, 0)
            .await
            .expect("list");
        assert_eq!(
            list.iter().map(|e| e.id).collect::<Vec<_>>(),
            vec![second.id, started.id]
        );
        assert_eq!(list[1].workflow_name, "Runs");
        let other = Actor {
            organization_id: t.other_org,
            user_id: t.other_user,
        };
        assert!(s
            .execution_list(other, None, 50, 0)
            .await
            .expect("other")
            .is_empty());
        assert!(matches!(
            s.execution_get(other, started.id).await,
            Err(StoreError::NotFound { .. })
        ));
        assert!(s.execution_start(other, w.id, json!({})).await.is_err());
    }
);

contract!(
    saves_become_versions_with_their_author_and_graph,
    |t: common::TestDb| async move {
        use neuroflow_model::VersionKind;
        use neuroflow_store::versions::SaveAs;
        let s = &t.store;
        let actor = Actor {
            organization_id: t.org,
            user_id: t.user,
        };
        let w = s.workflow_create(actor, "Versioned").await.expect("create");
        assert!(s
            .workflow_versions(actor, w.id)
            .await
            .expect("none yet")
            .is_empty());

        let a = node("trigger.manual", 0.0);
        let one = Graph {
            nodes: vec![a.clone()],
            edges: vec![],
        };
        s.workflow_save_graph(actor, w.id, &one)
            .await
            .expect("save 1");
        let b = node("output", 300.0);
        let two = Graph {
            nodes: vec![a.clone(), b.clone()],
            edges: vec![GraphEdge {
                id: new_id(),
                source: a.id,
                source_handle: None,
                target: b.id,
                target_handle: None,
            }],
        };
        // An autosave right after a version is no new version; an explicit save always is.
        let auto = SaveAs {
            kind: VersionKind::Autosave,
            label: String::new(),
        };
        s.workflow_save_graph_as(actor, w.id, &two, &auto)
            .await
            .expect("autosave");
        assert_eq!(
            s.workflow_versions(actor, w.id).await.expect("list").len(),
            1
        );
        let restored = SaveAs {
            kind: VersionKind::Restore,
            label: "Restored v2".into(),
        };
        let doc = s
            .workflow_save_graph_as(actor, w.id, &one, &restored)
            .await
            .expect("restore");
        assert_eq!(doc.summary.version, 4);

        let history = s.workflow_versions(actor, w.id).await.expect("history");
        assert_eq!(
            history
                .iter()
                .map(|v| (v.version, v.kind))
                .collect::<Vec<_>>(),
            [(4, VersionKind::Restore), (2, VersionKind::Save)],
            "newest first"
        );
        assert_eq!(history[0].label, "Restored v2");
        assert_eq!(history[1].node_count, 1);
        assert!(!history[0].author.is_empty());
        assert_eq!(history[0].author_id, t.user);

        let v2 = s
            .workflow_version_get(actor, history[1].id)
            .await
            .expect("get");
        assert_eq!(v2.graph, one);
        assert_eq!(v2.summary, history[1]);

        // Another organization sees neither the list nor a version.
        let other = Actor {
            organization_id: t.other_org,
            user_id: t.other_user,
        };
        assert!(matches!(
            s.workflow_versions(other, w.id).await,
            Err(StoreError::NotFound { .. })
        ));
        assert!(matches!(
            s.workflow_version_get(other, history[1].id).await,
            Err(StoreError::NotFound { .. })
        ));
        // Versions are never changed.
        let row: WorkflowVersion = s.get(Some(t.org), history[1].id).await.expect("row");
        assert!(s
            .update(&WorkflowVersion {
                label: "rewritten".into(),
                ..row
            })
            .await
            .is_err());
    }
);

contract!(
    blueprints_store_graphs_signatures_and_versions,
    |t: common::TestDb| async move {
        use neuroflow_model::AIToolCategory;
        use neuroflow_store::blueprints::BlueprintMeta;
        use neuroflow_store::versions::SaveAs;
        let s = &t.store;
        let actor = Actor {
            organization_id: t.org,
            user_id: t.user,
        };
        let meta = BlueprintMeta {
            name: "Summarise page".into(),
            description: "Fetches a page and summarises it".into(),
            category: AIToolCategory::Api,
            is_public: false,
        };
        let doc = s.blueprint_create(actor, &meta).await.expect("create");
        // A new blueprint runs as it is: an input with a `text` parameter, wired to an output.
        assert_eq!(doc.graph.nodes.len(), 2);
        assert_eq!(doc.graph.edges.len(), 1);
        assert_eq!(
            doc.summary.input_schema["properties"]["text"]["type"],
            "string"
        );
        assert_eq!(doc.summary.input_schema["required"], json!(["text"]));
        assert_eq!(
            s.blueprint_versions(actor, doc.summary.id)
                .await
                .expect("versions")
                .len(),
            1
        );

        // Declaring another parameter changes the tool's signature on save.
        let mut graph = doc.graph.clone();
        graph.nodes[0].config = json!({"parameters": [
            {"name": "url", "type": "string", "description": "Page to read", "required": true},
            {"name": "words", "type": "integer", "required": false}
        ]});
        let saved = s
            .blueprint_save_graph_as(actor, doc.summary.id, &graph, &SaveAs::save())
            .await
            .expect("save");
        assert_eq!(saved.summary.version, 2);
        assert_eq!(saved.summary.input_schema["required"], json!(["url"]));
        assert_eq!(
            saved.summary.input_schema["properties"]["words"]["type"],
            "integer"
        );
        let history = s
            .blueprint_versions(actor, doc.summary.id)
            .await
            .expect("history");
        assert_eq!(history.len(), 2);
        let first = s
            .blueprint_version_get(actor, history[1].id)
            .await
            .expect("v1");
        assert_eq!(first.graph, doc.graph);

        // A workflow-only kind is refused in a blueprint; nothing changes.
        let mut bad = graph.clone();
        bad.nodes[0].kind = "trigger.schedule".into();
        assert!(matches!(
            s.blueprint_save_graph_as(actor, doc.summary.id, &bad, &SaveAs::save())
                .await,
            Err(StoreError::Invalid(_))
        ));
        assert_eq!(
            s.blueprint_get(actor, doc.summary.id)
                .await
                .expect("get")
                .graph,
            graph
        );

        // Listing by category and name; sharing and renaming.
        let other_cat = s
            .blueprint_create(
                actor,
                &BlueprintMeta {
                    name: "Post to CRM".into(),
                    description: String::new(),
                    category: AIToolCategory::Integration,
                    is_public: false,
                },
            )
            .await
            .expect("second");
        let api = s
            .blueprint_list(actor, None, Some(AIToolCategory::Api))
            .await
            .expect("list");
        assert_eq!(
            api.iter().map(|b| b.id).collect::<Vec<_>>(),
            [doc.summary.id]
        );
        assert_eq!(
            s.blueprint_list(actor, Some("crm"), None)
                .await
                .expect("search")[0]
                .id,
            other_cat.summary.id
        );
        let shared = s
            .blueprint_update_meta(
                actor,
                doc.summary.id,
                &BlueprintMeta {
                    is_public: true,
                    name: "Summarise a page".into(),
                    ..meta.clone()
                },
            )
            .await
            .expect("meta");
        assert!(shared.is_public);
        assert_eq!(shared.name, "Summarise a page");
        assert_eq!(shared.node_count, 2);

        // Another organization sees nothing of it; a delete takes its components along.
        let other = Actor {
            organization_id: t.other_org,
            user_id: t.other_user,
        };
        assert!(matches!(
            s.blueprint_get(other, doc.summary.id).await,
            Err(StoreError::NotFound { .. })
        ));
        assert!(s
            .blueprint_list(other, None, None)
            .await
            .expect("other list")
            .is_empty());
        s.blueprint_delete(actor, doc.summary.id)
            .await
            .expect("delete");
        assert!(matches!(
            s.blueprint_get(actor, doc.summary.id).await,
            Err(StoreError::NotFound { .. })
        ));
        let components: Vec<BlueprintComponent> = s
            .list(&ListQuery {
                eq: vec![("blueprint_id", neuroflow_store_sql_uuid(doc.summary.id))],
                ..ListQuery::in_org(t.org)
            })
            .await
            .expect("components");
        assert!(components.is_empty());
    }
);

contract!(
    an_import_creates_the_blueprints_it_carries_in_the_same_transaction,
    |t: common::TestDb| async move {
        use neuroflow_model::{AIToolCategory, VersionKind};
        use neuroflow_store::blueprints::{BlueprintMeta, NewBlueprint};
        let s = &t.store;
        let actor = Actor {
            organization_id: t.org,
            user_id: t.user,
        };
        let other = Actor {
            organization_id: t.other_org,
            user_id: t.other_user,
        };
        let meta = |name: &str| BlueprintMeta {
            name: name.into(),
            description: format!("{name}, carried"),
            category: AIToolCategory::Api,
            is_public: false,
        };
        let wired = |first: GraphNode, rest: Vec<GraphNode>| {
            let mut nodes = vec![first];
            nodes.extend(rest);
            let edges = nodes
                .windows(2)
                .map(|p| GraphEdge {
                    id: new_id(),
                    source: p[0].id,
                    source_handle: None,
                    target: p[1].id,
                    target_handle: None,
                })
                .collect();
            Graph { nodes, edges }
        };
        let call = |id: Uuid| GraphNode {
            config: json!({"blueprintId": id.to_string()}),
            ..node("blueprint.call", 200.0)
        };
        // A blueprint (input → [call] → output) under an id chosen before it exists.
        let carried = |name: &str, calls: Option<Uuid>| NewBlueprint {
            id: new_id(),
            meta: meta(name),
            graph: wired(
                node("blueprint.input", 0.0),
                calls
                    .map(call)
                    .into_iter()
                    .chain([node("output", 400.0)])
                    .collect(),
            ),
        };
        let inner = carried("Inner", None);
        let outer = carried("Outer", Some(inner.id));
        let workflow = wired(node("trigger.manual", 0.0), vec![call(outer.id)]);

        let doc = s
            .workflow_import(
                actor,
                "Imported",
                &workflow,
                &[outer.clone(), inner.clone()],
                &[],
            )
            .await
            .expect("import");
        assert_eq!(doc.graph, workflow);
        for b in [&outer, &inner] {
            let got = s.blueprint_get(actor, b.id).await.expect("created");
            assert_eq!(got.graph, b.graph);
            assert_eq!(
                (got.summary.name.as_str(), got.summary.category),
                (b.meta.name.as_str(), AIToolCategory::Api)
            );
            assert_eq!(got.summary.description, b.meta.description);
            let history = s.blueprint_versions(actor, b.id).await.expect("history");
            assert_eq!(history.len(), 1);
            assert_eq!(history[0].kind, VersionKind::Import);
        }
        // A blueprint import carries its callees the same way.
        let leaf = carried("Leaf", None);
        let top_graph = wired(
            node("blueprint.input", 0.0),
            vec![call(leaf.id), node("output", 400.0)],
        );
        let top = s
            .blueprint_import(actor, &meta("Top"), &top_graph, std::slice::from_ref(&leaf))
            .await
            .expect("blueprint import");
        assert_eq!(top.graph, top_graph);
        assert_eq!(
            s.blueprint_get(actor, leaf.id).await.expect("leaf").graph,
            leaf.graph
        );

        let workflows = s.workflow_list(actor, None).await.expect("list").len();
        let blueprints = s
            .blueprint_list(actor, None, None)
            .await
            .expect("list")
            .len();
        assert_eq!((workflows, blueprints), (1, 4));
        // All or nothing at the database: a carried blueprint whose id another organization's
        // blueprint has fails the whole import, and the blueprint written before it is gone too.
        let theirs = t
            .other
            .blueprint_create(other, &meta("Theirs"))
            .await
            .expect("theirs");
        for (i, attempt) in ["workflow", "blueprint"].into_iter().enumerate() {
            let fine = carried("Fine", None);
            let taken = NewBlueprint {
                id: theirs.summary.id,
                ..carried("Taken", None)
            };
            let both = [fine.clone(), taken];
            let result = if i == 0 {
                s.workflow_import(actor, "Fails", &workflow, &both, &[])
                    .await
                    .map(|_| ())
            } else {
                s.blueprint_import(actor, &meta("Fails"), &top_graph, &both)
                    .await
                    .map(|_| ())
            };
            assert!(
                matches!(&result, Err(StoreError::Conflict(_))),
                "{attempt}: {result:?}"
            );
            assert!(matches!(
                s.blueprint_get(actor, fine.id).await,
                Err(StoreError::NotFound { .. })
            ));
        }
        // An invalid carried blueprint is refused before anything is written, naming it.
        let mut broken = carried("Broken", None);
        broken.graph.nodes[0].kind = "trigger.schedule".into();
        let e = s
            .workflow_import(
                actor,
                "Fails",
                &workflow,
                &[carried("Fine", None), broken],
                &[],
            )
            .await
            .expect_err("invalid");
        assert!(
            matches!(&e, StoreError::Invalid(m) if m.contains("'Broken'")),
            "{e:?}"
        );
        assert_eq!(
            s.workflow_list(actor, None).await.expect("list").len(),
            workflows
        );
        assert_eq!(
            s.blueprint_list(actor, None, None)
                .await
                .expect("list")
                .len(),
            blueprints
        );
        let theirs_now = t
            .other
            .blueprint_get(other, theirs.summary.id)
            .await
            .expect("theirs is untouched");
        assert_eq!(theirs_now.summary.name, "Theirs");
        assert_eq!(theirs_now.graph, theirs.graph);

        // The agents an import adds are written in its transaction: there when it lands, not
        // at all when it fails; a row for another organization is refused.
        let agent = |org: Uuid, name: &str| {
            sample::<AiAgent>(
                Some(org),
                json!({"name": name, "status": "IDLE", "createdBy": t.user, "successRate": 0.0}),
            )
        };
        // Each import its own graph (the store keeps the ids it is given).
        let lone = || wired(node("trigger.manual", 0.0), vec![]);
        let kept = agent(t.org, "Carried agent");
        s.workflow_import(
            actor,
            "With an agent",
            &lone(),
            &[],
            std::slice::from_ref(&kept),
        )
        .await
        .expect("with an agent");
        let got: AiAgent = s.get(Some(t.org), kept.id).await.expect("agent added");
        assert_eq!(got.name, "Carried agent");
        let lost = agent(t.org, "Lost agent");
        let taken = NewBlueprint {
            id: theirs.summary.id,
            ..carried("Taken", None)
        };
        let e = s
            .workflow_import(
                actor,
                "Fails",
                &workflow,
                &[taken],
                std::slice::from_ref(&lost),
            )
            .await
            .expect_err("conflict");
        assert!(matches!(e, StoreError::Conflict(_)), "{e:?}");
        assert!(matches!(
            s.get::<AiAgent>(Some(t.org), lost.id).await,
            Err(StoreError::NotFound { .. })
        ));
        let foreign = agent(t.other_org, "Foreign");
        let e = s
            .workflow_import(
                actor,
                "Fails",
                &workflow,
                &[],
                std::slice::from_ref(&foreign),
            )
            .await
            .expect_err("another organization's agent");
        assert!(matches!(e, StoreError::Invalid(_)), "{e:?}");
        assert!(matches!(
            s.get::<AiAgent>(Some(t.other_org), foreign.id).await,
            Err(StoreError::NotFound { .. })
        ));
    }
);

#[tokio::test]
async fn sqlite_drafts_keep_the_latest_unsaved_changes_until_cleared() {
    use neuroflow_model::graph::GraphSurface;
    use neuroflow_store::versions::SaveAs;
    let t = common::sqlite().await;
    let s = &t.store;
    let actor = Actor {
        organization_id: t.org,
        user_id: t.user,
    };
    let w = s.workflow_create(actor, "Drafted").await.expect("create");
    let trigger = node("trigger.manual", 0.0);
    s.workflow_save_graph(
        actor,
        w.id,
        &Graph {
            nodes: vec![trigger.clone()],
            edges: vec![],
        },
    )
    .await
    .expect("save");
    assert_eq!(s.draft_get(t.org, w.id).await.expect("none"), None);

    let output = node("output", 300.0);
    let one = GraphChanges {
        nodes: vec![output.clone()],
        ..GraphChanges::default()
    };
    let mut renamed = trigger.clone();
    renamed.label = "Start".into();
    let two = GraphChanges {
        nodes: vec![renamed.clone(), output.clone()],
        ..GraphChanges::default()
    };
    s.draft_put(w.id, GraphSurface::Workflow, 2, &one)
        .await
        .expect("put");
    s.draft_put(w.id, GraphSurface::Workflow, 2, &two)
        .await
        .expect("replace");
    let d = s.draft_get(t.org, w.id).await.expect("get").expect("kept");
    assert_eq!(d.base_version, 2);
    assert_eq!(d.graph.nodes, vec![renamed.clone(), output.clone()]);

    // A node saved meanwhile (another window, a sync) is kept: the draft is changes, not a graph.
    let elsewhere = node("data.set", 600.0);
    s.workflow_save_changes(
        actor,
        w.id,
        &GraphChanges {
            nodes: vec![elsewhere.clone()],
            ..GraphChanges::default()
        },
        &SaveAs::save(),
    )
    .await
    .expect("save elsewhere");
    let d = s.draft_get(t.org, w.id).await.expect("get").expect("kept");
    assert_eq!(d.graph.nodes, vec![renamed, elsewhere, output]);

    s.draft_clear(w.id).await.expect("clear");
    assert_eq!(s.draft_get(t.org, w.id).await.expect("gone"), None);
    // The team database keeps no drafts: they belong to this device.
    let pg = common::postgres().await;
    assert!(matches!(
        pg.store
            .draft_put(w.id, GraphSurface::Blueprint, 1, &one)
            .await,
        Err(StoreError::Unavailable(_))
    ));
    pg.close().await;
    t.close().await;
}

#[tokio::test]
async fn sqlite_drafts_of_the_first_format_are_still_read() {
    let t = common::sqlite().await;
    let s = &t.store;
    let owner = new_id();
    let graph = Graph {
        nodes: vec![node("trigger.manual", 0.0)],
        edges: vec![],
    };
    let neuroflow_store::Db::Sqlite(pool) = s.db() else {
        panic!("sqlite")
    };
    sqlx::query(
        "INSERT INTO local_drafts (owner_id, surface, base_version, graph, updated_at) VALUES ($1, 'workflow', 3, $2, $3)",
    )
    .bind(owner)
    .bind(serde_json::to_string(&graph).expect("json"))
    .bind(chrono::Utc::now())
    .execute(pool)
    .await
    .expect("old draft");
    let d = s.draft_get(t.org, owner).await.expect("get").expect("kept");
    assert_eq!((d.base_version, d.graph), (3, graph));
    t.close().await;
}

contract!(
    server_kept_counters_are_never_written_by_the_store,
    |t: common::TestDb| async move {
        let s = &t.store;
        let o = Some(t.org);
        // Whatever a caller puts in the counters, an insert stores their defaults…
        let wt: WorkflowTemplate = s
            .insert(&sample::<WorkflowTemplate>(o, json!({"category": "SALES", "difficulty": "BEGINNER", "createdBy": t.user, "usageCount": 7, "ratingAvg": 4.5, "ratingCount": 3, "isFeatured": true})))
            .await
            .expect("template");
        assert_eq!(
            (
                wt.usage_count,
                wt.rating_avg,
                wt.rating_count,
                wt.is_featured
            ),
            (0, 0.0, 0, false)
        );
        let show: ProjectShowcase = s
            .insert(&sample::<ProjectShowcase>(
                o,
                json!({"category": "AI_AGENT", "createdBy": t.user, "views": 99, "likes": 12}),
            ))
            .await
            .expect("showcase");
        assert_eq!((show.views, show.likes), (0, 0));
        // …and an update leaves them as the server has them, while the other fields change.
        let mut edited = wt.clone();
        edited.name = "renamed".into();
        edited.usage_count = 1000;
        edited.is_featured = true;
        let updated = s.update(&edited).await.expect("update");
        assert_eq!(updated.name, "renamed");
        assert_eq!((updated.usage_count, updated.is_featured), (0, false));
        let again: WorkflowTemplate = s.get(o, wt.id).await.expect("get");
        assert_eq!(
            (again.name.as_str(), again.usage_count, again.is_featured),
            ("renamed", 0, false)
        );
        let mut edited = show.clone();
        edited.likes = 5;
        edited.title = "retitled".into();
        let updated = s.update(&edited).await.expect("update showcase");
        assert_eq!((updated.title.as_str(), updated.likes), ("retitled", 0));
    }
);

contract!(
    agents_are_created_edited_duplicated_and_deleted_within_their_organization,
    |t: common::TestDb| async move {
        use neuroflow_model::agent::{new_agent, ConversationMemory, Provider};
        use neuroflow_store::blueprints::BlueprintMeta;
        let s = &t.store;
        let actor = Actor {
            organization_id: t.org,
            user_id: t.user,
        };
        let other = Actor {
            organization_id: t.other_org,
            user_id: t.other_user,
        };
        let tool = s
            .blueprint_create(
                actor,
                &BlueprintMeta {
                    name: "Lookup".into(),
                    description: String::new(),
                    category: neuroflow_model::AIToolCategory::Api,
                    is_public: false,
                },
            )
            .await
            .expect("blueprint");

        let mut spec = new_agent(" Triage ");
        spec.personality.instructions = "Sort the inbox.".into();
        spec.model.provider = Provider::Anthropic;
        spec.model.model = "claude-x".into();
        spec.tools.blueprint_ids = vec![tool.summary.id];
        spec.memory.conversation = ConversationMemory::Summary;
        let created = s.agent_create(actor, &spec).await.expect("create");
        assert_eq!(created.spec.name, "Triage");
        assert_eq!(created.summary.tool_count, 1);
        assert_eq!(created.summary.status, neuroflow_model::AgentStatus::Idle);
        let id = created.summary.id;
        assert_eq!(
            s.agent_get(actor, id).await.expect("get").spec,
            created.spec
        );

        // Edits keep the figures; bad input and foreign tools are refused with nothing written.
        let mut edit = created.spec.clone();
        edit.model.temperature = 0.2;
        let updated = s.agent_update(actor, id, &edit).await.expect("update");
        assert_eq!(updated.spec.model.temperature, 0.2);
        edit.model.temperature = 9.0;
        let bad = s
            .agent_update(actor, id, &edit)
            .await
            .expect_err("out of range");
        assert!(matches!(bad, StoreError::Invalid(_)), "{bad}");
        let mut foreign = updated.spec.clone();
        foreign.tools.blueprint_ids = vec![new_id()];
        let bad = s
            .agent_update(actor, id, &foreign)
            .await
            .expect_err("unknown tool");
        assert!(
            bad.to_string()
                .contains("not one of this organization's blueprints"),
            "{bad}"
        );
        assert_eq!(
            s.agent_get(actor, id)
                .await
                .expect("get")
                .spec
                .model
                .temperature,
            0.2
        );

        let copy = s.agent_duplicate(actor, id).await.expect("duplicate");
        assert_eq!(copy.spec.name, "Triage (copy)");
        assert_eq!(copy.spec.personality, updated.spec.personality);
        let again = s.agent_duplicate(actor, id).await.expect("duplicate again");
        assert_eq!(again.spec.name, "Triage (copy 2)");

        let mut names: Vec<String> = s
            .agent_list(actor, Some("copy"))
            .await
            .expect("list")
            .into_iter()
            .map(|a| a.name)
            .collect();
        names.sort();
        assert_eq!(
            names,
            vec!["Triage (copy 2)".to_string(), "Triage (copy)".to_string()]
        );
        // Another organization sees none of them and cannot touch them.
        assert!(t
            .other
            .agent_list(other, None)
            .await
            .expect("other list")
            .is_empty());
        assert!(t.other.agent_get(other, id).await.is_err());
        s.agent_delete(actor, id).await.expect("delete");
        assert_eq!(s.agent_list(actor, None).await.expect("list").len(), 2);
    }
);
