//! Fuzz targets (graph file parser, validator, save payloads, saves into SQLite) and a stable-Rust driver for them.
//!
//! Each target takes raw bytes, never panics on its own and asserts its invariants with
//! `assert!`, so a panic is a finding. It returns an outcome signature: the driver keeps an input
//! whose signature it has not seen yet as a seed for further mutation (a cheap stand-in for
//! coverage feedback, which would need a nightly toolchain and cargo-fuzz).

pub mod drive;
pub mod entropy;
pub mod invariants;
pub mod saved;
pub mod structured;
pub mod targets;

/// A fuzz target: bytes in, an outcome signature out; panics on a broken invariant.
pub type Target = fn(&[u8]) -> String;

/// Every target by the name the driver, the corpus folders and scripts/fuzz.sh use.
pub const TARGETS: &[(&str, Target)] = &[
    ("file_parse", targets::file_parse),
    ("validate_graph", targets::validate_graph),
    ("save_payload", targets::save_payload),
    ("store_save", saved::store_save),
];

/// The target named `name`.
pub fn target(name: &str) -> Option<Target> {
    TARGETS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}
