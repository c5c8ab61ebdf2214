#!/usr/bin/env bash
# Builds the bench module and runs one of its benchmarks in a JVM with the launcher's dev-mode flags.
# Usage: bench/java.sh MainClass [args...]   (BENCH_JAVA_OPTS adds JVM options)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
. scripts/java-home.sh
./mvnw -B -q -ntp -Pbench -DskipTests install -pl bench -am
main="$1"
shift
# the same JVM flags as ./tenantry uses for dev mode
exec "$JAVA_HOME/bin/java" -Xmx512m -XX:+UseSerialGC ${BENCH_JAVA_OPTS:-} -Djdk.httpclient.allowRestrictedHeaders=host \
  -cp "bench/target/lib/*" "dev.tenantry.bench.$main" "$@"
