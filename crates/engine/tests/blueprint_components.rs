//! Blueprint components: the tool input checks a call's parameters, constants emit their value, and the signature comes from the input and output components.

mod common;

use std::collections::HashMap;
use std::sync::Arc;

use common::*;
use neuroflow_engine::*;
use neuroflow_model::graph::Graph;
use serde_json::json;
use uuid::Uuid;

fn tool() -> (Graph, Uuid) {
    let input = node(
        "blueprint.input",
        "In",
        json!({"parameters": [
            {"name": "city", "type": "string", "description": "Where", "required": true},
            {"name": "days", "type": "integer"}
        ]}),
    );
    let greet = set("Greet", json!({"greeting": "Weather for {{ item.city }}"}));
    let out = node(
        "output",
        "Out",
        json!({"fields": [{"name": "greeting", "type": "string"}]}),
    );
    let id = input.id;
    (
        graph(
            &[&input, &greet, &out],
            vec![edge(&input, &greet), edge(&greet, &out)],
        ),
        id,
    )
}

#[tokio::test]
async fn a_call_with_its_parameters_runs_and_one_without_says_which_is_missing() {
    let (g, input) = tool();
    let ok = run_graph(g.clone(), json!({"city": "Lyon", "days": 3})).await;
    assert_eq!(ok.status, RunStatus::Completed, "{:?}", ok.error);
    assert_eq!(
        ok.output,
        json!([{"city": "Lyon", "days": 3, "greeting": "Weather for Lyon"}])
    );

    let missing = run_graph(g.clone(), json!({"days": 3})).await;
    assert_eq!(missing.status, RunStatus::Failed);
    let why = missing
        .node(input)
        .and_then(|n| n.error.clone())
        .unwrap_or_default();
    assert_eq!(why, "the call lacks the required parameter 'city' (string)");

    let wrong = run_graph(g, json!({"city": "Lyon", "days": "three"})).await;
    let why = wrong
        .node(input)
        .and_then(|n| n.error.clone())
        .unwrap_or_default();
    assert_eq!(why, "parameter 'days' must be an integer: a string given");
}

#[tokio::test]
async fn a_constant_emits_its_value_whichever_trigger_fired() {
    let start = manual();
    let list = node(
        "data.constant",
        "Cities",
        json!({"value": ["Lyon", "Oslo"]}),
    );
    let out = node("output", "Out", json!({}));
    let g = graph(&[&start, &list, &out], vec![edge(&list, &out)]);
    let mut req = request(g, json!({}));
    req.trigger = Some(start.id);
    let (result, _) = run_with(req, Arc::new(TestHost::default())).await;
    assert_eq!(result.status, RunStatus::Completed, "{:?}", result.error);
    assert_eq!(result.output, json!(["Lyon", "Oslo"]));
    // A constant has no input: connecting into it is refused.
    let into = graph(&[&start, &list], vec![edge(&start, &list)]);
    let d = validate(&into);
    assert!(
        d.iter().any(|d| d.code == DiagnosticCode::UnknownPort),
        "{d:?}"
    );
}

#[test]
fn the_signature_is_what_the_input_and_output_components_declare() {
    let (g, _) = tool();
    let sig = signature(&g);
    assert_eq!(
        sig.input_schema,
        json!({"type": "object", "required": ["city"], "properties": {
            "city": {"type": "string", "description": "Where"},
            "days": {"type": "integer"}
        }})
    );
    assert_eq!(
        sig.output_schema,
        json!({"type": "object", "required": [], "properties": {"greeting": {"type": "string"}}})
    );
}

#[tokio::test]
async fn a_blueprint_called_from_a_workflow_gets_the_items_as_its_parameters() {
    let (g, _) = tool();
    let id = Uuid::now_v7();
    let host = Arc::new(TestHost {
        blueprints: HashMap::from([(
            id,
            BlueprintGraph {
                id,
                name: "Weather".into(),
                graph: g,
            },
        )]),
        ..TestHost::default()
    });
    let start = manual();
    let call = node(
        "blueprint.call",
        "Weather",
        json!({"blueprintId": id.to_string()}),
    );
    let wf = graph(&[&start, &call], vec![edge(&start, &call)]);
    let (ok, _) = run_with(request(wf.clone(), json!({"city": "Oslo"})), host.clone()).await;
    assert_eq!(ok.status, RunStatus::Completed, "{:?}", ok.error);
    assert_eq!(
        out(&ok, &call, "main"),
        [json!({"city": "Oslo", "greeting": "Weather for Oslo"})]
    );
    let (bad, _) = run_with(request(wf, json!({"town": "Oslo"})), host).await;
    assert_eq!(bad.status, RunStatus::Failed);
    assert!(bad
        .error
        .unwrap_or_default()
        .contains("lacks the required parameter 'city'"));
}

#[tokio::test]
async fn notes_and_groups_are_the_canvass_not_steps_of_the_run() {
    let start = manual();
    let note = node(
        "note",
        "Read me",
        json!({"text": "This greets people", "color": "yellow"}),
    );
    let group = node("group", "Greeting", json!({"width": 600, "height": 300}));
    let set = set("Greet", json!({"hello": "world"}));
    let g = graph(&[&start, &note, &group, &set], vec![edge(&start, &set)]);
    assert!(validate(&g).is_empty(), "{:?}", validate(&g));
    let result = run_graph(g, json!({})).await;
    assert_eq!(result.status, RunStatus::Completed, "{:?}", result.error);
    assert!(
        result.node(note.id).is_none() && result.node(group.id).is_none(),
        "they never run, nor show as skipped"
    );
    assert_eq!(result.output, json!([{"hello": "world"}]));
}
