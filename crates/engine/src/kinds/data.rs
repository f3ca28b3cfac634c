//! `data.set`: adds or overwrites fields on each item (values may be templates over the item); `data.constant`: a fixed value as items.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value as Json;

use super::{NodeCall, NodeOutput, NodeRun};
use crate::template::{item_context, Tpl};
use crate::value::{patch, Obj, Patch, Val};

/// One configured field: its path (`a.b.c`) and value.
struct Field<'a> {
    path: Vec<Arc<str>>,
    tpl: Tpl<'a>,
}

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
    let compiled: Vec<Field> = fields
        .iter()
        .map(|(path, value)| {
            Ok(Field {
                path: path.split('.').map(Arc::from).collect(),
                tpl: Tpl::compile(value)?,
            })
        })
        .collect::<Result<_, String>>()?;
    let templated = compiled.iter().any(|f| f.tpl.literal().is_none());
    let nested = compiled.iter().any(|f| f.path.len() > 1);
    // Fixed top-level values make the same patch on every item: it is built once and shared
    // by all of them, so each output item costs one small object over its input item.
    let shared: Option<Patch> = (!templated && !nested).then(|| {
        let mut fixed = BTreeMap::new();
        for f in &compiled {
            if let (Some(v), [key]) = (f.tpl.literal(), f.path.as_slice()) {
                fixed.insert(Arc::clone(key), Some(Val::from(v)));
            }
        }
        patch(fixed)
    });
    // The run input is converted once per run, not once per item.
    let input = if templated {
        call.input_value()
    } else {
        minijinja::Value::UNDEFINED
    };
    let empty = Arc::new(Obj::empty());
    let mut out = Vec::with_capacity(call.items.len());
    for (index, item) in call.items.iter().enumerate() {
        let base: Arc<Obj> = if keep_only_set {
            Arc::clone(&empty)
        } else {
            match item {
                Val::Object(o) => Arc::clone(o),
                other => Arc::new(Obj::new([(Arc::from("value"), other.clone())])),
            }
        };
        let patch = match &shared {
            Some(fixed) => Arc::clone(fixed),
            None => {
                let ctx = templated.then(|| item_context(item, index, &input));
                let mut changes: BTreeMap<Arc<str>, Option<Val>> = BTreeMap::new();
                for f in &compiled {
                    let value = match (f.tpl.literal(), &ctx) {
                        (Some(v), _) => Val::from(v),
                        (None, Some(ctx)) => Val::from(f.tpl.render(ctx)?),
                        (None, None) => Val::Null,
                    };
                    set_path(&base, &mut changes, &f.path, value);
                }
                patch(changes)
            }
        };
        out.push(Val::Object(Arc::new(Obj::patched(&base, patch))));
    }
    Ok(NodeOutput::main(out))
}

/// Sets `a.b.c` in `changes` (over `base`), making (or replacing with) objects along the way;
/// an object on the path is patched, so its other fields stay shared.
fn set_path(
    base: &Obj,
    changes: &mut BTreeMap<Arc<str>, Option<Val>>,
    path: &[Arc<str>],
    value: Val,
) {
    match path {
        [] => {}
        [last] => {
            changes.insert(Arc::clone(last), Some(value));
        }
        [first, rest @ ..] => {
            let current = match changes.get(first) {
                Some(set) => set.clone(),
                None => base.get(first).cloned(),
            };
            let inner = match current {
                Some(Val::Object(o)) => o,
                _ => Arc::new(Obj::empty()),
            };
            let mut inner_patch = BTreeMap::new();
            set_path(&inner, &mut inner_patch, rest, value);
            let made = Val::Object(Arc::new(Obj::patched(&inner, patch(inner_patch))));
            changes.insert(Arc::clone(first), Some(made));
        }
    }
}

/// `data.constant`: its configured value as items (a list gives one item per element).
pub fn constant(call: &NodeCall) -> NodeRun {
    let items = match call.config().get("value") {
        Some(Json::Array(items)) => items.iter().map(Val::from).collect(),
        Some(Json::Null) | None => Vec::new(),
        Some(value) => vec![Val::from(value)],
    };
    Ok(NodeOutput::main(items))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn set_all(base: Json, paths: &[(&str, Json)]) -> Json {
        let base = match Val::from(base) {
            Val::Object(o) => o,
            _ => unreachable!("an object"),
        };
        let mut changes = BTreeMap::new();
        for (path, value) in paths {
            let path: Vec<Arc<str>> = path.split('.').map(Arc::from).collect();
            set_path(&base, &mut changes, &path, Val::from(value.clone()));
        }
        Val::Object(Arc::new(Obj::patched(&base, super::patch(changes)))).to_json()
    }

    #[test]
    fn dotted_paths_nest() {
        assert_eq!(
            set_all(json!({"a": 1}), &[("a.b", json!(2)), ("c", json!(3))]),
            json!({"a": {"b": 2}, "c": 3})
        );
        assert_eq!(
            set_all(
                json!({"a": {"x": 1, "y": {"z": 0}}}),
                &[("a.y.z", json!(5)), ("a.w", json!(6))]
            ),
            json!({"a": {"w": 6, "x": 1, "y": {"z": 5}}})
        );
        assert_eq!(
            set_all(json!({}), &[("a", json!(1)), ("a.b", json!(2))]),
            json!({"a": {"b": 2}})
        );
    }
}
