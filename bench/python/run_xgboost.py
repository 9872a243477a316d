"""xgboost hist on the benchmark data; prints one JSON line."""
import json, sys, time
import numpy as np
import xgboost as xgb
from sklearn.metrics import roc_auc_score
from common import load, split

path, train_rows, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
x, y = load(path)
xtr, ytr, xte, yte = split(x, y, train_rows)
params = {"objective": "binary:logistic", "tree_method": "hist", "grow_policy": "lossguide",
          "max_leaves": 31, "max_depth": 0, "max_bin": 255, "eta": 0.1, "nthread": threads,
          "lambda": 1.0, "min_child_weight": 1e-3, "seed": 42}
start = time.perf_counter()
dtrain = xgb.DMatrix(xtr, label=ytr, nthread=threads)
booster = xgb.train(params, dtrain, num_boost_round=100)
train_seconds = time.perf_counter() - start
dtest = xgb.DMatrix(xte, nthread=threads)
p = booster.predict(dtest)
# single-row latency through the Python API (for reference only: dominated by call overhead)
row = xgb.DMatrix(xte[:1], nthread=1)
n = 200
t = time.perf_counter()
for _ in range(n):
    booster.inplace_predict(xte[:1])
latency_us = (time.perf_counter() - t) / n * 1e6
print(json.dumps({"engine": "xgboost", "model": "gbdt", "trainSeconds": train_seconds,
                  "auc": roc_auc_score(yte, p), "singleRowMicros": latency_us}))
