"""Bad input and faults: clear errors, nothing silently wrong."""

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

import skbimt._training
from skbimt import BIMTClassifier, BIMTRegressor, DivergenceWarning


def data(n=50, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.uniform(-1, 1, (n, 3))
    return X, X[:, 0] - X[:, 1] ** 2


@pytest.mark.parametrize(
    "params, message",
    [
        ({"A": -1.0}, "'A' parameter"),
        ({"y_star": 0.0}, "'y_star' parameter"),
        ({"k": 0}, "'k' parameter"),
        ({"swap_every": 0}, "'swap_every' parameter"),
        ({"max_iter": 0}, "'max_iter' parameter"),
        ({"learning_rate": 0.0}, "'learning_rate' parameter"),
        ({"activation": "gelu"}, "'activation' parameter"),
        ({"distance": "cosine"}, "'distance' parameter"),
        ({"batch_size": 0}, "'batch_size' parameter"),
        ({"hidden_layer_sizes": (10, 0)}, "positive integers"),
        ({"hidden_layer_sizes": (10, 2.5)}, "positive integers"),
        ({"lambda_schedule": -0.1}, "lambda_schedule"),
        ({"lambda_schedule": ((0.1, 0.3),)}, "sum to 1"),
        ({"device": "tpu:banana"}, "not a torch device"),
    ],
)
def test_invalid_hyperparameters_name_the_problem(params, message):
    X, y = data()
    with pytest.raises(ValueError, match=message):
        BIMTRegressor(**{"max_iter": 5, **params}).fit(X, y)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_X_is_refused(bad):
    X, y = data()
    X[3, 1] = bad
    with pytest.raises(ValueError, match="Input X contains (NaN|infinity)"):
        BIMTRegressor(max_iter=5).fit(X, y)


def test_non_finite_y_is_refused():
    X, y = data()
    y[0] = np.nan
    with pytest.raises(ValueError, match="Input y contains NaN"):
        BIMTRegressor(max_iter=5).fit(X, y)


def test_strings_in_X_are_refused():
    X, y = data()
    X = X.astype(object)
    X[0, 0] = "seven"
    with pytest.raises(ValueError, match="could not convert string to float"):
        BIMTRegressor(max_iter=5).fit(X, y)


def test_empty_and_one_dimensional_X_are_refused():
    with pytest.raises(ValueError, match="0 sample"):
        BIMTRegressor(max_iter=5).fit(np.empty((0, 3)), np.empty(0))
    with pytest.raises(ValueError, match="Expected 2D array"):
        BIMTRegressor(max_iter=5).fit(np.arange(5.0), np.arange(5.0))


def test_wrong_feature_count_at_predict():
    X, y = data()
    reg = BIMTRegressor(max_iter=5).fit(X, y)
    with pytest.raises(ValueError, match="expecting 3 features"):
        reg.predict(X[:, :2])


def test_mismatched_sample_counts():
    X, y = data()
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        BIMTRegressor(max_iter=5).fit(X, y[:-1])


def test_single_class_is_refused():
    X, _ = data()
    with pytest.raises(ValueError, match="at least 2 classes"):
        BIMTClassifier(max_iter=5).fit(X, np.zeros(len(X)))


def test_continuous_labels_are_refused_by_the_classifier():
    X, y = data()
    with pytest.raises(ValueError, match="Unknown label type"):
        BIMTClassifier(max_iter=5).fit(X, y)


def test_unfitted_use_raises_not_fitted():
    reg = BIMTRegressor()
    for call in (
        lambda: reg.predict(np.zeros((2, 3))),
        lambda: reg.modules_,
        lambda: reg.modularity_,
        lambda: reg.neuron_labels(),
    ):
        with pytest.raises(NotFittedError):
            call()


def test_diverging_fit_warns_and_keeps_last_finite_weights():
    X, y = data(200)
    # From step 250 on, lambda * length overflows float32 and the update turns
    # the weights into NaN. The fit must stop and keep the weights of step 200,
    # the last finiteness check.
    schedule = lambda step, n: 1e-3 if step < 250 else 3e38  # noqa: E731
    with pytest.warns(DivergenceWarning, match="NaN or infinite"):
        reg = BIMTRegressor(
            max_iter=1000, lambda_schedule=schedule, random_state=0
        ).fit(X, y)
    assert reg.n_iter_ == 200
    reference = BIMTRegressor(max_iter=200, lambda_schedule=1e-3, random_state=0).fit(
        X, y
    )
    for w, expected in zip(reg.coefs_, reference.coefs_, strict=True):
        np.testing.assert_array_equal(w, expected)
    assert len(reg.loss_curve_) == 200 and np.isfinite(reg.loss_curve_).all()
    assert np.isfinite(reg.predict(X)).all()


def test_lambda_beyond_float32_is_refused():
    X, y = data()
    with pytest.raises(ValueError, match="lambda must be a finite number"):
        BIMTRegressor(max_iter=5, lambda_schedule=1e39).fit(X, y)


def test_values_beyond_float32_are_refused():
    X, y = data()
    X[0, 0] = 1e39
    with pytest.raises(ValueError, match="too large for float32"):
        BIMTRegressor(max_iter=5).fit(X, y)
    X, y = data()
    y[0] = -1e40
    with pytest.raises(ValueError, match="too large for float32"):
        BIMTRegressor(max_iter=5).fit(X, y)


def test_keyboard_interrupt_leaves_a_usable_model(monkeypatch):
    X, y = data(200)
    real_swap_pass = skbimt._training.swap_pass
    calls = []

    def interrupt_on_third_pass(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real_swap_pass(*args, **kwargs)

    monkeypatch.setattr(skbimt._training, "swap_pass", interrupt_on_third_pass)
    with pytest.warns(UserWarning, match="interrupted by user after 599 steps"):
        reg = BIMTRegressor(max_iter=2000, swap_every=200, random_state=0).fit(X, y)
    assert reg.n_iter_ == 599
    assert len(reg.loss_curve_) == 599
    assert np.isfinite(reg.predict(X)).all()
    assert reg.modularity_ == reg.modularity_  # computable, not NaN
