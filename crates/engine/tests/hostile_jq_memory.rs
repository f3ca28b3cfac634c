//! jq programs whose values grow within a few steps (doubling strings, arrays and objects, one
//! huge repeat, a huge printed value) end as a clean failure of their node naming the memory
//! budget, while the test process stays under 1 GiB at its peak; programs under the budget,
//! and many items each under it, still run.
//!
//! A file of its own: the peak is the whole process's, so these tests run one at a time and
//! nothing else shares the process.

mod common;

use std::time::{Duration, Instant};

use common::*;
use neuroflow_engine::kinds::transform::JQ_MEMORY_BUDGET_BYTES;
use neuroflow_engine::*;
use neuroflow_model::graph::GraphNode;
use serde_json::{json, Value as Json};

/// Far above any budget here: firing means a hang, not slowness.
const HANG_GUARD: Duration = Duration::from_secs(120);

/// The most the test process may ever have resident.
const PEAK_LIMIT_KIB: u64 = 1024 * 1024;

/// One test at a time: the peak is measured over the process.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn memory_message() -> String {
    format!(
        "jq memory budget of {} MiB exceeded (the program's values grow too large)",
        JQ_MEMORY_BUDGET_BYTES / (1024 * 1024)
    )
}

/// A field of /proc/self/status in KiB (`VmHWM`: the peak resident set, `VmRSS`: now).
#[cfg(target_os = "linux")]
fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("the field")
}

#[cfg(not(target_os = "linux"))]
fn status_kib(_field: &str) -> u64 {
    0
}

fn assert_peak_under_limit(after: &str) {
    let peak = status_kib("VmHWM");
    eprintln!(
        "after {after}: peak {} MiB, resident {} MiB",
        peak / 1024,
        status_kib("VmRSS") / 1024
    );
    assert!(
        peak < PEAK_LIMIT_KIB,
        "after {after}: the process peaked at {} MiB",
        peak / 1024
    );
}

/// Runs one `data.transform` node over `input` and returns the run.
async fn run_jq(config: Json, input: Json) -> (RunResult, GraphNode) {
    let t = manual();
    let jq = node("data.transform", "Growing jq", config);
    let started = Instant::now();
    let r = tokio::time::timeout(
        HANG_GUARD,
        run_graph(graph(&[&t, &jq], vec![edge(&t, &jq)]), input),
    )
    .await
    .expect("the run ends");
    eprintln!("{:?} for {:?}", started.elapsed(), r.error);
    (r, jq)
}

/// The node's one-line failure, which the run's error names it by.
async fn fails(expression: &str) -> String {
    let (r, jq) = run_jq(json!({ "expression": expression }), json!({})).await;
    let error = failure_of(&r, &jq);
    assert_peak_under_limit(expression);
    error
}

async fn fails_on_memory(expression: &str) {
    let error = fails(expression).await;
    assert_eq!(error, memory_message(), "{expression}");
}

/// Values that double at each step are caught at a step and unwound (freeing them); a single
/// huge allocation is refused and its thread left behind; a value whose parts are shared is
/// caught while its results are made into items.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn growing_values_end_at_the_memory_budget() {
    let _one = ONE_AT_A_TIME.lock().await;
    // Doubling a string, an array, an object's keys.
    fails_on_memory("reduce range(40) as $i (\"x\"; . + .)").await;
    fails_on_memory("reduce range(40) as $i ([1]; . + .)").await;
    fails_on_memory(
        "reduce range(20) as $i ({\"a\": 1}; . + with_entries(.key += (\"\\($i)\" * 1000)))",
    )
    .await;
    // Ten million numbers in an array: few steps each, but 16 bytes apiece.
    fails_on_memory("[range(1e7)] | tostring").await;
    // One allocation of 10 GB in one step (jaq's `s.repeat(n)`).
    fails_on_memory("\"x\" * 10000000000").await;
    fails_on_memory("\"x\" * (1e10 | floor)").await;
    // jaq refuses a string times a decimal literal: a plain jq error, at once.
    let error = fails("\"x\" * 1e10").await;
    assert!(error.starts_with("jq error: cannot calculate"), "{error}");
    // 2^40 leaves sharing 40 objects: small in jaq, a terabyte once made into an item. Its
    // size is counted before it is made, so it ends at the output budget, no thread parked.
    let error = fails("reduce range(40) as $i ({\"a\": \"x\"}; {a: ., b: .})").await;
    assert!(error.starts_with("jq output budget exceeded"), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn programs_under_the_memory_budget_still_run() {
    let _one = ONE_AT_A_TIME.lock().await;
    for (expression, expected) in [
        ("[range(100000)] | length", json!(100_000)),
        // 200 MB at once, under the budget.
        ("\"x\" * 200000000 | length", json!(200_000_000)),
        ("[range(1e6)] | tostring | length", json!(6_888_891)),
    ] {
        let (r, jq) = run_jq(json!({ "expression": expression }), json!({})).await;
        assert_eq!(
            r.status,
            RunStatus::Completed,
            "{expression}: {:?}",
            r.error
        );
        assert_eq!(out(&r, &jq, "main"), vec![expected], "{expression}");
        assert_peak_under_limit(expression);
    }
}

/// The budget is per program run, as the step budget: in `each` mode every item may use most
/// of it, and the results kept from earlier items do not count (the output budget holds them).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_item_has_its_own_memory_budget() {
    let _one = ONE_AT_A_TIME.lock().await;
    // 12 items, each 220 MB of work and an 8 MB result: 96 MB of results and 220 MB of work
    // pass the budget together, and 2.6 GB of work in all.
    let items: Vec<Json> = (0..12).map(|i| json!({ "i": i })).collect();
    let (r, jq) = run_jq(
        json!({"expression": "(\"x\" * 220000000 | length) as $n | \"y\" * 8000000"}),
        json!(items),
    )
    .await;
    assert_eq!(r.status, RunStatus::Completed, "{:?}", r.error);
    let results = out(&r, &jq, "main");
    assert_eq!(results.len(), 12);
    for result in results {
        assert_eq!(result.as_str().map(str::len), Some(8_000_000));
    }
    assert_peak_under_limit("12 items of 220 MB");
}
