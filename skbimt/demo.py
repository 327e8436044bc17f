"""Train BIMT on the paper's symbolic formula (a) and draw its network.

Run ``python -m skbimt.demo`` (``--help`` for options). It prints the test
loss and the modularity and writes the connectivity graph to a PNG file.
"""

import argparse
import time

from sklearn.metrics import mean_squared_error
from sklearn.model_selection import train_test_split

from ._estimators import BIMTRegressor
from .datasets import make_symbolic, paper_settings
from .inspection import NetworkDisplay

FORMULA = "y1 = x2^2 + sin(pi x4),  y2 = (x1 + x3)^3"
TITLE_FORMULA = r"$y_1 = x_2^2 + \sin(\pi x_4)$,   $y_2 = (x_1 + x_3)^3$"


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m skbimt.demo",
        description=f"BIMT on {FORMULA} (paper 3.1a).",
    )
    parser.add_argument(
        "--output",
        default="bimt_symbolic_a.png",
        help="PNG file for the connectivity graph",
    )
    parser.add_argument(
        "--max-iter",
        type=int,
        default=20000,
        help="training steps (the paper uses 20000)",
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    X, y = make_symbolic("a", n_samples=1250, random_state=args.seed)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, random_state=args.seed
    )
    settings = paper_settings("symbolic") | {"max_iter": args.max_iter}
    model = BIMTRegressor(**settings, random_state=args.seed)
    start = time.perf_counter()
    model.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    test_loss = mean_squared_error(y_test, model.predict(X_test))
    active = [int((m >= 0).sum()) for m in model.modules_]

    print(f"trained {model.n_iter_} steps in {seconds:.1f} s")
    print(f"test loss (MSE): {test_loss:.3g}")
    print(f"modularity_:     {model.modularity_:.3f}")
    print(f"active neurons per layer: {active}")

    # Variables are numbered from 1 in the plot, as in the formula.
    fig, ax = plt.subplots(figsize=(7.5, 4.5), layout="constrained")
    NetworkDisplay.from_estimator(
        model,
        ax=ax,
        color_modules=True,
        feature_names=[f"x{i}" for i in range(1, 5)],
        target_names=["y1", "y2"],
    )
    fig.suptitle(
        f"BIMT learns {TITLE_FORMULA}\n"
        f"test MSE {test_loss:.2g},  modularity Q = {model.modularity_:.2f}",
        fontsize=11,
    )
    fig.supxlabel(
        "Two independent formulas: expect two networks, one per output, joined "
        "by few thin lines.\nQ is 0 for random wiring and approaches 1 for "
        "separate modules. Colours: modules_,\nthe groups of neurons that "
        "maximise Q (one formula's network may hold several).",
        fontsize=8,
    )
    fig.savefig(args.output, dpi=150)
    print(f"connectivity graph written to {args.output}")


if __name__ == "__main__":
    main()
