#!/usr/bin/env bash
# Seconds from a 10,000-row batch's validation (DataValidated) to its model's promotion (ModelPromoted) with the
# default gbdt, through the whole platform started by scripts/run.sh: pipeline defined, batch ingested, validated,
# dataset version appended, run trained, gate passed. One JSON line per round (bench/python/loop_latency.py).
# Usage: bench/loop.sh      (ROUNDS=3, BENCH_DATA_DIR=/tmp/mlops-bench; the documented ports must be free)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
DATA_DIR=${BENCH_DATA_DIR:-/tmp/mlops-bench}
if [ ! -f "$DATA_DIR/binary-train.csv" ]; then
  mkdir -p "$DATA_DIR"
  python3 bench/python/gen_csv.py "$DATA_DIR"
fi
dotnet build src/AppHost -c Release -nologo -v q -clp:ErrorsOnly >&2   # what scripts/run.sh runs
STATE=$(mktemp -d /tmp/mlops-loop-bench.XXXXXX)
chmod 755 "$STATE"   # PostgreSQL runs as the postgres user and must reach its directory inside
trap 'rm -rf "$STATE"' EXIT
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores" >&2
python3 bench/python/loop_latency.py "$STATE" "$DATA_DIR/binary-train.csv" "$ROUNDS"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
