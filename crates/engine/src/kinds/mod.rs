//! The node kind registry: each kind's typed ports, config JSON Schema, required config and
//! how it runs. The scheduler and the validator read nothing about kinds from anywhere else.

pub mod agent;
pub mod blueprint;
pub mod data;
pub mod flow;
pub mod http;
pub mod integration;
pub mod llm;
pub mod signature;
pub mod transform;
pub mod trigger;

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, LazyLock, Mutex};

use serde::{Deserialize, Serialize};
use serde_json::{json, Value as Json};
use uuid::Uuid;

use crate::error::NodeError;
use crate::scheduler::RunCtx;
use crate::value::Val;

/// What one item on a port is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum PortType {
    Any,
    Object,
    Array,
    String,
    Number,
    Bool,
}

impl PortType {
    /// Whether items of type `from` may flow into a port of this type.
    pub fn accepts(self, from: PortType) -> bool {
        self == PortType::Any || from == PortType::Any || self == from
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortSpec {
    pub name: &'static str,
    pub ty: PortType,
}

const fn port(name: &'static str, ty: PortType) -> PortSpec {
    PortSpec { name, ty }
}

/// Every kind with outputs also has this port: a failure goes there when it is connected.
pub const ERROR_PORT: &str = "error";
pub const MAIN: &str = "main";

pub type NodeRun = Result<NodeOutput, NodeError>;
pub type NodeFuture = Pin<Box<dyn Future<Output = NodeRun> + Send>>;

pub enum Runner {
    /// Pure and quick: runs inline in the scheduler, no task, no timer.
    Sync(fn(&NodeCall) -> NodeRun),
    /// Waits on I/O or time: runs as its own task, under timeout and cancellation.
    Async(fn(Arc<NodeCall>) -> NodeFuture),
    /// `flow.loop`: the scheduler runs the loop body once per item.
    Loop,
    /// Listed in the palette but not runnable yet; validation refuses it with this reason.
    Unavailable(&'static str),
    /// A note or a group: part of the canvas, left out before validation and runs.
    CanvasOnly,
}

pub struct KindSpec {
    pub name: &'static str,
    /// Starts a run: fires with the run's input, has no input port.
    pub trigger: bool,
    /// Has no input port and emits items of its own (a constant) in every run, whichever
    /// trigger fired.
    pub source: bool,
    pub inputs: &'static [PortSpec],
    pub outputs: &'static [PortSpec],
    /// `flow.switch`: each rule of `config.rules` adds an output port named after it.
    pub rule_outputs: bool,
    /// Config keys that must be present and not empty.
    pub required: &'static [&'static str],
    /// JSON Schema of the kind's own config keys (the common ones are added by `schema`).
    pub schema: fn() -> Json,
    pub runner: Runner,
}

impl KindSpec {
    /// The output ports of a node of this kind with this config, the error port included.
    pub fn output_ports(&self, config: &Json) -> Vec<(String, PortType)> {
        let mut ports: Vec<(String, PortType)> = self
            .outputs
            .iter()
            .map(|p| (p.name.to_string(), p.ty))
            .collect();
        if self.rule_outputs {
            for name in flow::switch_rule_ports(config) {
                ports.push((name, PortType::Any));
            }
        }
        if !self.outputs.is_empty() && !self.trigger {
            ports.push((ERROR_PORT.to_string(), PortType::Object));
        }
        ports
    }

    pub fn input_port(&self, name: &str) -> Option<PortSpec> {
        self.inputs.iter().copied().find(|p| p.name == name)
    }

    /// The full JSON Schema of the config, common keys included.
    pub fn schema(&self) -> Json {
        let mut schema = (self.schema)();
        if let Some(props) = schema.get_mut("properties").and_then(Json::as_object_mut) {
            if let Some(common) = common_schema().get("properties").and_then(Json::as_object) {
                for (k, v) in common {
                    props.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
        }
        schema
    }

    /// The full schema, built once per process: validation reads it for every node.
    pub fn config_schema(&self) -> Option<&'static Json> {
        SCHEMAS.get(self.name)
    }

    pub fn unavailable(&self) -> Option<&'static str> {
        match self.runner {
            Runner::Unavailable(why) => Some(why),
            _ => None,
        }
    }
}

/// Config keys every node may carry.
/// The id a node's config names under `key` (`agentId`, `blueprintId`), when it is one.
pub fn id_in(config: &Json, key: &str) -> Option<uuid::Uuid> {
    config.get(key)?.as_str()?.parse().ok()
}

pub fn common_schema() -> Json {
    json!({
        "type": "object",
        "properties": {
            "retries": {"type": "integer", "minimum": 0, "maximum": 10, "description": "extra attempts after a failure"},
            "retryDelayMs": {"type": "integer", "minimum": 0, "description": "wait before the first retry; doubles each time"},
            "timeoutMs": {"type": "integer", "minimum": 1, "description": "fail an attempt that takes longer"},
            "pinned": {"type": "array", "description": "sample output items: the node is not executed, these are its output"}
        }
    })
}

const ANY_IN: &[PortSpec] = &[port(MAIN, PortType::Any)];
const OBJECT_IN: &[PortSpec] = &[port(MAIN, PortType::Object)];
const ANY_OUT: &[PortSpec] = &[port(MAIN, PortType::Any)];
const OBJECT_OUT: &[PortSpec] = &[port(MAIN, PortType::Object)];

fn object_schema(properties: Json, required: &[&str]) -> Json {
    json!({"type": "object", "properties": properties, "required": required})
}

static KINDS: &[KindSpec] = &[
    KindSpec {
        name: "trigger.manual",
        trigger: true,
        source: false,
        inputs: &[],
        outputs: OBJECT_OUT,
        rule_outputs: false,
        required: &[],
        schema: || object_schema(json!({}), &[]),
        runner: Runner::Sync(trigger::fire),
    },
    KindSpec {
        name: "trigger.webhook",
        trigger: true,
        source: false,
        inputs: &[],
        outputs: OBJECT_OUT,
        rule_outputs: false,
        required: &["path"],
        schema: || {
            object_schema(
                json!({
                    "path": {"type": "string", "description": "URL path the host listens on"},
                    "method": {"type": "string", "enum": ["GET", "POST", "PUT", "PATCH", "DELETE"]}
                }),
                &["path"],
            )
        },
        runner: Runner::Sync(trigger::fire),
    },
    KindSpec {
        name: "trigger.schedule",
        trigger: true,
        source: false,
        inputs: &[],
        outputs: OBJECT_OUT,
        rule_outputs: false,
        required: &["cron"],
        schema: || {
            object_schema(
                json!({"cron": {"type": "string", "description": "five-field cron expression"}}),
                &["cron"],
            )
        },
        runner: Runner::Sync(trigger::fire),
    },
    KindSpec {
        name: "blueprint.input",
        trigger: true,
        source: false,
        inputs: &[],
        outputs: ANY_OUT,
        rule_outputs: false,
        required: &[],
        schema: || {
            object_schema(
                json!({
                    "parameters": {"type": "array", "description": "the tool's parameters: name, type, description, required", "items": {"type": "object", "properties": {
                        "name": {"type": "string"},
                        "type": {"type": "string", "enum": ["string", "number", "integer", "boolean", "object", "array"]},
                        "description": {"type": "string"},
                        "required": {"type": "boolean"}
                    }, "required": ["name", "type"]}}
                }),
                &[],
            )
        },
        runner: Runner::Sync(signature::check_input),
    },
    KindSpec {
        name: "data.set",
        trigger: false,
        source: false,
        inputs: OBJECT_IN,
        outputs: OBJECT_OUT,
        rule_outputs: false,
        required: &["fields"],
        schema: || {
            object_schema(
                json!({
                    "fields": {"type": "object", "description": "field (dotted path) → value; strings may be templates over `item`"},
                    "keepOnlySet": {"type": "boolean", "description": "drop the item's other fields"}
                }),
                &["fields"],
            )
        },
        runner: Runner::Sync(data::set),
    },
    KindSpec {
        name: "data.constant",
        trigger: false,
        source: true,
        inputs: &[],
        outputs: ANY_OUT,
        rule_outputs: false,
        required: &["value"],
        schema: || {
            object_schema(
                json!({"value": {"description": "the value it emits: a list gives one item per element"}}),
                &["value"],
            )
        },
        runner: Runner::Sync(data::constant),
    },
    KindSpec {
        name: "data.transform",
        trigger: false,
        source: false,
        inputs: ANY_IN,
        outputs: ANY_OUT,
        rule_outputs: false,
        required: &["expression"],
        schema: || {
            object_schema(
                json!({
                    "expression": {"type": "string", "maxLength": 65536, "description": "jq program"},
                    "mode": {"type": "string", "enum": ["each", "all"], "description": "each: run per item; all: run once on the array of items"}
                }),
                &["expression"],
            )
        },
        runner: Runner::Async(transform::run),
    },
    KindSpec {
        name: "flow.condition",
        trigger: false,
        source: false,
        inputs: ANY_IN,
        outputs: &[port("true", PortType::Any), port("false", PortType::Any)],
        rule_outputs: false,
        required: &["expression"],
        schema: || {
            object_schema(
                json!({"expression": {"type": "string", "description": "minijinja expression over `item`, e.g. item.amount > 100"}}),
                &["expression"],
            )
        },
        runner: Runner::Sync(flow::condition),
    },
    KindSpec {
        name: "flow.switch",
        trigger: false,
        source: false,
        inputs: ANY_IN,
        outputs: &[port("default", PortType::Any)],
        rule_outputs: true,
        required: &["rules"],
        schema: || {
            object_schema(
                json!({
                    "rules": {"type": "array", "items": {"type": "object", "properties": {
                        "port": {"type": "string"}, "expression": {"type": "string"}}, "required": ["port", "expression"]}},
                    "mode": {"type": "string", "enum": ["first", "all"], "description": "first matching rule only, or every matching rule"}
                }),
                &["rules"],
            )
        },
        runner: Runner::Sync(flow::switch),
    },
    KindSpec {
        name: "flow.loop",
        trigger: false,
        source: false,
        inputs: &[port(MAIN, PortType::Any), port("next", PortType::Any)],
        outputs: &[port("body", PortType::Any), port("done", PortType::Any)],
        rule_outputs: false,
        required: &[],
        schema: || object_schema(json!({}), &[]),
        runner: Runner::Loop,
    },
    KindSpec {
        name: "flow.merge",
        trigger: false,
        source: false,
        inputs: ANY_IN,
        outputs: ANY_OUT,
        rule_outputs: false,
        required: &[],
        schema: || {
            object_schema(
                json!({"mode": {"type": "string", "enum": ["append", "byIndex"], "description": "append the branches' items, or merge the objects at the same index"}}),
                &[],
            )
        },
        runner: Runner::Sync(flow::merge),
    },
    KindSpec {
        name: "flow.delay",
        trigger: false,
        source: false,
        inputs: ANY_IN,
        outputs: ANY_OUT,
        rule_outputs: false,
        required: &["ms"],
        schema: || {
            object_schema(
                json!({"ms": {"type": "integer", "minimum": 0, "maximum": 86_400_000u64}}),
                &["ms"],
            )
        },
        runner: Runner::Async(flow::delay),
    },
    KindSpec {
        name: "http.request",
        trigger: false,
        source: false,
        inputs: ANY_IN,
        outputs: OBJECT_OUT,
        rule_outputs: false,
        required: &["url"],
        schema: http::schema,
        runner: Runner::Async(http::run),
    },
    KindSpec {
        name: "ai.llm",
        trigger: false,
        source: false,
        inputs: ANY_IN,
        outputs: &[port(MAIN, PortType::Object), port("text", PortType::String)],
        rule_outputs: false,
        required: &["model", "prompt"],
        schema: llm::schema,
        runner: Runner::Async(llm::run_node),
    },
    KindSpec {
        name: "ai.agent",
        trigger: false,
        source: false,
        inputs: ANY_IN,
        outputs: &[port(MAIN, PortType::Object), port("text", PortType::String)],
        rule_outputs: false,
        required: &["agentId", "prompt"],
        schema: agent::schema,
        runner: Runner::Async(agent::run),
    },
    KindSpec {
        name: "blueprint.call",
        trigger: false,
        source: false,
        inputs: ANY_IN,
        outputs: ANY_OUT,
        rule_outputs: false,
        required: &["blueprintId"],
        schema: || {
            object_schema(
                json!({"blueprintId": {"type": "string", "format": "uuid"}}),
                &["blueprintId"],
            )
        },
        runner: Runner::Async(blueprint::run),
    },
    KindSpec {
        name: "output",
        trigger: false,
        source: false,
        inputs: ANY_IN,
        outputs: &[],
        rule_outputs: false,
        required: &[],
        schema: || {
            object_schema(
                json!({
                    "fields": {"type": "array", "description": "in a blueprint: the fields of the tool's result (name, type, description)", "items": {"type": "object", "properties": {
                        "name": {"type": "string"},
                        "type": {"type": "string", "enum": ["string", "number", "integer", "boolean", "object", "array"]},
                        "description": {"type": "string"}
                    }, "required": ["name", "type"]}}
                }),
                &[],
            )
        },
        runner: Runner::Sync(flow::output),
    },
    KindSpec {
        name: "ai.team",
        trigger: false,
        source: false,
        inputs: ANY_IN,
        outputs: ANY_OUT,
        rule_outputs: false,
        required: &[],
        schema: || object_schema(json!({}), &[]),
        runner: Runner::Unavailable("agent teams cannot run in workflows yet"),
    },
    KindSpec {
        name: "integration.slack",
        trigger: false,
        source: false,
        inputs: ANY_IN,
        outputs: OBJECT_OUT,
        rule_outputs: false,
        required: integration::SLACK_REQUIRED,
        schema: integration::slack_schema,
        runner: Runner::Async(integration::slack),
    },
    KindSpec {
        name: "integration.gmail",
        trigger: false,
        source: false,
        inputs: ANY_IN,
        outputs: OBJECT_OUT,
        rule_outputs: false,
        required: integration::GMAIL_REQUIRED,
        schema: integration::gmail_schema,
        runner: Runner::Async(integration::gmail),
    },
    KindSpec {
        name: "integration.webhook",
        trigger: false,
        source: false,
        inputs: ANY_IN,
        outputs: OBJECT_OUT,
        rule_outputs: false,
        required: integration::WEBHOOK_REQUIRED,
        schema: integration::webhook_schema,
        runner: Runner::Async(integration::webhook),
    },
    KindSpec {
        name: "integration.http",
        trigger: false,
        source: false,
        inputs: ANY_IN,
        outputs: OBJECT_OUT,
        rule_outputs: false,
        required: integration::HTTP_REQUIRED,
        schema: integration::http_schema,
        runner: Runner::Async(integration::http),
    },
    KindSpec {
        name: "note",
        trigger: false,
        source: false,
        inputs: &[],
        outputs: &[],
        rule_outputs: false,
        required: &[],
        schema: || {
            object_schema(
                json!({
                    "text": {"type": "string", "description": "what the note says (Markdown-like plain text)"},
                    "color": {"type": "string", "enum": ["yellow", "blue", "green", "pink", "gray"]}
                }),
                &[],
            )
        },
        runner: Runner::CanvasOnly,
    },
    KindSpec {
        name: "group",
        trigger: false,
        source: false,
        inputs: &[],
        outputs: &[],
        rule_outputs: false,
        required: &[],
        schema: || {
            object_schema(
                json!({
                    "width": {"type": "number", "minimum": 120},
                    "height": {"type": "number", "minimum": 80},
                    "collapsed": {"type": "boolean", "description": "show the group as one box"}
                }),
                &[],
            )
        },
        runner: Runner::CanvasOnly,
    },
];

static SCHEMAS: LazyLock<HashMap<&'static str, Json>> =
    LazyLock::new(|| KINDS.iter().map(|k| (k.name, k.schema())).collect());

pub fn kind(name: &str) -> Option<&'static KindSpec> {
    KINDS.iter().find(|k| k.name == name)
}

pub fn kinds() -> &'static [KindSpec] {
    KINDS
}

/// One port as the palette shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct PortInfo {
    pub name: String,
    pub ty: PortType,
}

/// A kind as the canvas needs it: what the palette shows (from the model's catalog), its
/// ports, its config schema, and whether it can run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct KindInfo {
    pub kind: String,
    pub label: String,
    pub category: String,
    pub description: String,
    pub trigger: bool,
    pub has_input: bool,
    pub has_output: bool,
    pub inputs: Vec<PortInfo>,
    /// Static outputs, the error port last; `flow.switch` adds one per rule.
    pub outputs: Vec<PortInfo>,
    /// `flow.switch`: each of `config.rules` adds an output port named by its `port`.
    pub rule_outputs: bool,
    pub required: Vec<String>,
    pub config_schema: Json,
    pub unavailable: Option<String>,
}

/// The workflow palette: every kind the model's catalog lists, with the engine's ports and
/// schema. A kind the engine has but the palette does not (`blueprint.input`) is left out.
pub fn catalog() -> Vec<KindInfo> {
    catalog_for(neuroflow_model::graph::GraphSurface::Workflow)
}

/// The palette of either editor, with the engine's ports and schemas.
pub fn catalog_for(surface: neuroflow_model::graph::GraphSurface) -> Vec<KindInfo> {
    neuroflow_model::graph::node_kinds(surface)
        .into_iter()
        .filter_map(|entry| {
            let k = kind(&entry.kind)?;
            Some(KindInfo {
                kind: entry.kind,
                label: entry.label,
                category: entry.category,
                description: entry.description,
                trigger: k.trigger,
                has_input: entry.has_input,
                has_output: entry.has_output,
                inputs: k
                    .inputs
                    .iter()
                    .map(|p| PortInfo {
                        name: p.name.into(),
                        ty: p.ty,
                    })
                    .collect(),
                outputs: k
                    .output_ports(&Json::Null)
                    .into_iter()
                    .map(|(name, ty)| PortInfo { name, ty })
                    .collect(),
                rule_outputs: k.rule_outputs,
                required: k.required.iter().map(|s| s.to_string()).collect(),
                config_schema: k.schema(),
                unavailable: k.unavailable().map(str::to_string),
            })
        })
        .collect()
}

/// What a node produced: items by port (a port left out is an untaken branch), plus the
/// tokens and cost its model calls used (for display: calls count them against the run's
/// budget as they happen, through `RunCtx::spend`).
#[derive(Debug, Default)]
pub struct NodeOutput {
    pub ports: Vec<(String, Vec<Val>)>,
    pub tokens: u32,
    pub cost: f64,
}

impl NodeOutput {
    pub fn main(items: Vec<Val>) -> Self {
        Self {
            ports: vec![(MAIN.to_string(), items)],
            ..Self::default()
        }
    }
}

/// What a kind's run sees: its node, its input items and the run around it.
pub struct NodeCall {
    pub(crate) run: Arc<RunCtx>,
    pub(crate) node: usize,
    pub items: Arc<Vec<Val>>,
    /// The items of each incoming branch, in edge order, when more than one brought items
    /// (`items` is then their concatenation).
    pub branches: Vec<Arc<Vec<Val>>>,
    pub(crate) logs: Mutex<Vec<String>>,
    /// Output items of the input items an earlier attempt already finished, in order: a
    /// retry of a node with side effects (a message posted) resumes after them.
    pub(crate) completed: Mutex<Vec<Val>>,
}

impl NodeCall {
    pub fn config(&self) -> &Json {
        &self.run.graph.nodes[self.node].config
    }

    pub fn node_id(&self) -> Uuid {
        self.run.graph.nodes[self.node].id
    }

    pub fn label(&self) -> &str {
        &self.run.graph.nodes[self.node].label
    }

    /// The run's input, as templates see it under `input`.
    pub fn run_input(&self) -> &Val {
        &self.run.input
    }

    /// Records a log line on the node and sends it as a `NodeLog` event.
    pub fn log(&self, message: impl Into<String>) {
        let message = message.into();
        let message = match crate::scheduler::clip_chars(&message, crate::scheduler::MAX_LOG_CHARS)
        {
            std::borrow::Cow::Owned(clipped) => clipped,
            std::borrow::Cow::Borrowed(_) => message,
        };
        self.run.emit(crate::events::RunEvent::NodeLog {
            node_id: self.node_id(),
            message: message.clone(),
        });
        if let Ok(mut logs) = self.logs.lock() {
            logs.push(message);
        }
    }

    pub(crate) fn take_logs(&self) -> Vec<String> {
        self.logs
            .lock()
            .map(|mut l| std::mem::take(&mut *l))
            .unwrap_or_default()
    }

    /// The run's input as a template value, converted once per run.
    pub fn input_value(&self) -> minijinja::Value {
        self.run
            .input_value
            .get_or_init(|| crate::template::to_value(&self.run.input))
            .clone()
    }

    pub fn str_config(&self, key: &str) -> Option<&str> {
        self.config().get(key).and_then(Json::as_str)
    }

    /// The outputs of the items earlier attempts of this node finished (see `completed`).
    pub fn completed_items(&self) -> Vec<Val> {
        self.completed
            .lock()
            .map(|done| done.clone())
            .unwrap_or_default()
    }

    /// Records the output of the next input item, so a retry does not do it again.
    pub fn complete_item(&self, output: Val) {
        if let Ok(mut done) = self.completed.lock() {
            done.push(output);
        }
    }
}
