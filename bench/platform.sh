#!/usr/bin/env bash
# The platform's start, memory and stop: `scripts/run.sh --no-build` from launch until every service's /health answers
# 200, the resident memory (RSS and PSS) of every process it started, and the time from SIGTERM until all are gone.
# The first round starts on a new state directory (initdb and a new RabbitMQ node included), the others restart on it.
# Usage: bench/platform.sh      (ROUNDS=3; the documented ports 5101-5106 and 18888 must be free)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
dotnet build src/AppHost -c Release -nologo -v q -clp:ErrorsOnly >&2   # what scripts/run.sh runs
STATE=$(mktemp -d /tmp/mlops-platform-bench.XXXXXX)
chmod 755 "$STATE"   # PostgreSQL runs as the postgres user and must reach its directory inside
trap 'rm -rf "$STATE"' EXIT
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores" >&2
python3 bench/python/platform_start.py "$STATE" "$ROUNDS"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
