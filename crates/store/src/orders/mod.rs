//! Custom agent orders as the Orders pages see them: a client's form and its estimate, the lifecycle moves each person may make (checked here on both backends, and again by Postgres), milestones with the progress they give, and the append-only build log that also records every move.

use chrono::{DateTime, Utc};
use neuroflow_model::entities::{BuildLog, CustomAgentOrder, OrderMilestone};
use neuroflow_model::order::{self, OrderActor, OrderEstimate, OrderForm, StudioRates};
use neuroflow_model::{new_id, DbEnum, LogLevel, OrderStatus, OrgRole};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub mod command;

pub use command::{decide, Decision, IssuedCommand, OrderCommand, OrderState};

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
        self.order_command(
            actor,
            OrderCommand::Assign {
                order_id: id,
                builder,
                log_id: new_id(),
            },
        )
        .await
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
        self.order_command(
            actor,
            OrderCommand::Create {
                order_id: new_id(),
                form: form.clone(),
            },
        )
        .await
    }

    /// Replaces a DRAFT's form (its client or staff); the estimate follows.
    pub async fn order_update(
        &self,
        actor: Actor,
        id: Uuid,
        form: &OrderForm,
    ) -> Result<OrderDoc, StoreError> {
        self.order_command(
            actor,
            OrderCommand::Update {
                order_id: id,
                form: form.clone(),
            },
        )
        .await
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
        self.order_command(
            actor,
            OrderCommand::Move {
                order_id: id,
                to,
                reason: reason.map(str::to_string),
                final_cost,
                log_id: new_id(),
            },
        )
        .await
    }

    /// Adds a milestone at the end of the order's list; progress follows.
    pub async fn order_milestone_add(
        &self,
        actor: Actor,
        order_id: Uuid,
        title: &str,
        due_date: Option<DateTime<Utc>>,
    ) -> Result<OrderDoc, StoreError> {
        self.order_command(
            actor,
            OrderCommand::MilestoneAdd {
                order_id,
                milestone_id: new_id(),
                title: title.to_string(),
                due_date,
            },
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
        self.order_command(
            actor,
            OrderCommand::MilestoneSetDone {
                order_id,
                milestone_id,
                done,
            },
        )
        .await
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
        self.order_command(
            actor,
            OrderCommand::Log {
                order_id,
                log_id: new_id(),
                level,
                stage: stage.to_string(),
                message: message.to_string(),
            },
        )
        .await
    }

    /// What deciding `command` reads from this database, as `actor` sees it.
    async fn order_state(
        &self,
        actor: Actor,
        command: &OrderCommand,
    ) -> Result<OrderState, StoreError> {
        let role = self.role_of(actor).await?;
        let order: Option<CustomAgentOrder> = match self
            .get(Some(actor.organization_id), command.order_id())
            .await
        {
            Ok(o) => Some(o),
            Err(StoreError::NotFound { .. }) => None,
            Err(e) => return Err(e),
        };
        let milestones = if command.needs_milestones() && order.is_some() {
            self.milestones(actor, command.order_id()).await?
        } else {
            Vec::new()
        };
        let builder = match command.builder() {
            Some(user) => self.people(actor, Some(user)).await?.into_iter().next(),
            None => None,
        };
        Ok(OrderState {
            role,
            order,
            milestones,
            builder,
        })
    }

    /// Makes `command` on this database: decided on the order as stored here, its rows written
    /// in one transaction, and on this device's SQLite the command queued for the team database
    /// in that same transaction (sync decides it again there).
    async fn order_command(
        &self,
        actor: Actor,
        command: OrderCommand,
    ) -> Result<OrderDoc, StoreError> {
        let issued = IssuedCommand {
            id: new_id(),
            organization_id: actor.organization_id,
            by: actor.user_id,
            at: now(),
            command,
        };
        let state = self.order_state(actor, &issued.command).await?;
        let decision = command::decide(&issued, &state)?;
        let mut ops = Vec::new();
        let mut stored = None;
        if let Some(o) = &decision.order {
            let (op, o) = if decision.order_is_new {
                self.insert_op(o)?
            } else {
                self.update_op(o)?
            };
            ops.push(op);
            stored = Some(o);
        }
        if let Some(m) = &decision.milestone {
            ops.push(if decision.milestone_is_new {
                self.insert_op(m)?.0
            } else {
                self.update_op(m)?.0
            });
        }
        if let Some(line) = &decision.log {
            ops.push(self.insert_op(line)?.0);
        }
        if !ops.is_empty() {
            if matches!(self.db(), crate::Db::Sqlite(_)) {
                ops.push(self.command_op(&issued)?);
            }
            self.apply(ops).await?;
        }
        let o = stored.or(state.order).ok_or_else(|| StoreError::NotFound {
            what: "order",
            id: issued.command.order_id().to_string(),
        })?;
        self.doc(actor, o, state.role).await
    }
}
