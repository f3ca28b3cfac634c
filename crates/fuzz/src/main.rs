//! `neuroflow-fuzz TARGET`: fuzzes one target for a while from its corpus and prints a summary
//! (scripts/fuzz.sh runs every target this way).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use neuroflow_fuzz::drive::{self, Options};
use neuroflow_fuzz::{target, TARGETS};

const USAGE: &str = "usage: neuroflow-fuzz TARGET [--seconds N] [--cases N] [--seed N] \
[--corpus DIR] [--save-new DIR] [--artifacts DIR]";

fn main() -> ExitCode {
    match fuzz(std::env::args().skip(1).collect()) {
        Ok(clean) => {
            if clean {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("neuroflow-fuzz: {e}");
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn fuzz(args: Vec<String>) -> Result<bool, String> {
    let mut args = args.into_iter();
    let name = args.next().ok_or("no target")?;
    let target = target(&name).ok_or_else(|| {
        let names: Vec<_> = TARGETS.iter().map(|(n, _)| *n).collect();
        format!("no target '{name}'; the targets are {}", names.join(", "))
    })?;
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut corpus_dir = here.join("corpus").join(&name);
    let mut artifacts = here.join("artifacts").join(&name);
    let mut save_new = None;
    let mut seconds = None;
    let mut cases = None;
    let mut seed = None;
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--seconds" => seconds = Some(number(&value()?)?),
            "--cases" => cases = Some(number(&value()?)?),
            "--seed" => seed = Some(number(&value()?)?),
            "--corpus" => corpus_dir = PathBuf::from(value()?),
            "--artifacts" => artifacts = PathBuf::from(value()?),
            "--save-new" => save_new = Some(PathBuf::from(value()?)),
            other => return Err(format!("unknown option {other}")),
        }
    }
    if seconds.is_none() && cases.is_none() {
        seconds = Some(60);
    }
    // A fresh seed each run unless one is given; it is printed so a run can be repeated.
    let seed = seed.unwrap_or_else(|| fastrand::u64(..));
    let corpus = drive::load_corpus(&corpus_dir)
        .map_err(|e| format!("cannot read {}: {e}", corpus_dir.display()))?;
    println!(
        "target {name}: seed {seed}, {} corpus inputs from {}",
        corpus.len(),
        corpus_dir.display()
    );
    let summary = drive::run(
        target,
        Options {
            seed,
            time: seconds.map(Duration::from_secs),
            cases,
            corpus: corpus.into_iter().map(|(_, b)| b).collect(),
            save_new,
        },
    )
    .map_err(|e| format!("cannot save an input: {e}"))?;
    let secs = summary.elapsed.as_secs_f64().max(0.001);
    println!(
        "target {name}: {} executions in {:.0} s ({:.0}/s), {} distinct outcomes, {} seeds, slowest {} ms, {} findings",
        summary.executions,
        secs,
        summary.executions as f64 / secs,
        summary.outcomes,
        summary.seeds,
        summary.slowest.as_millis(),
        summary.findings.len()
    );
    if summary.slowest > Duration::from_secs(1) {
        save(&artifacts, "slow", &summary.slowest_input)?;
    }
    for f in &summary.findings {
        let path = save(&artifacts, "crash", &f.input)?;
        println!(
            "FINDING ({} times; smallest input {} bytes at {}): {}",
            f.count,
            f.input.len(),
            path.display(),
            f.message.chars().take(400).collect::<String>()
        );
    }
    Ok(summary.findings.is_empty())
}

fn number(s: &str) -> Result<u64, String> {
    s.parse()
        .map_err(|_| format!("'{s}' is not a whole number"))
}

fn save(dir: &std::path::Path, what: &str, input: &[u8]) -> Result<PathBuf, String> {
    let path = dir.join(format!("{what}-{}", drive::name_of(input)));
    std::fs::create_dir_all(dir)
        .and_then(|()| std::fs::write(&path, input))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}
