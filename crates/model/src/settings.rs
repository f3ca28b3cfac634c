//! A workflow's own settings: kept on its row, never in its graph or its files, so an imported graph cannot grant itself anything.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What a workflow's runs are allowed, chosen by the people who edit it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", default)]
pub struct WorkflowSettings {
    /// Requests to URLs the graph names may reach this computer (loopback) and private networks
    /// (10/8, 172.16/12, 192.168/16, …). Link-local and cloud-metadata addresses stay refused.
    pub allow_private_network: bool,
}

impl WorkflowSettings {
    /// The settings stored in a row's JSON; unknown keys (from a newer app) are ignored and a
    /// value that is not an object reads as the defaults.
    pub fn from_json(value: &Value) -> Self {
        serde_json::from_value(value.clone()).unwrap_or_default()
    }

    pub fn to_json(&self) -> Value {
        serde_json::json!({ "allowPrivateNetwork": self.allow_private_network })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn stored_json_round_trips_and_bad_values_read_as_defaults() {
        let on = WorkflowSettings {
            allow_private_network: true,
        };
        assert_eq!(WorkflowSettings::from_json(&on.to_json()), on);
        assert_eq!(
            WorkflowSettings::from_json(&json!({"allowPrivateNetwork": true, "future": 1})),
            on
        );
        assert_eq!(
            WorkflowSettings::from_json(&json!("nonsense")),
            WorkflowSettings::default()
        );
        assert_eq!(
            WorkflowSettings::from_json(&json!({"allowPrivateNetwork": "yes"})),
            WorkflowSettings::default()
        );
    }
}
