#!/usr/bin/env bash
# The audit hash chain's cost per record: hashing alone, appends against plain inserts, verification throughput.
# Usage: bench/run-audit-chain.sh [records] [writers]   (defaults 20000 and 8)
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/java.sh" AuditChainBenchmark "${1:-20000}" "${2:-8}"
