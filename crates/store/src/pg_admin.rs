//! Admin path of the team store: people, organizations, memberships and their Postgres LOGIN
//! roles. Runs on a superuser pool (the schema's RLS does not apply to it; tenancy tables are
//! written only here). A person then connects with [`connect_as`] as their own role, a member
//! of `app_user`, and every query they make is filtered by row-level security
//! (migrations/postgres/0002_security.sql).
//!
//! Passwords travel only as bind parameters: they never appear in a statement's text (so neither
//! sqlx's statement log nor the server's statement log sees them), in an error message, or in a
//! `Debug` output.

use std::str::FromStr;
use std::time::Duration;

use neuroflow_model::hlc::HlcStamp;
use neuroflow_model::{validate, DbEnum, OrgRole};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use uuid::Uuid;

/// What [`create_user`] made or found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedUser {
    pub user_id: Uuid,
    pub organization_id: Uuid,
    /// The person's Postgres LOGIN role (`login_role_name` of the database and email).
    pub role_name: String,
}

/// An admin operation that failed. No variant ever holds a password.
#[derive(Debug, thiserror::Error)]
pub enum PgAdminError {
    /// Input a person must correct (email, slug, password shape, URL).
    #[error("{0}")]
    Invalid(String),
    #[error("organization '{0}' was deleted; it cannot take new members")]
    OrganizationDeleted(String),
    #[error("user {email} is linked to database role {existing}, not {expected}")]
    RoleMismatch {
        email: String,
        existing: String,
        expected: String,
    },
    /// A statement failed; `message` is the server's one-line message (never the statement).
    #[error("could not {step}: {message}")]
    Database { step: &'static str, message: String },
    #[error("cannot connect to Postgres as {role}: {message}")]
    Connect { role: String, message: String },
}

impl From<neuroflow_model::ValidationError> for PgAdminError {
    fn from(e: neuroflow_model::ValidationError) -> Self {
        PgAdminError::Invalid(e.message)
    }
}

/// The LOGIN role of a person in a team database: derived from the database's name and their
/// email alone, so the desktop can sign in with the connection, an email and a password and
/// nothing else (a lookup before login would need a login). Roles are cluster-wide: the
/// database's name keeps two teams on one server from sharing (and re-passwording) a role. The
/// email is hashed, not spelled: role names are visible to every login of the cluster, and a hash
/// only answers "does this exact email have an account here" to someone who already has one
/// (docs/RLS-LIMITS.md).
pub fn login_role_name(database: &str, email: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!(
        "neuroflow-login:{database}:{}",
        email.trim().to_lowercase()
    ));
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("nf_{hex}")
}

/// Creates (or updates) a person in an organization, in one transaction:
/// the organization if missing (name = slug), the user if missing (a deleted user is restored),
/// the membership (or its new role), and the LOGIN role `nf_<user hex>` in `app_user` with this
/// password (an existing role gets the new password). Re-running it is safe.
pub async fn create_user(
    pool: &PgPool,
    email: &str,
    org_slug: &str,
    role: OrgRole,
    password: &str,
) -> Result<CreatedUser, PgAdminError> {
    let email = validate::email(email)?;
    let slug = validate::slug(org_slug)?;
    check_password(password)?;

    let now = chrono::Utc::now();
    let hlc = HlcStamp {
        wall_ms: u64::try_from(now.timestamp_millis()).unwrap_or(0),
        counter: 0,
        node: 0,
    }
    .to_string();

    let mut tx = pool.begin().await.map_err(db("start a transaction"))?;

    // Belt and braces for the server log: nothing of this transaction is logged as statement
    // text or parameters (only a superuser may change these; others keep the server's settings).
    let superuser: bool = sqlx::query_scalar("SELECT current_setting('is_superuser') = 'on'")
        .fetch_one(&mut *tx)
        .await
        .map_err(db("check the admin connection"))?;
    if superuser {
        sqlx::query(
            "SELECT set_config('log_statement', 'none', true), \
                    set_config('log_min_duration_statement', '-1', true), \
                    set_config('log_parameter_max_length', '0', true), \
                    set_config('log_parameter_max_length_on_error', '0', true)",
        )
        .execute(&mut *tx)
        .await
        .map_err(db("quiet the statement log"))?;
    }

    // Organization.
    sqlx::query(
        "INSERT INTO organizations (id, name, slug, created_at, updated_at, hlc) \
         VALUES ($1, $2, $2, $3, $3, $4) ON CONFLICT (slug) DO NOTHING",
    )
    .bind(neuroflow_model::new_id())
    .bind(&slug)
    .bind(now)
    .bind(&hlc)
    .execute(&mut *tx)
    .await
    .map_err(db("create the organization"))?;
    let (organization_id, org_deleted): (Uuid, bool) =
        sqlx::query_as("SELECT id, deleted_at IS NOT NULL FROM organizations WHERE slug = $1")
            .bind(&slug)
            .fetch_one(&mut *tx)
            .await
            .map_err(db("find the organization"))?;
    if org_deleted {
        return Err(PgAdminError::OrganizationDeleted(slug));
    }

    // User.
    let display_name = email.split('@').next().unwrap_or_default().to_string();
    sqlx::query(
        "INSERT INTO users (id, email, display_name, created_at, updated_at, hlc) \
         VALUES ($1, $2, $3, $4, $4, $5) ON CONFLICT (email) DO NOTHING",
    )
    .bind(neuroflow_model::new_id())
    .bind(&email)
    .bind(&display_name)
    .bind(now)
    .bind(&hlc)
    .execute(&mut *tx)
    .await
    .map_err(db("create the user"))?;
    let (user_id, existing_role, user_deleted): (Uuid, Option<String>, bool) = sqlx::query_as(
        "SELECT id, pg_role, deleted_at IS NOT NULL FROM users WHERE email = $1 FOR UPDATE",
    )
    .bind(&email)
    .fetch_one(&mut *tx)
    .await
    .map_err(db("find the user"))?;
    let database: String = sqlx::query_scalar("SELECT current_database()::text")
        .fetch_one(&mut *tx)
        .await
        .map_err(db("read the database name"))?;
    let role_name = login_role_name(&database, &email);
    if let Some(existing) = existing_role.as_deref() {
        if existing != role_name {
            return Err(PgAdminError::RoleMismatch {
                email,
                existing: existing.to_string(),
                expected: role_name,
            });
        }
    }
    if user_deleted || existing_role.is_none() {
        sqlx::query("UPDATE users SET pg_role = $2, deleted_at = NULL, updated_at = $3, hlc = $4 WHERE id = $1")
            .bind(user_id)
            .bind(&role_name)
            .bind(now)
            .bind(&hlc)
            .execute(&mut *tx)
            .await
            .map_err(db("link the user to their database role"))?;
    }

    // Membership (one live row per organization and user).
    sqlx::query(
        "INSERT INTO organization_members (id, organization_id, user_id, role, created_at, updated_at, hlc) \
         VALUES ($1, $2, $3, $4, $5, $5, $6) \
         ON CONFLICT (organization_id, user_id) WHERE deleted_at IS NULL \
         DO UPDATE SET role = EXCLUDED.role, updated_at = EXCLUDED.updated_at, hlc = EXCLUDED.hlc \
         WHERE organization_members.role IS DISTINCT FROM EXCLUDED.role",
    )
    .bind(neuroflow_model::new_id())
    .bind(organization_id)
    .bind(user_id)
    .bind(role.as_str())
    .bind(now)
    .bind(&hlc)
    .execute(&mut *tx)
    .await
    .map_err(db("add the membership"))?;

    // LOGIN role: the password is a bind parameter of an admin-only function that quotes it
    // with format('%L') server-side.
    sqlx::query("SELECT private.admin_upsert_login_role($1, $2)")
        .bind(&role_name)
        .bind(password)
        .execute(&mut *tx)
        .await
        .map_err(db("create the database login role"))?;

    tx.commit().await.map_err(db("commit the new user"))?;
    Ok(CreatedUser {
        user_id,
        organization_id,
        role_name,
    })
}

/// A pool connected as `role_name` with `password` (password authentication: a person can only
/// log in as themself). Everything else (host, port, database, TLS) comes from `base_url`.
pub async fn connect_as(
    base_url: &str,
    role_name: &str,
    password: &str,
) -> Result<PgPool, PgAdminError> {
    // The URL may carry an admin password: never echo it or the parser's view of it.
    let options = PgConnectOptions::from_str(base_url)
        .map_err(|_| {
            PgAdminError::Invalid(
                "the Postgres URL is not valid (expected postgres://host:port/database)".into(),
            )
        })?
        .username(role_name)
        .password(password);
    PgPoolOptions::new()
        .max_connections(4)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options)
        .await
        .map_err(|e| PgAdminError::Connect {
            role: role_name.to_string(),
            message: describe(&e),
        })
}

/// What a purge removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Purged {
    pub rows: i64,
}

/// Tables whose tombstones a purge removes, children before parents.
const PURGED_TABLES: &[&str] = &[
    "workflow_edges",
    "workflow_nodes",
    "blueprint_connections",
    "blueprint_components",
    "team_members",
    "workflows",
    "tool_blueprints",
    "agent_teams",
    "ai_agents",
];

/// Deletes for good the tombstones (rows deleted before `older_than`) of the synced tables, in
/// one transaction on the admin path, and records the purge so a device that was offline since
/// before it knows to resync in full (it may have missed a delete whose tombstone is now gone).
pub async fn purge_tombstones(
    pool: &PgPool,
    older_than: chrono::DateTime<chrono::Utc>,
) -> Result<Purged, PgAdminError> {
    let mut tx = pool.begin().await.map_err(db("start the purge"))?;
    let mut rows = 0i64;
    let mut max_xid: Option<String> = None;
    for table in PURGED_TABLES {
        let (n, xid): (i64, Option<String>) = sqlx::query_as(&format!(
            "WITH gone AS (DELETE FROM {table} WHERE deleted_at IS NOT NULL AND deleted_at < $1 RETURNING row_xid) \
             SELECT count(*), max(row_xid)::text FROM gone"
        ))
        .bind(older_than)
        .fetch_one(&mut *tx)
        .await
        .map_err(db("purge tombstones"))?;
        rows += n;
        if let Some(x) = xid {
            let newer = match &max_xid {
                Some(m) => x.parse::<u64>().unwrap_or(0) > m.parse::<u64>().unwrap_or(0),
                None => true,
            };
            if newer {
                max_xid = Some(x);
            }
        }
    }
    if let Some(max_xid) = max_xid {
        sqlx::query(
            "INSERT INTO sync_purges (id, purged_at, older_than, rows_purged, max_row_xid) VALUES ($1, now(), $2, $3, $4::xid8)",
        )
        .bind(neuroflow_model::new_id())
        .bind(older_than)
        .bind(rows)
        .bind(max_xid)
        .execute(&mut *tx)
        .await
        .map_err(db("record the purge"))?;
    }
    tx.commit().await.map_err(db("finish the purge"))?;
    Ok(Purged { rows })
}

fn check_password(password: &str) -> Result<(), PgAdminError> {
    if password.is_empty() {
        return Err(PgAdminError::Invalid(
            "the password must not be empty".into(),
        ));
    }
    if password.contains('\0') {
        return Err(PgAdminError::Invalid(
            "the password must not contain a NUL character".into(),
        ));
    }
    if password.len() > 1024 {
        return Err(PgAdminError::Invalid(
            "the password is longer than 1024 bytes".into(),
        ));
    }
    Ok(())
}

fn db(step: &'static str) -> impl FnOnce(sqlx::Error) -> PgAdminError {
    move |e| PgAdminError::Database {
        step,
        message: describe(&e),
    }
}

/// One line about a sqlx error: the server's message and SQLSTATE, never a statement, its
/// parameters or the server's DETAIL/CONTEXT.
fn describe(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Database(d) => match d.code() {
            Some(code) => format!("{} (SQLSTATE {code})", d.message()),
            None => d.message().to_string(),
        },
        sqlx::Error::PoolTimedOut => "timed out waiting for a database connection".into(),
        sqlx::Error::Io(io) => format!("cannot reach the database: {io}"),
        sqlx::Error::Tls(tls) => format!("TLS failed: {tls}"),
        sqlx::Error::Configuration(_) => "the connection settings are not valid".into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names_follow_the_email_alone_and_are_safe() {
        let a = login_role_name("team", "Ada@Example.com");
        assert_eq!(a, login_role_name("team", " ada@example.com"));
        assert_ne!(a, login_role_name("team", "bob@example.com"));
        assert_ne!(a, login_role_name("other_team", "ada@example.com"));
        assert_eq!(a.len(), 35);
        assert!(
            a.starts_with("nf_")
                && a[3..]
                    .chars()
                    .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        assert!(!a.contains("ada"));
    }

    #[test]
    fn passwords_are_checked_without_being_echoed() {
        let err = check_password("").unwrap_err().to_string();
        assert!(err.contains("empty"));
        let err = check_password("s3cr\0t").unwrap_err();
        assert!(!err.to_string().contains("s3cr") && !format!("{err:?}").contains("s3cr"));
        assert!(check_password("correct horse battery staple").is_ok());
    }
}
