//! Test backends for the store contract suite: a temp SQLite file, and a fresh Postgres database
//! used as the superuser (RLS bypassed) or as a person's own LOGIN role (RLS forced).

use std::sync::OnceLock;

use neuroflow_model::new_id;
use neuroflow_store::{Db, Store};
use uuid::Uuid;

#[derive(Clone)]
pub struct TestDb {
    pub store: Store,
    /// The store as the other organization's person sees it: on the app-role run a second
    /// connection as B's own LOGIN role; elsewhere the same store.
    pub other: Store,
    pub org: Uuid,
    pub user: Uuid,
    /// A second organization and user, to check isolation.
    pub other_org: Uuid,
    pub other_user: Uuid,
    /// On the app-role Postgres run: a store on the same database as the superuser (the admin
    /// path), for what only the admin path may do (system templates). `None` elsewhere.
    pub admin: Option<Store>,
    /// Login roles to drop when the test ends (app-role run only; roles are cluster-wide).
    roles: Vec<String>,
    _dir: Option<std::sync::Arc<TempDir>>,
}

impl TestDb {
    /// Closes every connection before the files go: SQLite keeps per-inode state, and a new
    /// file that reuses a deleted file's inode while it is still open gets confused.
    pub async fn close(self) {
        self.store.db().close().await;
        self.other.db().close().await;
        if let Some(admin) = &self.admin {
            admin.db().close().await;
        }
        if !self.roles.is_empty() {
            let server = sqlx::PgPool::connect(&pg_url())
                .await
                .expect("connect to drop roles");
            for role in &self.roles {
                sqlx::query(&format!("DROP ROLE IF EXISTS {role}"))
                    .execute(&server)
                    .await
                    .unwrap_or_else(|e| panic!("drop role {role}: {e}"));
            }
            server.close().await;
        }
    }

    /// Whether the store is connected as a person's LOGIN role (RLS applies).
    #[allow(dead_code)]
    pub fn app_role(&self) -> bool {
        self.admin.is_some()
    }
}

#[allow(dead_code)]
pub struct TempDir(pub std::path::PathBuf);
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn temp_dir(tag: &str) -> TempDir {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("neuroflow-{tag}-{}", new_id().simple()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    TempDir(dir)
}

/// The superuser URL CI provides; without it the Postgres half of the suite cannot run.
pub fn pg_url() -> String {
    std::env::var("NEUROFLOW_TEST_PG_URL").expect(
        "NEUROFLOW_TEST_PG_URL is not set: the store contract suite runs on Postgres too. \
         Run ./scripts/test.sh, or start a Postgres and set NEUROFLOW_TEST_PG_URL=postgres://postgres:PW@127.0.0.1:PORT/postgres",
    )
}

fn migrate_lock() -> &'static tokio::sync::Mutex<()> {
    static LOCK: OnceLock<tokio::sync::Mutex<()>> = OnceLock::new();
    LOCK.get_or_init(|| tokio::sync::Mutex::new(()))
}

/// A fresh, migrated Postgres database; returns its URL.
pub async fn fresh_pg_database(prefix: &str) -> String {
    let base = pg_url();
    let name = format!("{prefix}_{}", new_id().simple());
    let admin = sqlx::PgPool::connect(&base)
        .await
        .expect("connect to the test Postgres");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await
        .expect("create database");
    admin.close().await;
    let url = match base.rsplit_once('/') {
        Some((head, _)) => format!("{head}/{name}"),
        None => panic!("NEUROFLOW_TEST_PG_URL must end in /DATABASE"),
    };
    // Roles are cluster-wide: migrations that create them must not race each other.
    let _guard = migrate_lock().lock().await;
    let db = Db::connect(&url).await.expect("connect");
    db.migrate().await.expect("migrate postgres");
    db.close().await;
    url
}

async fn seed(db: &Db) -> (Uuid, Uuid, Uuid, Uuid) {
    let (org, user, other_org, other_user) = (new_id(), new_id(), new_id(), new_id());
    let now = chrono::Utc::now();
    macro_rules! run {
        ($pool:expr) => {{
            for (o, u, slug) in [(org, user, "org-a"), (other_org, other_user, "org-b")] {
                let slug = format!("{slug}-{}", &o.simple().to_string()[20..]);
                sqlx::query("INSERT INTO organizations (id, name, slug, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)")
                    .bind(o).bind(&slug).bind(&slug).bind(now).execute($pool).await.expect("org");
                sqlx::query("INSERT INTO users (id, email, created_at, updated_at) VALUES ($1, $2, $3, $3)")
                    .bind(u).bind(format!("{}@example.com", u.simple())).bind(now).execute($pool).await.expect("user");
                sqlx::query("INSERT INTO organization_members (id, organization_id, user_id, role, created_at, updated_at) VALUES ($1, $2, $3, 'OWNER', $4, $4)")
                    .bind(new_id()).bind(o).bind(u).bind(now).execute($pool).await.expect("member");
            }
        }};
    }
    match db {
        Db::Sqlite(pool) => run!(pool),
        Db::Postgres(pool) => run!(pool),
    }
    (org, user, other_org, other_user)
}

pub async fn sqlite() -> TestDb {
    let dir = temp_dir("store");
    let db = Db::open_sqlite(&dir.0.join("test.db"))
        .await
        .expect("open sqlite");
    let (org, user, other_org, other_user) = seed(&db).await;
    let store = Store::new(db, 1);
    TestDb {
        other: store.clone(),
        store,
        org,
        user,
        other_org,
        other_user,
        admin: None,
        roles: Vec::new(),
        _dir: Some(std::sync::Arc::new(dir)),
    }
}

pub async fn postgres() -> TestDb {
    let url = fresh_pg_database("nf_contract").await;
    let db = Db::connect(&url).await.expect("connect");
    let (org, user, other_org, other_user) = seed(&db).await;
    let store = Store::new(db, 2);
    TestDb {
        other: store.clone(),
        store,
        org,
        user,
        other_org,
        other_user,
        admin: None,
        roles: Vec::new(),
        _dir: None,
    }
}

/// A fresh Postgres database where the store connects as a person's own LOGIN role, member of
/// app_user, made by the admin path exactly as `neuroflow admin create-user` makes it
/// (pg_admin::create_user): OWNER of organization A. B's owner exists too (the other tenant).
/// Every store operation then runs under the schema's forced row-level security.
pub async fn postgres_app_role() -> TestDb {
    use neuroflow_model::OrgRole;
    use neuroflow_store::pg_admin;
    let url = fresh_pg_database("nf_contract_rls").await;
    let admin_db = Db::connect(&url).await.expect("connect as superuser");
    let Db::Postgres(su) = &admin_db else {
        panic!("the test URL is not a Postgres URL");
    };
    let tag = new_id().simple().to_string();
    let password = format!("pw-'\\-{}", new_id().simple());
    let a = pg_admin::create_user(
        su,
        &format!("a-{}@example.com", &tag[20..]),
        &format!("org-a-{}", &tag[20..]),
        OrgRole::Owner,
        &password,
    )
    .await
    .expect("create user A");
    let b = pg_admin::create_user(
        su,
        &format!("b-{}@example.com", &tag[20..]),
        &format!("org-b-{}", &tag[20..]),
        OrgRole::Owner,
        &password,
    )
    .await
    .expect("create user B");
    let pool = pg_admin::connect_as(&url, &a.role_name, &password)
        .await
        .expect("connect as A's login role");
    let (is_super, bypass): (bool, bool) =
        sqlx::query_as("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = session_user")
            .fetch_one(&pool)
            .await
            .expect("who am I");
    assert!(
        !is_super && !bypass,
        "the app-role store must not bypass RLS"
    );
    let other = pg_admin::connect_as(&url, &b.role_name, &password)
        .await
        .expect("connect as B's login role");
    TestDb {
        store: Store::new(Db::Postgres(pool), 3),
        other: Store::new(Db::Postgres(other), 5),
        org: a.organization_id,
        user: a.user_id,
        other_org: b.organization_id,
        other_user: b.user_id,
        admin: Some(Store::new(admin_db, 4)),
        roles: vec![a.role_name, b.role_name],
        _dir: None,
    }
}

/// Defines one async test that runs against both backends.
#[macro_export]
macro_rules! contract {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;
            #[tokio::test]
            async fn sqlite() {
                let t = common::sqlite().await;
                ($body)(t.clone()).await;
                t.close().await;
            }
            /// As the superuser: RLS is bypassed, so this proves the store's own organization
            /// scoping (a missing filter would be hidden by RLS in the run below).
            #[tokio::test]
            async fn postgres() {
                let t = common::postgres().await;
                ($body)(t.clone()).await;
                t.close().await;
            }
            /// As a person's LOGIN role, as the desktop connects: RLS forced on every table.
            #[tokio::test]
            async fn postgres_app_role() {
                let t = common::postgres_app_role().await;
                // The login roles are cluster-wide: drop them whether the body passes or not.
                let outcome = tokio::spawn(($body)(t.clone())).await;
                t.close().await;
                if let Err(e) = outcome {
                    std::panic::resume_unwind(e.into_panic());
                }
            }
        }
    };
}

/// A run's end as the engine would report it, finishing now. (Not every test crate that
/// includes this module finishes runs.)
#[allow(dead_code)]
pub fn outcome(
    status: neuroflow_model::ExecutionStatus,
    duration_ms: i32,
    tokens_used: i32,
    cost: f64,
) -> neuroflow_store::executions::ExecutionOutcome {
    neuroflow_store::executions::ExecutionOutcome {
        status,
        finished_at: chrono::Utc::now(),
        duration_ms,
        tokens_used,
        cost,
        output_data: None,
        logs: serde_json::json!([]),
        error: None,
    }
}
