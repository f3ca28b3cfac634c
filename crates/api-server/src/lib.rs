//! The loopback dev server: the core's commands over HTTP for the browser preview and its tests, bound to 127.0.0.1 only, every call carrying a random token.
//!
//! - `POST /invoke/<command>` with the JSON args the Tauri command takes: `200` with the JSON
//!   result, or `422` with `{code, message}`. The commands that stream run updates
//!   (`workflow_run`, `blueprint_run`) answer `text/event-stream` instead: `update` events, one
//!   `result` event (`{"ok": …}` or `{"error": {code, message}}`), then the end of the stream once
//!   the run has sent its last update.
//! - Every `/invoke` request needs the `x-neuroflow-token` header; a request with an `Origin`
//!   is refused unless it is the server's own origin or one allowed at start.
//! - `POST /dev/seed` (same checks) writes demo rows into the store: see [`seed`].
//! - Any other `GET` serves the built UI (`--ui DIR`), `index.html` for unknown paths: the
//!   page reads the token from its URL (`?devToken=…`).

mod assets;
mod calls;
mod guard;
pub mod seed;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use neuroflow_api::Core;
use serde::Serialize;
use tokio::net::TcpListener;

pub use guard::Guard;

/// How big a call's JSON may be: a graph file import is up to 64 MiB of text, escaped once more.
const MAX_BODY_BYTES: usize = 256 * 1024 * 1024;

/// What a started server tells whoever started it (one JSON line on stdout).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Started {
    /// The UI's address with the token in it: open this page.
    pub url: String,
    /// Where the calls go: `<origin>/invoke/<command>`.
    pub origin: String,
    pub token: String,
}

/// A server bound to a loopback port, not yet serving.
pub struct DevServer {
    listener: TcpListener,
    app: Router,
    started: Started,
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("the dev server only listens on this computer (127.0.0.1 or ::1), not on {0}")]
    NotLoopback(std::net::IpAddr),
    #[error("cannot listen on {0}: {1}")]
    Bind(SocketAddr, std::io::Error),
    #[error("no random token: {0}")]
    Token(String),
    #[error("the server stopped: {0}")]
    Serve(std::io::Error),
}

/// Where the server listens and what it serves besides the calls.
pub struct Options {
    /// A loopback address; port 0 picks a free one.
    pub addr: SocketAddr,
    /// The built UI (`ui/dist`), served to any GET that is not a call.
    pub ui: Option<PathBuf>,
    /// Origins besides the server's own allowed to call (e.g. the Vite dev server's).
    pub allowed_origins: Vec<String>,
}

impl DevServer {
    /// Binds `options.addr`, refusing any address that is not loopback, with a fresh token.
    pub async fn bind(core: Core, options: Options) -> Result<DevServer, ServeError> {
        if !options.addr.ip().is_loopback() {
            return Err(ServeError::NotLoopback(options.addr.ip()));
        }
        let listener = TcpListener::bind(options.addr)
            .await
            .map_err(|e| ServeError::Bind(options.addr, e))?;
        let local = listener
            .local_addr()
            .map_err(|e| ServeError::Bind(options.addr, e))?;
        let token = guard::random_token().map_err(ServeError::Token)?;
        let guard = Guard::new(local, token.clone(), options.allowed_origins);
        let origin = guard.own_origin().to_string();
        let state = Arc::new(calls::Shared {
            core: Arc::new(core),
            guard,
        });
        let mut app = Router::new()
            .route(
                "/invoke/{command}",
                post(calls::invoke).options(calls::preflight),
            )
            .route("/dev/seed", post(calls::seed))
            .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
            .with_state(state);
        if let Some(ui) = options.ui {
            app = app.fallback(get(assets::serve).with_state(Arc::new(ui)));
        }
        Ok(DevServer {
            listener,
            app,
            started: Started {
                url: format!("{origin}/?devToken={token}"),
                origin,
                token,
            },
        })
    }

    pub fn started(&self) -> &Started {
        &self.started
    }

    /// Serves until the process ends.
    pub async fn serve(self) -> Result<(), ServeError> {
        axum::serve(self.listener, self.app)
            .await
            .map_err(ServeError::Serve)
    }
}
