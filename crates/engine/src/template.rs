//! minijinja over items: which config strings are templates, compiling them once per node
//! run and rendering them per item. `"{{ expr }}"` alone keeps the expression's JSON type.

use std::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, LazyLock};
use std::time::Duration;

use minijinja::{Environment, Error, Expression, Template, UndefinedBehavior, Value};
use serde_json::Value as Json;

use crate::alloc_meter;
use crate::limits::approx_size;

/// Instruction budget of one render: a template that loops forever fails instead of hanging.
pub const FUEL: u64 = 2_000_000;

/// Most text one render may produce, and the largest value a sole expression may give.
pub const MAX_RENDER_BYTES: usize = 16 * 1024 * 1024;

/// Most text a `namespace()` may hold while a render runs: fuel counts instructions, not
/// bytes, so `{% set ns.s = ns.s ~ ns.s %}` in a loop would double its way to gigabytes.
pub const MAX_NAMESPACE_BYTES: usize = 16 * 1024 * 1024;

/// Memory a render with statements (`{% for %}`, `{% set %}`) may hold: fuel counts
/// instructions, not bytes, and a loop over a list can double a namespace's text forty times
/// in forty instructions. Such renders run on a thread of their own whose allocations are
/// counted; one that would pass this is never made, and the thread is left asleep.
pub const STATEMENT_MEMORY_CEILING: usize = 128 * 1024 * 1024;

/// Threads left asleep by renders that passed `STATEMENT_MEMORY_CEILING`; past this many the
/// process refuses renders with statements rather than leave more memory behind.
const MAX_ABANDONED_RENDERS: usize = 4;
static ABANDONED_RENDERS: AtomicUsize = AtomicUsize::new(0);

static ENV: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    // A missing field (or a field of a missing field) renders as nothing, as in n8n.
    env.set_undefined_behavior(UndefinedBehavior::Chainable);
    env.set_fuel(Some(FUEL));
    env.add_function("namespace", watched_namespace);
    env.add_function("range", metered_range);
    env
});

thread_local! {
    /// The namespaces the render on this thread made, weighed at every `range` step.
    static NAMESPACES: RefCell<Vec<Value>> = const { RefCell::new(Vec::new()) };
    /// Set when a loop was cut short because its namespaces grew past their budget.
    static OVER_BUDGET: Cell<bool> = const { Cell::new(false) };
}

/// Brackets one render: what the last one watched is forgotten, and its verdict read.
struct Watch;

impl Watch {
    fn start() -> Self {
        NAMESPACES.with(|n| n.borrow_mut().clear());
        OVER_BUDGET.with(|o| o.set(false));
        Watch
    }

    fn over_budget(&self) -> Result<(), String> {
        if OVER_BUDGET.with(Cell::get) {
            Err(format!(
                "template budget exceeded: a namespace passed {} MiB",
                MAX_NAMESPACE_BYTES / (1024 * 1024)
            ))
        } else {
            Ok(())
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        NAMESPACES.with(|n| n.borrow_mut().clear());
    }
}

fn watched_namespace(defaults: Option<Value>) -> Result<Value, Error> {
    let ns = minijinja::functions::namespace(defaults)?;
    NAMESPACES.with(|n| n.borrow_mut().push(ns.clone()));
    Ok(ns)
}

/// minijinja's `range`, but a loop over it stops (and the render fails) once the render's
/// namespaces hold more than their budget: loops are how a template keeps doubling text.
fn metered_range(lower: isize, upper: Option<isize>, step: Option<isize>) -> Result<Value, Error> {
    let steps: Vec<Value> = minijinja::functions::range(lower, upper, step)?
        .try_iter()?
        .collect();
    Ok(Value::make_iterable(move || {
        steps.clone().into_iter().take_while(|_| {
            let fits = namespaces_fit();
            if !fits {
                OVER_BUDGET.with(|o| o.set(true));
            }
            fits
        })
    }))
}

fn namespaces_fit() -> bool {
    NAMESPACES.with(|n| {
        let mut bytes = 0usize;
        for ns in n.borrow().iter() {
            let Ok(keys) = ns.try_iter() else { continue };
            for key in keys {
                if let Ok(v) = ns.get_attr(key.as_str().unwrap_or_default()) {
                    bytes = bytes.saturating_add(weight(&v));
                }
            }
        }
        bytes <= MAX_NAMESPACE_BYTES
    })
}

/// About how many bytes a value holds: strings exactly, lists and maps by their length.
fn weight(v: &Value) -> usize {
    v.as_str()
        .map(str::len)
        .unwrap_or_else(|| v.len().unwrap_or(1).saturating_mul(16))
}

/// Collects rendered text, refusing to grow past `MAX_RENDER_BYTES`.
#[derive(Default)]
struct Capped {
    text: Vec<u8>,
    over: bool,
}

impl std::io::Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.text.len().saturating_add(buf.len()) > MAX_RENDER_BYTES {
            self.over = true;
            return Err(std::io::Error::other("render budget exceeded"));
        }
        self.text.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn render_budget_message() -> String {
    format!(
        "template budget exceeded: the result passes {} MiB",
        MAX_RENDER_BYTES / (1024 * 1024)
    )
}

/// The shared environment, borrowed for as long as the template source lives.
fn env<'a>() -> &'a Environment<'a> {
    &ENV
}

/// A config value with its templates compiled.
pub enum Tpl<'a> {
    Literal(&'a Json),
    Expr(Expression<'a, 'a>),
    Text(Template<'a, 'a>),
    Array(Vec<Tpl<'a>>),
    Object(Vec<(&'a str, Tpl<'a>)>),
}

fn one_line(e: impl std::fmt::Display) -> String {
    e.to_string()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether `s` holds template syntax at all.
pub fn is_template(s: &str) -> bool {
    s.contains("{{") || s.contains("{%")
}

/// The inner expression of a string that is exactly one `{{ … }}`.
fn sole_expression(s: &str) -> Option<&str> {
    let t = s.trim();
    let inner = t.strip_prefix("{{")?.strip_suffix("}}")?;
    if inner.contains("{{") || inner.contains("}}") || inner.contains("{%") {
        return None;
    }
    Some(inner.trim())
}

impl<'a> Tpl<'a> {
    pub fn compile(value: &'a Json) -> Result<Self, String> {
        Ok(match value {
            Json::String(s) if is_template(s) => match sole_expression(s) {
                Some(expr) => Tpl::Expr(env().compile_expression(expr).map_err(|e| {
                    format!("template '{}' does not parse: {}", clip(s), one_line(e))
                })?),
                None => Tpl::Text(env().template_from_str(s).map_err(|e| {
                    format!("template '{}' does not parse: {}", clip(s), one_line(e))
                })?),
            },
            Json::Array(items) if contains_template(value) => {
                Tpl::Array(items.iter().map(Tpl::compile).collect::<Result<_, _>>()?)
            }
            Json::Object(map) if contains_template(value) => Tpl::Object(
                map.iter()
                    .map(|(k, v)| Ok((k.as_str(), Tpl::compile(v)?)))
                    .collect::<Result<_, String>>()?,
            ),
            other => Tpl::Literal(other),
        })
    }

    /// The value itself when it holds no template.
    pub fn literal(&self) -> Option<&'a Json> {
        match self {
            Tpl::Literal(v) => Some(v),
            _ => None,
        }
    }

    pub fn render(&self, ctx: &Value) -> Result<Json, String> {
        Ok(match self {
            Tpl::Literal(v) => (*v).clone(),
            Tpl::Expr(expr) => {
                let watch = Watch::start();
                let v = expr
                    .eval(ctx)
                    .map_err(|e| format!("template failed: {}", one_line(e)))?;
                watch.over_budget()?;
                let json = to_json(&v)?;
                if approx_size(&json) > MAX_RENDER_BYTES {
                    return Err(render_budget_message());
                }
                json
            }
            Tpl::Text(t) => Json::String(render_text_bounded(t, ctx)?),
            Tpl::Array(items) => Json::Array(
                items
                    .iter()
                    .map(|t| t.render(ctx))
                    .collect::<Result<_, _>>()?,
            ),
            Tpl::Object(fields) => Json::Object(
                fields
                    .iter()
                    .map(|(k, t)| Ok(((*k).to_string(), t.render(ctx)?)))
                    .collect::<Result<_, String>>()?,
            ),
        })
    }

    /// Renders to text: a string as it is, anything else as compact JSON.
    pub fn render_text(&self, ctx: &Value) -> Result<String, String> {
        Ok(match self.render(ctx)? {
            Json::String(s) => s,
            other => other.to_string(),
        })
    }
}

/// Whether a template has a statement that can build text on text already built (a loop, an
/// assignment, a `with` block): only `if` branches and raw text cannot, and their
/// expressions are bounded by minijinja itself (a repeat of more than 100 M characters fails).
fn can_repeat(source: &str) -> bool {
    const HARMLESS: &[&str] = &["if", "elif", "else", "endif", "raw", "endraw"];
    source.match_indices("{%").any(|(at, _)| {
        let rest = source[at + 2..].trim_start_matches(['-', '+']).trim_start();
        let keyword: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        !HARMLESS.contains(&keyword.as_str())
    })
}

/// Renders a text template; one whose statements can repeat (see `can_repeat`) on a thread
/// whose memory is counted (`STATEMENT_MEMORY_CEILING`), any other in place.
fn render_text_bounded(t: &Template, ctx: &Value) -> Result<String, String> {
    if !can_repeat(t.source()) {
        return render_text(t, ctx);
    }
    if ABANDONED_RENDERS.load(Ordering::Relaxed) >= MAX_ABANDONED_RENDERS {
        return Err(format!(
            "template refused: {MAX_ABANDONED_RENDERS} earlier templates passed their memory \
             budget in this session; restart the app to run templates with statements again"
        ));
    }
    let source = t.source().to_owned();
    let ctx = ctx.clone();
    let refused = Arc::new(AtomicBool::new(false));
    let (tx, rx) = mpsc::channel();
    let flag = Arc::clone(&refused);
    std::thread::Builder::new()
        .name("neuroflow-template".into())
        .spawn(move || {
            let _metered = alloc_meter::metered_thread(flag, Arc::default());
            let ceiling = alloc_meter::live_bytes()
                .saturating_add(isize::try_from(STATEMENT_MEMORY_CEILING).unwrap_or(isize::MAX));
            alloc_meter::set_ceiling(ceiling);
            let rendered = env()
                .template_from_str(&source)
                .map_err(|e| format!("template failed: {}", one_line(e)))
                .and_then(|t| render_text(&t, &ctx));
            // The receiver is gone only when the caller gave up on this render.
            let _ = tx.send(rendered);
        })
        .map_err(|e| format!("the template could not start a thread: {e}"))?;
    loop {
        match rx.recv_timeout(Duration::from_millis(20)) {
            Ok(rendered) => return rendered,
            Err(mpsc::RecvTimeoutError::Timeout) if refused.load(Ordering::SeqCst) => {
                ABANDONED_RENDERS.fetch_add(1, Ordering::Relaxed);
                return Err(format!(
                    "template budget exceeded: it would hold more than {} MiB",
                    STATEMENT_MEMORY_CEILING / (1024 * 1024)
                ));
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err("the template's thread ended without an answer".into())
            }
        }
    }
}

/// Renders a text template into capped memory, under the namespace budget.
fn render_text(t: &Template, ctx: &Value) -> Result<String, String> {
    let watch = Watch::start();
    let mut out = Capped::default();
    let rendered = t.render_captured_to(ctx, &mut out);
    if out.over {
        return Err(render_budget_message());
    }
    rendered.map_err(|e| format!("template failed: {}", one_line(e)))?;
    watch.over_budget()?;
    Ok(String::from_utf8_lossy(&out.text).into_owned())
}

fn contains_template(value: &Json) -> bool {
    match value {
        Json::String(s) => is_template(s),
        Json::Array(items) => items.iter().any(contains_template),
        Json::Object(map) => map.values().any(contains_template),
        _ => false,
    }
}

/// Evaluates a bare minijinja expression (no braces), e.g. a condition.
pub struct Condition<'a>(Expression<'a, 'a>);

impl<'a> Condition<'a> {
    pub fn compile(source: &'a str) -> Result<Self, String> {
        let source = sole_expression(source).unwrap_or(source);
        env()
            .compile_expression(source)
            .map(Condition)
            .map_err(|e| {
                format!(
                    "expression '{}' does not parse: {}",
                    clip(source),
                    one_line(e)
                )
            })
    }

    pub fn test(&self, ctx: &Value) -> Result<bool, String> {
        self.0
            .eval(ctx)
            .map(|v| v.is_true())
            .map_err(|e| format!("expression failed: {}", one_line(e)))
    }
}

/// The context templates see: `item` (the current item), `index`, and `input` (the run's input).
pub fn item_context(item: &impl serde::Serialize, index: usize, input: &Value) -> Value {
    let item = Value::from_serialize(item);
    minijinja::context! {
        json => item.clone(),
        item => item,
        index => index,
        input => input.clone(),
    }
}

pub fn to_value(value: &impl serde::Serialize) -> Value {
    Value::from_serialize(value)
}

fn to_json(v: &Value) -> Result<Json, String> {
    if v.is_undefined() {
        return Ok(Json::Null);
    }
    serde_json::to_value(v).map_err(|e| format!("template value is not JSON: {}", one_line(e)))
}

fn clip(s: &str) -> String {
    let mut out: String = s.chars().take(60).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn render(t: &Json, item: Json) -> Json {
        let tpl = Tpl::compile(t).expect("compiles");
        tpl.render(&item_context(&item, 0, &Value::from(())))
            .expect("renders")
    }

    #[test]
    fn a_sole_expression_keeps_its_type_and_text_stays_text() {
        assert_eq!(
            render(&json!("{{ item.n + 1 }}"), json!({"n": 2})),
            json!(3)
        );
        assert_eq!(
            render(&json!("n={{ item.n }}"), json!({"n": 2})),
            json!("n=2")
        );
        assert_eq!(
            render(&json!({"a": ["{{ item.s | upper }}"]}), json!({"s": "x"})),
            json!({"a": ["X"]})
        );
        assert_eq!(
            render(&json!("{{ item.missing.deeper }}"), json!({})),
            json!(null)
        );
        assert_eq!(render(&json!(7), json!({})), json!(7));
    }

    #[test]
    fn bad_and_endless_templates_fail_with_a_message() {
        let bad = json!("{{ item. }}");
        assert!(Tpl::compile(&bad).is_err());
        let endless = json!("{% for i in range(100000000) %}{{ i }}{% endfor %}");
        let tpl = Tpl::compile(&endless).expect("compiles");
        let err = tpl
            .render(&item_context(&json!({}), 0, &Value::from(())))
            .expect_err("fuel");
        assert!(!err.contains('\n'), "{err}");
    }

    #[test]
    fn doubling_and_flooding_end_at_their_budgets() {
        let ctx = item_context(&json!({}), 0, &Value::from(()));
        let doubling = json!("{% set ns = namespace(s='x') %}{% for i in range(100) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s | length }}");
        let err = Tpl::compile(&doubling)
            .expect("compiles")
            .render(&ctx)
            .expect_err("budget");
        assert!(err.contains("namespace passed 16 MiB"), "{err}");
        let flood = json!("{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}");
        let err = Tpl::compile(&flood)
            .expect("compiles")
            .render(&ctx)
            .expect_err("budget");
        assert!(err.contains("result passes 16 MiB"), "{err}");
        let big = json!("{{ 'x' * 20000000 }}");
        let err = Tpl::compile(&big)
            .expect("compiles")
            .render(&ctx)
            .expect_err("budget");
        assert!(err.contains("result passes 16 MiB"), "{err}");
        // Under the budgets, namespaces and ranges work as in minijinja.
        let fine = json!("{% set ns = namespace(n=0) %}{% for i in range(1, 4) %}{% set ns.n = ns.n + i %}{% endfor %}{{ ns.n }}");
        assert_eq!(render(&fine, json!({})), json!("6"));
    }

    /// A loop over a list (not `range`) or a run of `set`s doubles text without a `range`
    /// step to weigh it at: the render's own thread stops at its memory ceiling.
    #[test]
    fn doubling_without_range_ends_at_the_memory_ceiling() {
        let ctx = item_context(&json!({}), 0, &Value::from(()));
        let ones = vec!["1"; 40].join(",");
        let over_a_list = json!(format!(
            "{{% set ns = namespace(s='x') %}}{{% for i in [{ones}] %}}{{% set ns.s = ns.s ~ ns.s %}}{{% endfor %}}{{{{ ns.s | length }}}}"
        ));
        let sets = "{% set s = s ~ s %}".repeat(40);
        let in_a_row = json!(format!("{{% set s = 'x' %}}{sets}{{{{ s | length }}}}"));
        for doubling in [over_a_list, in_a_row] {
            let err = Tpl::compile(&doubling)
                .expect("compiles")
                .render(&ctx)
                .expect_err("budget");
            assert!(
                err.contains("template budget exceeded: it would hold more than 128 MiB"),
                "{err}"
            );
        }
        // Statements under the ceiling render as before, on their own thread.
        let fine = json!("{% for t in item.tags %}{{ t }};{% endfor %}");
        assert_eq!(render(&fine, json!({"tags": ["a", "b"]})), json!("a;b;"));
    }

    #[test]
    fn only_statements_that_can_repeat_need_their_own_thread() {
        for repeats in [
            "{% for i in x %}{% endfor %}",
            "{%- set a = 1 -%}",
            "{%+ with y = 2 %}{% endwith %}",
            "{% if a %}{% set b = a ~ a %}{% endif %}",
        ] {
            assert!(can_repeat(repeats), "{repeats}");
        }
        for plain in [
            "Hello {{ item.name }}",
            "{% if item.vip %}Dear{% elif item.new %}Welcome{% else %}Hi{% endif %} {{ item.name }}",
            "{%- raw %}{{ not a tag }}{% endraw -%}",
        ] {
            assert!(!can_repeat(plain), "{plain}");
        }
    }

    #[test]
    fn conditions_are_truthy_tests() {
        let c = Condition::compile("item.amount > 100").expect("compiles");
        let ctx = |n: i64| item_context(&json!({"amount": n}), 0, &Value::from(()));
        assert!(c.test(&ctx(101)).expect("ok"));
        assert!(!c.test(&ctx(5)).expect("ok"));
        assert!(Condition::compile("{{ item.ok }}").is_ok());
    }
}
