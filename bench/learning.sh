#!/usr/bin/env bash
# Learning-engine benchmark: our gbdt and logistic regression against python3-xgboost (hist) and
# python3-sklearn LogisticRegression(lbfgs), same machine, same run, same data file, same split.
# Usage: bench/learning.sh [engine|families|all]   (THREADS=2, ROUNDS=3, BENCH_DATA_DIR=/tmp/mlops-bench by default)
#   engine    our gbdt/logistic vs xgboost/sklearn in-process on 1M rows (the default part, as before)
#   families  whole processes from CSV: own engine vs ML.NET (lightgbm, lbfgs) vs pandas + xgboost on a binary, a
#             multiclass and a regression set, then single-row latency: own vs PredictionEngine vs ONNX Runtime
set -euo pipefail
cd "$(dirname "$0")/.."
PART=${1:-engine}
if [ "$PART" = "families" ] || [ "$PART" = "all" ]; then
  [ "$PART" = "all" ] && "$0" engine
  THREADS=${THREADS:-2}
  DATA_DIR=${BENCH_DATA_DIR:-/tmp/mlops-bench}
  PY=/usr/bin/python3
  ROUNDS=${ROUNDS:-3}
  if [ ! -f "$DATA_DIR/regression-test.csv" ]; then
    echo "generating CSV sets in $DATA_DIR (3 x 250,000 rows x 28, seed 42)" >&2
    $PY bench/python/gen_csv.py "$DATA_DIR"
  fi
  dotnet build src/Cli -c Release -nologo -v q >&2
  dotnet build bench/Bench -c Release -nologo -v q >&2
  MLOPS="dotnet src/Cli/bin/Release/net10.0/mlops.dll"
  export OMP_NUM_THREADS=$THREADS OPENBLAS_NUM_THREADS=$THREADS MKL_NUM_THREADS=$THREADS
  # Idle OpenMP threads sleep for every engine (xgboost and LightGBM alike), as the platform sets it by default: on a
  # machine shared with other work, spinning threads took 4x longer to train xgboost here (67 s against 16 s).
  export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
  RESULTS=$(mktemp)
  trap 'rm -f "$RESULTS"' EXIT
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores" >&2
  GBDT_PARAMS="--param trees=100 leaves=31 maxBins=255 learningRate=0.1"
  for round in $(seq 1 "$ROUNDS"); do
    for set in binary multiclass regression; do
      train="$DATA_DIR/$set-train.csv"; test="$DATA_DIR/$set-test.csv"
      echo "round $round/$ROUNDS: $set" >&2
      run() { nice $PY bench/python/run_process.py "$1" "$set" -- "${@:2}" | tee -a "$RESULTS" >&2; }
      run xgboost $PY bench/python/run_xgboost_csv.py "$train" "$test" "$set" "$THREADS"
      for trainer in gbdt lightgbm; do
        run $trainer $MLOPS train --data "$train" --test "$test" --target label --task "$set" --trainer $trainer $GBDT_PARAMS --threads "$THREADS" --json
      done
      if [ "$set" = "regression" ]; then linear="linear"; else linear="logistic lbfgs"; fi
      for trainer in $linear; do
        run $trainer $MLOPS train --data "$train" --test "$test" --target label --task "$set" --trainer $trainer --threads "$THREADS" --json
      done
    done
  done
  echo "latency..." >&2
  nice dotnet bench/Bench/bin/Release/net10.0/Bench.dll latency --train "$DATA_DIR/binary-train.csv" --test "$DATA_DIR/binary-test.csv" --threads "$THREADS" | tee -a "$RESULTS" >&2
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  $PY bench/python/families_compare.py "$RESULTS"
  exit 0
fi
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
