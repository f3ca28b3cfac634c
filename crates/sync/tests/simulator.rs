//! The seeded sync simulator: three devices edit workflows and their graphs at random against one team Postgres, with offline periods, crashes, retried pushes and ±1 h clock skew; after the final sync every device equals the team database, the team database equals an oracle that folds every edit by HLC, no graph has a dangling edge, and every edit lost without being seen is in the conflict list.
//!
//! Seeds: `NEUROFLOW_SYNC_SEEDS` (default 500) starting at `NEUROFLOW_SYNC_SEED` (default 1).
//! A failing seed prints itself; rerun it alone with NEUROFLOW_SYNC_SEED=<n> NEUROFLOW_SYNC_SEEDS=1.

mod common;

use std::collections::{BTreeMap, HashMap, HashSet};

use common::Device;
use neuroflow_model::fields::{self, Stamps};
use neuroflow_model::graph::{GraphChanges, GraphEdge, GraphNode, Position};
use neuroflow_model::{new_id, OrgRole};
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

/// Runs one seed; returns (edits made, conflicts recorded, steps taken).
async fn run_seed(
    t: &common::Team,
    people: &[(String, sqlx::PgPool, Uuid)],
    seed: u64,
) -> Result<(usize, usize, usize), String> {
    let slug = format!("sim-{seed}-{}", &new_id().simple().to_string()[24..]);
    let mut sessions = Vec::new();
    for (email, pool, _) in people {
        let created = neuroflow_store::pg_admin::create_user(
            &t.su,
            email,
            &slug,
            OrgRole::Member,
            "sim-password",
        )
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
    Ok((
        sim.oracle.facts.values().map(Vec::len).sum(),
        conflicts.len(),
        sim.log.len(),
    ))
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
    let (mut edits, mut conflicts, mut steps) = (0, 0, 0);
    for seed in first..first + count {
        match run_seed(&t, &people, seed).await {
            Ok((e, c, s)) => {
                edits += e;
                conflicts += c;
                steps += s;
                if (seed - first + 1).is_multiple_of(500) {
                    eprintln!("{} seeds passed ({:.0} s)", seed - first + 1, started.elapsed().as_secs_f64());
                }
            }
            Err(why) => panic!("seed {seed} failed (rerun alone: NEUROFLOW_SYNC_SEED={seed} NEUROFLOW_SYNC_SEEDS=1): {why}"),
        }
    }
    eprintln!(
        "{count} seeds from {first} passed in {:.1} s: {steps} steps, {edits} field edits, {conflicts} conflicts recorded",
        started.elapsed().as_secs_f64()
    );
    assert!(
        conflicts > 0 || count < 20,
        "the simulator made no conflict at all: it is not exercising merge"
    );
}
