//! The canary test: unique canary secrets go through create, test (including a Gmail token refresh and servers that echo secrets back), workflow integration nodes run by the engine (succeeding and failing, with servers echoing secrets), list, get, edit, error paths and delete; afterwards the canary is in none of the SQLite files (main, -wal, -shm), the IPC DTO JSON, the node outputs, the run events, the error messages, nor the process's log output.
//!
//! The flow runs in a child process so that everything it prints, from any code, is captured.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use hmac::{Hmac, Mac};
use neuroflow_integrations::{
    CredentialsInput, HttpAuthKind, IntegrationDraft, IntegrationView, KeychainStatusView,
    SecretInput, SlackCredentialsInput, WebhookSettings,
};
use neuroflow_model::IntegrationStatus;
use neuroflow_secrets::SecretStore;
use sha2::Sha256;
use uuid::Uuid;

const CANARY_ENV: &str = "NEUROFLOW_INTEGRATIONS_CANARY";
const DIR_ENV: &str = "NEUROFLOW_INTEGRATIONS_CANARY_DIR";
const DONE: &str = "NEUROFLOW-INTEGRATIONS-CANARY-DONE";
const SNAPSHOT: &str = "while-open";

#[test]
fn the_canary_appears_in_no_database_file_dto_error_or_log() {
    let canary = format!("canary{}", Uuid::now_v7().simple());
    let dir = std::env::temp_dir().join(format!("neuroflow-canary-{}", Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let output = Command::new(std::env::current_exe().expect("test binary"))
        .args(["canary_flow", "--exact", "--nocapture", "--test-threads=1"])
        .env(CANARY_ENV, &canary)
        .env(DIR_ENV, &dir)
        .output()
        .expect("run the canary flow");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let cleanup = ScratchDir(dir.clone());
    assert!(
        output.status.success() && stdout.contains(DONE),
        "the canary flow failed ({}):\n{stdout}\n{stderr}",
        output.status
    );

    // Logs: everything the process printed.
    for (name, text) in [("stdout", &stdout), ("stderr", &stderr)] {
        assert!(
            !text.contains(&canary),
            "the canary is in the child's {name}:\n{text}"
        );
    }
    // Positive controls: the log lines and DTO dumps are there, so the capture worked.
    assert!(stderr.contains("test: CONNECTED"), "{stderr}");
    assert!(stderr.contains("test: ERROR"), "{stderr}");
    assert!(
        stderr.contains("the access token was refreshed"),
        "{stderr}"
    );
    assert!(stdout.contains("DTO {\"id\""), "{stdout}");
    assert!(stdout.contains("ERROR-MESSAGE "), "{stdout}");
    assert!(stdout.contains("RUN-RESULT {"), "{stdout}");
    assert!(stdout.contains("RUN-EVENT {"), "{stdout}");
    assert!(stdout.contains("RUN-UPDATE {"), "{stdout}");
    assert!(stdout.contains("EXECUTION {"), "{stdout}");
    // Runs stay on the device (no outbox rows); the workflows' nodes, with their credential
    // references, are what sync carries.
    assert!(stdout.contains("OUTBOX workflow_nodes"), "{stdout}");
    assert!(!stdout.contains("OUTBOX workflow_executions"), "{stdout}");
    assert!(
        stderr.contains("call from node") && stderr.contains("(not retryable)"),
        "{stderr}"
    );

    // The database files, as they were while open (with the -wal) and after closing.
    let files = database_files(&dir);
    assert!(
        files.iter().any(|f| f.to_string_lossy().ends_with("-wal")),
        "expected a -wal snapshot among {files:?}"
    );
    let mut all_bytes = Vec::new();
    for file in &files {
        let bytes = std::fs::read(file).expect("read database file");
        assert!(
            !contains(&bytes, canary.as_bytes()),
            "the canary is in {}",
            file.display()
        );
        all_bytes.extend_from_slice(&bytes);
    }
    // …and they are the right files: the integrations' names and references are in them.
    assert!(
        contains(&all_bytes, b"Canary Slack"),
        "names not found in {files:?}"
    );
    assert!(
        contains(&all_bytes, b"keychain:org/"),
        "references not found in {files:?}"
    );
    drop(cleanup);
}

fn database_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for base in [dir.to_owned(), dir.join(SNAPSHOT)] {
        for suffix in ["", "-wal", "-shm"] {
            let path = base.join(format!("neuroflow.db{suffix}"));
            if path.exists() {
                files.push(path);
            }
        }
    }
    files
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

struct ScratchDir(PathBuf);

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Collects what the app would send over IPC or show, and checks each for the canary.
struct Outputs {
    canary: String,
}

impl Outputs {
    fn dto(&self, view: &IntegrationView) {
        let json = serde_json::to_string(view).expect("DTO JSON");
        assert!(
            !json.contains(&self.canary),
            "the canary is in a DTO: {json}"
        );
        println!("DTO {json}");
    }

    /// A workflow run: its result (every node's input, output, logs and error) and events.
    fn run(&self, result: &neuroflow_engine::RunResult, events: &[neuroflow_engine::RunEvent]) {
        let json = serde_json::to_string(result).expect("result JSON");
        assert!(
            !json.contains(&self.canary),
            "the canary is in a run result: {json}"
        );
        println!("RUN-RESULT {json}");
        for event in events {
            let json = serde_json::to_string(event).expect("event JSON");
            assert!(
                !json.contains(&self.canary),
                "the canary is in a run event: {json}"
            );
            println!("RUN-EVENT {json}");
        }
        if let Some(error) = &result.error {
            self.error(error);
        }
    }

    /// Anything else the app would send to the window or store, as JSON.
    fn json(&self, what: &str, value: &impl serde::Serialize) {
        let json = serde_json::to_string(value).expect("JSON");
        assert!(
            !json.contains(&self.canary),
            "the canary is in {what}: {json}"
        );
        println!("{what} {json}");
    }

    fn error(&self, message: impl std::fmt::Display + std::fmt::Debug) {
        let (display, debug) = (message.to_string(), format!("{message:?}"));
        assert!(
            !display.contains(&self.canary) && !debug.contains(&self.canary),
            "the canary is in an error: {debug}"
        );
        println!("ERROR-MESSAGE {display}");
    }
}

/// The flow itself: a no-op unless the parent test started this process for it.
#[tokio::test(flavor = "multi_thread")]
async fn canary_flow() {
    let (Ok(canary), Some(dir)) = (std::env::var(CANARY_ENV), std::env::var_os(DIR_ENV)) else {
        return;
    };
    let dir = PathBuf::from(dir);
    let out = Outputs {
        canary: canary.clone(),
    };
    let fx = Fixture::in_dir(keychain(), &dir).await;
    let service = fx.service();
    let secret = |what: &str| format!("{what}-{canary}");

    // Stand-ins; two of them echo what they were sent back in their errors.
    let slack_token = secret("xoxb");
    let slack_ok = {
        let token = slack_token.clone();
        StandIn::start(move |r| {
            if r.header("authorization") == Some(format!("Bearer {token}").as_str()) {
                Reply::json(200, serde_json::json!({"ok": true, "team": "Acme"}))
            } else {
                Reply::json(
                    200,
                    serde_json::json!({"ok": false, "error": "invalid_auth"}),
                )
            }
        })
        .await
    };
    let slack_echo = StandIn::start(|r| {
        let sent = r.header("authorization").unwrap_or_default().to_owned();
        Reply::json(
            200,
            serde_json::json!({"ok": false, "error": format!("invalid_auth {sent}")}),
        )
    })
    .await;
    let fresh_token = secret("ya29-fresh");
    let google = {
        let fresh = fresh_token.clone();
        StandIn::start(move |r| match r.target.as_str() {
            "/token" => Reply::json(200, serde_json::json!({"access_token": fresh, "expires_in": 3600})),
            "/gmail/v1/users/me/messages/send"
                if r.header("authorization") == Some(format!("Bearer {fresh}").as_str()) =>
            {
                Reply::json(200, serde_json::json!({"id": "m-1", "threadId": "t-1"}))
            }
            "/revoked/token" => Reply::json(
                400,
                serde_json::json!({"error": "invalid_grant", "error_description": format!("refresh token {} revoked", r.form_value("refresh_token").unwrap_or_default())}),
            ),
            _ if r.header("authorization") == Some(format!("Bearer {fresh}").as_str()) => {
                Reply::json(200, serde_json::json!({"emailAddress": "ops@example.com"}))
            }
            _ => Reply::status(401),
        })
        .await
    };
    let hook = StandIn::start(|_| Reply::status(204)).await;
    let api = StandIn::start(|r| match r.target.as_str() {
        "/health" => Reply::status(200),
        _ => Reply::status(401),
    })
    .await;

    let mut views = Vec::new();
    views.push(
        fx.create(slack_draft(
            "Canary Slack",
            &slack_ok.url("/api"),
            Some(&slack_token),
        ))
        .await,
    );
    views.push(
        fx.create(slack_draft(
            "Canary Slack echo",
            &slack_echo.url("/api"),
            Some(&secret("xoxb-echo")),
        ))
        .await,
    );
    views.push(
        fx.create(gmail_draft(
            "Canary Gmail",
            GmailDraft {
                api_base: &google.url(""),
                token_endpoint: &google.url("/token"),
                email: None,
                access_token: Some(&secret("ya29-old")),
                refresh_token: Some(&secret("1//refresh")),
                client_secret: Some(&secret("GOCSPX")),
            },
        ))
        .await,
    );
    views.push(
        fx.create(gmail_draft(
            "Canary Gmail revoked",
            GmailDraft {
                api_base: &google.url(""),
                token_endpoint: &google.url("/revoked/token"),
                email: None,
                access_token: None,
                refresh_token: Some(&secret("1//revoked")),
                client_secret: Some(&secret("GOCSPX-2")),
            },
        ))
        .await,
    );
    views.push(
        fx.create(webhook_draft(
            "Canary hook",
            &hook.url("/in"),
            Some(&secret("whsec")),
        ))
        .await,
    );
    views.push(
        fx.create(IntegrationDraft {
            name: "Canary API key".into(),
            settings: http_settings(&api.url(""), HttpAuthKind::ApiKey),
            credentials: http_credentials(None, None, Some(&secret("key"))),
        })
        .await,
    );
    views.push(
        fx.create(IntegrationDraft {
            name: "Canary basic".into(),
            settings: http_settings(&api.url("/private"), HttpAuthKind::Basic),
            credentials: http_credentials(None, Some(&secret("pw")), None),
        })
        .await,
    );
    for view in &views {
        out.dto(view);
    }

    // Tests: some connect, some fail (with servers echoing secrets into their errors).
    let mut statuses = Vec::new();
    for view in &views {
        let tested = service.test(view.id).await.expect("test");
        out.dto(&tested);
        if let Some(error) = &tested.last_error {
            out.error(error);
        }
        statuses.push((tested.name.clone(), tested.status));
    }
    let status_of = |name: &str| {
        statuses
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, s)| *s)
            .expect("tested")
    };
    assert_eq!(status_of("Canary Slack"), IntegrationStatus::Connected);
    assert_eq!(status_of("Canary Slack echo"), IntegrationStatus::Error);
    assert_eq!(status_of("Canary Gmail"), IntegrationStatus::Connected);
    assert_eq!(status_of("Canary Gmail revoked"), IntegrationStatus::Error);
    assert_eq!(status_of("Canary hook"), IntegrationStatus::Connected);
    assert_eq!(status_of("Canary API key"), IntegrationStatus::Connected);
    assert_eq!(status_of("Canary basic"), IntegrationStatus::Error);

    // The canaries did travel where they belong: to the stand-ins, and into the keychain.
    assert_eq!(
        slack_ok.only_request().header("authorization"),
        Some(format!("Bearer {slack_token}").as_str())
    );
    let signed = hook.only_request();
    let mut mac = Hmac::<Sha256>::new_from_slice(secret("whsec").as_bytes()).expect("key");
    mac.update(&signed.body);
    assert_eq!(
        signed.header("x-neuroflow-signature"),
        Some(format!("sha256={}", hex::encode(mac.finalize().into_bytes())).as_str())
    );
    assert_eq!(
        fx.keychain_entry(views[2].id).expect("gmail entry")["fields"]["accessToken"],
        fresh_token.as_str()
    );

    // Workflow nodes over these integrations, run by the engine. Servers echo what they got.
    let echo = StandIn::start(|r| {
        let headers: serde_json::Map<String, serde_json::Value> = r
            .headers
            .iter()
            .map(|(n, v)| (n.clone(), serde_json::Value::String(v.clone())))
            .collect();
        let status = if r.target.starts_with("/fail") {
            400
        } else {
            200
        };
        Reply::json(
            status,
            serde_json::json!({"headers": headers, "body": r.body_text()}),
        )
        .with_header("X-Echo-Auth", r.header("x-api-key").unwrap_or_default())
    })
    .await;
    let echo_api = fx
        .create(IntegrationDraft {
            name: "Canary echo API".into(),
            settings: http_settings(&echo.url(""), HttpAuthKind::ApiKey),
            credentials: http_credentials(None, None, Some(&secret("key-echo"))),
        })
        .await;
    let node_gmail = fx
        .create(gmail_draft(
            "Canary Gmail node",
            GmailDraft {
                api_base: &google.url(""),
                token_endpoint: &google.url("/token"),
                email: None,
                access_token: Some(&secret("ya29-node-old")),
                refresh_token: Some(&secret("1//refresh-node")),
                client_secret: Some(&secret("GOCSPX-node")),
            },
        ))
        .await;
    let node = |kind: &str, label: &str, id: Uuid, extra: serde_json::Value| {
        let mut config =
            serde_json::json!({"integrationId": id.to_string(), "retries": 1, "retryDelayMs": 1});
        if let (Some(config), serde_json::Value::Object(extra)) = (config.as_object_mut(), extra) {
            config.extend(extra);
        }
        graph_node(kind, label, config)
    };
    let text = serde_json::json!({"text": "hello {{ item.name }}"});
    let succeeding = [
        node("integration.slack", "Slack", views[0].id, text.clone()),
        node(
            "integration.gmail",
            "Gmail",
            node_gmail.id,
            serde_json::json!({"to": "ada@example.com", "subject": "Hi", "body": "Hello"}),
        ),
        node(
            "integration.webhook",
            "Hook",
            views[4].id,
            serde_json::json!({}),
        ),
        node(
            "integration.http",
            "Echo",
            echo_api.id,
            serde_json::json!({"method": "POST", "path": "/echo", "body": {"n": 1}}),
        ),
    ];
    let (result, events) = run_nodes(
        service.clone(),
        &succeeding.iter().collect::<Vec<_>>(),
        serde_json::json!({"name": "Ada"}),
    )
    .await;
    out.run(&result, &events);
    assert_eq!(
        result.status,
        neuroflow_engine::RunStatus::Completed,
        "{:?}",
        result.error
    );
    assert!(
        serde_json::to_string(&result.nodes)
            .expect("json")
            .contains("***"),
        "the echo was scrubbed, not missing"
    );
    let failing = [
        node("integration.slack", "Slack echo", views[1].id, text.clone()),
        node(
            "integration.gmail",
            "Gmail revoked",
            views[3].id,
            serde_json::json!({"to": "ada@example.com", "subject": "Hi", "body": "Hello"}),
        ),
        node(
            "integration.http",
            "Echo failure",
            echo_api.id,
            serde_json::json!({"method": "GET", "path": "/fail"}),
        ),
    ];
    for failing in &failing {
        let (result, events) = run_nodes(
            service.clone(),
            &[failing],
            serde_json::json!({"name": "Ada"}),
        )
        .await;
        out.run(&result, &events);
        assert_eq!(result.status, neuroflow_engine::RunStatus::Failed);
    }
    assert_eq!(
        fx.keychain_entry(node_gmail.id).expect("entry")["fields"]["accessToken"],
        fresh_token.as_str()
    );
    views.push(echo_api);
    views.push(node_gmail);

    // Workflows with keyed HTTP and model nodes through the desktop's runner: stored
    // executions, the outbox rows of their workflows, run updates and the execution DTO.
    views.extend(keyed_node_runs(&fx, &out, &secret, &echo, &slack_echo).await);

    // List, get and edits (keeping, then replacing secrets).
    for view in service.list().await.expect("list") {
        out.dto(&view);
        out.dto(&service.get(view.id).await.expect("get"));
    }
    let mut keep = slack_draft("Canary Slack", &slack_ok.url("/api"), None);
    keep.credentials = None;
    out.dto(&service.update(views[0].id, keep).await.expect("keep"));
    out.dto(
        &service
            .update(
                views[0].id,
                slack_draft(
                    "Canary Slack",
                    &slack_ok.url("/api"),
                    Some(&secret("xoxb-new")),
                ),
            )
            .await
            .expect("replace"),
    );

    // Error paths, each with canaries in the request.
    let failures = [
        service
            .create(slack_draft(
                "",
                &slack_ok.url("/api"),
                Some(&secret("xoxb-unnamed")),
            ))
            .await
            .expect_err("empty name"),
        service
            .create(IntegrationDraft {
                credentials: Some(CredentialsInput::Slack(SlackCredentialsInput {
                    bot_token: Some(SecretInput::new(secret("xoxb-mismatch"))),
                })),
                ..webhook_draft("Mismatch", &hook.url("/in"), None)
            })
            .await
            .expect_err("provider mismatch"),
        service
            .create(IntegrationDraft {
                name: "Userinfo".into(),
                settings: neuroflow_integrations::IntegrationSettings::Webhook(WebhookSettings {
                    url: format!("https://ops:{}@hooks.example.com/in", secret("pw-in-url")),
                }),
                credentials: None,
            })
            .await
            .expect_err("credentials in the URL"),
        service
            .update(
                views[5].id,
                IntegrationDraft {
                    name: "Canary API key".into(),
                    settings: http_settings(&api.url(""), HttpAuthKind::Basic),
                    credentials: http_credentials(Some(&secret("tok-wrong-kind")), None, None),
                },
            )
            .await
            .expect_err("basic without a password"),
        service
            .update(
                views[0].id,
                gmail_draft(
                    "Provider change",
                    GmailDraft {
                        api_base: &google.url(""),
                        token_endpoint: &google.url("/token"),
                        email: None,
                        access_token: Some(&secret("ya29-change")),
                        refresh_token: None,
                        client_secret: None,
                    },
                ),
            )
            .await
            .expect_err("provider change"),
    ];
    for failure in &failures {
        out.error(failure);
    }

    // Keychain status DTOs, both backends.
    let status = fx.secrets.probe_async().await;
    for backend in [
        fx.secrets.backend(),
        SecretStore::session_memory().backend(),
    ] {
        let json = serde_json::to_string(&KeychainStatusView::new(&status, backend)).expect("json");
        assert!(!json.contains(&canary));
        println!("DTO {json}");
    }

    // Snapshot the database files while open (the -wal holds the latest writes), then close.
    let snapshot = dir.join(SNAPSHOT);
    std::fs::create_dir_all(&snapshot).expect("snapshot dir");
    for suffix in ["", "-wal", "-shm"] {
        let from = fx
            .database_path
            .with_file_name(format!("neuroflow.db{suffix}"));
        if from.exists() {
            std::fs::copy(&from, snapshot.join(format!("neuroflow.db{suffix}"))).expect("copy");
        }
    }

    // Deleting removes every keychain entry.
    for view in &views {
        service.delete(view.id).await.expect("delete");
        assert!(
            fx.keychain_entry(view.id).is_none(),
            "{} left an entry",
            view.name
        );
    }
    fx.close().await;
    // The parent reads the files after this process exits.
    fx.keep_dir();
    println!("{DONE}");
}

/// Stand-ins speaking the OpenAI chat-completions and Anthropic messages protocols that put
/// the key they were sent into their answer (a reply's text, or an error's message).
async fn model_stand_ins() -> (StandIn, StandIn) {
    let openai = StandIn::start(|r| {
        let sent = r.header("authorization").unwrap_or_default().to_owned();
        if r.target.starts_with("/fail") {
            return Reply::json(
                401,
                serde_json::json!({"error": {"message": format!("Incorrect API key provided: {sent}")}}),
            );
        }
        Reply::json(
            200,
            serde_json::json!({
                "id": "chatcmpl-1", "object": "chat.completion", "model": "gpt-4o-mini",
                "choices": [{"index": 0, "message": {"role": "assistant", "content": format!("you sent {sent}")}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7}
            }),
        )
        .with_header("X-Echo-Auth", &sent)
    })
    .await;
    let anthropic = StandIn::start(|r| {
        let sent = r.header("x-api-key").unwrap_or_default().to_owned();
        Reply::json(
            200,
            serde_json::json!({
                "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-3-5-haiku-latest",
                "content": [{"type": "text", "text": format!("key {sent}")}],
                "stop_reason": "end_turn",
                "usage": {"input_tokens": 3, "output_tokens": 4}
            }),
        )
    })
    .await;
    (openai, anthropic)
}

/// Runs `http.request`, `ai.llm` (both protocols) and `ai.agent` nodes keyed by HTTP
/// integrations whose servers echo the key, through `WorkflowRunner` with the default
/// network policy (the integrations' own URLs are allowed), then a failing run of each kind
/// and a key aimed elsewhere. Every update, execution DTO and outbox row is checked; the
/// integrations it made are returned for the caller's clean-up.
async fn keyed_node_runs(
    fx: &Fixture,
    out: &Outputs,
    secret: &impl Fn(&str) -> String,
    echo: &StandIn,
    elsewhere: &StandIn,
) -> Vec<IntegrationView> {
    use neuroflow_model::entities::AiAgent;
    use neuroflow_runs::{RunOptions, RunUpdate, WorkflowRunner};
    use serde_json::json;

    let (openai, anthropic) = model_stand_ins().await;
    let echo_bearer = fx
        .create(IntegrationDraft {
            name: "Canary echo bearer".into(),
            settings: http_settings(&echo.url(""), HttpAuthKind::Bearer),
            credentials: http_credentials(Some(&secret("tok-http")), None, None),
        })
        .await;
    let openai_key = fx
        .create(IntegrationDraft {
            name: "Canary OpenAI".into(),
            settings: http_settings(&openai.url(""), HttpAuthKind::Bearer),
            credentials: http_credentials(Some(&secret("sk-openai")), None, None),
        })
        .await;
    let anthropic_key = fx
        .create(IntegrationDraft {
            name: "Canary Anthropic".into(),
            settings: http_settings(&anthropic.url("/v1"), HttpAuthKind::ApiKey),
            credentials: http_credentials(None, None, Some(&secret("sk-ant"))),
        })
        .await;
    let now = chrono::Utc::now();
    let agent = AiAgent {
        id: neuroflow_model::new_id(),
        organization_id: fx.actor.organization_id,
        name: "Canary agent".into(),
        description: String::new(),
        personality: json!({"systemPrompt": "Be brief."}),
        model_config: json!({"provider": "anthropic", "model": "claude-3-5-haiku-latest",
                             "baseUrl": anthropic.url("/v1"), "credential": anthropic_key.id.to_string()}),
        capabilities: json!([]),
        memory: json!({}),
        success_rate: 0.0,
        avg_response_ms: 0.0,
        total_executions: 0,
        status: neuroflow_model::AgentStatus::Idle,
        is_active: true,
        created_by: fx.actor.user_id,
        created_at: now,
        updated_at: now,
        deleted_at: None,
        hlc: String::new(),
    };
    fx.store.insert(&agent).await.expect("agent");

    let keyed =
        |kind: &str, label: &str, config: serde_json::Value| graph_node(kind, label, config);
    let http = keyed(
        "http.request",
        "Keyed echo",
        json!({"method": "POST", "url": echo.url("/echo/{{ item.name }}"),
               "credential": echo_bearer.id.to_string(), "body": {"n": 1}}),
    );
    let gpt = keyed(
        "ai.llm",
        "GPT",
        json!({"provider": "openai", "baseUrl": openai.url("/v1"), "model": "gpt-4o-mini",
               "prompt": "hi {{ item.name }}", "credential": openai_key.id.to_string()}),
    );
    let claude = keyed(
        "ai.llm",
        "Claude",
        json!({"provider": "anthropic", "baseUrl": anthropic.url("/v1"), "model": "claude-3-5-haiku-latest",
               "prompt": "hi", "credential": anthropic_key.id.to_string()}),
    );
    let ask = keyed(
        "ai.agent",
        "Agent",
        json!({"agentId": agent.id.to_string(), "prompt": "hi"}),
    );
    let runner = WorkflowRunner::new(fx.store.clone());
    let run = |name: &'static str, nodes: Vec<neuroflow_model::graph::GraphNode>| {
        let runner = runner.clone();
        async move {
            let trigger = graph_node("trigger.manual", "Start", json!({}));
            let edges = nodes.iter().map(|n| graph_edge(&trigger, n)).collect();
            let mut all = vec![trigger];
            all.extend(nodes);
            let workflow = fx
                .store
                .workflow_create(fx.actor, name)
                .await
                .expect("workflow");
            fx.store
                .workflow_save_graph(
                    fx.actor,
                    workflow.id,
                    &neuroflow_model::graph::Graph { nodes: all, edges },
                )
                .await
                .expect("save");
            let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
            let execution_id = runner
                .start_streaming(
                    fx.actor,
                    workflow.id,
                    RunOptions {
                        input: json!({"name": "Ada"}),
                        ..RunOptions::default()
                    },
                    Some(fx.service()),
                    move |update| {
                        let _ = tx.send(update);
                    },
                )
                .await
                .expect("the run starts");
            let mut stored = None;
            while let Some(update) = rx.recv().await {
                out.json("RUN-UPDATE", &update);
                if let RunUpdate::Stored { execution } = &update {
                    stored = Some(execution.clone());
                }
            }
            let stored = stored.expect("the execution was stored");
            let detail = runner
                .detail(fx.actor, execution_id)
                .await
                .expect("execution detail");
            out.json("EXECUTION", &detail);
            if let Some(error) = &detail.summary.error {
                out.error(error);
            }
            (stored, detail)
        }
    };

    let (stored, detail) = run("Canary keyed nodes", vec![http, gpt, claude, ask]).await;
    assert_eq!(
        stored.status,
        neuroflow_model::ExecutionStatus::Completed,
        "{:?}",
        stored.error
    );
    // The keys did travel, each to its own integration's URL only…
    assert_eq!(
        echo.requests()
            .iter()
            .filter(|r| r.header("authorization")
                == Some(format!("Bearer {}", secret("tok-http")).as_str()))
            .count(),
        1
    );
    assert_eq!(
        openai.only_request().header("authorization"),
        Some(format!("Bearer {}", secret("sk-openai")).as_str())
    );
    assert_eq!(anthropic.requests().len(), 2);
    // …and came back scrubbed, not missing.
    let shown = serde_json::to_string(&detail).expect("json");
    assert!(shown.contains("you sent Bearer ***"), "{shown}");
    assert!(shown.contains("key ***"), "{shown}");

    // Failures: a server answering 400 with the key, a model refusing with it, and a key
    // aimed at a URL outside its integration (refused before anything is sent).
    let failing = [
        keyed(
            "http.request",
            "Keyed failure",
            json!({"url": echo.url("/fail"), "credential": echo_bearer.id.to_string()}),
        ),
        keyed(
            "ai.llm",
            "GPT refused",
            json!({"baseUrl": openai.url("/fail/v1"), "model": "gpt-4o-mini", "prompt": "hi",
                   "credential": openai_key.id.to_string()}),
        ),
        keyed(
            "http.request",
            "Keyed elsewhere",
            json!({"url": elsewhere.url("/collect"), "credential": echo_bearer.id.to_string()}),
        ),
    ];
    let before = elsewhere.requests().len();
    for node in failing {
        let (stored, _) = run("Canary keyed failure", vec![node]).await;
        assert_eq!(stored.status, neuroflow_model::ExecutionStatus::Failed);
    }
    assert_eq!(elsewhere.requests().len(), before, "a key went elsewhere");

    // The outbox rows team sync would carry, read back as stored.
    let neuroflow_store::Db::Sqlite(pool) = &fx.db else {
        panic!("the canary runs on SQLite");
    };
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT table_name, payload FROM outbox")
        .fetch_all(pool)
        .await
        .expect("outbox");
    for (table, payload) in &rows {
        assert!(
            !payload.contains(&out.canary),
            "the canary is in an outbox row of {table}: {payload}"
        );
        println!("OUTBOX {table} {payload}");
    }
    vec![echo_bearer, openai_key, anthropic_key]
}
