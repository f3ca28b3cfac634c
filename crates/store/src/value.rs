//! Typed SQL values converted from and to an entity's JSON form, bound and decoded on either backend.

use chrono::{DateTime, Utc};
use neuroflow_model::entities::{json_key, ColKind, Column};
use serde_json::{Map, Value};
use sqlx::{ColumnIndex, Database, Decode, Encode, Row, Type};
use uuid::Uuid;

use crate::StoreError;

/// One bound value; `None` is SQL NULL of the column's type.
#[derive(Debug, Clone, PartialEq)]
pub enum SqlValue {
    Uuid(Option<Uuid>),
    Text(Option<String>),
    Int(Option<i32>),
    Real(Option<f64>),
    Bool(Option<bool>),
    Json(Option<Value>),
    Time(Option<DateTime<Utc>>),
}

impl SqlValue {
    /// The value of `column` taken from an entity serialized to JSON.
    pub fn from_json(column: &Column, obj: &Map<String, Value>) -> Result<SqlValue, StoreError> {
        let key = json_key(column.name);
        let v = obj.get(&key).unwrap_or(&Value::Null);
        let bad = || StoreError::Invalid(format!("field {key} has an unexpected value"));
        Ok(match column.kind {
            ColKind::Json => SqlValue::Json(if v.is_null() { None } else { Some(v.clone()) }),
            _ if v.is_null() => match column.kind {
                ColKind::Uuid => SqlValue::Uuid(None),
                ColKind::Text => SqlValue::Text(None),
                ColKind::Int => SqlValue::Int(None),
                ColKind::Real => SqlValue::Real(None),
                ColKind::Bool => SqlValue::Bool(None),
                ColKind::Time => SqlValue::Time(None),
                ColKind::Json => SqlValue::Json(None),
            },
            ColKind::Uuid => SqlValue::Uuid(Some(
                v.as_str()
                    .and_then(|s| Uuid::parse_str(s).ok())
                    .ok_or_else(bad)?,
            )),
            ColKind::Text => SqlValue::Text(Some(v.as_str().ok_or_else(bad)?.to_string())),
            ColKind::Int => SqlValue::Int(Some(
                v.as_i64()
                    .and_then(|i| i32::try_from(i).ok())
                    .ok_or_else(bad)?,
            )),
            ColKind::Real => SqlValue::Real(Some(v.as_f64().ok_or_else(bad)?)),
            ColKind::Bool => SqlValue::Bool(Some(v.as_bool().ok_or_else(bad)?)),
            ColKind::Time => SqlValue::Time(Some(
                v.as_str()
                    .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
                    .map(|t| t.with_timezone(&Utc))
                    .ok_or_else(bad)?,
            )),
        })
    }

    pub fn into_json(self) -> Value {
        match self {
            SqlValue::Uuid(v) => v.map_or(Value::Null, |u| Value::String(u.to_string())),
            SqlValue::Text(v) => v.map_or(Value::Null, Value::String),
            SqlValue::Int(v) => v.map_or(Value::Null, Value::from),
            SqlValue::Real(v) => v.map_or(Value::Null, Value::from),
            SqlValue::Bool(v) => v.map_or(Value::Null, Value::Bool),
            SqlValue::Json(v) => v.unwrap_or(Value::Null),
            SqlValue::Time(v) => v.map_or(Value::Null, |t| Value::String(t.to_rfc3339())),
        }
    }
}

/// Binds values in order onto a query for any backend whose types cover ours.
pub fn bind_all<'q, DB: Database>(
    mut query: sqlx::query::Query<'q, DB, <DB as Database>::Arguments<'q>>,
    values: Vec<SqlValue>,
) -> sqlx::query::Query<'q, DB, <DB as Database>::Arguments<'q>>
where
    Option<Uuid>: Encode<'q, DB> + Type<DB>,
    Option<String>: Encode<'q, DB> + Type<DB>,
    Option<i32>: Encode<'q, DB> + Type<DB>,
    Option<f64>: Encode<'q, DB> + Type<DB>,
    Option<bool>: Encode<'q, DB> + Type<DB>,
    Option<sqlx::types::Json<Value>>: Encode<'q, DB> + Type<DB>,
    Option<DateTime<Utc>>: Encode<'q, DB> + Type<DB>,
{
    for v in values {
        query = match v {
            SqlValue::Uuid(v) => query.bind(v),
            SqlValue::Text(v) => query.bind(v),
            SqlValue::Int(v) => query.bind(v),
            SqlValue::Real(v) => query.bind(v),
            SqlValue::Bool(v) => query.bind(v),
            SqlValue::Json(v) => query.bind(v.map(sqlx::types::Json)),
            SqlValue::Time(v) => query.bind(v),
        };
    }
    query
}

/// Reads the named columns of a row back into the entity's JSON form.
pub fn decode_row<'r, R: Row>(
    row: &'r R,
    columns: &[&Column],
) -> Result<Map<String, Value>, StoreError>
where
    &'r str: ColumnIndex<R>,
    Option<Uuid>: Decode<'r, R::Database> + Type<R::Database>,
    Option<String>: Decode<'r, R::Database> + Type<R::Database>,
    Option<i32>: Decode<'r, R::Database> + Type<R::Database>,
    Option<f64>: Decode<'r, R::Database> + Type<R::Database>,
    Option<bool>: Decode<'r, R::Database> + Type<R::Database>,
    Option<sqlx::types::Json<Value>>: Decode<'r, R::Database> + Type<R::Database>,
    Option<DateTime<Utc>>: Decode<'r, R::Database> + Type<R::Database>,
{
    let mut obj = Map::with_capacity(columns.len());
    for c in columns {
        let name: &'r str = c.name;
        let value = match c.kind {
            ColKind::Uuid => SqlValue::Uuid(row.try_get(name)?),
            ColKind::Text => SqlValue::Text(row.try_get(name)?),
            ColKind::Int => SqlValue::Int(row.try_get(name)?),
            ColKind::Real => SqlValue::Real(row.try_get(name)?),
            ColKind::Bool => SqlValue::Bool(row.try_get(name)?),
            ColKind::Json => SqlValue::Json(
                row.try_get::<Option<sqlx::types::Json<Value>>, _>(name)?
                    .map(|j| j.0),
            ),
            ColKind::Time => SqlValue::Time(row.try_get(name)?),
        };
        obj.insert(json_key(c.name), value.into_json());
    }
    Ok(obj)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_values_convert_by_column_kind() {
        let obj: Map<String, Value> = serde_json::from_value(serde_json::json!({
            "positionX": 1.5, "isActive": true, "createdBy": "0190a3e4-0000-7000-8000-000000000000",
            "version": 3, "deletedAt": null
        }))
        .expect("object");
        let col = |name, kind| Column { name, kind };
        assert_eq!(
            SqlValue::from_json(&col("position_x", ColKind::Real), &obj).ok(),
            Some(SqlValue::Real(Some(1.5)))
        );
        assert_eq!(
            SqlValue::from_json(&col("is_active", ColKind::Bool), &obj).ok(),
            Some(SqlValue::Bool(Some(true)))
        );
        assert!(matches!(
            SqlValue::from_json(&col("created_by", ColKind::Uuid), &obj),
            Ok(SqlValue::Uuid(Some(_)))
        ));
        assert_eq!(
            SqlValue::from_json(&col("deleted_at", ColKind::Time), &obj).ok(),
            Some(SqlValue::Time(None))
        );
        assert!(SqlValue::from_json(&col("version", ColKind::Text), &obj).is_err());
    }
}
