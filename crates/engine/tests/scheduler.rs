//! Scheduler rules: concurrency, skipping, error ports, retries, timeouts, limits,
//! cancellation, events, items at scale, previews and the estimate.

mod common;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use neuroflow_engine::*;
use serde_json::json;

#[tokio::test]
async fn independent_branches_run_at_the_same_time() {
    let t = manual();
    let a = node("flow.delay", "A", json!({"ms": 150}));
    let b = node("flow.delay", "B", json!({"ms": 150}));
    let r = run_graph(
        graph(&[&t, &a, &b], vec![edge(&t, &a), edge(&t, &b)]),
        json!({}),
    )
    .await;
    let (ra, rb) = (r.node(a.id).expect("a"), r.node(b.id).expect("b"));
    // Each started before the other finished.
    assert!(
        ra.started_seq < rb.finished_seq && rb.started_seq < ra.finished_seq,
        "{ra:?} {rb:?}"
    );
}

#[tokio::test]
async fn a_failure_goes_to_the_error_port_when_it_is_connected() {
    let t = manual();
    let bad = node(
        "data.transform",
        "Bad",
        json!({"expression": "error(\"broken\")"}),
    );
    let handler = set("Handler", json!({"handled": true}));
    let next = set("Next", json!({"x": 1}));
    let g = graph(
        &[&t, &bad, &handler, &next],
        vec![
            edge(&t, &bad),
            ports(&bad, Some("error"), &handler, None),
            edge(&bad, &next),
        ],
    );
    let r = run_graph(g, json!({"k": 1})).await;
    assert_eq!(r.status, RunStatus::Completed, "{:?}", r.error);
    let failed = r.node(bad.id).expect("bad");
    assert_eq!(failed.status, NodeStatus::Failed);
    assert!(failed.handled);
    let routed = out(&r, &handler, "main");
    assert!(routed[0]["error"].as_str().unwrap_or("").contains("broken"));
    assert_eq!(routed[0]["items"], json!([{"k": 1}]));
    assert_eq!(status(&r, &next), Some(NodeStatus::Skipped));
}

#[tokio::test]
async fn an_unrouted_failure_fails_the_run_and_stops_running_nodes() {
    let t = manual();
    let bad = node(
        "data.transform",
        "Bad",
        json!({"expression": "error(\"broken\")"}),
    );
    let slow = node("flow.delay", "Slow", json!({"ms": 10_000}));
    let g = graph(&[&t, &bad, &slow], vec![edge(&t, &slow), edge(&t, &bad)]);
    let r = run_graph(g, json!({})).await;
    assert_eq!(r.status, RunStatus::Failed);
    assert_eq!(
        r.error.as_deref(),
        Some("node 'Bad' (data.transform) failed: jq error: broken")
    );
    assert_eq!(status(&r, &slow), Some(NodeStatus::Stopped));
    assert_eq!(r.output, json!(null));
}

#[tokio::test]
async fn retries_back_off_and_then_succeed() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let (base, _) = serve(move |_| {
        if counter.fetch_add(1, Ordering::SeqCst) < 2 {
            Reply::json(500, json!({"error": "flaky"}))
        } else {
            Reply::json(200, json!({"ok": true}))
        }
    })
    .await;
    let t = manual();
    let h = node(
        "http.request",
        "Flaky",
        json!({"url": format!("{base}/"), "retries": 3, "retryDelayMs": 5}),
    );
    let r = run_graph(graph(&[&t, &h], vec![edge(&t, &h)]), json!({})).await;
    assert_eq!(r.status, RunStatus::Completed, "{:?}", r.error);
    let result = r.node(h.id).expect("ran");
    assert_eq!(result.attempts, 3);
    assert_eq!(
        result
            .logs
            .iter()
            .filter(|l| l.contains("retrying in"))
            .count(),
        2
    );
    assert!(
        result.logs[1].contains("retrying in 10 ms"),
        "backoff doubles: {:?}",
        result.logs
    );
}

#[tokio::test]
async fn a_node_that_passes_its_timeout_fails() {
    let t = manual();
    let d = node("flow.delay", "Slow", json!({"ms": 10_000, "timeoutMs": 30}));
    let r = run_graph(graph(&[&t, &d], vec![edge(&t, &d)]), json!({})).await;
    assert_eq!(r.status, RunStatus::Failed);
    assert!(
        r.error
            .as_deref()
            .unwrap_or("")
            .contains("timed out after 30 ms"),
        "{:?}",
        r.error
    );
}

#[tokio::test]
async fn cancelling_stops_a_run_at_once() {
    let t = manual();
    let d = node("flow.delay", "Ten seconds", json!({"ms": 10_000}));
    let cancel = CancelToken::new();
    let canceller = cancel.clone();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let handle = tokio::spawn(run(
        request(graph(&[&t, &d], vec![edge(&t, &d)]), json!({})),
        Arc::new(NoHost),
        Some(tx),
        cancel,
    ));
    tokio::time::sleep(Duration::from_millis(50)).await;
    let asked = Instant::now();
    canceller.cancel();
    let r = handle.await.expect("joined").expect("ran");
    let took = asked.elapsed();
    assert_eq!(r.status, RunStatus::Cancelled);
    // The bar is 100 ms; the bound is loose so a busy machine does not make this flaky.
    assert!(took < Duration::from_secs(1), "took {took:?}");
    assert_eq!(status(&r, &d), Some(NodeStatus::Stopped));
    let mut last = None;
    while let Ok(e) = rx.try_recv() {
        last = Some(e);
    }
    assert!(
        matches!(
            last,
            Some(RunEvent::RunFinished {
                status: RunStatus::Cancelled,
                ..
            })
        ),
        "{last:?}"
    );
}

#[tokio::test]
async fn the_step_limit_stops_a_run() {
    let t = manual();
    let chain: Vec<_> = (0..10)
        .map(|i| set(&format!("S{i}"), json!({"i": i})))
        .collect();
    let mut nodes = vec![&t];
    nodes.extend(chain.iter());
    let mut edges = vec![edge(&t, &chain[0])];
    edges.extend(chain.windows(2).map(|w| edge(&w[0], &w[1])));
    let req = RunRequest {
        limits: RunLimits {
            max_steps: 5,
            ..RunLimits::default()
        },
        ..request(graph(&nodes, edges), json!({}))
    };
    let (r, _) = run_with(req, Arc::new(NoHost)).await;
    assert_eq!(r.status, RunStatus::Failed);
    assert!(
        r.error
            .as_deref()
            .unwrap_or("")
            .contains("limit of 5 steps"),
        "{:?}",
        r.error
    );
}

#[tokio::test]
async fn the_wall_clock_limit_stops_a_run() {
    let t = manual();
    let d = node("flow.delay", "Slow", json!({"ms": 10_000}));
    let req = RunRequest {
        limits: RunLimits {
            max_wall_ms: 50,
            ..RunLimits::default()
        },
        ..request(graph(&[&t, &d], vec![edge(&t, &d)]), json!({}))
    };
    let (r, _) = run_with(req, Arc::new(NoHost)).await;
    assert_eq!(r.status, RunStatus::Failed);
    assert!(
        r.error
            .as_deref()
            .unwrap_or("")
            .contains("wall-clock limit of 50 ms"),
        "{:?}",
        r.error
    );
}

#[tokio::test]
async fn the_token_and_cost_budgets_stop_a_run() {
    let (base, _) = openai_stand_in("sk").await;
    let host = Arc::new(TestHost {
        keys: HashMap::from([("k".to_string(), "sk".to_string())]),
        ..TestHost::default()
    });
    for limits in [
        RunLimits {
            max_tokens: Some(20),
            ..RunLimits::default()
        },
        RunLimits {
            max_cost: Some(0.00001),
            ..RunLimits::default()
        },
    ] {
        let t = manual();
        let llm = node(
            "ai.llm",
            "LLM",
            json!({"baseUrl": format!("{base}/v1"), "model": "gpt-4o", "prompt": "p", "credential": "k"}),
        );
        let req = RunRequest {
            limits,
            ..request(
                graph(&[&t, &llm], vec![edge(&t, &llm)]),
                json!([{}, {}, {}, {}]),
            )
        };
        let (r, _) = run_with(req, host.clone()).await;
        assert_eq!(r.status, RunStatus::Failed);
        assert!(
            r.error.as_deref().unwrap_or("").contains("over its budget"),
            "{:?}",
            r.error
        );
        // It stopped calling once over: 17 tokens a call, so two calls at most.
        assert!(r.agent_calls.len() <= 2, "{}", r.agent_calls.len());
    }
}

#[tokio::test]
async fn the_output_size_limit_stops_a_run() {
    let t = manual();
    // Each item gets a new 10 KB string (a fixed value would be one string shared by all).
    let big = set("Big", json!({"blob": "{{ item.pad }}{{ item.i }}"}));
    let pad = "x".repeat(10_000);
    let req = RunRequest {
        limits: RunLimits {
            max_output_bytes: 50_000,
            ..RunLimits::default()
        },
        ..request(
            graph(&[&t, &big], vec![edge(&t, &big)]),
            json!((0..10)
                .map(|i| json!({"i": i, "pad": pad}))
                .collect::<Vec<_>>()),
        )
    };
    let (r, _) = run_with(req, Arc::new(NoHost)).await;
    assert_eq!(r.status, RunStatus::Failed);
    assert!(
        r.error
            .as_deref()
            .unwrap_or("")
            .contains("limit of 50000 bytes"),
        "{:?}",
        r.error
    );
}

#[tokio::test]
async fn events_tell_the_whole_run_in_order() {
    let t = manual();
    let s = set("S", json!({"a": 1}));
    let c = node("flow.condition", "C", json!({"expression": "false"}));
    let never = set("Never", json!({}));
    let g = graph(
        &[&t, &s, &c, &never],
        vec![
            edge(&t, &s),
            edge(&s, &c),
            ports(&c, Some("true"), &never, None),
        ],
    );
    let (r, events) = run_with(request(g, json!({})), Arc::new(NoHost)).await;
    assert!(matches!(
        events.first(),
        Some(RunEvent::RunStarted { node_count: 4, .. })
    ));
    assert!(matches!(
        events.last(),
        Some(RunEvent::RunFinished {
            status: RunStatus::Completed,
            ..
        })
    ));
    let started = events
        .iter()
        .filter(|e| matches!(e, RunEvent::NodeStarted { .. }))
        .count();
    let finished = events
        .iter()
        .filter(|e| matches!(e, RunEvent::NodeFinished { .. }))
        .count();
    assert_eq!((started, finished), (3, 3));
    assert!(events
        .iter()
        .any(|e| matches!(e, RunEvent::NodeSkipped { node_id, .. } if *node_id == never.id)));
    // Events serialize tagged, camelCase, as the desktop and `--events jsonl` read them.
    let json = serde_json::to_value(&events[1]).expect("json");
    assert_eq!(json["type"], "nodeStarted");
    assert!(json["nodeId"].is_string());
    let record = r.execution_record();
    assert_eq!(record.status, neuroflow_model::ExecutionStatus::Completed);
    assert_eq!(stored::decode(&record.logs).map(|n| n.len()), Ok(4));
}

#[tokio::test]
async fn twenty_nodes_over_two_hundred_items_keep_every_output() {
    let t = manual();
    let chain: Vec<_> = (0..20)
        .map(|i| set(&format!("S{i}"), json!({format!("f{i}"): i})))
        .collect();
    let mut nodes = vec![&t];
    nodes.extend(chain.iter());
    let mut edges = vec![edge(&t, &chain[0])];
    edges.extend(chain.windows(2).map(|w| edge(&w[0], &w[1])));
    let input: Vec<_> = (0..200).map(|i| json!({"id": i})).collect();
    let r = run_graph(graph(&nodes, edges), json!(input)).await;
    assert_eq!(r.status, RunStatus::Completed);
    assert_eq!(r.output.as_array().map(Vec::len), Some(200));
    assert_eq!(r.output[199]["f19"], 19);
    assert!(chain.iter().all(|n| out(&r, n, "main").len() == 200));
}

#[tokio::test]
async fn a_pinned_node_is_not_executed_and_its_pin_is_its_output() {
    let (base, log) = serve(|_| Reply::json(200, json!({"live": true}))).await;
    let t = manual();
    let h = node(
        "http.request",
        "Pinned",
        json!({"url": format!("{base}/"), "pinned": [{"sample": 1}]}),
    );
    let after = set("After", json!({"seen": true}));
    let r = run_graph(
        graph(&[&t, &h, &after], vec![edge(&t, &h), edge(&h, &after)]),
        json!({}),
    )
    .await;
    assert_eq!(status(&r, &h), Some(NodeStatus::Pinned));
    assert_eq!(r.output, json!([{"sample": 1, "seen": true}]));
    assert!(log.lock().expect("log").is_empty());
}

fn preview_graph() -> (
    neuroflow_model::graph::Graph,
    [neuroflow_model::graph::GraphNode; 4],
) {
    let t = manual();
    let a = set("A", json!({"a": "{{ item.n + 1 }}"}));
    let b = set("B", json!({"b": "{{ item.a * 2 }}"}));
    let c = set("C", json!({"c": true}));
    let g = graph(
        &[&t, &a, &b, &c],
        vec![edge(&t, &a), edge(&a, &b), edge(&b, &c)],
    );
    (g, [t, a, b, c])
}

#[tokio::test]
async fn previews_run_up_to_from_or_just_one_node() {
    let (g, [_, a, b, c]) = preview_graph();
    let up_to = RunRequest {
        mode: RunMode::UpTo { node_id: b.id },
        ..request(g.clone(), json!({"n": 1}))
    };
    let (r, _) = run_with(up_to, Arc::new(NoHost)).await;
    assert_eq!(r.status, RunStatus::Completed);
    assert!(r.node(c.id).is_none());
    assert_eq!(out(&r, &b, "main"), vec![json!({"n": 1, "a": 2, "b": 4})]);

    // From B, reusing A's output from that run: A is not run again.
    let from = RunRequest {
        mode: RunMode::From { node_id: b.id },
        previous: r.outputs(),
        ..request(g.clone(), json!({"n": 100}))
    };
    let (r2, _) = run_with(from, Arc::new(NoHost)).await;
    assert_eq!(status(&r2, &a), Some(NodeStatus::Pinned));
    assert_eq!(
        out(&r2, &c, "main"),
        vec![json!({"n": 1, "a": 2, "b": 4, "c": true})]
    );

    let single = RunRequest {
        mode: RunMode::Single {
            node_id: b.id,
            input: Some(vec![json!({"a": 10})]),
        },
        ..request(g.clone(), json!({}))
    };
    let (r3, _) = run_with(single, Arc::new(NoHost)).await;
    assert_eq!(r3.nodes.len(), 1);
    assert_eq!(r3.output, json!([{"a": 10, "b": 20}]));

    let single_prev = RunRequest {
        mode: RunMode::Single {
            node_id: c.id,
            input: None,
        },
        previous: r.outputs(),
        ..request(g.clone(), json!({}))
    };
    let (r4, _) = run_with(single_prev, Arc::new(NoHost)).await;
    assert_eq!(r4.output, json!([{"n": 1, "a": 2, "b": 4, "c": true}]));

    let missing = RunRequest {
        mode: RunMode::From { node_id: c.id },
        ..request(g, json!({}))
    };
    let err = run(missing, Arc::new(NoHost), None, CancelToken::new())
        .await
        .expect_err("refused");
    assert!(err.to_string().contains("run up to it first"), "{err}");
}

#[tokio::test]
async fn the_estimate_counts_prompt_characters_and_prices() {
    let t = manual();
    let llm = node(
        "ai.llm",
        "LLM",
        json!({"model": "gpt-4o", "prompt": "x".repeat(400), "maxTokens": 100}),
    );
    let est = estimate(
        &graph(&[&t, &llm], vec![edge(&t, &llm)]),
        &json!([{}, {}]),
        &NoHost,
    )
    .await;
    assert_eq!(est.nodes.len(), 1);
    assert_eq!(est.nodes[0].calls, 2);
    // (400 + 2 chars of "{}") / 4 → 101 tokens a call, 100 out.
    assert_eq!(est.nodes[0].input_tokens, 202);
    assert_eq!(est.nodes[0].output_tokens, 200);
    assert!((est.cost - (202.0 * 2.5 + 200.0 * 10.0) / 1e6).abs() < 1e-12);
}
