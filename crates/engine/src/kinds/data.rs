//! `data.set`: adds or overwrites fields on each item (values may be templates over the item); `data.constant`: a fixed value as items.

use serde_json::{Map, Value as Json};

use super::{NodeCall, NodeOutput, NodeRun};
use crate::template::{item_context, Tpl};

pub fn set(call: &NodeCall) -> NodeRun {
    let fields = call
        .config()
        .get("fields")
        .and_then(Json::as_object)
        .ok_or("config.fields must be an object of field → value")?;
    let keep_only_set = call
        .config()
        .get("keepOnlySet")
        .and_then(Json::as_bool)
        .unwrap_or(false);
    let compiled: Vec<(Vec<&str>, Tpl)> = fields
        .iter()
        .map(|(path, value)| Ok((path.split('.').collect(), Tpl::compile(value)?)))
        .collect::<Result<_, String>>()?;
    let templated = compiled.iter().any(|(_, t)| t.literal().is_none());
    // The run input is converted once per run, not once per item.
    let input = if templated {
        call.input_value()
    } else {
        minijinja::Value::UNDEFINED
    };
    let mut out = Vec::with_capacity(call.items.len());
    for (index, item) in call.items.iter().enumerate() {
        let ctx = templated.then(|| item_context(item, index, &input));
        let mut obj = if keep_only_set {
            Map::new()
        } else {
            match item {
                Json::Object(m) => m.clone(),
                other => {
                    let mut m = Map::new();
                    m.insert("value".into(), other.clone());
                    m
                }
            }
        };
        for (path, tpl) in &compiled {
            let value = match (tpl.literal(), &ctx) {
                (Some(v), _) => v.clone(),
                (None, Some(ctx)) => tpl.render(ctx)?,
                (None, None) => Json::Null,
            };
            set_path(&mut obj, path, value);
        }
        out.push(Json::Object(obj));
    }
    Ok(NodeOutput::main(out))
}

/// Sets `a.b.c`, making (or replacing with) objects along the way.
fn set_path(obj: &mut Map<String, Json>, path: &[&str], value: Json) {
    match path {
        [] => {}
        [last] => {
            obj.insert((*last).to_string(), value);
        }
        [first, rest @ ..] => {
            let slot = obj
                .entry((*first).to_string())
                .or_insert_with(|| Json::Object(Map::new()));
            if !slot.is_object() {
                *slot = Json::Object(Map::new());
            }
            if let Json::Object(inner) = slot {
                set_path(inner, rest, value);
            }
        }
    }
}

/// `data.constant`: its configured value as items (a list gives one item per element).
pub fn constant(call: &NodeCall) -> NodeRun {
    let items = match call.config().get("value") {
        Some(Json::Array(items)) => items.clone(),
        Some(Json::Null) | None => Vec::new(),
        Some(value) => vec![value.clone()],
    };
    Ok(NodeOutput::main(items))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dotted_paths_nest() {
        let mut m = Map::new();
        m.insert("a".into(), json!(1));
        set_path(&mut m, &["a", "b"], json!(2));
        set_path(&mut m, &["c"], json!(3));
        assert_eq!(Json::Object(m), json!({"a": {"b": 2}, "c": 3}));
    }
}
