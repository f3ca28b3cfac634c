//! Shared by the integration tests: stand-in HTTP servers on 127.0.0.1, a fresh SQLite store per test, the real OS keychain (never keyring's mock), and an engine host over the integration service that runs real workflow graphs.
// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use neuroflow_engine::{
    AgentProfile, BlueprintGraph, CancelToken, CredentialRequest, EngineHost, HostFuture,
    IntegrationCall, NodeError, RunEvent, RunRequest, RunResult, Secret,
};
use neuroflow_integrations::providers::ProviderHttp;
use neuroflow_integrations::{
    answer_integration_call, CredentialsInput, GmailCredentialsInput, GmailSettings, HttpAuthKind,
    HttpCredentialsInput, HttpSettings, IntegrationDraft, IntegrationService, IntegrationSettings,
    IntegrationView, SecretInput, SlackCredentialsInput, SlackSettings, WebhookCredentialsInput,
    WebhookSettings,
};
use neuroflow_model::entities::Integration;
use neuroflow_model::graph::{Graph, GraphEdge, GraphNode, Position};
use neuroflow_secrets::{KeychainStatus, SecretRef, SecretStore};
use neuroflow_store::local::ensure_local_identity;
use neuroflow_store::workflows::Actor;
use neuroflow_store::{Db, Store};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use uuid::Uuid;

/// Keychain entries of these tests live under their own service name, apart from the app's.
pub const TEST_SERVICE: &str = "dev.neuroflow.studio.integration-tests";

// ---------------------------------------------------------------- stand-in servers

/// One request as the stand-in server received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    /// Header names lowercased, in arrival order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("request body is JSON")
    }

    /// The `application/x-www-form-urlencoded` body as pairs.
    pub fn form(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(&self.body)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }

    pub fn form_value(&self, key: &str) -> Option<String> {
        self.form()
            .into_iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }
}

/// What the stand-in answers.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(status: u16, body: serde_json::Value) -> Self {
        Reply {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.to_string().into_bytes(),
        }
    }

    pub fn status(status: u16) -> Self {
        Reply {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

type Handler =
    Arc<dyn Fn(Recorded) -> Pin<Box<dyn Future<Output = Reply> + Send>> + Send + Sync + 'static>;

/// A tiny HTTP/1.1 server on 127.0.0.1 that records every request and answers with what the
/// test's handler returns (one request per connection, then `Connection: close`).
pub struct StandIn {
    pub addr: SocketAddr,
    requests: Arc<Mutex<Vec<Recorded>>>,
    accept: tokio::task::JoinHandle<()>,
}

impl StandIn {
    /// `handler` answers each request; it may inspect the app's state while the request waits.
    pub async fn start_async<F, Fut>(handler: F) -> StandIn
    where
        F: Fn(Recorded) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Reply> + Send + 'static,
    {
        let handler: Handler = Arc::new(move |request| Box::pin(handler(request)));
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let recorded = requests.clone();
        let accept = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let handler = handler.clone();
                let recorded = recorded.clone();
                tokio::spawn(async move {
                    serve_one(stream, handler, recorded).await;
                });
            }
        });
        StandIn {
            addr,
            requests,
            accept,
        }
    }

    pub async fn start<F>(handler: F) -> StandIn
    where
        F: Fn(&Recorded) -> Reply + Send + Sync + 'static,
    {
        let handler = Arc::new(handler);
        StandIn::start_async(move |request| {
            let handler = handler.clone();
            async move { handler(&request) }
        })
        .await
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().expect("requests").clone()
    }

    pub fn only_request(&self) -> Recorded {
        let requests = self.requests();
        assert_eq!(requests.len(), 1, "expected one request, got {requests:#?}");
        requests.into_iter().next().expect("one request")
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

async fn serve_one(mut stream: TcpStream, handler: Handler, recorded: Arc<Mutex<Vec<Recorded>>>) {
    let Some(request) = read_request(&mut stream).await else {
        return;
    };
    recorded.lock().expect("requests").push(request.clone());
    let reply = handler(request).await;
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Length: {}\r\nConnection: close\r\n",
        reply.status,
        reason(reply.status),
        reply.body.len()
    );
    for (name, value) in &reply.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(&reply.body).await;
    let _ = stream.shutdown().await;
}

async fn read_request(stream: &mut TcpStream) -> Option<Recorded> {
    let mut buffer = Vec::new();
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let target = request_line.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Recorded {
        method,
        target,
        headers,
        body,
    })
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// A 127.0.0.1 port nothing listens on (bound, then released).
pub async fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    listener.local_addr().expect("addr").port()
}

// ---------------------------------------------------------------- keychain

/// The keychain store, or a failure that says how to run these tests: they must never pass
/// without a real keychain (keyring's mock store would pass them vacuously).
pub fn keychain() -> SecretStore {
    let store = SecretStore::keychain_with_service(TEST_SERVICE);
    let status = store.probe();
    if status == KeychainStatus::Available {
        return store;
    }
    panic!(
        "the integration tests need a real, unlocked OS keychain and found {status:?}. Run them \
         through ./scripts/test.sh, or: dbus-run-session -- sh -c 'echo -n pw | \
         gnome-keyring-daemon --unlock --components=secrets >/dev/null; \
         cargo test -p neuroflow-integrations' (with XDG_DATA_HOME set to a scratch directory \
         before the daemon starts)"
    );
}

// ---------------------------------------------------------------- fixture

/// A fresh SQLite database (with its local identity) and a service over it. Dropping it
/// deletes the keychain entries of the integrations it watched (even after a failed
/// assertion) and the database folder.
pub struct Fixture {
    pub store: Store,
    pub db: Db,
    pub secrets: SecretStore,
    pub actor: Actor,
    pub dir: PathBuf,
    pub database_path: PathBuf,
    watched: Mutex<Vec<SecretRef>>,
    keep_dir: std::sync::atomic::AtomicBool,
}

impl Fixture {
    pub async fn new(secrets: SecretStore) -> Fixture {
        let dir = std::env::temp_dir().join(format!(
            "neuroflow-integrations-test-{}",
            Uuid::now_v7().simple()
        ));
        Fixture::in_dir(secrets, &dir).await
    }

    pub async fn in_dir(secrets: SecretStore, dir: &Path) -> Fixture {
        std::fs::create_dir_all(dir).expect("temp dir");
        let database_path = dir.join("neuroflow.db");
        let db = Db::open_sqlite(&database_path).await.expect("open sqlite");
        let identity = ensure_local_identity(&db).await.expect("local identity");
        Fixture {
            store: Store::new(db.clone(), identity.device),
            db,
            secrets,
            actor: Actor {
                organization_id: identity.organization_id,
                user_id: identity.user_id,
            },
            dir: dir.to_owned(),
            database_path,
            watched: Mutex::new(Vec::new()),
            keep_dir: std::sync::atomic::AtomicBool::new(false),
        }
    }

    pub fn service(&self) -> IntegrationService {
        IntegrationService::new(
            self.store.clone(),
            self.secrets.clone(),
            self.actor,
            ProviderHttp::new().expect("http client"),
        )
    }

    /// Creates through the service (which must succeed) and watches the keychain entry.
    pub async fn create(&self, draft: IntegrationDraft) -> IntegrationView {
        let view = self.service().create(draft).await.expect("create");
        self.watch(view.id);
        view
    }

    pub fn watch(&self, id: Uuid) {
        self.watched
            .lock()
            .expect("watched")
            .push(self.reference(id));
    }

    pub fn reference(&self, id: Uuid) -> SecretRef {
        SecretRef::integration(self.actor.organization_id, id)
    }

    /// The keychain entry's JSON, or `None` when there is none.
    pub fn keychain_entry(&self, id: Uuid) -> Option<serde_json::Value> {
        self.secrets
            .get(&self.reference(id))
            .expect("keychain read")
            .map(|secret| serde_json::from_str(secret.expose()).expect("entry is JSON"))
    }

    pub async fn row(&self, id: Uuid) -> Integration {
        self.store
            .get::<Integration>(Some(self.actor.organization_id), id)
            .await
            .expect("row")
    }

    /// Leaves the database folder in place when dropped (for a parent process to inspect).
    pub fn keep_dir(&self) {
        self.keep_dir
            .store(true, std::sync::atomic::Ordering::SeqCst);
    }

    /// Closes every connection (so SQLite may checkpoint and the files can go).
    pub async fn close(&self) {
        self.db.close().await;
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        for reference in self.watched.lock().expect("watched").iter() {
            let _ = self.secrets.delete(reference);
        }
        if !self.keep_dir.load(std::sync::atomic::Ordering::SeqCst) {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

// ---------------------------------------------------------------- drafts

pub fn slack_draft(name: &str, api_base: &str, token: Option<&str>) -> IntegrationDraft {
    IntegrationDraft {
        name: name.into(),
        settings: IntegrationSettings::Slack(SlackSettings {
            api_base_url: Some(api_base.into()),
            default_channel: Some("#alerts".into()),
        }),
        credentials: Some(CredentialsInput::Slack(SlackCredentialsInput {
            bot_token: token.map(SecretInput::new),
        })),
    }
}

pub struct GmailDraft<'a> {
    pub api_base: &'a str,
    pub token_endpoint: &'a str,
    pub email: Option<&'a str>,
    pub access_token: Option<&'a str>,
    pub refresh_token: Option<&'a str>,
    pub client_secret: Option<&'a str>,
}

pub fn gmail_draft(name: &str, g: GmailDraft<'_>) -> IntegrationDraft {
    IntegrationDraft {
        name: name.into(),
        settings: IntegrationSettings::Gmail(GmailSettings {
            email: g.email.map(str::to_owned),
            client_id: Some("client-123.apps.googleusercontent.com".into()),
            api_base_url: Some(g.api_base.into()),
            token_endpoint: Some(g.token_endpoint.into()),
        }),
        credentials: Some(CredentialsInput::Gmail(GmailCredentialsInput {
            access_token: g.access_token.map(SecretInput::new),
            refresh_token: g.refresh_token.map(SecretInput::new),
            client_secret: g.client_secret.map(SecretInput::new),
        })),
    }
}

pub fn webhook_draft(name: &str, url: &str, signing_secret: Option<&str>) -> IntegrationDraft {
    IntegrationDraft {
        name: name.into(),
        settings: IntegrationSettings::Webhook(WebhookSettings { url: url.into() }),
        credentials: Some(CredentialsInput::Webhook(WebhookCredentialsInput {
            signing_secret: signing_secret.map(SecretInput::new),
        })),
    }
}

pub fn http_settings(base_url: &str, auth: HttpAuthKind) -> IntegrationSettings {
    IntegrationSettings::Http(HttpSettings {
        base_url: base_url.into(),
        auth,
        username: Some("robot".into()),
        header_name: Some("X-API-Key".into()),
        test_path: "/health".into(),
    })
}

pub fn http_credentials(
    bearer: Option<&str>,
    password: Option<&str>,
    api_key: Option<&str>,
) -> Option<CredentialsInput> {
    Some(CredentialsInput::Http(HttpCredentialsInput {
        bearer_token: bearer.map(SecretInput::new),
        password: password.map(SecretInput::new),
        api_key: api_key.map(SecretInput::new),
    }))
}

// ---------------------------------------------------------------- workflow runs

/// An engine host as the desktop app would build one: integration calls go to the service;
/// these tests use no agents, blueprints or other credentials.
pub struct ServiceHost {
    pub service: IntegrationService,
}

impl EngineHost for ServiceHost {
    fn agent(&self, id: Uuid) -> HostFuture<'_, Result<AgentProfile, String>> {
        Box::pin(async move { Err(format!("AI agent {id} is not in this test")) })
    }

    fn blueprint(&self, id: Uuid) -> HostFuture<'_, Result<BlueprintGraph, String>> {
        Box::pin(async move { Err(format!("blueprint {id} is not in this test")) })
    }

    fn credential(
        &self,
        _request: CredentialRequest,
    ) -> HostFuture<'_, Result<Option<Secret>, String>> {
        Box::pin(async move { Ok(None) })
    }

    fn integration(
        &self,
        call: IntegrationCall,
    ) -> HostFuture<'_, Result<serde_json::Value, NodeError>> {
        Box::pin(answer_integration_call(&self.service, call))
    }
}

pub fn graph_node(kind: &str, label: &str, config: serde_json::Value) -> GraphNode {
    GraphNode {
        id: Uuid::now_v7(),
        kind: kind.into(),
        label: label.into(),
        position: Position { x: 0.0, y: 0.0 },
        config,
    }
}

pub fn graph_edge(from: &GraphNode, to: &GraphNode) -> GraphEdge {
    GraphEdge {
        id: Uuid::now_v7(),
        source: from.id,
        source_handle: None,
        target: to.id,
        target_handle: None,
    }
}

/// A manual trigger feeding each of `nodes`, run through `neuroflow_engine::run` with a
/// [`ServiceHost`]; gives the result and every event, in order.
pub async fn run_nodes(
    service: IntegrationService,
    nodes: &[&GraphNode],
    input: serde_json::Value,
) -> (RunResult, Vec<RunEvent>) {
    let trigger = graph_node("trigger.manual", "Start", serde_json::json!({}));
    let mut all = vec![trigger.clone()];
    all.extend(nodes.iter().map(|n| (*n).clone()));
    let edges = nodes.iter().map(|n| graph_edge(&trigger, n)).collect();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let result = neuroflow_engine::run(
        RunRequest {
            graph: Graph { nodes: all, edges },
            input,
            ..RunRequest::default()
        },
        Arc::new(ServiceHost { service }),
        Some(tx),
        CancelToken::new(),
    )
    .await
    .expect("the graph is valid");
    let mut events = Vec::new();
    while let Ok(event) = rx.try_recv() {
        events.push(event);
    }
    (result, events)
}

/// The `main` output items of a node in a run.
pub fn items_of(result: &RunResult, node: &GraphNode) -> Vec<serde_json::Value> {
    result
        .node(node.id)
        .and_then(|r| r.output.get("main"))
        .map(|items| items.iter().map(|v| v.to_json()).collect())
        .unwrap_or_default()
}
