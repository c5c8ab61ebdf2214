#!/usr/bin/env bash
# Provisioning latency benchmark: provision-to-first-200 through the gateway vs the workload's bare
# start-to-healthy time, for 1 and for N concurrent creates. Usage: bench/run-provisioning.sh [rounds] [concurrency]
exec "$(dirname "${BASH_SOURCE[0]}")/java.sh" ProvisioningBenchmark "${1:-20}" "${2:-50}"
