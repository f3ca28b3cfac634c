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
    /// MiB of data (what the run's nodes make and keep) one run may hold before it fails;
    /// `None` is the desktop's default, [`DEFAULT_RUN_DATA_MIB`].
    pub max_run_data_mib: Option<u32>,
}

/// What a run may hold when its workflow does not say: sized for a desktop.
pub const DEFAULT_RUN_DATA_MIB: u32 = 64;
/// The most a workflow may let one run hold.
pub const MAX_RUN_DATA_MIB: u32 = 1024;

impl WorkflowSettings {
    /// These settings, or why they cannot be saved (in words for the person who chose them).
    pub fn validated(self) -> Result<Self, String> {
        match self.max_run_data_mib {
            Some(mib) if !(1..=MAX_RUN_DATA_MIB).contains(&mib) => Err(format!(
                "the memory for a run's data must be between 1 and {MAX_RUN_DATA_MIB} MiB, not {mib}"
            )),
            _ => Ok(self),
        }
    }

    /// Bytes of data one run may hold (a stored value out of range is brought into it).
    pub fn run_data_bytes(&self) -> u32 {
        self.max_run_data_mib
            .unwrap_or(DEFAULT_RUN_DATA_MIB)
            .clamp(1, MAX_RUN_DATA_MIB)
            .saturating_mul(1024 * 1024)
    }

    /// The settings stored in a row's JSON; unknown keys (from a newer app) are ignored and a
    /// value that is not an object reads as the defaults.
    pub fn from_json(value: &Value) -> Self {
        serde_json::from_value(value.clone()).unwrap_or_default()
    }

    pub fn to_json(&self) -> Value {
        let mut json = serde_json::json!({ "allowPrivateNetwork": self.allow_private_network });
        if let Some(mib) = self.max_run_data_mib {
            json["maxRunDataMib"] = mib.into();
        }
        json
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
            max_run_data_mib: None,
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
        let roomy = WorkflowSettings {
            allow_private_network: false,
            max_run_data_mib: Some(512),
        };
        assert_eq!(WorkflowSettings::from_json(&roomy.to_json()), roomy);
        assert_eq!(roomy.run_data_bytes(), 512 * 1024 * 1024);
        assert_eq!(
            WorkflowSettings::default().run_data_bytes(),
            64 * 1024 * 1024
        );
    }

    #[test]
    fn the_memory_for_a_run_is_between_1_mib_and_1_gib() {
        for mib in [0, 1025, u32::MAX] {
            let err = WorkflowSettings {
                max_run_data_mib: Some(mib),
                ..WorkflowSettings::default()
            }
            .validated()
            .expect_err("refused");
            assert!(err.contains("between 1 and 1024 MiB"), "{err}");
        }
        for mib in [1, 64, 1024] {
            let ok = WorkflowSettings {
                max_run_data_mib: Some(mib),
                ..WorkflowSettings::default()
            };
            assert_eq!(ok.clone().validated(), Ok(ok));
        }
        // A stored value out of range (written by hand) is brought into range when used.
        let stored = WorkflowSettings::from_json(&json!({"maxRunDataMib": 999999}));
        assert_eq!(stored.run_data_bytes(), 1024 * 1024 * 1024);
    }
}
