//! Config values outside what a kind's schema allows are refused before a run, by node label
//! and field, for every `minimum`, `maximum` and `maxLength` any kind declares.

mod common;

use common::*;
use neuroflow_engine::kinds::kinds;
use neuroflow_engine::*;
use serde_json::{json, Value as Json};

fn problems(kind: &str, label: &str, config: Json) -> Vec<Diagnostic> {
    let t = manual();
    let n = node(kind, label, config);
    let d = validate(&graph(&[&t, &n], vec![edge(&t, &n)]));
    d.into_iter().filter(|x| x.node_id == Some(n.id)).collect()
}

fn refused(kind: &str, key: &str, value: Json) -> String {
    let d = problems(kind, "Bounded", json!({ key: value }));
    let hit = d
        .iter()
        .find(|x| x.code == DiagnosticCode::InvalidConfig && x.message.contains(key))
        .unwrap_or_else(|| panic!("{kind}.{key} = {value} was not refused: {d:?}"));
    assert!(hit.message.contains("'Bounded'"), "{}", hit.message);
    hit.message.clone()
}

#[test]
fn delay_ms_outside_its_schema_is_refused() {
    let big = refused("flow.delay", "ms", json!(1_000_000_000_000u64));
    assert!(big.contains("at most 86400000"), "{big}");
    let negative = refused("flow.delay", "ms", json!(-5));
    assert!(negative.contains("at least 0"), "{negative}");
    assert!(problems("flow.delay", "Ok", json!({"ms": 86_400_000})).is_empty());
    assert!(problems("flow.delay", "Ok", json!({"ms": 0})).is_empty());
}

#[test]
fn response_caps_have_a_maximum() {
    let huge = json!(1u64 << 40);
    let m = refused("http.request", "maxResponseBytes", huge.clone());
    assert!(m.contains("at most 67108864"), "{m}");
    refused("integration.http", "maxResponseBytes", huge);
    refused("http.request", "maxResponseBytes", json!(0));
    let ok = problems(
        "http.request",
        "Ok",
        json!({"url": "http://127.0.0.1/", "maxResponseBytes": 1024}),
    );
    assert!(ok.is_empty(), "{ok:?}");
}

#[test]
fn common_keys_are_bounded_too() {
    refused("data.set", "retries", json!(11));
    refused("data.set", "retries", json!(-1));
    refused("data.set", "timeoutMs", json!(0));
    refused("data.set", "retryDelayMs", json!(-1));
}

/// Every bound any runnable kind declares, one over and one under, is refused by the field's name.
#[test]
fn every_declared_bound_is_enforced() {
    let mut checked = 0;
    // Notes and groups are never run, so validation leaves their config to the canvas.
    let runnable = kinds()
        .iter()
        .filter(|k| !matches!(k.runner, neuroflow_engine::kinds::Runner::CanvasOnly));
    for spec in runnable {
        let Some(schema) = spec.config_schema() else {
            continue;
        };
        let Some(props) = schema.get("properties").and_then(Json::as_object) else {
            continue;
        };
        for (key, prop) in props {
            let integer = prop.get("type").and_then(Json::as_str) == Some("integer");
            let step = if integer { 1.0 } else { 0.5 };
            let as_json = |n: f64| {
                if integer {
                    json!(n as i64)
                } else {
                    json!(n)
                }
            };
            if let Some(max) = prop.get("maximum").and_then(Json::as_f64) {
                refused(spec.name, key, as_json(max + step));
                checked += 1;
            }
            if let Some(min) = prop.get("minimum").and_then(Json::as_f64) {
                refused(spec.name, key, as_json(min - step));
                checked += 1;
            }
            if let Some(max) = prop.get("maxLength").and_then(Json::as_u64) {
                let long = "x".repeat(usize::try_from(max).unwrap_or(0) + 1);
                refused(spec.name, key, json!(long));
                checked += 1;
            }
        }
    }
    // The common keys alone declare five bounds on every kind.
    assert!(checked > 20, "only {checked} bounds found");
}
