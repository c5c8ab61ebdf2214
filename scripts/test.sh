#!/usr/bin/env bash
# Runs the whole test suite: the OpenAPI document's lint, unit tests (*Test), integration tests (*IT) and
# end-to-end tests (*E2E).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TENANTRY_REQUIRE_JAVAC=1 . "$ROOT/scripts/java-home.sh"
echo "Using JDK at $JAVA_HOME"
"$ROOT/scripts/lint-openapi.sh"
# the hollow fleet test runs on JDK 21 too (virtual threads pin there); Debian 12 has none, so this fetches Debian 13's
JDK21_JAVA="$("$ROOT/scripts/jdk21.sh")"
echo "Using JDK 21 at $JDK21_JAVA for HollowFleetIT's second run"
exec ./mvnw -B -ntp verify -Dtenantry.jdk21.java="$JDK21_JAVA" "$@"
