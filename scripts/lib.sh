# shellcheck shell=bash
# Shared helpers for scripts/*.sh. Source it; don't run it.
#
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# Every function fails loudly (the callers run with `set -euo pipefail`) and
# everything a function starts in the background is stopped by one EXIT trap
# owned by the shell that started it (see nf_on_exit).

set -euo pipefail
shopt -s inherit_errexit

NF_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export NF_ROOT

# One target dir outside the clone, so CI reruns in fresh clones reuse it.
# (Debug info is set by [profile.dev] in the workspace Cargo.toml: not overridden here.)
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/neuroflow-target}"
NF_TOOLS_ROOT="${NF_TOOLS_ROOT:-$HOME/.cache/neuroflow-tools}"
TAURI_DRIVER_VERSION=2.1.0

# The RECIPES.md list plus what the scripts themselves call.
NF_APT_PACKAGES=(
  libwebkit2gtk-4.1-dev build-essential pkg-config libssl-dev libxdo-dev
  libayatana-appindicator3-dev librsvg2-dev libdbus-1-dev libsecret-1-dev
  xvfb xauth x11-utils xdotool imagemagick webkit2gtk-driver dbus-x11
  gnome-keyring keyutils postgresql chromium
  curl ca-certificates git
)

if [[ -d "$HOME/.cargo/bin" && ":$PATH:" != *":$HOME/.cargo/bin:"* ]]; then
  PATH="$HOME/.cargo/bin:$PATH"
fi
if [[ ":$PATH:" != *":$NF_TOOLS_ROOT/bin:"* ]]; then
  PATH="$NF_TOOLS_ROOT/bin:$PATH"
fi
export PATH

# ---------------------------------------------------------------- logging

NF_SCRIPT_START=$SECONDS
NF_CURRENT_STEP=""
NF_STEP_T0=0
NF_STEP_SUMMARY=()

log() { printf '%s\n' "$*" >&2; }
die() {
  printf 'ERROR: %s\n' "$*" >&2
  exit 1
}

# step "name" cmd args... — runs cmd, printing a header before and the wall
# time after:   ==> name   ...output...   == name (12s)
# A failure exits the script (errexit); the EXIT trap then names the step.
step() {
  local name=$1 t0=$SECONDS
  shift
  NF_CURRENT_STEP=$name
  NF_STEP_T0=$t0
  log ""
  log "==> $name"
  "$@"
  log "== $name ($((SECONDS - t0))s)"
  NF_STEP_SUMMARY+=("$(printf '%6ss  %s' "$((SECONDS - t0))" "$name")")
  NF_CURRENT_STEP=""
}

print_step_summary() {
  local line
  log ""
  log "== step times of ${0##*/} (total $((SECONDS - NF_SCRIPT_START))s)"
  for line in "${NF_STEP_SUMMARY[@]}"; do
    log "$line"
  done
}

# ---------------------------------------------------------------- cleanup

# nf_on_exit "shell code" — run at exit of the current shell, last registered
# first. Each shell (including subshells) gets its own list: a subshell never
# runs cleanups registered by its parent. During cleanups NF_EXIT_STATUS holds
# the script's exit status.
NF_CLEANUPS=()
NF_CLEANUP_OWNER=""
NF_EXIT_STATUS=0
_nf_init_traps() {
  NF_CLEANUPS=()
  NF_CLEANUP_OWNER=$BASHPID
  trap _nf_exit EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}
nf_on_exit() {
  if [[ "$NF_CLEANUP_OWNER" != "$BASHPID" ]]; then
    _nf_init_traps
  fi
  NF_CLEANUPS+=("$1")
}

_nf_exit() {
  NF_EXIT_STATUS=$?
  local i
  set +e
  if [[ $NF_EXIT_STATUS -ne 0 && -n "$NF_CURRENT_STEP" ]]; then
    log ""
    log "== FAILED: $NF_CURRENT_STEP (exit $NF_EXIT_STATUS, $((SECONDS - NF_STEP_T0))s)"
    NF_STEP_SUMMARY+=("$(printf '%6ss  %s  <-- FAILED' "$((SECONDS - NF_STEP_T0))" "$NF_CURRENT_STEP")")
  fi
  for ((i = ${#NF_CLEANUPS[@]} - 1; i >= 0; i--)); do
    eval "${NF_CLEANUPS[i]}"
  done
  if ((${#NF_STEP_SUMMARY[@]} > 0)); then
    print_step_summary
  fi
  exit "$NF_EXIT_STATUS"
}
_nf_init_traps

# stop_pid PID [name] — SIGTERM, wait up to 10 s, then SIGKILL. PID < 0 means
# the process group -PID. Only ever called with ids this script started.
stop_pid() {
  local pid=$1 name=${2:-process} i
  kill -0 -- "$pid" 2>/dev/null || return 0
  kill -TERM -- "$pid" 2>/dev/null
  for ((i = 0; i < 100; i++)); do
    kill -0 -- "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  log "$name ($pid) ignored SIGTERM for 10 s: SIGKILL"
  kill -KILL -- "$pid" 2>/dev/null
  return 0
}

# ---------------------------------------------------------------- misc

as_root() {
  if [[ $EUID -eq 0 ]]; then
    "$@"
  else
    sudo "$@"
  fi
}

# port_is_free PORT — nothing accepts connections on 127.0.0.1:PORT.
port_is_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# free_port BASE [EXCLUDE] — first free TCP port at or above BASE.
free_port() {
  local port=$1 exclude=${2:-}
  while ((port < $1 + 200)); do
    if [[ "$port" != "$exclude" ]] && port_is_free "$port"; then
      echo "$port"
      return 0
    fi
    port=$((port + 1))
  done
  die "no free TCP port in $1..$(($1 + 199))"
}

random_hex() { od -An -tx1 -N"${1:-16}" /dev/urandom | tr -d ' \n'; }

# ---------------------------------------------------------------- toolchains

install_system_deps() {
  local missing=() p status listing
  declare -A state=()
  # One dpkg-query for all; it exits 1 if some package is unknown to dpkg
  # (never installed): those simply stay missing.
  if ! listing=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${NF_APT_PACKAGES[@]}" 2>/dev/null); then
    log "some apt packages are not installed yet"
  fi
  while read -r p status; do
    state[$p]=$status
  done <<<"$listing"
  for p in "${NF_APT_PACKAGES[@]}"; do
    if [[ "${state[$p]:-}" != installed ]]; then
      missing+=("$p")
    fi
  done
  if ((${#missing[@]} == 0)); then
    log "all ${#NF_APT_PACKAGES[@]} apt packages present"
    return 0
  fi
  log "installing apt packages: ${missing[*]}"
  # The lock timeout lets this wait for another apt run instead of failing.
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 \
    install -y --no-install-recommends "${NF_APT_PACKAGES[@]}"
}

ensure_rust() {
  if ! command -v rustup >/dev/null; then
    # Debian 12's rustc is too old for Tauri 2: rustup's official installer puts a current stable
    # toolchain under ~/.cargo and ~/.rustup (nothing system-wide).
    log "rustup not found: installing it with its official installer (https://sh.rustup.rs) into ~/.cargo"
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs |
      sh -s -- -y --no-modify-path --profile minimal --default-toolchain stable --component rustfmt,clippy ||
      die "the rustup installer failed: install Rust with rustup (https://rustup.rs) and run this again"
    PATH="$HOME/.cargo/bin:$PATH"
    export PATH
  fi
  local toolchain
  if ! toolchain=$(rustup show active-toolchain 2>/dev/null) || [[ -z "$toolchain" ]] ||
    ! rustc --version >/dev/null 2>&1; then
    if [[ -f "$NF_ROOT/rust-toolchain.toml" || -f "$NF_ROOT/rust-toolchain" ]]; then
      log "installing the toolchain pinned by rust-toolchain(.toml)"
      (cd "$NF_ROOT" && rustup toolchain install)
    else
      log "no usable Rust toolchain: installing stable"
      rustup toolchain install stable --profile minimal --component rustfmt,clippy
      rustup default stable
    fi
  fi
  local installed c
  installed=$(rustup component list --installed)
  for c in rustfmt clippy; do
    if ! grep -q "^$c" <<<"$installed"; then
      rustup component add "$c"
    fi
  done
  log "$(rustc --version); $(cargo --version)"
}

# The Node LTS line installed when the system's node is older than the scripts need.
NF_NODE_LTS=22

# node --test flags used by e2e.sh (--test-concurrency, --test-timeout) need 20.11.
node_is_recent() {
  node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 11) ? 0 : 1)'
}

ensure_node() {
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    # Only when there is none: Debian's npm conflicts with a nodejs from elsewhere (NodeSource).
    log "node or npm not found: installing Debian's nodejs and npm"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y --no-install-recommends nodejs npm
  fi
  if node_is_recent; then
    return 0
  fi
  # Debian 12 ships Node 18. The `node` package of the npm registry carries a current Node for
  # this platform; the system npm installs it under $NF_TOOLS_ROOT, nothing system-wide.
  local prefix="$NF_TOOLS_ROOT/node-$NF_NODE_LTS"
  if [[ ! -x "$prefix/node_modules/.bin/node" ]]; then
    log "node $(node --version) is older than 20.11: installing Node $NF_NODE_LTS from the npm registry into $prefix"
    npm install --prefix "$prefix" --no-audit --no-fund "node@$NF_NODE_LTS"
  fi
  PATH="$prefix/node_modules/.bin:$PATH"
  export PATH
  node_is_recent || die "node >= 20.11 required, found $(node --version) even after installing Node $NF_NODE_LTS into $prefix"
  log "using $(command -v node) ($(node --version))"
}

# npm_ci DIR [npm args] — `npm ci` in DIR unless DIR/node_modules is newer
# than its package-lock.json.
npm_ci() {
  local dir=$1
  shift
  ensure_node
  [[ -f "$dir/package-lock.json" ]] || die "$dir/package-lock.json is missing"
  if [[ -f "$dir/node_modules/.package-lock.json" &&
    "$dir/node_modules/.package-lock.json" -nt "$dir/package-lock.json" ]]; then
    log "$dir/node_modules is up to date with package-lock.json: skipping npm ci"
    return 0
  fi
  (cd "$dir" && npm ci --no-audit --no-fund "$@")
}

ui_install() { npm_ci "$NF_ROOT/ui"; }
ui_build() { (cd "$NF_ROOT/ui" && npm run build); }

install_tauri_driver() {
  if [[ -x "$NF_TOOLS_ROOT/bin/tauri-driver" ]] &&
    grep -qs "^\"tauri-driver $TAURI_DRIVER_VERSION " "$NF_TOOLS_ROOT/.crates.toml"; then
    log "tauri-driver $TAURI_DRIVER_VERSION already in $NF_TOOLS_ROOT"
    return 0
  fi
  # Own temp target dir: don't share (and lock) the workspace's CARGO_TARGET_DIR.
  env -u CARGO_TARGET_DIR cargo install tauri-driver --version "$TAURI_DRIVER_VERSION" \
    --locked --root "$NF_TOOLS_ROOT"
}

# ---------------------------------------------------------------- services

_pg() {
  if [[ $EUID -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# start_postgres — throwaway cluster on 127.0.0.1, scram auth, fsync off.
# Exports NEUROFLOW_TEST_PG_URL (superuser) and NF_PG_DIR; stopped on exit.
start_postgres() {
  local pgbin
  pgbin=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)
  [[ -n "$pgbin" && -x "$pgbin/initdb" ]] || die "PostgreSQL server binaries not found under /usr/lib/postgresql"
  NF_PG_BIN=$pgbin

  if [[ $EUID -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
    useradd -r -m postgres # initdb refuses to run as root
  fi
  NF_PG_DIR=$(mktemp -d /tmp/neuroflow-pg.XXXXXX)
  export NF_PG_DIR
  nf_on_exit stop_postgres
  if [[ $EUID -eq 0 ]]; then
    chown postgres:postgres "$NF_PG_DIR"
  fi
  local data="$NF_PG_DIR/data" pw pwfile port tries
  pw=$(random_hex 16)
  pwfile="$NF_PG_DIR/pwfile"
  printf '%s\n' "$pw" >"$pwfile"
  if [[ $EUID -eq 0 ]]; then
    chown postgres "$pwfile"
  fi
  chmod 600 "$pwfile"
  _pg "$pgbin/initdb" -D "$data" -U postgres --pwfile="$pwfile" \
    --auth=scram-sha-256 -E UTF8 --no-sync >"$NF_PG_DIR/initdb.log" 2>&1 ||
    {
      cat "$NF_PG_DIR/initdb.log" >&2
      die "initdb failed"
    }
  rm -f "$pwfile"

  port=$(free_port "${NF_PG_PORT:-55432}")
  for tries in 1 2 3 4 5; do
    if _pg "$pgbin/pg_ctl" -D "$data" -l "$NF_PG_DIR/postgres.log" -w -t 30 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $data -c fsync=off -c full_page_writes=off -c synchronous_commit=off" \
      start >/dev/null; then
      break
    fi
    if ((tries == 5)) || ! grep -q 'could not bind\|Address already in use' "$NF_PG_DIR/postgres.log"; then
      cat "$NF_PG_DIR/postgres.log" >&2
      die "postgres did not start"
    fi
    port=$(free_port "$((port + 1))")
  done
  export NEUROFLOW_TEST_PG_URL="postgres://postgres:$pw@127.0.0.1:$port/postgres"
  log "postgres $("$pgbin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data in $data)"
}

stop_postgres() {
  if [[ -z "${NF_PG_DIR:-}" || ! -d "$NF_PG_DIR" ]]; then
    return 0
  fi
  local data="$NF_PG_DIR/data" pid
  if [[ -f "$data/postmaster.pid" ]]; then
    if ! _pg "$NF_PG_BIN/pg_ctl" -D "$data" -m fast -w -t 20 stop >/dev/null 2>&1; then
      pid=$(head -n 1 "$data/postmaster.pid" 2>/dev/null)
      if [[ -n "$pid" ]]; then
        stop_pid "$pid" postgres
      fi
    fi
  fi
  rm -rf "$NF_PG_DIR"
  NF_PG_DIR=""
  unset NEUROFLOW_TEST_PG_URL
}

# start_xvfb — Xvfb on a free display (Xvfb picks it: -displayfd), exports
# DISPLAY once xdpyinfo answers; stopped on exit.
start_xvfb() {
  local fdfile pid i display=""
  fdfile=$(mktemp /tmp/neuroflow-xvfb.XXXXXX)
  Xvfb -displayfd 9 -screen 0 1280x800x24 -nolisten tcp 9>"$fdfile" >"$fdfile.log" 2>&1 &
  pid=$!
  export NF_XVFB_PID=$pid
  nf_on_exit "stop_pid $pid Xvfb; rm -f '$fdfile' '$fdfile.log'"
  for ((i = 0; i < 200; i++)); do
    display=$(tr -dc '0-9' <"$fdfile")
    if [[ -n "$display" ]] && xdpyinfo -display ":$display" >/dev/null 2>&1; then
      export DISPLAY=":$display"
      log "Xvfb (pid $pid) on DISPLAY=$DISPLAY"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      cat "$fdfile.log" >&2
      die "Xvfb exited"
    fi
    sleep 0.1
  done
  cat "$fdfile.log" >&2
  die "Xvfb did not answer xdpyinfo within 20 s"
}
