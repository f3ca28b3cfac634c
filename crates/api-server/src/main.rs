//! `neuroflow-dev-server`: the core over loopback HTTP for the browser preview and its tests; prints where it listens and its token as one JSON line.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use neuroflow_api::{Core, SecretsState};
use neuroflow_api_server::{DevServer, Options};

const USAGE: &str = "usage: neuroflow-dev-server --db PATH [--port N (0: any free port)] [--ui DIR] [--allow-origin URL]...

Serves the NeuroFlow core on 127.0.0.1 for the browser preview and its tests (not part of the
desktop app). Prints one JSON line {\"url\",\"origin\",\"token\"} on stdout once it listens; every
call needs the token in the x-neuroflow-token header.";

struct Args {
    db: PathBuf,
    port: u16,
    ui: Option<PathBuf>,
    allowed_origins: Vec<String>,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let (mut db, mut port, mut ui, mut allowed_origins) = (None, 0u16, None, Vec::new());
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--db" => db = Some(PathBuf::from(value()?)),
            "--port" => {
                let v = value()?;
                port = v.parse().map_err(|_| format!("--port {v}: not a port"))?;
            }
            "--ui" => ui = Some(PathBuf::from(value()?)),
            "--allow-origin" => allowed_origins.push(value()?),
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown argument {other}\n\n{USAGE}")),
        }
    }
    Ok(Args {
        db: db.ok_or(format!("--db is required\n\n{USAGE}"))?,
        port,
        ui,
        allowed_origins,
    })
}

#[tokio::main]
async fn main() {
    let args = match parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    // As the desktop app: the keychain, or session memory once the user agrees in the UI.
    // The team connection (team.json) and team caches live beside the workspace file.
    let core = Core::open(args.db, SecretsState::new()).await;
    let options = Options {
        addr: SocketAddr::from((Ipv4Addr::LOCALHOST, args.port)),
        ui: args.ui,
        allowed_origins: args.allowed_origins,
    };
    let server = match DevServer::bind(core, options).await {
        Ok(server) => server,
        Err(e) => {
            eprintln!("neuroflow-dev-server: {e}");
            std::process::exit(1);
        }
    };
    match serde_json::to_string(server.started()) {
        Ok(line) => println!("{line}"),
        Err(e) => {
            eprintln!("neuroflow-dev-server: {e}");
            std::process::exit(1);
        }
    }
    if let Err(e) = server.serve().await {
        eprintln!("neuroflow-dev-server: {e}");
        std::process::exit(1);
    }
}
