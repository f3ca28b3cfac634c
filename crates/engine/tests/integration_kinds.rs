//! The integration kinds in the engine, with a test host answering their calls: one call per
//! item with the config templated over it, validation of their config, a host without
//! integrations, and retries that resume after the items already sent.

mod common;

use std::sync::Arc;

use common::*;
use neuroflow_engine::*;
use neuroflow_model::IntegrationProvider;
use serde_json::{json, Value as Json};
use uuid::Uuid;

const INTEGRATION: &str = "0190a000-0000-7000-8000-00000000abcd";

fn integration_id() -> Uuid {
    INTEGRATION.parse().expect("uuid")
}

fn answering(
    answer: impl Fn(&IntegrationCall, usize) -> Result<Json, NodeError> + Send + Sync + 'static,
) -> TestHost {
    TestHost {
        integrations: Some(Box::new(answer)),
        ..TestHost::default()
    }
}

async fn run_node(host: Arc<TestHost>, kind: &str, config: Json, input: Json) -> (RunResult, Uuid) {
    let t = manual();
    let n = node(kind, "Integration", config);
    let (r, _) = run_with(
        request(graph(&[&t, &n], vec![edge(&t, &n)]), input),
        host.clone(),
    )
    .await;
    (r, n.id)
}

fn calls(host: &TestHost) -> Vec<IntegrationCall> {
    host.integration_calls.lock().expect("calls").clone()
}

#[tokio::test]
async fn slack_posts_once_per_item_with_its_templates_rendered() {
    let host = Arc::new(answering(|call, n| {
        assert_eq!(call.provider(), IntegrationProvider::Slack);
        Ok(json!({"ok": true, "channel": "C0123", "ts": format!("1700000000.00000{n}")}))
    }));
    let (r, id) = run_node(
        host.clone(),
        "integration.slack",
        json!({"integrationId": INTEGRATION, "channel": "#{{ item.team }}",
               "text": "Hello {{ item.name }}", "threadTs": "{{ item.thread }}"}),
        json!([{"name": "Ada", "team": "eng", "thread": "1.5"}, {"name": "Bob", "team": "ops"}]),
    )
    .await;
    assert_eq!(r.status, RunStatus::Completed, "{:?}", r.error);
    let calls = calls(&host);
    assert_eq!(calls.len(), 2);
    assert!(calls
        .iter()
        .all(|c| c.node_id == id && c.integration_id == integration_id()));
    assert_eq!(
        calls[0].action,
        IntegrationAction::SlackPostMessage {
            channel: Some("#eng".into()),
            text: "Hello Ada".into(),
            thread_ts: Some("1.5".into()),
        }
    );
    assert_eq!(
        calls[1].action,
        IntegrationAction::SlackPostMessage {
            channel: Some("#ops".into()),
            text: "Hello Bob".into(),
            thread_ts: None,
        }
    );
    let out = r.node(id).expect("ran").output["main"].to_vec();
    assert_eq!(out[0]["ts"], "1700000000.000000");
    assert_eq!(out[1]["ts"], "1700000000.000001");
}

#[tokio::test]
async fn gmail_webhook_and_http_build_their_actions_from_the_item() {
    let host = Arc::new(answering(|call, _| {
        Ok(match &call.action {
            IntegrationAction::GmailSend { .. } => json!({"id": "m1", "threadId": "t1"}),
            _ => json!({"status": 200, "body": null}),
        })
    }));
    let (r, _) = run_node(
        host.clone(),
        "integration.gmail",
        json!({"integrationId": INTEGRATION, "to": "{{ item.email }}, boss@example.com",
               "cc": ["{{ item.cc }}"], "subject": "Order {{ item.n }}", "body": "Total: {{ item.total }} €"}),
        json!({"email": "ada@example.com", "cc": "audit@example.com", "n": 7, "total": 12.5}),
    )
    .await;
    assert_eq!(r.status, RunStatus::Completed, "{:?}", r.error);
    assert_eq!(
        calls(&host)[0].action,
        IntegrationAction::GmailSend {
            to: vec!["ada@example.com".into(), "boss@example.com".into()],
            cc: vec!["audit@example.com".into()],
            subject: "Order 7".into(),
            body: "Total: 12.5 €".into(),
        }
    );

    // The webhook posts the item itself, or its templated body.
    let host = Arc::new(answering(|_, _| Ok(json!({"status": 202, "body": null}))));
    run_node(
        host.clone(),
        "integration.webhook",
        json!({"integrationId": INTEGRATION}),
        json!({"order": 7}),
    )
    .await;
    run_node(
        host.clone(),
        "integration.webhook",
        json!({"integrationId": INTEGRATION, "body": {"id": "{{ item.order }}", "kind": "order"}}),
        json!({"order": 7}),
    )
    .await;
    let posted: Vec<IntegrationAction> = calls(&host).into_iter().map(|c| c.action).collect();
    assert_eq!(
        posted,
        [
            IntegrationAction::WebhookPost {
                body: json!({"order": 7})
            },
            IntegrationAction::WebhookPost {
                body: json!({"id": 7, "kind": "order"})
            },
        ]
    );

    let host = Arc::new(answering(|_, _| {
        Ok(json!({"status": 201, "headers": {}, "body": {"id": 1}}))
    }));
    let (r, id) = run_node(
        host.clone(),
        "integration.http",
        json!({"integrationId": INTEGRATION, "method": "POST", "path": "/v1/orders/{{ item.n }}",
               "query": {"dry": "{{ item.dry }}"}, "headers": {"X-Trace": "t-{{ item.n }}"},
               "body": {"total": "{{ item.total }}"}, "maxResponseBytes": 4096}),
        json!({"n": 7, "dry": false, "total": 12.5}),
    )
    .await;
    assert_eq!(r.status, RunStatus::Completed, "{:?}", r.error);
    assert_eq!(
        calls(&host)[0].action,
        IntegrationAction::HttpRequest(HttpAction {
            method: "POST".into(),
            path: "/v1/orders/7".into(),
            query: vec![("dry".into(), "false".into())],
            headers: vec![("X-Trace".into(), "t-7".into())],
            body: Some(json!({"total": 12.5})),
            fail_on_status: true,
            max_response_bytes: 4096,
        })
    );
    assert!(r
        .node(id)
        .expect("ran")
        .logs
        .iter()
        .any(|l| l == "POST /v1/orders/7 → 201"));
}

#[test]
fn validation_names_missing_and_malformed_integration_config_per_node() {
    for (kind, required) in [
        ("integration.slack", vec!["integrationId", "text"]),
        (
            "integration.gmail",
            vec!["integrationId", "to", "subject", "body"],
        ),
        ("integration.webhook", vec!["integrationId"]),
        ("integration.http", vec!["integrationId", "method", "path"]),
    ] {
        let t = manual();
        let empty = node(kind, "Empty", json!({}));
        let bad = node(kind, "Bad id", json!({"integrationId": "not-a-uuid"}));
        let diags = validate(&graph(
            &[&t, &empty, &bad],
            vec![edge(&t, &empty), edge(&t, &bad)],
        ));
        for key in &required {
            assert!(
                diags.iter().any(|d| d.code == DiagnosticCode::MissingConfig
                    && d.node_id == Some(empty.id)
                    && d.message.contains(&format!("'{key}' is required"))),
                "{kind} {key}: {diags:?}"
            );
        }
        assert!(
            diags.iter().any(|d| d.code == DiagnosticCode::InvalidConfig
                && d.node_id == Some(bad.id)
                && d.message.contains("is not an id")),
            "{kind}: {diags:?}"
        );
        assert!(
            !diags.iter().any(|d| d.code == DiagnosticCode::NotAvailable),
            "{kind}: {diags:?}"
        );
    }
    let t = manual();
    let trace = node(
        "integration.http",
        "Trace",
        json!({"integrationId": INTEGRATION, "method": "TRACE", "path": "/"}),
    );
    let diags = validate(&graph(&[&t, &trace], vec![edge(&t, &trace)]));
    assert!(
        diags
            .iter()
            .any(|d| d.code == DiagnosticCode::InvalidConfig && d.message.contains("'method'")),
        "{diags:?}"
    );
    let schema = catalog()
        .into_iter()
        .find(|k| k.kind == "integration.http")
        .expect("in the catalog")
        .config_schema;
    assert_eq!(schema["properties"]["integrationId"]["format"], "uuid");
    assert_eq!(
        schema["required"],
        json!(["integrationId", "method", "path"])
    );
}

#[tokio::test]
async fn a_host_without_integrations_refuses_them_in_one_line_without_retrying() {
    let t = manual();
    let n = node(
        "integration.webhook",
        "Hook",
        json!({"integrationId": INTEGRATION, "retries": 3, "retryDelayMs": 1}),
    );
    let r = run_graph(graph(&[&t, &n], vec![edge(&t, &n)]), json!({})).await;
    assert_eq!(r.status, RunStatus::Failed);
    let error = r.error.unwrap_or_default();
    assert!(
        error.contains("integrations run in the desktop app"),
        "{error}"
    );
    assert!(
        error.contains(INTEGRATION) && !error.contains('\n'),
        "{error}"
    );
    assert_eq!(
        r.nodes
            .iter()
            .find(|n2| n2.node_id == n.id)
            .expect("ran")
            .attempts,
        1
    );
}

#[tokio::test]
async fn a_retry_resumes_after_the_items_already_sent() {
    // The second item's first call fails the way a 503 does; everything else succeeds.
    let host = Arc::new(answering(|call, n| {
        if n == 1 {
            return Err(NodeError::new(
                "Slack: the service failed (HTTP 503); try again later",
            ));
        }
        let IntegrationAction::SlackPostMessage { text, .. } = &call.action else {
            panic!("a Slack call");
        };
        Ok(json!({"ok": true, "ts": text}))
    }));
    let (r, id) = run_node(
        host.clone(),
        "integration.slack",
        json!({"integrationId": INTEGRATION, "text": "{{ item.n }}", "retries": 2, "retryDelayMs": 1}),
        json!([{"n": 1}, {"n": 2}, {"n": 3}]),
    )
    .await;
    assert_eq!(r.status, RunStatus::Completed, "{:?}", r.error);
    let texts: Vec<String> = calls(&host)
        .into_iter()
        .map(|c| match c.action {
            IntegrationAction::SlackPostMessage { text, .. } => text,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(texts, ["1", "2", "2", "3"], "item 1 is not posted twice");
    let result = r.node(id).expect("ran");
    assert_eq!(result.attempts, 2);
    let out: Vec<Json> = result.output["main"].iter().map(|v| v.to_json()).collect();
    assert_eq!(
        out,
        [
            json!({"ok": true, "ts": "1"}),
            json!({"ok": true, "ts": "2"}),
            json!({"ok": true, "ts": "3"})
        ]
    );
}

#[tokio::test]
async fn a_permanent_host_failure_is_not_retried_and_a_bad_path_never_calls() {
    let host = Arc::new(answering(|_, _| {
        Err(NodeError::permanent(
            "Slack: the credentials were rejected (invalid_auth)",
        ))
    }));
    let (r, id) = run_node(
        host.clone(),
        "integration.slack",
        json!({"integrationId": INTEGRATION, "text": "hi", "retries": 3, "retryDelayMs": 1}),
        json!({}),
    )
    .await;
    assert_eq!(r.status, RunStatus::Failed);
    assert_eq!(calls(&host).len(), 1);
    assert_eq!(r.node(id).expect("ran").attempts, 1);

    let host = Arc::new(answering(|_, _| Ok(json!({"status": 200}))));
    let (r, _) = run_node(
        host.clone(),
        "integration.http",
        json!({"integrationId": INTEGRATION, "method": "GET", "path": "{{ item.where }}", "retries": 2}),
        json!({"where": "https://elsewhere.example/steal"}),
    )
    .await;
    assert_eq!(r.status, RunStatus::Failed);
    assert!(r.error.unwrap_or_default().contains("must start with /"));
    assert!(calls(&host).is_empty());
}
