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
        // The child may refuse its arguments before reading stdin (and be gone): only a
        // broken pipe is expected.
        let written = child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes());
        if let Err(e) = written {
            assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "write stdin: {e}");
        }
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

/// `neuroflow` with `PGPASSWORD` only when `env` sets it.
fn neuroflow_env(args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_neuroflow"));
    cmd.args(args)
        .env_remove("PGPASSWORD")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("spawn neuroflow");
    let mut pipe = child.stdin.take().expect("stdin");
    // The child may refuse before reading stdin: a broken pipe is not the test's concern.
    let _ = pipe.write_all(stdin.as_bytes());
    drop(pipe);
    child.wait_with_output().expect("wait")
}

fn one_line_failure(out: &Output, secret: &str) -> String {
    let err = text(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.starts_with("neuroflow: "), "{err}");
    assert!(
        !err.contains(secret),
        "the password must not be shown: {err}"
    );
    assert!(!text(&out.stdout).contains(secret));
    err
}

#[tokio::test]
async fn a_postgres_url_without_a_password_takes_it_from_pgpassword_or_stdin() {
    let base = pg_url();
    let admin = sqlx::PgPool::connect(&base).await.expect("connect");
    let name = format!("nf_cli_pw_{}", uuid::Uuid::now_v7().simple());
    // Every character a URL's user info would need escaped.
    let password = "p@ss:w/rd %?#&'x";
    for sql in [
        format!(
            "CREATE ROLE {name} LOGIN SUPERUSER PASSWORD '{}'",
            password.replace('\'', "''")
        ),
        format!("CREATE DATABASE {name} OWNER {name}"),
    ] {
        sqlx::query(&sql).execute(&admin).await.expect("setup");
    }
    let host = base
        .split_once('@')
        .and_then(|(_, rest)| rest.rsplit_once('/'))
        .expect("url is postgres://user:pw@host:port/db")
        .0;
    let url = format!("postgres://{name}@{host}/{name}");
    let migrate = ["db", "migrate", "--database-url", url.as_str()];
    let migrate_stdin = [&migrate[..], &["--database-password-stdin"]].concat();

    let out = neuroflow_env(&migrate, "", &[]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "no password: {}",
        text(&out.stdout)
    );
    one_line_failure(&out, password);

    let out = neuroflow_env(&migrate, "", &[("PGPASSWORD", password)]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).trim(), "database is up to date");

    let out = neuroflow_env(&migrate_stdin, &format!("{password}\n"), &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    // Stdin wins over PGPASSWORD: a wrong one there fails, and neither is shown.
    let out = neuroflow_env(
        &migrate_stdin,
        "wrong-pw-7c1\n",
        &[("PGPASSWORD", password)],
    );
    assert_eq!(out.status.code(), Some(1));
    one_line_failure(&out, "wrong-pw-7c1");

    let out = neuroflow_env(&migrate, "", &[("PGPASSWORD", "wrong-pw-7c1")]);
    assert_eq!(out.status.code(), Some(1));
    one_line_failure(&out, "wrong-pw-7c1");

    // A password in the URL and on stdin is one too many.
    let with_pw = format!("postgres://{name}:inline-pw-9e2@{host}/{name}");
    let out = neuroflow_env(
        &[
            "db",
            "migrate",
            "--database-url",
            &with_pw,
            "--database-password-stdin",
        ],
        &format!("{password}\n"),
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    one_line_failure(&out, "inline-pw-9e2");

    // create-user with both passwords on stdin: the database's first, then the new user's.
    let create = [
        "admin",
        "create-user",
        "--database-url",
        url.as_str(),
        "--email",
        "grace@example.com",
        "--org",
        "acme-pw",
        "--role",
        "MEMBER",
        "--password-stdin",
        "--database-password-stdin",
    ];
    let out = neuroflow_env(&create, &format!("{password}\nnew user pass 1\n"), &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let role = text(&out.stdout).trim().to_string();
    assert!(role.starts_with("nf_"), "{role}");
    let login = sqlx::PgPool::connect(&format!(
        "postgres://{role}:new%20user%20pass%201@{host}/{name}"
    ))
    .await;
    assert!(login.is_ok(), "the new role logs in: {:?}", login.err());
    if let Ok(pool) = login {
        pool.close().await;
    }

    let out = neuroflow_env(&create, password, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = one_line_failure(&out, password);
    assert!(err.contains("two lines"), "{err}");

    admin.close().await;
}

#[test]
fn bad_database_urls_are_refused_before_anything_is_made() {
    let dir = temp_db().parent().expect("dir").to_path_buf();
    for url in ["::: not a url", "", "mysql://user:hunter2@host/db"] {
        let out = Command::new(env!("CARGO_BIN_EXE_neuroflow"))
            .args(["db", "migrate", "--database-url", url])
            .current_dir(&dir)
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(2), "{url:?}");
        let err = one_line_failure(&out, "hunter2");
        assert!(err.contains("--database-url"), "{err}");
        assert!(
            out.stdout.is_empty(),
            "{url:?} printed {}",
            text(&out.stdout)
        );
    }
    let out = neuroflow(
        &[
            "db",
            "migrate",
            "--database-url",
            "mysql://user:hunter2@host/db",
        ],
        None,
    );
    assert!(
        text(&out.stderr).contains("mysql://user:***@host/db"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        std::fs::read_dir(&dir).expect("dir").count(),
        0,
        "a refused URL must not create a file"
    );
}

/// `neuroflow sync` as a person runs it: the LOGIN role in the URL, the password in
/// PGPASSWORD; the first run makes the local cache, an edit made there is pushed by the next.
#[tokio::test]
async fn sync_makes_a_local_cache_and_pushes_its_edits_as_the_person() {
    let base = pg_url();
    let name = format!("nf_cli_sync_{}", uuid::Uuid::now_v7().simple());
    let admin = sqlx::PgPool::connect(&base).await.expect("connect");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await
        .expect("create db");
    let (head, _) = base.rsplit_once('/').expect("url ends in /db");
    let url = format!("{head}/{name}");
    let created = neuroflow(
        &[
            "admin",
            "create-user",
            "--database-url",
            &url,
            "--email",
            "sam@example.com",
            "--org",
            "studio",
            "--role",
            "MEMBER",
            "--password-stdin",
        ],
        Some("sams password 1\n"),
    );
    assert!(created.status.success(), "{}", text(&created.stderr));
    let role = text(&created.stdout).trim().to_string();
    let host_db = url.split_once('@').expect("creds").1;
    let person_url = format!("postgres://{role}@{host_db}");
    let local = temp_db();
    let local_s = local.to_string_lossy().to_string();
    let sync = |extra: &[(&str, &str)]| {
        let mut env = vec![("PGPASSWORD", "sams password 1")];
        env.extend_from_slice(extra);
        neuroflow_env(
            &["sync", "--database-url", &person_url, "--local", &local_s],
            "",
            &env,
        )
    };
    let first = sync(&[]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert!(
        text(&first.stdout).contains("opened"),
        "{}",
        text(&first.stdout)
    );

    // An edit made in the local cache, as the app would.
    let db = neuroflow_store::Db::open_sqlite(&local)
        .await
        .expect("open");
    let identity = neuroflow_store::local::ensure_local_identity(&db)
        .await
        .expect("identity");
    let store = neuroflow_store::Store::new(db, identity.device);
    let actor = neuroflow_store::workflows::Actor {
        organization_id: identity.organization_id,
        user_id: identity.user_id,
    };
    let wf = store
        .workflow_create(actor, "Made offline")
        .await
        .expect("create");
    store.db().close().await;

    let second = sync(&[]);
    assert!(second.status.success(), "{}", text(&second.stderr));
    assert!(
        text(&second.stdout).contains("pushed 1 change"),
        "{}",
        text(&second.stdout)
    );
    let team = sqlx::PgPool::connect(&url).await.expect("connect");
    let name_on_server: String = sqlx::query_scalar("SELECT name FROM workflows WHERE id = $1")
        .bind(wf.id)
        .fetch_one(&team)
        .await
        .expect("the workflow reached the team database");
    assert_eq!(name_on_server, "Made offline");

    // A wrong password is one clear line, with no password in it.
    let wrong = neuroflow_env(
        &["sync", "--database-url", &person_url, "--local", &local_s],
        "",
        &[("PGPASSWORD", "nope-nope")],
    );
    assert_eq!(wrong.status.code(), Some(1));
    let err = text(&wrong.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("password authentication failed"), "{err}");
    team.close().await;
    admin.close().await;
}
