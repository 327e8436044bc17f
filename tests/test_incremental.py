"""Continued training: warm_start and partial_fit, on scikit-learn's contract."""

import pickle

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.datasets import make_classification, make_regression

from skbimt import (
    BIMTClassifier,
    BIMTClassifierCV,
    BIMTRegressor,
    BIMTRegressorCV,
    load,
    save,
)


@pytest.fixture(scope="module")
def regression():
    return make_regression(120, 5, n_informative=3, noise=1.0, random_state=0)


@pytest.fixture(scope="module")
def classification():
    return make_classification(
        120, 5, n_informative=3, n_redundant=0, n_classes=3, random_state=0
    )


def test_warm_start_continues_the_fitted_network(regression):
    X, y = regression
    reg = BIMTRegressor(max_iter=200, swap_every=50, random_state=0).fit(X, y)
    before = pickle.loads(pickle.dumps(reg))
    reg.set_params(warm_start=True, max_iter=100).fit(X, y)
    assert reg.n_iter_ == 300 and reg.loss_curve_.shape == (300,)
    np.testing.assert_array_equal(reg.loss_curve_[:200], before.loss_curve_)
    # The first continued step starts from the fitted weights: its loss is
    # the loss of the fitted network on the training rows.
    fitted_loss = np.mean(
        (
            (before.predict(X) - before.y_mean_) / before.y_scale_
            - (y - before.y_mean_) / before.y_scale_
        )
        ** 2
    )
    assert reg.loss_curve_[200] == pytest.approx(fitted_loss, rel=1e-4)
    # Swaps continue from the fitted placement, in the same rhythm.
    assert len(reg.swap_counts_) == 6
    np.testing.assert_array_equal(reg.x_mean_, before.x_mean_)
    # The strength is the schedule's final one, held.
    final = before.lambda_schedule_[-1][0]
    assert reg.lambda_schedule_ == pytest.approx(final)


def test_warm_start_without_a_fitted_network_is_a_fresh_fit(regression):
    X, y = regression
    warm = BIMTRegressor(max_iter=50, warm_start=True, random_state=0).fit(X, y)
    cold = BIMTRegressor(max_iter=50, random_state=0).fit(X, y)
    np.testing.assert_array_equal(warm.coefs_[0], cold.coefs_[0])


def test_warm_start_refuses_another_architecture_and_keeps_the_model(regression):
    X, y = regression
    reg = BIMTRegressor(max_iter=30, random_state=0).fit(X, y)
    coefs = [w.copy() for w in reg.coefs_]
    reg.set_params(warm_start=True, hidden_layer_sizes=(5,))
    with pytest.raises(ValueError, match="hidden_layer_sizes"):
        reg.fit(X, y)
    with pytest.raises(ValueError, match="features"):
        reg.set_params(hidden_layer_sizes=(20, 20)).fit(X[:, :4], y)
    for a, b in zip(coefs, reg.coefs_, strict=True):
        np.testing.assert_array_equal(a, b)
    assert reg.n_iter_ == 30


def test_partial_fit_makes_one_pass_per_call(regression):
    X, y = regression
    reg = BIMTRegressor(batch_size=32, random_state=0)
    reg.partial_fit(X, y)
    assert reg.n_iter_ == 4  # ceil(120 / 32) mini-batches
    reg.partial_fit(X[:40], y[:40])
    assert reg.n_iter_ == 6 and reg.loss_curve_.shape == (6,)
    full = BIMTRegressor(random_state=0).partial_fit(X, y)
    assert full.n_iter_ == 1


def test_partial_fit_follows_the_schedule_and_keeps_adam_state(regression):
    X, y = regression
    schedule = ((1e-3, 0.5), (1e-2, 0.5))
    reg = BIMTRegressor(lambda_schedule=schedule, max_iter=4, random_state=0)
    for _ in range(6):
        reg.partial_fit(X, y)
    assert reg._optimizer_state["n_steps"] == 6
    # Calls of one full-batch step each equal one fit of the same steps: the
    # same strengths (the schedule, then its final value), the same Adam.
    one_fit = BIMTRegressor(
        lambda_schedule=lambda step, n: 1e-3 if step < 2 else 1e-2,
        max_iter=6,
        tol=None,
        random_state=0,
    ).fit(X, y)
    np.testing.assert_allclose(reg.loss_curve_, one_fit.loss_curve_, rtol=1e-5)
    np.testing.assert_allclose(
        reg.connection_cost_curve_, one_fit.connection_cost_curve_, rtol=1e-5
    )


def test_classifier_partial_fit_needs_classes_first(classification):
    X, y = classification
    clf = BIMTClassifier(random_state=0)
    with pytest.raises(ValueError, match="classes must be passed"):
        clf.partial_fit(X, y)
    assert not hasattr(clf, "coefs_")
    # A first batch without class 2 still gives it an output.
    first = y != 2
    clf.partial_fit(X[first], y[first], classes=[0, 1, 2])
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])
    assert clf.predict_proba(X).shape == (120, 3)
    clf.partial_fit(X, y)
    with pytest.raises(ValueError, match="not the same"):
        clf.partial_fit(X, y, classes=[0, 1])
    with pytest.raises(ValueError, match="not in classes"):
        clf.partial_fit(X, np.where(y == 0, 7, y))
    assert clf.n_iter_ == 2


def test_partial_fit_takes_sparse_rows(regression):
    X, y = regression
    X = sp.csr_matrix(np.where(np.abs(X) > 1, X, 0.0))
    reg = BIMTRegressor(batch_size=50, random_state=0)
    reg.partial_fit(X[:60], y[:60]).partial_fit(X[60:], y[60:])
    assert reg.n_iter_ == 4 and reg.predict(X).shape == (120,)


def test_cv_estimators_offer_neither_partial_fit_nor_warm_start():
    for cls in (BIMTRegressorCV, BIMTClassifierCV):
        estimator = cls()
        assert not hasattr(estimator, "partial_fit")
        assert "warm_start" not in estimator.get_params()
        clone(estimator)


def test_a_loaded_model_trains_on_as_the_saved_one_would(regression, tmp_path):
    X, y = regression
    reg = BIMTRegressor(max_iter=30, random_state=0).fit(X, y)
    save(reg, tmp_path / "model.pt")
    loaded = load(tmp_path / "model.pt")
    assert loaded._optimizer_state["n_steps"] == 30
    for model in (reg, loaded):
        model.set_params(random_state=1).partial_fit(X, y)
    assert loaded.n_iter_ == reg.n_iter_ == 31
    np.testing.assert_array_equal(loaded.loss_curve_, reg.loss_curve_)
    for ours, theirs in zip(loaded.scaled_coefs_, reg.scaled_coefs_, strict=True):
        np.testing.assert_array_equal(ours, theirs)


def test_a_model_saved_without_optimizer_state_trains_on_afresh(regression, tmp_path):
    X, y = regression
    reg = BIMTRegressor(max_iter=30, random_state=0).fit(X, y)
    del reg._optimizer_state  # as a model saved before the state was stored
    save(reg, tmp_path / "model.pt")
    loaded = load(tmp_path / "model.pt")
    assert not hasattr(loaded, "_optimizer_state")
    loaded.partial_fit(X, y)
    assert loaded.n_iter_ == 31
    assert loaded._optimizer_state["n_steps"] == 1
