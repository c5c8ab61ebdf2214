#!/usr/bin/env bash
# Starts fifty example workloads directly (no Tenantry), all at once or GAP seconds apart, waits until each
# answers /healthz, and prints the wall time and the machine's CPU (/proc/stat ticks) for the burst.
# Usage: bench/bare-burst.sh [gap-seconds] [count]. Needs examples/hello built (./mvnw install).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/java-home.sh"
GAP="${1:-0}"
COUNT="${2:-50}"
CP="$ROOT/examples/hello/target/classes"
[ -d "$CP" ] || { echo "build the example first: ./mvnw -q install -DskipTests" >&2; exit 1; }
BASE=19000
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true' EXIT
read -r _ u0 n0 s0 _ < /proc/stat
start=$(date +%s%N)
for i in $(seq 0 $((COUNT - 1))); do
  PORT=$((BASE + i)) setsid nice -n 10 "$JAVA_HOME/bin/java" -Xmx48m -Xss512k -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
    -XX:-UsePerfData -cp "$CP" dev.tenantry.examples.hello.HelloApp >/dev/null 2>&1 &
  pids+=($!)
  sleep "$GAP"
done
for i in $(seq 0 $((COUNT - 1))); do
  until curl -s -o /dev/null "http://127.0.0.1:$((BASE + i))/healthz"; do sleep 0.1; done
done
end=$(date +%s%N)
read -r _ u1 n1 s1 _ < /proc/stat
echo "gap ${GAP}s, ${COUNT} workloads: wall $(( (end - start) / 1000000 )) ms; machine cpu ticks (1/100 s): nice $((n1 - n0)), user $((u1 - u0)), system $((s1 - s0))"
