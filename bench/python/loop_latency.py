"""Seconds from a 10,000-row batch's validation to its model's promotion, through the running platform.

Usage: loop_latency.py STATE_DIR TRAIN_CSV ROUNDS
Starts `scripts/run.sh --no-build` on STATE_DIR, waits for every service, then per round: defines a new pipeline (binary
task on the CSV's `label`, the default gbdt, retrain after 10,000 new rows), posts the CSV's first 10,000 rows as one
batch of the pipeline's dataset, and waits for its model's champion. Reported per round, from the services' own
timestamps: ingest request -> batch decided (`receivedAt` -> `decidedAt`, Ingestion's record of `DataValidated`),
batch decided -> champion promoted (`decidedAt` -> `promotedAt`, the Registry's `ModelPromoted`), and the whole.
"""
import datetime
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
import uuid

from platform_start import ROOT, SERVICES as PORTS, healthy


def call(method, port, path, body=None, key=None, content_type="application/json"):
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", content_type)
    if key:
        req.add_header("X-Api-Key", key)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            text = r.read()
            return r.status, json.loads(text) if text else None
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")


def ts(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def wait(what, probe, timeout=180):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = probe()
        if result:
            return result
        time.sleep(0.1)
    raise SystemExit(f"timed out waiting for {what}")


def round_(key, rows, name):
    status, body = call("PUT", PORTS["training"], f"/pipelines/{name}", {
        "dataset": name, "task": "binary", "target": "label", "trainer": {"name": "gbdt"},
        "split": {"by": "random", "holdout": 0.2, "seed": 42},
        "retrain": {"minNewRows": 10000, "onDrift": False, "cooldownSeconds": 0},
        "promotion": {"metric": "auc", "minImprovement": 0.0},
    }, key)
    if status >= 300:
        raise SystemExit(f"PUT /pipelines/{name}: {status} {body}")
    status, body = call("POST", PORTS["ingestion"], f"/datasets/{name}/batches", rows, key, "text/csv")
    if status != 202:
        raise SystemExit(f"POST batch: {status} {body}")
    batch_id = body["batchId"]

    def decided():
        s, b = call("GET", PORTS["ingestion"], f"/datasets/{name}/batches/{batch_id}")
        return b if s == 200 and b["status"] != "arrived" else None

    batch = wait("the batch's validation", decided)
    if batch["status"] != "validated":
        raise SystemExit(f"batch {batch['status']}: {batch}")

    def champion():
        s, b = call("GET", PORTS["registry"], f"/models/{name}")
        return b if s == 200 and b.get("champion") else None

    model = wait("the champion", champion)
    status, runs = call("GET", PORTS["training"], f"/runs?pipeline={name}")
    run = runs[0] if status == 200 and runs else {}
    timings = run.get("timings") or {}
    received, validated, promoted = ts(batch["receivedAt"]), ts(batch["decidedAt"]), ts(model["champion"]["promotedAt"])
    return {
        "model": name,
        "rows": batch["rows"],
        "ingestToValidatedSeconds": round((validated - received).total_seconds(), 2),
        "validatedToPromotedSeconds": round((promoted - validated).total_seconds(), 2),
        "ingestToPromotedSeconds": round((promoted - received).total_seconds(), 2),
        "score": model["champion"].get("score"),
        # The run as Training recorded it: queued (the trigger), started, finished, and its phases in seconds.
        "runQueuedAfterValidatedSeconds": round((ts(timings["queuedAt"]) - validated).total_seconds(), 2) if timings.get("queuedAt") else None,
        "runSeconds": round((ts(timings["finishedAt"]) - ts(timings["startedAt"])).total_seconds(), 2) if timings.get("finishedAt") and timings.get("startedAt") else None,
        "promotedAfterRunSeconds": round((promoted - ts(timings["finishedAt"])).total_seconds(), 2) if timings.get("finishedAt") else None,
        "phases": {k: v for k, v in timings.items() if k not in ("queuedAt", "startedAt", "finishedAt")},
    }


def main():
    state_dir, train_csv, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(train_csv, "rb") as f:
        rows = b"".join(line for _, line in zip(range(10001), f))
    proc = subprocess.Popen([os.path.join(ROOT, "scripts", "run.sh"), "--no-build", "--AppHost:StateDir", state_dir],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait("every service healthy", lambda: all(healthy(p) for p in PORTS.values()), 240)
        with open(os.path.join(state_dir, "api-key")) as f:
            key = f.read().strip()
        for i in range(rounds):
            r = round_(key, rows, f"bench10k-{uuid.uuid4().hex[:6]}")
            r["round"] = i + 1
            print(json.dumps(r), flush=True)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)


if __name__ == "__main__":
    main()
