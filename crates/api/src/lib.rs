//! One core behind every window: what each command does (typed args → crates → typed result or `{code, message}`), for the desktop shell and the loopback dev server alike.

pub mod commands;
pub mod error;
pub mod invoke;
pub mod state;
pub mod team;

pub use commands::app::AppInfo;
pub use commands::runs::RunStarted;
pub use commands::workflows::ExportTo;
pub use error::{parse_id, AppError, ErrorCode};
pub use invoke::{invoke, Invoked, COMMANDS};
pub use state::{open_local, session_on, Core, SecretsState, Session};
