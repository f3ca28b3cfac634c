//! The budgets a jq program runs under: steps, stack depth, memory and a stop flag, metered from inside jaq.
//!
//! jaq cannot be interrupted from outside, but it looks up its compiled program through the
//! context's data (`HasLut::lut`) every time it evaluates a term: once per filter call, pipe
//! stage, path and update step, so once per value a pipeline passes along. That look-up is
//! where the budgets are counted. The native `range` (which yields values without evaluating
//! terms) and `fromjson` (whose parser recurses once per nesting level) are replaced by
//! metered versions. When a budget runs out the evaluation is unwound with `resume_unwind`
//! (which skips the panic hook, so nothing is printed) and caught where the program was
//! started; everything jaq held is dropped on the way.
//!
//! Memory is counted by the global allocator (`alloc_meter`) on the jq thread: live bytes
//! allocated minus freed there, read at every step against [`JQ_MEMORY_BUDGET_BYTES`]. One
//! allocation between two steps that would pass [`JQ_MEMORY_CEILING_BYTES`] is never made: the
//! thread raises its flag and parks for good, and the node side fails the node (see
//! `alloc_meter` for why it cannot unwind from there).

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};

use jaq_core::data::{DataT, HasLut};
use jaq_core::native::{v, Fun};
use jaq_core::{Cv, Error, Exn, Native, ValXs};
use jaq_json::Val;

use super::MAX_DEPTH;
use crate::alloc_meter;

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

/// Memory one program run's values may take on the jq thread (per item in `each` mode, over
/// all items in `all` mode), checked at every step: what it holds above what it had at its
/// first step, so neither its input nor the results already set aside count (those are held to
/// the output budget).
pub const JQ_MEMORY_BUDGET_BYTES: usize = 256 * 1024 * 1024;

/// What one allocation may take the program's memory to, between two steps: twice the budget,
/// so that a value doubling step by step is caught at a step (and unwound, freeing it) and only
/// a single huge allocation (`"x" * 10000000000`) parks the thread, holding less than this for
/// good.
pub const JQ_MEMORY_CEILING_BYTES: usize = 2 * JQ_MEMORY_BUDGET_BYTES;

/// Which budget stopped a program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tripped {
    Steps,
    Recursion,
    Memory,
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
            Tripped::Memory => format!(
                "jq memory budget of {} MiB exceeded (the program's values grow too large)",
                JQ_MEMORY_BUDGET_BYTES / (1024 * 1024)
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
    /// The jq thread's live bytes at the program's first step, plus the results set aside
    /// since; `None` before that step.
    memory_base: Cell<Option<isize>>,
}

impl<'s> Fuel<'s> {
    /// Starts metering from the caller's frame; `stop` ends the program at its next step.
    /// Memory is counted from the first step, so converting the input is not.
    pub fn new(max_steps: u64, max_stack: usize, stop: &'s AtomicBool) -> Self {
        alloc_meter::set_ceiling(isize::MAX);
        Self {
            steps: Cell::new(0),
            max_steps,
            stop,
            stack_top: stack_address(),
            max_stack,
            memory_base: Cell::new(None),
        }
    }

    /// Live bytes the program holds above its base; the base is taken at the first call.
    fn memory_held(&self) -> isize {
        let live = alloc_meter::live_bytes();
        match self.memory_base.get() {
            Some(base) => live.saturating_sub(base),
            None => {
                self.rebase(live);
                0
            }
        }
    }

    fn rebase(&self, base: isize) {
        self.memory_base.set(Some(base));
        alloc_meter::set_ceiling(base.saturating_add(JQ_MEMORY_CEILING_BYTES as isize));
    }

    /// Runs `f`, which turns a result into an item, leaving out of the memory budget what it
    /// keeps: results are held to the output budget. The ceiling still holds while it runs
    /// (a value whose parts are shared can take far more room once converted).
    pub fn set_aside<T>(&self, f: impl FnOnce() -> T) -> T {
        let before = alloc_meter::live_bytes();
        let result = f();
        if let Some(base) = self.memory_base.get() {
            let kept = alloc_meter::live_bytes().saturating_sub(before);
            self.rebase(base.saturating_add(kept.max(0)));
        }
        result
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
        if self.memory_held() > JQ_MEMORY_BUDGET_BYTES as isize {
            trip(Tripped::Memory);
        }
    }
}

impl Drop for Fuel<'_> {
    /// The ceiling is the program's: what the thread does after it (sending its results) is
    /// not held to it.
    fn drop(&mut self) {
        alloc_meter::set_ceiling(isize::MAX);
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
            Err(payload) if payload.is::<jaq_json::write::TooDeepToPrint>() => format!(
                "jq cannot print a value nested deeper than {} levels",
                jaq_json::write::MAX_PRINT_DEPTH
            ),
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
