//! The conflict list on this device: what a merge overwrote, whose work it was, when, the value that lost and where it lives — read from the local copy, so it works offline — and marking one resolved.

use chrono::{DateTime, Utc};
use neuroflow_store::{Db, Store};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::Row;
use uuid::Uuid;

use crate::error::{local_db, remote};
use crate::{SyncError, TeamSession};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ConflictView {
    pub id: Uuid,
    pub table: String,
    pub row_id: Uuid,
    /// The field: a column (`label`), `position`, or a setting (`config.url`).
    pub field: String,
    /// `overwritten` (a later edit of the same field won) or `deleted` (a delete won).
    pub reason: String,
    /// The value that lost (`None`: a setting that was removed).
    pub lost_value: Option<Value>,
    /// Who made the losing edit, as the team knows them (email), when known.
    pub lost_by: Option<String>,
    pub won_value: Option<Value>,
    pub won_by: Option<String>,
    pub at: DateTime<Utc>,
    pub resolved: bool,
    /// Where it is: the workflow or blueprint the row belongs to (or is).
    pub document_id: Option<Uuid>,
    pub document_name: Option<String>,
    /// The node, edge or component's label, when the row is one.
    pub element_label: Option<String>,
}

/// The organization's conflicts on this device, newest first; resolved ones only when asked.
pub async fn list(
    local: &Store,
    organization_id: Uuid,
    include_resolved: bool,
) -> Result<Vec<ConflictView>, SyncError> {
    let Db::Sqlite(pool) = local.db() else {
        return Err(SyncError::Invalid(
            "conflicts are read from the local database".into(),
        ));
    };
    let rows = sqlx::query(
        "SELECT c.id, c.table_name, c.row_id, c.field, c.reason, c.lost_value, lu.email AS lost_by, \
                c.won_value, wu.email AS won_by, c.created_at, c.resolved_at IS NOT NULL AS resolved, \
                coalesce(n.workflow_id, e.workflow_id, bc.blueprint_id, bk.blueprint_id, \
                         CASE WHEN c.table_name IN ('workflows', 'tool_blueprints') THEN c.row_id END) AS document_id, \
                coalesce(w.name, b.name) AS document_name, coalesce(n.label, bc.label) AS element_label \
         FROM sync_conflicts c \
         LEFT JOIN users lu ON lu.id = c.lost_by \
         LEFT JOIN users wu ON wu.id = c.won_by \
         LEFT JOIN workflow_nodes n ON c.table_name = 'workflow_nodes' AND n.id = c.row_id \
         LEFT JOIN workflow_edges e ON c.table_name = 'workflow_edges' AND e.id = c.row_id \
         LEFT JOIN blueprint_components bc ON c.table_name = 'blueprint_components' AND bc.id = c.row_id \
         LEFT JOIN blueprint_connections bk ON c.table_name = 'blueprint_connections' AND bk.id = c.row_id \
         LEFT JOIN workflows w ON w.id = coalesce(n.workflow_id, e.workflow_id, CASE WHEN c.table_name = 'workflows' THEN c.row_id END) \
         LEFT JOIN tool_blueprints b ON b.id = coalesce(bc.blueprint_id, bk.blueprint_id, CASE WHEN c.table_name = 'tool_blueprints' THEN c.row_id END) \
         WHERE c.organization_id = $1 AND c.deleted_at IS NULL AND ($2 OR c.resolved_at IS NULL) \
         ORDER BY c.created_at DESC, c.id DESC LIMIT 1000",
    )
    .bind(organization_id)
    .bind(include_resolved)
    .fetch_all(pool)
    .await
    .map_err(local_db)?;
    let json = |r: &sqlx::sqlite::SqliteRow, col: &str| -> Option<Value> {
        r.try_get::<Option<String>, _>(col)
            .ok()
            .flatten()
            .and_then(|t| serde_json::from_str(&t).ok())
    };
    rows.iter()
        .map(|r| {
            Ok(ConflictView {
                id: r.try_get("id").map_err(local_db)?,
                table: r.try_get("table_name").map_err(local_db)?,
                row_id: r.try_get("row_id").map_err(local_db)?,
                field: r.try_get("field").map_err(local_db)?,
                reason: r.try_get("reason").map_err(local_db)?,
                lost_value: json(r, "lost_value"),
                lost_by: r.try_get("lost_by").map_err(local_db)?,
                won_value: json(r, "won_value"),
                won_by: r.try_get("won_by").map_err(local_db)?,
                at: r.try_get("created_at").map_err(local_db)?,
                resolved: r.try_get("resolved").map_err(local_db)?,
                document_id: r.try_get("document_id").map_err(local_db)?,
                document_name: r.try_get("document_name").map_err(local_db)?,
                element_label: r.try_get("element_label").map_err(local_db)?,
            })
        })
        .collect()
}

/// Marks a conflict resolved for everyone (online: the team database records it, and the next
/// pull brings it to every device).
pub async fn resolve(team: &TeamSession, id: Uuid) -> Result<(), SyncError> {
    let done = sqlx::query(
        "UPDATE sync_conflicts SET resolved_at = now(), updated_at = now() WHERE id = $1 AND organization_id = $2 AND resolved_at IS NULL",
    )
    .bind(id)
    .bind(team.organization_id)
    .execute(&team.pool)
    .await
    .map_err(remote)?;
    if done.rows_affected() == 0 {
        return Err(SyncError::Invalid(
            "that conflict is already resolved or no longer exists".into(),
        ));
    }
    Ok(())
}

/// Opens a resolved conflict again (its restore was undone: the value that lost is lost again).
pub async fn reopen(team: &TeamSession, id: Uuid) -> Result<(), SyncError> {
    sqlx::query(
        "UPDATE sync_conflicts SET resolved_at = NULL, updated_at = now() WHERE id = $1 AND organization_id = $2 AND resolved_at IS NOT NULL",
    )
    .bind(id)
    .bind(team.organization_id)
    .execute(&team.pool)
    .await
    .map_err(remote)?;
    Ok(())
}
