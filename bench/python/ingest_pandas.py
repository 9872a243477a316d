"""pandas side of the ingest benchmark: read_csv + describe() on the file, one JSON line with time and peak RSS.

Usage: ingest_pandas.py FILE.csv
"""
import json
import os
import sys
import time

import pandas as pd


def peak_rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


path = sys.argv[1]
rss_before = peak_rss_mb()
start, cpu_start = time.perf_counter(), time.process_time()
frame = pd.read_csv(path)
summary = frame.describe()
seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
print(json.dumps({
    "tool": "pandas", "what": "read_csv + describe()", "file": path, "bytes": os.path.getsize(path),
    "rows": len(frame), "columns": frame.shape[1], "seconds": seconds, "cpu_seconds": cpu_seconds, "peak_rss_mb": peak_rss_mb(),
    "rss_before_mb": rss_before, "f00_mean": float(summary.loc["mean", "f00"]),
    "f00_std": float(summary.loc["std", "f00"]), "f00_nulls": int(frame["f00"].isna().sum()),
}), flush=True)
