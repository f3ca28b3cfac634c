//! The scheduler: runs a plan's scopes on tokio. Ready nodes run concurrently (quick pure
//! kinds inline, the others as tasks); untaken branches are skipped transitively; failures go
//! to a connected error port or stop the run; retries, timeouts, limits and cancellation
//! are enforced here.

mod attempts;
mod clip;
mod nested;
mod output;
mod scope;

// The submodules take these with `use super::*`: one list for the whole scheduler.
use std::borrow::Cow;
use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use tokio::task::JoinSet;
use uuid::Uuid;

use crate::cancel::CancelToken;
use crate::egress::{Egress, NetworkPolicy};
use crate::error::NodeError;
use crate::events::{EventSender, NodeStatus, PortItems, RunEvent};
use crate::host::EngineHost;
use crate::kinds::{NodeCall, NodeOutput, NodeRun, Runner, ERROR_PORT, MAIN};
use crate::limits::{Budget, RunLimits};
use crate::plan::{plan, EdgeRole, Plan, TOP};
use crate::result::{AgentCallRecord, NodeResult};
use crate::value::Val;

use attempts::attempts;
pub(crate) use clip::{clip_chars, clip_middle};
pub use clip::{MAX_ERROR_CHARS, MAX_LOG_CHARS};
pub(crate) use nested::run_blueprint;
use nested::run_loop;
pub(crate) use output::run_output;
pub(crate) use scope::run_scope;

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
    pub input: Val,
    /// `input` as templates see it, converted once per run: a loop body converting it at
    /// every iteration made nested loops quadratic in the run's input.
    pub input_value: OnceLock<minijinja::Value>,
    pub trigger_items: Arc<Vec<Val>>,
    /// When set, only this trigger fires; the others are skipped.
    pub fire: Option<Uuid>,
    /// Outputs that stand in for a node instead of running it (previews).
    pub pins: HashMap<usize, PortItems>,
    /// Items given to a node that has no inputs in this run (single-node preview).
    pub entry: HashMap<usize, Arc<Vec<Val>>>,
    pub started: Instant,
    pub deadline: tokio::time::Instant,
    pub budget: Arc<Budget>,
    pub blueprint_stack: Vec<Uuid>,
    /// The run's network policy and HTTP clients.
    pub http: Arc<Egress>,
    pub results: Mutex<Vec<Option<NodeResult>>>,
    seq: AtomicU32,
}

pub(crate) struct RunSetup {
    pub graph: Plan,
    pub host: Arc<dyn EngineHost>,
    pub events: Option<EventSender>,
    pub cancel: CancelToken,
    pub limits: RunLimits,
    pub input: Val,
    pub trigger_items: Arc<Vec<Val>>,
    pub fire: Option<Uuid>,
    pub pins: HashMap<usize, PortItems>,
    pub entry: HashMap<usize, Arc<Vec<Val>>>,
    pub network: NetworkPolicy,
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
            http: Arc::new(Egress::new(setup.network)),
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
