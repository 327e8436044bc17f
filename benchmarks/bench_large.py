"""Large tables: fit time, held-out score and peak memory against the MLP and HGB.

A user with a long table swaps scikit-learn's ``MLPClassifier`` for ours and
expects the fit to take no longer. With ``batch_size="auto"`` a fit trains
on the full batch up to 10,000 rows and on mini-batches of 10,000 rows
beyond, so its ``max_iter`` steps cost about what they cost on 10,000 rows
(``skbimt._batching``). Each model is fitted at its defaults, with one
thread, in a fresh process of its own (so that its peak memory is its own):

* ``BIMT``: ``BIMTClassifier()`` / ``BIMTRegressor()``;
* ``BIMT-full``: the same on the full batch (``batch_size=None``, the rule
  before), on sizes up to ``--full-up-to`` rows;
* ``MLP``: ``StandardScaler`` then ``MLPClassifier()`` (for regression
  ``MLPRegressor`` inside a ``TransformedTargetRegressor`` that scales y);
* ``HGB``: ``HistGradientBoostingClassifier()`` / ``Regressor()``.

Tasks, 20,000 held-out rows each, 20 columns:

* ``classes``: ``make_classification(n_features=20)``, its defaults;
* ``clusters``: the same with 10 informative and 5 redundant columns and 3
  clusters per class, a boundary that needs more than a few passes;
* ``friedman``: ``make_friedman1`` (5 of 20 columns used, noise 1), R^2.

Printed per task and size: fit seconds, the fit time over the MLP's, the
held-out score and its difference to the MLP's, and peak memory (the
process's maximum resident set; ``+data`` subtracts what the process held
once the data was generated).

    python benchmarks/bench_large.py                            # ~25 min
    python benchmarks/bench_large.py --sizes 10000 100000 --tasks classes
    python benchmarks/bench_large.py --quick                    # ~1 min
"""

import argparse
import json
import resource
import subprocess
import sys
import time
import warnings

from _timing import print_footer, print_header, print_table

MODELS = ("BIMT", "BIMT-full", "MLP", "HGB")
TASKS = ("classes", "clusters", "friedman")
N_TEST = 20_000


def make_data(task, n_rows, seed):
    """``n_rows`` training rows and ``N_TEST`` held-out ones of ``task``."""
    from sklearn.datasets import make_classification, make_friedman1

    n = n_rows + N_TEST
    if task == "classes":
        X, y = make_classification(n_samples=n, n_features=20, random_state=seed)
    elif task == "clusters":
        X, y = make_classification(
            n_samples=n,
            n_features=20,
            n_informative=10,
            n_redundant=5,
            n_clusters_per_class=3,
            random_state=seed,
        )
    else:
        X, y = make_friedman1(n_samples=n, n_features=20, noise=1.0, random_state=seed)
    return X[:n_rows], y[:n_rows], X[n_rows:], y[n_rows:]


def make_model(model, task, seed):
    from sklearn.compose import TransformedTargetRegressor
    from sklearn.ensemble import (
        HistGradientBoostingClassifier,
        HistGradientBoostingRegressor,
    )
    from sklearn.neural_network import MLPClassifier, MLPRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from skbimt import BIMTClassifier, BIMTRegressor

    classify = task != "friedman"
    if model.startswith("BIMT"):
        options = {"batch_size": None} if model == "BIMT-full" else {}
        kind = BIMTClassifier if classify else BIMTRegressor
        return kind(random_state=seed, **options)
    if model == "HGB":
        if classify:
            return HistGradientBoostingClassifier(random_state=seed)
        return HistGradientBoostingRegressor(random_state=seed)
    if classify:
        return make_pipeline(StandardScaler(), MLPClassifier(random_state=seed))
    return TransformedTargetRegressor(
        make_pipeline(StandardScaler(), MLPRegressor(random_state=seed)),
        transformer=StandardScaler(),
    )


def run_one(model, task, n_rows, seed):
    """Fit one model in this process; print a JSON line of its numbers."""
    from _timing import set_single_thread

    set_single_thread()
    X, y, X_test, y_test = make_data(task, n_rows, seed)
    data_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    estimator = make_model(model, task, seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the MLP's ConvergenceWarning
        start = time.perf_counter()
        estimator.fit(X, y)
        seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        "seconds": seconds,
        "score": float(estimator.score(X_test, y_test)),
        "peak_mb": peak_mb,
        "above_data_mb": peak_mb - data_mb,
    }
    print(json.dumps(result))


def measure(model, task, n_rows, seed):
    """``run_one`` in a fresh Python process."""
    command = [sys.executable, __file__, "--one", model, task, str(n_rows), str(seed)]
    output = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(output.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10**4, 10**5, 10**6])
    parser.add_argument("--tasks", nargs="+", choices=TASKS, default=list(TASKS))
    parser.add_argument("--models", nargs="+", choices=MODELS, default=list(MODELS))
    parser.add_argument("--full-up-to", type=int, default=10**5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="20,000 rows, one task")
    parser.add_argument("--one", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        model, task, n_rows, seed = args.one
        run_one(model, task, int(n_rows), int(seed))
        return
    if args.quick:
        args.sizes, args.tasks = [20_000], ["classes"]
    print_header(__doc__.split("\n")[0])
    rows = []
    for task in args.tasks:
        for n_rows in args.sizes:
            results = {}
            for model in args.models:
                if model == "BIMT-full" and n_rows > args.full_up_to:
                    continue
                results[model] = measure(model, task, n_rows, args.seed)
                print(f"  {task} {n_rows} {model}: {results[model]}", flush=True)
            mlp = results.get("MLP")
            for model, result in results.items():
                rows.append(
                    [
                        task,
                        f"{n_rows:,}",
                        model,
                        f"{result['seconds']:.1f}",
                        f"{result['seconds'] / mlp['seconds']:.2f}" if mlp else "-",
                        f"{result['score']:.4f}",
                        f"{result['score'] - mlp['score']:+.4f}" if mlp else "-",
                        f"{result['peak_mb']:,.0f}",
                        f"{result['above_data_mb']:,.0f}",
                    ]
                )
    headers = ["task", "rows", "model", "fit s", "x MLP", "score", "- MLP"]
    print_table(rows, [*headers, "peak MB", "+data MB"])
    print_footer()


if __name__ == "__main__":
    main()
