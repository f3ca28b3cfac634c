//! The invariants every target asserts: one-line, bounded errors and diagnostics that point at
//! what exists.

use std::collections::HashSet;

use neuroflow_engine::validate::{Diagnostic, MAX_DIAGNOSTICS};
use neuroflow_model::graph::Graph;
use neuroflow_model::validate::ValidationError;

/// The longest error or diagnostic a user is shown: one line of a dialog or the canvas panel,
/// so a hostile input cannot make a megabyte message (UTF-8 bytes).
pub const MAX_MESSAGE_BYTES: usize = 1024;

/// `message` is one non-empty line of at most [`MAX_MESSAGE_BYTES`].
pub fn one_line(what: &str, message: &str) {
    assert!(!message.trim().is_empty(), "{what}: empty message");
    assert!(
        !message.contains(['\n', '\r']),
        "{what}: message has a line break: {:?}",
        clip(message)
    );
    assert!(
        message.len() <= MAX_MESSAGE_BYTES,
        "{what}: message is {} bytes (limit {MAX_MESSAGE_BYTES}): {:?}",
        message.len(),
        clip(message)
    );
}

/// The validator's report: bounded in count, each message one line, each node or edge it
/// names one of the graph's (the canvas marks it there).
pub fn diagnostics(graph: &Graph, diagnostics: &[Diagnostic]) {
    assert!(
        diagnostics.len() <= MAX_DIAGNOSTICS + 1,
        "{} diagnostics; the limit is {MAX_DIAGNOSTICS} and one 'more' line",
        diagnostics.len()
    );
    let nodes: HashSet<_> = graph.nodes.iter().map(|n| n.id).collect();
    let edges: HashSet<_> = graph.edges.iter().map(|e| e.id).collect();
    for d in diagnostics {
        one_line("diagnostic", &d.message);
        if let Some(id) = d.node_id {
            assert!(
                nodes.contains(&id),
                "diagnostic names node {id}, which is not in the graph: {}",
                clip(&d.message)
            );
        }
        if let Some(id) = d.edge_id {
            assert!(
                edges.contains(&id),
                "diagnostic names edge {id}, which is not in the graph: {}",
                clip(&d.message)
            );
        }
    }
}

/// The structural check's errors, each one line; returns whether the graph passed.
pub fn checked(result: Result<(), Vec<ValidationError>>) -> bool {
    match result {
        Ok(()) => true,
        Err(errors) => {
            assert!(!errors.is_empty(), "check_graph failed with no error");
            for e in &errors {
                one_line("check_graph", &e.message);
            }
            false
        }
    }
}

/// A message shortened for an assertion, so a finding's report stays readable.
pub fn clip(message: &str) -> String {
    message.chars().take(300).collect()
}

/// The shape of a message without its numbers, ids and quoted parts, so "node 3" and "node 4"
/// are one outcome for the driver.
pub fn shape(message: &str) -> String {
    let mut out = String::new();
    let mut quoted = false;
    for word in message.split_whitespace().take(24) {
        let mut kept = String::new();
        for c in word.chars() {
            match c {
                '\'' | '"' | '`' => quoted = !quoted,
                _ if quoted => {}
                c => kept.push(c),
            }
        }
        if kept.chars().any(|c| c.is_ascii_digit()) {
            kept = "#".into();
        }
        if !kept.is_empty() {
            out.push_str(&kept);
            out.push(' ');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[should_panic(expected = "line break")]
    fn a_line_break_is_a_finding() {
        one_line("test", "first\nsecond");
    }

    #[test]
    #[should_panic(expected = "bytes")]
    fn a_long_message_is_a_finding() {
        one_line("test", &"x".repeat(MAX_MESSAGE_BYTES + 1));
    }

    #[test]
    fn shape_forgets_numbers_and_quotes() {
        assert_eq!(shape("node 12 'a b' at 3"), shape("node 4 'c' at 55"));
        assert_ne!(shape("node 1 unknown"), shape("edge 1 unknown"));
    }
}
