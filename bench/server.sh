#!/usr/bin/env bash
# Benchmark `vouch serve` against the issue-8 quality bars with vouch's own load generator
# (`vouch load`, docs/load.md), on a temporary SQLite database (or PostgreSQL with
# --database-url) seeded with 100 projects and their runs:
#
#   listing       GET /api/v1/projects?limit=100 at a fixed 5,000 requests/s   p99 < 10 ms, no errors
#   upload        POST a 5 MB audit report                                     p95 < 100 ms, no errors
#   connections   1,000 concurrent connections listing projects                no errors
#
# Prints a table and exits 1 when a target is missed (2 on a set-up error). Rate limits are
# turned off for the run (they would answer 429 by design); everything else is the default
# configuration, logs included (written to the work directory).
#
#   bench/server.sh                      # builds the release binary, runs everything
#   bench/server.sh --no-build --duration 10s
#   bench/server.sh --database-url postgres://postgres@127.0.0.1:55432/vouch_bench
set -euo pipefail

usage() {
  cat <<'EOF'
usage: bench/server.sh [options]
  --no-build           use the vouch binary already built (CARGO_TARGET_DIR/release/vouch)
  --duration D         measured time of each scenario (default 20s)
  --warmup D           unmeasured load before each scenario (default 3s)
  --rate R             listing rate (default 5000/s)
  --upload-rate R      upload rate (default 5/s)
  --connections N      concurrent connections of the third scenario (default 1000)
  --database-url URL   benchmark on this (empty) PostgreSQL database instead of SQLite
  --keep               keep the work directory (database, logs, JSON results)
environment: VOUCH (a vouch binary to use), CARGO_TARGET_DIR, BENCH_DIR (work directory parent)
EOF
}

BUILD=1
DURATION=20s
WARMUP=3s
RATE=5000/s
UPLOAD_RATE=5/s
CONNECTIONS=1000
DATABASE_URL_ARG=""
KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) BUILD=0 ;;
    --duration) DURATION=$2; shift ;;
    --warmup) WARMUP=$2; shift ;;
    --rate) RATE=$2; shift ;;
    --upload-rate) UPLOAD_RATE=$2; shift ;;
    --connections) CONNECTIONS=$2; shift ;;
    --database-url) DATABASE_URL_ARG=$2; shift ;;
    --keep) KEEP=1 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
log() { echo "bench/server: $*" >&2; }
for tool in curl jq python3; do
  command -v "$tool" >/dev/null || { log "$tool is required"; exit 2; }
done

if [ "$BUILD" = 1 ] && [ -z "${VOUCH:-}" ]; then
  log "building the release binary"
  (cd "$ROOT" && cargo build --release -p vouch-cli >&2)
fi
VOUCH=${VOUCH:-$TARGET/release/vouch}
[ -x "$VOUCH" ] || { log "no vouch binary at $VOUCH (build it, or set VOUCH)"; exit 2; }

# Both ends of 1,000 connections live in this process group.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

mkdir -p "${BENCH_DIR:-/tmp}"
WORK=$(mktemp -d "${BENCH_DIR:-/tmp}/vouch-server-bench.XXXXXX")
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [ "$KEEP" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
URL=http://127.0.0.1:$PORT
KEY=vk_$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
AUTH="Authorization: Bearer $KEY"
{
  echo "listen = \"127.0.0.1:$PORT\""
  echo "data_dir = \"$WORK/data\""
  if [ -n "$DATABASE_URL_ARG" ]; then echo "database_url = \"$DATABASE_URL_ARG\""; fi
  echo "rate_limit_ip_per_sec = 0"
  echo "rate_limit_key_per_sec = 0"
} > "$WORK/server.toml"

log "starting $VOUCH serve on $URL (work directory $WORK)"
env -u DATABASE_URL -u VOUCH_LISTEN -u VOUCH_DATA_DIR VOUCH_INIT_ADMIN_KEY="$KEY" \
  "$VOUCH" serve --config "$WORK/server.toml" 2> "$WORK/server.log" &
SERVER_PID=$!
for _ in $(seq 1 100); do
  curl -fsS -o /dev/null "$URL/readyz" 2>/dev/null && break
  kill -0 "$SERVER_PID" 2>/dev/null || { log "the server exited:"; tail -5 "$WORK/server.log" >&2; exit 2; }
  sleep 0.1
done
curl -fsS -o /dev/null "$URL/readyz" || { log "the server is not ready"; exit 2; }

# Seed: 100 projects, each with a run of a real audit report (vouch auditing its own tree).
log "seeding 100 projects and their runs"
"$VOUCH" audit "$ROOT/crates/server" --format json > "$WORK/report.json" 2>/dev/null || true
jq -e '.schema == "vouch.report/v1"' "$WORK/report.json" >/dev/null \
  || { log "cannot produce a report to upload"; exit 2; }
for i in $(seq -w 1 100); do
  curl -fsS -o /dev/null -H "$AUTH" -H 'Content-Type: application/json' \
    -d "{\"name\":\"svc-$i\",\"owner_team\":\"team-$((10#$i % 7))\",\"tier\":\"standard\",\"labels\":{\"bench\":\"yes\"}}" \
    "$URL/api/v1/projects"
  curl -fsS -o /dev/null -H "$AUTH" -H 'Content-Type: application/json' \
    --data-binary "@$WORK/report.json" "$URL/api/v1/projects/svc-$i/runs"
done
[ "$(curl -fsS -H "$AUTH" "$URL/api/v1/projects?limit=100" | jq '.items | length')" = 100 ] \
  || { log "the listing does not hold 100 projects"; exit 2; }

# A 5 MB report: the real one with its results repeated.
python3 - "$WORK/report.json" "$WORK/report-5mb.json" <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
results = report["results"]
while len(json.dumps(report)) < 5_000_000:
    report["results"] = report["results"] + results
json.dump(report, open(sys.argv[2], "w"))
EOF
UPLOAD_BYTES=$(stat -c %s "$WORK/report-5mb.json")
code=$(curl -sS -o /dev/null -w '%{http_code}' -H "$AUTH" -H 'Content-Type: application/json' \
  --data-binary "@$WORK/report-5mb.json" "$URL/api/v1/projects/svc-001/runs")
[ "$code" = 201 ] || { log "a 5 MB upload answered $code"; exit 2; }

load() {
  local name=$1; shift
  log "$name: vouch load $*"
  local rc=0
  "$VOUCH" load --format json --no-progress --warmup "$WARMUP" --duration "$DURATION" "$@" \
    > "$WORK/$name.json" || rc=$?
  if [ "$rc" -ge 2 ]; then log "$name: vouch load failed ($rc)"; exit 2; fi
}

load listing "$URL/api/v1/projects?limit=100" -H "$AUTH" --rate "$RATE" --connections 64 \
  --threshold 'p(99)<10ms' --threshold 'errors<0.01%'
load upload "$URL/api/v1/projects/svc-002/runs" -X POST -H "$AUTH" \
  -H 'Content-Type: application/json' --body-file "$WORK/report-5mb.json" \
  --rate "$UPLOAD_RATE" --connections 8 --threshold 'p(95)<100ms' --threshold 'errors<0.01%'
load connections "$URL/api/v1/projects?limit=100" -H "$AUTH" --concurrency "$CONNECTIONS" \
  --timeout 30s --threshold 'errors<0.01%'

BACKEND=sqlite
[ -n "$DATABASE_URL_ARG" ] && BACKEND=postgres
echo
echo "vouch serve ($BACKEND), $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M UTC'), $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
echo
printf '| %-11s | %-34s | %9s | %8s | %8s | %8s | %8s | %-6s |\n' \
  scenario load rps p50_ms p95_ms p99_ms errors result
printf '|%s|%s|%s|%s|%s|%s|%s|%s|\n' -------------  ------------------------------------ ----------- ---------- ---------- ---------- ---------- --------
failed=0
row() {
  local name=$1 what=$2 f=$WORK/$1.json
  local pass
  pass=$(jq -r 'if .passed then "pass" else "MISSED" end' "$f")
  [ "$pass" = pass ] || failed=1
  printf '| %-11s | %-34s | %9s | %8s | %8s | %8s | %8s | %-6s |\n' "$name" "$what" \
    "$(jq -r '.throughput_rps | floor' "$f")" \
    "$(jq -r '.latency_ms.p50 // "-" | if type == "number" then (. * 100 | round / 100) else . end' "$f")" \
    "$(jq -r '.latency_ms.p95 // "-" | if type == "number" then (. * 100 | round / 100) else . end' "$f")" \
    "$(jq -r '.latency_ms.p99 // "-" | if type == "number" then (. * 100 | round / 100) else . end' "$f")" \
    "$(jq -r '(.requests.http_errors + .requests.transport_errors | tostring) + "/" + (.requests.total | tostring)' "$f")" \
    "$pass"
}
row listing "GET 100 projects at $RATE, p99<10ms"
row upload "POST $((UPLOAD_BYTES / 1000000)) MB report at $UPLOAD_RATE, p95<100ms"
row connections "$CONNECTIONS connections, no errors"
echo
for name in listing upload connections; do
  jq -r --arg n "$name" '.thresholds[] | "\($n): \(.expression) observed \(.observed) \(.unit // "") \(if .passed then "ok" else "MISSED" end)"' "$WORK/$name.json"
done
exit "$failed"
