#!/usr/bin/env bash
# Whole-process training from CSV files: `mlops train --data train.csv --test test.csv` (own gbdt, ML.NET lightgbm and
# lbfgs) against pandas read_csv + xgboost hist, on the same files with the same hyperparameters, in the same run.
# Each process runs under /usr/bin/time -v: wall time and peak RSS (maximum resident set size) of the whole process.
# Usage: bench/train-csv.sh     (THREADS=2 ROUNDS=3 BENCH_DATA_DIR=/tmp/mlops-bench by default)
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=${THREADS:-2}
ROUNDS=${ROUNDS:-3}
DATA_DIR=${BENCH_DATA_DIR:-/tmp/mlops-bench}
PY=/usr/bin/python3
TRAIN="$DATA_DIR/binary-train.csv"
TEST="$DATA_DIR/binary-test.csv"
mkdir -p "$DATA_DIR"
if [ ! -f "$TEST" ]; then
  echo "generating CSV sets in $DATA_DIR (250,000 rows x 28, seed 42)" >&2
  $PY bench/python/gen_csv.py "$DATA_DIR"
fi
dotnet build src/Cli -c Release -nologo -v q >&2
MLOPS="dotnet src/Cli/bin/Release/net10.0/mlops.dll"
export OMP_NUM_THREADS=$THREADS OPENBLAS_NUM_THREADS=$THREADS MKL_NUM_THREADS=$THREADS
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
RESULTS=$(mktemp)
TIMES=$(mktemp)
trap 'rm -f "$RESULTS" "$TIMES"' EXIT
TREES="--param trees=100 leaves=31 maxBins=255 learningRate=0.1"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores" >&2
# One JSON line per process: the program's own line plus wall seconds and peak RSS from /usr/bin/time -v.
run() {
  local label=$1; shift
  nice /usr/bin/time -v -o "$TIMES" "$@" > "$TIMES.out"
  $PY - "$label" "$TIMES" "$TIMES.out" <<'PYEOF' | tee -a "$RESULTS" >&2
import json, re, sys
label, times, out = sys.argv[1], open(sys.argv[2]).read(), open(sys.argv[3]).read()
line = [l for l in out.splitlines() if l.strip().startswith("{")][-1]
r = json.loads(line)
wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (.*)", times).group(1).split(":")
cpu = sum(float(re.search(rf"{k} time \(seconds\): ([\d.]+)", times).group(1)) for k in ("User", "System"))
r.update(engine=label, set="binary", wallSeconds=sum(float(p) * 60 ** i for i, p in enumerate(reversed(wall))), cpuSeconds=cpu,
         peakRssMb=int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", times).group(1)) * 1024 / 1e6)  # KiB to MB (10^6 bytes)
print(json.dumps(r))
PYEOF
  rm -f "$TIMES.out"
}
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round/$ROUNDS" >&2
  run xgboost $PY bench/python/run_xgboost_csv.py "$TRAIN" "$TEST" binary "$THREADS"
  run gbdt $MLOPS train --data "$TRAIN" --test "$TEST" --target label --task binary --trainer gbdt $TREES --threads "$THREADS" --json
  run lightgbm $MLOPS train --data "$TRAIN" --test "$TEST" --target label --task binary --trainer lightgbm $TREES --threads "$THREADS" --json
  run lbfgs $MLOPS train --data "$TRAIN" --test "$TEST" --target label --task binary --trainer lbfgs --threads "$THREADS" --json
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
$PY bench/python/families_compare.py "$RESULTS"
# CPU seconds (user + system) of each whole process: steadier than wall time when other work shares the cores.
$PY - "$RESULTS" <<'PYEOF'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
ref = statistics.median(r["cpuSeconds"] for r in rows if r["engine"] == "xgboost")
print("\n| engine | CPU s (median) | CPU / xgboost |\n|---|---:|---:|")
for e in ("xgboost", "gbdt", "lightgbm", "lbfgs"):
    v = statistics.median(r["cpuSeconds"] for r in rows if r["engine"] == e)
    print(f"| {e} | {v:.2f} | {v / ref:.2f} |")
PYEOF
