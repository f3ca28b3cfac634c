//! `ai.agent`: runs one of the person's AI agents (an `ai_agents` row from the host) on each
//! item — a system prompt made from its personality and capabilities, then the model call
//! of `ai.llm` with the agent's model config.

use std::sync::Arc;

use serde_json::{json, Value as Json};
use uuid::Uuid;

use super::llm::{over_items, ModelSettings};
use super::{NodeCall, NodeFuture};
use crate::host::AgentProfile;

pub fn schema() -> Json {
    json!({
        "type": "object",
        "properties": {
            "agentId": {"type": "string", "format": "uuid"},
            "prompt": {"type": "string", "description": "the task (template over `item`)"}
        },
        "required": ["agentId", "prompt"]
    })
}

fn strings(v: Option<&Json>) -> Vec<String> {
    match v {
        Some(Json::String(s)) if !s.trim().is_empty() => vec![s.trim().to_string()],
        Some(Json::Array(items)) => items
            .iter()
            .filter_map(|i| match i {
                Json::String(s) => Some(s.trim().to_string()),
                Json::Object(o) => o.get("name").and_then(Json::as_str).map(str::to_string),
                _ => None,
            })
            .filter(|s| !s.is_empty())
            .collect(),
        _ => Vec::new(),
    }
}

/// The system prompt of an agent: its own `systemPrompt`/`instructions` when it has one,
/// otherwise one composed from name, description, role, tone, traits and capabilities.
pub fn system_prompt(agent: &AgentProfile) -> String {
    let p = &agent.personality;
    if let Some(s) = p.as_str().filter(|s| !s.trim().is_empty()) {
        return s.to_string();
    }
    for key in ["systemPrompt", "instructions"] {
        if let Some(s) = p
            .get(key)
            .and_then(Json::as_str)
            .filter(|s| !s.trim().is_empty())
        {
            return s.to_string();
        }
    }
    let mut parts = vec![format!("You are {}.", agent.name)];
    if !agent.description.trim().is_empty() {
        parts.push(agent.description.trim().to_string());
    }
    if let Some(role) = p.get("role").and_then(Json::as_str) {
        parts.push(format!("Your role: {role}."));
    }
    if let Some(tone) = p.get("tone").and_then(Json::as_str) {
        parts.push(format!("Your tone: {tone}."));
    }
    let traits = strings(p.get("traits"));
    if !traits.is_empty() {
        parts.push(format!("Your traits: {}.", traits.join(", ")));
    }
    let capabilities = strings(Some(&agent.capabilities));
    if !capabilities.is_empty() {
        parts.push(format!("You can: {}.", capabilities.join(", ")));
    }
    parts.join(" ")
}

/// The agent an `ai.agent` node's config names, when it names one.
pub fn agent_id(config: &Json) -> Option<Uuid> {
    super::id_in(config, "agentId")
}

pub fn run(call: Arc<NodeCall>) -> NodeFuture {
    Box::pin(async move {
        let id = agent_id(call.config()).ok_or("config.agentId must be an agent id")?;
        let agent = call.run.host.agent(id).await?;
        let settings = ModelSettings::from_config(&agent.model_config)
            .map_err(|e| format!("agent '{}' model config: {e}", agent.name))?;
        let system = Json::String(system_prompt(&agent));
        let prompt = call
            .config()
            .get("prompt")
            .cloned()
            .ok_or("config.prompt is required")?;
        call.log(format!(
            "agent '{}' on {} {}",
            agent.name, settings.provider, settings.model
        ));
        over_items(&call, &settings, Some(&system), &prompt, Some(id)).await
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agent(personality: Json) -> AgentProfile {
        AgentProfile {
            id: Uuid::nil(),
            name: "Ada".into(),
            description: "Answers billing questions.".into(),
            personality,
            model_config: json!({}),
            capabilities: json!(["refunds", {"name": "invoices"}]),
        }
    }

    #[test]
    fn the_system_prompt_comes_from_the_personality() {
        assert_eq!(
            system_prompt(&agent(json!({"systemPrompt": "Be brief."}))),
            "Be brief."
        );
        let composed = system_prompt(&agent(
            json!({"tone": "friendly", "traits": ["patient", "exact"]}),
        ));
        assert_eq!(
            composed,
            "You are Ada. Answers billing questions. Your tone: friendly. Your traits: patient, exact. You can: refunds, invoices."
        );
    }
}
