#!/usr/bin/env bash
# vouch's self-audit gate: vouch must pass vouch. Three checks, all run even when one fails:
#   1. `vouch audit . --fail-on low`: no unsuppressed finding of low severity or above
#      (exclusions and the reasoned suppressions are in vouch.toml);
#   2. `vouch checklist verify PRODUCTION_READINESS.md`: no ticked claim that a control refutes;
#   3. a `vouch serve` started here (free port, temporary data directory, a generated admin key)
#      passes every `vouch probe` control, with its own OpenAPI document.
# Uses $VOUCH_BIN when set, else builds the binary: the release profile by default, the dev
# profile with VOUCH_GATE_PROFILE=dev (what the test suite has just built, so CI pays no second
# build; dependencies are optimised in dev too). A build is a no-op when it is up to date.
# Exit 0 when all pass, 1 when a check fails, 2 on a set-up error. Idempotent: nothing is
# left behind but the build.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'gate: %s\n' "$*" >&2; }
die() { say "$*"; exit 2; }

if [ -n "${VOUCH_BIN:-}" ]; then
  vouch=$VOUCH_BIN
  [ -x "$vouch" ] || die "VOUCH_BIN=$vouch is not an executable"
else
  case ${VOUCH_GATE_PROFILE:-release} in
    release) profile_flag=(--release) profile_dir=release ;;
    dev) profile_flag=() profile_dir=debug ;;
    *) die "VOUCH_GATE_PROFILE must be release or dev, not '$VOUCH_GATE_PROFILE'" ;;
  esac
  say "building vouch (cargo build ${profile_flag[*]} -p vouch-cli)"
  cargo build "${profile_flag[@]}" --locked --quiet -p vouch-cli || die "the build failed"
  vouch="${CARGO_TARGET_DIR:-target}/$profile_dir/vouch"
fi
say "using $("$vouch" --version)"

failed=()

# --- 1. audit --------------------------------------------------------------------------------
say "1/3 vouch audit . --fail-on low"
status=0
"$vouch" audit . --fail-on low --no-progress || status=$?
case $status in
  0) say "audit: no unsuppressed finding of low severity or above" ;;
  1) failed+=("audit: findings of low severity or above (listed above): fix them, or suppress one in vouch.toml with a reason, an owner and an expiry when it is a deliberate choice") ;;
  *) die "audit: vouch exited $status (usage or tool error)" ;;
esac

# --- 2. readiness checklist --------------------------------------------------------------------
say "2/3 vouch checklist verify PRODUCTION_READINESS.md"
status=0
"$vouch" checklist verify PRODUCTION_READINESS.md || status=$?
case $status in
  0) say "checklist: no claimed-but-failing item" ;;
  1) failed+=("checklist: a ticked item fails its controls, or a sign-off is invalid (listed first above): fix the cause or untick the item") ;;
  *) die "checklist: vouch exited $status (usage or input error)" ;;
esac

# --- 3. a live server passes the probes ------------------------------------------------------
say "3/3 vouch serve + vouch probe"
work=$(mktemp -d "${TMPDIR:-/tmp}/vouch-gate.XXXXXX")
server_pid=
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

# An admin key in the documented form (`vk_` + 64 hex digits), stored by the server at start.
admin_key="vk_$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')"
[ ${#admin_key} -eq 67 ] || die "could not generate an admin key"

# The server's defaults, except a per-address rate limit the rate-limit probe meets whatever
# the machine's speed: a burst that holds every other probe's requests (about 100), refilled
# slower than the probe's own burst of 200 arrives (as crates/server/tests/api/probes.rs).
cat >"$work/vouch-serve.toml" <<'TOML'
rate_limit_ip_per_sec = 10
rate_limit_ip_burst = 150
TOML

# Port 0: the kernel picks a free port, and the server logs the address it bound.
VOUCH_INIT_ADMIN_KEY=$admin_key VOUCH_LOG=info \
  "$vouch" serve --config "$work/vouch-serve.toml" --listen 127.0.0.1:0 \
  --data-dir "$work/data" 2>"$work/server.log" &
server_pid=$!

addr=
for _ in $(seq 1 300); do
  addr=$(grep -o '"addr":"127\.0\.0\.1:[0-9]*"' "$work/server.log" | head -n 1 | cut -d'"' -f4 || true)
  [ -n "$addr" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; die "vouch serve exited before listening"; }
  sleep 0.1
done
[ -n "$addr" ] || { cat "$work/server.log" >&2; die "vouch serve did not report its address within 30 s"; }
url="http://$addr"

# /readyz: the database is migrated and the job workers run. Asked with bash's /dev/tcp so the
# gate needs no curl.
ready() {
  local host=${addr%:*} port=${addr##*:} line
  exec 3<>"/dev/tcp/$host/$port" || return 1
  printf 'GET /readyz HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' "$addr" >&3
  IFS= read -r -t 5 line <&3 || line=
  exec 3<&- 3>&-
  [[ $line == "HTTP/1.1 200"* ]]
}
is_ready=
for _ in $(seq 1 300); do
  if ready 2>/dev/null; then is_ready=yes; break; fi
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; die "vouch serve exited before it was ready"; }
  sleep 0.1
done
[ -n "$is_ready" ] || { cat "$work/server.log" >&2; die "$url/readyz did not answer 200 within 30 s"; }
say "server ready at $url"

# Every probe, with the server's OpenAPI document (so HTTP018 calls each write operation
# without credentials) and the admin key for the probes that act as a client (/metrics).
# Request bodies are refused above 16 MiB (max_body_bytes), so the body-size probe sends more
# than that; the rate-limit probe's burst goes out at up to 200/s, well above the refill.
probe_out="$work/probe.txt"
status=0
"$vouch" probe "$url" --openapi "$url/api/openapi.json" --token "$admin_key" \
  --rate 200/s --max-requests 400 --max-body 17MiB \
  --fail-on info >"$probe_out" || status=$?
cat "$probe_out"
summary=$(grep -E '[0-9]+ passed · [0-9]+ failed · [0-9]+ unknown' "$probe_out" | tail -n 1 || true)
[ -n "$summary" ] || die "probe: no summary line in vouch probe's output (exit $status)"
read -r n_failed n_unknown n_errored < <(
  sed -E 's/.* ([0-9]+) failed · ([0-9]+) unknown · .* ([0-9]+) errored.*/\1 \2 \3/' <<<"$summary"
)
if [ "$status" -gt 1 ]; then
  die "probe: vouch exited $status (usage or tool error)"
elif [ "$status" -ne 0 ] || [ "$n_failed" != 0 ] || [ "$n_unknown" != 0 ] || [ "$n_errored" != 0 ]; then
  failed+=("probe: not every probe passed against $url ($summary)")
else
  say "probe: every probe passed or does not apply ($summary)"
fi

kill -TERM "$server_pid"
wait "$server_pid" || die "vouch serve did not stop cleanly on SIGTERM (exit $?)"
server_pid=

# --- verdict -----------------------------------------------------------------------------------
if [ ${#failed[@]} -gt 0 ]; then
  say "FAILED:"
  for f in "${failed[@]}"; do say "  - $f"; done
  exit 1
fi
say "passed: audit, checklist and probe"
