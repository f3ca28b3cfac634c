//! Team sync for NeuroFlow Studio: a local SQLite database pushes its outbox to the team Postgres and pulls what others changed, merging field by field by HLC (DESIGN §5).
//!
//! Push before pull: a device's own edits reach the team database (which records any
//! conflict), then everything since the device's cursor comes back and merges with what is
//! local. Every statement on the team side runs as the signed-in person's LOGIN role, so
//! row-level security judges each row.

pub mod commands;
pub mod conflicts;
pub mod connect;
mod error;
pub mod live;
pub mod local;
pub mod members;
mod pull;
mod push;
mod rows;
pub mod tables;

use neuroflow_store::Store;
use sqlx::{PgPool, SqlitePool};
use uuid::Uuid;

pub use error::SyncError;
pub use pull::{pull, PullReport, CURSOR_SETTING};
pub use push::{push, PushReport, BOOKKEEPING, MAX_CLOCK_AHEAD_MS};

/// A connection to the team database as one person, in one of their organizations.
#[derive(Debug, Clone)]
pub struct TeamSession {
    pub pool: PgPool,
    pub organization_id: Uuid,
    pub user_id: Uuid,
}

impl TeamSession {
    /// Opens a session on a pool connected as a LOGIN role: who that is comes from the team
    /// database (`session_user`), never from the client.
    pub async fn open(pool: PgPool, organization_id: Uuid) -> Result<Self, SyncError> {
        let user_id: Option<Uuid> = sqlx::query_scalar("SELECT private.current_user_id()")
            .fetch_one(&pool)
            .await
            .map_err(error::remote)?;
        let user_id = user_id.ok_or_else(|| {
            SyncError::Refused("this login is not a person of the team database".into())
        })?;
        let member: Option<String> = sqlx::query_scalar(
            "SELECT role FROM organization_members WHERE organization_id = $1 AND user_id = $2 AND deleted_at IS NULL",
        )
        .bind(organization_id)
        .bind(user_id)
        .fetch_optional(&pool)
        .await
        .map_err(error::remote)?;
        if member.is_none() {
            return Err(SyncError::Refused(
                "you are not a member of that organization".into(),
            ));
        }
        Ok(Self {
            pool,
            organization_id,
            user_id,
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub pushed: PushReport,
    pub commands: commands::CommandReport,
    pub pulled: PullReport,
}

/// Mutations sent per team-database transaction.
pub const PUSH_BATCH: u32 = 500;

/// One sync: push the outbox (rows, then order commands, which may name rows just pushed),
/// then pull.
pub async fn sync(local: &Store, team: &TeamSession) -> Result<SyncReport, SyncError> {
    let pushed = push(local, team, PUSH_BATCH).await?;
    let commands = commands::push_commands(local, team, PUSH_BATCH).await?;
    let pulled = pull(local, team).await?;
    Ok(SyncReport {
        pushed,
        commands,
        pulled,
    })
}

/// This device's id (made on first start by the store's local identity).
async fn device_id(pool: &SqlitePool) -> Result<Uuid, SyncError> {
    let text: Option<String> =
        sqlx::query_scalar("SELECT value FROM local_settings WHERE key = 'device_id'")
            .fetch_optional(pool)
            .await
            .map_err(error::local_db)?;
    text.and_then(|t| Uuid::parse_str(&t).ok()).ok_or_else(|| {
        SyncError::Invalid("this database has no device id yet; open it with the app once".into())
    })
}

/// Opens (creating if missing) the local database that caches one organization of a team
/// database, and brings it up to date: the device gets its id, the first pull brings the
/// organization, its people and everything they made, and the local identity becomes the
/// signed-in person in that organization. An offline-only workspace is another file.
pub async fn open_team_cache(
    path: &std::path::Path,
    team: &TeamSession,
) -> Result<(Store, PullReport), SyncError> {
    let db = neuroflow_store::Db::open_sqlite(path).await?;
    let neuroflow_store::Db::Sqlite(pool) = &db else {
        return Err(SyncError::Invalid("the team cache is a SQLite file".into()));
    };
    let device = match device_id(pool).await {
        Ok(d) => d,
        Err(_) => {
            let d = neuroflow_model::new_id();
            put_setting(pool, "device_id", &d.to_string()).await?;
            d
        }
    };
    let store = Store::new(db.clone(), neuroflow_store::local::device_bits(device));
    store.resume_clock().await?;
    let pulled = pull(&store, team).await?;
    put_setting(
        pool,
        "local_organization_id",
        &team.organization_id.to_string(),
    )
    .await?;
    put_setting(pool, "local_user_id", &team.user_id.to_string()).await?;
    Ok((store, pulled))
}

async fn put_setting(pool: &SqlitePool, key: &str, value: &str) -> Result<(), SyncError> {
    sqlx::query(
        "INSERT INTO local_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(key)
    .bind(value)
    .execute(pool)
    .await
    .map_err(error::local_db)?;
    Ok(())
}
