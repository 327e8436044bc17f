"""BIMTRegressorCV and BIMTClassifierCV: the lambda path and its choice."""

import pickle

import numpy as np
import pytest
from sklearn.datasets import load_iris, make_regression

from skbimt import BIMTClassifier, BIMTClassifierCV, BIMTRegressor, BIMTRegressorCV
from skbimt._base import DEFAULT_SCHEDULE
from skbimt._cv import _one_standard_error_choice, scaled_schedule

SMALL = {"lambdas": (1e-3, 3e-2), "cv": 2, "max_iter": 200, "random_state": 0}


@pytest.fixture(scope="module")
def regression():
    return make_regression(n_samples=120, n_features=4, noise=1.0, random_state=0)


@pytest.fixture(scope="module")
def fitted(regression):
    return BIMTRegressorCV(**SMALL).fit(*regression)


def test_scaled_schedule_keeps_the_shape_and_sets_the_peak():
    np.testing.assert_allclose(
        scaled_schedule(DEFAULT_SCHEDULE, 0.3), [(0.03, 0.25), (0.3, 0.75)]
    )
    assert scaled_schedule(1e-3, 0.2) == 0.2
    # "auto" lends its shape; the path's strengths are not adjusted to rows.
    assert scaled_schedule("auto", 0.3) == scaled_schedule(DEFAULT_SCHEDULE, 0.3)
    with pytest.raises(ValueError, match="not a callable"):
        scaled_schedule(lambda step, n: 1e-3, 0.1)
    with pytest.raises(ValueError, match="0 throughout"):
        scaled_schedule(((0.0, 1.0),), 0.1)


def test_one_standard_error_rule_takes_the_sparsest_close_to_the_best():
    mean = np.array([0.50, 0.90, 0.88, 0.70])
    std = np.array([0.1, 0.04, 0.05, 0.1])  # SE of the best: 0.04 / 2 = 0.02
    hidden = np.array([30.0, 20.0, 8.0, 2.0])
    assert _one_standard_error_choice(mean, std, 4, hidden) == 2
    # Not within one SE: the best itself.
    assert _one_standard_error_choice(mean, np.zeros(4), 4, hidden) == 1
    # Failed lambdas (NaN) are never chosen; equal sparsity: the stronger.
    mean = np.array([np.nan, 0.9, 0.9])
    assert _one_standard_error_choice(mean, np.zeros(3), 4, np.array([0, 5, 5.0])) == 2


def test_path_results_describe_every_lambda(fitted):
    results = fitted.cv_results_
    np.testing.assert_array_equal(results["lambda"], SMALL["lambdas"])
    for key in [
        "mean_test_score",
        "std_test_score",
        "split0_test_score",
        "split1_test_score",
        "mean_active_hidden",
        "mean_inputs_kept",
        "mean_modularity",
    ]:
        assert results[key].shape == (2,) and np.isfinite(results[key]).all(), key
    splits = np.column_stack(
        [results["split0_test_score"], results["split1_test_score"]]
    )
    np.testing.assert_allclose(results["mean_test_score"], splits.mean(axis=1))
    assert fitted.lambda_ == results["lambda"][fitted.best_index_]


def test_refit_is_the_single_estimator_at_the_chosen_lambda(fitted, regression):
    params = {k: v for k, v in SMALL.items() if k not in ("lambdas", "cv")}
    single = BIMTRegressor(
        **params, lambda_schedule=scaled_schedule(DEFAULT_SCHEDULE, fitted.lambda_)
    ).fit(*regression)
    assert fitted.lambda_schedule_ == single.lambda_schedule
    for a, b in zip(fitted.coefs_, single.coefs_, strict=True):
        np.testing.assert_array_equal(a, b)
    X = regression[0]
    np.testing.assert_array_equal(fitted.predict(X), single.predict(X))


def test_folds_in_parallel_give_the_same_path(fitted, regression):
    parallel = BIMTRegressorCV(**SMALL, n_jobs=2).fit(*regression)
    for key, value in fitted.cv_results_.items():
        np.testing.assert_array_equal(parallel.cv_results_[key], value)


def test_classifier_path_on_iris():
    X, y = load_iris(return_X_y=True)
    clf = BIMTClassifierCV(**SMALL).fit(X, y)
    assert isinstance(clf, BIMTClassifier)
    assert clf.predict_proba(X).shape == (150, 3)
    assert clf.lambda_ in SMALL["lambdas"]


def test_bad_input_is_refused_before_the_path_and_keeps_the_fit(fitted, regression):
    X, y = regression
    before = pickle.dumps(fitted)
    bad = X.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        fitted.fit(bad, y)
    with pytest.raises(ValueError, match="lambdas must be finite non-negative"):
        BIMTRegressorCV(lambdas=[-1.0]).fit(X, y)
    with pytest.raises(ValueError, match="not a callable"):
        BIMTRegressorCV(lambda_schedule=lambda step, n: 0.0).fit(X, y)
    # Checked before any fold trains: a fold would index out of range, or
    # every fit would fail one by one.
    for weights, message in [
        (np.ones(len(X) - 1), "sample_weight.shape"),
        (np.ones(len(X) + 1), "sample_weight.shape"),
        (-np.ones(len(X)), "Negative values in data"),
    ]:
        with pytest.raises(ValueError, match=message):
            fitted.fit(X, y, sample_weight=weights)
    assert pickle.dumps(fitted) == before


def test_a_path_where_every_fit_fails_says_why(regression):
    X, y = regression
    cv = BIMTRegressorCV(lambdas=[3e38], cv=2, max_iter=200, random_state=0)
    with pytest.raises(
        ValueError, match="Every fit along the lambda path failed.*diverged"
    ):
        cv.fit(X, y)
    assert not hasattr(cv, "cv_results_")
