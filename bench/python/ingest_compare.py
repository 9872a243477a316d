"""Prints the ingest benchmark's table from the JSON lines bench/ingest.sh collected (median of the repeats)."""
import json
import statistics
import sys

runs = [json.loads(line) for line in open(sys.argv[1]) if line.strip().startswith("{")]


def key(r):
    path = r.get("path", "-") + (f" ({r['label']})" if r.get("label") else "")
    return (r["tool"], path, r["rows"])


groups = {}
for r in runs:
    groups.setdefault(key(r), []).append(r)

pandas_1m = groups.get(("pandas", "-", 1_000_000))
pandas_s = statistics.median(r["seconds"] for r in pandas_1m) if pandas_1m else None
labels = {
    ("pandas", "-"): "pandas read_csv + describe()",
    ("mlops", "later"): "mlops, schema known (later batches)",
    ("mlops", "first"): "mlops, first batch (scan, infer, scan)",
    ("mlops", "later (runtime JIT defaults)"): "mlops, schema known, runtime JIT defaults, cold process",
    ("mlops", "later (runtime JIT defaults, warm service)"): "mlops, schema known, runtime JIT defaults, after 2 batches",
}
print("| run | rows | file MB | seconds (median, min-max) | MB/s | rows/s | CPU s | peak RSS MB | throughput vs pandas 1M |")
print("|---|---:|---:|---|---:|---:|---:|---:|---:|")
for (tool, path, rows), rs in sorted(groups.items(), key=lambda kv: (kv[0][2] != 1_000_000, kv[0][0] != "pandas", kv[0][1])):
    s = statistics.median(r["seconds"] for r in rs)
    mb = rs[0]["bytes"] / 1e6
    cpu = statistics.median(r["cpu_seconds"] for r in rs)
    rss = max(r["peak_rss_mb"] for r in rs)
    spread = f"{s:.2f} ({min(r['seconds'] for r in rs):.2f}-{max(r['seconds'] for r in rs):.2f}, n={len(rs)})"
    ratio = f"{pandas_s / s:.2f}x" if pandas_s and rows == 1_000_000 else "-"
    if rows != 1_000_000 and pandas_s is not None and tool == "mlops":
        same_size_pandas = groups.get(("pandas", "-", rows))
        if same_size_pandas:
            ratio = f"({statistics.median(r['seconds'] for r in same_size_pandas) / s:.2f}x vs pandas at this size)"
    print(f"| {labels.get((tool, path), f'{tool}, {path}')} | {rows:,} | {mb:.0f} | {spread} | {mb / s:.0f} | {rows / s:,.0f} | {cpu:.2f} | {rss:.0f} | {ratio} |")

ours = groups.get(("mlops", "later", 1_000_000))
if ours and pandas_1m:
    ratio = pandas_s / statistics.median(r["seconds"] for r in ours)
    print(f"\ngoal: throughput at least 3x pandas (schema known): {ratio:.2f}x -> {'met' if ratio >= 3 else 'NOT met'}")
    print(f"f00 mean: mlops {ours[0]['f00_mean']:.12f}, pandas {pandas_1m[0]['f00_mean']:.12f}; "
          f"std: mlops {ours[0]['f00_std']:.12f}, pandas {pandas_1m[0]['f00_std']:.12f}; "
          f"nulls: mlops {ours[0]['f00_nulls']}, pandas {pandas_1m[0]['f00_nulls']}")
    print(f"anomalies found (schema from the first 10,000 rows): {len(ours[0]['anomalies'])}, skew measured on {ours[0]['skew_measured']} columns")
peaks = [(rows, max(r["peak_rss_mb"] for r in rs)) for (tool, path, rows), rs in sorted(groups.items(), key=lambda kv: kv[0][2]) if tool == "mlops" and path == "later"]
print("mlops peak RSS (schema known): " + ", ".join(f"{mb:.0f} MB at {rows:,} rows" for rows, mb in peaks))
pandas_peaks = [(rows, max(r["peak_rss_mb"] for r in rs)) for (tool, _, rows), rs in sorted(groups.items(), key=lambda kv: kv[0][2]) if tool == "pandas"]
print("pandas peak RSS: " + ", ".join(f"{mb:.0f} MB at {rows:,} rows" for rows, mb in pandas_peaks))
