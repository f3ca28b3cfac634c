//! The built UI served as files: a path inside the folder, or `index.html` (the page routes itself).

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

pub async fn serve(State(root): State<Arc<PathBuf>>, uri: Uri) -> Response {
    let wanted = inside(&root, uri.path());
    let path = match wanted {
        Some(p) if tokio::fs::metadata(&p).await.is_ok_and(|m| m.is_file()) => p,
        _ => root.join("index.html"),
    };
    match tokio::fs::read(&path).await {
        Ok(bytes) => ([(header::CONTENT_TYPE, content_type(&path))], bytes).into_response(),
        Err(e) => (
            StatusCode::NOT_FOUND,
            format!(
                "{}: {e} (build the UI: cd ui && npm run build)",
                path.display()
            ),
        )
            .into_response(),
    }
}

/// The file a URL path names under `root`, never outside it.
fn inside(root: &Path, url_path: &str) -> Option<PathBuf> {
    let mut path = root.to_path_buf();
    for part in Path::new(url_path.trim_start_matches('/')).components() {
        match part {
            Component::Normal(p) => path.push(p),
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(path)
}

fn content_type(path: &Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
    {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_folder() {
        let root = Path::new("/srv/ui");
        assert_eq!(inside(root, "/assets/a.js"), Some(root.join("assets/a.js")));
        assert_eq!(inside(root, "/../etc/passwd"), None);
        assert_eq!(inside(root, "/assets/../../x"), None);
    }
}
