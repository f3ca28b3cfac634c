//! Workflow runs against the local database: the engine host over the store and keychain, the executions each run stores, and the runs in flight that can be cancelled.

mod error;
mod host;
mod runner;

pub use error::RunError;
pub use host::StoreHost;
pub use runner::{ExecutionDetail, RunOptions, RunUpdate, StartedRun, WorkflowRunner, INTERRUPTED};
