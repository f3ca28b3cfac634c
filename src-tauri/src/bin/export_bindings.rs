//! Regenerates `ui/src/ipc/bindings.ts` from the command surface and the `*kinds.generated.json` palettes (workflow, blueprint) from the engine's catalog (CI checks all are current).

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
    // The palettes as the engine has them, for the UI's unit tests (src/test/core.ts).
    use neuroflow_model::graph::GraphSurface;
    for (file, surface) in [
        ("kinds.generated.json", GraphSurface::Workflow),
        ("blueprint-kinds.generated.json", GraphSurface::Blueprint),
    ] {
        let path = dir.join(file);
        let written = serde_json::to_string_pretty(&neuroflow_engine::catalog_for(surface))
            .map_err(|e| e.to_string())
            .and_then(|json| std::fs::write(&path, json + "\n").map_err(|e| e.to_string()));
        if let Err(e) = written {
            eprintln!("export-bindings: {}: {e}", path.display());
            std::process::exit(1);
        }
        println!("wrote {}", path.display());
    }
}
