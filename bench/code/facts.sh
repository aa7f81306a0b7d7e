#!/usr/bin/env bash
# Dumps every fact, route, config value and link hint the code layer extracts from the
# benchmark corpus and from every fixture under crates/checks/fixtures/code/, so a change to
# the extractors can be checked to leave them identical (issue 3, perf work):
#
#   bench/code/facts.sh OUT            # writes OUT (text, one file per line, sorted by path)
#   bench/code/facts.sh OUT --compare BEFORE   # also fails when OUT differs from BEFORE
set -euo pipefail
OUT="${1:?usage: bench/code/facts.sh OUT [--compare BEFORE]}"
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
CORPUS="${BENCH_DIR:-$HOME/.cache/vouch-bench}/code-20000"
[[ -d "$CORPUS" ]] || { echo "no corpus at $CORPUS: run bench/code/run.sh first" >&2; exit 2; }
cd "$REPO"
cargo build --release -q -p vouch-code --example parse_bench
BIN="${CARGO_TARGET_DIR:-$REPO/target}/release/examples/parse_bench"
# One root per fixture case: each case is linked on its own, as the fixture tests do.
mapfile -t CASES < <(find crates/checks/fixtures/code -mindepth 2 -maxdepth 2 -type d | sort)
"$BIN" --dump "$CORPUS" "${CASES[@]}" > "$OUT"
echo "$(wc -l < "$OUT") lines, sha256 $(sha256sum "$OUT" | cut -c1-16): $OUT"
if [[ "${2:-}" == "--compare" ]]; then
  BEFORE="${3:?--compare needs a file}"
  if cmp -s "$BEFORE" "$OUT"; then
    echo "identical to $BEFORE"
  else
    diff "$BEFORE" "$OUT" | head -40
    echo "DIFFERS from $BEFORE" >&2
    exit 1
  fi
fi
