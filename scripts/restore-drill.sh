#!/usr/bin/env bash
# Restore drill against your own deployment (docs/disaster-recovery.md): restores a backup into
# a scratch database, never into the live one, starts a vouch server on the copy, checks it,
# and prints the measured restore time (your RTO). Exit 0 when the drill passed, 1 when a check
# failed, 2 on a usage or set-up error.
#
#   scripts/restore-drill.sh [--archive FILE] [--config FILE] [--keep]
#
# --archive FILE  the backup to drill with, e.g. the newest file in `backup_dir` (the backups you
#                 would really restore from). Without it the script first takes a backup of the
#                 deployment's database with `vouch admin backup`, read from --config FILE or
#                 DATABASE_URL / VOUCH_DATA_DIR, as `vouch serve` reads them.
# --keep          keep the scratch directory (the SQLite copy and the drill server's log).
#
# Environment:
#   VOUCH_API_KEY        an admin API key of the deployment: the copy holds the same keys, and
#                        the checks read the audit log, which needs admin. Required.
#   DRILL_DATABASE_URL   an empty database to restore into (postgres://...; required for a
#                        PostgreSQL backup, which restores into PostgreSQL only); default: a
#                        SQLite file in a temporary directory. Refused when it equals DATABASE_URL.
#   VOUCH                the vouch binary (default: `vouch` on PATH).
#
# The drill server listens on 127.0.0.1 only, runs no job workers, and reaches no webhook
# receiver (its outgoing HTTP goes to a closed local proxy port), so deliveries and jobs in the
# backup are not replayed against the real world. Needs bash, curl, gzip and jq.
set -euo pipefail

VOUCH=${VOUCH:-vouch}
archive=""
config=""
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --archive) archive=${2:?--archive needs a file}; shift 2 ;;
    --config) config=${2:?--config needs a file}; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "restore-drill: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

say() { echo "restore-drill: $*" >&2; }
fail() { say "FAILED: $*"; exit 1; }

for tool in curl gzip jq; do
  command -v "$tool" >/dev/null || { say "$tool is required"; exit 2; }
done
command -v "$VOUCH" >/dev/null || { say "no vouch binary: set VOUCH=/path/to/vouch"; exit 2; }
[ -n "${VOUCH_API_KEY:-}" ] || { say "VOUCH_API_KEY must be an admin API key of the deployment"; exit 2; }
if [ -n "${DRILL_DATABASE_URL:-}" ] && [ "${DRILL_DATABASE_URL}" = "${DATABASE_URL:-}" ]; then
  say "DRILL_DATABASE_URL is the live database: give an empty scratch database"
  exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/vouch-restore-drill.XXXXXX")
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [ "$keep" = 1 ]; then say "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# 1. The backup: given, or taken now from the deployment.
if [ -z "$archive" ]; then
  archive=$work/drill.jsonl.gz
  say "taking a backup of the deployment's database"
  "$VOUCH" admin ${config:+--config "$config"} backup --to "$archive"
fi
[ -f "$archive" ] || { say "no archive at $archive"; exit 2; }
# `head` closes the pipe after the header line: gzip's SIGPIPE is expected, not an error.
header=$(gzip -dc "$archive" 2>/dev/null | head -n 1 || true)
[ "$(jq -r .format <<<"$header")" = vouch-backup ] || { say "$archive is not a vouch backup"; exit 2; }
rows() { jq -r --arg t "$1" '[.tables[] | select(.name == $t) | .rows] | add // 0' <<<"$header"; }
if [ "$(jq -r .backend <<<"$header")" = postgres ] && [ -z "${DRILL_DATABASE_URL:-}" ]; then
  say "a PostgreSQL backup restores into PostgreSQL only: set DRILL_DATABASE_URL to an empty database"
  exit 2
fi
say "archive $archive: taken $(jq -r .created_at <<<"$header") on $(jq -r .backend <<<"$header"), schema version $(jq -r .schema_version <<<"$header")"

# Only the scratch database: nothing of the deployment's configuration reaches the drill.
drill_env=(env -u DATABASE_URL -u VOUCH_DATA_DIR -u VOUCH_LISTEN -u VOUCH_MODE -u VOUCH_BACKUP_DIR
  -u VOUCH_INIT_ADMIN_KEY -u VOUCH_INIT_ADMIN_PASSWORD -u VOUCH_OIDC_ISSUER -u VOUCH_OIDC_AUDIENCE
  -u VOUCH_OIDC_ROLE_MAP -u OTEL_EXPORTER_OTLP_ENDPOINT -u NO_PROXY -u no_proxy
  VOUCH_DATA_DIR="$work/data" VOUCH_JOB_WORKERS=0
  HTTP_PROXY=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 ALL_PROXY=http://127.0.0.1:9
  http_proxy=http://127.0.0.1:9 https_proxy=http://127.0.0.1:9)
[ -n "${DRILL_DATABASE_URL:-}" ] && drill_env+=(DATABASE_URL="$DRILL_DATABASE_URL")

# 2. Restore into the empty scratch database (the clock of the RTO starts here).
started=$(date +%s.%N)
"${drill_env[@]}" "$VOUCH" admin restore "$archive"
restored=$(date +%s.%N)
"${drill_env[@]}" "$VOUCH" admin verify-audit-log || fail "the restored audit log's chain is broken"

# 3. A server on the copy, on a free port chosen by the system.
"${drill_env[@]}" "$VOUCH" serve --listen 127.0.0.1:0 2>"$work/serve.log" &
server_pid=$!
url=""
for _ in $(seq 600); do
  addr=$(grep -o '"addr":"[^"]*"' "$work/serve.log" 2>/dev/null | head -n 1 | cut -d'"' -f4 || true)
  [ -n "$addr" ] && { url=http://$addr; break; }
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/serve.log" >&2; fail "the server on the copy did not start"; }
  sleep 0.1
done
[ -n "$url" ] || fail "the server on the copy logged no address in 60 s"
until [ "$(curl -s -o /dev/null -w '%{http_code}' "$url/readyz")" = 200 ]; do
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/serve.log" >&2; fail "the server on the copy stopped"; }
  sleep 0.1
done
ready=$(date +%s.%N)

# 4. The copy answers with what the backup holds.
api() { curl -sS --fail-with-body -H "Authorization: Bearer $VOUCH_API_KEY" "$url$1"; }
# Every item of a paginated list, one JSON object a line.
items() {
  local path=$1 after="" page
  while :; do
    page=$(api "$path?limit=500${after:+&after=$after}") || fail "GET $path: $page"
    jq -c '.items[]' <<<"$page"
    after=$(jq -r '.next // empty' <<<"$page")
    [ -n "$after" ] || break
  done
}
names=$(items /api/v1/projects | jq -r .name)
projects=$(grep -c . <<<"$names" || true)
[ "$projects" = "$(rows projects)" ] || fail "the copy lists $projects projects, the backup holds $(rows projects)"
runs=0
for name in $names; do
  runs=$((runs + $(items "/api/v1/projects/$name/runs" | grep -c . || true)))
done
[ "$runs" = "$(rows runs)" ] || fail "the copy lists $runs runs, the backup holds $(rows runs)"
entries=$(items /api/v1/audit-log | grep -c . || true)
[ "$entries" = "$(rows audit_log)" ] || fail "the copy lists $entries audit-log entries, the backup holds $(rows audit_log)"
verify=$(api /api/v1/audit-log/verify) || fail "GET /api/v1/audit-log/verify: $verify"
[ "$(jq -r '.broken' <<<"$verify")" = null ] || fail "the audit log of the copy is broken: $verify"

seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
say "PASSED: $projects projects, $runs runs, $entries audit-log entries (chain intact, last $(jq -r .last_seq <<<"$verify"))"
say "restore took $(seconds "$started" "$restored") s; restore to ready (RTO) $(seconds "$started" "$ready") s"
