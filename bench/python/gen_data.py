"""Generates the learning benchmark data set once, as a binary file both engines read.

Layout (little-endian): 8-byte magic b"MLBENCH1", int32 rows, int32 features,
rows*features float32 (row-major), rows float32 labels (0/1).
Label ~ Bernoulli(sigmoid(0.5*X.w + sin(2*x0) + x1*x2 - 0.5*|x3|)), w seeded.
"""
import sys
import numpy as np

def main(path, rows=1_000_000, features=28, seed=42):
    rng = np.random.default_rng(seed)
    w = rng.standard_normal(features)
    x = rng.standard_normal((rows, features), dtype=np.float32)
    logit = 0.5 * (x.astype(np.float64) @ w) + np.sin(2 * x[:, 0]) + x[:, 1] * x[:, 2] - 0.5 * np.abs(x[:, 3])
    p = 1.0 / (1.0 + np.exp(-logit))
    y = (rng.random(rows) < p).astype(np.float32)
    with open(path, "wb") as f:
        f.write(b"MLBENCH1")
        f.write(np.array([rows, features], dtype="<i4").tobytes())
        f.write(x.astype("<f4").tobytes())
        f.write(y.astype("<f4").tobytes())

if __name__ == "__main__":
    main(sys.argv[1], *(int(a) for a in sys.argv[2:]))
