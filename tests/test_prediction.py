"""The prediction path: dtypes, as scikit-learn's MLP predicts; clipping."""

import copy
from unittest import mock

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_regression

from skbimt import BIMTClassifier, BIMTRegressor
from skbimt._engine.network import BLOCK_ROWS, forward
from skbimt._prediction import BLOCKED_FROM_ROWS

from .outcomes import outcome


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
    # The network's output, without predict's clip to the training range.
    reg = unclipped(regression[0])
    rng = np.random.RandomState(1)
    X = rng.randn(BLOCK_ROWS * 2 + 5, 4).astype(dtype)
    blocked = reg.predict(X)
    assert len(X) >= BLOCKED_FROM_ROWS and blocked.dtype == dtype
    coefs = [w.astype(dtype) for w in reg.coefs_]
    intercepts = [b.astype(dtype) for b in reg.intercepts_]
    expected = forward(coefs, intercepts, reg.activation, X.copy())
    tolerance = 1e-4 if dtype == np.float32 else 1e-10
    np.testing.assert_allclose(blocked, expected, rtol=tolerance, atol=tolerance)


# -- clip_predictions: the regressor predicts within its training targets' range


def unclipped(reg):
    return copy.deepcopy(reg).set_params(clip_predictions=False)


@pytest.fixture(scope="module")
def far_rows(regression):
    _, X = regression
    return 10 * X


def test_predictions_are_clipped_to_each_output_s_training_range(regression, far_rows):
    reg, X = regression
    _, y = make_regression(60, 4, n_targets=2, random_state=0)
    np.testing.assert_array_equal(reg.y_min_, y.min(axis=0))
    np.testing.assert_array_equal(reg.y_max_, y.max(axis=0))
    network = unclipped(reg).predict(far_rows)
    clipped = reg.predict(far_rows)
    # Far from the training rows the network extrapolates past both ends.
    assert np.all(network.max(axis=0) > y.max(axis=0))
    assert np.all(network.min(axis=0) < y.min(axis=0))
    np.testing.assert_array_equal(clipped, np.clip(network, reg.y_min_, reg.y_max_))


def test_clipping_keeps_the_dtype_and_the_shape_of_a_1d_target():
    X, y = make_regression(60, 4, random_state=0)
    reg = BIMTRegressor(max_iter=20, random_state=0).fit(X, y)
    predicted = reg.predict((10 * X).astype(np.float32))
    assert predicted.dtype == np.float32 and predicted.shape == (60,)
    assert predicted.min() >= np.float32(y.min())
    assert predicted.max() <= np.float32(y.max())


def test_to_torch_gives_the_unclipped_network(regression, far_rows):
    torch = pytest.importorskip("torch")
    reg, _ = regression
    with torch.no_grad():
        output = reg.to_torch()(torch.as_tensor(far_rows)).numpy()
    np.testing.assert_allclose(output, unclipped(reg).predict(far_rows), rtol=1e-10)


def test_rows_of_zero_weight_do_not_widen_the_range():
    X, y = make_regression(60, 4, random_state=0)
    weights = np.ones(60)
    extremes = [int(y.argmax()), int(y.argmin())]
    weights[extremes] = 0
    reg = BIMTRegressor(max_iter=5, random_state=0).fit(X, y, sample_weight=weights)
    kept = np.delete(y, extremes)
    np.testing.assert_array_equal(reg.y_min_, [kept.min()])
    np.testing.assert_array_equal(reg.y_max_, [kept.max()])


@pytest.mark.parametrize("how", ["partial_fit", "warm_start"])
def test_continued_training_widens_the_range_to_every_call_s_targets(how):
    X, y = make_regression(80, 4, random_state=0)
    low, high = np.argsort(y)[:40], np.argsort(y)[40:]
    reg = BIMTRegressor(max_iter=5, random_state=0, warm_start=how == "warm_start")
    train = reg.partial_fit if how == "partial_fit" else reg.fit
    train(X[high], y[high])
    assert reg.y_min_[0] == y[high].min()
    train(X[low], y[low])
    np.testing.assert_array_equal(reg.y_min_, [y.min()])
    np.testing.assert_array_equal(reg.y_max_, [y.max()])


def test_the_cv_regressor_refits_with_clip_predictions_as_set(regression, far_rows):
    from skbimt import BIMTRegressorCV

    _, X = regression
    _, y = make_regression(60, 4, n_targets=2, random_state=0)
    settings = dict(alphas=[1.0], cv=2, max_iter=10, random_state=0)
    clipped = BIMTRegressorCV(**settings).fit(X, y)
    network = BIMTRegressorCV(**settings, clip_predictions=False).fit(X, y)
    np.testing.assert_array_equal(
        clipped.predict(far_rows),
        np.clip(network.predict(far_rows), clipped.y_min_, clipped.y_max_),
    )
    assert np.any(network.predict(far_rows) > y.max(axis=0))


def early_stopping_scored_outputs(seed, clip_predictions):
    """What the early-stopping score read, and the training rows' range.

    The last 10 rows, ten times farther out, are the held-out rows. Returns
    the fitted regressor, the outputs scored at each check, and the smallest
    and largest training target, all in the network's standardized units.
    """
    X, _ = make_regression(70, 4, random_state=0)
    X[60:] *= 10
    y = X @ np.arange(1.0, 5.0)

    def last_rows_held_out(estimator, X, target, sample_weight, rng, activation):
        return X[:60], target[:60], None, (X[60:], target[60:], None)

    scored_outputs = []
    network_score = BIMTRegressor._validation_score

    def recorded_score(estimator, output, *args):
        scored_outputs.append(output)
        return network_score(estimator, output, *args)

    with (
        mock.patch("skbimt._fit_data.split_validation", last_rows_held_out),
        mock.patch.object(BIMTRegressor, "_validation_score", recorded_score),
    ):
        reg = BIMTRegressor(
            early_stopping=True,
            clip_predictions=clip_predictions,
            max_iter=400,
            random_state=seed,
        ).fit(X, y)
    low = (y[:60].min() - reg.y_mean_[0]) / reg.y_scale_[0]
    high = (y[:60].max() - reg.y_mean_[0]) / reg.y_scale_[0]
    return reg, scored_outputs, low, high


@outcome(at_least=0.5)
def unclipped_early_stopping_overshoot(seed):
    """How far past the training range, at both ends, the unclipped outputs
    scored on the far held-out rows reach (standardized units)."""
    _, scored_outputs, low, high = early_stopping_scored_outputs(seed, False)
    outputs = np.concatenate(scored_outputs)
    return min(low - outputs.min(), outputs.max() - high)


def test_early_stopping_scores_the_clipped_outputs_predict_would_give():
    reg, scored_outputs, low, high = early_stopping_scored_outputs(0, True)
    outputs = np.concatenate(scored_outputs)
    assert len(scored_outputs) == len(reg.validation_scores_) > 0
    assert outputs.min() >= low - 1e-12 and outputs.max() <= high + 1e-12


@pytest.mark.trained
def test_unclipped_early_stopping_scores_the_network_s_own_outputs():
    # Without clipping, the far rows' outputs leave the training range.
    unclipped_early_stopping_overshoot.check()
