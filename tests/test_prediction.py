"""The prediction path: dtypes, as scikit-learn's MLP predicts."""

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_regression

from skbimt import BIMTClassifier, BIMTRegressor
from skbimt._engine.network import BLOCK_ROWS, forward
from skbimt._prediction import BLOCKED_FROM_ROWS


@pytest.fixture(scope="module")
def regression():
    X, y = make_regression(60, 4, n_targets=2, random_state=0)
    return BIMTRegressor(max_iter=20, random_state=0).fit(X, y), X


@pytest.fixture(scope="module")
def classification():
    X, y = make_classification(
        60, 4, n_classes=3, n_informative=3, n_redundant=0, random_state=0
    )
    return BIMTClassifier(max_iter=20, random_state=0).fit(X, y), X


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_regressor_predicts_in_the_dtype_of_X(regression, dtype):
    reg, X = regression
    assert reg.predict(X.astype(dtype)).dtype == dtype


@pytest.mark.parametrize("method", ["predict_proba", "predict_log_proba"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_classifier_probabilities_in_the_dtype_of_X(classification, method, dtype):
    clf, X = classification
    assert getattr(clf, method)(X.astype(dtype)).dtype == dtype


def test_integer_X_predicts_in_float64(regression):
    reg, X = regression
    assert reg.predict(np.round(X).astype(np.int64)).dtype == np.float64


def test_float32_predictions_match_float64_ones(regression, classification):
    reg, X = regression
    np.testing.assert_allclose(
        reg.predict(X.astype(np.float32)),
        reg.predict(X.astype(np.float32).astype(np.float64)),
        rtol=1e-4,
        atol=1e-4 * np.abs(reg.predict(X)).max(),
    )
    clf, X = classification
    np.testing.assert_allclose(
        clf.predict_proba(X.astype(np.float32)),
        clf.predict_proba(X.astype(np.float32).astype(np.float64)),
        atol=1e-5,
    )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_large_inputs_predicted_in_blocks_equal_the_numpy_pass(regression, dtype):
    reg, _ = regression
    rng = np.random.RandomState(1)
    X = rng.randn(BLOCK_ROWS * 2 + 5, 4).astype(dtype)
    blocked = reg.predict(X)
    assert len(X) >= BLOCKED_FROM_ROWS and blocked.dtype == dtype
    coefs = [w.astype(dtype) for w in reg.coefs_]
    intercepts = [b.astype(dtype) for b in reg.intercepts_]
    expected = forward(coefs, intercepts, reg.activation, X.copy())
    tolerance = 1e-4 if dtype == np.float32 else 1e-10
    np.testing.assert_allclose(blocked, expected, rtol=tolerance, atol=tolerance)
