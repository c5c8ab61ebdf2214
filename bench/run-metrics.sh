#!/usr/bin/env bash
# What metrics cost: a scrape of /metrics with N instances, and gateway requests with and without a busy scraper.
# Usage: bench/run-metrics.sh [instances] [requests]   (defaults 200 and 2000)
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/java.sh" MetricsBenchmark "${1:-200}" "${2:-2000}"
