"""Standardisation and its fold: the network does not depend on the units."""

import numpy as np
import pytest

from skbimt import BIMTClassifier, BIMTRegressor
from skbimt._scaling import Scaling, fold


def test_fold_gives_the_same_function_on_raw_data():
    rng = np.random.RandomState(0)
    X = rng.normal(3.0, [1.0, 100.0, 0.01], size=(50, 3))
    y = rng.normal(-2.0, 40.0, size=(50, 2))
    inputs, targets = Scaling.fit(X), Scaling.fit(y)
    coefs = [rng.normal(size=(3, 4)), rng.normal(size=(4, 2))]
    intercepts = [rng.normal(size=4), rng.normal(size=2)]
    hidden = np.tanh(inputs.transform(X) @ coefs[0] + intercepts[0])
    expected = (hidden @ coefs[1] + intercepts[1]) * targets.scale + targets.mean
    raw_coefs, raw_intercepts = fold(coefs, intercepts, inputs, targets)
    got = np.tanh(X @ raw_coefs[0] + raw_intercepts[0]) @ raw_coefs[1]
    np.testing.assert_allclose(got + raw_intercepts[1], expected, rtol=1e-10)
    # The trained matrices are left alone.
    assert not np.shares_memory(raw_coefs[0], coefs[0])


def test_fold_of_a_single_matrix_applies_both_scalings():
    rng = np.random.RandomState(1)
    X, y = rng.normal(5, 3, (20, 2)), rng.normal(-1, 7, (20, 1))
    inputs, targets = Scaling.fit(X), Scaling.fit(y)
    w, b = rng.normal(size=(2, 1)), rng.normal(size=1)
    expected = (inputs.transform(X) @ w + b) * targets.scale + targets.mean
    (raw_w,), (raw_b,) = fold([w], [b], inputs, targets)
    np.testing.assert_allclose(X @ raw_w + raw_b, expected, rtol=1e-10)


def test_scaling_handles_constant_columns_weights_and_images():
    X = np.column_stack([np.arange(6.0), np.full(6, 4.0)])
    scaling = Scaling.fit(X)
    np.testing.assert_allclose(scaling.scale[1], 1.0)
    np.testing.assert_allclose(scaling.transform(X)[:, 1], 0.0)
    weighted = Scaling.fit(X, sample_weight=np.r_[np.zeros(3), np.ones(3)])
    np.testing.assert_allclose(weighted.mean, [4.0, 4.0])
    pooled = Scaling.fit(np.array([[0.0, 2.0], [4.0, 6.0]]), per_column=False)
    np.testing.assert_allclose(pooled.mean, [3.0, 3.0])
    np.testing.assert_allclose(pooled.scale, [np.sqrt(5.0)] * 2)


def units_pair(seed, estimator_class, **params):
    rng = np.random.RandomState(seed)
    X = rng.uniform(-1, 1, (200, 5))
    y = X[:, 0] + X[:, 3] ** 2
    if estimator_class is BIMTClassifier:
        y = (y > np.median(y)).astype(int)
    settings = dict(max_iter=1500, standardize=True, random_state=seed, **params)
    a = estimator_class(**settings).fit(X, y)
    # The same data in other units: every column and the target rescaled.
    X_other = X * [1000.0, 0.001, 3.0, 250.0, 1.0] + [5.0, -2.0, 0.0, 1e3, 7.0]
    y_other = y if estimator_class is BIMTClassifier else 1000 * y + 5000
    b = estimator_class(**settings).fit(X_other, y_other)
    return a, b, X, X_other


@pytest.mark.parametrize("estimator_class", [BIMTRegressor, BIMTClassifier])
def test_units_do_not_change_the_network(estimator_class):
    a, b, X, X_other = units_pair(0, estimator_class)
    for wa, wb in zip(a.scaled_coefs_, b.scaled_coefs_, strict=True):
        np.testing.assert_allclose(wa, wb, rtol=1e-5, atol=1e-6)
    for ma, mb in zip(a.modules_, b.modules_, strict=True):
        np.testing.assert_array_equal(ma, mb)
    assert a.modularity_ == pytest.approx(b.modularity_, abs=1e-6)
    for ca, cb in zip(a.coords_, b.coords_, strict=True):
        np.testing.assert_array_equal(ca, cb)
    # Predictions are in each fit's own units.
    if estimator_class is BIMTRegressor:
        np.testing.assert_allclose(
            b.predict(X_other), 1000 * a.predict(X) + 5000, rtol=1e-5
        )
        assert b.intercepts_[-1][0] == pytest.approx(
            1000 * a.intercepts_[-1][0] + 5000, rel=1e-5
        )
    else:
        np.testing.assert_array_equal(b.predict(X_other), a.predict(X))
    np.testing.assert_allclose(b.coefs_[0][0], a.coefs_[0][0] / 1000, rtol=1e-5)


def test_without_standardize_units_do_change_the_network():
    # The control: the raw network depends on the units, which is the point.
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, (200, 3))
    y = X[:, 0] + X[:, 1] ** 2
    common = dict(max_iter=600, standardize=False, random_state=0)
    a = BIMTRegressor(**common).fit(X, y)
    b = BIMTRegressor(**common).fit(X, 1000 * y)
    relative = [np.abs(w) / np.abs(w).max() for w in a.scaled_coefs_]
    other = [np.abs(w) / np.abs(w).max() for w in b.scaled_coefs_]
    assert max(np.abs(p - q).max() for p, q in zip(relative, other)) > 0.1


def test_token_input_is_not_scaled_but_the_target_is():
    rng = np.random.RandomState(0)
    X = rng.randint(0, 5, (100, 2))
    y = 100.0 * X[:, 0] + 3.0
    reg = BIMTRegressor(
        embedding_dim=2, max_iter=50, standardize=True, random_state=0
    ).fit(X, y)
    assert reg.x_mean_ is None and reg.x_scale_ is None
    assert reg.y_scale_[0] == pytest.approx(y.std())
    np.testing.assert_allclose(reg.scaled_coefs_[0], reg.coefs_[0])


def test_image_input_shares_one_scale():
    rng = np.random.RandomState(0)
    X = rng.uniform(0, 255, (40, 16))
    y = (X[:, :8].sum(1) > X[:, 8:].sum(1)).astype(int)
    clf = BIMTClassifier(
        hidden_layer_sizes=(4,),
        input_shape=(4, 4),
        standardize=True,
        max_iter=20,
        random_state=0,
    ).fit(X, y)
    np.testing.assert_allclose(clf.x_mean_, X.mean())
    np.testing.assert_allclose(clf.x_scale_, X.std())
