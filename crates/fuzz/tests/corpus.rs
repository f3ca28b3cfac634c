//! CI's share of fuzzing: every target on its committed corpus, then a few hundred mutated and
//! random inputs from a fixed seed (scripts/fuzz.sh runs the long, fresh-seeded version).

use std::path::PathBuf;

use neuroflow_fuzz::drive::{self, Options};
use neuroflow_fuzz::TARGETS;

const CASES: u64 = 300;
const SEED: u64 = 0x5EED_F022;

fn corpus(name: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(name);
    drive::load_corpus(&dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
}

#[test]
fn every_target_has_a_corpus() {
    for (name, _) in TARGETS {
        assert!(
            corpus(name).len() >= 3,
            "crates/fuzz/corpus/{name} needs seed inputs"
        );
    }
}

#[test]
fn the_corpus_passes_every_target() {
    let mut failures = Vec::new();
    for (name, target) in TARGETS {
        for (path, bytes) in corpus(name) {
            if let Err(message) = drive::run_one(*target, &bytes) {
                failures.push(format!("{name} {}: {message}", path.display()));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_few_hundred_mutations_find_nothing() {
    let mut failures = Vec::new();
    for (name, target) in TARGETS {
        let summary = drive::run(
            *target,
            Options {
                seed: SEED,
                time: None,
                cases: Some(CASES),
                corpus: corpus(name).into_iter().map(|(_, b)| b).collect(),
                save_new: None,
            },
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            summary.executions >= CASES,
            "{name} ran {}",
            summary.executions
        );
        for f in summary.findings {
            failures.push(format!(
                "{name}: {} (input {} bytes: {:?})",
                f.message,
                f.input.len(),
                String::from_utf8_lossy(&f.input[..f.input.len().min(200)])
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The harness itself: a target that breaks an invariant is reported, not missed.
#[test]
fn a_broken_invariant_is_a_finding() {
    fn broken(bytes: &[u8]) -> String {
        neuroflow_fuzz::invariants::one_line("test", &String::from_utf8_lossy(bytes));
        "ok".into()
    }
    let summary = drive::run(
        broken,
        Options {
            seed: 1,
            time: None,
            cases: Some(50),
            corpus: vec![b"a\nb".to_vec()],
            save_new: None,
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(!summary.findings.is_empty());
    assert!(summary.findings[0].message.contains("line break"));
}
