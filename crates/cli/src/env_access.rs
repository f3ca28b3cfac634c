//! Which environment variables a graph file may have read (`apiKeyEnv`): `NEUROFLOW_*` and the ones the user names with `--allow-env`.

use std::collections::BTreeSet;

use neuroflow_engine::file::GraphFile;
use serde_json::Value as Json;
use uuid::Uuid;

/// The prefix of the variables any graph file may read. A graph file chooses both the
/// variable and the URL its value is sent to, so without this an untrusted file could send
/// `AWS_SECRET_ACCESS_KEY` to its own server.
pub const PREFIX: &str = "NEUROFLOW_";

/// The variables a run may read.
#[derive(Debug, Clone, Default)]
pub struct EnvAccess {
    allowed: BTreeSet<String>,
}

/// A variable a graph file names but may not read, and where it is named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub node_id: Option<Uuid>,
    pub message: String,
}

impl EnvAccess {
    /// The allow-list from the `--allow-env` values; a value that is not a variable name is
    /// refused here, so a typo is not silently an allowance for nothing.
    pub fn new(allowed: Vec<String>) -> Result<Self, String> {
        for name in &allowed {
            if !is_name(name) {
                return Err(format!(
                    "--allow-env {} is not an environment variable name (letters, digits and _)",
                    shown(name)
                ));
            }
        }
        Ok(Self {
            allowed: allowed.into_iter().collect(),
        })
    }

    /// `Ok` when the variable may be read, else the one line that says why not and how to allow it.
    pub fn check(&self, name: &str) -> Result<(), String> {
        if !is_name(name) {
            return Err(format!(
                "apiKeyEnv {} is not an environment variable name (letters, digits and _)",
                shown(name)
            ));
        }
        if (name.starts_with(PREFIX) && name.len() > PREFIX.len()) || self.allowed.contains(name) {
            return Ok(());
        }
        Err(format!(
            "environment variable {name} may not be read: a graph file reads only {PREFIX}* variables unless you allow one with --allow-env {name}"
        ))
    }

    /// Every variable the file names that may not be read, so a run can refuse before any
    /// node runs (the host checks again at the moment of reading).
    pub fn refusals(&self, file: &GraphFile) -> Vec<Refusal> {
        let mut found = Vec::new();
        let mut look = |node_id: Option<Uuid>, place: String, config: &Json| {
            if let Some(name) = config.get("apiKeyEnv").and_then(Json::as_str) {
                if let Err(why) = self.check(name) {
                    found.push(Refusal {
                        node_id,
                        message: format!("{place}: {why}"),
                    });
                }
            }
        };
        for node in &file.nodes {
            look(
                Some(node.id),
                format!("node '{}'", shown(&node.label)),
                &node.config,
            );
        }
        for blueprint in &file.blueprints {
            for node in &blueprint.graph.nodes {
                look(
                    None,
                    format!(
                        "node '{}' of blueprint '{}'",
                        shown(&node.label),
                        shown(&blueprint.name)
                    ),
                    &node.config,
                );
            }
        }
        for agent in &file.agents {
            look(
                None,
                format!("AI agent '{}'", shown(&agent.name)),
                &agent.model_config,
            );
        }
        found
    }
}

/// The text with control characters (newlines, terminal escapes) as `?`.
pub fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

fn is_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 256
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && !name.as_bytes()[0].is_ascii_digit()
}

/// Text from the graph file as one short, printable line: a label may hold newlines or
/// terminal escapes, and an error line must stay one line.
pub fn shown(text: &str) -> String {
    let mut out = printable(&text.chars().take(80).collect::<String>());
    if text.chars().count() > 80 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn access(allowed: &[&str]) -> EnvAccess {
        EnvAccess::new(allowed.iter().map(|s| s.to_string()).collect()).unwrap()
    }

    #[test]
    fn only_prefixed_and_allowed_names_are_read() {
        let a = access(&["OPENAI_API_KEY"]);
        assert!(a.check("NEUROFLOW_OPENAI_KEY").is_ok());
        assert!(a.check("OPENAI_API_KEY").is_ok());
        let err = a.check("AWS_SECRET_ACCESS_KEY").unwrap_err();
        assert!(err.contains("AWS_SECRET_ACCESS_KEY"), "{err}");
        assert!(err.contains("--allow-env AWS_SECRET_ACCESS_KEY"), "{err}");
        assert!(a.check("NEUROFLOW_").is_err());
        assert!(a.check("neuroflow_key").is_err());
        assert!(a.check("NEUROFLOW_A=B").is_err());
        assert!(a.check("NEUROFLOW_\u{0}").is_err());
        assert!(a.check("").is_err());
    }

    #[test]
    fn allow_env_values_must_be_names() {
        assert!(EnvAccess::new(vec!["HOME".into(), "_X1".into()]).is_ok());
        for bad in ["", "A=B", "1ABC", "A B", "A\nB"] {
            let err = EnvAccess::new(vec![bad.into()]).unwrap_err();
            assert!(!err.contains('\n'), "{err}");
        }
    }

    #[test]
    fn refusals_name_the_node_blueprint_or_agent() {
        let text = json!({
            "format": "neuroflow.graph", "version": 1, "name": "t",
            "nodes": [
                {"id": "0190a000-0000-7000-8000-000000000001", "kind": "ai.llm", "label": "Ask\nme",
                 "position": {"x": 0, "y": 0}, "config": {"apiKeyEnv": "AWS_SECRET_ACCESS_KEY"}},
                {"id": "0190a000-0000-7000-8000-000000000002", "kind": "ai.llm", "label": "Fine",
                 "position": {"x": 0, "y": 0}, "config": {"apiKeyEnv": "NEUROFLOW_KEY"}}
            ],
            "edges": [],
            "blueprints": [{"id": "0190a000-0000-7000-8000-0000000000b1", "name": "Tool",
                "nodes": [{"id": "0190a000-0000-7000-8000-000000000003", "kind": "http.request",
                  "label": "Get", "position": {"x": 0, "y": 0}, "config": {"apiKeyEnv": "HOME"}}],
                "edges": []}],
            "agents": [{"id": "0190a000-0000-7000-8000-0000000000a1", "name": "Bot",
                "modelConfig": {"apiKeyEnv": "GITHUB_TOKEN"}}]
        });
        let file = neuroflow_engine::file::parse(text.to_string().as_bytes()).unwrap();
        let found = access(&[]).refusals(&file);
        let messages: Vec<&str> = found.iter().map(|r| r.message.as_str()).collect();
        assert_eq!(found.len(), 3, "{messages:?}");
        assert!(
            messages[0].starts_with("node 'Ask?me': environment variable AWS_SECRET_ACCESS_KEY")
        );
        assert!(found[0].node_id.is_some());
        assert!(
            messages[1].starts_with("node 'Get' of blueprint 'Tool': environment variable HOME")
        );
        assert!(messages[2].starts_with("AI agent 'Bot': environment variable GITHUB_TOKEN"));
        assert!(access(&["AWS_SECRET_ACCESS_KEY", "HOME", "GITHUB_TOKEN"])
            .refusals(&file)
            .is_empty());
    }
}
