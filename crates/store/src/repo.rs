//! The generic repository: typed create/get/list/update/tombstone for every entity on either
//! backend, each write in one transaction with its outbox row (SQLite) and an HLC stamp.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, SubsecRound, Utc};
use neuroflow_model::entities::{
    json_key, ColKind, Column, Entity, LEADING_COLUMNS, TRAILING_COLUMNS,
};
use neuroflow_model::fields;
use neuroflow_model::hlc::{HlcClock, HlcStamp};
use neuroflow_model::{DbEnum, OrgRole};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::db::{on_db, Db};
use crate::value::{bind_all, decode_row, SqlValue};
use crate::StoreError;

/// Filters, search and paging for a list.
#[derive(Debug, Clone)]
pub struct ListQuery {
    /// Only rows of this organization.
    pub organization_id: Option<Uuid>,
    /// Column = value filters, AND-ed.
    pub eq: Vec<(&'static str, SqlValue)>,
    /// Case-insensitive substring search in one text column.
    pub search: Option<(&'static str, String)>,
    pub order_by: &'static str,
    pub descending: bool,
    pub limit: u32,
    pub offset: u32,
    pub include_deleted: bool,
    /// Only rows with one of these ids, when not empty.
    pub ids: Vec<Uuid>,
}

impl Default for ListQuery {
    fn default() -> Self {
        Self {
            organization_id: None,
            ids: Vec::new(),
            eq: Vec::new(),
            search: None,
            order_by: "updated_at",
            descending: true,
            limit: 100,
            offset: 0,
            include_deleted: false,
        }
    }
}

impl ListQuery {
    pub fn in_org(organization_id: Uuid) -> Self {
        Self {
            organization_id: Some(organization_id),
            ..Self::default()
        }
    }
}

/// One row write, ready to run inside a transaction.
#[derive(Debug, Clone)]
pub(crate) struct WriteOp {
    sql: String,
    /// The same write that also sets `field_hlc` to one more parameter after `values`: a synced
    /// row's new field stamps go in with the write itself, not in a statement of their own.
    sql_stamped: String,
    values: Vec<SqlValue>,
    table: &'static str,
    row_id: Uuid,
    op: &'static str,
    payload: Value,
    hlc: String,
    /// What it means when the write touches no row.
    untouched: Untouched,
    /// Every column of the table, to read the row before the write (field stamps of synced tables).
    columns: Vec<&'static Column>,
}

/// The column holding a synced row's field stamps.
const FIELD_HLC: Column = Column {
    name: "field_hlc",
    kind: ColKind::Json,
};

/// Now, to the microsecond: what Postgres keeps of a time, so a time written here reads back
/// the same from the team database and both copies compare equal.
pub(crate) fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// What a write that touched no row means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Untouched {
    /// Nothing: the write had nothing to do.
    Fine,
    /// The row it names is not there (or not live, or of another organization).
    NotFound,
    /// The id is taken by a row the write may not bring back.
    Conflict,
}

/// The application's handle on its database.
#[derive(Debug, Clone)]
pub struct Store {
    db: Db,
    clock: Arc<Mutex<HlcClock>>,
    /// Milliseconds added to the wall clock for HLC stamps: how far this device's clock is
    /// known to be off (0 unless set).
    clock_offset_ms: Arc<std::sync::atomic::AtomicI64>,
    /// The graphs of the documents last read or saved here (see graph_docs::GraphCache).
    pub(crate) graphs: Arc<Mutex<crate::graph_docs::GraphCache>>,
    /// This database's local organization and person (`local_settings`), kept once a write
    /// has read them: they never change for a database file, and reading them cost two
    /// queries on every synced write.
    local_identity: Arc<tokio::sync::OnceCell<(Uuid, Uuid)>>,
}

fn all_columns<E: Entity>() -> Vec<&'static Column> {
    LEADING_COLUMNS
        .iter()
        .chain(E::COLUMNS)
        .chain(TRAILING_COLUMNS)
        .collect()
}

/// Columns the server keeps: the marketplace counters, moved in Postgres only by SECURITY DEFINER
/// functions (migrations/postgres/0005_hardening.sql, `private.server_columns`), where app roles
/// hold no INSERT or UPDATE privilege on them. The store never writes them on either backend: an
/// insert leaves them at their defaults and an update leaves them as they are.
pub(crate) fn server_kept(table: &str) -> &'static [&'static str] {
    match table {
        "agent_templates" => &["usage_count", "rating_avg", "rating_count"],
        "workflow_templates" => &["usage_count", "rating_avg", "rating_count", "is_featured"],
        "project_showcases" => &["views", "likes"],
        _ => &[],
    }
}

/// The columns the store writes for `E`: all but the server's.
fn written_columns<E: Entity>() -> Vec<&'static Column> {
    let kept = server_kept(E::TABLE);
    all_columns::<E>()
        .into_iter()
        .filter(|c| !kept.contains(&c.name))
        .collect()
}

/// What a server-kept column holds before the server moves it (the schema's default).
fn server_default(column: &Column) -> Value {
    match column.kind {
        ColKind::Bool => Value::Bool(false),
        ColKind::Real => serde_json::json!(0.0),
        _ => serde_json::json!(0),
    }
}

fn known_column<E: Entity>(name: &str) -> Result<&'static Column, StoreError> {
    all_columns::<E>()
        .into_iter()
        .find(|c| c.name == name)
        .ok_or_else(|| StoreError::Invalid(format!("{} has no column {name}", E::TABLE)))
}

fn to_object<E: Entity>(entity: &E) -> Result<Map<String, Value>, StoreError> {
    match serde_json::to_value(entity) {
        Ok(Value::Object(obj)) => Ok(obj),
        Ok(_) => Err(StoreError::Invalid(format!(
            "a {} must serialize to an object",
            E::TABLE
        ))),
        Err(e) => Err(StoreError::Invalid(format!(
            "cannot serialize a {}: {e}",
            E::TABLE
        ))),
    }
}

fn from_object<E: Entity>(obj: Map<String, Value>) -> Result<E, StoreError> {
    serde_json::from_value(Value::Object(obj)).map_err(|e| {
        StoreError::Database(format!(
            "a stored {} row does not match its type: {e}",
            E::TABLE
        ))
    })
}

impl Store {
    /// `device` distinguishes this replica's HLC stamps from other devices'.
    pub fn new(db: Db, device: u64) -> Self {
        Self {
            db,
            clock: Arc::new(Mutex::new(HlcClock::new(device))),
            clock_offset_ms: Arc::default(),
            graphs: Arc::default(),
            local_identity: Arc::default(),
        }
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Sets how far this device's wall clock is off, in milliseconds added to it for stamps.
    pub fn set_clock_offset_ms(&self, offset: i64) {
        self.clock_offset_ms
            .store(offset, std::sync::atomic::Ordering::Relaxed);
    }

    /// The wall clock as stamps read it, in milliseconds since the epoch.
    pub fn wall_ms(&self) -> u64 {
        let offset = self
            .clock_offset_ms
            .load(std::sync::atomic::Ordering::Relaxed);
        u64::try_from(Utc::now().timestamp_millis().saturating_add(offset)).unwrap_or(0)
    }

    /// A fresh HLC stamp for a local edit.
    pub fn stamp(&self) -> String {
        let now = self.wall_ms();
        // A poisoned lock only means another thread panicked mid-tick; the clock is still valid.
        let mut clock = self.clock.lock().unwrap_or_else(|p| p.into_inner());
        clock.tick(now).to_string()
    }

    /// Moves this device's clock past a stamp received from another device, so its next edits
    /// sort after what it has seen. Returns the stamp the clock moved to.
    pub fn observe(&self, remote: HlcStamp) -> HlcStamp {
        let now = self.wall_ms();
        let mut clock = self.clock.lock().unwrap_or_else(|p| p.into_inner());
        clock.observe(remote, now)
    }

    /// Moves this device's clock past every stamp already in its database, so an edit made
    /// after a restart sorts after the edits made before it even when the wall clock went back
    /// (or the restart came within the same millisecond). Call once after opening.
    pub async fn resume_clock(&self) -> Result<(), StoreError> {
        let mut newest: Option<String> = None;
        let outbox: &[&str] = match self.db {
            Db::Sqlite(_) => &["outbox"],
            Db::Postgres(_) => &[],
        };
        for table in fields::SYNCED_TABLES.iter().chain(outbox) {
            let sql = format!("SELECT MAX(hlc) FROM {table}");
            let max: Option<String> = on_db!(&self.db, pool => {
                sqlx::query_scalar(&sql).fetch_one(pool).await?
            });
            newest = newest.max(max);
        }
        if let Some(stamp) = newest.and_then(|s| s.parse::<HlcStamp>().ok()) {
            let mut clock = self.clock.lock().unwrap_or_else(|p| p.into_inner());
            clock.observe(stamp, 0);
        }
        Ok(())
    }

    /// Forgets every graph held in memory: after rows were written behind the store's back (a
    /// sync pull), the next read goes to the database.
    pub fn forget_graphs(&self) {
        let mut graphs = self.graphs.lock().unwrap_or_else(|p| p.into_inner());
        *graphs = crate::graph_docs::GraphCache::default();
    }

    // ------------------------------------------------------------ write ops

    pub(crate) fn insert_op<E: Entity>(&self, entity: &E) -> Result<(WriteOp, E), StoreError> {
        let mut obj = to_object(entity)?;
        let now = Value::String(now().to_rfc3339());
        let hlc = self.stamp();
        obj.insert("createdAt".into(), now.clone());
        obj.insert("updatedAt".into(), now);
        obj.insert("deletedAt".into(), Value::Null);
        obj.insert("hlc".into(), Value::String(hlc.clone()));
        for c in E::COLUMNS
            .iter()
            .filter(|c| server_kept(E::TABLE).contains(&c.name))
        {
            obj.insert(json_key(c.name), server_default(c));
        }
        let cols = written_columns::<E>();
        let values = cols
            .iter()
            .map(|c| SqlValue::from_json(c, &obj))
            .collect::<Result<Vec<_>, _>>()?;
        let names = cols.iter().map(|c| c.name).collect::<Vec<_>>().join(", ");
        let params = (1..=cols.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let stored: E = from_object(obj.clone())?;
        Ok((
            WriteOp {
                sql: format!("INSERT INTO {} ({names}) VALUES ({params})", E::TABLE),
                sql_stamped: format!(
                    "INSERT INTO {} ({names}, field_hlc) VALUES ({params}, ${})",
                    E::TABLE,
                    cols.len() + 1
                ),
                values,
                table: E::TABLE,
                row_id: entity.id(),
                op: "upsert",
                payload: Value::Object(obj),
                hlc,
                untouched: Untouched::NotFound,
                columns: cols,
            },
            stored,
        ))
    }

    /// An insert that, when the id is a tombstone of the same organization and the same `scope`
    /// column value (a graph element of the same owner), brings that row back with the new
    /// values instead: an undone delete, a redo or a restored version puts elements back under
    /// the ids they had, and those rows were tombstoned by an earlier save. The row keeps its
    /// creation time; sync sees an upsert with `deletedAt: null`. Any other row holding the id
    /// (live, or of another owner or organization) is a conflict.
    pub(crate) fn insert_or_revive_op<E: Entity>(
        &self,
        entity: &E,
        scope: &'static str,
    ) -> Result<(WriteOp, E), StoreError> {
        if E::APPEND_ONLY {
            return Err(StoreError::Invalid(format!("{} are append-only", E::TABLE)));
        }
        known_column::<E>(scope)?;
        let (mut op, stored) = self.insert_op(entity)?;
        let kept = server_kept(E::TABLE);
        let sets: Vec<String> = E::COLUMNS
            .iter()
            .chain(TRAILING_COLUMNS.iter().filter(|c| c.name != "created_at"))
            .filter(|c| !kept.contains(&c.name))
            .map(|c| format!("{0} = excluded.{0}", c.name))
            .collect();
        let on_conflict = |insert: &str, sets: &str| {
            format!(
                "{insert} ON CONFLICT (id) DO UPDATE SET {sets} WHERE {t}.deleted_at IS NOT NULL AND {t}.organization_id = excluded.organization_id AND {t}.{scope} = excluded.{scope}",
                t = E::TABLE,
            )
        };
        let sets = sets.join(", ");
        op.sql = on_conflict(&op.sql, &sets);
        op.sql_stamped = on_conflict(
            &op.sql_stamped,
            &format!("{sets}, field_hlc = excluded.field_hlc"),
        );
        op.untouched = Untouched::Conflict;
        Ok((op, stored))
    }

    pub(crate) fn update_op<E: Entity>(&self, entity: &E) -> Result<(WriteOp, E), StoreError> {
        self.rewrite_op(entity, true)
    }

    /// Queues an order command for the team database (this device's SQLite only): written in
    /// the transaction of the rows it made here, so a crash keeps both or neither.
    pub(crate) fn command_op(
        &self,
        issued: &crate::orders::IssuedCommand,
    ) -> Result<WriteOp, StoreError> {
        let text = serde_json::to_string(issued)
            .map_err(|e| StoreError::Invalid(format!("an order command: {e}")))?;
        let sql = "INSERT INTO command_outbox (command_id, order_id, command, hlc, created_at) VALUES ($1, $2, $3, $4, $5)".to_string();
        Ok(WriteOp {
            sql_stamped: sql.clone(),
            sql,
            values: vec![
                SqlValue::Uuid(Some(issued.id)),
                SqlValue::Uuid(Some(issued.command.order_id())),
                SqlValue::Text(Some(text)),
                SqlValue::Text(Some(self.stamp())),
                SqlValue::Time(Some(Utc::now())),
            ],
            table: "command_outbox",
            row_id: issued.id,
            op: "insert",
            payload: Value::Null,
            hlc: String::new(),
            untouched: Untouched::NotFound,
            columns: Vec::new(),
        })
    }

    /// An update of every field; `live_only: false` also writes a tombstoned row (a restore
    /// that brings a deleted row back sets `deletedAt` to null in `entity`).
    fn rewrite_op<E: Entity>(
        &self,
        entity: &E,
        live_only: bool,
    ) -> Result<(WriteOp, E), StoreError> {
        if E::APPEND_ONLY {
            return Err(StoreError::Invalid(format!("{} are append-only", E::TABLE)));
        }
        let mut obj = to_object(entity)?;
        let hlc = self.stamp();
        obj.insert("updatedAt".into(), Value::String(now().to_rfc3339()));
        obj.insert("hlc".into(), Value::String(hlc.clone()));
        let mut values = Vec::new();
        let mut sets = Vec::new();
        let kept = server_kept(E::TABLE);
        for c in E::COLUMNS
            .iter()
            .chain(TRAILING_COLUMNS.iter().filter(|c| c.name != "created_at"))
            .filter(|c| !kept.contains(&c.name))
        {
            values.push(SqlValue::from_json(c, &obj)?);
            sets.push(format!("{} = ${}", c.name, values.len()));
        }
        values.push(SqlValue::from_json(&LEADING_COLUMNS[0], &obj)?);
        let id_param = values.len();
        values.push(SqlValue::from_json(&LEADING_COLUMNS[1], &obj)?);
        let org_param = values.len();
        let stored: E = from_object(obj.clone())?;
        let stamps_param = values.len() + 1;
        // The organization is part of the key: a row never moves between organizations.
        let update = |sets: &str| {
            format!(
                "UPDATE {} SET {sets} WHERE id = ${id_param} AND organization_id IS NOT DISTINCT FROM ${org_param}{}",
                E::TABLE,
                if live_only { " AND deleted_at IS NULL" } else { "" },
            )
        };
        let sets = sets.join(", ");
        Ok((
            WriteOp {
                columns: all_columns::<E>(),
                sql: update(&sets),
                sql_stamped: update(&format!("{sets}, field_hlc = ${stamps_param}")),
                values,
                table: E::TABLE,
                row_id: entity.id(),
                op: "upsert",
                payload: Value::Object(obj),
                hlc,
                untouched: Untouched::NotFound,
            },
            stored,
        ))
    }

    pub(crate) fn tombstone_op<E: Entity>(
        &self,
        organization_id: Option<Uuid>,
        id: Uuid,
        must_exist: bool,
    ) -> Result<WriteOp, StoreError> {
        if E::APPEND_ONLY {
            return Err(StoreError::Invalid(format!("{} are append-only", E::TABLE)));
        }
        let hlc = self.stamp();
        let now = now();
        let update = |stamps: &str| {
            format!(
                "UPDATE {} SET deleted_at = $1, updated_at = $1, hlc = $2{stamps} WHERE id = $3 AND organization_id IS NOT DISTINCT FROM $4 AND deleted_at IS NULL",
                E::TABLE
            )
        };
        Ok(WriteOp {
            sql: update(""),
            sql_stamped: update(", field_hlc = $5"),
            values: vec![
                SqlValue::Time(Some(now)),
                SqlValue::Text(Some(hlc.clone())),
                SqlValue::Uuid(Some(id)),
                SqlValue::Uuid(organization_id),
            ],
            table: E::TABLE,
            row_id: id,
            op: "delete",
            payload: serde_json::json!({ "id": id, "organizationId": organization_id, "deletedAt": now.to_rfc3339() }),
            hlc,
            untouched: if must_exist {
                Untouched::NotFound
            } else {
                Untouched::Fine
            },
            columns: all_columns::<E>(),
        })
    }

    /// Runs writes in one transaction; on SQLite each write of a table that goes to the team
    /// database also appends its outbox row there. A write to a synced table also restamps the
    /// fields it changed (`field_hlc`), and its outbox row carries the new row, its stamps and
    /// the stamps it was made over (what sync merges with).
    pub(crate) async fn apply(&self, ops: Vec<WriteOp>) -> Result<(), StoreError> {
        let record_outbox = matches!(self.db, Db::Sqlite(_));
        // SQLite: take the write lock at the start. A write of a synced row reads the row first,
        // and a read-then-write transaction whose snapshot another connection's write made stale
        // fails at once with "database is locked" instead of waiting its turn.
        let begin = if record_outbox {
            "BEGIN IMMEDIATE"
        } else {
            "BEGIN"
        };
        if let Db::Sqlite(pool) = &self.db {
            if ops.iter().any(|op| fields::is_synced(op.table)) {
                refuse_viewer(pool, &self.local_identity).await?;
            }
        }
        on_db!(&self.db, pool => {
            let mut tx = pool.begin_with(begin).await?;
            for mut op in ops {
                let synced = fields::is_synced(op.table);
                let plain_insert = op.sql.starts_with("INSERT") && op.untouched == Untouched::NotFound;
                let before = if synced && !plain_insert {
                    let mut cols = op.columns.clone();
                    cols.push(&FIELD_HLC);
                    let sql = format!(
                        "SELECT {} FROM {} WHERE id = $1",
                        cols.iter().map(|c| c.name).collect::<Vec<_>>().join(", "),
                        op.table
                    );
                    match sqlx::query(&sql).bind(op.row_id).fetch_optional(&mut *tx).await? {
                        Some(row) => Some(decode_row(&row, &cols)?),
                        None => None,
                    }
                } else {
                    None
                };
                // A synced row's new field stamps are worked out from the row as it was, and
                // written with the row.
                let stamped = synced.then(|| stamped_payload(&op, before));
                let mut values = std::mem::take(&mut op.values);
                let sql = match &stamped {
                    Some((_, stamps)) => {
                        values.push(SqlValue::Json(Some(stamps.clone())));
                        &op.sql_stamped
                    }
                    None => &op.sql,
                };
                let result = bind_all(sqlx::query(sql), values).execute(&mut *tx).await?;
                if result.rows_affected() != 1 {
                    match op.untouched {
                        Untouched::Fine => {}
                        Untouched::NotFound => {
                            return Err(StoreError::NotFound { what: entity_name(op.table), id: op.row_id.to_string() });
                        }
                        Untouched::Conflict => {
                            return Err(StoreError::Conflict(format!("that {} already exists", entity_name(op.table))));
                        }
                    }
                }
                if let Some((payload, _)) = stamped.filter(|_| result.rows_affected() > 0) {
                    op.payload = payload;
                }
                if record_outbox && fields::is_pushed(op.table) && result.rows_affected() > 0 {
                    bind_all(
                        sqlx::query("INSERT INTO outbox (mutation_id, table_name, row_id, op, payload, hlc, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"),
                        vec![
                            SqlValue::Uuid(Some(neuroflow_model::new_id())),
                            SqlValue::Text(Some(op.table.to_string())),
                            SqlValue::Uuid(Some(op.row_id)),
                            SqlValue::Text(Some(op.op.to_string())),
                            SqlValue::Json(Some(op.payload)),
                            SqlValue::Text(Some(op.hlc)),
                            SqlValue::Time(Some(Utc::now())),
                        ],
                    )
                    .execute(&mut *tx)
                    .await?;
                }
            }
            tx.commit().await?;
            Ok(())
        })
    }

    // ------------------------------------------------------------ typed API

    /// Stores a new row; timestamps and the HLC stamp are set here. Returns the stored row.
    pub async fn insert<E: Entity>(&self, entity: &E) -> Result<E, StoreError> {
        let (op, stored) = self.insert_op(entity)?;
        self.apply(vec![op]).await?;
        Ok(stored)
    }

    /// Writes every field of an existing, live row of the same organization, but the server's
    /// counters ([`server_kept`]); returns the row as stored (its counters as the server has them).
    pub async fn update<E: Entity>(&self, entity: &E) -> Result<E, StoreError> {
        let (op, stored) = self.update_op(entity)?;
        self.apply(vec![op]).await?;
        if server_kept(E::TABLE).is_empty() {
            Ok(stored)
        } else {
            let organization_id = to_object(&stored)?
                .get("organizationId")
                .and_then(Value::as_str)
                .and_then(|s| Uuid::parse_str(s).ok());
            self.get(organization_id, stored.id()).await
        }
    }

    /// Tombstones a live row (sync keeps the tombstone; a purge removes it later).
    pub async fn delete<E: Entity>(
        &self,
        organization_id: Option<Uuid>,
        id: Uuid,
    ) -> Result<(), StoreError> {
        let op = self.tombstone_op::<E>(organization_id, id, true)?;
        self.apply(vec![op]).await
    }

    /// Writes one field of a synced row (as sync names fields: a column, `position`,
    /// `config.<key>`, `deletedAt`) to `value` (`None`: a setting removed) as a new local edit,
    /// stamped now so it syncs and wins like any edit: the conflict list's restore. A row a
    /// delete took comes back with it. Returns the value the field had.
    pub async fn write_field(
        &self,
        organization_id: Uuid,
        table: &str,
        row_id: Uuid,
        field: &str,
        value: Option<Value>,
    ) -> Result<Option<Value>, StoreError> {
        use neuroflow_model::entities::{
            AgentTeam, AiAgent, BlueprintComponent, BlueprintConnection, TeamMember, ToolBlueprint,
            Workflow, WorkflowEdge, WorkflowNode,
        };
        let previous = match table {
            "workflows" => {
                self.write_field_of::<Workflow>(organization_id, row_id, field, value)
                    .await
            }
            "workflow_nodes" => {
                self.write_field_of::<WorkflowNode>(organization_id, row_id, field, value)
                    .await
            }
            "workflow_edges" => {
                self.write_field_of::<WorkflowEdge>(organization_id, row_id, field, value)
                    .await
            }
            "tool_blueprints" => {
                self.write_field_of::<ToolBlueprint>(organization_id, row_id, field, value)
                    .await
            }
            "blueprint_components" => {
                self.write_field_of::<BlueprintComponent>(organization_id, row_id, field, value)
                    .await
            }
            "blueprint_connections" => {
                self.write_field_of::<BlueprintConnection>(organization_id, row_id, field, value)
                    .await
            }
            "ai_agents" => {
                self.write_field_of::<AiAgent>(organization_id, row_id, field, value)
                    .await
            }
            "agent_teams" => {
                self.write_field_of::<AgentTeam>(organization_id, row_id, field, value)
                    .await
            }
            "team_members" => {
                self.write_field_of::<TeamMember>(organization_id, row_id, field, value)
                    .await
            }
            other => Err(StoreError::Invalid(format!(
                "rows of {other} do not sync field by field"
            ))),
        }?;
        // Graph rows were written past the graph documents held in memory.
        self.forget_graphs();
        Ok(previous)
    }

    async fn write_field_of<E: Entity>(
        &self,
        organization_id: Uuid,
        row_id: Uuid,
        field: &str,
        value: Option<Value>,
    ) -> Result<Option<Value>, StoreError> {
        let query = ListQuery {
            organization_id: Some(organization_id),
            eq: vec![("id", SqlValue::Uuid(Some(row_id)))],
            limit: 1,
            include_deleted: true,
            ..ListQuery::default()
        };
        let row = self
            .list::<E>(&query)
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| StoreError::NotFound {
                what: entity_name(E::TABLE),
                id: row_id.to_string(),
            })?;
        let mut obj = to_object(&row)?;
        let mut fields = fields::split(E::TABLE, &obj);
        if field != "deletedAt" && !fields.contains_key(field) && !field.contains('.') {
            return Err(StoreError::Invalid(format!(
                "{} have no field {field}",
                entity_name(E::TABLE)
            )));
        }
        let previous = fields.get(field).cloned().flatten();
        fields.insert(field.to_string(), value);
        // Restoring any value of a deleted row brings the row back (an edit lost to a delete).
        if field != "deletedAt" {
            fields.insert("deletedAt".into(), Some(Value::Null));
        }
        fields::join(E::TABLE, &mut obj, &fields);
        let entity: E = from_object(obj)?;
        let (op, _) = self.rewrite_op(&entity, false)?;
        self.apply(vec![op]).await?;
        Ok(previous)
    }

    /// A live row by id within an organization (`None` for system rows).
    pub async fn get<E: Entity>(
        &self,
        organization_id: Option<Uuid>,
        id: Uuid,
    ) -> Result<E, StoreError> {
        let query = ListQuery {
            organization_id,
            eq: vec![("id", SqlValue::Uuid(Some(id)))],
            limit: 1,
            ..ListQuery::default()
        };
        let mut sql_query = query;
        if organization_id.is_none() {
            sql_query.eq.push(("organization_id", SqlValue::Uuid(None)));
        }
        self.list::<E>(&sql_query)
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| StoreError::NotFound {
                what: entity_name(E::TABLE),
                id: id.to_string(),
            })
    }

    /// The names (lower case) of an organization's live rows whose name contains `name`: what an
    /// imported document's name is checked against.
    pub(crate) async fn names_like<E: Entity>(
        &self,
        organization_id: Uuid,
        name: &str,
    ) -> Result<std::collections::HashSet<String>, StoreError> {
        let query = ListQuery {
            search: Some(("name", name.to_string())),
            limit: 100_000,
            ..ListQuery::in_org(organization_id)
        };
        Ok(self
            .list::<E>(&query)
            .await?
            .iter()
            .filter_map(|row| {
                to_object(row)
                    .ok()?
                    .get("name")?
                    .as_str()
                    .map(str::to_lowercase)
            })
            .collect())
    }

    /// Rows matching the query, ordered and paged.
    pub async fn list<E: Entity>(&self, query: &ListQuery) -> Result<Vec<E>, StoreError> {
        let cols = all_columns::<E>();
        let mut clauses = Vec::new();
        let mut values = Vec::new();
        if let Some(org) = query.organization_id {
            values.push(SqlValue::Uuid(Some(org)));
            clauses.push(format!("organization_id = ${}", values.len()));
        }
        for (name, value) in &query.eq {
            known_column::<E>(name)?;
            if matches!(
                value,
                SqlValue::Uuid(None) | SqlValue::Text(None) | SqlValue::Time(None)
            ) {
                clauses.push(format!("{name} IS NULL"));
            } else {
                values.push(value.clone());
                clauses.push(format!("{name} = ${}", values.len()));
            }
        }
        if let Some((name, text)) = &query.search {
            known_column::<E>(name)?;
            let escaped = text
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            values.push(SqlValue::Text(Some(format!(
                "%{}%",
                escaped.to_lowercase()
            ))));
            clauses.push(format!("lower({name}) LIKE ${} ESCAPE '\\'", values.len()));
        }
        if !query.ids.is_empty() {
            let first = values.len() + 1;
            values.extend(query.ids.iter().map(|id| SqlValue::Uuid(Some(*id))));
            let params: Vec<String> = (first..first + query.ids.len())
                .map(|i| format!("${i}"))
                .collect();
            clauses.push(format!("id IN ({})", params.join(", ")));
        }
        if !query.include_deleted {
            clauses.push("deleted_at IS NULL".into());
        }
        let order = known_column::<E>(query.order_by)?.name;
        let sql = format!(
            "SELECT {} FROM {}{} ORDER BY {order} {dir}, id {dir} LIMIT {} OFFSET {}",
            cols.iter().map(|c| c.name).collect::<Vec<_>>().join(", "),
            E::TABLE,
            if clauses.is_empty() {
                String::new()
            } else {
                format!(" WHERE {}", clauses.join(" AND "))
            },
            query.limit.min(100_000),
            query.offset,
            dir = if query.descending { "DESC" } else { "ASC" },
        );
        on_db!(&self.db, pool => {
            let rows = bind_all(sqlx::query(&sql), values).fetch_all(pool).await?;
            rows.iter().map(|row| from_object::<E>(decode_row(row, &cols)?)).collect()
        })
    }
}

/// What a write to a synced row sends to the team database, and the row's new field stamps:
/// `{row, stamps, base}` — the whole row after the write, the stamp of each field, and the
/// stamps the write was made over (`base`: a field whose stamp differs from its base is what
/// this write changed; a base the server no longer has means someone else wrote it meanwhile).
/// The local store refuses a VIEWER's edits itself, online or offline: the role is the one the
/// team database gave (pulled into `organization_members`), read at each write so a role change
/// that just arrived counts. An offline-only workspace's person is its OWNER.
async fn refuse_viewer(
    pool: &sqlx::SqlitePool,
    identity: &tokio::sync::OnceCell<(Uuid, Uuid)>,
) -> Result<(), StoreError> {
    let (org, user) = match identity.get() {
        Some(ids) => *ids,
        None => {
            let setting = |key: &'static str| {
                sqlx::query_scalar::<_, String>("SELECT value FROM local_settings WHERE key = $1")
                    .bind(key)
            };
            let org = setting("local_organization_id")
                .fetch_optional(pool)
                .await?;
            let user = setting("local_user_id").fetch_optional(pool).await?;
            let (Some(org), Some(user)) = (
                org.and_then(|o| Uuid::parse_str(&o).ok()),
                user.and_then(|u| Uuid::parse_str(&u).ok()),
            ) else {
                // Not set yet (a database being made): nothing to refuse, nothing kept.
                return Ok(());
            };
            // Another write may have kept them first: the same ids.
            let _ = identity.set((org, user));
            (org, user)
        }
    };
    let role: Option<String> = sqlx::query_scalar(
        "SELECT role FROM organization_members WHERE organization_id = $1 AND user_id = $2 AND deleted_at IS NULL",
    )
    .bind(org)
    .bind(user)
    .fetch_optional(pool)
    .await?;
    if role.as_deref() == Some(OrgRole::Viewer.as_str()) {
        return Err(StoreError::Forbidden(
            "you are a viewer in this organization: you can open and run its work but not change it (an owner or admin can change your role)".into(),
        ));
    }
    Ok(())
}

fn stamped_payload(op: &WriteOp, before: Option<Map<String, Value>>) -> (Value, Value) {
    let mut old_row = before.unwrap_or_default();
    let base: fields::Stamps = old_row
        .remove("fieldHlc")
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default();
    let new_row = match (&op.payload, op.op) {
        (Value::Object(deleted), "delete") => {
            let mut row = old_row.clone();
            row.insert(
                "deletedAt".into(),
                deleted.get("deletedAt").cloned().unwrap_or(Value::Null),
            );
            row.insert("hlc".into(), Value::String(op.hlc.clone()));
            row
        }
        (Value::Object(row), _) => row.clone(),
        _ => old_row.clone(),
    };
    let old_fields = if old_row.is_empty() {
        fields::Fields::new()
    } else {
        fields::split(op.table, &old_row)
    };
    let stamps = fields::restamp(
        &old_fields,
        &base,
        &fields::split(op.table, &new_row),
        &op.hlc,
    );
    let stamps_json = serde_json::to_value(&stamps).unwrap_or(Value::Null);
    (
        serde_json::json!({ "row": new_row, "stamps": stamps_json, "base": base }),
        stamps_json,
    )
}

fn entity_name(table: &str) -> &'static str {
    match table {
        "workflows" => "workflow",
        "workflow_nodes" => "workflow node",
        "workflow_edges" => "workflow edge",
        "workflow_versions" => "workflow version",
        "blueprint_versions" => "blueprint version",
        "custom_agent_orders" => "order",
        "order_milestones" => "milestone",
        "build_logs" => "build log",
        "agent_templates" => "agent template",
        "template_reviews" => "review",
        "tool_blueprints" => "blueprint",
        "project_showcases" => "showcase",
        "workflow_executions" => "workflow execution",
        "workflow_templates" => "workflow template",
        "ai_agents" => "agent",
        "agent_executions" => "agent execution",
        "agent_teams" => "team",
        "team_members" => "team member",
        "team_executions" => "team execution",
        "integrations" => "integration",
        _ => "row",
    }
}
