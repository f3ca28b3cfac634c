//! Test backends for the store contract suite: a temp SQLite file and a fresh Postgres database.

use std::sync::OnceLock;

use neuroflow_model::new_id;
use neuroflow_store::{Db, Store};
use uuid::Uuid;

#[derive(Clone)]
pub struct TestDb {
    pub store: Store,
    pub org: Uuid,
    pub user: Uuid,
    /// A second organization and user, to check isolation.
    pub other_org: Uuid,
    pub other_user: Uuid,
    _dir: Option<std::sync::Arc<TempDir>>,
}

impl TestDb {
    /// Closes every connection before the files go: SQLite keeps per-inode state, and a new
    /// file that reuses a deleted file's inode while it is still open gets confused.
    pub async fn close(self) {
        self.store.db().close().await;
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
    TestDb {
        store: Store::new(db, 1),
        org,
        user,
        other_org,
        other_user,
        _dir: Some(std::sync::Arc::new(dir)),
    }
}

pub async fn postgres() -> TestDb {
    let url = fresh_pg_database("nf_contract").await;
    let db = Db::connect(&url).await.expect("connect");
    let (org, user, other_org, other_user) = seed(&db).await;
    TestDb {
        store: Store::new(db, 2),
        org,
        user,
        other_org,
        other_user,
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
            #[tokio::test]
            async fn postgres() {
                let t = common::postgres().await;
                ($body)(t.clone()).await;
                t.close().await;
            }
        }
    };
}
