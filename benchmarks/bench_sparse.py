"""Sparse one-hot input: fit time and peak memory, sparse against dense.

A table with two categorical columns of 5,000 categories each, one-hot
encoded (about 10,000 columns, two non-zeros per row), is fitted by
``BIMTRegressor`` as the sparse matrix ``OneHotEncoder`` returns, by the same
estimator on the densified matrix, and by scikit-learn's ``MLPRegressor`` on
the sparse matrix. Each fit runs in a fresh process, so its peak resident
memory (``ru_maxrss``) is its own: data, training and the swap search
(which reads its placement cost lazily on a layer this wide).

Target: the sparse fit's peak memory far below the dense one's, and no more
than the MLP's on the same sparse matrix.

    python benchmarks/bench_sparse.py           # ~30 s (the dense fit needs ~6.5 GB)
    python benchmarks/bench_sparse.py --quick   # ~20 s
"""

import argparse
import json
import os
import subprocess
import sys

from _timing import fmt_time, print_footer, print_header, print_table

_FIT = """
import json, resource, sys, time, warnings
warnings.simplefilter("ignore")
import numpy as np, torch
torch.set_num_threads(1)
from sklearn.preprocessing import OneHotEncoder
from sklearn.neural_network import MLPRegressor
from skbimt import BIMTRegressor
n_rows, variant = int(sys.argv[1]), sys.argv[2]
rng = np.random.RandomState(0)
codes = rng.randint(0, 5000, size=(n_rows, 2))
X = OneHotEncoder().fit_transform(codes).tocsr()
y = (codes[:, 0] % 7 == 0) + 0.5 * (codes[:, 1] % 3 == 0) + 0.1 * rng.randn(n_rows)
if variant == "BIMT, dense":
    X = X.toarray()
if variant.startswith("BIMT"):
    model = BIMTRegressor(max_iter=500, batch_size=256, swap_every=100,
                          random_state=0)
else:
    model = MLPRegressor(hidden_layer_sizes=(20, 20), max_iter=20,
                         random_state=0)
start = time.perf_counter()
model.fit(X, y)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak, "columns": X.shape[1]}))
"""

VARIANTS = ("BIMT, sparse", "BIMT, dense", "MLP, sparse")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    n_rows = 5000 if args.quick else 20000
    print_header(f"sparse one-hot input, {n_rows:,} rows, one thread")
    results = {}
    for variant in VARIANTS:
        out = subprocess.run(
            [sys.executable, "-c", _FIT, str(n_rows), variant],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"},
        )
        results[variant] = json.loads(out.stdout.strip().splitlines()[-1])
    columns = results["BIMT, sparse"]["columns"]
    rows = [
        [
            variant,
            f"{n_rows:,} x {columns:,}",
            fmt_time(r["seconds"]),
            f"{r['peak_mb']:.0f} MB",
        ]
        for variant, r in results.items()
    ]
    print_table(rows, ["fit", "X", "time", "peak memory"])
    sparse, dense = results["BIMT, sparse"], results["BIMT, dense"]
    print(
        f"\npeak memory, sparse / dense: {sparse['peak_mb'] / dense['peak_mb']:.2f}; "
        f"sparse BIMT / sparse MLP: "
        f"{sparse['peak_mb'] / results['MLP, sparse']['peak_mb']:.2f}"
    )
    print_footer()


if __name__ == "__main__":
    main()
