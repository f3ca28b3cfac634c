//! The `neuroflow` binary as a person runs it: exit codes, one-line errors, real databases.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn neuroflow(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_neuroflow"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn neuroflow");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write stdin");
    } else {
        drop(child.stdin.take());
    }
    child.wait_with_output().expect("wait")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).to_string()
}

fn temp_db() -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("cli-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).expect("dir");
    dir.join("neuroflow.db")
}

#[test]
fn migrate_creates_a_sqlite_database_and_is_repeatable() {
    let db = temp_db();
    let url = db.to_string_lossy().to_string();
    for _ in 0..2 {
        let out = neuroflow(&["db", "migrate", "--database-url", &url], None);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert_eq!(text(&out.stdout).trim(), "database is up to date");
    }
    assert!(db.exists());
}

#[test]
fn usage_errors_are_one_line_and_exit_2() {
    for args in [
        vec!["db"],
        vec!["db", "migrate"],
        vec!["frobnicate", "now"],
        vec!["db", "migrate", "--database-url", "x.db", "--extra"],
    ] {
        let out = neuroflow(&args, None);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = text(&out.stderr);
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(err.starts_with("neuroflow: "), "{err}");
    }
}

#[test]
fn create_user_rejects_bad_input_in_one_line() {
    let db = temp_db();
    let url = db.to_string_lossy().to_string();
    let base = [
        "admin",
        "create-user",
        "--database-url",
        &url,
        "--email",
        "ada@example.com",
        "--org",
        "acme",
    ];
    let mut bad_role = base.to_vec();
    bad_role.extend(["--role", "KING", "--password-stdin"]);
    let out = neuroflow(&bad_role, Some("correct horse battery"));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("'KING' is not a valid OrgRole"),
        "{}",
        text(&out.stderr)
    );

    let mut no_stdin_flag = base.to_vec();
    no_stdin_flag.extend(["--role", "OWNER"]);
    assert_eq!(neuroflow(&no_stdin_flag, None).status.code(), Some(2));

    let mut sqlite = base.to_vec();
    sqlite.extend(["--role", "OWNER", "--password-stdin"]);
    let out = neuroflow(&sqlite, Some("correct horse battery\n"));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("Postgres"),
        "{}",
        text(&out.stderr)
    );

    let out = neuroflow(
        &[
            "db",
            "migrate",
            "--database-url",
            "postgres://nobody:secret-pw@127.0.0.1:1/none",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        !err.contains("secret-pw"),
        "the password must not be echoed: {err}"
    );
}

fn pg_url() -> String {
    std::env::var("NEUROFLOW_TEST_PG_URL").expect("NEUROFLOW_TEST_PG_URL is not set: run ./scripts/test.sh, which starts a Postgres for the tests")
}

#[tokio::test]
async fn create_user_makes_a_login_role_that_only_its_password_opens() {
    let base = pg_url();
    let name = format!("nf_cli_{}", uuid::Uuid::now_v7().simple());
    let admin = sqlx::PgPool::connect(&base).await.expect("connect");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await
        .expect("create db");
    let (head, _) = base.rsplit_once('/').expect("url ends in /db");
    let url = format!("{head}/{name}");

    let email = format!("ada-{}@example.com", &name[7..15]);
    let args = [
        "admin",
        "create-user",
        "--database-url",
        &url,
        "--email",
        &email,
        "--org",
        "acme-labs",
        "--role",
        "ADMIN",
        "--password-stdin",
    ];
    let out = neuroflow(&args, Some("it's a 'quoted' pass\n"));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let role = text(&out.stdout).trim().to_string();
    assert!(role.starts_with("nf_"), "{role}");

    let host_db = url.split_once('@').expect("creds").1;
    let ok = sqlx::PgPool::connect(&format!(
        "postgres://{role}:{}@{host_db}",
        "it%27s%20a%20%27quoted%27%20pass"
    ))
    .await;
    assert!(
        ok.is_ok(),
        "the new role logs in with its password: {:?}",
        ok.err()
    );
    let pool = ok.expect("pool");
    let (who,): (String,) = sqlx::query_as("SELECT session_user::text")
        .fetch_one(&pool)
        .await
        .expect("whoami");
    assert_eq!(who, role);
    pool.close().await;
    let wrong = sqlx::PgPool::connect(&format!("postgres://{role}:wrong-password@{host_db}")).await;
    assert!(wrong.is_err(), "a wrong password must not log in");

    // Running it again is idempotent and prints the same role.
    let again = neuroflow(&args, Some("a new password 123\n"));
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert_eq!(text(&again.stdout).trim(), role);

    admin.close().await;
}
