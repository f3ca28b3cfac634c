//! Order changes as commands: what each asks, and the one rule that decides the rows it writes from the order as it stands — run by this device on its own copy when the person acts, and again by sync on the team database's copy when the command arrives there.

use chrono::{DateTime, Utc};
use neuroflow_model::entities::{BuildLog, CustomAgentOrder, OrderMilestone};
use neuroflow_model::order::{self, OrderForm, StudioRates};
use neuroflow_model::{validate, LogLevel, OrderStatus, OrgRole};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::{actor_of, order_role, status_label, visible, OrderPerson, OrderRole};
use super::{LIFECYCLE_STAGE, MAX_LOG_CHARS, MAX_MILESTONES};
use crate::StoreError;

/// One change a person makes to an order. Every row it creates has its id chosen here, so the
/// device's copy and the team database's hold the same rows under the same ids.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum OrderCommand {
    Create {
        order_id: Uuid,
        form: OrderForm,
    },
    Update {
        order_id: Uuid,
        form: OrderForm,
    },
    Move {
        order_id: Uuid,
        to: OrderStatus,
        reason: Option<String>,
        final_cost: Option<f64>,
        log_id: Uuid,
    },
    Assign {
        order_id: Uuid,
        builder: Option<Uuid>,
        log_id: Uuid,
    },
    MilestoneAdd {
        order_id: Uuid,
        milestone_id: Uuid,
        title: String,
        due_date: Option<DateTime<Utc>>,
    },
    MilestoneSetDone {
        order_id: Uuid,
        milestone_id: Uuid,
        done: bool,
    },
    Log {
        order_id: Uuid,
        log_id: Uuid,
        level: LogLevel,
        stage: String,
        message: String,
    },
}

impl OrderCommand {
    pub fn order_id(&self) -> Uuid {
        match self {
            OrderCommand::Create { order_id, .. }
            | OrderCommand::Update { order_id, .. }
            | OrderCommand::Move { order_id, .. }
            | OrderCommand::Assign { order_id, .. }
            | OrderCommand::MilestoneAdd { order_id, .. }
            | OrderCommand::MilestoneSetDone { order_id, .. }
            | OrderCommand::Log { order_id, .. } => *order_id,
        }
    }

    /// Whether deciding it needs the order's milestones.
    pub fn needs_milestones(&self) -> bool {
        matches!(
            self,
            OrderCommand::MilestoneAdd { .. } | OrderCommand::MilestoneSetDone { .. }
        )
    }

    /// The builder it assigns, whose membership deciding it needs.
    pub fn builder(&self) -> Option<Uuid> {
        match self {
            OrderCommand::Assign { builder, .. } => *builder,
            _ => None,
        }
    }

    /// What was asked, in words (for the list of refused changes).
    pub fn describe(&self) -> String {
        match self {
            OrderCommand::Create { form, .. } => format!("Place the order “{}”", form.title),
            OrderCommand::Update { .. } => "Change the order's request".into(),
            OrderCommand::Move { to, .. } => format!("Move the order to {}", status_label(*to)),
            OrderCommand::Assign {
                builder: Some(_), ..
            } => "Assign the order's builder".into(),
            OrderCommand::Assign { builder: None, .. } => "Take the order off its builder".into(),
            OrderCommand::MilestoneAdd { title, .. } => format!("Add the milestone “{title}”"),
            OrderCommand::MilestoneSetDone { done: true, .. } => "Tick a milestone done".into(),
            OrderCommand::MilestoneSetDone { done: false, .. } => {
                "Mark a milestone not done".into()
            }
            OrderCommand::Log { .. } => "Add a build log line".into(),
        }
    }
}

/// A command as made: by whom, in which organization, when (the times it sets are this one, not
/// the time it reaches the team database) and under which id (applied once by it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IssuedCommand {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub by: Uuid,
    pub at: DateTime<Utc>,
    pub command: OrderCommand,
}

/// What deciding a command reads: the person's role, the order (when it exists and they may see
/// it), its milestones (for milestone commands) and the builder being assigned (when they are
/// an owner, admin or member of the organization).
#[derive(Debug, Clone, PartialEq)]
pub struct OrderState {
    pub role: OrgRole,
    pub order: Option<CustomAgentOrder>,
    pub milestones: Vec<OrderMilestone>,
    pub builder: Option<OrderPerson>,
}

/// The rows a command writes. Times are the command's; each database stamps its own `hlc`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Decision {
    pub order: Option<CustomAgentOrder>,
    pub order_is_new: bool,
    pub milestone: Option<OrderMilestone>,
    pub milestone_is_new: bool,
    pub log: Option<BuildLog>,
}

impl Decision {
    pub fn is_empty(&self) -> bool {
        self.order.is_none() && self.milestone.is_none() && self.log.is_none()
    }
}

fn write_form(o: &mut CustomAgentOrder, form: &OrderForm) {
    let estimate = order::estimate(form.complexity, form.priority, &StudioRates::default());
    o.title = form.title.clone();
    o.description = form.description.clone();
    o.requirements = form.requirements.clone();
    o.priority = form.priority;
    o.complexity = form.complexity;
    o.due_date = form.due_date;
    o.estimated_hours = estimate.hours;
    o.estimated_cost = estimate.cost;
    o.currency = estimate.currency;
}

fn log_line(
    c: &IssuedCommand,
    id: Uuid,
    level: LogLevel,
    stage: &str,
    message: String,
    details: serde_json::Value,
) -> BuildLog {
    BuildLog {
        id,
        organization_id: c.organization_id,
        order_id: c.command.order_id(),
        level,
        stage: stage.to_string(),
        message,
        details,
        created_at: c.at,
        updated_at: c.at,
        deleted_at: None,
        hlc: String::new(),
    }
}

/// The order the command acts on, if the person may see it; another client's order is as good
/// as absent.
fn existing(c: &IssuedCommand, state: &OrderState) -> Result<CustomAgentOrder, StoreError> {
    match &state.order {
        Some(o) if visible(o, state.role, c.by) && o.deleted_at.is_none() => Ok(o.clone()),
        _ => Err(StoreError::NotFound {
            what: "order",
            id: c.command.order_id().to_string(),
        }),
    }
}

fn finished(status: OrderStatus) -> bool {
    matches!(
        status,
        OrderStatus::Delivered | OrderStatus::Cancelled | OrderStatus::Rejected
    )
}

/// Staff or the builder: the order, checked for being theirs to build.
fn buildable(c: &IssuedCommand, state: &OrderState) -> Result<CustomAgentOrder, StoreError> {
    let o = existing(c, state)?;
    if !matches!(
        order_role(&o, state.role, c.by),
        OrderRole::Staff | OrderRole::Builder
    ) {
        return Err(StoreError::Forbidden(
            "only the studio's staff and the order's builder can change its build".into(),
        ));
    }
    Ok(o)
}

/// Decides the rows `c` writes given `state`, or why it may not be made. The same function
/// judges the command on the device and on the team database, so a refusal reads the same.
pub fn decide(c: &IssuedCommand, state: &OrderState) -> Result<Decision, StoreError> {
    match &c.command {
        OrderCommand::Create { order_id, form } => create(c, state, *order_id, form),
        OrderCommand::Update { form, .. } => update(c, state, form),
        OrderCommand::Move {
            to,
            reason,
            final_cost,
            log_id,
            ..
        } => move_to(c, state, *to, reason.as_deref(), *final_cost, *log_id),
        OrderCommand::Assign {
            builder, log_id, ..
        } => assign(c, state, *builder, *log_id),
        OrderCommand::MilestoneAdd {
            milestone_id,
            title,
            due_date,
            ..
        } => milestone_add(c, state, *milestone_id, title, *due_date),
        OrderCommand::MilestoneSetDone {
            milestone_id, done, ..
        } => milestone_set_done(c, state, *milestone_id, *done),
        OrderCommand::Log {
            log_id,
            level,
            stage,
            message,
            ..
        } => log(c, state, *log_id, *level, stage, message),
    }
}

fn create(
    c: &IssuedCommand,
    state: &OrderState,
    order_id: Uuid,
    form: &OrderForm,
) -> Result<Decision, StoreError> {
    let form = form.validated()?;
    if state.role == OrgRole::Viewer {
        return Err(StoreError::Forbidden(
            "a viewer cannot place orders (an owner or admin can change your role)".into(),
        ));
    }
    if state.order.is_some() {
        return Err(StoreError::Conflict("that order already exists".into()));
    }
    let mut o = CustomAgentOrder {
        id: order_id,
        organization_id: c.organization_id,
        title: String::new(),
        description: String::new(),
        requirements: String::new(),
        status: OrderStatus::Draft,
        priority: form.priority,
        complexity: form.complexity,
        progress: 0,
        agent_config: json!({}),
        tools_config: json!([]),
        estimated_hours: 0.0,
        estimated_cost: 0.0,
        final_cost: None,
        currency: "USD".into(),
        due_date: None,
        submitted_at: None,
        approved_at: None,
        started_at: None,
        completed_at: None,
        delivered_at: None,
        created_by: c.by,
        assigned_to: None,
        created_at: c.at,
        updated_at: c.at,
        deleted_at: None,
        hlc: String::new(),
    };
    write_form(&mut o, &form);
    Ok(Decision {
        order: Some(o),
        order_is_new: true,
        ..Decision::default()
    })
}

fn update(c: &IssuedCommand, state: &OrderState, form: &OrderForm) -> Result<Decision, StoreError> {
    let form = form.validated()?;
    let mut o = existing(c, state)?;
    if o.status != OrderStatus::Draft {
        return Err(StoreError::Conflict(format!(
            "this order is {}: only a draft can be changed",
            status_label(o.status).to_lowercase()
        )));
    }
    if !matches!(
        order_role(&o, state.role, c.by),
        OrderRole::Client | OrderRole::Staff
    ) {
        return Err(StoreError::Forbidden(
            "only the client who made this order, or the studio's staff, can change it".into(),
        ));
    }
    let before = o.clone();
    write_form(&mut o, &form);
    if o == before {
        return Ok(Decision::default());
    }
    o.updated_at = c.at;
    Ok(Decision {
        order: Some(o),
        ..Decision::default()
    })
}

fn move_to(
    c: &IssuedCommand,
    state: &OrderState,
    to: OrderStatus,
    reason: Option<&str>,
    final_cost: Option<f64>,
    log_id: Uuid,
) -> Result<Decision, StoreError> {
    let mut o = existing(c, state)?;
    let from = o.status;
    let kind = actor_of(&o, state.role, c.by)
        .ok_or_else(|| StoreError::Forbidden("you cannot act on this order".into()))?;
    order::check_transition(from, to, kind).map_err(|e| match e {
        order::TransitionError::NotAllowed { .. } => StoreError::Conflict(format!(
            "an order that is {} cannot become {}",
            status_label(from).to_lowercase(),
            status_label(to).to_lowercase()
        )),
        order::TransitionError::WrongActor { allowed, .. } => StoreError::Forbidden(format!(
            "only the {allowed} can make an order {}",
            status_label(to).to_lowercase()
        )),
    })?;
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if matches!(to, OrderStatus::Rejected | OrderStatus::Cancelled) && reason.is_none() {
        return Err(StoreError::Invalid(format!(
            "say why the order is {}: the client sees the reason",
            status_label(to).to_lowercase()
        )));
    }
    if reason.is_some_and(|r| r.chars().count() > MAX_LOG_CHARS) {
        return Err(StoreError::Invalid(format!(
            "the reason is longer than {MAX_LOG_CHARS} characters"
        )));
    }
    let at = c.at;
    o.status = to;
    o.updated_at = at;
    match order::stamp_of(to) {
        Some(order::Milestone::Submitted) => o.submitted_at = o.submitted_at.or(Some(at)),
        Some(order::Milestone::Approved) => o.approved_at = o.approved_at.or(Some(at)),
        Some(order::Milestone::Started) => o.started_at = o.started_at.or(Some(at)),
        Some(order::Milestone::Completed) => o.completed_at = Some(at),
        Some(order::Milestone::Delivered) => {
            let cost = final_cost.unwrap_or(o.estimated_cost);
            if !cost.is_finite() || cost < 0.0 {
                return Err(StoreError::Invalid(
                    "the final cost must be a positive amount".into(),
                ));
            }
            o.delivered_at = Some(at);
            o.final_cost = Some((cost * 100.0).round() / 100.0);
        }
        None => {}
    }
    let message = match reason {
        Some(r) => format!("{} → {}: {r}", status_label(from), status_label(to)),
        None => format!("{} → {}", status_label(from), status_label(to)),
    };
    let level = if matches!(to, OrderStatus::Rejected | OrderStatus::Cancelled) {
        LogLevel::Warn
    } else {
        LogLevel::Info
    };
    let line = log_line(
        c,
        log_id,
        level,
        LIFECYCLE_STAGE,
        message,
        json!({"from": from, "to": to, "by": c.by, "reason": reason}),
    );
    Ok(Decision {
        order: Some(o),
        log: Some(line),
        ..Decision::default()
    })
}

fn assign(
    c: &IssuedCommand,
    state: &OrderState,
    builder: Option<Uuid>,
    log_id: Uuid,
) -> Result<Decision, StoreError> {
    let mut o = existing(c, state)?;
    if order_role(&o, state.role, c.by) != OrderRole::Staff {
        return Err(StoreError::Forbidden(
            "only the studio's owners and admins assign orders".into(),
        ));
    }
    if finished(o.status) {
        return Err(StoreError::Conflict(format!(
            "this order is {}: it is not built any more",
            status_label(o.status).to_lowercase()
        )));
    }
    if o.assigned_to == builder {
        return Ok(Decision::default());
    }
    let person = match builder {
        Some(user) => Some(
            state
                .builder
                .as_ref()
                .filter(|p| p.user_id == user)
                .ok_or_else(|| {
                    StoreError::Invalid(
                        "orders are built by the organization's owners, admins and members (not viewers)".into(),
                    )
                })?,
        ),
        None => None,
    };
    o.assigned_to = builder;
    o.updated_at = c.at;
    let line = log_line(
        c,
        log_id,
        LogLevel::Info,
        "assignment",
        match person {
            Some(p) => format!("Assigned to {}", p.email),
            None => "No builder assigned".into(),
        },
        json!({"by": c.by, "builder": builder}),
    );
    Ok(Decision {
        order: Some(o),
        log: Some(line),
        ..Decision::default()
    })
}

/// The order with its progress set from `completed` of `total` milestones, when that changes it.
fn with_progress(
    c: &IssuedCommand,
    mut o: CustomAgentOrder,
    completed: usize,
    total: usize,
) -> Option<CustomAgentOrder> {
    let progress = order::progress(completed, total);
    (progress != o.progress).then(|| {
        o.progress = progress;
        o.updated_at = c.at;
        o
    })
}

fn milestone_add(
    c: &IssuedCommand,
    state: &OrderState,
    milestone_id: Uuid,
    title: &str,
    due_date: Option<DateTime<Utc>>,
) -> Result<Decision, StoreError> {
    let title = validate::name("milestone title", title)?;
    let o = buildable(c, state)?;
    let existing = &state.milestones;
    if existing.iter().any(|m| m.id == milestone_id) {
        return Err(StoreError::Conflict("that milestone already exists".into()));
    }
    if existing.len() >= MAX_MILESTONES {
        return Err(StoreError::Invalid(format!(
            "an order has at most {MAX_MILESTONES} milestones"
        )));
    }
    let m = OrderMilestone {
        id: milestone_id,
        organization_id: c.organization_id,
        order_id: o.id,
        title,
        stage: String::new(),
        description: String::new(),
        position: existing.iter().map(|m| m.position + 1).max().unwrap_or(0),
        due_date,
        completed_at: None,
        created_at: c.at,
        updated_at: c.at,
        deleted_at: None,
        hlc: String::new(),
    };
    let done = existing.iter().filter(|m| m.completed_at.is_some()).count();
    Ok(Decision {
        order: with_progress(c, o, done, existing.len() + 1),
        milestone: Some(m),
        milestone_is_new: true,
        ..Decision::default()
    })
}

fn milestone_set_done(
    c: &IssuedCommand,
    state: &OrderState,
    milestone_id: Uuid,
    done: bool,
) -> Result<Decision, StoreError> {
    let o = buildable(c, state)?;
    let existing = &state.milestones;
    let mut m = existing
        .iter()
        .find(|m| m.id == milestone_id)
        .cloned()
        .ok_or_else(|| StoreError::NotFound {
            what: "milestone",
            id: milestone_id.to_string(),
        })?;
    if m.completed_at.is_some() == done {
        return Ok(Decision::default());
    }
    m.completed_at = done.then_some(c.at);
    m.updated_at = c.at;
    let completed = existing
        .iter()
        .filter(|x| {
            if x.id == milestone_id {
                done
            } else {
                x.completed_at.is_some()
            }
        })
        .count();
    Ok(Decision {
        order: with_progress(c, o, completed, existing.len()),
        milestone: Some(m),
        ..Decision::default()
    })
}

fn log(
    c: &IssuedCommand,
    state: &OrderState,
    log_id: Uuid,
    level: LogLevel,
    stage: &str,
    message: &str,
) -> Result<Decision, StoreError> {
    let message = message.trim();
    if message.is_empty() {
        return Err(StoreError::Invalid("a log line needs a message".into()));
    }
    if message.chars().count() > MAX_LOG_CHARS {
        return Err(StoreError::Invalid(format!(
            "a log line is at most {MAX_LOG_CHARS} characters"
        )));
    }
    let stage = stage.trim();
    if stage == LIFECYCLE_STAGE {
        return Err(StoreError::Invalid(
            "the lifecycle stage is kept for status moves".into(),
        ));
    }
    let stage = if stage.is_empty() {
        "build".to_string()
    } else {
        validate::name("stage", stage)?
    };
    buildable(c, state)?;
    Ok(Decision {
        log: Some(log_line(
            c,
            log_id,
            level,
            &stage,
            message.to_string(),
            json!({"by": c.by}),
        )),
        ..Decision::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use neuroflow_model::{ComplexityLevel, OrderPriority};

    fn form() -> OrderForm {
        OrderForm {
            title: "Triage bot".into(),
            description: "Sorts tickets".into(),
            requirements: String::new(),
            priority: OrderPriority::Normal,
            complexity: ComplexityLevel::Simple,
            due_date: None,
        }
    }

    fn issued(by: Uuid, command: OrderCommand) -> IssuedCommand {
        IssuedCommand {
            id: neuroflow_model::new_id(),
            organization_id: Uuid::nil(),
            by,
            at: DateTime::parse_from_rfc3339("2026-12-07T10:00:00Z")
                .expect("time")
                .with_timezone(&Utc),
            command,
        }
    }

    #[test]
    fn a_command_round_trips_as_json_with_its_kind_named() {
        let c = issued(
            neuroflow_model::new_id(),
            OrderCommand::Move {
                order_id: neuroflow_model::new_id(),
                to: OrderStatus::InReview,
                reason: None,
                final_cost: None,
                log_id: neuroflow_model::new_id(),
            },
        );
        let text = serde_json::to_string(&c).expect("json");
        assert!(text.contains(r#""kind":"move""#), "{text}");
        assert!(text.contains(r#""logId""#), "{text}");
        assert_eq!(
            serde_json::from_str::<IssuedCommand>(&text).expect("back"),
            c
        );
    }

    #[test]
    fn the_times_a_command_sets_are_the_times_it_was_made() {
        let client = neuroflow_model::new_id();
        let order_id = neuroflow_model::new_id();
        let made = issued(
            client,
            OrderCommand::Create {
                order_id,
                form: form(),
            },
        );
        let state = OrderState {
            role: OrgRole::Member,
            order: None,
            milestones: Vec::new(),
            builder: None,
        };
        let created = decide(&made, &state).expect("create");
        let o = created.order.expect("order");
        assert_eq!(
            (o.id, o.created_at, o.created_by),
            (order_id, made.at, client)
        );
        let submit = issued(
            client,
            OrderCommand::Move {
                order_id,
                to: OrderStatus::Submitted,
                reason: None,
                final_cost: None,
                log_id: neuroflow_model::new_id(),
            },
        );
        let moved = decide(
            &submit,
            &OrderState {
                order: Some(o.clone()),
                ..state.clone()
            },
        )
        .expect("submit");
        assert_eq!(moved.order.expect("order").submitted_at, Some(submit.at));
        assert_eq!(moved.log.expect("line").created_at, submit.at);
        // A second create of the same order (a command sent twice) is refused, not doubled.
        assert!(decide(
            &made,
            &OrderState {
                order: Some(o),
                ..state
            }
        )
        .is_err());
    }
}
