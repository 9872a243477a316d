"""Prints the trainer-family table from the JSON lines bench/learning.sh families collected (median over rounds)."""
import json
import statistics
import sys

rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip().startswith("{")]
runs = {}
for r in rows:
    if r.get("engine") == "latency":
        continue
    runs.setdefault((r["set"], r["engine"]), []).append(r)

MATRIX_MB = 250_000 * 29 * 8 / 1e6  # the numeric matrix of one set (train + test, features + label) in doubles
metric_of = {"binary": "auc", "multiclass": "accuracy", "regression": "rmse"}
labels = {"gbdt": "own gbdt (mlops train)", "lightgbm": "ML.NET LightGbm (mlops train --trainer lightgbm)",
          "xgboost": "pandas + xgboost hist", "logistic": "own logistic", "lbfgs": "ML.NET L-BFGS (--trainer lbfgs)",
          "linear": "own linear (ridge)"}
order = ["xgboost", "gbdt", "lightgbm", "logistic", "lbfgs", "linear"]
for dataset in ("binary", "multiclass", "regression"):
    engines = {e: v for (s, e), v in runs.items() if s == dataset}
    if not engines:
        continue
    metric = metric_of[dataset]
    ref = engines.get("xgboost")
    ref_wall = statistics.median(r["wallSeconds"] for r in ref) if ref else None
    print(f"\n{dataset} (200,000 + 50,000 rows x 28 features; test {metric}; median of {len(next(iter(engines.values())))} rounds)\n")
    print(f"| engine | load CSV s | train s | wall s | wall / xgboost | peak RSS MB | RSS / matrix | test {metric} |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for e in sorted(engines, key=lambda e: order.index(e) if e in order else 99):
        v = engines[e]
        med = lambda k: statistics.median(r[k] for r in v)
        wall = med("wallSeconds")
        m = statistics.median(r["metrics"][metric] for r in v)
        ratio = f"{wall / ref_wall:.2f}" if ref_wall else "-"
        print(f"| {labels.get(e, e)} | {med('loadSeconds'):.2f} | {med('trainSeconds'):.2f} | {wall:.2f} | {ratio} | "
              f"{med('peakRssMb'):.0f} | {med('peakRssMb') / MATRIX_MB:.1f} | {m:.4f} |")

lat = [r for r in rows if r.get("engine") == "latency"]
if lat:
    print("\nsingle-row predict, binary model (100 trees, 31 leaves), one call at a time over 4,096 test rows\n")
    print("| model | path | p50 us | mean us | allocated bytes/call |")
    print("|---|---|---:|---:|---:|")
    groups = {}
    for r in lat:
        groups.setdefault((r["model"], r["path"]), []).append(r)
    for (model, path), v in groups.items():
        print(f"| {model} | {path} | {statistics.median(r['p50Micros'] for r in v):.2f} | "
              f"{statistics.median(r['meanMicros'] for r in v):.2f} | {statistics.median(r['allocatedBytesPerCall'] for r in v):.0f} |")
