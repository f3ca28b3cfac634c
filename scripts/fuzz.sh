#!/usr/bin/env bash
# The long fuzz run (nightly-style): each target of crates/fuzz for MINUTES minutes (default
# 10), one after another, from its committed corpus with a fresh random seed, then a summary.
#
#   ./scripts/fuzz.sh [MINUTES] [TARGET...]   # file_parse validate_graph save_payload store_save
#
# Findings (the smallest input of each) and inputs slower than a second go to
# crates/fuzz/artifacts/TARGET/; inputs with a new outcome to crates/fuzz/artifacts/TARGET/new/
# (copy the small ones worth keeping into crates/fuzz/corpus/TARGET/). A finding, or a target
# that dies (a stack overflow aborts the process), makes the script fail; rerun one with
# `cargo run --release -p neuroflow-fuzz -- TARGET --seed SEED --seconds N` to reproduce it.
# CI does not run this: `cargo test -p neuroflow-fuzz` replays the corpus and 300 inputs.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$NF_ROOT"

minutes="${1:-10}"
[[ "$minutes" =~ ^[0-9]+$ ]] || die "MINUTES must be a whole number, not '$minutes'"
shift || true
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(file_parse validate_graph save_payload store_save)

step "build the fuzz driver (release)" cargo build --release -q -p neuroflow-fuzz
driver="$CARGO_TARGET_DIR/release/neuroflow-fuzz"
artifacts="$NF_ROOT/crates/fuzz/artifacts"

summary=()
failed=0
for t in "${targets[@]}"; do
  log="$artifacts/$t.log"
  mkdir -p "$artifacts/$t"
  echo "== $t for $minutes min"
  status=0
  "$driver" "$t" --seconds $((minutes * 60)) --save-new "$artifacts/$t/new" \
    --artifacts "$artifacts/$t" 2>&1 | tee "$log" || status=$?
  line="$(grep -E "^target $t: [0-9]+ executions" "$log" || true)"
  seed="$(grep -oE 'seed [0-9]+' "$log" | head -1 || true)"
  if [[ -z "$line" ]]; then
    summary+=("$t: DIED (exit $status, $seed) — see $log")
    failed=1
  elif [[ $status -ne 0 ]]; then
    summary+=("$line — FINDINGS in $artifacts/$t ($seed)")
    failed=1
  else
    summary+=("$line")
  fi
done

echo
echo "== fuzz summary ($minutes min per target)"
printf '%s\n' "${summary[@]}"
exit "$failed"
