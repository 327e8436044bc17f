"""fit as validate -> build -> train -> export: bad input, faults, refits.

Bad input gets a clear error and leaves an earlier fit untouched; faults
during training (divergence, Ctrl-C) keep a consistent model and say so.
"""

import pickle
import warnings

import numpy as np
import pytest
import torch
from scipy.sparse import csr_matrix
from sklearn.datasets import load_iris
from sklearn.exceptions import NotFittedError

from skbimt import BIMTClassifier, BIMTRegressor, DivergenceWarning
from skbimt._base import DEFAULT_SCHEDULE, auto_schedule
from skbimt._diagnosis import _loss_rise
from skbimt._engine import training
from skbimt._engine.training import CHECK_EVERY, TrainingLog

from .outcomes import outcome


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
        ({"batch_size": "full"}, "'batch_size' parameter"),
        ({"hidden_layer_sizes": (10, 0)}, "positive integers"),
        ({"hidden_layer_sizes": (10, 2.5)}, "positive integers"),
        ({"lambda_schedule": -0.1}, "lambda_schedule"),
        ({"lambda_schedule": ((0.1, 0.3),)}, "sum to 1"),
        ({"lambda_schedule": "fast"}, "'lambda_schedule' parameter"),
        ({"device": "tpu:banana"}, "not a torch device"),
        ({"dtype": "float16"}, "'dtype' parameter"),
        ({"tol": -1.0}, "'tol' parameter"),
        ({"validation_fraction": 1.0}, "'validation_fraction' parameter"),
        ({"n_iter_no_change": 0}, "'n_iter_no_change' parameter"),
        ({"input_cost": -1.0}, "'input_cost' parameter"),
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


def test_malformed_settings_and_targets_say_what_to_do():
    X, y = data()
    for schedule in (lambda step, n: np.array([1e-3]), lambda step, n: None):
        with pytest.raises(ValueError, match="must return one number per step"):
            BIMTRegressor(max_iter=5, lambda_schedule=schedule).fit(X, y)
    with pytest.raises(ValueError, match="sparse matrix.*toarray"):
        BIMTRegressor(max_iter=5).fit(X, csr_matrix(y[:, None]))
    with pytest.raises(ValueError, match="cannot be combined"):
        BIMTClassifier(embedding_dim=2, input_shape=(1, 2), max_iter=5).fit(
            np.array([[0, 1]] * 4), [0, 1, 0, 1]
        )


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
    with pytest.warns(DivergenceWarning, match="NaN or infinite") as record:
        reg = BIMTRegressor(
            max_iter=1000, lambda_schedule=schedule, random_state=0
        ).fit(X, y)
    # The warning points at this file, not at skbimt or scikit-learn.
    assert record[0].filename == __file__
    assert reg.n_iter_ == 200
    reference = BIMTRegressor(max_iter=200, lambda_schedule=1e-3, random_state=0).fit(
        X, y
    )
    for w, expected in zip(reg.coefs_, reference.coefs_, strict=True):
        np.testing.assert_array_equal(w, expected)
    assert len(reg.loss_curve_) == 200 and np.isfinite(reg.loss_curve_).all()
    assert np.isfinite(reg.predict(X)).all()


@outcome(at_least=100.0)
def runaway_loss_rise(seed):
    """Final over first training loss with a learning rate far too high.

    Adam's steps of about 1000 keep every value finite, so only the loss
    itself shows that the fit ran away.
    """
    X, y = data(200)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DivergenceWarning)
        reg = BIMTRegressor(max_iter=300, learning_rate=1e3, random_state=seed)
        curve = reg.fit(X, y).loss_curve_
    return curve[-CHECK_EVERY:].mean() / curve[0]


@pytest.mark.trained
def test_a_fit_that_runs_away_without_overflowing_warns():
    runaway_loss_rise.check()
    X, y = data(200)
    reg = BIMTRegressor(max_iter=300, learning_rate=1e3, random_state=0)
    with pytest.warns(DivergenceWarning, match="diverged without overflowing"):
        reg.fit(X, y)
    assert np.isfinite(reg.predict(X)).all()


def test_loss_rise_compares_the_kept_weights_with_the_untrained_network():
    curve = np.r_[1.0, np.full(299, 0.1)]
    assert _loss_rise(TrainingLog(n_iter=300, loss_curve=curve)) is None
    # A network the cost emptied ends near the untrained network's loss.
    curve = np.r_[1.0, np.full(299, 1.5)]
    assert _loss_rise(TrainingLog(n_iter=300, loss_curve=curve)) is None
    curve = np.r_[1.0, np.full(299, 5.0)]
    assert _loss_rise(TrainingLog(n_iter=300, loss_curve=curve)) == 5.0
    # Early stopping restored the weights of step 200, before the rise.
    curve = np.r_[1.0, np.full(199, 0.1), np.full(100, 5.0)]
    restored = TrainingLog(
        n_iter=300, loss_curve=curve, validation_scores=[0.9], best_step=200
    )
    assert _loss_rise(restored) is None
    assert _loss_rise(TrainingLog(n_iter=300, loss_curve=curve)) == 5.0


def prediction_spread(estimator, X, y):
    """Spread of the fitted outputs over ``X``, relative to ``y``'s."""
    if hasattr(estimator, "predict_proba"):
        return np.ptp(estimator.predict_proba(X), axis=0).max()
    return np.ptp(estimator.predict(X)) / np.ptp(y)


def iris_fit(estimator_class, lambda_schedule, seed):
    X, y = load_iris(return_X_y=True)
    if estimator_class is BIMTRegressor:
        X, y = X[:, 1:], X[:, 0]
    estimator = estimator_class(
        lambda_schedule=lambda_schedule, max_iter=300, random_state=seed
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return estimator.fit(X, y), X, y


@outcome(at_most=0.001)
def collapsed_prediction_spread(seed):
    # The warning fires below 0.01; lambda = 10 leaves every weight ~1e-3.
    return max(
        prediction_spread(*iris_fit(cls, 10.0, seed))
        for cls in (BIMTRegressor, BIMTClassifier)
    )


@outcome(at_least=0.1)
def default_lambda_prediction_spread(seed):
    return min(
        prediction_spread(*iris_fit(cls, 3e-3, seed))
        for cls in (BIMTRegressor, BIMTClassifier)
    )


@pytest.mark.trained
@pytest.mark.parametrize("estimator_class", [BIMTRegressor, BIMTClassifier])
def test_a_network_the_cost_emptied_warns(estimator_class):
    collapsed_prediction_spread.check()
    default_lambda_prediction_spread.check()
    X, y = load_iris(return_X_y=True)
    if estimator_class is BIMTRegressor:
        X, y = X[:, 1:], X[:, 0]
    with pytest.warns(UserWarning, match="predicts \\(almost\\) the same") as record:
        estimator_class(lambda_schedule=10.0, max_iter=300, random_state=0).fit(X, y)
    assert "lower alpha" in str(record[0].message)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        estimator_class(lambda_schedule=3e-3, max_iter=300, random_state=0).fit(X, y)


def test_one_weighted_class_is_not_reported_as_an_empty_network():
    # Only class 0 carries weight: a constant prediction is the right answer.
    X, y = load_iris(return_X_y=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        BIMTClassifier(max_iter=100, random_state=0).fit(
            X, y, sample_weight=(y == 0).astype(float)
        )


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


def test_keyboard_interrupt_keeps_the_last_check_consistently(monkeypatch):
    X, y = data(200)
    real_swap_pass = training.swap_pass
    calls = []

    def interrupt_on_third_pass(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real_swap_pass(*args, **kwargs)

    monkeypatch.setattr(training, "swap_pass", interrupt_on_third_pass)
    common = dict(max_iter=2000, swap_every=200, random_state=0)
    two_phases = ((1e-3, 0.5), (1e-2, 0.5))
    with pytest.warns(UserWarning, match="at step 599.*weights of step 500") as record:
        reg = BIMTRegressor(lambda_schedule=two_phases, **common).fit(X, y)
    assert "before the last phase" in str(record[0].message)
    assert record[0].filename == __file__
    assert reg.n_iter_ == 500 and len(reg.loss_curve_) == 500
    monkeypatch.setattr(training, "swap_pass", real_swap_pass)
    # Weights, curve and n_iter_ describe the same step: 500 steps of the
    # same first phase reach the same weights.
    first_500 = BIMTRegressor(lambda_schedule=1e-3, **{**common, "max_iter": 500})
    first_500.fit(X, y)
    for a, b in zip(reg.coefs_, first_500.coefs_, strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(reg.loss_curve_, first_500.loss_curve_)
    assert np.isfinite(reg.modularity_)


def test_divergence_from_the_start_raises_and_keeps_the_earlier_fit():
    X, y = data(200)
    reg = BIMTRegressor(max_iter=300, random_state=0).fit(X, y)
    before = pickle.dumps(reg)
    schedule = reg.lambda_schedule
    reg.set_params(lambda_schedule=3e38)
    with pytest.raises(ValueError, match="diverged within its first 100 steps"):
        reg.fit(X, y)
    reg.set_params(lambda_schedule=schedule)
    assert pickle.dumps(reg) == before


def fitted_state(estimator):
    """Every fitted attribute, pickled, to compare before and after."""
    return {
        k: pickle.dumps(v)
        for k, v in vars(estimator).items()
        if k.endswith("_") and not k.startswith("__")
    }


@pytest.mark.parametrize(
    "change, X_y",
    [
        # The case: a schedule that does not sum to 1, other data.
        (
            {"lambda_schedule": ((1e-3, 0.5),)},
            lambda X, y: (X[:, :3], np.where(y == 0, "a", "b")),
        ),
        ({}, lambda X, y: (np.full_like(X, np.nan), y)),
        ({}, lambda X, y: (X, np.zeros_like(y))),
        ({"hidden_layer_sizes": (3, 0)}, lambda X, y: (X, y)),
        ({"input_shape": (3, 3)}, lambda X, y: (X, y)),
        ({"early_stopping": True}, lambda X, y: (X[:3], y[:3])),
        ({"learning_rate": 0.5, "weight_decay": 2.0}, lambda X, y: (X, y)),
    ],
)
def test_a_failed_refit_leaves_the_fitted_model_untouched(change, X_y):
    X, y = load_iris(return_X_y=True)
    clf = BIMTClassifier(max_iter=200, random_state=0).fit(X, y)
    before = fitted_state(clf)
    prediction = clf.predict(X)
    clf.set_params(**change)
    with pytest.raises(ValueError):
        clf.fit(*X_y(X, y))
    assert fitted_state(clf) == before
    np.testing.assert_array_equal(clf.predict(X), prediction)
    assert list(clf.classes_) == [0, 1, 2] and clf.n_features_in_ == 4


def test_weight_decay_too_strong_for_the_learning_rate_is_refused():
    X, y = data(50)
    reg = BIMTRegressor(learning_rate=0.1, weight_decay=10.0, max_iter=10)
    with pytest.raises(ValueError, match=r"learning_rate \* weight_decay must be"):
        reg.fit(X, y)


@outcome(at_most=0.9)
def weight_decay_norm_ratio(seed):
    """L1 norm of a network trained with weight decay over one trained without.

    lambda 0 and no swaps: weight decay is the only pull towards zero.
    """
    X, y = data(100)
    common = {"lambda_schedule": 0.0, "swap_every": None, "max_iter": 300}
    norms = [
        sum(
            np.abs(w).sum()
            for w in BIMTRegressor(random_state=seed, weight_decay=decay, **common)
            .fit(X, y)
            .scaled_coefs_
        )
        for decay in (0.0, 1.0)
    ]
    return norms[1] / norms[0]


@pytest.mark.trained
def test_weight_decay_shrinks_the_fitted_network():
    weight_decay_norm_ratio.check()


def test_a_refit_on_other_data_leaves_nothing_stale():
    pd = pytest.importorskip("pandas")
    X, y = load_iris(return_X_y=True)
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    clf = BIMTClassifier(max_iter=100, random_state=0, snapshot_every=50)
    clf.fit(frame, y)
    assert hasattr(clf, "feature_names_in_") and hasattr(clf, "snapshots_")
    modules = clf.modules_
    clf.set_params(snapshot_every=None).fit(X[:, :3], np.where(y == 0, "a", "b"))
    assert not hasattr(clf, "feature_names_in_")
    assert not hasattr(clf, "snapshots_")
    assert list(clf.classes_) == ["a", "b"] and clf.n_features_in_ == 3
    assert clf.modules_ is not modules and len(clf.modules_[0]) == 3
    assert set(clf.predict(X[:, :3])) <= {"a", "b"}


def test_unknown_keywords_name_the_public_class():
    with pytest.raises(
        TypeError, match="BIMTRegressor.__init__\\(\\) got an unexpected"
    ):
        BIMTRegressor(hidden_layers=(5,))
    with pytest.raises(TypeError, match="BIMTClassifier.__init__"):
        BIMTClassifier(lambda_=1.0)


def test_sample_weight_weighs_the_loss():
    X, y = data(100)
    zero_half = np.r_[np.ones(50), np.zeros(50)]
    common = dict(max_iter=300, swap_every=None, random_state=0, dtype="float64")
    weighted = BIMTRegressor(**common).fit(X, y, sample_weight=zero_half)
    first_half = BIMTRegressor(**common).fit(X[:50], y[:50])
    np.testing.assert_allclose(weighted.predict(X), first_half.predict(X), rtol=1e-9)
    doubled = BIMTRegressor(**common).fit(X, y, sample_weight=np.full(100, 2.0))
    plain = BIMTRegressor(**common).fit(X, y)
    np.testing.assert_allclose(doubled.predict(X), plain.predict(X), rtol=1e-9)
    with pytest.raises(ValueError, match="at least one non-zero"):
        BIMTRegressor(max_iter=5).fit(X, y, sample_weight=np.zeros(100))
    with pytest.raises(
        ValueError, match="Negative values in data passed to .sample_weight"
    ):
        BIMTRegressor(max_iter=5).fit(X, y, sample_weight=-np.ones(100))
    with pytest.raises(ValueError, match="sample_weight.shape"):
        BIMTRegressor(max_iter=5).fit(X, y, sample_weight=np.ones(3))


def test_sample_weight_equals_repeated_samples_in_float64():
    # scikit-learn's check_sample_weight_equivalence in float64: equal in
    # exact arithmetic, so the float64 fits agree far below 1e-7.
    rng = np.random.RandomState(42)
    X = rng.uniform(size=(15, 6))
    y = rng.randint(0, 3, size=15)
    weight = rng.randint(0, 5, size=15)
    common = dict(max_iter=300, random_state=0, dtype="float64", standardize=True)
    weighted = BIMTClassifier(**common).fit(X, y, sample_weight=weight)
    repeated = BIMTClassifier(**common).fit(X.repeat(weight, axis=0), y.repeat(weight))
    np.testing.assert_allclose(
        weighted.predict_proba(X), repeated.predict_proba(X), rtol=1e-7
    )


def test_early_stopping_reports_its_checks_and_keeps_the_best():
    X, y = load_iris(return_X_y=True)
    clf = BIMTClassifier(
        max_iter=3000,
        lambda_schedule=1e-4,
        early_stopping=True,
        tol=1e-3,
        n_iter_no_change=3,
        standardize=True,
        random_state=0,
    ).fit(X, y)
    assert clf.n_iter_ < 3000 and clf.n_iter_ % 100 == 0
    assert len(clf.validation_scores_) == clf.n_iter_ // 100
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    assert clf.best_loss_ is None
    without = BIMTClassifier(max_iter=300, random_state=0).fit(X, y)
    assert not hasattr(without, "validation_scores_")
    with pytest.raises(ValueError, match="too few to train on or to validate"):
        BIMTClassifier(early_stopping=True, tol=0.0, max_iter=10).fit(X[::30], y[::30])


def test_early_stopping_without_tol_is_refused_and_leaves_the_fit():
    # tol=None never checks the held-out rows: refuse, rather than train on
    # 90 % of the data for nothing.
    X, y = data()
    reg = BIMTRegressor(max_iter=20, random_state=0).fit(X, y)
    before = [w.copy() for w in reg.coefs_]
    reg.set_params(early_stopping=True, tol=None)
    with pytest.raises(ValueError, match="early_stopping=True needs tol"):
        reg.fit(X, y)
    for old, kept in zip(before, reg.coefs_, strict=True):
        np.testing.assert_array_equal(old, kept)
    assert not hasattr(reg, "validation_scores_")


def test_snapshots_end_on_the_restored_best_check(monkeypatch):
    # A validation score that only falls: the first check (step 100) is the
    # best, training stops two checks later and restores it. The last record
    # must hold those weights under their own step, not the last step's.
    falling = iter(-np.arange(1000.0))
    monkeypatch.setattr(
        BIMTRegressor, "_validation_score", lambda self, *args: next(falling)
    )
    X, y = data(100)
    reg = BIMTRegressor(
        hidden_layer_sizes=(5,),
        lambda_schedule=1e-3,
        max_iter=2000,
        early_stopping=True,
        tol=0.0,
        n_iter_no_change=2,
        snapshot_every=50,
        random_state=0,
    ).fit(X, y)
    assert reg.n_iter_ == 300
    assert [record["step"] for record in reg.snapshots_] == [0, 50, 100]
    for snapshot, kept in zip(
        reg.snapshots_[-1]["coefs"], reg.scaled_coefs_, strict=True
    ):
        np.testing.assert_array_equal(snapshot, kept)


def test_n_threads_is_documented_for_what_it_limits(monkeypatch):
    docscrape = pytest.importorskip("numpydoc.docscrape")
    entry = next(
        parameter
        for parameter in docscrape.ClassDoc(BIMTRegressor)["Parameters"]
        if parameter.name == "n_threads"
    )
    text = " ".join(entry.desc)
    assert "during ``fit``" in text and "Prediction runs in numpy" in text
    # ... which is what happens: predict leaves torch's threads alone.
    X, y = data()
    reg = BIMTRegressor(max_iter=20, n_threads=1, random_state=0).fit(X, y)
    calls = []
    monkeypatch.setattr(torch, "set_num_threads", calls.append)
    reg.predict(X)
    assert calls == []


def test_warnings_are_clean_on_a_normal_fit():
    X, y = data()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        BIMTRegressor(max_iter=50).fit(X, y).predict(X)


def test_auto_schedule_is_the_tuned_default_up_to_500_rows_then_shrinks():
    assert auto_schedule(120) == auto_schedule(500) == DEFAULT_SCHEDULE
    # As the square root of the rows: four times the rows, half the strength.
    np.testing.assert_allclose(auto_schedule(2000), [(1.5e-3, 0.25), (1.5e-2, 0.75)])
    # A tenth from 50,000 rows on: no weaker, however many rows.
    np.testing.assert_allclose(auto_schedule(50_000), [(3e-4, 0.25), (3e-3, 0.75)])
    assert auto_schedule(10**6) == auto_schedule(50_000)


def test_auto_trains_with_the_schedule_for_its_own_training_rows():
    X, y = data(1000)
    common = dict(max_iter=200, random_state=0)
    auto = BIMTRegressor(**common).fit(X, y)
    assert auto.lambda_schedule == "auto"
    assert auto.lambda_schedule_ == auto_schedule(1000)
    explicit = BIMTRegressor(lambda_schedule=auto_schedule(1000), **common).fit(X, y)
    for a, b in zip(auto.coefs_, explicit.coefs_, strict=True):
        np.testing.assert_array_equal(a, b)
    # Not the tuned default: with 1000 rows the strengths are halved.
    tuned = BIMTRegressor(lambda_schedule=DEFAULT_SCHEDULE, **common).fit(X, y)
    assert not np.array_equal(auto.coefs_[0], tuned.coefs_[0])
    # Early stopping holds rows out: the schedule follows the rows trained on.
    held_out = BIMTRegressor(early_stopping=True, validation_fraction=0.2, **common)
    assert held_out.fit(X, y).lambda_schedule_ == auto_schedule(800)
    given = BIMTRegressor(lambda_schedule=1e-3, **common).fit(X, y)
    assert given.lambda_schedule_ == 1e-3
    # Rows count as the sum of their weights: zero as absent rows, ...
    weights = np.r_[np.ones(400), np.zeros(600)]
    weighted = BIMTRegressor(**common).fit(X, y, sample_weight=weights)
    assert weighted.lambda_schedule_ == auto_schedule(400) == DEFAULT_SCHEDULE
    # ... fractions as fractions of a row.
    halves = BIMTRegressor(**common).fit(X, y, sample_weight=np.full(1000, 0.5))
    assert halves.lambda_schedule_ == DEFAULT_SCHEDULE


def test_auto_trains_a_weight_of_two_as_a_repeated_row():
    # Beyond 500 rows "auto" depends on the row count, so only counting the
    # weights keeps scikit-learn's weights-as-repetitions contract there.
    X, y = data(300)
    common = dict(max_iter=300, random_state=0, dtype="float64")
    weighted = BIMTRegressor(**common).fit(X, y, sample_weight=np.full(300, 2.0))
    repeated = BIMTRegressor(**common).fit(X.repeat(2, axis=0), y.repeat(2))
    assert weighted.lambda_schedule_ == repeated.lambda_schedule_ == auto_schedule(600)
    np.testing.assert_allclose(weighted.predict(X), repeated.predict(X), rtol=1e-7)


def test_alpha_multiplies_the_resolved_schedule():
    X, y = data(1000)
    common = dict(max_iter=200, random_state=0)
    strong = BIMTRegressor(alpha=3.0, **common).fit(X, y)
    np.testing.assert_allclose(
        strong.lambda_schedule_, [(3 * s, f) for s, f in auto_schedule(1000)]
    )
    explicit = BIMTRegressor(lambda_schedule=strong.lambda_schedule_, **common)
    for a, b in zip(strong.coefs_, explicit.fit(X, y).coefs_, strict=True):
        np.testing.assert_array_equal(a, b)
    assert BIMTRegressor(alpha=0.5, lambda_schedule=1e-3, **common).fit(
        X, y
    ).lambda_schedule_ == pytest.approx(5e-4)
    # alpha=0 trains the vanilla network whatever the schedule.
    vanilla = BIMTRegressor(alpha=0.0, **common).fit(X, y)
    plain = BIMTRegressor(lambda_schedule=0.0, **common).fit(X, y)
    np.testing.assert_array_equal(vanilla.coefs_[0], plain.coefs_[0])


def test_alpha_is_checked_like_every_parameter():
    X, y = data(50)
    with pytest.raises(ValueError, match="'alpha' parameter"):
        BIMTRegressor(alpha=-1.0).fit(X, y)
