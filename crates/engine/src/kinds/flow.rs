//! Flow kinds: condition (true/false ports), switch (a port per rule plus default), merge,
//! delay and output. An empty port is an untaken branch.

use std::sync::Arc;
use std::time::Duration;

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::{NodeCall, NodeFuture, NodeOutput, NodeRun, MAIN};
use crate::error::NodeError;
use crate::template::{item_context, Condition};
use crate::value::Val;

fn taken(ports: Vec<(String, Vec<Val>)>) -> NodeOutput {
    NodeOutput {
        ports: ports
            .into_iter()
            .filter(|(_, items)| !items.is_empty())
            .collect(),
        ..NodeOutput::default()
    }
}

pub fn condition(call: &NodeCall) -> NodeRun {
    let source = call
        .str_config("expression")
        .ok_or("config.expression must be a string")?;
    let cond = Condition::compile(source)?;
    let input = call.input_value();
    let (mut yes, mut no) = (Vec::new(), Vec::new());
    for (i, item) in call.items.iter().enumerate() {
        if cond.test(&item_context(item, i, &input))? {
            yes.push(item.clone());
        } else {
            no.push(item.clone());
        }
    }
    Ok(taken(vec![("true".into(), yes), ("false".into(), no)]))
}

/// The port names `flow.switch` rules declare, in rule order.
pub fn switch_rule_ports(config: &Json) -> Vec<String> {
    config
        .get("rules")
        .and_then(Json::as_array)
        .map(|rules| {
            rules
                .iter()
                .filter_map(|r| r.get("port").and_then(Json::as_str).map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

pub fn switch(call: &NodeCall) -> NodeRun {
    let rules = call
        .config()
        .get("rules")
        .and_then(Json::as_array)
        .ok_or("config.rules must be an array of {port, expression}")?;
    let every_match = call.str_config("mode") == Some("all");
    let compiled = rules
        .iter()
        .map(|r| {
            let port = r
                .get("port")
                .and_then(Json::as_str)
                .ok_or("each rule needs a port name")?;
            let expr = r
                .get("expression")
                .and_then(Json::as_str)
                .ok_or("each rule needs an expression")?;
            Ok((port, Condition::compile(expr)?))
        })
        .collect::<Result<Vec<_>, String>>()?;
    let input = call.input_value();
    let mut routed: Vec<Vec<Val>> = vec![Vec::new(); compiled.len()];
    let mut default = Vec::new();
    for (i, item) in call.items.iter().enumerate() {
        let ctx = item_context(item, i, &input);
        let mut matched = false;
        for (slot, (_, cond)) in compiled.iter().enumerate() {
            if cond.test(&ctx)? {
                routed[slot].push(item.clone());
                matched = true;
                if !every_match {
                    break;
                }
            }
        }
        if !matched {
            default.push(item.clone());
        }
    }
    let mut ports: Vec<(String, Vec<Val>)> = compiled
        .iter()
        .zip(routed)
        .map(|((port, _), items)| ((*port).to_string(), items))
        .collect();
    ports.push(("default".into(), default));
    Ok(taken(ports))
}

/// Every node waits for all its connected inputs; merge also chooses how branches combine.
pub fn merge(call: &NodeCall) -> NodeRun {
    match call.str_config("mode").unwrap_or("append") {
        "append" => Ok(NodeOutput::main(call.items.to_vec())),
        "byIndex" => {
            let branches: Vec<&Arc<Vec<Val>>> = if call.branches.is_empty() {
                vec![&call.items]
            } else {
                call.branches.iter().collect()
            };
            let len = branches.iter().map(|b| b.len()).max().unwrap_or(0);
            let merged = (0..len)
                .map(|i| {
                    let mut obj: BTreeMap<Arc<str>, Val> = BTreeMap::new();
                    for branch in &branches {
                        match branch.get(i) {
                            Some(Val::Object(m)) => {
                                obj.extend(m.iter().map(|(k, v)| (Arc::clone(k), v.clone())))
                            }
                            Some(other) => {
                                obj.insert(Arc::from("value"), other.clone());
                            }
                            None => {}
                        }
                    }
                    Val::object(obj)
                })
                .collect();
            Ok(NodeOutput::main(merged))
        }
        other => Err(NodeError::permanent(format!(
            "config.mode '{other}' is not append or byIndex"
        ))),
    }
}

pub fn delay(call: Arc<NodeCall>) -> NodeFuture {
    Box::pin(async move {
        let ms = call
            .config()
            .get("ms")
            .and_then(Json::as_u64)
            .ok_or("config.ms must be a whole number of milliseconds")?;
        // Cancellation aborts this task, so the sleep needs no check of its own.
        tokio::time::sleep(Duration::from_millis(ms)).await;
        Ok(NodeOutput::main(call.items.to_vec()))
    })
}

/// Marks the run's result: passes its items through as the output.
pub fn output(call: &NodeCall) -> NodeRun {
    Ok(NodeOutput {
        ports: vec![(MAIN.to_string(), call.items.to_vec())],
        ..NodeOutput::default()
    })
}
