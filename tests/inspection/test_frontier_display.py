"""PruningFrontierDisplay: the frontier's numbers, drawn, from estimator or pipeline."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skbimt import BIMTClassifier, BIMTRegressor
from skbimt.inspection import PruningFrontierDisplay, pruning_frontier

from .figures import assert_texts_inside


@pytest.fixture(scope="module")
def iris_pipeline():
    X, y = load_iris(return_X_y=True)
    clf = BIMTClassifier(hidden_layer_sizes=(6,), max_iter=200, random_state=0)
    return make_pipeline(StandardScaler(), clf).fit(X, y), X, y


def test_draws_the_frontier_of_the_pipelines_network(iris_pipeline):
    pipe, X, y = iris_pipeline
    display = PruningFrontierDisplay.from_estimator(pipe, X, y, n_points=12)
    frontier = pruning_frontier(pipe[-1], pipe[:-1].transform(X), y, n_points=12)
    x, values = display.line_.get_data()
    np.testing.assert_array_equal(x, frontier.n_parameters)
    np.testing.assert_array_equal(values, frontier.loss)
    assert display.ax_.get_ylabel() == "log-loss"
    assert display.ax_.get_xscale() == "symlog"
    assert display.figure_ is display.ax_.figure
    assert_texts_inside(display.figure_)


def test_a_scorer_is_drawn_as_the_score(iris_pipeline):
    pipe, X, y = iris_pipeline
    display = PruningFrontierDisplay.from_estimator(
        pipe, X, y, n_points=8, scoring="accuracy", estimator_name="BIMT"
    )
    _, values = display.line_.get_data()
    assert display.ax_.get_ylabel() == "accuracy"
    assert values[-1] == pytest.approx(pipe.score(X, y))
    assert ((0 <= values) & (values <= 1)).all()
    assert [t.get_text() for t in display.ax_.get_legend().get_texts()] == ["BIMT"]


def test_from_frontier_on_given_axes():
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, size=(80, 2))
    reg = BIMTRegressor(max_iter=50, random_state=0).fit(X, X[:, 0])
    frontier = pruning_frontier(reg, X, X[:, 0], n_points=5)
    assert frontier.loss_name == "mean squared error"
    _, ax = plt.subplots()
    display = PruningFrontierDisplay.from_frontier(frontier, ax=ax, color="k")
    assert display.ax_ is ax and display.ax_.get_ylabel() == "mean squared error"
    with pytest.raises(ValueError, match="same length"):
        PruningFrontierDisplay([0, 1, 2], [0.5, 0.1]).plot()
