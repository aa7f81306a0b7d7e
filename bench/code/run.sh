#!/usr/bin/env bash
# Code-layer benchmark (issue 3): generate a service-shaped tree of 20,000 source files in five
# languages, then report per-language read time and parse+extract throughput (all cores), and
# the end-to-end `vouch audit --select CODE` time on the same tree. See docs/benchmarks.md.
#
#   bench/code/run.sh [--files N] [--runs N]
set -euo pipefail
FILES=20000
RUNS=5
while [[ $# -gt 0 ]]; do
  case "$1" in
    --files) FILES="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    *) echo "usage: bench/code/run.sh [--files N] [--runs N]" >&2; exit 2 ;;
  esac
done
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
BENCH_DIR="${BENCH_DIR:-$HOME/.cache/vouch-bench}"
CORPUS="$BENCH_DIR/code-$FILES"
STAMP="$CORPUS.stamp"
SUM="$(sha256sum "$HERE/generate.py" | cut -c1-16)-$FILES"
if [[ ! -f "$STAMP" || "$(cat "$STAMP")" != "$SUM" ]]; then
  rm -rf "$CORPUS"
  python3 "$HERE/generate.py" --files "$FILES" --out "$CORPUS"
  echo "$SUM" > "$STAMP"
fi
cd "$REPO"
cargo build --release -q -p vouch-cli
cargo build --release -q -p vouch-code --example parse_bench
TARGET="${CARGO_TARGET_DIR:-$REPO/target}/release"
cat "$(find "$CORPUS" -type f | head -1)" > /dev/null   # warm the directory cache
find "$CORPUS" -type f -print0 | xargs -0 cat > /dev/null
"$TARGET/examples/parse_bench" "$CORPUS" "$RUNS"
echo
if command -v hyperfine > /dev/null; then
  hyperfine --warmup 1 --runs "$RUNS" -N \
    "$TARGET/vouch audit $CORPUS --no-progress --select CODE --format json" \
    "$TARGET/vouch audit $CORPUS --no-progress --format json" 2>&1 | grep -v '^ *$'
else
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "vouch audit --select CODE: %e s, %M KiB peak" \
      "$TARGET/vouch" audit "$CORPUS" --no-progress --select CODE --format json > /dev/null || true
  done
fi
