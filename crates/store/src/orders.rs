//! Custom agent orders as the Orders pages see them: a client's form and its estimate, the lifecycle moves each person may make (checked here on both backends, and again by Postgres), milestones with the progress they give, and the append-only build log that also records every move.

use chrono::{DateTime, Utc};
use neuroflow_model::entities::{BuildLog, CustomAgentOrder, OrderMilestone};
use neuroflow_model::order::{self, OrderActor, OrderEstimate, OrderForm, StudioRates};
use neuroflow_model::{new_id, validate, DbEnum, LogLevel, OrderStatus, OrgRole};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::db::on_db;
use crate::repo::{now, ListQuery, Store};
use crate::value::SqlValue;
use crate::workflows::Actor;
use crate::StoreError;

/// The log stage a status move is recorded under.
pub const LIFECYCLE_STAGE: &str = "lifecycle";
/// The longest build log message kept.
pub const MAX_LOG_CHARS: usize = 4_000;
/// Milestones an order may have.
pub const MAX_MILESTONES: usize = 100;

/// One row of the Orders list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct OrderSummary {
    pub id: Uuid,
    pub title: String,
    pub status: OrderStatus,
    pub priority: neuroflow_model::OrderPriority,
    pub complexity: neuroflow_model::ComplexityLevel,
    /// 0–100, from the milestones.
    pub progress: i32,
    pub estimated_hours: f64,
    pub estimated_cost: f64,
    pub final_cost: Option<f64>,
    pub currency: String,
    pub due_date: Option<DateTime<Utc>>,
    pub created_by: Uuid,
    pub assigned_to: Option<Uuid>,
    /// The builder's email, when assigned.
    pub builder: Option<String>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub approved_at: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    /// The statuses the person listing may move it to now (the board's drop targets).
    pub moves: Vec<OrderStatus>,
}

/// How the person looking at an order stands to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum OrderRole {
    /// Created it.
    Client,
    /// An owner or admin of the studio.
    Staff,
    /// Assigned to build it.
    Builder,
    /// Can see it, not act on it (a viewer).
    Onlooker,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct MilestoneView {
    pub id: Uuid,
    pub title: String,
    pub due_date: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct LogLine {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub level: LogLevel,
    pub stage: String,
    pub message: String,
}

/// A person of the organization who can build orders (an owner, admin or member).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct OrderPerson {
    pub user_id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: OrgRole,
}

/// One order with everything its page shows, and what the person looking may do with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct OrderDoc {
    pub summary: OrderSummary,
    pub form: OrderForm,
    pub estimate: OrderEstimate,
    pub milestones: Vec<MilestoneView>,
    /// Oldest first; status moves are lines of stage `lifecycle`.
    pub log: Vec<LogLine>,
    pub role: OrderRole,
    /// Who builds it, when assigned.
    pub builder: Option<OrderPerson>,
    /// Whether this person may assign the builder (staff, on an order not finished).
    pub can_assign: bool,
    /// The statuses this person may move the order to now.
    pub moves: Vec<OrderStatus>,
    /// Whether this person may change the form (a DRAFT, by its client or staff).
    pub can_edit: bool,
    /// Whether this person may add milestones and log lines (staff or its builder).
    pub can_build: bool,
}

/// What the person `user` (with `role` in the organization) may do with the order now.
fn actor_of(o: &CustomAgentOrder, role: OrgRole, user: Uuid) -> Option<OrderActor> {
    OrderActor::of(role, o.created_by == user, o.assigned_to == Some(user))
}

fn summary(o: &CustomAgentOrder, role: OrgRole, user: Uuid) -> OrderSummary {
    OrderSummary {
        moves: order::moves_for(o.status, actor_of(o, role, user)),
        id: o.id,
        title: o.title.clone(),
        status: o.status,
        priority: o.priority,
        complexity: o.complexity,
        progress: o.progress,
        estimated_hours: o.estimated_hours,
        estimated_cost: o.estimated_cost,
        final_cost: o.final_cost,
        currency: o.currency.clone(),
        due_date: o.due_date,
        created_by: o.created_by,
        assigned_to: o.assigned_to,
        builder: None,
        submitted_at: o.submitted_at,
        approved_at: o.approved_at,
        started_at: o.started_at,
        completed_at: o.completed_at,
        delivered_at: o.delivered_at,
        updated_at: o.updated_at,
    }
}

fn form_of(o: &CustomAgentOrder) -> OrderForm {
    OrderForm {
        title: o.title.clone(),
        description: o.description.clone(),
        requirements: o.requirements.clone(),
        priority: o.priority,
        complexity: o.complexity,
        due_date: o.due_date,
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

/// A new line of an order's build log, written by `actor` now.
fn log_line(
    actor: Actor,
    order_id: Uuid,
    level: LogLevel,
    stage: &str,
    message: String,
    details: serde_json::Value,
) -> BuildLog {
    let at = now();
    BuildLog {
        id: new_id(),
        organization_id: actor.organization_id,
        order_id,
        level,
        stage: stage.to_string(),
        message,
        details,
        created_at: at,
        updated_at: at,
        deleted_at: None,
        hlc: String::new(),
    }
}

/// A status as a person reads it.
pub fn status_label(s: OrderStatus) -> &'static str {
    match s {
        OrderStatus::Draft => "Draft",
        OrderStatus::Submitted => "Submitted",
        OrderStatus::InReview => "In review",
        OrderStatus::Approved => "Approved",
        OrderStatus::InProgress => "In progress",
        OrderStatus::Testing => "Testing",
        OrderStatus::Completed => "Completed",
        OrderStatus::Delivered => "Delivered",
        OrderStatus::Cancelled => "Cancelled",
        OrderStatus::Rejected => "Rejected",
    }
}

/// Staff and the studio's read-only viewers see every order of the organization; any other
/// member only the orders they made or build (Postgres holds the same rule in RLS, migration 0007).
fn visible(o: &CustomAgentOrder, role: OrgRole, user: Uuid) -> bool {
    matches!(role, OrgRole::Owner | OrgRole::Admin | OrgRole::Viewer)
        || o.created_by == user
        || o.assigned_to == Some(user)
}

fn order_role(o: &CustomAgentOrder, role: OrgRole, user: Uuid) -> OrderRole {
    match actor_of(o, role, user) {
        Some(OrderActor::Staff) => OrderRole::Staff,
        Some(OrderActor::Builder) => OrderRole::Builder,
        Some(OrderActor::Client) => OrderRole::Client,
        None => OrderRole::Onlooker,
    }
}

impl Store {
    /// The actor's role in their organization (an offline-only workspace's person is its OWNER).
    async fn role_of(&self, actor: Actor) -> Result<OrgRole, StoreError> {
        let sql = "SELECT role FROM organization_members WHERE organization_id = $1 AND user_id = $2 AND deleted_at IS NULL";
        let role: Option<String> = on_db!(self.db(), pool => {
            sqlx::query_scalar(sql).bind(actor.organization_id).bind(actor.user_id).fetch_optional(pool).await?
        });
        match role {
            Some(r) => OrgRole::parse(&r).map_err(|e| StoreError::Invalid(e.to_string())),
            None => Err(StoreError::Forbidden(
                "you are not a member of this organization".into(),
            )),
        }
    }

    /// An order the actor may see, with their role in the organization.
    async fn visible_order(
        &self,
        actor: Actor,
        id: Uuid,
    ) -> Result<(CustomAgentOrder, OrgRole), StoreError> {
        let role = self.role_of(actor).await?;
        let o: CustomAgentOrder = self.get(Some(actor.organization_id), id).await?;
        if !visible(&o, role, actor.user_id) {
            // Another client's order is as good as absent.
            return Err(StoreError::NotFound {
                what: "order",
                id: id.to_string(),
            });
        }
        Ok((o, role))
    }

    /// The orders the actor may see (see `visible`), newest first.
    pub async fn order_list(&self, actor: Actor) -> Result<Vec<OrderSummary>, StoreError> {
        let role = self.role_of(actor).await?;
        let rows: Vec<CustomAgentOrder> = self
            .list(&ListQuery {
                order_by: "created_at",
                limit: 10_000,
                ..ListQuery::in_org(actor.organization_id)
            })
            .await?;
        let emails: std::collections::HashMap<Uuid, String> = self
            .people(actor, None)
            .await?
            .into_iter()
            .map(|p| (p.user_id, p.email))
            .collect();
        Ok(rows
            .iter()
            .filter(|o| visible(o, role, actor.user_id))
            .map(|o| OrderSummary {
                builder: o.assigned_to.and_then(|b| emails.get(&b).cloned()),
                ..summary(o, role, actor.user_id)
            })
            .collect())
    }

    pub async fn order_get(&self, actor: Actor, id: Uuid) -> Result<OrderDoc, StoreError> {
        let (o, role) = self.visible_order(actor, id).await?;
        self.doc(actor, o, role).await
    }

    async fn doc(
        &self,
        actor: Actor,
        o: CustomAgentOrder,
        role: OrgRole,
    ) -> Result<OrderDoc, StoreError> {
        let milestones = self.milestones(actor, o.id).await?;
        let log: Vec<BuildLog> = self
            .list(&ListQuery {
                eq: vec![("order_id", SqlValue::Uuid(Some(o.id)))],
                order_by: "created_at",
                descending: false,
                limit: 100_000,
                ..ListQuery::in_org(actor.organization_id)
            })
            .await?;
        let who = order_role(&o, role, actor.user_id);
        let builder = match o.assigned_to {
            Some(user) => self.people(actor, Some(user)).await?.into_iter().next(),
            None => None,
        };
        let listed = OrderSummary {
            builder: builder.as_ref().map(|b| b.email.clone()),
            ..summary(&o, role, actor.user_id)
        };
        Ok(OrderDoc {
            builder,
            can_assign: who == OrderRole::Staff
                && !matches!(
                    o.status,
                    OrderStatus::Delivered | OrderStatus::Cancelled | OrderStatus::Rejected
                ),
            summary: listed,
            form: form_of(&o),
            estimate: order::estimate(o.complexity, o.priority, &StudioRates::default()),
            milestones: milestones
                .iter()
                .map(|m| MilestoneView {
                    id: m.id,
                    title: m.title.clone(),
                    due_date: m.due_date,
                    completed_at: m.completed_at,
                })
                .collect(),
            log: log
                .iter()
                .map(|l| LogLine {
                    id: l.id,
                    at: l.created_at,
                    level: l.level,
                    stage: l.stage.clone(),
                    message: l.message.clone(),
                })
                .collect(),
            role: who,
            moves: order::moves_for(o.status, actor_of(&o, role, actor.user_id)),
            can_edit: o.status == OrderStatus::Draft
                && matches!(who, OrderRole::Client | OrderRole::Staff),
            can_build: matches!(who, OrderRole::Staff | OrderRole::Builder),
        })
    }

    /// The organization's people who can build (not viewers), or the one `only` names.
    async fn people(
        &self,
        actor: Actor,
        only: Option<Uuid>,
    ) -> Result<Vec<OrderPerson>, StoreError> {
        let filter = if only.is_some() { " AND u.id = $2" } else { "" };
        let sql = format!(
            "SELECT u.id, u.email, u.display_name, m.role FROM organization_members m JOIN users u ON u.id = m.user_id \
             WHERE m.organization_id = $1 AND m.deleted_at IS NULL AND m.role <> 'VIEWER'{filter} ORDER BY u.email"
        );
        let rows: Vec<(Uuid, String, String, String)> = on_db!(self.db(), pool => {
            let mut q = sqlx::query_as(&sql).bind(actor.organization_id);
            if let Some(id) = only {
                q = q.bind(id);
            }
            q.fetch_all(pool).await?
        });
        rows.into_iter()
            .map(|(user_id, email, display_name, role)| {
                Ok(OrderPerson {
                    user_id,
                    email,
                    display_name,
                    role: OrgRole::parse(&role).map_err(|e| StoreError::Invalid(e.to_string()))?,
                })
            })
            .collect()
    }

    /// Who staff may assign orders to: the organization's owners, admins and members.
    pub async fn order_builders(&self, actor: Actor) -> Result<Vec<OrderPerson>, StoreError> {
        if !matches!(self.role_of(actor).await?, OrgRole::Owner | OrgRole::Admin) {
            return Err(StoreError::Forbidden(
                "only the studio's owners and admins assign orders".into(),
            ));
        }
        self.people(actor, None).await
    }

    /// Staff assign the order's builder (or take it off them: `None`); the change is logged.
    pub async fn order_assign(
        &self,
        actor: Actor,
        id: Uuid,
        builder: Option<Uuid>,
    ) -> Result<OrderDoc, StoreError> {
        let (mut o, role) = self.visible_order(actor, id).await?;
        if order_role(&o, role, actor.user_id) != OrderRole::Staff {
            return Err(StoreError::Forbidden(
                "only the studio's owners and admins assign orders".into(),
            ));
        }
        if matches!(
            o.status,
            OrderStatus::Delivered | OrderStatus::Cancelled | OrderStatus::Rejected
        ) {
            return Err(StoreError::Conflict(format!(
                "this order is {}: it is not built any more",
                status_label(o.status).to_lowercase()
            )));
        }
        if o.assigned_to == builder {
            return self.doc(actor, o, role).await;
        }
        let person = match builder {
            Some(user) => Some(
                self.people(actor, Some(user))
                    .await?
                    .into_iter()
                    .next()
                    .ok_or_else(|| {
                        StoreError::Invalid(
                            "orders are built by the organization's owners, admins and members (not viewers)".into(),
                        )
                    })?,
            ),
            None => None,
        };
        o.assigned_to = builder;
        let line = log_line(
            actor,
            id,
            LogLevel::Info,
            "assignment",
            match &person {
                Some(p) => format!("Assigned to {}", p.email),
                None => "No builder assigned".into(),
            },
            json!({"by": actor.user_id, "builder": builder}),
        );
        let (update, stored) = self.update_op(&o)?;
        let (insert, _) = self.insert_op(&line)?;
        self.apply(vec![update, insert]).await?;
        self.doc(actor, stored, role).await
    }

    async fn milestones(
        &self,
        actor: Actor,
        order_id: Uuid,
    ) -> Result<Vec<OrderMilestone>, StoreError> {
        self.list(&ListQuery {
            eq: vec![("order_id", SqlValue::Uuid(Some(order_id)))],
            order_by: "position",
            descending: false,
            limit: 10_000,
            ..ListQuery::in_org(actor.organization_id)
        })
        .await
    }

    /// A new DRAFT order of the actor (its client) from `form`, with its estimate stored.
    pub async fn order_create(
        &self,
        actor: Actor,
        form: &OrderForm,
    ) -> Result<OrderDoc, StoreError> {
        let form = form.validated()?;
        let role = self.role_of(actor).await?;
        if role == OrgRole::Viewer {
            return Err(StoreError::Forbidden(
                "a viewer cannot place orders (an owner or admin can change your role)".into(),
            ));
        }
        let at = now();
        let mut o = CustomAgentOrder {
            id: new_id(),
            organization_id: actor.organization_id,
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
            created_by: actor.user_id,
            assigned_to: None,
            created_at: at,
            updated_at: at,
            deleted_at: None,
            hlc: String::new(),
        };
        write_form(&mut o, &form);
        let stored = self.insert(&o).await?;
        self.doc(actor, stored, role).await
    }

    /// Replaces a DRAFT's form (its client or staff); the estimate follows.
    pub async fn order_update(
        &self,
        actor: Actor,
        id: Uuid,
        form: &OrderForm,
    ) -> Result<OrderDoc, StoreError> {
        let form = form.validated()?;
        let (mut o, role) = self.visible_order(actor, id).await?;
        let who = order_role(&o, role, actor.user_id);
        if o.status != OrderStatus::Draft {
            return Err(StoreError::Conflict(format!(
                "this order is {}: only a draft can be changed",
                status_label(o.status).to_lowercase()
            )));
        }
        if !matches!(who, OrderRole::Client | OrderRole::Staff) {
            return Err(StoreError::Forbidden(
                "only the client who made this order, or the studio's staff, can change it".into(),
            ));
        }
        write_form(&mut o, &form);
        let stored = self.update(&o).await?;
        self.doc(actor, stored, role).await
    }

    /// Moves the order to `to` if the lifecycle allows it for this person, stamps the time the
    /// order reached it, and records the move (who, from, to, why) in its build log, all in one
    /// transaction. Rejecting and cancelling need a reason; delivering sets the final cost (the
    /// estimate when none is given).
    pub async fn order_move(
        &self,
        actor: Actor,
        id: Uuid,
        to: OrderStatus,
        reason: Option<&str>,
        final_cost: Option<f64>,
    ) -> Result<OrderDoc, StoreError> {
        let (mut o, role) = self.visible_order(actor, id).await?;
        let from = o.status;
        let kind = actor_of(&o, role, actor.user_id)
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
        if let Some(r) = reason {
            if r.chars().count() > MAX_LOG_CHARS {
                return Err(StoreError::Invalid(format!(
                    "the reason is longer than {MAX_LOG_CHARS} characters"
                )));
            }
        }
        let at = now();
        o.status = to;
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
        let line = log_line(
            actor,
            id,
            if matches!(to, OrderStatus::Rejected | OrderStatus::Cancelled) {
                LogLevel::Warn
            } else {
                LogLevel::Info
            },
            LIFECYCLE_STAGE,
            message,
            json!({"from": from, "to": to, "by": actor.user_id, "reason": reason}),
        );
        let (update, stored) = self.update_op(&o)?;
        let (insert, _) = self.insert_op(&line)?;
        self.apply(vec![update, insert]).await?;
        self.doc(actor, stored, role).await
    }

    /// Staff or the builder: the order, checked for being theirs to build.
    async fn buildable(
        &self,
        actor: Actor,
        id: Uuid,
    ) -> Result<(CustomAgentOrder, OrgRole), StoreError> {
        let (o, role) = self.visible_order(actor, id).await?;
        if !matches!(
            order_role(&o, role, actor.user_id),
            OrderRole::Staff | OrderRole::Builder
        ) {
            return Err(StoreError::Forbidden(
                "only the studio's staff and the order's builder can change its build".into(),
            ));
        }
        Ok((o, role))
    }

    /// Adds a milestone at the end of the order's list; progress follows.
    pub async fn order_milestone_add(
        &self,
        actor: Actor,
        order_id: Uuid,
        title: &str,
        due_date: Option<DateTime<Utc>>,
    ) -> Result<OrderDoc, StoreError> {
        let title = validate::name("milestone title", title)?;
        let (o, role) = self.buildable(actor, order_id).await?;
        let existing = self.milestones(actor, order_id).await?;
        if existing.len() >= MAX_MILESTONES {
            return Err(StoreError::Invalid(format!(
                "an order has at most {MAX_MILESTONES} milestones"
            )));
        }
        let at = now();
        let m = OrderMilestone {
            id: new_id(),
            organization_id: actor.organization_id,
            order_id,
            title,
            stage: String::new(),
            description: String::new(),
            position: existing.iter().map(|m| m.position + 1).max().unwrap_or(0),
            due_date,
            completed_at: None,
            created_at: at,
            updated_at: at,
            deleted_at: None,
            hlc: String::new(),
        };
        let done = existing.iter().filter(|m| m.completed_at.is_some()).count();
        self.write_progress(
            actor,
            o,
            role,
            vec![self.insert_op(&m)?.0],
            done,
            existing.len() + 1,
        )
        .await
    }

    /// Marks a milestone done (or not done again); progress follows.
    pub async fn order_milestone_set_done(
        &self,
        actor: Actor,
        order_id: Uuid,
        milestone_id: Uuid,
        done: bool,
    ) -> Result<OrderDoc, StoreError> {
        let (o, role) = self.buildable(actor, order_id).await?;
        let existing = self.milestones(actor, order_id).await?;
        let mut m = existing
            .iter()
            .find(|m| m.id == milestone_id)
            .cloned()
            .ok_or_else(|| StoreError::NotFound {
                what: "milestone",
                id: milestone_id.to_string(),
            })?;
        m.completed_at = if done {
            m.completed_at.or(Some(now()))
        } else {
            None
        };
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
        let ops = vec![self.update_op(&m)?.0];
        self.write_progress(actor, o, role, ops, completed, existing.len())
            .await
    }

    /// Writes `ops` with the order's progress set from `completed` of `total` milestones.
    async fn write_progress(
        &self,
        actor: Actor,
        mut o: CustomAgentOrder,
        role: OrgRole,
        mut ops: Vec<crate::repo::WriteOp>,
        completed: usize,
        total: usize,
    ) -> Result<OrderDoc, StoreError> {
        let progress = order::progress(completed, total);
        let stored = if progress != o.progress {
            o.progress = progress;
            let (op, stored) = self.update_op(&o)?;
            ops.push(op);
            stored
        } else {
            o
        };
        self.apply(ops).await?;
        self.doc(actor, stored, role).await
    }

    /// Appends a line to the order's build log (staff or its builder). Lines are never changed.
    pub async fn order_log(
        &self,
        actor: Actor,
        order_id: Uuid,
        level: LogLevel,
        stage: &str,
        message: &str,
    ) -> Result<OrderDoc, StoreError> {
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
        let (o, role) = self.buildable(actor, order_id).await?;
        self.insert(&log_line(
            actor,
            order_id,
            level,
            &stage,
            message.to_string(),
            json!({"by": actor.user_id}),
        ))
        .await?;
        self.doc(actor, o, role).await
    }
}
