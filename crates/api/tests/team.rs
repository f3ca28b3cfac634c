//! The desktop's team commands on a real Postgres: sign in (a wrong password said plainly), open an organization as its local cache, edit and sync between two people, a conflict restored and undone, a viewer refused by the local store, members managed only by admins, the app restarted offline, and sign-out keeping or removing the copy.

use std::path::PathBuf;
use std::time::Duration;

use neuroflow_api::commands::team::{RestoreSide, TeamStatus};
use neuroflow_api::team::{load_settings, password_ref, save_settings};
use neuroflow_api::{Core, ErrorCode, SecretsState};
use neuroflow_model::OrgRole;
use neuroflow_store::pg_admin;
use neuroflow_store::Db;
use neuroflow_sync::connect::{TeamConnection, Tls};
use neuroflow_sync::TeamSession;
use uuid::Uuid;

struct Scratch(PathBuf);
impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The team cache files in a data folder.
fn team_caches(dir: &Scratch) -> usize {
    std::fs::read_dir(&dir.0)
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with("team-"))
        .count()
}

fn scratch(tag: &str) -> Scratch {
    let dir = std::env::temp_dir().join(format!("nf-team-{tag}-{}", Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).expect("dir");
    Scratch(dir)
}

/// A fresh migrated team database: its URL parts and a superuser pool.
struct TeamDb {
    host: String,
    port: u16,
    database: String,
    url: String,
    su: sqlx::PgPool,
}

async fn team_db() -> TeamDb {
    let base = std::env::var("NEUROFLOW_TEST_PG_URL").expect(
        "NEUROFLOW_TEST_PG_URL is not set: team commands are tested against a real Postgres (./scripts/test.sh starts one)",
    );
    let database = format!("nf_api_{}", Uuid::now_v7().simple());
    let admin = sqlx::PgPool::connect(&base).await.expect("connect");
    sqlx::query(&format!("CREATE DATABASE {database}"))
        .execute(&admin)
        .await
        .expect("create database");
    admin.close().await;
    let (head, _) = base.rsplit_once('/').expect("URL ends in /DATABASE");
    let url = format!("{head}/{database}");
    let db = Db::connect(&url).await.expect("connect");
    db.migrate().await.expect("migrate");
    db.close().await;
    let hostport = head.rsplit_once('@').expect("user@host").1;
    let (host, port) = hostport.rsplit_once(':').expect("host:port");
    TeamDb {
        host: host.into(),
        port: port.parse().expect("port"),
        database,
        su: sqlx::PgPool::connect(&url).await.expect("superuser pool"),
        url,
    }
}

impl TeamDb {
    fn connection(&self, email: &str) -> TeamConnection {
        TeamConnection {
            host: self.host.clone(),
            port: self.port,
            database: self.database.clone(),
            tls: Tls::Disable,
            ca_file: None,
            allow_unencrypted: false,
            email: email.into(),
        }
    }

    async fn person(&self, email: &str, role: OrgRole) -> String {
        let password = format!("pw of {email}");
        pg_admin::create_user(&self.su, email, "studio", role, &password)
            .await
            .expect("create user");
        password
    }
}

/// A desktop whose data folder is `dir`: the keychain when there is one, else session memory
/// (agreed to as the user would in the window).
async fn desktop(dir: &Scratch) -> Core {
    let core = Core::open(dir.0.join("neuroflow.db"), SecretsState::new()).await;
    let _ = core.keychain_use_session_memory().await;
    core
}

async fn join(core: &Core, team: &TeamDb, email: &str, password: &str) -> TeamStatus {
    let signed = core
        .team_sign_in(team.connection(email), password.into())
        .await
        .expect("sign in");
    assert_eq!(signed.memberships.len(), 1);
    core.team_open(
        team.connection(email),
        signed.memberships[0].organization_id.to_string(),
    )
    .await
    .expect("open the organization")
}

async fn workflow_names(core: &Core) -> Vec<String> {
    core.workflow_list(None)
        .await
        .expect("list")
        .into_iter()
        .map(|w| w.name)
        .collect()
}

async fn name(core: &Core, id: Uuid) -> String {
    core.workflow_get(id.to_string())
        .await
        .expect("get")
        .summary
        .name
}

async fn synced(core: &Core) -> TeamStatus {
    // A sync already under way when this one was asked for may answer first: ask until one succeeds.
    let mut last = None;
    for _ in 0..20 {
        let status = core.sync_now().await.expect("sync now");
        let sync = status.sync.as_ref().expect("a team");
        if sync.error.is_none() && sync.state == neuroflow_api::team::SyncState::Synced {
            return status;
        }
        last = sync.error.as_ref().map(|e| e.message.clone());
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("sync failed: {last:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_people_sign_in_edit_sync_and_restore_a_conflict() {
    let team = team_db().await;
    let ada_pw = team.person("ada@example.com", OrgRole::Admin).await;
    let bob_pw = team.person("bob@example.com", OrgRole::Member).await;
    let (ada_dir, bob_dir) = (scratch("ada"), scratch("bob"));
    let ada = desktop(&ada_dir).await;
    let bob = desktop(&bob_dir).await;

    // The offline workspace first: its own work stays there when the team opens.
    assert!(ada.team_status().await.expect("status").team.is_none());
    ada.workflow_create("Only on my laptop".into())
        .await
        .expect("offline work");

    let wrong = ada
        .team_sign_in(team.connection("ada@example.com"), "not it".into())
        .await
        .expect_err("wrong password");
    assert_eq!(wrong.code, ErrorCode::SignIn);
    assert!(!wrong.message.contains("not it"), "{}", wrong.message);

    let status = join(&ada, &team, "ada@example.com", &ada_pw).await;
    let view = status.team.expect("signed in");
    assert_eq!(view.member.email, "ada@example.com");
    assert_eq!(view.member.role.as_deref(), Some("ADMIN"));
    assert!(ada.workflow_list(None).await.expect("list").is_empty());
    join(&bob, &team, "bob@example.com", &bob_pw).await;

    // Ada's workflow reaches Bob.
    let flow = ada
        .workflow_create("Lead intake".into())
        .await
        .expect("create");
    synced(&ada).await;
    assert_eq!(synced(&ada).await.sync.expect("sync").waiting, 0);
    synced(&bob).await;
    assert_eq!(workflow_names(&bob).await, vec!["Lead intake".to_string()]);

    // A third device of Bob's renames it without seeing Ada's later rename: a conflict.
    let bob_login = pg_admin::login_role_name(&team.database, "bob@example.com");
    let pool = pg_admin::connect_as(&team.url, &bob_login, &bob_pw)
        .await
        .expect("bob's login");
    let org = Uuid::parse_str(&view.organization_id).expect("org");
    let tablet_dir = scratch("tablet");
    let bob_tablet = TeamSession::open(pool, org).await.expect("session");
    let (tablet, _) = neuroflow_sync::open_team_cache(&tablet_dir.0.join("tablet.db"), &bob_tablet)
        .await
        .expect("tablet cache");
    let bob_id = bob_tablet.user_id;
    tablet
        .workflow_rename(
            neuroflow_store::workflows::Actor {
                organization_id: org,
                user_id: bob_id,
            },
            flow.id,
            "Lead intake (tablet)",
        )
        .await
        .expect("tablet rename");
    tokio::time::sleep(Duration::from_millis(5)).await;
    ada.workflow_rename(flow.id.to_string(), "Lead intake v2".into())
        .await
        .expect("ada renames");
    synced(&ada).await;
    neuroflow_sync::sync(&tablet, &bob_tablet)
        .await
        .expect("tablet syncs");
    let status = synced(&ada).await;
    assert_eq!(status.sync.expect("sync").conflicts, 1);
    let conflicts = ada.conflict_list(false).await.expect("conflicts");
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    let c = &conflicts[0];
    assert_eq!(c.field, "name");
    assert_eq!(
        c.lost_value,
        Some(serde_json::json!("Lead intake (tablet)"))
    );
    assert_eq!(c.lost_by.as_deref(), Some("bob@example.com"));
    assert_eq!(c.document_name.as_deref(), Some("Lead intake v2"));

    // One click restores the losing value as a new edit; it reaches Bob; undo puts back the winner.
    ada.conflict_restore(c.id.to_string(), RestoreSide::Lost)
        .await
        .expect("restore");
    assert_eq!(name(&ada, flow.id).await, "Lead intake (tablet)");
    synced(&ada).await;
    synced(&bob).await;
    assert_eq!(name(&bob, flow.id).await, "Lead intake (tablet)");
    assert!(ada.conflict_list(false).await.expect("open").is_empty());
    assert_eq!(ada.conflict_list(true).await.expect("all").len(), 1);
    ada.conflict_restore(c.id.to_string(), RestoreSide::Won)
        .await
        .expect("undo the restore");
    assert_eq!(name(&ada, flow.id).await, "Lead intake v2");
    assert_eq!(
        ada.conflict_list(false).await.expect("open again").len(),
        1,
        "an undone restore leaves the conflict open"
    );

    // Members: Bob (MEMBER) sees them but the team database refuses his role change.
    let members = bob.member_list().await.expect("members");
    assert!(!members.can_manage);
    assert_eq!(members.members.len(), 2);
    assert!(members.add_command.contains("--org studio"));
    let ada_member = members
        .members
        .iter()
        .find(|m| m.email == "ada@example.com")
        .expect("ada")
        .id;
    let refused = bob
        .member_set_role(ada_member.to_string(), "VIEWER".into())
        .await
        .expect_err("a member cannot change roles");
    assert_eq!(refused.code, ErrorCode::Refused, "{}", refused.message);

    // Ada makes Bob a viewer: once it syncs, Bob's own store refuses his edits.
    let listed = ada.member_list().await.expect("members");
    assert!(listed.can_manage);
    let bob_member = listed
        .members
        .iter()
        .find(|m| m.email == "bob@example.com")
        .expect("bob")
        .id;
    ada.member_set_role(bob_member.to_string(), "VIEWER".into())
        .await
        .expect("admin changes a role");
    let status = synced(&bob).await;
    assert_eq!(
        status.team.expect("team").member.role.as_deref(),
        Some("VIEWER")
    );
    let refused = bob
        .workflow_rename(flow.id.to_string(), "Viewer edit".into())
        .await
        .expect_err("a viewer cannot edit");
    assert_eq!(refused.code, ErrorCode::Forbidden);
    assert_eq!(name(&bob, flow.id).await, "Lead intake v2");

    // Sign out keeping the copy; the offline workspace is back as it was.
    let out = ada.team_sign_out(true).await.expect("sign out");
    assert!(out.team.is_none());
    assert_eq!(
        workflow_names(&ada).await,
        vec!["Only on my laptop".to_string()]
    );
    assert!(load_settings(&ada_dir.0).expect("settings").is_none());
    assert!(team_caches(&ada_dir) >= 1, "the local copy was kept");
    bob.team_sign_out(false).await.expect("bob signs out");
    assert_eq!(team_caches(&bob_dir), 0, "the local copy was removed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_with_the_team_unreachable_works_offline_and_keeps_every_edit() {
    let team = team_db().await;
    let pw = team.person("cy@example.com", OrgRole::Member).await;
    let dir = scratch("cy");
    let core = desktop(&dir).await;
    join(&core, &team, "cy@example.com", &pw).await;
    synced(&core).await;
    drop(core);

    // The team database moves out of reach (a port nothing listens on).
    let mut settings = load_settings(&dir.0).expect("read").expect("saved");
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
    settings.connection.port = closed.local_addr().expect("addr").port();
    drop(closed);
    save_settings(&dir.0, &settings).expect("save");

    let core = desktop(&dir).await;
    let status = core.team_status().await.expect("status");
    assert_eq!(
        status.team.expect("still the team's copy").member.email,
        "cy@example.com"
    );
    core.workflow_create("Drafted offline".into())
        .await
        .expect("offline edit");
    let status = core.sync_now().await.expect("sync now");
    let sync = status.sync.expect("sync");
    assert!(
        matches!(
            sync.state,
            neuroflow_api::team::SyncState::Offline | neuroflow_api::team::SyncState::Failed
        ),
        "{sync:?}"
    );
    assert_eq!(sync.waiting, 1);
    let members = core.member_list().await.expect_err("members need the team");
    assert_eq!(members.code, ErrorCode::Offline);
    let refused = core
        .team_sign_out(false)
        .await
        .expect_err("unsent edits are never thrown away");
    assert_eq!(refused.code, ErrorCode::Conflict);
    assert!(
        refused.message.contains("1 of your edits"),
        "{}",
        refused.message
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_the_keychain_no_longer_has_is_asked_again_and_syncing_resumes() {
    let team = team_db().await;
    let pw = team.person("di@example.com", OrgRole::Member).await;
    let dir = scratch("di");
    let core = desktop(&dir).await;
    join(&core, &team, "di@example.com", &pw).await;
    // The keychain loses the entry (a new keychain, session memory after a restart).
    core.secrets()
        .secrets()
        .delete_async(password_ref(&team.connection("di@example.com")).expect("ref"))
        .await
        .expect("delete");
    drop(core);

    let core = desktop(&dir).await;
    let status = core.sync_now().await.expect("status");
    let sync = status.sync.expect("sync");
    let error = sync.error.expect("no password to sign in with");
    assert_eq!(error.code, ErrorCode::SignIn, "{}", error.message);
    assert!(
        error.message.contains("enter it again"),
        "{}",
        error.message
    );
    core.workflow_create("Kept meanwhile".into())
        .await
        .expect("edits go on");

    core.team_sign_in(team.connection("di@example.com"), pw.clone())
        .await
        .expect("sign in again");
    let status = synced(&core).await;
    assert_eq!(status.sync.expect("sync").waiting, 0, "the edit went out");
}
