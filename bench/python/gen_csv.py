"""Writes the family benchmark's CSV files: a binary, a multiclass and a regression set, each 200,000 training and
50,000 test rows x 28 standard-normal float features (written with 7 significant digits), seeded (42).

binary:     label ~ Bernoulli(sigmoid(0.5*X.w + sin(2*x0) + x1*x2 - 0.5*|x3|))   (the learning benchmark's recipe)
multiclass: 5 classes, label = argmax_k(X.W_k + sin(2*x0)*k/2 + x1*x2*(k-2)/2 + Gumbel noise)
regression: y = X.w + 2*sin(2*x0) + x1*x2 - |x3| + N(0, 0.5^2)
Usage: gen_csv.py OUT_DIR
"""
import os
import sys
import numpy as np
import pandas as pd

out = sys.argv[1]
rows, train, features = 250_000, 200_000, 28
os.makedirs(out, exist_ok=True)


def write(name, x, y):
    cols = {f"x{i}": x[:, i] for i in range(features)}
    frame = pd.DataFrame(cols)
    frame["label"] = y
    frame.iloc[:train].to_csv(os.path.join(out, f"{name}-train.csv"), index=False, float_format="%.7g")
    frame.iloc[train:].to_csv(os.path.join(out, f"{name}-test.csv"), index=False, float_format="%.7g")


rng = np.random.default_rng(42)
w = rng.standard_normal(features)
x = rng.standard_normal((rows, features), dtype=np.float32).astype(np.float64)
logit = 0.5 * (x @ w) + np.sin(2 * x[:, 0]) + x[:, 1] * x[:, 2] - 0.5 * np.abs(x[:, 3])
write("binary", x, (rng.random(rows) < 1 / (1 + np.exp(-logit))).astype(int))

x = rng.standard_normal((rows, features), dtype=np.float32).astype(np.float64)
W = rng.standard_normal((features, 5)) * 0.4
k = np.arange(5)
scores = x @ W + np.outer(np.sin(2 * x[:, 0]), k / 2) + np.outer(x[:, 1] * x[:, 2], (k - 2) / 2) + rng.gumbel(size=(rows, 5))
write("multiclass", x, np.array([f"c{i}" for i in range(5)])[scores.argmax(axis=1)])

x = rng.standard_normal((rows, features), dtype=np.float32).astype(np.float64)
w = rng.standard_normal(features)
y = x @ w + 2 * np.sin(2 * x[:, 0]) + x[:, 1] * x[:, 2] - np.abs(x[:, 3]) + rng.normal(0, 0.5, rows)
write("regression", x, y)
