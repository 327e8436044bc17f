"""Time one swap pass: skbimt's placement-cost search vs the naive greedy search.

Variants, timed in the same process, interleaved round by round:

* ``ours``: ``skbimt._engine.swap.swap_pass`` (float64 numpy, placement-cost matrix).
* ``reference``: the BIMT notebooks' naive search (``_reference.py``): physical
  row/column swaps of the torch weights and a full autograd connection cost
  per trial, float32; it searches every layer, also those whose swaps are
  disabled, as the authors' code does.
* ``reference, allowed layers only``: the same, skipping disabled layers (only
  differs when input swaps are disabled) -- the fairer baseline.
* ``swap_pass_naive``: skbimt's own executable reference (float64 numpy, full
  ``l_w`` per trial).

Networks: 2-20-20-2 (top k=10, all layers swappable) and 784-100-100-10 (k=30,
input swaps disabled). The naive passes on the big network take seconds, so
they are timed only once or twice (the output says how often). Target: ours at
least 500x faster than the reference on 784-100-100-10.

Run ``python benchmarks/bench_swap.py`` (about 1.5 min) or ``--quick``
(< 30 s, big network with k=3 and one reference run).
"""

import argparse
import pathlib
import sys

import numpy as np
from _reference import ReferenceBIMT
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

from skbimt._engine.geometry import Geometry
from skbimt._engine.swap import swap_pass, swappable_layers

# The naive search is a test oracle, kept beside the tests, not in skbimt.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from tests.oracles import swap_pass_naive, weight_cost_numpy  # noqa: E402

A, Y_STAR = 2.0, 0.1
TARGET_SPEEDUP = 500


def random_parameters(layer_sizes, seed):
    """Weights ``(n_in, n_out)`` and biases like nn.Linear's init, fixed seed."""
    rng = np.random.default_rng(seed)
    weights, biases = [], []
    for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:], strict=False):
        bound = 1 / np.sqrt(n_in)
        weights.append(rng.uniform(-bound, bound, (n_in, n_out)))
        biases.append(rng.uniform(-bound, bound, n_out))
    return weights, biases


def bench_network(
    name, layer_sizes, k, swap_inputs, rounds, ref_rounds, naive_rounds, inner, note=""
):
    print(
        f"\n### {name}: layers {'-'.join(map(str, layer_sizes))}, top k={k}, "
        f"input swaps {'enabled' if swap_inputs else 'disabled'}{note}"
    )
    weights, biases = random_parameters(layer_sizes, seed=0)
    abs_weights = [np.abs(w) for w in weights]
    geometry = Geometry.stacked(layer_sizes, A, Y_STAR)
    layers = swappable_layers(geometry, swap_inputs=swap_inputs)
    initial = geometry.get_state()
    cost_before = weight_cost_numpy(geometry, abs_weights)

    def run_ours():
        geometry.set_state(initial)
        seconds, n_swaps = timed(swap_pass, geometry, abs_weights, k, layers)
        return seconds, n_swaps

    def run_naive():
        geometry.set_state(initial)
        return timed(swap_pass_naive, geometry, abs_weights, k, layers)

    def run_reference(evaluate_all_layers):
        model = ReferenceBIMT(layer_sizes, A, Y_STAR).set_weights(weights, biases)
        seconds, n_swaps = timed(
            model.relocate, k, layers, evaluate_all_layers=evaluate_all_layers
        )
        return seconds, n_swaps, model

    # Result of each variant (untimed checks).
    run_ours()
    ours_state = geometry.get_state()
    ours_cost = weight_cost_numpy(geometry, abs_weights)

    times = {"ours": [], "reference": [], "reference_allowed": [], "naive": []}
    extra = {}
    run_ours()  # warm-up
    if ref_rounds > 1:  # warm-up of the reference where it is cheap
        run_reference(True)
    for r in range(rounds):
        for _ in range(inner):
            times["ours"].append(run_ours()[0])
        if r < ref_rounds:
            seconds, n_swaps, model = run_reference(True)
            times["reference"].append(seconds)
            extra["reference"] = (n_swaps, model)
        if not swap_inputs and r < ref_rounds:
            seconds, n_swaps, model = run_reference(False)
            times["reference_allowed"].append(seconds)
        if r < naive_rounds:
            seconds, n_swaps = run_naive()
            times["naive"].append(seconds)
            extra["naive"] = n_swaps
            for _ in range(inner):
                times["ours"].append(run_ours()[0])

    # Decisions of the (float32) reference vs ours.
    geometry.set_state(initial)
    ours_swaps = swap_pass(geometry, abs_weights, k, layers)
    ref_swaps, model = extra["reference"]
    same = all(
        np.array_equal(a, b)
        for a, b in zip(ours_state, model.assignments(), strict=True)
    )
    geometry.set_state(model.assignments())
    ref_cost = weight_cost_numpy(geometry, abs_weights)
    geometry.set_state(initial)

    t_ours = median(times["ours"])
    rows = [
        [
            "ours: skbimt._engine.swap.swap_pass",
            len(times["ours"]),
            fmt_time(t_ours),
            fmt_time(min(times["ours"])),
            "1x",
        ]
    ]
    labels = {
        "reference": "reference (notebooks' naive search)",
        "reference_allowed": "reference, allowed layers only",
        "naive": "tests.oracles.swap_pass_naive",
    }
    for key, label in labels.items():
        if times[key]:
            t = median(times[key])
            rows.append(
                [
                    label,
                    len(times[key]),
                    fmt_time(t),
                    fmt_time(min(times[key])),
                    f"{t / t_ours:,.0f}x",
                ]
            )
    print_table(rows, ["variant", "runs", "median", "min", "time / ours"])
    print(
        f"swaps made: ours {ours_swaps}, reference {ref_swaps}"
        + (f", swap_pass_naive {extra['naive']}" if "naive" in extra else "")
        + f"; l_w {cost_before:.4f} -> ours {ours_cost:.4f}, reference "
        f"{ref_cost:.4f}; same final placement: {'yes' if same else 'NO'}"
        + ("" if same else " (reference works in float32; ties may break differently)")
    )
    speedup = median(times["reference"]) / t_ours
    return speedup, (
        median(times["reference_allowed"]) / t_ours
        if times["reference_allowed"]
        else None
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="smoke test, < 30 s (big network with k=3)"
    )
    add_thread_arguments(parser)
    args = parser.parse_args(argv)
    set_single_thread(blas_threads_argument(args.blas_threads))
    print_header("bench_swap: one swap pass, skbimt vs the notebooks' naive search")

    small_rounds = 5 if args.quick else 15
    small, _ = bench_network(
        "small",
        [2, 20, 20, 2],
        k=10,
        swap_inputs=True,
        rounds=small_rounds,
        ref_rounds=small_rounds,
        naive_rounds=small_rounds,
        inner=20,
    )
    if args.quick:
        big, big_allowed = bench_network(
            "big",
            [784, 100, 100, 10],
            k=3,
            swap_inputs=False,
            rounds=1,
            ref_rounds=1,
            naive_rounds=0,
            inner=20,
            note=" [--quick: k=3 instead of 30; reference and naive timed once]",
        )
    else:
        big, big_allowed = bench_network(
            "big",
            [784, 100, 100, 10],
            k=30,
            swap_inputs=False,
            rounds=2,
            ref_rounds=2,
            naive_rounds=1,
            inner=20,
            note=" [reference timed twice, swap_pass_naive once: they are slow]",
        )
    print("\n### summary (ratio = median reference time / median ours)")
    print(f"2-20-20-2 (k=10)       : ours {small:,.0f}x faster than the reference")
    k_big = 3 if args.quick else 30
    print(
        f"784-100-100-10 (k={k_big:<2})  : ours {big:,.0f}x faster than the "
        f"reference -> {verdict(big, TARGET_SPEEDUP, smaller_is_better=False)} "
        f"(>= {TARGET_SPEEDUP}x)"
        + ("" if not args.quick else "  [quick mode: k=3, not the target setting]")
    )
    if big_allowed is not None:
        print(
            f"                          ours {big_allowed:,.0f}x faster than the "
            "reference restricted to the allowed layers"
        )
    sys.stdout.flush()
    print_footer()


if __name__ == "__main__":
    main()
