//! The Dashboard's figures through the store, on each backend: today's runs, the rate, the rankings and the orders.

mod common;

use neuroflow_model::order::OrderForm;
use neuroflow_model::{ComplexityLevel, ExecutionStatus, OrderPriority, OrderStatus};
use neuroflow_store::workflows::Actor;

contract!(
    the_dashboard_counts_todays_runs_and_the_open_orders,
    |t: common::TestDb| async move {
        let s = &t.store;
        let actor = Actor {
            organization_id: t.org,
            user_id: t.user,
        };
        let w = s
            .workflow_create(actor, "Nightly report")
            .await
            .expect("workflow");
        for (status, tokens) in [
            (ExecutionStatus::Completed, 40),
            (ExecutionStatus::Failed, 2),
        ] {
            let run = s
                .execution_start(actor, w.id, serde_json::json!({}))
                .await
                .expect("start");
            s.execution_finish(
                actor,
                run.id,
                common::outcome(status, 250, tokens, 0.01),
                vec![],
            )
            .await
            .expect("finish");
        }
        let due = s
            .order_create(
                actor,
                &OrderForm {
                    title: "Due soon".into(),
                    description: String::new(),
                    requirements: String::new(),
                    priority: OrderPriority::Normal,
                    complexity: ComplexityLevel::Simple,
                    due_date: Some(chrono::Utc::now() + chrono::Duration::days(2)),
                },
            )
            .await
            .expect("order");

        let d = s.dashboard(actor, 7).await.expect("dashboard");
        assert_eq!(d.days.len(), 7);
        let today = d.days.last().expect("today");
        assert_eq!((today.succeeded, today.failed, today.tokens), (1, 1, 42));
        assert_eq!((d.runs, d.success_rate), (2, Some(0.5)));
        assert_eq!(d.most_failing[0].name, "Nightly report");
        assert_eq!(d.slowest[0].average_ms, 250.0);
        assert_eq!(d.orders_by_status.len(), 1);
        assert_eq!(
            (d.orders_by_status[0].status, d.orders_by_status[0].count),
            (OrderStatus::Draft, 1)
        );
        assert_eq!(d.orders_due.first().map(|o| o.id), Some(due.summary.id));
        // Another organization sees none of it.
        let other = Actor {
            organization_id: t.other_org,
            user_id: t.other_user,
        };
        let theirs = t.other.dashboard(other, 7).await.expect("dashboard");
        assert_eq!((theirs.runs, theirs.orders_due.len()), (0, 0));
        t.close().await;
    }
);
