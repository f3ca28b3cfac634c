//! The custom agent order lifecycle: which status moves are allowed and who may make them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::validate::{self, ValidationError};
use crate::{ComplexityLevel, OrderPriority, OrderStatus, OrgRole};

/// Who is acting on an order, relative to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderActor {
    /// The member who created the order (the client).
    Client,
    /// An OWNER or ADMIN of the organization (reviewers and builders' leads).
    Staff,
    /// The builder the order is assigned to.
    Builder,
}

impl OrderActor {
    /// The actor a member is for one order.
    pub fn of(role: OrgRole, is_creator: bool, is_assignee: bool) -> Option<Self> {
        match role {
            OrgRole::Owner | OrgRole::Admin => Some(Self::Staff),
            OrgRole::Member if is_assignee => Some(Self::Builder),
            OrgRole::Member if is_creator => Some(Self::Client),
            _ => None,
        }
    }
}

/// Every allowed move with the actors allowed to make it. The Postgres trigger
/// `private.check_order_transition` holds the same table; a test keeps them equal.
pub const TRANSITIONS: &[(OrderStatus, OrderStatus, &[OrderActor])] = {
    use OrderActor::*;
    use OrderStatus::*;
    &[
        (Draft, Submitted, &[Client, Staff]),
        (Draft, Cancelled, &[Client, Staff]),
        (Submitted, InReview, &[Staff]),
        (Submitted, Cancelled, &[Client, Staff]),
        (InReview, Approved, &[Staff]),
        (InReview, Rejected, &[Staff]),
        (InReview, Cancelled, &[Client, Staff]),
        (Approved, InProgress, &[Staff, Builder]),
        (Approved, Cancelled, &[Client, Staff]),
        (InProgress, Testing, &[Staff, Builder]),
        (InProgress, Cancelled, &[Staff]),
        (Testing, InProgress, &[Staff, Builder]),
        (Testing, Completed, &[Staff, Builder]),
        (Completed, Delivered, &[Staff]),
    ]
};

/// Why a status move was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("an order cannot move from {from} to {to}")]
    NotAllowed { from: OrderStatus, to: OrderStatus },
    #[error("only {allowed} may move an order from {from} to {to}")]
    WrongActor {
        from: OrderStatus,
        to: OrderStatus,
        allowed: String,
    },
}

pub fn check_transition(
    from: OrderStatus,
    to: OrderStatus,
    actor: OrderActor,
) -> Result<(), TransitionError> {
    let (_, _, actors) = TRANSITIONS
        .iter()
        .find(|(f, t, _)| *f == from && *t == to)
        .ok_or(TransitionError::NotAllowed { from, to })?;
    if actors.contains(&actor) {
        Ok(())
    } else {
        let allowed = actors
            .iter()
            .map(|a| format!("{a:?}").to_lowercase())
            .collect::<Vec<_>>()
            .join(" or ");
        Err(TransitionError::WrongActor { from, to, allowed })
    }
}

/// What a client fills in to order an agent: kept as a DRAFT until submitted, editable only then.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct OrderForm {
    pub title: String,
    /// What the agent must do.
    pub description: String,
    /// Anything else the builder must know: data, systems, constraints.
    pub requirements: String,
    pub priority: OrderPriority,
    pub complexity: ComplexityLevel,
    pub due_date: Option<DateTime<Utc>>,
}

/// The longest description or requirements text an order keeps.
pub const MAX_ORDER_TEXT_CHARS: usize = 20_000;

impl OrderForm {
    /// The form as stored: title trimmed and named, texts within their limit.
    pub fn validated(&self) -> Result<Self, ValidationError> {
        let title = validate::name("order title", &self.title)?;
        for (field, text) in [
            ("description", &self.description),
            ("requirements", &self.requirements),
        ] {
            let chars = text.chars().count();
            if chars > MAX_ORDER_TEXT_CHARS {
                return Err(ValidationError::new(
                    field,
                    format!("the {field} is {chars} characters long; the limit is {MAX_ORDER_TEXT_CHARS}"),
                ));
            }
        }
        Ok(OrderForm {
            title,
            description: self.description.trim().to_string(),
            requirements: self.requirements.trim().to_string(),
            ..self.clone()
        })
    }
}

/// What a studio charges: its hourly rate and how much each priority adds. The defaults are a
/// small studio's: 95 USD an hour, low priority 10 % off, high 25 % and urgent 50 % on top.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct StudioRates {
    pub hourly_rate: f64,
    pub low_factor: f64,
    pub high_factor: f64,
    pub urgent_factor: f64,
}

impl Default for StudioRates {
    fn default() -> Self {
        StudioRates {
            hourly_rate: 95.0,
            low_factor: 0.9,
            high_factor: 1.25,
            urgent_factor: 1.5,
        }
    }
}

/// The price of an order before it is built: the hour range its complexity means, and the cost
/// of that range at the studio's rate for its priority. `hours` and `cost` (the middle of the
/// range) are what the order stores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct OrderEstimate {
    pub hours_min: f64,
    pub hours_max: f64,
    pub hours: f64,
    pub cost_min: f64,
    pub cost_max: f64,
    pub cost: f64,
    pub currency: String,
}

/// The hours each complexity stands for: SIMPLE 1–8, MODERATE 8–24, COMPLEX 24–72, and
/// ENTERPRISE from 72 (counted up to 160, a month of one builder, for the estimate).
pub fn complexity_hours(complexity: ComplexityLevel) -> (f64, f64) {
    match complexity {
        ComplexityLevel::Simple => (1.0, 8.0),
        ComplexityLevel::Moderate => (8.0, 24.0),
        ComplexityLevel::Complex => (24.0, 72.0),
        ComplexityLevel::Enterprise => (72.0, 160.0),
    }
}

pub fn estimate(
    complexity: ComplexityLevel,
    priority: OrderPriority,
    rates: &StudioRates,
) -> OrderEstimate {
    let (hours_min, hours_max) = complexity_hours(complexity);
    let factor = match priority {
        OrderPriority::Low => rates.low_factor,
        OrderPriority::Normal => 1.0,
        OrderPriority::High => rates.high_factor,
        OrderPriority::Urgent => rates.urgent_factor,
    };
    let rate = rates.hourly_rate * factor;
    // Whole cents: what an invoice would say.
    let money = |hours: f64| (hours * rate * 100.0).round() / 100.0;
    let hours = (hours_min + hours_max) / 2.0;
    OrderEstimate {
        hours_min,
        hours_max,
        hours,
        cost_min: money(hours_min),
        cost_max: money(hours_max),
        cost: money(hours),
        currency: "USD".into(),
    }
}

/// Where a status move leaves its time stamp on the order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Milestone {
    Submitted,
    Approved,
    Started,
    Completed,
    Delivered,
}

/// The time stamp a move to `to` sets (the first time the order gets there).
pub fn stamp_of(to: OrderStatus) -> Option<Milestone> {
    match to {
        OrderStatus::Submitted => Some(Milestone::Submitted),
        OrderStatus::Approved => Some(Milestone::Approved),
        OrderStatus::InProgress => Some(Milestone::Started),
        OrderStatus::Completed => Some(Milestone::Completed),
        OrderStatus::Delivered => Some(Milestone::Delivered),
        _ => None,
    }
}

/// The moves `actor` may make from `from`, in the table's order.
pub fn moves_for(from: OrderStatus, actor: Option<OrderActor>) -> Vec<OrderStatus> {
    let Some(actor) = actor else {
        return Vec::new();
    };
    TRANSITIONS
        .iter()
        .filter(|(f, _, actors)| *f == from && actors.contains(&actor))
        .map(|(_, to, _)| *to)
        .collect()
}

/// An order's progress from its milestones: the share completed, in whole percent.
pub fn progress(completed: usize, total: usize) -> i32 {
    if total == 0 {
        return 0;
    }
    i32::try_from(completed.min(total) * 100 / total).unwrap_or(100)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::enums::DbEnum;

    #[test]
    fn estimates_follow_complexity_rate_and_priority() {
        let rates = StudioRates::default();
        let e = estimate(ComplexityLevel::Moderate, OrderPriority::Normal, &rates);
        assert_eq!((e.hours_min, e.hours_max, e.hours), (8.0, 24.0, 16.0));
        assert_eq!((e.cost_min, e.cost, e.cost_max), (760.0, 1520.0, 2280.0));
        let urgent = estimate(ComplexityLevel::Moderate, OrderPriority::Urgent, &rates);
        assert_eq!(urgent.cost, 2280.0);
        let low = estimate(ComplexityLevel::Simple, OrderPriority::Low, &rates);
        // 4.5 h at 85.50 an hour.
        assert_eq!(low.cost, 384.75);
        let big = estimate(ComplexityLevel::Enterprise, OrderPriority::High, &rates);
        assert_eq!((big.hours_min, big.hours_max), (72.0, 160.0));
        assert_eq!(big.cost, 13_775.0);
    }

    #[test]
    fn progress_is_the_share_of_milestones_done() {
        assert_eq!(progress(0, 0), 0);
        assert_eq!(progress(1, 3), 33);
        assert_eq!(progress(3, 3), 100);
        assert_eq!(progress(5, 3), 100);
    }

    #[test]
    fn each_actor_gets_exactly_the_moves_the_table_gives_it() {
        use OrderActor::*;
        for from in OrderStatus::ALL {
            for actor in [Client, Staff, Builder] {
                let moves = moves_for(*from, Some(actor));
                for to in OrderStatus::ALL {
                    assert_eq!(
                        moves.contains(to),
                        check_transition(*from, *to, actor).is_ok(),
                        "{from} → {to} by {actor:?}"
                    );
                }
            }
            assert!(moves_for(*from, None).is_empty());
        }
    }

    #[test]
    fn an_order_form_is_checked() {
        let form = OrderForm {
            title: "  Triage bot ".into(),
            description: "Sorts tickets".into(),
            requirements: String::new(),
            priority: OrderPriority::Normal,
            complexity: ComplexityLevel::Simple,
            due_date: None,
        };
        assert_eq!(form.validated().expect("valid").title, "Triage bot");
        let empty = OrderForm {
            title: " ".into(),
            ..form.clone()
        };
        assert!(empty.validated().is_err());
        let long = OrderForm {
            description: "x".repeat(MAX_ORDER_TEXT_CHARS + 1),
            ..form
        };
        assert!(long
            .validated()
            .expect_err("too long")
            .to_string()
            .contains("limit is 20000"));
    }

    #[test]
    fn lifecycle_moves_forward_only_by_allowed_actors() {
        use OrderActor::*;
        use OrderStatus::*;
        assert!(check_transition(Draft, Submitted, Client).is_ok());
        assert!(check_transition(Submitted, InReview, Client).is_err());
        assert!(check_transition(Submitted, InReview, Staff).is_ok());
        assert!(matches!(
            check_transition(Delivered, Draft, Staff),
            Err(TransitionError::NotAllowed { .. })
        ));
        assert!(check_transition(Testing, Completed, Builder).is_ok());
        assert!(check_transition(Completed, Delivered, Builder).is_err());
    }

    #[test]
    fn terminal_states_have_no_way_out() {
        for terminal in [
            OrderStatus::Delivered,
            OrderStatus::Cancelled,
            OrderStatus::Rejected,
        ] {
            assert!(TRANSITIONS.iter().all(|(from, _, _)| *from != terminal));
        }
    }

    #[test]
    fn viewers_act_on_nothing() {
        assert_eq!(OrderActor::of(OrgRole::Viewer, true, true), None);
        assert_eq!(
            OrderActor::of(OrgRole::Member, true, false),
            Some(OrderActor::Client)
        );
    }
}
