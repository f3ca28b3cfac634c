//! A tool blueprint's signature: the JSON Schema of its parameters (its `blueprint.input` components) and of its result (its `output` components).

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value as Json};

use crate::graph::Graph;

/// What an agent (or a workflow's `blueprint.call`) sees of a blueprint: JSON Schemas as
/// function-calling APIs take them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ToolSignature {
    pub input_schema: Json,
    pub output_schema: Json,
}

const TYPES: [&str; 6] = ["string", "number", "integer", "boolean", "object", "array"];

/// `(name, type, description, required)` of a `parameters` / `fields` list; entries without a
/// name or with an unknown type are left out (validation reports them).
pub fn fields(config: &Json, key: &str) -> Vec<(String, String, String, bool)> {
    config
        .get(key)
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(|f| {
            let name = f.get("name")?.as_str()?.trim();
            let ty = f.get("type")?.as_str()?;
            if name.is_empty() || !TYPES.contains(&ty) {
                return None;
            }
            let description = f
                .get("description")
                .and_then(Json::as_str)
                .unwrap_or("")
                .to_string();
            let required = f.get("required").and_then(Json::as_bool).unwrap_or(false);
            Some((name.to_string(), ty.to_string(), description, required))
        })
        .collect()
}

fn object_schema(entries: Vec<(String, String, String, bool)>) -> Json {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for (name, ty, description, req) in entries {
        let mut p = Map::new();
        p.insert("type".into(), json!(ty));
        if !description.is_empty() {
            p.insert("description".into(), json!(description));
        }
        if req && !required.contains(&json!(name)) {
            required.push(json!(name));
        }
        properties.insert(name, Json::Object(p));
    }
    json!({"type": "object", "properties": properties, "required": required})
}

/// The signature the graph's input and output components declare.
pub fn signature(graph: &Graph) -> ToolSignature {
    let of = |kind: &str, key: &str| -> Vec<_> {
        graph
            .nodes
            .iter()
            .filter(|n| n.kind == kind)
            .flat_map(|n| fields(&n.config, key))
            .collect()
    };
    ToolSignature {
        input_schema: object_schema(of("blueprint.input", "parameters")),
        output_schema: object_schema(of("output", "fields")),
    }
}
