//! The NeuroFlow workflow engine (tauri-free): node kinds, validation, the tokio scheduler,
//! run events and results, previews, and the graph file format.

mod alloc_meter;
pub mod cancel;
pub mod egress;
pub mod error;
pub mod events;
pub mod file;
pub mod host;
pub mod kinds;
pub mod limits;
mod plan;
pub mod result;
mod run;
mod scheduler;
pub mod stored;
pub mod template;
pub mod validate;
pub mod value;

pub use cancel::CancelToken;
pub use egress::NetworkPolicy;
pub use error::NodeError;
pub use events::{EventSender, NodeStatus, PortItems, RunEvent, RunStatus};
pub use host::{
    AgentProfile, BlueprintGraph, CredentialRequest, CredentialScope, EngineHost, HostFuture,
    HttpAction, IntegrationAction, IntegrationCall, NoHost, Secret,
};
pub use kinds::{catalog, catalog_for, KindInfo, PortInfo, PortType};
pub use limits::RunLimits;
pub use neuroflow_model::signature::{signature, ToolSignature};
pub use result::{AgentCallRecord, ExecutionRecord, NodeResult, RunResult};
pub use run::{estimate, preflight, run, Estimate, NodeEstimate, RunMode, RunRefused, RunRequest};
pub use validate::{validate, validate_with_host, Diagnostic, DiagnosticCode};
pub use value::{Obj, Val};
