#!/usr/bin/env bash
# Wake-from-hibernation benchmark: first-request latency through the gateway to a hibernated instance vs the
# workload's bare start-to-healthy time. Usage: bench/run-wake.sh [rounds] [instances]
exec "$(dirname "${BASH_SOURCE[0]}")/java.sh" WakeBenchmark "${1:-5}" "${2:-10}"
