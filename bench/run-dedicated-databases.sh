#!/usr/bin/env bash
# A dedicated PostgreSQL server per instance next to a database per instance on a shared server: create-to-running
# time per model through the whole control plane, and each dedicated server's memory and disk.
# Usage: bench/run-dedicated-databases.sh [instances per model]   (default 10)
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/java.sh" DedicatedDatabaseBenchmark "${1:-10}"
