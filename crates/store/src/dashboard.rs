//! The Dashboard's figures: runs per day with their failures, tokens and cost, the success rate, the slowest and most-failing workflows, and the orders by status and due this week — counted from the runs and orders this person may see.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use neuroflow_model::entities::Workflow;
use neuroflow_model::{DbEnum, ExecutionStatus, OrderStatus};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::db::on_db;
use crate::orders::OrderSummary;
use crate::repo::{ListQuery, Store};
use crate::workflows::Actor;
use crate::StoreError;

/// The longest period the Dashboard looks back over, in days.
pub const MAX_DAYS: u32 = 90;
/// How many workflows each ranking lists.
const RANKED: usize = 5;

/// One day of runs (UTC), zero when nothing ran.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DayFigures {
    /// `YYYY-MM-DD`.
    pub day: String,
    pub succeeded: u32,
    pub failed: u32,
    pub tokens: i64,
    pub cost: f64,
}

/// A workflow's runs over the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct WorkflowFigures {
    pub workflow_id: Uuid,
    pub name: String,
    pub runs: u32,
    pub failed: u32,
    /// Mean duration of its finished runs.
    pub average_ms: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct StatusCount {
    pub status: OrderStatus,
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Dashboard {
    /// Every day of the period, oldest first.
    pub days: Vec<DayFigures>,
    /// Finished runs (succeeded and failed; cancelled ones are not counted).
    pub runs: u32,
    /// Succeeded over finished, 0–1; `None` when nothing finished.
    pub success_rate: Option<f64>,
    pub tokens: i64,
    pub cost: f64,
    pub slowest: Vec<WorkflowFigures>,
    pub most_failing: Vec<WorkflowFigures>,
    pub orders_by_status: Vec<StatusCount>,
    /// Open orders wanted within the next 7 days (or overdue), soonest first.
    pub orders_due: Vec<OrderSummary>,
}

/// The run fields the figures need (not its input, output or logs).
type RunRow = (Uuid, String, DateTime<Utc>, Option<i32>, i32, f64);

impl Store {
    /// The figures of the last `days` days (1–90), ending today (UTC).
    pub async fn dashboard(&self, actor: Actor, days: u32) -> Result<Dashboard, StoreError> {
        let days = days.clamp(1, MAX_DAYS);
        let today = Utc::now().date_naive();
        let first = today - Duration::days(i64::from(days) - 1);
        let since = first
            .and_hms_opt(0, 0, 0)
            .map(|t| t.and_utc())
            .ok_or_else(|| StoreError::Invalid("the period's start is not a time".into()))?;
        let sql = "SELECT workflow_id, status, started_at, duration_ms, tokens_used, cost FROM workflow_executions \
                   WHERE organization_id = $1 AND deleted_at IS NULL AND started_at >= $2";
        let rows: Vec<RunRow> = on_db!(self.db(), pool => {
            sqlx::query_as(sql).bind(actor.organization_id).bind(since).fetch_all(pool).await?
        });
        // Names only: the list's summaries would also count nodes and runs, two grouped reads.
        let names: HashMap<Uuid, String> = self
            .list::<Workflow>(&ListQuery {
                limit: 100_000,
                ..ListQuery::in_org(actor.organization_id)
            })
            .await?
            .into_iter()
            .map(|w| (w.id, w.name))
            .collect();
        let orders = self.order_list(actor).await?;
        Ok(figures(rows, &names, orders, first, days, Utc::now()))
    }
}

fn figures(
    rows: Vec<RunRow>,
    names: &HashMap<Uuid, String>,
    orders: Vec<OrderSummary>,
    first: NaiveDate,
    days: u32,
    now: DateTime<Utc>,
) -> Dashboard {
    let mut by_day: Vec<DayFigures> = (0..days)
        .map(|i| DayFigures {
            day: (first + Duration::days(i64::from(i))).to_string(),
            succeeded: 0,
            failed: 0,
            tokens: 0,
            cost: 0.0,
        })
        .collect();
    // Per workflow: runs, failures, summed and counted durations.
    let mut per_workflow: HashMap<Uuid, (u32, u32, f64, u32)> = HashMap::new();
    for (workflow, status, started, duration, tokens, cost) in rows {
        let status = ExecutionStatus::parse(&status).ok();
        let index = (started.date_naive() - first).num_days();
        let Some(day) = usize::try_from(index).ok().and_then(|i| by_day.get_mut(i)) else {
            continue;
        };
        day.tokens += i64::from(tokens);
        day.cost += cost;
        let entry = per_workflow.entry(workflow).or_default();
        match status {
            Some(ExecutionStatus::Completed) => day.succeeded += 1,
            Some(ExecutionStatus::Failed) => {
                day.failed += 1;
                entry.1 += 1;
            }
            _ => continue,
        }
        entry.0 += 1;
        if let Some(ms) = duration {
            entry.2 += f64::from(ms);
            entry.3 += 1;
        }
    }
    let runs: u32 = by_day.iter().map(|d| d.succeeded + d.failed).sum();
    let succeeded: u32 = by_day.iter().map(|d| d.succeeded).sum();
    let ranked: Vec<WorkflowFigures> = per_workflow
        .into_iter()
        .filter(|(_, (runs, ..))| *runs > 0)
        .map(|(id, (runs, failed, total_ms, timed))| WorkflowFigures {
            workflow_id: id,
            // A run of a workflow deleted since still counts; it is named as such.
            name: names
                .get(&id)
                .cloned()
                .unwrap_or_else(|| "(deleted workflow)".into()),
            runs,
            failed,
            average_ms: if timed == 0 {
                0.0
            } else {
                total_ms / f64::from(timed)
            },
        })
        .collect();
    let mut slowest = ranked.clone();
    slowest.sort_by(|a, b| {
        b.average_ms
            .total_cmp(&a.average_ms)
            .then(a.name.cmp(&b.name))
    });
    slowest.truncate(RANKED);
    let mut most_failing: Vec<WorkflowFigures> =
        ranked.into_iter().filter(|w| w.failed > 0).collect();
    most_failing.sort_by(|a, b| b.failed.cmp(&a.failed).then(a.name.cmp(&b.name)));
    most_failing.truncate(RANKED);

    let mut counts: HashMap<OrderStatus, u32> = HashMap::new();
    for o in &orders {
        *counts.entry(o.status).or_default() += 1;
    }
    let orders_by_status = OrderStatus::ALL
        .iter()
        .filter_map(|s| {
            counts.get(s).map(|c| StatusCount {
                status: *s,
                count: *c,
            })
        })
        .collect();
    let week = now + Duration::days(7);
    let mut orders_due: Vec<OrderSummary> = orders
        .into_iter()
        .filter(|o| {
            !matches!(
                o.status,
                OrderStatus::Delivered | OrderStatus::Cancelled | OrderStatus::Rejected
            ) && o.due_date.is_some_and(|d| d <= week)
        })
        .collect();
    orders_due.sort_by_key(|o| o.due_date);
    Dashboard {
        tokens: by_day.iter().map(|d| d.tokens).sum(),
        cost: by_day.iter().map(|d| d.cost).sum(),
        days: by_day,
        runs,
        success_rate: (runs > 0).then(|| f64::from(succeeded) / f64::from(runs)),
        slowest,
        most_failing,
        orders_by_status,
        orders_due,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(day: &str, hour: u32) -> DateTime<Utc> {
        NaiveDate::parse_from_str(day, "%Y-%m-%d")
            .expect("day")
            .and_hms_opt(hour, 0, 0)
            .expect("time")
            .and_utc()
    }

    #[test]
    fn runs_fall_on_their_day_and_rank_their_workflows() {
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let names = HashMap::from([(a, "Alpha".to_string()), (b, "Beta".to_string())]);
        let first = NaiveDate::from_ymd_opt(2026, 12, 1).expect("day");
        let rows = vec![
            (
                a,
                "COMPLETED".to_string(),
                at("2026-12-01", 9),
                Some(100),
                10,
                0.5,
            ),
            (
                a,
                "FAILED".to_string(),
                at("2026-12-01", 10),
                Some(300),
                0,
                0.0,
            ),
            (
                b,
                "COMPLETED".to_string(),
                at("2026-12-03", 23),
                Some(2_000),
                5,
                0.25,
            ),
            (b, "RUNNING".to_string(), at("2026-12-03", 23), None, 0, 0.0),
            // Before the period: not counted.
            (
                b,
                "FAILED".to_string(),
                at("2026-11-30", 23),
                Some(1),
                0,
                0.0,
            ),
        ];
        let d = figures(rows, &names, Vec::new(), first, 3, at("2026-12-03", 23));
        let per_day: Vec<(u32, u32)> = d.days.iter().map(|x| (x.succeeded, x.failed)).collect();
        assert_eq!(per_day, [(1, 1), (0, 0), (1, 0)]);
        assert_eq!(d.days[2].day, "2026-12-03");
        assert_eq!((d.runs, d.tokens), (3, 15));
        assert_eq!(d.cost, 0.75);
        assert_eq!(d.success_rate, Some(2.0 / 3.0));
        assert_eq!(d.slowest[0].name, "Beta");
        assert_eq!(d.slowest[1].average_ms, 200.0);
        assert_eq!(d.most_failing.len(), 1);
        assert_eq!(
            (d.most_failing[0].name.as_str(), d.most_failing[0].failed),
            ("Alpha", 1)
        );
    }

    #[test]
    fn nothing_ran_is_no_rate_not_zero() {
        let first = NaiveDate::from_ymd_opt(2026, 12, 1).expect("day");
        let d = figures(
            Vec::new(),
            &HashMap::new(),
            Vec::new(),
            first,
            7,
            at("2026-12-07", 1),
        );
        assert_eq!(d.days.len(), 7);
        assert_eq!(d.success_rate, None);
    }
}
