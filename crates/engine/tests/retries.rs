//! Retry rules of the scheduler, against a stand-in HTTP server through `http.request`: failures
//! a retry cannot fix are not retried, a 429 waits out its Retry-After (or fails when that is
//! past the cap), server and network failures back off, and cancelling stops a waiting retry.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;
use neuroflow_engine::*;
use serde_json::json;

fn flaky(url: &str, retries: u32) -> neuroflow_model::graph::GraphNode {
    node(
        "http.request",
        "Call",
        json!({"url": url, "retries": retries, "retryDelayMs": 1}),
    )
}

fn retry_logs(result: &NodeResult) -> usize {
    result
        .logs
        .iter()
        .filter(|l| l.contains("retrying in"))
        .count()
}

#[tokio::test]
async fn rejected_credentials_and_bad_requests_are_not_retried() {
    for status in [400, 401, 403, 404] {
        let (base, seen) =
            serve(move |_| Reply::json(status, json!({"error": "no, and never"}))).await;
        let t = manual();
        let h = flaky(&format!("{base}/x"), 3);
        let r = run_graph(graph(&[&t, &h], vec![edge(&t, &h)]), json!({})).await;
        assert_eq!(r.status, RunStatus::Failed, "{status}");
        assert_eq!(seen.lock().expect("log").len(), 1, "{status}: one request");
        let result = r.node(h.id).expect("ran");
        assert_eq!(result.attempts, 1, "{status}");
        assert_eq!(retry_logs(result), 0, "{status}: {:?}", result.logs);
        assert!(
            result.logs.iter().any(|l| l.contains("not retried")),
            "{status}: {:?}",
            result.logs
        );
        assert!(
            r.error
                .as_deref()
                .unwrap_or("")
                .contains(&status.to_string()),
            "{:?}",
            r.error
        );
    }
}

#[tokio::test]
async fn a_rate_limit_waits_at_least_its_retry_after_then_succeeds() {
    let arrivals = Arc::new(Mutex::new(Vec::new()));
    let seen = arrivals.clone();
    let (base, _) = serve(move |_| {
        let mut at = seen.lock().expect("arrivals");
        at.push(Instant::now());
        if at.len() == 1 {
            Reply::json(429, json!({"error": "slow down"})).with_header("Retry-After", "1")
        } else {
            Reply::json(200, json!({"ok": true}))
        }
    })
    .await;
    let t = manual();
    let h = flaky(&format!("{base}/x"), 2);
    let r = run_graph(graph(&[&t, &h], vec![edge(&t, &h)]), json!({})).await;
    assert_eq!(r.status, RunStatus::Completed, "{:?}", r.error);
    let result = r.node(h.id).expect("ran");
    assert_eq!(result.attempts, 2);
    // The node's own backoff is 1 ms: the wait is the server's.
    assert!(
        result.logs[0].contains("retrying in 1000 ms"),
        "{:?}",
        result.logs
    );
    let at = arrivals.lock().expect("arrivals");
    assert_eq!(at.len(), 2);
    assert!(
        at[1].duration_since(at[0]) >= Duration::from_secs(1),
        "the retry came {:?} after the 429",
        at[1].duration_since(at[0])
    );
}

#[tokio::test]
async fn a_retry_after_past_the_cap_fails_at_once_and_says_so() {
    let (base, seen) = serve(|_| {
        Reply::json(429, json!({"error": "come back in an hour"}))
            .with_header("Retry-After", "3600")
    })
    .await;
    let t = manual();
    let h = flaky(&format!("{base}/x"), 3);
    let r = run_graph(graph(&[&t, &h], vec![edge(&t, &h)]), json!({})).await;
    assert_eq!(r.status, RunStatus::Failed);
    assert_eq!(seen.lock().expect("log").len(), 1);
    assert_eq!(r.node(h.id).expect("ran").attempts, 1);
    let error = r.error.unwrap_or_default();
    assert!(
        error.contains("429") && error.contains("wait 3600 s") && error.contains("60 s"),
        "{error}"
    );
}

#[tokio::test]
async fn server_failures_and_network_errors_are_retried_with_backoff() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let (base, _) = serve(move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
        Reply::json(503, json!({"error": "maintenance"}))
    })
    .await;
    let t = manual();
    let h = flaky(&format!("{base}/x"), 2);
    let r = run_graph(graph(&[&t, &h], vec![edge(&t, &h)]), json!({})).await;
    assert_eq!(r.status, RunStatus::Failed);
    assert_eq!(calls.load(Ordering::SeqCst), 3, "one try and two retries");
    let result = r.node(h.id).expect("ran");
    assert_eq!(result.attempts, 3);
    assert_eq!(retry_logs(result), 2);
    assert!(
        result.logs[1].contains("retrying in 2 ms"),
        "backoff doubles: {:?}",
        result.logs
    );

    // Nothing listens on this port: the connection is refused, and retried.
    let port = {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let down = flaky(&format!("http://127.0.0.1:{port}/x"), 1);
    let r = run_graph(graph(&[&t, &down], vec![edge(&t, &down)]), json!({})).await;
    assert_eq!(r.status, RunStatus::Failed);
    let result = r.node(down.id).expect("ran");
    assert_eq!(result.attempts, 2);
    assert_eq!(retry_logs(result), 1, "{:?}", result.logs);
}

#[tokio::test]
async fn cancelling_stops_a_retry_that_waits_out_a_retry_after() {
    let (base, seen) =
        serve(|_| Reply::json(429, json!({"error": "slow down"})).with_header("Retry-After", "50"))
            .await;
    let t = manual();
    let h = flaky(&format!("{base}/x"), 1);
    let cancel = CancelToken::new();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let handle = tokio::spawn(run(
        request(graph(&[&t, &h], vec![edge(&t, &h)]), json!({})),
        Arc::new(NoHost),
        Some(tx),
        cancel.clone(),
    ));
    // The node says it is about to sleep for the Retry-After; cancel then.
    while let Some(event) = rx.recv().await {
        if matches!(&event, RunEvent::NodeLog { message, .. } if message.contains("retrying in 50000 ms"))
        {
            break;
        }
    }
    cancel.cancel();
    // A guard against hanging, far below the 50 s the retry would sleep.
    let r = tokio::time::timeout(Duration::from_secs(20), handle)
        .await
        .expect("the run ended without waiting out the Retry-After")
        .expect("joined")
        .expect("ran");
    assert_eq!(r.status, RunStatus::Cancelled);
    let result = r.node(h.id).expect("recorded");
    assert_eq!(result.status, NodeStatus::Stopped);
    assert_eq!(retry_logs(result), 1, "{:?}", result.logs);
    assert_eq!(seen.lock().expect("log").len(), 1, "no retry was sent");
}
