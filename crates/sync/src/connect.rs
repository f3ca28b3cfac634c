//! Signing in to a team database: the connection a person types, TLS as they choose it (plain text only to this computer unless they say so), the LOGIN role their email names, the schema versions compared, and every failure in words they can act on.

use std::path::PathBuf;
use std::time::Duration;

use neuroflow_store::pg_admin::login_role_name;
use serde::{Deserialize, Serialize};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgSslMode};
use sqlx::PgPool;
use uuid::Uuid;

use crate::SyncError;

/// How the connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "kebab-case")]
pub enum Tls {
    /// Plain text: only to this computer, or when the person ticked "allow unencrypted".
    Disable,
    /// Encrypted, the server's certificate not checked.
    Require,
    /// Encrypted, the certificate checked against the system's roots or the CA file, and the
    /// host name against it.
    VerifyFull,
}

/// What a person types to reach their team database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TeamConnection {
    pub host: String,
    pub port: u16,
    pub database: String,
    pub tls: Tls,
    /// A CA certificate (PEM) to trust for `VerifyFull`, for a team's own CA.
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    /// Plain text to a host other than this computer: only when ticked.
    #[serde(default)]
    pub allow_unencrypted: bool,
    pub email: String,
}

/// One of the person's organizations and their role in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Membership {
    pub organization_id: Uuid,
    pub name: String,
    pub slug: String,
    pub role: String,
}

/// A signed-in connection: who the team database says this is, and their organizations.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub pool: PgPool,
    pub user_id: Uuid,
    pub email: String,
    pub display_name: String,
    pub memberships: Vec<Membership>,
}

/// The most a sign-in waits for the server before saying it cannot reach it.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

fn is_loopback(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost")
        || h.parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
        || h.starts_with('/')
}

impl TeamConnection {
    /// The checks made before anything goes on the network.
    pub fn check(&self) -> Result<(), SyncError> {
        let bad = |m: &str| Err(SyncError::Invalid(m.to_string()));
        let host = self.host.trim();
        if host.is_empty()
            || host.len() > 253
            || host.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return bad("the host is not valid (a name like db.example.com or an address)");
        }
        if self.port == 0 {
            return bad("the port must be between 1 and 65535");
        }
        let db = self.database.trim();
        if db.is_empty() || db.len() > 63 || db.chars().any(char::is_control) {
            return bad("the database name is not valid");
        }
        neuroflow_model::validate::email(&self.email).map_err(|e| SyncError::Invalid(e.message))?;
        if self.tls == Tls::Disable && !is_loopback(host) && !self.allow_unencrypted {
            return bad(
                "an unencrypted connection to another computer would send your password and your work in plain text: choose TLS (require or verify-full), or allow unencrypted explicitly",
            );
        }
        if let Some(ca) = &self.ca_file {
            if self.tls != Tls::VerifyFull {
                return bad("a CA file is used with verify-full");
            }
            if !ca.is_file() {
                return bad("the CA file does not exist or is not a file");
            }
        }
        Ok(())
    }

    /// The LOGIN role this connection signs in as.
    pub fn role(&self) -> String {
        login_role_name(self.database.trim(), &self.email)
    }

    fn options(&self, password: &str) -> PgConnectOptions {
        let mut options = PgConnectOptions::new()
            .host(self.host.trim())
            .port(self.port)
            .database(self.database.trim())
            .username(&self.role())
            .password(password)
            .application_name("neuroflow-studio")
            .ssl_mode(match self.tls {
                Tls::Disable => PgSslMode::Disable,
                Tls::Require => PgSslMode::Require,
                Tls::VerifyFull => PgSslMode::VerifyFull,
            });
        if let Some(ca) = &self.ca_file {
            options = options.ssl_root_cert(ca);
        }
        options
    }
}

/// Signs in: connects as the person's LOGIN role, checks that the team database and this app
/// speak the same schema, and lists the person's organizations. The password is used for this
/// connection only (the caller keeps it in the keychain).
pub async fn sign_in(conn: &TeamConnection, password: &str) -> Result<SignedIn, SyncError> {
    conn.check()?;
    if password.is_empty() {
        return Err(SyncError::SignIn("enter your password".into()));
    }
    let pool = PgPoolOptions::new()
        .max_connections(4)
        .acquire_timeout(CONNECT_TIMEOUT)
        .connect_with(conn.options(password))
        .await
        .map_err(|e| describe(conn, e))?;
    let theirs: i64 = sqlx::query_scalar("SELECT private.schema_version()")
        .fetch_one(&pool)
        .await
        .map_err(|_| {
            SyncError::Schema(
                "the team database has no NeuroFlow schema this app can use: run `neuroflow db migrate` on it".into(),
            )
        })?;
    let ours = neuroflow_store::Db::postgres_schema_version();
    if theirs > ours {
        pool.close().await;
        return Err(SyncError::Schema(format!(
            "the team database is newer than this app (schema {theirs}, the app knows up to {ours}): update NeuroFlow Studio"
        )));
    }
    if theirs < ours {
        pool.close().await;
        return Err(SyncError::Schema(format!(
            "the team database is older than this app (schema {theirs}, the app needs {ours}): ask its admin to run `neuroflow db migrate`"
        )));
    }
    let user_id: Option<Uuid> = sqlx::query_scalar("SELECT private.current_user_id()")
        .fetch_one(&pool)
        .await
        .map_err(crate::error::remote)?;
    let Some(user_id) = user_id else {
        pool.close().await;
        return Err(SyncError::SignIn(
            "this login is not a person of the team database".into(),
        ));
    };
    let (email, display_name): (String, String) =
        sqlx::query_as("SELECT email, display_name FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_one(&pool)
            .await
            .map_err(crate::error::remote)?;
    let memberships = sqlx::query_as::<_, (Uuid, String, String, String)>(
        "SELECT o.id, o.name, o.slug, m.role FROM organization_members m \
         JOIN organizations o ON o.id = m.organization_id \
         WHERE m.user_id = $1 AND m.deleted_at IS NULL AND o.deleted_at IS NULL ORDER BY o.name",
    )
    .bind(user_id)
    .fetch_all(&pool)
    .await
    .map_err(crate::error::remote)?
    .into_iter()
    .map(|(organization_id, name, slug, role)| Membership {
        organization_id,
        name,
        slug,
        role,
    })
    .collect();
    Ok(SignedIn {
        pool,
        user_id,
        email,
        display_name,
        memberships,
    })
}

/// A failed connection in words: a wrong email and a wrong password read the same (the server
/// does not say which, and neither do we); nothing of the password appears.
fn describe(conn: &TeamConnection, e: sqlx::Error) -> SyncError {
    let at = format!("{}:{}", conn.host.trim(), conn.port);
    match &e {
        sqlx::Error::Database(db) => match db.code().as_deref() {
            Some("28P01") | Some("28000") => {
                SyncError::SignIn("the email or the password is not right".into())
            }
            Some("3D000") => SyncError::Invalid(format!(
                "there is no database '{}' at {at}",
                conn.database.trim()
            )),
            Some("53300") => SyncError::Offline(
                "the team database has no free connection for you (too many open): close another NeuroFlow window or try again".into(),
            ),
            _ => SyncError::Refused(db.message().to_string()),
        },
        sqlx::Error::Io(io) => SyncError::Offline(format!("cannot reach {at}: {io}")),
        sqlx::Error::PoolTimedOut => {
            SyncError::Offline(format!("{at} did not answer within {} s", CONNECT_TIMEOUT.as_secs()))
        }
        sqlx::Error::Tls(t) => {
            let text = t.to_string();
            if text.contains("not supported") || text.contains("does not support") {
                SyncError::Tls(format!("{at} does not accept TLS connections; ask its admin to enable TLS"))
            } else {
                SyncError::Tls(format!("the secure connection to {at} failed: {text}"))
            }
        }
        other => {
            let text = other.to_string();
            if text.contains("TLS") || text.contains("SSL") || text.contains("ssl") {
                SyncError::Tls(format!("{at} does not accept TLS connections ({text})"))
            } else {
                SyncError::Offline(format!("cannot connect to {at}: {text}"))
            }
        }
    }
}
