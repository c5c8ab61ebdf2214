#!/usr/bin/env bash
# Runs the whole test suite: the OpenAPI document's lint, unit tests (*Test), integration tests (*IT) and
# end-to-end tests (*E2E).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TENANTRY_REQUIRE_JAVAC=1 . "$ROOT/scripts/java-home.sh"
echo "Using JDK at $JAVA_HOME"
"$ROOT/scripts/lint-openapi.sh"
exec ./mvnw -B -ntp verify "$@"
