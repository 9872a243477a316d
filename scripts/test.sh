#!/usr/bin/env bash
# Runs the whole test suite: unit, learning, integration (private RabbitMQ + PostgreSQL), and the Aspire AppHost end to
# end with the dashboard in Chromium.
# Results land in TestResults/*.trx; the last line is "N passed, N failed[, N skipped]".
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scripts/install-deps.sh --with-browser || exit 1
rm -rf TestResults
dotnet build MlOps.sln -c Debug -nologo -clp:ErrorsOnly || exit 1
# One test project at a time: the integration and AppHost suites each start a broker, a database and service
# processes, and running them side by side on a 2-core machine only makes both slower and flakier.
dotnet test MlOps.sln -c Debug --no-build --nologo -m:1 --results-directory TestResults --logger "trx" --logger "console;verbosity=minimal" "$@"
status=$?
python3 scripts/test-summary.py TestResults || status=1
exit $status
