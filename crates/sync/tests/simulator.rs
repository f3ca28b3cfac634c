//! The seeded sync simulator: three devices (one the studio's owner) edit workflows, their graphs, agents and orders at random against one team Postgres, with offline periods, crashes, retried and late duplicate pushes and ±1 h clock skew; after the final sync every device equals the team database, the team database equals an oracle that folds every edit by HLC, no graph has a dangling edge, every edit lost without being seen is in the conflict list, every order command was applied once or refused with a reason, and every order's recorded moves make one path through the lifecycle to its status.
//!
//! Seeds: `NEUROFLOW_SYNC_SEEDS` (default 500) starting at `NEUROFLOW_SYNC_SEED` (default 1).
//! A failing seed prints itself; rerun it alone with NEUROFLOW_SYNC_SEED=<n> NEUROFLOW_SYNC_SEEDS=1.

mod common;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

use common::Device;
use neuroflow_model::agent::AgentSpec;
use neuroflow_model::fields::{self, Stamps};
use neuroflow_model::graph::{GraphChanges, GraphEdge, GraphNode, Position};
use neuroflow_model::order::OrderForm;
use neuroflow_model::{
    new_id, ComplexityLevel, DbEnum, LogLevel, OrderPriority, OrderStatus, OrgRole,
};
use neuroflow_store::orders::{IssuedCommand, OrderCommand};
use neuroflow_store::versions::SaveAs;
use neuroflow_store::Db;
use neuroflow_sync::tables::{pull_order, Travel};
use neuroflow_sync::TeamSession;
use serde_json::{json, Map, Value};
use uuid::Uuid;

/// A small deterministic generator (xorshift64*): the seed alone decides every step.
struct Rng(u64);
impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// One edit as the oracle keeps it: a field of a row written at a stamp over a base stamp.
#[derive(Debug, Clone)]
struct Fact {
    value: Option<Value>,
    stamp: String,
    base: Option<String>,
}

type Key = (String, Uuid, String);

#[derive(Default)]
struct Oracle {
    seen: HashSet<Uuid>,
    facts: BTreeMap<Key, Vec<Fact>>,
    /// Every order command a device queued, by id.
    commands: HashMap<Uuid, IssuedCommand>,
}

impl Oracle {
    /// Records every outbox row of a device not recorded yet (the same mutation read twice,
    /// from a restored copy, counts once).
    async fn record(&mut self, d: &Device) {
        let Db::Sqlite(pool) = d.store.db() else {
            panic!("sqlite")
        };
        let rows: Vec<(Uuid, String, Uuid, String)> = sqlx::query_as(
            "SELECT mutation_id, table_name, row_id, payload FROM outbox ORDER BY seq",
        )
        .fetch_all(pool)
        .await
        .expect("outbox");
        let queued: Vec<String> = sqlx::query_scalar("SELECT command FROM command_outbox")
            .fetch_all(pool)
            .await
            .expect("command queue");
        for text in queued {
            let c: IssuedCommand = serde_json::from_str(&text).expect("command");
            self.commands.insert(c.id, c);
        }
        for (mutation, table, row_id, payload) in rows {
            if !self.seen.insert(mutation) || !fields::is_synced(&table) {
                continue;
            }
            let p: Value = serde_json::from_str(&payload).expect("payload");
            let row: Map<String, Value> = serde_json::from_value(p["row"].clone()).expect("row");
            let stamps: Stamps = serde_json::from_value(p["stamps"].clone()).expect("stamps");
            let base: Stamps = serde_json::from_value(p["base"].clone()).unwrap_or_default();
            let values = fields::split(&table, &row);
            for (k, s) in &stamps {
                if base.get(k) == Some(s) {
                    continue;
                }
                self.facts
                    .entry((table.clone(), row_id, k.clone()))
                    .or_default()
                    .push(Fact {
                        value: values.get(k).cloned().flatten(),
                        stamp: s.clone(),
                        base: base.get(k).cloned(),
                    });
            }
        }
    }

    fn winner(facts: &[Fact]) -> &Fact {
        facts
            .iter()
            .max_by(|a, b| {
                a.stamp.cmp(&b.stamp).then_with(|| {
                    a.value
                        .as_ref()
                        .map(Value::to_string)
                        .cmp(&b.value.as_ref().map(Value::to_string))
                })
            })
            .expect("a fact")
    }
}

struct Sim {
    rng: Rng,
    devices: Vec<Device>,
    online: Vec<bool>,
    skew: Vec<i64>,
    oracle: Oracle,
    log: Vec<String>,
    /// Copies of devices taken earlier, whose pushes arrive late (a duplicate out of order).
    stale: Vec<(usize, PathBuf)>,
}

impl Sim {
    async fn sync(&mut self, i: usize) {
        self.oracle.record(&self.devices[i]).await;
        self.devices[i].sync().await;
    }

    /// The live workflows device `i` knows.
    async fn workflows(&self, i: usize) -> Vec<Uuid> {
        let d = &self.devices[i];
        d.store
            .workflow_list(d.actor(), None)
            .await
            .map(|l| l.into_iter().map(|w| w.id).collect())
            .unwrap_or_default()
    }

    async fn step(&mut self) {
        let i = self.rng.below(self.devices.len());
        match self.rng.below(100) {
            0..=19 => return self.order_step(i).await,
            20..=29 => return self.agent_step(i).await,
            _ => {}
        }
        let roll = self.rng.below(100);
        let wfs = self.workflows(i).await;
        if wfs.is_empty() || roll < 4 {
            let name = format!("W{}", self.rng.below(1000));
            let d = &self.devices[i];
            if d.store.workflow_create(d.actor(), &name).await.is_ok() {
                self.log.push(format!("d{i} create workflow"));
            }
            return;
        }
        let wf = wfs[self.rng.below(wfs.len())];
        let d = &self.devices[i];
        let Ok(g) = d.store.workflow_graph(d.actor(), wf).await else {
            return;
        };
        let g = (*g).clone();
        let mut changes = GraphChanges::default();
        let what;
        match roll {
            4..=19 => {
                let kinds = ["trigger.manual", "http.request", "output"];
                changes.nodes.push(GraphNode {
                    id: new_id(),
                    kind: kinds[self.rng.below(3)].into(),
                    label: format!("n{}", self.rng.below(100)),
                    position: Position {
                        x: self.rng.below(900) as f64,
                        y: self.rng.below(600) as f64,
                    },
                    config: json!({}),
                });
                what = "add node";
            }
            20..=59 if !g.nodes.is_empty() => {
                let mut n = g.nodes[self.rng.below(g.nodes.len())].clone();
                match self.rng.below(4) {
                    0 => n.label = format!("L{}", self.rng.below(50)),
                    1 => {
                        n.position = Position {
                            x: self.rng.below(900) as f64,
                            y: self.rng.below(600) as f64,
                        }
                    }
                    2 => {
                        let key = ["url", "method", "retries"][self.rng.below(3)];
                        let mut c = n.config.as_object().cloned().unwrap_or_default();
                        c.insert(key.into(), json!(self.rng.below(20)));
                        n.config = Value::Object(c);
                    }
                    _ => {
                        let mut c = n.config.as_object().cloned().unwrap_or_default();
                        let keys: Vec<String> = c.keys().cloned().collect();
                        if let Some(k) = keys.get(self.rng.below(keys.len().max(1))) {
                            c.remove(k);
                        }
                        n.config = Value::Object(c);
                    }
                }
                changes.nodes.push(n);
                what = "edit node";
            }
            60..=69 if !g.nodes.is_empty() => {
                let n = g.nodes[self.rng.below(g.nodes.len())].id;
                changes.removed_nodes.push(n);
                changes.removed_edges = g
                    .edges
                    .iter()
                    .filter(|e| e.source == n || e.target == n)
                    .map(|e| e.id)
                    .collect();
                what = "delete node";
            }
            70..=84 if g.nodes.len() >= 2 => {
                let a = self.rng.below(g.nodes.len());
                let b = (a + 1 + self.rng.below(g.nodes.len() - 1)) % g.nodes.len();
                changes.edges.push(GraphEdge {
                    id: new_id(),
                    source: g.nodes[a].id,
                    source_handle: None,
                    target: g.nodes[b].id,
                    target_handle: None,
                });
                what = "connect";
            }
            85..=89 if !g.edges.is_empty() => {
                changes
                    .removed_edges
                    .push(g.edges[self.rng.below(g.edges.len())].id);
                what = "disconnect";
            }
            90..=94 => {
                let name = format!("R{}", self.rng.below(1000));
                if d.store.workflow_rename(d.actor(), wf, &name).await.is_ok() {
                    self.log.push(format!("d{i} rename"));
                }
                return;
            }
            95 if wfs.len() > 1 => {
                if d.store.workflow_delete(d.actor(), wf).await.is_ok() {
                    self.log.push(format!("d{i} delete workflow"));
                }
                return;
            }
            _ => return,
        }
        // A save the store refuses (a cycle, a rule) is a refused edit, as in the app.
        if d.store
            .workflow_save_changes(
                d.actor(),
                wf,
                &changes,
                &SaveAs {
                    kind: neuroflow_model::VersionKind::Autosave,
                    label: String::new(),
                },
            )
            .await
            .is_ok()
        {
            self.log.push(format!("d{i} {what}"));
        }
    }

    /// An agent made, edited field by field, or deleted.
    async fn agent_step(&mut self, i: usize) {
        let d = &self.devices[i];
        let agents = d
            .store
            .agent_list(d.actor(), None)
            .await
            .unwrap_or_default();
        let roll = self.rng.below(100);
        if agents.is_empty() || roll < 20 {
            let spec = AgentSpec {
                name: format!("A{}", self.rng.below(1000)),
                ..AgentSpec::default()
            };
            if d.store.agent_create(d.actor(), &spec).await.is_ok() {
                self.log.push(format!("d{i} create agent"));
            }
            return;
        }
        let id = agents[self.rng.below(agents.len())].id;
        if roll < 28 {
            if d.store.agent_delete(d.actor(), id).await.is_ok() {
                self.log.push(format!("d{i} delete agent"));
            }
            return;
        }
        let Ok(doc) = d.store.agent_get(d.actor(), id).await else {
            return;
        };
        let mut spec = doc.spec;
        match self.rng.below(4) {
            0 => spec.description = format!("D{}", self.rng.below(50)),
            1 => spec.personality.instructions = format!("I{}", self.rng.below(50)),
            2 => spec.model.temperature = self.rng.below(20) as f64 / 10.0,
            _ => spec.name = format!("A{}", self.rng.below(1000)),
        }
        if d.store.agent_update(d.actor(), id, &spec).await.is_ok() {
            self.log.push(format!("d{i} edit agent"));
        }
    }

    /// An order placed, moved along the moves its person has, assigned, given milestones
    /// or log lines: each refused here already is simply not made.
    async fn order_step(&mut self, i: usize) {
        let d = &self.devices[i];
        let actor = d.actor();
        let orders = d.store.order_list(actor).await.unwrap_or_default();
        let roll = self.rng.below(100);
        if orders.is_empty() || roll < 12 {
            let form = OrderForm {
                title: format!("O{}", self.rng.below(1000)),
                description: String::new(),
                requirements: String::new(),
                priority: OrderPriority::ALL[self.rng.below(OrderPriority::ALL.len())],
                complexity: ComplexityLevel::ALL[self.rng.below(ComplexityLevel::ALL.len())],
                due_date: None,
            };
            if let Ok(doc) = d.store.order_create(actor, &form).await {
                self.log
                    .push(format!("d{i} place order {}", doc.summary.id));
                if self.rng.chance(70)
                    && d.store
                        .order_move(actor, doc.summary.id, OrderStatus::Submitted, None, None)
                        .await
                        .is_ok()
                {
                    self.log.push(format!("d{i} submit {}", doc.summary.id));
                }
            }
            return;
        }
        let o = &orders[self.rng.below(orders.len())];
        let id = o.id;
        let done = match roll {
            12..=54 if !o.moves.is_empty() => {
                let to = o.moves[self.rng.below(o.moves.len())];
                let reason = matches!(to, OrderStatus::Rejected | OrderStatus::Cancelled)
                    .then_some("not now");
                d.store
                    .order_move(actor, id, to, reason, None)
                    .await
                    .map(|_| format!("move to {to}"))
            }
            55..=66 => {
                let who = if self.rng.chance(20) {
                    None
                } else {
                    Some(
                        self.devices[self.rng.below(self.devices.len())]
                            .team
                            .user_id,
                    )
                };
                d.store
                    .order_assign(actor, id, who)
                    .await
                    .map(|_| format!("assign {who:?}"))
            }
            67..=76 => d
                .store
                .order_milestone_add(actor, id, &format!("M{}", self.rng.below(100)), None)
                .await
                .map(|_| "add milestone".to_string()),
            77..=88 => match d.store.order_get(actor, id).await {
                Ok(doc) if !doc.milestones.is_empty() => {
                    let m = &doc.milestones[self.rng.below(doc.milestones.len())];
                    d.store
                        .order_milestone_set_done(actor, id, m.id, m.completed_at.is_none())
                        .await
                        .map(|_| "tick milestone".to_string())
                }
                _ => return,
            },
            _ => d
                .store
                .order_log(
                    actor,
                    id,
                    LogLevel::Info,
                    "build",
                    &format!("line {}", self.rng.below(100)),
                )
                .await
                .map(|_| "log line".to_string()),
        };
        if let Ok(what) = done {
            self.log.push(format!("d{i} {what} on {id}"));
        }
    }

    async fn weather(&mut self) {
        let i = self.rng.below(self.devices.len());
        match self.rng.below(10) {
            0 | 1 => self.online[i] = !self.online[i],
            2 if self.online[i] => {
                // The server commits, the acknowledgement is lost: restart from before the push.
                let copy = self.devices[i].snapshot("crash").await;
                self.sync(i).await;
                self.devices[i].reopen_from(&copy).await;
                self.devices[i].store.set_clock_offset_ms(self.skew[i]);
                self.log.push(format!("d{i} crash after the server commit"));
            }
            3 => {
                // A crash after a local commit: the process restarts from its file.
                let copy = self.devices[i].snapshot("restart").await;
                self.devices[i].reopen_from(&copy).await;
                self.devices[i].store.set_clock_offset_ms(self.skew[i]);
                self.log.push(format!("d{i} restart"));
            }
            4 => {
                // A copy of this device now, whose push arrives late (below).
                let copy = self.devices[i].snapshot("stale").await;
                self.stale.push((i, copy));
            }
            5 if self.online[i] && !self.stale.is_empty() => {
                // A duplicate push out of order: a copy taken earlier pushes its outbox and
                // command queue after newer pushes of the same device.
                let (k, copy) = self.stale.remove(self.rng.below(self.stale.len()));
                let team = self.devices[k].team.clone();
                let (store, _) = neuroflow_sync::open_team_cache(&copy, &team)
                    .await
                    .expect("open the stale copy");
                store.set_clock_offset_ms(self.skew[k]);
                neuroflow_sync::push(&store, &team, neuroflow_sync::PUSH_BATCH)
                    .await
                    .expect("late push");
                neuroflow_sync::commands::push_commands(&store, &team, neuroflow_sync::PUSH_BATCH)
                    .await
                    .expect("late command push");
                store.db().close().await;
                self.log.push(format!("d{k} late duplicate push"));
            }
            _ if self.online[i] => {
                self.sync(i).await;
                self.log.push(format!("d{i} sync"));
            }
            _ => {}
        }
    }
}

/// What a merged table holds for the organization: row id → (fields, stamps).
async fn contents_pg(
    team: &TeamSession,
    su: &sqlx::PgPool,
) -> HashMap<(String, Uuid), (fields::Fields, Stamps)> {
    let mut out = HashMap::new();
    for t in pull_order()
        .into_iter()
        .filter(|t| t.travel == Travel::Merged)
    {
        let rows: Vec<Value> = sqlx::query_scalar(&format!(
            "SELECT to_jsonb(t) FROM {} t WHERE organization_id = $1",
            t.name
        ))
        .bind(team.organization_id)
        .fetch_all(su)
        .await
        .expect("server rows");
        for r in rows {
            let Value::Object(raw) = r else { continue };
            let norm = normalize_snake(&t.columns, &raw);
            let id = Uuid::parse_str(norm["id"].as_str().expect("id")).expect("uuid");
            let stamps: Stamps =
                serde_json::from_value(raw["field_hlc"].clone()).unwrap_or_default();
            out.insert(
                (t.name.to_string(), id),
                (fields::split(t.name, &norm), stamps),
            );
        }
    }
    out
}

fn normalize_snake(
    columns: &[&neuroflow_model::entities::Column],
    raw: &Map<String, Value>,
) -> Map<String, Value> {
    let camel: Map<String, Value> = columns
        .iter()
        .map(|c| {
            (
                neuroflow_model::entities::json_key(c.name),
                raw.get(c.name).cloned().unwrap_or(Value::Null),
            )
        })
        .collect();
    columns
        .iter()
        .map(|c| {
            let v = neuroflow_store::SqlValue::from_json(c, &camel)
                .expect("value")
                .into_json();
            (neuroflow_model::entities::json_key(c.name), v)
        })
        .collect()
}

async fn contents_local(d: &Device) -> HashMap<(String, Uuid), (fields::Fields, Stamps)> {
    let Db::Sqlite(pool) = d.store.db() else {
        panic!("sqlite")
    };
    let mut out = HashMap::new();
    for t in pull_order()
        .into_iter()
        .filter(|t| t.travel == Travel::Merged)
    {
        let mut cols = t.columns.clone();
        let fh = neuroflow_model::entities::Column {
            name: "field_hlc",
            kind: neuroflow_model::entities::ColKind::Json,
        };
        cols.push(&fh);
        let sql = format!(
            "SELECT {} FROM {}",
            cols.iter().map(|c| c.name).collect::<Vec<_>>().join(", "),
            t.name
        );
        for r in sqlx::query(&sql).fetch_all(pool).await.expect("local rows") {
            let mut row = neuroflow_store::value::decode_row(&r, &cols).expect("decode");
            let stamps: Stamps = match row.remove("fieldHlc") {
                Some(Value::String(s)) => serde_json::from_str(&s).unwrap_or_default(),
                Some(v) => serde_json::from_value(v).unwrap_or_default(),
                None => Stamps::new(),
            };
            let id = Uuid::parse_str(row["id"].as_str().expect("id")).expect("uuid");
            out.insert(
                (t.name.to_string(), id),
                (fields::split(t.name, &row), stamps),
            );
        }
    }
    out
}

/// What one seed did.
struct SeedCounts {
    edits: usize,
    conflicts: usize,
    steps: usize,
    commands: usize,
    refusals: usize,
}

/// Runs one seed.
async fn run_seed(
    t: &common::Team,
    people: &[(String, sqlx::PgPool, Uuid)],
    seed: u64,
) -> Result<SeedCounts, String> {
    let slug = format!("sim-{seed}-{}", &new_id().simple().to_string()[24..]);
    let mut sessions = Vec::new();
    for (k, (email, pool, _)) in people.iter().enumerate() {
        let role = if k == 0 {
            OrgRole::Owner
        } else {
            OrgRole::Member
        };
        let created =
            neuroflow_store::pg_admin::create_user(&t.su, email, &slug, role, "sim-password")
                .await
                .map_err(|e| e.to_string())?;
        sessions.push(
            TeamSession::open(pool.clone(), created.organization_id)
                .await
                .map_err(|e| e.to_string())?,
        );
    }
    let mut rng = Rng::new(seed);
    let mut devices = Vec::new();
    let mut skew = Vec::new();
    for (k, s) in sessions.iter().enumerate() {
        let d = Device::new(s, &format!("sim{seed}-{k}")).await;
        let offset = rng.below(7_200_001) as i64 - 3_600_000;
        d.store.set_clock_offset_ms(offset);
        skew.push(offset);
        devices.push(d);
    }
    let mut sim = Sim {
        rng,
        online: vec![true; devices.len()],
        devices,
        skew,
        oracle: Oracle::default(),
        log: Vec::new(),
        stale: Vec::new(),
    };
    let steps = 30 + sim.rng.below(30);
    for _ in 0..steps {
        if sim.rng.chance(70) {
            sim.step().await;
        } else {
            sim.weather().await;
        }
    }
    // Everyone back online: two rounds push everything and pull everything.
    for _ in 0..2 {
        for i in 0..sim.devices.len() {
            sim.sync(i).await;
        }
    }
    let team = &sim.devices[0].team;
    let server = contents_pg(team, &t.su).await;
    let fail =
        |what: String, log: &[String]| Err(format!("{what}\nsteps:\n  {}", log.join("\n  ")));

    // Every device equals the team database.
    for (i, d) in sim.devices.iter().enumerate() {
        let local = contents_local(d).await;
        for (key, (f, s)) in &server {
            match local.get(key) {
                Some((lf, ls)) if lf == f && ls == s => {}
                other => {
                    return fail(
                        format!(
                            "device {i} diverges on {key:?}: server {f:?} {s:?}, device {other:?}"
                        ),
                        &sim.log,
                    )
                }
            }
        }
        if local.len() != server.len() {
            return fail(
                format!(
                    "device {i} has {} rows, the server {}",
                    local.len(),
                    server.len()
                ),
                &sim.log,
            );
        }
    }
    // The team database equals the oracle's fold of every edit, and no edit lost unseen is
    // missing from the conflicts.
    // Each recorded loss by its stamp, and by its value (a value lost again under a later
    // stamp of the same value — one device rewrote what another had written — is recorded once).
    let recorded: Vec<(Uuid, String, String, Option<Value>)> = sqlx::query_as::<
        _,
        (Uuid, String, String, Option<Value>),
    >(
        "SELECT row_id, field, lost_hlc, lost_value FROM sync_conflicts WHERE organization_id = $1",
    )
    .bind(team.organization_id)
    .fetch_all(&t.su)
    .await
    .expect("conflicts");
    let conflicts: HashSet<(Uuid, String, String)> = recorded
        .iter()
        .map(|(r, f, h, _)| (*r, f.clone(), h.clone()))
        .collect();
    let lost_values: HashSet<(Uuid, String, String)> = recorded
        .iter()
        .map(|(r, f, _, v)| {
            (
                *r,
                f.clone(),
                v.as_ref().map(Value::to_string).unwrap_or_default(),
            )
        })
        .collect();
    for ((table, id, field), facts) in &sim.oracle.facts {
        let Some((f, s)) = server.get(&(table.clone(), *id)) else {
            return fail(
                format!("an acknowledged edit's row {table} {id} is not on the server"),
                &sim.log,
            );
        };
        let win = Oracle::winner(facts);
        let have = f.get(field).cloned().flatten();
        if have != win.value || s.get(field) != Some(&win.stamp) {
            return fail(
                format!(
                    "{table} {id} {field}: server {have:?} @ {:?}, oracle {:?} @ {}",
                    s.get(field),
                    win.value,
                    win.stamp
                ),
                &sim.log,
            );
        }
        let live = matches!(f.get("deletedAt"), Some(Some(Value::Null)) | None);
        // A save counter is merged like any field but is no person's edit: never a conflict.
        if !live || field == "deletedAt" || neuroflow_sync::BOOKKEEPING.contains(&field.as_str()) {
            continue;
        }
        for fact in facts {
            // Kept when someone built on it, or on another write of the same value (two devices
            // writing one value lose nothing to each other).
            let kept = |v: &Option<Value>| {
                facts.iter().any(|g| {
                    &g.value == v
                        && (g.stamp == win.stamp
                            || facts
                                .iter()
                                .any(|h| h.base.as_deref() == Some(g.stamp.as_str())))
                })
            };
            if fact.stamp != win.stamp
                && !kept(&fact.value)
                && !conflicts.contains(&(*id, field.clone(), fact.stamp.clone()))
                && !lost_values.contains(&(
                    *id,
                    field.clone(),
                    fact.value
                        .as_ref()
                        .map(Value::to_string)
                        .unwrap_or_default(),
                ))
            {
                return fail(format!("{table} {id} {field}: the value {:?} @ {} was overwritten unseen and is in no conflict", fact.value, fact.stamp), &sim.log);
            }
        }
    }
    let (commands, refusals) = match check_orders(t, &sim).await {
        Ok(counts) => counts,
        Err(why) => return fail(why, &sim.log),
    };
    // No graph a device reads has a dangling edge.
    for (i, d) in sim.devices.iter().enumerate() {
        for wf in sim.workflows(i).await {
            let g = d
                .store
                .workflow_graph(d.actor(), wf)
                .await
                .map_err(|e| e.to_string())?;
            let ids: HashSet<Uuid> = g.nodes.iter().map(|n| n.id).collect();
            if g.edges
                .iter()
                .any(|e| !ids.contains(&e.source) || !ids.contains(&e.target))
            {
                return fail(
                    format!("device {i} reads a dangling edge in {wf}"),
                    &sim.log,
                );
            }
        }
    }
    for d in sim.devices {
        d.store.db().close().await;
    }
    Ok(SeedCounts {
        edits: sim.oracle.facts.values().map(Vec::len).sum(),
        conflicts: conflicts.len(),
        steps: sim.log.len(),
        commands,
        refusals,
    })
}

/// Rows of the order tables (id → row) as `sql` reads them from Postgres.
async fn order_rows_pg(
    pool: &sqlx::PgPool,
    org: Uuid,
) -> Result<HashMap<(String, Uuid), Map<String, Value>>, String> {
    let mut out = HashMap::new();
    for t in pull_order()
        .into_iter()
        .filter(|t| t.travel == Travel::Commanded)
    {
        let rows: Vec<Value> = sqlx::query_scalar(&format!(
            "SELECT to_jsonb(t) FROM {} t WHERE organization_id = $1",
            t.name
        ))
        .bind(org)
        .fetch_all(pool)
        .await
        .map_err(|e| e.to_string())?;
        for r in rows {
            let Value::Object(raw) = r else { continue };
            let row = normalize_snake(&t.columns, &raw);
            let id = Uuid::parse_str(row["id"].as_str().unwrap_or_default())
                .map_err(|e| e.to_string())?;
            out.insert((t.name.to_string(), id), row);
        }
    }
    Ok(out)
}

async fn order_rows_local(
    d: &Device,
) -> Result<HashMap<(String, Uuid), Map<String, Value>>, String> {
    let Db::Sqlite(pool) = d.store.db() else {
        return Err("sqlite".into());
    };
    let mut out = HashMap::new();
    for t in pull_order()
        .into_iter()
        .filter(|t| t.travel == Travel::Commanded)
    {
        let sql = format!(
            "SELECT {} FROM {}",
            t.columns
                .iter()
                .map(|c| c.name)
                .collect::<Vec<_>>()
                .join(", "),
            t.name
        );
        for r in sqlx::query(&sql)
            .fetch_all(pool)
            .await
            .map_err(|e| e.to_string())?
        {
            let row =
                neuroflow_store::value::decode_row(&r, &t.columns).map_err(|e| e.to_string())?;
            let id = Uuid::parse_str(row["id"].as_str().unwrap_or_default())
                .map_err(|e| e.to_string())?;
            out.insert((t.name.to_string(), id), row);
        }
    }
    Ok(out)
}

/// Orders after the final sync: each device holds exactly what the team database shows its
/// person; every command queued was applied once (`sync_mutations`, its rows there) or refused
/// (kept on its device with a reason); and each order's recorded moves chain from Draft to its
/// status, none twice and none lost.
async fn check_orders(t: &common::Team, sim: &Sim) -> Result<(usize, usize), String> {
    let org = sim.devices[0].team.organization_id;
    for (i, d) in sim.devices.iter().enumerate() {
        let theirs = order_rows_pg(&d.team.pool, org).await?;
        let mine = order_rows_local(d).await?;
        if theirs != mine {
            let only_server: Vec<_> = theirs.keys().filter(|k| !mine.contains_key(*k)).collect();
            let only_device: Vec<_> = mine.keys().filter(|k| !theirs.contains_key(*k)).collect();
            let differ: Vec<_> = theirs
                .iter()
                .filter(|(k, v)| mine.get(*k).is_some_and(|m| m != *v))
                .map(|(k, v)| (k, v, &mine[k]))
                .collect();
            return Err(format!(
                "device {i}'s orders differ from what the team database shows it: only on the server {only_server:?}, only on the device {only_device:?}, different {differ:?}"
            ));
        }
    }
    // Every id the team database took, applied or refused (with the reason kept).
    let taken: Vec<(Uuid, bool)> = sqlx::query_as(
        "SELECT mutation_id, refused_reason IS NOT NULL FROM sync_mutations WHERE organization_id = $1",
    )
    .bind(org)
    .fetch_all(&t.su)
    .await
    .map_err(|e| e.to_string())?;
    let applied: HashSet<Uuid> = taken
        .iter()
        .filter(|(_, r)| !r)
        .map(|(id, _)| *id)
        .collect();
    let refused_there: HashSet<Uuid> = taken
        .iter()
        .filter(|(_, r)| *r)
        .map(|(id, _)| *id)
        .collect();
    let mut refused: HashSet<Uuid> = HashSet::new();
    for d in &sim.devices {
        for r in neuroflow_sync::commands::refusals(&d.store)
            .await
            .map_err(|e| e.to_string())?
        {
            if r.reason.trim().is_empty() {
                return Err(format!("a refusal without a reason: {r:?}"));
            }
            refused.insert(r.id);
        }
    }
    let server = order_rows_pg(&t.su, org).await?;
    let has = |table: &str, id: Uuid| server.contains_key(&(table.to_string(), id));
    for (id, c) in &sim.oracle.commands {
        match (applied.contains(id), refused.contains(id)) {
            (true, false) => {
                let made = match &c.command {
                    OrderCommand::Create { order_id, .. } => has("custom_agent_orders", *order_id),
                    OrderCommand::Move { log_id, .. } | OrderCommand::Log { log_id, .. } => {
                        has("build_logs", *log_id)
                    }
                    // An assignment to the builder it already had writes nothing.
                    OrderCommand::Assign {
                        log_id,
                        order_id,
                        builder,
                    } => {
                        has("build_logs", *log_id)
                            || server
                                .get(&("custom_agent_orders".to_string(), *order_id))
                                .is_some_and(|o| o["assignedTo"] == json!(builder))
                    }
                    OrderCommand::MilestoneAdd { milestone_id, .. } => {
                        has("order_milestones", *milestone_id)
                    }
                    OrderCommand::Update { .. } | OrderCommand::MilestoneSetDone { .. } => true,
                };
                if !made {
                    return Err(format!(
                        "an applied command left nothing on the server: {c:?}"
                    ));
                }
            }
            (false, true) if refused_there.contains(id) => {}
            (false, true) => {
                return Err(format!(
                    "a command refused here but not recorded as refused there: {c:?}"
                ))
            }
            (true, true) => return Err(format!("a command both applied and refused: {c:?}")),
            (false, false) => return Err(format!("a command neither applied nor refused: {c:?}")),
        }
    }
    // Each order's moves, as its log records them, make one walk from Draft to its status.
    for ((table, id), o) in &server {
        if table != "custom_agent_orders" {
            continue;
        }
        let status = o["status"].as_str().unwrap_or_default().to_string();
        let mut balance: HashMap<String, i64> = HashMap::new();
        for ((lt, _), line) in &server {
            if lt != "build_logs"
                || line["orderId"] != json!(id)
                || line["stage"] != json!("lifecycle")
            {
                continue;
            }
            let details = &line["details"];
            let (Some(from), Some(to)) = (details["from"].as_str(), details["to"].as_str()) else {
                return Err(format!("a lifecycle line without its move: {line:?}"));
            };
            let (f, t2) = (
                OrderStatus::parse(from).map_err(|e| e.to_string())?,
                OrderStatus::parse(to).map_err(|e| e.to_string())?,
            );
            if !neuroflow_model::order::TRANSITIONS
                .iter()
                .any(|(a, b, _)| *a == f && *b == t2)
            {
                return Err(format!(
                    "order {id} recorded a move the lifecycle has not: {from} → {to}"
                ));
            }
            *balance.entry(from.to_string()).or_default() += 1;
            *balance.entry(to.to_string()).or_default() -= 1;
        }
        *balance.entry("DRAFT".to_string()).or_default() -= 1;
        *balance.entry(status.clone()).or_default() += 1;
        if balance.values().any(|v| *v != 0) {
            return Err(format!(
                "order {id} ({status}): its recorded moves do not walk from Draft to its status: {balance:?}"
            ));
        }
    }
    Ok((sim.oracle.commands.len(), refused.len()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seeded_devices_converge_with_nothing_lost() {
    let first: u64 = std::env::var("NEUROFLOW_SYNC_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let count: u64 = std::env::var("NEUROFLOW_SYNC_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(500);
    let t = common::team().await;
    let mut people = Vec::new();
    for name in ["ann", "bob", "cat"] {
        let email = format!("{name}@example.com");
        let created = neuroflow_store::pg_admin::create_user(
            &t.su,
            &email,
            "sim-home",
            OrgRole::Member,
            "sim-password",
        )
        .await
        .expect("person");
        let pool =
            neuroflow_store::pg_admin::connect_as(&t.url, &created.role_name, "sim-password")
                .await
                .expect("login");
        people.push((email, pool, created.user_id));
    }
    let started = std::time::Instant::now();
    let (mut edits, mut conflicts, mut steps, mut commands, mut refusals) = (0, 0, 0, 0, 0);
    for seed in first..first + count {
        match run_seed(&t, &people, seed).await {
            Ok(n) => {
                edits += n.edits;
                conflicts += n.conflicts;
                steps += n.steps;
                commands += n.commands;
                refusals += n.refusals;
                if (seed - first + 1).is_multiple_of(500) {
                    eprintln!("{} seeds passed ({:.0} s)", seed - first + 1, started.elapsed().as_secs_f64());
                }
            }
            Err(why) => panic!("seed {seed} failed (rerun alone: NEUROFLOW_SYNC_SEED={seed} NEUROFLOW_SYNC_SEEDS=1): {why}"),
        }
    }
    eprintln!(
        "{count} seeds from {first} passed in {:.1} s: {steps} steps, {edits} field edits, {conflicts} conflicts recorded, {commands} order commands ({refusals} refused)",
        started.elapsed().as_secs_f64()
    );
    assert!(
        conflicts > 0 || count < 20,
        "the simulator made no conflict at all: it is not exercising merge"
    );
    assert!(
        refusals > 0 || count < 20,
        "no order command was ever refused: the simulator is not exercising the team database's judgement"
    );
}
