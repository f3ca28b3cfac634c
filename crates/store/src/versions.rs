//! Saved versions of workflow and blueprint graphs: which saves become versions, the history list (without the graphs), and one version's graph.

use chrono::{DateTime, Utc};
use neuroflow_model::entities::{BlueprintVersion, ToolBlueprint, Workflow, WorkflowVersion};
use neuroflow_model::graph::Graph;
use neuroflow_model::{DbEnum, VersionKind};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::db::on_db;
use crate::graph_docs::{BlueprintTables, GraphTables, WorkflowTables};
use crate::repo::Store;
use crate::workflows::Actor;
use crate::StoreError;

/// Autosaves become a version at most this often (an explicit save, a restore and an import
/// always do): the history stays readable and a long session does not store a copy of the
/// graph every few seconds.
pub const AUTOSAVE_CHECKPOINT: chrono::Duration = chrono::Duration::minutes(10);

/// One entry of a graph's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct VersionSummary {
    pub id: Uuid,
    /// The workflow's version number this save produced.
    pub version: i32,
    pub kind: VersionKind,
    pub label: String,
    pub node_count: i32,
    pub edge_count: i32,
    pub author_id: Uuid,
    /// The author's display name, or email when there is none.
    pub author: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct VersionDoc {
    pub summary: VersionSummary,
    pub graph: Graph,
}

/// How a save is recorded in the history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SaveAs {
    pub kind: VersionKind,
    /// Shown in the history, e.g. "Restored v3"; empty for plain saves.
    #[serde(default)]
    pub label: String,
}

impl SaveAs {
    pub fn save() -> Self {
        SaveAs {
            kind: VersionKind::Save,
            label: String::new(),
        }
    }

    /// The first version of an imported workflow or blueprint.
    pub fn import() -> Self {
        SaveAs {
            kind: VersionKind::Import,
            label: "Imported".into(),
        }
    }
}

type SummaryRow = (
    Uuid,
    i32,
    String,
    String,
    i32,
    i32,
    Uuid,
    DateTime<Utc>,
    Option<String>,
    Option<String>,
);

fn summary_of(row: SummaryRow) -> Result<VersionSummary, StoreError> {
    let (id, version, kind, label, node_count, edge_count, author_id, created_at, name, email) =
        row;
    let kind = VersionKind::parse(&kind).map_err(|e| StoreError::Invalid(e.to_string()))?;
    let author = name
        .filter(|n| !n.trim().is_empty())
        .or(email)
        .unwrap_or_else(|| "someone no longer in this workspace".to_string());
    Ok(VersionSummary {
        id,
        version,
        kind,
        label,
        node_count,
        edge_count,
        author_id,
        author,
        created_at,
    })
}

const SUMMARY_COLUMNS: &str = "v.id, v.version, v.kind, v.label, v.node_count, v.edge_count, v.author_id, v.created_at, u.display_name, u.email";

impl Store {
    /// The workflow's history, newest first, without the graphs.
    pub async fn workflow_versions(
        &self,
        actor: Actor,
        workflow_id: Uuid,
    ) -> Result<Vec<VersionSummary>, StoreError> {
        // The workflow must be this organization's (and live) for its history to be read.
        let _: Workflow = self.get(Some(actor.organization_id), workflow_id).await?;
        self.versions_of::<WorkflowTables>(actor, workflow_id).await
    }

    /// One saved version of a workflow, with its graph.
    pub async fn workflow_version_get(
        &self,
        actor: Actor,
        version_id: Uuid,
    ) -> Result<VersionDoc, StoreError> {
        let row: WorkflowVersion = self.get(Some(actor.organization_id), version_id).await?;
        let _: Workflow = self
            .get(Some(actor.organization_id), row.workflow_id)
            .await?;
        self.version_doc::<WorkflowTables>(actor, version_id, &row.graph)
            .await
    }

    /// The tool blueprint's history, newest first, without the graphs.
    pub async fn blueprint_versions(
        &self,
        actor: Actor,
        blueprint_id: Uuid,
    ) -> Result<Vec<VersionSummary>, StoreError> {
        let _: ToolBlueprint = self.get(Some(actor.organization_id), blueprint_id).await?;
        self.versions_of::<BlueprintTables>(actor, blueprint_id)
            .await
    }

    /// One saved version of a tool blueprint, with its graph.
    pub async fn blueprint_version_get(
        &self,
        actor: Actor,
        version_id: Uuid,
    ) -> Result<VersionDoc, StoreError> {
        let row: BlueprintVersion = self.get(Some(actor.organization_id), version_id).await?;
        let _: ToolBlueprint = self
            .get(Some(actor.organization_id), row.blueprint_id)
            .await?;
        self.version_doc::<BlueprintTables>(actor, version_id, &row.graph)
            .await
    }

    async fn versions_of<T: GraphTables>(
        &self,
        actor: Actor,
        owner: Uuid,
    ) -> Result<Vec<VersionSummary>, StoreError> {
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM {} v LEFT JOIN users u ON u.id = v.author_id \
             WHERE v.organization_id = $1 AND v.{} = $2 AND v.deleted_at IS NULL \
             ORDER BY v.created_at DESC, v.id DESC LIMIT 500",
            T::VERSION_TABLE,
            T::OWNER_COLUMN
        );
        let rows: Vec<SummaryRow> = on_db!(self.db(), pool => {
            sqlx::query_as(&sql)
                .bind(actor.organization_id)
                .bind(owner)
                .fetch_all(pool)
                .await?
        });
        rows.into_iter().map(summary_of).collect()
    }

    async fn version_doc<T: GraphTables>(
        &self,
        actor: Actor,
        version_id: Uuid,
        graph: &serde_json::Value,
    ) -> Result<VersionDoc, StoreError> {
        let graph: Graph = serde_json::from_value(graph.clone()).map_err(|e| {
            StoreError::Invalid(format!("version {version_id} holds no readable graph: {e}"))
        })?;
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM {} v LEFT JOIN users u ON u.id = v.author_id \
             WHERE v.organization_id = $1 AND v.id = $2",
            T::VERSION_TABLE
        );
        let summary: SummaryRow = on_db!(self.db(), pool => {
            sqlx::query_as(&sql)
                .bind(actor.organization_id)
                .bind(version_id)
                .fetch_one(pool)
                .await?
        });
        Ok(VersionDoc {
            summary: summary_of(summary)?,
            graph,
        })
    }
}
