"""Drift benchmark data: a 1,000,000-row reference and a 200,000-row window, 15 numeric and 5 categorical features.

File layout (little-endian): b"DRIFTBN1", int32 reference rows, int32 window rows, int32 numeric, int32 categorical,
then per numeric feature the reference column then the window column (float64), then per categorical feature the
reference codes then the window codes (int32, category index). Seeded (42). About a third of the features drift.
"""
import sys
import numpy as np

REF, CUR, NUM, CAT = 1_000_000, 200_000, 15, 5
rng = np.random.default_rng(42)
with open(sys.argv[1], "wb") as f:
    f.write(b"DRIFTBN1")
    f.write(np.array([REF, CUR, NUM, CAT], dtype="<i4").tobytes())
    for i in range(NUM):
        kind = i % 3
        ref = rng.normal(0, 1, REF) if kind == 0 else rng.exponential(2.0, REF) if kind == 1 else rng.uniform(-5, 5, REF)
        cur = rng.normal(0, 1, CUR) if kind == 0 else rng.exponential(2.0, CUR) if kind == 1 else rng.uniform(-5, 5, CUR)
        if i % 3 == 0 and i > 0:
            cur = cur + 0.3 * (ref.std())  # a shift of 0.3 std: drifts
        ref = np.round(ref, 4); cur = np.round(cur, 4)
        f.write(ref.astype("<f8").tobytes()); f.write(cur.astype("<f8").tobytes())
    for i in range(CAT):
        k = 4 + 3 * i
        p = rng.dirichlet(np.ones(k))
        q = p if i % 2 == 0 else rng.dirichlet(np.ones(k))
        f.write(rng.choice(k, REF, p=p).astype("<i4").tobytes()); f.write(rng.choice(k, CUR, p=q).astype("<i4").tobytes())
