"""sklearn LogisticRegression(lbfgs) on the benchmark data; prints one JSON line."""
import json, sys, time
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from common import load, split

path, train_rows = sys.argv[1], int(sys.argv[2])
x, y = load(path)
xtr, ytr, xte, yte = split(x, y, train_rows)
start = time.perf_counter()
model = LogisticRegression(solver="lbfgs", C=1.0, max_iter=100).fit(xtr, ytr)
train_seconds = time.perf_counter() - start
p = model.predict_proba(xte)[:, 1]
print(json.dumps({"engine": "sklearn", "model": "logistic", "trainSeconds": train_seconds,
                  "auc": roc_auc_score(yte, p)}))
