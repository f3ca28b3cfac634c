//! Rows in the one form both databases agree on: an entity's camelCase JSON with every value normalized by its column's kind, plus its field stamps.

use neuroflow_model::entities::{json_key, Column};
use neuroflow_model::fields::{self, Stamped, Stamps};
use neuroflow_store::value::SqlValue;
use serde_json::{Map, Value};

use crate::error::SyncError;

/// A row as JSON (`to_jsonb` of Postgres, snake_case keys) turned into the entity form: each
/// column's value parsed and printed back by its kind, so a time or a number reads the same
/// whichever database it came from.
pub fn from_snake(
    columns: &[&Column],
    row: &Map<String, Value>,
) -> Result<Map<String, Value>, SyncError> {
    let camel: Map<String, Value> = columns
        .iter()
        .map(|c| {
            (
                json_key(c.name),
                row.get(c.name).cloned().unwrap_or(Value::Null),
            )
        })
        .collect();
    normalize(columns, &camel)
}

/// The entity form of a camelCase row, each value normalized by its column's kind.
pub fn normalize(
    columns: &[&Column],
    row: &Map<String, Value>,
) -> Result<Map<String, Value>, SyncError> {
    columns
        .iter()
        .map(|c| {
            let v = SqlValue::from_json(c, row)
                .map_err(|e| SyncError::Invalid(format!("a {} row: {e}", c.name)))?;
            Ok((json_key(c.name), v.into_json()))
        })
        .collect()
}

/// The values of a row for binding, in column order.
pub fn values(columns: &[&Column], row: &Map<String, Value>) -> Result<Vec<SqlValue>, SyncError> {
    columns
        .iter()
        .map(|c| {
            SqlValue::from_json(c, row)
                .map_err(|e| SyncError::Invalid(format!("a {} value: {e}", c.name)))
        })
        .collect()
}

/// Field stamps from a stored `field_hlc` value (a JSON object; text on SQLite).
pub fn stamps(v: Option<&Value>) -> Stamps {
    match v {
        Some(Value::String(text)) => serde_json::from_str(text).unwrap_or_default(),
        Some(other) => serde_json::from_value(other.clone()).unwrap_or_default(),
        None => Stamps::new(),
    }
}

/// A row and its stamps as one side of a merge.
pub fn stamped(table: &str, row: &Map<String, Value>, stamps: Stamps) -> Stamped {
    Stamped {
        fields: fields::split(table, row),
        stamps,
    }
}

/// The row that a merge result makes of `base` (identity and creation kept from it), with its
/// row-level `hlc` the greatest field stamp.
pub fn joined(table: &str, base: &Map<String, Value>, merged: &Stamped) -> Map<String, Value> {
    let mut row = base.clone();
    fields::join(table, &mut row, &merged.fields);
    let hlc = fields::max_stamp(&merged.stamps);
    if !hlc.is_empty() {
        row.insert("hlc".into(), Value::String(hlc));
    }
    row
}
