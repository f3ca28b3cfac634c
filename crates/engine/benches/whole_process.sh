#!/usr/bin/env bash
# Times `neuroflow run` as a whole process (start-up, file read, validation, run, output) on
# the 50-node set-field chain, and its peak RSS, on one item and on 10,000. Builds neuroflow in
# release first.
#
#   crates/engine/benches/whole_process.sh [RUNS]
#
# Uses hyperfine when installed (apt-get install hyperfine), else a loop with /usr/bin/time -v.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../../.."
runs="${1:-20}"
target="${CARGO_TARGET_DIR:-target}"

cargo build --release -p neuroflow-cli
bin="$target/release/neuroflow"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
file="$work/chain50.json"

uuid() { printf '0190a000-0000-7000-8000-%012d' "$1"; }
{
  printf '{"format":"neuroflow.graph","version":1,"name":"50-node chain","nodes":['
  printf '{"id":"%s","kind":"trigger.manual","label":"Start","position":{"x":0,"y":0},"config":{}}' "$(uuid 0)"
  for i in $(seq 1 50); do
    printf ',{"id":"%s","kind":"data.set","label":"Set %d","position":{"x":%d,"y":0},"config":{"fields":{"f%d":%d}}}' \
      "$(uuid "$i")" "$i" "$((i * 200))" "$((i % 8))" "$i"
  done
  printf '],"edges":['
  for i in $(seq 1 50); do
    [[ $i -gt 1 ]] && printf ','
    printf '{"id":"%s","source":"%s","sourceHandle":null,"target":"%s","targetHandle":null}' \
      "$(printf '0190a000-0000-7000-9000-%012d' "$i")" "$(uuid $((i - 1)))" "$(uuid "$i")"
  done
  printf ']}\n'
} >"$file"

"$bin" validate "$file"
"$bin" run "$file" --events none --input '{"id":1}' >/dev/null

if command -v hyperfine >/dev/null; then
  hyperfine --warmup 3 --runs "$runs" -N "$bin run $file --events none --input '{\"id\":1}'"
else
  echo "hyperfine not found: timing $runs runs in a loop"
  start=$(date +%s%N)
  for _ in $(seq 1 "$runs"); do "$bin" run "$file" --events none --input '{"id":1}' >/dev/null; done
  end=$(date +%s%N)
  echo "mean wall time: $(((end - start) / runs / 1000)) µs per run"
fi
if [[ -x /usr/bin/time ]]; then
  /usr/bin/time -v "$bin" run "$file" --events none --input '{"id":1}' 2>&1 >/dev/null |
    grep -E 'Maximum resident set size|Elapsed \(wall clock\)'
fi

# The same chain over 10,000 items ({"id": i}), every node's output kept: peak RSS and time
# (issue 14's memory figure: 514 MB before items shared their parts, 52 MB after).
items="$work/items10k.json"
{
  printf '['
  for i in $(seq 0 9999); do
    [[ $i -gt 0 ]] && printf ','
    printf '{"id":%d}' "$i"
  done
  printf ']\n'
} >"$items"
echo "50 Set nodes x 10,000 items:"
if [[ -x /usr/bin/time ]]; then
  for _ in 1 2 3; do
    /usr/bin/time -v "$bin" run "$file" --events none --input "@$items" 2>&1 >/dev/null |
      grep -E 'Maximum resident set size|Elapsed \(wall clock\)'
  done
fi
