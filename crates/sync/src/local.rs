//! What this device knows of its team without asking the team database: who the signed-in person is there and their role (as last pulled), how many edits wait to be pushed, and how many conflicts are open.

use neuroflow_store::{Db, Store};
use serde::Serialize;
use uuid::Uuid;

use crate::error::local_db;
use crate::tables::{pull_order, Travel};
use crate::SyncError;

/// The signed-in person in their organization, from the local copy (works offline).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct LocalMember {
    pub email: String,
    pub display_name: String,
    pub organization_name: String,
    pub organization_slug: String,
    /// OWNER, ADMIN, MEMBER or VIEWER; `None` once the membership was removed.
    pub role: Option<String>,
}

fn sqlite(local: &Store) -> Result<&sqlx::SqlitePool, SyncError> {
    match local.db() {
        Db::Sqlite(pool) => Ok(pool),
        Db::Postgres(_) => Err(SyncError::Invalid(
            "this is read from the local database".into(),
        )),
    }
}

pub async fn member(
    local: &Store,
    organization_id: Uuid,
    user_id: Uuid,
) -> Result<LocalMember, SyncError> {
    let pool = sqlite(local)?;
    let (email, display_name): (String, String) =
        sqlx::query_as("SELECT email, display_name FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_one(pool)
            .await
            .map_err(local_db)?;
    let (organization_name, organization_slug): (String, String) =
        sqlx::query_as("SELECT name, slug FROM organizations WHERE id = $1")
            .bind(organization_id)
            .fetch_one(pool)
            .await
            .map_err(local_db)?;
    let role: Option<String> = sqlx::query_scalar(
        "SELECT role FROM organization_members WHERE organization_id = $1 AND user_id = $2 AND deleted_at IS NULL",
    )
    .bind(organization_id)
    .bind(user_id)
    .fetch_optional(pool)
    .await
    .map_err(local_db)?;
    Ok(LocalMember {
        email,
        display_name,
        organization_name,
        organization_slug,
        role,
    })
}

/// Local edits not yet received by the team database: rows of the tables that push, and
/// order commands.
pub async fn waiting(local: &Store) -> Result<u32, SyncError> {
    let pool = sqlite(local)?;
    let synced: Vec<&str> = pull_order()
        .into_iter()
        .filter(|t| matches!(t.travel, Travel::Merged | Travel::Whole))
        .map(|t| t.name)
        .collect();
    let marks = vec!["?"; synced.len()].join(", ");
    let sql = format!(
        "SELECT (SELECT count(*) FROM outbox WHERE table_name IN ({marks})) + (SELECT count(*) FROM command_outbox)"
    );
    let mut query = sqlx::query_scalar::<_, i64>(&sql);
    for name in synced {
        query = query.bind(name);
    }
    let n = query.fetch_one(pool).await.map_err(local_db)?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// The organization's conflicts nobody has resolved yet.
pub async fn open_conflicts(local: &Store, organization_id: Uuid) -> Result<u32, SyncError> {
    let pool = sqlite(local)?;
    let n: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM sync_conflicts WHERE organization_id = $1 AND deleted_at IS NULL AND resolved_at IS NULL",
    )
    .bind(organization_id)
    .fetch_one(pool)
    .await
    .map_err(local_db)?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}
