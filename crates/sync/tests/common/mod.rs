//! Test fixtures for sync: a fresh migrated Postgres database, people made as `neuroflow admin create-user` makes them, and devices that each cache the team database in their own SQLite file.

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::OnceLock;

use neuroflow_model::{new_id, OrgRole};
use neuroflow_store::pg_admin;
use neuroflow_store::workflows::Actor;
use neuroflow_store::{Db, Store};
use neuroflow_sync::TeamSession;
use sqlx::PgPool;
use uuid::Uuid;

pub fn pg_url() -> String {
    std::env::var("NEUROFLOW_TEST_PG_URL").expect(
        "NEUROFLOW_TEST_PG_URL is not set: sync is tested against a real Postgres. Run ./scripts/test.sh, \
         or start a Postgres and set NEUROFLOW_TEST_PG_URL=postgres://postgres:PW@127.0.0.1:PORT/postgres",
    )
}

fn migrate_lock() -> &'static tokio::sync::Mutex<()> {
    static LOCK: OnceLock<tokio::sync::Mutex<()>> = OnceLock::new();
    LOCK.get_or_init(|| tokio::sync::Mutex::new(()))
}

/// A team database: a fresh migrated Postgres database and its superuser pool.
pub struct Team {
    pub url: String,
    pub su: PgPool,
}

pub async fn team() -> Team {
    let base = pg_url();
    let name = format!("nf_sync_{}", new_id().simple());
    let admin = PgPool::connect(&base)
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
    {
        let _guard = migrate_lock().lock().await;
        let db = Db::connect(&url).await.expect("connect");
        db.migrate().await.expect("migrate postgres");
        db.close().await;
    }
    let su = sqlx::postgres::PgPoolOptions::new()
        .max_connections(4)
        .connect(&url)
        .await
        .expect("superuser pool");
    Team { url, su }
}

impl Team {
    /// A person with a LOGIN role, signed in to the organization `slug` (made if missing).
    pub async fn person(&self, email: &str, slug: &str, role: OrgRole) -> TeamSession {
        let password = format!("pw-'\\-{}", new_id().simple());
        let created = pg_admin::create_user(&self.su, email, slug, role, &password)
            .await
            .unwrap_or_else(|e| panic!("create_user {email}: {e}"));
        let pool = pg_admin::connect_as(&self.url, &created.role_name, &password)
            .await
            .unwrap_or_else(|e| panic!("connect as {email}: {e}"));
        TeamSession::open(pool, created.organization_id)
            .await
            .unwrap_or_else(|e| panic!("sign in {email}: {e}"))
    }
}

pub struct TempDir(pub PathBuf);
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn temp_dir(tag: &str) -> TempDir {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("neuroflow-sync-{tag}-{}", new_id().simple()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    TempDir(dir)
}

/// One desktop: its own SQLite cache of the team database, signed in as one person.
pub struct Device {
    pub store: Store,
    pub team: TeamSession,
    pub path: PathBuf,
    pub _dir: TempDir,
}

impl Device {
    pub async fn new(team: &TeamSession, tag: &str) -> Device {
        let dir = temp_dir(tag);
        let path = dir.0.join("team.db");
        let (store, _) = neuroflow_sync::open_team_cache(&path, team)
            .await
            .unwrap_or_else(|e| panic!("open the team cache: {e}"));
        Device {
            store,
            team: team.clone(),
            path,
            _dir: dir,
        }
    }

    pub fn actor(&self) -> Actor {
        Actor {
            organization_id: self.team.organization_id,
            user_id: self.team.user_id,
        }
    }

    pub async fn sync(&self) -> neuroflow_sync::SyncReport {
        neuroflow_sync::sync(&self.store, &self.team)
            .await
            .unwrap_or_else(|e| panic!("sync: {e}"))
    }

    /// A copy of this device's database as it is now (as if the process stopped here).
    pub async fn snapshot(&self, tag: &str) -> PathBuf {
        let path = self
            .path
            .with_file_name(format!("{tag}-{}.db", new_id().simple()));
        let Db::Sqlite(pool) = self.store.db() else {
            panic!("sqlite")
        };
        sqlx::query(&format!("VACUUM INTO '{}'", path.display()))
            .execute(pool)
            .await
            .expect("vacuum into");
        path
    }

    /// The device reopened from a copy of its database (a crash that lost what came after it).
    /// The copy is opened where it is: putting it back under the old name while SQLite may still
    /// hold state for that file's inode confuses SQLite.
    pub async fn reopen_from(&mut self, copy: &std::path::Path) {
        self.store.db().close().await;
        self.path = copy.to_path_buf();
        let (store, _) = neuroflow_sync::open_team_cache(&self.path, &self.team)
            .await
            .unwrap_or_else(|e| panic!("reopen: {e}"));
        self.store = store;
    }
}

pub fn id() -> Uuid {
    new_id()
}
