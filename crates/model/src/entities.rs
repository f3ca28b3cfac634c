//! One struct per stored table, with the column list the store uses to read and write it.
//!
//! Every tenant row carries the sync columns of DESIGN §3: a client-made UUIDv7 `id`,
//! `organization_id`, timestamps, a tombstone `deleted_at` and the HLC stamp of its
//! last edit. Fields serialize camelCase (the IPC wire); columns are the snake_case names.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use uuid::Uuid;

use crate::enums::*;

/// How a column's value is stored and bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColKind {
    Uuid,
    Text,
    Int,
    Real,
    Bool,
    Json,
    Time,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// snake_case column name, also the Rust field name.
    pub name: &'static str,
    pub kind: ColKind,
}

/// The sync columns every entity table has, in table order around the entity's own.
pub const LEADING_COLUMNS: &[Column] = &[
    Column {
        name: "id",
        kind: ColKind::Uuid,
    },
    Column {
        name: "organization_id",
        kind: ColKind::Uuid,
    },
];
pub const TRAILING_COLUMNS: &[Column] = &[
    Column {
        name: "created_at",
        kind: ColKind::Time,
    },
    Column {
        name: "updated_at",
        kind: ColKind::Time,
    },
    Column {
        name: "deleted_at",
        kind: ColKind::Time,
    },
    Column {
        name: "hlc",
        kind: ColKind::Text,
    },
];

/// A stored table the generic repository can read and write.
pub trait Entity: Serialize + for<'de> Deserialize<'de> + Send + Sync + Unpin + 'static {
    const TABLE: &'static str;
    /// The entity's own columns (without the leading/trailing sync columns).
    const COLUMNS: &'static [Column];
    /// Rows are never updated nor deleted once written (build logs).
    const APPEND_ONLY: bool = false;
    fn id(&self) -> Uuid;
}

/// snake_case column name → camelCase JSON key.
pub fn json_key(column: &str) -> String {
    let mut out = String::with_capacity(column.len());
    let mut upper = false;
    for c in column.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

macro_rules! col_kind {
    (Uuid) => {
        ColKind::Uuid
    };
    (Text) => {
        ColKind::Text
    };
    (Int) => {
        ColKind::Int
    };
    (Real) => {
        ColKind::Real
    };
    (Bool) => {
        ColKind::Bool
    };
    (Json) => {
        ColKind::Json
    };
    (Time) => {
        ColKind::Time
    };
    (Enum) => {
        ColKind::Text
    };
}

macro_rules! entity {
    (
        $(#[$meta:meta])*
        $name:ident in $table:literal, org: $org:ty $(, append_only: $append:literal)? {
            $( $(#[$fmeta:meta])* $field:ident : $ty:ty = $kind:ident ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
        #[serde(rename_all = "camelCase")]
        pub struct $name {
            pub id: Uuid,
            pub organization_id: $org,
            $( $(#[$fmeta])* pub $field: $ty, )*
            pub created_at: DateTime<Utc>,
            pub updated_at: DateTime<Utc>,
            pub deleted_at: Option<DateTime<Utc>>,
            /// HLC stamp of the last edit (sync ordering).
            pub hlc: String,
        }

        impl Entity for $name {
            const TABLE: &'static str = $table;
            const COLUMNS: &'static [Column] = &[
                $( Column { name: stringify!($field), kind: col_kind!($kind) } ),*
            ];
            $(const APPEND_ONLY: bool = $append;)?
            fn id(&self) -> Uuid { self.id }
        }
    };
}

// ---------------------------------------------------------------- Garage

entity!(
    /// A client's order for a custom AI agent, tracked from draft to delivery.
    CustomAgentOrder in "custom_agent_orders", org: Uuid {
        title: String = Text,
        description: String = Text,
        requirements: String = Text,
        status: OrderStatus = Enum,
        priority: OrderPriority = Enum,
        complexity: ComplexityLevel = Enum,
        /// 0–100.
        progress: i32 = Int,
        agent_config: Json = Json,
        tools_config: Json = Json,
        estimated_hours: f64 = Real,
        estimated_cost: f64 = Real,
        final_cost: Option<f64> = Real,
        currency: String = Text,
        due_date: Option<DateTime<Utc>> = Time,
        submitted_at: Option<DateTime<Utc>> = Time,
        approved_at: Option<DateTime<Utc>> = Time,
        started_at: Option<DateTime<Utc>> = Time,
        completed_at: Option<DateTime<Utc>> = Time,
        delivered_at: Option<DateTime<Utc>> = Time,
        created_by: Uuid = Uuid,
        assigned_to: Option<Uuid> = Uuid,
    }
);

entity!(
    /// A stage of an order's build, with its due date and completion.
    OrderMilestone in "order_milestones", org: Uuid {
        order_id: Uuid = Uuid,
        title: String = Text,
        stage: String = Text,
        description: String = Text,
        position: i32 = Int,
        due_date: Option<DateTime<Utc>> = Time,
        completed_at: Option<DateTime<Utc>> = Time,
    }
);

entity!(
    /// One line of an order's build log. Append-only.
    BuildLog in "build_logs", org: Uuid, append_only: true {
        order_id: Uuid = Uuid,
        level: LogLevel = Enum,
        stage: String = Text,
        message: String = Text,
        details: Json = Json,
    }
);

entity!(
    /// An AI agent template: system (no organization), public, or an organization's own.
    AgentTemplate in "agent_templates", org: Option<Uuid> {
        name: String = Text,
        description: String = Text,
        category: AgentCategory = Enum,
        personality: Json = Json,
        model_config: Json = Json,
        tools: Json = Json,
        memory_config: Json = Json,
        is_system: bool = Bool,
        is_public: bool = Bool,
        usage_count: i32 = Int,
        rating_avg: f64 = Real,
        rating_count: i32 = Int,
        created_by: Option<Uuid> = Uuid,
    }
);

entity!(
    /// A 1–5 star review of an agent template; one per reviewer and template.
    TemplateReview in "template_reviews", org: Uuid {
        template_id: Uuid = Uuid,
        reviewer_id: Uuid = Uuid,
        rating: i32 = Int,
        comment: String = Text,
    }
);

entity!(
    /// A visual program that becomes a tool agents can call; its graph is stored per element.
    ToolBlueprint in "tool_blueprints", org: Uuid {
        name: String = Text,
        description: String = Text,
        category: AIToolCategory = Enum,
        is_public: bool = Bool,
        version: i32 = Int,
        input_schema: Json = Json,
        output_schema: Json = Json,
        created_by: Uuid = Uuid,
    }
);

entity!(
    /// An AI project showcase, public or private, with its metrics.
    ProjectShowcase in "project_showcases", org: Uuid {
        title: String = Text,
        description: String = Text,
        category: ShowcaseCategory = Enum,
        is_public: bool = Bool,
        features: Json = Json,
        technologies: Json = Json,
        demo_url: Option<String> = Text,
        repository_url: Option<String> = Text,
        image_url: Option<String> = Text,
        views: i32 = Int,
        likes: i32 = Int,
        created_by: Uuid = Uuid,
    }
);

// ---------------------------------------------------------------- Hub

entity!(
    /// A visual workflow; its nodes and edges are rows of their own.
    Workflow in "workflows", org: Uuid {
        name: String = Text,
        description: String = Text,
        version: i32 = Int,
        template_id: Option<Uuid> = Uuid,
        /// Kept by the schema, not written per run: a count on a synced row written by two
        /// offline devices keeps one device's count. The store counts a workflow's runs from
        /// the executions on the device (`WorkflowSummary::runs`, `last_run_at`).
        execution_count: i32 = Int,
        last_executed: Option<DateTime<Utc>> = Time,
        is_active: bool = Bool,
        created_by: Uuid = Uuid,
        /// `settings::WorkflowSettings` as JSON.
        settings: Json = Json,
    }
);

entity!(
    /// One run of a workflow.
    WorkflowExecution in "workflow_executions", org: Uuid {
        workflow_id: Uuid = Uuid,
        status: ExecutionStatus = Enum,
        started_at: DateTime<Utc> = Time,
        finished_at: Option<DateTime<Utc>> = Time,
        duration_ms: Option<i32> = Int,
        tokens_used: i32 = Int,
        cost: f64 = Real,
        input_data: Json = Json,
        output_data: Option<Json> = Json,
        logs: Json = Json,
        error: Option<String> = Text,
        triggered_by: Option<Uuid> = Uuid,
    }
);

entity!(
    /// A marketplace workflow template: system (no organization), public or an organization's.
    WorkflowTemplate in "workflow_templates", org: Option<Uuid> {
        name: String = Text,
        description: String = Text,
        category: TemplateCategory = Enum,
        difficulty: DifficultyLevel = Enum,
        graph: Json = Json,
        tags: Json = Json,
        is_system: bool = Bool,
        is_public: bool = Bool,
        is_featured: bool = Bool,
        usage_count: i32 = Int,
        rating_avg: f64 = Real,
        rating_count: i32 = Int,
        created_by: Option<Uuid> = Uuid,
    }
);

entity!(
    /// An AI agent: personality, model configuration, capabilities and memory.
    AiAgent in "ai_agents", org: Uuid {
        name: String = Text,
        description: String = Text,
        personality: Json = Json,
        /// provider, model, parameters; an API key is only ever a keychain reference.
        model_config: Json = Json,
        capabilities: Json = Json,
        memory: Json = Json,
        success_rate: f64 = Real,
        avg_response_ms: f64 = Real,
        total_executions: i32 = Int,
        status: AgentStatus = Enum,
        is_active: bool = Bool,
        created_by: Uuid = Uuid,
    }
);

entity!(
    /// One task run of an agent, optionally inside a workflow execution.
    AgentExecution in "agent_executions", org: Uuid {
        agent_id: Uuid = Uuid,
        workflow_execution_id: Option<Uuid> = Uuid,
        task: String = Text,
        input: Json = Json,
        output: Option<Json> = Json,
        status: ExecutionStatus = Enum,
        started_at: DateTime<Utc> = Time,
        finished_at: Option<DateTime<Utc>> = Time,
        duration_ms: Option<i32> = Int,
        tokens_used: i32 = Int,
        cost: f64 = Real,
        provider: String = Text,
        model: String = Text,
        error: Option<String> = Text,
    }
);

entity!(
    /// A team of agents with a coordination structure.
    AgentTeam in "agent_teams", org: Uuid {
        name: String = Text,
        description: String = Text,
        structure: TeamStructure = Enum,
        coordination_config: Json = Json,
        success_rate: f64 = Real,
        total_executions: i32 = Int,
        is_active: bool = Bool,
        created_by: Uuid = Uuid,
    }
);

entity!(
    /// An agent's membership in a team; unique per team and agent.
    TeamMember in "team_members", org: Uuid {
        team_id: Uuid = Uuid,
        agent_id: Uuid = Uuid,
        role: TeamRole = Enum,
        priority: i32 = Int,
    }
);

entity!(
    /// One task run of a team.
    TeamExecution in "team_executions", org: Uuid {
        team_id: Uuid = Uuid,
        task: String = Text,
        coordination_pattern: TeamStructure = Enum,
        input: Json = Json,
        output: Option<Json> = Json,
        participation: Json = Json,
        status: ExecutionStatus = Enum,
        started_at: DateTime<Utc> = Time,
        finished_at: Option<DateTime<Utc>> = Time,
        duration_ms: Option<i32> = Int,
        tokens_used: i32 = Int,
        cost: f64 = Real,
        error: Option<String> = Text,
    }
);

entity!(
    /// A connection to an external service. Credentials live in the OS keychain; the row keeps
    /// only a reference, scopes, expiry and a fingerprint.
    Integration in "integrations", org: Uuid {
        name: String = Text,
        provider: IntegrationProvider = Enum,
        config: Json = Json,
        credential_ref: Option<String> = Text,
        credential_fingerprint: Option<String> = Text,
        scopes: Json = Json,
        credential_expires_at: Option<DateTime<Utc>> = Time,
        status: IntegrationStatus = Enum,
        last_tested: Option<DateTime<Utc>> = Time,
        last_error: Option<String> = Text,
        created_by: Uuid = Uuid,
    }
);

// ---------------------------------------------------------------- graph elements

entity!(
    /// One node of a workflow graph.
    WorkflowNode in "workflow_nodes", org: Uuid {
        workflow_id: Uuid = Uuid,
        kind: String = Text,
        label: String = Text,
        position_x: f64 = Real,
        position_y: f64 = Real,
        config: Json = Json,
    }
);

entity!(
    /// One edge of a workflow graph, between two node ports.
    WorkflowEdge in "workflow_edges", org: Uuid {
        workflow_id: Uuid = Uuid,
        source_id: Uuid = Uuid,
        source_handle: Option<String> = Text,
        target_id: Uuid = Uuid,
        target_handle: Option<String> = Text,
    }
);

entity!(
    /// One component of a tool blueprint graph.
    BlueprintComponent in "blueprint_components", org: Uuid {
        blueprint_id: Uuid = Uuid,
        kind: String = Text,
        label: String = Text,
        position_x: f64 = Real,
        position_y: f64 = Real,
        config: Json = Json,
    }
);

entity!(
    /// One connection of a tool blueprint graph.
    BlueprintConnection in "blueprint_connections", org: Uuid {
        blueprint_id: Uuid = Uuid,
        source_id: Uuid = Uuid,
        source_handle: Option<String> = Text,
        target_id: Uuid = Uuid,
        target_handle: Option<String> = Text,
    }
);

entity!(
    /// A saved version of a workflow graph, kept whole; never changed once written.
    WorkflowVersion in "workflow_versions", org: Uuid {
        workflow_id: Uuid = Uuid,
        version: i32 = Int,
        kind: VersionKind = Enum,
        label: String = Text,
        graph: Json = Json,
        node_count: i32 = Int,
        edge_count: i32 = Int,
        author_id: Uuid = Uuid,
    }
);

entity!(
    /// A saved version of a tool blueprint graph, kept whole; never changed once written.
    BlueprintVersion in "blueprint_versions", org: Uuid {
        blueprint_id: Uuid = Uuid,
        version: i32 = Int,
        kind: VersionKind = Enum,
        label: String = Text,
        graph: Json = Json,
        node_count: i32 = Int,
        edge_count: i32 = Int,
        author_id: Uuid = Uuid,
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_keys_are_camel_case_of_columns() {
        assert_eq!(json_key("organization_id"), "organizationId");
        assert_eq!(json_key("position_x"), "positionX");
        assert_eq!(json_key("name"), "name");
    }

    #[test]
    fn serialized_fields_match_the_column_list() {
        let w = Workflow {
            id: crate::new_id(),
            organization_id: crate::new_id(),
            name: "n".into(),
            description: String::new(),
            version: 1,
            template_id: None,
            execution_count: 0,
            last_executed: None,
            is_active: true,
            created_by: crate::new_id(),
            settings: serde_json::json!({}),
            created_at: Utc::now(),
            updated_at: Utc::now(),
            deleted_at: None,
            hlc: String::new(),
        };
        let value = serde_json::to_value(&w).expect("serialize");
        let obj = value.as_object().expect("object");
        let cols: Vec<_> = LEADING_COLUMNS
            .iter()
            .chain(Workflow::COLUMNS)
            .chain(TRAILING_COLUMNS)
            .collect();
        assert_eq!(obj.len(), cols.len());
        for c in cols {
            assert!(obj.contains_key(&json_key(c.name)), "{}", c.name);
        }
    }
}
