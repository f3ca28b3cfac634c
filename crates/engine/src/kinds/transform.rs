//! `data.transform`: reshapes items with a jq program (jaq), per item or once over all items.
//! Filters that reach outside the data (`env`, `input`) are left out on purpose. Programs run
//! on a thread of their own under the budgets of `fuel`, and are abandoned, not awaited,
//! when the node times out or the run ends.

mod fuel;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use jaq_core::load::{Arena, File, Loader};
use jaq_core::{Compiler, Ctx, Vars};
use jaq_json::Val;
use serde_json::{Map, Number, Value as Json};
use tokio::sync::oneshot;

pub use fuel::{
    JQ_MEMORY_BUDGET_BYTES, JQ_MEMORY_CEILING_BYTES, JQ_RECURSION_STACK_BYTES, JQ_STEP_BUDGET,
    JQ_THREAD_STACK_BYTES,
};

use super::{NodeCall, NodeFuture, NodeOutput, NodeRun};
use crate::alloc_meter;
use crate::error::NodeError;
use crate::limits::approx_size;
use fuel::{metered, Fuel, Meter, Metered, Tripped};

/// A jq program that yields more items than this fails rather than filling memory.
pub const MAX_JQ_OUTPUTS: usize = 100_000;

/// A jq program whose results (as JSON, estimated) pass this fails rather than filling memory.
pub const MAX_JQ_OUTPUT_BYTES: usize = 256 * 1024 * 1024;

/// Filters a graph must not reach: the process environment (where the CLI keeps API keys)
/// and stdin. `halt` stays (the standard library uses it) but only ends the program.
const DENIED: &[&str] = &["env", "input", "inputs"];

type JqFilter = jaq_core::Filter<Metered>;

pub fn run(call: Arc<NodeCall>) -> NodeFuture {
    Box::pin(async move {
        let stop = Arc::new(AtomicBool::new(false));
        // A node timeout, a cancel or the run's end drops this future: the flag then ends the
        // program at its next step, and nobody waits for its thread.
        let _stop = StopOnDrop(Arc::clone(&stop));
        let refused = Arc::new(AtomicBool::new(false));
        let done = spawn_jq(stop, Arc::clone(&refused), move |stop| {
            transform(&call, stop)
        })?;
        answer(done, &refused).await?
    })
}

/// How often the node side looks at the jq thread's refused-allocation flag.
const REFUSED_POLL: Duration = Duration::from_millis(20);

/// The jq thread's answer; or, once its flag says an allocation over the memory ceiling was
/// refused and the thread parked for good, the memory budget's failure. The parked thread is
/// left behind as on a timeout, holding less than the ceiling until the process exits (which
/// does not wait for it); the failure is not retried, as each attempt would park another.
async fn answer<T>(mut done: oneshot::Receiver<T>, refused: &AtomicBool) -> Result<T, NodeError> {
    let mut poll = tokio::time::interval(REFUSED_POLL);
    loop {
        tokio::select! {
            answer = &mut done => {
                return answer.map_err(|_| {
                    NodeError::from("the jq program's thread ended without an answer")
                });
            }
            _ = poll.tick() => {
                if refused.load(Ordering::SeqCst) {
                    return Err(NodeError::permanent(Tripped::Memory.message()));
                }
            }
        }
    }
}

/// Sets the flag when dropped.
struct StopOnDrop(Arc<AtomicBool>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Starts `work` on a detached thread with the jq stack: jq is CPU work that cannot yield,
/// and a `spawn_blocking` task would keep the runtime (and the process) alive until it ended.
/// The thread's allocations are counted for the memory budget; `refused` is raised if one
/// over the ceiling was refused (the thread is then parked).
fn spawn_jq<T: Send + 'static>(
    stop: Arc<AtomicBool>,
    refused: Arc<AtomicBool>,
    work: impl FnOnce(&AtomicBool) -> T + Send + 'static,
) -> Result<oneshot::Receiver<T>, String> {
    let (tx, rx) = oneshot::channel();
    std::thread::Builder::new()
        .name("neuroflow-jq".into())
        .stack_size(JQ_THREAD_STACK_BYTES)
        .spawn(move || {
            let _metered = alloc_meter::metered_thread(refused, Arc::clone(&stop));
            // The receiver is gone when the node was abandoned; the answer is then moot.
            let _ = tx.send(work(&stop));
        })
        .map_err(|e| format!("the jq program could not start a thread: {e}"))?;
    Ok(rx)
}

fn transform(call: &NodeCall, stop: &AtomicBool) -> NodeRun {
    let code = call
        .str_config("expression")
        .ok_or("config.expression must be a jq program")?;
    let filter = compile(code)?;
    let fuel = || Fuel::new(JQ_STEP_BUDGET, JQ_RECURSION_STACK_BYTES, stop);
    let mut out = Outputs::default();
    match call.str_config("mode").unwrap_or("each") {
        // Each item has the whole step budget: a big batch of items is not an endless
        // program. The output budget stays shared by all of them.
        "each" => {
            for item in call.items.iter() {
                apply(&filter, &fuel(), item.to_json(), &mut out)?;
            }
        }
        "all" => {
            let all = Json::Array(call.items.iter().map(crate::value::Val::to_json).collect());
            apply(&filter, &fuel(), all, &mut out)?;
            // A program over all items that returns one array gives those elements as items.
            out.items = match <[Json; 1]>::try_from(out.items) {
                Ok([Json::Array(items)]) => items,
                Ok([single]) => vec![single],
                Err(many) => many,
            };
        }
        other => {
            return Err(NodeError::permanent(format!(
                "config.mode '{other}' is not each or all"
            )))
        }
    }
    Ok(NodeOutput::main(crate::value::vals(out.items)))
}

/// Results so far, counted against the output budgets.
#[derive(Default)]
struct Outputs {
    items: Vec<Json>,
    bytes: usize,
}

impl Outputs {
    /// Refuses a result whose JSON would pass what is left of the output budget, before it
    /// is made: a jq value can share its parts (`{a: ., b: .}` forty times over is a few
    /// hundred bytes in jaq and a terabyte as JSON), so its size is counted part by part,
    /// stopping as soon as the budget is passed.
    fn fits(&self, value: &Val) -> Result<(), String> {
        let mut left = MAX_JQ_OUTPUT_BYTES.saturating_sub(self.bytes);
        if spend_size(value, &mut left, 0) {
            Ok(())
        } else {
            Err(format!(
                "jq output budget exceeded: the results pass {} MiB",
                MAX_JQ_OUTPUT_BYTES / (1024 * 1024)
            ))
        }
    }

    fn push(&mut self, value: Json) -> Result<(), String> {
        if self.items.len() >= MAX_JQ_OUTPUTS {
            return Err(format!(
                "jq output budget exceeded: the program yielded more than {MAX_JQ_OUTPUTS} items"
            ));
        }
        self.bytes = self.bytes.saturating_add(approx_size(&value));
        if self.bytes > MAX_JQ_OUTPUT_BYTES {
            return Err(format!(
                "jq output budget exceeded: the results pass {} MiB",
                MAX_JQ_OUTPUT_BYTES / (1024 * 1024)
            ));
        }
        self.items.push(value);
        Ok(())
    }
}

/// Parses and compiles a jq program; the message names what is wrong, on one line.
/// Checks that `code` compiles, on a thread with the jq thread's stack: jaq's parser recurses
/// on every operator, so a long chain (`- - - … 1`, `1 + 1 + …`) overflows an ordinary thread's
/// stack and would abort the process that validates it.
pub fn check(code: &str) -> Result<(), String> {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("neuroflow-jq-check".into())
            .stack_size(JQ_THREAD_STACK_BYTES)
            .spawn_scoped(scope, || compile(code).map(|_| ()))
            .map_err(|e| format!("the jq program could not be checked: {e}"))?
            .join()
            .map_err(|_| "the jq program could not be checked".to_string())?
    })
}

pub fn compile(code: &str) -> Result<JqFilter, String> {
    let defs = jaq_core::defs()
        .chain(jaq_std::defs())
        .chain(jaq_json::defs());
    let replaced = fuel::replacements();
    let names: Vec<(&str, usize)> = replaced.iter().map(|f| (f.0, f.1.len())).collect();
    let funs = jaq_core::funs()
        .chain(jaq_std::funs())
        .chain(jaq_json::funs())
        .filter(|f| !DENIED.contains(&f.0) && !names.contains(&(f.0, f.1.len())))
        .chain(replaced);
    let loader = Loader::new(defs);
    let arena = Arena::default();
    let modules = loader
        .load(&arena, File { code, path: () })
        .map_err(|errs| {
            let detail = errs
                .iter()
                .map(|(_, e)| match e {
                    jaq_core::load::Error::Io(_) => "modules cannot be loaded".to_string(),
                    jaq_core::load::Error::Lex(v) => v
                        .iter()
                        .map(|(expect, at)| {
                            format!("expected {} near '{}'", expect.as_str(), clip(at))
                        })
                        .collect::<Vec<_>>()
                        .join("; "),
                    jaq_core::load::Error::Parse(v) => v
                        .iter()
                        .map(|(expect, at)| {
                            format!("expected {} near '{}'", expect.as_str(), clip(at))
                        })
                        .collect::<Vec<_>>()
                        .join("; "),
                })
                .collect::<Vec<_>>()
                .join("; ");
            format!("the jq program does not parse: {detail}")
        })?;
    Compiler::default()
        .with_funs(funs)
        .compile(modules)
        .map_err(|errs| {
            let detail = errs
                .iter()
                .flat_map(|(_, es)| {
                    es.iter()
                        .map(|(name, what)| format!("{} '{}' is not defined", what.as_str(), name))
                })
                .collect::<Vec<_>>()
                .join("; ");
            format!("the jq program does not compile: {detail}")
        })
}

/// Runs `filter` on one input under `fuel`, adding its results to `out`.
fn apply(filter: &JqFilter, fuel: &Fuel, input: Json, out: &mut Outputs) -> Result<(), String> {
    let input: Val = serde_json::from_value(input).map_err(|e| format!("item is not JSON: {e}"))?;
    metered(|| {
        let meter = Meter {
            lut: &filter.lut,
            fuel,
        };
        let ctx = Ctx::<Metered>::new(meter, Vars::new([]));
        for result in filter.id.run((ctx, input)) {
            let value = result.map_err(|exn| match exn.get_err() {
                Ok(err) => {
                    let text = err.to_string();
                    // `error("msg")` carries a JSON string: show the message, not its quotes.
                    let text = serde_json::from_str::<String>(&text).unwrap_or(text);
                    format!("jq error: {}", one_line(&text))
                }
                Err(_) => "the jq program stopped (halt or break outside a label)".to_string(),
            })?;
            out.fits(&value)?;
            fuel.set_aside(|| out.push(to_json(&value)?))?;
        }
        Ok(())
    })
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn clip(s: &str) -> String {
    s.chars().take(30).collect()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Takes `v`'s approximate JSON size (as `approx_size` counts it) from `left`; false as soon as
/// it runs out, so a value of shared parts costs at most the budget's worth of counting. Values
/// nested deeper than `MAX_DEPTH` are left for `to_json` to refuse with its own message.
fn spend_size(v: &Val, left: &mut usize, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return true;
    }
    match v {
        Val::Null | Val::Bool(_) => take(left, 5),
        Val::Num(_) => take(left, 8),
        Val::TStr(b) | Val::BStr(b) => take(left, b.len() + 2),
        Val::Arr(items) => {
            take(left, 2)
                && items
                    .iter()
                    .all(|i| take(left, 1) && spend_size(i, left, depth + 1))
        }
        Val::Obj(map) => {
            take(left, 2)
                && map.iter().all(|(k, v)| {
                    let key = match k {
                        Val::TStr(b) | Val::BStr(b) => b.len(),
                        _ => 8,
                    };
                    take(left, key + 4) && spend_size(v, left, depth + 1)
                })
        }
    }
}

fn take(left: &mut usize, n: usize) -> bool {
    match left.checked_sub(n) {
        Some(rest) => {
            *left = rest;
            true
        }
        None => false,
    }
}

/// Results nested deeper than this are refused, as serde_json refuses such input: deeper
/// values would overflow the stack when converted, stored or written.
pub const MAX_DEPTH: usize = 128;

/// jaq's value as JSON: byte strings become text, non-string keys their JSON text,
/// non-finite numbers `null` (JSON has none).
pub fn to_json(v: &Val) -> Result<Json, String> {
    to_json_at(v, 0)
}

fn to_json_at(v: &Val, depth: usize) -> Result<Json, String> {
    if depth > MAX_DEPTH {
        return Err(format!(
            "the jq program built a value nested deeper than {MAX_DEPTH}"
        ));
    }
    Ok(match v {
        Val::Null => Json::Null,
        Val::Bool(b) => Json::Bool(*b),
        Val::Num(n) => number(n),
        Val::TStr(b) | Val::BStr(b) => Json::String(text(b)),
        Val::Arr(items) => Json::Array(
            items
                .iter()
                .map(|i| to_json_at(i, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        Val::Obj(map) => Json::Object(
            map.iter()
                .map(|(k, v)| {
                    let key = match k {
                        Val::TStr(b) | Val::BStr(b) => text(b),
                        other => other.to_string(),
                    };
                    Ok((key, to_json_at(v, depth + 1)?))
                })
                .collect::<Result<Map<_, _>, String>>()?,
        ),
    })
}

fn number(n: &jaq_json::Num) -> Json {
    use jaq_json::Num;
    match n {
        Num::Int(i) => Json::Number(Number::from(*i as i64)),
        Num::Float(f) => Number::from_f64(*f).map(Json::Number).unwrap_or(Json::Null),
        Num::BigInt(_) | Num::Dec(_) => {
            let s = n.to_string();
            s.parse::<i64>()
                .map(|i| Json::Number(i.into()))
                .ok()
                .or_else(|| {
                    s.parse::<f64>()
                        .ok()
                        .and_then(Number::from_f64)
                        .map(Json::Number)
                })
                .unwrap_or(Json::String(s))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn jq(code: &str, input: Json) -> Result<Vec<Json>, String> {
        let code = code.to_string();
        let never = Arc::new(AtomicBool::new(false));
        let done = spawn_jq(Arc::new(AtomicBool::new(false)), never, move |stop| {
            let f = compile(&code)?;
            let fuel = Fuel::new(JQ_STEP_BUDGET, JQ_RECURSION_STACK_BYTES, stop);
            let mut out = Outputs::default();
            apply(&f, &fuel, input, &mut out)?;
            Ok(out.items)
        })?;
        done.blocking_recv().map_err(|e| e.to_string())?
    }

    #[test]
    fn runs_jq_with_the_standard_library() {
        assert_eq!(jq(".a + 1", json!({"a": 1})).expect("ok"), vec![json!(2)]);
        assert_eq!(
            jq("[.[] | select(. > 1)] | map(. * 2)", json!([1, 2, 3])).expect("ok"),
            vec![json!([4, 6])]
        );
        assert_eq!(
            jq("{x: .s | ascii_upcase}", json!({"s": "a"})).expect("ok"),
            vec![json!({"x": "A"})]
        );
        assert_eq!(
            jq(".[]", json!([1.5, "x", null])).expect("ok"),
            vec![json!(1.5), json!("x"), json!(null)]
        );
    }

    #[test]
    fn errors_are_one_line_and_the_environment_is_out_of_reach() {
        assert!(jq(".a |||", json!({}))
            .expect_err("parse")
            .contains("does not parse"));
        assert!(jq("env", json!({}))
            .expect_err("denied")
            .contains("not defined"));
        assert!(jq("halt", json!({})).is_err());
        assert!(jq("error(\"boom\")", json!({}))
            .expect_err("error")
            .contains("boom"));
        assert!(jq("repeat(1)", json!(null))
            .expect_err("bounded")
            .contains("more than"));
    }
}
