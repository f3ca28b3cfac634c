//! Every node kind, run through the engine as a person's graph would use it.

mod common;

use std::collections::HashMap;
use std::sync::Arc;

use common::*;
use neuroflow_engine::*;
use serde_json::json;
use uuid::Uuid;

#[tokio::test]
async fn triggers_emit_the_run_input_as_items() {
    for (kind, config) in [
        ("trigger.manual", json!({})),
        ("trigger.webhook", json!({"path": "/hook"})),
        ("trigger.schedule", json!({"cron": "*/5 * * * *"})),
        ("blueprint.input", json!({})),
    ] {
        let t = node(kind, "T", config);
        let o = node("output", "Out", json!({}));
        let r = run_graph(
            graph(&[&t, &o], vec![edge(&t, &o)]),
            json!([{"a": 1}, {"a": 2}]),
        )
        .await;
        assert_eq!(r.status, RunStatus::Completed, "{kind}: {:?}", r.error);
        assert_eq!(r.output, json!([{"a": 1}, {"a": 2}]), "{kind}");
    }
}

#[tokio::test]
async fn only_the_chosen_trigger_fires() {
    let a = manual();
    let b = node("trigger.webhook", "Hook", json!({"path": "/x"}));
    let sa = set("A", json!({"from": "a"}));
    let sb = set("B", json!({"from": "b"}));
    let g = graph(&[&a, &b, &sa, &sb], vec![edge(&a, &sa), edge(&b, &sb)]);
    let req = RunRequest {
        trigger: Some(b.id),
        ..request(g, json!({}))
    };
    let (r, _) = run_with(req, Arc::new(NoHost)).await;
    assert_eq!(status(&r, &a), Some(NodeStatus::Skipped));
    assert_eq!(status(&r, &sa), Some(NodeStatus::Skipped));
    assert_eq!(out(&r, &sb, "main"), vec![json!({"from": "b"})]);
}

#[tokio::test]
async fn set_fields_takes_literals_templates_and_dotted_paths() {
    let t = manual();
    let s = set(
        "Set",
        json!({
            "greeting": "Hello {{ item.name }}",
            "next": "{{ item.n + 1 }}",
            "meta.source": "cli",
            "meta.index": "{{ index }}",
            "fromInput": "{{ input.tag }}",
        }),
    );
    let only = node(
        "data.set",
        "Only",
        json!({"fields": {"x": 1}, "keepOnlySet": true}),
    );
    let g = graph(&[&t, &s, &only], vec![edge(&t, &s), edge(&s, &only)]);
    let r = run_graph(g, json!({"name": "Ada", "n": 41, "tag": "t1"})).await;
    assert_eq!(
        out(&r, &s, "main"),
        vec![
            json!({"name": "Ada", "n": 41, "tag": "t1", "greeting": "Hello Ada", "next": 42,
                    "meta": {"source": "cli", "index": 0}, "fromInput": "t1"})
        ]
    );
    assert_eq!(r.output, json!([{"x": 1}]));
}

#[tokio::test]
async fn transform_runs_jq_per_item_or_over_all() {
    let t = manual();
    let each = node(
        "data.transform",
        "Each",
        json!({"expression": "{doubled: (.n * 2)}"}),
    );
    let all = node(
        "data.transform",
        "All",
        json!({"expression": "map(.doubled) | add | {sum: .}", "mode": "all"}),
    );
    let g = graph(&[&t, &each, &all], vec![edge(&t, &each), edge(&each, &all)]);
    let r = run_graph(g, json!([{"n": 1}, {"n": 2}, {"n": 3}])).await;
    assert_eq!(
        out(&r, &each, "main"),
        vec![
            json!({"doubled": 2}),
            json!({"doubled": 4}),
            json!({"doubled": 6})
        ]
    );
    assert_eq!(r.output, json!([{"sum": 12}]));
}

#[tokio::test]
async fn a_failing_jq_program_fails_its_node_with_the_reason() {
    let t = manual();
    let bad = node(
        "data.transform",
        "Bad",
        json!({"expression": "error(\"no good\")"}),
    );
    let r = run_graph(graph(&[&t, &bad], vec![edge(&t, &bad)]), json!({})).await;
    assert_eq!(r.status, RunStatus::Failed);
    let error = r.error.expect("reason");
    assert!(
        error.contains("no good") && error.contains("'Bad'"),
        "{error}"
    );
}

#[tokio::test]
async fn condition_routes_items_and_skips_the_untaken_branch_transitively() {
    let t = manual();
    let c = node(
        "flow.condition",
        "Big?",
        json!({"expression": "item.amount > 100"}),
    );
    let yes = set("Yes", json!({"big": true}));
    let no = set("No", json!({"big": false}));
    let after_no = set("After no", json!({"x": 1}));
    let g = graph(
        &[&t, &c, &yes, &no, &after_no],
        vec![
            ports(&c, Some("true"), &yes, None),
            ports(&c, Some("false"), &no, None),
            edge(&t, &c),
            edge(&no, &after_no),
        ],
    );
    let r = run_graph(g.clone(), json!([{"amount": 500}, {"amount": 900}])).await;
    assert_eq!(out(&r, &yes, "main").len(), 2);
    assert_eq!(status(&r, &no), Some(NodeStatus::Skipped));
    assert_eq!(status(&r, &after_no), Some(NodeStatus::Skipped));
    let mixed = run_graph(g, json!([{"amount": 500}, {"amount": 5}])).await;
    assert_eq!(out(&mixed, &c, "true"), vec![json!({"amount": 500})]);
    assert_eq!(out(&mixed, &c, "false"), vec![json!({"amount": 5})]);
    assert_eq!(status(&mixed, &after_no), Some(NodeStatus::Succeeded));
}

#[tokio::test]
async fn switch_routes_by_rules_with_a_default() {
    let t = manual();
    let rules = json!([
        {"port": "eu", "expression": "item.country in ['FR', 'DE']"},
        {"port": "us", "expression": "item.country == 'US'"},
    ]);
    let sw = node("flow.switch", "Region", json!({"rules": rules}));
    let eu = set("EU", json!({"r": "eu"}));
    let us = set("US", json!({"r": "us"}));
    let other = set("Other", json!({"r": "other"}));
    let g = graph(
        &[&t, &sw, &eu, &us, &other],
        vec![
            edge(&t, &sw),
            ports(&sw, Some("eu"), &eu, None),
            ports(&sw, Some("us"), &us, None),
            ports(&sw, Some("default"), &other, None),
        ],
    );
    let r = run_graph(
        g,
        json!([{"country": "FR"}, {"country": "JP"}, {"country": "DE"}]),
    )
    .await;
    assert_eq!(out(&r, &eu, "main").len(), 2);
    assert_eq!(status(&r, &us), Some(NodeStatus::Skipped));
    assert_eq!(
        out(&r, &other, "main"),
        vec![json!({"country": "JP", "r": "other"})]
    );

    let all = node(
        "flow.switch",
        "All",
        json!({"mode": "all", "rules": [
        {"port": "a", "expression": "item.n > 0"}, {"port": "b", "expression": "item.n > 1"}]}),
    );
    let t2 = manual();
    let r = run_graph(
        graph(&[&t2, &all], vec![edge(&t2, &all)]),
        json!([{"n": 2}]),
    )
    .await;
    assert_eq!(out(&r, &all, "a").len(), 1);
    assert_eq!(out(&r, &all, "b").len(), 1);
}

#[tokio::test]
async fn loop_runs_its_body_once_per_item_and_collects_what_reaches_next() {
    let t = manual();
    let lp = node("flow.loop", "Each", json!({}));
    let body = set("Body", json!({"seen": "{{ item.n * 10 }}"}));
    let body2 = node(
        "data.transform",
        "Body2",
        json!({"expression": ".seen + 1 | {v: .}"}),
    );
    let after = node("output", "Out", json!({}));
    let g = graph(
        &[&t, &lp, &body, &body2, &after],
        vec![
            edge(&t, &lp),
            ports(&lp, Some("body"), &body, None),
            edge(&body, &body2),
            ports(&body2, None, &lp, Some("next")),
            ports(&lp, Some("done"), &after, None),
        ],
    );
    let r = run_graph(g, json!([{"n": 1}, {"n": 2}, {"n": 3}])).await;
    assert_eq!(r.status, RunStatus::Completed, "{:?}", r.error);
    assert_eq!(r.output, json!([{"v": 11}, {"v": 21}, {"v": 31}]));
    let body_result = r.node(body.id).expect("body ran");
    assert_eq!(body_result.iterations, 3);
    assert_eq!(body_result.input.len(), 3);

    // Without a `next` edge the loop is a for-each for side effects: done gives the items.
    let t = manual();
    let lp = node("flow.loop", "Each", json!({}));
    let body = set("Body", json!({"x": 1}));
    let g = graph(
        &[&t, &lp, &body],
        vec![edge(&t, &lp), ports(&lp, Some("body"), &body, None)],
    );
    let r = run_graph(g, json!([{"n": 1}, {"n": 2}])).await;
    assert_eq!(out(&r, &lp, "done"), vec![json!({"n": 1}), json!({"n": 2})]);
    assert_eq!(r.node(body.id).map(|b| b.iterations), Some(2));
}

#[tokio::test]
async fn merge_waits_for_every_branch_and_appends_or_zips() {
    let t = manual();
    let a = set("A", json!({"a": 1}));
    let b = node("flow.delay", "Slow B", json!({"ms": 30}));
    let append = node("flow.merge", "Append", json!({}));
    let zip = node("flow.merge", "Zip", json!({"mode": "byIndex"}));
    let g = graph(
        &[&t, &a, &b, &append, &zip],
        vec![
            edge(&t, &a),
            edge(&t, &b),
            edge(&a, &append),
            edge(&b, &append),
            edge(&a, &zip),
            edge(&b, &zip),
        ],
    );
    let r = run_graph(g, json!({"id": 7})).await;
    assert_eq!(
        out(&r, &append, "main"),
        vec![json!({"id": 7, "a": 1}), json!({"id": 7})]
    );
    assert_eq!(out(&r, &zip, "main"), vec![json!({"id": 7, "a": 1})]);
    let merged = r.node(append.id).expect("merge");
    let slow = r.node(b.id).expect("delay");
    assert!(merged.started_seq > slow.finished_seq);
}

#[tokio::test]
async fn delay_waits_then_passes_items_on() {
    let t = manual();
    let d = node("flow.delay", "Wait", json!({"ms": 20}));
    let r = run_graph(graph(&[&t, &d], vec![edge(&t, &d)]), json!({"k": 1})).await;
    assert_eq!(r.output, json!([{"k": 1}]));
    assert!(r.node(d.id).expect("ran").duration_ms >= 20);
}

#[tokio::test]
async fn several_outputs_give_an_object_by_label() {
    let t = manual();
    let a = node("output", "first", json!({}));
    let b = node("output", "second", json!({}));
    let r = run_graph(
        graph(&[&t, &a, &b], vec![edge(&t, &a), edge(&t, &b)]),
        json!({"v": 1}),
    )
    .await;
    assert_eq!(r.output, json!({"first": [{"v": 1}], "second": [{"v": 1}]}));
}

#[tokio::test]
async fn http_request_templates_url_headers_query_and_body_per_item() {
    let (base, log) = serve(|req| {
        if req.path.starts_with("/users/") {
            Reply::json(200, json!({"path": req.path, "got": req.json(), "authorized": req.header("authorization") == Some("Bearer tok-1")}))
        } else {
            Reply { status: 200, content_type: "text/plain", body: "plain text".into(), headers: Vec::new() }
        }
    })
    .await;
    let t = manual();
    let post = node(
        "http.request",
        "Post",
        json!({
            "method": "POST",
            "url": format!("{base}/users/{{{{ item.id }}}}"),
            "headers": {"x-trace": "t-{{ item.id }}"},
            "query": {"verbose": "{{ item.id > 1 }}"},
            "body": {"name": "{{ item.name }}", "fixed": true},
            "credential": "api-token",
        }),
    );
    let get = node(
        "http.request",
        "Get",
        json!({"url": format!("{base}/text")}),
    );
    let g = graph(&[&t, &post, &get], vec![edge(&t, &post), edge(&t, &get)]);
    let host = TestHost {
        keys: HashMap::from([("api-token".to_string(), "tok-1".to_string())]),
        ..TestHost::default()
    };
    let (r, _) = run_with(
        request(g, json!([{"id": 1, "name": "a"}, {"id": 2, "name": "b"}])),
        Arc::new(host),
    )
    .await;
    assert_eq!(r.status, RunStatus::Completed, "{:?}", r.error);
    let posted = out(&r, &post, "main");
    assert_eq!(posted.len(), 2);
    assert_eq!(posted[1]["status"], 200);
    assert_eq!(
        posted[1]["body"]["got"],
        json!({"name": "b", "fixed": true})
    );
    assert_eq!(posted[1]["body"]["authorized"], true);
    assert_eq!(out(&r, &get, "main")[0]["body"], "plain text");
    let seen = log.lock().expect("log").clone();
    let second = seen
        .iter()
        .find(|q| q.path.starts_with("/users/2"))
        .expect("second call");
    assert_eq!(second.path, "/users/2?verbose=true");
    assert_eq!(second.header("x-trace"), Some("t-2"));
    assert!(
        !format!("{r:?}").contains("tok-1"),
        "a secret reached the result"
    );
}

#[tokio::test]
async fn http_errors_fail_the_node_unless_told_otherwise() {
    let (base, _) = serve(|_| Reply::json(503, json!({"error": "down"}))).await;
    let t = manual();
    let strict = node(
        "http.request",
        "Strict",
        json!({"url": format!("{base}/x")}),
    );
    let r = run_graph(graph(&[&t, &strict], vec![edge(&t, &strict)]), json!({})).await;
    assert_eq!(r.status, RunStatus::Failed);
    assert!(
        r.error.as_deref().unwrap_or("").contains("503"),
        "{:?}",
        r.error
    );

    let t = manual();
    let lenient = node(
        "http.request",
        "Lenient",
        json!({"url": format!("{base}/x"), "failOnStatus": false}),
    );
    let r = run_graph(graph(&[&t, &lenient], vec![edge(&t, &lenient)]), json!({})).await;
    assert_eq!(out(&r, &lenient, "main")[0]["status"], 503);

    let t = manual();
    let refused = node(
        "http.request",
        "Nobody",
        json!({"url": "http://127.0.0.1:1/"}),
    );
    let r = run_graph(graph(&[&t, &refused], vec![edge(&t, &refused)]), json!({})).await;
    assert_eq!(r.status, RunStatus::Failed);
    assert!(!r.error.as_deref().unwrap_or("").contains('\n'));
}

fn llm_host() -> TestHost {
    TestHost {
        keys: HashMap::from([
            ("openai".to_string(), "sk-test".to_string()),
            ("anthropic".to_string(), "ak-test".to_string()),
        ]),
        ..TestHost::default()
    }
}

#[tokio::test]
async fn llm_speaks_openai_chat_completions_with_usage_and_cost() {
    let (base, log) = openai_stand_in("sk-test").await;
    let t = manual();
    let llm = node(
        "ai.llm",
        "Summarize",
        json!({"provider": "openai", "baseUrl": format!("{base}/v1"), "model": "gpt-4o-mini",
               "system": "You are terse.", "prompt": "Summarize {{ item.text }}", "temperature": 0.2, "credential": "openai"}),
    );
    let text_out = node("output", "Text", json!({}));
    let g = graph(
        &[&t, &llm, &text_out],
        vec![edge(&t, &llm), ports(&llm, Some("text"), &text_out, None)],
    );
    let (r, events) = run_with(
        request(g, json!([{"text": "a"}, {"text": "b"}])),
        Arc::new(llm_host()),
    )
    .await;
    assert_eq!(r.status, RunStatus::Completed, "{:?}", r.error);
    assert_eq!(r.output, json!(["echo: Summarize a", "echo: Summarize b"]));
    let items = out(&r, &llm, "main");
    assert_eq!(
        items[0]["usage"],
        json!({"inputTokens": 12, "outputTokens": 5, "totalTokens": 17})
    );
    assert_eq!(r.tokens, 34);
    let expected = 2.0 * (12.0 * 0.15 + 5.0 * 0.6) / 1_000_000.0;
    assert!((r.cost - expected).abs() < 1e-12, "{}", r.cost);
    assert_eq!(r.agent_calls.len(), 2);
    assert_eq!(r.agent_calls[0].provider, "openai");
    assert_eq!(r.agent_calls[0].tokens_used, 17);
    assert_eq!(r.agent_calls[0].task, "Summarize a");
    let sent = log.lock().expect("log")[0].json();
    assert_eq!(
        sent["messages"][0],
        json!({"role": "system", "content": "You are terse."})
    );
    assert_eq!(sent["temperature"], json!(0.2));
    let finished = events.iter().find_map(|e| match e {
        RunEvent::NodeFinished {
            node_id, tokens, ..
        } if *node_id == llm.id => Some(*tokens),
        _ => None,
    });
    assert_eq!(finished, Some(34));
    assert!(!format!("{events:?}{r:?}").contains("sk-test"));
}

#[tokio::test]
async fn llm_speaks_anthropic_messages() {
    let (base, log) = anthropic_stand_in("ak-test").await;
    let t = manual();
    let llm = node(
        "ai.llm",
        "Claude",
        json!({"provider": "anthropic", "baseUrl": format!("{base}/v1"), "model": "claude-3-5-haiku-latest",
               "system": "Be kind.", "prompt": "Hi {{ item.who }}", "credential": "anthropic"}),
    );
    let g = graph(&[&t, &llm], vec![edge(&t, &llm)]);
    let (r, _) = run_with(request(g, json!({"who": "Ada"})), Arc::new(llm_host())).await;
    assert_eq!(r.status, RunStatus::Completed, "{:?}", r.error);
    let item = &out(&r, &llm, "main")[0];
    assert_eq!(item["text"], "claude: Hi Ada");
    assert_eq!(item["finishReason"], "end_turn");
    assert_eq!(r.tokens, 27);
    assert!((r.cost - (20.0 * 0.8 + 7.0 * 4.0) / 1_000_000.0).abs() < 1e-12);
    let sent = log.lock().expect("log")[0].clone();
    assert_eq!(sent.header("anthropic-version"), Some("2023-06-01"));
    assert_eq!(sent.json()["system"], "Be kind.");
    assert_eq!(sent.json()["max_tokens"], 1024);
}

#[tokio::test]
async fn llm_provider_errors_are_reported_and_recorded() {
    let (base, _) = openai_stand_in("sk-right").await;
    let t = manual();
    let llm = node(
        "ai.llm",
        "Wrong key",
        json!({"baseUrl": format!("{base}/v1"), "model": "gpt-4o", "prompt": "x", "credential": "openai"}),
    );
    let (r, _) = run_with(
        request(graph(&[&t, &llm], vec![edge(&t, &llm)]), json!({})),
        Arc::new(llm_host()),
    )
    .await;
    assert_eq!(r.status, RunStatus::Failed);
    assert!(
        r.error
            .as_deref()
            .unwrap_or("")
            .contains("Incorrect API key"),
        "{:?}",
        r.error
    );
    assert_eq!(r.agent_calls.len(), 1);
    assert_eq!(r.agent_calls[0].status, RunStatus::Failed);
}

#[tokio::test]
async fn agent_uses_its_personality_and_model_config() {
    let (base, log) = openai_stand_in("sk-test").await;
    let agent_id = Uuid::now_v7();
    let mut host = llm_host();
    host.agents.insert(
        agent_id,
        AgentProfile {
            id: agent_id,
            name: "Billing bot".into(),
            description: String::new(),
            personality: json!({"systemPrompt": "You handle refunds."}),
            model_config: json!({"provider": "openai", "model": "gpt-4o", "baseUrl": format!("{base}/v1"), "credential": "openai"}),
            capabilities: json!([]),
        },
    );
    let t = manual();
    let a = node(
        "ai.agent",
        "Agent",
        json!({"agentId": agent_id.to_string(), "prompt": "Refund {{ item.order }}"}),
    );
    let (r, _) = run_with(
        request(graph(&[&t, &a], vec![edge(&t, &a)]), json!({"order": 42})),
        Arc::new(host),
    )
    .await;
    assert_eq!(r.status, RunStatus::Completed, "{:?}", r.error);
    assert_eq!(out(&r, &a, "text"), vec![json!("echo: Refund 42")]);
    assert_eq!(r.agent_calls[0].agent_id, Some(agent_id));
    assert_eq!(
        log.lock().expect("log")[0].json()["messages"][0]["content"],
        "You handle refunds."
    );
}

fn doubling_blueprint(id: Uuid) -> BlueprintGraph {
    let input = node("blueprint.input", "In", json!({}));
    let double = set("Double", json!({"twice": "{{ item.n * 2 }}"}));
    let o = node("output", "Out", json!({}));
    BlueprintGraph {
        id,
        name: "Doubler".into(),
        graph: graph(
            &[&input, &double, &o],
            vec![edge(&input, &double), edge(&double, &o)],
        ),
    }
}

#[tokio::test]
async fn blueprint_call_runs_the_sub_graph_with_the_items() {
    let id = Uuid::now_v7();
    let host = TestHost {
        blueprints: HashMap::from([(id, doubling_blueprint(id))]),
        ..TestHost::default()
    };
    let t = manual();
    let call = node(
        "blueprint.call",
        "Double it",
        json!({"blueprintId": id.to_string()}),
    );
    let (r, _) = run_with(
        request(
            graph(&[&t, &call], vec![edge(&t, &call)]),
            json!([{"n": 2}, {"n": 5}]),
        ),
        Arc::new(host),
    )
    .await;
    assert_eq!(r.status, RunStatus::Completed, "{:?}", r.error);
    assert_eq!(
        r.output,
        json!([{"n": 2, "twice": 4}, {"n": 5, "twice": 10}])
    );
}

#[tokio::test]
async fn recursive_blueprints_are_refused_before_the_run() {
    let a = Uuid::now_v7();
    let b = Uuid::now_v7();
    let calling = |me: Uuid, other: Uuid| {
        let input = node("blueprint.input", "In", json!({}));
        let call = node(
            "blueprint.call",
            "Call",
            json!({"blueprintId": other.to_string()}),
        );
        BlueprintGraph {
            id: me,
            name: "loop".into(),
            graph: graph(&[&input, &call], vec![edge(&input, &call)]),
        }
    };
    let host = TestHost {
        blueprints: HashMap::from([(a, calling(a, b)), (b, calling(b, a))]),
        ..TestHost::default()
    };
    let t = manual();
    let call = node(
        "blueprint.call",
        "Call A",
        json!({"blueprintId": a.to_string()}),
    );
    let err = run(
        request(graph(&[&t, &call], vec![edge(&t, &call)]), json!({})),
        Arc::new(host),
        None,
        CancelToken::new(),
    )
    .await
    .expect_err("refused");
    let RunRefused::Invalid(diags) = err else {
        panic!("expected diagnostics")
    };
    assert!(
        diags
            .iter()
            .any(|d| d.code == DiagnosticCode::BlueprintRecursion && d.node_id == Some(call.id)),
        "{diags:?}"
    );
}

#[tokio::test]
async fn kinds_that_cannot_run_yet_are_refused_with_a_reason() {
    let t = manual();
    let n = node("ai.team", "Later", json!({}));
    let diags = validate(&graph(&[&t, &n], vec![edge(&t, &n)]));
    assert!(
        diags
            .iter()
            .any(|d| d.code == DiagnosticCode::NotAvailable
                && d.message.contains("not available yet")),
        "{diags:?}"
    );
}

#[test]
fn the_catalog_lists_ports_and_schemas_for_every_palette_kind() {
    let catalog = catalog();
    for info in neuroflow_model::graph::workflow_node_kinds() {
        let k = catalog
            .iter()
            .find(|c| c.kind == info.kind)
            .unwrap_or_else(|| panic!("{} missing", info.kind));
        assert_eq!(!k.inputs.is_empty(), info.has_input, "{}", info.kind);
        assert_eq!(!k.outputs.is_empty(), info.has_output, "{}", info.kind);
        assert_eq!(k.config_schema["type"], "object");
        assert!(k.config_schema["properties"]["retries"].is_object());
    }
    let cond = catalog
        .iter()
        .find(|c| c.kind == "flow.condition")
        .expect("condition");
    let names: Vec<&str> = cond.outputs.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["true", "false", "error"]);
}
