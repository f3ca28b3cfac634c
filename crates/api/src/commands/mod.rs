//! The commands every window calls, grouped by domain; each is a method of [`crate::Core`].

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
