//! Workflows against the local database: runs (the engine host over the store and keychain, the executions each run stores, the runs in flight that can be cancelled) and workflow files (export, import).

mod error;
pub mod files;
mod host;
mod runner;

pub use error::RunError;
pub use host::StoreHost;
pub use runner::{
    ExecutionDetail, GraphCheck, RunOptions, RunUpdate, StartedRun, WorkflowRunner, INTERRUPTED,
};
