//! The driver: mutates a corpus (and makes fresh random inputs), runs a target on each input
//! with panics caught, keeps inputs with a new outcome as seeds, and counts what it found.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Once;
use std::time::{Duration, Instant};

use crate::Target;

/// The largest input the mutator makes (the parser refuses 64 MiB before reading; this keeps
/// a run fast while still far past every list and string limit worth reaching).
const MAX_INPUT: usize = 4 << 20;
/// Seeds kept in memory; past this a new one replaces a random old one.
const MAX_SEEDS: usize = 10_000;

/// Inputs larger than this are run but not kept as seeds.
const MAX_SEED_BYTES: usize = 256 * 1024;

/// At most this many inputs with a new outcome are written per run, each at most
/// `MAX_SAVED_INPUT_BYTES`: the corpus is for small inputs a person reads, and an outcome
/// signature that quotes part of an input makes nearly every input new (one 10-minute run of
/// `file_parse` wrote 23 GB before this bound).
const MAX_SAVED_NEW: usize = 500;
const MAX_SAVED_INPUT_BYTES: usize = 64 * 1024;
/// Distinct findings kept (each with its smallest input).
const MAX_FINDINGS: usize = 32;

/// How long to run and where to keep what a run finds.
pub struct Options {
    pub seed: u64,
    /// Stop after this long...
    pub time: Option<Duration>,
    /// ...or after this many executions (whichever comes first).
    pub cases: Option<u64>,
    pub corpus: Vec<Vec<u8>>,
    /// Where each input with a new outcome is written (to grow the committed corpus).
    pub save_new: Option<PathBuf>,
}

/// A broken invariant or a panic, with the smallest input seen that caused it.
#[derive(Debug, Clone)]
pub struct Finding {
    pub message: String,
    pub input: Vec<u8>,
    pub count: u64,
}

#[derive(Debug, Default)]
pub struct Summary {
    pub executions: u64,
    pub elapsed: Duration,
    pub seeds: usize,
    pub outcomes: usize,
    pub findings: Vec<Finding>,
    pub slowest: Duration,
    pub slowest_input: Vec<u8>,
}

thread_local! {
    static PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Panics are findings, not noise: the hook records the message and where it was raised instead
/// of printing a backtrace for each.
fn quiet_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let recorded = PANIC.with(|p| {
                let mut p = p.borrow_mut();
                if p.is_some() {
                    return false;
                }
                let message = info
                    .payload()
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| info.payload().downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "panic".into());
                let at = info
                    .location()
                    .map(|l| format!("{}:{}", l.file(), l.line()))
                    .unwrap_or_default();
                *p = Some(format!("{at}: {message}"));
                true
            });
            if !recorded {
                default(info);
            }
        }));
    });
}

/// Runs `target` on one input; a panic comes back as its message.
pub fn run_one(target: Target, input: &[u8]) -> Result<String, String> {
    quiet_panics();
    PANIC.with(|p| p.borrow_mut().take());
    let result = panic::catch_unwind(AssertUnwindSafe(|| target(input)));
    let message = PANIC.with(|p| p.borrow_mut().take());
    result.map_err(|_| message.unwrap_or_else(|| "panic".into()))
}

/// The corpus files under `dir` (none when it does not exist).
pub fn load_corpus(dir: &Path) -> std::io::Result<Vec<(PathBuf, Vec<u8>)>> {
    let mut out = Vec::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let path = entry?.path();
        if path.is_file() {
            let bytes = std::fs::read(&path)?;
            out.push((path, bytes));
        }
    }
    out.sort();
    Ok(out)
}

/// A stable name for an input (FNV-1a), for saved seeds and findings.
pub fn name_of(input: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in input {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// Fuzzes `target` from `options.corpus` until the time or case budget is spent.
pub fn run(target: Target, mut options: Options) -> std::io::Result<Summary> {
    let mut rng = fastrand::Rng::with_seed(options.seed);
    let dictionary = dictionary();
    let mut seeds = std::mem::take(&mut options.corpus);
    if seeds.is_empty() {
        seeds.push(Vec::new());
    }
    let mut outcomes: HashSet<String> = HashSet::new();
    let mut findings: HashMap<String, Finding> = HashMap::new();
    let mut summary = Summary::default();
    // The seeds' own outcomes first, so only new behaviour grows the corpus.
    for seed in seeds.clone() {
        record(target, &seed, &mut summary, &mut outcomes, &mut findings);
    }
    let start = Instant::now();
    let mut saved = 0usize;
    loop {
        if options.cases.is_some_and(|c| summary.executions >= c)
            || options.time.is_some_and(|t| start.elapsed() >= t)
        {
            break;
        }
        let input = if rng.u8(..) < 8 {
            let len = rng.usize(..512);
            (0..len).map(|_| rng.u8(..)).collect()
        } else {
            let base = &seeds[rng.usize(..seeds.len())];
            let other = &seeds[rng.usize(..seeds.len())];
            mutate(&mut rng, base, other, &dictionary)
        };
        if record(target, &input, &mut summary, &mut outcomes, &mut findings) {
            if let Some(dir) = &options.save_new {
                if saved < MAX_SAVED_NEW && input.len() <= MAX_SAVED_INPUT_BYTES {
                    std::fs::create_dir_all(dir)?;
                    std::fs::write(dir.join(name_of(&input)), &input)?;
                    saved += 1;
                }
            }
            if input.len() > MAX_SEED_BYTES {
                // Long repeats come from mutation anyway; kept as seeds they would hold
                // gigabytes (10,000 seeds of up to 4 MiB).
            } else if seeds.len() < MAX_SEEDS {
                seeds.push(input);
            } else {
                let at = rng.usize(..seeds.len());
                seeds[at] = input;
            }
        }
    }
    summary.elapsed = start.elapsed();
    summary.seeds = seeds.len();
    summary.outcomes = outcomes.len();
    let mut found: Vec<Finding> = findings.into_values().collect();
    found.sort_by_key(|f| std::cmp::Reverse(f.count));
    summary.findings = found;
    Ok(summary)
}

/// Runs one input; true when its outcome is new.
fn record(
    target: Target,
    input: &[u8],
    summary: &mut Summary,
    outcomes: &mut HashSet<String>,
    findings: &mut HashMap<String, Finding>,
) -> bool {
    let started = Instant::now();
    let result = run_one(target, input);
    let took = started.elapsed();
    summary.executions += 1;
    if took > summary.slowest {
        summary.slowest = took;
        summary.slowest_input = input.to_vec();
    }
    match result {
        Ok(outcome) => outcomes.insert(outcome),
        Err(message) => {
            // One finding per place and first words, however the input varies.
            // (the message's shape: a quoted value changes with each input).
            let key = crate::invariants::shape(&message);
            if let Some(f) = findings.get_mut(&key) {
                f.count += 1;
                if input.len() < f.input.len() {
                    f.input = input.to_vec();
                }
            } else if findings.len() < MAX_FINDINGS {
                findings.insert(
                    key,
                    Finding {
                        message,
                        input: input.to_vec(),
                        count: 1,
                    },
                );
            }
            false
        }
    }
}

/// JSON pieces and this format's field names and kinds, which random bytes rarely spell.
fn dictionary() -> Vec<Vec<u8>> {
    let mut words: Vec<String> = [
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        "\"",
        "null",
        "true",
        "false",
        "0",
        "-0",
        "-1",
        "1e400",
        "1.7976931348623157e308",
        "4.9e-324",
        "18446744073709551616",
        "-9223372036854775809",
        "0.1",
        "\"\"",
        "[]",
        "{}",
        "\"\\u0000\"",
        "\"\\ud800\"",
        "\"\\n\"",
        "\"format\"",
        "\"neuroflow.graph\"",
        "\"version\"",
        "\"name\"",
        "\"description\"",
        "\"surface\"",
        "\"blueprint\"",
        "\"workflow\"",
        "\"category\"",
        "\"nodes\"",
        "\"edges\"",
        "\"blueprints\"",
        "\"agents\"",
        "\"id\"",
        "\"kind\"",
        "\"label\"",
        "\"position\"",
        "\"x\"",
        "\"y\"",
        "\"config\"",
        "\"source\"",
        "\"target\"",
        "\"sourceHandle\"",
        "\"targetHandle\"",
        "\"type\"",
        "\"data\"",
        "\"viewport\"",
        "\"removedNodes\"",
        "\"removedEdges\"",
        "\"changes\"",
        "\"graph\"",
        "\"save\"",
        "\"SAVE\"",
        "\"AUTOSAVE\"",
        "\"RESTORE\"",
        "\"IMPORT\"",
        "\"main\"",
        "\"error\"",
        "\"blueprintId\"",
        "\"00000000-0000-0000-0000-000000000001\"",
        "\"0190d3a0-0000-7000-8000-000000000000\"",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    words.extend(
        crate::structured::kind_names()
            .into_iter()
            .map(|k| format!("\"{k}\"")),
    );
    words.into_iter().map(String::into_bytes).collect()
}

/// One to sixteen random edits of `base` (bytes, dictionary words, a splice with `other`).
fn mutate(rng: &mut fastrand::Rng, base: &[u8], other: &[u8], dictionary: &[Vec<u8>]) -> Vec<u8> {
    let mut out = base.to_vec();
    let edits = 1 << rng.u32(..5);
    for _ in 0..edits.min(16) {
        let len = out.len();
        match rng.u8(..10) {
            0 if len > 0 => {
                let at = rng.usize(..len);
                out[at] ^= 1 << rng.u8(..8);
            }
            1 if len > 0 => {
                let at = rng.usize(..len);
                out[at] = *b"\"{}[],:\\0-e\n\xff\x00"
                    .get(rng.usize(..15))
                    .unwrap_or(&0);
            }
            2 if len > 0 => {
                let at = rng.usize(..len);
                let n = rng.usize(..=(len - at).min(64));
                out.drain(at..at + n);
            }
            3 => {
                let at = rng.usize(..=len);
                let n = rng.usize(..16);
                let bytes: Vec<u8> = (0..n).map(|_| rng.u8(..)).collect();
                out.splice(at..at, bytes);
            }
            4 if len > 0 => {
                let from = rng.usize(..len);
                let n = rng.usize(..=(len - from).min(256));
                let chunk = out[from..from + n].to_vec();
                let at = rng.usize(..=len);
                out.splice(at..at, chunk);
            }
            5 | 6 => {
                let word = &dictionary[rng.usize(..dictionary.len())];
                let at = rng.usize(..=len);
                if rng.bool() && at < len {
                    let end = (at + word.len()).min(len);
                    out.splice(at..end, word.iter().copied());
                } else {
                    out.splice(at..at, word.iter().copied());
                }
            }
            7 if !other.is_empty() => {
                let cut = rng.usize(..=len);
                let from = rng.usize(..other.len());
                out.truncate(cut);
                out.extend_from_slice(&other[from..]);
            }
            8 if len > 0 && rng.u8(..8) == 0 => {
                // A chunk repeated many times: long strings, long lists, deep nesting.
                let from = rng.usize(..len);
                let n = rng.usize(1..=(len - from).min(32));
                let chunk = out[from..from + n].to_vec();
                let times = 1 << rng.u32(4..17);
                let mut grown = Vec::with_capacity(len + n * times);
                grown.extend_from_slice(&out[..from]);
                for _ in 0..times {
                    grown.extend_from_slice(&chunk);
                }
                grown.extend_from_slice(&out[from..]);
                out = grown;
            }
            _ => {}
        }
        if out.len() > MAX_INPUT {
            out.truncate(MAX_INPUT);
        }
    }
    out
}
