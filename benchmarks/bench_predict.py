"""predict and predict_proba against scikit-learn's MLP of the same size.

A grid search scores every candidate, knock-outs and pruning frontiers call
``score`` once per module, neuron or parameter count, and the estimator
checks predict thousands of times: prediction on a few rows must cost what
scikit-learn's costs. Both estimators are fitted on the same data with the
same hidden layers (20, 20), then timed on 5 rows and on 100,000 rows:

* ours: ``BIMTClassifier.predict`` / ``predict_proba`` and
  ``BIMTRegressor.predict``, with ``activation="relu"`` (like for like) and
  with the default SiLU;
* baseline: ``MLPClassifier`` / ``MLPRegressor`` with the same layers and
  their default ReLU.

Targets, like for like (ReLU): at most 2x scikit-learn's time on 5 rows, and
no slower (<= 1.1x) on 100,000 rows. The SiLU rows show what the paper's
activation costs on top: ``z * expit(z)`` is about twice the work of
``max(z, 0)``, which dominates a large batch.

Then, as a user swapping estimators sees it, each with its defaults (ours
(20, 20) SiLU, the MLP's (100,) ReLU): ``predict_proba`` on 1,000,000 x 10
rows (target: no slower than the MLP; from 4,096 rows ours runs in torch in
blocks of rows) and one ``PartialDependenceDisplay`` of two one-way and one
two-way plot on 300 rows (brute force: about 10,000 ``predict_proba`` calls
of 300 rows each, whose cost is mostly scikit-learn's input validation).

    python benchmarks/bench_predict.py           # ~30 s
    python benchmarks/bench_predict.py --quick   # ~5 s
"""

import argparse
import time
import warnings

import numpy as np
from _timing import (
    add_thread_arguments,
    blas_threads_argument,
    fmt_time,
    median,
    print_footer,
    print_header,
    print_table,
    set_single_thread,
    verdict,
)
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor

from skbimt import BIMTClassifier, BIMTRegressor

HIDDEN = (20, 20)
TARGET_SMALL, TARGET_LARGE = 2.0, 1.1


def per_call(fn, X, repeats):
    """Median seconds per call over ``repeats`` calls, in 5 blocks."""
    fn(X)
    blocks = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(repeats):
            fn(X)
        blocks.append((time.perf_counter() - start) / repeats)
    return median(blocks)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    add_thread_arguments(parser)
    args = parser.parse_args()
    set_single_thread(blas_threads_argument(args.blas_threads))
    print_header("predict: skbimt vs scikit-learn's MLP, hidden layers (20, 20)")

    X, y = make_classification(2000, n_features=10, random_state=0)
    target = X @ np.linspace(-1, 1, 10)
    common = {"hidden_layer_sizes": HIDDEN, "random_state": 0}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp_classifier = MLPClassifier(**common, max_iter=20).fit(X, y)
        mlp_regressor = MLPRegressor(**common, max_iter=20).fit(X, target)
    pairs = {}
    for activation in ("relu", "silu"):
        ours = {**common, "activation": activation, "max_iter": 200}
        pairs[f"classifier ({activation})"] = (
            BIMTClassifier(**ours).fit(X, y),
            mlp_classifier,
        )
        pairs[f"regressor ({activation})"] = (
            BIMTRegressor(**ours).fit(X, target),
            mlp_regressor,
        )
    rng = np.random.RandomState(1)
    small, large = X[:5], rng.normal(size=(20000 if args.quick else 100000, 10))
    repeats = 200 if args.quick else 2000
    rows, ratios = [], {}
    for kind, (ours, theirs) in pairs.items():
        classifier = kind.startswith("classifier")
        methods = ["predict"] + (["predict_proba"] if classifier else [])
        for method in methods:
            for label, data, n in (
                ("5 rows", small, repeats),
                (f"{len(large):,} rows", large, 3),
            ):
                a = per_call(getattr(ours, method), data, n)
                b = per_call(getattr(theirs, method), data, n)
                ratio = a / b
                ratios[(kind, method, label)] = ratio
                rows.append(
                    [
                        f"{kind}.{method}",
                        label,
                        fmt_time(a),
                        fmt_time(b),
                        f"{ratio:.2f}",
                    ]
                )
    print_table(rows, ["method", "input", "skbimt", "scikit-learn MLP", "ratio"])
    like_for_like = {key: r for key, r in ratios.items() if "relu" in key[0]}
    worst_small = max(r for (_, _, n), r in like_for_like.items() if n == "5 rows")
    worst_large = max(r for (_, _, n), r in like_for_like.items() if n != "5 rows")
    print()
    print(
        f"ReLU, 5 rows: worst ratio {worst_small:.2f} -> "
        f"{verdict(worst_small, TARGET_SMALL)} (<= {TARGET_SMALL}x)"
    )
    print(
        f"ReLU, large batch: worst ratio {worst_large:.2f} -> "
        f"{verdict(worst_large, TARGET_LARGE)} (<= {TARGET_LARGE}x)"
    )
    defaults_section(X, y, args.quick)
    print_footer()


def defaults_section(X, y, quick):
    """Each estimator with its defaults: a million rows, and a PDP display."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.inspection import PartialDependenceDisplay

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        theirs = MLPClassifier(random_state=0, max_iter=20).fit(X, y)
    ours = BIMTClassifier(random_state=0, max_iter=200).fit(X, y)
    n_rows = 200_000 if quick else 1_000_000
    big = np.random.RandomState(2).normal(size=(n_rows, 10))
    rows = []
    a = per_call(ours.predict_proba, big, 1)
    b = per_call(theirs.predict_proba, big, 1)
    rows.append(["predict_proba", f"{n_rows:,} rows", fmt_time(a), fmt_time(b)])
    rows[-1].append(f"{a / b:.2f}")
    grid = 20 if quick else 100
    times = []
    for estimator in (ours, theirs):
        start = time.perf_counter()
        PartialDependenceDisplay.from_estimator(
            estimator, X[:300], [0, 1, (0, 1)], grid_resolution=grid
        )
        times.append(time.perf_counter() - start)
        plt.close("all")
    rows.append(
        [
            "PartialDependenceDisplay",
            f"300 rows, grid {grid}",
            fmt_time(times[0]),
            fmt_time(times[1]),
            f"{times[0] / times[1]:.2f}",
        ]
    )
    print()
    print("Each with its defaults: BIMT (20, 20) SiLU, MLP (100,) ReLU")
    print_table(rows, ["task", "input", "skbimt", "scikit-learn MLP", "ratio"])
    ratio = a / b
    print(
        f"{n_rows:,} rows: ratio {ratio:.2f} -> {verdict(ratio, 1.0)} "
        "(no slower than the MLP)"
    )


if __name__ == "__main__":
    main()
