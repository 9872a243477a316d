"""Table for bench/drift.sh: our report time against scipy's on the same columns, and how close our profile-based
normed Wasserstein distances come to scipy's exact ones on the raw reference."""
import json, sys

rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip().startswith("{")]
ours = next(r for r in rows if r["engine"] == "mlops")
scipy = next(r for r in rows if r["engine"] == "scipy")
ws_ours = [f["score"] for f in ours["features"] if f["test"] == "wasserstein"]
diffs = [abs(a - b) for a, b in zip(ws_ours, scipy["wasserstein"])]
drifted = [f["feature"] for f in ours["features"] if f["drifted"]]
ks_drifted = [ours["features"][i]["feature"] for i, p in enumerate(scipy["ksPValues"]) if p < 0.05]
print("| measure | mlops | scipy | mlops/scipy |")
print("| --- | --- | --- | --- |")
print(f"| drift report, 20 features (ours: profile + window; scipy: ks_2samp on raw columns) | {ours['reportSeconds']:.3f} s | {scipy['ksSeconds']:.3f} s | {ours['reportSeconds'] / scipy['ksSeconds']:.3f} |")
print(f"| normed Wasserstein, 15 numeric features (scipy: exact on raw columns) | (in the above) | {scipy['wassersteinSeconds']:.3f} s | |")
print(f"| reference profiles, 20 x 1,000,000 rows (once, at training; not in the report) | {ours['profileSeconds']:.3f} s | | |")
print()
print(f"rounds (s): {', '.join(f'{t:.3f}' for t in ours['roundSeconds'])}")
print(f"max |normed Wasserstein ours - scipy exact| over 15 features: {max(diffs):.5f} (threshold 0.1)")
print(f"drifted (ours): {', '.join(drifted)}")
print(f"drifted by scipy ks_2samp p < 0.05: {', '.join(ks_drifted)}")
print(f"goal: report under 0.2 s -> {'met' if ours['reportSeconds'] < 0.2 else 'NOT met'}")
