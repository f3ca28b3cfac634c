//! Tauri commands, grouped by domain; each is a short adapter over the crates.

pub mod app;
pub mod blueprints;
pub mod drafts;
pub mod integrations;
pub mod runs;
pub mod workflows;
