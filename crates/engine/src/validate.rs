//! Checks before a run: unknown or unavailable kinds, dangling edges, ports that do not
//! exist or do not fit, missing or ill-typed config, cycles not closed by a loop, loop bodies
//! that leak, no trigger, blueprint recursion. Every problem is returned together.

use std::collections::{HashMap, HashSet, VecDeque};

use neuroflow_model::graph::{Graph, GraphNode, MAX_CONFIG_BYTES, MAX_EDGES, MAX_NODES};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use uuid::Uuid;

use crate::host::EngineHost;
use crate::kinds::blueprint::called_blueprints;
use crate::kinds::{self, KindSpec, PortType, MAIN};
use crate::template::{is_template, Condition, Tpl};

/// Past this many, the rest are summed up in one last diagnostic.
pub const MAX_DIAGNOSTICS: usize = 200;
const MAX_LABEL_CHARS: usize = 200;
/// How many distinct blueprints one validation fetches from the host.
const MAX_BLUEPRINTS: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum DiagnosticCode {
    TooLarge,
    DuplicateId,
    UnknownKind,
    NotAvailable,
    DanglingEdge,
    UnknownPort,
    IncompatiblePorts,
    MissingConfig,
    InvalidConfig,
    SecretInConfig,
    Cycle,
    LoopBody,
    NoTrigger,
    UnknownBlueprint,
    InvalidBlueprint,
    BlueprintRecursion,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Diagnostic {
    pub node_id: Option<Uuid>,
    pub edge_id: Option<Uuid>,
    pub code: DiagnosticCode,
    pub message: String,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

struct Report {
    items: Vec<Diagnostic>,
    dropped: usize,
}

impl Report {
    fn push(
        &mut self,
        node_id: Option<Uuid>,
        edge_id: Option<Uuid>,
        code: DiagnosticCode,
        message: String,
    ) {
        if self.items.len() < MAX_DIAGNOSTICS {
            self.items.push(Diagnostic {
                node_id,
                edge_id,
                code,
                message: one_line(message),
            });
        } else {
            self.dropped += 1;
        }
    }
    fn node(&mut self, node: &GraphNode, code: DiagnosticCode, message: String) {
        self.push(
            Some(node.id),
            None,
            code,
            format!("{}: {message}", name(node)),
        );
    }
    fn finish(mut self) -> Vec<Diagnostic> {
        if self.dropped > 0 {
            self.items.push(Diagnostic {
                node_id: None,
                edge_id: None,
                code: DiagnosticCode::TooLarge,
                message: format!("and {} more problems", self.dropped),
            });
        }
        self.items
    }
}

/// The longest diagnostic, in characters: messages quote labels, port names and config values,
/// which a hostile graph can make megabytes long.
const MAX_MESSAGE_CHARS: usize = 300;

/// A diagnostic as the canvas and the CLI show it: one line (a control character or line
/// separator in a quoted value becomes a space), clipped to [`MAX_MESSAGE_CHARS`].
fn one_line(message: String) -> String {
    let breaks = |c: char| c.is_control() || c == '\u{2028}' || c == '\u{2029}';
    if !message.contains(breaks) && message.chars().count() <= MAX_MESSAGE_CHARS {
        return message;
    }
    let mut out: String = message
        .chars()
        .take(MAX_MESSAGE_CHARS)
        .map(|c| if breaks(c) { ' ' } else { c })
        .collect();
    if message.chars().count() > MAX_MESSAGE_CHARS {
        out.push('…');
    }
    out
}

fn name(node: &GraphNode) -> String {
    let label: String = node.label.chars().take(60).collect();
    if label.trim().is_empty() {
        format!("node {}", node.id)
    } else {
        format!("node '{label}'")
    }
}

fn clip(s: &str) -> String {
    s.chars().take(64).collect()
}

/// The port an edge end names; no handle means the kind's `main` port.
pub fn port_name(handle: &Option<String>) -> &str {
    handle.as_deref().unwrap_or(MAIN)
}

/// Validates a graph on its own: blueprint calls are checked for their config only.
pub fn validate(graph: &Graph) -> Vec<Diagnostic> {
    validate_with_blueprints(graph, None)
}

/// Validates a graph and, through the host, every blueprint it calls (recursion included).
pub async fn validate_with_host(graph: &Graph, host: &dyn EngineHost) -> Vec<Diagnostic> {
    let graph = &*neuroflow_model::graph::program_of(graph);
    let mut fetched: HashMap<Uuid, Result<Graph, String>> = HashMap::new();
    let mut queue: VecDeque<Uuid> = called_blueprints(graph).into_iter().collect();
    while let Some(id) = queue.pop_front() {
        if fetched.contains_key(&id) || fetched.len() >= MAX_BLUEPRINTS {
            continue;
        }
        let got = host.blueprint(id).await.map(|b| b.graph);
        if let Ok(g) = &got {
            queue.extend(called_blueprints(g));
        }
        fetched.insert(id, got);
    }
    validate_with_blueprints(graph, Some(&fetched))
}

pub fn validate_with_blueprints(
    graph: &Graph,
    blueprints: Option<&HashMap<Uuid, Result<Graph, String>>>,
) -> Vec<Diagnostic> {
    let graph = &*neuroflow_model::graph::program_of(graph);
    let mut report = Report {
        items: Vec::new(),
        dropped: 0,
    };
    if graph.nodes.len() > MAX_NODES || graph.edges.len() > MAX_EDGES {
        report.push(
            None,
            None,
            DiagnosticCode::TooLarge,
            format!(
                "a graph may have at most {MAX_NODES} nodes and {MAX_EDGES} edges; this one has {} and {}",
                graph.nodes.len(),
                graph.edges.len()
            ),
        );
        return report.finish();
    }
    let mut index: HashMap<Uuid, usize> = HashMap::with_capacity(graph.nodes.len());
    for (i, node) in graph.nodes.iter().enumerate() {
        if index.insert(node.id, i).is_some() {
            report.node(
                node,
                DiagnosticCode::DuplicateId,
                format!("id {} is used by another node", node.id),
            );
        }
    }
    let specs: Vec<Option<&'static KindSpec>> =
        graph.nodes.iter().map(|n| kinds::kind(&n.kind)).collect();
    for (node, spec) in graph.nodes.iter().zip(&specs) {
        check_node(node, *spec, &mut report);
    }
    if !specs.iter().flatten().any(|k| k.trigger) {
        report.push(
            None,
            None,
            DiagnosticCode::NoTrigger,
            "the graph has no trigger (manual, webhook, schedule or blueprint input) to start from"
                .into(),
        );
    }
    // Edges that are well formed, as (source, target) indices; the cycle and loop checks use them.
    let mut good: Vec<(usize, usize, usize)> = Vec::with_capacity(graph.edges.len());
    let mut edge_ids = HashSet::with_capacity(graph.edges.len());
    for (e, edge) in graph.edges.iter().enumerate() {
        if !edge_ids.insert(edge.id) {
            report.push(
                None,
                Some(edge.id),
                DiagnosticCode::DuplicateId,
                format!("edge id {} is used twice", edge.id),
            );
        }
        let (Some(&s), Some(&t)) = (index.get(&edge.source), index.get(&edge.target)) else {
            report.push(
                None,
                Some(edge.id),
                DiagnosticCode::DanglingEdge,
                format!("edge {} connects a node that is not in the graph", edge.id),
            );
            continue;
        };
        if s == t {
            report.push(
                Some(edge.source),
                Some(edge.id),
                DiagnosticCode::Cycle,
                format!(
                    "edge {} connects {} to itself",
                    edge.id,
                    name(&graph.nodes[s])
                ),
            );
            continue;
        }
        let (Some(source_kind), Some(target_kind)) = (specs[s], specs[t]) else {
            continue;
        };
        let source_port = port_name(&edge.source_handle);
        let target_port = port_name(&edge.target_handle);
        let Some(out_ty) = output_port(source_kind, &graph.nodes[s].config, source_port) else {
            let outputs = source_kind.output_ports(&graph.nodes[s].config);
            let choices: Vec<&str> = outputs.iter().map(|(p, _)| p.as_str()).collect();
            let message = if choices.is_empty() {
                format!("{} has no output to connect from", name(&graph.nodes[s]))
            } else {
                format!(
                    "{} has no output port '{}'; its ports are {}",
                    name(&graph.nodes[s]),
                    clip(source_port),
                    choices.join(", ")
                )
            };
            report.push(
                Some(edge.source),
                Some(edge.id),
                DiagnosticCode::UnknownPort,
                message,
            );
            continue;
        };
        let Some(in_port) = target_kind.input_port(target_port) else {
            let message = if target_kind.inputs.is_empty() {
                format!("{} takes no input", name(&graph.nodes[t]))
            } else {
                format!(
                    "{} has no input port '{}'",
                    name(&graph.nodes[t]),
                    clip(target_port)
                )
            };
            report.push(
                Some(edge.target),
                Some(edge.id),
                DiagnosticCode::UnknownPort,
                message,
            );
            continue;
        };
        if !in_port.ty.accepts(out_ty) {
            report.push(
                Some(edge.target),
                Some(edge.id),
                DiagnosticCode::IncompatiblePorts,
                format!(
                    "{} port '{}' gives {} items but {} port '{}' takes {} items",
                    name(&graph.nodes[s]),
                    source_port,
                    type_name(out_ty),
                    name(&graph.nodes[t]),
                    target_port,
                    type_name(in_port.ty)
                ),
            );
        }
        good.push((e, s, t));
    }
    check_cycles(graph, &specs, &good, &mut report);
    check_loop_bodies(graph, &specs, &good, &mut report);
    if let Some(blueprints) = blueprints {
        check_blueprints(graph, blueprints, &mut report);
    }
    report.finish()
}

/// The type of a kind's output port `name`, as in [`KindSpec::output_ports`] but without
/// building the list of ports: validation asks this once per edge.
fn output_port(kind: &KindSpec, config: &Json, name: &str) -> Option<PortType> {
    if let Some(port) = kind.outputs.iter().find(|p| p.name == name) {
        return Some(port.ty);
    }
    if kind.rule_outputs
        && config
            .get("rules")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .any(|r| r.get("port").and_then(Json::as_str) == Some(name))
    {
        return Some(PortType::Any);
    }
    (name == kinds::ERROR_PORT && !kind.outputs.is_empty() && !kind.trigger)
        .then_some(PortType::Object)
}

/// The length of a value's compact JSON, counted without writing it out.
fn json_len(value: &Json) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    match serde_json::to_writer(&mut count, value) {
        Ok(()) => count.0,
        Err(_) => usize::MAX,
    }
}

fn type_name(t: PortType) -> &'static str {
    match t {
        PortType::Any => "any",
        PortType::Object => "object",
        PortType::Array => "array",
        PortType::String => "string",
        PortType::Number => "number",
        PortType::Bool => "boolean",
    }
}

fn check_node(node: &GraphNode, spec: Option<&'static KindSpec>, report: &mut Report) {
    if node.label.chars().count() > MAX_LABEL_CHARS {
        report.push(
            Some(node.id),
            None,
            DiagnosticCode::TooLarge,
            format!(
                "node {} has a label longer than {MAX_LABEL_CHARS} characters",
                node.id
            ),
        );
    }
    let Some(spec) = spec else {
        report.node(
            node,
            DiagnosticCode::UnknownKind,
            format!("unknown node kind '{}'", clip(&node.kind)),
        );
        return;
    };
    if let Some(why) = spec.unavailable() {
        report.node(
            node,
            DiagnosticCode::NotAvailable,
            format!("{} is not available yet: {why}", spec.name),
        );
    }
    let size = json_len(&node.config);
    if size > MAX_CONFIG_BYTES {
        report.node(
            node,
            DiagnosticCode::TooLarge,
            format!("config is {size} bytes; the limit is {MAX_CONFIG_BYTES}"),
        );
        return;
    }
    let empty = serde_json::Map::new();
    let config = match &node.config {
        Json::Object(map) => map,
        Json::Null => &empty,
        _ => {
            report.node(
                node,
                DiagnosticCode::InvalidConfig,
                "config must be an object".into(),
            );
            return;
        }
    };
    for key in spec.required {
        let missing = match config.get(*key) {
            None | Some(Json::Null) => true,
            Some(Json::String(s)) => s.trim().is_empty(),
            Some(_) => false,
        };
        if missing {
            report.node(
                node,
                DiagnosticCode::MissingConfig,
                format!("'{key}' is required"),
            );
        }
    }
    for key in ["apiKey", "api_key", "token", "password", "secret"] {
        if config.contains_key(key) {
            report.node(
                node,
                DiagnosticCode::SecretInConfig,
                format!("'{key}' must not be stored in a graph: name a credential or an environment variable (apiKeyEnv)"),
            );
        }
    }
    if let Some(schema) = spec.config_schema() {
        check_types(node, schema, config, report);
    }
    check_kind_config(node, spec, config, report);
}

/// The subset of JSON Schema the kinds use: `type`, `enum`, `minimum`, `maximum` and
/// `maxLength` of top-level properties.
fn check_types(
    node: &GraphNode,
    schema: &Json,
    config: &serde_json::Map<String, Json>,
    report: &mut Report,
) {
    let Some(props) = schema.get("properties").and_then(Json::as_object) else {
        return;
    };
    for (key, value) in config {
        let Some(prop) = props.get(key) else { continue };
        if value.is_null() {
            continue;
        }
        if let Some(ty) = prop.get("type").and_then(Json::as_str) {
            let fits = match ty {
                "string" => value.is_string(),
                "integer" => value.is_i64() || value.is_u64(),
                "number" => value.is_number(),
                "boolean" => value.is_boolean(),
                "object" => value.is_object(),
                "array" => value.is_array(),
                _ => true,
            };
            if !fits {
                report.node(
                    node,
                    DiagnosticCode::InvalidConfig,
                    format!("'{key}' must be a {ty}"),
                );
                continue;
            }
        }
        if let Some(problem) = out_of_bounds(key, prop, value) {
            report.node(node, DiagnosticCode::InvalidConfig, problem);
            continue;
        }
        if let (Some(allowed), Some(s)) =
            (prop.get("enum").and_then(Json::as_array), value.as_str())
        {
            if !allowed.iter().any(|a| a.as_str() == Some(s)) {
                let names: Vec<&str> = allowed.iter().filter_map(Json::as_str).collect();
                report.node(
                    node,
                    DiagnosticCode::InvalidConfig,
                    format!(
                        "'{key}' is '{}'; it must be one of {}",
                        clip(s),
                        names.join(", ")
                    ),
                );
            }
        }
    }
}

/// A number outside the schema's `minimum`/`maximum`, or a string longer than its
/// `maxLength`, said in plain words: the schema is the kind's promise of what it runs with.
fn out_of_bounds(key: &str, prop: &Json, value: &Json) -> Option<String> {
    if let Some(n) = value.as_f64() {
        if let Some(min) = prop.get("minimum").and_then(Json::as_f64) {
            if n < min {
                return Some(format!(
                    "'{key}' is {value}; it must be at least {}",
                    bound(min)
                ));
            }
        }
        if let Some(max) = prop.get("maximum").and_then(Json::as_f64) {
            if n > max {
                return Some(format!(
                    "'{key}' is {value}; it must be at most {}",
                    bound(max)
                ));
            }
        }
    }
    if let (Some(s), Some(max)) = (value.as_str(), prop.get("maxLength").and_then(Json::as_u64)) {
        let chars = s.chars().count() as u64;
        if chars > max {
            return Some(format!(
                "'{key}' is {chars} characters long; it must be at most {max}"
            ));
        }
    }
    None
}

/// A schema bound as people write it: `86400000`, not `86400000.0`.
fn bound(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

/// Templates that do not parse, jq programs that do not compile, bad ids and rules.
fn check_kind_config(
    node: &GraphNode,
    spec: &KindSpec,
    config: &serde_json::Map<String, Json>,
    report: &mut Report,
) {
    let mut invalid = |message: String| report.node(node, DiagnosticCode::InvalidConfig, message);
    match spec.name {
        "data.transform" => {
            if let Some(code) = config.get("expression").and_then(Json::as_str) {
                if let Err(e) = kinds::transform::check(code) {
                    invalid(e);
                }
            }
        }
        "flow.condition" => {
            if let Some(e) = config
                .get("expression")
                .and_then(Json::as_str)
                .and_then(|s| Condition::compile(s).err())
            {
                invalid(e);
            }
        }
        "flow.switch" => {
            let mut seen = HashSet::new();
            for rule in config
                .get("rules")
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
            {
                match (
                    rule.get("port").and_then(Json::as_str),
                    rule.get("expression").and_then(Json::as_str),
                ) {
                    (Some(port), Some(expr)) => {
                        if port == "default" || port == kinds::ERROR_PORT || !seen.insert(port) {
                            invalid(format!(
                                "rule port '{}' is reserved or used twice",
                                clip(port)
                            ));
                        }
                        if let Err(e) = Condition::compile(expr) {
                            invalid(e);
                        }
                    }
                    _ => invalid("each rule needs a port and an expression".into()),
                }
            }
        }
        "trigger.schedule" => {
            if let Some(cron) = config.get("cron").and_then(Json::as_str) {
                let fields = cron.split_whitespace().count();
                if !(5..=6).contains(&fields) {
                    invalid(format!("cron '{}' must have 5 (or 6) fields", clip(cron)));
                }
            }
        }
        "ai.agent" => {
            if let Some(id) = config.get("agentId").and_then(Json::as_str) {
                if id.parse::<Uuid>().is_err() {
                    invalid(format!("agentId '{}' is not an id", clip(id)));
                }
            }
        }
        "integration.slack" | "integration.gmail" | "integration.webhook" | "integration.http" => {
            if let Some(id) = config.get("integrationId").and_then(Json::as_str) {
                if id.trim().parse::<Uuid>().is_err() {
                    invalid(format!("integrationId '{}' is not an id", clip(id)));
                }
            }
        }
        "blueprint.call" => {
            if let Some(id) = config.get("blueprintId").and_then(Json::as_str) {
                if id.parse::<Uuid>().is_err() {
                    invalid(format!("blueprintId '{}' is not an id", clip(id)));
                }
            }
        }
        "ai.llm" => {
            if let Err(e) = kinds::llm::ModelSettings::from_config(&Json::Object(config.clone())) {
                if config.get("model").is_some() {
                    invalid(e);
                }
            }
        }
        _ => {}
    }
    // Every other templated string must at least parse.
    for (key, value) in config {
        if key == "pinned" || (spec.name == "data.transform" && key == "expression") {
            continue;
        }
        if let Some(e) = first_template_error(value) {
            report.node(node, DiagnosticCode::InvalidConfig, format!("'{key}': {e}"));
        }
    }
}

fn first_template_error(value: &Json) -> Option<String> {
    match value {
        Json::String(s) if is_template(s) => Tpl::compile(value).err(),
        Json::Array(items) => items.iter().find_map(first_template_error),
        Json::Object(map) => map.values().find_map(first_template_error),
        _ => None,
    }
}

/// An edge into a loop's `next` port closes the loop body; it is the only cycle allowed.
fn is_feedback(graph: &Graph, specs: &[Option<&'static KindSpec>], e: usize, t: usize) -> bool {
    specs[t].is_some_and(|k| k.name == "flow.loop")
        && port_name(&graph.edges[e].target_handle) == "next"
}

fn check_cycles(
    graph: &Graph,
    specs: &[Option<&'static KindSpec>],
    good: &[(usize, usize, usize)],
    report: &mut Report,
) {
    let n = graph.nodes.len();
    let mut indegree = vec![0u32; n];
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(e, s, t) in good {
        if !is_feedback(graph, specs, e, t) {
            indegree[t] += 1;
            out[s].push(t);
        }
    }
    let mut queue: Vec<usize> = (0..n).filter(|&i| indegree[i] == 0).collect();
    let mut seen = 0;
    while let Some(i) = queue.pop() {
        seen += 1;
        for &t in &out[i] {
            indegree[t] -= 1;
            if indegree[t] == 0 {
                queue.push(t);
            }
        }
    }
    if seen < n {
        for (i, node) in graph
            .nodes
            .iter()
            .enumerate()
            .filter(|(i, _)| indegree[*i] > 0)
        {
            let _ = i;
            report.node(
                node,
                DiagnosticCode::Cycle,
                "is on a cycle; only a flow.loop (through its 'next' input) may close one".into(),
            );
        }
    }
}

/// The nodes of a loop's body: everything reachable from its `body` port, up to the loop.
/// `out` holds each node's outgoing edges as (edge, target, leaves its `body` port).
pub(crate) fn loop_body(loop_node: usize, out: &[Vec<(usize, usize, bool)>]) -> HashSet<usize> {
    let mut body = HashSet::new();
    let mut queue: VecDeque<usize> = out[loop_node]
        .iter()
        .filter(|(_, _, from_body)| *from_body)
        .map(|(_, t, _)| *t)
        .collect();
    while let Some(i) = queue.pop_front() {
        if i == loop_node || !body.insert(i) {
            continue;
        }
        queue.extend(out[i].iter().map(|(_, t, _)| *t));
    }
    body
}

fn check_loop_bodies(
    graph: &Graph,
    specs: &[Option<&'static KindSpec>],
    good: &[(usize, usize, usize)],
    report: &mut Report,
) {
    let loops: Vec<usize> = (0..graph.nodes.len())
        .filter(|&i| specs[i].is_some_and(|k| k.name == "flow.loop"))
        .collect();
    // Most graphs have no loop: no need for adjacency lists of every node.
    if loops.is_empty() {
        return;
    }
    let n = graph.nodes.len();
    let mut out: Vec<Vec<(usize, usize, bool)>> = vec![Vec::new(); n];
    let mut ins: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
    for &(e, s, t) in good {
        out[s].push((e, t, port_name(&graph.edges[e].source_handle) == "body"));
        ins[t].push((e, s));
    }
    for &l in &loops {
        let body = loop_body(l, &out);
        for &b in &body {
            for &(e, s) in &ins[b] {
                let from_body_port = s == l && port_name(&graph.edges[e].source_handle) == "body";
                if !from_body_port && !body.contains(&s) {
                    report.push(
                        Some(graph.nodes[b].id),
                        Some(graph.edges[e].id),
                        DiagnosticCode::LoopBody,
                        format!(
                            "{} is in the body of loop {} but also takes input from {} outside it",
                            name(&graph.nodes[b]),
                            name(&graph.nodes[l]),
                            name(&graph.nodes[s])
                        ),
                    );
                }
            }
        }
        for &(e, s) in &ins[l] {
            if port_name(&graph.edges[e].target_handle) == "next" && !body.contains(&s) {
                report.push(
                    Some(graph.nodes[l].id),
                    Some(graph.edges[e].id),
                    DiagnosticCode::LoopBody,
                    format!(
                        "{} feeds the 'next' input of loop {} but is not in its body",
                        name(&graph.nodes[s]),
                        name(&graph.nodes[l])
                    ),
                );
            }
        }
    }
}

fn check_blueprints(
    graph: &Graph,
    blueprints: &HashMap<Uuid, Result<Graph, String>>,
    report: &mut Report,
) {
    // Each blueprint is checked once, however many nodes call it (a graph of many calls
    // validated the same blueprint again for each; found by the validate_graph fuzz target).
    let mut verdicts: HashMap<Uuid, Option<(DiagnosticCode, String)>> = HashMap::new();
    for node in graph.nodes.iter().filter(|n| n.kind == "blueprint.call") {
        let Some(id) = kinds::blueprint::blueprint_id(&node.config) else {
            continue;
        };
        match blueprints.get(&id) {
            None => report.node(
                node,
                DiagnosticCode::UnknownBlueprint,
                format!("blueprint {id} was not looked up (too many blueprints)"),
            ),
            Some(Err(e)) => report.node(node, DiagnosticCode::UnknownBlueprint, e.clone()),
            Some(Ok(inner)) => {
                let verdict = verdicts.entry(id).or_insert_with(|| {
                    if let Some(path) = recursion_from(id, blueprints) {
                        Some((
                            DiagnosticCode::BlueprintRecursion,
                            format!(
                                "blueprint calls recurse ({}): recursion is refused",
                                path.join(" → ")
                            ),
                        ))
                    } else {
                        validate_with_blueprints(inner, None)
                            .into_iter()
                            .next()
                            .map(|first| {
                                (
                                    DiagnosticCode::InvalidBlueprint,
                                    format!("blueprint {id} is invalid: {}", first.message),
                                )
                            })
                    }
                });
                if let Some((code, message)) = verdict {
                    report.node(node, *code, message.clone());
                }
            }
        }
    }
}

/// A chain of blueprint ids that leads from `start` back to a blueprint already on the path.
fn recursion_from(
    start: Uuid,
    blueprints: &HashMap<Uuid, Result<Graph, String>>,
) -> Option<Vec<String>> {
    fn walk(
        id: Uuid,
        blueprints: &HashMap<Uuid, Result<Graph, String>>,
        path: &mut Vec<Uuid>,
        done: &mut HashSet<Uuid>,
    ) -> bool {
        if path.contains(&id) {
            path.push(id);
            return true;
        }
        if !done.insert(id) {
            return false;
        }
        path.push(id);
        if let Some(Ok(g)) = blueprints.get(&id) {
            for next in called_blueprints(g) {
                if walk(next, blueprints, path, done) {
                    return true;
                }
            }
        }
        path.pop();
        false
    }
    let mut path = Vec::new();
    let mut done = HashSet::new();
    walk(start, blueprints, &mut path, &mut done)
        .then(|| path.iter().map(|id| id.to_string()).collect())
}
