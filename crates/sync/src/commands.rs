//! Order commands to the team database: each decided again on the team database's copy of its order (the store's one rule), applied once by its id as the signed-in person so row-level security and the lifecycle triggers judge it too, or refused with the server's reason and undone on this device.

use std::collections::HashSet;

use neuroflow_model::entities::{BuildLog, CustomAgentOrder, OrderMilestone};
use neuroflow_model::{DbEnum, OrgRole};
use neuroflow_store::orders::{self, Decision, IssuedCommand, OrderPerson, OrderState};
use neuroflow_store::{Db, Store};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use sqlx::{PgConnection, Row, SqliteConnection};
use uuid::Uuid;

use crate::error::{local_db, remote, transient, SyncError};
use crate::pull::{write_rows, Pulled};
use crate::rows::{from_snake, normalize};
use crate::tables::{self, Table};
use crate::TeamSession;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommandReport {
    /// Commands the team database applied.
    pub applied: usize,
    /// Commands it had applied already (a retried push): nothing changed.
    pub duplicates: usize,
    /// Commands it refused: undone here, each with the reason kept for the person.
    pub refused: usize,
}

/// One command waiting in this device's queue.
struct Queued {
    seq: i64,
    issued: IssuedCommand,
    hlc: String,
}

/// Why one command did not go through: refused (by the rule or by Postgres), or the push
/// itself failed (the team database went away), which stops it with nothing applied.
enum Step {
    Refused(String),
    Failed(SyncError),
}

impl From<sqlx::Error> for Step {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::Database(db) if !db.code().is_some_and(|c| transient(&c)) => {
                Step::Refused(db.message().to_string())
            }
            _ => Step::Failed(remote(e)),
        }
    }
}

impl From<SyncError> for Step {
    fn from(e: SyncError) -> Self {
        Step::Failed(e)
    }
}

/// The key that lets sync take back build log lines of a refused command (see the SQLite
/// migration 0008): set and cleared inside the undoing transaction.
const UNDOING: &str = "undoing_refused_command";

/// Sends this device's queued order commands, `batch` per team-database transaction. Each
/// command runs in a savepoint: a refused one is rolled back there, alone, and the rest of the
/// batch goes on. The refused ones are then undone here (the order goes back to the team
/// database's copy) and kept, with the reason, for the person to read.
pub async fn push_commands(
    local: &Store,
    team: &TeamSession,
    batch: u32,
) -> Result<CommandReport, SyncError> {
    let Db::Sqlite(pool) = local.db() else {
        return Err(SyncError::Invalid(
            "sync pushes from the local SQLite database".into(),
        ));
    };
    let device = crate::device_id(pool).await?;
    let mut report = CommandReport::default();
    loop {
        let rows =
            sqlx::query("SELECT seq, command, hlc FROM command_outbox ORDER BY seq LIMIT $1")
                .bind(i64::from(batch.max(1)))
                .fetch_all(pool)
                .await
                .map_err(local_db)?;
        if rows.is_empty() {
            return Ok(report);
        }
        let mut queued = Vec::with_capacity(rows.len());
        for r in &rows {
            let text: String = r.try_get("command").map_err(local_db)?;
            queued.push(Queued {
                seq: r.try_get("seq").map_err(local_db)?,
                issued: serde_json::from_str(&text).map_err(|e| {
                    SyncError::Invalid(format!("a queued order command is not readable: {e}"))
                })?,
                hlc: r.try_get("hlc").map_err(local_db)?,
            });
        }
        let last = queued.last().map_or(0, |q| q.seq);
        let refused = apply_batch(team, device, &queued, &mut report).await?;
        // The team database's copy of each order the batch touched, read after it committed:
        // this device takes it, so a refused command is undone here, and what a pull skipped
        // while the commands waited (see `pull`) arrives now.
        let mut copies = Vec::new();
        let mut seen = HashSet::new();
        for q in &queued {
            let id = q.issued.command.order_id();
            if seen.insert(id) {
                copies.push((id, server_copy(team, id).await?));
            }
        }
        let mut ltx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(local_db)?;
        for (q, reason) in &refused {
            keep_refusal(&mut ltx, q, reason).await?;
        }
        for (id, copy) in copies {
            // Commands the person made since this batch was read stay on top until they go.
            let later: Option<i64> = sqlx::query_scalar(
                "SELECT seq FROM command_outbox WHERE order_id = $1 AND seq > $2 LIMIT 1",
            )
            .bind(id)
            .bind(last)
            .fetch_optional(&mut *ltx)
            .await
            .map_err(local_db)?;
            if later.is_none() {
                take_server_copy(&mut ltx, id, copy).await?;
            }
        }
        sqlx::query("DELETE FROM command_outbox WHERE seq <= $1")
            .bind(last)
            .execute(&mut *ltx)
            .await
            .map_err(local_db)?;
        ltx.commit().await.map_err(local_db)?;
    }
}

async fn apply_batch<'a>(
    team: &TeamSession,
    device: Uuid,
    queued: &'a [Queued],
    report: &mut CommandReport,
) -> Result<Vec<(&'a Queued, String)>, SyncError> {
    let mut tx = team.pool.begin().await.map_err(remote)?;
    let mut refused = Vec::new();
    for q in queued {
        sqlx::query("SAVEPOINT nf_command")
            .execute(&mut *tx)
            .await
            .map_err(remote)?;
        match apply_one(&mut tx, team, device, q).await {
            Ok(true) => report.applied += 1,
            Ok(false) => report.duplicates += 1,
            Err(Step::Refused(reason)) => {
                sqlx::query("ROLLBACK TO SAVEPOINT nf_command")
                    .execute(&mut *tx)
                    .await
                    .map_err(remote)?;
                record_refusal(&mut tx, team, device, q, &reason).await?;
                report.refused += 1;
                refused.push((q, reason));
            }
            Err(Step::Failed(e)) => return Err(e),
        }
        sqlx::query("RELEASE SAVEPOINT nf_command")
            .execute(&mut *tx)
            .await
            .map_err(remote)?;
    }
    tx.commit().await.map_err(remote)?;
    Ok(refused)
}

/// Applies one command once: `false` when the team database had it already.
async fn apply_one(
    tx: &mut PgConnection,
    team: &TeamSession,
    device: Uuid,
    q: &Queued,
) -> Result<bool, Step> {
    let c = &q.issued;
    if c.organization_id != team.organization_id || c.by != team.user_id {
        return Err(Step::Refused(
            "this change was made by another person or in another organization than the one signed in".into(),
        ));
    }
    let node = q
        .hlc
        .parse::<neuroflow_model::hlc::HlcStamp>()
        .map_err(|e| SyncError::Invalid(format!("a queued order command: {e}")))?
        .node;
    let fresh: Option<Uuid> = sqlx::query_scalar(
        "INSERT INTO sync_mutations (organization_id, mutation_id, device_id, device_node, user_id) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING mutation_id",
    )
    .bind(team.organization_id)
    .bind(c.id)
    .bind(device)
    .bind(format!("{node:016x}"))
    .bind(team.user_id)
    .fetch_optional(&mut *tx)
    .await?;
    if fresh.is_none() {
        // Sent before: applied then (nothing to do), or refused then, and refused again now.
        let earlier: Option<String> = sqlx::query_scalar(
            "SELECT refused_reason FROM sync_mutations WHERE organization_id = $1 AND mutation_id = $2",
        )
        .bind(team.organization_id)
        .bind(c.id)
        .fetch_optional(&mut *tx)
        .await?
        .flatten();
        return match earlier {
            Some(reason) => Err(Step::Refused(reason)),
            None => Ok(false),
        };
    }
    let state = server_state(tx, team, c).await?;
    let decision = orders::decide(c, &state).map_err(|e| Step::Refused(e.to_string()))?;
    write(tx, &decision, &q.hlc).await?;
    Ok(true)
}

/// Records a refusal on the team database under the command's id (see migration 0008). A person
/// who may not write there at all (a viewer now) cannot record it: the refusal is kept on the
/// device alone, and a command sent again is judged again, and refused again.
async fn record_refusal(
    tx: &mut PgConnection,
    team: &TeamSession,
    device: Uuid,
    q: &Queued,
    reason: &str,
) -> Result<(), SyncError> {
    let node = q
        .hlc
        .parse::<neuroflow_model::hlc::HlcStamp>()
        .map_or(0, |s| s.node);
    let recorded = sqlx::query(
        "INSERT INTO sync_mutations (organization_id, mutation_id, device_id, device_node, user_id, refused_reason) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
    )
    .bind(team.organization_id)
    .bind(q.issued.id)
    .bind(device)
    .bind(format!("{node:016x}"))
    .bind(team.user_id)
    .bind(reason)
    .execute(&mut *tx)
    .await;
    match recorded {
        Ok(_) => Ok(()),
        Err(sqlx::Error::Database(db)) if !db.code().is_some_and(|c| transient(&c)) => {
            sqlx::query("ROLLBACK TO SAVEPOINT nf_command")
                .execute(&mut *tx)
                .await
                .map_err(remote)?;
            Ok(())
        }
        Err(e) => Err(remote(e)),
    }
}

fn table(name: &str) -> Result<Table, SyncError> {
    tables::named(name).ok_or_else(|| SyncError::Invalid(format!("{name} does not sync")))
}

/// A row as `to_jsonb` gave it, as its entity.
fn entity<E: DeserializeOwned>(table: &Table, v: Value) -> Result<E, SyncError> {
    let Value::Object(raw) = v else {
        return Err(SyncError::Invalid(format!(
            "a {} row is not an object",
            table.name
        )));
    };
    serde_json::from_value(Value::Object(from_snake(&table.columns, &raw)?))
        .map_err(|e| SyncError::Invalid(format!("a {} row: {e}", table.name)))
}

/// What deciding `c` reads, from the team database as the signed-in person sees it; the order
/// is locked until the batch commits, so two devices' commands on it are decided one after the
/// other.
async fn server_state(
    tx: &mut PgConnection,
    team: &TeamSession,
    c: &IssuedCommand,
) -> Result<OrderState, Step> {
    let role: Option<String> = sqlx::query_scalar(
        "SELECT role FROM organization_members WHERE organization_id = $1 AND user_id = $2 AND deleted_at IS NULL",
    )
    .bind(team.organization_id)
    .bind(team.user_id)
    .fetch_optional(&mut *tx)
    .await?;
    let role = role
        .ok_or_else(|| Step::Refused("you are no longer a member of this organization".into()))?;
    let role = OrgRole::parse(&role).map_err(|e| SyncError::Invalid(e.to_string()))?;
    let order_id = c.command.order_id();
    let orders_table = table("custom_agent_orders")?;
    let order: Option<CustomAgentOrder> = sqlx::query_scalar::<_, Value>(
        "SELECT to_jsonb(t) FROM custom_agent_orders t WHERE id = $1 AND organization_id = $2 FOR UPDATE",
    )
    .bind(order_id)
    .bind(team.organization_id)
    .fetch_optional(&mut *tx)
    .await?
    .map(|v| entity(&orders_table, v))
    .transpose()?;
    let mut milestones = Vec::new();
    if c.command.needs_milestones() && order.is_some() {
        let milestones_table = table("order_milestones")?;
        let rows: Vec<Value> = sqlx::query_scalar(
            "SELECT to_jsonb(t) FROM order_milestones t WHERE order_id = $1 AND organization_id = $2 AND deleted_at IS NULL ORDER BY position",
        )
        .bind(order_id)
        .bind(team.organization_id)
        .fetch_all(&mut *tx)
        .await?;
        for v in rows {
            milestones.push(entity::<OrderMilestone>(&milestones_table, v)?);
        }
    }
    let builder = match c.command.builder() {
        Some(user) => {
            let row: Option<(Uuid, String, String, String)> = sqlx::query_as(
                "SELECT u.id, u.email, u.display_name, m.role FROM organization_members m JOIN users u ON u.id = m.user_id \
                 WHERE m.organization_id = $1 AND m.user_id = $2 AND m.deleted_at IS NULL AND m.role <> 'VIEWER'",
            )
            .bind(team.organization_id)
            .bind(user)
            .fetch_optional(&mut *tx)
            .await?;
            match row {
                Some((user_id, email, display_name, role)) => Some(OrderPerson {
                    user_id,
                    email,
                    display_name,
                    role: OrgRole::parse(&role).map_err(|e| SyncError::Invalid(e.to_string()))?,
                }),
                None => None,
            }
        }
        None => None,
    };
    Ok(OrderState {
        role,
        order,
        milestones,
        builder,
    })
}

/// Writes a decision's rows as the signed-in person, each with the command's stamp.
async fn write(tx: &mut PgConnection, d: &Decision, hlc: &str) -> Result<(), Step> {
    if let Some(o) = &d.order {
        put(tx, "custom_agent_orders", o, d.order_is_new, hlc).await?;
    }
    if let Some(m) = &d.milestone {
        put(tx, "order_milestones", m, d.milestone_is_new, hlc).await?;
    }
    if let Some(line) = &d.log {
        put::<BuildLog>(tx, "build_logs", line, true, hlc).await?;
    }
    Ok(())
}

/// Columns a command never changes on an existing row (Postgres refuses some of them anyway).
const FIXED: &[&str] = &[
    "id",
    "organization_id",
    "created_at",
    "created_by",
    "order_id",
];

async fn put<E: Serialize>(
    tx: &mut PgConnection,
    name: &str,
    row: &E,
    new: bool,
    hlc: &str,
) -> Result<(), Step> {
    let table = table(name)?;
    let Ok(Value::Object(mut obj)) = serde_json::to_value(row) else {
        return Err(SyncError::Invalid(format!("a {name} row is not an object")).into());
    };
    obj.insert("hlc".into(), Value::String(hlc.to_string()));
    let row = normalize(&table.columns, &obj)?;
    let set = crate::push::recordset(&table, &[(row, None)]);
    let names: Vec<&str> = table.columns.iter().map(|c| c.name).collect();
    let sql = if new {
        format!(
            "INSERT INTO {t} ({cols}) SELECT {cols} FROM jsonb_populate_recordset(NULL::{t}, $1)",
            t = table.name,
            cols = names.join(", "),
        )
    } else {
        let sets: Vec<String> = names
            .iter()
            .filter(|n| !FIXED.contains(n))
            .map(|n| format!("{n} = v.{n}"))
            .collect();
        format!(
            "UPDATE {t} SET {sets} FROM jsonb_populate_recordset(NULL::{t}, $1) v WHERE {t}.id = v.id",
            t = table.name,
            sets = sets.join(", "),
        )
    };
    let done = sqlx::query(&sql)
        .bind(sqlx::types::Json(set))
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() != 1 {
        return Err(Step::Refused(
            "the team database did not let you change this order".into(),
        ));
    }
    Ok(())
}

/// An order as the team database has it for the signed-in person: the order, its milestones
/// and its build log (`None` when it has no such order, or the person may not see it).
type ServerCopy = Option<(Pulled, Vec<Pulled>, Vec<Pulled>)>;

async fn server_copy(team: &TeamSession, order_id: Uuid) -> Result<ServerCopy, SyncError> {
    let mut read = Vec::new();
    for (name, key) in [
        ("custom_agent_orders", "id"),
        ("order_milestones", "order_id"),
        ("build_logs", "order_id"),
    ] {
        let t = table(name)?;
        let rows: Vec<Value> = sqlx::query_scalar(&format!(
            "SELECT to_jsonb(t) FROM {name} t WHERE {key} = $1 AND organization_id = $2 ORDER BY id"
        ))
        .bind(order_id)
        .bind(team.organization_id)
        .fetch_all(&team.pool)
        .await
        .map_err(remote)?;
        let mut out = Vec::with_capacity(rows.len());
        for v in rows {
            if let Value::Object(raw) = v {
                out.push((from_snake(&t.columns, &raw)?, None));
            }
        }
        read.push(out);
    }
    let logs = read.pop().unwrap_or_default();
    let milestones = read.pop().unwrap_or_default();
    let order = read.pop().unwrap_or_default().into_iter().next();
    Ok(order.map(|o| (o, milestones, logs)))
}

/// Makes this device's copy of an order the team database's: its milestones and log lines here
/// are replaced by the team database's, and an order the team database does not have goes.
async fn take_server_copy(
    ltx: &mut SqliteConnection,
    order_id: Uuid,
    copy: ServerCopy,
) -> Result<(), SyncError> {
    sqlx::query("INSERT INTO local_settings (key, value) VALUES ($1, '1')")
        .bind(UNDOING)
        .execute(&mut *ltx)
        .await
        .map_err(local_db)?;
    // Replaced whole, not upserted: an upsert keeps a row's `created_at`, and this device's
    // copy of a row it made carries its own.
    for sql in [
        "DELETE FROM build_logs WHERE order_id = $1",
        "DELETE FROM order_milestones WHERE order_id = $1",
        "DELETE FROM custom_agent_orders WHERE id = $1",
    ] {
        sqlx::query(sql)
            .bind(order_id)
            .execute(&mut *ltx)
            .await
            .map_err(local_db)?;
    }
    if let Some((order, milestones, logs)) = copy {
        write_rows(ltx, &table("custom_agent_orders")?, &[order]).await?;
        write_rows(ltx, &table("order_milestones")?, &milestones).await?;
        write_rows(ltx, &table("build_logs")?, &logs).await?;
    }
    sqlx::query("DELETE FROM local_settings WHERE key = $1")
        .bind(UNDOING)
        .execute(&mut *ltx)
        .await
        .map_err(local_db)?;
    Ok(())
}

/// Whether orders this device holds may since have been hidden from its person: not for staff
/// and viewers (they see every order); for anyone else yes, since being taken off an order as
/// its builder hides it, and no row change tells the device.
pub(crate) async fn orders_may_hide(
    ltx: &mut SqliteConnection,
    team: &TeamSession,
) -> Result<bool, SyncError> {
    let role: Option<String> = sqlx::query_scalar(
        "SELECT role FROM organization_members WHERE organization_id = $1 AND user_id = $2 AND deleted_at IS NULL",
    )
    .bind(team.organization_id)
    .bind(team.user_id)
    .fetch_optional(&mut *ltx)
    .await
    .map_err(local_db)?;
    Ok(!matches!(
        role.as_deref(),
        Some("OWNER" | "ADMIN" | "VIEWER")
    ))
}

/// The local setting naming which orders this device's copy was pulled for: `all` (staff and
/// viewers see every order) or `own` (the orders a member made or builds).
pub(crate) const ORDERS_SCOPE: &str = "orders_scope";

/// The order ids this device holds, and the scope they were pulled for.
pub(crate) async fn held_orders(
    ltx: &mut SqliteConnection,
    team: &TeamSession,
) -> Result<(HashSet<Uuid>, Option<String>), SyncError> {
    let ids: Vec<Uuid> =
        sqlx::query_scalar("SELECT id FROM custom_agent_orders WHERE organization_id = $1")
            .bind(team.organization_id)
            .fetch_all(&mut *ltx)
            .await
            .map_err(local_db)?;
    let scope: Option<String> =
        sqlx::query_scalar("SELECT value FROM local_settings WHERE key = $1")
            .bind(ORDERS_SCOPE)
            .fetch_optional(&mut *ltx)
            .await
            .map_err(local_db)?;
    Ok((ids.into_iter().collect(), scope))
}

/// Which orders the person sees now on the team database (see [`ORDERS_SCOPE`]).
pub(crate) async fn server_scope(
    tx: &mut PgConnection,
    team: &TeamSession,
) -> Result<&'static str, SyncError> {
    let role: Option<String> = sqlx::query_scalar(
        "SELECT role FROM organization_members WHERE organization_id = $1 AND user_id = $2 AND deleted_at IS NULL",
    )
    .bind(team.organization_id)
    .bind(team.user_id)
    .fetch_optional(&mut *tx)
    .await
    .map_err(remote)?;
    Ok(match role.as_deref() {
        Some("OWNER" | "ADMIN" | "VIEWER") => "all",
        _ => "own",
    })
}

/// Every milestone and log line of `orders`, whatever the cursor: an order that has just become
/// visible to the person (they were made its builder) brings the rows written before, which
/// the cursor has passed.
pub(crate) async fn children_of(
    tx: &mut PgConnection,
    team: &TeamSession,
    orders: &[Uuid],
) -> Result<Vec<(&'static str, serde_json::Map<String, Value>)>, SyncError> {
    let mut out = Vec::new();
    for name in ["order_milestones", "build_logs"] {
        let rows: Vec<Value> = sqlx::query_scalar(&format!(
            "SELECT to_jsonb(t) FROM {name} t WHERE order_id = ANY($1) AND organization_id = $2 ORDER BY row_xid, id"
        ))
        .bind(orders)
        .bind(team.organization_id)
        .fetch_all(&mut *tx)
        .await
        .map_err(remote)?;
        out.extend(rows.into_iter().filter_map(|v| match v {
            Value::Object(m) => Some((name, m)),
            _ => None,
        }));
    }
    Ok(out)
}

/// Of `ids`, the orders the signed-in person still sees on the team database.
pub(crate) async fn still_visible(
    tx: &mut PgConnection,
    ids: &[Uuid],
) -> Result<HashSet<Uuid>, SyncError> {
    if ids.is_empty() {
        return Ok(HashSet::new());
    }
    let seen: Vec<Uuid> =
        sqlx::query_scalar("SELECT id FROM custom_agent_orders WHERE id = ANY($1)")
            .bind(ids)
            .fetch_all(&mut *tx)
            .await
            .map_err(remote)?;
    Ok(seen.into_iter().collect())
}

/// Drops this device's copy of an order its person no longer sees, with its milestones and log.
pub(crate) async fn forget_order(ltx: &mut SqliteConnection, id: Uuid) -> Result<(), SyncError> {
    take_server_copy(ltx, id, None).await
}

/// Keeps a refusal for the person: what they asked, of which order, and the server's reason.
async fn keep_refusal(
    ltx: &mut SqliteConnection,
    q: &Queued,
    reason: &str,
) -> Result<(), SyncError> {
    let c = &q.issued;
    let title: Option<String> = match &c.command {
        orders::OrderCommand::Create { form, .. } => Some(form.title.clone()),
        other => sqlx::query_scalar("SELECT title FROM custom_agent_orders WHERE id = $1")
            .bind(other.order_id())
            .fetch_optional(&mut *ltx)
            .await
            .map_err(local_db)?,
    };
    sqlx::query(
        "INSERT INTO refused_commands (id, order_id, order_title, what, reason, made_at, refused_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING",
    )
    .bind(c.id)
    .bind(c.command.order_id())
    .bind(title.unwrap_or_else(|| "An order".into()))
    .bind(c.command.describe())
    .bind(reason)
    .bind(c.at.to_rfc3339())
    .bind(chrono::Utc::now().to_rfc3339())
    .execute(&mut *ltx)
    .await
    .map_err(local_db)?;
    Ok(())
}

/// A change the team database refused, as the sync panel lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Refusal {
    pub id: Uuid,
    pub order_id: Uuid,
    pub order_title: String,
    /// What the person asked, in words.
    pub what: String,
    /// The team database's reason.
    pub reason: String,
    pub made_at: String,
    pub refused_at: String,
}

/// The refusals not dismissed yet, newest first (at most 100).
pub async fn refusals(local: &Store) -> Result<Vec<Refusal>, SyncError> {
    let Db::Sqlite(pool) = local.db() else {
        return Ok(Vec::new());
    };
    let rows: Vec<(Uuid, Uuid, String, String, String, String, String)> = sqlx::query_as(
        "SELECT id, order_id, order_title, what, reason, made_at, refused_at FROM refused_commands ORDER BY refused_at DESC, made_at DESC LIMIT 100",
    )
    .fetch_all(pool)
    .await
    .map_err(local_db)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, order_id, order_title, what, reason, made_at, refused_at)| Refusal {
                id,
                order_id,
                order_title,
                what,
                reason,
                made_at,
                refused_at,
            },
        )
        .collect())
}

/// The person has read a refusal: it leaves the list.
pub async fn dismiss_refusal(local: &Store, id: Uuid) -> Result<(), SyncError> {
    let Db::Sqlite(pool) = local.db() else {
        return Ok(());
    };
    sqlx::query("DELETE FROM refused_commands WHERE id = $1")
        .bind(id)
        .execute(pool)
        .await
        .map_err(local_db)?;
    Ok(())
}
