#!/usr/bin/env bash
# Failed requests during updates, rolling restarts and scaling of N instances under constant load through the
# gateway. Usage: bench/run-changes-under-load.sh [instances]   (-Dbench.intervalMs=10 in BENCH_JAVA_OPTS)
exec "$(dirname "${BASH_SOURCE[0]}")/java.sh" ChangesUnderLoadBenchmark "${1:-20}"
