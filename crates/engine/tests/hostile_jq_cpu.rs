//! A jq program its node abandoned stops using the CPU even inside native work that takes no
//! steps (`[..]` over a deeply nested value is quadratic in jaq and never looks at its budgets):
//! the allocator puts its thread to sleep. Alone in its file, so no other test's jq threads run.

mod common;

use std::time::Duration;

use common::*;
use neuroflow_engine::*;
use serde_json::json;

/// CPU time (user + system, in clock ticks) of each live thread named `neuroflow-jq`.
fn jq_threads_cpu() -> Vec<(String, u64)> {
    let mut out = Vec::new();
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return out;
    };
    for task in tasks.flatten() {
        let comm = std::fs::read_to_string(task.path().join("comm")).unwrap_or_default();
        if comm.trim() != "neuroflow-jq" {
            continue;
        }
        let stat = std::fs::read_to_string(task.path().join("stat")).unwrap_or_default();
        // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
        let after = stat.rsplit(')').next().unwrap_or_default();
        let fields: Vec<&str> = after.split_whitespace().collect();
        let ticks = |i: usize| {
            fields
                .get(i)
                .and_then(|f| f.parse::<u64>().ok())
                .unwrap_or(0)
        };
        out.push((
            task.file_name().to_string_lossy().into_owned(),
            ticks(11) + ticks(12),
        ));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_abandoned_program_stops_using_the_cpu() {
    let t = manual();
    let jq = node(
        "data.transform",
        "Quadratic",
        json!({
            "expression": "reduce range(60000) as $i (null; [.]) | [..] | length",
            "timeoutMs": 3000
        }),
    );
    let r = run_graph(graph(&[&t, &jq], vec![edge(&t, &jq)]), json!({})).await;
    assert_eq!(r.status, RunStatus::Failed);
    assert!(r.error.unwrap_or_default().contains("timed out"));
    // Within a few seconds (the allowance of allocations after the stop) the abandoned
    // thread must be asleep: a second with no more than a few ticks of CPU. The whole
    // traversal would take minutes.
    let mut quiet = false;
    for _ in 0..10 {
        let before = jq_threads_cpu();
        tokio::time::sleep(Duration::from_secs(1)).await;
        let after = jq_threads_cpu();
        let busiest = after
            .iter()
            .map(|(tid, ticks)| {
                let was = before.iter().find(|(t, _)| t == tid).map_or(0, |(_, c)| *c);
                ticks.saturating_sub(was)
            })
            .max()
            .unwrap_or(0);
        // 100 ticks a second: a spinning thread gains about 100.
        if busiest < 5 {
            quiet = true;
            break;
        }
    }
    assert!(quiet, "the abandoned jq thread kept using the CPU for 10 s");
}
