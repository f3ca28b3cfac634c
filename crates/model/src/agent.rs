//! An AI agent's settings as a person edits them — personality and behaviour, model, tools, memory — typed and bounded, and their form in the `ai_agents` JSON columns the engine reads.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::validate::{self, ValidationError};

/// The most any one text setting may hold (instructions, a knowledge note).
pub const MAX_TEXT_CHARS: usize = 20_000;
/// Short settings: role, tone, a refused topic, a model name.
pub const MAX_SHORT_CHARS: usize = 200;
pub const MAX_DESCRIPTION_CHARS: usize = 2_000;
pub const MAX_REFUSED_TOPICS: usize = 50;
pub const MAX_TOOLS: usize = 64;
pub const MAX_NOTES: usize = 1_000;
/// All knowledge notes of one agent together (they travel in its row and every sync of it).
pub const MAX_NOTES_TOTAL_CHARS: usize = 1_000_000;
pub const MAX_ANSWER_CHARS: u32 = 100_000;
pub const MAX_MAX_TOKENS: u32 = 1_000_000;
pub const MAX_MEMORY_TURNS: u32 = 200;

/// How the agent answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum ResponseFormat {
    #[default]
    Text,
    Markdown,
    Json,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Personality {
    /// What the agent is, e.g. "support triage specialist".
    pub role: String,
    /// The system prompt: what it does and how.
    pub instructions: String,
    pub tone: String,
    pub response_format: ResponseFormat,
    /// Topics it declines to discuss.
    pub refuse_topics: Vec<String>,
    /// The longest answer it may give, in characters.
    pub max_answer_chars: Option<u32>,
}

/// The model provider: its protocol (OpenAI-compatible or Anthropic) and default address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    #[default]
    Openai,
    Anthropic,
    Ollama,
    Vllm,
    Lmstudio,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ModelChoice {
    pub provider: Provider,
    pub model: String,
    /// Another address of an OpenAI-compatible or Anthropic API (`None`: the provider's).
    pub base_url: Option<String>,
    pub temperature: f64,
    pub max_tokens: u32,
    /// The HTTP integration that holds the API key (its id), sent only under its base URL.
    pub credential: Option<Uuid>,
}

impl Default for ModelChoice {
    fn default() -> Self {
        Self {
            provider: Provider::Openai,
            model: String::new(),
            base_url: None,
            temperature: 0.7,
            max_tokens: 1024,
            credential: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Tools {
    /// Tool blueprints the agent may call (their signature is the tool's schema).
    pub blueprint_ids: Vec<Uuid>,
}

/// What the agent remembers of a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum ConversationMemory {
    None,
    /// The last `turns` turns.
    LastTurns {
        turns: u32,
    },
    /// A running summary of the conversation.
    Summary,
}

impl Default for ConversationMemory {
    fn default() -> Self {
        ConversationMemory::LastTurns { turns: 20 }
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Memory {
    pub conversation: ConversationMemory,
    /// Knowledge notes the agent can search.
    pub notes: Vec<String>,
}

/// An agent as the Agents page edits it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AgentSpec {
    pub name: String,
    pub description: String,
    pub personality: Personality,
    pub model: ModelChoice,
    pub tools: Tools,
    pub memory: Memory,
    pub is_active: bool,
}

fn text(field: &'static str, value: &str, max: usize) -> Result<String, ValidationError> {
    let v = value.trim();
    let chars = v.chars().count();
    if chars > max {
        return Err(ValidationError::new(
            field,
            format!("{field} is {chars} characters long; the limit is {max}"),
        ));
    }
    if v.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
    {
        return Err(ValidationError::new(
            field,
            format!("{field} must not contain control characters"),
        ));
    }
    Ok(v.to_string())
}

fn base_url(raw: &str) -> Result<String, ValidationError> {
    let v = raw.trim().trim_end_matches('/');
    let rest = v
        .strip_prefix("https://")
        .or_else(|| v.strip_prefix("http://"))
        .ok_or_else(|| {
            ValidationError::new(
                "base URL",
                "the base URL must start with https:// or http://",
            )
        })?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty()
        || host.contains('@')
        || v.len() > 2_000
        || v.chars().any(char::is_whitespace)
    {
        return Err(ValidationError::new(
            "base URL",
            "the base URL must be an address like https://api.example.com/v1, with no user name or password",
        ));
    }
    Ok(v.to_string())
}

impl AgentSpec {
    /// The spec as it may be stored: trimmed, within every bound, or what to correct.
    pub fn validated(&self) -> Result<AgentSpec, ValidationError> {
        let p = &self.personality;
        if p.refuse_topics.len() > MAX_REFUSED_TOPICS {
            return Err(ValidationError::new(
                "refused topics",
                format!("at most {MAX_REFUSED_TOPICS} refused topics"),
            ));
        }
        let mut refuse_topics = Vec::new();
        for t in &p.refuse_topics {
            let t = text("a refused topic", t, MAX_SHORT_CHARS)?;
            if !t.is_empty() && !refuse_topics.contains(&t) {
                refuse_topics.push(t);
            }
        }
        if let Some(n) = p.max_answer_chars {
            if n == 0 || n > MAX_ANSWER_CHARS {
                return Err(ValidationError::new(
                    "max answer length",
                    format!(
                        "the longest answer must be between 1 and {MAX_ANSWER_CHARS} characters"
                    ),
                ));
            }
        }
        let m = &self.model;
        let model = text("model", &m.model, MAX_SHORT_CHARS)?;
        if model.is_empty() {
            return Err(ValidationError::new("model", "choose a model"));
        }
        if !(0.0..=2.0).contains(&m.temperature) || m.temperature.is_nan() {
            return Err(ValidationError::new(
                "temperature",
                "the temperature must be between 0 and 2",
            ));
        }
        if m.max_tokens == 0 || m.max_tokens > MAX_MAX_TOKENS {
            return Err(ValidationError::new(
                "max tokens",
                format!("max tokens must be between 1 and {MAX_MAX_TOKENS}"),
            ));
        }
        let base = match m.base_url.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(u) => Some(base_url(u)?),
        };
        let mut blueprint_ids = Vec::new();
        for id in &self.tools.blueprint_ids {
            if !blueprint_ids.contains(id) {
                blueprint_ids.push(*id);
            }
        }
        if blueprint_ids.len() > MAX_TOOLS {
            return Err(ValidationError::new(
                "tools",
                format!("an agent may have at most {MAX_TOOLS} tools"),
            ));
        }
        let mem = &self.memory;
        if let ConversationMemory::LastTurns { turns } = mem.conversation {
            if turns == 0 || turns > MAX_MEMORY_TURNS {
                return Err(ValidationError::new(
                    "memory",
                    format!("remember between 1 and {MAX_MEMORY_TURNS} turns"),
                ));
            }
        }
        if mem.notes.len() > MAX_NOTES {
            return Err(ValidationError::new(
                "knowledge notes",
                format!("at most {MAX_NOTES} knowledge notes"),
            ));
        }
        let mut notes = Vec::new();
        let mut total = 0usize;
        for n in &mem.notes {
            let n = text("a knowledge note", n, MAX_TEXT_CHARS)?;
            total += n.chars().count();
            if !n.is_empty() {
                notes.push(n);
            }
        }
        if total > MAX_NOTES_TOTAL_CHARS {
            return Err(ValidationError::new(
                "knowledge notes",
                format!("the knowledge notes hold {total} characters; the limit is {MAX_NOTES_TOTAL_CHARS}"),
            ));
        }
        Ok(AgentSpec {
            name: validate::name("name", &self.name)?,
            description: text("description", &self.description, MAX_DESCRIPTION_CHARS)?,
            personality: Personality {
                role: text("role", &p.role, MAX_SHORT_CHARS)?,
                instructions: text("instructions", &p.instructions, MAX_TEXT_CHARS)?,
                tone: text("tone", &p.tone, MAX_SHORT_CHARS)?,
                response_format: p.response_format,
                refuse_topics,
                max_answer_chars: p.max_answer_chars,
            },
            model: ModelChoice {
                provider: m.provider,
                model,
                base_url: base,
                temperature: m.temperature,
                max_tokens: m.max_tokens,
                credential: m.credential,
            },
            tools: Tools { blueprint_ids },
            memory: Memory {
                conversation: mem.conversation,
                notes,
            },
            is_active: self.is_active,
        })
    }

    /// The JSON columns of its row: (personality, model_config, capabilities, memory), in the
    /// keys the engine reads (`instructions` is the system prompt; `provider`, `model`, `baseUrl`,
    /// `temperature`, `maxTokens`, `credential` the model call).
    pub fn columns(&self) -> (Value, Value, Value, Value) {
        (
            as_json(&self.personality),
            as_json(&self.model),
            as_json(&self.tools),
            as_json(&self.memory),
        )
    }

    /// Reads an agent back from its row's columns, tolerating shapes written by older versions
    /// or other tools: what is missing or of another shape takes its default.
    pub fn from_columns(
        name: &str,
        description: &str,
        is_active: bool,
        personality: &Value,
        model_config: &Value,
        capabilities: &Value,
        memory: &Value,
    ) -> AgentSpec {
        let mut read_personality: Personality = read(personality);
        if read_personality.instructions.is_empty() {
            // An agent made elsewhere may keep its prompt under `systemPrompt`, or be the prompt.
            let prompt = personality
                .as_str()
                .or_else(|| personality.get("systemPrompt").and_then(Value::as_str));
            if let Some(prompt) = prompt {
                read_personality.instructions = prompt.to_string();
            }
        }
        AgentSpec {
            name: name.to_string(),
            description: description.to_string(),
            personality: read_personality,
            model: read(model_config),
            tools: read(capabilities),
            memory: read(memory),
            is_active,
        }
    }
}

/// A part read from stored JSON: each key it has over the default's, so a missing or mistyped
/// key takes its default and the others are kept.
fn read<T: for<'de> Deserialize<'de> + Default + Serialize>(v: &Value) -> T {
    let mut merged = as_json(&T::default());
    if let (Value::Object(base), Value::Object(stored)) = (&mut merged, v) {
        for (key, value) in stored {
            if let Some(slot) = base.get_mut(key) {
                let before = slot.clone();
                *slot = value.clone();
                // A value of the wrong shape falls back to the default for that key alone.
                if serde_json::from_value::<T>(Value::Object(base.clone())).is_err() {
                    if let Some(slot) = base.get_mut(key) {
                        *slot = before;
                    }
                }
            }
        }
    }
    serde_json::from_value(merged).unwrap_or_default()
}

/// One of the spec's parts as JSON: plain structs of strings and numbers, which serialize
/// infallibly (a NaN temperature, refused by validation first, would become `null`).
fn as_json<T: Serialize>(part: &T) -> Value {
    serde_json::to_value(part).unwrap_or(Value::Null)
}

/// A new agent's defaults: what the Agents page's "New agent" starts from.
pub fn new_agent(name: &str) -> AgentSpec {
    AgentSpec {
        name: name.to_string(),
        is_active: true,
        model: ModelChoice {
            model: "gpt-4o-mini".into(),
            ..ModelChoice::default()
        },
        memory: Memory {
            conversation: ConversationMemory::LastTurns { turns: 20 },
            notes: Vec::new(),
        },
        ..AgentSpec::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_spec_is_trimmed_and_bounded() {
        let mut spec = new_agent("  Triage  ");
        spec.personality.refuse_topics = vec!["politics".into(), " politics ".into(), "".into()];
        spec.model.base_url = Some("https://llm.example.com/v1/".into());
        let ok = spec.validated().expect("valid");
        assert_eq!(ok.name, "Triage");
        assert_eq!(ok.personality.refuse_topics, vec!["politics".to_string()]);
        assert_eq!(
            ok.model.base_url.as_deref(),
            Some("https://llm.example.com/v1")
        );

        let bad = |f: &dyn Fn(&mut AgentSpec)| {
            let mut s = new_agent("A");
            f(&mut s);
            s.validated().expect_err("refused").message
        };
        assert!(bad(&|s| s.model.temperature = 2.5).contains("temperature"));
        assert!(bad(&|s| s.model.temperature = f64::NAN).contains("temperature"));
        assert!(bad(&|s| s.model.max_tokens = 0).contains("max tokens"));
        assert!(bad(&|s| s.model.model = " ".into()).contains("choose a model"));
        assert!(bad(&|s| s.model.base_url = Some("ftp://x".into())).contains("https://"));
        assert!(bad(&|s| s.model.base_url = Some("https://u:p@x".into())).contains("no user name"));
        assert!(
            bad(&|s| s.personality.instructions = "x".repeat(MAX_TEXT_CHARS + 1)).contains("limit")
        );
        assert!(
            bad(&|s| s.memory.conversation = ConversationMemory::LastTurns { turns: 0 })
                .contains("turns")
        );
        assert!(
            bad(&|s| s.memory.notes = vec!["n".repeat(MAX_TEXT_CHARS); 51]).contains("limit is")
        );
        assert!(
            bad(&|s| s.tools.blueprint_ids = (0..65).map(|_| Uuid::now_v7()).collect())
                .contains("at most")
        );
        assert!(bad(&|s| s.name = "".into()).contains("name"));
    }

    #[test]
    fn columns_are_what_the_engine_reads_and_read_back() {
        let mut spec = new_agent("Writer");
        spec.personality.instructions = "Write short answers.".into();
        spec.model.provider = Provider::Anthropic;
        spec.model.model = "claude-x".into();
        let (p, m, c, mem) = spec.columns();
        assert_eq!(p["instructions"], "Write short answers.");
        assert_eq!(m["provider"], "anthropic");
        assert_eq!(m["maxTokens"], 1024);
        assert_eq!(
            mem["conversation"],
            json!({"kind": "lastTurns", "turns": 20})
        );
        let back = AgentSpec::from_columns("Writer", "", true, &p, &m, &c, &mem);
        assert_eq!(back, spec);
        // Another tool's shapes read with defaults, the prompt kept.
        let other = AgentSpec::from_columns(
            "X",
            "",
            true,
            &json!({"systemPrompt": "Be brief."}),
            &json!("gpt"),
            &json!(["search"]),
            &json!(null),
        );
        assert_eq!(other.personality.instructions, "Be brief.");
        assert_eq!(other.model, ModelChoice::default());
    }
}
