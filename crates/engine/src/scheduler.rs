//! The scheduler: runs a plan's scopes on tokio. Ready nodes run concurrently (quick pure
//! kinds inline, the others as tasks); untaken branches are skipped transitively; failures go
//! to a connected error port or stop the run; retries, timeouts, limits and cancellation
//! are enforced here.

use std::borrow::Cow;
use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use serde_json::{json, Value as Json};
use tokio::task::JoinSet;
use uuid::Uuid;

use crate::cancel::CancelToken;
use crate::error::NodeError;
use crate::events::{EventSender, NodeStatus, PortItems, RunEvent};
use crate::host::EngineHost;
use crate::kinds::{NodeCall, NodeOutput, NodeRun, Runner, ERROR_PORT, MAIN};
use crate::limits::{approx_size, Budget, RunLimits};
use crate::plan::{plan, EdgeRole, Plan, TOP};
use crate::result::{AgentCallRecord, NodeResult};

/// The longest wait between two retries, however many there were.
const MAX_RETRY_DELAY: Duration = Duration::from_secs(60);
/// The longest Retry-After a retry waits out. A service asking for more fails the node at
/// once, saying so, rather than holding the run.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// The longest node error a result, an event or the run's error carries (in characters);
/// a longer one loses its middle to "…" and is kept whole, up to `MAX_LOG_CHARS`, in the node's logs.
pub const MAX_ERROR_CHARS: usize = 1_000;
/// The longest line a node's log keeps (in characters).
pub const MAX_LOG_CHARS: usize = 64 * 1024;

/// `text` cut to `max` characters, with "…" when something was cut.
pub(crate) fn clip_chars(text: &str, max: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max) {
        Some((end, _)) => Cow::Owned(format!("{}…", &text[..end])),
        None => Cow::Borrowed(text),
    }
}

/// `text` cut to about `max` characters by dropping its middle for "…": a failure inside
/// nested blueprints names its cause last, after each level's prefix.
pub(crate) fn clip_middle(text: &str, max: usize) -> Cow<'_, str> {
    let chars = text.chars().count();
    if chars <= max {
        return Cow::Borrowed(text);
    }
    let head = max * 3 / 5;
    let tail = max - head;
    let head_end = text.char_indices().nth(head).map_or(text.len(), |(i, _)| i);
    let tail_start = text
        .char_indices()
        .nth(chars - tail)
        .map_or(text.len(), |(i, _)| i);
    Cow::Owned(format!("{}…{}", &text[..head_end], &text[tail_start..]))
}

/// Why a scope stopped before its end.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Stop {
    Cancelled,
    Failed(String),
}

/// Everything one run (or one blueprint call inside it) shares between its nodes.
pub(crate) struct RunCtx {
    pub graph: Plan,
    pub host: Arc<dyn EngineHost>,
    pub events: Option<EventSender>,
    pub cancel: CancelToken,
    pub limits: RunLimits,
    pub input: Json,
    /// `input` as templates see it, converted once per run: a loop body converting it at
    /// every iteration made nested loops quadratic in the run's input.
    pub input_value: OnceLock<minijinja::Value>,
    pub trigger_items: Arc<Vec<Json>>,
    /// When set, only this trigger fires; the others are skipped.
    pub fire: Option<Uuid>,
    /// Outputs that stand in for a node instead of running it (previews).
    pub pins: HashMap<usize, PortItems>,
    /// Items given to a node that has no inputs in this run (single-node preview).
    pub entry: HashMap<usize, Arc<Vec<Json>>>,
    pub started: Instant,
    pub deadline: tokio::time::Instant,
    pub budget: Arc<Budget>,
    pub blueprint_stack: Vec<Uuid>,
    pub http: Arc<OnceLock<reqwest::Client>>,
    pub results: Mutex<Vec<Option<NodeResult>>>,
    seq: AtomicU32,
}

pub(crate) struct RunSetup {
    pub graph: Plan,
    pub host: Arc<dyn EngineHost>,
    pub events: Option<EventSender>,
    pub cancel: CancelToken,
    pub limits: RunLimits,
    pub input: Json,
    pub trigger_items: Arc<Vec<Json>>,
    pub fire: Option<Uuid>,
    pub pins: HashMap<usize, PortItems>,
    pub entry: HashMap<usize, Arc<Vec<Json>>>,
}

impl RunCtx {
    pub fn new(setup: RunSetup) -> Self {
        let started = Instant::now();
        let n = setup.graph.nodes.len();
        Self {
            deadline: tokio::time::Instant::now()
                + Duration::from_millis(u64::from(setup.limits.max_wall_ms)),
            graph: setup.graph,
            host: setup.host,
            events: setup.events,
            cancel: setup.cancel,
            limits: setup.limits,
            input: setup.input,
            input_value: OnceLock::new(),
            trigger_items: setup.trigger_items,
            fire: setup.fire,
            pins: setup.pins,
            entry: setup.entry,
            started,
            budget: Arc::new(Budget::default()),
            blueprint_stack: Vec::new(),
            http: Arc::new(OnceLock::new()),
            results: Mutex::new((0..n).map(|_| None).collect()),
            seq: AtomicU32::new(0),
        }
    }

    pub fn emit(&self, event: RunEvent) {
        if let Some(tx) = &self.events {
            // A host that stopped listening does not stop the run.
            let _ = tx.send(event);
        }
    }

    /// The run's HTTP client, made on first use so runs without HTTP never pay for TLS setup.
    pub fn http_client(&self) -> Result<reqwest::Client, String> {
        if let Some(client) = self.http.get() {
            return Ok(client.clone());
        }
        let client = reqwest::Client::builder()
            .build()
            .map_err(|e| format!("cannot set up HTTP: {e}"))?;
        Ok(self.http.get_or_init(|| client).clone())
    }

    pub fn over_budget(&self) -> Option<String> {
        self.budget.over(&self.limits)
    }

    pub fn spend(&self, tokens: u32, cost: f64) {
        self.budget.spend(tokens, cost);
    }

    pub fn keep_call(&self, record: AgentCallRecord) {
        self.budget.keep_call(record);
    }

    fn next_seq(&self) -> u32 {
        self.seq.fetch_add(1, Ordering::Relaxed)
    }

    fn ms(&self, at: Instant) -> u32 {
        u32::try_from(at.saturating_duration_since(self.started).as_millis()).unwrap_or(u32::MAX)
    }

    fn with_results<T>(&self, f: impl FnOnce(&mut Vec<Option<NodeResult>>) -> T) -> T {
        match self.results.lock() {
            Ok(mut r) => f(&mut r),
            Err(poisoned) => f(&mut poisoned.into_inner()),
        }
    }

    /// Records a node's result; a node that runs again (loop body) adds to what it had.
    fn record(&self, n: usize, fresh: NodeResult) {
        self.with_results(|results| match &mut results[n] {
            slot @ None => *slot = Some(fresh),
            Some(old) if old.status == NodeStatus::Skipped => *old = fresh,
            Some(_) if fresh.status == NodeStatus::Skipped => {}
            Some(old) => {
                Arc::make_mut(&mut old.input).extend(fresh.input.iter().cloned());
                for (port, items) in fresh.output {
                    match old.output.get_mut(&port) {
                        Some(existing) => Arc::make_mut(existing).extend(items.iter().cloned()),
                        None => {
                            old.output.insert(port, items);
                        }
                    }
                }
                old.logs.extend(fresh.logs);
                old.status = fresh.status;
                old.error = fresh.error.or(old.error.take());
                old.handled = fresh.handled;
                old.duration_ms = old.duration_ms.saturating_add(fresh.duration_ms);
                old.attempts = old.attempts.saturating_add(fresh.attempts);
                old.iterations = old.iterations.saturating_add(1);
                old.tokens = old.tokens.saturating_add(fresh.tokens);
                old.cost += fresh.cost;
                old.started_seq = fresh.started_seq;
                old.finished_seq = fresh.finished_seq;
            }
        })
    }

    pub fn take_results(&self) -> Vec<Option<NodeResult>> {
        self.with_results(std::mem::take)
    }

    fn blank_result(&self, n: usize, status: NodeStatus) -> NodeResult {
        let node = &self.graph.nodes[n];
        NodeResult {
            node_id: node.id,
            kind: node.kind.name.to_string(),
            label: node.label.clone(),
            status,
            input: Arc::new(Vec::new()),
            output: PortItems::new(),
            logs: Vec::new(),
            error: None,
            handled: false,
            reason: None,
            started_ms: self.ms(Instant::now()),
            duration_ms: 0,
            attempts: 0,
            iterations: 1,
            tokens: 0,
            cost: 0.0,
            started_seq: 0,
            finished_seq: 0,
        }
    }
}

pub(crate) type ScopeFuture = Pin<Box<dyn Future<Output = Result<Vec<Json>, Stop>> + Send>>;

/// Runs one scope to its end: the top level (`TOP`, no seeds) or a loop body for one item
/// (seeded on the loop's `body` edges). Returns the items that reached the loop's `next`.
pub(crate) fn run_scope(
    ctx: Arc<RunCtx>,
    scope: usize,
    seeds: Vec<(usize, Arc<Vec<Json>>)>,
) -> ScopeFuture {
    Box::pin(async move {
        let s = &ctx.graph.scopes[scope];
        let mut run = ScopeRun {
            edges: vec![None; s.slots],
            pending: s.in_count.clone(),
            ready: VecDeque::new(),
            exits: Vec::new(),
            running: JoinSet::new(),
            tasks: HashMap::new(),
            in_flight: HashMap::new(),
            ctx: ctx.clone(),
        };
        let result = run.drive(scope, seeds).await;
        if result.is_err() {
            run.stop_in_flight();
        }
        result
    })
}

struct InFlight {
    items: Arc<Vec<Json>>,
    started: Instant,
    started_seq: u32,
    call: Option<Arc<NodeCall>>,
}

enum Done {
    Node(NodeRun, u32),
    Loop(Result<NodeOutput, Stop>),
}

struct ScopeRun {
    ctx: Arc<RunCtx>,
    /// Per edge slot: unresolved (`None`), untaken (`Some(None)`) or the items it carries.
    edges: Vec<Option<Option<Arc<Vec<Json>>>>>,
    pending: Vec<u32>,
    ready: VecDeque<usize>,
    exits: Vec<Json>,
    running: JoinSet<(usize, Done)>,
    tasks: HashMap<tokio::task::Id, usize>,
    in_flight: HashMap<usize, InFlight>,
}

impl ScopeRun {
    async fn drive(
        &mut self,
        scope: usize,
        seeds: Vec<(usize, Arc<Vec<Json>>)>,
    ) -> Result<Vec<Json>, Stop> {
        let ctx = self.ctx.clone();
        let s = &ctx.graph.scopes[scope];
        for (local, &n) in s.members.iter().enumerate() {
            if s.in_count[local] == 0 {
                self.ready.push_back(n);
            }
        }
        for (edge, items) in seeds {
            self.resolve(edge, Some(items));
        }
        loop {
            while let Some(n) = self.ready.pop_front() {
                if ctx.cancel.is_cancelled() {
                    return Err(Stop::Cancelled);
                }
                if tokio::time::Instant::now() >= ctx.deadline {
                    return Err(wall_clock(&ctx));
                }
                self.start(n)?;
            }
            if self.running.is_empty() {
                break;
            }
            let joined = tokio::select! {
                biased;
                _ = ctx.cancel.cancelled() => return Err(Stop::Cancelled),
                _ = tokio::time::sleep_until(ctx.deadline) => return Err(wall_clock(&ctx)),
                joined = self.running.join_next_with_id() => joined,
            };
            match joined {
                Some(Ok((id, (n, done)))) => {
                    self.tasks.remove(&id);
                    match done {
                        Done::Node(result, attempts) => self.finish(n, result, attempts)?,
                        Done::Loop(Ok(output)) => self.finish(n, Ok(output), 1)?,
                        Done::Loop(Err(stop)) => return Err(stop),
                    }
                }
                Some(Err(e)) => {
                    let label = self
                        .tasks
                        .remove(&e.id())
                        .map(|n| ctx.graph.nodes[n].label.clone())
                        .unwrap_or_default();
                    return Err(Stop::Failed(format!("node '{label}' crashed: {e}")));
                }
                None => break,
            }
        }
        // A cancel that landed while the last node finished (say, inside a blueprint whose
        // failure an error port took) still ends the run as cancelled.
        if ctx.cancel.is_cancelled() {
            return Err(Stop::Cancelled);
        }
        Ok(std::mem::take(&mut self.exits))
    }

    /// Marks the edge resolved and queues its target once all of the target's inputs are.
    fn resolve(&mut self, edge: usize, items: Option<Arc<Vec<Json>>>) {
        let graph = &self.ctx.graph;
        let slot = graph.slot[edge];
        if slot == usize::MAX || self.edges[slot].is_some() {
            return;
        }
        self.edges[slot] = Some(items);
        let target = graph.edges[edge].target;
        let local = graph.local[target];
        self.pending[local] = self.pending[local].saturating_sub(1);
        if self.pending[local] == 0 {
            self.ready.push_back(target);
        }
    }

    fn skip(&mut self, n: usize, reason: &str) {
        let ctx = self.ctx.clone();
        let mut result = ctx.blank_result(n, NodeStatus::Skipped);
        result.reason = Some(reason.to_string());
        result.iterations = 0;
        ctx.record(n, result);
        ctx.emit(RunEvent::NodeSkipped {
            node_id: ctx.graph.nodes[n].id,
            reason: reason.to_string(),
        });
        for &e in &ctx.graph.out_edges[n] {
            if ctx.graph.role[e] == EdgeRole::Internal {
                self.resolve(e, None);
            }
        }
    }

    fn start(&mut self, n: usize) -> Result<(), Stop> {
        let ctx = self.ctx.clone();
        let graph = &ctx.graph;
        let node = &graph.nodes[n];
        let has_inputs = graph.scopes[graph.scope_of[n]].in_count[graph.local[n]] > 0;
        let pin = ctx.pins.get(&n).cloned().or_else(|| {
            node.pinned.as_ref().map(|items| {
                let mut ports = PortItems::new();
                ports.insert(MAIN.to_string(), items.clone());
                ports
            })
        });
        let mut branches = Vec::new();
        let items: Arc<Vec<Json>> = if !has_inputs {
            if let Some(items) = ctx.entry.get(&n) {
                items.clone()
            } else if pin.is_some() || node.kind.source {
                Arc::new(Vec::new())
            } else if node.kind.trigger {
                if ctx.fire.is_some_and(|id| id != node.id) {
                    self.skip(n, "another trigger started this run");
                    return Ok(());
                }
                ctx.trigger_items.clone()
            } else {
                self.skip(n, "not connected to a trigger");
                return Ok(());
            }
        } else {
            let taken: Vec<Arc<Vec<Json>>> = graph.in_edges[n]
                .iter()
                .filter(|&&e| graph.role[e] != EdgeRole::Exit)
                .filter_map(|&e| self.edges.get(graph.slot[e]).cloned().flatten().flatten())
                .collect();
            match taken.len() {
                0 => {
                    self.skip(n, "no items reached it: its branch was not taken");
                    return Ok(());
                }
                1 => taken.into_iter().next().unwrap_or_default(),
                _ => {
                    let all: Vec<Json> = taken.iter().flat_map(|b| b.iter().cloned()).collect();
                    branches = taken;
                    Arc::new(all)
                }
            }
        };
        ctx.budget.step(&ctx.limits).map_err(Stop::Failed)?;
        let started = Instant::now();
        let started_seq = ctx.next_seq();
        if let Some(ports) = pin {
            self.in_flight.insert(
                n,
                InFlight {
                    items,
                    started,
                    started_seq,
                    call: None,
                },
            );
            let output = NodeOutput {
                ports: ports
                    .into_iter()
                    .map(|(p, items)| (p, items.to_vec()))
                    .collect(),
                ..NodeOutput::default()
            };
            return self.finish_as(n, Ok(output), 1, NodeStatus::Pinned);
        }
        ctx.emit(RunEvent::NodeStarted {
            node_id: node.id,
            kind: node.kind.name.to_string(),
            label: node.label.clone(),
        });
        let call = Arc::new(NodeCall {
            run: ctx.clone(),
            node: n,
            items: items.clone(),
            branches,
            logs: Mutex::new(Vec::new()),
            completed: Mutex::new(Vec::new()),
        });
        self.in_flight.insert(
            n,
            InFlight {
                items: items.clone(),
                started,
                started_seq,
                call: Some(call.clone()),
            },
        );
        match &node.kind.runner {
            Runner::Sync(run) if node.retries == 0 && node.timeout.is_none() => {
                let result = run(&call);
                self.finish(n, result, 1)
            }
            Runner::Sync(_) | Runner::Async(_) => {
                let handle = self.running.spawn(async move {
                    let (result, attempts) = attempts(call).await;
                    (n, Done::Node(result, attempts))
                });
                self.tasks.insert(handle.id(), n);
                Ok(())
            }
            Runner::Loop => {
                let handle = self
                    .running
                    .spawn(async move { (n, Done::Loop(run_loop(ctx, n, items).await)) });
                self.tasks.insert(handle.id(), n);
                Ok(())
            }
            Runner::Unavailable(why) => self.finish(n, Err(NodeError::permanent(*why)), 1),
            // Runs leave notes and groups out (`program_of`): one here is a bug, said plainly.
            Runner::CanvasOnly => self.finish(
                n,
                Err(NodeError::permanent(
                    "a note or group is not a step of the run",
                )),
                1,
            ),
        }
    }

    fn finish(&mut self, n: usize, result: NodeRun, attempts: u32) -> Result<(), Stop> {
        self.finish_as(n, result, attempts, NodeStatus::Succeeded)
    }

    fn finish_as(
        &mut self,
        n: usize,
        result: NodeRun,
        attempts: u32,
        ok_status: NodeStatus,
    ) -> Result<(), Stop> {
        let ctx = self.ctx.clone();
        let graph = &ctx.graph;
        let node = &graph.nodes[n];
        let flight = self.in_flight.remove(&n);
        let (items, started, started_seq, logs) = match flight {
            Some(f) => (
                f.items,
                f.started,
                f.started_seq,
                f.call.map(|c| c.take_logs()).unwrap_or_default(),
            ),
            None => (
                Arc::new(Vec::new()),
                Instant::now(),
                ctx.next_seq(),
                Vec::new(),
            ),
        };
        let duration_ms = u32::try_from(started.elapsed().as_millis()).unwrap_or(u32::MAX);
        let mut record = ctx.blank_result(n, ok_status);
        record.input = items.clone();
        record.logs = logs;
        record.started_ms = ctx.ms(started);
        record.duration_ms = duration_ms;
        record.attempts = attempts;
        record.started_seq = started_seq;
        record.finished_seq = ctx.next_seq();
        match result {
            Ok(output) => {
                let ports: PortItems = output
                    .ports
                    .into_iter()
                    .map(|(p, v)| (p, Arc::new(v)))
                    .collect();
                let bytes: usize = ports
                    .values()
                    .flat_map(|items| items.iter())
                    .map(approx_size)
                    .sum();
                record.output = ports.clone();
                record.tokens = output.tokens;
                record.cost = output.cost;
                ctx.record(n, record);
                ctx.emit(RunEvent::NodeFinished {
                    node_id: node.id,
                    status: ok_status,
                    output: ports.clone(),
                    duration_ms,
                    tokens: output.tokens,
                    cost: output.cost,
                });
                ctx.budget.keep(bytes, &ctx.limits).map_err(Stop::Failed)?;
                if let Some(reason) = ctx.over_budget() {
                    return Err(Stop::Failed(reason));
                }
                for &e in &graph.out_edges[n] {
                    let taken = ports.get(&graph.edges[e].source_port).cloned();
                    match graph.role[e] {
                        EdgeRole::Internal => self.resolve(e, taken),
                        EdgeRole::Exit => {
                            if let Some(items) = taken {
                                self.exits.extend(items.iter().cloned());
                            }
                        }
                        // The loop itself feeds its body, once per item.
                        EdgeRole::Seed => {}
                    }
                }
                Ok(())
            }
            Err(NodeError { message: full, .. }) => {
                // A jq or HTTP error can carry megabytes of data: results, events and the
                // run's one-line error get the start of it, the log the rest.
                let message = clip_middle(&full, MAX_ERROR_CHARS).into_owned();
                if message.len() < full.len() {
                    let whole = format!("error (in full): {full}");
                    record
                        .logs
                        .push(clip_chars(&whole, MAX_LOG_CHARS).into_owned());
                }
                let handled = graph.catches_errors[n];
                record.status = NodeStatus::Failed;
                record.error = Some(message.clone());
                record.handled = handled;
                let error_items = Arc::new(vec![json!({
                    "error": message,
                    "node": node.label,
                    "items": &*items,
                })]);
                if handled {
                    record
                        .output
                        .insert(ERROR_PORT.to_string(), error_items.clone());
                }
                ctx.record(n, record);
                ctx.emit(RunEvent::NodeFailed {
                    node_id: node.id,
                    error: message.clone(),
                    handled,
                    duration_ms,
                });
                if let Some(reason) = ctx.over_budget() {
                    return Err(Stop::Failed(reason));
                }
                if !handled {
                    return Err(Stop::Failed(format!(
                        "node '{}' ({}) failed: {message}",
                        node.label, node.kind.name
                    )));
                }
                for &e in &graph.out_edges[n] {
                    if graph.role[e] == EdgeRole::Internal {
                        let taken =
                            (graph.edges[e].source_port == ERROR_PORT).then(|| error_items.clone());
                        self.resolve(e, taken);
                    }
                }
                Ok(())
            }
        }
    }

    /// Nodes still running when the scope stops are recorded as stopped.
    fn stop_in_flight(&mut self) {
        self.running.abort_all();
        let ctx = self.ctx.clone();
        for (n, flight) in self.in_flight.drain() {
            let mut record = ctx.blank_result(n, NodeStatus::Stopped);
            record.input = flight.items;
            record.started_ms = ctx.ms(flight.started);
            record.duration_ms =
                u32::try_from(flight.started.elapsed().as_millis()).unwrap_or(u32::MAX);
            record.started_seq = flight.started_seq;
            record.finished_seq = ctx.next_seq();
            record.logs = flight.call.map(|c| c.take_logs()).unwrap_or_default();
            ctx.record(n, record);
        }
    }
}

fn wall_clock(ctx: &RunCtx) -> Stop {
    Stop::Failed(format!(
        "the run passed its wall-clock limit of {} ms",
        ctx.limits.max_wall_ms
    ))
}

/// Runs a node's kind with its timeout, retrying failures with exponential backoff. A failure
/// that is not retryable ends it at once; a rate limit's Retry-After is waited out when it
/// is no longer than [`MAX_RETRY_AFTER`], and fails the node when it is. The waits are plain
/// sleeps in the node's task: cancelling the run aborts the task, sleep included.
async fn attempts(call: Arc<NodeCall>) -> (NodeRun, u32) {
    let node = &call.run.graph.nodes[call.node];
    let mut attempt = 0;
    loop {
        attempt += 1;
        let work = async {
            match &node.kind.runner {
                Runner::Sync(run) => run(&call),
                Runner::Async(run) => run(call.clone()).await,
                Runner::Loop | Runner::Unavailable(_) | Runner::CanvasOnly => {
                    Err(NodeError::permanent("this kind cannot run as a task"))
                }
            }
        };
        let result = match node.timeout {
            Some(limit) => tokio::time::timeout(limit, work).await.unwrap_or_else(|_| {
                Err(NodeError::new(format!(
                    "timed out after {} ms",
                    limit.as_millis()
                )))
            }),
            None => work.await,
        };
        let error = match result {
            Err(e) if attempt <= node.retries => e,
            other => return (other, attempt),
        };
        if !error.retryable {
            call.log(format!(
                "attempt {attempt} failed: {error}; not retried: another attempt would fail the same way"
            ));
            return (Err(error), attempt);
        }
        let backoff = node
            .retry_delay
            .saturating_mul(1u32 << (attempt - 1).min(16))
            .min(MAX_RETRY_DELAY);
        let wait = match error.retry_after {
            Some(asked) if asked > MAX_RETRY_AFTER => {
                let message = format!(
                    "{error}; the service asks to wait {} s before trying again, longer than the {} s a retry may wait: run it again later",
                    asked.as_secs(),
                    MAX_RETRY_AFTER.as_secs()
                );
                call.log(format!("attempt {attempt} failed: {message}"));
                return (Err(NodeError::permanent(message)), attempt);
            }
            Some(asked) => asked.max(backoff),
            None => backoff,
        };
        call.log(format!(
            "attempt {attempt} failed: {error}; retrying in {} ms",
            wait.as_millis()
        ));
        tokio::time::sleep(wait).await;
    }
}

/// `flow.loop`: runs the body once per item, in order; `done` gets what reached `next`
/// (or the items themselves when nothing feeds `next`).
async fn run_loop(ctx: Arc<RunCtx>, n: usize, items: Arc<Vec<Json>>) -> Result<NodeOutput, Stop> {
    let graph = &ctx.graph;
    let Some(&scope) = graph.loop_scope.get(&n) else {
        return Ok(NodeOutput {
            ports: vec![("done".into(), items.to_vec())],
            ..NodeOutput::default()
        });
    };
    let seeds: Vec<usize> = graph.out_edges[n]
        .iter()
        .copied()
        .filter(|&e| graph.role[e] == EdgeRole::Seed)
        .collect();
    let mut done = Vec::with_capacity(items.len());
    for item in items.iter() {
        let one = Arc::new(vec![item.clone()]);
        let exits = run_scope(
            ctx.clone(),
            scope,
            seeds.iter().map(|&e| (e, one.clone())).collect(),
        )
        .await?;
        if graph.has_exit[n] {
            done.extend(exits);
        } else {
            done.push(item.clone());
        }
    }
    Ok(NodeOutput {
        ports: vec![("done".into(), done)],
        ..NodeOutput::default()
    })
}

/// The result of a graph run: the `output` nodes' items (an object by label when there are
/// several), or the items of the nodes without outgoing edges when there is no output node.
pub(crate) fn run_output(plan: &Plan, results: &[Option<NodeResult>]) -> (Json, Vec<Json>) {
    let done = |r: &&NodeResult| matches!(r.status, NodeStatus::Succeeded | NodeStatus::Pinned);
    let outputs: Vec<&NodeResult> = results
        .iter()
        .enumerate()
        .filter(|(i, _)| plan.nodes[*i].kind.name == "output")
        .filter_map(|(_, r)| r.as_ref())
        .filter(done)
        .collect();
    let items_of = |r: &NodeResult| -> Vec<Json> {
        r.output
            .iter()
            .filter(|(p, _)| p.as_str() != ERROR_PORT)
            .flat_map(|(_, items)| items.iter().cloned())
            .collect()
    };
    match outputs.as_slice() {
        [one] => {
            let items = items_of(one);
            (Json::Array(items.clone()), items)
        }
        [] => {
            let items: Vec<Json> = results
                .iter()
                .enumerate()
                .filter(|(i, _)| plan.out_edges[*i].is_empty())
                .filter_map(|(_, r)| r.as_ref())
                .filter(done)
                .flat_map(items_of)
                .collect();
            (Json::Array(items.clone()), items)
        }
        many => {
            let mut by_label = serde_json::Map::new();
            let mut all = Vec::new();
            for r in many {
                let items = items_of(r);
                all.extend(items.iter().cloned());
                let key = if by_label.contains_key(&r.label) {
                    r.node_id.to_string()
                } else {
                    r.label.clone()
                };
                by_label.insert(key, Json::Array(items));
            }
            (Json::Object(by_label), all)
        }
    }
}

pub(crate) struct BlueprintOutcome {
    pub items: Vec<Json>,
    pub tokens: u32,
    pub cost: f64,
}

/// Runs a blueprint's graph for a `blueprint.call` node, inside the caller's run: same
/// cancellation, deadline and budget; the call's items are the blueprint's input.
pub(crate) async fn run_blueprint(
    parent: &Arc<RunCtx>,
    id: Uuid,
    graph: neuroflow_model::graph::Graph,
    items: Arc<Vec<Json>>,
) -> Result<BlueprintOutcome, String> {
    if let Some(first) = crate::validate::validate(&graph).into_iter().next() {
        return Err(format!("blueprint {id} is invalid: {}", first.message));
    }
    let plan = plan(&graph)?;
    let mut stack = parent.blueprint_stack.clone();
    stack.push(id);
    let ctx = Arc::new(RunCtx {
        deadline: parent.deadline,
        budget: parent.budget.clone(),
        blueprint_stack: stack,
        http: parent.http.clone(),
        input_value: parent.input_value.clone(),
        ..RunCtx::new(RunSetup {
            graph: plan,
            host: parent.host.clone(),
            events: None,
            cancel: parent.cancel.clone(),
            limits: parent.limits.clone(),
            input: parent.input.clone(),
            trigger_items: items,
            fire: None,
            pins: HashMap::new(),
            entry: HashMap::new(),
        })
    });
    match run_scope(ctx.clone(), TOP, Vec::new()).await {
        Ok(_) => {}
        Err(Stop::Cancelled) => return Err("cancelled".into()),
        Err(Stop::Failed(reason)) => return Err(format!("in blueprint {id}: {reason}")),
    }
    let results = ctx.take_results();
    let (_, items) = run_output(&ctx.graph, &results);
    let (tokens, cost) = results.iter().flatten().fold((0u32, 0.0), |(t, c), r| {
        (t.saturating_add(r.tokens), c + r.cost)
    });
    Ok(BlueprintOutcome {
        items,
        tokens,
        cost,
    })
}
