//! Order commands: the Orders list, an order's page, the form and its estimate, lifecycle moves, milestones and the build log.

use chrono::{DateTime, Utc};
use neuroflow_model::order::{self, OrderEstimate, OrderForm, StudioRates};
use neuroflow_model::{ComplexityLevel, LogLevel, OrderPriority, OrderStatus};
use neuroflow_store::orders::{OrderDoc, OrderPerson, OrderSummary};

use crate::error::{parse_id, AppError};
use crate::state::Core;

impl Core {
    pub async fn order_list(&self) -> Result<Vec<OrderSummary>, AppError> {
        let s = self.session()?;
        Ok(s.store.order_list(s.actor()).await?)
    }

    pub async fn order_get(&self, id: String) -> Result<OrderDoc, AppError> {
        let s = self.session()?;
        Ok(s.store
            .order_get(s.actor(), parse_id("order", &id)?)
            .await?)
    }

    /// The price the form shows as it is filled in (the one the order will store).
    pub fn order_estimate(
        &self,
        complexity: ComplexityLevel,
        priority: OrderPriority,
    ) -> Result<OrderEstimate, AppError> {
        Ok(order::estimate(
            complexity,
            priority,
            &StudioRates::default(),
        ))
    }

    pub async fn order_create(&self, form: OrderForm) -> Result<OrderDoc, AppError> {
        let s = self.session()?;
        Ok(s.store.order_create(s.actor(), &form).await?)
    }

    pub async fn order_update(&self, id: String, form: OrderForm) -> Result<OrderDoc, AppError> {
        let s = self.session()?;
        Ok(s.store
            .order_update(s.actor(), parse_id("order", &id)?, &form)
            .await?)
    }

    pub async fn order_move(
        &self,
        id: String,
        to: OrderStatus,
        reason: Option<String>,
        final_cost: Option<f64>,
    ) -> Result<OrderDoc, AppError> {
        let s = self.session()?;
        Ok(s.store
            .order_move(
                s.actor(),
                parse_id("order", &id)?,
                to,
                reason.as_deref(),
                final_cost,
            )
            .await?)
    }

    pub async fn order_milestone_add(
        &self,
        id: String,
        title: String,
        due_date: Option<DateTime<Utc>>,
    ) -> Result<OrderDoc, AppError> {
        let s = self.session()?;
        Ok(s.store
            .order_milestone_add(s.actor(), parse_id("order", &id)?, &title, due_date)
            .await?)
    }

    pub async fn order_milestone_set_done(
        &self,
        id: String,
        milestone_id: String,
        done: bool,
    ) -> Result<OrderDoc, AppError> {
        let s = self.session()?;
        Ok(s.store
            .order_milestone_set_done(
                s.actor(),
                parse_id("order", &id)?,
                parse_id("milestone", &milestone_id)?,
                done,
            )
            .await?)
    }

    pub async fn order_builders(&self) -> Result<Vec<OrderPerson>, AppError> {
        let s = self.session()?;
        Ok(s.store.order_builders(s.actor()).await?)
    }

    /// `builder`: a user id, or `None` to take the order off its builder.
    pub async fn order_assign(
        &self,
        id: String,
        builder: Option<String>,
    ) -> Result<OrderDoc, AppError> {
        let s = self.session()?;
        let builder = match builder {
            Some(b) => Some(parse_id("person", &b)?),
            None => None,
        };
        Ok(s.store
            .order_assign(s.actor(), parse_id("order", &id)?, builder)
            .await?)
    }

    pub async fn order_log(
        &self,
        id: String,
        level: LogLevel,
        stage: String,
        message: String,
    ) -> Result<OrderDoc, AppError> {
        let s = self.session()?;
        Ok(s.store
            .order_log(s.actor(), parse_id("order", &id)?, level, &stage, &message)
            .await?)
    }
}
