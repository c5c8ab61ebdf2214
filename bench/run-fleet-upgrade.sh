#!/usr/bin/env bash
# A fleet upgrade of N instances (default 200) to a new release through one rollout (canary 2, waves 10/50/100 %,
# bake 0, maxParallel M, default 20) under constant load through the gateway: wall time and failed requests; then the
# rollback of the whole rollout (instances still keeping their old replica warm flip back to it).
# Usage: bench/run-fleet-upgrade.sh [instances] [maxParallel]   (-Dbench.clients=8 -Dbench.intervalMs=10 in BENCH_JAVA_OPTS)
exec "$(dirname "${BASH_SOURCE[0]}")/java.sh" FleetUpgradeBenchmark "${1:-200}" "${2:-20}"
