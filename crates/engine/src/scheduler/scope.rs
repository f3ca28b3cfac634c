//! One scope's run: ready nodes start, finished ones resolve their edges, failures stop it.

use super::*;

pub(crate) type ScopeFuture = Pin<Box<dyn Future<Output = Result<Vec<Val>, Stop>> + Send>>;

/// Runs one scope to its end: the top level (`TOP`, no seeds) or a loop body for one item
/// (seeded on the loop's `body` edges). Returns the items that reached the loop's `next`.
pub(crate) fn run_scope(
    ctx: Arc<RunCtx>,
    scope: usize,
    seeds: Vec<(usize, Arc<Vec<Val>>)>,
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
    items: Arc<Vec<Val>>,
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
    edges: Vec<Option<Option<Arc<Vec<Val>>>>>,
    pending: Vec<u32>,
    ready: VecDeque<usize>,
    exits: Vec<Val>,
    running: JoinSet<(usize, Done)>,
    tasks: HashMap<tokio::task::Id, usize>,
    in_flight: HashMap<usize, InFlight>,
}

impl ScopeRun {
    async fn drive(
        &mut self,
        scope: usize,
        seeds: Vec<(usize, Arc<Vec<Val>>)>,
    ) -> Result<Vec<Val>, Stop> {
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
    fn resolve(&mut self, edge: usize, items: Option<Arc<Vec<Val>>>) {
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
        let items: Arc<Vec<Val>> = if !has_inputs {
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
            let taken: Vec<Arc<Vec<Val>>> = graph.in_edges[n]
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
                    let all: Vec<Val> = taken.iter().flat_map(|b| b.iter().cloned()).collect();
                    branches = taken;
                    Arc::new(all)
                }
            }
        };
        ctx.budget
            .step(&ctx.limits)
            .map_err(|e| at_node(node, &e))?;
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
        // Built only for a listener: on a 100,000-node run the unseen events' copies showed.
        if ctx.events.is_some() {
            ctx.emit(RunEvent::NodeStarted {
                node_id: node.id,
                kind: node.kind.name.to_string(),
                label: node.label.clone(),
            });
        }
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
                    .map(Val::held_size)
                    .sum();
                record.output = ports.clone();
                record.tokens = output.tokens;
                record.cost = output.cost;
                ctx.record(n, record);
                if ctx.events.is_some() {
                    ctx.emit(RunEvent::NodeFinished {
                        node_id: node.id,
                        status: ok_status,
                        output: ports.clone(),
                        duration_ms,
                        tokens: output.tokens,
                        cost: output.cost,
                    });
                }
                ctx.budget
                    .keep(bytes, &ctx.limits)
                    .map_err(|e| at_node(node, &e))?;
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
                let error_items = Arc::new(vec![Val::object([
                    (Arc::from("error"), Val::from(message.as_str())),
                    (Arc::from("node"), Val::from(node.label.as_str())),
                    (Arc::from("items"), Val::Array(Arc::clone(&items))),
                ])]);
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

/// A run limit reached by one node: the run stops, saying where.
fn at_node(node: &crate::plan::PlanNode, reason: &str) -> Stop {
    Stop::Failed(format!(
        "{reason} (at node '{}', {})",
        node.label, node.kind.name
    ))
}

fn wall_clock(ctx: &RunCtx) -> Stop {
    Stop::Failed(format!(
        "the run passed its wall-clock limit of {} ms",
        ctx.limits.max_wall_ms
    ))
}
