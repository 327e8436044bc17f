"""Regenerate the paper's Tables 1 and 2: vanilla vs L1 vs BIMT on eight tasks.

Every (task, method, seed) run is one joblib job; results go to a CSV (one
row per run) and a Markdown table of mean +- std beside the paper's values.

    python benchmarks/paper_tables.py --n-jobs 2             # full settings
    python benchmarks/paper_tables.py --quick --seeds 2      # smoke run
    python benchmarks/paper_tables.py --first-seed 10 --seeds 10  # fresh seeds

Methods: ``vanilla`` (lambda = 0, no swaps), ``L1`` (A = 0, no swaps, same
lambda schedule as BIMT) and ``BIMT`` (the task's settings). Settings follow
the paper's text; where the paper is silent, the authors' notebooks. The
lambda scale follows the authors' code per task: a summed cost (Eq. 3) for
the symbolic formulas and two moons, a cost averaged per tensor
(``cost_reduction="mean"``) for modular addition, S4, the transformer and
the image task, so the paper's lambda values apply unchanged. The symbolic
formulas train on 100 samples (the notebooks'; ``--symbolic-samples``), and
the in-context task draws slopes from U[-1, 1] and inputs from U[1, 3], as
the notebook that produced the paper's losses does (the paper's text swaps
the two ranges in section 3.4). With the paper's settings S4 generalises on
some seeds only; ``algorithmic_settings.py --task s4 --settings decay_0.3
decay_0.3_L1 decay_0.3_vanilla`` trains its three columns with the setting
that generalises (40000 steps, weight decay 0.3).

MNIST cannot be downloaded on an offline machine: the image column uses
scikit-learn's bundled 8x8 digits (``--mnist`` switches to real MNIST through
``skbimt.datasets.fetch_mnist``). The image classifier is trained with
cross-entropy, where the paper used squared error on one-hot targets.
"""

import argparse
import csv
import pathlib
import shlex
import sys
import time

import numpy as np
import torch
from joblib import Parallel, delayed
from sklearn.model_selection import train_test_split

from skbimt import BIMTClassifier, BIMTRegressor
from skbimt import datasets as ds
from skbimt.nn import TinyTransformer, train_module

# (mean, std) of the paper's Table 1 (metric) and Table 2 (modularity).
PAPER = {
    "symbolic_a": {
        "metric": "loss",
        "vanilla": ((5.2e-3, 1.0e-3), (0.207, 0.025)),
        "L1": ((7.9e-3, 0.8e-3), (0.512, 0.042)),
        "BIMT": ((7.4e-3, 1.0e-3), (0.581, 0.042)),
    },
    "symbolic_b": {
        "metric": "loss",
        "vanilla": ((1.1e-5, 0.4e-5), (0.151, 0.015)),
        "L1": ((1.2e-5, 0.3e-5), (0.456, 0.035)),
        "BIMT": ((8.0e-5, 1.5e-5), (0.543, 0.063)),
    },
    "symbolic_c": {
        "metric": "loss",
        "vanilla": ((1.2e-4, 0.5e-4), (0.145, 0.023)),
        "L1": ((1.8e-4, 0.4e-4), (0.328, 0.027)),
        "BIMT": ((1.3e-3, 0.3e-3), (0.392, 0.021)),
    },
    "two_moons": {
        "metric": "accuracy",
        "vanilla": ((1.0, 0.0), (0.291, 0.032)),
        "L1": ((1.0, 0.0), (0.289, 0.016)),
        "BIMT": ((1.0, 0.0), (0.338, 0.039)),
    },
    "modular_addition": {
        "metric": "accuracy",
        "vanilla": ((1.0, 0.0), (0.194, 0.028)),
        "L1": ((1.0, 0.0), (0.435, 0.028)),
        "BIMT": ((1.0, 0.0), (0.535, 0.027)),
    },
    "permutation_s4": {
        "metric": "accuracy",
        "vanilla": ((1.0, 0.0), (0.129, 0.012)),
        "L1": ((1.0, 0.0), (0.371, 0.031)),
        "BIMT": ((1.0, 0.0), (0.634, 0.043)),
    },
    "in_context": {
        "metric": "loss",
        "vanilla": ((7.8e-5, 1.8e-5), (0.085, 0.014)),
        "L1": ((7.2e-5, 1.0e-5), (0.083, 0.010)),
        "BIMT": ((1.8e-4, 0.4e-4), (0.161, 0.013)),
    },
    "image": {
        "metric": "accuracy",
        "vanilla": ((0.985, 0.002), (0.073, 0.005)),
        "L1": ((0.984, 0.003), (0.099, 0.008)),
        "BIMT": ((0.982, 0.003), (0.238, 0.021)),
    },
}
TASKS = list(PAPER)
METHODS = ("vanilla", "L1", "BIMT")
# The authors' notebook (which produced Table 1) draws w ~ U[-1, 1].
IN_CONTEXT_SLOPES = (-1.0, 1.0)


def method_params(method, schedule, A):
    """Estimator parameters of one ablation."""
    if method == "vanilla":
        return {"lambda_schedule": 0.0, "swap_every": None, "A": A}
    if method == "L1":
        return {"lambda_schedule": schedule, "swap_every": None, "A": 0.0}
    return {"lambda_schedule": schedule, "A": A}


def estimator_task(task, seed, mnist, n_symbolic=100):
    """Data, estimator class and paper settings of an estimator-based task.

    The settings are :func:`skbimt.datasets.paper_settings`, stated in full,
    so that the tables do not move when the estimators' defaults (chosen for
    tabular data) change.
    """
    if task.startswith("symbolic"):
        formula = task[-1]
        # The authors' notebook trains on 100 samples.
        X, y = ds.make_symbolic(formula, n_symbolic, random_state=seed)
        X_test, y_test = ds.make_symbolic(formula, 1000, random_state=1000 + seed)
        settings = ds.paper_settings("symbolic")
        if formula == "c":
            # Four hidden layers (section 3.1), with the paper's schedule:
            # the authors' notebook raises lambda only 3x for (c), with which
            # BIMT's modularity ties L1's over ten seeds (docs/results.rst).
            settings["hidden_layer_sizes"] = (20, 20, 20, 20)
        return BIMTRegressor, settings, (X, y, X_test, y_test)
    if task == "two_moons":
        X, y = ds.make_two_moons(200, random_state=seed)
        X_test, y_test = ds.make_two_moons(1000, random_state=1000 + seed)
        return BIMTClassifier, ds.paper_settings("two_moons"), (X, y, X_test, y_test)
    if task in ("modular_addition", "permutation_s4"):
        if task == "modular_addition":
            X, y = ds.make_modular_addition(59)
            settings = ds.paper_settings("modular_addition")
        else:
            X, y = ds.make_permutation_group(4)
            settings = ds.paper_settings("permutation_group")
        X, X_test, y, y_test = train_test_split(X, y, test_size=0.2, random_state=seed)
        return BIMTClassifier, settings, (X, y, X_test, y_test)
    if task == "image":
        if mnist:
            X, y = ds.fetch_mnist()
            X, X_test, y, y_test = X[:60000], X[60000:], y[:60000], y[60000:]
            shape = (28, 28)
        else:
            X, y = ds.load_digit_images()
            X, X_test, y, y_test = train_test_split(
                X, y, test_size=0.2, random_state=seed
            )
            shape = (8, 8)
        settings = {**ds.paper_settings("image"), "input_shape": shape}
        return BIMTClassifier, settings, (X, y, X_test, y_test)
    raise ValueError(task)


def run_estimator(task, method, seed, steps, mnist, n_symbolic):
    cls, settings, (X, y, X_test, y_test) = estimator_task(
        task, seed, mnist, n_symbolic
    )
    ablation = method_params(method, settings["lambda_schedule"], settings["A"])
    model = cls(**{**settings, "max_iter": steps, **ablation}, random_state=seed)
    model.fit(X, y)
    if PAPER[task]["metric"] == "loss":
        metric = float(np.mean((model.predict(X_test) - y_test) ** 2))
    else:
        metric = float(model.score(X_test, y_test))
    return metric, float(model.modularity_)


def run_in_context(method, seed, steps):
    torch.manual_seed(seed)
    model = TinyTransformer(d_in=2, d_out=1, d_model=32, n_layers=2, n_heads=1)
    rng = np.random.RandomState(seed)

    def tokens(X):
        X = torch.as_tensor(X, dtype=torch.float32)
        query = torch.stack([X[:, 2], torch.zeros(len(X))], dim=1)
        return torch.stack([X[:, :2], query], dim=1)

    def batches(step):
        X, y, _ = ds.make_in_context_regression(
            128, slope_range=IN_CONTEXT_SLOPES, random_state=rng
        )
        return tokens(X), torch.as_tensor(y, dtype=torch.float32)

    # The transformer's schedule is the image task's (section 3.4).
    params = method_params(method, ds.paper_settings("image")["lambda_schedule"], 2.0)
    bimt = model.bimt(width=params["A"], spacing=0.5)
    train_module(
        model,
        bimt,
        batches,
        lambda out, y: torch.mean((out[:, -1, 0] - y) ** 2),
        max_iter=steps,
        lambda_schedule=params["lambda_schedule"],
        k=30,
        swap_every=None if params.get("swap_every", 200) is None else 200,
        cost_reduction="mean",
    )
    X_test, y_test, _ = ds.make_in_context_regression(
        2000, slope_range=IN_CONTEXT_SLOPES, random_state=1000 + seed
    )
    with torch.no_grad():
        prediction = model(tokens(X_test))[:, -1, 0].numpy()
    metric = float(np.mean((prediction - y_test) ** 2))
    # The residual stream is one set of neurons, read and written by every
    # block: its layers are merged into one node set for the graph.
    modularity = bimt.modularity(
        method="louvain", random_state=seed, merge=[model.residual_layers]
    )
    return metric, modularity


def run_one(task, method, seed, quick, mnist, n_symbolic=100):
    torch.set_num_threads(1)
    full = {"in_context": 40000, "image": 40000}.get(task, 20000)
    steps = max(200, full // 20) if quick else full
    start = time.perf_counter()
    if task == "in_context":
        metric, modularity = run_in_context(method, seed, steps)
    else:
        metric, modularity = run_estimator(task, method, seed, steps, mnist, n_symbolic)
    return {
        "task": task,
        "method": method,
        "seed": seed,
        "steps": steps,
        "metric": metric,
        "modularity": modularity,
        "seconds": round(time.perf_counter() - start, 1),
    }


def fmt(value, metric):
    return f"{100 * value:.1f}%" if metric == "accuracy" else f"{value:.2e}"


def markdown(rows):
    lines = []
    for table, key in (
        ("Table 1 (test loss or accuracy)", "metric"),
        ("Table 2 (modularity)", "modularity"),
    ):
        lines += [
            f"### {table}",
            "",
            "| method | " + " | ".join(TASKS) + " |",
            "| --- |" + " --- |" * len(TASKS),
        ]
        for method in METHODS:
            cells = []
            for task in TASKS:
                values = [
                    r[key] for r in rows if r["task"] == task and r["method"] == method
                ]
                paper = PAPER[task][method][0 if key == "metric" else 1]
                kind = PAPER[task]["metric"] if key == "metric" else "modularity"
                show = (
                    (lambda v, kind=kind: fmt(v, kind))
                    if key == "metric"
                    else (lambda v: f"{v:.3f}")
                )
                ours = (
                    f"{show(np.mean(values))} ± {show(np.std(values))}"
                    if values
                    else "n/a"
                )
                cells.append(f"{ours} (paper {show(paper[0])})")
            lines.append(f"| {method} | " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=5, help="number of seeds")
    parser.add_argument(
        "--first-seed",
        type=int,
        default=0,
        help="seeds first-seed .. first-seed + seeds - 1 (default 0)",
    )
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--tasks", nargs="*", default=TASKS, choices=TASKS)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="1/20 of the training steps, for a smoke run",
    )
    parser.add_argument(
        "--mnist",
        action="store_true",
        help="real MNIST (needs it downloaded) instead of digits",
    )
    parser.add_argument(
        "--symbolic-samples",
        type=int,
        default=100,
        help="training samples of the symbolic tasks (the notebooks: 100)",
    )
    parser.add_argument("--output", default="benchmarks/results")
    parser.add_argument(
        "--from-csv",
        nargs="+",
        metavar="CSV",
        help="only write the Markdown tables from the rows of earlier runs",
    )
    args = parser.parse_args()
    if args.from_csv:
        rows = []
        for name in args.from_csv:
            with open(name, newline="") as handle:
                for row in csv.DictReader(handle):
                    row["metric"] = float(row["metric"])
                    row["modularity"] = float(row["modularity"])
                    rows.append(row)
        print(markdown(rows))
        return

    seeds = range(args.first_seed, args.first_seed + args.seeds)
    if args.seeds < 1 or args.first_seed < 0:
        parser.error("--seeds must be at least 1 and --first-seed at least 0")
    jobs = [(t, m, s) for t in args.tasks for m in METHODS for s in seeds]
    # Slowest first, so the parallel pool ends together.
    jobs.sort(key=lambda job: job[0] != "in_context")
    start = time.perf_counter()
    rows = Parallel(n_jobs=args.n_jobs, verbose=5)(
        delayed(run_one)(t, m, s, args.quick, args.mnist, args.symbolic_samples)
        for t, m, s in jobs
    )
    wall = time.perf_counter() - start
    out = pathlib.Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    suffix = ("_quick" if args.quick else "") + (
        f"_from_seed{args.first_seed}" if args.first_seed else ""
    )
    with open(out / f"paper_tables{suffix}.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    text = markdown(rows) + (
        f"\n{len(rows)} runs, wall time {wall / 60:.1f} min "
        f"with n_jobs={args.n_jobs}.\n"
        f"Command: python {shlex.join(sys.argv)}\n"
    )
    (out / f"paper_tables{suffix}.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
