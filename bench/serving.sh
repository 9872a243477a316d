#!/usr/bin/env bash
# Serving benchmark: Serving alone (Release build) with a champion, measured with wrk on loopback against the
# bare endpoint of the same host (POST /bench/constant), single-row and 100-row predict requests; then p99 at
# about half the single-row maximum rate, and p99 while the champion is swapped every second vs steady state.
# Starts a private PostgreSQL and RabbitMQ in a temp directory and removes them at the end.
# Usage: bench/serving.sh        (DURATION=10s CONNECTIONS=32 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
PGBIN=/usr/lib/postgresql/15/bin
WORK=$(mktemp -d /tmp/mlops-serving-bench.XXXXXX)
port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PG_PORT=$(port); RMQ_PORT=$(port); DIST_PORT=$(port); HTTP_PORT=$(port)
URL=http://127.0.0.1:$HTTP_PORT
# POSTs need the platform's API key (Security:ApiKey); both the bare endpoint and predict go through the same check.
API_KEY=bench-$RANDOM$RANDOM
PIDS=()
as_pg() { if [ "$(id -u)" = 0 ]; then setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"; else "$@"; fi; }
# Stops what this script started, by process id: SIGTERM (SIGINT for PostgreSQL's fast shutdown), SIGKILL after 20 s.
stop() {
  local signal=$1; shift
  for pid in "$@"; do kill "-$signal" "$pid" 2>/dev/null || true; done
  for _ in $(seq 100); do
    local alive=0
    for pid in "$@"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && return 0
    sleep 0.2
  done
  for pid in "$@"; do kill -KILL "$pid" 2>/dev/null || true; done
}
cleanup() {
  [ ${#PIDS[@]} -gt 0 ] && stop TERM "${PIDS[@]}"
  [ -n "${RMQ_PID:-}" ] && stop TERM "$RMQ_PID" $(pgrep -P "$RMQ_PID" 2>/dev/null || true)
  [ -n "${PG_PID:-}" ] && stop INT "$PG_PID"
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "building (Release)" >&2
dotnet build src/Serving -c Release -nologo -v q >&2
dotnet build bench/ServingBench -c Release -nologo -v q >&2

echo "starting PostgreSQL on $PG_PORT and RabbitMQ on $RMQ_PORT" >&2
mkdir -p "$WORK/pg" "$WORK/rabbitmq"
chmod 755 "$WORK"
[ "$(id -u)" = 0 ] && chown postgres: "$WORK/pg"
as_pg "$PGBIN/initdb" -D "$WORK/pg/data" -A trust -U postgres -E UTF8 --no-locale >/dev/null
as_pg "$PGBIN/postgres" -D "$WORK/pg/data" -k "$WORK/pg" -p "$PG_PORT" -c listen_addresses=127.0.0.1 >"$WORK/pg.log" 2>&1 &
PG_PID=$!
echo '[].' > "$WORK/rabbitmq/plugins"
RABBITMQ_NODENAME="bench$RMQ_PORT@localhost" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT=$RMQ_PORT RABBITMQ_DIST_PORT=$DIST_PORT \
  RABBITMQ_MNESIA_BASE=$WORK/rabbitmq/mnesia RABBITMQ_LOG_BASE=$WORK/rabbitmq/log RABBITMQ_ENABLED_PLUGINS_FILE=$WORK/rabbitmq/plugins \
  RABBITMQ_FEATURE_FLAGS_FILE=$WORK/rabbitmq/ff RABBITMQ_CONFIG_FILE=$WORK/rabbitmq/rabbitmq HOME=$WORK/rabbitmq \
  /usr/lib/rabbitmq/bin/rabbitmq-server >"$WORK/rabbitmq.log" 2>&1 &
RMQ_PID=$!
until as_pg "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; do sleep 0.2; done
for db in servingdb blobs; do as_pg "$PGBIN/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "CREATE DATABASE $db" >/dev/null; done
until (exec 3<>/dev/tcp/127.0.0.1/$RMQ_PORT) 2>/dev/null; do
  kill -0 "$RMQ_PID" 2>/dev/null || { echo "RabbitMQ did not start; its log:" >&2; tail -n 20 "$WORK/rabbitmq.log" >&2; exit 1; }
  sleep 0.5
done

PG="Host=127.0.0.1;Port=$PG_PORT;Username=postgres"
MESSAGING="amqp://guest:guest@127.0.0.1:$RMQ_PORT/"
BENCH="dotnet bench/ServingBench/bin/Release/net10.0/ServingBench.dll"

echo "starting Serving on $HTTP_PORT" >&2
ASPNETCORE_URLS=$URL ConnectionStrings__servingdb="$PG;Database=servingdb" ConnectionStrings__blobs="$PG;Database=blobs" \
  ConnectionStrings__messaging=$MESSAGING Serving__BenchmarkEndpoint=true Serving__ChampionSyncInterval=00:01:00 Security__ApiKey=$API_KEY \
  Logging__LogLevel__Default=Warning Logging__LogLevel__MlOps=Information \
  dotnet src/Serving/bin/Release/net10.0/Serving.dll >"$WORK/serving.log" 2>&1 &
PIDS+=($!)
until curl -sf "$URL/health" >/dev/null; do sleep 0.5; done

echo "training three 100-tree weather models into the blob store; promoting the first" >&2
HASHES=$($BENCH prepare --blobs "$PG;Database=blobs" --data tests/data/seattle-weather.csv --count 3 --trees 100 | paste -sd,)
$BENCH promote --messaging "$MESSAGING" --model bench --hashes "$HASHES" --version 1 >/dev/null 2>&1
until curl -sf "$URL/models/bench" | grep -q '"champion":{"version":1'; do sleep 0.2; done

/usr/bin/python3 - "$WORK" <<'PY'
import csv, json, sys
rows = [{"precipitation": float(r["precipitation"]), "temp_max": float(r["temp_max"]), "temp_min": float(r["temp_min"]), "wind": float(r["wind"])}
        for r in csv.DictReader(open("tests/data/seattle-weather.csv"))]
json.dump({"rows": rows[:1]}, open(sys.argv[1] + "/one.json", "w"))
json.dump({"rows": rows[500:600]}, open(sys.argv[1] + "/hundred.json", "w"))
PY
echo '{}' > "$WORK/empty.json"

# run NAME PATH BODY DURATION CONNECTIONS [RATE] → "NAME rps p50ms p99ms"
run() {
  local out
  out=$(BODY=$3 CONNECTIONS=$5 RATE=${6:-0} wrk -t1 -c"$5" -d"$4" --latency -H "X-Api-Key: $API_KEY" -s bench/wrk-post.lua "$URL$2")
  echo "$out" > "$WORK/wrk-$1.txt"
  echo "$out" | awk -v name="$1" '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec/ { rps = $2 } /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) } /Non-2xx/ { bad = $NF }
    END { printf "%s %.0f %.3f %.3f %d\n", name, rps, p50, p99, bad }'
}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores" >&2
echo "warming up" >&2
run warm-bare /bench/constant "$WORK/empty.json" 3s "$CONNECTIONS" >/dev/null
run warm-one /models/bench/predict "$WORK/one.json" 5s "$CONNECTIONS" >/dev/null
run warm-hundred /models/bench/predict "$WORK/hundred.json" 3s "$CONNECTIONS" >/dev/null

RESULTS=$WORK/results.txt
echo "max rate, $CONNECTIONS connections, $DURATION each" >&2
run bare /bench/constant "$WORK/empty.json" "$DURATION" "$CONNECTIONS" | tee -a "$RESULTS" >&2
run one-row /models/bench/predict "$WORK/one.json" "$DURATION" "$CONNECTIONS" | tee -a "$RESULTS" >&2
run hundred-rows /models/bench/predict "$WORK/hundred.json" "$DURATION" "$CONNECTIONS" | tee -a "$RESULTS" >&2

# The max-rate runs leave work behind: the hundred-row run alone logs over half a million predictions, whose windows
# are still being written to the blob store for seconds after it. The paced runs measure a steady state, so they
# start once Serving is idle again (under 5% of a core over a second; at most 60 s).
idle() {
  local pid=$1 before after
  for waited in $(seq 60); do
    before=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
    sleep 1
    after=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
    if [ $((after - before)) -le $(( $(getconf CLK_TCK) / 20 )) ]; then
      echo "Serving idle after $waited s" >&2
      return 0
    fi
  done
  echo "Serving still busy after 60 s; the paced runs start anyway" >&2
}
idle "${PIDS[0]}"
HALF=$(awk '$1 == "one-row" { printf "%d", $2 / 2 }' "$RESULTS")
# Paced connections: each waits at least 2 ms between requests (wrk's timer is in whole milliseconds).
PACED=$(( (HALF + 499) / 500 ))
echo "paced at about $HALF requests/s over $PACED connections" >&2
run half-rate /models/bench/predict "$WORK/one.json" "$DURATION" "$PACED" "$HALF" | tee -a "$RESULTS" >&2
run steady /models/bench/predict "$WORK/one.json" "$DURATION" "$PACED" "$HALF" | tee -a "$RESULTS" >&2
SECONDS_FOR=${DURATION%s}
$BENCH promote --messaging "$MESSAGING" --model bench --hashes "$HASHES" --version 2 --every 00:00:01 --for "00:00:$((SECONDS_FOR + 2))" \
  >"$WORK/promotions.txt" 2>"$WORK/promote.err" &
PROMOTER=$!
until grep -q ready "$WORK/promote.err" 2>/dev/null; do sleep 0.1; done
sleep 1
run swapping /models/bench/predict "$WORK/one.json" "$DURATION" "$PACED" "$HALF" | tee -a "$RESULTS" >&2
wait $PROMOTER
SWAPS=$(grep -c promoted "$WORK/promotions.txt")
sleep 1
SERVED=$(curl -sf "$URL/models/bench" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["champion"]["version"])')
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
DROPPED=$(grep -c "queue is full" "$WORK/serving.log" || true)

echo
awk -v swaps="$SWAPS" -v served="$SERVED" -v last="$((SWAPS + 1))" -v dropped="$DROPPED" '
  { rps[$1] = $2; p50[$1] = $3; p99[$1] = $4; bad[$1] = $5 }
  END {
    printf "| run | requests/s | p50 ms | p99 ms | non-2xx |\n| --- | --- | --- | --- | --- |\n"
    split("bare one-row hundred-rows half-rate steady swapping", order, " ")
    for (i = 1; i <= 6; i++) { k = order[i]; printf "| %s | %.0f | %.3f | %.3f | %d |\n", k, rps[k], p50[k], p99[k], bad[k] }
    printf "\nsingle-row / bare requests/s: %.2f (goal >= 0.5)\n", rps["one-row"] / rps["bare"]
    printf "100-row / bare requests/s: %.2f (%.0f predictions/s)\n", rps["hundred-rows"] / rps["bare"], rps["hundred-rows"] * 100
    printf "p99 at about half the single-row maximum (%.0f requests/s achieved): %.3f ms (goal < 10 ms)\n", rps["half-rate"], p99["half-rate"]
    printf "p99 while swapping the champion every second (%d promotions, v%d served at the end, v%d expected) / steady: %.3f / %.3f ms = %.2f (goal <= 2)\n",
      swaps, served, last, p99["swapping"], p99["steady"], p99["swapping"] / p99["steady"]
    printf "prediction log queue-full warnings: %d\n", dropped
  }' "$RESULTS"
