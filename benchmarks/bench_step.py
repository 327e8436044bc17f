"""Per-step training time: skbimt vs plain torch vs the notebooks' BIMT step.

Full-batch steps, SiLU, mean squared error, on 4-20-20-2 (1000 samples, the
symbolic-formula task) and 2-20-20-2 (200 samples, two moons with one-hot
targets used as regression targets). Variants, interleaved round by round:

(a)  plain torch: ``nn.Linear``/``nn.SiLU`` MLP, autograd, ``nn.MSELoss``,
     ``torch.optim.Adam(fused=True)``, no connection cost -- the cost of an
     ordinary training step;
(b)  reference: the BIMT notebooks' step (``_reference.py``): autograd
     through loss + lambda * connection cost, ``torch.optim.Adam`` (default
     implementation), no swaps;
(b+s) the same with the naive swap pass every 200 steps (k=6, all layers);
(c)  ours, ``lambda=0`` and no swaps;
(d)  ours with the paper's lambda schedule and swaps every 200 steps (k=6).

For (c) and (d) two timings: ``BIMTRegressor(..., max_iter=N).fit`` wall
time / N (everything: validation, set-up, export), and
``skbimt._engine.training.train`` alone / N, with its arguments built as
``BaseBIMT.fit`` builds them. Each run is N steps; the table gives the median
per-step time over the rounds. Targets: (d)/(a) <= 1.15.

Run ``python benchmarks/bench_step.py`` (about 1.5 min) or ``--quick`` (< 30 s).
"""

import argparse

import numpy as np
import torch
from _reference import ReferenceBIMT, paper_lambdas, train_reference
from _timing import (
    add_thread_arguments,
    blas_threads_argument,
    fmt_time,
    median,
    print_footer,
    print_header,
    print_table,
    set_single_thread,
    timed,
    verdict,
)
from torch import nn

from skbimt import BIMTRegressor
from skbimt._building import initial_network
from skbimt._engine.training import TrainingData, train
from skbimt.datasets import make_symbolic, make_two_moons
from skbimt.nn import PAPER_SCHEDULE, lambda_values

A, Y_STAR, K, SWAP_EVERY, LR = 2.0, 0.1, 6, 200, 1e-3
HIDDEN = (20, 20)
TARGET_D_OVER_A = 1.15


def moons_data(n_samples=200):
    X, labels = make_two_moons(n_samples, random_state=0)
    return X, np.eye(2)[labels]


def make_plain_torch(X, y, n_steps):
    n_in, n_out = X.shape[1], y.shape[1]
    Xt = torch.as_tensor(X, dtype=torch.float32)
    yt = torch.as_tensor(y, dtype=torch.float32)

    def run():
        torch.manual_seed(0)
        model = nn.Sequential(
            nn.Linear(n_in, HIDDEN[0]),
            nn.SiLU(),
            nn.Linear(HIDDEN[0], HIDDEN[1]),
            nn.SiLU(),
            nn.Linear(HIDDEN[1], n_out),
        )
        try:
            optimizer = torch.optim.Adam(model.parameters(), lr=LR, fused=True)
        except (RuntimeError, TypeError, ValueError):
            optimizer = torch.optim.Adam(model.parameters(), lr=LR)
        loss_fn = nn.MSELoss()

        def loop():
            for _ in range(n_steps):
                optimizer.zero_grad()
                loss = loss_fn(model(Xt), yt)
                loss.backward()
                optimizer.step()

        return timed(loop)[0]

    return run


def make_reference(X, y, n_steps, swap_every):
    sizes = [X.shape[1], *HIDDEN, y.shape[1]]
    Xt = torch.as_tensor(X, dtype=torch.float32)
    yt = torch.as_tensor(y, dtype=torch.float32)
    lambdas = paper_lambdas(n_steps)

    def run():
        model = ReferenceBIMT(sizes, A, Y_STAR, seed=0)
        return timed(
            train_reference,
            model,
            Xt,
            yt,
            loss="mse",
            lambdas=lambdas,
            learning_rate=LR,
            swap_every=swap_every,
            k=K,
        )[0]

    return run


def ours(n_steps, with_cost):
    """The estimator of variants (c) and (d)."""
    return BIMTRegressor(
        hidden_layer_sizes=HIDDEN,
        A=A,
        y_star=Y_STAR,
        k=K,
        lambda_schedule=PAPER_SCHEDULE if with_cost else 0.0,
        swap_every=SWAP_EVERY if with_cost else None,
        max_iter=n_steps,
        learning_rate=LR,
        random_state=0,
        n_threads=1,
    )


def make_ours_fit(X, y, n_steps, with_cost):
    def run():
        return timed(ours(n_steps, with_cost).fit, X, y)[0]

    return run


def make_ours_train(X, y, n_steps, with_cost):
    """The engine's ``train()`` alone, on the network and settings fit uses."""
    sizes = [X.shape[1], *HIDDEN, y.shape[1]]
    data = TrainingData(
        X=torch.as_tensor(X, dtype=torch.float32),
        target=torch.as_tensor(y, dtype=torch.float32),
    )
    estimator = ours(n_steps, with_cost)
    lambdas = lambda_values(estimator.lambda_schedule, n_steps)

    def run():
        rng = np.random.RandomState(0)
        network = initial_network(estimator, sizes, rng)
        settings = estimator._training_settings(network, lambdas, len(X))
        return timed(train, network, data, settings, rng)[0]

    return run


VARIANTS = [
    ("a", "(a) plain torch step (autograd, fused Adam, no cost)"),
    ("b", "(b) reference step (autograd + cost + torch Adam)"),
    ("b+s", "(b+s) reference step + naive swaps every 200"),
    ("c_fit", "(c) ours, lambda=0, no swaps: fit() / N"),
    ("d_fit", "(d) ours, cost + swaps every 200: fit() / N"),
    ("c_train", "(c) ours, lambda=0, no swaps: train() / N"),
    ("d_train", "(d) ours, cost + swaps every 200: train() / N"),
]


def bench_config(name, X, y, n_steps, rounds):
    print(
        f"\n### {name}: {X.shape[0]} samples, layers "
        f"{X.shape[1]}-{HIDDEN[0]}-{HIDDEN[1]}-{y.shape[1]}, N={n_steps} "
        f"steps per run, {rounds} rounds"
    )
    makers = {
        "a": lambda n: make_plain_torch(X, y, n),
        "b": lambda n: make_reference(X, y, n, None),
        "b+s": lambda n: make_reference(X, y, n, SWAP_EVERY),
        "c_fit": lambda n: make_ours_fit(X, y, n, False),
        "d_fit": lambda n: make_ours_fit(X, y, n, True),
        "c_train": lambda n: make_ours_train(X, y, n, False),
        "d_train": lambda n: make_ours_train(X, y, n, True),
    }
    runs = {key: make(n_steps) for key, make in makers.items()}
    for make in makers.values():  # warm-up: allocations, first-call overheads
        make(50)()
    per_step = {key: [] for key in runs}
    keys = list(runs)
    for r in range(rounds):
        # Interleaved; the starting variant rotates so none is always first.
        for key in keys[r % len(keys) :] + keys[: r % len(keys)]:
            per_step[key].append(runs[key]() / n_steps)
    t = {key: median(v) for key, v in per_step.items()}
    rows = [
        [
            label,
            fmt_time(t[key]),
            fmt_time(min(per_step[key])),
            f"{t[key] / t['a']:.2f}",
        ]
        for key, label in VARIANTS
    ]
    print_table(rows, ["variant", "median/step", "min/step", "vs (a)"])
    ratios = {
        "d/a fit": t["d_fit"] / t["a"],
        "d/a train": t["d_train"] / t["a"],
        "d/c fit": t["d_fit"] / t["c_fit"],
        "d/c train": t["d_train"] / t["c_train"],
        "b/d fit": t["b"] / t["d_fit"],
        "b+s/d fit": t["b+s"] / t["d_fit"],
    }
    print(
        f"(d)/(a) = {ratios['d/a fit']:.2f} via fit(), {ratios['d/a train']:.2f} "
        f"via train()  -> {verdict(ratios['d/a fit'], TARGET_D_OVER_A)} "
        f"(<= {TARGET_D_OVER_A})"
    )
    print(
        f"(d)/(c) = {ratios['d/c fit']:.2f} via fit(), {ratios['d/c train']:.2f} "
        "via train()  (overhead of connection cost + swaps)"
    )
    print(
        f"(b)/(d) = {ratios['b/d fit']:.2f}  (reference step without swaps / ours "
        f"with swaps, fit()); (b+s)/(d) = {ratios['b+s/d fit']:.2f}"
    )
    return t, ratios


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke test, < 30 s")
    parser.add_argument(
        "--steps",
        type=int,
        default=None,
        help="steps per run (default 2000; 400 with --quick)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=None,
        help="interleaved rounds (default 5; 3 with --quick)",
    )
    add_thread_arguments(parser)
    args = parser.parse_args(argv)
    set_single_thread(blas_threads_argument(args.blas_threads))
    n_steps = args.steps or (400 if args.quick else 2000)
    rounds = args.rounds or (3 if args.quick else 5)
    print_header("bench_step: per-step training time, skbimt vs torch baselines")
    results = {}
    results["4-20-20-2"] = bench_config(
        "symbolic", *make_symbolic("a", 1000, random_state=0), n_steps, rounds
    )
    results["2-20-20-2"] = bench_config("two moons", *moons_data(), n_steps, rounds)
    print("\n### summary")
    for name, (t, ratios) in results.items():
        print(
            f"{name}: (a) {fmt_time(t['a'])}, (b) {fmt_time(t['b'])}, "
            f"(c) {fmt_time(t['c_fit'])}, (d) {fmt_time(t['d_fit'])} per step (fit); "
            f"(d)/(a) {ratios['d/a fit']:.2f} "
            f"[{verdict(ratios['d/a fit'], TARGET_D_OVER_A)}], "
            f"(d)/(c) {ratios['d/c fit']:.2f}, (b)/(d) {ratios['b/d fit']:.2f}"
        )
    print_footer()


if __name__ == "__main__":
    main()
