#!/usr/bin/env bash
# What webhook delivery costs the server per 1,000 events, and how fast a backlog drains once its receiver is back.
# Usage: bench/run-webhooks.sh [events]   (default 2000)
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/java.sh" WebhookBenchmark "${1:-2000}"
