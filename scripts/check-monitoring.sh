#!/usr/bin/env bash
# Validates the monitoring as code in deploy/monitoring: the alert rules parse and pass their
# unit tests (promtool), Prometheus's configuration is valid, and so is Alertmanager's
# (amtool). Installs Debian's prometheus and prometheus-alertmanager packages when missing
# (as root). Exit 0: all valid.
set -euo pipefail
cd "$(dirname "$0")/.."

install_missing() { # command package
  command -v "$1" >/dev/null && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2" >/dev/null
  fi
  command -v "$1" >/dev/null || {
    echo "check-monitoring: $1 is required: run 'apt-get install -y $2' as root" >&2
    exit 2
  }
}
install_missing promtool prometheus
install_missing amtool prometheus-alertmanager

prom=deploy/monitoring/prometheus
promtool check rules "$prom/alerts.yml"
promtool test rules "$prom/alerts_test.yml"

# The compose deployment mounts the scrape key at /run/secrets; check the configuration with
# that path pointing at a stand-in file, so the referenced files are checked too.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$prom/prometheus.yml" "$prom/alerts.yml" "$work/"
cp -r "$prom/targets" "$work/"
: > "$work/vouch-metrics-key"
sed -i "s#/run/secrets/vouch-metrics-key#$work/vouch-metrics-key#" "$work/prometheus.yml"
promtool check config "$work/prometheus.yml"

amtool check-config deploy/monitoring/alertmanager/alertmanager.yml
echo "check-monitoring: rules, rule tests, Prometheus and Alertmanager configuration are valid"
