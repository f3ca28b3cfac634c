//! `blueprint.input`: passes a call's items on, refusing one that lacks a required parameter or brings one of the wrong type (the signature itself is `neuroflow_model::signature`).

use neuroflow_model::signature::fields;
use serde_json::Value as Json;

use super::{NodeCall, NodeOutput, NodeRun};
use crate::NodeError;

/// `blueprint.input`: passes the call's items on, refusing one that lacks a required
/// parameter (in words the calling agent can act on).
pub fn check_input(call: &NodeCall) -> NodeRun {
    let params = fields(call.config(), "parameters");
    for item in call.items.iter() {
        for (name, ty, _, required) in &params {
            match item.get(name).map(crate::value::Val::to_json).as_ref() {
                None | Some(Json::Null) if *required => {
                    return Err(NodeError::permanent(format!(
                        "the call lacks the required parameter '{name}' ({ty})"
                    )))
                }
                Some(v) if !fits(v, ty) => {
                    return Err(NodeError::permanent(format!(
                        "parameter '{name}' must be {}: {} given",
                        article(ty),
                        kind_of(v)
                    )))
                }
                _ => {}
            }
        }
    }
    Ok(NodeOutput::main(call.items.to_vec()))
}

fn fits(v: &Json, ty: &str) -> bool {
    match ty {
        "string" => v.is_string(),
        "number" => v.is_number(),
        "integer" => v.is_i64() || v.is_u64(),
        "boolean" => v.is_boolean(),
        "object" => v.is_object(),
        "array" => v.is_array(),
        _ => true,
    }
}

fn article(ty: &str) -> String {
    match ty {
        "integer" | "object" | "array" => format!("an {ty}"),
        other => format!("a {other}"),
    }
}

fn kind_of(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}
