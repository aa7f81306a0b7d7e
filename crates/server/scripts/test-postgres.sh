#!/usr/bin/env bash
# Starts (or reuses) a throwaway PostgreSQL cluster for the server tests and prints
#   export VOUCH_TEST_DATABASE_URL=postgres://...
# on stdout, for `eval "$(bash crates/server/scripts/test-postgres.sh)"`. With the argument
# `stop`, stops the cluster instead (fault tests stop and restart a cluster of their own, given
# by VOUCH_PG_DIR; VOUCH_PG_PORT restarts it on the same port). Idempotent: a cluster
# already running in the directory is reused. Installs Debian's `postgresql` when missing
# (as root). The cluster lives in target/pg-test (as root: /tmp/vouch-pg-test-<checkout hash>;
# override with VOUCH_PG_DIR), listens on
# 127.0.0.1 on a free port, trusts local connections, and runs with fsync off: test data only.
set -euo pipefail
cd "$(dirname "$0")/../../.."

log() { echo "test-postgres: $*" >&2; }

find_bin() {
  local dir
  if command -v pg_ctl >/dev/null; then dirname "$(command -v pg_ctl)"; return; fi
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$dir/pg_ctl" ] && { echo "$dir"; return; }
  done
}

BIN=$(find_bin || true)
if [ -z "$BIN" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing Debian's postgresql"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    BIN=$(find_bin)
  else
    log "PostgreSQL is required for the server tests: run 'apt-get install -y postgresql' as root"
    exit 2
  fi
fi

if [ -n "${VOUCH_PG_DIR:-}" ]; then
  DIR=$VOUCH_PG_DIR
elif [ "$(id -u)" = 0 ]; then
  # As root the cluster runs as `postgres`, which cannot enter a checkout under a private
  # directory (/root and mktemp -d are 0700): keep it under /tmp, one per checkout.
  DIR=/tmp/vouch-pg-test-$(printf %s "$PWD" | cksum | cut -d' ' -f1)
else
  DIR=$PWD/target/pg-test
fi
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)

# PostgreSQL refuses to run as root: use the package's `postgres` user, or make one.
as_owner() { "$@"; }
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
  chown postgres "$DIR"
  # From /: the postgres user may not be able to enter the current directory.
  as_owner() { (cd / && runuser -u postgres -- "$@"); }
fi

if [ "${1:-}" = stop ]; then
  as_owner "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null
  exit 0
fi

if [ ! -f "$DIR/data/PG_VERSION" ]; then
  log "initdb in $DIR/data"
  as_owner "$BIN/initdb" -D "$DIR/data" -U postgres -A trust --no-sync >/dev/null
fi

if as_owner "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1 && [ -f "$DIR/port" ]; then
  PORT=$(cat "$DIR/port")
else
  PORT=${VOUCH_PG_PORT:-55432}
  while (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; do PORT=$((PORT + 1)); done
  log "starting PostgreSQL on 127.0.0.1:$PORT"
  as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 start \
    -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400" >/dev/null
  echo "$PORT" > "$DIR/port"
fi

echo "export VOUCH_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:$PORT/postgres"
