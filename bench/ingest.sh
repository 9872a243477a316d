#!/usr/bin/env bash
# Ingest benchmark: validating a 1,000,000-row x 20-column CSV (16 float, 4 categorical) the way the Validation
# service does, against pandas read_csv + describe() on the same file, in the same run.
# Usage: bench/ingest.sh            (REPEAT=3, BENCH_DATA_DIR=/tmp/mlops-bench by default)
set -euo pipefail
cd "$(dirname "$0")/.."
REPEAT=${REPEAT:-3}
DATA_DIR=${BENCH_DATA_DIR:-/tmp/mlops-bench}
BIG="$DATA_DIR/ingest-1m.csv"
SMALL="$DATA_DIR/ingest-250k.csv"
HUGE="$DATA_DIR/ingest-2m.csv"
PY=/usr/bin/python3
OURS="dotnet bench/Ingest/bin/Release/net10.0/Ingest.dll"
mkdir -p "$DATA_DIR"
if [ ! -f "$BIG" ]; then
  echo "generating $BIG (1,000,000 x 20, seed 42)" >&2
  $PY bench/python/gen_ingest.py "$BIG" 1000000
fi
# The 250k file is the first quarter of the same rows: same schema, same distributions, a quarter of the size.
[ -f "$SMALL" ] || head -n 250001 "$BIG" > "$SMALL"
# The 2M file is the 1M rows twice (ours only): past the million rows whose hashes are kept for duplicate counting.
[ -f "$HUGE" ] || { cat "$BIG"; tail -n +2 "$BIG"; } > "$HUGE"
dotnet build bench/Ingest -c Release -nologo -v q >&2
RESULTS=$(mktemp)
trap 'rm -f "$RESULTS"' EXIT
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores" >&2
# Alternate the two sides so both see the same background load.
for i in $(seq "$REPEAT"); do
  echo "run $i/$REPEAT: pandas, mlops" >&2
  nice $PY bench/python/ingest_pandas.py "$BIG" >> "$RESULTS"
  nice $OURS --data "$BIG" --path later >> "$RESULTS"
done
echo "first-batch path; 250k and 2M files (peak memory against size)" >&2
nice $OURS --data "$BIG" --path first >> "$RESULTS"
nice $OURS --data "$SMALL" --path later >> "$RESULTS"
nice $PY bench/python/ingest_pandas.py "$SMALL" >> "$RESULTS"
nice $OURS --data "$HUGE" --path later >> "$RESULTS"
# The same pass with the runtime's default JIT settings (tiered PGO, quick JIT for loops), as a service starts.
DOTNET_TieredPGO=1 DOTNET_TC_QuickJitForLoops=1 nice $OURS --data "$BIG" --path later --label "runtime JIT defaults" >> "$RESULTS"
# ... and as a running service does it after a few batches: the same defaults, the pass timed after two untimed ones.
DOTNET_TieredPGO=1 DOTNET_TC_QuickJitForLoops=1 nice $OURS --data "$BIG" --path later --warmup 2 --label "runtime JIT defaults, warm service" >> "$RESULTS"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo
$PY bench/python/ingest_compare.py "$RESULTS"
