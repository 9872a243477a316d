#!/usr/bin/env bash
# Starts the whole platform locally: RabbitMQ, PostgreSQL and every service, supervised by the AppHost.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/install-deps.sh"
exec dotnet run --project "$root/src/AppHost" -- "$@"
