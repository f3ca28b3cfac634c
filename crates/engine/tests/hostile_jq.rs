//! Hostile jq programs: endless, deeply recursive or huge ones end as a clean failure of
//! their node naming the budget, in bounded time, never a hang or an aborted process; a
//! timeout, a cancel or the runtime's end leaves them behind at once.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use neuroflow_engine::kinds::transform::{JQ_MEMORY_BUDGET_BYTES, JQ_STEP_BUDGET, MAX_JQ_OUTPUTS};
use neuroflow_engine::*;
use serde_json::{json, Value as Json};

/// Far above any budget here: firing means a hang, not slowness.
const HANG_GUARD: Duration = Duration::from_secs(60);

/// Runs one `data.transform` node with `config` and returns its failure message.
async fn fails(config: Json) -> String {
    let t = manual();
    let jq = node("data.transform", "Hostile jq", config);
    let started = Instant::now();
    let r = tokio::time::timeout(
        HANG_GUARD,
        run_graph(graph(&[&t, &jq], vec![edge(&t, &jq)]), json!({})),
    )
    .await
    .expect("the run ends");
    eprintln!("{:?} for {:?}", started.elapsed(), r.error);
    failure_of(&r, &jq)
}

fn memory() -> String {
    format!(
        "jq memory budget of {} MiB exceeded",
        JQ_MEMORY_BUDGET_BYTES / (1024 * 1024)
    )
}

async fn fails_with(expression: &str, budget: &str) {
    let error = fails(json!({ "expression": expression })).await;
    assert!(error.contains(budget), "{expression}: {error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endless_programs_spend_their_step_budget() {
    let steps = format!("jq step budget of {JQ_STEP_BUDGET} exceeded");
    fails_with("def f: f; f", &steps).await;
    fails_with("last(range(1e12))", &steps).await;
    fails_with("[repeat(.)]", &steps).await;
    // Collecting passes the memory budget (16 bytes a number) before the step budget.
    fails_with("[range(1e8)] | length", &memory()).await;
    fails_with("def f: f; [f]", &steps).await;
    fails_with("[limit(1e12; repeat(1))] | length", &steps).await;
    fails_with("until(false; .)", &steps).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endless_output_spends_the_output_budget() {
    let outputs = format!("more than {MAX_JQ_OUTPUTS} items");
    fails_with("repeat(1)", &outputs).await;
    fails_with("range(1e9)", &outputs).await;
    fails_with(
        "range(100) | \"x\" * 3000000",
        "jq output budget exceeded: the results pass 256 MiB",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deep_recursion_is_a_node_error_not_a_stack_overflow() {
    fails_with("def f: 1 + f; f", "jq recursion limit exceeded").await;
    fails_with("def f: [f]; f", "jq recursion limit exceeded").await;
    fails_with("def f(g): g | f(g + 1); f(0)", "jq").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deep_values_are_refused_not_overflowed() {
    fails_with(
        "reduce range(1e6) as $i (null; [.])",
        "nested deeper than 128",
    )
    .await;
    // Nesting until the memory budget ends it (a level takes some 80 bytes or more, so it
    // does before the step budget): the deep value is dropped on the jq thread.
    fails_with("reduce range(1e8) as $i (null; [.])", &memory()).await;
    fails_with("reduce range(1e8) as $i (null; {a: .})", &memory()).await;
    fails_with(
        "\"[\" * 1000000 | fromjson",
        "cannot parse text nested deeper than 128",
    )
    .await; // Printing recurses once per level: a million levels overflowed the jq thread's stack and
            // aborted the process (vendor/jaq-json stops at 10,000).
    for print in ["tojson", "tostring", "\"\\(.)\"", "@base64"] {
        fails_with(
            &format!("reduce range(1500000) as $i (null; [.]) | {print}"),
            "jq cannot print a value nested deeper than 10000 levels",
        )
        .await;
    }
    // In a message a deep value is shown cut short.
    fails_with(
        "reduce range(20000) as $i (0; [.]) | error",
        "jq error: [[[[",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn programs_inside_the_budgets_still_run() {
    let t = manual();
    let jq = node(
        "data.transform",
        "Fine",
        json!({"expression": "[range(100000)] | add", "mode": "all"}),
    );
    let r = run_graph(graph(&[&t, &jq], vec![edge(&t, &jq)]), json!({})).await;
    assert_eq!(r.status, RunStatus::Completed, "{:?}", r.error);
    assert_eq!(out(&r, &jq, "main"), vec![json!(4_999_950_000u64)]);

    // Values nested less than the print limit print.
    let jq = node(
        "data.transform",
        "Deep but printable",
        json!({"expression": "reduce range(9000) as $i (0; [.]) | tojson | length"}),
    );
    let r = run_graph(graph(&[&t, &jq], vec![edge(&t, &jq)]), json!({})).await;
    assert_eq!(r.status, RunStatus::Completed, "{:?}", r.error);
    assert_eq!(out(&r, &jq, "main"), vec![json!(18_001)]);

    let jq = node(
        "data.transform",
        "Deep enough",
        json!({"expression": "def f: if . < 1000 then (. + 1 | f) else . end; 0 | f, (\"[[1]]\" | fromjson)"}),
    );
    let r = run_graph(graph(&[&t, &jq], vec![edge(&t, &jq)]), json!({})).await;
    assert_eq!(r.status, RunStatus::Completed, "{:?}", r.error);
    assert_eq!(out(&r, &jq, "main"), vec![json!(1000), json!([[1]])]);
}

/// A node timeout ends an endless program's node at once and the run goes on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_timeout_abandons_the_program() {
    let error = fails(json!({"expression": "def f: f; f", "timeoutMs": 300})).await;
    assert!(error.contains("timed out"), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_the_run_abandons_the_program() {
    let t = manual();
    let jq = node(
        "data.transform",
        "Endless",
        json!({"expression": "def f: f; f"}),
    );
    let cancel = CancelToken::new();
    let stopper = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        stopper.cancel();
    });
    let r = tokio::time::timeout(
        HANG_GUARD,
        run(
            request(graph(&[&t, &jq], vec![edge(&t, &jq)]), json!({})),
            Arc::new(NoHost),
            None,
            cancel,
        ),
    )
    .await
    .expect("the run ends")
    .expect("the run starts");
    assert_eq!(r.status, RunStatus::Cancelled);
}

/// The CLI's case: after Ctrl-C or a timeout the runtime is dropped, and the process must
/// not wait for a jq program still spinning (a `spawn_blocking` task would hold it).
#[test]
fn dropping_the_runtime_does_not_wait_for_the_program() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let t = manual();
    let jq = node(
        "data.transform",
        "Endless",
        json!({"expression": "def f: f; f"}),
    );
    let g = graph(&[&t, &jq], vec![edge(&t, &jq)]);
    runtime.spawn(async move { run_graph(g, json!({})).await });
    std::thread::sleep(Duration::from_millis(300));
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        drop(runtime);
        let _ = done_tx.send(());
    });
    done_rx
        .recv_timeout(Duration::from_secs(2))
        .expect("the runtime shut down within 2 s");
}

/// The step budget is per item in `each` mode: many items of honest work are not an endless
/// program, while one endless item still fails.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_item_has_its_own_step_budget() {
    let t = manual();
    let jq = node(
        "data.transform",
        "Batch",
        json!({"expression": "[range(10000)] | length"}),
    );
    // 2,000 items of about 10,000 steps each: twice the budget in all.
    let items: Vec<Json> = (0..2000).map(|i| json!({ "i": i })).collect();
    let r = tokio::time::timeout(
        HANG_GUARD,
        run_graph(graph(&[&t, &jq], vec![edge(&t, &jq)]), json!(items)),
    )
    .await
    .expect("the run ends");
    assert_eq!(r.status, RunStatus::Completed, "{:?}", r.error);
    assert_eq!(out(&r, &jq, "main").len(), 2000);

    let one_endless = node(
        "data.transform",
        "One endless",
        json!({"expression": "if .i == 1 then last(range(1e12)) else . end"}),
    );
    let r = tokio::time::timeout(
        HANG_GUARD,
        run_graph(
            graph(&[&t, &one_endless], vec![edge(&t, &one_endless)]),
            json!([{"i": 0}, {"i": 1}, {"i": 2}]),
        ),
    )
    .await
    .expect("the run ends");
    assert_eq!(r.status, RunStatus::Failed);
    let error = r.error.unwrap_or_default();
    assert!(
        error.contains("One endless") && error.contains("jq step budget"),
        "{error}"
    );
}
