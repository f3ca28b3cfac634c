//! Why a run could not start or its record could not be read.

use neuroflow_engine::Diagnostic;
use neuroflow_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The graph has problems; each names its node or edge.
    #[error("{}", invalid_message(.0))]
    Invalid(Vec<Diagnostic>),
    /// A preview cannot run as asked (a node without earlier output, a node in a loop body).
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn invalid_message(diagnostics: &[Diagnostic]) -> String {
    match diagnostics {
        [] => "the workflow is invalid".to_string(),
        [one] => format!("the workflow cannot run: {}", one.message),
        [first, rest @ ..] => format!(
            "the workflow cannot run: {} (and {} more problem{})",
            first.message,
            rest.len(),
            if rest.len() == 1 { "" } else { "s" }
        ),
    }
}
