//! Regenerates `ui/src/ipc/bindings.ts` from the command surface (CI checks it is current).

fn main() {
    let default =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/ipc/bindings.ts");
    let path = std::env::args_os()
        .nth(1)
        .map(std::path::PathBuf::from)
        .unwrap_or(default);
    match neuroflow_studio_lib::export_bindings(&path) {
        Ok(()) => println!("wrote {}", path.display()),
        Err(e) => {
            eprintln!("export-bindings: {e}");
            std::process::exit(1);
        }
    }
}
