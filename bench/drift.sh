#!/usr/bin/env bash
# Drift report benchmark: our drift tests for 20 features (15 numeric, 5 categorical) from 1,000,000-row reference
# profiles against a 200,000-row window, beside scipy's ks_2samp (and wasserstein_distance) on the same raw columns,
# same machine, same run. Usage: bench/drift.sh   (THREADS=2, ROUNDS=5, BENCH_DATA_DIR=/tmp/mlops-bench by default)
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=${THREADS:-2}
ROUNDS=${ROUNDS:-5}
DATA_DIR=${BENCH_DATA_DIR:-/tmp/mlops-bench}
DATA="$DATA_DIR/drift.bin"
PY=/usr/bin/python3
mkdir -p "$DATA_DIR"
if [ ! -f "$DATA" ]; then
  echo "generating $DATA (1,000,000 + 200,000 rows x 20 features, seed 42)" >&2
  $PY bench/python/gen_drift.py "$DATA"
fi
dotnet build bench/Bench -c Release -nologo -v q >&2
export OMP_NUM_THREADS=$THREADS OPENBLAS_NUM_THREADS=$THREADS MKL_NUM_THREADS=$THREADS
RESULTS=$(mktemp)
trap 'rm -f "$RESULTS"' EXIT
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores" >&2
echo "mlops..." >&2
nice dotnet bench/Bench/bin/Release/net10.0/Bench.dll drift --data "$DATA" --rounds "$ROUNDS" --threads "$THREADS" >> "$RESULTS"
echo "scipy..." >&2
nice $PY bench/python/drift_scipy.py "$DATA" 3 >> "$RESULTS"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
$PY bench/python/drift_compare.py "$RESULTS"
