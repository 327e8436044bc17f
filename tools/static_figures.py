"""Render the figures of the user guide into docs/_static/.

Run ``python tools/static_figures.py`` from the repository root (about 30 s).
The "before" images of the user guide are kept as they were drawn by
skbimt 0.2.0 and are not made here.
"""

import pathlib

import matplotlib

matplotlib.use("Agg")

from sklearn.datasets import load_breast_cancer  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from skbimt import BIMTClassifier  # noqa: E402
from skbimt.demo import main as demo  # noqa: E402
from skbimt.inspection import (  # noqa: E402
    NetworkDisplay,
    PruningFrontierDisplay,
    module_table,
)

STATIC = pathlib.Path(__file__).resolve().parents[1] / "docs" / "_static"


def breast_cancer_figures():
    data = load_breast_cancer(as_frame=True)
    X_train, X_test, y_train, y_test = train_test_split(
        data.data, data.target, random_state=0
    )
    pipe = make_pipeline(StandardScaler(), BIMTClassifier(random_state=0))
    pipe.fit(X_train, y_train)
    display = NetworkDisplay.from_estimator(
        pipe, color_modules=True, target_names=data.target_names
    )
    display.ax_.set_title(
        f"breast cancer, test accuracy {pipe.score(X_test, y_test):.3f}"
    )
    display.figure_.savefig(STATIC / "breast_cancer_after.png", dpi=110)
    frontier = PruningFrontierDisplay.from_estimator(
        pipe, X_test, y_test, scoring="accuracy", estimator_name="BIMT, breast cancer"
    )
    frontier.figure_.savefig(STATIC / "breast_cancer_frontier.png", dpi=110)
    print(module_table(pipe, X_test, y_test, target_names=data.target_names))


if __name__ == "__main__":
    demo(["--output", str(STATIC / "demo_after.png")])
    breast_cancer_figures()
