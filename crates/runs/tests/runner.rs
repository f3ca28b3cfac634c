//! Workflow runs on a real SQLite database: events, stored executions and their node results,
//! refusals that store nothing, cancellation, previews from the last run, interrupted runs,
//! and agent nodes against a local stand-in speaking the OpenAI chat-completions protocol.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::Utc;
use neuroflow_engine::{NetworkPolicy, NodeStatus, RunEvent, RunMode};
use neuroflow_model::entities::AiAgent;
use neuroflow_model::graph::{Graph, GraphEdge, GraphNode, Position};
use neuroflow_model::{new_id, AgentStatus, ExecutionStatus};
use neuroflow_runs::{RunError, RunOptions, WorkflowRunner};
use neuroflow_store::local::ensure_local_identity;
use neuroflow_store::workflows::Actor;
use neuroflow_store::{Db, Store};
use serde_json::{json, Value as Json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use uuid::Uuid;

struct Fixture {
    _dir: tempdir::Dir,
    store: Store,
    actor: Actor,
    runner: WorkflowRunner,
    /// Session memory: these tests are about runs, not the keychain (the integrations crate
    /// tests the real Secret Service).
    secrets: neuroflow_secrets::SecretStore,
}

impl Fixture {
    fn integrations(&self) -> Option<neuroflow_integrations::IntegrationService> {
        Some(neuroflow_integrations::IntegrationService::new(
            self.store.clone(),
            self.secrets.clone(),
            self.actor,
            neuroflow_integrations::providers::ProviderHttp::new().expect("http client"),
        ))
    }
}

mod tempdir {
    /// A folder under the system temp dir, removed when dropped.
    pub struct Dir(pub std::path::PathBuf);
    impl Dir {
        pub fn new() -> Self {
            let p = std::env::temp_dir().join(format!("neuroflow-runs-{}", uuid::Uuid::now_v7()));
            std::fs::create_dir_all(&p).expect("temp dir");
            Dir(p)
        }
    }
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

async fn fixture() -> Fixture {
    let dir = tempdir::Dir::new();
    let db = Db::open_sqlite(&dir.0.join("runs.db")).await.expect("open");
    let identity = ensure_local_identity(&db).await.expect("identity");
    let store = Store::new(db, identity.device);
    let actor = Actor {
        organization_id: identity.organization_id,
        user_id: identity.user_id,
    };
    Fixture {
        _dir: dir,
        runner: WorkflowRunner::new(store.clone()),
        store,
        actor,
        secrets: neuroflow_secrets::SecretStore::session_memory(),
    }
}

fn node(kind: &str, label: &str, config: Json) -> GraphNode {
    GraphNode {
        id: Uuid::now_v7(),
        kind: kind.into(),
        label: label.into(),
        position: Position { x: 0.0, y: 0.0 },
        config,
    }
}

fn edge(a: &GraphNode, b: &GraphNode) -> GraphEdge {
    GraphEdge {
        id: Uuid::now_v7(),
        source: a.id,
        source_handle: None,
        target: b.id,
        target_handle: None,
    }
}

async fn workflow(f: &Fixture, name: &str, nodes: &[&GraphNode], edges: Vec<GraphEdge>) -> Uuid {
    let w = f
        .store
        .workflow_create(f.actor, name)
        .await
        .expect("create");
    let graph = Graph {
        nodes: nodes.iter().map(|n| (*n).clone()).collect(),
        edges,
    };
    f.store
        .workflow_save_graph(f.actor, w.id, &graph)
        .await
        .expect("save");
    w.id
}

/// Runs to the end, collecting every event.
async fn run(
    f: &Fixture,
    id: Uuid,
    options: RunOptions,
) -> (neuroflow_model::entities::WorkflowExecution, Vec<RunEvent>) {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let started = f
        .runner
        .start(f.actor, id, options, f.integrations(), Some(tx))
        .await
        .expect("start");
    let execution = started.finished.await.expect("join").expect("recorded");
    assert_eq!(execution.id, started.execution_id);
    let mut events = Vec::new();
    while let Ok(e) = rx.try_recv() {
        events.push(e);
    }
    (execution, events)
}

#[tokio::test]
async fn a_three_node_run_streams_events_and_is_stored_with_every_node_result() {
    let f = fixture().await;
    let start = node("trigger.manual", "Start", json!({}));
    let greet = node(
        "data.set",
        "Greet",
        json!({"fields": {"greeting": "Hello {{ item.name }}"}}),
    );
    let out = node("output", "Result", json!({}));
    let id = workflow(
        &f,
        "Greeter",
        &[&start, &greet, &out],
        vec![edge(&start, &greet), edge(&greet, &out)],
    )
    .await;

    let (execution, events) = run(
        &f,
        id,
        RunOptions {
            input: json!({"name": "Ada"}),
            ..RunOptions::default()
        },
    )
    .await;

    assert_eq!(execution.status, ExecutionStatus::Completed);
    assert_eq!(
        execution.output_data,
        Some(json!([{"name": "Ada", "greeting": "Hello Ada"}]))
    );
    assert!(matches!(events.first(), Some(RunEvent::RunStarted { .. })));
    assert!(matches!(
        events.last(),
        Some(RunEvent::RunFinished {
            status: neuroflow_engine::RunStatus::Completed,
            ..
        })
    ));
    let finished: Vec<Uuid> = events
        .iter()
        .filter_map(|e| match e {
            RunEvent::NodeFinished { node_id, .. } => Some(*node_id),
            _ => None,
        })
        .collect();
    assert_eq!(finished, [start.id, greet.id, out.id]);

    let detail = f
        .runner
        .detail(f.actor, execution.id)
        .await
        .expect("detail");
    assert_eq!(detail.summary.workflow_name, "Greeter");
    assert_eq!(detail.nodes.len(), 3);
    let g = detail
        .nodes
        .iter()
        .find(|n| n.node_id == greet.id)
        .expect("greet result");
    assert_eq!(g.status, NodeStatus::Succeeded);
    assert_eq!(g.input.as_slice(), [json!({"name": "Ada"})]);
    assert_eq!(
        g.output["main"].as_slice(),
        [json!({"name": "Ada", "greeting": "Hello Ada"})]
    );

    let summary = f
        .store
        .workflow_list(f.actor, None)
        .await
        .expect("list")
        .into_iter()
        .find(|w| w.id == id)
        .expect("listed");
    assert_eq!(summary.name, "Greeter");
    assert_eq!(summary.runs, 1);
    assert!(summary.last_run_at.is_some());
    let listed = f
        .store
        .execution_list(f.actor, Some(id), 10, 0)
        .await
        .expect("executions");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].status, ExecutionStatus::Completed);
}

#[tokio::test]
async fn an_invalid_workflow_is_refused_with_every_problem_and_nothing_is_stored() {
    let f = fixture().await;
    let start = node("trigger.manual", "Start", json!({}));
    let set = node("data.set", "No fields", json!({}));
    let http = node("http.request", "No URL", json!({}));
    let id = workflow(
        &f,
        "Broken",
        &[&start, &set, &http],
        vec![edge(&start, &set), edge(&set, &http)],
    )
    .await;
    let refused = f
        .runner
        .start(f.actor, id, RunOptions::default(), None, None)
        .await
        .err()
        .expect("refused");
    let RunError::Invalid(diagnostics) = &refused else {
        panic!("expected Invalid, got {refused:?}");
    };
    let nodes: Vec<Option<Uuid>> = diagnostics.iter().map(|d| d.node_id).collect();
    assert!(nodes.contains(&Some(set.id)), "{diagnostics:?}");
    assert!(nodes.contains(&Some(http.id)), "{diagnostics:?}");
    assert!(
        refused.to_string().contains("and 1 more problem"),
        "{refused}"
    );
    let listed = f
        .store
        .execution_list(f.actor, Some(id), 10, 0)
        .await
        .expect("executions");
    assert!(listed.is_empty());
}

#[tokio::test]
async fn a_cancelled_run_is_stored_as_cancelled() {
    let f = fixture().await;
    let start = node("trigger.manual", "Start", json!({}));
    let wait = node("flow.delay", "Wait a minute", json!({"ms": 60_000}));
    let id = workflow(&f, "Slow", &[&start, &wait], vec![edge(&start, &wait)]).await;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let started = f
        .runner
        .start(f.actor, id, RunOptions::default(), None, Some(tx))
        .await
        .expect("start");
    // Cancel once the delay node has started.
    while let Some(e) = rx.recv().await {
        if matches!(e, RunEvent::NodeStarted { node_id, .. } if node_id == wait.id) {
            break;
        }
    }
    assert!(f.runner.is_running(started.execution_id));
    assert!(f.runner.cancel(started.execution_id));
    let execution = started.finished.await.expect("join").expect("recorded");
    assert_eq!(execution.status, ExecutionStatus::Cancelled);
    assert!(!f.runner.is_running(execution.id));
    assert!(!f.runner.cancel(execution.id), "nothing left to cancel");
}

#[tokio::test]
async fn run_from_a_node_reuses_the_latest_runs_outputs() {
    let f = fixture().await;
    let start = node("trigger.manual", "Start", json!({}));
    let a = node("data.set", "A", json!({"fields": {"a": 1}}));
    let b = node(
        "data.set",
        "B",
        json!({"fields": {"b": "{{ item.a + 1 }}"}}),
    );
    let id = workflow(
        &f,
        "Two steps",
        &[&start, &a, &b],
        vec![edge(&start, &a), edge(&a, &b)],
    )
    .await;

    // No earlier run: a preview from B has nothing to start from and says so, storing nothing.
    let refused = f
        .runner
        .start(
            f.actor,
            id,
            RunOptions {
                mode: RunMode::From { node_id: b.id },
                ..RunOptions::default()
            },
            None,
            None,
        )
        .await
        .err()
        .expect("refused");
    assert!(
        matches!(&refused, RunError::Refused(why) if why.contains("no output from an earlier run")),
        "{refused:?}"
    );

    let (first, _) = run(&f, id, RunOptions::default()).await;
    assert_eq!(first.status, ExecutionStatus::Completed);
    let (from_b, events) = run(
        &f,
        id,
        RunOptions {
            mode: RunMode::From { node_id: b.id },
            ..RunOptions::default()
        },
    )
    .await;
    assert_eq!(from_b.status, ExecutionStatus::Completed);
    let started: Vec<Uuid> = events
        .iter()
        .filter_map(|e| match e {
            RunEvent::NodeStarted { node_id, .. } => Some(*node_id),
            _ => None,
        })
        .collect();
    assert_eq!(started, [b.id], "only B runs; A's output is reused");
    let detail = f.runner.detail(f.actor, from_b.id).await.expect("detail");
    let b_result = detail.nodes.iter().find(|n| n.node_id == b.id).expect("b");
    assert_eq!(b_result.output["main"][0]["b"], json!(2));
}

#[tokio::test]
async fn runs_the_app_did_not_finish_are_marked_failed_at_start_up() {
    let f = fixture().await;
    let start = node("trigger.manual", "Start", json!({}));
    let id = workflow(&f, "Crashy", &[&start], vec![]).await;
    let stale = f
        .store
        .execution_start(f.actor, id, json!({}))
        .await
        .expect("start row");
    assert_eq!(f.runner.fail_interrupted(f.actor).await.expect("fail"), 1);
    let row = f.store.execution_get(f.actor, stale.id).await.expect("row");
    assert_eq!(row.status, ExecutionStatus::Failed);
    assert!(row
        .error
        .as_deref()
        .is_some_and(|e| e.contains("closed before the run finished")));
    assert_eq!(f.runner.fail_interrupted(f.actor).await.expect("again"), 0);
}

/// One HTTP/1.1 request off the socket: its bytes and where the head ends (the body follows,
/// as long as its Content-Length says); `None` when the peer went away first.
async fn read_request(socket: &mut tokio::net::TcpStream) -> Option<(Vec<u8>, usize)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let (head_end, length) = loop {
        let n = socket.read(&mut chunk).await.ok().filter(|n| *n > 0)?;
        buf.extend_from_slice(&chunk[..n]);
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..p]).to_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            break (p + 4, length);
        }
    };
    while buf.len() < head_end + length {
        let n = socket.read(&mut chunk).await.ok().filter(|n| *n > 0)?;
        buf.extend_from_slice(&chunk[..n]);
    }
    Some((buf, head_end))
}

/// A stand-in speaking OpenAI's chat-completions protocol (as Ollama serves it, no key): it
/// checks the request shape and answers with a real-shaped completion and usage.
async fn chat_stand_in() -> (String, Arc<Mutex<Vec<Json>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let log = log.clone();
            tokio::spawn(async move {
                let Some((buf, head_end)) = read_request(&mut socket).await else {
                    return;
                };
                let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
                let body: Json = serde_json::from_slice(&buf[head_end..]).unwrap_or(Json::Null);
                let ok = head.starts_with("POST /v1/chat/completions ");
                let prompt = body["messages"]
                    .as_array()
                    .and_then(|m| m.iter().rev().find(|m| m["role"] == "user"))
                    .and_then(|m| m["content"].as_str())
                    .unwrap_or("")
                    .to_string();
                let system = body["messages"][0]["content"]
                    .as_str()
                    .unwrap_or("")
                    .to_string();
                let authorization = head.lines().find_map(|l| {
                    l.to_ascii_lowercase()
                        .starts_with("authorization:")
                        .then(|| l["authorization:".len()..].trim().to_string())
                });
                log.lock()
                    .expect("log")
                    .push(json!({"request": body.clone(), "authorization": authorization}));
                let reply = if ok {
                    json!({
                        "id": "chatcmpl-1", "object": "chat.completion", "created": 1_700_000_000,
                        "model": body["model"],
                        "choices": [{"index": 0, "message": {"role": "assistant",
                            "content": format!("[{system}] {prompt}")}, "finish_reason": "stop"}],
                        "usage": {"prompt_tokens": 20, "completion_tokens": 7, "total_tokens": 27}
                    })
                } else {
                    json!({"error": {"message": "no such route"}})
                };
                let text = reply.to_string();
                let status = if ok { "200 OK" } else { "404 Not Found" };
                let response = format!(
                    "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{text}",
                    text.len()
                );
                let _ = socket.write_all(response.as_bytes()).await;
            });
        }
    });
    (format!("http://{addr}/v1"), seen)
}

#[tokio::test]
async fn an_agent_node_uses_the_stored_agent_and_its_call_is_stored_as_an_agent_execution() {
    let f = fixture().await;
    let (base, seen) = chat_stand_in().await;
    let now = Utc::now();
    let agent = AiAgent {
        id: new_id(),
        organization_id: f.actor.organization_id,
        name: "Support bot".into(),
        description: "Answers customers kindly.".into(),
        personality: json!({"systemPrompt": "You are the support bot."}),
        model_config: json!({"provider": "ollama", "model": "llama3.2", "baseUrl": base}),
        capabilities: json!([]),
        memory: json!({}),
        success_rate: 0.0,
        avg_response_ms: 0.0,
        total_executions: 0,
        status: AgentStatus::Idle,
        is_active: true,
        created_by: f.actor.user_id,
        created_at: now,
        updated_at: now,
        deleted_at: None,
        hlc: String::new(),
    };
    f.store.insert(&agent).await.expect("agent");
    let start = node("trigger.manual", "Start", json!({}));
    let ask = node(
        "ai.agent",
        "Answer",
        json!({"agentId": agent.id.to_string(), "prompt": "Customer asks: {{ item.question }}"}),
    );
    let id = workflow(&f, "Support", &[&start, &ask], vec![edge(&start, &ask)]).await;

    let (execution, _) = run(
        &f,
        id,
        RunOptions {
            input: json!({"question": "Where is my order?"}),
            // The stand-in model listens on this computer, which the workflow must allow.
            network: NetworkPolicy {
                allow_private_network: true,
            },
            ..RunOptions::default()
        },
    )
    .await;
    assert_eq!(
        execution.status,
        ExecutionStatus::Completed,
        "{:?}",
        execution.error
    );
    assert_eq!(execution.tokens_used, 27);

    let requests = seen.lock().expect("seen").clone();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0]["request"]["model"], "llama3.2");
    assert_eq!(
        requests[0]["request"]["messages"][0]["content"],
        "You are the support bot."
    );
    assert_eq!(
        requests[0]["authorization"],
        Json::Null,
        "a local model needs no key"
    );

    let detail = f
        .runner
        .detail(f.actor, execution.id)
        .await
        .expect("detail");
    assert_eq!(detail.agent_calls.len(), 1);
    let call = &detail.agent_calls[0];
    assert_eq!(call.agent_id, agent.id);
    assert_eq!(call.workflow_execution_id, Some(execution.id));
    assert_eq!(call.tokens_used, 27);
    assert_eq!(call.model, "llama3.2");
    assert_eq!(call.status, ExecutionStatus::Completed);

    // A switched-off agent fails the node with its name, and the run with it.
    let mut off = agent.clone();
    off.is_active = false;
    f.store.update(&off).await.expect("switch off");
    let (failed, _) = run(&f, id, RunOptions::default()).await;
    assert_eq!(failed.status, ExecutionStatus::Failed);
    let why: HashMap<Uuid, Option<String>> = f
        .runner
        .detail(f.actor, failed.id)
        .await
        .expect("detail")
        .nodes
        .into_iter()
        .map(|n| (n.node_id, n.error))
        .collect();
    assert!(why[&ask.id]
        .as_deref()
        .is_some_and(|e| e.contains("'Support bot' is switched off")));
}

#[tokio::test]
async fn a_streamed_run_reports_every_event_then_its_stored_execution() {
    let f = fixture().await;
    let start = node("trigger.manual", "Start", json!({}));
    let set = node("data.set", "Set", json!({"fields": {"x": 1}}));
    let id = workflow(&f, "Streamed", &[&start, &set], vec![edge(&start, &set)]).await;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let execution_id = f
        .runner
        .start_streaming(f.actor, id, RunOptions::default(), None, move |u| {
            let _ = tx.send(u);
        })
        .await
        .expect("start");
    let mut updates = Vec::new();
    while let Some(u) = rx.recv().await {
        let last = !matches!(u, neuroflow_runs::RunUpdate::Event { .. });
        updates.push(u);
        if last {
            break;
        }
    }
    let Some(neuroflow_runs::RunUpdate::Stored { execution }) = updates.last() else {
        panic!("the last update is Stored: {updates:?}");
    };
    assert_eq!(execution.id, execution_id);
    assert_eq!(execution.status, ExecutionStatus::Completed);
    assert_eq!(execution.workflow_name, "Streamed");
    let events: Vec<&RunEvent> = updates
        .iter()
        .filter_map(|u| match u {
            neuroflow_runs::RunUpdate::Event { event } => Some(event),
            _ => None,
        })
        .collect();
    assert!(matches!(events.first(), Some(RunEvent::RunStarted { .. })));
    assert!(matches!(events.last(), Some(RunEvent::RunFinished { .. })));
    assert_eq!(
        events
            .iter()
            .filter(|e| matches!(e, RunEvent::NodeFinished { .. }))
            .count(),
        2
    );
}

/// A tiny receiver on 127.0.0.1 that records each request's headers and body and answers 200.
async fn receiver(reply: Json) -> (String, Arc<Mutex<Vec<(String, String)>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let log = log.clone();
            let reply = reply.to_string();
            tokio::spawn(async move {
                let Some((buf, head_end)) = read_request(&mut socket).await else {
                    return;
                };
                let head = String::from_utf8_lossy(&buf[..head_end]).to_lowercase();
                let body = String::from_utf8_lossy(&buf[head_end..]).to_string();
                log.lock().expect("log").push((head, body));
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{reply}",
                    reply.len()
                );
                let _ = socket.write_all(response.as_bytes()).await;
            });
        }
    });
    (format!("http://{addr}"), seen)
}

#[tokio::test]
async fn integration_nodes_and_model_keys_go_through_the_integrations_in_the_keychain() {
    let f = fixture().await;
    let service = f.integrations().expect("service");
    let (hook_url, hook_seen) = receiver(json!({"ok": true})).await;
    let hook = service
        .create(
            serde_json::from_value(json!({
                "name": "Orders hook",
                "settings": {"provider": "WEBHOOK", "url": format!("{hook_url}/in")},
                "credentials": {"provider": "WEBHOOK", "signingSecret": "whsec-runs-test"}
            }))
            .expect("draft"),
        )
        .await
        .expect("webhook integration");
    let (llm_base, llm_seen) = chat_stand_in().await;
    let key = service
        .create(
            serde_json::from_value(json!({
                "name": "OpenAI key",
                "settings": {"provider": "HTTP", "baseUrl": llm_base, "auth": "BEARER",
                             "username": null, "headerName": null, "testPath": "/models"},
                "credentials": {"provider": "HTTP", "bearerToken": "sk-runs-test-key"}
            }))
            .expect("draft"),
        )
        .await
        .expect("key integration");

    let start = node("trigger.manual", "Start", json!({}));
    let ask = node(
        "ai.llm",
        "Summarise",
        json!({"provider": "openai", "model": "gpt-4o-mini", "baseUrl": llm_base,
               "credential": key.id.to_string(), "prompt": "Order {{ item.order }}"}),
    );
    let post = node(
        "integration.webhook",
        "Notify",
        json!({"integrationId": hook.id.to_string()}),
    );
    let id = workflow(
        &f,
        "Notify on orders",
        &[&start, &ask, &post],
        vec![edge(&start, &ask), edge(&ask, &post)],
    )
    .await;
    let (execution, _) = run(
        &f,
        id,
        RunOptions {
            input: json!({"order": 42}),
            ..RunOptions::default()
        },
    )
    .await;
    assert_eq!(
        execution.status,
        ExecutionStatus::Completed,
        "{:?}",
        execution.error
    );

    // The model was called with the key kept in the integration, never in the graph.
    let calls = llm_seen.lock().expect("seen").clone();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0]["authorization"], "Bearer sk-runs-test-key");
    // The webhook got the model node's item, signed with the integration's secret.
    let hooks = hook_seen.lock().expect("hook").clone();
    assert_eq!(hooks.len(), 1);
    let (head, body) = &hooks[0];
    assert!(head.starts_with("post /in "), "{head}");
    assert!(head.contains("x-neuroflow-signature: sha256="), "{head}");
    assert!(body.contains("Order 42"), "{body}");

    // Nothing of either secret is in the stored execution.
    let stored = serde_json::to_string(
        &f.runner
            .detail(f.actor, execution.id)
            .await
            .expect("detail"),
    )
    .expect("json");
    assert!(!stored.contains("sk-runs-test-key") && !stored.contains("whsec-runs-test"));

    // Without the integrations (validation, estimates), an integration node is refused plainly.
    let refused = f
        .runner
        .start(f.actor, id, RunOptions::default(), None, None)
        .await
        .expect("starts")
        .finished
        .await
        .expect("join")
        .expect("recorded");
    assert_eq!(refused.status, ExecutionStatus::Failed);
}

#[tokio::test]
async fn a_blueprint_preview_streams_its_events_then_every_components_results() {
    let f = fixture().await;
    let doc = f
        .store
        .blueprint_create(
            f.actor,
            &neuroflow_store::blueprints::BlueprintMeta {
                name: "Echo".into(),
                description: String::new(),
                category: neuroflow_model::AIToolCategory::Automation,
                is_public: false,
            },
        )
        .await
        .expect("blueprint");
    let preview = |input: Json| {
        let runner = f.runner.clone();
        let actor = f.actor;
        let id = doc.summary.id;
        async move {
            let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
            runner
                .run_blueprint_streaming(
                    actor,
                    id,
                    RunOptions {
                        input,
                        ..RunOptions::default()
                    },
                    None,
                    move |u| {
                        let _ = tx.send(u);
                    },
                )
                .await
                .expect("starts");
            let mut updates = Vec::new();
            while let Some(u) = rx.recv().await {
                let last = matches!(u, neuroflow_runs::RunUpdate::Results { .. });
                updates.push(u);
                if last {
                    break;
                }
            }
            updates
        }
    };
    let ok = preview(json!({"text": "hi"})).await;
    let Some(neuroflow_runs::RunUpdate::Results { nodes }) = ok.last() else {
        panic!("ends with results: {ok:?}");
    };
    assert_eq!(nodes.len(), 2);
    assert!(nodes.iter().all(|n| n.status == NodeStatus::Succeeded));
    assert!(ok.iter().any(|u| matches!(
        u,
        neuroflow_runs::RunUpdate::Event {
            event: RunEvent::RunFinished {
                status: neuroflow_engine::RunStatus::Completed,
                ..
            }
        }
    )));
    // Nothing is stored for a preview.
    assert!(f
        .store
        .execution_list(f.actor, None, 10, 0)
        .await
        .expect("list")
        .is_empty());

    let missing = preview(json!({})).await;
    assert!(missing.iter().any(|u| matches!(u, neuroflow_runs::RunUpdate::Event { event: RunEvent::NodeFailed { error, .. } } if error.contains("required parameter 'text'"))), "{missing:?}");
}

#[tokio::test]
async fn a_live_check_is_of_the_saved_graph_with_the_canvas_changes_made() {
    use neuroflow_model::graph::{GraphChanges, GraphSurface};
    let f = fixture().await;
    let trigger = node("trigger.manual", "Start", json!({}));
    let id = workflow(&f, "Checked", &[&trigger], vec![]).await;
    let none = GraphChanges::default();
    let saved = f
        .runner
        .check_changes(f.actor, id, GraphSurface::Workflow, &none, &json!({}))
        .await
        .expect("check");
    assert!(saved.diagnostics.is_empty(), "{:?}", saved.diagnostics);
    assert!(saved.estimate.is_none(), "no model call, no estimate");

    // Unsaved on the canvas: an HTTP request without its URL and an LLM prompt after it.
    let http = node("http.request", "Fetch", json!({}));
    let llm = node(
        "ai.llm",
        "Summarise",
        json!({"prompt": "Summarise {{ $json }}"}),
    );
    let changes = GraphChanges {
        nodes: vec![http.clone(), llm.clone()],
        edges: vec![edge(&trigger, &http), edge(&http, &llm)],
        ..GraphChanges::default()
    };
    let check = f
        .runner
        .check_changes(f.actor, id, GraphSurface::Workflow, &changes, &json!({}))
        .await
        .expect("check");
    assert!(
        check.diagnostics.iter().any(|d| d.node_id == Some(http.id)),
        "the unsaved node's problem is found: {:?}",
        check.diagnostics
    );
    let estimate = check.estimate.expect("an LLM node has an estimate");
    assert!(estimate.nodes.iter().any(|n| n.node_id == llm.id));

    assert!(
        check.signature.is_none(),
        "a workflow has no tool signature"
    );

    // A blueprint's check carries its signature with the canvas's changes made.
    let blueprint = f
        .store
        .blueprint_create(
            f.actor,
            &neuroflow_store::blueprints::BlueprintMeta {
                name: "Signed".into(),
                description: String::new(),
                category: neuroflow_model::AIToolCategory::Automation,
                is_public: false,
            },
        )
        .await
        .expect("blueprint");
    let input = node(
        "blueprint.input",
        "Tool input",
        json!({"parameters": [{"name": "city", "type": "string", "required": true}]}),
    );
    let added = GraphChanges {
        nodes: vec![input],
        ..GraphChanges::default()
    };
    let signed = f
        .runner
        .check_changes(
            f.actor,
            blueprint.summary.id,
            GraphSurface::Blueprint,
            &added,
            &json!({}),
        )
        .await
        .expect("check");
    let signature = signed.signature.expect("a blueprint's signature");
    assert_eq!(
        signature.input_schema["properties"]["city"]["type"],
        "string"
    );
    // Next to the starter's own `text` parameter.
    let required = signature.input_schema["required"]
        .as_array()
        .expect("required");
    assert!(required.contains(&json!("city")), "{required:?}");

    // Nothing was saved by checking.
    let stored = f.store.workflow_get(f.actor, id).await.expect("get");
    assert_eq!(stored.graph.nodes, vec![trigger]);
    // Another workflow id is not found.
    assert!(matches!(
        f.runner
            .check_changes(f.actor, new_id(), GraphSurface::Workflow, &none, &json!({}))
            .await,
        Err(RunError::Store(
            neuroflow_store::StoreError::NotFound { .. }
        ))
    ));
}

#[tokio::test]
async fn a_local_model_behind_an_integration_without_auth_runs_with_the_default_policy() {
    let f = fixture().await;
    let service = f.integrations().expect("service");
    let (base, seen) = chat_stand_in().await;
    let local = service
        .create(
            serde_json::from_value(json!({
                "name": "Ollama here",
                "settings": {"provider": "HTTP", "baseUrl": base, "auth": "NONE",
                             "username": null, "headerName": null, "testPath": "/models"},
                "credentials": null
            }))
            .expect("draft"),
        )
        .await
        .expect("integration");
    let start = node("trigger.manual", "Start", json!({}));
    let ask = node(
        "ai.llm",
        "Ask",
        json!({"provider": "ollama", "model": "llama3.2", "baseUrl": base,
               "credential": local.id.to_string(), "prompt": "hi"}),
    );
    let id = workflow(&f, "Local model", &[&start, &ask], vec![edge(&start, &ask)]).await;
    let (execution, _) = run(&f, id, RunOptions::default()).await;
    assert_eq!(
        execution.status,
        ExecutionStatus::Completed,
        "{:?}",
        execution.error
    );
    let calls = seen.lock().expect("seen").clone();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0]["authorization"], Json::Null);

    // The same node without the integration names this computer itself: refused by default.
    let bare = node(
        "ai.llm",
        "Bare",
        json!({"provider": "ollama", "model": "llama3.2", "baseUrl": base, "prompt": "hi"}),
    );
    let start = node("trigger.manual", "Start", json!({}));
    let id = workflow(
        &f,
        "Bare local model",
        &[&start, &bare],
        vec![edge(&start, &bare)],
    )
    .await;
    let (execution, _) = run(&f, id, RunOptions::default()).await;
    assert_eq!(execution.status, ExecutionStatus::Failed);
    let error = execution.error.unwrap_or_default();
    assert!(error.contains("allowPrivateNetwork"), "{error}");
    assert_eq!(seen.lock().expect("seen").len(), 1);
}

#[tokio::test]
async fn a_workflow_reaches_this_computer_only_when_its_own_setting_allows_it() {
    use neuroflow_model::settings::WorkflowSettings;
    let f = fixture().await;
    let (url, seen) = receiver(json!({"ok": true})).await;
    let trigger = node("trigger.manual", "Start", json!({}));
    let call = node(
        "http.request",
        "Local API",
        json!({"url": format!("{url}/local"), "method": "GET"}),
    );
    let id = workflow(
        &f,
        "Local API",
        &[&trigger, &call],
        vec![edge(&trigger, &call)],
    )
    .await;

    // The default: the graph's URL on 127.0.0.1 is refused, and nothing is sent.
    let (refused, _) = run(&f, id, RunOptions::default()).await;
    assert_eq!(refused.status, ExecutionStatus::Failed, "{refused:?}");
    let message = refused.error.clone().unwrap_or_default();
    assert!(
        message.contains("allowPrivateNetwork") || message.contains("this computer"),
        "{message}"
    );
    assert!(
        seen.lock().expect("seen").is_empty(),
        "no request left the run"
    );

    // The workflow's setting (stored on its row, read back with the workflow) lets the same graph through.
    let on = WorkflowSettings {
        allow_private_network: true,
        ..WorkflowSettings::default()
    };
    assert_eq!(
        f.store
            .workflow_set_settings(f.actor, id, &on)
            .await
            .expect("settings"),
        on
    );
    assert_eq!(
        f.store
            .workflow_get(f.actor, id)
            .await
            .expect("get")
            .settings,
        on
    );
    let (allowed, _) = run(&f, id, RunOptions::default()).await;
    assert_eq!(allowed.status, ExecutionStatus::Completed, "{allowed:?}");
    assert_eq!(seen.lock().expect("seen").len(), 1);

    // A file exported from it does not carry the setting: imported, the copy starts strict.
    let (file, text) = neuroflow_runs::files::export(&f.store, f.actor, id)
        .await
        .expect("export");
    assert!(!text.contains("allowPrivateNetwork"), "{file:?}");
    let report = neuroflow_runs::files::import(&f.store, f.actor, text.as_bytes(), "copy.json")
        .await
        .expect("import");
    assert_eq!(
        f.store
            .workflow_settings(f.actor, report.workflow.id)
            .await
            .expect("settings"),
        WorkflowSettings::default()
    );
}

/// How much data a run may hold is the workflow's setting: the same run fails at 1 MiB and
/// completes with the default, and what the nodes share with their input does not count.
#[tokio::test]
async fn the_workflows_memory_setting_bounds_what_a_run_holds() {
    use neuroflow_model::settings::WorkflowSettings;
    let f = fixture().await;
    let start = node("trigger.manual", "Start", json!({}));
    // Each item gets a new 1 KB string: 2,000 items make about 2 MB.
    let grow = node(
        "data.set",
        "Grow",
        json!({"fields": {"copy": "{{ item.pad }}{{ item.i }}"}}),
    );
    let keep = node("data.set", "Keep", json!({"fields": {"seen": true}}));
    let id = workflow(
        &f,
        "Heavy",
        &[&start, &grow, &keep],
        vec![edge(&start, &grow), edge(&grow, &keep)],
    )
    .await;
    let pad = "x".repeat(1000);
    let input = json!((0..2_000)
        .map(|i| json!({"i": i, "pad": pad}))
        .collect::<Vec<_>>());
    let options = || RunOptions {
        input: input.clone(),
        ..RunOptions::default()
    };

    let (roomy, _) = run(&f, id, options()).await;
    assert_eq!(roomy.status, ExecutionStatus::Completed, "{roomy:?}");

    let tight = WorkflowSettings {
        max_run_data_mib: Some(1),
        ..WorkflowSettings::default()
    };
    f.store
        .workflow_set_settings(f.actor, id, &tight)
        .await
        .expect("settings");
    let (held, _) = run(&f, id, options()).await;
    assert_eq!(held.status, ExecutionStatus::Failed);
    let error = held.error.unwrap_or_default();
    assert!(
        error.contains("outputs passed their limit of 1048576 bytes (at node 'Grow'"),
        "{error}"
    );
}
