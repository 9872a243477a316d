"""Sustained ingestion + validation load on the running platform: 10,000-row batches at a fixed rate.

Usage: load.py STATE_DIR DURATION_SECONDS RATE_PER_MINUTE ROWS VALIDATION_REPLICAS DATA_CSV
Starts `scripts/run.sh --no-build` on STATE_DIR (with `--AppHost:Replicas:validation=N`), waits for every service (and
each Validation replica), then posts one batch every 60/RATE seconds for DURATION seconds, round-robin over ten
datasets. Each batch is ROWS rows of the real CSV, cycled from a random offset, with the numeric columns jittered by a
seeded random amount, so every batch has distinct content (none is deduplicated). Every 5 s it samples the broker's
queue depths (rabbitmqctl on the AppHost's private node) and the RSS of each service process. When the posting ends it
waits up to DRAIN_SECONDS (default 300) for every batch to be decided, then prints one JSON object: throughput offered and achieved
(batches/min, rows/s of decided batches over the posting window and the drain), post -> decided latency percentiles
(Ingestion's `decidedAt` minus the client's post time; same machine clock), and the depth and memory series.
"""
import concurrent.futures
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import datetime
import urllib.request
import uuid

from platform_start import ROOT, SERVICES as PORTS, healthy, marked, memory
from loop_latency import call, ts, wait

DATASETS = 10


def batches(lines, rows, seed):
    header, data = lines[0], lines[1:]
    rnd = random.Random(seed)
    while True:
        start = rnd.randrange(len(data))
        out = [header]
        for i in range(rows):
            f = data[(start + i) % len(data)].split(",")
            # date,precipitation,temp_max,temp_min,wind,weather: jitter the four numbers, keep date and label.
            for c in (1, 2, 3, 4):
                f[c] = f"{max(0.0, float(f[c]) + rnd.uniform(-0.5, 0.5)) if c in (1, 4) else float(f[c]) + rnd.uniform(-0.5, 0.5):.2f}"
            out.append(",".join(f))
        yield ("\n".join(out) + "\n").encode()


def queue_depths(state_dir):
    rabbit = os.path.join(state_dir, "rabbitmq")
    try:
        with open(os.path.join(rabbit, "node-name")) as f:
            node = f.read().strip()
        env = dict(os.environ, HOME=rabbit, RABBITMQ_CONF_ENV_FILE=os.path.join(rabbit, "rabbitmq-env.conf"))
        out = subprocess.run(["/usr/lib/rabbitmq/bin/rabbitmqctl", "-n", node, "list_queues", "-q", "name", "messages", "messages_unacknowledged"],
                             env=env, capture_output=True, text=True, timeout=30).stdout
        depths = {}
        for line in out.splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[1].isdigit() and not parts[0].startswith("bus-") and (int(parts[1]) or int(parts[2])):
                depths[parts[0]] = {"ready": int(parts[1]), "unacked": int(parts[2])}
        return depths
    except Exception as e:  # the sample is best effort; the run goes on
        return {"error": str(e)}


def service_memory(marker):
    out = {}
    for pid in marked(marker):
        try:
            cmd, rss, _ = memory(pid)
        except Exception:
            continue
        for name in ("Ingestion", "Validation", "Training", "Registry", "Serving", "Monitoring"):
            if f"/{name}.dll" in cmd:
                key = name.lower()
                n = 2
                while key in out:
                    key = f"{name.lower()}-{n}"
                    n += 1
                out[key] = round(rss, 1)
    return dict(sorted(out.items()))


def percentile(values, p):
    if not values:
        return None
    s = sorted(values)
    return round(s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))], 3)


def main():
    state_dir, duration, rate, rows, replicas, data_csv = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
    with open(data_csv) as f:
        lines = [l.rstrip("\n") for l in f if l.strip()]
    marker = uuid.uuid4().hex
    env = dict(os.environ, MLOPS_BENCH_RUN=marker)
    proc = subprocess.Popen([os.path.join(ROOT, "scripts", "run.sh"), "--no-build", "--AppHost:StateDir", state_dir,
                             f"--AppHost:Replicas:validation={replicas}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True, env=env)
    try:
        ports = list(PORTS.values()) + [PORTS["validation"] + 100 * (i - 1) for i in range(2, replicas + 1)]
        wait("every service healthy", lambda: all(healthy(p) for p in ports), 300)
        with open(os.path.join(state_dir, "api-key")) as f:
            key = f.read().strip()
        run = uuid.uuid4().hex[:6]
        datasets = [f"load-{run}-{i}" for i in range(DATASETS)]
        gen = batches(lines, rows, seed=42)
        posted, errors, samples = [], [], []
        lock = threading.Lock()
        stop = threading.Event()

        def sample():
            t0 = time.time()
            while not stop.is_set():
                samples.append({"t": round(time.time() - t0, 1), "queues": queue_depths(state_dir), "rssMiB": service_memory(marker)})
                stop.wait(5)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()

        def post(i, body):
            dataset = datasets[i % DATASETS]
            at = time.time()
            status, answer = call("POST", PORTS["ingestion"], f"/datasets/{dataset}/batches", body, key, "text/csv")
            with lock:
                if status == 202 and isinstance(answer, dict):
                    posted.append((dataset, answer["batchId"], at, time.time() - at))
                else:
                    errors.append(f"{status}: {str(answer)[:200]}")

        interval = 60.0 / rate
        start = time.time()
        i = 0
        with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
            while time.time() - start < duration:
                body = next(gen)
                pool.submit(post, i, body)
                i += 1
                delay = start + i * interval - time.time()
                if delay > 0:
                    time.sleep(delay)
        posting = time.time() - start

        def decided():
            out = {}
            for d in datasets:
                status, answer = call("GET", PORTS["ingestion"], f"/datasets/{d}/batches")
                if status == 200:
                    for b in answer:
                        if b.get("decidedAt"):
                            out[b["batchId"]] = b
            return out

        deadline = time.time() + float(os.environ.get("DRAIN_SECONDS", "300"))
        while True:
            done = decided()
            if len(done) >= len(posted) or time.time() > deadline:
                break
            time.sleep(2)
        stop.set()
        sampler.join(timeout=40)
        latencies, server, last = [], [], start
        for dataset, batch_id, at, _ in posted:
            if batch_id in done:
                b = done[batch_id]
                decided_at = ts(b["decidedAt"]).timestamp()
                latencies.append(decided_at - at)
                server.append(decided_at - ts(b["receivedAt"]).timestamp())
                last = max(last, decided_at)
        window = max(last - start, posting)
        print(json.dumps({
            "validationReplicas": replicas, "durationSeconds": round(posting, 1), "rowsPerBatch": rows,
            "offeredBatchesPerMinute": rate, "posted": len(posted), "postErrors": len(errors), "firstErrors": errors[:3],
            "decided": len(latencies), "rejected": sum(1 for b in done.values() if b.get("status") == "rejected"),
            "achievedBatchesPerMinute": round(len(latencies) / window * 60, 1),
            "achievedRowsPerSecond": round(len(latencies) * rows / window, 1),
            "secondsToDrain": round(last - start - posting, 1),
            "postSeconds": {"p50": percentile([p[3] for p in posted], 50), "p95": percentile([p[3] for p in posted], 95)},
            "postToDecidedSeconds": {p: percentile(latencies, int(p[1:])) for p in ("p50", "p90", "p95", "p99")} | {"max": round(max(latencies), 3) if latencies else None},
            "receivedToDecidedSeconds": {p: percentile(server, int(p[1:])) for p in ("p50", "p95", "p99")},
            "samples": samples,
        }), flush=True)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=90)


if __name__ == "__main__":
    main()
