#!/usr/bin/env bash
# The whole test suite, as CI runs it. Idempotent; needs only cargo and git.
# Services the tests need (Chromium, nginx, PostgreSQL) are installed here when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v git >/dev/null || { echo "test.sh: git is required (apt-get install git)" >&2; exit 2; }

# The HTML report is checked in headless Chromium (Debian's package). Installed only when missing.
if ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "test.sh: Chromium is required for the HTML report test: run 'apt-get install -y chromium' as root" >&2
    exit 2
  fi
fi

# The dashboard test drives Chromium through Debian's chromedriver (WebDriver). Installed only
# when missing.
if ! command -v chromedriver >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium-driver >/dev/null
  else
    echo "test.sh: chromedriver is required for the dashboard test: run 'apt-get install -y chromium-driver' as root" >&2
    exit 2
  fi
fi

# The probe tests run Debian's nginx as an independent real server (crates/probes/tests/live/
# nginx*.rs), including the TLS-version probe's failing path (rustls cannot accept TLS 1.0/1.1).
# Debian installs it in /usr/sbin, which is not on every user's PATH. Installed only when missing.
if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null
  else
    echo "test.sh: nginx is required for the probe tests: run 'apt-get install -y nginx-light' as root" >&2
    exit 2
  fi
fi
# The server tests run against PostgreSQL too: a throwaway cluster (Debian's postgresql,
# installed when missing) in target/pg-test, started once and reused; exports
# VOUCH_TEST_DATABASE_URL.
pg_env=$(bash crates/server/scripts/test-postgres.sh)
eval "$pg_env"

# The restore-drill script's test runs the operator script, which uses curl, jq and gzip.
for tool in curl jq gzip; do
  if ! command -v "$tool" >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$tool" >/dev/null
    else
      echo "test.sh: $tool is required for the restore-drill test: run 'apt-get install -y $tool' as root" >&2
      exit 2
    fi
  fi
done

# The monitoring as code (alert rules and their unit tests, Prometheus and Alertmanager
# configuration) checked with promtool and amtool from Debian's packages, installed when missing.
bash scripts/check-monitoring.sh

# Snapshot tests must never rewrite snapshots in CI.
export INSTA_UPDATE=${INSTA_UPDATE:-no}
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --no-fail-fast
  # nextest does not run doctests
  cargo test --workspace --doc --quiet
else
  cargo test --workspace --no-fail-fast
fi
