#!/usr/bin/env bash
# A rollout's migrations over N tenant schemas through the whole control plane, at maxParallel 10 and 20.
# Usage: bench/run-migration-wave.sh [instances]   (default 200)
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/java.sh" MigrationWaveBenchmark "${1:-200}"
