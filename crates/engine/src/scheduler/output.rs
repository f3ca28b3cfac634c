//! What a run gives back: its output nodes' items.

use super::*;

/// The result of a graph run: the `output` nodes' items (an object by label when there are
/// several), or the items of the nodes without outgoing edges when there is no output node.
pub(crate) fn run_output(plan: &Plan, results: &[Option<NodeResult>]) -> (Val, Vec<Val>) {
    let done = |r: &&NodeResult| matches!(r.status, NodeStatus::Succeeded | NodeStatus::Pinned);
    let outputs: Vec<&NodeResult> = results
        .iter()
        .enumerate()
        .filter(|(i, _)| plan.nodes[*i].kind.name == "output")
        .filter_map(|(_, r)| r.as_ref())
        .filter(done)
        .collect();
    let items_of = |r: &NodeResult| -> Vec<Val> {
        r.output
            .iter()
            .filter(|(p, _)| p.as_str() != ERROR_PORT)
            .flat_map(|(_, items)| items.iter().cloned())
            .collect()
    };
    match outputs.as_slice() {
        [one] => {
            let items = items_of(one);
            (Val::Array(Arc::new(items.clone())), items)
        }
        [] => {
            let items: Vec<Val> = results
                .iter()
                .enumerate()
                .filter(|(i, _)| plan.out_edges[*i].is_empty())
                .filter_map(|(_, r)| r.as_ref())
                .filter(done)
                .flat_map(items_of)
                .collect();
            (Val::Array(Arc::new(items.clone())), items)
        }
        many => {
            let mut by_label: Vec<(Arc<str>, Val)> = Vec::new();
            let mut all = Vec::new();
            for r in many {
                let items = items_of(r);
                all.extend(items.iter().cloned());
                let key = if by_label.iter().any(|(k, _)| **k == *r.label) {
                    r.node_id.to_string()
                } else {
                    r.label.clone()
                };
                by_label.push((Arc::from(key), Val::Array(Arc::new(items))));
            }
            (Val::object(by_label), all)
        }
    }
}
