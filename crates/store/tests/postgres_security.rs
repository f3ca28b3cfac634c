//! Attacks on the team store's row-level security, as another tenant, with raw SQL.
//!
//! Needs a Postgres superuser URL in `NEUROFLOW_TEST_PG_URL` (CI always sets it); without it
//! every test here fails. Each test creates its own database `nf_test_<uuid>`, runs the
//! migrations on it as the superuser, creates people with `pg_admin::create_user`, connects as
//! each person's own LOGIN role (password authentication) and checks what that role can and
//! cannot do. The database and the test's login roles are dropped at the end, pass or fail.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;

use neuroflow_model::order::{OrderActor, TRANSITIONS};
use neuroflow_model::{DbEnum, OrgRole};
use neuroflow_store::pg_admin::{self, CreatedUser, PgAdminError};
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::{Executor, Row};
use uuid::Uuid;

const ENV: &str = "NEUROFLOW_TEST_PG_URL";

fn superuser_url() -> String {
    match std::env::var(ENV) {
        Ok(url) if !url.trim().is_empty() => url,
        _ => panic!(
            "{ENV} is not set. The Postgres security tests need a superuser URL of a Postgres 15+ \
             server with password (scram) authentication, e.g.\n  \
             export {ENV}=postgres://postgres:PASSWORD@127.0.0.1:55433/postgres\n\
             (start one as in RECIPES.md \"Postgres on loopback\"; CI always sets it)."
        ),
    }
}

/// The same URL pointing at another database (keeps credentials, host, port and query).
fn url_with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.find('?') {
        Some(i) => (&url[..i], &url[i..]),
        None => (url, ""),
    };
    let authority_start = base.find("://").map(|i| i + 3).unwrap_or(0);
    let prefix = match base[authority_start..].find('/') {
        Some(i) => &base[..authority_start + i],
        None => base,
    };
    format!("{prefix}/{database}{query}")
}

// ---------------------------------------------------------------------------------------------
// Fixture: a fresh database, two organizations, their people
// ---------------------------------------------------------------------------------------------

struct Person {
    id: Uuid,
    role: String,
    password: String,
    pool: PgPool,
}

struct Fx {
    db_url: String,
    su: PgPool,
    org_a: Uuid,
    org_b: Uuid,
    /// OWNER of A.
    a_owner: Person,
    /// MEMBER of A: the client of orders.
    a_client: Person,
    /// MEMBER of A: the builder orders get assigned to.
    a_builder: Person,
    /// VIEWER of A.
    a_viewer: Person,
    /// OWNER of B: the attacker with the most rights in its own organization.
    b_owner: Person,
    /// MEMBER of B.
    b_member: Person,
    /// Org A's private rows, one per table (key: table name).
    a_rows: HashMap<&'static str, Uuid>,
    /// Org A's public / system rows (key: "<table>:public" or "<table>:system").
    a_public: HashMap<&'static str, Uuid>,
}

fn password_for(label: &str) -> String {
    // A quote and a backslash: the password must reach CREATE ROLE intact and safely.
    format!("pw-{label}-'\\-{}", Uuid::now_v7().simple())
}

async fn person(su: &PgPool, db_url: &str, email: &str, slug: &str, role: OrgRole) -> Person {
    let password = password_for(email.split('@').next().unwrap());
    let created: CreatedUser = pg_admin::create_user(su, email, slug, role, &password)
        .await
        .unwrap_or_else(|e| panic!("create_user {email}: {e}"));
    let pool = pg_admin::connect_as(db_url, &created.role_name, &password)
        .await
        .unwrap_or_else(|e| panic!("connect as {email}: {e}"));
    Person {
        id: created.user_id,
        role: created.role_name,
        password,
        pool,
    }
}

impl Fx {
    /// Migrates the (empty) test database and fills it. Runs inside the test's task, so a
    /// failure here still ends in `with_fixture`'s cleanup.
    async fn new(db_url: String) -> Fx {
        let su = PgPoolOptions::new()
            .max_connections(3)
            .connect(&db_url)
            .await
            .expect("connect to test database");
        sqlx::migrate!("../../migrations/postgres")
            .run(&su)
            .await
            .expect("run the Postgres migrations");

        let a_owner = person(&su, &db_url, "owner@a.example", "org-a", OrgRole::Owner).await;
        let a_client = person(&su, &db_url, "client@a.example", "org-a", OrgRole::Member).await;
        let a_builder = person(&su, &db_url, "builder@a.example", "org-a", OrgRole::Member).await;
        let a_viewer = person(&su, &db_url, "viewer@a.example", "org-a", OrgRole::Viewer).await;
        let b_owner = person(&su, &db_url, "owner@b.example", "org-b", OrgRole::Owner).await;
        let b_member = person(&su, &db_url, "member@b.example", "org-b", OrgRole::Member).await;
        let org_id = |slug: &'static str| {
            sqlx::query_scalar::<_, Uuid>("SELECT id FROM organizations WHERE slug = $1")
                .bind(slug)
                .fetch_one(&su)
        };
        let org_a = org_id("org-a").await.unwrap();
        let org_b = org_id("org-b").await.unwrap();

        let a_rows = seed(&su, org_a, a_client.id).await;
        let a_public = seed_public(&su, org_a, a_owner.id).await;
        Fx {
            db_url,
            su,
            org_a,
            org_b,
            a_owner,
            a_client,
            a_builder,
            a_viewer,
            b_owner,
            b_member,
            a_rows,
            a_public,
        }
    }

    fn people(&self) -> [&Person; 6] {
        [
            &self.a_owner,
            &self.a_client,
            &self.a_builder,
            &self.a_viewer,
            &self.b_owner,
            &self.b_member,
        ]
    }
}

/// Creates a fresh database, runs the fixture and `body` in a task, then — pass or fail — drops
/// the database and every login role linked to one of its users, and re-raises a failure.
async fn with_fixture<F, Fut>(body: F)
where
    F: FnOnce(Arc<Fx>) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let su_url = superuser_url();
    let server = PgPoolOptions::new()
        .max_connections(1)
        .connect(&su_url)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to {ENV} as superuser: {e}"));
    let db_name = format!("nf_test_{}", Uuid::now_v7().simple());
    server
        .execute(format!("CREATE DATABASE {db_name}").as_str())
        .await
        .expect("create test database");
    let db_url = url_with_database(&su_url, &db_name);

    let outcome = tokio::spawn({
        let db_url = db_url.clone();
        async move {
            let fx = Arc::new(Fx::new(db_url).await);
            body(fx).await;
        }
    })
    .await;

    // Login roles are cluster-wide: read them from the database before it goes.
    let mut roles: Vec<String> = Vec::new();
    if let Ok(pool) = PgPoolOptions::new()
        .max_connections(1)
        .connect(&db_url)
        .await
    {
        roles = sqlx::query_scalar("SELECT pg_role FROM users WHERE pg_role IS NOT NULL")
            .fetch_all(&pool)
            .await
            .unwrap_or_default();
        pool.close().await;
    }
    let _ = server
        .execute(format!("DROP DATABASE IF EXISTS {db_name} WITH (FORCE)").as_str())
        .await;
    for role in roles.iter().filter(|r| {
        r.starts_with("nf_") && r.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    }) {
        let _ = server
            .execute(format!("DROP ROLE IF EXISTS {role}").as_str())
            .await;
    }
    server.close().await;

    if let Err(e) = outcome {
        if e.is_panic() {
            std::panic::resume_unwind(e.into_panic());
        }
        panic!("test body did not finish: {e}");
    }
}

// ---------------------------------------------------------------------------------------------
// One row per table, inserted by the same SQL for seeding (as superuser) and for attacks
// ---------------------------------------------------------------------------------------------

/// What a row points to: its parent (order, workflow, agent, team, blueprint, template), an
/// auxiliary row (team member's agent, edge endpoints) and the creating user.
#[derive(Clone, Copy)]
struct Refs {
    parent: Uuid,
    aux: Uuid,
    user: Uuid,
}

const TABLES: &[&str] = &[
    "workflow_templates",
    "workflows",
    "workflow_nodes",
    "workflow_edges",
    "workflow_executions",
    "custom_agent_orders",
    "order_milestones",
    "build_logs",
    "agent_templates",
    "template_reviews",
    "tool_blueprints",
    "blueprint_components",
    "blueprint_connections",
    "project_showcases",
    "ai_agents",
    "agent_executions",
    "agent_teams",
    "team_members",
    "team_executions",
    "integrations",
    "workflow_versions",
    "blueprint_versions",
];

/// Tables app roles may only read and append to: no UPDATE or DELETE grant at all.
fn insert_only(table: &str) -> bool {
    matches!(
        table,
        "build_logs" | "workflow_versions" | "blueprint_versions"
    )
}

/// The parent table of a child table (the row its composite FK points to).
fn parent_of(table: &str) -> Option<&'static str> {
    Some(match table {
        "workflow_nodes" | "workflow_edges" | "workflow_executions" | "workflow_versions" => {
            "workflows"
        }
        "order_milestones" | "build_logs" => "custom_agent_orders",
        "template_reviews" => "agent_templates",
        "blueprint_components" | "blueprint_connections" | "blueprint_versions" => {
            "tool_blueprints"
        }
        "agent_executions" => "ai_agents",
        "team_members" | "team_executions" => "agent_teams",
        _ => return None,
    })
}

fn refs_from(rows: &HashMap<&'static str, Uuid>, table: &str, user: Uuid) -> Refs {
    let parent = parent_of(table).map(|p| rows[p]).unwrap_or(Uuid::nil());
    let aux = match table {
        "team_members" => rows["ai_agents"],
        "workflow_edges" => rows["workflow_nodes"],
        "blueprint_connections" => rows["blueprint_components"],
        _ => Uuid::nil(),
    };
    Refs { parent, aux, user }
}

/// Inserts one row into `table` (keys: a table name, or "<table>:public" / "<table>:system").
async fn insert_row(
    pool: &PgPool,
    table: &str,
    id: Uuid,
    org: Uuid,
    r: Refs,
) -> Result<u64, sqlx::Error> {
    let q = match table {
        "workflow_templates" | "workflow_templates:public" => sqlx::query(
            "INSERT INTO workflow_templates (id, organization_id, name, category, is_public, created_by, created_at, updated_at) \
             VALUES ($1, $2, 'wt', 'SALES', $3, $4, now(), now())",
        )
        .bind(id)
        .bind(org)
        .bind(table.ends_with(":public"))
        .bind(r.user),
        "workflow_templates:system" => sqlx::query(
            "INSERT INTO workflow_templates (id, organization_id, name, category, is_system, is_public, created_at, updated_at) \
             VALUES ($1, NULL, 'system wt', 'SALES', true, true, now(), now())",
        )
        .bind(id),
        "workflows" => sqlx::query(
            "INSERT INTO workflows (id, organization_id, name, created_by, created_at, updated_at) \
             VALUES ($1, $2, 'wf', $3, now(), now())",
        )
        .bind(id)
        .bind(org)
        .bind(r.user),
        "workflow_nodes" => sqlx::query(
            "INSERT INTO workflow_nodes (id, organization_id, workflow_id, kind, label, created_at, updated_at) \
             VALUES ($1, $2, $3, 'trigger', 'Start', now(), now())",
        )
        .bind(id)
        .bind(org)
        .bind(r.parent),
        "workflow_edges" => sqlx::query(
            "INSERT INTO workflow_edges (id, organization_id, workflow_id, source_id, target_id, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $4, now(), now())",
        )
        .bind(id)
        .bind(org)
        .bind(r.parent)
        .bind(r.aux),
        "workflow_executions" => sqlx::query(
            "INSERT INTO workflow_executions (id, organization_id, workflow_id, started_at, triggered_by, created_at, updated_at) \
             VALUES ($1, $2, $3, now(), $4, now(), now())",
        )
        .bind(id)
        .bind(org)
        .bind(r.parent)
        .bind(r.user),
        "custom_agent_orders" => sqlx::query(
            "INSERT INTO custom_agent_orders (id, organization_id, title, created_by, created_at, updated_at) \
             VALUES ($1, $2, 'order', $3, now(), now())",
        )
        .bind(id)
        .bind(org)
        .bind(r.user),
        "order_milestones" => sqlx::query(
            "INSERT INTO order_milestones (id, organization_id, order_id, title, created_at, updated_at) \
             VALUES ($1, $2, $3, 'm1', now(), now())",
        )
        .bind(id)
        .bind(org)
        .bind(r.parent),
        "build_logs" => sqlx::query(
            "INSERT INTO build_logs (id, organization_id, order_id, message, created_at, updated_at) \
             VALUES ($1, $2, $3, 'built', now(), now())",
        )
        .bind(id)
        .bind(org)
        .bind(r.parent),
        "agent_templates" | "agent_templates:public" => sqlx::query(
            "INSERT INTO agent_templates (id, organization_id, name, category, is_public, created_by, created_at, updated_at) \
             VALUES ($1, $2, 'at', 'SALES', $3, $4, now(), now())",
        )
        .bind(id)
        .bind(org)
        .bind(table.ends_with(":public"))
        .bind(r.user),
        "agent_templates:system" => sqlx::query(
            "INSERT INTO agent_templates (id, organization_id, name, category, is_system, is_public, created_at, updated_at) \
             VALUES ($1, NULL, 'system at', 'SALES', true, true, now(), now())",
        )
        .bind(id),
        "template_reviews" => sqlx::query(
            "INSERT INTO template_reviews (id, organization_id, template_id, reviewer_id, rating, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 4, now(), now())",
        )
        .bind(id)
        .bind(org)
        .bind(r.parent)
        .bind(r.user),
        "tool_blueprints" | "tool_blueprints:public" => sqlx::query(
            "INSERT INTO tool_blueprints (id, organization_id, name, category, is_public, created_by, created_at, updated_at) \
             VALUES ($1, $2, 'bp', 'API', $3, $4, now(), now())",
        )
        .bind(id)
        .bind(org)
        .bind(table.ends_with(":public"))
        .bind(r.user),
        "blueprint_components" => sqlx::query(
            "INSERT INTO blueprint_components (id, organization_id, blueprint_id, kind, label, created_at, updated_at) \
             VALUES ($1, $2, $3, 'http', 'Call', now(), now())",
        )
        .bind(id)
        .bind(org)
        .bind(r.parent),
        "blueprint_connections" => sqlx::query(
            "INSERT INTO blueprint_connections (id, organization_id, blueprint_id, source_id, target_id, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $4, now(), now())",
        )
        .bind(id)
        .bind(org)
        .bind(r.parent)
        .bind(r.aux),
        "project_showcases" | "project_showcases:public" => sqlx::query(
            "INSERT INTO project_showcases (id, organization_id, title, category, is_public, created_by, created_at, updated_at) \
             VALUES ($1, $2, 'show', 'AI_AGENT', $3, $4, now(), now())",
        )
        .bind(id)
        .bind(org)
        .bind(table.ends_with(":public"))
        .bind(r.user),
        "ai_agents" => sqlx::query(
            "INSERT INTO ai_agents (id, organization_id, name, created_by, created_at, updated_at) \
             VALUES ($1, $2, 'agent', $3, now(), now())",
        )
        .bind(id)
        .bind(org)
        .bind(r.user),
        "agent_executions" => sqlx::query(
            "INSERT INTO agent_executions (id, organization_id, agent_id, started_at, created_at, updated_at) \
             VALUES ($1, $2, $3, now(), now(), now())",
        )
        .bind(id)
        .bind(org)
        .bind(r.parent),
        "agent_teams" => sqlx::query(
            "INSERT INTO agent_teams (id, organization_id, name, structure, created_by, created_at, updated_at) \
             VALUES ($1, $2, 'team', 'PIPELINE', $3, now(), now())",
        )
        .bind(id)
        .bind(org)
        .bind(r.user),
        "team_members" => sqlx::query(
            "INSERT INTO team_members (id, organization_id, team_id, agent_id, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, now(), now())",
        )
        .bind(id)
        .bind(org)
        .bind(r.parent)
        .bind(r.aux),
        "team_executions" => sqlx::query(
            "INSERT INTO team_executions (id, organization_id, team_id, coordination_pattern, started_at, created_at, updated_at) \
             VALUES ($1, $2, $3, 'PIPELINE', now(), now(), now())",
        )
        .bind(id)
        .bind(org)
        .bind(r.parent),
        "integrations" => sqlx::query(
            "INSERT INTO integrations (id, organization_id, name, provider, created_by, created_at, updated_at) \
             VALUES ($1, $2, 'hook', 'WEBHOOK', $3, now(), now())",
        )
        .bind(id)
        .bind(org)
        .bind(r.user),
        "workflow_versions" => sqlx::query(
            "INSERT INTO workflow_versions (id, organization_id, workflow_id, version, kind, graph, author_id, created_at, updated_at) \
             VALUES ($1, $2, $3, 2, 'SAVE', '{\"nodes\": [], \"edges\": []}', $4, now(), now())",
        )
        .bind(id)
        .bind(org)
        .bind(r.parent)
        .bind(r.user),
        "blueprint_versions" => sqlx::query(
            "INSERT INTO blueprint_versions (id, organization_id, blueprint_id, version, kind, graph, author_id, created_at, updated_at) \
             VALUES ($1, $2, $3, 2, 'SAVE', '{\"nodes\": [], \"edges\": []}', $4, now(), now())",
        )
        .bind(id)
        .bind(org)
        .bind(r.parent)
        .bind(r.user),
        other => panic!("no insert for {other}"),
    };
    q.execute(pool).await.map(|done| done.rows_affected())
}

/// One private row per table in `org`, parents first, inserted by the superuser.
async fn seed(su: &PgPool, org: Uuid, user: Uuid) -> HashMap<&'static str, Uuid> {
    let mut rows = HashMap::new();
    for table in TABLES {
        let id = Uuid::now_v7();
        let refs = refs_from(&rows, table, user);
        insert_row(su, table, id, org, refs)
            .await
            .unwrap_or_else(|e| panic!("seed {table}: {e}"));
        rows.insert(*table, id);
    }
    // The agent execution also links to the workflow execution of the same organization.
    sqlx::query("UPDATE agent_executions SET workflow_execution_id = $2 WHERE id = $1")
        .bind(rows["agent_executions"])
        .bind(rows["workflow_executions"])
        .execute(su)
        .await
        .expect("link agent execution");
    rows
}

/// Org A's public showcase, blueprint (+ a component) and templates, and system templates.
async fn seed_public(su: &PgPool, org: Uuid, user: Uuid) -> HashMap<&'static str, Uuid> {
    let mut rows = HashMap::new();
    let none = Refs {
        parent: Uuid::nil(),
        aux: Uuid::nil(),
        user,
    };
    for key in [
        "project_showcases:public",
        "tool_blueprints:public",
        "agent_templates:public",
        "workflow_templates:public",
        "agent_templates:system",
        "workflow_templates:system",
    ] {
        let id = Uuid::now_v7();
        insert_row(su, key, id, org, none)
            .await
            .unwrap_or_else(|e| panic!("seed {key}: {e}"));
        rows.insert(key, id);
    }
    let component = Uuid::now_v7();
    let refs = Refs {
        parent: rows["tool_blueprints:public"],
        aux: Uuid::nil(),
        user,
    };
    insert_row(su, "blueprint_components", component, org, refs)
        .await
        .expect("seed public component");
    rows.insert("blueprint_components:public", component);
    rows
}

// ---------------------------------------------------------------------------------------------
// Assertion helpers
// ---------------------------------------------------------------------------------------------

fn code_of(e: &sqlx::Error) -> String {
    e.as_database_error()
        .and_then(|d| d.code())
        .map(|c| c.into_owned())
        .unwrap_or_else(|| format!("non-database error: {e}"))
}

#[track_caller]
fn assert_refused<T: std::fmt::Debug>(
    result: Result<T, sqlx::Error>,
    codes: &[&str],
    what: &str,
) -> String {
    match result {
        Ok(v) => panic!("{what}: expected a refusal ({codes:?}), but it succeeded with {v:?}"),
        Err(e) => {
            let code = code_of(&e);
            assert!(
                codes.contains(&code.as_str()),
                "{what}: expected SQLSTATE {codes:?}, got {code}: {e}"
            );
            e.to_string()
        }
    }
}

async fn count(pool: &PgPool, sql: &str, id: Uuid) -> i64 {
    sqlx::query_scalar(sql)
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn exec(pool: &PgPool, sql: &str, ids: &[Uuid]) -> Result<u64, sqlx::Error> {
    let mut q = sqlx::query(sql);
    for id in ids {
        q = q.bind(*id);
    }
    q.execute(pool).await.map(|r| r.rows_affected())
}

async fn status_of(fx: &Fx, order: Uuid) -> String {
    sqlx::query_scalar("SELECT status FROM custom_agent_orders WHERE id = $1")
        .bind(order)
        .fetch_one(&fx.su)
        .await
        .unwrap()
}

async fn set_status(p: &Person, order: Uuid, to: &str) -> Result<u64, sqlx::Error> {
    sqlx::query("UPDATE custom_agent_orders SET status = $2 WHERE id = $1")
        .bind(order)
        .bind(to)
        .execute(&p.pool)
        .await
        .map(|r| r.rows_affected())
}

const RLS: &str = "42501"; // insufficient_privilege: RLS WITH CHECK, missing grant, actor rules
const FK: &str = "23503"; // foreign_key_violation: composite FK or same-organization reference
const CHECK: &str = "23514"; // check_violation: a move outside the order lifecycle
const UNIQUE: &str = "23505";

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn login_is_per_person_and_identity_cannot_be_switched() {
    with_fixture(|fx| async move {
        // Each person is themself, identified by session_user.
        for p in fx.people() {
            let (session, me): (String, Option<Uuid>) =
                sqlx::query_as("SELECT session_user::text, private.current_user_id()")
                    .fetch_one(&p.pool)
                    .await
                    .unwrap();
            assert_eq!(session, p.role);
            assert_eq!(me, Some(p.id));
        }
        // Wrong passwords fail: a made-up one, and another person's.
        let wrong = pg_admin::connect_as(&fx.db_url, &fx.a_owner.role, "not-the-password").await;
        assert!(
            matches!(wrong, Err(PgAdminError::Connect { .. })),
            "wrong password must not log in"
        );
        let borrowed =
            pg_admin::connect_as(&fx.db_url, &fx.a_owner.role, &fx.b_owner.password).await;
        assert!(borrowed.is_err(), "B's password must not open A's role");
        // The shared group roles cannot log in at all.
        for group in ["app_user", "neuroflow_owner"] {
            assert!(
                pg_admin::connect_as(&fx.db_url, group, &fx.b_owner.password)
                    .await
                    .is_err(),
                "{group} logged in"
            );
        }

        // B tries to become someone else on its own connection.
        let mut conn = fx.b_owner.pool.acquire().await.unwrap();
        for stmt in [
            format!("SET ROLE {}", fx.a_owner.role),
            format!("SET SESSION AUTHORIZATION {}", fx.a_owner.role),
            "SET ROLE neuroflow_owner".to_string(),
            "SET ROLE postgres".to_string(),
            "SET SESSION AUTHORIZATION postgres".to_string(),
        ] {
            assert_refused(conn.execute(stmt.as_str()).await, &[RLS], &stmt);
        }
        // SET ROLE app_user is allowed (B is a member) but changes nothing: identity is session_user.
        conn.execute("SET ROLE app_user").await.unwrap();
        let (session, current): (String, String) =
            sqlx::query_as("SELECT session_user::text, current_user::text")
                .fetch_one(&mut *conn)
                .await
                .unwrap();
        assert_eq!(
            (session.as_str(), current.as_str()),
            (fx.b_owner.role.as_str(), "app_user")
        );
        let seen: i64 =
            sqlx::query_scalar("SELECT count(*) FROM workflows WHERE organization_id = $1")
                .bind(fx.org_a)
                .fetch_one(&mut *conn)
                .await
                .unwrap();
        assert_eq!(seen, 0, "SET ROLE app_user must not widen what B sees");
        conn.execute("RESET ROLE").await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn another_tenant_cannot_read_change_or_delete_any_table_family() {
    with_fixture(|fx| async move {
        for attacker in [&fx.b_owner, &fx.b_member] {
            for table in TABLES {
                let id = fx.a_rows[table];
                let by_id = count(
                    &attacker.pool,
                    &format!("SELECT count(*) FROM {table} WHERE id = $1"),
                    id,
                )
                .await;
                assert_eq!(by_id, 0, "{table}: B sees A's row");
                // Of org A, B sees only what A published (public showcases, blueprints, templates).
                let seen: Vec<Uuid> = sqlx::query_scalar(&format!(
                    "SELECT id FROM {table} WHERE organization_id = $1"
                ))
                .bind(fx.org_a)
                .fetch_all(&attacker.pool)
                .await
                .unwrap();
                let published: Vec<Uuid> = fx.a_public.values().copied().collect();
                assert!(
                    seen.iter().all(|id| published.contains(id)),
                    "{table}: B sees private rows of org A"
                );

                let update = exec(
                    &attacker.pool,
                    &format!("UPDATE {table} SET updated_at = '1999-01-01Z' WHERE id = $1"),
                    &[id],
                )
                .await;
                let delete = exec(
                    &attacker.pool,
                    &format!("DELETE FROM {table} WHERE id = $1"),
                    &[id],
                )
                .await;
                // No app role hard-deletes (0005): tombstones only.
                assert_refused(delete, &[RLS], &format!("DELETE {table}"));
                if insert_only(table) {
                    assert_refused(update, &[RLS], &format!("UPDATE {table}"));
                } else {
                    assert_eq!(
                        update.unwrap_or_else(|e| panic!("UPDATE {table}: {e}")),
                        0,
                        "{table}: B updated A's row"
                    );
                }
                // Mass updates and deletes reach nothing of A either.
                if !insert_only(table) {
                    exec(
                        &attacker.pool,
                        &format!("UPDATE {table} SET updated_at = '1999-01-01Z'"),
                        &[],
                    )
                    .await
                    .unwrap();
                }
                assert_refused(
                    exec(
                        &attacker.pool,
                        &format!("DELETE FROM {table} WHERE organization_id <> $1"),
                        &[fx.org_b],
                    )
                    .await,
                    &[RLS],
                    &format!("mass DELETE {table}"),
                );
                let still = count(
                    &fx.su,
                    &format!(
                        "SELECT count(*) FROM {table} WHERE id = $1 AND updated_at > '2000-01-01Z'"
                    ),
                    id,
                )
                .await;
                assert_eq!(still, 1, "{table}: A's row was changed or removed");
            }
        }
    })
    .await;
}

#[tokio::test]
async fn inserts_into_another_organization_are_refused() {
    with_fixture(|fx| async move {
        let b = &fx.b_owner;
        // organization_id = A, parents in A.
        for table in TABLES {
            let refs = refs_from(&fx.a_rows, table, b.id);
            let id = Uuid::now_v7();
            let result = insert_row(&b.pool, table, id, fx.org_a, refs).await;
            // RLS WITH CHECK (42501); for rows whose reference B cannot see, the same-org
            // reference check answers first (23503) — either way nothing is written.
            assert_refused(result, &[RLS, FK], &format!("INSERT INTO {table} with organization_id = A"));
            assert_eq!(count(&fx.su, &format!("SELECT count(*) FROM {table} WHERE id = $1"), id).await, 0);
        }
        // organization_id = B, but the parent is A's: as B refused by RLS (parent not visible in
        // B), and even on the admin path by the composite foreign key.
        for table in TABLES.iter().filter(|t| parent_of(t).is_some()) {
            let refs = refs_from(&fx.a_rows, table, b.id);
            let as_b = insert_row(&b.pool, table, Uuid::now_v7(), fx.org_b, refs).await;
            assert_refused(as_b, &[RLS, FK], &format!("INSERT INTO {table} (org B) under A's parent"));
            if *table != "template_reviews" {
                // template_reviews.template_id is a plain FK on purpose (reviews of other orgs' public templates).
                let as_su = insert_row(&fx.su, table, Uuid::now_v7(), fx.org_b, refs).await;
                assert_refused(as_su, &[FK], &format!("superuser INSERT INTO {table} (org B) under A's parent"));
            }
        }
        // Children under A's *public* blueprint are not B's to add either.
        let public_bp = Refs { parent: fx.a_public["tool_blueprints:public"], aux: Uuid::nil(), user: b.id };
        for org in [fx.org_a, fx.org_b] {
            let r = insert_row(&b.pool, "blueprint_components", Uuid::now_v7(), org, public_bp).await;
            assert_refused(r, &[RLS], "component under A's public blueprint");
        }
        // Tenancy is written only on the admin path: B cannot join org A or raise itself.
        let join = sqlx::query(
            "INSERT INTO organization_members (id, organization_id, user_id, role, created_at, updated_at) \
             VALUES ($1, $2, $3, 'OWNER', now(), now())",
        )
        .bind(Uuid::now_v7())
        .bind(fx.org_a)
        .bind(b.id)
        .execute(&b.pool)
        .await;
        assert_refused(join, &[RLS], "B inserts itself into org A");
        assert_refused(
            exec(&b.pool, "UPDATE organization_members SET role = 'OWNER' WHERE user_id = $1", &[fx.b_member.id]).await,
            &[RLS],
            "B edits memberships",
        );
        assert_refused(
            exec(&b.pool, "UPDATE users SET pg_role = session_user WHERE id = $1", &[fx.a_owner.id]).await,
            &[RLS],
            "B takes over A's identity",
        );
        assert_refused(
            exec(&b.pool, "INSERT INTO organizations (id, name, slug, created_at, updated_at) VALUES ($1, 'x', 'x-org', now(), now())", &[Uuid::now_v7()]).await,
            &[RLS],
            "B creates an organization",
        );
        // What B sees of tenancy: its own organization, its memberships, its co-members only.
        let orgs: Vec<Uuid> = sqlx::query_scalar("SELECT id FROM organizations").fetch_all(&b.pool).await.unwrap();
        assert_eq!(orgs, vec![fx.org_b]);
        let member_orgs: Vec<Uuid> =
            sqlx::query_scalar("SELECT DISTINCT organization_id FROM organization_members").fetch_all(&b.pool).await.unwrap();
        assert_eq!(member_orgs, vec![fx.org_b]);
        let mut users: Vec<Uuid> = sqlx::query_scalar("SELECT id FROM users").fetch_all(&b.pool).await.unwrap();
        users.sort();
        let mut expected = vec![fx.b_owner.id, fx.b_member.id];
        expected.sort();
        assert_eq!(users, expected, "B sees users outside its organizations");
    })
    .await;
}

#[tokio::test]
async fn public_and_system_rows_are_visible_but_not_writable() {
    with_fixture(|fx| async move {
        let b = &fx.b_member;
        for (key, id) in &fx.a_public {
            let table = key.split(':').next().unwrap();
            assert_eq!(
                count(
                    &b.pool,
                    &format!("SELECT count(*) FROM {table} WHERE id = $1"),
                    *id
                )
                .await,
                1,
                "{key} not visible to B"
            );
            let updated = exec(
                &b.pool,
                &format!("UPDATE {table} SET updated_at = now() WHERE id = $1"),
                &[*id],
            )
            .await
            .unwrap();
            assert_eq!(updated, 0, "B updated {key}");
            let deleted = exec(
                &b.pool,
                &format!("DELETE FROM {table} WHERE id = $1"),
                &[*id],
            )
            .await;
            assert_refused(deleted, &[RLS], &format!("B deletes {key}"));
        }
        // Org A's own members cannot write system templates either.
        for key in ["agent_templates:system", "workflow_templates:system"] {
            let table = key.split(':').next().unwrap();
            let n = exec(
                &fx.a_owner.pool,
                &format!("UPDATE {table} SET name = 'mine' WHERE id = $1"),
                &[fx.a_public[key]],
            )
            .await
            .unwrap();
            assert_eq!(n, 0, "A's owner rewrote {key}");
        }
        // Nobody creates system templates or takes a public row private/over.
        let sys = insert_row(
            &b.pool,
            "agent_templates:system",
            Uuid::now_v7(),
            fx.org_b,
            Refs {
                parent: Uuid::nil(),
                aux: Uuid::nil(),
                user: b.id,
            },
        )
        .await;
        assert_refused(sys, &[RLS], "B creates a system template");
        let sys = insert_row(
            &fx.a_owner.pool,
            "workflow_templates:system",
            Uuid::now_v7(),
            fx.org_a,
            Refs {
                parent: Uuid::nil(),
                aux: Uuid::nil(),
                user: fx.a_owner.id,
            },
        )
        .await;
        assert_refused(sys, &[RLS], "A creates a system template");
        // A's *private* templates, showcases and blueprints stay invisible.
        for table in [
            "agent_templates",
            "workflow_templates",
            "project_showcases",
            "tool_blueprints",
            "blueprint_components",
        ] {
            assert_eq!(
                count(
                    &b.pool,
                    &format!("SELECT count(*) FROM {table} WHERE id = $1"),
                    fx.a_rows[table]
                )
                .await,
                0,
                "{table}"
            );
        }
        // Only the public blueprint's component is visible through its parent.
        let components: Vec<Uuid> = sqlx::query_scalar("SELECT id FROM blueprint_components")
            .fetch_all(&b.pool)
            .await
            .unwrap();
        assert_eq!(components, vec![fx.a_public["blueprint_components:public"]]);
        // Once A makes the blueprint private, its component disappears for B as well.
        exec(
            &fx.a_owner.pool,
            "UPDATE tool_blueprints SET is_public = false WHERE id = $1",
            &[fx.a_public["tool_blueprints:public"]],
        )
        .await
        .unwrap();
        assert_eq!(
            count(
                &b.pool,
                "SELECT count(*) FROM blueprint_components WHERE id = $1",
                fx.a_public["blueprint_components:public"]
            )
            .await,
            0
        );
    })
    .await;
}

#[tokio::test]
async fn build_logs_are_append_only_even_for_owner_and_superuser() {
    with_fixture(|fx| async move {
        let order = fx.a_rows["custom_agent_orders"];
        let log = fx.a_rows["build_logs"];
        // Appending works for a writer of the organization.
        let refs = Refs {
            parent: order,
            aux: Uuid::nil(),
            user: fx.a_owner.id,
        };
        insert_row(
            &fx.a_owner.pool,
            "build_logs",
            Uuid::now_v7(),
            fx.org_a,
            refs,
        )
        .await
        .expect("owner appends a log");
        assert_eq!(
            count(
                &fx.a_owner.pool,
                "SELECT count(*) FROM build_logs WHERE order_id = $1",
                order
            )
            .await,
            2
        );
        // The organization's owner can neither rewrite nor remove one.
        for (pool, who) in [(&fx.a_owner.pool, "A's owner"), (&fx.su, "superuser")] {
            assert_refused(
                exec(
                    pool,
                    "UPDATE build_logs SET message = 'rewritten' WHERE id = $1",
                    &[log],
                )
                .await,
                &[RLS],
                &format!("{who} UPDATE"),
            );
            assert_refused(
                exec(
                    pool,
                    "UPDATE build_logs SET deleted_at = now() WHERE id = $1",
                    &[log],
                )
                .await,
                &[RLS],
                &format!("{who} tombstone"),
            );
            assert_refused(
                exec(pool, "DELETE FROM build_logs WHERE id = $1", &[log]).await,
                &[RLS],
                &format!("{who} DELETE"),
            );
            assert_refused(
                exec(pool, "TRUNCATE build_logs", &[]).await,
                &[RLS],
                &format!("{who} TRUNCATE"),
            );
        }
        let message: String = sqlx::query_scalar("SELECT message FROM build_logs WHERE id = $1")
            .bind(log)
            .fetch_one(&fx.su)
            .await
            .unwrap();
        assert_eq!(message, "built");
        // A person deleting an order that has logs would delete history: refused.
        exec(
            &fx.su,
            "UPDATE custom_agent_orders SET status = 'DRAFT' WHERE id = $1",
            &[order],
        )
        .await
        .unwrap();
        assert_refused(
            exec(
                &fx.a_client.pool,
                "DELETE FROM custom_agent_orders WHERE id = $1",
                &[order],
            )
            .await,
            &[RLS],
            "client deletes an order with logs",
        );
        assert_refused(
            exec(
                &fx.a_owner.pool,
                "DELETE FROM custom_agent_orders WHERE id = $1",
                &[order],
            )
            .await,
            &[RLS],
            "owner deletes an order with logs",
        );
        // The admin path may purge a whole order (cascade), never single lines.
        assert_eq!(
            exec(
                &fx.su,
                "DELETE FROM custom_agent_orders WHERE id = $1",
                &[order]
            )
            .await
            .expect("admin purges the order"),
            1
        );
        assert_eq!(
            count(
                &fx.su,
                "SELECT count(*) FROM build_logs WHERE order_id = $1",
                order
            )
            .await,
            0
        );
    })
    .await;
}

#[tokio::test]
async fn viewer_reads_but_cannot_write() {
    with_fixture(|fx| async move {
        let v = &fx.a_viewer;
        for table in TABLES {
            let id = fx.a_rows[table];
            assert_eq!(
                count(
                    &v.pool,
                    &format!("SELECT count(*) FROM {table} WHERE id = $1"),
                    id
                )
                .await,
                1,
                "viewer cannot read {table}"
            );
            if !insert_only(table) {
                assert_eq!(
                    exec(
                        &v.pool,
                        &format!("UPDATE {table} SET updated_at = now() WHERE id = $1"),
                        &[id]
                    )
                    .await
                    .unwrap(),
                    0,
                    "viewer updated {table}"
                );
                assert_refused(
                    exec(
                        &v.pool,
                        &format!("DELETE FROM {table} WHERE id = $1"),
                        &[id],
                    )
                    .await,
                    &[RLS],
                    &format!("viewer deletes {table}"),
                );
            }
            let refs = refs_from(&fx.a_rows, table, v.id);
            let r = insert_row(&v.pool, table, Uuid::now_v7(), fx.org_a, refs).await;
            assert_refused(r, &[RLS], &format!("viewer INSERT INTO {table}"));
        }
        // A viewer moves no order either.
        let order = fx.a_rows["custom_agent_orders"];
        assert_eq!(set_status(v, order, "SUBMITTED").await.unwrap(), 0);
        assert_eq!(status_of(&fx, order).await, "DRAFT");
    })
    .await;
}

#[tokio::test]
async fn private_schema_and_policies_cannot_be_tampered_with() {
    with_fixture(|fx| async move {
        let b = &fx.b_owner;
        let mut conn = b.pool.acquire().await.unwrap();
        for stmt in [
            "CREATE OR REPLACE FUNCTION private.is_member(org uuid) RETURNS boolean LANGUAGE sql AS 'SELECT true'",
            "CREATE OR REPLACE FUNCTION private.member_org_ids() RETURNS uuid[] LANGUAGE sql AS 'SELECT array_agg(id) FROM public.organizations'",
            "CREATE FUNCTION private.evil() RETURNS int LANGUAGE sql AS 'SELECT 1'",
            "ALTER FUNCTION private.current_user_id() OWNER TO app_user",
            "ALTER FUNCTION private.current_user_id() SET search_path = pg_temp, public",
            "DROP FUNCTION private.can_write(uuid)",
            "CREATE TABLE public.evil (x int)",
            "CREATE TABLE private.evil (x int)",
            "ALTER TABLE workflows DISABLE ROW LEVEL SECURITY",
            "ALTER TABLE workflows NO FORCE ROW LEVEL SECURITY",
            "DROP POLICY workflows_select ON workflows",
            "CREATE POLICY open ON workflows FOR SELECT TO app_user USING (true)",
            "ALTER TABLE build_logs DISABLE TRIGGER USER",
            "INSERT INTO private.order_transitions VALUES ('DRAFT', 'DELIVERED', '{client}')",
            "GRANT app_user TO CURRENT_USER",
        ] {
            assert_refused(conn.execute(stmt).await, &[RLS], stmt);
        }
        // Admin-only functions are not callable by people.
        for stmt in [
            format!("SELECT private.admin_upsert_login_role('{}', 'stolen')", fx.a_owner.role),
            "SELECT private.secure_table('public.workflows', 'ALL', '{}')".to_string(),
        ] {
            assert_refused(conn.execute(stmt.as_str()).await, &[RLS], &stmt);
        }
        // Shadowing the tenancy tables with temp tables changes nothing: definer functions use
        // qualified names and a search_path with pg_temp last.
        conn.execute("CREATE TEMP TABLE users (id uuid, pg_role text, deleted_at timestamptz)").await.unwrap();
        conn.execute("CREATE TEMP TABLE organization_members (organization_id uuid, user_id uuid, role text, deleted_at timestamptz)").await.unwrap();
        sqlx::query("INSERT INTO pg_temp.users VALUES ($1, session_user, NULL)").bind(fx.a_owner.id).execute(&mut *conn).await.unwrap();
        sqlx::query("INSERT INTO pg_temp.organization_members VALUES ($1, $2, 'OWNER', NULL)")
            .bind(fx.org_a)
            .bind(fx.a_owner.id)
            .execute(&mut *conn)
            .await
            .unwrap();
        let seen: i64 = sqlx::query_scalar("SELECT count(*) FROM public.workflows WHERE organization_id = $1")
            .bind(fx.org_a)
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        assert_eq!(seen, 0, "temp-table shadowing widened B's view");
        let me: Option<Uuid> = sqlx::query_scalar("SELECT private.current_user_id()").fetch_one(&mut *conn).await.unwrap();
        assert_eq!(me, Some(b.id));
        drop(conn);

        // And the functions are still the originals, owned by neuroflow_owner, definer, fixed path.
        let rows = sqlx::query(
            "SELECT p.proname, pg_get_userbyid(p.proowner) AS owner, p.prosecdef, p.proconfig::text AS config, \
                    has_function_privilege('public', p.oid, 'EXECUTE') AS public_exec \
             FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'private'",
        )
        .fetch_all(&fx.su)
        .await
        .unwrap();
        assert!(rows.len() >= 10);
        for row in rows {
            let name: String = row.get("proname");
            assert_eq!(row.get::<String, _>("owner"), "neuroflow_owner", "{name}");
            assert!(row.get::<Option<String>, _>("config").unwrap_or_default().contains("search_path=pg_catalog, public, pg_temp"), "{name} has no fixed search_path");
            assert!(!row.get::<bool, _>("public_exec"), "{name} is executable by PUBLIC");
        }
    })
    .await;
}

#[tokio::test]
async fn order_lifecycle_is_enforced_by_actor() {
    with_fixture(|fx| async move {
        // The database's table of moves is the model's table.
        let db_moves: Vec<(String, String, Vec<String>)> =
            sqlx::query_as("SELECT from_status, to_status, actors FROM private.order_transitions ORDER BY 1, 2").fetch_all(&fx.su).await.unwrap();
        let mut model_moves: Vec<(String, String, Vec<String>)> = TRANSITIONS
            .iter()
            .map(|(from, to, actors)| {
                let names = actors
                    .iter()
                    .map(|a| match a {
                        OrderActor::Client => "client",
                        OrderActor::Staff => "staff",
                        OrderActor::Builder => "builder",
                    })
                    .map(String::from)
                    .collect();
                (from.as_str().to_string(), to.as_str().to_string(), names)
            })
            .collect();
        model_moves.sort();
        assert_eq!(db_moves, model_moves, "private.order_transitions differs from neuroflow_model::order::TRANSITIONS");

        let (client, owner, builder) = (&fx.a_client, &fx.a_owner, &fx.a_builder);
        let order = Uuid::now_v7();
        let own = Refs { parent: Uuid::nil(), aux: Uuid::nil(), user: client.id };
        insert_row(&client.pool, "custom_agent_orders", order, fx.org_a, own).await.expect("client creates a DRAFT");

        // New orders: created by oneself, DRAFT or SUBMITTED only, unassigned unless staff.
        let as_other = Refs { user: owner.id, ..own };
        let msg = assert_refused(insert_row(&client.pool, "custom_agent_orders", Uuid::now_v7(), fx.org_a, as_other).await, &[RLS], "order created in another's name");
        assert!(msg.contains("created by the current user"), "{msg}");
        let approved = sqlx::query(
            "INSERT INTO custom_agent_orders (id, organization_id, title, status, created_by, created_at, updated_at) \
             VALUES ($1, $2, 'x', 'APPROVED', $3, now(), now())",
        )
        .bind(Uuid::now_v7())
        .bind(fx.org_a)
        .bind(client.id)
        .execute(&client.pool)
        .await;
        assert_refused(approved, &[CHECK], "order born APPROVED");
        let self_assigned = sqlx::query(
            "INSERT INTO custom_agent_orders (id, organization_id, title, created_by, assigned_to, created_at, updated_at) \
             VALUES ($1, $2, 'x', $3, $3, now(), now())",
        )
        .bind(Uuid::now_v7())
        .bind(fx.org_a)
        .bind(client.id)
        .execute(&client.pool)
        .await;
        assert_refused(self_assigned, &[RLS], "client assigns on insert");

        // Unlisted jumps: refused for everyone, the admin path included.
        let msg = assert_refused(set_status(client, order, "DELIVERED").await, &[CHECK], "DRAFT→DELIVERED by client");
        assert!(msg.contains("an order cannot move from DRAFT to DELIVERED"), "{msg}");
        assert_refused(set_status(owner, order, "DELIVERED").await, &[CHECK], "DRAFT→DELIVERED by staff");
        assert_refused(exec(&fx.su, "UPDATE custom_agent_orders SET status = 'DELIVERED' WHERE id = $1", &[order]).await, &[CHECK], "DRAFT→DELIVERED by superuser");

        assert_eq!(set_status(client, order, "SUBMITTED").await.unwrap(), 1);
        let msg = assert_refused(set_status(client, order, "IN_REVIEW").await, &[RLS], "client reviews");
        assert!(msg.contains("only staff may move an order from SUBMITTED to IN_REVIEW"), "{msg}");
        assert_eq!(set_status(owner, order, "IN_REVIEW").await.unwrap(), 1);

        // The client cannot approve its own order; an unrelated member cannot touch it; staff can.
        assert_refused(set_status(client, order, "APPROVED").await, &[RLS], "client approves own order");
        assert_eq!(set_status(builder, order, "APPROVED").await.unwrap(), 0, "unassigned member approved");
        assert_eq!(set_status(&fx.b_owner, order, "APPROVED").await.unwrap(), 0, "other org's owner approved");
        assert_eq!(status_of(&fx, order).await, "IN_REVIEW");
        assert_eq!(set_status(owner, order, "APPROVED").await.unwrap(), 1);

        // Assignment: staff only, and only to a member of the order's organization.
        const ASSIGN: &str = "UPDATE custom_agent_orders SET assigned_to = $2 WHERE id = $1";
        assert_refused(exec(&client.pool, ASSIGN, &[order, builder.id]).await, &[RLS], "client assigns");
        assert_refused(exec(&owner.pool, ASSIGN, &[order, fx.b_member.id]).await, &[FK], "assign to another org's user");
        assert_refused(exec(&owner.pool, ASSIGN, &[order, fx.a_viewer.id]).await, &[FK], "assign to a viewer");
        assert_eq!(exec(&owner.pool, ASSIGN, &[order, builder.id]).await.unwrap(), 1);

        // The builder builds; delivery is staff's.
        assert_refused(set_status(client, order, "IN_PROGRESS").await, &[RLS], "client starts the build");
        assert_eq!(set_status(builder, order, "IN_PROGRESS").await.unwrap(), 1);
        assert_eq!(set_status(builder, order, "TESTING").await.unwrap(), 1);
        assert_eq!(set_status(builder, order, "IN_PROGRESS").await.unwrap(), 1);
        assert_eq!(set_status(builder, order, "TESTING").await.unwrap(), 1);
        assert_refused(set_status(builder, order, "CANCELLED").await, &[CHECK], "TESTING→CANCELLED is not a move");
        assert_eq!(set_status(builder, order, "COMPLETED").await.unwrap(), 1);
        let msg = assert_refused(set_status(builder, order, "DELIVERED").await, &[RLS], "builder delivers");
        assert!(msg.contains("only staff may move"), "{msg}");
        assert_refused(set_status(client, order, "DELIVERED").await, &[RLS], "client delivers");
        assert_eq!(set_status(owner, order, "DELIVERED").await.unwrap(), 1);
        // Terminal.
        assert_refused(set_status(owner, order, "IN_PROGRESS").await, &[CHECK], "out of DELIVERED");
        assert_refused(exec(&fx.su, "UPDATE custom_agent_orders SET status = 'DRAFT' WHERE id = $1", &[order]).await, &[CHECK], "superuser reopens");

        // The admin path may make listed moves without an actor.
        let second = fx.a_rows["custom_agent_orders"];
        assert_eq!(exec(&fx.su, "UPDATE custom_agent_orders SET status = 'SUBMITTED' WHERE id = $1", &[second]).await.unwrap(), 1);
        // The client may cancel while it is early; the creator column cannot be rewritten.
        assert_eq!(set_status(client, second, "CANCELLED").await.unwrap(), 1);
        assert_refused(exec(&owner.pool, "UPDATE custom_agent_orders SET created_by = $2 WHERE id = $1", &[second, owner.id]).await, &[RLS], "rewrite created_by");
    })
    .await;
}

#[tokio::test]
async fn a_member_reads_only_the_orders_they_made_or_build() {
    with_fixture(|fx| async move {
        let (client, builder, owner) = (&fx.a_client, &fx.a_builder, &fx.a_owner);
        let order = Uuid::now_v7();
        let own = Refs {
            parent: Uuid::nil(),
            aux: Uuid::nil(),
            user: client.id,
        };
        insert_row(&client.pool, "custom_agent_orders", order, fx.org_a, own)
            .await
            .expect("client orders");
        let on_order = Refs {
            parent: order,
            ..own
        };
        let (milestone, log) = (Uuid::now_v7(), Uuid::now_v7());
        insert_row(&fx.su, "order_milestones", milestone, fx.org_a, on_order)
            .await
            .expect("milestone");
        insert_row(&fx.su, "build_logs", log, fx.org_a, on_order)
            .await
            .expect("log");
        let seen = |p: &Person| {
            let pool = p.pool.clone();
            async move {
                (
                    count(
                        &pool,
                        "SELECT count(*) FROM custom_agent_orders WHERE id = $1",
                        order,
                    )
                    .await,
                    count(
                        &pool,
                        "SELECT count(*) FROM order_milestones WHERE id = $1",
                        milestone,
                    )
                    .await,
                    count(&pool, "SELECT count(*) FROM build_logs WHERE id = $1", log).await,
                )
            }
        };
        assert_eq!(seen(client).await, (1, 1, 1), "the client sees their order");
        assert_eq!(seen(owner).await, (1, 1, 1), "staff see every order");
        assert_eq!(
            seen(&fx.a_viewer).await,
            (1, 1, 1),
            "the studio's viewer sees every order"
        );
        // Another member of the same organization (another client, or a builder not on it):
        // nothing of it, not even by listing everything.
        assert_eq!(
            seen(builder).await,
            (0, 0, 0),
            "another member sees someone's order"
        );
        let listed: i64 =
            sqlx::query_scalar("SELECT count(*) FROM custom_agent_orders WHERE created_by = $1")
                .bind(client.id)
                .fetch_one(&builder.pool)
                .await
                .unwrap();
        assert_eq!(listed, 0);
        assert_eq!(
            exec(
                &builder.pool,
                "UPDATE custom_agent_orders SET title = 'mine' WHERE id = $1",
                &[order]
            )
            .await
            .unwrap(),
            0
        );
        assert_refused(
            insert_row(
                &builder.pool,
                "build_logs",
                Uuid::now_v7(),
                fx.org_a,
                Refs {
                    user: builder.id,
                    ..on_order
                },
            )
            .await,
            &[RLS],
            "log on someone else's order",
        );
        assert_eq!(seen(&fx.b_member).await, (0, 0, 0));
        // Once staff assign them, the builder sees the order and its build.
        assert_eq!(
            exec(
                &owner.pool,
                "UPDATE custom_agent_orders SET assigned_to = $2 WHERE id = $1",
                &[order, builder.id]
            )
            .await
            .unwrap(),
            1
        );
        assert_eq!(
            seen(builder).await,
            (1, 1, 1),
            "the assigned builder sees the order"
        );
    })
    .await;
}

#[tokio::test]
async fn row_xid_moves_on_every_write_and_updated_at_is_left_alone() {
    with_fixture(|fx| async move {
        let p = &fx.a_owner;
        let id = Uuid::now_v7();
        // A client-supplied row_xid is ignored.
        sqlx::query(
            "INSERT INTO workflows (id, organization_id, name, created_by, created_at, updated_at, row_xid) \
             VALUES ($1, $2, 'wf', $3, now(), '2001-02-03T04:05:06Z', '1'::xid8)",
        )
        .bind(id)
        .bind(fx.org_a)
        .bind(p.id)
        .execute(&p.pool)
        .await
        .unwrap();
        let xid = |pool: PgPool| async move {
            let s: String = sqlx::query_scalar("SELECT row_xid::text FROM workflows WHERE id = $1")
                .bind(id)
                .fetch_one(&pool)
                .await
                .unwrap();
            s.parse::<u64>().unwrap()
        };
        let first = xid(p.pool.clone()).await;
        assert!(first > 1, "client-chosen row_xid was kept");
        let (updated_at,): (chrono::DateTime<chrono::Utc>,) =
            sqlx::query_as("SELECT updated_at FROM workflows WHERE id = $1").bind(id).fetch_one(&p.pool).await.unwrap();
        assert_eq!(updated_at.to_rfc3339(), "2001-02-03T04:05:06+00:00", "updated_at was overridden");

        // The cursor is the server's: an app role cannot even name it in an UPDATE (0005).
        assert_refused(
            exec(&p.pool, "UPDATE workflows SET name = 'renamed', row_xid = '2'::xid8 WHERE id = $1", &[id]).await,
            &[RLS],
            "UPDATE … SET row_xid",
        );
        exec(&p.pool, "UPDATE workflows SET name = 'renamed' WHERE id = $1", &[id]).await.unwrap();
        let second = xid(p.pool.clone()).await;
        assert!(second > first, "row_xid did not move on UPDATE ({first} → {second})");
        // Inside one transaction the xid is that transaction's.
        let mut tx = p.pool.begin().await.unwrap();
        sqlx::query("UPDATE workflows SET name = 'again' WHERE id = $1").bind(id).execute(&mut *tx).await.unwrap();
        let (row, current): (String, String) =
            sqlx::query_as("SELECT row_xid::text, pg_current_xact_id()::text FROM workflows WHERE id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await
                .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(row, current);
        assert!(xid(p.pool.clone()).await > second);
        // Every table carries the trigger (checked in the catalog test); a child table too:
        let node = fx.a_rows["workflow_nodes"];
        let before: String = sqlx::query_scalar("SELECT row_xid::text FROM workflow_nodes WHERE id = $1")
            .bind(node)
            .fetch_one(&p.pool)
            .await
            .unwrap();
        exec(&p.pool, "UPDATE workflow_nodes SET label = 'moved' WHERE id = $1", &[node]).await.unwrap();
        let after: String = sqlx::query_scalar("SELECT row_xid::text FROM workflow_nodes WHERE id = $1")
            .bind(node)
            .fetch_one(&p.pool)
            .await
            .unwrap();
        assert!(after.parse::<u64>().unwrap() > before.parse::<u64>().unwrap());
    })
    .await;
}

#[tokio::test]
async fn reviews_belong_to_their_reviewer() {
    with_fixture(|fx| async move {
        let b = &fx.b_member;
        let public = fx.a_public["agent_templates:public"];
        let review = Uuid::now_v7();
        let mine = Refs {
            parent: public,
            aux: Uuid::nil(),
            user: b.id,
        };
        insert_row(&b.pool, "template_reviews", review, fx.org_b, mine)
            .await
            .expect("B reviews A's public template");
        // The rating follows the reviews, though B cannot write A's template.
        let (n, avg): (i32, f64) =
            sqlx::query_as("SELECT rating_count, rating_avg FROM agent_templates WHERE id = $1")
                .bind(public)
                .fetch_one(&b.pool)
                .await
                .unwrap();
        assert_eq!((n, avg), (1, 4.0));
        // One review per reviewer and template.
        assert_refused(
            insert_row(&b.pool, "template_reviews", Uuid::now_v7(), fx.org_b, mine).await,
            &[UNIQUE],
            "second review",
        );
        // Reviewing in someone else's name, in another organization, or a template B cannot see.
        let forged = Refs {
            user: fx.b_owner.id,
            ..mine
        };
        assert_refused(
            insert_row(
                &b.pool,
                "template_reviews",
                Uuid::now_v7(),
                fx.org_b,
                forged,
            )
            .await,
            &[RLS],
            "review in B owner's name",
        );
        let system = Refs {
            parent: fx.a_public["agent_templates:system"],
            ..mine
        };
        assert_refused(
            insert_row(
                &b.pool,
                "template_reviews",
                Uuid::now_v7(),
                fx.org_a,
                system,
            )
            .await,
            &[RLS],
            "review filed under org A",
        );
        let private = Refs {
            parent: fx.a_rows["agent_templates"],
            ..mine
        };
        assert_refused(
            insert_row(
                &b.pool,
                "template_reviews",
                Uuid::now_v7(),
                fx.org_b,
                private,
            )
            .await,
            &[FK, RLS],
            "review of A's private template",
        );
        insert_row(
            &b.pool,
            "template_reviews",
            Uuid::now_v7(),
            fx.org_b,
            system,
        )
        .await
        .expect("B reviews a system template");

        // Reviews of a public template are visible to its organization, and not writable by it.
        assert_eq!(
            count(
                &fx.a_owner.pool,
                "SELECT count(*) FROM template_reviews WHERE id = $1",
                review
            )
            .await,
            1
        );
        assert_eq!(
            exec(
                &fx.a_owner.pool,
                "UPDATE template_reviews SET rating = 1 WHERE id = $1",
                &[review]
            )
            .await
            .unwrap(),
            0
        );
        assert_refused(
            exec(
                &fx.a_owner.pool,
                "DELETE FROM template_reviews WHERE id = $1",
                &[review],
            )
            .await,
            &[RLS],
            "A's owner deletes B's review",
        );
        // Nor by B's owner: a review is its reviewer's.
        assert_eq!(
            exec(
                &fx.b_owner.pool,
                "UPDATE template_reviews SET rating = 1 WHERE id = $1",
                &[review]
            )
            .await
            .unwrap(),
            0
        );
        // A's private template's review (seeded) stays inside A.
        assert_eq!(
            count(
                &b.pool,
                "SELECT count(*) FROM template_reviews WHERE id = $1",
                fx.a_rows["template_reviews"]
            )
            .await,
            0
        );
        // The reviewer edits and re-targets nothing but its own words.
        assert_eq!(
            exec(
                &b.pool,
                "UPDATE template_reviews SET rating = 2 WHERE id = $1",
                &[review]
            )
            .await
            .unwrap(),
            1
        );
        assert_refused(
            exec(
                &b.pool,
                "UPDATE template_reviews SET template_id = $2 WHERE id = $1",
                &[review, fx.a_public["agent_templates:system"]],
            )
            .await,
            &[RLS],
            "re-target a review",
        );
        let avg: f64 = sqlx::query_scalar("SELECT rating_avg FROM agent_templates WHERE id = $1")
            .bind(public)
            .fetch_one(&fx.su)
            .await
            .unwrap();
        assert_eq!(avg, 2.0);
    })
    .await;
}

#[tokio::test]
async fn references_across_organizations_are_refused() {
    with_fixture(|fx| async move {
        let b = &fx.b_owner;
        let nil = Uuid::nil();
        let own = |parent: Uuid, aux: Uuid| Refs {
            parent,
            aux,
            user: b.id,
        };
        // B's own team / agent / workflow.
        let team = Uuid::now_v7();
        let agent = Uuid::now_v7();
        let workflow = Uuid::now_v7();
        insert_row(&b.pool, "agent_teams", team, fx.org_b, own(nil, nil))
            .await
            .unwrap();
        insert_row(&b.pool, "ai_agents", agent, fx.org_b, own(nil, nil))
            .await
            .unwrap();
        insert_row(&b.pool, "workflows", workflow, fx.org_b, own(nil, nil))
            .await
            .unwrap();
        // B's team with A's agent (team_members.agent_id is a single-column FK in 0001).
        let r = insert_row(
            &b.pool,
            "team_members",
            Uuid::now_v7(),
            fx.org_b,
            own(team, fx.a_rows["ai_agents"]),
        )
        .await;
        assert_refused(r, &[FK], "B's team member is A's agent");
        let r = insert_row(
            &fx.su,
            "team_members",
            Uuid::now_v7(),
            fx.org_b,
            own(team, fx.a_rows["ai_agents"]),
        )
        .await;
        assert_refused(r, &[FK], "even on the admin path");
        insert_row(
            &b.pool,
            "team_members",
            Uuid::now_v7(),
            fx.org_b,
            own(team, agent),
        )
        .await
        .expect("own agent joins own team");
        // B's agent execution pointing at A's workflow execution.
        let exec_id = Uuid::now_v7();
        insert_row(
            &b.pool,
            "agent_executions",
            exec_id,
            fx.org_b,
            own(agent, nil),
        )
        .await
        .unwrap();
        assert_refused(
            exec(
                &b.pool,
                "UPDATE agent_executions SET workflow_execution_id = $2 WHERE id = $1",
                &[exec_id, fx.a_rows["workflow_executions"]],
            )
            .await,
            &[FK],
            "agent execution linked to A's workflow execution",
        );
        // A workflow made from A's private template: refused; from public or system ones: fine.
        const SET_TEMPLATE: &str = "UPDATE workflows SET template_id = $2 WHERE id = $1";
        let private = exec(
            &b.pool,
            SET_TEMPLATE,
            &[workflow, fx.a_rows["workflow_templates"]],
        )
        .await;
        assert_refused(private, &[FK], "A's private workflow template");
        assert_eq!(
            exec(
                &b.pool,
                SET_TEMPLATE,
                &[workflow, fx.a_public["workflow_templates:public"]]
            )
            .await
            .unwrap(),
            1
        );
        assert_eq!(
            exec(
                &b.pool,
                SET_TEMPLATE,
                &[workflow, fx.a_public["workflow_templates:system"]]
            )
            .await
            .unwrap(),
            1
        );
        // A run "triggered by" a user of another organization (would also probe user ids).
        let run = Refs {
            parent: workflow,
            aux: nil,
            user: fx.a_owner.id,
        };
        let r = insert_row(
            &b.pool,
            "workflow_executions",
            Uuid::now_v7(),
            fx.org_b,
            run,
        )
        .await;
        assert_refused(r, &[FK], "run triggered by A's owner");
        let run = Refs {
            parent: workflow,
            aux: nil,
            user: fx.b_member.id,
        };
        insert_row(
            &b.pool,
            "workflow_executions",
            Uuid::now_v7(),
            fx.org_b,
            run,
        )
        .await
        .expect("run by a co-member");
        // Creator columns name the person inserting.
        let forged = Refs {
            parent: nil,
            aux: nil,
            user: fx.b_member.id,
        };
        let r = insert_row(&b.pool, "integrations", Uuid::now_v7(), fx.org_b, forged).await;
        assert_refused(r, &[RLS], "integration created in another member's name");
    })
    .await;
}

#[tokio::test]
async fn rows_cannot_move_between_organizations() {
    with_fixture(|fx| async move {
        // A person in both organizations.
        let password = password_for("both");
        let in_a =
            pg_admin::create_user(&fx.su, "both@x.example", "org-a", OrgRole::Owner, &password)
                .await
                .unwrap();
        let in_b =
            pg_admin::create_user(&fx.su, "both@x.example", "org-b", OrgRole::Owner, &password)
                .await
                .unwrap();
        assert_eq!(in_a.user_id, in_b.user_id);
        let both = pg_admin::connect_as(&fx.db_url, &in_a.role_name, &password)
            .await
            .unwrap();
        let wf = fx.a_rows["workflows"];
        let r = exec(
            &both,
            "UPDATE workflows SET organization_id = $2 WHERE id = $1",
            &[wf, fx.org_b],
        )
        .await;
        assert_refused(r, &[RLS], "move a workflow from A to B");
        let r = exec(
            &both,
            "UPDATE workflow_nodes SET workflow_id = $2 WHERE id = $1",
            &[fx.a_rows["workflow_nodes"], Uuid::now_v7()],
        )
        .await;
        assert_refused(r, &[RLS], "re-parent a node");
        both.close().await;
    })
    .await;
}

#[tokio::test]
async fn create_user_is_idempotent_and_keeps_passwords_out_of_errors() {
    with_fixture(|fx| async move {
        let email = "again@a.example";
        let first_pw = password_for("first");
        let first = pg_admin::create_user(&fx.su, email, "org-a", OrgRole::Member, &first_pw).await.unwrap();
        let database: String = sqlx::query_scalar("SELECT current_database()::text").fetch_one(&fx.su).await.unwrap();
        assert_eq!(first.role_name, pg_admin::login_role_name(&database, email));
        assert_eq!(first.organization_id, fx.org_a);
        let pg_role: Option<String> = sqlx::query_scalar("SELECT pg_role FROM users WHERE id = $1").bind(first.user_id).fetch_one(&fx.su).await.unwrap();
        assert_eq!(pg_role.as_deref(), Some(first.role_name.as_str()));

        // Again, with a new role and password: same ids, one membership, new password only.
        let second_pw = password_for("second");
        let second = pg_admin::create_user(&fx.su, " Again@A.example ", "org-a", OrgRole::Admin, &second_pw).await.unwrap();
        assert_eq!(second, first);
        let roles: Vec<String> = sqlx::query_scalar("SELECT role FROM organization_members WHERE user_id = $1 AND deleted_at IS NULL")
            .bind(first.user_id)
            .fetch_all(&fx.su)
            .await
            .unwrap();
        assert_eq!(roles, vec!["ADMIN".to_string()]);
        assert!(pg_admin::connect_as(&fx.db_url, &first.role_name, &first_pw).await.is_err(), "old password still works");
        let pool = pg_admin::connect_as(&fx.db_url, &first.role_name, &second_pw).await.expect("new password");
        let role: Option<String> = sqlx::query_scalar("SELECT private.member_role($1)").bind(fx.org_a).fetch_one(&pool).await.unwrap();
        assert_eq!(role.as_deref(), Some("ADMIN"));
        pool.close().await;

        // The login role has no special powers.
        let (login, sup, bypass, createrole, in_app): (bool, bool, bool, bool, bool) = sqlx::query_as(
            "SELECT rolcanlogin, rolsuper, rolbypassrls, rolcreaterole, pg_has_role(rolname, 'app_user', 'MEMBER') FROM pg_roles WHERE rolname = $1",
        )
        .bind(&first.role_name)
        .fetch_one(&fx.su)
        .await
        .unwrap();
        assert_eq!((login, sup, bypass, createrole, in_app), (true, false, false, false, true));

        // Bad input: clear messages that never contain the password.
        let secret = "Zebra-'secret'-42";
        for (email, slug) in [("not-an-email", "org-a"), ("x@a.example", "Bad Slug!")] {
            let err = pg_admin::create_user(&fx.su, email, slug, OrgRole::Member, secret).await.unwrap_err();
            let (shown, debug) = (err.to_string(), format!("{err:?}"));
            assert!(!shown.contains("Zebra") && !debug.contains("Zebra"), "password leaked: {shown} / {debug}");
            assert!(!shown.contains('\n'), "not one line: {shown}");
        }
        let err = pg_admin::create_user(&fx.su, "x@a.example", "org-a", OrgRole::Member, "").await.unwrap_err();
        assert!(err.to_string().contains("password"), "{err}");
        let err = pg_admin::connect_as(&fx.db_url, &first.role_name, secret).await.unwrap_err();
        assert!(!err.to_string().contains("Zebra") && !format!("{err:?}").contains("Zebra"), "{err:?}");
        // A person cannot run the admin path.
        let err = pg_admin::create_user(&fx.b_owner.pool, "evil@b.example", "org-b", OrgRole::Owner, secret).await.unwrap_err();
        assert!(!err.to_string().contains("Zebra"), "{err}");
        let evil: i64 = sqlx::query_scalar("SELECT count(*) FROM users WHERE email = 'evil@b.example'").fetch_one(&fx.su).await.unwrap();
        assert_eq!(evil, 0);
    })
    .await;
}

#[tokio::test]
async fn every_table_is_owned_forced_and_cursor_tracked() {
    with_fixture(|fx| async move {
        let rows = sqlx::query(
            "SELECT c.relname, pg_get_userbyid(c.relowner) AS owner, c.relrowsecurity, c.relforcerowsecurity, \
                    has_table_privilege('public', c.oid, 'SELECT') AS public_select, \
                    EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = 'nf_row_xid') AS xid_trigger, \
                    EXISTS (SELECT 1 FROM pg_policies p WHERE p.schemaname = 'public' AND p.tablename = c.relname \
                            AND p.cmd = 'SELECT' AND p.roles = '{app_user}') AS select_policy \
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> '_sqlx_migrations'",
        )
        .fetch_all(&fx.su)
        .await
        .unwrap();
        assert!(rows.len() >= 23, "expected every table of 0001, found {}", rows.len());
        for row in &rows {
            let t: String = row.get("relname");
            assert_eq!(row.get::<String, _>("owner"), "neuroflow_owner", "{t} owner");
            assert!(row.get::<bool, _>("relrowsecurity") && row.get::<bool, _>("relforcerowsecurity"), "{t}: RLS not enabled+forced");
            assert!(!row.get::<bool, _>("public_select"), "{t}: PUBLIC can read");
            assert!(row.get::<bool, _>("xid_trigger"), "{t}: no row_xid trigger");
            assert!(row.get::<bool, _>("select_policy"), "{t}: no SELECT policy for app_user");
        }
        // No policy is open to PUBLIC; views (if any) are security_invoker.
        let open: i64 = sqlx::query_scalar("SELECT count(*) FROM pg_policies WHERE 'public' = ANY (roles)")
            .fetch_one(&fx.su)
            .await
            .unwrap();
        assert_eq!(open, 0);
        let unsafe_views: Vec<String> = sqlx::query_scalar(
            "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname IN ('public', 'private') AND c.relkind = 'v' \
               AND NOT coalesce('security_invoker=true' = ANY (c.reloptions), false)",
        )
        .fetch_all(&fx.su)
        .await
        .unwrap();
        assert!(unsafe_views.is_empty(), "views without security_invoker: {unsafe_views:?}");
        // The group roles cannot log in or bypass RLS.
        let bad: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_roles WHERE rolname IN ('app_user', 'neuroflow_owner') \
               AND (rolcanlogin OR rolsuper OR rolbypassrls)",
        )
        .fetch_one(&fx.su)
        .await
        .unwrap();
        assert_eq!(bad, 0);
        // Running the migrations again is a no-op (sqlx records them).
        sqlx::migrate!("../../migrations/postgres").run(&fx.su).await.expect("second run");
    })
    .await;
}

#[tokio::test]
async fn sync_style_upserts_follow_the_same_rules() {
    with_fixture(|fx| async move {
        const UPSERT_WORKFLOW: &str =
            "INSERT INTO workflows (id, organization_id, name, created_by, created_at, updated_at) \
             VALUES ($1, $2, 'upserted', $3, now(), now()) \
             ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, updated_at = EXCLUDED.updated_at";
        let wf = fx.a_rows["workflows"]; // created by the client
                                         // A co-member pushes an edit of a row someone else created: allowed.
        assert_eq!(exec(&fx.a_builder.pool, UPSERT_WORKFLOW, &[wf, fx.org_a, fx.a_client.id]).await.unwrap(), 1);
        // Another tenant pushing the same id: refused, in either organization.
        for org in [fx.org_a, fx.org_b] {
            let r = exec(&fx.b_owner.pool, UPSERT_WORKFLOW, &[wf, org, fx.b_owner.id]).await;
            assert_refused(r, &[RLS], "B upserts A's workflow id");
        }
        // A viewer pushing: refused.
        assert_refused(
            exec(&fx.a_viewer.pool, UPSERT_WORKFLOW, &[wf, fx.org_a, fx.a_client.id]).await,
            &[RLS],
            "viewer upsert",
        );
        let name: String =
            sqlx::query_scalar("SELECT name FROM workflows WHERE id = $1").bind(wf).fetch_one(&fx.su).await.unwrap();
        assert_eq!(name, "upserted");

        // Orders pushed as upserts: the lifecycle still applies to the UPDATE path.
        const UPSERT_ORDER: &str =
            "INSERT INTO custom_agent_orders (id, organization_id, title, status, created_by, created_at, updated_at) \
             VALUES ($1, $2, 'pushed', $3, $4, now(), now()) \
             ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, status = EXCLUDED.status";
        let order = fx.a_rows["custom_agent_orders"];
        async fn push(p: &Person, order: Uuid, org: Uuid, client: Uuid, status: &str) -> Result<u64, sqlx::Error> {
            sqlx::query(UPSERT_ORDER)
                .bind(order)
                .bind(org)
                .bind(status)
                .bind(client)
                .execute(&p.pool)
                .await
                .map(|r| r.rows_affected())
        }
        let (org, client) = (fx.org_a, fx.a_client.id);
        assert_eq!(push(&fx.a_client, order, org, client, "SUBMITTED").await.unwrap(), 1);
        assert_refused(
            push(&fx.a_client, order, org, client, "APPROVED").await,
            &[CHECK],
            "SUBMITTED→APPROVED via upsert",
        );
        assert_refused(push(&fx.a_client, order, org, client, "IN_REVIEW").await, &[RLS], "client reviews via upsert");
        assert_eq!(push(&fx.a_owner, order, org, client, "IN_REVIEW").await.unwrap(), 1);
        assert_eq!(push(&fx.a_owner, order, org, client, "APPROVED").await.unwrap(), 1);
        // Re-pushing the same state (a retried push) is accepted.
        assert_eq!(push(&fx.a_owner, order, org, client, "APPROVED").await.unwrap(), 1);
        assert_eq!(status_of(&fx, order).await, "APPROVED");
    })
    .await;
}

#[tokio::test]
async fn a_tombstoned_element_comes_back_only_to_its_own_organization() {
    with_fixture(|fx| async move {
        // The store's save brings an undone delete back with this statement (repo.rs,
        // insert_or_revive_op): a tombstone of the same organization and workflow only.
        const REVIVE: &str =
            "INSERT INTO workflow_nodes (id, organization_id, workflow_id, kind, label, created_at, updated_at) \
             VALUES ($1, $2, $3, 'trigger', 'Back', now(), now()) \
             ON CONFLICT (id) DO UPDATE SET label = excluded.label, deleted_at = NULL \
             WHERE workflow_nodes.deleted_at IS NOT NULL AND workflow_nodes.organization_id = excluded.organization_id \
             AND workflow_nodes.workflow_id = excluded.workflow_id";
        let node = fx.a_rows["workflow_nodes"];
        let wf = fx.a_rows["workflows"];
        exec(&fx.su, "UPDATE workflow_nodes SET deleted_at = now() WHERE id = $1", &[node]).await.unwrap();
        // Another tenant naming the tombstone's id, in either organization: refused by RLS.
        for org in [fx.org_a, fx.org_b] {
            let r = exec(&fx.b_owner.pool, REVIVE, &[node, org, wf]).await;
            assert_refused(r, &[RLS, FK], "B revives A's node");
        }
        // A viewer of A: refused.
        assert_refused(exec(&fx.a_viewer.pool, REVIVE, &[node, fx.org_a, wf]).await, &[RLS], "viewer revive");
        let deleted: bool = sqlx::query_scalar("SELECT deleted_at IS NOT NULL FROM workflow_nodes WHERE id = $1")
            .bind(node)
            .fetch_one(&fx.su)
            .await
            .unwrap();
        assert!(deleted, "still a tombstone after the refused attempts");
        // A member of A undoing the delete: the row comes back.
        assert_eq!(exec(&fx.a_builder.pool, REVIVE, &[node, fx.org_a, wf]).await.unwrap(), 1);
        let label: String = sqlx::query_scalar("SELECT label FROM workflow_nodes WHERE id = $1 AND deleted_at IS NULL")
            .bind(node)
            .fetch_one(&fx.su)
            .await
            .unwrap();
        assert_eq!(label, "Back");
    })
    .await;
}

#[tokio::test]
async fn saved_versions_are_immutable_and_written_only_as_oneself() {
    with_fixture(|fx| async move {
        let version = fx.a_rows["workflow_versions"];
        let workflow = fx.a_rows["workflows"];
        const INSERT: &str =
            "INSERT INTO workflow_versions (id, organization_id, workflow_id, version, kind, graph, author_id, created_at, updated_at) \
             VALUES ($1, $2, $3, 3, 'SAVE', '{\"nodes\": [], \"edges\": []}', $4, now(), now())";
        // A member writes a version as themself…
        assert_eq!(
            exec(&fx.a_builder.pool, INSERT, &[Uuid::now_v7(), fx.org_a, workflow, fx.a_builder.id])
                .await
                .unwrap(),
            1
        );
        // …but not in someone else's name, and another tenant not at all.
        assert_refused(
            exec(&fx.a_builder.pool, INSERT, &[Uuid::now_v7(), fx.org_a, workflow, fx.a_owner.id]).await,
            &[RLS],
            "version in another member's name",
        );
        assert_refused(
            exec(&fx.b_owner.pool, INSERT, &[Uuid::now_v7(), fx.org_a, workflow, fx.b_owner.id]).await,
            &[RLS],
            "B writes a version of A's workflow",
        );
        // Nobody rewrites history: not the owner, not the superuser.
        for pool in [&fx.a_owner.pool, &fx.su] {
            let r = exec(
                pool,
                "UPDATE workflow_versions SET graph = '{\"nodes\": [], \"edges\": [], \"x\": 1}' WHERE id = $1",
                &[version],
            )
            .await;
            assert_refused(r, &[RLS], "UPDATE workflow_versions");
        }
        assert_refused(
            exec(&fx.a_owner.pool, "DELETE FROM workflow_versions WHERE id = $1", &[version]).await,
            &[RLS],
            "DELETE workflow_versions",
        );
        assert_eq!(
            count(&fx.su, "SELECT count(*) FROM workflow_versions WHERE id = $1 AND graph = '{\"nodes\": [], \"edges\": []}'", version).await,
            1
        );
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// Hardening (0005_hardening.sql): no stalling other tenants, server-kept marketplace counters,
// tombstones instead of hard deletes.
// ---------------------------------------------------------------------------------------------

/// Every table of the schema, tenancy included.
const ALL_TABLES: &[&str] = &["organizations", "users", "organization_members"];

/// The per-role defaults 0005 gives every LOGIN role (pg_admin::create_user and the migration).
const STATEMENT_TIMEOUT_S: u64 = 20;
const LOCK_TIMEOUT_S: u64 = 5;
const IDLE_IN_TRANSACTION_S: u64 = 15;

#[tokio::test]
async fn a_tenant_cannot_stall_other_tenants() {
    with_fixture(|fx| async move {
        let b = &fx.b_member;
        // 1. No strong table lock for anyone of app_user, on any table: LOCK TABLE in a mode above
        //    ROW EXCLUSIVE needs a table-level UPDATE, DELETE or TRUNCATE privilege, and app_user
        //    holds none (UPDATE is granted per column).
        for table in TABLES.iter().chain(ALL_TABLES) {
            for mode in ["ACCESS EXCLUSIVE", "EXCLUSIVE", "SHARE ROW EXCLUSIVE", "SHARE", "SHARE UPDATE EXCLUSIVE"] {
                for p in [&fx.b_owner, b] {
                    let mut tx = p.pool.begin().await.unwrap();
                    let r = sqlx::query(&format!("LOCK TABLE {table} IN {mode} MODE NOWAIT"))
                        .execute(&mut *tx)
                        .await
                        .map(|_| ());
                    assert_refused(r, &[RLS], &format!("LOCK TABLE {table} IN {mode} MODE"));
                    tx.rollback().await.ok();
                }
            }
        }
        let table_level: Vec<String> = sqlx::query_scalar(
            "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname IN ('public', 'private') AND c.relkind IN ('r', 'p') \
               AND (has_table_privilege('app_user', c.oid, 'UPDATE') \
                    OR has_table_privilege('app_user', c.oid, 'DELETE') \
                    OR has_table_privilege('app_user', c.oid, 'TRUNCATE'))",
        )
        .fetch_all(&fx.su)
        .await
        .unwrap();
        assert!(table_level.is_empty(), "app_user has a table-level UPDATE/DELETE/TRUNCATE on {table_level:?}");

        // 2. Every LOGIN role carries the timeouts and a connection limit.
        for p in fx.people() {
            let (st, lt, idle): (String, String, String) = sqlx::query_as(
                "SELECT current_setting('statement_timeout'), current_setting('lock_timeout'), \
                        current_setting('idle_in_transaction_session_timeout')",
            )
            .fetch_one(&p.pool)
            .await
            .unwrap();
            assert_eq!(
                (st.as_str(), lt.as_str(), idle.as_str()),
                (
                    format!("{STATEMENT_TIMEOUT_S}s").as_str(),
                    format!("{LOCK_TIMEOUT_S}s").as_str(),
                    format!("{IDLE_IN_TRANSACTION_S}s").as_str()
                ),
                "{}: session limits",
                p.role
            );
            let limit: i32 = sqlx::query_scalar("SELECT rolconnlimit FROM pg_roles WHERE rolname = $1")
                .bind(&p.role)
                .fetch_one(&fx.su)
                .await
                .unwrap();
            assert!((1..=32).contains(&limit), "{}: connection limit {limit}", p.role);
        }

        // 3. The stalls a tenant can still attempt are cut off, while the other tenant writes.
        let started = std::time::Instant::now();
        let sleeper = {
            let pool = b.pool.clone();
            tokio::spawn(async move {
                let t = std::time::Instant::now();
                let r = sqlx::query("SELECT pg_sleep(120)").execute(&pool).await.map(|_| ());
                (r, t.elapsed())
            })
        };
        let idler = {
            let pool = b.pool.clone();
            let org_b = fx.org_b;
            tokio::spawn(async move {
                let mut tx = pool.begin().await.unwrap();
                // Row locks on its own rows, and the strongest lock it is allowed on the table.
                sqlx::query("UPDATE workflows SET name = 'held' WHERE organization_id = $1")
                    .bind(org_b)
                    .execute(&mut *tx)
                    .await
                    .unwrap();
                sqlx::query("LOCK TABLE workflows IN ROW EXCLUSIVE MODE").execute(&mut *tx).await.unwrap();
                tokio::time::sleep(std::time::Duration::from_secs(IDLE_IN_TRANSACTION_S + 3)).await;
                sqlx::query("SELECT 1").execute(&mut *tx).await.map(|_| ())
            })
        };
        // Meanwhile org A creates, edits and tombstones workflows without waiting.
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        for i in 0..5 {
            let t = std::time::Instant::now();
            let id = Uuid::now_v7();
            exec(
                &fx.a_client.pool,
                "INSERT INTO workflows (id, organization_id, name, created_by, created_at, updated_at) VALUES ($1, $2, 'a', $3, now(), now())",
                &[id, fx.org_a, fx.a_client.id],
            )
            .await
            .unwrap_or_else(|e| panic!("A's insert {i} while B stalls: {e}"));
            exec(&fx.a_client.pool, "UPDATE workflows SET name = 'a2' WHERE id = $1", &[id]).await.unwrap();
            exec(&fx.a_client.pool, "UPDATE workflows SET deleted_at = now() WHERE id = $1", &[id]).await.unwrap();
            assert!(t.elapsed() < std::time::Duration::from_secs(2), "A waited {:?} while B stalls", t.elapsed());
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        }
        // A waiting on a lock held inside its own organization gives up after lock_timeout.
        {
            let mut holder = fx.a_owner.pool.begin().await.unwrap();
            sqlx::query("UPDATE workflows SET name = 'owner holds' WHERE id = $1")
                .bind(fx.a_rows["workflows"])
                .execute(&mut *holder)
                .await
                .unwrap();
            let t = std::time::Instant::now();
            let r = exec(&fx.a_client.pool, "UPDATE workflows SET name = 'client waits' WHERE id = $1", &[fx.a_rows["workflows"]]).await;
            assert_refused(r, &["55P03"], "waiting on a row lock");
            let waited = t.elapsed();
            assert!(
                waited >= std::time::Duration::from_secs(LOCK_TIMEOUT_S - 1) && waited < std::time::Duration::from_secs(LOCK_TIMEOUT_S + 3),
                "lock wait cut after {waited:?}"
            );
            holder.rollback().await.unwrap();
        }
        let (slept, took) = sleeper.await.unwrap();
        assert_refused(slept, &["57014"], "pg_sleep(120)");
        assert!(
            took >= std::time::Duration::from_secs(STATEMENT_TIMEOUT_S - 1) && took < std::time::Duration::from_secs(STATEMENT_TIMEOUT_S + 5),
            "statement cut after {took:?}"
        );
        let idled = idler.await.unwrap();
        assert!(idled.is_err(), "B's transaction idled past idle_in_transaction_session_timeout and lived");
        let idle_b: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_stat_activity WHERE usename = $1 AND state LIKE 'idle in transaction%'",
        )
        .bind(&b.role)
        .fetch_one(&fx.su)
        .await
        .unwrap();
        assert_eq!(idle_b, 0, "B still holds a transaction");
        assert!(started.elapsed() < std::time::Duration::from_secs(60));
    })
    .await;
}

/// (table, counter column) pairs no app role writes directly.
const COUNTERS: &[(&str, &str)] = &[
    ("agent_templates", "usage_count"),
    ("agent_templates", "rating_avg"),
    ("agent_templates", "rating_count"),
    ("workflow_templates", "usage_count"),
    ("workflow_templates", "rating_avg"),
    ("workflow_templates", "rating_count"),
    ("workflow_templates", "is_featured"),
    ("project_showcases", "views"),
    ("project_showcases", "likes"),
];

async fn value_of(fx: &Fx, table: &str, column: &str, id: Uuid) -> String {
    sqlx::query_scalar(&format!("SELECT {column}::text FROM {table} WHERE id = $1"))
        .bind(id)
        .fetch_one(&fx.su)
        .await
        .unwrap()
}

#[tokio::test]
async fn marketplace_counters_move_only_through_definer_functions() {
    with_fixture(|fx| async move {
        let mut before = HashMap::new();
        for (table, column) in COUNTERS {
            before.insert((*table, *column), value_of(&fx, table, column, fx.a_rows[table]).await);
        }
        // Direct writes are refused, even by the owner of the row, on UPDATE and on INSERT.
        for (table, column) in COUNTERS {
            let value = if *column == "is_featured" { "true" } else { "5" };
            for (p, id) in [(&fx.a_owner, fx.a_rows[table]), (&fx.a_client, fx.a_rows[table])] {
                let r = exec(&p.pool, &format!("UPDATE {table} SET {column} = {value} WHERE id = $1"), &[id]).await;
                assert_refused(r, &[RLS], &format!("UPDATE {table}.{column}"));
            }
            let (extra_cols, extra_vals) = match *table {
                "project_showcases" => ("title, category", "'t', 'AI_AGENT'"),
                _ => ("name, category", "'n', 'SALES'"),
            };
            let r = exec(
                &fx.a_owner.pool,
                &format!(
                    "INSERT INTO {table} (id, organization_id, {extra_cols}, created_by, created_at, updated_at, {column}) \
                     VALUES ($1, $2, {extra_vals}, $3, now(), now(), {value})"
                ),
                &[Uuid::now_v7(), fx.org_a, fx.a_owner.id],
            )
            .await;
            assert_refused(r, &[RLS], &format!("INSERT {table}.{column}"));
            // Through an upsert either.
            let r = exec(
                &fx.a_owner.pool,
                &format!(
                    "INSERT INTO {table} (id, organization_id, {extra_cols}, created_by, created_at, updated_at) \
                     VALUES ($1, $2, {extra_vals}, $3, now(), now()) ON CONFLICT (id) DO UPDATE SET {column} = {value}"
                ),
                &[fx.a_rows[table], fx.org_a, fx.a_client.id],
            )
            .await;
            assert_refused(r, &[RLS], &format!("upsert {table}.{column}"));
        }
        for (table, column) in COUNTERS {
            assert_eq!(value_of(&fx, table, column, fx.a_rows[table]).await, before[&(*table, *column)], "{table}.{column} moved");
        }
        // Other columns of the same rows stay writable by their organization.
        for table in ["agent_templates", "workflow_templates", "project_showcases"] {
            let col = if table == "project_showcases" { "title" } else { "name" };
            assert_eq!(exec(&fx.a_client.pool, &format!("UPDATE {table} SET {col} = 'renamed' WHERE id = $1"), &[fx.a_rows[table]]).await.unwrap(), 1);
        }

        // Usage: one per person, on templates the caller can see; B uses A's public and system ones.
        for (func, table) in [("record_agent_template_usage", "agent_templates"), ("record_workflow_template_usage", "workflow_templates")] {
            for key in ["public", "system"] {
                let id = fx.a_public[format!("{table}:{key}").as_str()];
                for (p, expected) in [(&fx.b_member, 1), (&fx.b_member, 1), (&fx.a_client, 2), (&fx.b_owner, 3)] {
                    let n: i32 = sqlx::query_scalar(&format!("SELECT private.{func}($1)"))
                        .bind(id)
                        .fetch_one(&p.pool)
                        .await
                        .unwrap_or_else(|e| panic!("{func} {key}: {e}"));
                    assert_eq!(n, expected, "{func} on {key}");
                }
                assert_eq!(value_of(&fx, table, "usage_count", id).await, "3");
            }
            // A's private template does not exist for B.
            let r = sqlx::query(&format!("SELECT private.{func}($1)")).bind(fx.a_rows[table]).execute(&fx.b_member.pool).await;
            assert_refused(r, &["P0002"], &format!("{func} on A's private template"));
            assert_eq!(value_of(&fx, table, "usage_count", fx.a_rows[table]).await, "0");
        }

        // Views and likes of showcases: one per person; likes can be taken back.
        let show = fx.a_public["project_showcases:public"];
        for (p, expected) in [(&fx.b_member, 1), (&fx.b_member, 1), (&fx.a_viewer, 2)] {
            let n: i32 = sqlx::query_scalar("SELECT private.record_showcase_view($1)").bind(show).fetch_one(&p.pool).await.unwrap();
            assert_eq!(n, expected);
        }
        async fn like(p: &Person, show: Uuid, liked: bool) -> Result<i32, sqlx::Error> {
            sqlx::query_scalar("SELECT private.set_showcase_like($1, $2)").bind(show).bind(liked).fetch_one(&p.pool).await
        }
        assert_eq!(like(&fx.b_member, show, true).await.unwrap(), 1);
        assert_eq!(like(&fx.b_member, show, true).await.unwrap(), 1);
        assert_eq!(like(&fx.b_owner, show, true).await.unwrap(), 2);
        assert_eq!(like(&fx.b_member, show, false).await.unwrap(), 1);
        assert_eq!((value_of(&fx, "project_showcases", "views", show).await, value_of(&fx, "project_showcases", "likes", show).await), ("2".into(), "1".into()));
        let private_show = fx.a_rows["project_showcases"];
        assert_refused(
            sqlx::query("SELECT private.record_showcase_view($1)").bind(private_show).execute(&fx.b_member.pool).await,
            &["P0002"],
            "view of A's private showcase",
        );
        assert_refused(
            sqlx::query("SELECT private.set_showcase_like($1, true)").bind(private_show).execute(&fx.b_member.pool).await,
            &["P0002"],
            "like of A's private showcase",
        );
        // The functions never return counts of what the caller cannot see, nor a count of rows
        // they may not reach through the bookkeeping tables.
        for t in ["template_uses", "showcase_views", "showcase_likes"] {
            assert_refused(
                sqlx::query(&format!("SELECT count(*) FROM private.{t}")).execute(&fx.b_member.pool).await,
                &[RLS],
                &format!("read private.{t}"),
            );
        }
        // The rating follows reviews (refresh_template_rating), never a direct write.
        let at = fx.a_public["agent_templates:public"];
        insert_row(&fx.b_member.pool, "template_reviews", Uuid::now_v7(), fx.org_b, Refs { parent: at, aux: Uuid::nil(), user: fx.b_member.id })
            .await
            .expect("B reviews A's public template");
        assert_eq!(value_of(&fx, "agent_templates", "rating_count", at).await, "1");
    })
    .await;
}

#[tokio::test]
async fn workflows_and_blueprints_are_tombstoned_never_erased() {
    with_fixture(|fx| async move {
        // No app role hard-deletes anything, not even the owner of its own rows.
        for table in TABLES.iter().chain(ALL_TABLES) {
            for p in [&fx.a_owner, &fx.a_client] {
                let r = exec(
                    &p.pool,
                    &format!("DELETE FROM {table} WHERE id = $1"),
                    &[*fx.a_rows.get(table).unwrap_or(&Uuid::nil())],
                )
                .await;
                assert_refused(r, &[RLS], &format!("DELETE FROM {table}"));
            }
        }
        for (table, versions, fk) in [
            ("workflows", "workflow_versions", "workflow_id"),
            ("tool_blueprints", "blueprint_versions", "blueprint_id"),
        ] {
            let id = fx.a_rows[table];
            let before = count(
                &fx.su,
                &format!("SELECT count(*) FROM {versions} WHERE {fk} = $1"),
                id,
            )
            .await;
            assert!(before >= 1);
            assert_refused(
                exec(&fx.a_owner.pool, &format!("TRUNCATE {table} CASCADE"), &[]).await,
                &[RLS],
                "TRUNCATE",
            );
            // The tombstone is the delete.
            assert_eq!(
                exec(
                    &fx.a_client.pool,
                    &format!("UPDATE {table} SET deleted_at = now() WHERE id = $1"),
                    &[id]
                )
                .await
                .unwrap(),
                1
            );
            assert_eq!(
                count(
                    &fx.su,
                    &format!(
                        "SELECT count(*) FROM {table} WHERE id = $1 AND deleted_at IS NOT NULL"
                    ),
                    id
                )
                .await,
                1
            );
            assert_eq!(
                count(
                    &fx.su,
                    &format!("SELECT count(*) FROM {versions} WHERE {fk} = $1"),
                    id
                )
                .await,
                before,
                "{versions} lost rows"
            );
            // Its versions stay readable to the organization.
            assert_eq!(
                count(
                    &fx.a_viewer.pool,
                    &format!("SELECT count(*) FROM {versions} WHERE {fk} = $1"),
                    id
                )
                .await,
                before
            );
        }
        // The admin path (a purge) still removes a row and what hangs from it.
        let wf = fx.a_rows["workflows"];
        assert_eq!(
            exec(&fx.su, "DELETE FROM workflows WHERE id = $1", &[wf])
                .await
                .unwrap(),
            1
        );
        assert_eq!(
            count(
                &fx.su,
                "SELECT count(*) FROM workflow_versions WHERE workflow_id = $1",
                wf
            )
            .await,
            0
        );
    })
    .await;
}

/// The planner's row estimate for `sql`, as `p` sees it (EXPLAIN without running it).
async fn estimate(p: &Person, sql: &str) -> f64 {
    let plan: serde_json::Value = sqlx::query_scalar(&format!("EXPLAIN (FORMAT JSON) {sql}"))
        .fetch_one(&p.pool)
        .await
        .unwrap_or_else(|e| panic!("EXPLAIN {sql}: {e}"));
    plan[0]["Plan"]["Plan Rows"].as_f64().expect("Plan Rows")
}

#[tokio::test]
async fn planner_estimates_do_not_reveal_other_tenants_text() {
    with_fixture(|fx| async move {
        // Org A has 1500 workflows named "acme merger" and 1500 with other names; statistics
        // are gathered (as autovacuum would).
        exec(
            &fx.su,
            "INSERT INTO workflows (id, organization_id, name, description, created_by, created_at, updated_at) \
             SELECT gen_random_uuid(), $1, CASE WHEN g % 2 = 0 THEN 'acme merger' ELSE 'project ' || g END, \
                    'board only', $2, now(), now() FROM generate_series(1, 3000) g",
            &[fx.org_a, fx.a_client.id],
        )
        .await
        .unwrap();
        exec(&fx.su, "ANALYZE workflows", &[]).await.unwrap();
        let b = &fx.b_member;
        // B sees none of them, and its estimates cannot tell A's values from guesses that match
        // nothing: not by equality, not by range (a histogram read out by bisection).
        assert_eq!(count(&b.pool, "SELECT count(*) FROM workflows WHERE organization_id = $1", fx.org_a).await, 0);
        for (present, absent) in [
            ("SELECT 1 FROM workflows WHERE name = 'acme merger'", "SELECT 1 FROM workflows WHERE name = 'no such name'"),
            ("SELECT 1 FROM workflows WHERE description = 'board only'", "SELECT 1 FROM workflows WHERE description = 'nothing'"),
            ("SELECT 1 FROM workflows WHERE name < 'project'", "SELECT 1 FROM workflows WHERE name < 'a'"),
        ] {
            let (seen, guessed) = (estimate(b, present).await, estimate(b, absent).await);
            assert_eq!(seen, guessed, "the estimate of `{present}` ({seen}) differs from a guess's ({guessed})");
        }
        // pg_stats already hides tables under RLS from B; pg_statistic is superuser-only.
        assert_eq!(count(&b.pool, "SELECT count(*) FROM pg_stats WHERE tablename = 'workflows' AND $1::uuid IS NOT NULL", Uuid::nil()).await, 0);
        assert_refused(
            sqlx::query("SELECT count(*) FROM pg_statistic").execute(&b.pool).await,
            &[RLS],
            "read pg_statistic",
        );
    })
    .await;
}

#[tokio::test]
async fn existing_login_roles_get_the_limits_when_0005_runs() {
    let su_url = superuser_url();
    let server = PgPoolOptions::new()
        .max_connections(1)
        .connect(&su_url)
        .await
        .expect("connect");
    let db_name = format!("nf_test_{}", Uuid::now_v7().simple());
    server
        .execute(format!("CREATE DATABASE {db_name}").as_str())
        .await
        .expect("create database");
    let db_url = url_with_database(&su_url, &db_name);
    let outcome = tokio::spawn({
        let db_url = db_url.clone();
        async move {
            let su = PgPoolOptions::new().max_connections(2).connect(&db_url).await.unwrap();
            // A team database as it was before 0005, with a person in it.
            let mut before = sqlx::migrate!("../../migrations/postgres");
            before.migrations = before.migrations.iter().filter(|m| m.version < 5).cloned().collect::<Vec<_>>().into();
            before.run(&su).await.expect("migrate to 0004");
            let password = password_for("early");
            let created = pg_admin::create_user(&su, "early@a.example", "org-a", OrgRole::Member, &password).await.unwrap();
            let settings = |role: String| {
                let su = su.clone();
                async move {
                    let limit: i32 = sqlx::query_scalar("SELECT rolconnlimit FROM pg_roles WHERE rolname = $1")
                        .bind(&role).fetch_one(&su).await.unwrap();
                    let config: Option<Vec<String>> = sqlx::query_scalar(
                        "SELECT s.setconfig FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole \
                         WHERE r.rolname = $1 AND s.setdatabase = 0",
                    )
                    .bind(&role).fetch_optional(&su).await.unwrap();
                    (limit, config.unwrap_or_default())
                }
            };
            assert_eq!(settings(created.role_name.clone()).await, (-1, vec![]), "0004 set no limits");
            // 0005 gives the existing role its limits.
            sqlx::migrate!("../../migrations/postgres").run(&su).await.expect("migrate to 0005");
            let (limit, mut config) = settings(created.role_name.clone()).await;
            config.sort();
            assert_eq!(limit, 16);
            assert_eq!(
                config,
                vec![
                    format!("idle_in_transaction_session_timeout={IDLE_IN_TRANSACTION_S}s"),
                    format!("lock_timeout={LOCK_TIMEOUT_S}s"),
                    format!("statement_timeout={STATEMENT_TIMEOUT_S}s"),
                ]
            );
            let person = pg_admin::connect_as(&db_url, &created.role_name, &password).await.unwrap();
            let st: String = sqlx::query_scalar("SELECT current_setting('statement_timeout')").fetch_one(&person).await.unwrap();
            assert_eq!(st, format!("{STATEMENT_TIMEOUT_S}s"));
            person.close().await;
            su.close().await;
        }
    })
    .await;
    // Pass or fail: the database, then its people's login roles (cluster-wide).
    let mut roles: Vec<String> = Vec::new();
    if let Ok(pool) = PgPoolOptions::new()
        .max_connections(1)
        .connect(&db_url)
        .await
    {
        roles = sqlx::query_scalar("SELECT pg_role FROM users WHERE pg_role IS NOT NULL")
            .fetch_all(&pool)
            .await
            .unwrap_or_default();
        pool.close().await;
    }
    let _ = server
        .execute(format!("DROP DATABASE IF EXISTS {db_name} WITH (FORCE)").as_str())
        .await;
    for role in roles.iter().filter(|r| {
        r.starts_with("nf_") && r.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    }) {
        let _ = server
            .execute(format!("DROP ROLE IF EXISTS {role}").as_str())
            .await;
    }
    server.close().await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

#[tokio::test]
async fn only_staff_and_the_builder_write_an_orders_milestones_and_build_log() {
    with_fixture(|fx| async move {
        let (client, builder, owner) = (&fx.a_client, &fx.a_builder, &fx.a_owner);
        let order = Uuid::now_v7();
        let own = Refs {
            parent: Uuid::nil(),
            aux: Uuid::nil(),
            user: client.id,
        };
        insert_row(&client.pool, "custom_agent_orders", order, fx.org_a, own)
            .await
            .expect("client orders");
        let on_order = Refs {
            parent: order,
            ..own
        };
        // The client sees their order but does not build it: no milestones, no build lines.
        assert_refused(
            insert_row(&client.pool, "order_milestones", Uuid::now_v7(), fx.org_a, on_order).await,
            &[RLS],
            "a client adds a milestone",
        );
        assert_refused(
            insert_row(&client.pool, "build_logs", Uuid::now_v7(), fx.org_a, on_order).await,
            &[RLS],
            "a client writes a build line",
        );
        // The record of their own move is theirs to write.
        let lifecycle = "INSERT INTO build_logs (id, organization_id, order_id, stage, message, created_at, updated_at) \
                         VALUES ($1, $2, $3, 'lifecycle', 'Draft → Submitted', now(), now())";
        sqlx::query(lifecycle)
            .bind(Uuid::now_v7())
            .bind(fx.org_a)
            .bind(order)
            .execute(&client.pool)
            .await
            .expect("a client records their own move");
        let milestone = Uuid::now_v7();
        insert_row(&owner.pool, "order_milestones", milestone, fx.org_a, on_order)
            .await
            .expect("staff add milestones");
        assert_eq!(
            exec(
                &client.pool,
                "UPDATE order_milestones SET completed_at = now() WHERE id = $1",
                &[milestone]
            )
            .await
            .unwrap(),
            0,
            "a client ticks a milestone"
        );
        exec(
            &owner.pool,
            "UPDATE custom_agent_orders SET assigned_to = $2 WHERE id = $1",
            &[order, builder.id],
        )
        .await
        .expect("assign");
        assert_eq!(
            exec(
                &builder.pool,
                "UPDATE order_milestones SET completed_at = now() WHERE id = $1",
                &[milestone]
            )
            .await
            .unwrap(),
            1,
            "the builder ticks a milestone"
        );
        insert_row(&builder.pool, "build_logs", Uuid::now_v7(), fx.org_a, on_order)
            .await
            .expect("the builder writes build lines");
        // Another client's lifecycle line on an order that is not theirs.
        let other = Uuid::now_v7();
        insert_row(&owner.pool, "custom_agent_orders", other, fx.org_a, Refs { user: owner.id, ..own })
            .await
            .expect("staff order");
        assert_refused(
            sqlx::query(lifecycle)
                .bind(Uuid::now_v7())
                .bind(fx.org_a)
                .bind(other)
                .execute(&client.pool)
                .await,
            &[RLS],
            "a lifecycle line on someone else's order",
        );
    })
    .await;
}
