#!/usr/bin/env bash
# HTTPS through the gateway against plain HTTP: a new connection per request (TLS handshake included) and kept-alive.
# Usage: bench/run-gateway-tls.sh [requests]   (default 2000 each way)
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/java.sh" GatewayTlsBenchmark "${1:-2000}"
