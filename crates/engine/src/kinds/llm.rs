//! `ai.llm` and the model call it shares with `ai.agent`: the OpenAI-compatible chat
//! completions protocol (OpenAI, Ollama, vLLM, LM Studio) and Anthropic messages; usage from
//! the provider's answer, cost from the price table in `prices.json`.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

use chrono::Utc;
use reqwest::Url;
use serde_json::{json, Value as Json};
use uuid::Uuid;

use super::http::{
    client_for, error_chain, one_line, read_capped, retry_after_of, timeout_of,
    DEFAULT_CONNECT_TIMEOUT_MS, MAX_CONNECT_TIMEOUT_MS,
};
use super::{NodeCall, NodeFuture, NodeOutput, NodeRun, MAIN};
use crate::egress::origin_of;
use crate::error::NodeError;
use crate::events::RunStatus;
use crate::host::{scrub_text, CredentialRequest, Secret};
use crate::result::AgentCallRecord;
use crate::template::{item_context, Tpl};
use crate::value::Val;

const MAX_REPLY_BYTES: usize = 8 * 1024 * 1024;
pub const ANTHROPIC_VERSION: &str = "2023-06-01";
/// Anthropic requires `max_tokens`; this is used when the node does not say.
pub const DEFAULT_MAX_TOKENS: u32 = 1024;
/// A model call, connection to the answer's last byte: long answers of slow models fit.
pub const DEFAULT_REQUEST_TIMEOUT_MS: u64 = 300_000;
pub const MAX_REQUEST_TIMEOUT_MS: u64 = 900_000;

pub fn schema() -> Json {
    json!({
        "type": "object",
        "properties": {
            "provider": {"type": "string", "enum": ["openai", "anthropic", "ollama", "vllm", "lmstudio"]},
            "baseUrl": {"type": "string", "description": "e.g. https://api.openai.com/v1, http://localhost:11434/v1, https://api.anthropic.com/v1"},
            "model": {"type": "string"},
            "system": {"type": "string", "description": "system prompt (template)"},
            "prompt": {"type": "string", "description": "user prompt (template over `item`)"},
            "temperature": {"type": "number", "minimum": 0, "maximum": 2},
            "maxTokens": {"type": "integer", "minimum": 1},
            "credential": {"type": "string", "description": "the HTTP integration whose API key is sent, only under its base URL (app)"},
            "apiKeyEnv": {"type": "string", "description": "environment variable holding the API key (CLI)"},
            "connectTimeoutMs": {"type": "integer", "minimum": 1, "maximum": MAX_CONNECT_TIMEOUT_MS, "default": DEFAULT_CONNECT_TIMEOUT_MS},
            "requestTimeoutMs": {"type": "integer", "minimum": 1, "maximum": MAX_REQUEST_TIMEOUT_MS, "default": DEFAULT_REQUEST_TIMEOUT_MS, "description": "one model call, connection to the answer's last byte"}
        },
        "required": ["model", "prompt"]
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    OpenAi,
    Anthropic,
}

/// How to reach a model, read from a node's config or an agent's model config.
#[derive(Debug, Clone)]
pub struct ModelSettings {
    pub provider: String,
    pub protocol: Protocol,
    pub base_url: String,
    pub model: String,
    pub temperature: Option<f64>,
    pub max_tokens: Option<u32>,
    pub credential: Option<String>,
    pub api_key_env: Option<String>,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
}

impl ModelSettings {
    pub fn from_config(config: &Json) -> Result<Self, String> {
        let provider = config
            .get("provider")
            .and_then(Json::as_str)
            .unwrap_or("openai")
            .to_ascii_lowercase();
        let (protocol, default_base) = match provider.as_str() {
            "openai" => (Protocol::OpenAi, "https://api.openai.com/v1"),
            "anthropic" => (Protocol::Anthropic, "https://api.anthropic.com/v1"),
            "ollama" => (Protocol::OpenAi, "http://localhost:11434/v1"),
            "vllm" => (Protocol::OpenAi, "http://localhost:8000/v1"),
            "lmstudio" => (Protocol::OpenAi, "http://localhost:1234/v1"),
            other => {
                return Err(format!(
                    "provider '{other}' is not openai, anthropic, ollama, vllm or lmstudio"
                ))
            }
        };
        let model = config
            .get("model")
            .and_then(Json::as_str)
            .filter(|m| !m.trim().is_empty())
            .ok_or("a model name is required")?
            .to_string();
        let base_url = config
            .get("baseUrl")
            .and_then(Json::as_str)
            .unwrap_or(default_base)
            .trim_end_matches('/')
            .to_string();
        Ok(Self {
            provider,
            protocol,
            base_url,
            model,
            temperature: config.get("temperature").and_then(Json::as_f64),
            max_tokens: config
                .get("maxTokens")
                .and_then(Json::as_u64)
                .map(|n| n.min(u32::MAX as u64) as u32),
            credential: config
                .get("credential")
                .and_then(Json::as_str)
                .map(str::to_string),
            api_key_env: config
                .get("apiKeyEnv")
                .and_then(Json::as_str)
                .map(str::to_string),
            connect_timeout: timeout_of(
                config,
                "connectTimeoutMs",
                DEFAULT_CONNECT_TIMEOUT_MS,
                MAX_CONNECT_TIMEOUT_MS,
            )
            .map_err(|e| e.message)?,
            request_timeout: timeout_of(
                config,
                "requestTimeoutMs",
                DEFAULT_REQUEST_TIMEOUT_MS,
                MAX_REQUEST_TIMEOUT_MS,
            )
            .map_err(|e| e.message)?,
        })
    }

    /// Where the protocol's call goes: `{baseUrl}/chat/completions` or `{baseUrl}/messages`.
    pub fn endpoint(&self) -> Result<Url, NodeError> {
        let path = match self.protocol {
            Protocol::OpenAi => "chat/completions",
            Protocol::Anthropic => "messages",
        };
        let text = format!("{}/{path}", self.base_url);
        Url::parse(&text).map_err(|e| {
            NodeError::permanent(format!(
                "the {} base URL '{}' is not a URL: {e}",
                self.provider, self.base_url
            ))
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub text: String,
    pub model: String,
    pub input_tokens: u32,
    pub output_tokens: u32,
    pub finish_reason: Option<String>,
}

/// One chat call to `url` (the settings' endpoint, already checked). The key goes only into
/// the request header; whatever the server says back is scrubbed of it.
pub async fn chat(
    client: &reqwest::Client,
    url: &Url,
    settings: &ModelSettings,
    key: Option<&Secret>,
    system: Option<&str>,
    prompt: &str,
) -> Result<Reply, NodeError> {
    let secrets: Vec<&Secret> = key.into_iter().collect();
    let clean = |text: &str| scrub_text(text, &secrets);
    let shown = origin_of(url);
    let body = match settings.protocol {
        Protocol::OpenAi => {
            let mut messages = Vec::new();
            if let Some(system) = system {
                messages.push(json!({"role": "system", "content": system}));
            }
            messages.push(json!({"role": "user", "content": prompt}));
            let mut body = json!({"model": settings.model, "messages": messages});
            if let Some(t) = settings.temperature {
                body["temperature"] = json!(t);
            }
            if let Some(m) = settings.max_tokens {
                body["max_tokens"] = json!(m);
            }
            body
        }
        Protocol::Anthropic => {
            let mut body = json!({
                "model": settings.model,
                "max_tokens": settings.max_tokens.unwrap_or(DEFAULT_MAX_TOKENS),
                "messages": [{"role": "user", "content": prompt}],
            });
            if let Some(system) = system {
                body["system"] = json!(system);
            }
            if let Some(t) = settings.temperature {
                body["temperature"] = json!(t);
            }
            body
        }
    };
    let mut request = client
        .post(url.clone())
        .timeout(settings.request_timeout)
        .json(&body);
    match (settings.protocol, key.filter(|k| k.has_key())) {
        (Protocol::OpenAi, Some(key)) => request = request.bearer_auth(key.expose()),
        (Protocol::Anthropic, Some(key)) => request = request.header("x-api-key", key.expose()),
        (_, None) => {}
    }
    if settings.protocol == Protocol::Anthropic {
        request = request.header("anthropic-version", ANTHROPIC_VERSION);
    }
    let response = request.send().await.map_err(|e| {
        NodeError::new(format!(
            "{} call to {shown} failed: {}",
            settings.provider,
            one_line(&clean(&error_chain(&e.without_url())))
        ))
    })?;
    let status = response.status();
    let retry_after = retry_after_of(&response);
    let bytes = read_capped(response, MAX_REPLY_BYTES).await?;
    let reply: Json = serde_json::from_slice(&bytes).map_err(|_| {
        NodeError::for_status(
            if status.is_success() {
                502
            } else {
                status.as_u16()
            },
            retry_after,
            format!(
                "{} answered {status} with a body that is not JSON: {}",
                settings.provider,
                one_line(&clean(&String::from_utf8_lossy(&bytes)))
            ),
        )
    })?;
    if !status.is_success() {
        let message = reply
            .pointer("/error/message")
            .and_then(Json::as_str)
            .map(|m| one_line(&clean(m)))
            .unwrap_or_else(|| one_line(&clean(&reply.to_string())));
        return Err(NodeError::for_status(
            status.as_u16(),
            retry_after,
            format!("{} answered {status}: {message}", settings.provider),
        ));
    }
    let mut reply = parse_reply(settings, &reply)?;
    reply.text = clean(&reply.text);
    reply.model = clean(&reply.model);
    reply.finish_reason = reply.finish_reason.map(|r| clean(&r));
    Ok(reply)
}

fn tokens(v: Option<&Json>) -> u32 {
    v.and_then(Json::as_u64)
        .map(|n| n.min(u32::MAX as u64) as u32)
        .unwrap_or(0)
}

fn parse_reply(settings: &ModelSettings, reply: &Json) -> Result<Reply, String> {
    let model = reply
        .get("model")
        .and_then(Json::as_str)
        .unwrap_or(&settings.model)
        .to_string();
    match settings.protocol {
        Protocol::OpenAi => {
            let choice = reply
                .pointer("/choices/0")
                .ok_or("the chat completion has no choices")?;
            Ok(Reply {
                text: choice
                    .pointer("/message/content")
                    .and_then(Json::as_str)
                    .unwrap_or("")
                    .to_string(),
                model,
                input_tokens: tokens(reply.pointer("/usage/prompt_tokens")),
                output_tokens: tokens(reply.pointer("/usage/completion_tokens")),
                finish_reason: choice
                    .get("finish_reason")
                    .and_then(Json::as_str)
                    .map(str::to_string),
            })
        }
        Protocol::Anthropic => {
            let blocks = reply
                .get("content")
                .and_then(Json::as_array)
                .ok_or("the message has no content")?;
            let text = blocks
                .iter()
                .filter(|b| b.get("type").and_then(Json::as_str) == Some("text"))
                .filter_map(|b| b.get("text").and_then(Json::as_str))
                .collect::<Vec<_>>()
                .join("");
            Ok(Reply {
                text,
                model,
                input_tokens: tokens(reply.pointer("/usage/input_tokens")),
                output_tokens: tokens(reply.pointer("/usage/output_tokens")),
                finish_reason: reply
                    .get("stop_reason")
                    .and_then(Json::as_str)
                    .map(str::to_string),
            })
        }
    }
}

/// USD per million tokens, (input, output), by model name prefix.
static PRICES: LazyLock<HashMap<String, (f64, f64)>> = LazyLock::new(|| {
    let table: Json = serde_json::from_str(include_str!("../../prices.json")).unwrap_or(Json::Null);
    table
        .get("models")
        .and_then(Json::as_object)
        .map(|models| {
            models
                .iter()
                .filter_map(|(name, p)| {
                    Some((
                        name.clone(),
                        (p.get("input")?.as_f64()?, p.get("output")?.as_f64()?),
                    ))
                })
                .collect()
        })
        .unwrap_or_default()
});

/// The price of a model: the entry whose name is the longest prefix of `model`
/// (`gpt-4o-2024-08-06` → `gpt-4o`, not `gpt-4`).
pub fn price(model: &str) -> Option<(f64, f64)> {
    PRICES
        .iter()
        .filter(|(name, _)| model.starts_with(name.as_str()))
        .max_by_key(|(name, _)| name.len())
        .map(|(_, p)| *p)
}

pub fn cost(model: &str, input_tokens: u32, output_tokens: u32) -> f64 {
    price(model)
        .map(|(i, o)| (f64::from(input_tokens) * i + f64::from(output_tokens) * o) / 1_000_000.0)
        .unwrap_or(0.0)
}

pub fn run_node(call: Arc<NodeCall>) -> NodeFuture {
    Box::pin(async move {
        let settings = ModelSettings::from_config(call.config())?;
        let system = call.config().get("system").cloned();
        let prompt = call
            .config()
            .get("prompt")
            .cloned()
            .ok_or("config.prompt is required")?;
        over_items(&call, &settings, system.as_ref(), &prompt, None).await
    })
}

/// Calls the model once per item and gathers the replies, usage and call records.
pub async fn over_items(
    call: &NodeCall,
    settings: &ModelSettings,
    system: Option<&Json>,
    prompt: &Json,
    agent_id: Option<Uuid>,
) -> NodeRun {
    let system_tpl = system.map(Tpl::compile).transpose()?;
    let prompt_tpl = Tpl::compile(prompt)?;
    let key = call
        .run
        .host
        .credential(CredentialRequest {
            node_id: call.node_id(),
            provider: settings.provider.clone(),
            credential: settings.credential.clone(),
            env: settings.api_key_env.clone(),
        })
        .await?;
    let url = settings.endpoint()?;
    let client = client_for(call, &url, key.as_ref(), true, settings.connect_timeout)
        .await
        .map_err(|e| NodeError {
            message: format!(
                "{} call to {} not sent: {}",
                settings.provider,
                origin_of(&url),
                e.message
            ),
            ..e
        })?;
    let input = call.input_value();
    let mut output = NodeOutput::default();
    let (mut items, mut texts) = (Vec::new(), Vec::new());
    for (index, item) in call.items.iter().enumerate() {
        if let Some(reason) = call.run.over_budget() {
            return Err(NodeError::permanent(reason));
        }
        let ctx = item_context(item, index, &input);
        let system = system_tpl
            .as_ref()
            .map(|t| t.render_text(&ctx))
            .transpose()?;
        let prompt = prompt_tpl.render_text(&ctx)?;
        let started_at = Utc::now();
        let clock = Instant::now();
        let result = chat(
            &client,
            &url,
            settings,
            key.as_ref(),
            system.as_deref(),
            &prompt,
        )
        .await;
        let duration_ms = u32::try_from(clock.elapsed().as_millis()).unwrap_or(u32::MAX);
        let mut record = AgentCallRecord {
            node_id: call.node_id(),
            agent_id,
            task: prompt.clone(),
            input: item.to_json(),
            output: None,
            status: RunStatus::Failed,
            started_at,
            finished_at: Utc::now(),
            duration_ms,
            tokens_used: 0,
            cost: 0.0,
            provider: settings.provider.clone(),
            model: settings.model.clone(),
            error: None,
        };
        match result {
            Ok(reply) => {
                let total = reply.input_tokens.saturating_add(reply.output_tokens);
                let cost = cost(&reply.model, reply.input_tokens, reply.output_tokens);
                if price(&reply.model).is_none() {
                    call.log(format!(
                        "no price for model '{}': its cost counts as 0",
                        reply.model
                    ));
                }
                call.run.spend(total, cost);
                let out = json!({
                    "text": reply.text,
                    "model": reply.model,
                    "provider": settings.provider,
                    "finishReason": reply.finish_reason,
                    "usage": {"inputTokens": reply.input_tokens, "outputTokens": reply.output_tokens, "totalTokens": total},
                    "cost": cost,
                });
                call.log(format!(
                    "{} {}: {total} tokens, ${cost:.6}",
                    settings.provider, reply.model
                ));
                record.status = RunStatus::Completed;
                record.tokens_used = total;
                record.cost = cost;
                record.model = reply.model.clone();
                record.output = Some(out.clone());
                output.tokens = output.tokens.saturating_add(total);
                output.cost += cost;
                texts.push(Val::from(reply.text));
                items.push(Val::from(out));
                call.run.keep_call(record);
            }
            Err(e) => {
                record.error = Some(e.message.clone());
                call.run.keep_call(record);
                return Err(e);
            }
        }
    }
    output.ports = vec![(MAIN.to_string(), items), ("text".to_string(), texts)];
    Ok(output)
}

/// Pre-run estimate of one call: prompt tokens at about four characters each, output at
/// the node's `maxTokens` (or the Anthropic default); cost from the price table.
pub fn estimate_call(model: &str, prompt_chars: usize, max_tokens: Option<u32>) -> (u32, u32, f64) {
    let input = u32::try_from(prompt_chars.div_ceil(4)).unwrap_or(u32::MAX);
    let output = max_tokens.unwrap_or(DEFAULT_MAX_TOKENS);
    (input, output, cost(model, input, output))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_price_table_parses_and_the_longest_prefix_wins() {
        assert!(PRICES.len() > 10);
        assert_eq!(price("gpt-4o-mini-2024-07-18"), Some((0.15, 0.6)));
        assert_eq!(price("gpt-4o-2024-08-06"), Some((2.5, 10.0)));
        assert_eq!(price("llama3.2"), None);
        assert!((cost("gpt-4o", 1_000_000, 1_000_000) - 12.5).abs() < 1e-9);
    }

    #[test]
    fn providers_map_to_protocols_and_base_urls() {
        let s = ModelSettings::from_config(&json!({"provider": "ollama", "model": "llama3.2"}))
            .expect("ok");
        assert_eq!(s.protocol, Protocol::OpenAi);
        assert_eq!(s.base_url, "http://localhost:11434/v1");
        let a = ModelSettings::from_config(&json!({"provider": "anthropic", "model": "claude-3-5-haiku", "baseUrl": "http://x/v1/"}))
            .expect("ok");
        assert_eq!(a.base_url, "http://x/v1");
        assert!(ModelSettings::from_config(&json!({"provider": "nope", "model": "m"})).is_err());
        assert!(ModelSettings::from_config(&json!({"model": " "})).is_err());
    }
}
