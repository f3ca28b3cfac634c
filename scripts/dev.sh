#!/usr/bin/env bash
# Builds and runs the desktop app locally on its embedded SQLite database
# (kept under $XDG_DATA_HOME/dev.neuroflow.studio/).
#
#   ./scripts/dev.sh
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$NF_ROOT"

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
