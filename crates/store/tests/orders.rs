//! Custom agent orders through the store: the form and its estimate, every lifecycle move with its
//! time stamps and log line, milestones and progress, the build log, and what a client may see.

mod common;

use neuroflow_model::order::{OrderForm, TRANSITIONS};
use neuroflow_model::{new_id, ComplexityLevel, LogLevel, OrderPriority, OrderStatus};
use neuroflow_store::orders::{OrderRole, LIFECYCLE_STAGE};
use neuroflow_store::workflows::Actor;
use neuroflow_store::StoreError;
use uuid::Uuid;

/// The test organization's owner: its staff.
fn staff_of(t: &common::TestDb) -> Actor {
    Actor {
        organization_id: t.org,
        user_id: t.user,
    }
}

fn form(title: &str) -> OrderForm {
    OrderForm {
        title: title.into(),
        description: "Answers support tickets in our tone".into(),
        requirements: "Zendesk, English and German".into(),
        priority: OrderPriority::High,
        complexity: ComplexityLevel::Moderate,
        due_date: None,
    }
}

contract!(
    an_order_goes_from_draft_to_delivered_with_every_move_logged,
    |t: common::TestDb| async move {
        let s = &t.store;
        let staff = staff_of(&t);
        let draft = s
            .order_create(staff, &form("Support bot"))
            .await
            .expect("create");
        assert_eq!(draft.summary.status, OrderStatus::Draft);
        // 16 h at 95 × 1.25 an hour.
        assert_eq!(draft.summary.estimated_hours, 16.0);
        assert_eq!(draft.summary.estimated_cost, 1900.0);
        assert_eq!(draft.role, OrderRole::Staff);
        assert!(draft.can_edit);

        // A draft's form changes, and its estimate with it.
        let changed = s
            .order_update(
                staff,
                draft.summary.id,
                &OrderForm {
                    priority: OrderPriority::Normal,
                    ..form("Support bot v2")
                },
            )
            .await
            .expect("update");
        assert_eq!(changed.summary.title, "Support bot v2");
        assert_eq!(changed.summary.estimated_cost, 1520.0);

        // A move the table does not have is refused and changes nothing.
        let id = draft.summary.id;
        assert!(matches!(
            s.order_move(staff, id, OrderStatus::Delivered, None, None)
                .await,
            Err(StoreError::Conflict(_))
        ));
        // Rejecting or cancelling needs a reason.
        assert!(matches!(
            s.order_move(staff, id, OrderStatus::Cancelled, Some("  "), None)
                .await,
            Err(StoreError::Invalid(_))
        ));

        let path = [
            OrderStatus::Submitted,
            OrderStatus::InReview,
            OrderStatus::Approved,
            OrderStatus::InProgress,
            OrderStatus::Testing,
            OrderStatus::Completed,
        ];
        for to in path {
            let doc = s.order_move(staff, id, to, None, None).await.expect("move");
            assert_eq!(doc.summary.status, to);
        }
        // Only a draft's form changes.
        assert!(matches!(
            s.order_update(staff, id, &form("Too late")).await,
            Err(StoreError::Conflict(_))
        ));
        let delivered = s
            .order_move(
                staff,
                id,
                OrderStatus::Delivered,
                Some("Shipped"),
                Some(1234.567),
            )
            .await
            .expect("deliver");
        let o = &delivered.summary;
        assert_eq!(o.final_cost, Some(1234.57));
        for stamp in [
            o.submitted_at,
            o.approved_at,
            o.started_at,
            o.completed_at,
            o.delivered_at,
        ] {
            assert!(stamp.is_some());
        }
        assert!(delivered.moves.is_empty(), "delivered is the end");
        let moves: Vec<&str> = delivered
            .log
            .iter()
            .filter(|l| l.stage == LIFECYCLE_STAGE)
            .map(|l| l.message.as_str())
            .collect();
        assert_eq!(
            moves,
            [
                "Draft → Submitted",
                "Submitted → In review",
                "In review → Approved",
                "Approved → In progress",
                "In progress → Testing",
                "Testing → Completed",
                "Completed → Delivered: Shipped",
            ]
        );

        // The other organization does not see it at all.
        let other = Actor {
            organization_id: t.other_org,
            user_id: t.other_user,
        };
        assert!(t.other.order_list(other).await.expect("list").is_empty());
        assert!(matches!(
            t.other.order_get(other, id).await,
            Err(StoreError::NotFound { .. } | StoreError::Forbidden(_))
        ));
        t.close().await;
    }
);

contract!(
    milestones_give_progress_and_the_build_log_only_grows,
    |t: common::TestDb| async move {
        let s = &t.store;
        let staff = staff_of(&t);
        let id = s
            .order_create(staff, &form("Lead scorer"))
            .await
            .expect("create")
            .summary
            .id;
        for title in ["Design", "Build", "Test"] {
            s.order_milestone_add(staff, id, title, None)
                .await
                .expect("milestone");
        }
        let doc = s.order_get(staff, id).await.expect("get");
        let titles: Vec<&str> = doc.milestones.iter().map(|m| m.title.as_str()).collect();
        assert_eq!(titles, ["Design", "Build", "Test"]);
        assert_eq!(doc.summary.progress, 0);
        let first = doc.milestones[0].id;
        let doc = s
            .order_milestone_set_done(staff, id, first, true)
            .await
            .expect("done");
        assert_eq!(doc.summary.progress, 33);
        assert!(doc.milestones[0].completed_at.is_some());
        let doc = s
            .order_milestone_set_done(staff, id, first, false)
            .await
            .expect("undone");
        assert_eq!(doc.summary.progress, 0);
        assert!(s.order_milestone_add(staff, id, " ", None).await.is_err());

        let doc = s
            .order_log(staff, id, LogLevel::Warn, "tests", "Two tests flaky")
            .await
            .expect("log");
        let line = doc.log.last().expect("a line");
        assert_eq!((line.level, line.stage.as_str()), (LogLevel::Warn, "tests"));
        // The lifecycle stage is the moves' own; empty and oversized lines are refused.
        assert!(s
            .order_log(staff, id, LogLevel::Info, LIFECYCLE_STAGE, "fake move")
            .await
            .is_err());
        assert!(s
            .order_log(staff, id, LogLevel::Info, "", "   ")
            .await
            .is_err());
        assert!(s
            .order_log(staff, id, LogLevel::Info, "", &"x".repeat(4_001))
            .await
            .is_err());
        assert_eq!(s.order_get(staff, id).await.expect("get").log.len(), 1);
        t.close().await;
    }
);

/// Adds a person to the test organization with `role` (a client or builder is a MEMBER), on SQLite.
async fn person(t: &common::TestDb, email: &str, role: &str) -> Actor {
    let neuroflow_store::Db::Sqlite(pool) = t.store.db() else {
        panic!("members are added on SQLite here");
    };
    let user = new_id();
    let now = chrono::Utc::now();
    sqlx::query("INSERT INTO users (id, email, created_at, updated_at) VALUES ($1, $2, $3, $3)")
        .bind(user)
        .bind(email)
        .bind(now)
        .execute(pool)
        .await
        .expect("user");
    sqlx::query("INSERT INTO organization_members (id, organization_id, user_id, role, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)")
        .bind(new_id())
        .bind(t.org)
        .bind(user)
        .bind(role)
        .bind(now)
        .execute(pool)
        .await
        .expect("member");
    Actor {
        organization_id: t.org,
        user_id: user,
    }
}

async fn assign(t: &common::TestDb, order: Uuid, builder: Actor) {
    let neuroflow_store::Db::Sqlite(pool) = t.store.db() else {
        panic!("assigned on SQLite here");
    };
    sqlx::query("UPDATE custom_agent_orders SET assigned_to = $1 WHERE id = $2")
        .bind(builder.user_id)
        .bind(order)
        .execute(pool)
        .await
        .expect("assign");
}

#[tokio::test]
async fn clients_see_only_their_orders_and_each_person_makes_only_their_moves() {
    let t = common::sqlite().await;
    let s = &t.store;
    let staff = staff_of(&t);
    let ada = person(&t, "ada@client.example", "MEMBER").await;
    let bob = person(&t, "bob@client.example", "MEMBER").await;
    let cy = person(&t, "cy@builder.example", "MEMBER").await;
    let vi = person(&t, "vi@studio.example", "VIEWER").await;

    let ada_order = s.order_create(ada, &form("Ada's bot")).await.expect("ada");
    let bob_order = s.order_create(bob, &form("Bob's bot")).await.expect("bob");
    assert_eq!(ada_order.role, OrderRole::Client);
    let id = ada_order.summary.id;

    // A client sees their own orders only; staff see all.
    let titles = |list: Vec<neuroflow_store::orders::OrderSummary>| {
        list.into_iter().map(|o| o.title).collect::<Vec<_>>()
    };
    assert_eq!(
        titles(s.order_list(ada).await.expect("list")),
        ["Ada's bot"]
    );
    assert_eq!(
        titles(s.order_list(bob).await.expect("list")),
        ["Bob's bot"]
    );
    assert_eq!(s.order_list(staff).await.expect("list").len(), 2);
    // The studio's viewer reads every order and acts on none; a viewer places no order.
    assert_eq!(s.order_list(vi).await.expect("list").len(), 2);
    let seen = s.order_get(vi, id).await.expect("viewer reads");
    assert_eq!(
        (seen.role, seen.moves.len(), seen.can_build),
        (OrderRole::Onlooker, 0, false)
    );
    assert!(matches!(
        s.order_create(vi, &form("Viewer's")).await,
        Err(StoreError::Forbidden(_))
    ));
    // A builder not on the order does not see it, until staff assign them (a viewer cannot be,
    // and only staff assign).
    assert!(s.order_list(cy).await.expect("list").is_empty());
    let builders: Vec<String> = s
        .order_builders(staff)
        .await
        .expect("builders")
        .into_iter()
        .map(|p| p.email)
        .collect();
    assert!(builders.contains(&"cy@builder.example".to_string()));
    assert!(!builders.contains(&"vi@studio.example".to_string()));
    assert!(matches!(
        s.order_builders(ada).await,
        Err(StoreError::Forbidden(_))
    ));
    assert!(matches!(
        s.order_assign(ada, id, Some(ada.user_id)).await,
        Err(StoreError::Forbidden(_))
    ));
    assert!(matches!(
        s.order_assign(staff, id, Some(vi.user_id)).await,
        Err(StoreError::Invalid(_))
    ));
    let assigned = s
        .order_assign(staff, id, Some(cy.user_id))
        .await
        .expect("assign");
    assert_eq!(
        assigned.builder.map(|b| b.email).as_deref(),
        Some("cy@builder.example")
    );
    assert_eq!(
        assigned.log.last().map(|l| l.message.as_str()),
        Some("Assigned to cy@builder.example")
    );
    assert_eq!(
        s.order_get(cy, id).await.expect("builder reads").role,
        OrderRole::Builder
    );
    s.order_assign(staff, id, None).await.expect("unassign");
    assert!(s.order_list(cy).await.expect("list").is_empty());
    assert!(matches!(
        s.order_get(bob, id).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(s.order_update(bob, id, &form("Mine now")).await.is_err());
    assert!(s
        .order_move(bob, id, OrderStatus::Cancelled, Some("no"), None)
        .await
        .is_err());
    assert!(s
        .order_log(ada, id, LogLevel::Info, "", "client logs")
        .await
        .is_err());
    assert!(s
        .order_milestone_add(ada, id, "client milestone", None)
        .await
        .is_err());

    // Every move of the table, by each person: allowed exactly when the table says so.
    for (from, to, actors) in TRANSITIONS {
        for (who, kind) in [
            (ada, neuroflow_model::order::OrderActor::Client),
            (staff, neuroflow_model::order::OrderActor::Staff),
            (cy, neuroflow_model::order::OrderActor::Builder),
        ] {
            let order = s
                .order_create(ada, &form("Walk"))
                .await
                .expect("order")
                .summary
                .id;
            assign(&t, order, cy).await;
            // Bring it to `from` along the happy path as staff.
            let happy = [
                OrderStatus::Draft,
                OrderStatus::Submitted,
                OrderStatus::InReview,
                OrderStatus::Approved,
                OrderStatus::InProgress,
                OrderStatus::Testing,
                OrderStatus::Completed,
            ];
            let upto = happy
                .iter()
                .position(|x| x == from)
                .expect("on the happy path");
            for step in &happy[1..=upto] {
                s.order_move(staff, order, *step, None, None)
                    .await
                    .expect("walk");
            }
            let before = s.order_get(staff, order).await.expect("get").summary.status;
            let moved = s.order_move(who, order, *to, Some("because"), None).await;
            assert_eq!(
                moved.is_ok(),
                actors.contains(&kind),
                "{from} → {to} by {kind:?}: {:?}",
                moved.err()
            );
            let after = s.order_get(staff, order).await.expect("get").summary.status;
            if moved.is_err() {
                assert_eq!(after, before, "a refused move changes nothing");
            }
        }
    }
    // Bob's order was never touched by any of it.
    assert_eq!(
        s.order_get(bob, bob_order.summary.id)
            .await
            .expect("bob")
            .summary
            .status,
        OrderStatus::Draft
    );
    t.close().await;
}
