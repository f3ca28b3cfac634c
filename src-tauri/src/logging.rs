//! The app's log: `neuroflow.log` in the OS log folder (the previous run's kept as `neuroflow.1.log` once it passes 5 MB), also on stderr, at the levels `NEUROFLOW_LOG` names (default `info,sqlx=warn`).

use std::fs::{self, File, OpenOptions};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Mutex;

use tracing::Level;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt;
use tracing_subscriber::prelude::*;

/// The log file's name in the log folder.
pub const FILE_NAME: &str = "neuroflow.log";
/// Past this size at start, the file is moved aside (one old file kept), so a log never grows
/// without end.
pub const ROTATE_BYTES: u64 = 5 * 1024 * 1024;

/// The levels: `NEUROFLOW_LOG` when it parses (e.g. `debug`, `info,neuroflow_sync=debug`), else
/// info, with the database driver's per-statement lines kept to warnings.
fn levels() -> Targets {
    std::env::var("NEUROFLOW_LOG")
        .ok()
        .and_then(|spec| Targets::from_str(&spec).ok())
        .unwrap_or_else(|| {
            Targets::new()
                .with_default(Level::INFO)
                .with_target("sqlx", Level::WARN)
        })
}

/// Opens the log file in `dir`, moving a big one aside first.
pub fn open_file(dir: &Path) -> std::io::Result<(File, PathBuf)> {
    fs::create_dir_all(dir)?;
    let path = dir.join(FILE_NAME);
    if fs::metadata(&path).is_ok_and(|m| m.len() > ROTATE_BYTES) {
        fs::rename(&path, dir.join("neuroflow.1.log"))?;
    }
    let file = OpenOptions::new().create(true).append(true).open(&path)?;
    Ok((file, path))
}

/// Starts logging to `dir` (and stderr). Without a writable folder the app still logs to stderr,
/// and says why once.
pub fn start(dir: Option<&Path>) {
    let file = dir.map(open_file);
    let stderr = fmt::layer().with_writer(std::io::stderr).with_ansi(false);
    let registry = tracing_subscriber::registry().with(levels()).with(stderr);
    let (file_layer, problem) = match file {
        Some(Ok((f, _))) => (
            Some(fmt::layer().with_writer(Mutex::new(f)).with_ansi(false)),
            None,
        ),
        Some(Err(e)) => (None, Some(format!("the log file cannot be written: {e}"))),
        None => (None, Some("the OS gives no log folder".to_string())),
    };
    // A second start (tests) keeps the first subscriber.
    if registry.with(file_layer).try_init().is_ok() {
        if let Some(problem) = problem {
            tracing::warn!("{problem}; logging to stderr only");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_big_log_is_moved_aside_at_start_and_a_small_one_kept() {
        let dir = std::env::temp_dir().join(format!("neuroflow-log-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let (_, path) = open_file(&dir).expect("open");
        fs::write(&path, b"small").expect("write");
        let (_, again) = open_file(&dir).expect("open again");
        assert_eq!(fs::read(&again).expect("read"), b"small");
        fs::write(&path, vec![b'x'; ROTATE_BYTES as usize + 1]).expect("write big");
        open_file(&dir).expect("rotate");
        assert_eq!(fs::metadata(&path).expect("new").len(), 0);
        assert_eq!(
            fs::metadata(dir.join("neuroflow.1.log"))
                .expect("old kept")
                .len(),
            ROTATE_BYTES + 1
        );
        let _ = fs::remove_dir_all(&dir);
    }
}
