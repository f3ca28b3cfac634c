//! Signing in to a team database as a person does: email and password over the connection they typed; every way it fails is one clear message with no password in it, and nothing goes out in plain text beyond this computer unless they allow it.

mod common;

use neuroflow_model::OrgRole;
use neuroflow_store::pg_admin;
use neuroflow_sync::connect::{sign_in, TeamConnection, Tls};

/// Host, port and database of a team database URL.
fn parts(url: &str) -> (String, u16, String) {
    let rest = url.split_once('@').expect("user@host").1;
    let (hostport, db) = rest.split_once('/').expect("host/db");
    let (host, port) = hostport.rsplit_once(':').expect("host:port");
    (
        host.to_string(),
        port.parse().expect("port"),
        db.to_string(),
    )
}

fn connection(url: &str, email: &str) -> TeamConnection {
    let (host, port, database) = parts(url);
    TeamConnection {
        host,
        port,
        database,
        tls: Tls::Disable,
        ca_file: None,
        allow_unencrypted: false,
        email: email.into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn email_and_password_sign_in_and_list_the_organizations_with_the_role() {
    let t = common::team().await;
    pg_admin::create_user(
        &t.su,
        "ada@example.com",
        "studio",
        OrgRole::Admin,
        "ada's password 1",
    )
    .await
    .expect("user");
    pg_admin::create_user(
        &t.su,
        "ada@example.com",
        "clients",
        OrgRole::Viewer,
        "ada's password 1",
    )
    .await
    .expect("user");
    let signed = sign_in(&connection(&t.url, " Ada@Example.com "), "ada's password 1")
        .await
        .expect("sign in");
    assert_eq!(signed.email, "ada@example.com");
    let orgs: Vec<(String, String)> = signed
        .memberships
        .iter()
        .map(|m| (m.slug.clone(), m.role.clone()))
        .collect();
    assert_eq!(
        orgs,
        vec![
            ("clients".to_string(), "VIEWER".to_string()),
            ("studio".to_string(), "ADMIN".to_string())
        ]
    );
    let who: String = sqlx::query_scalar("SELECT session_user::text")
        .fetch_one(&signed.pool)
        .await
        .expect("who");
    assert_eq!(
        who,
        pg_admin::login_role_name(&parts(&t.url).2, "ada@example.com")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_and_an_unknown_email_read_the_same_and_never_show_the_password() {
    let t = common::team().await;
    pg_admin::create_user(
        &t.su,
        "ada@example.com",
        "studio",
        OrgRole::Member,
        "right password 1",
    )
    .await
    .expect("user");
    for (email, password) in [
        ("ada@example.com", "wrong-pass-XYZ"),
        ("nobody@example.com", "wrong-pass-XYZ"),
    ] {
        let err = sign_in(&connection(&t.url, email), password)
            .await
            .expect_err("refused");
        assert_eq!(err.code(), "sign_in", "{err}");
        assert_eq!(err.to_string(), "the email or the password is not right");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_host_a_refused_tls_and_plain_text_to_another_computer_each_say_so() {
    let t = common::team().await;
    pg_admin::create_user(
        &t.su,
        "ada@example.com",
        "studio",
        OrgRole::Member,
        "right password 1",
    )
    .await
    .expect("user");
    // Nothing listens on port 1.
    let mut closed = connection(&t.url, "ada@example.com");
    closed.port = 1;
    let err = sign_in(&closed, "right password 1")
        .await
        .expect_err("unreachable");
    assert_eq!(err.code(), "offline", "{err}");
    assert!(err.to_string().contains(":1"), "{err}");
    // The test server speaks no TLS: asking for it is refused with a reason.
    let mut tls = connection(&t.url, "ada@example.com");
    tls.tls = Tls::Require;
    let err = sign_in(&tls, "right password 1").await.expect_err("no TLS");
    assert_eq!(err.code(), "tls", "{err}");
    assert!(!err.to_string().contains("right password"), "{err}");
    // Plain text to another computer is refused before anything is sent, unless allowed.
    let mut far = connection(&t.url, "ada@example.com");
    far.host = "db.example.com".into();
    let err = sign_in(&far, "right password 1")
        .await
        .expect_err("plain text refused");
    assert_eq!(err.code(), "invalid");
    assert!(err.to_string().contains("plain text"), "{err}");
    far.allow_unencrypted = true;
    assert!(far.check().is_ok());
    // A missing CA file, a bad host, an empty password.
    let mut ca = connection(&t.url, "ada@example.com");
    ca.tls = Tls::VerifyFull;
    ca.ca_file = Some("/nonexistent/ca.pem".into());
    assert_eq!(sign_in(&ca, "x").await.expect_err("ca").code(), "invalid");
    let mut host = connection(&t.url, "ada@example.com");
    host.host = "two words".into();
    assert_eq!(
        sign_in(&host, "x").await.expect_err("host").code(),
        "invalid"
    );
    assert_eq!(
        sign_in(&connection(&t.url, "ada@example.com"), "")
            .await
            .expect_err("empty")
            .code(),
        "sign_in"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_team_database_newer_or_older_than_the_app_is_refused_with_what_to_do() {
    let t = common::team().await;
    pg_admin::create_user(
        &t.su,
        "ada@example.com",
        "studio",
        OrgRole::Member,
        "right password 1",
    )
    .await
    .expect("user");
    let conn = connection(&t.url, "ada@example.com");
    let ours = neuroflow_store::Db::postgres_schema_version();
    sqlx::query("INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES ($1, 'from the future', true, '\\x00', 0)")
        .bind(ours + 1)
        .execute(&t.su)
        .await
        .expect("a newer migration");
    let err = sign_in(&conn, "right password 1").await.expect_err("newer");
    assert_eq!(err.code(), "schema");
    assert!(err.to_string().contains("update NeuroFlow Studio"), "{err}");
    sqlx::query("DELETE FROM _sqlx_migrations WHERE version >= $1")
        .bind(ours)
        .execute(&t.su)
        .await
        .expect("an older schema");
    let err = sign_in(&conn, "right password 1").await.expect_err("older");
    assert_eq!(err.code(), "schema");
    assert!(err.to_string().contains("neuroflow db migrate"), "{err}");
}

/// Members: owners and admins change roles and remove people, within what Postgres allows them;
/// nobody else can, and an organization keeps an owner.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn owners_and_admins_manage_members_as_postgres_allows() {
    use neuroflow_sync::members;
    let t = common::team().await;
    let owner = t.person("olga@example.com", "studio", OrgRole::Owner).await;
    let admin = t.person("adam@example.com", "studio", OrgRole::Admin).await;
    let member = t.person("mia@example.com", "studio", OrgRole::Member).await;
    let rival = t.person("eve@example.com", "rival", OrgRole::Owner).await;
    let listed = members::list(&owner).await.expect("list");
    let roles: Vec<(&str, &str)> = listed
        .iter()
        .map(|m| (m.email.as_str(), m.role.as_str()))
        .collect();
    assert_eq!(
        roles,
        vec![
            ("olga@example.com", "OWNER"),
            ("adam@example.com", "ADMIN"),
            ("mia@example.com", "MEMBER")
        ]
    );
    let id_of = |email: &str| listed.iter().find(|m| m.email == email).expect("member").id;

    // An admin makes a member a viewer; a member cannot change anyone.
    members::set_role(&admin, id_of("mia@example.com"), "VIEWER")
        .await
        .expect("admin demotes a member");
    assert!(
        members::set_role(&member, id_of("adam@example.com"), "VIEWER")
            .await
            .is_err()
    );
    // An admin cannot make an owner nor touch the owner.
    let err = members::set_role(&admin, id_of("mia@example.com"), "OWNER")
        .await
        .expect_err("not an owner");
    assert_eq!(err.code(), "refused");
    assert!(
        members::set_role(&admin, id_of("olga@example.com"), "MEMBER")
            .await
            .is_err()
    );
    // Another organization's owner does not even see the membership.
    let err = members::remove(&rival, id_of("mia@example.com"))
        .await
        .expect_err("other org");
    assert!(err.to_string().contains("does not exist"), "{err}");
    // The last owner stays.
    let err = members::set_role(&owner, id_of("olga@example.com"), "ADMIN")
        .await
        .expect_err("last owner");
    assert!(err.to_string().contains("at least one owner"), "{err}");
    // The owner makes the admin an owner, then may step down; and removes the viewer.
    members::set_role(&owner, id_of("adam@example.com"), "OWNER")
        .await
        .expect("promote");
    members::set_role(&owner, id_of("olga@example.com"), "ADMIN")
        .await
        .expect("step down");
    members::remove(&admin, id_of("mia@example.com"))
        .await
        .expect("remove");
    let after: Vec<(String, String)> = members::list(&admin)
        .await
        .expect("list")
        .into_iter()
        .map(|m| (m.email, m.role))
        .collect();
    assert_eq!(
        after,
        vec![
            ("adam@example.com".to_string(), "OWNER".to_string()),
            ("olga@example.com".to_string(), "ADMIN".to_string())
        ]
    );
    // The removed person's session no longer opens the organization; raw SQL cannot change roles.
    assert!(
        neuroflow_sync::TeamSession::open(member.pool.clone(), member.organization_id)
            .await
            .is_err()
    );
    let raw = sqlx::query("UPDATE organization_members SET role = 'OWNER' WHERE user_id = $1")
        .bind(admin.user_id)
        .execute(&owner.pool)
        .await;
    assert!(raw.is_err(), "a person cannot write memberships directly");
    assert!(
        members::create_user_command("new@example.com", "studio", "MEMBER")
            .contains("neuroflow admin create-user")
    );
}
