#!/usr/bin/env bash
# Sustained load through Ingestion and Validation: RATE batches per minute of ROWS rows each (default 200 × 10,000)
# for DURATION (default 5m), against the whole platform started by scripts/run.sh, with REPLICAS Validation processes
# (default 1; REPLICAS="1 2" runs both, one after the other, and prints them side by side). Reports throughput,
# post -> decided latency percentiles, queue depths and each service's memory over time (bench/python/load.py).
# Usage: bench/load.sh      DURATION=30s REPLICAS=2 bench/load.sh      (the documented ports must be free)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-5m}
RATE=${RATE:-200}
ROWS=${ROWS:-10000}
REPLICAS=${REPLICAS:-1}
DATA=${BENCH_DATA:-}
if [ -z "$DATA" ]; then
  DATA=../shared/data/seattle-weather.csv
  [ -f "$DATA" ] || DATA=tests/data/seattle-weather.csv
fi
case "$DURATION" in
  *m) SECONDS_=$(( ${DURATION%m} * 60 )) ;;
  *s) SECONDS_=${DURATION%s} ;;
  *) SECONDS_=$DURATION ;;
esac
dotnet build src/AppHost -c Release -nologo -v q -clp:ErrorsOnly >&2   # what scripts/run.sh runs
OUT=$(mktemp -d /tmp/mlops-load-bench.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
for n in $REPLICAS; do
  STATE=$(mktemp -d /tmp/mlops-load-state.XXXXXX)
  chmod 755 "$STATE"   # PostgreSQL runs as the postgres user and must reach its directory inside
  echo "validation replicas: $n; load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores" >&2
  python3 bench/python/load.py "$STATE" "$SECONDS_" "$RATE" "$ROWS" "$n" "$DATA" | tee "$OUT/replicas-$n.json"
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  rm -rf "$STATE"
done
if [ "$(echo $REPLICAS | wc -w)" -gt 1 ]; then
  echo "replicas  offered/min  achieved/min  rows/s  p50 s  p95 s  drain s" >&2
  for n in $REPLICAS; do
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); l=r["postToDecidedSeconds"]; print("{:>8}  {:>11}  {:>12}  {:>6}  {}  {}  {}".format(r["validationReplicas"], r["offeredBatchesPerMinute"], r["achievedBatchesPerMinute"], r["achievedRowsPerSecond"], l["p50"], l["p95"], r["secondsToDrain"]))' "$OUT/replicas-$n.json" >&2
  done
fi
