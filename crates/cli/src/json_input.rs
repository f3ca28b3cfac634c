//! JSON from outside (graph files, `--input` as text, `@FILE` or `-`), bounded in bytes and in values before it is parsed into memory.

use std::cell::Cell;
use std::fmt;
use std::io::Read;
use std::path::Path;

use neuroflow_engine::file::{self, GraphFile, MAX_FILE_BYTES};
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::Value as Json;

/// The most bytes `--input` takes from a file or stdin (a graph file has the engine's
/// `MAX_FILE_BYTES`, the same 64 MiB).
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// The most JSON values (each scalar, array, object and key) a document may hold. Parsed, a
/// value costs about 64 bytes however short its text, so a 64 MiB file of `0,0,0,…` would
/// need some 2 GiB; 4 million values stay near 256 MiB, and a graph of the largest allowed
/// size (20,000 nodes, 40,000 edges) holds well under a million.
pub const MAX_VALUES: u64 = 4_000_000;

const MIB: u64 = 1024 * 1024;

/// Reads and parses a graph file within the byte and value limits.
pub fn read_graph(path: &Path) -> Result<GraphFile, String> {
    let shown = path.display();
    let bytes = read_bounded(path, MAX_FILE_BYTES)
        .map_err(|e| e.describe(&shown.to_string(), MAX_FILE_BYTES))?;
    check_values(&bytes).map_err(|e| format!("{shown} {e}"))?;
    file::parse(&bytes).map_err(|e| e.to_string())
}

/// The run input from `--input`: JSON text, `@FILE` (the file's JSON) or `-` (stdin's JSON).
pub fn read_input(arg: &str) -> Result<Json, String> {
    let (what, bytes) = if arg == "-" {
        let what = "--input - (stdin)".to_string();
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .take(MAX_INPUT_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("{what}: cannot read stdin: {e}"))?;
        if bytes.len() as u64 > MAX_INPUT_BYTES {
            return Err(format!(
                "{what} is larger than {} MiB, the limit",
                MAX_INPUT_BYTES / MIB
            ));
        }
        (what, bytes)
    } else if let Some(name) = arg.strip_prefix('@') {
        if name.is_empty() {
            return Err("--input @ needs a file name: --input @FILE".into());
        }
        let what = format!("--input @{name}");
        let bytes = read_bounded(Path::new(name), MAX_INPUT_BYTES)
            .map_err(|e| e.describe(&what, MAX_INPUT_BYTES))?;
        (what, bytes)
    } else {
        ("--input".to_string(), arg.as_bytes().to_vec())
    };
    check_values(&bytes).map_err(|e| format!("{what} {e}"))?;
    serde_json::from_slice(&bytes).map_err(|e| format!("{what} is not JSON: {e}"))
}

enum ReadError {
    Open(std::io::Error),
    TooLarge(u64),
    Read(std::io::Error),
}

impl ReadError {
    fn describe(&self, what: &str, limit: u64) -> String {
        match self {
            ReadError::Open(e) => format!("cannot open {what}: {e}"),
            ReadError::TooLarge(len) => format!(
                "{what} is {len} bytes; the limit is {limit} ({} MiB)",
                limit / MIB
            ),
            ReadError::Read(e) => format!("cannot read {what}: {e}"),
        }
    }
}

/// The file's bytes, refusing one over `limit` before reading it (and one that grows past it
/// while being read, such as a pipe or a device).
fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let file = std::fs::File::open(path).map_err(ReadError::Open)?;
    let meta = file.metadata().map_err(ReadError::Open)?;
    if meta.is_dir() {
        return Err(ReadError::Open(std::io::Error::other("it is a directory")));
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Read)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Counts the document's values without building them and refuses one over `MAX_VALUES`.
/// Syntax errors are left to the real parse, whose message says more.
fn check_values(bytes: &[u8]) -> Result<(), String> {
    let seen = Cell::new(0);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let counted = Count { seen: &seen }.deserialize(&mut de);
    if counted.is_err() && seen.get() > MAX_VALUES {
        return Err(format!(
            "holds more than {MAX_VALUES} JSON values, the limit (parsed it would need more memory than a run may take)"
        ));
    }
    Ok(())
}

/// A visitor that only counts: strings are borrowed or decoded into serde_json's one scratch
/// buffer, so counting allocates nothing per value.
#[derive(Clone, Copy)]
struct Count<'a> {
    seen: &'a Cell<u64>,
}

impl Count<'_> {
    fn bump<E: de::Error>(self) -> Result<(), E> {
        let n = self.seen.get() + 1;
        self.seen.set(n);
        if n > MAX_VALUES {
            return Err(E::custom("too many values"));
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for Count<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Count<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.bump()
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.bump()
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.bump()
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.bump()
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.bump()
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.bump()
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.bump()?;
        while seq.next_element_seed(self)?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.bump()?;
        while map.next_key_seed(self)?.is_some() {
            map.next_value_seed(self)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_with_too_many_values_are_refused_before_parsing() {
        let ok = format!("[{}0]", "0,".repeat(1000));
        assert!(check_values(ok.as_bytes()).is_ok());
        let many = format!("[{}0]", "0,".repeat(MAX_VALUES as usize));
        let err = check_values(many.as_bytes()).unwrap_err();
        assert!(err.contains("4000000 JSON values"), "{err}");
        let keys = format!(
            "{{{}\"k\":0}}",
            (0..MAX_VALUES / 2)
                .map(|i| format!("\"{i}\":0,"))
                .collect::<String>()
        );
        assert!(check_values(keys.as_bytes()).is_err());
    }

    #[test]
    fn syntax_errors_are_left_to_the_parse() {
        assert!(check_values(b"\x00 not json").is_ok());
        assert!(check_values("[".repeat(100_000).as_bytes()).is_ok());
        let err = read_input("{nope").unwrap_err();
        assert!(err.starts_with("--input is not JSON: "), "{err}");
    }

    #[test]
    fn input_reads_text_and_files() {
        assert_eq!(
            read_input(r#"{"a":[1,"x"]}"#).ok(),
            Some(serde_json::json!({"a": [1, "x"]}))
        );
        let dir = std::env::temp_dir().join(format!("nf-input-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("in.json");
        std::fs::write(&path, br#"[{"n": 1}]"#).unwrap();
        let arg = format!("@{}", path.display());
        assert_eq!(read_input(&arg).ok(), Some(serde_json::json!([{"n": 1}])));
        std::fs::write(&path, b"[1,").unwrap();
        let err = read_input(&arg).unwrap_err();
        assert!(
            err.starts_with(&format!("--input {arg} is not JSON: ")),
            "{err}"
        );
        let missing = format!("@{}", dir.join("none.json").display());
        let err = read_input(&missing).unwrap_err();
        assert!(
            err.starts_with(&format!("cannot open --input {missing}: ")),
            "{err}"
        );
        let err = read_input(&format!("@{}", dir.display())).unwrap_err();
        assert!(err.contains("directory"), "{err}");
        assert!(read_input("@").is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
