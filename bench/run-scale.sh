#!/usr/bin/env bash
# Scale benchmark: INSTANCES instances on CELLS hollow cells (simulated replicas) through the real server, API and
# PostgreSQL; prints as its last line
#   scale: instances=N cells=C creates_per_s=X read_p99_ms=Y list_p99_ms=Z resync_s=R rss_mb=M db_mb=D cpu_ms_per_create=K
# Usage: bench/run-scale.sh INSTANCES CELLS   (SCALE_SERVER_JAVA_OPTS: the server JVM's flags; default -Xmx512m -XX:+UseSerialGC)
set -euo pipefail
usage="usage: bench/run-scale.sh INSTANCES CELLS   (whole numbers: 1 <= CELLS <= 1000, CELLS <= INSTANCES <= 1000000)"
if [ $# -ne 2 ] || ! [[ "$1" =~ ^[0-9]{1,7}$ ]] || ! [[ "$2" =~ ^[0-9]{1,4}$ ]] \
    || [ "$2" -lt 1 ] || [ "$2" -gt 1000 ] || [ "$1" -lt "$2" ] || [ "$1" -gt 1000000 ]; then
  echo "$usage" >&2
  exit 2
fi
exec "$(dirname "${BASH_SOURCE[0]}")/java.sh" ScaleBenchmark "$1" "$2"
