//! JSON from outside (graph files, `--input` as text, `@FILE` or `-`), bounded in bytes and in the memory it would take, estimated before it is parsed.

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

/// The most memory a run input may take once parsed, as `parsed_cost` estimates it. Parsed
/// JSON is far larger than its text: a value takes 32 bytes (more as its array grows), and an
/// object with a key allocates a B-tree node of some 640 bytes, so the 8 bytes of `{"a":0}`
/// become some 700 and a 10 MB file of them needs 900 MB.
pub const MAX_PARSED_BYTES: u64 = 256 * MIB;

/// The same for a graph file, whose size the engine's node and edge limits bound too: a
/// 100,000-node chain (the largest graph allowed) is estimated under this, and takes some
/// 340 MB to read and validate and 500 MB to run in full.
pub const MAX_GRAPH_PARSED_BYTES: u64 = 640 * MIB;

/// What `parsed_cost` counts for each value (its `Value`, with room for its array's growth),
/// each key (its `String` besides its text) and each object's first B-tree node.
const VALUE_COST: u64 = 48;
const OBJECT_COST: u64 = 640;

const MIB: u64 = 1024 * 1024;

/// Reads and parses a graph file within the byte and value limits.
pub fn read_graph(path: &Path) -> Result<GraphFile, String> {
    let shown = path.display();
    let bytes = read_bounded(path, MAX_FILE_BYTES)
        .map_err(|e| e.describe(&shown.to_string(), MAX_FILE_BYTES))?;
    check_parsed_size(&bytes, MAX_GRAPH_PARSED_BYTES).map_err(|e| format!("{shown} {e}"))?;
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
    check_parsed_size(&bytes, MAX_PARSED_BYTES).map_err(|e| format!("{what} {e}"))?;
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

/// Estimates the document's parsed size without building it and refuses one over `budget`.
/// Syntax errors are left to the real parse, whose message says more.
fn check_parsed_size(bytes: &[u8], budget: u64) -> Result<(), String> {
    let cost = Cell::new(0);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let counted = Count {
        cost: &cost,
        budget,
    }
    .deserialize(&mut de);
    if counted.is_err() && cost.get() > budget {
        return Err(format!(
            "would take more than {} MiB of memory once parsed, the limit (it holds too many small values or objects)",
            budget / MIB
        ));
    }
    Ok(())
}

/// A visitor that only adds up costs: strings are borrowed or decoded into serde_json's one
/// scratch buffer, so counting allocates nothing per value.
#[derive(Clone, Copy)]
struct Count<'a> {
    cost: &'a Cell<u64>,
    budget: u64,
}

impl Count<'_> {
    fn add<E: de::Error>(self, bytes: u64) -> Result<(), E> {
        let n = self.cost.get().saturating_add(bytes);
        self.cost.set(n);
        if n > self.budget {
            return Err(E::custom("too large once parsed"));
        }
        Ok(())
    }

    fn bump<E: de::Error>(self) -> Result<(), E> {
        self.add(VALUE_COST)
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

    fn visit_str<E: de::Error>(self, text: &str) -> Result<(), E> {
        self.add(VALUE_COST + text.len() as u64)
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
        let mut first = true;
        while map.next_key_seed(self)?.is_some() {
            if std::mem::take(&mut first) {
                self.add(OBJECT_COST)?;
            }
            map.next_value_seed(self)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_too_large_once_parsed_are_refused_before_parsing() {
        let ok = format!("[{}0]", "0,".repeat(1000));
        assert!(check_parsed_size(ok.as_bytes(), MAX_PARSED_BYTES).is_ok());
        // 12 MB of text, some 270 MiB parsed.
        let numbers = format!("[{}0]", "0,".repeat(6_000_000));
        let err = check_parsed_size(numbers.as_bytes(), MAX_PARSED_BYTES).unwrap_err();
        assert!(
            err.contains("more than 256 MiB of memory once parsed"),
            "{err}"
        );
        // 3 MB of text, over 256 MiB parsed: each object allocates its B-tree node.
        let objects = format!("[{}{{}}]", "{\"a\":0},".repeat(400_000));
        assert!(check_parsed_size(objects.as_bytes(), MAX_PARSED_BYTES).is_err());
        let empty_objects = format!("[{}{{}}]", "{},".repeat(400_000));
        assert!(check_parsed_size(empty_objects.as_bytes(), MAX_PARSED_BYTES).is_ok());
        // Long strings cost their length: 60 MiB of text in 100 strings passes.
        let strings = format!(
            "[{}\"\"]",
            format!("\"{}\",", "x".repeat(60 * 1024 * 1024 / 100)).repeat(100)
        );
        assert!(check_parsed_size(strings.as_bytes(), MAX_PARSED_BYTES).is_ok());
    }

    #[test]
    fn syntax_errors_are_left_to_the_parse() {
        assert!(check_parsed_size(b"\x00 not json", MAX_PARSED_BYTES).is_ok());
        assert!(check_parsed_size("[".repeat(100_000).as_bytes(), MAX_PARSED_BYTES).is_ok());
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
