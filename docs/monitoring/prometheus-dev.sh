#!/usr/bin/env bash
# Starts a real Prometheus (Debian's package) scraping a running dev mode (./tenantry up) every 5 s, with the dev
# mode's admin token, checks that the target is up and that instance series arrive, and keeps it running.
# Usage: docs/monitoring/prometheus-dev.sh [--check]   (TENANTRY_HOME: the dev mode's home, default ~/.tenantry;
#        PROMETHEUS_PORT: where Prometheus listens, default 9090; --check: stop after the check)
set -euo pipefail
home="${TENANTRY_HOME:-$HOME/.tenantry}"
port="${PROMETHEUS_PORT:-9090}"
[ -f "$home/api.url" ] && [ -f "$home/admin.token" ] || { echo "no dev mode in $home: start ./tenantry up first" >&2; exit 1; }
if ! command -v prometheus >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    echo "installing Debian's prometheus package..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
  else
    echo "prometheus is not installed: sudo apt-get install prometheus" >&2; exit 1
  fi
fi
api="$(cat "$home/api.url")"
target="${api#http://}"
work="$(mktemp -d -t tenantry-prometheus-XXXX)"
cat > "$work/prometheus.yml" <<YAML
global:
  scrape_interval: 5s
scrape_configs:
  - job_name: tenantry
    metrics_path: /metrics
    authorization:
      credentials_file: $home/admin.token
    static_configs:
      - targets: ['$target']
YAML
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" --web.listen-address="127.0.0.1:$port" \
  >"$work/prometheus.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$work"' EXIT
query() { curl -sf "http://127.0.0.1:$port/api/v1/query" --data-urlencode "query=$1"; }
for _ in $(seq 60); do
  if curl -sf "http://127.0.0.1:$port/api/v1/targets" | grep -q '"health":"up"'; then break; fi
  sleep 1
done
curl -sf "http://127.0.0.1:$port/api/v1/targets" | grep -q '"health":"up"' || { echo "the target is not up:"; cat "$work/prometheus.log"; exit 1; }
echo "Prometheus at http://127.0.0.1:$port scrapes $api/metrics (target up)"
value() { query "$1" | grep -o '"value":\[[^]]*\]' | sed 's/.*,"\(.*\)"\]/\1/'; }
# a rate needs two scrapes: wait for it
for _ in $(seq 30); do [ -n "$(value 'sum(rate(tenantry_api_requests_seconds_count[1m]))')" ] && break; sleep 1; done
echo "API requests/s over the last minute: $(value 'sum(rate(tenantry_api_requests_seconds_count[1m]))')"
echo "replicas reporting: $(value 'count(tenantry_replica_ready)'), ready: $(value 'sum(tenantry_replica_ready)')"
[ -n "$(value 'sum(rate(tenantry_api_requests_seconds_count[1m]))')" ] || { echo "no API request rate after 30 s" >&2; exit 1; }
[ "${1:-}" = "--check" ] && exit 0
echo "Ctrl-C to stop"
wait $pid
