//! Persistence of NeuroFlow Studio over SQLite (local default) and Postgres (team), one API for both.

mod db;
mod error;
mod graph_docs;
mod repo;
pub mod value;

pub mod agents;
pub mod blueprints;
pub mod dashboard;
pub mod drafts;
pub mod executions;
pub mod local;
pub mod orders;
pub mod pg_admin;
pub mod versions;
pub mod workflows;

pub use db::{Backend, Db};
pub use error::StoreError;
pub use repo::{ListQuery, Store};
pub use value::SqlValue;
