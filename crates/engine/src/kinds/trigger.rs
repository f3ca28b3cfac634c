//! Trigger kinds (manual, webhook, schedule, blueprint input): entry points that emit the
//! run's input as items. Listening for webhooks and cron ticks is the host's job; it starts a
//! run with the request or tick as input.

use std::sync::Arc;

use super::{NodeCall, NodeOutput, NodeRun};
use crate::value::Val;

/// The items a trigger emits for a run input: an array gives one item per element, `null`
/// one empty object, anything else one item; items that are not objects are wrapped as
/// `{"value": …}` so every trigger output is an object.
pub fn items_of_input(input: &Val) -> Vec<Val> {
    let wrap = |v: &Val| match v {
        Val::Object(_) => v.clone(),
        other => Val::object([(Arc::from("value"), other.clone())]),
    };
    match input {
        Val::Null => vec![Val::object([])],
        Val::Array(items) => items.iter().map(wrap).collect(),
        other => vec![wrap(other)],
    }
}

pub fn fire(call: &NodeCall) -> NodeRun {
    Ok(NodeOutput::main(call.items.to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn inputs_become_object_items() {
        assert_eq!(items_of_input(&Val::from(json!(null))), vec![json!({})]);
        assert_eq!(
            items_of_input(&Val::from(json!({"a": 1}))),
            vec![json!({"a": 1})]
        );
        assert_eq!(
            items_of_input(&Val::from(json!([{"a": 1}, 2]))),
            vec![json!({"a": 1}), json!({"value": 2})]
        );
        assert_eq!(
            items_of_input(&Val::from(json!("x"))),
            vec![json!({"value": "x"})]
        );
    }
}
