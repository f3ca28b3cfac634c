//! The dev server over real sockets: the token is required, other origins and host names are refused, it cannot listen beyond loopback, calls round-trip, errors come back as `{code, message}` and a run streams its updates.

use std::net::{Ipv4Addr, SocketAddr};

use neuroflow_api::{open_local, Core, SecretsState};
use neuroflow_api_server::{DevServer, Options, ServeError, Started};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use uuid::Uuid;

struct Scratch(std::path::PathBuf);
impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn core(dir: &std::path::Path) -> Core {
    std::fs::create_dir_all(dir).expect("dir");
    Core::new(open_local(dir.join("dev.db")).await, SecretsState::new())
}

fn loopback() -> Options {
    Options {
        addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
        ui: None,
        allowed_origins: vec!["http://localhost:5173".into()],
    }
}

async fn start() -> (Scratch, Started) {
    let dir = std::env::temp_dir().join(format!("neuroflow-dev-{}", Uuid::now_v7().simple()));
    let server = DevServer::bind(core(&dir).await, loopback())
        .await
        .expect("bind");
    let started = server.started().clone();
    tokio::spawn(server.serve());
    (Scratch(dir), started)
}

/// One HTTP/1.1 request on its own connection: the status and the body.
async fn request(
    started: &Started,
    command: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String) {
    let host = started.origin.trim_start_matches("http://");
    let mut stream = TcpStream::connect(host).await.expect("connect");
    // A command name, or a whole path.
    let path = if command.starts_with('/') {
        command.to_string()
    } else {
        format!("/invoke/{command}")
    };
    let mut head = format!(
        "POST {path} HTTP/1.1\r\nhost: {host}\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await.expect("write");
    stream.write_all(body.as_bytes()).await.expect("write");
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).await.expect("read");
    let reply = String::from_utf8(reply).expect("utf-8");
    let status = reply[9..12].parse().expect("status");
    let (headers, body) = reply.split_once("\r\n\r\n").expect("head");
    let body = if headers
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        unchunk(body)
    } else {
        body.to_string()
    };
    (status, body)
}

fn unchunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).expect("chunk size");
        if size == 0 {
            break;
        }
        out.push_str(&rest[..size]);
        body = &rest[size + 2..];
    }
    out
}

async fn call(started: &Started, command: &str, args: Value) -> (u16, Value) {
    let (status, body) = request(
        started,
        command,
        &[("x-neuroflow-token", &started.token)],
        &args.to_string(),
    )
    .await;
    (status, serde_json::from_str(&body).expect("json"))
}

#[tokio::test]
async fn a_call_round_trips() {
    let (_dir, started) = start().await;
    let (status, created) = call(&started, "workflow_create", json!({"name": "Leads"})).await;
    assert_eq!(status, 200, "{created}");
    let (status, list) = call(&started, "workflow_list", json!({"search": null})).await;
    assert_eq!(status, 200);
    assert_eq!(list[0]["id"], created["id"]);
    let (status, info) = call(&started, "app_info", Value::Null).await;
    assert_eq!(status, 200);
    assert!(info["databasePath"]
        .as_str()
        .is_some_and(|p| p.ends_with("dev.db")));
}

#[tokio::test]
async fn an_error_comes_back_as_code_and_message() {
    let (_dir, started) = start().await;
    let (status, error) = call(
        &started,
        "workflow_get",
        json!({"id": Uuid::now_v7().to_string()}),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(error["code"], "not_found");
    assert!(error["message"]
        .as_str()
        .is_some_and(|m| m.contains("no longer exists")));
    let (status, error) = call(&started, "workflow_rename", json!({"id": "x", "name": "y"})).await;
    assert_eq!(
        (status, error["code"].as_str()),
        (422, Some("invalid_input"))
    );
}

#[tokio::test]
async fn the_token_is_required() {
    let (_dir, started) = start().await;
    let body = json!({"name": "x"}).to_string();
    let (status, _) = request(&started, "workflow_create", &[], &body).await;
    assert_eq!(status, 401);
    let (status, _) = request(
        &started,
        "workflow_create",
        &[("x-neuroflow-token", "0000")],
        &body,
    )
    .await;
    assert_eq!(status, 401);
    let (_, list) = call(&started, "workflow_list", json!({"search": null})).await;
    assert_eq!(list, json!([]), "nothing was created without the token");
}

#[tokio::test]
async fn other_origins_and_host_names_are_refused() {
    let (_dir, started) = start().await;
    let token = started.token.clone();
    let (status, body) = request(
        &started,
        "workflow_list",
        &[
            ("x-neuroflow-token", &token),
            ("origin", "https://evil.example"),
        ],
        "{}",
    )
    .await;
    assert_eq!(status, 403, "{body}");
    let own = started.origin.clone();
    let (status, _) = request(
        &started,
        "workflow_list",
        &[("x-neuroflow-token", &token), ("origin", &own)],
        "{}",
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = request(
        &started,
        "workflow_list",
        &[
            ("x-neuroflow-token", &token),
            ("origin", "http://localhost:5173"),
        ],
        "{}",
    )
    .await;
    assert_eq!(status, 200, "an origin allowed at start");
    // A page of another site whose name was rebound to 127.0.0.1 sends its own host name.
    let host = started.origin.trim_start_matches("http://");
    let mut stream = TcpStream::connect(host).await.expect("connect");
    let rebound = format!(
        "POST /invoke/workflow_list HTTP/1.1\r\nhost: evil.example\r\nconnection: close\r\nx-neuroflow-token: {token}\r\ncontent-length: 2\r\n\r\n{{}}"
    );
    stream.write_all(rebound.as_bytes()).await.expect("write");
    let mut reply = String::new();
    stream.read_to_string(&mut reply).await.expect("read");
    assert!(reply.starts_with("HTTP/1.1 403"), "{reply}");
}

#[tokio::test]
async fn it_cannot_listen_beyond_loopback() {
    let dir = std::env::temp_dir().join(format!("neuroflow-dev-{}", Uuid::now_v7().simple()));
    let _scratch = Scratch(dir.clone());
    for addr in ["0.0.0.0:0", "[::]:0", "192.168.1.10:0"] {
        let options = Options {
            addr: addr.parse().expect("addr"),
            ..loopback()
        };
        match DevServer::bind(core(&dir).await, options).await {
            Err(ServeError::NotLoopback(_)) => {}
            Err(e) => panic!("{addr}: {e}"),
            Ok(_) => panic!("{addr}: listening beyond loopback"),
        }
    }
}

#[tokio::test]
async fn a_run_streams_its_updates_and_its_result() {
    let (_dir, started) = start().await;
    let (_, created) = call(&started, "workflow_create", json!({"name": "Run"})).await;
    let id = created["id"].clone();
    let graph = json!({"nodes": [{"id": Uuid::now_v7().to_string(), "kind": "trigger.manual",
        "label": "Start", "position": {"x": 0, "y": 0}, "config": {}}], "edges": []});
    let (status, _) = call(
        &started,
        "workflow_save_graph",
        json!({"id": id, "graph": graph, "save": {"kind": "SAVE"}}),
    )
    .await;
    assert_eq!(status, 200);
    let args = json!({"id": id, "options": {}, "updates": "__CHANNEL__:1"}).to_string();
    let (status, body) = request(
        &started,
        "workflow_run",
        &[("x-neuroflow-token", &started.token)],
        &args,
    )
    .await;
    assert_eq!(status, 200);
    let events: Vec<(&str, Value)> = body
        .split("\n\n")
        .filter(|e| !e.is_empty())
        .map(|e| {
            let (event, data) = e.split_once('\n').expect("event");
            let data = data.trim_start_matches("data: ");
            (
                event.trim_start_matches("event: "),
                serde_json::from_str(data).expect("data"),
            )
        })
        .collect();
    let results: Vec<_> = events.iter().filter(|(e, _)| *e == "result").collect();
    assert_eq!(results.len(), 1, "{body}");
    assert!(results[0].1["ok"]["executionId"].is_string(), "{body}");
    let last = events.last().expect("events");
    assert_eq!(
        (last.0, last.1["type"].as_str()),
        ("update", Some("stored")),
        "{body}"
    );
}

#[tokio::test]
async fn demo_rows_are_seeded_only_with_the_token() {
    let (_dir, started) = start().await;
    let (_, created) = call(&started, "workflow_create", json!({"name": "Seeded"})).await;
    let at = "2026-01-02T03:04:05Z";
    let any = Uuid::now_v7().to_string();
    let seed = json!({"executions": [{
        "id": Uuid::now_v7(), "organizationId": any, "workflowId": created["id"], "status": "COMPLETED",
        "startedAt": at, "finishedAt": at, "durationMs": 12, "tokensUsed": 3, "cost": 0.5,
        "inputData": {}, "outputData": null, "logs": [], "error": null, "triggeredBy": null,
        "createdAt": at, "updatedAt": at, "deletedAt": null, "hlc": ""
    }]})
    .to_string();
    let (status, _) = request(&started, "/dev/seed", &[], &seed).await;
    assert_eq!(status, 401);
    let (status, body) = request(
        &started,
        "/dev/seed",
        &[("x-neuroflow-token", &started.token)],
        &seed,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (_, runs) = call(
        &started,
        "execution_list",
        json!({"workflowId": null, "limit": 10, "offset": 0}),
    )
    .await;
    assert_eq!(runs[0]["workflowName"], "Seeded");
    assert_eq!(runs[0]["tokensUsed"], 3);
}
