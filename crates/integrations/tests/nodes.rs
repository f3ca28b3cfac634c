//! Workflow integration nodes run by the real engine (`neuroflow_engine::run`) with a host over the integration service, against stand-in servers: what each provider receives (auth header, Slack's JSON, the webhook's HMAC over the raw body, Gmail's RFC 2822 message), Gmail token refresh by expiry and after a 401, and which failures are retried (429 after its Retry-After, 5xx) or not (401).

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use chrono::Utc;
use common::*;
use hmac::{Hmac, Mac};
use neuroflow_engine::{NodeStatus, RunStatus};
use neuroflow_integrations::{HttpAuthKind, IntegrationDraft};
use serde_json::json;
use sha2::Sha256;

fn hmac_hex(key: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("hmac key");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// The headers (unfolded) and the decoded body of a Gmail `raw` message.
fn decode_message(raw: &str) -> (Vec<(String, String)>, String) {
    let bytes = URL_SAFE_NO_PAD
        .decode(raw.trim_end_matches('='))
        .expect("raw is base64url");
    let text = String::from_utf8(bytes).expect("the message is ASCII");
    let (head, body) = text
        .split_once("\r\n\r\n")
        .expect("headers, blank line, body");
    let headers = head
        .replace("\r\n ", " ")
        .split("\r\n")
        .filter_map(|line| line.split_once(": "))
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect();
    let body = STANDARD
        .decode(body.replace("\r\n", ""))
        .expect("the body is base64");
    (headers, String::from_utf8(body).expect("UTF-8 body"))
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn gmail_answer() -> Reply {
    Reply::json(
        200,
        json!({"id": "18c0ffee", "threadId": "18c0ffee", "labelIds": ["SENT"]}),
    )
}

const SEND_PATH: &str = "/gmail/v1/users/me/messages/send";

#[tokio::test(flavor = "multi_thread")]
async fn slack_nodes_post_the_message_json_with_the_bot_token() {
    let fx = Fixture::new(keychain()).await;
    let slack = StandIn::start(|r| {
        if r.header("authorization") != Some("Bearer xoxb-node-1") {
            return Reply::json(200, json!({"ok": false, "error": "invalid_auth"}));
        }
        let body = r.json();
        Reply::json(
            200,
            json!({"ok": true, "channel": body["channel"], "ts": "1700000000.000100",
                   "message": {"type": "message", "text": body["text"]}}),
        )
    })
    .await;
    let view = fx
        .create(slack_draft(
            "Team Slack",
            &slack.url("/api"),
            Some("xoxb-node-1"),
        ))
        .await;
    let post = graph_node(
        "integration.slack",
        "Tell the team",
        json!({"integrationId": view.id.to_string(), "channel": "{{ item.channel }}",
               "text": "Order {{ item.n }} shipped", "threadTs": "{{ item.thread }}"}),
    );
    let (result, events) = run_nodes(
        fx.service(),
        &[&post],
        json!([{"channel": "C0TEAM", "n": 7, "thread": "1699999999.000001"}, {"n": 8}]),
    )
    .await;
    assert_eq!(result.status, RunStatus::Completed, "{:?}", result.error);

    let requests = slack.requests();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(request.method, "POST");
        assert_eq!(request.target, "/api/chat.postMessage");
        assert_eq!(request.header("authorization"), Some("Bearer xoxb-node-1"));
        assert!(request
            .header("content-type")
            .is_some_and(|ct| ct.starts_with("application/json")));
    }
    assert_eq!(
        requests[0].json(),
        json!({"channel": "C0TEAM", "text": "Order 7 shipped", "thread_ts": "1699999999.000001"})
    );
    // No channel on the item: the integration's default channel, and no thread.
    assert_eq!(
        requests[1].json(),
        json!({"channel": "#alerts", "text": "Order 8 shipped"})
    );
    let items = items_of(&result, &post);
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["ts"], "1700000000.000100");
    assert_eq!(items[0]["channel"], "C0TEAM");
    assert_eq!(items[1]["channel"], "#alerts");
    assert!(events.iter().any(|e| matches!(e,
        neuroflow_engine::RunEvent::NodeLog { message, .. } if message == "Slack chat.postMessage to C0TEAM")));
    fx.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn slack_errors_in_a_200_answer_fail_the_node_in_words_without_a_retry() {
    let fx = Fixture::new(keychain()).await;
    let slack =
        StandIn::start(|_| Reply::json(200, json!({"ok": false, "error": "channel_not_found"})))
            .await;
    let view = fx
        .create(slack_draft(
            "Slack",
            &slack.url("/api"),
            Some("xoxb-node-2"),
        ))
        .await;
    let post = graph_node(
        "integration.slack",
        "Post",
        json!({"integrationId": view.id.to_string(), "channel": "#gone", "text": "hi",
               "retries": 3, "retryDelayMs": 1}),
    );
    let (result, _) = run_nodes(fx.service(), &[&post], json!({})).await;
    assert_eq!(result.status, RunStatus::Failed);
    assert_eq!(slack.requests().len(), 1, "not retried");
    let error = result.error.unwrap_or_default();
    assert!(
        error.contains("Slack: channel_not_found: no such channel"),
        "{error}"
    );
    fx.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn webhook_nodes_post_the_item_signed_over_the_raw_body() {
    let fx = Fixture::new(keychain()).await;
    let hook = StandIn::start(|r| {
        if r.target == "/signed" {
            Reply::json(200, json!({"received": true}))
        } else {
            Reply::status(204)
        }
    })
    .await;
    let signed = fx
        .create(webhook_draft(
            "Signed hook",
            &hook.url("/signed"),
            Some("whsec-node"),
        ))
        .await;
    let unsigned = fx
        .create(webhook_draft("Open hook", &hook.url("/open"), None))
        .await;
    let item_post = graph_node(
        "integration.webhook",
        "Forward",
        json!({"integrationId": signed.id.to_string()}),
    );
    let shaped_post = graph_node(
        "integration.webhook",
        "Notify",
        json!({"integrationId": unsigned.id.to_string(),
               "body": {"text": "order {{ item.order }} for {{ item.who }}"}}),
    );
    let (result, _) = run_nodes(
        fx.service(),
        &[&item_post, &shaped_post],
        json!({"order": 7, "who": "Ada"}),
    )
    .await;
    assert_eq!(result.status, RunStatus::Completed, "{:?}", result.error);

    let requests = hook.requests();
    let to_signed = requests
        .iter()
        .find(|r| r.target == "/signed")
        .expect("signed POST");
    assert_eq!(to_signed.method, "POST");
    assert_eq!(to_signed.json(), json!({"order": 7, "who": "Ada"}));
    assert_eq!(
        to_signed.header("x-neuroflow-signature"),
        Some(format!("sha256={}", hmac_hex("whsec-node", &to_signed.body)).as_str())
    );
    assert_eq!(to_signed.header("x-neuroflow-event"), Some("workflow.item"));
    assert!(to_signed.header("x-neuroflow-timestamp").is_some());
    let to_open = requests
        .iter()
        .find(|r| r.target == "/open")
        .expect("unsigned POST");
    assert_eq!(to_open.json(), json!({"text": "order 7 for Ada"}));
    assert_eq!(to_open.header("x-neuroflow-signature"), None);

    assert_eq!(
        items_of(&result, &item_post),
        [json!({"status": 200, "body": {"received": true}})]
    );
    assert_eq!(
        items_of(&result, &shaped_post),
        [json!({"status": 204, "body": null})]
    );
    fx.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn gmail_nodes_send_an_rfc_2822_message_as_base64url_raw() {
    let fx = Fixture::new(keychain()).await;
    let google = StandIn::start(|r| {
        if r.target == SEND_PATH && r.header("authorization") == Some("Bearer ya29-valid") {
            gmail_answer()
        } else {
            Reply::status(401)
        }
    })
    .await;
    let view = fx
        .create(gmail_draft(
            "Ops mailbox",
            GmailDraft {
                api_base: &google.url(""),
                token_endpoint: &google.url("/token"),
                email: Some("ops@example.com"),
                access_token: Some("ya29-valid"),
                refresh_token: None,
                client_secret: None,
            },
        ))
        .await;
    let send = graph_node(
        "integration.gmail",
        "Confirm",
        json!({"integrationId": view.id.to_string(), "to": "{{ item.email }}, boss@example.com",
               "cc": ["audit@example.com"], "subject": "Order {{ item.n }} confirmed",
               "body": "Dear {{ item.name }},\nyour order is on its way.\n— Ops"}),
    );
    let (result, _) = run_nodes(
        fx.service(),
        &[&send],
        json!({"email": "ada@example.com", "n": 7, "name": "Ada"}),
    )
    .await;
    assert_eq!(result.status, RunStatus::Completed, "{:?}", result.error);
    assert_eq!(
        items_of(&result, &send),
        [json!({"id": "18c0ffee", "threadId": "18c0ffee", "labelIds": ["SENT"]})]
    );

    let request = google.only_request();
    assert_eq!(request.method, "POST");
    assert_eq!(request.target, SEND_PATH);
    let raw = request.json()["raw"]
        .as_str()
        .expect("raw is a string")
        .to_owned();
    assert!(
        !raw.contains('+') && !raw.contains('/'),
        "base64url, not base64"
    );
    let (headers, body) = decode_message(&raw);
    assert_eq!(header(&headers, "From"), Some("ops@example.com"));
    assert_eq!(
        header(&headers, "To"),
        Some("ada@example.com, boss@example.com")
    );
    assert_eq!(header(&headers, "Cc"), Some("audit@example.com"));
    assert_eq!(header(&headers, "Subject"), Some("Order 7 confirmed"));
    assert_eq!(
        header(&headers, "Content-Type"),
        Some("text/plain; charset=UTF-8")
    );
    assert!(header(&headers, "Date").is_some());
    assert_eq!(body, "Dear Ada,\r\nyour order is on its way.\r\n— Ops");
    fx.close().await;
}

/// A Google stand-in: the token endpoint hands out `ya29-fresh`, and only that token may send.
async fn google_refreshing() -> StandIn {
    StandIn::start(|r| match r.target.as_str() {
        "/token" => Reply::json(
            200,
            json!({"access_token": "ya29-fresh", "expires_in": 3600, "scope": "https://www.googleapis.com/auth/gmail.send"}),
        ),
        SEND_PATH if r.header("authorization") == Some("Bearer ya29-fresh") => gmail_answer(),
        _ => Reply::json(
            401,
            json!({"error": {"code": 401, "message": "Request had invalid authentication credentials.", "status": "UNAUTHENTICATED"}}),
        ),
    })
    .await
}

fn refreshable(google: &StandIn) -> IntegrationDraft {
    gmail_draft(
        "Refreshing mailbox",
        GmailDraft {
            api_base: &google.url(""),
            token_endpoint: &google.url("/token"),
            email: None,
            access_token: Some("ya29-old"),
            refresh_token: Some("1//refresh-node"),
            client_secret: Some("GOCSPX-node"),
        },
    )
}

fn gmail_send(integration: uuid::Uuid) -> neuroflow_model::graph::GraphNode {
    graph_node(
        "integration.gmail",
        "Send",
        json!({"integrationId": integration.to_string(), "to": "ada@example.com",
               "subject": "Hello", "body": "Hi"}),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn gmail_refreshes_a_token_past_its_recorded_expiry_before_sending() {
    let fx = Fixture::new(keychain()).await;
    let google = google_refreshing().await;
    let view = fx.create(refreshable(&google)).await;
    let mut row = fx.row(view.id).await;
    row.credential_expires_at = Some(Utc::now() - chrono::Duration::minutes(5));
    fx.store.update(&row).await.expect("record an expiry");
    let fingerprint_before = fx.row(view.id).await.credential_fingerprint;

    let send = gmail_send(view.id);
    let (result, _) = run_nodes(fx.service(), &[&send], json!({})).await;
    assert_eq!(result.status, RunStatus::Completed, "{:?}", result.error);

    // The expired token is never sent: refresh first, then the send with the new token.
    let targets: Vec<String> = google.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(targets, ["/token", SEND_PATH]);
    let grant = &google.requests()[0];
    assert_eq!(
        grant.form_value("grant_type").as_deref(),
        Some("refresh_token")
    );
    assert_eq!(
        grant.form_value("refresh_token").as_deref(),
        Some("1//refresh-node")
    );

    let entry = fx.keychain_entry(view.id).expect("entry");
    assert_eq!(entry["fields"]["accessToken"], "ya29-fresh");
    assert_eq!(entry["fields"]["refreshToken"], "1//refresh-node");
    let row = fx.row(view.id).await;
    assert_ne!(row.credential_fingerprint, fingerprint_before);
    let saved = fx
        .secrets
        .get(&fx.reference(view.id))
        .expect("read")
        .expect("saved");
    assert_eq!(row.credential_fingerprint, Some(saved.fingerprint()));
    assert!(row
        .credential_expires_at
        .is_some_and(|at| at > Utc::now() + chrono::Duration::minutes(30)));
    assert_eq!(
        row.scopes,
        json!(["https://www.googleapis.com/auth/gmail.send"])
    );
    fx.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn gmail_refreshes_once_after_a_401_and_sends_again() {
    let fx = Fixture::new(keychain()).await;
    let google = google_refreshing().await;
    let view = fx.create(refreshable(&google)).await;
    let send = gmail_send(view.id);
    let (result, _) = run_nodes(fx.service(), &[&send], json!({})).await;
    assert_eq!(result.status, RunStatus::Completed, "{:?}", result.error);
    let sent: Vec<(String, Option<String>)> = google
        .requests()
        .into_iter()
        .map(|r| {
            let auth = r.header("authorization").map(str::to_owned);
            (r.target, auth)
        })
        .collect();
    assert_eq!(
        sent,
        [
            (SEND_PATH.to_owned(), Some("Bearer ya29-old".to_owned())),
            ("/token".to_owned(), None),
            (SEND_PATH.to_owned(), Some("Bearer ya29-fresh".to_owned())),
        ]
    );
    assert_eq!(
        fx.keychain_entry(view.id).expect("entry")["fields"]["accessToken"],
        "ya29-fresh"
    );
    assert!(fx.row(view.id).await.credential_expires_at.is_some());

    // A token the service keeps refusing after a refresh fails, once, without a loop.
    let stubborn = StandIn::start(|r| match r.target.as_str() {
        "/token" => Reply::json(200, json!({"access_token": "ya29-also-refused"})),
        _ => Reply::status(401),
    })
    .await;
    let view = fx.create(refreshable(&stubborn)).await;
    let send = gmail_send(view.id);
    let (result, _) = run_nodes(fx.service(), &[&send], json!({})).await;
    assert_eq!(result.status, RunStatus::Failed);
    assert_eq!(stubborn.requests().len(), 3);
    let error = result.error.unwrap_or_default();
    assert!(
        error.contains("Gmail: the credentials were rejected"),
        "{error}"
    );
    fx.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn rejected_credentials_fail_the_node_without_a_retry() {
    let fx = Fixture::new(keychain()).await;
    let api = StandIn::start(|_| Reply::json(401, json!({"error": "bad token"}))).await;
    let view = fx
        .create(IntegrationDraft {
            name: "CRM".into(),
            settings: http_settings(&api.url(""), HttpAuthKind::Bearer),
            credentials: http_credentials(Some("tok-rejected"), None, None),
        })
        .await;
    let call = graph_node(
        "integration.http",
        "Fetch",
        json!({"integrationId": view.id.to_string(), "method": "GET", "path": "/v1/me",
               "retries": 3, "retryDelayMs": 1}),
    );
    let (result, _) = run_nodes(fx.service(), &[&call], json!({})).await;
    assert_eq!(result.status, RunStatus::Failed);
    assert_eq!(api.requests().len(), 1, "a 401 is not retried");
    let node = result.node(call.id).expect("ran");
    assert_eq!(node.attempts, 1);
    assert!(
        node.logs.iter().any(|l| l.contains("not retried")),
        "{:?}",
        node.logs
    );
    let error = result.error.unwrap_or_default();
    assert!(
        error.contains("The HTTP service: the credentials were rejected (HTTP 401)"),
        "{error}"
    );
    fx.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_429_is_retried_after_its_retry_after_and_then_succeeds() {
    let fx = Fixture::new(keychain()).await;
    let arrivals = Arc::new(Mutex::new(Vec::new()));
    let seen = arrivals.clone();
    let slack = StandIn::start(move |_| {
        let mut at = seen.lock().expect("arrivals");
        at.push(Instant::now());
        if at.len() == 1 {
            Reply::json(429, json!({"ok": false, "error": "ratelimited"}))
                .with_header("Retry-After", "1")
        } else {
            Reply::json(200, json!({"ok": true, "channel": "C1", "ts": "1.2"}))
        }
    })
    .await;
    let view = fx
        .create(slack_draft(
            "Busy Slack",
            &slack.url("/api"),
            Some("xoxb-busy"),
        ))
        .await;
    let post = graph_node(
        "integration.slack",
        "Post",
        json!({"integrationId": view.id.to_string(), "text": "hi", "retries": 2, "retryDelayMs": 1}),
    );
    let (result, _) = run_nodes(fx.service(), &[&post], json!({})).await;
    assert_eq!(result.status, RunStatus::Completed, "{:?}", result.error);
    let node = result.node(post.id).expect("ran");
    assert_eq!(node.attempts, 2);
    assert!(
        node.logs[0].contains("retry after 1 s (Retry-After)")
            && node.logs[0].contains("retrying in 1000 ms"),
        "{:?}",
        node.logs
    );
    let at = arrivals.lock().expect("arrivals").clone();
    assert_eq!(at.len(), 2);
    assert!(
        at[1].duration_since(at[0]) >= Duration::from_secs(1),
        "the retry came {:?} after the 429",
        at[1].duration_since(at[0])
    );
    assert_eq!(items_of(&result, &post)[0]["ts"], "1.2");
    fx.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn server_failures_are_retried_and_items_already_sent_are_not_sent_again() {
    let fx = Fixture::new(keychain()).await;
    let calls = Arc::new(Mutex::new(0usize));
    let counter = calls.clone();
    // The second POST and its first retry meet a failing server.
    let hook = StandIn::start(move |_| {
        let mut n = counter.lock().expect("count");
        *n += 1;
        if *n == 2 || *n == 3 {
            Reply::status(503)
        } else {
            Reply::status(204)
        }
    })
    .await;
    let view = fx
        .create(webhook_draft(
            "Flaky hook",
            &hook.url("/in"),
            Some("whsec-flaky"),
        ))
        .await;
    let post = graph_node(
        "integration.webhook",
        "Forward",
        json!({"integrationId": view.id.to_string(), "retries": 3, "retryDelayMs": 1}),
    );
    let (result, _) = run_nodes(
        fx.service(),
        &[&post],
        json!([{"n": 1}, {"n": 2}, {"n": 3}]),
    )
    .await;
    assert_eq!(result.status, RunStatus::Completed, "{:?}", result.error);
    let bodies: Vec<serde_json::Value> = hook.requests().iter().map(|r| r.json()).collect();
    assert_eq!(
        bodies,
        [
            json!({"n": 1}),
            json!({"n": 2}),
            json!({"n": 2}),
            json!({"n": 2}),
            json!({"n": 3})
        ]
    );
    let node = result.node(post.id).expect("ran");
    assert_eq!(node.status, NodeStatus::Succeeded);
    assert_eq!(node.attempts, 3);
    assert_eq!(items_of(&result, &post).len(), 3);
    fx.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn http_nodes_call_under_the_base_url_with_its_auth_and_echoes_are_scrubbed() {
    let fx = Fixture::new(keychain()).await;
    let api = StandIn::start(|r| {
        Reply::json(
            201,
            json!({"target": r.target, "sawKey": r.header("x-api-key"), "trace": r.header("x-trace"),
                   "sawAuth": r.header("authorization"), "body": r.body_text()}),
        )
    })
    .await;
    let keyed = fx
        .create(IntegrationDraft {
            name: "Keyed API".into(),
            settings: http_settings(&api.url("/api"), HttpAuthKind::ApiKey),
            credentials: http_credentials(None, None, Some("key-node-1")),
        })
        .await;
    let basic = fx
        .create(IntegrationDraft {
            name: "Basic API".into(),
            settings: http_settings(&api.url("/api"), HttpAuthKind::Basic),
            credentials: http_credentials(None, Some("pw-node-1"), None),
        })
        .await;
    let create = graph_node(
        "integration.http",
        "Create",
        json!({"integrationId": keyed.id.to_string(), "method": "POST", "path": "/v1/orders/{{ item.n }}",
               "query": {"dry": "{{ item.dry }}"}, "headers": {"X-Trace": "t-{{ item.n }}"},
               "body": {"total": "{{ item.total }}"}}),
    );
    let fetch = graph_node(
        "integration.http",
        "Fetch",
        json!({"integrationId": basic.id.to_string(), "method": "GET", "path": "/v1/me"}),
    );
    let (result, _) = run_nodes(
        fx.service(),
        &[&create, &fetch],
        json!({"n": 7, "dry": true, "total": 12.5}),
    )
    .await;
    assert_eq!(result.status, RunStatus::Completed, "{:?}", result.error);

    let requests = api.requests();
    let post = requests
        .iter()
        .find(|r| r.method == "POST")
        .expect("the POST");
    assert_eq!(post.target, "/api/v1/orders/7?dry=true");
    assert_eq!(post.header("x-api-key"), Some("key-node-1"));
    assert_eq!(post.header("x-trace"), Some("t-7"));
    assert_eq!(post.json(), json!({"total": 12.5}));
    let get = requests
        .iter()
        .find(|r| r.method == "GET")
        .expect("the GET");
    let basic_value = format!("Basic {}", STANDARD.encode("robot:pw-node-1"));
    assert_eq!(get.header("authorization"), Some(basic_value.as_str()));

    // The stand-in echoed the credentials back; the outputs hold none of them.
    let created = &items_of(&result, &create)[0];
    assert_eq!(created["status"], 201);
    assert_eq!(created["body"]["sawKey"], "***");
    assert_eq!(created["body"]["trace"], "t-7");
    assert_eq!(created["headers"]["content-type"], "application/json");
    let fetched = &items_of(&result, &fetch)[0];
    assert_eq!(fetched["body"]["sawAuth"], "Basic ***");
    let outputs = serde_json::to_string(&result.nodes).expect("json");
    assert!(!outputs.contains("key-node-1") && !outputs.contains("pw-node-1"));
    assert!(!outputs.contains(&STANDARD.encode("robot:pw-node-1")));

    // A path that leaves the base URL is refused before any request.
    let before = api.requests().len();
    for path in ["/../admin", "@evil.example/steal"] {
        let escape = graph_node(
            "integration.http",
            "Escape",
            json!({"integrationId": keyed.id.to_string(), "method": "GET", "path": path}),
        );
        let (result, _) = run_nodes(fx.service(), &[&escape], json!({})).await;
        assert_eq!(result.status, RunStatus::Failed, "{path}");
    }
    assert_eq!(api.requests().len(), before);
    fx.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_node_naming_another_providers_integration_or_none_fails_clearly() {
    let fx = Fixture::new(keychain()).await;
    let hook = StandIn::start(|_| Reply::status(204)).await;
    let webhook = fx
        .create(webhook_draft("A hook", &hook.url("/in"), None))
        .await;
    let wrong = graph_node(
        "integration.slack",
        "Wrong kind",
        json!({"integrationId": webhook.id.to_string(), "text": "hi"}),
    );
    let (result, _) = run_nodes(fx.service(), &[&wrong], json!({})).await;
    let error = result.error.unwrap_or_default();
    assert!(
        error.contains("“A hook” is a webhook integration; this node needs a Slack one"),
        "{error}"
    );
    let missing = graph_node(
        "integration.webhook",
        "Gone",
        json!({"integrationId": uuid::Uuid::now_v7().to_string()}),
    );
    let (result, _) = run_nodes(fx.service(), &[&missing], json!({})).await;
    let error = result.error.unwrap_or_default();
    assert!(error.contains("does not exist"), "{error}");
    assert!(hook.requests().is_empty());
    fx.close().await;
}
