//! Regenerates `ui/src/ipc/bindings.ts` from the command surface and `ui/src/ipc/kinds.generated.json` from the engine's node catalog (CI checks both are current).

fn main() {
    let ipc = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/ipc");
    let dir = std::env::args_os()
        .nth(1)
        .map(std::path::PathBuf::from)
        .unwrap_or(ipc);
    let bindings = dir.join("bindings.ts");
    if let Err(e) = neuroflow_studio_lib::export_bindings(&bindings) {
        eprintln!("export-bindings: {e}");
        std::process::exit(1);
    }
    println!("wrote {}", bindings.display());
    // The browser preview's in-memory backend offers exactly the kinds the engine has.
    let kinds = dir.join("kinds.generated.json");
    let written = serde_json::to_string_pretty(&neuroflow_engine::catalog())
        .map_err(|e| e.to_string())
        .and_then(|json| std::fs::write(&kinds, json + "\n").map_err(|e| e.to_string()));
    if let Err(e) = written {
        eprintln!("export-bindings: {}: {e}", kinds.display());
        std::process::exit(1);
    }
    println!("wrote {}", kinds.display());
}
