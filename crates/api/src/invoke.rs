//! Commands by name with JSON args and a JSON result, for transports other than Tauri's (the loopback dev server): the same names and argument keys as the generated bindings.

use neuroflow_integrations::IntegrationDraft;
use neuroflow_model::agent::AgentSpec;
use neuroflow_model::graph::{Graph, GraphChanges, GraphSurface};
use neuroflow_model::order::OrderForm;
use neuroflow_model::settings::WorkflowSettings;
use neuroflow_model::{AIToolCategory, ComplexityLevel, LogLevel, OrderPriority, OrderStatus};
use neuroflow_runs::{RunOptions, RunUpdate};
use neuroflow_store::blueprints::BlueprintMeta;
use neuroflow_store::versions::SaveAs;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use tokio::sync::mpsc::UnboundedSender;

use neuroflow_sync::connect::TeamConnection;

use crate::commands::team::RestoreSide;
use crate::{AppError, Core, ErrorCode, ExportTo};

/// Every command name, as the bindings invoke it.
pub const COMMANDS: &[&str] = &[
    "app_info",
    "app_open_logs_folder",
    "node_kind_list",
    "workflow_list",
    "workflow_create",
    "workflow_rename",
    "workflow_set_settings",
    "workflow_delete",
    "workflow_get",
    "workflow_save_graph",
    "workflow_save_changes",
    "workflow_versions",
    "workflow_version_get",
    "workflow_export",
    "workflow_import",
    "blueprint_list",
    "blueprint_create",
    "blueprint_update_meta",
    "blueprint_delete",
    "blueprint_get",
    "blueprint_save_graph",
    "blueprint_save_changes",
    "blueprint_export",
    "blueprint_import",
    "blueprint_versions",
    "blueprint_version_get",
    "blueprint_kind_list",
    "blueprint_run",
    "draft_put",
    "draft_get",
    "draft_clear",
    "graph_check_changes",
    "workflow_run",
    "run_cancel",
    "execution_list",
    "execution_get",
    "integration_list",
    "integration_create",
    "integration_update",
    "integration_delete",
    "integration_test",
    "keychain_status",
    "keychain_use_session_memory",
    "agent_list",
    "agent_get",
    "agent_defaults",
    "agent_create",
    "agent_update",
    "agent_duplicate",
    "agent_delete",
    "dashboard",
    "order_list",
    "order_get",
    "order_estimate",
    "order_create",
    "order_update",
    "order_move",
    "order_milestone_add",
    "order_milestone_set_done",
    "order_log",
    "order_builders",
    "order_assign",
    "team_status",
    "team_sign_in",
    "team_open",
    "team_sign_out",
    "sync_now",
    "conflict_list",
    "conflict_restore",
    "conflict_dismiss",
    "refusal_dismiss",
    "member_list",
    "member_set_role",
    "member_remove",
];

/// What a call answered: its JSON result, or `{code, message}`.
pub type Invoked = Result<Value, AppError>;

/// True for the commands that stream run updates (their `updates` argument).
pub fn streams(command: &str) -> bool {
    matches!(command, "workflow_run" | "blueprint_run")
}

/// Decodes one command's args: a JSON object with the bindings' camelCase keys.
macro_rules! call {
    ($args:expr, |$($field:ident : $ty:ty),*| $body:expr) => {{
        #[derive(serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Args { $($field: $ty,)* }
        let Args { $($field,)* } = decode::<Args>($args)?;
        reply($body)
    }};
}

/// Runs `command` with `args` on `core`; run updates go to `updates` (dropped when `None`:
/// the run still finishes and is stored). Exports come back as text only (no file written).
pub async fn invoke(
    core: &Core,
    command: &str,
    args: Value,
    updates: Option<UnboundedSender<RunUpdate>>,
) -> Invoked {
    let sink = move |update: RunUpdate| {
        if let Some(updates) = &updates {
            // A page that went away stops listening; the run still finishes.
            let _ = updates.send(update);
        }
    };
    match command {
        "app_info" => reply(core.app_info()),
        "app_open_logs_folder" => reply(core.app_open_logs_folder()),
        "node_kind_list" => reply(core.node_kind_list()),
        "workflow_list" => call!(args, |search: Option<String>| core
            .workflow_list(search)
            .await),
        "workflow_create" => call!(args, |name: String| core.workflow_create(name).await),
        "workflow_rename" => {
            call!(args, |id: String, name: String| core
                .workflow_rename(id, name)
                .await)
        }
        "workflow_set_settings" => call!(args, |id: String, settings: WorkflowSettings| core
            .workflow_set_settings(id, settings)
            .await),
        "workflow_delete" => call!(args, |id: String| core.workflow_delete(id).await),
        "workflow_get" => call!(args, |id: String| core.workflow_get(id).await),
        "workflow_save_graph" => call!(args, |id: String, graph: Graph, save: SaveAs| core
            .workflow_save_graph(id, graph, save)
            .await),
        "workflow_save_changes" => {
            call!(args, |id: String, changes: GraphChanges, save: SaveAs| core
                .workflow_save_changes(id, changes, save)
                .await)
        }
        "workflow_versions" => call!(args, |id: String| core.workflow_versions(id).await),
        "workflow_version_get" => {
            call!(args, |version_id: String| core
                .workflow_version_get(version_id)
                .await)
        }
        "workflow_export" => {
            call!(args, |id: String| core
                .workflow_export(id, ExportTo::Caller)
                .await)
        }
        "workflow_import" => call!(args, |contents: String, file_name: String| core
            .workflow_import(contents, file_name)
            .await),
        "blueprint_list" => call!(
            args,
            |search: Option<String>, category: Option<AIToolCategory>| core
                .blueprint_list(search, category)
                .await
        ),
        "blueprint_create" => call!(args, |meta: BlueprintMeta| core
            .blueprint_create(meta)
            .await),
        "blueprint_update_meta" => call!(args, |id: String, meta: BlueprintMeta| core
            .blueprint_update_meta(id, meta)
            .await),
        "blueprint_delete" => call!(args, |id: String| core.blueprint_delete(id).await),
        "blueprint_get" => call!(args, |id: String| core.blueprint_get(id).await),
        "blueprint_save_graph" => call!(args, |id: String, graph: Graph, save: SaveAs| core
            .blueprint_save_graph(id, graph, save)
            .await),
        "blueprint_save_changes" => {
            call!(args, |id: String, changes: GraphChanges, save: SaveAs| core
                .blueprint_save_changes(id, changes, save)
                .await)
        }
        "blueprint_export" => {
            call!(args, |id: String| core
                .blueprint_export(id, ExportTo::Caller)
                .await)
        }
        "blueprint_import" => call!(args, |contents: String, file_name: String| core
            .blueprint_import(contents, file_name)
            .await),
        "blueprint_versions" => call!(args, |id: String| core.blueprint_versions(id).await),
        "blueprint_version_get" => {
            call!(args, |version_id: String| core
                .blueprint_version_get(version_id)
                .await)
        }
        "blueprint_kind_list" => reply(core.blueprint_kind_list()),
        "blueprint_run" => call!(args, |id: String, options: RunOptions| core
            .blueprint_run(id, options, sink)
            .await),
        "draft_put" => {
            call!(args, |owner_id: String,
                         surface: GraphSurface,
                         base_version: i32,
                         changes: GraphChanges| core
                .draft_put(owner_id, surface, base_version, changes)
                .await)
        }
        "draft_get" => call!(args, |owner_id: String| core.draft_get(owner_id).await),
        "draft_clear" => call!(args, |owner_id: String| core.draft_clear(owner_id).await),
        "graph_check_changes" => {
            call!(args, |owner_id: String,
                         surface: GraphSurface,
                         changes: GraphChanges,
                         input: Value| core
                .graph_check_changes(owner_id, surface, changes, input)
                .await)
        }
        "workflow_run" => call!(args, |id: String, options: RunOptions| core
            .workflow_run(id, options, sink)
            .await),
        "run_cancel" => call!(args, |execution_id: String| core.run_cancel(execution_id)),
        "execution_list" => call!(args, |workflow_id: Option<String>,
                                         limit: u32,
                                         offset: u32| {
            core.execution_list(workflow_id, limit, offset).await
        }),
        "execution_get" => call!(args, |id: String| core.execution_get(id).await),
        "integration_list" => reply(core.integration_list().await),
        "integration_create" => {
            call!(args, |draft: IntegrationDraft| core
                .integration_create(draft)
                .await)
        }
        "integration_update" => call!(args, |id: String, draft: IntegrationDraft| core
            .integration_update(id, draft)
            .await),
        "integration_delete" => call!(args, |id: String| core.integration_delete(id).await),
        "integration_test" => call!(args, |id: String| core.integration_test(id).await),
        "keychain_status" => reply(core.keychain_status().await),
        "keychain_use_session_memory" => reply(core.keychain_use_session_memory().await),
        "agent_list" => call!(args, |search: Option<String>| core.agent_list(search).await),
        "agent_get" => call!(args, |id: String| core.agent_get(id).await),
        "agent_defaults" => call!(args, |name: String| core.agent_defaults(name)),
        "agent_create" => call!(args, |spec: AgentSpec| core.agent_create(spec).await),
        "agent_update" => call!(args, |id: String, spec: AgentSpec| core
            .agent_update(id, spec)
            .await),
        "agent_duplicate" => call!(args, |id: String| core.agent_duplicate(id).await),
        "agent_delete" => call!(args, |id: String| core.agent_delete(id).await),
        "dashboard" => call!(args, |days: u32| core.dashboard(days).await),
        "order_list" => reply(core.order_list().await),
        "order_get" => call!(args, |id: String| core.order_get(id).await),
        "order_estimate" => {
            call!(args, |complexity: ComplexityLevel,
                         priority: OrderPriority| core
                .order_estimate(complexity, priority))
        }
        "order_create" => call!(args, |form: OrderForm| core.order_create(form).await),
        "order_update" => call!(args, |id: String, form: OrderForm| core
            .order_update(id, form)
            .await),
        "order_move" => {
            call!(args, |id: String,
                         to: OrderStatus,
                         reason: Option<String>,
                         final_cost: Option<f64>| core
                .order_move(id, to, reason, final_cost)
                .await)
        }
        "order_milestone_add" => call!(
            args,
            |id: String, title: String, due_date: Option<chrono::DateTime<chrono::Utc>>| core
                .order_milestone_add(id, title, due_date)
                .await
        ),
        "order_milestone_set_done" => {
            call!(args, |id: String, milestone_id: String, done: bool| core
                .order_milestone_set_done(id, milestone_id, done)
                .await)
        }
        "order_log" => call!(args, |id: String,
                                    level: LogLevel,
                                    stage: String,
                                    message: String| {
            core.order_log(id, level, stage, message).await
        }),
        "order_builders" => reply(core.order_builders().await),
        "order_assign" => call!(args, |id: String, builder: Option<String>| core
            .order_assign(id, builder)
            .await),
        "team_status" => reply(core.team_status().await),
        "team_sign_in" => call!(args, |connection: TeamConnection, password: String| core
            .team_sign_in(connection, password)
            .await),
        "team_open" => {
            call!(args, |connection: TeamConnection,
                         organization_id: String| core
                .team_open(connection, organization_id)
                .await)
        }
        "team_sign_out" => call!(args, |keep_local_copy: bool| core
            .team_sign_out(keep_local_copy)
            .await),
        "sync_now" => reply(core.sync_now().await),
        "conflict_list" => call!(args, |include_resolved: bool| core
            .conflict_list(include_resolved)
            .await),
        "conflict_restore" => call!(args, |id: String, side: RestoreSide| core
            .conflict_restore(id, side)
            .await),
        "conflict_dismiss" => call!(args, |id: String| core.conflict_dismiss(id).await),
        "refusal_dismiss" => call!(args, |id: String| core.refusal_dismiss(id).await),
        "member_list" => reply(core.member_list().await),
        "member_set_role" => call!(args, |id: String, role: String| core
            .member_set_role(id, role)
            .await),
        "member_remove" => call!(args, |id: String| core.member_remove(id).await),
        _ => Err(AppError::new(
            ErrorCode::NotFound,
            format!("there is no command `{}`", shown(command)),
        )),
    }
}

fn decode<T: DeserializeOwned>(args: Value) -> Result<T, AppError> {
    let args = if args.is_null() {
        Value::Object(Default::default())
    } else {
        args
    };
    serde_json::from_value(args).map_err(|e| AppError::invalid(format!("invalid args: {e}")))
}

fn reply<T: Serialize>(result: Result<T, AppError>) -> Invoked {
    let value = result?;
    serde_json::to_value(value).map_err(|e| AppError::new(ErrorCode::Internal, e.to_string()))
}

/// A name from outside, cut short for a message.
fn shown(command: &str) -> String {
    command.chars().take(60).collect()
}
