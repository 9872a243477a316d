"""Prints the comparison table from the JSON lines the benchmark runs wrote."""
import json, sys

import statistics

rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip().startswith("{")]
runs = {}
for r in rows:
    runs.setdefault((r["engine"], r["model"]), []).append(r)
# Each engine's median over the rounds, field by field (AUC is the same every round: the runs are seeded).
by = {k: {f: (statistics.median(x[f] for x in v) if isinstance(v[0][f], (int, float)) else v[0][f]) for f in v[0]} for k, v in runs.items()}

def line(label, ours, ref, key, fmt):
    o, r = ours.get(key), ref.get(key) if ref else None
    ratio = f"{o / r:.2f}" if o is not None and r and key != "auc" else "-"
    diff = f"{o - r:+.4f}" if o is not None and r is not None and key == "auc" else "-"
    print(f"| {label:<34} | {fmt(o):>10} | {fmt(r):>10} | {ratio:>9} | {diff:>8} |")

f_s = lambda v: "-" if v is None else f"{v:.2f} s"
f_a = lambda v: "-" if v is None else f"{v:.4f}"
f_u = lambda v: "-" if v is None else f"{v:.2f} us"
for (engine, model), v in sorted(runs.items()):
    print(f"{engine} {model}: train seconds per round " + ", ".join(f"{x['trainSeconds']:.2f}" for x in v))
print()
print("| measure                            |      mlops |  reference | mlops/ref | AUC diff |")
print("|------------------------------------|------------|------------|-----------|----------|")
g, x = by.get(("mlops", "gbdt"), {}), by.get(("xgboost", "gbdt"))
line("gbdt train time (vs xgboost hist)", g, x, "trainSeconds", f_s)
line("gbdt test AUC (vs xgboost)", g, x, "auc", f_a)
line("gbdt single-row predict", g, x, "singleRowMicros", f_u)
l, s = by.get(("mlops", "logistic"), {}), by.get(("sklearn", "logistic"))
line("logistic train time (vs sklearn)", l, s, "trainSeconds", f_s)
line("logistic test AUC (vs sklearn)", l, s, "auc", f_a)
if "singleRowAllocatedBytes" in g:
    print(f"\nsingle-row prediction allocated {g['singleRowAllocatedBytes']} bytes over 400,000 calls")
ok_time = g.get("trainSeconds", 1e9) <= (x or {}).get("trainSeconds", 0)
ok_auc = abs(g.get("auc", 0) - (x or {}).get("auc", 1)) <= 0.005
ok_lr = abs(l.get("auc", 0) - (s or {}).get("auc", 1)) <= 0.002
ok_lat = g.get("singleRowMicros", 1e9) < 5
print(f"goals: gbdt time <= xgboost: {ok_time}; gbdt AUC within 0.005: {ok_auc}; logistic AUC within 0.002: {ok_lr}; single row < 5 us: {ok_lat}")
