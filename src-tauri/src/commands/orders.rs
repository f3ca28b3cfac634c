//! Order commands: list, open, estimate, create, edit, move along the lifecycle, milestones and build log: one-line adapters onto `neuroflow_api::Core`.

use chrono::{DateTime, Utc};
use neuroflow_api::{AppError, Core};
use neuroflow_model::order::{OrderEstimate, OrderForm};
use neuroflow_model::{ComplexityLevel, LogLevel, OrderPriority, OrderStatus};
use neuroflow_store::orders::{OrderDoc, OrderPerson, OrderSummary};
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn order_list(core: State<'_, Core>) -> Result<Vec<OrderSummary>, AppError> {
    core.order_list().await
}

#[tauri::command]
#[specta::specta]
pub async fn order_get(core: State<'_, Core>, id: String) -> Result<OrderDoc, AppError> {
    core.order_get(id).await
}

#[tauri::command]
#[specta::specta]
pub fn order_estimate(
    core: State<'_, Core>,
    complexity: ComplexityLevel,
    priority: OrderPriority,
) -> Result<OrderEstimate, AppError> {
    core.order_estimate(complexity, priority)
}

#[tauri::command]
#[specta::specta]
pub async fn order_create(core: State<'_, Core>, form: OrderForm) -> Result<OrderDoc, AppError> {
    core.order_create(form).await
}

#[tauri::command]
#[specta::specta]
pub async fn order_update(
    core: State<'_, Core>,
    id: String,
    form: OrderForm,
) -> Result<OrderDoc, AppError> {
    core.order_update(id, form).await
}

#[tauri::command]
#[specta::specta]
pub async fn order_move(
    core: State<'_, Core>,
    id: String,
    to: OrderStatus,
    reason: Option<String>,
    final_cost: Option<f64>,
) -> Result<OrderDoc, AppError> {
    core.order_move(id, to, reason, final_cost).await
}

#[tauri::command]
#[specta::specta]
pub async fn order_milestone_add(
    core: State<'_, Core>,
    id: String,
    title: String,
    due_date: Option<DateTime<Utc>>,
) -> Result<OrderDoc, AppError> {
    core.order_milestone_add(id, title, due_date).await
}

#[tauri::command]
#[specta::specta]
pub async fn order_milestone_set_done(
    core: State<'_, Core>,
    id: String,
    milestone_id: String,
    done: bool,
) -> Result<OrderDoc, AppError> {
    core.order_milestone_set_done(id, milestone_id, done).await
}

#[tauri::command]
#[specta::specta]
pub async fn order_log(
    core: State<'_, Core>,
    id: String,
    level: LogLevel,
    stage: String,
    message: String,
) -> Result<OrderDoc, AppError> {
    core.order_log(id, level, stage, message).await
}

#[tauri::command]
#[specta::specta]
pub async fn order_builders(core: State<'_, Core>) -> Result<Vec<OrderPerson>, AppError> {
    core.order_builders().await
}

#[tauri::command]
#[specta::specta]
pub async fn order_assign(
    core: State<'_, Core>,
    id: String,
    builder: Option<String>,
) -> Result<OrderDoc, AppError> {
    core.order_assign(id, builder).await
}
