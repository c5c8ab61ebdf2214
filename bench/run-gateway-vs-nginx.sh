#!/usr/bin/env bash
# The gateway against nginx as a reverse proxy to the same replica, side by side in one run (wrk -t2 -c32 to /healthz),
# and whether the gateway's traffic accounting counted every request. nginx and wrk come from Debian's packages; as
# root this installs them when missing. Last line:
#   gateway-vs-nginx: gateway_rps=X nginx_rps=Y ratio_pct=R gateway_p99_us=P nginx_p99_us=Q direct_rps=D
# Usage: bench/run-gateway-vs-nginx.sh [seconds per run] [rounds]   (default 10 s, 5 rounds)
set -euo pipefail
usage="usage: bench/run-gateway-vs-nginx.sh [seconds per run, 1-300] [rounds, 1-50]"
seconds="${1:-10}"
rounds="${2:-5}"
if [ $# -gt 2 ] || ! [[ "$seconds" =~ ^[0-9]{1,3}$ ]] || ! [[ "$rounds" =~ ^[0-9]{1,2}$ ]] \
    || [ "$seconds" -lt 1 ] || [ "$seconds" -gt 300 ] || [ "$rounds" -lt 1 ] || [ "$rounds" -gt 50 ]; then
  echo "$usage" >&2
  exit 2
fi
missing=()
command -v wrk > /dev/null || missing+=(wrk)
command -v nginx > /dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "this benchmark needs ${missing[*]} (Debian packages): sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" > /dev/null
fi
export PATH="$PATH:/usr/sbin"
exec "$(dirname "${BASH_SOURCE[0]}")/java.sh" GatewayVsNginxBenchmark "$seconds" "$rounds"
