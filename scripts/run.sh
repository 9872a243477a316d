#!/usr/bin/env bash
# Starts the whole platform locally under the .NET Aspire AppHost: RabbitMQ, PostgreSQL, every service and the Aspire
# dashboard (http://127.0.0.1:18888; the login link is printed at start). Arguments go to the AppHost
# (e.g. --AppHost:FreePorts true, --unsecured). --no-build skips the incremental build.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/install-deps.sh"
build=1
args=()
for a in "$@"; do
  if [[ "$a" == "--no-build" ]]; then build=0; else args+=("$a"); fi
done
if [[ $build == 1 ]]; then
  dotnet build "$root/src/AppHost" -c Debug -nologo -v q -clp:ErrorsOnly
fi
# The built AppHost directly, not `dotnet run`: no second build check, no launch profile, one process less.
exec dotnet "$root/src/AppHost/bin/Debug/net10.0/AppHost.dll" "${args[@]}"
