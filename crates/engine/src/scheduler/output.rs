//! What a run gives back: its output nodes' items.

use super::*;

/// The result of a graph run: the `output` nodes' items (an object by label when there are
/// several), or the items of the nodes without outgoing edges when there is no output node.
pub(crate) fn run_output(plan: &Plan, results: &[Option<NodeResult>]) -> (Json, Vec<Json>) {
    let done = |r: &&NodeResult| matches!(r.status, NodeStatus::Succeeded | NodeStatus::Pinned);
    let outputs: Vec<&NodeResult> = results
        .iter()
        .enumerate()
        .filter(|(i, _)| plan.nodes[*i].kind.name == "output")
        .filter_map(|(_, r)| r.as_ref())
        .filter(done)
        .collect();
    let items_of = |r: &NodeResult| -> Vec<Json> {
        r.output
            .iter()
            .filter(|(p, _)| p.as_str() != ERROR_PORT)
            .flat_map(|(_, items)| items.iter().cloned())
            .collect()
    };
    match outputs.as_slice() {
        [one] => {
            let items = items_of(one);
            (Json::Array(items.clone()), items)
        }
        [] => {
            let items: Vec<Json> = results
                .iter()
                .enumerate()
                .filter(|(i, _)| plan.out_edges[*i].is_empty())
                .filter_map(|(_, r)| r.as_ref())
                .filter(done)
                .flat_map(items_of)
                .collect();
            (Json::Array(items.clone()), items)
        }
        many => {
            let mut by_label = serde_json::Map::new();
            let mut all = Vec::new();
            for r in many {
                let items = items_of(r);
                all.extend(items.iter().cloned());
                let key = if by_label.contains_key(&r.label) {
                    r.node_id.to_string()
                } else {
                    r.label.clone()
                };
                by_label.insert(key, Json::Array(items));
            }
            (Json::Object(by_label), all)
        }
    }
}
