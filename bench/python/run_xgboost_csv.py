"""pandas read_csv + xgboost hist on a benchmark CSV pair; prints one JSON line like `mlops train --json`.
Usage: run_xgboost_csv.py TRAIN.csv TEST.csv TASK THREADS"""
import json
import sys
import time

import numpy as np
import pandas as pd
import xgboost as xgb
from sklearn.metrics import accuracy_score, mean_squared_error, roc_auc_score

train_path, test_path, task, threads = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
start = time.perf_counter()
train = pd.read_csv(train_path)
test = pd.read_csv(test_path)
load = time.perf_counter() - start

ytr, yte = train.pop("label"), test.pop("label")
params = {"tree_method": "hist", "grow_policy": "lossguide", "max_leaves": 31, "max_depth": 0, "max_bin": 255,
          "eta": 0.1, "nthread": threads, "lambda": 1.0, "min_child_weight": 1e-3, "seed": 42}
classes = None
if task == "binary":
    params["objective"] = "binary:logistic"
elif task == "multiclass":
    classes = sorted(ytr.unique())
    index = {c: i for i, c in enumerate(classes)}
    ytr, yte = ytr.map(index), yte.map(index)
    params.update(objective="multi:softprob", num_class=len(classes))
else:
    params["objective"] = "reg:squarederror"
start = time.perf_counter()
dtrain = xgb.DMatrix(train.values, label=ytr.values, nthread=threads)
booster = xgb.train(params, dtrain, num_boost_round=100)
train_seconds = time.perf_counter() - start
p = booster.predict(xgb.DMatrix(test.values, nthread=threads))
if task == "binary":
    metrics = {"auc": roc_auc_score(yte, p), "accuracy": accuracy_score(yte, p > 0.5)}
elif task == "multiclass":
    metrics = {"accuracy": accuracy_score(yte, p.argmax(axis=1))}
else:
    metrics = {"rmse": float(np.sqrt(mean_squared_error(yte, p)))}
print(json.dumps({"trainer": "xgboost", "task": task, "metrics": metrics, "loadSeconds": load, "trainSeconds": train_seconds}))
