//! `blueprint.call`: runs a tool blueprint as a sub-graph. The call's items go to the
//! blueprint's input (or trigger) nodes; its output nodes give the result. A blueprint that
//! calls itself, directly or through others, is refused.

use std::sync::Arc;

use neuroflow_model::graph::Graph;
use serde_json::Value as Json;
use uuid::Uuid;

use super::{NodeCall, NodeFuture, NodeOutput};
use crate::error::NodeError;
use crate::scheduler::run_blueprint;

/// How deep blueprint calls may nest, recursion aside.
pub const MAX_DEPTH: usize = 16;

pub fn blueprint_id(config: &Json) -> Option<Uuid> {
    super::id_in(config, "blueprintId")
}

/// The ids of the blueprints a graph's `blueprint.call` nodes call, in node order.
pub fn called_blueprints(graph: &Graph) -> Vec<Uuid> {
    graph
        .nodes
        .iter()
        .filter(|n| n.kind == "blueprint.call")
        .filter_map(|n| blueprint_id(&n.config))
        .collect()
}

pub fn run(call: Arc<NodeCall>) -> NodeFuture {
    Box::pin(async move {
        let id = blueprint_id(call.config()).ok_or("config.blueprintId must be a blueprint id")?;
        if call.run.blueprint_stack.contains(&id) {
            return Err(NodeError::permanent(format!(
                "blueprint {id} calls itself: recursion is refused"
            )));
        }
        if call.run.blueprint_stack.len() >= MAX_DEPTH {
            return Err(NodeError::permanent(format!(
                "blueprint calls nest deeper than {MAX_DEPTH}"
            )));
        }
        let blueprint = call.run.host.blueprint(id).await?;
        call.log(format!("blueprint '{}'", blueprint.name));
        let inner = run_blueprint(&call.run, id, blueprint.graph, call.items.clone()).await?;
        Ok(NodeOutput {
            ports: vec![(super::MAIN.to_string(), inner.items)],
            tokens: inner.tokens,
            cost: inner.cost,
        })
    })
}
