"""End-to-end wall time of the paper's 20,000-step runs: skbimt fit vs the notebooks.

Two tasks of the paper, each trained for 20,000 full-batch steps with the
paper's lambda schedule (1e-3, 1e-2, 1e-3 for 25%, 50%, 25% of the steps),
A=2, y_star=0.1, k=6, a swap pass every 200 steps, Adam with lr 1e-3:

* two moons (section 3.2): ``make_moons(200, noise=0.1, random_state=0)``,
  ``BIMTClassifier(**paper_settings("two_moons"))`` (a 20-20 network,
  A=2, y_star=0.1, k=6, swaps every 200 steps), cross-entropy;
* symbolic formulas (a) (section 3.1): 1000 samples ``x ~ U[-1, 1]^4``,
  ``y1 = x2^2 + sin(pi x4)``, ``y2 = (x1 + x3)^3``,
  ``BIMTRegressor(**paper_settings("symbolic"))``, mean squared error.

``ours`` is the wall time of ``fit`` (validation, set-up, training, export);
``reference`` the notebooks' loop (``_reference.py``: autograd loss + cost,
``torch.optim.Adam``, naive swap search every 200 steps, all layers
swappable, the same initial weights as fit draws, lr and schedule). Interleaved: ours,
reference, ours, ours (the reference takes ~40 s a run). Targets for the
20,000-step runs: two moons <= 5 s, symbolic <= 8 s.

Run ``python benchmarks/bench_paper_runs.py`` (about 2.5 min) or ``--quick``
(2,000 steps, < 30 s; the targets are then checked against 10x the time,
an extrapolation only).
"""

import argparse

import numpy as np
import torch
from _reference import ReferenceBIMT, paper_lambdas, train_reference
from _timing import (
    add_thread_arguments,
    blas_threads_argument,
    median,
    print_footer,
    print_header,
    print_table,
    set_single_thread,
    timed,
    verdict,
)
from sklearn.utils import check_random_state

from skbimt import BIMTClassifier, BIMTRegressor
from skbimt._building import initial_network
from skbimt.datasets import make_symbolic, make_two_moons, paper_settings

A, Y_STAR, K, SWAP_EVERY, LR = 2.0, 0.1, 6, 200, 1e-3
PAPER_STEPS = 20000
TARGETS = {"two moons": 5.0, "symbolic (a)": 8.0}


def run_ours(task, X, y, n_steps, seed):
    if task == "two moons":
        settings = {**paper_settings("two_moons"), "max_iter": n_steps}
        model = BIMTClassifier(**settings, random_state=seed)
    else:
        settings = {**paper_settings("symbolic"), "max_iter": n_steps}
        model = BIMTRegressor(**settings, random_state=seed)
    seconds, _ = timed(model.fit, X, y)
    quality = (
        f"train acc {model.score(X, y):.3f}"
        if task == "two moons"
        else f"train MSE {np.mean((model.predict(X) - y) ** 2):.4f}"
    )
    info = (
        f"{quality}, final cost {model.connection_cost_curve_[-1]:.3f}, "
        f"{int(model.swap_counts_.sum())} swaps"
    )
    return seconds, info


def initial_parameters(sizes, seed):
    """The initial weights ``fit(random_state=seed)`` draws, as fit draws them."""
    estimator = BIMTRegressor(**paper_settings("symbolic"))
    network = initial_network(estimator, sizes, check_random_state(seed))
    layout, flat = network.layout, network.flat
    return (
        [w.numpy().copy() for w in layout.weights(flat)],
        [b.numpy().copy() for b in layout.biases(flat)],
    )


def run_reference(task, X, y, n_steps, seed):
    sizes = [X.shape[1], 20, 20, 2]
    weights, biases = initial_parameters(sizes, seed)
    Xt = torch.as_tensor(X, dtype=torch.float32)
    if task == "two moons":
        yt, loss = torch.as_tensor(y, dtype=torch.long), "ce"
    else:
        yt, loss = torch.as_tensor(y, dtype=torch.float32), "mse"
    lambdas = paper_lambdas(n_steps)

    def run():
        model = ReferenceBIMT(sizes, A, Y_STAR).set_weights(weights, biases)
        result = train_reference(
            model,
            Xt,
            yt,
            loss=loss,
            lambdas=lambdas,
            learning_rate=LR,
            swap_every=SWAP_EVERY,
            k=K,
        )
        return model, result

    seconds, (model, result) = timed(run)
    with torch.no_grad():
        output = model(Xt)
    quality = (
        f"train acc {(output.argmax(1) == yt).float().mean().item():.3f}"
        if task == "two moons"
        else f"train MSE {result['loss']:.4f}"
    )
    info = f"{quality}, final cost {result['cost']:.3f}, {result['n_swaps']} swaps"
    return seconds, info


def bench_task(task, X, y, n_steps, n_ours, n_ref):
    print(
        f"\n### {task}: {X.shape[0]} samples, {n_steps} steps, ours x{n_ours}, "
        f"reference x{n_ref} (interleaved)"
    )
    run_ours(task, X, y, 50, 0)  # warm-up (imports, allocations)
    times = {"ours": [], "reference": []}
    infos = {}
    for i in range(max(n_ours, n_ref)):
        if i < n_ours:
            seconds, infos["ours"] = run_ours(task, X, y, n_steps, 0)
            times["ours"].append(seconds)
            print(f"  ours      run {i + 1}: {seconds:7.2f} s", flush=True)
        if i < n_ref:
            seconds, infos["reference"] = run_reference(task, X, y, n_steps, 0)
            times["reference"].append(seconds)
            print(f"  reference run {i + 1}: {seconds:7.2f} s", flush=True)
    t_ours, t_ref = median(times["ours"]), median(times["reference"])
    rows = [
        [
            "ours: fit()",
            len(times["ours"]),
            f"{t_ours:.2f} s",
            f"{1e6 * t_ours / n_steps:.0f} us",
            "1.00",
            infos["ours"],
        ],
        [
            "reference (notebooks)",
            len(times["reference"]),
            f"{t_ref:.2f} s",
            f"{1e6 * t_ref / n_steps:.0f} us",
            f"{t_ref / t_ours:.2f}",
            infos["reference"],
        ],
    ]
    print_table(
        rows,
        ["variant", "runs", "median", "per step", "time / ours", "result (last run)"],
    )
    print(
        "  (same initial weights; results differ because the notebooks leave "
        "Adam's moments in place when neurons swap, skbimt moves them with "
        "the weights)"
    )
    return t_ours, t_ref, min(times["ours"])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="2,000 steps instead of 20,000, < 30 s"
    )
    add_thread_arguments(parser)
    args = parser.parse_args(argv)
    set_single_thread(blas_threads_argument(args.blas_threads))
    print_header("bench_paper_runs: the paper's 20,000-step runs, fit vs notebooks")
    n_steps = 2000 if args.quick else PAPER_STEPS
    n_ours, n_ref = (2, 1) if args.quick else (3, 1)
    results = {
        "two moons": bench_task(
            "two moons", *make_two_moons(200, random_state=0), n_steps, n_ours, n_ref
        ),
        "symbolic (a)": bench_task(
            "symbolic (a)",
            *make_symbolic("a", 1000, random_state=0),
            n_steps,
            n_ours,
            n_ref,
        ),
    }
    print("\n### summary (ratio = reference / ours)")
    scale = PAPER_STEPS / n_steps
    for task, (t_ours, t_ref, t_min) in results.items():
        estimate = t_ours * scale
        note = (
            f"{n_steps} steps measured, x{scale:.0f} extrapolated: "
            if scale != 1
            else ""
        )
        print(
            f"{task:13}: ours {t_ours:.2f} s (min {t_min:.2f} s), reference "
            f"{t_ref:.2f} s, "
            f"ratio {t_ref / t_ours:.1f}x; {note}20,000-step fit "
            f"{estimate:.2f} s vs target {TARGETS[task]:.0f} s -> "
            f"{verdict(estimate, TARGETS[task])}"
        )
    print_footer()


if __name__ == "__main__":
    main()
