#!/usr/bin/env bash
# End-to-end tests of the built desktop app, driven through tauri-driver
# (W3C WebDriver -> WebKitWebDriver) on a private Xvfb display.
#
#   ./scripts/e2e.sh                 # after `cargo build -p neuroflow-studio`
#
# Env:
#   NEUROFLOW_APP        app binary (default $CARGO_TARGET_DIR/debug/neuroflow-studio)
#   NEUROFLOW_ARTIFACTS  where failure screenshots/logs go (default ~/.cache/neuroflow-artifacts)
# Extra arguments are passed to `node --test` (e.g. --test-name-pattern=rename); `--bench ARGS`
# runs the real-window canvas benchmark (tests/e2e/bench/window.mjs) instead.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$NF_ROOT"

export NEUROFLOW_APP="${NEUROFLOW_APP:-$CARGO_TARGET_DIR/debug/neuroflow-studio}"
[[ -x "$NEUROFLOW_APP" ]] ||
  die "app binary $NEUROFLOW_APP not found: build it first (cargo build -p neuroflow-studio) or set NEUROFLOW_APP"

NF_ARTIFACTS_BASE="${NEUROFLOW_ARTIFACTS:-$HOME/.cache/neuroflow-artifacts}"
NF_RUN_ID="e2e-$(date +%Y%m%d-%H%M%S)-$$"
export NEUROFLOW_ARTIFACTS="$NF_ARTIFACTS_BASE/$NF_RUN_ID"

E2E_TMP=$(mktemp -d /tmp/neuroflow-e2e.XXXXXX)
DRIVER_LOG="$E2E_TMP/tauri-driver.log"

# On failure: screenshot of the whole X screen + the driver log into the
# artifacts dir (the tests themselves also screenshot the moment they fail).
on_failure_collect() {
  ((NF_EXIT_STATUS != 0)) || return 0
  mkdir -p "$NEUROFLOW_ARTIFACTS"
  if [[ -n "${DISPLAY:-}" ]]; then
    import -display "$DISPLAY" -window root "$NEUROFLOW_ARTIFACTS/root-at-exit.png" 2>/dev/null
  fi
  if [[ -f "$DRIVER_LOG" ]]; then
    cp "$DRIVER_LOG" "$NEUROFLOW_ARTIFACTS/"
  fi
  log "e2e failed: artifacts (screenshots, tauri-driver log) in $NEUROFLOW_ARTIFACTS"
}

# Cleanups run last-registered-first, so at exit: stop the tauri-driver group,
# collect artifacts (Xvfb still up), stop Xvfb, remove the temp dir.
nf_on_exit "rm -rf '$E2E_TMP'"

step "system packages" install_system_deps
step "rust toolchain" ensure_rust
step "install tauri-driver" install_tauri_driver
step "e2e npm deps" npm_ci "$NF_ROOT/tests/e2e" --ignore-scripts
# The team-sync test signs two app profiles in to a team Postgres made with the CLI: the one the
# test command started, or one of this run's own.
step "CLI for the team database" cargo build --locked -p neuroflow-cli --bin neuroflow
export NEUROFLOW_CLI="${NEUROFLOW_CLI:-$CARGO_TARGET_DIR/debug/neuroflow}"
if [[ -z "${NEUROFLOW_TEST_PG_URL:-}" ]]; then
  step "postgres on loopback" start_postgres
fi
step "start Xvfb" start_xvfb
nf_on_exit on_failure_collect

# Fresh app/WebKit profile: the app keeps its SQLite DB under
# $XDG_DATA_HOME/dev.neuroflow.studio/. HOME stays (cargo, rustup live there).
export XDG_DATA_HOME="$E2E_TMP/data" XDG_CONFIG_HOME="$E2E_TMP/config" XDG_CACHE_HOME="$E2E_TMP/cache"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME"
# Exports go to the profile's Downloads folder (the XDG user dir the app asks the OS for), not the user's.
export NF_E2E_DOWNLOADS="$E2E_TMP/downloads"
mkdir -p "$NF_E2E_DOWNLOADS"
printf 'XDG_DOWNLOAD_DIR="%s"\n' "$NF_E2E_DOWNLOADS" >"$XDG_CONFIG_HOME/user-dirs.dirs"
# No accessibility bus in CI: keep GTK from waiting for one.
export NO_AT_BRIDGE=1

start_tauri_driver() {
  local port native i
  port=$(free_port "${NF_DRIVER_PORT:-4444}")
  native=$(free_port "$((port + 1))" "$port")
  # Own session/process group (setsid), so the cleanup can stop tauri-driver,
  # WebKitWebDriver and any app instance they launched, and nothing else.
  setsid tauri-driver --port "$port" --native-port "$native" >"$DRIVER_LOG" 2>&1 &
  NF_DRIVER_PID=$!
  nf_on_exit "stop_pid -$NF_DRIVER_PID tauri-driver"
  for ((i = 0; i < 300; i++)); do
    if curl -fs -o /dev/null --max-time 1 "http://127.0.0.1:$port/status"; then
      export WEBDRIVER_URL="http://127.0.0.1:$port"
      log "tauri-driver (pid $NF_DRIVER_PID) at $WEBDRIVER_URL, WebKitWebDriver on port $native"
      return 0
    fi
    if ! kill -0 "$NF_DRIVER_PID" 2>/dev/null; then
      cat "$DRIVER_LOG" >&2
      die "tauri-driver exited before answering /status"
    fi
    sleep 0.1
  done
  cat "$DRIVER_LOG" >&2
  die "tauri-driver did not answer http://127.0.0.1:$port/status within 30 s"
}
step "start tauri-driver" start_tauri_driver

log "app: $NEUROFLOW_APP"
log "XDG dirs under $E2E_TMP; artifacts on failure: $NEUROFLOW_ARTIFACTS"
if [[ ${1:-} == --bench ]]; then
  # The real-window canvas benchmark (tests/e2e/bench/window.mjs), in the same window setup as the tests.
  shift
  step "real-window canvas benchmark" node "${NF_BENCH_SCRIPT:-tests/e2e/bench/window.mjs}" "$@"
else
  step "e2e tests" node --test --test-concurrency=1 --test-timeout=300000 "$@" tests/e2e/*.test.mjs
fi
