//! Which tables sync, how (merged field by field, kept whole, or the server's copy), their columns and the order a pull applies them in.

use neuroflow_model::entities::{
    AgentTeam, AiAgent, BlueprintComponent, BlueprintConnection, BlueprintVersion, BuildLog,
    ColKind, Column, CustomAgentOrder, Entity, OrderMilestone, TeamMember, ToolBlueprint, Workflow,
    WorkflowEdge, WorkflowNode, WorkflowVersion, LEADING_COLUMNS, TRAILING_COLUMNS,
};

/// How a table's rows travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Travel {
    /// Merged field by field by HLC; pushed from the outbox and pulled.
    Merged,
    /// Written once and never changed (saved versions): pushed once, pulled as they are.
    Whole,
    /// Written only on the server (tenancy, recorded conflicts): pulled as the server has them.
    ServerOwned,
    /// Changed by commands (orders): each command is decided again on the server's copy
    /// (`crate::commands`), and rows are pulled as the server has them.
    Commanded,
}

#[derive(Debug, Clone)]
pub struct Table {
    pub name: &'static str,
    pub columns: Vec<&'static Column>,
    pub travel: Travel,
    /// Rows of this table belong to one organization (`organization_id`); else `users`, which
    /// RLS alone scopes to the people the caller may see.
    pub per_org: bool,
    /// Rows are never changed once written (build logs): a pull inserts them once.
    pub append_only: bool,
}

fn columns<E: Entity>() -> Vec<&'static Column> {
    LEADING_COLUMNS
        .iter()
        .chain(E::COLUMNS)
        .chain(TRAILING_COLUMNS)
        .collect()
}

const fn col(name: &'static str, kind: ColKind) -> Column {
    Column { name, kind }
}

const ORGANIZATIONS: &[Column] = &[
    col("id", ColKind::Uuid),
    col("name", ColKind::Text),
    col("slug", ColKind::Text),
    col("created_at", ColKind::Time),
    col("updated_at", ColKind::Time),
    col("deleted_at", ColKind::Time),
    col("hlc", ColKind::Text),
];
const USERS: &[Column] = &[
    col("id", ColKind::Uuid),
    col("email", ColKind::Text),
    col("display_name", ColKind::Text),
    col("pg_role", ColKind::Text),
    col("created_at", ColKind::Time),
    col("updated_at", ColKind::Time),
    col("deleted_at", ColKind::Time),
    col("hlc", ColKind::Text),
];
const MEMBERS: &[Column] = &[
    col("id", ColKind::Uuid),
    col("organization_id", ColKind::Uuid),
    col("user_id", ColKind::Uuid),
    col("role", ColKind::Text),
    col("created_at", ColKind::Time),
    col("updated_at", ColKind::Time),
    col("deleted_at", ColKind::Time),
    col("hlc", ColKind::Text),
];
pub const CONFLICTS: &[Column] = &[
    col("id", ColKind::Uuid),
    col("organization_id", ColKind::Uuid),
    col("table_name", ColKind::Text),
    col("row_id", ColKind::Uuid),
    col("field", ColKind::Text),
    col("reason", ColKind::Text),
    col("lost_value", ColKind::Json),
    col("lost_hlc", ColKind::Text),
    col("lost_by", ColKind::Uuid),
    col("won_value", ColKind::Json),
    col("won_hlc", ColKind::Text),
    col("won_by", ColKind::Uuid),
    col("resolved_at", ColKind::Time),
    col("created_at", ColKind::Time),
    col("updated_at", ColKind::Time),
    col("deleted_at", ColKind::Time),
    col("hlc", ColKind::Text),
];

fn table(name: &'static str, columns: Vec<&'static Column>, travel: Travel) -> Table {
    Table {
        name,
        columns,
        travel,
        per_org: name != "users" && name != "organizations",
        append_only: name == BuildLog::TABLE && BuildLog::APPEND_ONLY,
    }
}

/// Every table a pull reads, parents before children (SQLite checks foreign keys).
pub fn pull_order() -> Vec<Table> {
    use Travel::*;
    vec![
        table("organizations", ORGANIZATIONS.iter().collect(), ServerOwned),
        table("users", USERS.iter().collect(), ServerOwned),
        table(
            "organization_members",
            MEMBERS.iter().collect(),
            ServerOwned,
        ),
        table("workflows", columns::<Workflow>(), Merged),
        table("workflow_nodes", columns::<WorkflowNode>(), Merged),
        table("workflow_edges", columns::<WorkflowEdge>(), Merged),
        table("workflow_versions", columns::<WorkflowVersion>(), Whole),
        table("tool_blueprints", columns::<ToolBlueprint>(), Merged),
        table(
            "blueprint_components",
            columns::<BlueprintComponent>(),
            Merged,
        ),
        table(
            "blueprint_connections",
            columns::<BlueprintConnection>(),
            Merged,
        ),
        table("blueprint_versions", columns::<BlueprintVersion>(), Whole),
        table("ai_agents", columns::<AiAgent>(), Merged),
        table("agent_teams", columns::<AgentTeam>(), Merged),
        table("team_members", columns::<TeamMember>(), Merged),
        table(
            "custom_agent_orders",
            columns::<CustomAgentOrder>(),
            Commanded,
        ),
        table("order_milestones", columns::<OrderMilestone>(), Commanded),
        table("build_logs", columns::<BuildLog>(), Commanded),
        table("sync_conflicts", CONFLICTS.iter().collect(), ServerOwned),
    ]
}

/// The table a pushed mutation names, when it is one whose rows are pushed.
pub fn pushed(name: &str) -> Option<Table> {
    pull_order()
        .into_iter()
        .find(|t| t.name == name && matches!(t.travel, Travel::Merged | Travel::Whole))
}

/// A table that syncs, by name.
pub fn named(name: &str) -> Option<Table> {
    pull_order().into_iter().find(|t| t.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_tables_are_exactly_the_ones_the_store_stamps() {
        let merged: Vec<&str> = pull_order()
            .iter()
            .filter(|t| t.travel == Travel::Merged)
            .map(|t| t.name)
            .collect();
        assert_eq!(merged, neuroflow_model::fields::SYNCED_TABLES);
    }

    #[test]
    fn pushed_tables_are_exactly_the_ones_the_store_puts_in_the_outbox() {
        let mut pushed: Vec<&str> = pull_order()
            .iter()
            .filter(|t| pushed(t.name).is_some())
            .map(|t| t.name)
            .collect();
        let mut outboxed = neuroflow_model::fields::PUSHED_TABLES.to_vec();
        pushed.sort_unstable();
        outboxed.sort_unstable();
        assert_eq!(pushed, outboxed);
    }
}
