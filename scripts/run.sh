#!/usr/bin/env bash
# Starts the whole platform locally under the .NET Aspire AppHost: RabbitMQ, PostgreSQL, every service and the Aspire
# dashboard (http://127.0.0.1:18888; the login link is printed at start). Arguments go to the AppHost
# (e.g. --AppHost:FreePorts true, --unsecured). --no-build skips the incremental build. --demo starts the demo
# resource with the platform: `mlops demo` replays ../shared/data/weather.csv (Seattle, then New York) so the loop
# (v1 promoted, drift detected, retrain, v2 promoted) happens in the dashboard within a few minutes.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/install-deps.sh"
build=1
args=()
for a in "$@"; do
  if [[ "$a" == "--no-build" ]]; then build=0
  elif [[ "$a" == "--demo" ]]; then args+=("--AppHost:Demo:Start=true")
  else args+=("$a"); fi
done
# Release: the services run optimised code (training in a Debug build is several times slower). MLOPS_CONFIGURATION=Debug
# runs the Debug build instead (the one the tests use).
configuration="${MLOPS_CONFIGURATION:-Release}"
if [[ $build == 1 ]]; then
  dotnet build "$root/src/AppHost" -c "$configuration" -nologo -v q -clp:ErrorsOnly
fi
# The AppHost compiles most of its code while the servers and services start beside it. Methods it calls often are
# compiled a second time, optimized, only after 3 s without a new first compilation (the runtime's default is 0.1 s), so
# that work waits until the platform is up instead of taking CPU from its start; the services inherit the setting.
export DOTNET_TC_CallCountingDelayMs="${DOTNET_TC_CallCountingDelayMs:-3000}"
# The built AppHost directly, not `dotnet run`: no second build check, no launch profile, one process less.
exec dotnet "$root/src/AppHost/bin/$configuration/net10.0/AppHost.dll" "${args[@]}"
