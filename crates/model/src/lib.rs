//! Domain model of NeuroFlow Studio: enums, entities, validation, graph model and HLC stamps — pure, no I/O.

pub mod agent;
pub mod entities;
pub mod enums;
pub mod fields;
pub mod graph;
pub mod hlc;
pub mod order;
pub mod settings;
pub mod signature;
pub mod validate;

pub use enums::*;
pub use validate::ValidationError;

/// A new client-made id: UUIDv7, so ids made offline on many devices sort by creation time.
pub fn new_id() -> uuid::Uuid {
    uuid::Uuid::now_v7()
}
