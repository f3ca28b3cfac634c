//! Push: the outbox in batches to the team database, each mutation applied once (by its id), merged field by field into the row as the signed-in person (RLS judges every row), with the conflicts it finds recorded.

use std::collections::{HashMap, HashSet};

use neuroflow_model::entities::json_key;
use neuroflow_model::fields::{self, Stamped, Stamps};
use neuroflow_model::hlc::HlcStamp;
use neuroflow_store::{Db, Store};
use serde::Deserialize;
use serde_json::{Map, Value};
use sqlx::{PgConnection, Row};
use uuid::Uuid;

use crate::error::{local_db, remote, SyncError};
use crate::rows::{self, normalize};
use crate::tables::{self, Table, Travel};
use crate::TeamSession;

/// How far ahead of the team database's clock a stamp may be. Further, and the device's clock
/// is wrong: its edits would beat everyone's later ones, so the push stops and says so.
pub const MAX_CLOCK_AHEAD_MS: i64 = 6 * 3600 * 1000;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PushReport {
    /// Mutations applied by the team database.
    pub applied: usize,
    /// Mutations it had applied already (a retried push): nothing changed.
    pub duplicates: usize,
    /// Conflicts recorded: values one edit overwrote of another made without seeing it.
    pub conflicts: usize,
    /// Outbox rows of tables that stay on this device (runs, integrations): dropped.
    pub local_only: usize,
}

/// One outbox row.
struct Mutation {
    seq: i64,
    id: Uuid,
    table: String,
    row_id: Uuid,
    payload: Value,
    hlc: String,
}

/// What a write to a synced row carries (see the store's `stamped_payload`).
#[derive(Deserialize)]
struct StampedPayload {
    row: Map<String, Value>,
    stamps: Stamps,
    #[serde(default)]
    base: Stamps,
}

/// Pushes the whole outbox, `batch` mutations per transaction. A batch the team database
/// refuses stays in the outbox, and nothing of it is applied.
pub async fn push(local: &Store, team: &TeamSession, batch: u32) -> Result<PushReport, SyncError> {
    let Db::Sqlite(pool) = local.db() else {
        return Err(SyncError::Invalid(
            "sync pushes from the local SQLite database".into(),
        ));
    };
    let device = crate::device_id(pool).await?;
    let mut report = PushReport::default();
    loop {
        let rows = sqlx::query(
            "SELECT seq, mutation_id, table_name, row_id, payload, hlc FROM outbox ORDER BY seq LIMIT $1",
        )
        .bind(i64::from(batch.max(1)))
        .fetch_all(pool)
        .await
        .map_err(local_db)?;
        if rows.is_empty() {
            return Ok(report);
        }
        let mut mutations = Vec::with_capacity(rows.len());
        for r in &rows {
            let payload: String = r.try_get("payload").map_err(local_db)?;
            mutations.push(Mutation {
                seq: r.try_get("seq").map_err(local_db)?,
                id: r.try_get("mutation_id").map_err(local_db)?,
                table: r.try_get("table_name").map_err(local_db)?,
                row_id: r.try_get("row_id").map_err(local_db)?,
                payload: serde_json::from_str(&payload)
                    .map_err(|e| SyncError::Invalid(format!("an outbox row is not JSON: {e}")))?,
                hlc: r.try_get("hlc").map_err(local_db)?,
            });
        }
        let last = mutations.last().map_or(0, |m| m.seq);
        push_batch(team, device, &mutations, &mut report).await?;
        // Acknowledged: the team database has them (a crash before this line re-sends them,
        // and the mutation ids make that a no-op).
        sqlx::query("DELETE FROM outbox WHERE seq <= $1")
            .bind(last)
            .execute(pool)
            .await
            .map_err(local_db)?;
    }
}

async fn push_batch(
    team: &TeamSession,
    device: Uuid,
    mutations: &[Mutation],
    report: &mut PushReport,
) -> Result<(), SyncError> {
    let mut tx = team.pool.begin().await.map_err(remote)?;
    let server_ms: i64 =
        sqlx::query_scalar("SELECT (extract(epoch FROM clock_timestamp()) * 1000)::int8")
            .fetch_one(&mut *tx)
            .await
            .map_err(remote)?;
    let mut synced = Vec::with_capacity(mutations.len());
    for m in mutations {
        let Some(table) = tables::pushed(&m.table) else {
            report.local_only += 1;
            continue;
        };
        let stamp: HlcStamp = m
            .hlc
            .parse()
            .map_err(|e| SyncError::Invalid(format!("an outbox row: {e}")))?;
        let ahead = i64::try_from(stamp.wall_ms).unwrap_or(i64::MAX) - server_ms;
        if ahead > MAX_CLOCK_AHEAD_MS {
            return Err(SyncError::ClockAhead {
                minutes: ahead / 60_000,
            });
        }
        synced.push((m, table, format!("{:016x}", stamp.node)));
    }
    if synced.is_empty() {
        tx.commit().await.map_err(remote)?;
        return Ok(());
    }
    // Each mutation once: the ids the team database already had are skipped.
    let fresh: HashSet<Uuid> = sqlx::query_scalar(
        "INSERT INTO sync_mutations (organization_id, mutation_id, device_id, device_node, user_id) \
         SELECT $1, m, $2, n, $3 FROM unnest($4::uuid[], $5::text[]) AS x(m, n) \
         ON CONFLICT DO NOTHING RETURNING mutation_id",
    )
    .bind(team.organization_id)
    .bind(device)
    .bind(team.user_id)
    .bind(synced.iter().map(|(m, _, _)| m.id).collect::<Vec<_>>())
    .bind(synced.iter().map(|(_, _, n)| n.clone()).collect::<Vec<_>>())
    .fetch_all(&mut *tx)
    .await
    .map_err(remote)?
    .into_iter()
    .collect();
    report.duplicates += synced.len() - fresh.len();
    report.applied += fresh.len();

    // Table by table, parents first (foreign keys), each mutation in outbox order.
    let mut authors = Authors::default();
    let mut conflicts = Vec::new();
    for table in tables::pull_order() {
        let of_table: Vec<&Mutation> = synced
            .iter()
            .filter(|(m, t, _)| t.name == table.name && fresh.contains(&m.id))
            .map(|(m, _, _)| *m)
            .collect();
        if of_table.is_empty() {
            continue;
        }
        match table.travel {
            Travel::Merged => {
                apply_merged(&mut tx, team, &table, &of_table, &mut conflicts).await?;
            }
            Travel::Whole => apply_whole(&mut tx, team, &table, &of_table).await?,
            Travel::ServerOwned | Travel::Commanded => {}
        }
    }
    report.conflicts += conflicts.len();
    record_conflicts(&mut tx, team, conflicts, &mut authors).await?;
    tx.commit().await.map_err(remote)?;
    Ok(())
}

/// Rows as the JSON array `jsonb_populate_recordset` reads: snake_case keys, and `field_hlc`.
pub(crate) fn recordset(table: &Table, rows: &[(Map<String, Value>, Option<Stamps>)]) -> Value {
    Value::Array(
        rows.iter()
            .map(|(row, stamps)| {
                let mut out: Map<String, Value> = table
                    .columns
                    .iter()
                    .map(|c| {
                        let v = row.get(&json_key(c.name)).cloned().unwrap_or(Value::Null);
                        (c.name.to_string(), v)
                    })
                    .collect();
                if let Some(stamps) = stamps {
                    out.insert(
                        "field_hlc".into(),
                        serde_json::to_value(stamps).unwrap_or_default(),
                    );
                }
                Value::Object(out)
            })
            .collect(),
    )
}

/// Inserts rows that are never changed (saved versions), once.
async fn apply_whole(
    tx: &mut PgConnection,
    team: &TeamSession,
    table: &Table,
    mutations: &[&Mutation],
) -> Result<(), SyncError> {
    let mut rows = Vec::with_capacity(mutations.len());
    for m in mutations {
        let Value::Object(obj) = &m.payload else {
            return Err(SyncError::Invalid("an outbox row is not an object".into()));
        };
        let row = normalize(&table.columns, obj)?;
        check_org(team, &row)?;
        rows.push((row, None));
    }
    let names: Vec<&str> = table.columns.iter().map(|c| c.name).collect();
    let sql = format!(
        "INSERT INTO {t} ({cols}) SELECT {cols} FROM jsonb_populate_recordset(NULL::{t}, $1) ON CONFLICT (id) DO NOTHING",
        t = table.name,
        cols = names.join(", "),
    );
    sqlx::query(&sql)
        .bind(sqlx::types::Json(recordset(table, &rows)))
        .execute(&mut *tx)
        .await
        .map_err(remote)?;
    Ok(())
}

fn check_org(team: &TeamSession, row: &Map<String, Value>) -> Result<(), SyncError> {
    let org = row.get("organizationId").and_then(Value::as_str);
    if org != Some(team.organization_id.to_string().as_str()) {
        return Err(SyncError::Invalid(
            "a change belongs to another organization than the one signed in".into(),
        ));
    }
    Ok(())
}

/// Who wrote a stamp: the person whose device carries its node, as the team database knows it.
#[derive(Default)]
struct Authors(HashMap<u64, Option<Uuid>>);

impl Authors {
    async fn of(
        &mut self,
        tx: &mut PgConnection,
        team: &TeamSession,
        stamp: &str,
    ) -> Result<Option<Uuid>, SyncError> {
        let Ok(s) = stamp.parse::<HlcStamp>() else {
            return Ok(None);
        };
        if let Some(known) = self.0.get(&s.node) {
            return Ok(*known);
        }
        let user: Option<Uuid> = sqlx::query_scalar(
            "SELECT user_id FROM sync_mutations WHERE organization_id = $1 AND device_node = $2 LIMIT 1",
        )
        .bind(team.organization_id)
        .bind(format!("{:016x}", s.node))
        .fetch_optional(&mut *tx)
        .await
        .map_err(remote)?;
        self.0.insert(s.node, user);
        Ok(user)
    }
}

/// One recorded conflict.
struct Conflict {
    table: &'static str,
    row_id: Uuid,
    hlc: String,
    field: String,
    reason: &'static str,
    lost: (Option<Value>, String),
    won: (Option<Value>, String),
}

impl Conflict {
    /// A conflict not yet placed on its row (`find_conflicts` knows fields, not rows).
    fn blank() -> Self {
        Conflict {
            table: "",
            row_id: Uuid::nil(),
            hlc: String::new(),
            field: String::new(),
            reason: "overwritten",
            lost: (None, String::new()),
            won: (None, String::new()),
        }
    }
}

async fn record_conflicts(
    tx: &mut PgConnection,
    team: &TeamSession,
    conflicts: Vec<Conflict>,
    authors: &mut Authors,
) -> Result<(), SyncError> {
    if conflicts.is_empty() {
        return Ok(());
    }
    let now = chrono::Utc::now().to_rfc3339();
    let mut rows = Vec::with_capacity(conflicts.len());
    for c in conflicts {
        let lost_by = authors.of(tx, team, &c.lost.1).await?;
        let won_by = authors.of(tx, team, &c.won.1).await?;
        rows.push(serde_json::json!({
            "id": neuroflow_model::new_id(),
            "organization_id": team.organization_id,
            "table_name": c.table,
            "row_id": c.row_id,
            "field": c.field,
            "reason": c.reason,
            "lost_value": c.lost.0,
            "lost_hlc": c.lost.1,
            "lost_by": lost_by,
            "won_value": c.won.0,
            "won_hlc": c.won.1,
            "won_by": won_by,
            "created_at": now,
            "updated_at": now,
            "hlc": c.hlc,
        }));
    }
    let cols = "id, organization_id, table_name, row_id, field, reason, lost_value, lost_hlc, lost_by, won_value, won_hlc, won_by, created_at, updated_at, hlc";
    sqlx::query(&format!(
        "INSERT INTO sync_conflicts ({cols}) SELECT {cols} FROM jsonb_populate_recordset(NULL::sync_conflicts, $1)"
    ))
    .bind(sqlx::types::Json(Value::Array(rows)))
    .execute(&mut *tx)
    .await
    .map_err(remote)?;
    Ok(())
}

/// Merges a table's mutations into their rows: the rows read at once (locked), each mutation
/// merged in outbox order in memory, the results written back in two statements (new rows,
/// changed rows). Conflicts found are added to `conflicts`.
async fn apply_merged(
    tx: &mut PgConnection,
    team: &TeamSession,
    table: &Table,
    mutations: &[&Mutation],
    conflicts: &mut Vec<Conflict>,
) -> Result<(), SyncError> {
    let ids: Vec<Uuid> = mutations.iter().map(|m| m.row_id).collect();
    let current: Vec<Value> = sqlx::query_scalar(&format!(
        "SELECT to_jsonb(t) FROM {} t WHERE id = ANY($1) FOR UPDATE",
        table.name
    ))
    .bind(&ids)
    .fetch_all(&mut *tx)
    .await
    .map_err(remote)?;
    // id → (row, merged state, existed on the server)
    let mut rows: HashMap<Uuid, (Map<String, Value>, Stamped, bool)> = HashMap::new();
    for v in current {
        let Value::Object(raw) = v else { continue };
        let row = rows::from_snake(&table.columns, &raw)?;
        let Some(id) = row
            .get("id")
            .and_then(Value::as_str)
            .and_then(|s| Uuid::parse_str(s).ok())
        else {
            continue;
        };
        let state = rows::stamped(table.name, &row, rows::stamps(raw.get("field_hlc")));
        rows.insert(id, (row, state, true));
    }
    let mut order: Vec<Uuid> = Vec::new();
    for m in mutations {
        let payload: StampedPayload = serde_json::from_value(m.payload.clone())
            .map_err(|e| SyncError::Invalid(format!("an outbox row of {}: {e}", table.name)))?;
        let incoming = normalize(&table.columns, &payload.row)?;
        check_org(team, &incoming)?;
        let inc = rows::stamped(table.name, &incoming, payload.stamps.clone());
        if !order.contains(&m.row_id) {
            order.push(m.row_id);
        }
        match rows.get_mut(&m.row_id) {
            None => {
                rows.insert(m.row_id, (incoming, inc, false));
            }
            Some((row, cur, _)) => {
                if row.get("organizationId") != incoming.get("organizationId") {
                    return Err(SyncError::Invalid(
                        "a change names a row of another organization".into(),
                    ));
                }
                let merged = fields::merge(cur, &inc);
                for found in find_conflicts(cur, &inc, &payload.base, &merged) {
                    conflicts.push(Conflict {
                        table: table.name,
                        row_id: m.row_id,
                        hlc: m.hlc.clone(),
                        ..found
                    });
                }
                let later = match (row.get("updatedAt"), incoming.get("updatedAt")) {
                    (Some(Value::String(a)), Some(Value::String(b))) if b > a => Some(b.clone()),
                    _ => None,
                };
                *row = rows::joined(table.name, row, &merged);
                if let Some(at) = later {
                    row.insert("updatedAt".into(), Value::String(at));
                }
                *cur = merged;
            }
        }
    }
    let (mut inserts, mut updates) = (Vec::new(), Vec::new());
    for id in order {
        if let Some((row, state, existed)) = rows.remove(&id) {
            let row = rows::joined(table.name, &row, &state);
            if existed {
                updates.push((row, Some(state.stamps)));
            } else {
                inserts.push((row, Some(state.stamps)));
            }
        }
    }
    let names: Vec<&str> = table
        .columns
        .iter()
        .map(|c| c.name)
        .chain(["field_hlc"])
        .collect();
    if !inserts.is_empty() {
        let sql = format!(
            "INSERT INTO {t} ({cols}) SELECT {cols} FROM jsonb_populate_recordset(NULL::{t}, $1)",
            t = table.name,
            cols = names.join(", "),
        );
        sqlx::query(&sql)
            .bind(sqlx::types::Json(recordset(table, &inserts)))
            .execute(&mut *tx)
            .await
            .map_err(remote)?;
    }
    if !updates.is_empty() {
        let sets: Vec<String> = names
            .iter()
            .filter(|n| !matches!(**n, "id" | "organization_id" | "created_at"))
            .map(|n| format!("{n} = v.{n}"))
            .collect();
        let sql = format!(
            "UPDATE {t} SET {sets} FROM jsonb_populate_recordset(NULL::{t}, $1) v WHERE {t}.id = v.id",
            t = table.name,
            sets = sets.join(", "),
        );
        sqlx::query(&sql)
            .bind(sqlx::types::Json(recordset(table, &updates)))
            .execute(&mut *tx)
            .await
            .map_err(remote)?;
    }
    Ok(())
}

fn stamp_of<'a>(s: &'a Stamped, key: &str) -> &'a str {
    s.stamps.get(key).map_or("", String::as_str)
}

fn value_of(s: &Stamped, key: &str) -> Option<Value> {
    s.fields.get(key).cloned().flatten()
}

fn is_deleted(s: &Stamped) -> bool {
    matches!(s.fields.get("deletedAt"), Some(Some(v)) if !v.is_null())
}

/// The values one side overwrote of the other's without having seen them. A field the push
/// changed (its stamp is not its base) over a stamp the pusher never saw is an overwrite, in
/// whichever direction the stamps decide; a delete that wins loses every edit it did not see,
/// and an edit to a row deleted meanwhile is lost to the delete.
/// Fields no person edits: a document's save counter, which every save bumps. Two people saving
/// the same workflow is not a conflict either of them could resolve; their edits to its nodes
/// and settings are compared field by field like any other.
pub const BOOKKEEPING: &[&str] = &["version"];

fn find_conflicts(cur: &Stamped, inc: &Stamped, base: &Stamps, merged: &Stamped) -> Vec<Conflict> {
    let pusher_changed: Vec<&String> = inc
        .stamps
        .iter()
        .filter(|(k, s)| base.get(*k) != Some(*s) && !BOOKKEEPING.contains(&k.as_str()))
        .map(|(k, _)| k)
        .collect();
    let mut out = Vec::new();
    let deleted_now = is_deleted(merged);
    let push_deletes = pusher_changed.iter().any(|k| *k == "deletedAt") && is_deleted(inc);
    for key in &pusher_changed {
        let (s, c) = (stamp_of(inc, key), stamp_of(cur, key));
        // Over a stamp it saw, a later write is an ordinary edit. An earlier one (its device's
        // clock went back) still loses, but not silently.
        let saw = base.get(*key).map(String::as_str) == Some(c);
        if c.is_empty() || s == c || (saw && s > c) {
            continue;
        }
        let (vi, vc) = (value_of(inc, key), value_of(cur, key));
        if vi == vc {
            continue;
        }
        let inc_side = (vi, s.to_string());
        let cur_side = (vc, c.to_string());
        let (lost, won) = if s > c {
            (cur_side, inc_side)
        } else {
            (inc_side, cur_side)
        };
        out.push(Conflict {
            field: (*key).clone(),
            reason: "overwritten",
            lost,
            won,
            ..Conflict::blank()
        });
    }
    if deleted_now && push_deletes {
        // Edits others made that this delete did not see.
        for (key, c) in &cur.stamps {
            if key == "deletedAt"
                || base.get(key) == Some(c)
                || pusher_changed.contains(&key)
                || BOOKKEEPING.contains(&key.as_str())
            {
                continue;
            }
            out.push(Conflict {
                field: key.clone(),
                reason: "deleted",
                lost: (value_of(cur, key), c.clone()),
                won: (None, stamp_of(merged, "deletedAt").to_string()),
                ..Conflict::blank()
            });
        }
    } else if deleted_now && is_deleted(cur) && !pusher_changed.iter().any(|k| *k == "deletedAt") {
        // This push edited a row someone deleted meanwhile.
        for key in &pusher_changed {
            out.push(Conflict {
                field: (*key).clone(),
                reason: "deleted",
                lost: (value_of(inc, key), stamp_of(inc, key).to_string()),
                won: (None, stamp_of(cur, "deletedAt").to_string()),
                ..Conflict::blank()
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn side(pairs: &[(&str, Value, &str)]) -> Stamped {
        Stamped {
            fields: pairs
                .iter()
                .map(|(k, v, _)| (k.to_string(), Some(v.clone())))
                .collect(),
            stamps: pairs
                .iter()
                .map(|(k, _, s)| (k.to_string(), s.to_string()))
                .collect(),
        }
    }

    #[test]
    fn an_edit_over_a_stamp_the_pusher_saw_is_no_conflict_and_one_it_did_not_see_is() {
        let cur = side(&[("label", json!("A"), "2"), ("deletedAt", Value::Null, "1")]);
        let inc = side(&[("label", json!("B"), "3"), ("deletedAt", Value::Null, "1")]);
        let seen: Stamps = [("label".to_string(), "2".to_string())].into();
        let merged = fields::merge(&cur, &inc);
        assert!(find_conflicts(&cur, &inc, &seen, &merged).is_empty());
        let unseen: Stamps = [("label".to_string(), "1".to_string())].into();
        let found = find_conflicts(&cur, &inc, &unseen, &merged);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].lost.0, Some(json!("A")));
        assert_eq!(found[0].won.0, Some(json!("B")));
    }

    #[test]
    fn a_delete_loses_the_edits_it_did_not_see() {
        let cur = side(&[
            ("label", json!("edited"), "5"),
            ("deletedAt", Value::Null, "1"),
        ]);
        let inc = side(&[
            ("label", json!("old"), "1"),
            ("deletedAt", json!("2026-01-01T00:00:00+00:00"), "6"),
        ]);
        let base: Stamps = [
            ("label".to_string(), "1".to_string()),
            ("deletedAt".to_string(), "1".to_string()),
        ]
        .into();
        let merged = fields::merge(&cur, &inc);
        let found = find_conflicts(&cur, &inc, &base, &merged);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].reason, "deleted");
        assert_eq!(found[0].lost.0, Some(json!("edited")));
    }
}
