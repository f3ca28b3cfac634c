//! The core by command name on a real SQLite file: the bindings' JSON args in, JSON results or `{code, message}` out, run updates streamed, and every command of the surface known.

use neuroflow_api::{invoke, open_local, Core, SecretsState, COMMANDS};
use serde_json::{json, Value};
use uuid::Uuid;

struct Scratch(std::path::PathBuf);
impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn core() -> (Scratch, Core) {
    let dir = std::env::temp_dir().join(format!("neuroflow-api-{}", Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).expect("dir");
    let session = open_local(dir.join("api.db")).await;
    (Scratch(dir), Core::new(session, SecretsState::new()))
}

#[tokio::test]
async fn calls_round_trip_with_the_bindings_keys() {
    let (_dir, core) = core().await;
    let created = invoke(&core, "workflow_create", json!({"name": "Leads"}), None)
        .await
        .expect("create");
    let id = created["id"].as_str().expect("id").to_string();
    let list = invoke(&core, "workflow_list", json!({"search": null}), None)
        .await
        .expect("list");
    assert_eq!(list[0]["name"], "Leads");
    let versions = invoke(
        &core,
        "workflow_version_get",
        json!({"versionId": "nope"}),
        None,
    )
    .await
    .expect_err("malformed id");
    assert_eq!(versions.code, neuroflow_api::ErrorCode::InvalidInput);
    let exported = invoke(&core, "workflow_export", json!({ "id": id }), None)
        .await
        .expect("export");
    assert_eq!(
        exported["savedTo"],
        Value::Null,
        "a browser saves the text itself"
    );
    let imported = invoke(
        &core,
        "workflow_import",
        json!({"contents": exported["contents"], "fileName": "copy.json"}),
        None,
    )
    .await
    .expect("import");
    assert!(imported["workflow"]["id"].is_string(), "{imported}");
}

#[tokio::test]
async fn errors_come_back_as_code_and_message() {
    let (_dir, core) = core().await;
    let missing = invoke(
        &core,
        "workflow_get",
        json!({"id": Uuid::now_v7().to_string()}),
        None,
    )
    .await
    .expect_err("missing");
    let wire = serde_json::to_value(&missing).expect("json");
    assert_eq!(wire["code"], "not_found");
    assert!(wire["message"]
        .as_str()
        .is_some_and(|m| m.contains("no longer exists")));
    let bad_args = invoke(&core, "workflow_create", json!({"nom": 1}), None)
        .await
        .expect_err("args");
    assert_eq!(
        serde_json::to_value(&bad_args).expect("json")["code"],
        "invalid_input"
    );
    let unknown = invoke(&core, "format_disk", Value::Null, None)
        .await
        .expect_err("unknown");
    assert_eq!(
        serde_json::to_value(&unknown).expect("json")["code"],
        "not_found"
    );
}

#[tokio::test]
async fn a_run_streams_its_updates_then_says_it_was_stored() {
    let (_dir, core) = core().await;
    let created = invoke(&core, "workflow_create", json!({"name": "Run"}), None)
        .await
        .expect("create");
    let id = created["id"].as_str().expect("id").to_string();
    let graph = json!({"nodes": [{"id": Uuid::now_v7().to_string(), "kind": "trigger.manual",
        "label": "Start", "position": {"x": 0, "y": 0}, "config": {}}], "edges": []});
    invoke(
        &core,
        "workflow_save_graph",
        json!({"id": id, "graph": graph, "save": {"kind": "SAVE"}}),
        None,
    )
    .await
    .expect("save");
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let started = invoke(
        &core,
        "workflow_run",
        json!({"id": id, "options": {}, "updates": "__CHANNEL__:1"}),
        Some(tx),
    )
    .await
    .expect("run");
    assert!(started["executionId"].is_string());
    let mut last = None;
    while let Some(update) = rx.recv().await {
        last = Some(serde_json::to_value(update).expect("json"));
    }
    assert_eq!(last.expect("updates")["type"], "stored");
}

#[tokio::test]
async fn every_command_name_is_dispatched() {
    let (_dir, core) = core().await;
    for command in COMMANDS {
        if let Err(e) = invoke(&core, command, json!({}), None).await {
            assert!(
                !e.message.starts_with("there is no command"),
                "{command} is not dispatched"
            );
        }
    }
}
