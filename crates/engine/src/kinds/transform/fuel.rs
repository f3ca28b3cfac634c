//! The budgets a jq program runs under: steps, stack depth and a stop flag, metered from inside jaq.
//!
//! jaq cannot be interrupted from outside, but it looks up its compiled program through the
//! context's data (`HasLut::lut`) every time it evaluates a term: once per filter call, pipe
//! stage, path and update step, so once per value a pipeline passes along. That look-up is
//! where the budgets are counted. The native `range` (which yields values without evaluating
//! terms) and `fromjson` (whose parser recurses once per nesting level) are replaced by
//! metered versions. When a budget runs out the evaluation is unwound with `resume_unwind`
//! (which skips the panic hook, so nothing is printed) and caught where the program was
//! started; everything jaq held is dropped on the way.

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};

use jaq_core::data::{DataT, HasLut};
use jaq_core::native::{v, Fun};
use jaq_core::{Cv, Error, Exn, Native, ValXs};
use jaq_json::Val;

use super::MAX_DEPTH;

// A spent budget unwinds out of jaq; with `panic = "abort"` it would end the process instead.
#[cfg(panic = "abort")]
compile_error!("the jq budgets unwind out of jaq: build neuroflow-engine with panic = \"unwind\"");

/// Term evaluations one program run may make (per item in `each` mode, over all items in
/// `all` mode): seconds of work, far beyond what reshaping data needs, and it also bounds how
/// long and deep values can grow.
pub const JQ_STEP_BUDGET: u64 = 10_000_000;

/// Stack jq's own recursion may use (`def f: 1 + f; f`): thousands of levels in a debug
/// build, tens of thousands in a release build.
pub const JQ_RECURSION_STACK_BYTES: usize = 64 * 1024 * 1024;

/// The jq thread's stack: the recursion budget plus room for jaq's native recursion over
/// deep values (comparing, printing, dropping them) below it. Only touched pages are used.
pub const JQ_THREAD_STACK_BYTES: usize = 1024 * 1024 * 1024;

/// Which budget stopped a program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tripped {
    Steps,
    Recursion,
    Stopped,
}

impl Tripped {
    pub fn message(self) -> String {
        match self {
            Tripped::Steps => format!(
                "jq step budget of {JQ_STEP_BUDGET} exceeded (the program runs too long or forever)"
            ),
            Tripped::Recursion => format!(
                "jq recursion limit exceeded (the program nests deeper than its {} MiB of stack)",
                JQ_RECURSION_STACK_BYTES / (1024 * 1024)
            ),
            Tripped::Stopped => "the jq program was stopped".to_string(),
        }
    }
}

/// What one program run has spent; lives on the jq thread, read at every step.
pub struct Fuel<'s> {
    steps: Cell<u64>,
    max_steps: u64,
    stop: &'s AtomicBool,
    /// An address near the top of the jq thread's stack: how far below it the current frame
    /// lies is the stack in use (stacks grow down on every platform the app ships on).
    stack_top: usize,
    max_stack: usize,
}

impl<'s> Fuel<'s> {
    /// Starts metering from the caller's frame; `stop` ends the program at its next step.
    pub fn new(max_steps: u64, max_stack: usize, stop: &'s AtomicBool) -> Self {
        Self {
            steps: Cell::new(0),
            max_steps,
            stop,
            stack_top: stack_address(),
            max_stack,
        }
    }

    /// Counts one step and unwinds the evaluation when a budget is spent.
    pub fn tick(&self) {
        let n = self.steps.get() + 1;
        self.steps.set(n);
        if n > self.max_steps {
            trip(Tripped::Steps);
        }
        if self.stop.load(Ordering::Relaxed) {
            trip(Tripped::Stopped);
        }
        if self.stack_top.saturating_sub(stack_address()) > self.max_stack {
            trip(Tripped::Recursion);
        }
    }
}

#[inline(never)]
fn stack_address() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

fn trip(why: Tripped) -> ! {
    std::panic::resume_unwind(Box::new(why))
}

/// Runs `f`, turning a spent budget into its message. A panic that is not a budget (a bug
/// in jaq) becomes an error too, instead of taking the node's thread down unreported.
pub fn metered<T>(f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(payload) => Err(match payload.downcast::<Tripped>() {
            Ok(why) => why.message(),
            Err(_) => "the jq program failed inside jaq".to_string(),
        }),
    }
}

/// jq programs over JSON values whose every step is metered.
pub struct Metered;

impl DataT for Metered {
    type V<'a> = Val;
    type Data<'a> = Meter<'a>;
}

/// The context data jaq hands around: the compiled program and the fuel it burns.
#[derive(Clone, Copy)]
pub struct Meter<'a> {
    pub lut: &'a jaq_core::Lut<Metered>,
    pub fuel: &'a Fuel<'a>,
}

impl<'a> HasLut<'a, Metered> for Meter<'a> {
    fn lut(&self) -> &'a jaq_core::Lut<Metered> {
        self.fuel.tick();
        self.lut
    }
}

/// Native filters that replace the standard ones of the same name and arity.
pub fn replacements() -> [Fun<Metered>; 2] {
    [
        ("range", v(3), Native::<Metered>::new(|cv| range(cv))),
        ("fromjson", v(0), Native::<Metered>::new(|cv| fromjson(cv))),
    ]
}

/// `range($from; $to; $by)`, as jaq's own but counting one step per value.
fn range<'a>(mut cv: Cv<'a, Metered>) -> ValXs<'a, <Metered as DataT>::V<'a>> {
    use std::cmp::Ordering::{Equal, Greater, Less};
    let fuel = cv.0.data().fuel;
    let by = cv.0.pop_var();
    let to = cv.0.pop_var();
    let from = cv.0.pop_var();
    let rising = by.partial_cmp(&Val::from(0isize)).unwrap_or(Equal);
    let mut next: Option<Val> = Some(from);
    Box::new(std::iter::from_fn(move || {
        let x = next.take()?;
        let more = match rising {
            Greater => x < to,
            Less => x > to,
            Equal => x != to,
        };
        if !more {
            return None;
        }
        fuel.tick();
        match x.clone() + by.clone() {
            Ok(after) => {
                next = Some(after);
                Some(Ok(x))
            }
            Err(e) => Some(Err(Exn::from(e))),
        }
    }))
}

/// `fromjson`, refusing text nested deeper than results may be before parsing it: jaq's
/// parser recurses once per level and would overflow the stack on `"[" * 1e6`.
fn fromjson<'a>(cv: Cv<'a, Metered>) -> ValXs<'a, <Metered as DataT>::V<'a>> {
    let fail = |msg: String| -> ValXs<'a, Val> {
        Box::new(std::iter::once(Err(Exn::from(Error::str(msg)))))
    };
    let bytes = match &cv.1 {
        Val::TStr(b) | Val::BStr(b) => b.clone(),
        other => return fail(format!("cannot parse {} as JSON", clip(&other.to_string()))),
    };
    if nesting(&bytes) > MAX_DEPTH {
        return fail(format!(
            "cannot parse text nested deeper than {MAX_DEPTH} as JSON"
        ));
    }
    let values: Vec<_> = jaq_json::read::parse_many(&bytes)
        .map(|r| r.map_err(|e| Exn::from(Error::str(format!("cannot parse as JSON: {e}")))))
        .collect();
    Box::new(values.into_iter())
}

/// How deep brackets nest in JSON text, strings skipped.
fn nesting(text: &[u8]) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let (mut in_string, mut escaped) = (false, false);
    for &b in text {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

fn clip(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::nesting;

    #[test]
    fn nesting_counts_brackets_outside_strings() {
        assert_eq!(nesting(b"1"), 0);
        assert_eq!(nesting(b"[[1], {\"a\": [2]}]"), 3);
        assert_eq!(nesting(br#"["[[[[", "\"[[[", {"k": "}}}"}]"#), 2);
        assert_eq!(nesting("[".repeat(1000).as_bytes()), 1000);
    }
}
