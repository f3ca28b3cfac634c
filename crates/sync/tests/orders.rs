//! Orders through the team database, as commands: a client's order made offline reaches the studio, the studio's moves and the builder's milestones come back to everyone, a command sent twice is applied once, and a move that another person's earlier move made impossible is refused there, undone here and kept with the server's reason.

mod common;

use common::{team, Device};
use neuroflow_model::order::OrderForm;
use neuroflow_model::{ComplexityLevel, LogLevel, OrderPriority, OrderStatus, OrgRole};
use neuroflow_store::orders::{OrderDoc, LIFECYCLE_STAGE};
use neuroflow_store::Db;
use neuroflow_sync::commands;
use uuid::Uuid;

fn form(title: &str) -> OrderForm {
    OrderForm {
        title: title.into(),
        description: "Sorts support tickets by urgency".into(),
        requirements: "Zendesk".into(),
        priority: OrderPriority::High,
        complexity: ComplexityLevel::Moderate,
        due_date: None,
    }
}

/// A studio: Ada (owner), Cleo (a client, member) and Bo (a builder, member), each on a device.
async fn studio() -> (common::Team, Device, Device, Device) {
    let t = team().await;
    let ada = t.person("ada@example.com", "studio", OrgRole::Owner).await;
    let cleo = t
        .person("cleo@example.com", "studio", OrgRole::Member)
        .await;
    let bo = t.person("bo@example.com", "studio", OrgRole::Member).await;
    let (a, c, b) = (
        Device::new(&ada, "ada").await,
        Device::new(&cleo, "cleo").await,
        Device::new(&bo, "bo").await,
    );
    // Everyone's copy knows everyone.
    for d in [&a, &c, &b] {
        d.sync().await;
    }
    (t, a, c, b)
}

async fn get(d: &Device, id: Uuid) -> OrderDoc {
    d.store
        .order_get(d.actor(), id)
        .await
        .unwrap_or_else(|e| panic!("order on {}: {e}", d.team.user_id))
}

async fn waiting(d: &Device) -> u32 {
    neuroflow_sync::local::waiting(&d.store)
        .await
        .expect("waiting")
}

async fn server_count(t: &common::Team, sql: &str, id: Uuid) -> i64 {
    sqlx::query_scalar(sql)
        .bind(id)
        .fetch_one(&t.su)
        .await
        .expect("count")
}

/// An order the client on `c` places and submits (on their device only).
async fn submitted_order(c: &Device, title: &str) -> Uuid {
    let id = c
        .store
        .order_create(c.actor(), &form(title))
        .await
        .expect("create")
        .summary
        .id;
    c.store
        .order_move(c.actor(), id, OrderStatus::Submitted, None, None)
        .await
        .expect("submit");
    id
}

/// A client's order, placed and submitted offline, then approved and assigned by the studio.
async fn approved_order(a: &Device, c: &Device, b: &Device) -> Uuid {
    let id = submitted_order(c, "Triage bot").await;
    c.sync().await;
    a.sync().await;
    for to in [OrderStatus::InReview, OrderStatus::Approved] {
        a.store
            .order_move(a.actor(), id, to, None, None)
            .await
            .expect("review");
    }
    a.store
        .order_assign(a.actor(), id, Some(b.team.user_id))
        .await
        .expect("assign");
    a.sync().await;
    b.sync().await;
    c.sync().await;
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_made_offline_reaches_the_studio_and_every_move_comes_back_to_everyone() {
    let (t, a, c, b) = studio().await;
    // Cleo places and submits her order with the team database out of reach: both wait.
    let id = submitted_order(&c, "Triage bot").await;
    assert_eq!(waiting(&c).await, 2);
    let sent = c.sync().await.commands;
    assert_eq!((sent.applied, sent.refused), (2, 0));
    assert_eq!(waiting(&c).await, 0);

    // The studio's owner sees it as Cleo left it, with the record of her move.
    a.sync().await;
    let seen = get(&a, id).await;
    assert_eq!(seen.summary.status, OrderStatus::Submitted);
    assert_eq!(seen.form.title, "Triage bot");
    assert!(seen.summary.submitted_at.is_some());
    assert_eq!(
        seen.log
            .iter()
            .filter(|l| l.stage == LIFECYCLE_STAGE)
            .map(|l| l.message.as_str())
            .collect::<Vec<_>>(),
        ["Draft → Submitted"]
    );
    // Bo builds nothing yet: another member's order is not his to see.
    b.sync().await;
    assert!(b.store.order_get(b.actor(), id).await.is_err());

    // Ada reviews, approves, assigns Bo and plans two milestones.
    for to in [OrderStatus::InReview, OrderStatus::Approved] {
        a.store
            .order_move(a.actor(), id, to, None, None)
            .await
            .expect("move");
    }
    a.store
        .order_assign(a.actor(), id, Some(b.team.user_id))
        .await
        .expect("assign");
    let planned = a
        .store
        .order_milestone_add(a.actor(), id, "Classifier", None)
        .await
        .expect("milestone");
    a.store
        .order_milestone_add(a.actor(), id, "Zendesk hook", None)
        .await
        .expect("milestone");
    assert_eq!(a.sync().await.commands.applied, 5);

    // Cleo sees the studio's answer; Bo now sees the order he builds.
    c.sync().await;
    let at_client = get(&c, id).await;
    assert_eq!(at_client.summary.status, OrderStatus::Approved);
    assert_eq!(
        at_client.builder.map(|p| p.email).as_deref(),
        Some("bo@example.com")
    );
    assert_eq!(at_client.milestones.len(), 2);
    b.sync().await;
    let first = planned.milestones[0].id;
    b.store
        .order_move(b.actor(), id, OrderStatus::InProgress, None, None)
        .await
        .expect("start");
    b.store
        .order_milestone_set_done(b.actor(), id, first, true)
        .await
        .expect("tick");
    b.store
        .order_log(b.actor(), id, LogLevel::Info, "build", "Classifier trained")
        .await
        .expect("log");
    assert_eq!(b.sync().await.commands.applied, 3);

    for d in [&a, &c] {
        d.sync().await;
        let o = get(d, id).await;
        assert_eq!(o.summary.status, OrderStatus::InProgress);
        assert_eq!(o.summary.progress, 50);
        assert!(o.milestones[0].completed_at.is_some());
        assert!(o.log.iter().any(|l| l.message == "Classifier trained"));
    }
    // Every device and the team database hold the same log, line for line.
    let lines = server_count(
        &t,
        "SELECT count(*) FROM build_logs WHERE order_id = $1",
        id,
    )
    .await;
    for d in [&a, &b, &c] {
        assert_eq!(get(d, id).await.log.len() as i64, lines);
    }
    assert_eq!(
        lines, 6,
        "submit, review, approve, assign, start, the build line"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_sent_again_after_the_server_committed_is_applied_once() {
    let (t, _a, mut c, _b) = studio().await;
    let id = submitted_order(&c, "Retried").await;
    let before_push = c.snapshot("before-push").await;
    assert_eq!(c.sync().await.commands.applied, 2);
    // The acknowledgement was lost: the device restarts with its queue as it was.
    c.reopen_from(&before_push).await;
    let again = c.sync().await.commands;
    assert_eq!((again.applied, again.duplicates, again.refused), (0, 2, 0));
    assert_eq!(
        server_count(
            &t,
            "SELECT count(*) FROM custom_agent_orders WHERE id = $1",
            id
        )
        .await,
        1
    );
    assert_eq!(
        server_count(
            &t,
            "SELECT count(*) FROM build_logs WHERE order_id = $1",
            id
        )
        .await,
        1,
        "the submit is recorded once"
    );
    assert_eq!(get(&c, id).await.summary.status, OrderStatus::Submitted);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_move_made_impossible_by_an_earlier_one_is_refused_undone_here_and_kept_with_the_reason()
{
    let (t, a, c, b) = studio().await;
    let id = approved_order(&a, &c, &b).await;
    // Offline, Bo starts the build, writes a line and sends it to testing...
    b.store
        .order_move(b.actor(), id, OrderStatus::InProgress, None, None)
        .await
        .expect("start");
    b.store
        .order_log(b.actor(), id, LogLevel::Info, "build", "Prompt drafted")
        .await
        .expect("log");
    b.store
        .order_move(b.actor(), id, OrderStatus::Testing, None, None)
        .await
        .expect("test");
    assert_eq!(get(&b, id).await.summary.status, OrderStatus::Testing);
    // ...while Ada, online, cancels the order first.
    a.store
        .order_move(
            a.actor(),
            id,
            OrderStatus::Cancelled,
            Some("The client withdrew"),
            None,
        )
        .await
        .expect("cancel");
    a.sync().await;

    let report = b.sync().await.commands;
    assert_eq!(
        (report.applied, report.refused),
        (1, 2),
        "the line goes in; both moves are refused"
    );
    // Bo's copy is the team database's again: cancelled, with Ada's reason, without his moves.
    let o = get(&b, id).await;
    assert_eq!(o.summary.status, OrderStatus::Cancelled);
    assert!(o.summary.started_at.is_none());
    let lifecycle: Vec<&str> = o
        .log
        .iter()
        .filter(|l| l.stage == LIFECYCLE_STAGE)
        .map(|l| l.message.as_str())
        .collect();
    assert_eq!(
        lifecycle,
        [
            "Draft → Submitted",
            "Submitted → In review",
            "In review → Approved",
            "Approved → Cancelled: The client withdrew"
        ]
    );
    assert!(o.log.iter().any(|l| l.message == "Prompt drafted"));
    assert_eq!(waiting(&b).await, 0);
    // He is told what was refused and why, in the team database's words.
    let refused = commands::refusals(&b.store).await.expect("refusals");
    assert_eq!(refused.len(), 2);
    assert!(refused.iter().all(|r| r.order_title == "Triage bot"));
    let reasons: Vec<&str> = refused.iter().map(|r| r.reason.as_str()).collect();
    assert!(
        reasons.contains(&"an order that is cancelled cannot become in progress"),
        "{reasons:?}"
    );
    assert!(refused
        .iter()
        .any(|r| r.what == "Move the order to Testing"));
    // The team database has none of the refused moves.
    assert_eq!(
        server_count(
            &t,
            "SELECT count(*) FROM build_logs WHERE order_id = $1 AND stage = 'lifecycle'",
            id
        )
        .await,
        4
    );
    commands::dismiss_refusal(&b.store, refused[0].id)
        .await
        .expect("dismiss");
    assert_eq!(
        commands::refusals(&b.store).await.expect("refusals").len(),
        1
    );
    // A later pull changes nothing: every copy agrees.
    for d in [&a, &b, &c] {
        d.sync().await;
        assert_eq!(get(d, id).await.log.len(), o.log.len());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pull_keeps_an_order_whose_commands_still_wait_here() {
    let (_t, a, c, b) = studio().await;
    let id = approved_order(&a, &c, &b).await;
    // Bo starts the build; before his push, Ada adds a milestone the pull brings.
    b.store
        .order_move(b.actor(), id, OrderStatus::InProgress, None, None)
        .await
        .expect("start");
    a.store
        .order_milestone_add(a.actor(), id, "Classifier", None)
        .await
        .expect("milestone");
    a.sync().await;
    let Db::Sqlite(_) = b.store.db() else {
        panic!("sqlite")
    };
    neuroflow_sync::pull(&b.store, &b.team)
        .await
        .expect("pull alone");
    // His own move is still on his copy (its command waits); the push and the next pull bring
    // both people's work.
    assert_eq!(get(&b, id).await.summary.status, OrderStatus::InProgress);
    b.sync().await;
    b.sync().await;
    let o = get(&b, id).await;
    assert_eq!(o.summary.status, OrderStatus::InProgress);
    assert_eq!(o.milestones.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_builder_taken_off_an_order_no_longer_holds_it() {
    let (_t, a, c, b) = studio().await;
    let id = approved_order(&a, &c, &b).await;
    assert!(b.store.order_get(b.actor(), id).await.is_ok());
    a.store
        .order_assign(a.actor(), id, None)
        .await
        .expect("unassign");
    a.sync().await;
    b.sync().await;
    assert!(
        b.store.order_get(b.actor(), id).await.is_err(),
        "the order left the builder's copy"
    );
    assert!(b
        .store
        .order_list(b.actor())
        .await
        .expect("list")
        .is_empty());
    // The client, who made it, still has it.
    c.sync().await;
    assert!(get(&c, id).await.builder.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_builder_given_an_order_later_gets_what_was_written_on_it_before() {
    let (t, a, c, b) = studio().await;
    let id = submitted_order(&c, "Planned first").await;
    c.sync().await;
    a.sync().await;
    a.store
        .order_move(a.actor(), id, OrderStatus::InReview, None, None)
        .await
        .expect("review");
    a.store
        .order_milestone_add(a.actor(), id, "Scope", None)
        .await
        .expect("milestone");
    a.sync().await;
    // Bo's cursor passes all of that while he cannot see the order.
    b.sync().await;
    assert!(b.store.order_get(b.actor(), id).await.is_err());
    a.store
        .order_assign(a.actor(), id, Some(b.team.user_id))
        .await
        .expect("assign");
    a.sync().await;
    b.sync().await;
    let o = get(&b, id).await;
    assert_eq!(
        o.milestones.len(),
        1,
        "the milestone written before he was assigned"
    );
    let lines = server_count(
        &t,
        "SELECT count(*) FROM build_logs WHERE order_id = $1",
        id,
    )
    .await;
    assert_eq!(o.log.len() as i64, lines, "every line written before, too");

    // A member made an admin sees every order of the studio, however old.
    let other = submitted_order(&c, "Someone else's").await;
    c.sync().await;
    b.sync().await;
    assert!(b.store.order_get(b.actor(), other).await.is_err());
    let members = neuroflow_sync::members::list(&a.team)
        .await
        .expect("members");
    let bo = members
        .iter()
        .find(|m| m.user_id == b.team.user_id)
        .expect("bo");
    neuroflow_sync::members::set_role(&a.team, bo.id, "ADMIN")
        .await
        .expect("promote");
    b.sync().await;
    let seen = get(&b, other).await;
    assert_eq!(seen.log.len(), 1, "the order and its history");
}
