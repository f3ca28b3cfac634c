//! The canary on the team database: integrations created, tested and used against a real Postgres keep their secrets in the keychain only — a `pg_dump` of the whole database holds none of them.

mod common;

use std::process::Command;

use common::{
    http_credentials, http_settings, keychain, slack_draft, webhook_draft, Reply, StandIn,
};
use neuroflow_engine::{HttpAction, IntegrationAction};
use neuroflow_integrations::providers::ProviderHttp;
use neuroflow_integrations::{HttpAuthKind, IntegrationDraft, IntegrationService};
use neuroflow_secrets::SecretRef;
use neuroflow_store::workflows::Actor;
use neuroflow_store::{Db, Store};
use uuid::Uuid;

fn pg_url() -> String {
    std::env::var("NEUROFLOW_TEST_PG_URL").expect(
        "NEUROFLOW_TEST_PG_URL is not set: this test needs a Postgres superuser URL (./scripts/test.sh sets it)",
    )
}

/// `pg_dump` from the newest installed server, or the one on PATH.
fn pg_dump() -> std::path::PathBuf {
    let mut found: Vec<std::path::PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin/pg_dump"))
        .filter(|p| p.exists())
        .collect();
    found.sort();
    found.pop().unwrap_or_else(|| "pg_dump".into())
}

#[tokio::test]
async fn no_secret_reaches_the_team_database() {
    let canary = format!("pgcanary{}", Uuid::now_v7().simple());
    let base = pg_url();
    let name = format!("nf_canary_{}", Uuid::now_v7().simple());
    let admin = sqlx::PgPool::connect(&base).await.expect("connect");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await
        .expect("create database");
    let url = format!(
        "{}/{name}",
        base.rsplit_once('/').expect("URL ends in /DATABASE").0
    );
    let db = Db::connect(&url).await.expect("connect");
    db.migrate().await.expect("migrate");
    let (org, user) = (Uuid::now_v7(), Uuid::now_v7());
    let now = chrono::Utc::now();
    let Db::Postgres(pool) = &db else {
        panic!("a Postgres URL opens Postgres")
    };
    sqlx::query("INSERT INTO organizations (id, name, slug, created_at, updated_at) VALUES ($1, 'Canary org', $2, $3, $3)")
        .bind(org).bind(format!("canary-{}", &org.simple().to_string()[20..])).bind(now).execute(pool).await.expect("org");
    sqlx::query("INSERT INTO users (id, email, created_at, updated_at) VALUES ($1, 'canary@example.com', $2, $2)")
        .bind(user).bind(now).execute(pool).await.expect("user");

    let secrets = keychain();
    let service = IntegrationService::new(
        Store::new(db.clone(), 7),
        secrets.clone(),
        Actor {
            organization_id: org,
            user_id: user,
        },
        ProviderHttp::new().expect("http"),
    );
    let token = format!("xoxb-{canary}");
    let slack = {
        let token = token.clone();
        StandIn::start(move |r| {
            if r.header("authorization") == Some(format!("Bearer {token}").as_str()) {
                Reply::json(
                    200,
                    serde_json::json!({"ok": true, "team": "Acme", "user": "bot"}),
                )
            } else {
                Reply::json(
                    200,
                    serde_json::json!({"ok": false, "error": "invalid_auth"}),
                )
            }
        })
        .await
    };
    let hook = StandIn::start(|_| Reply::status(204)).await;
    let api = StandIn::start(|r| {
        // Echoes what it was sent, as a careless server would.
        Reply::json(401, serde_json::json!({"saw": r.header("authorization")}))
    })
    .await;

    let mut created = Vec::new();
    let drafts: Vec<IntegrationDraft> = vec![
        slack_draft("Canary Slack", &slack.url("/api"), Some(&token)),
        webhook_draft(
            "Canary hook",
            &hook.url("/in"),
            Some(&format!("whsec-{canary}")),
        ),
        IntegrationDraft {
            name: "Canary API".into(),
            settings: http_settings(&api.url("/v1"), HttpAuthKind::Bearer),
            credentials: http_credentials(Some(&format!("bearer-{canary}")), None, None),
        },
    ];
    for draft in drafts {
        let view = service.create(draft).await.expect("create");
        created.push(view.id);
    }
    for id in &created {
        let tested = service.test(*id).await.expect("test");
        assert!(!serde_json::to_string(&tested)
            .expect("json")
            .contains(&canary));
    }
    let posted = service
        .perform(
            created[1],
            &IntegrationAction::WebhookPost {
                body: serde_json::json!({"order": 7}),
            },
        )
        .await
        .expect("webhook post");
    assert!(!posted.to_string().contains(&canary));
    let refused = service
        .perform(
            created[2],
            &IntegrationAction::HttpRequest(HttpAction {
                method: "GET".into(),
                path: "/me".into(),
                query: vec![],
                headers: vec![],
                body: None,
                fail_on_status: true,
                max_response_bytes: 1 << 20,
            }),
        )
        .await
        .expect_err("401");
    assert!(!refused.to_string().contains(&canary), "{refused}");

    let dump = Command::new(pg_dump())
        .args(["--data-only", "--no-owner", "--dbname", &url])
        .output()
        .expect("run pg_dump");
    assert!(
        dump.status.success(),
        "pg_dump failed: {}",
        String::from_utf8_lossy(&dump.stderr)
    );
    let text = String::from_utf8_lossy(&dump.stdout);
    // The right data is in the dump (positive control)…
    assert!(
        text.contains("Canary Slack") && text.contains("keychain:org/"),
        "the dump lacks the integrations"
    );
    // …and no secret is.
    assert!(!text.contains(&canary), "a secret reached Postgres");

    for id in &created {
        let _ = secrets.delete(&SecretRef::integration(org, *id));
    }
    db.close().await;
    pool.close().await;
    let _ = sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .execute(&admin)
        .await;
    admin.close().await;
}
