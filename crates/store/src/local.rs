//! The local identity of an offline install: one organization and user made on first start,
//! and this device's id for HLC stamps.

use neuroflow_model::{new_id, OrgRole};
use serde::Serialize;
use uuid::Uuid;

use crate::db::Db;
use crate::value::{bind_all, SqlValue};
use crate::StoreError;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LocalIdentity {
    pub organization_id: Uuid,
    pub organization_name: String,
    pub user_id: Uuid,
    pub user_email: String,
    /// Low bits of this device's id, for HLC stamps.
    pub device: u64,
}

const SETTING_ORG: &str = "local_organization_id";
const SETTING_USER: &str = "local_user_id";
const SETTING_DEVICE: &str = "device_id";

/// Returns the local organization and user, creating them (in one transaction) on first start.
pub async fn ensure_local_identity(db: &Db) -> Result<LocalIdentity, StoreError> {
    let Db::Sqlite(pool) = db else {
        return Err(StoreError::Invalid(
            "the local identity lives in the embedded SQLite database".into(),
        ));
    };
    let mut tx = pool.begin().await?;
    let setting = |rows: &[(String, String)], key: &str| -> Option<Uuid> {
        rows.iter()
            .find(|(k, _)| k == key)
            .and_then(|(_, v)| Uuid::parse_str(v).ok())
    };
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT key, value FROM local_settings")
        .fetch_all(&mut *tx)
        .await?;
    let device = match setting(&rows, SETTING_DEVICE) {
        Some(d) => d,
        None => {
            let d = new_id();
            put_setting(&mut tx, SETTING_DEVICE, &d.to_string()).await?;
            d
        }
    };
    let (org_id, user_id) = match (setting(&rows, SETTING_ORG), setting(&rows, SETTING_USER)) {
        (Some(o), Some(u)) => (o, u),
        _ => {
            let now = crate::repo::now();
            let org_id = new_id();
            let user_id = new_id();
            let member_id = new_id();
            let slug = format!("local-{}", &org_id.simple().to_string()[..12]);
            bind_all(
                sqlx::query("INSERT INTO organizations (id, name, slug, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)"),
                vec![
                    SqlValue::Uuid(Some(org_id)),
                    SqlValue::Text(Some("My workspace".into())),
                    SqlValue::Text(Some(slug)),
                    SqlValue::Time(Some(now)),
                ],
            )
            .execute(&mut *tx)
            .await?;
            bind_all(
                sqlx::query("INSERT INTO users (id, email, display_name, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)"),
                vec![
                    SqlValue::Uuid(Some(user_id)),
                    SqlValue::Text(Some(format!("me@{}.local", &user_id.simple().to_string()[..12]))),
                    SqlValue::Text(Some("Me".into())),
                    SqlValue::Time(Some(now)),
                ],
            )
            .execute(&mut *tx)
            .await?;
            bind_all(
                sqlx::query("INSERT INTO organization_members (id, organization_id, user_id, role, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)"),
                vec![
                    SqlValue::Uuid(Some(member_id)),
                    SqlValue::Uuid(Some(org_id)),
                    SqlValue::Uuid(Some(user_id)),
                    SqlValue::Text(Some(OrgRole::Owner.to_string())),
                    SqlValue::Time(Some(now)),
                ],
            )
            .execute(&mut *tx)
            .await?;
            put_setting(&mut tx, SETTING_ORG, &org_id.to_string()).await?;
            put_setting(&mut tx, SETTING_USER, &user_id.to_string()).await?;
            (org_id, user_id)
        }
    };
    let (organization_name,): (String,) =
        sqlx::query_as("SELECT name FROM organizations WHERE id = $1")
            .bind(org_id)
            .fetch_one(&mut *tx)
            .await?;
    let (user_email,): (String,) = sqlx::query_as("SELECT email FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    let device_bits = device_bits(device);
    Ok(LocalIdentity {
        organization_id: org_id,
        organization_name,
        user_id,
        user_email,
        device: device_bits,
    })
}

/// The part of a device id its HLC stamps carry (what tells one device's stamps from another's).
pub fn device_bits(device: Uuid) -> u64 {
    u64::from_le_bytes(device.as_bytes()[8..16].try_into().unwrap_or([0; 8]))
}

async fn put_setting(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    key: &str,
    value: &str,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO local_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .bind(key)
        .bind(value)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
