//! Property: on any random valid DAG, every node runs at most once and never before the
//! nodes that feed it have finished.

mod common;

use common::*;
use neuroflow_engine::*;
use proptest::prelude::*;
use serde_json::json;

/// A node count and, for each later node, which earlier nodes feed it (bit i of the mask).
fn dag() -> impl Strategy<Value = (usize, Vec<u64>, Vec<bool>)> {
    (2usize..24).prop_flat_map(|n| {
        (
            Just(n),
            proptest::collection::vec(any::<u64>(), n),
            proptest::collection::vec(any::<bool>(), n),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn random_dags_run_each_node_once_in_edge_order((n, masks, conditions) in dag()) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        let trigger = manual();
        // Conditions (always true) and sets; an odd node may be a condition to exercise ports.
        let nodes: Vec<_> = (1..n)
            .map(|i| if conditions[i] && i % 3 == 0 {
                node("flow.condition", &format!("C{i}"), json!({"expression": "item.x is defined or true"}))
            } else {
                set(&format!("S{i}"), json!({format!("f{i}"): i}))
            })
            .collect();
        let mut all = vec![&trigger];
        all.extend(nodes.iter());
        let mut edges = Vec::new();
        for (j, target) in all.iter().enumerate().skip(1) {
            let mut fed = false;
            for (i, source) in all.iter().enumerate().take(j) {
                if masks[j] >> (i % 64) & 1 == 1 {
                    let port = (source.kind == "flow.condition").then_some("true");
                    edges.push(ports(source, port, target, None));
                    fed = true;
                }
            }
            if !fed {
                edges.push(edge(&trigger, target));
            }
        }
        let g = graph(&all, edges.clone());
        prop_assert!(validate(&g).is_empty());
        let result = runtime.block_on(run_graph(g, json!([{"x": 1}, {"x": 2}])));
        prop_assert_eq!(result.status, RunStatus::Completed);
        for r in &result.nodes {
            prop_assert_eq!(r.iterations, 1, "node {} ran {} times", r.label, r.iterations);
            prop_assert_eq!(r.status, NodeStatus::Succeeded);
        }
        prop_assert_eq!(result.nodes.len(), n);
        for e in &edges {
            let (s, t) = (result.node(e.source).expect("source"), result.node(e.target).expect("target"));
            prop_assert!(s.finished_seq < t.started_seq, "{} finished after {} started", s.label, t.label);
        }
    }
}
