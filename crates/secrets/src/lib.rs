//! Secrets (integration credentials, team Postgres passwords) in the OS keychain or this session's memory: never in plaintext, never in a database.

mod error;
mod keychain;
mod memory;
mod reference;
mod secret;
mod store;

pub use error::SecretError;
pub use keychain::{KeychainStatus, UnavailableCause, DEFAULT_KEYCHAIN_SERVICE};
pub use reference::{SecretRef, SecretSlot};
pub use secret::Secret;
pub use store::{SecretBackend, SecretStore};
