#!/usr/bin/env bash
# What an idle dev mode costs: CPU of its JVM (by thread group) and PostgreSQL over a quiet period after it settled.
# Usage: bench/run-idle.sh [settle-seconds] [measured-seconds]   (defaults 30 and 60)
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/java.sh" IdleBenchmark "${1:-30}" "${2:-60}"
