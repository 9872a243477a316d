"""Writes the ingest benchmark's CSV: ROWS x 20 columns (16 float, 4 categorical), seeded, with some nulls.

Floats are written the way exporters usually write measurements (2 to 6 decimals), except f15, written with
full float64 precision (17 significant digits) so the slow number path is part of the figures too.
Usage: gen_ingest.py OUT.csv [ROWS]
"""
import sys
import numpy as np
import pandas as pd

out = sys.argv[1]
rows = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
rng = np.random.default_rng(42)

floats = {
    "f00": (rng.normal(0, 1, rows), 4),
    "f01": (rng.normal(50, 10, rows), 3),
    "f02": (rng.normal(-1000, 250, rows), 2),
    "f03": (rng.lognormal(0, 1, rows), 5),
    "f04": (rng.lognormal(3, 0.5, rows), 3),
    "f05": (rng.uniform(0, 1, rows), 6),
    "f06": (rng.uniform(-180, 180, rows), 5),
    "f07": (rng.exponential(2.0, rows), 4),
    "f08": (rng.exponential(300.0, rows), 2),
    "f09": (rng.gamma(2.0, 2.0, rows), 4),
    "f10": (rng.beta(2.0, 5.0, rows), 6),
    "f11": (rng.standard_t(3, rows), 4),
    "f12": (rng.poisson(7, rows).astype(float), 0),
    "f13": (rng.normal(20, 5, rows), 1),
    "f14": (rng.weibull(1.5, rows) * 100, 3),
    "f15": (rng.normal(0, 1, rows), None),
}
frame = {}
for name, (values, decimals) in floats.items():
    if decimals is not None:
        values = np.round(values, decimals)
    values[rng.random(rows) < 0.01] = np.nan  # 1% missing
    frame[name] = values

for name, levels in (("c0", 5), ("c1", 12), ("c2", 30), ("c3", 50)):
    labels = np.array([f"{name}_level_{i:02d}" for i in range(levels)], dtype=object)
    weights = rng.dirichlet(np.ones(levels))
    values = labels[rng.choice(levels, size=rows, p=weights)]
    values[rng.random(rows) < 0.005] = None
    frame[name] = values

pd.DataFrame(frame).to_csv(out, index=False, float_format=None)
