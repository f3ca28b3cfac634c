//! The fields of a synced row as sync merges them, each with its own HLC stamp: which tables sync, how a row splits into fields and joins back, and the per-field last-writer-wins merge.
//!
//! A field is a column, except that a node's `position_x`/`position_y` move together as
//! `position`, and a JSON map column (a node's `config`) is one field per top-level key
//! (`config.url`), so two designers editing different settings of one node both keep theirs.
//! `deletedAt` is a field like the others: a delete wins over edits it did not see, and a
//! later revive (an undo) wins over the delete.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// Tables whose rows sync field by field, parents before children (the order a pull applies).
/// Saved versions sync too, but whole: they never change once written.
pub const SYNCED_TABLES: &[&str] = &[
    "workflows",
    "workflow_nodes",
    "workflow_edges",
    "tool_blueprints",
    "blueprint_components",
    "blueprint_connections",
    "ai_agents",
    "agent_teams",
    "team_members",
];

/// Whether rows of `table` carry per-field stamps and sync through the outbox merge.
pub fn is_synced(table: &str) -> bool {
    SYNCED_TABLES.contains(&table)
}

/// Tables whose local writes go to the team database: the merged ones, and saved versions
/// (whole rows). The rest (runs, integrations, drafts) stays on the device that wrote it, so
/// its writes are not put in the outbox at all.
pub const PUSHED_TABLES: &[&str] = &[
    "workflows",
    "workflow_nodes",
    "workflow_edges",
    "workflow_versions",
    "tool_blueprints",
    "blueprint_components",
    "blueprint_connections",
    "blueprint_versions",
    "ai_agents",
    "agent_teams",
    "team_members",
];

/// Whether a local write to `table` is recorded in the outbox for the team database.
pub fn is_pushed(table: &str) -> bool {
    PUSHED_TABLES.contains(&table)
}

/// Keys of a row object that are not fields: identity and bookkeeping the merge sets itself.
const NOT_FIELDS: &[&str] = &["id", "organizationId", "createdAt", "updatedAt", "hlc"];

/// JSON columns of `table` merged key by key.
fn keyed_maps(table: &str) -> &'static [&'static str] {
    match table {
        "workflow_nodes" | "blueprint_components" => &["config"],
        _ => &[],
    }
}

/// A row's fields: `None` is a map key that was removed (it still has a stamp).
pub type Fields = BTreeMap<String, Option<Value>>;

/// The stamp of each field's last write (HLC text form, which sorts like the stamp).
pub type Stamps = BTreeMap<String, String>;

/// The fields of a row object (camelCase keys, as entities serialize).
pub fn split(table: &str, row: &Map<String, Value>) -> Fields {
    let maps = keyed_maps(table);
    let mut out = Fields::new();
    for (key, value) in row {
        if NOT_FIELDS.contains(&key.as_str()) || key == "positionY" {
            continue;
        }
        if key == "positionX" {
            let y = row.get("positionY").cloned().unwrap_or(Value::Null);
            out.insert(
                "position".into(),
                Some(Value::Array(vec![value.clone(), y])),
            );
        } else if maps.contains(&key.as_str()) {
            if let Value::Object(entries) = value {
                for (k, v) in entries {
                    out.insert(format!("{key}.{k}"), Some(v.clone()));
                }
            }
        } else {
            out.insert(key.clone(), Some(value.clone()));
        }
    }
    out
}

/// Writes `fields` into a row object, replacing what it held for them. A keyed map is rebuilt
/// from its keys alone (a removed key is left out).
pub fn join(table: &str, row: &mut Map<String, Value>, fields: &Fields) {
    for map in keyed_maps(table) {
        let prefix = format!("{map}.");
        if fields.keys().any(|k| k.starts_with(&prefix)) || row.contains_key(*map) {
            let entries: Map<String, Value> = fields
                .iter()
                .filter_map(|(k, v)| {
                    let key = k.strip_prefix(&prefix)?;
                    Some((key.to_string(), v.clone()?))
                })
                .collect();
            row.insert((*map).to_string(), Value::Object(entries));
        }
    }
    for (key, value) in fields {
        if key.contains('.') {
            continue;
        }
        let Some(value) = value else {
            row.remove(key);
            continue;
        };
        if key == "position" {
            let at = |i: usize| value.get(i).cloned().unwrap_or(Value::Null);
            row.insert("positionX".into(), at(0));
            row.insert("positionY".into(), at(1));
        } else {
            row.insert(key.clone(), value.clone());
        }
    }
}

/// The stamps after a local write from `old` to `new` at stamp `hlc`: every field that changed
/// (or appeared, or went) takes `hlc`; the others keep theirs (a field never stamped, from a
/// row written before stamps existed, stays the oldest write of itself).
pub fn restamp(old: &Fields, old_stamps: &Stamps, new: &Fields, hlc: &str) -> Stamps {
    let mut stamps = old_stamps.clone();
    for (key, value) in new {
        let changed = match old.get(key) {
            Some(before) => before != value,
            None => true,
        };
        if changed {
            stamps.insert(key.clone(), hlc.to_string());
        }
    }
    for (key, before) in old {
        if before.is_some() && !new.contains_key(key) && key.contains('.') {
            stamps.insert(key.clone(), hlc.to_string());
        }
    }
    stamps
}

/// One side of a merge: a row's fields and their stamps.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stamped {
    pub fields: Fields,
    pub stamps: Stamps,
}

impl Stamped {
    /// The value of each field whose stamp says it was written, removed map keys as `None`.
    /// A field with no stamp (a row written before stamps existed) counts as stamp "".
    fn stamp(&self, key: &str) -> &str {
        self.stamps.get(key).map_or("", String::as_str)
    }

    /// Every field key either side knows of.
    fn keys<'a>(&'a self, other: &'a Stamped) -> std::collections::BTreeSet<&'a String> {
        self.fields
            .keys()
            .chain(self.stamps.keys())
            .chain(other.fields.keys())
            .chain(other.stamps.keys())
            .collect()
    }
}

/// Per-field last-writer-wins: for each field the side with the greater stamp wins, ties keep
/// the greater value (so the merge does not depend on which side is "ours"). Commutative,
/// associative and idempotent, which is what lets devices apply pulls and pushes in any order.
pub fn merge(a: &Stamped, b: &Stamped) -> Stamped {
    let mut out = Stamped::default();
    for key in a.keys(b) {
        let (sa, sb) = (a.stamp(key), b.stamp(key));
        let va = a.fields.get(key).cloned().flatten();
        let vb = b.fields.get(key).cloned().flatten();
        let (stamp, value) = if sa > sb {
            (sa, va)
        } else if sb > sa {
            (sb, vb)
        } else if value_order(&va) >= value_order(&vb) {
            (sa, va)
        } else {
            (sb, vb)
        };
        if !stamp.is_empty() {
            out.stamps.insert(key.clone(), stamp.to_string());
        }
        // A removed map key stays known (its stamp must keep beating older writes of it).
        if value.is_some() || key.contains('.') {
            out.fields.insert(key.clone(), value);
        }
    }
    out
}

/// A total order on optional values for tie-breaks: their canonical JSON text.
fn value_order(v: &Option<Value>) -> Option<String> {
    v.as_ref().map(Value::to_string)
}

/// The greatest stamp of a row's fields: its row-level `hlc`.
pub fn max_stamp(stamps: &Stamps) -> String {
    stamps.values().max().cloned().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    #[test]
    fn a_node_splits_into_position_label_and_one_field_per_config_key_and_joins_back() {
        let row = obj(
            json!({"id": "x", "label": "A", "positionX": 1.0, "positionY": 2.0,
            "config": {"url": "u", "method": "GET"}, "deletedAt": null, "hlc": "h"}),
        );
        let f = split("workflow_nodes", &row);
        assert_eq!(f["position"], Some(json!([1.0, 2.0])));
        assert_eq!(f["config.url"], Some(json!("u")));
        assert!(!f.contains_key("hlc") && !f.contains_key("id"));
        let mut back = obj(json!({"id": "x", "hlc": "h"}));
        join("workflow_nodes", &mut back, &f);
        let mut want = row.clone();
        want.insert("hlc".into(), json!("h"));
        assert_eq!(back, want);
    }

    #[test]
    fn restamp_stamps_what_changed_and_removed_keys() {
        let old = split(
            "workflow_nodes",
            &obj(json!({"label": "A", "config": {"a": 1, "b": 2}})),
        );
        let stamps: Stamps = [("label", "1"), ("config.a", "1"), ("config.b", "1")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let new = split(
            "workflow_nodes",
            &obj(json!({"label": "A", "config": {"a": 5}})),
        );
        let s = restamp(&old, &stamps, &new, "2");
        assert_eq!(s["label"], "1");
        assert_eq!(s["config.a"], "2");
        assert_eq!(s["config.b"], "2");
    }

    #[test]
    fn different_fields_of_one_node_both_survive_and_the_later_write_of_one_field_wins() {
        let base = Stamped {
            fields: split(
                "workflow_nodes",
                &obj(json!({"label": "A", "config": {"a": 1}})),
            ),
            stamps: [("label", "1"), ("config.a", "1")]
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        };
        let mut left = base.clone();
        left.fields.insert("label".into(), Some(json!("L")));
        left.stamps.insert("label".into(), "2".into());
        let mut right = base.clone();
        right.fields.insert("config.a".into(), Some(json!(9)));
        right.stamps.insert("config.a".into(), "3".into());
        right.fields.insert("label".into(), Some(json!("R")));
        right.stamps.insert("label".into(), "1b".into());
        let m = merge(&left, &right);
        assert_eq!(m.fields["label"], Some(json!("L")));
        assert_eq!(m.fields["config.a"], Some(json!(9)));
        assert_eq!(m, merge(&right, &left));
    }

    /// A random side: a few fields, each with a value or removed, stamped from a small range so
    /// equal stamps (ties) happen often.
    fn random_side(seed: &mut u64) -> Stamped {
        let mut next = || {
            *seed ^= *seed << 13;
            *seed ^= *seed >> 7;
            *seed ^= *seed << 17;
            *seed
        };
        let mut side = Stamped::default();
        for key in ["label", "position", "config.a", "config.b", "deletedAt"] {
            match next() % 4 {
                0 => {}
                1 => {
                    side.stamps.insert(key.into(), format!("{:03}", next() % 6));
                    if key.contains('.') {
                        side.fields.insert(key.into(), None);
                    }
                }
                _ => {
                    side.stamps.insert(key.into(), format!("{:03}", next() % 6));
                    side.fields.insert(key.into(), Some(json!(next() % 3)));
                }
            }
        }
        side
    }

    /// The merge's algebra, on 20,000 random triples: commutative, associative, idempotent.
    /// Devices apply pushes and pulls in any order and any number of times; only these three
    /// make that converge.
    #[test]
    fn merge_is_commutative_associative_and_idempotent() {
        let mut seed = 0x5EED_u64;
        for _ in 0..20_000 {
            let (a, b, c) = (
                random_side(&mut seed),
                random_side(&mut seed),
                random_side(&mut seed),
            );
            let norm = |s: Stamped| merge(&s, &Stamped::default());
            assert_eq!(merge(&a, &b), merge(&b, &a), "commutative: {a:?} {b:?}");
            assert_eq!(
                merge(&merge(&a, &b), &c),
                merge(&a, &merge(&b, &c)),
                "associative: {a:?} {b:?} {c:?}"
            );
            assert_eq!(merge(&a, &a), norm(a.clone()), "idempotent: {a:?}");
            let ab = merge(&a, &b);
            assert_eq!(merge(&ab, &b), ab, "absorbs what it merged");
        }
    }
}
