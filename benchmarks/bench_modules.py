"""Module detection: seeded Louvain (the default) against greedy CNM.

``modules_``, ``modularity_``, ``NetworkDisplay`` with ``color_modules=True``
and the knock-outs by module all run community detection on the
connectivity graph.
This script times both networkx methods on MNIST-sized networks and compares
the modularity Q they find on fitted networks:

* timing: 784-100-100-10 and 784-1000-1000-10 networks whose weights are
  heavy-tailed and 95 % zero, like a trained BIMT network (one visible weight
  in twenty); greedy is skipped on the large one with ``--quick``;
* Q: networks fitted with the paper's settings (symbolic formula (a), two
  moons) and with the defaults on diabetes and breast cancer.

Goals: Louvain within 1 s (784-100-100-10) and 5 s (784-1000-1000-10), and
its Q at least greedy's minus 0.02 on every fitted network.

    python benchmarks/bench_modules.py           # ~5 min (greedy on the large net)
    python benchmarks/bench_modules.py --quick   # ~1 min
"""

import argparse
import time

import numpy as np
from _timing import print_footer, print_header, set_single_thread
from sklearn.datasets import load_breast_cancer, load_diabetes

from skbimt import BIMTClassifier, BIMTRegressor
from skbimt.datasets import make_symbolic, make_two_moons, paper_settings
from skbimt.inspection import modules_and_modularity


def sparse_network(sizes, seed=0):
    rng = np.random.RandomState(seed)
    return [
        rng.standard_t(1, size=shape) * (rng.rand(*shape) < 0.05)
        for shape in zip(sizes[:-1], sizes[1:])
    ]


def timed(coefs, method):
    start = time.perf_counter()
    _, q = modules_and_modularity(coefs, method=method)
    return time.perf_counter() - start, q


def fitted_networks():
    X, y = make_symbolic("a", n_samples=1000, random_state=0)
    yield (
        "symbolic (a), paper",
        BIMTRegressor(**paper_settings("symbolic"), random_state=0).fit(X, y),
    )
    X, y = make_two_moons(200, random_state=0)
    yield (
        "two moons, paper",
        BIMTClassifier(**paper_settings("two_moons"), random_state=0).fit(X, y),
    )
    yield (
        "diabetes, defaults",
        BIMTRegressor(random_state=0).fit(*load_diabetes(return_X_y=True)),
    )
    yield (
        "breast cancer, defaults",
        BIMTClassifier(random_state=0).fit(*load_breast_cancer(return_X_y=True)),
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    set_single_thread()
    print_header("Module detection: Louvain (default) vs greedy CNM")
    print("\n| network | Louvain s | greedy s | ratio | Q Louvain | Q greedy |")
    print("|---|---|---|---|---|---|")
    for sizes in [(784, 100, 100, 10), (784, 1000, 1000, 10)]:
        coefs = sparse_network(sizes)
        louvain_s, louvain_q = timed(coefs, "louvain")
        if args.quick and sizes[1] == 1000:
            greedy = "skipped (--quick)", "", ""
        else:
            greedy_s, greedy_q = timed(coefs, "greedy")
            greedy = (
                f"{greedy_s:.2f}",
                f"{greedy_s / louvain_s:.1f}x",
                f"{greedy_q:.3f}",
            )
        print(
            f"| {'-'.join(map(str, sizes))} | {louvain_s:.2f} | {greedy[0]} | "
            f"{greedy[1]} | {louvain_q:.3f} | {greedy[2]} |"
        )
    print("\n| fitted network | Q Louvain | Q greedy | Louvain - greedy |")
    print("|---|---|---|---|")
    for name, model in fitted_networks():
        _, louvain_q = timed(model.scaled_coefs_, "louvain")
        _, greedy_q = timed(model.scaled_coefs_, "greedy")
        gap = louvain_q - greedy_q
        print(f"| {name} | {louvain_q:.3f} | {greedy_q:.3f} | {gap:+.3f} |")
    print_footer()


if __name__ == "__main__":
    main()
