//! Runs inside a run: a loop body once per item, and a called blueprint's graph.

use super::*;

/// `flow.loop`: runs the body once per item, in order; `done` gets what reached `next`
/// (or the items themselves when nothing feeds `next`).
pub(super) async fn run_loop(
    ctx: Arc<RunCtx>,
    n: usize,
    items: Arc<Vec<Val>>,
) -> Result<NodeOutput, Stop> {
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

pub(crate) struct BlueprintOutcome {
    pub items: Vec<Val>,
    pub tokens: u32,
    pub cost: f64,
}

/// Runs a blueprint's graph for a `blueprint.call` node, inside the caller's run: same
/// cancellation, deadline and budget; the call's items are the blueprint's input.
pub(crate) async fn run_blueprint(
    parent: &Arc<RunCtx>,
    id: Uuid,
    graph: neuroflow_model::graph::Graph,
    items: Arc<Vec<Val>>,
) -> Result<BlueprintOutcome, String> {
    if let Some(first) = crate::validate::validate(&graph).into_iter().next() {
        return Err(format!("blueprint {id} is invalid: {}", first.message));
    }
    let plan = plan(graph)?;
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
            network: parent.http.policy(),
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
