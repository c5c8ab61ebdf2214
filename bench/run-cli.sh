#!/usr/bin/env bash
# CLI start-to-exit time against a running dev mode, with hyperfine (installed with apt-get if missing and root).
#   bench/run-cli.sh [RUNS]      (default 30)
# Compares: ./tenantry as shipped (quick client, class-data cache); the same without the cache; and the whole
# launcher class path with picocli's full command tree (how every call ran before).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${1:-30}"
. "$ROOT/scripts/java-home.sh"
command -v hyperfine >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y -qq hyperfine >/dev/null; }
HOME_DIR="$(mktemp -d /tmp/tenantry-bench-cli-XXXX)"
trap 'kill "$UP" 2>/dev/null; wait "$UP" 2>/dev/null; rm -rf "$HOME_DIR"' EXIT
export TENANTRY_HOME="$HOME_DIR"
"$ROOT/tenantry" up --api-port 0 --gateway-port 0 > "$HOME_DIR/up.log" 2>&1 &
UP=$!
until grep -q 'Tenantry is up' "$HOME_DIR/up.log" 2>/dev/null; do sleep 0.5; kill -0 "$UP" || { cat "$HOME_DIR/up.log"; exit 1; }; done
"$ROOT/tenantry" tenants create acme >/dev/null
"$ROOT/tenantry" tenants list >/dev/null   # makes the class-data cache if there is none yet
sleep 10
echo "JDK: $JAVA_HOME ($(nproc) cores); $(date -u +%FT%TZ); commit $(git -C "$ROOT" rev-parse --short HEAD)"
hyperfine -N -w 3 -r "$RUNS" --export-markdown "$HOME_DIR/cli.md" --export-json "$HOME_DIR/cli.json" \
  -n 'tenants list' "$ROOT/tenantry tenants list" \
  -n 'instances list acme' "$ROOT/tenantry instances list acme" \
  -n 'tenants list, no cache' "env TENANTRY_NO_CACHE=1 $ROOT/tenantry tenants list" \
  -n 'tenants list, whole class path and command tree' \
     "$JAVA_HOME/bin/java -Xmx512m -XX:+UseSerialGC -cp $ROOT/app/target/lib/* dev.tenantry.app.Main tenants list"
cat "$HOME_DIR/cli.md"
python3 -c 'import json,sys; [print("%-50s p50 %4.0f ms  p90 %4.0f ms" % (r["command"], sorted(r["times"])[len(r["times"])//2]*1000,
  sorted(r["times"])[int(len(r["times"])*0.9)]*1000)) for r in json.load(open(sys.argv[1]))["results"]]' "$HOME_DIR/cli.json"
