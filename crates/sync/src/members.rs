//! An organization's people as the team database has them: who they are, their role, and the changes an OWNER or ADMIN may make (checked by Postgres, not only here).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::remote;
use crate::{SyncError, TeamSession};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Member {
    /// The membership's id (what a change names).
    pub id: Uuid,
    pub user_id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: String,
}

/// The organization's members, owners first.
pub async fn list(team: &TeamSession) -> Result<Vec<Member>, SyncError> {
    let rows: Vec<(Uuid, Uuid, String, String, String)> = sqlx::query_as(
        "SELECT m.id, m.user_id, u.email, u.display_name, m.role FROM organization_members m \
         JOIN users u ON u.id = m.user_id \
         WHERE m.organization_id = $1 AND m.deleted_at IS NULL \
         ORDER BY array_position(ARRAY['OWNER','ADMIN','MEMBER','VIEWER'], m.role), u.email",
    )
    .bind(team.organization_id)
    .fetch_all(&team.pool)
    .await
    .map_err(remote)?;
    Ok(rows
        .into_iter()
        .map(|(id, user_id, email, display_name, role)| Member {
            id,
            user_id,
            email,
            display_name,
            role,
        })
        .collect())
}

/// Gives a member another role.
pub async fn set_role(team: &TeamSession, member: Uuid, role: &str) -> Result<(), SyncError> {
    change(team, member, Some(role)).await
}

/// Takes a person out of the organization (their login stays, for their other organizations).
pub async fn remove(team: &TeamSession, member: Uuid) -> Result<(), SyncError> {
    change(team, member, None).await
}

async fn change(team: &TeamSession, member: Uuid, role: Option<&str>) -> Result<(), SyncError> {
    sqlx::query("SELECT private.change_membership($1, $2, $3)")
        .bind(member)
        .bind(role)
        .bind(role.is_none())
        .execute(&team.pool)
        .await
        .map_err(remote)?;
    Ok(())
}

/// The command that makes a person's login, for the app to show: creating LOGIN roles needs the
/// team database's admin, which the app never holds.
pub fn create_user_command(email: &str, org_slug: &str, role: &str) -> String {
    format!(
        "neuroflow admin create-user --database-url postgres://ADMIN@HOST:PORT/DATABASE --email {email} --org {org_slug} --role {role} --password-stdin"
    )
}
