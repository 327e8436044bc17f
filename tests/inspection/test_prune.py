"""Pruning and the pruning frontier, in training units."""

import math

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import make_multilabel_classification
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LinearRegression
from sklearn.metrics import accuracy_score, log_loss, mean_squared_error

from skbimt import BIMTClassifier, BIMTRegressor
from skbimt.inspection import (
    PruningFrontier,
    active_neuron_masks,
    active_weight_masks,
    prune,
    pruning_frontier,
)

from .. import models
from ..outcomes import outcome


@pytest.fixture(scope="module")
def task():
    return models.noisy_task(0)


@pytest.fixture(scope="module")
def reg():
    return models.noisy_selector(0).estimator_


@pytest.fixture(scope="module")
def clf(moons):
    return moons


# -- prune ---------------------------------------------------------------------


@pytest.mark.parametrize("kwargs", [{"threshold": 0.05}, {"n_keep": 30}])
def test_prune_returns_a_copy_and_leaves_the_original_alone(reg, task, kwargs):
    X = task[2]
    coefs = [w.copy() for w in reg.scaled_coefs_]
    intercepts = [b.copy() for b in reg.scaled_intercepts_]
    prediction = reg.predict(X)
    modules = [m.copy() for m in reg.modules_]  # fills the cache

    pruned = prune(reg, **kwargs)

    assert pruned is not reg and type(pruned) is type(reg)
    current = reg.scaled_coefs_ + reg.scaled_intercepts_
    for before, now in zip(coefs + intercepts, current, strict=True):
        np.testing.assert_array_equal(before, now)
    np.testing.assert_array_equal(reg.predict(X), prediction)
    for before, now in zip(modules, reg.modules_, strict=True):
        np.testing.assert_array_equal(before, now)
    assert models.n_nonzero(pruned) < models.n_nonzero(reg)
    # The copy predicts with its own pruned parameters.
    for weight, raw in zip(pruned.scaled_coefs_, pruned.coefs_, strict=True):
        np.testing.assert_array_equal(weight != 0, raw != 0)
    assert not np.array_equal(pruned.predict(X), prediction)


@pytest.mark.parametrize("n_keep", [0, 1, 17, 100])
def test_n_keep_keeps_exactly_the_largest_parameters(reg, n_keep):
    pruned = prune(reg, n_keep=n_keep)
    assert models.n_nonzero(pruned) == n_keep
    values = np.concatenate(
        [np.ravel(p) for p in reg.scaled_coefs_ + reg.scaled_intercepts_]
    )
    kept = np.concatenate(
        [np.ravel(p) for p in pruned.scaled_coefs_ + pruned.scaled_intercepts_]
    )
    # Kept parameters hold their original value; every pruned one is smaller.
    np.testing.assert_array_equal(kept[kept != 0], values[kept != 0])
    if 0 < n_keep:
        assert np.abs(values[kept == 0]).max() <= np.abs(values[kept != 0]).min()


def test_n_keep_equal_to_all_parameters_changes_nothing(reg, task):
    pruned = prune(reg, n_keep=models.n_parameters(reg))
    np.testing.assert_array_equal(pruned.predict(task[2]), reg.predict(task[2]))


def test_n_keep_breaks_ties_to_keep_exactly_n_keep(reg):
    ones = models.with_parameters(
        reg,
        [np.ones_like(w) for w in reg.scaled_coefs_],
        [np.ones_like(b) for b in reg.scaled_intercepts_],
    )
    pruned = prune(ones, n_keep=7)
    assert models.n_nonzero(pruned) == 7
    # Ties go to the parameters that come first: the first weights of layer 0.
    np.testing.assert_array_equal(pruned.scaled_coefs_[0].ravel()[:7], 1.0)


def test_relative_threshold_keeps_exactly_the_active_weights(reg):
    threshold = 0.02
    pruned = prune(reg, threshold)
    masks = active_weight_masks(reg.scaled_coefs_, threshold)
    for weight, mask in zip(pruned.scaled_coefs_, masks, strict=True):
        np.testing.assert_array_equal(weight != 0, mask)
    # Biases are cut against the largest weight of the matrix feeding them.
    for weight, bias, cut in zip(
        reg.scaled_coefs_,
        reg.scaled_intercepts_,
        pruned.scaled_intercepts_,
        strict=True,
    ):
        np.testing.assert_array_equal(
            cut != 0, np.abs(bias) > threshold * np.abs(weight).max()
        )
    # Removing what is invisible leaves the visible structure and the fit.
    for before, after in zip(
        active_neuron_masks(reg.scaled_coefs_, threshold),
        active_neuron_masks(pruned.scaled_coefs_, threshold),
        strict=True,
    ):
        np.testing.assert_array_equal(before, after)


def test_threshold_boundary_relative_and_absolute(reg):
    # One hand-made network: the first matrix's largest |w| is 2, the second's 8.
    coefs = [np.zeros_like(w) for w in reg.scaled_coefs_]
    intercepts = [np.zeros_like(b) for b in reg.scaled_intercepts_]
    coefs[0][0, :4] = [2.0, -0.5, 0.75, 0.25]
    coefs[1][0, :3] = [8.0, -2.0, 2.5]
    intercepts[0][:3] = [0.5, -0.75, 2.0]
    intercepts[1][:2] = [2.0, 3.0]
    net = models.with_parameters(reg, coefs, intercepts)

    relative = prune(net, 0.25)  # cuts at 0.5 in layer 0 and 2 in layer 1
    np.testing.assert_array_equal(
        relative.scaled_coefs_[0][0, :4], [2.0, 0.0, 0.75, 0.0]
    )
    np.testing.assert_array_equal(relative.scaled_coefs_[1][0, :3], [8.0, 0.0, 2.5])
    np.testing.assert_array_equal(relative.scaled_intercepts_[0][:3], [0.0, -0.75, 2.0])
    np.testing.assert_array_equal(relative.scaled_intercepts_[1][:2], [0.0, 3.0])

    absolute = prune(net, 0.5, relative=False)  # cuts at 0.5 everywhere
    np.testing.assert_array_equal(
        absolute.scaled_coefs_[0][0, :4], [2.0, 0.0, 0.75, 0.0]
    )
    np.testing.assert_array_equal(absolute.scaled_coefs_[1][0, :3], [8.0, -2.0, 2.5])
    np.testing.assert_array_equal(absolute.scaled_intercepts_[0][:3], [0.0, -0.75, 2.0])
    assert models.n_nonzero(absolute) == 9 and models.n_nonzero(relative) == 7


def test_zero_threshold_changes_nothing(reg):
    for relative in (True, False):
        pruned = prune(reg, 0.0, relative=relative)
        before = reg.scaled_coefs_ + reg.scaled_intercepts_
        after = pruned.scaled_coefs_ + pruned.scaled_intercepts_
        for a, b in zip(after, before, strict=True):
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"threshold": 0.1, "n_keep": 3}, ValueError, "exactly one of .* got both"),
        ({}, ValueError, "exactly one of .* got neither"),
        ({"threshold": -0.1}, ValueError, "'threshold' parameter of prune"),
        ({"threshold": 1.5}, ValueError, "must be below 1.*relative=False"),
        ({"n_keep": -1}, ValueError, "'n_keep' parameter of prune"),
        ({"n_keep": 2.5}, TypeError, "'n_keep' parameter of prune"),
        ({"n_keep": 10**6}, ValueError, "more than the 581 parameters"),
    ],
)
def test_prune_bad_arguments_say_what_is_wrong(reg, kwargs, error, message):
    with pytest.raises(error, match=message):
        prune(reg, **kwargs)


def test_absolute_threshold_may_exceed_one(reg):
    assert models.n_nonzero(prune(reg, 1e9, relative=False)) == 0


def test_prune_needs_a_fitted_bimt_estimator():
    with pytest.raises(NotFittedError, match="prune needs a fitted estimator.*fit"):
        prune(BIMTRegressor(), 0.01)
    X, y = models.noisy_task(0)[:2]
    with pytest.raises(TypeError, match="BIMTRegressor or BIMTClassifier.*Linear"):
        prune(LinearRegression().fit(X, y), 0.01)


# -- pruning_frontier ------------------------------------------------------------


@outcome(at_least=100)
def frontier_empty_over_full_loss(seed):
    """A trained BIMT network needs its largest parameters."""
    _, _, X, y = models.noisy_task(seed)
    frontier = pruning_frontier(models.noisy_selector(seed).estimator_, X, y)
    return frontier.loss[0] / frontier.loss[-1]


@pytest.mark.trained
def test_frontier_endpoints_for_a_regressor(reg, task):
    frontier_empty_over_full_loss.check()
    _, _, X, y = task
    frontier = pruning_frontier(reg, X, y)
    assert isinstance(frontier, PruningFrontier)
    assert frontier.n_parameters[0] == 0
    assert frontier.n_parameters[-1] == models.n_parameters(reg)
    # All parameters kept: exactly the estimator's own test loss.
    assert frontier.loss[-1] == mean_squared_error(y, reg.predict(X))
    # None kept: the network outputs 0.
    assert frontier.loss[0] == pytest.approx(np.mean(y**2), rel=1e-12)


@pytest.mark.parametrize("spacing", ["log", "linear"])
def test_frontier_counts_increase_and_match_prune(reg, task, spacing):
    _, _, X, y = task
    frontier = pruning_frontier(reg, X, y, n_points=12, spacing=spacing)
    counts = frontier.n_parameters
    assert counts.dtype.kind == "i" and len(counts) == len(frontier.loss) <= 12
    assert np.all(np.diff(counts) > 0)
    if spacing == "linear":
        np.testing.assert_array_equal(
            counts, np.round(np.linspace(0, models.n_parameters(reg), 12)).astype(int)
        )
    for i in (1, len(counts) // 2, len(counts) - 2):
        pruned = prune(reg, n_keep=int(counts[i]))
        assert frontier.loss[i] == mean_squared_error(y, pruned.predict(X))


def test_frontier_leaves_the_estimator_alone(reg, task):
    _, _, X, y = task
    prediction = reg.predict(X)
    scaled, coefs = reg.scaled_coefs_, reg.coefs_
    pruning_frontier(reg, X, y, n_points=5)
    np.testing.assert_array_equal(reg.predict(X), prediction)
    assert reg.scaled_coefs_ is scaled and reg.coefs_ is coefs


def test_frontier_small_network_has_one_point_per_count(task):
    X, y, _, _ = task
    tiny = BIMTRegressor(hidden_layer_sizes=(1,), max_iter=20, random_state=0)
    tiny.fit(X, y)  # 6 + 1 + 1 + 1 = 9 parameters
    frontier = pruning_frontier(tiny, X, y, n_points=50, spacing="linear")
    np.testing.assert_array_equal(frontier.n_parameters, np.arange(10))


def test_frontier_endpoints_for_a_classifier(clf):
    model, X, labels = clf
    frontier = pruning_frontier(model, X, labels, n_points=8)
    assert frontier.loss[-1] == log_loss(labels, model.predict_proba(X))
    # No parameters: equal probabilities for the two classes.
    assert frontier.loss[0] == pytest.approx(math.log(2), rel=1e-12)

    accuracy = pruning_frontier(model, X, labels, n_points=8, scoring="accuracy")
    assert accuracy.loss[-1] == -accuracy_score(labels, model.predict(X))
    custom = pruning_frontier(
        model, X, labels, n_points=8, scoring=lambda est, X, y: 7.0
    )
    np.testing.assert_array_equal(custom.loss, -7.0)


def test_frontier_bad_arguments(reg, task):
    _, _, X, y = task
    with pytest.raises(ValueError, match="'n_points' parameter"):
        pruning_frontier(reg, X, y, n_points=1)
    with pytest.raises(ValueError, match="'scoring' parameter"):
        pruning_frontier(reg, X, y, scoring="not_a_scorer")
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        pruning_frontier(reg, X, y[:-1])
    with pytest.raises(NotFittedError, match="pruning_frontier needs a fitted"):
        pruning_frontier(BIMTRegressor(), X, y)


def test_frontier_of_a_multilabel_network_sums_the_labels_log_losses():
    X, Y = make_multilabel_classification(80, n_features=5, n_classes=3, random_state=0)
    clf = BIMTClassifier(max_iter=100, random_state=0).fit(X, Y)
    frontier = pruning_frontier(clf, X, Y, n_points=5)
    proba = clf.predict_proba(X)
    full = -np.mean(np.sum(Y * np.log(proba) + (1 - Y) * np.log(1 - proba), axis=1))
    assert frontier.loss[-1] == pytest.approx(full, rel=1e-9)


def test_frontier_takes_sparse_X():
    rng = np.random.RandomState(0)
    X = sp.random(80, 6, density=0.3, format="csr", random_state=rng)
    y = X[:, 0].toarray().ravel() + 0.1 * rng.randn(80)
    reg = BIMTRegressor(max_iter=100, random_state=0).fit(X, y)
    sparse = pruning_frontier(reg, X, y, n_points=5)
    dense = pruning_frontier(reg, X.toarray(), y, n_points=5)
    np.testing.assert_allclose(sparse.loss, dense.loss, rtol=1e-10)
