//! The core's command names (what the dev server dispatches) are exactly the commands the generated bindings invoke.

#[test]
fn the_core_dispatches_every_command_the_bindings_invoke() {
    let bindings = include_str!("../../ui/src/ipc/bindings.ts");
    let mut invoked: Vec<&str> = bindings
        .split("__TAURI_INVOKE(\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    invoked.sort_unstable();
    let mut core: Vec<&str> = neuroflow_api::COMMANDS.to_vec();
    core.sort_unstable();
    assert_eq!(invoked, core);
}
