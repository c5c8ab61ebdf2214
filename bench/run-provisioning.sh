#!/usr/bin/env bash
# Provisioning latency benchmark: provision-to-first-200 through the gateway vs the workload's bare
# start-to-healthy time, for 1 and for N concurrent creates. Usage: bench/run-provisioning.sh [rounds] [concurrency]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
. scripts/java-home.sh
./mvnw -B -q -ntp -Pbench -DskipTests install -pl bench -am
# the same JVM flags as ./tenantry uses for dev mode
exec "$JAVA_HOME/bin/java" ${BENCH_JAVA_OPTS:-} -Xmx512m -XX:+UseSerialGC -Djdk.httpclient.allowRestrictedHeaders=host -cp "bench/target/lib/*" \
  dev.tenantry.bench.ProvisioningBenchmark "${1:-20}" "${2:-50}"
