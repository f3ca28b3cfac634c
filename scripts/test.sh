#!/usr/bin/env bash
# Runs every test layer, failing fast, on a fresh Debian 12 machine:
#   formatting, lints, IPC bindings freshness, UI typecheck + unit tests,
#   Rust tests (with a throwaway PostgreSQL for the store's contract/RLS
#   tests), the desktop build, and the end-to-end tests of the real app.
#
#   ./scripts/test.sh
#
# Cargo builds go to $CARGO_TARGET_DIR (default ~/.cache/neuroflow-target),
# outside the checkout, so reruns and fresh clones reuse them.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$NF_ROOT"

# Generated from Rust and committed: the TypeScript bindings and the node catalog the
# browser preview uses.
GENERATED=(ui/src/ipc/bindings.ts ui/src/ipc/kinds.generated.json ui/src/ipc/blueprint-kinds.generated.json)

# --locked whenever Cargo.lock is committed: CI builds exactly what was reviewed.
CARGO_LOCKED=()
if git ls-files --error-unmatch Cargo.lock >/dev/null 2>&1; then
  CARGO_LOCKED=(--locked)
fi

in_ui() { (cd "$NF_ROOT/ui" && "$@"); }

check_bindings() {
  git rev-parse --is-inside-work-tree >/dev/null 2>&1 ||
    die "not a git checkout: the bindings freshness check needs git"
  cargo run -q "${CARGO_LOCKED[@]}" -p neuroflow-studio --bin export-bindings
  local f
  for f in "${GENERATED[@]}"; do
    if ! git ls-files --error-unmatch "$f" >/dev/null 2>&1; then
      die "$f is not tracked by git: generate it (cargo run -p neuroflow-studio --bin export-bindings) and commit it"
    fi
  done
  if ! git diff --exit-code --stat -- "${GENERATED[@]}"; then
    git diff -- "${GENERATED[@]}" | sed -n "1,80p" >&2
    die "generated IPC files are stale: run \`cargo run -p neuroflow-studio --bin export-bindings\` and commit ${GENERATED[*]}"
  fi
}

rust_tests() {
  # Tests must not touch the real profile (app data dir, keyrings).
  local xdg
  xdg=$(mktemp -d /tmp/neuroflow-test-xdg.XXXXXX)
  nf_on_exit "rm -rf '$xdg'"
  mkdir -m 700 "$xdg/runtime"
  # The secrets tests need a real Secret Service and fail without one (keyring's mock store
  # would pass them vacuously): run the tests in a private D-Bus session with gnome-keyring
  # unlocked by a password of this run only. gnome-keyring writes its keyrings under
  # $XDG_DATA_HOME/keyrings and its control socket under $XDG_RUNTIME_DIR (both go with $xdg),
  # and the daemon exits with the session bus. NEUROFLOW_TEST_PG_URL passes through.
  # shellcheck disable=SC2016 # the inner sh expands them
  NF_TEST_KEYRING_PASSWORD=$(random_hex 16) \
    XDG_DATA_HOME="$xdg/data" XDG_CONFIG_HOME="$xdg/config" XDG_CACHE_HOME="$xdg/cache" \
    XDG_RUNTIME_DIR="$xdg/runtime" \
    dbus-run-session -- sh -c '
      printf %s "$NF_TEST_KEYRING_PASSWORD" |
        gnome-keyring-daemon --unlock --components=secrets >/dev/null ||
        { echo "ERROR: gnome-keyring-daemon did not start" >&2; exit 1; }
      unset NF_TEST_KEYRING_PASSWORD
      exec "$@"' sh cargo test "${CARGO_LOCKED[@]}" --workspace
}

step "system packages" install_system_deps
step "rust toolchain" ensure_rust
step "ui: npm ci" ui_install
step "ui: build (ui/dist)" ui_build
step "cargo fmt --check" cargo fmt --all --check
step "cargo clippy" cargo clippy "${CARGO_LOCKED[@]}" --workspace --all-targets -- -D warnings
step "ipc bindings are fresh" check_bindings
step "ui: typecheck" in_ui npm run typecheck
# The UI's unit and browser tests talk to the real core through its loopback dev server (crates/api-server); the
# Team page's browser test makes its team database with the CLI on the Postgres every later step shares.
step "dev server and CLI for the UI tests" cargo build "${CARGO_LOCKED[@]}" -p neuroflow-api-server --bin neuroflow-dev-server -p neuroflow-cli --bin neuroflow
step "postgres on loopback" start_postgres
step "ui: unit tests" in_ui npm test
step "ui: browser tests (chromium)" in_ui npm run test:browser
step "rust tests (with postgres)" rust_tests
step "build desktop app" cargo build "${CARGO_LOCKED[@]}" -p neuroflow-studio
step "end-to-end tests" "$NF_ROOT/scripts/e2e.sh"
