//! The product's enums, named and valued exactly as the source data model names them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// An enum value that was not one of the allowed names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{value}' is not a valid {enum_name} (expected one of: {allowed})")]
pub struct UnknownVariant {
    pub enum_name: &'static str,
    pub value: String,
    pub allowed: String,
}

/// Text form of a stored enum: the same names in Rust, SQL CHECK constraints and TypeScript.
pub trait DbEnum: Sized + Copy + 'static {
    const NAME: &'static str;
    const ALL: &'static [Self];
    fn as_str(self) -> &'static str;
    fn parse(value: &str) -> Result<Self, UnknownVariant> {
        Self::ALL
            .iter()
            .copied()
            .find(|v| v.as_str() == value)
            .ok_or_else(|| UnknownVariant {
                enum_name: Self::NAME,
                value: value.chars().take(64).collect(),
                allowed: Self::ALL
                    .iter()
                    .map(|v| v.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }
}

macro_rules! db_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
        pub enum $name {
            $(#[serde(rename = $text)] $variant),+
        }

        impl DbEnum for $name {
            const NAME: &'static str = stringify!($name);
            const ALL: &'static [Self] = &[$(Self::$variant),+];
            fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownVariant;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                <Self as DbEnum>::parse(s)
            }
        }
    };
}

db_enum!(
    /// A member's role in an organization.
    OrgRole { Owner = "OWNER", Admin = "ADMIN", Member = "MEMBER", Viewer = "VIEWER" }
);

// --- Garage ---
db_enum!(
    /// Expected build effort: SIMPLE 1–8 h, MODERATE 8–24 h, COMPLEX 24–72 h, ENTERPRISE 72+ h.
    ComplexityLevel { Simple = "SIMPLE", Moderate = "MODERATE", Complex = "COMPLEX", Enterprise = "ENTERPRISE" }
);
db_enum!(
    OrderStatus {
        Draft = "DRAFT", Submitted = "SUBMITTED", InReview = "IN_REVIEW", Approved = "APPROVED",
        InProgress = "IN_PROGRESS", Testing = "TESTING", Completed = "COMPLETED",
        Delivered = "DELIVERED", Cancelled = "CANCELLED", Rejected = "REJECTED",
    }
);
db_enum!(OrderPriority { Low = "LOW", Normal = "NORMAL", High = "HIGH", Urgent = "URGENT" });
db_enum!(
    AgentCategory {
        Sales = "SALES", Support = "SUPPORT", Analysis = "ANALYSIS", Content = "CONTENT",
        Automation = "AUTOMATION", Research = "RESEARCH",
    }
);
db_enum!(
    AIToolCategory {
        Automation = "AUTOMATION", Analytics = "ANALYTICS", Integration = "INTEGRATION",
        Ui = "UI", Api = "API", Workflow = "WORKFLOW",
    }
);
db_enum!(LogLevel { Debug = "DEBUG", Info = "INFO", Warn = "WARN", Error = "ERROR" });
db_enum!(
    ShowcaseCategory {
        AiAgent = "AI_AGENT", AutomationTool = "AUTOMATION_TOOL", Integration = "INTEGRATION",
        Workflow = "WORKFLOW", CustomSolution = "CUSTOM_SOLUTION",
    }
);

// --- Hub ---
db_enum!(AgentStatus { Idle = "IDLE", Busy = "BUSY", Offline = "OFFLINE", Error = "ERROR" });
db_enum!(
    TeamStructure {
        Hierarchical = "HIERARCHICAL", Collaborative = "COLLABORATIVE", Pipeline = "PIPELINE",
        Democratic = "DEMOCRATIC",
    }
);
db_enum!(TeamRole { Leader = "LEADER", Worker = "WORKER", Coordinator = "COORDINATOR", Specialist = "SPECIALIST" });
db_enum!(
    ExecutionStatus {
        Pending = "PENDING", Running = "RUNNING", Completed = "COMPLETED", Failed = "FAILED",
        Cancelled = "CANCELLED",
    }
);
db_enum!(
    IntegrationStatus {
        Connected = "CONNECTED", Disconnected = "DISCONNECTED", Error = "ERROR", Testing = "TESTING",
    }
);
db_enum!(
    TemplateCategory {
        Sales = "SALES", Support = "SUPPORT", Marketing = "MARKETING",
        DataProcessing = "DATA_PROCESSING", Automation = "AUTOMATION", Analytics = "ANALYTICS",
        Content = "CONTENT", Communication = "COMMUNICATION",
    }
);
db_enum!(
    DifficultyLevel {
        Beginner = "BEGINNER", Intermediate = "INTERMEDIATE", Advanced = "ADVANCED", Expert = "EXPERT",
    }
);
db_enum!(
    /// Provider of an external connection (the source names Slack, Gmail, webhook and HTTP).
    IntegrationProvider { Slack = "SLACK", Gmail = "GMAIL", Webhook = "WEBHOOK", Http = "HTTP" }
);

db_enum!(
    /// What made a saved version of a graph: an explicit save, a restore of an older version,
    /// an autosave checkpoint, or an imported file.
    VersionKind { Save = "SAVE", Autosave = "AUTOSAVE", Restore = "RESTORE", Import = "IMPORT" }
);

/// Every stored enum with its allowed values, for SQL CHECK constraints and docs.
pub fn all_enums() -> Vec<(&'static str, Vec<&'static str>)> {
    fn values<E: DbEnum>() -> (&'static str, Vec<&'static str>) {
        (E::NAME, E::ALL.iter().map(|v| v.as_str()).collect())
    }
    vec![
        values::<OrgRole>(),
        values::<ComplexityLevel>(),
        values::<OrderStatus>(),
        values::<OrderPriority>(),
        values::<AgentCategory>(),
        values::<AIToolCategory>(),
        values::<LogLevel>(),
        values::<ShowcaseCategory>(),
        values::<AgentStatus>(),
        values::<TeamStructure>(),
        values::<TeamRole>(),
        values::<ExecutionStatus>(),
        values::<IntegrationStatus>(),
        values::<TemplateCategory>(),
        values::<DifficultyLevel>(),
        values::<IntegrationProvider>(),
        values::<VersionKind>(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_value_through_text_and_serde() {
        for (name, values) in all_enums() {
            assert!(!values.is_empty(), "{name}");
        }
        for v in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(v.as_str()), Ok(*v));
            let json = serde_json::to_string(v).expect("serialize");
            assert_eq!(json, format!("\"{}\"", v.as_str()));
        }
    }

    #[test]
    fn unknown_value_names_the_enum_and_the_allowed_values() {
        let err = ComplexityLevel::parse("HUGE").expect_err("must fail");
        assert!(err.to_string().contains("ComplexityLevel"));
        assert!(err
            .to_string()
            .contains("SIMPLE, MODERATE, COMPLEX, ENTERPRISE"));
    }

    #[test]
    fn enum_values_match_the_data_model() {
        let all = all_enums();
        let get = |n: &str| all.iter().find(|(name, _)| *name == n).expect(n).1.clone();
        assert_eq!(get("OrderStatus").len(), 10);
        assert_eq!(get("TemplateCategory").len(), 8);
        assert_eq!(
            get("AIToolCategory"),
            vec![
                "AUTOMATION",
                "ANALYTICS",
                "INTEGRATION",
                "UI",
                "API",
                "WORKFLOW"
            ]
        );
        assert_eq!(
            get("ShowcaseCategory"),
            vec![
                "AI_AGENT",
                "AUTOMATION_TOOL",
                "INTEGRATION",
                "WORKFLOW",
                "CUSTOM_SOLUTION"
            ]
        );
    }
}
