"""scipy on the same raw columns as our drift report: ks_2samp (method auto -> asymptotic here) on all 20 columns,
and the exact normed Wasserstein distance on the numeric ones (to check our profile-based figure). One JSON line."""
import json, sys, time
import numpy as np
from scipy import stats

def load(path):
    with open(path, "rb") as f:
        assert f.read(8) == b"DRIFTBN1", "not a drift benchmark file"
        ref, cur, num, cat = (int(v) for v in np.frombuffer(f.read(16), dtype="<i4"))
        numeric = [(np.frombuffer(f.read(ref * 8), dtype="<f8"), np.frombuffer(f.read(cur * 8), dtype="<f8")) for _ in range(num)]
        categorical = [(np.frombuffer(f.read(ref * 4), dtype="<i4"), np.frombuffer(f.read(cur * 4), dtype="<i4")) for _ in range(cat)]
    return numeric, categorical

numeric, categorical = load(sys.argv[1])
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
ks_times, ws_times = [], []
for _ in range(rounds):
    start = time.perf_counter()
    ks = [stats.ks_2samp(r, c).pvalue for r, c in numeric + categorical]
    ks_times.append(time.perf_counter() - start)
    start = time.perf_counter()
    ws = [stats.wasserstein_distance(r, c) / max(np.std(r), 0.001) for r, c in numeric]
    ws_times.append(time.perf_counter() - start)
print(json.dumps({"engine": "scipy", "ksSeconds": sorted(ks_times)[len(ks_times) // 2], "wassersteinSeconds": sorted(ws_times)[len(ws_times) // 2],
                  "ksPValues": ks, "wasserstein": ws}))
