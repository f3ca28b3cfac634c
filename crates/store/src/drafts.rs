//! Unsaved canvas changes kept in the local database moments after each edit (what changed since the saved version), so that a crash loses no edit autosave had not stored yet; local only, never synced.

use chrono::{DateTime, Utc};
use neuroflow_model::graph::{Graph, GraphChanges, GraphSurface};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::graph_docs::{BlueprintTables, WorkflowTables};
use crate::repo::Store;
use crate::StoreError;

/// The unsaved state of one document's canvas.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Draft {
    pub owner_id: Uuid,
    /// The saved version the changes were made on.
    pub base_version: i32,
    /// The graph the canvas had: the saved graph (as it is now) with the draft's changes made.
    pub graph: Graph,
    pub updated_at: DateTime<Utc>,
}

fn surface_text(s: GraphSurface) -> &'static str {
    match s {
        GraphSurface::Workflow => "workflow",
        GraphSurface::Blueprint => "blueprint",
    }
}

fn local_only() -> StoreError {
    StoreError::Unavailable("drafts are kept in the local database only".into())
}

impl Store {
    /// Keeps (replacing) the document's unsaved changes: what the canvas changed since it loaded
    /// or last saved version `base_version`, as a save would send them.
    pub async fn draft_put(
        &self,
        owner_id: Uuid,
        surface: GraphSurface,
        base_version: i32,
        changes: &GraphChanges,
    ) -> Result<(), StoreError> {
        let crate::Db::Sqlite(pool) = self.db() else {
            return Err(local_only());
        };
        let text = serde_json::to_string(changes)
            .map_err(|e| StoreError::Invalid(format!("the draft cannot be kept: {e}")))?;
        sqlx::query(
            "INSERT INTO local_drafts (owner_id, surface, base_version, graph, changes, updated_at) \
             VALUES ($1, $2, $3, '', $4, $5) \
             ON CONFLICT (owner_id) DO UPDATE SET surface = excluded.surface, base_version = excluded.base_version, \
             graph = excluded.graph, changes = excluded.changes, updated_at = excluded.updated_at",
        )
        .bind(owner_id)
        .bind(surface_text(surface))
        .bind(base_version)
        .bind(text)
        .bind(Utc::now())
        .execute(pool)
        .await?;
        Ok(())
    }

    /// The document's draft, if one was left: the saved graph as it is now with the draft's
    /// changes made (so changes saved meanwhile elsewhere are kept too). A draft that no longer
    /// reads (written by another version of the app) is dropped rather than failing the open.
    pub async fn draft_get(&self, org: Uuid, owner_id: Uuid) -> Result<Option<Draft>, StoreError> {
        let crate::Db::Sqlite(pool) = self.db() else {
            return Err(local_only());
        };
        type Row = (i32, String, String, Option<String>, DateTime<Utc>);
        let row: Option<Row> = sqlx::query_as(
            "SELECT base_version, surface, graph, changes, updated_at FROM local_drafts WHERE owner_id = $1",
        )
        .bind(owner_id)
        .fetch_optional(pool)
        .await?;
        let Some((base_version, surface, text, changes, updated_at)) = row else {
            return Ok(None);
        };
        let graph = match changes {
            // Drafts of the first format held the whole graph.
            None => serde_json::from_str::<Graph>(&text).ok(),
            Some(changes) => match serde_json::from_str::<GraphChanges>(&changes) {
                Ok(changes) => {
                    let mut graph = if surface == "blueprint" {
                        self.graph_of::<BlueprintTables>(org, owner_id).await?
                    } else {
                        self.graph_of::<WorkflowTables>(org, owner_id).await?
                    };
                    changes.apply(&mut graph);
                    Some(graph)
                }
                Err(_) => None,
            },
        };
        match graph {
            Some(graph) => Ok(Some(Draft {
                owner_id,
                base_version,
                graph,
                updated_at,
            })),
            None => {
                self.draft_clear(owner_id).await?;
                Ok(None)
            }
        }
    }

    pub async fn draft_clear(&self, owner_id: Uuid) -> Result<(), StoreError> {
        let crate::Db::Sqlite(pool) = self.db() else {
            return Err(local_only());
        };
        sqlx::query("DELETE FROM local_drafts WHERE owner_id = $1")
            .bind(owner_id)
            .execute(pool)
            .await?;
        Ok(())
    }
}
