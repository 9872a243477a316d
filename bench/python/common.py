import numpy as np

def load(path):
    with open(path, "rb") as f:
        assert f.read(8) == b"MLBENCH1", "not a benchmark data file"
        rows, features = np.frombuffer(f.read(8), dtype="<i4")
        x = np.frombuffer(f.read(int(rows) * int(features) * 4), dtype="<f4").reshape(rows, features)
        y = np.frombuffer(f.read(int(rows) * 4), dtype="<f4")
    return x, y

def split(x, y, train_rows):
    return x[:train_rows], y[:train_rows], x[train_rows:], y[train_rows:]
