//! Pull: what the team database holds since this device's cursor, read in one snapshot by the `row_xid` horizon and applied in one local transaction, merged field by field with local edits.

use neuroflow_model::fields;
use neuroflow_model::hlc::HlcStamp;
use neuroflow_store::value::{bind_all, decode_row};
use neuroflow_store::{Db, Store};
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};

use neuroflow_model::entities::{ColKind, Column};
use neuroflow_store::SqlValue;
use sqlx::SqliteConnection;

use crate::error::{local_db, remote, SyncError};
use crate::push::MAX_CLOCK_AHEAD_MS;
use crate::rows;
use crate::tables::{pull_order, Table, Travel};
use crate::TeamSession;

/// Where this device's pulls resume: the snapshot horizon of its last pull.
pub const CURSOR_SETTING: &str = "sync_cursor";

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PullReport {
    /// Rows read from the team database (some may have been pulled before: applying them again
    /// changes nothing).
    pub rows: usize,
    /// The cursor the next pull starts from.
    pub cursor: String,
    /// A stamp further ahead than a clock may be was seen: this device's clock was not moved
    /// to it.
    pub clock_flagged: bool,
    /// The device had been away longer than the team database keeps deleted rows: everything
    /// was read again, and local rows the team database no longer has were dropped (except
    /// those with edits waiting to be pushed).
    pub full_resync: bool,
}

/// Pulls everything visible to the signed-in person in their organization since the cursor.
///
/// Never by `updated_at` or id: transactions commit out of order, so a row written by one
/// that started earlier but committed later would be skipped. The read runs in one REPEATABLE
/// READ snapshot; it takes every row whose `row_xid` is at or past the cursor, and the next
/// cursor is the snapshot's `xmin` — every transaction below it had finished, so every row
/// below it was in this snapshot; a row at or above it may be read again, harmlessly.
pub async fn pull(local: &Store, team: &TeamSession) -> Result<PullReport, SyncError> {
    let Db::Sqlite(pool) = local.db() else {
        return Err(SyncError::Invalid(
            "sync pulls into the local SQLite database".into(),
        ));
    };
    let cursor: String = sqlx::query_scalar("SELECT value FROM local_settings WHERE key = $1")
        .bind(CURSOR_SETTING)
        .fetch_optional(pool)
        .await
        .map_err(local_db)?
        .unwrap_or_else(|| "1".to_string());

    let (recheck, held, held_scope) = {
        let mut conn = pool.acquire().await.map_err(local_db)?;
        let (held, scope) = crate::commands::held_orders(&mut conn, team).await?;
        // The orders to ask about: every one held here, for a person who may lose sight of some.
        let recheck: Vec<uuid::Uuid> = if crate::commands::orders_may_hide(&mut conn, team).await? {
            held.iter().copied().collect()
        } else {
            Vec::new()
        };
        (recheck, held, scope)
    };
    let tables = pull_order();
    let mut read: Vec<(Table, Vec<Map<String, Value>>)> = Vec::with_capacity(tables.len());
    let mut tx = team.pool.begin().await.map_err(remote)?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut *tx)
        .await
        .map_err(remote)?;
    let horizon: String =
        sqlx::query_scalar("SELECT pg_snapshot_xmin(pg_current_snapshot())::text")
            .fetch_one(&mut *tx)
            .await
            .map_err(remote)?;
    // A purge removed tombstones this device may never have seen: read everything again.
    let missed_purge: Option<bool> =
        sqlx::query_scalar("SELECT $1::xid8 <= max(max_row_xid) FROM sync_purges")
            .bind(&cursor)
            .fetch_one(&mut *tx)
            .await
            .map_err(remote)?;
    let full = cursor != "1" && missed_purge == Some(true);
    let cursor = if full { "1".to_string() } else { cursor };
    // Which orders RLS shows depends on the person's role and on who builds each order, not only
    // on rows changing: when the role's reach changed (a member made an admin), the order tables
    // are read whole; an order that just became visible brings its older rows below.
    let scope = crate::commands::server_scope(&mut tx, team).await?;
    let orders_whole = cursor == "1" || held_scope.as_deref() != Some(scope);
    for table in tables {
        let cursor = if table.travel == Travel::Commanded && orders_whole {
            "1"
        } else {
            cursor.as_str()
        };
        let scope = match table.name {
            "organizations" => " AND id = $2",
            "users" => " AND $2::uuid IS NOT NULL",
            _ => " AND organization_id = $2",
        };
        let sql = format!(
            "SELECT to_jsonb(t) AS j FROM {} t WHERE row_xid >= $1::xid8{scope} ORDER BY row_xid, id",
            table.name
        );
        let rows: Vec<Value> = sqlx::query_scalar(&sql)
            .bind(cursor)
            .bind(team.organization_id)
            .fetch_all(&mut *tx)
            .await
            .map_err(remote)?;
        let rows = rows
            .into_iter()
            .filter_map(|v| match v {
                Value::Object(m) => Some(m),
                _ => None,
            })
            .collect();
        read.push((table, rows));
    }
    if !orders_whole {
        let newly: Vec<uuid::Uuid> = read
            .iter()
            .filter(|(t, _)| t.name == "custom_agent_orders")
            .flat_map(|(_, rows)| rows.iter())
            .filter_map(|r| r.get("id").and_then(Value::as_str))
            .filter_map(|s| uuid::Uuid::parse_str(s).ok())
            .filter(|id| !held.contains(id))
            .collect();
        if !newly.is_empty() {
            for (name, row) in crate::commands::children_of(&mut tx, team, &newly).await? {
                if let Some((_, rows)) = read.iter_mut().find(|(t, _)| t.name == name) {
                    if !rows.iter().any(|r| r.get("id") == row.get("id")) {
                        rows.push(row);
                    }
                }
            }
        }
    }
    let visible = crate::commands::still_visible(&mut tx, &recheck).await?;
    tx.commit().await.map_err(remote)?;

    let mut report = PullReport {
        cursor: horizon.clone(),
        full_resync: full,
        ..PullReport::default()
    };
    let mut newest: Option<HlcStamp> = None;
    // The write lock from the start: the merge reads local rows, then writes.
    let mut ltx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(local_db)?;
    let pending = orders_awaiting_commands(&mut ltx).await?;
    for (table, raws) in &read {
        report.rows += raws.len();
        // An order with commands still waiting here keeps this device's copy: the commands are
        // decided on the team database's copy at the next push, whose result a later pull brings.
        let raws: Vec<&Map<String, Value>> = raws
            .iter()
            .filter(|raw| table.travel != Travel::Commanded || !awaits(table, raw, &pending))
            .collect();
        for chunk in raws.chunks(ROWS_PER_STATEMENT) {
            let mut rows = Vec::with_capacity(chunk.len());
            for raw in chunk {
                let row = rows::from_snake(&table.columns, raw)?;
                let stamps = (table.travel == Travel::Merged).then(|| {
                    let stamps = rows::stamps(raw.get("field_hlc"));
                    if let Some(s) = stamps.values().max().and_then(|s| s.parse().ok()) {
                        newest = newest.max(Some(s));
                    }
                    stamps
                });
                rows.push((row, stamps));
            }
            if table.travel == Travel::Merged {
                rows = merge_with_local(&mut ltx, table, rows).await?;
            }
            write_rows(&mut ltx, table, &rows).await?;
        }
    }
    if full {
        forget_purged(&mut ltx, team, &read).await?;
    }
    // Orders the person no longer sees (a builder taken off one) leave this device too.
    for id in recheck {
        if !visible.contains(&id) && !pending.contains(&id) {
            crate::commands::forget_order(&mut ltx, id).await?;
        }
    }
    for (key, value) in [
        (CURSOR_SETTING, horizon.as_str()),
        (crate::commands::ORDERS_SCOPE, scope),
    ] {
        sqlx::query(
            "INSERT INTO local_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(&mut *ltx)
        .await
        .map_err(local_db)?;
    }
    ltx.commit().await.map_err(local_db)?;
    local.forget_graphs();

    if let Some(s) = newest {
        let ahead = i64::try_from(s.wall_ms).unwrap_or(i64::MAX)
            - i64::try_from(local.wall_ms()).unwrap_or(0);
        if ahead > MAX_CLOCK_AHEAD_MS {
            report.clock_flagged = true;
        } else {
            local.observe(s);
        }
    }
    Ok(report)
}

/// Orders with commands in this device's queue.
async fn orders_awaiting_commands(
    ltx: &mut SqliteConnection,
) -> Result<HashSet<uuid::Uuid>, SyncError> {
    let ids: Vec<uuid::Uuid> = sqlx::query_scalar("SELECT DISTINCT order_id FROM command_outbox")
        .fetch_all(&mut *ltx)
        .await
        .map_err(local_db)?;
    Ok(ids.into_iter().collect())
}

/// Whether a pulled row (as `to_jsonb` wrote it) belongs to an order in `pending`.
fn awaits(table: &Table, raw: &Map<String, Value>, pending: &HashSet<uuid::Uuid>) -> bool {
    let key = if table.name == "custom_agent_orders" {
        "id"
    } else {
        "order_id"
    };
    raw.get(key)
        .and_then(Value::as_str)
        .and_then(|s| uuid::Uuid::parse_str(s).ok())
        .is_some_and(|id| pending.contains(&id))
}

/// After a full resync: drops the local rows of the organization that the team database no
/// longer has (their tombstones were purged while this device was away), children first —
/// except rows with edits still waiting in the outbox, which the next push sends.
async fn forget_purged(
    ltx: &mut SqliteConnection,
    team: &TeamSession,
    read: &[(Table, Vec<Map<String, Value>>)],
) -> Result<(), SyncError> {
    sqlx::query("CREATE TEMP TABLE IF NOT EXISTS sync_seen (id BLOB PRIMARY KEY)")
        .execute(&mut *ltx)
        .await
        .map_err(local_db)?;
    for (table, rows) in read.iter().rev() {
        if table.travel != Travel::Merged {
            continue;
        }
        sqlx::query("DELETE FROM sync_seen")
            .execute(&mut *ltx)
            .await
            .map_err(local_db)?;
        let ids: Vec<uuid::Uuid> = rows
            .iter()
            .filter_map(|r| r.get("id").and_then(Value::as_str))
            .filter_map(|s| uuid::Uuid::parse_str(s).ok())
            .collect();
        for chunk in ids.chunks(500) {
            let params = vec!["(?)"; chunk.len()];
            let sql = format!(
                "INSERT OR IGNORE INTO sync_seen (id) VALUES {}",
                params.join(", ")
            );
            let mut q = sqlx::query(&sql);
            for id in chunk {
                q = q.bind(*id);
            }
            q.execute(&mut *ltx).await.map_err(local_db)?;
        }
        sqlx::query(&format!(
            "DELETE FROM {t} WHERE organization_id = $1 AND id NOT IN (SELECT id FROM sync_seen) \
             AND id NOT IN (SELECT row_id FROM outbox WHERE table_name = '{t}')",
            t = table.name
        ))
        .bind(team.organization_id)
        .execute(&mut *ltx)
        .await
        .map_err(local_db)?;
    }
    sqlx::query("DROP TABLE sync_seen")
        .execute(&mut *ltx)
        .await
        .map_err(local_db)?;
    Ok(())
}

/// Rows written per statement: a few hundred keeps SQLite's parameter count low and spares
/// a statement per row (100,000 rows in one pull).
const ROWS_PER_STATEMENT: usize = 200;

pub(crate) type Pulled = (Map<String, Value>, Option<fields::Stamps>);

/// Merges pulled rows with the local ones field by field: local edits not pushed yet keep their
/// place wherever their stamps are later (that is "re-applied on top"), and lose where the team
/// database has a later write — as the team database will decide when they arrive.
async fn merge_with_local(
    ltx: &mut SqliteConnection,
    table: &Table,
    pulled: Vec<Pulled>,
) -> Result<Vec<Pulled>, SyncError> {
    let field_hlc = Column {
        name: "field_hlc",
        kind: ColKind::Json,
    };
    let mut cols = table.columns.clone();
    cols.push(&field_hlc);
    let ids: Vec<uuid::Uuid> = pulled
        .iter()
        .filter_map(|(row, _)| row.get("id").and_then(Value::as_str))
        .filter_map(|s| uuid::Uuid::parse_str(s).ok())
        .collect();
    let params = vec!["?"; ids.len()];
    let sql = format!(
        "SELECT {} FROM {} WHERE id IN ({})",
        cols.iter().map(|c| c.name).collect::<Vec<_>>().join(", "),
        table.name,
        params.join(", ")
    );
    let mut query = sqlx::query(&sql);
    for id in &ids {
        query = query.bind(*id);
    }
    let mut local: HashMap<String, Map<String, Value>> = HashMap::new();
    for r in query.fetch_all(&mut *ltx).await.map_err(local_db)? {
        let row = decode_row(&r, &cols)?;
        if let Some(id) = row.get("id").and_then(Value::as_str) {
            local.insert(id.to_string(), row);
        }
    }
    Ok(pulled
        .into_iter()
        .map(|(remote_row, remote_stamps)| {
            let remote_stamps = remote_stamps.unwrap_or_default();
            let id = remote_row
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let Some(mut local_row) = local.remove(id) else {
                return (remote_row, Some(remote_stamps));
            };
            let local_stamps = rows::stamps(local_row.remove("fieldHlc").as_ref());
            let merged = fields::merge(
                &rows::stamped(table.name, &local_row, local_stamps),
                &rows::stamped(table.name, &remote_row, remote_stamps),
            );
            let mut row = rows::joined(table.name, &local_row, &merged);
            // The later of the two edit times.
            if let (Some(Value::String(a)), Some(Value::String(b))) =
                (row.get("updatedAt").cloned(), remote_row.get("updatedAt"))
            {
                if b > &a {
                    row.insert("updatedAt".into(), Value::String(b.clone()));
                }
            }
            (row, Some(merged.stamps))
        })
        .collect())
}

/// Writes rows as the table's travel says: merged and server-owned rows replace the local ones
/// (merged ones with their stamps), rows that never change are inserted once.
pub(crate) async fn write_rows(
    ltx: &mut SqliteConnection,
    table: &Table,
    rows: &[Pulled],
) -> Result<(), SyncError> {
    if rows.is_empty() {
        return Ok(());
    }
    let stamped = table.travel == Travel::Merged;
    let per_row = table.columns.len() + usize::from(stamped);
    let mut names: Vec<&str> = table.columns.iter().map(|c| c.name).collect();
    if stamped {
        names.push("field_hlc");
    }
    // Plain `?` placeholders: sqlx binds numbered ones (`$n`) to SQLite by looking each up, which
    // costs more than the insert itself at thousands of parameters a statement.
    let tuple = format!("({})", vec!["?"; per_row].join(", "));
    let tuples = vec![tuple; rows.len()];
    let tail = match table.travel {
        _ if table.append_only => "ON CONFLICT (id) DO NOTHING".to_string(),
        Travel::Whole => "ON CONFLICT (id) DO NOTHING".to_string(),
        _ => format!(
            "ON CONFLICT (id) DO UPDATE SET {}",
            names
                .iter()
                .filter(|n| !matches!(**n, "id" | "organization_id" | "created_at"))
                .map(|n| format!("{n} = excluded.{n}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let sql = format!(
        "INSERT INTO {} ({}) VALUES {} {tail}",
        table.name,
        names.join(", "),
        tuples.join(", ")
    );
    let mut values = Vec::with_capacity(rows.len() * per_row);
    for (row, stamps) in rows {
        values.extend(rows::values(&table.columns, row)?);
        if stamped {
            values.push(SqlValue::Json(Some(
                serde_json::to_value(stamps.clone().unwrap_or_default()).unwrap_or_default(),
            )));
        }
    }
    bind_all(sqlx::query(&sql), values)
        .execute(&mut *ltx)
        .await
        .map_err(local_db)?;
    Ok(())
}
