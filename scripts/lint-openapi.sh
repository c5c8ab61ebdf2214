#!/usr/bin/env bash
# Lints the OpenAPI document with Spectral's standard OpenAPI rules (.spectral.yaml: spectral:oas); any finding,
# even a hint, fails. Spectral is installed with npm on first use into ~/.cache/tenantry-tools (TENANTRY_TOOLS).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SPECTRAL_VERSION=6.16.3
TOOLS="${TENANTRY_TOOLS:-$HOME/.cache/tenantry-tools}/spectral-$SPECTRAL_VERSION"
if ! command -v npm >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "lint-openapi: installing Node.js and npm (apt-get)" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
  else
    echo "lint-openapi: Spectral needs Node.js and npm; install them (apt-get install nodejs npm) and run again" >&2
    exit 1
  fi
fi
if [ ! -x "$TOOLS/node_modules/.bin/spectral" ]; then
  echo "lint-openapi: installing Spectral $SPECTRAL_VERSION into $TOOLS" >&2
  mkdir -p "$TOOLS"
  npm install --prefix "$TOOLS" --no-audit --no-fund --silent "@stoplight/spectral-cli@$SPECTRAL_VERSION" >&2
fi
"$TOOLS/node_modules/.bin/spectral" lint "$ROOT/server/src/main/resources/openapi.yaml" --ruleset "$ROOT/.spectral.yaml" \
  --fail-severity=hint -f text
