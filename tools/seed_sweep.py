"""Measure every declared trained outcome over many seeds and kernel families.

A test that asserts on a trained outcome declares the quantity with
``tests.outcomes.outcome`` (a function of the seed, and its bound). This
script imports every test module, measures each outcome for seeds
``0 .. n - 1`` under each torch CPU kernel family (``ATEN_CPU_CAPABILITY``:
``default``, ``avx2``, ... up to the machine's own), and prints a table of the
bound beside the minimum and maximum reached, with the margin left at the
worst seed. Run it after adding or changing such a test:

    python tools/seed_sweep.py                       # all outcomes, seeds 0-9
    python tools/seed_sweep.py -k knockout --seeds 20
    python tools/seed_sweep.py --families default --n-jobs 16

Every (family, seed) runs in its own process, one torch thread each; fits
shared by several outcomes of one seed are made once. Exit status 1 if some
seed breaks some bound.
"""

import argparse
import importlib
import json
import os
import pathlib
import pkgutil
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FAMILY_ORDER = {"x86": ["default", "avx2", "avx512"], "arm": ["default", "sve256"]}


def families_up_to_native():
    import torch

    native = torch.backends.cpu.get_cpu_capability().lower()
    for order in FAMILY_ORDER.values():
        if native in order:
            return order[: order.index(native) + 1]
    return ["default", native] if native != "default" else ["default"]


def load_outcomes(pattern=None):
    """Import every test module; return the declared outcomes matching."""
    import tests
    from tests.outcomes import REGISTRY

    for module in pkgutil.walk_packages(tests.__path__, "tests."):
        if module.name.rsplit(".", 1)[-1].startswith("test_"):
            importlib.import_module(module.name)
    return {
        name: outcome
        for name, outcome in sorted(REGISTRY.items())
        if pattern is None or pattern in name
    }


def measure_seed(seed, names):
    """Values of the named outcomes at one seed (in this process)."""
    import torch

    torch.set_num_threads(1)
    outcomes = load_outcomes()
    values = {}
    for name in names:
        try:
            values[name] = outcomes[name](seed)
        except Exception as exc:  # a failing measure is a result too
            values[name] = f"{type(exc).__name__}: {exc}"
    return seed, values


def worker(args):
    """Measure every seed under this process's kernel family; print JSON."""
    from joblib import Parallel, delayed

    names = list(load_outcomes(args.k))
    results = Parallel(n_jobs=args.n_jobs)(
        delayed(measure_seed)(seed, names) for seed in range(args.seeds)
    )
    print(json.dumps({str(seed): values for seed, values in results}))


def describe(outcome, values):
    numbers = [v for v in values if isinstance(v, float)]
    errors = [v for v in values if not isinstance(v, float)]
    if not numbers:
        return None, None, None, errors
    low, high = min(numbers), max(numbers)
    margins = []
    if outcome.at_least is not None:
        margins.append(low - outcome.at_least)
    if outcome.at_most is not None:
        margins.append(outcome.at_most - high)
    return low, high, min(margins), errors


def report(outcomes, by_family, seeds):
    lines = [
        f"Seeds 0-{seeds - 1} under ATEN_CPU_CAPABILITY = "
        f"{', '.join(by_family)}; margin = distance from the bound at the worst "
        "seed and family (negative: the bound is broken).",
        "",
        "| outcome | bound | "
        + " | ".join(f"{family} min / max" for family in by_family)
        + " | margin | holds |",
        "|---|---|" + "---|" * len(by_family) + "---|---|",
    ]
    all_hold = True
    for name, outcome in outcomes.items():
        cells, worst, every = [], None, []
        for values in by_family.values():
            seen = [values[str(s)].get(name) for s in range(seeds)]
            every += seen
            low, high, margin, errors = describe(outcome, seen)
            cells.append(
                "error"
                if low is None
                else f"{low:.4g} / {high:.4g}"
                + (f" ({len(errors)} errors)" if errors else "")
            )
            if margin is not None:
                worst = margin if worst is None else min(worst, margin)
        holds = (
            worst is not None
            and worst >= 0
            and all(isinstance(v, float) for v in every)
            and all(outcome.satisfied_by(v) for v in every)
        )
        all_hold &= holds
        lines.append(
            f"| `{name}` | {outcome.bound()} | "
            + " | ".join(cells)
            + f" | {'n/a' if worst is None else f'{worst:.4g}'} | "
            + ("yes" if holds else "**no**")
            + " |"
        )
    return "\n".join(lines), all_hold


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-k", help="only outcomes whose name contains this")
    parser.add_argument("--seeds", type=int, default=10, help="seeds 0..N-1")
    parser.add_argument("--families", nargs="*", help="kernel families")
    parser.add_argument("--n-jobs", type=int, default=os.cpu_count())
    parser.add_argument("--output", help="also write the Markdown table here")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    outcomes = load_outcomes(args.k)
    if not outcomes:
        sys.exit(f"No declared outcome matches {args.k!r}.")
    families = args.families or families_up_to_native()
    print(
        f"{len(outcomes)} outcomes x {args.seeds} seeds x families {families}, "
        f"{args.n_jobs} processes",
        file=sys.stderr,
    )
    start = time.perf_counter()
    by_family = {}
    for family in families:
        command = [
            sys.executable,
            __file__,
            "--worker",
            "--seeds",
            str(args.seeds),
            "--n-jobs",
            str(args.n_jobs),
        ] + (["-k", args.k] if args.k else [])
        environment = {**os.environ, "ATEN_CPU_CAPABILITY": family}
        environment.setdefault("MPLBACKEND", "Agg")
        result = subprocess.run(
            command, env=environment, capture_output=True, text=True, cwd=ROOT
        )
        if result.returncode:
            sys.exit(f"The {family} worker failed:\n{result.stderr[-4000:]}")
        by_family[family] = json.loads(result.stdout.strip().splitlines()[-1])
        print(
            f"  {family}: done ({time.perf_counter() - start:.0f} s)", file=sys.stderr
        )
    table, all_hold = report(outcomes, by_family, args.seeds)
    command = "python tools/seed_sweep.py " + " ".join(sys.argv[1:])
    seconds = time.perf_counter() - start
    text = f"{table}\n\nCommand: `{command.strip()}`, {seconds:.0f} s.\n"
    print(text)
    if args.output:
        pathlib.Path(args.output).write_text(text)
    sys.exit(0 if all_hold else 1)


if __name__ == "__main__":
    main()
