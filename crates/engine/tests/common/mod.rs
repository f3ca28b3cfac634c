//! Shared test helpers: graph builders, a test host, and a tiny HTTP/1.1 server on
//! 127.0.0.1 that the tests start to stand in for HTTP APIs and LLM providers.
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use neuroflow_engine::*;
use neuroflow_model::graph::{Graph, GraphEdge, GraphNode, Position};
use serde_json::{json, Value as Json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use uuid::Uuid;

pub fn node(kind: &str, label: &str, config: Json) -> GraphNode {
    GraphNode {
        id: Uuid::now_v7(),
        kind: kind.into(),
        label: label.into(),
        position: Position { x: 0.0, y: 0.0 },
        config,
    }
}

pub fn edge(a: &GraphNode, b: &GraphNode) -> GraphEdge {
    ports(a, None, b, None)
}

pub fn ports(a: &GraphNode, from: Option<&str>, b: &GraphNode, to: Option<&str>) -> GraphEdge {
    GraphEdge {
        id: Uuid::now_v7(),
        source: a.id,
        source_handle: from.map(str::to_string),
        target: b.id,
        target_handle: to.map(str::to_string),
    }
}

pub fn graph(nodes: &[&GraphNode], edges: Vec<GraphEdge>) -> Graph {
    Graph {
        nodes: nodes.iter().map(|n| (*n).clone()).collect(),
        edges,
    }
}

pub fn manual() -> GraphNode {
    node("trigger.manual", "Start", json!({}))
}

pub fn set(label: &str, fields: Json) -> GraphNode {
    node("data.set", label, json!({ "fields": fields }))
}

/// Answers an integration call; gets the call and how many came before it.
pub type IntegrationAnswer =
    Box<dyn Fn(&IntegrationCall, usize) -> Result<Json, NodeError> + Send + Sync>;

#[derive(Default)]
pub struct TestHost {
    pub agents: HashMap<Uuid, AgentProfile>,
    pub blueprints: HashMap<Uuid, BlueprintGraph>,
    pub keys: HashMap<String, String>,
    pub asked: Mutex<Vec<CredentialRequest>>,
    /// `None` keeps the trait's default (integrations refused).
    pub integrations: Option<IntegrationAnswer>,
    pub integration_calls: Mutex<Vec<IntegrationCall>>,
}

impl EngineHost for TestHost {
    fn agent(&self, id: Uuid) -> HostFuture<'_, Result<AgentProfile, String>> {
        Box::pin(async move {
            self.agents
                .get(&id)
                .cloned()
                .ok_or_else(|| format!("no agent {id}"))
        })
    }
    fn blueprint(&self, id: Uuid) -> HostFuture<'_, Result<BlueprintGraph, String>> {
        Box::pin(async move {
            self.blueprints
                .get(&id)
                .cloned()
                .ok_or_else(|| format!("no blueprint {id}"))
        })
    }
    fn credential(
        &self,
        request: CredentialRequest,
    ) -> HostFuture<'_, Result<Option<Secret>, String>> {
        Box::pin(async move {
            let found = request
                .credential
                .as_ref()
                .and_then(|c| self.keys.get(c))
                .map(|k| Secret::new(k.clone()));
            if let Ok(mut asked) = self.asked.lock() {
                asked.push(request.clone());
            }
            match (&request.credential, found) {
                (Some(c), None) => Err(format!("no credential {c}")),
                (_, found) => Ok(found),
            }
        })
    }
    fn integration(&self, call: IntegrationCall) -> HostFuture<'_, Result<Json, NodeError>> {
        Box::pin(async move {
            let Some(answer) = &self.integrations else {
                return NoHost.integration(call).await;
            };
            let before = {
                let mut calls = self.integration_calls.lock().expect("calls");
                calls.push(call.clone());
                calls.len() - 1
            };
            answer(&call, before)
        })
    }
}

/// A run that may reach this computer: the tests' stand-in servers listen on 127.0.0.1,
/// which a run reaches only when its network policy allows it (as the workflow setting or
/// the CLI flag would). Tests of the default policy set `network` back to the default.
pub fn request(graph: Graph, input: Json) -> RunRequest {
    RunRequest {
        graph,
        input,
        network: NetworkPolicy {
            allow_private_network: true,
        },
        ..RunRequest::default()
    }
}

/// Runs and collects every event; panics (test only) when the run is refused.
pub async fn run_with(req: RunRequest, host: Arc<dyn EngineHost>) -> (RunResult, Vec<RunEvent>) {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let result = run(req, host, Some(tx), CancelToken::new())
        .await
        .expect("run starts");
    let mut events = Vec::new();
    while let Ok(e) = rx.try_recv() {
        events.push(e);
    }
    (result, events)
}

pub async fn run_graph(g: Graph, input: Json) -> RunResult {
    run_with(request(g, input), Arc::new(NoHost)).await.0
}

pub fn out(result: &RunResult, n: &GraphNode, port: &str) -> Vec<Json> {
    result
        .node(n.id)
        .and_then(|r| r.output.get(port))
        .map(|items| items.iter().map(|v| v.to_json()).collect())
        .unwrap_or_default()
}

/// The failed run's node error, checked to be one line, with the run's error naming the node.
#[allow(dead_code)]
pub fn failure_of(result: &RunResult, n: &GraphNode) -> String {
    assert_eq!(result.status, RunStatus::Failed, "{:?}", result.output);
    let node = result.node(n.id).expect("the node ran");
    assert_eq!(node.status, NodeStatus::Failed);
    let error = node.error.clone().unwrap_or_default();
    assert!(!error.contains('\n'), "{error}");
    assert!(
        result.error.as_deref().unwrap_or("").contains(&n.label),
        "the run's error names the node: {:?}",
        result.error
    );
    error
}

pub fn status(result: &RunResult, n: &GraphNode) -> Option<NodeStatus> {
    result.node(n.id).map(|r| r.status)
}

#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn json(&self) -> Json {
        serde_json::from_slice(&self.body).unwrap_or(Json::Null)
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }
}

pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
    pub headers: Vec<(&'static str, String)>,
}

impl Reply {
    pub fn json(status: u16, body: Json) -> Self {
        Self {
            status,
            content_type: "application/json",
            body: body.to_string(),
            headers: Vec::new(),
        }
    }

    pub fn with_header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, value.to_string()));
        self
    }
}

/// Starts an HTTP/1.1 server on 127.0.0.1 (a free port) answering with `handler`; every
/// request it saw is kept in the returned log. It lives as long as the test's runtime.
pub async fn serve(
    handler: impl Fn(&Request) -> Reply + Send + Sync + 'static,
) -> (String, Arc<Mutex<Vec<Request>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let log = Arc::new(Mutex::new(Vec::new()));
    let handler = Arc::new(handler);
    let seen = log.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let handler = handler.clone();
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                let head_end = loop {
                    let n = match socket.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => n,
                    };
                    buf.extend_from_slice(&chunk[..n]);
                    if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        break p;
                    }
                };
                let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
                let mut lines = head.split("\r\n");
                let first: Vec<&str> = lines.next().unwrap_or("").split(' ').collect();
                let headers: HashMap<String, String> = lines
                    .filter_map(|l| l.split_once(':'))
                    .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
                    .collect();
                let len: usize = headers
                    .get("content-length")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                let mut body = buf[head_end + 4..].to_vec();
                while body.len() < len {
                    let n = match socket.read(&mut chunk).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => n,
                    };
                    body.extend_from_slice(&chunk[..n]);
                }
                let req = Request {
                    method: first.first().unwrap_or(&"").to_string(),
                    path: first.get(1).unwrap_or(&"").to_string(),
                    headers,
                    body,
                };
                let reply = handler(&req);
                seen.lock().expect("log").push(req);
                let extra: String = reply
                    .headers
                    .iter()
                    .map(|(name, value)| format!("{name}: {value}\r\n"))
                    .collect();
                let text = format!(
                    "HTTP/1.1 {} X\r\ncontent-type: {}\r\ncontent-length: {}\r\nconnection: close\r\n{extra}\r\n{}",
                    reply.status,
                    reply.content_type,
                    reply.body.len(),
                    reply.body
                );
                let _ = socket.write_all(text.as_bytes()).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    (format!("http://{addr}"), log)
}

/// A stand-in for OpenAI's chat completions: checks the bearer key and the body's shape,
/// answers with a real-shaped `chat.completion` echoing the prompt.
pub async fn openai_stand_in(key: &'static str) -> (String, Arc<Mutex<Vec<Request>>>) {
    serve(move |req| {
        if req.method != "POST" || req.path != "/v1/chat/completions" {
            return Reply::json(404, json!({"error": {"message": "no such route"}}));
        }
        if req.header("authorization") != Some(&format!("Bearer {key}")) {
            return Reply::json(401, json!({"error": {"message": "Incorrect API key provided", "type": "invalid_request_error"}}));
        }
        let body = req.json();
        let messages = body["messages"].as_array().cloned().unwrap_or_default();
        let user = messages.iter().rev().find(|m| m["role"] == "user");
        let (Some(model), Some(user)) = (body["model"].as_str(), user) else {
            return Reply::json(400, json!({"error": {"message": "model and messages are required"}}));
        };
        let prompt = user["content"].as_str().unwrap_or("");
        Reply::json(
            200,
            json!({
                "id": "chatcmpl-123",
                "object": "chat.completion",
                "created": 1_700_000_000,
                "model": model,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": format!("echo: {prompt}")}, "logprobs": null, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 12, "completion_tokens": 5, "total_tokens": 17}
            }),
        )
    })
    .await
}

/// A stand-in for Anthropic's messages API: checks `x-api-key`, `anthropic-version` and
/// `max_tokens`, answers with a real-shaped `message`.
pub async fn anthropic_stand_in(key: &'static str) -> (String, Arc<Mutex<Vec<Request>>>) {
    serve(move |req| {
        if req.method != "POST" || req.path != "/v1/messages" {
            return Reply::json(404, json!({"type": "error", "error": {"type": "not_found_error", "message": "no such route"}}));
        }
        if req.header("x-api-key") != Some(key) {
            return Reply::json(401, json!({"type": "error", "error": {"type": "authentication_error", "message": "invalid x-api-key"}}));
        }
        if req.header("anthropic-version").is_none() {
            return Reply::json(400, json!({"type": "error", "error": {"type": "invalid_request_error", "message": "anthropic-version header is required"}}));
        }
        let body = req.json();
        if !body["max_tokens"].is_u64() || !body["messages"].is_array() {
            return Reply::json(400, json!({"type": "error", "error": {"type": "invalid_request_error", "message": "max_tokens: Field required"}}));
        }
        let prompt = body["messages"][0]["content"].as_str().unwrap_or("").to_string();
        Reply::json(
            200,
            json!({
                "id": "msg_01",
                "type": "message",
                "role": "assistant",
                "model": body["model"],
                "content": [{"type": "text", "text": format!("claude: {prompt}")}],
                "stop_reason": "end_turn",
                "stop_sequence": null,
                "usage": {"input_tokens": 20, "output_tokens": 7}
            }),
        )
    })
    .await
}
