#!/usr/bin/env bash
# Builds and runs the desktop app locally on its embedded SQLite database
# (kept under $XDG_DATA_HOME/dev.neuroflow.studio/); with --browser, the browser preview
# instead: the real core's loopback dev server (crates/api-server) on its own SQLite file,
# serving the built UI; open the URL it prints (it carries the token).
#
#   ./scripts/dev.sh [--browser]
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$NF_ROOT"

if [[ "${1:-}" == "--browser" ]]; then
  step "rust toolchain" ensure_rust
  step "ui: npm ci" ui_install
  step "ui: build (ui/dist)" ui_build
  step "dev server" cargo build -p neuroflow-api-server --bin neuroflow-dev-server
  data="${XDG_DATA_HOME:-$HOME/.local/share}/dev.neuroflow.studio"
  mkdir -p "$data"
  log ""
  log "==> neuroflow-dev-server: open the \"url\" it prints"
  exec "$CARGO_TARGET_DIR/debug/neuroflow-dev-server" --db "$data/browser-preview.db" --port "${NF_DEV_PORT:-0}" --ui "$NF_ROOT/ui/dist"
fi

# Say it now rather than after a long build.
if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" ]]; then
  die "no display (\$DISPLAY is unset): run ./scripts/dev.sh in a desktop session, or headless under Xvfb: xvfb-run -a ./scripts/dev.sh"
fi

step "system packages" install_system_deps
step "rust toolchain" ensure_rust
step "ui: npm ci" ui_install
step "ui: build (ui/dist)" ui_build
log ""
log "==> cargo run -p neuroflow-studio"
exec cargo run -p neuroflow-studio "$@"
