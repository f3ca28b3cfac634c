//! `Val`, the JSON value items travel in: reference-counted, so a node that passes items on or
//! changes a few fields shares everything else with its input instead of copying it.
//!
//! A run keeps every node's output (the canvas shows each node's data). With plain
//! `serde_json::Value` items every node held a deep copy of each item it touched: 50 `data.set`
//! nodes over 10,000 items kept 50 copies of every field. Here strings, arrays and objects are
//! behind `Arc`s, and an object can be a small patch over the object it was made from, so a
//! node's output costs what it changed. It reads and writes as the same JSON as
//! `serde_json::Value` (objects iterate in key order, as serde_json's map does).

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::de::Deserializer;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::{Number, Value as Json};

/// One JSON value, cheap to clone.
#[derive(Clone, Default)]
pub enum Val {
    #[default]
    Null,
    Bool(bool),
    Number(Number),
    String(Arc<str>),
    Array(Arc<Vec<Val>>),
    Object(Arc<Obj>),
}

/// Changes made to an object: keys in order, each with its new value or `None` for a key
/// removed. Shared between every item a node changes the same way.
pub type Patch = Arc<Vec<(Arc<str>, Option<Val>)>>;

/// A patch of `entries`, sorted by key (each key once).
pub fn patch(entries: impl IntoIterator<Item = (Arc<str>, Option<Val>)>) -> Patch {
    Arc::new(entries.into_iter().collect())
}

/// What `held_size` counts for an object made by a node, besides its entries.
const OBJECT_BYTES: usize = 40;

/// Patches stacked on one object before a lookup walks too far: the next patch makes a flat
/// copy instead (pointers only; the values stay shared).
const MAX_PATCH_DEPTH: u16 = 32;

/// A JSON object: its own entries (sorted by key), over the object it patches, if any.
///
/// Kept small on purpose (24 bytes, 40 with its `Arc`): a patched item is one of these.
pub struct Obj {
    own: Patch,
    base: Option<Arc<Obj>>,
    len: u32,
    depth: u16,
}

impl Obj {
    /// An object of `entries` (any order; a later duplicate key wins).
    pub fn new(entries: impl IntoIterator<Item = (Arc<str>, Val)>) -> Self {
        let map: BTreeMap<Arc<str>, Val> = entries.into_iter().collect();
        Self::flat(patch(map.into_iter().map(|(k, v)| (k, Some(v)))))
    }

    fn flat(own: Patch) -> Self {
        let len = u32::try_from(own.len()).unwrap_or(u32::MAX);
        Self {
            own,
            base: None,
            len,
            depth: 0,
        }
    }

    pub fn empty() -> Self {
        Self::flat(Arc::new(Vec::new()))
    }

    /// `base` with `patch` made over it (`patch` sorted by key, each key once), sharing both.
    pub fn patched(base: &Arc<Obj>, patch: Patch) -> Self {
        let mut len = base.len;
        for (key, value) in patch.iter() {
            match (base.get(key).is_some(), value.is_some()) {
                (false, true) => len += 1,
                (true, false) => len -= 1,
                _ => {}
            }
        }
        if base.depth + 1 >= MAX_PATCH_DEPTH {
            let mut map: BTreeMap<Arc<str>, Val> = base
                .iter()
                .map(|(k, v)| (Arc::clone(k), v.clone()))
                .collect();
            for (key, value) in patch.iter() {
                match value {
                    Some(v) => map.insert(Arc::clone(key), v.clone()),
                    None => map.remove(key),
                };
            }
            return Self::new(map);
        }
        Self {
            own: patch,
            base: Some(Arc::clone(base)),
            len,
            depth: base.depth + 1,
        }
    }

    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// The object this one patches, and the patch, when it is a patch.
    pub fn patch_parts(&self) -> Option<(&Arc<Obj>, &Patch)> {
        self.base.as_ref().map(|base| (base, &self.own))
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn get(&self, key: &str) -> Option<&Val> {
        let mut obj = self;
        loop {
            match obj.own.binary_search_by(|(k, _)| (**k).cmp(key)) {
                Ok(at) => return obj.own[at].1.as_ref(),
                Err(_) => obj = obj.base.as_deref()?,
            }
        }
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The entries in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&Arc<str>, &Val)> {
        self.entries().into_iter()
    }

    pub fn keys(&self) -> impl Iterator<Item = &Arc<str>> {
        self.entries().into_iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl Iterator<Item = &Val> {
        self.entries().into_iter().map(|(_, v)| v)
    }

    fn held_size(&self) -> usize {
        let own = if Arc::strong_count(&self.own) > 1 {
            8
        } else {
            self.own
                .iter()
                .map(|(k, v)| k.len() + 4 + v.as_ref().map_or(0, Val::held_size))
                .sum()
        };
        let base = match &self.base {
            Some(b) if Arc::strong_count(b) == 1 => b.held_size(),
            _ => 0,
        };
        // The object itself (its `Arc`, its slot in the list): about what it takes in memory,
        // so a run of many small patches is not counted as next to nothing.
        OBJECT_BYTES + own + base
    }

    fn entries(&self) -> Vec<(&Arc<str>, &Val)> {
        let own = self
            .own
            .iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| (k, v)));
        let Some(base) = self.base.as_deref() else {
            return own.collect();
        };
        // Both lists are sorted: merge them, the patch's entries (and removals) winning.
        let below = base.entries();
        let mut out = Vec::with_capacity(self.len());
        let mut below = below.into_iter().peekable();
        for (key, value) in self.own.iter() {
            while let Some((k, _)) = below.peek() {
                match (***k).cmp(&**key) {
                    Ordering::Less => out.extend(below.next()),
                    Ordering::Equal => {
                        below.next();
                        break;
                    }
                    Ordering::Greater => break,
                }
            }
            if let Some(v) = value {
                out.push((key, v));
            }
        }
        out.extend(below);
        out
    }
}

impl Val {
    pub fn object(entries: impl IntoIterator<Item = (Arc<str>, Val)>) -> Self {
        Val::Object(Arc::new(Obj::new(entries)))
    }

    pub fn string(s: impl Into<Arc<str>>) -> Self {
        Val::String(s.into())
    }

    pub fn get(&self, key: &str) -> Option<&Val> {
        match self {
            Val::Object(o) => o.get(key),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&Arc<Obj>> {
        match self {
            Val::Object(o) => Some(o),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&Vec<Val>> {
        match self {
            Val::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Val::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Val::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Val::Number(n) => n.as_u64(),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Val::Number(n) => n.as_i64(),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Val::Number(n) => n.as_f64(),
            _ => None,
        }
    }

    pub fn is_object(&self) -> bool {
        matches!(self, Val::Object(_))
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Val::Null)
    }

    /// About how many bytes this value newly holds, as JSON: parts shared with a value made
    /// earlier (an input item a node passed on or patched) count as a pointer. Called on a
    /// node's output before anything else refers to it, so what is shared is what the node
    /// took from its input.
    pub fn held_size(&self) -> usize {
        match self {
            Val::Null | Val::Bool(_) => 5,
            Val::Number(_) => 8,
            Val::String(s) if Arc::strong_count(s) > 1 => 8,
            Val::String(s) => s.len() + 2,
            Val::Array(items) if Arc::strong_count(items) > 1 => 8,
            Val::Array(items) => 2 + items.iter().map(|i| i.held_size() + 1).sum::<usize>(),
            Val::Object(o) if Arc::strong_count(o) > 1 => 8,
            Val::Object(o) => o.held_size(),
        }
    }

    /// Whether both are the same value in memory (or equal scalars): what a node passed on
    /// rather than made.
    pub fn is_same(&self, other: &Val) -> bool {
        match (self, other) {
            (Val::Object(a), Val::Object(b)) => Arc::ptr_eq(a, b),
            (Val::Array(a), Val::Array(b)) => Arc::ptr_eq(a, b),
            (Val::String(a), Val::String(b)) => Arc::ptr_eq(a, b),
            (Val::Null, Val::Null) => true,
            (Val::Bool(a), Val::Bool(b)) => a == b,
            (Val::Number(a), Val::Number(b)) => a == b,
            _ => false,
        }
    }

    /// A deep copy as a `serde_json::Value`, for code that works on those.
    pub fn to_json(&self) -> Json {
        match self {
            Val::Null => Json::Null,
            Val::Bool(b) => Json::Bool(*b),
            Val::Number(n) => Json::Number(n.clone()),
            Val::String(s) => Json::String(s.to_string()),
            Val::Array(items) => Json::Array(items.iter().map(Val::to_json).collect()),
            Val::Object(o) => Json::Object(
                o.iter()
                    .map(|(k, v)| (k.to_string(), v.to_json()))
                    .collect(),
            ),
        }
    }
}

impl From<Json> for Val {
    fn from(json: Json) -> Self {
        match json {
            Json::Null => Val::Null,
            Json::Bool(b) => Val::Bool(b),
            Json::Number(n) => Val::Number(n),
            Json::String(s) => Val::String(s.into()),
            Json::Array(items) => Val::Array(Arc::new(items.into_iter().map(Val::from).collect())),
            Json::Object(map) => {
                // serde_json's map is already in key order.
                let own: Vec<(Arc<str>, Option<Val>)> = map
                    .into_iter()
                    .map(|(k, v)| (Arc::from(k), Some(Val::from(v))))
                    .collect();
                Val::Object(Arc::new(Obj::flat(Arc::new(own))))
            }
        }
    }
}

impl From<&Json> for Val {
    fn from(json: &Json) -> Self {
        match json {
            Json::Null => Val::Null,
            Json::Bool(b) => Val::Bool(*b),
            Json::Number(n) => Val::Number(n.clone()),
            Json::String(s) => Val::String(s.as_str().into()),
            Json::Array(items) => Val::Array(Arc::new(items.iter().map(Val::from).collect())),
            Json::Object(map) => {
                let own: Vec<(Arc<str>, Option<Val>)> = map
                    .iter()
                    .map(|(k, v)| (Arc::from(k.as_str()), Some(Val::from(v))))
                    .collect();
                Val::Object(Arc::new(Obj::flat(Arc::new(own))))
            }
        }
    }
}

impl From<Val> for Json {
    fn from(val: Val) -> Self {
        val.to_json()
    }
}

impl From<&str> for Val {
    fn from(s: &str) -> Self {
        Val::String(s.into())
    }
}

impl From<String> for Val {
    fn from(s: String) -> Self {
        Val::String(s.into())
    }
}

impl From<bool> for Val {
    fn from(b: bool) -> Self {
        Val::Bool(b)
    }
}

impl From<u64> for Val {
    fn from(n: u64) -> Self {
        Val::Number(n.into())
    }
}

impl From<i64> for Val {
    fn from(n: i64) -> Self {
        Val::Number(n.into())
    }
}

static NULL: Val = Val::Null;

/// `val["key"]`, `Null` when there is no such field (as with `serde_json::Value`).
impl std::ops::Index<&str> for Val {
    type Output = Val;

    fn index(&self, key: &str) -> &Val {
        self.get(key).unwrap_or(&NULL)
    }
}

/// `val[i]`, `Null` past the end or on a non-array.
impl std::ops::Index<usize> for Val {
    type Output = Val;

    fn index(&self, i: usize) -> &Val {
        self.as_array()
            .and_then(|items| items.get(i))
            .unwrap_or(&NULL)
    }
}

impl PartialEq for Val {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Val::Null, Val::Null) => true,
            (Val::Bool(a), Val::Bool(b)) => a == b,
            (Val::Number(a), Val::Number(b)) => a == b,
            (Val::String(a), Val::String(b)) => a == b,
            (Val::Array(a), Val::Array(b)) => Arc::ptr_eq(a, b) || a == b,
            (Val::Object(a), Val::Object(b)) => Arc::ptr_eq(a, b) || **a == **b,
            _ => false,
        }
    }
}

impl PartialEq for Obj {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl PartialEq<Json> for Val {
    fn eq(&self, other: &Json) -> bool {
        match (self, other) {
            (Val::Null, Json::Null) => true,
            (Val::Bool(a), Json::Bool(b)) => a == b,
            (Val::Number(a), Json::Number(b)) => a == b,
            (Val::String(a), Json::String(b)) => **a == **b,
            (Val::Array(a), Json::Array(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
            }
            (Val::Object(a), Json::Object(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .zip(b)
                        .all(|((ka, va), (kb, vb))| **ka == **kb && va == vb)
            }
            _ => false,
        }
    }
}

impl PartialEq<str> for Val {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == Some(other)
    }
}

impl PartialEq<&str> for Val {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == Some(*other)
    }
}

/// `val == 3`, `val == true`, as with `serde_json::Value`.
macro_rules! eq_scalar {
    ($($t:ty => $as:ident as $wide:ty),*) => {$(
        impl PartialEq<$t> for Val {
            fn eq(&self, other: &$t) -> bool {
                self.$as().is_some_and(|v: $wide| v == <$wide>::from(*other))
            }
        }
    )*};
}

eq_scalar!(
    i32 => as_i64 as i64,
    i64 => as_i64 as i64,
    u32 => as_u64 as u64,
    u64 => as_u64 as u64,
    f64 => as_f64 as f64,
    bool => as_bool as bool
);

impl fmt::Debug for Val {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Debug for Obj {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// Compact JSON, as `serde_json::Value` displays.
impl fmt::Display for Val {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = serde_json::to_string(self).map_err(|_| fmt::Error)?;
        f.write_str(&text)
    }
}

impl Serialize for Val {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Val::Null => serializer.serialize_unit(),
            Val::Bool(b) => serializer.serialize_bool(*b),
            Val::Number(n) => n.serialize(serializer),
            Val::String(s) => serializer.serialize_str(s),
            Val::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items.iter() {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Val::Object(o) => {
                let mut map = serializer.serialize_map(Some(o.len()))?;
                for (k, v) in o.iter() {
                    map.serialize_entry(&**k, v)?;
                }
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Val {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Json::deserialize(deserializer).map(Val::from)
    }
}

/// Items are typed as JSON in the bindings, as before.
impl specta::Type for Val {
    fn definition(types: &mut specta::Types) -> specta::datatype::DataType {
        <Json as specta::Type>::definition(types)
    }
}

/// Items as `Val`s, from a JSON array's elements (or the one value).
pub fn vals(items: Vec<Json>) -> Vec<Val> {
    items.into_iter().map(Val::from).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn key(s: &str) -> Arc<str> {
        Arc::from(s)
    }

    #[test]
    fn json_round_trips_in_key_order() {
        let json = json!({"b": [1, "two", null, {"z": true, "a": 1.5}], "a": {}, "c": -3});
        let val = Val::from(&json);
        assert_eq!(val.to_json(), json);
        assert_eq!(
            serde_json::to_string(&val).expect("serializes"),
            json.to_string()
        );
        assert_eq!(val, json);
        let back: Val = serde_json::from_str(&json.to_string()).expect("parses");
        assert_eq!(back, val);
    }

    #[test]
    fn a_patch_shares_its_base_and_reads_as_the_merged_object() {
        let base = match Val::from(json!({"a": 1, "c": 3, "e": 5})) {
            Val::Object(o) => o,
            _ => unreachable!("an object"),
        };
        let patch: Patch = Arc::new(vec![
            (key("b"), Some(Val::from(2u64))),
            (key("c"), None),
            (key("e"), Some(Val::from("five"))),
            (key("f"), Some(Val::Null)),
        ]);
        let patched = Obj::patched(&base, patch);
        assert_eq!(patched.len(), 4);
        assert_eq!(
            Val::Object(Arc::new(patched)).to_json(),
            json!({"a": 1, "b": 2, "e": "five", "f": null})
        );
        assert_eq!(base.len(), 3, "the base is unchanged");
    }

    #[test]
    fn deep_patch_stacks_flatten_and_keep_every_field() {
        let mut obj = Arc::new(Obj::empty());
        for i in 0..100u64 {
            let patch: Patch = Arc::new(vec![(key(&format!("f{}", i % 7)), Some(Val::from(i)))]);
            obj = Arc::new(Obj::patched(&obj, patch));
            assert!(obj.depth < MAX_PATCH_DEPTH);
        }
        assert_eq!(obj.len(), 7);
        assert_eq!(obj.get("f1").and_then(Val::as_u64), Some(99));
        assert_eq!(obj.get("f0").and_then(Val::as_u64), Some(98));
        let keys: Vec<String> = obj.keys().map(|k| k.to_string()).collect();
        assert_eq!(keys, ["f0", "f1", "f2", "f3", "f4", "f5", "f6"]);
    }

    #[test]
    fn equality_is_by_value() {
        let a = Val::from(json!({"x": [1, {"y": 2}]}));
        let b = Val::from(json!({"x": [1, {"y": 2}]}));
        assert_eq!(a, b);
        assert_ne!(a, Val::from(json!({"x": [1, {"y": 3}]})));
        assert_ne!(Val::from(json!(1)), Val::from(json!("1")));
    }
}
