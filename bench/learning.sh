#!/usr/bin/env bash
# Learning-engine benchmark: our gbdt and logistic regression against python3-xgboost (hist) and
# python3-sklearn LogisticRegression(lbfgs), same machine, same run, same data file, same split.
# Usage: bench/learning.sh            (THREADS=2, ROUNDS=3, BENCH_DATA_DIR=/tmp/mlops-bench by default)
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=${THREADS:-2}
DATA_DIR=${BENCH_DATA_DIR:-/tmp/mlops-bench}
DATA="$DATA_DIR/synthetic.bin"
TRAIN_ROWS=800000
PY=/usr/bin/python3
mkdir -p "$DATA_DIR"
if [ ! -f "$DATA" ]; then
  echo "generating $DATA (1,000,000 x 28, seed 42)" >&2
  $PY bench/python/gen_data.py "$DATA"
fi
dotnet build bench/Bench -c Release -nologo -v q >&2
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores" >&2
RESULTS=$(mktemp)
trap 'rm -f "$RESULTS"' EXIT
# Native thread pools of numpy/xgboost see the same core budget as our engine.
export OMP_NUM_THREADS=$THREADS OPENBLAS_NUM_THREADS=$THREADS MKL_NUM_THREADS=$THREADS
# Rounds alternate the engines, so a burst of load elsewhere on the machine hits each of them alike;
# the table reports each engine's median over the rounds.
ROUNDS=${ROUNDS:-3}
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round/$ROUNDS: xgboost..." >&2
  nice $PY bench/python/run_xgboost.py "$DATA" $TRAIN_ROWS "$THREADS" | tee -a "$RESULTS" >&2
  echo "round $round/$ROUNDS: sklearn..." >&2
  nice $PY bench/python/run_sklearn.py "$DATA" $TRAIN_ROWS | tee -a "$RESULTS" >&2
  echo "round $round/$ROUNDS: mlops..." >&2
  nice dotnet bench/Bench/bin/Release/net10.0/Bench.dll learning --data "$DATA" --train-rows $TRAIN_ROWS --threads "$THREADS" | tee -a "$RESULTS" >&2
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo
$PY bench/python/compare.py "$RESULTS"
