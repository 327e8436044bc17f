"""Drawing a large network: NetworkDisplay against drawing every weight.

``NetworkDisplay`` leaves out the lines thinner than
1 % of their layer's heaviest (``threshold=0.01``, the threshold of
``modules_``); ``threshold=0`` draws every non-zero weight, as 0.2 did. The
baseline a user would otherwise reach for is networkx's ``draw_networkx``
on the connectivity graph (``to_networkx``), timed on the smaller network.

Networks: 784-100-100-10 and 784-1000-1000-10 with heavy-tailed weights,
95 % zero, like a trained BIMT network, and dense Gaussian ones, like an
untrained network, where the default ``max_lines=30_000`` draws only the
heaviest lines. Each time covers building the figure, drawing and saving a
100-dpi PNG. Goal: at most 3 s for 784-1000-1000-10 with the defaults.

    python benchmarks/bench_plot.py    # ~1 min
"""

import io
import time

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402
import numpy as np  # noqa: E402
from _timing import print_footer, print_header, set_single_thread  # noqa: E402
from bench_modules import sparse_network  # noqa: E402

from skbimt.inspection import (  # noqa: E402
    NetworkDisplay,  # noqa: E402
    active_weight_masks,
    connectivity_graph,
)


def line_coords(sizes, width=2.0, spacing=0.1):
    return [
        np.column_stack([width * (np.arange(n) + 0.5) / n, np.full(n, spacing * i)])
        for i, n in enumerate(sizes)
    ]


def saved(draw):
    """Seconds to draw and save a PNG of the figure that ``draw`` makes."""
    start = time.perf_counter()
    fig = draw()
    fig.savefig(io.BytesIO(), format="png", dpi=100)
    seconds = time.perf_counter() - start
    plt.close(fig)
    return seconds


def display(coefs, coords, threshold):
    # threshold=0 is timed as 0.2 drew: every line, no cap.
    max_lines = 30_000 if threshold > 0 else None

    def draw():
        return (
            NetworkDisplay(coefs, coords)
            .plot(threshold=threshold, max_lines=max_lines)
            .figure_
        )

    return draw


def networkx_drawing(coefs, coords):
    def draw():
        graph = connectivity_graph(coefs, coords, threshold=0)
        positions = {node: data["pos"] for node, data in graph.nodes(data=True)}
        fig, ax = plt.subplots(figsize=(6.5, 4))
        nx.draw_networkx(graph, positions, ax=ax, node_size=2, with_labels=False)
        return fig

    return draw


def dense_network(sizes, seed=0):
    rng = np.random.RandomState(seed)
    return [rng.normal(size=shape) for shape in zip(sizes[:-1], sizes[1:])]


def main():
    set_single_thread()
    print_header("Drawing large networks: NetworkDisplay vs every weight vs networkx")
    print(
        "\n| network | lines drawn (default) | NetworkDisplay s | "
        "threshold=0 s | networkx s | threshold=0 / default |"
    )
    print("|---|---|---|---|---|---|")
    cases = [
        (sizes, kind, make)
        for kind, make in [("sparse", sparse_network), ("dense", dense_network)]
        for sizes in [(784, 100, 100, 10), (784, 1000, 1000, 10)]
    ]
    for sizes, kind, make in cases:
        coefs = make(sizes)
        coords = line_coords(sizes)
        visible = sum(int(m.sum()) for m in active_weight_masks(coefs))
        nonzero = sum(int(np.count_nonzero(w)) for w in coefs)
        drawn = min(visible, 30_000)
        default_s = saved(display(coefs, coords, 0.01))
        quick = nonzero <= 100_000
        every_s = saved(display(coefs, coords, 0.0)) if quick else None
        nx_s = saved(networkx_drawing(coefs, coords)) if sizes[1] == 100 else None
        cells = (
            [f"{every_s:.2f}", f"{every_s / default_s:.1f}x"] if quick else ["--"] * 2
        )
        print(
            f"| {'-'.join(map(str, sizes))} {kind} | {drawn:,} of {nonzero:,} | "
            f"{default_s:.2f} | {cells[0]} | {'--' if nx_s is None else f'{nx_s:.2f}'}"
            f" | {cells[1]} |"
        )
    print("\n--: not run (tens of seconds to minutes).")
    print_footer()


if __name__ == "__main__":
    main()
