#!/usr/bin/env bash
# Wake-from-hibernation benchmark: first-request latency through the gateway to a hibernated instance vs the
# workload's bare start-to-healthy time. Usage: bench/run-wake.sh [rounds] [instances]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
. scripts/java-home.sh
./mvnw -B -q -ntp -Pbench -DskipTests install -pl bench -am
# the same JVM flags as ./tenantry uses for dev mode
exec "$JAVA_HOME/bin/java" ${BENCH_JAVA_OPTS:-} -Xmx512m -XX:+UseSerialGC -cp "bench/target/lib/*" \
  dev.tenantry.bench.WakeBenchmark "${1:-5}" "${2:-10}"
