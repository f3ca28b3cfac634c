//! Tauri commands, grouped by domain; each is a one-line adapter onto `neuroflow_api::Core`.

pub mod agents;
pub mod app;
pub mod blueprints;
pub mod dashboard;
pub mod drafts;
pub mod integrations;
pub mod orders;
pub mod runs;
pub mod team;
pub mod workflows;
