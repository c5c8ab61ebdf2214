#!/usr/bin/env bash
# Tenant databases on a real PostgreSQL 18: provisioning time per isolation model, and backup and restore throughput.
# Usage: bench/run-tenant-databases.sh [tenants per model] [megabytes]   (defaults 50 and 100)
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/java.sh" TenantDatabaseBenchmark "${1:-50}" "${2:-100}"
