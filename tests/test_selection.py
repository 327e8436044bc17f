"""Feature selection from the wiring of a trained network (BIMTSelector)."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_diabetes, make_classification
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LinearRegression
from sklearn.metrics import mean_squared_error

from skbimt import BIMTClassifier, BIMTRegressor, BIMTSelector
from skbimt._connectivity import DEFAULT_THRESHOLD
from skbimt.datasets import paper_settings
from skbimt.inspection import (
    active_neuron_masks,
    active_weight_masks,
    prune,
    pruning_frontier,
)

from . import models
from .models import INFORMATIVE
from .outcomes import outcome

NAMES = ["a", "b", "c", "d", "e", "f"]


@pytest.fixture(scope="module")
def task():
    return models.noisy_task(0)


@pytest.fixture(scope="module")
def selector():
    return models.noisy_selector(0)


@pytest.fixture(scope="module")
def reg(selector):
    return selector.estimator_


def support_errors(support):
    """Informative features dropped plus noise features kept."""
    expected = np.zeros(len(support), dtype=bool)
    expected[INFORMATIVE] = True
    return int(np.sum(support != expected))


@outcome(at_most=0)
def noisy_task_selection_errors(seed):
    return support_errors(models.noisy_selector(seed).get_support())


@outcome(at_least=0.99)
def noisy_task_test_r2(seed):
    _, _, X_test, y_test = models.noisy_task(seed)
    return models.noisy_selector(seed).estimator_.score(X_test, y_test)


@outcome(at_least=0.99)
def noisy_task_pruned_test_r2(seed):
    _, _, X_test, y_test = models.noisy_task(seed)
    selector = models.noisy_selector(seed)
    return prune(selector.estimator_, selector.threshold).score(X_test, y_test)


@pytest.mark.trained
def test_pruner_drops_the_noise_features_and_keeps_the_informative(selector, task):
    noisy_task_selection_errors.check()
    np.testing.assert_array_equal(selector.get_support(indices=True), INFORMATIVE)
    # ... from a network that learned the function, and keeps it pruned.
    noisy_task_test_r2.check()
    noisy_task_pruned_test_r2.check()
    # fit trained a clone: the estimator passed in stays unfitted.
    assert not hasattr(selector.estimator, "coefs_")


@outcome(at_least=6)
def vanilla_network_features_kept(seed):
    X, y, _, _ = models.noisy_task(seed)
    settings = {
        **paper_settings("symbolic"),
        "lambda_schedule": 0.0,
        "swap_every": None,
        "max_iter": 10000,
    }
    vanilla = BIMTRegressor(**settings, random_state=seed)
    return BIMTSelector(vanilla).fit(X, y).get_support().sum()


@pytest.mark.trained
def test_without_connection_cost_every_feature_stays():
    with pytest.warns(UserWarning, match="kept all 6 features.*Strengthen"):
        vanilla_network_features_kept.check()


def test_transform_and_inverse_transform(selector, task):
    X = task[2]
    reduced = selector.transform(X)
    np.testing.assert_array_equal(reduced, X[:, INFORMATIVE])
    restored = selector.inverse_transform(reduced)
    assert restored.shape == X.shape
    np.testing.assert_array_equal(restored[:, INFORMATIVE], X[:, INFORMATIVE])
    noise = [j for j in range(6) if j not in INFORMATIVE]
    np.testing.assert_array_equal(restored[:, noise], 0.0)
    np.testing.assert_array_equal(
        selector.get_feature_names_out(), [f"x{j}" for j in INFORMATIVE]
    )


@outcome(at_least=3)
def features_kept_at_threshold_zero(seed):
    X = models.noisy_task(seed)[0]
    reg = models.noisy_selector(seed).estimator_
    # Any path at all: the selector keeps importances >= threshold.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "kept all features"
        selector = BIMTSelector(reg, threshold=1e-12, prefit=True).fit(X)
    return selector.get_support().sum()


@pytest.mark.trained
def test_prefit_reads_the_fitted_network_without_training(reg, task):
    features_kept_at_threshold_zero.check()
    noisy_task_selection_errors.check()
    X, y, _, _ = task
    pruner = BIMTSelector(reg, prefit=True).fit(X)  # y is not needed
    assert pruner.estimator_ is not reg
    assert pruner.estimator_.n_iter_ == reg.n_iter_
    for a, b in zip(pruner.estimator_.coefs_, reg.scaled_coefs_, strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(pruner.get_support(indices=True), INFORMATIVE)
    # Another threshold on the same network, no training.
    with pytest.raises(ValueError, match="X has 5 features"):
        BIMTSelector(reg, prefit=True).fit(X[:, :5])


@pytest.mark.parametrize(
    "break_refit",
    [
        lambda X, y, selector: (X.copy() * np.nan, y),
        lambda X, y, selector: (X[:, :3], y[:-1]),
        lambda X, y, selector: (
            X,
            y,
            selector.estimator.set_params(learning_rate=-1),
        )[:2],
    ],
    ids=["nan", "bad-shapes", "bad-parameter"],
)
def test_a_failed_refit_leaves_the_fitted_selector_working(task, break_refit):
    X, y = task[0], task[1]
    selector = BIMTSelector(
        BIMTRegressor(max_iter=200, random_state=0), threshold=0.05
    ).fit(X, y)
    fitted = selector.estimator_
    support, reduced = selector.get_support(), selector.transform(X)
    with pytest.raises(ValueError):
        selector.fit(*break_refit(X, y, selector))
    assert selector.estimator_ is fitted
    np.testing.assert_array_equal(selector.get_support(), support)
    np.testing.assert_array_equal(selector.transform(X), reduced)


def test_prefit_needs_a_fitted_estimator(task):
    X, y, _, _ = task
    pruner = BIMTSelector(BIMTRegressor(), prefit=True)
    with pytest.raises(NotFittedError, match="prefit=True, estimator must already"):
        pruner.fit(X, y)
    with pytest.raises(NotFittedError):
        BIMTSelector(BIMTRegressor()).transform(X)


@pytest.mark.trained
def test_pandas_names_and_set_output(reg, task):
    noisy_task_selection_errors.check()
    pd = pytest.importorskip("pandas")
    X, y, X_test, _ = task
    frame = pd.DataFrame(X, columns=NAMES)
    test_frame = pd.DataFrame(X_test, columns=NAMES)
    named = models.with_parameters(reg, reg.scaled_coefs_, reg.scaled_intercepts_)
    named.feature_names_in_ = np.array(NAMES, dtype=object)
    pruner = BIMTSelector(named, prefit=True).fit(frame)
    kept = [NAMES[j] for j in INFORMATIVE]
    np.testing.assert_array_equal(pruner.feature_names_in_, NAMES)
    np.testing.assert_array_equal(pruner.get_feature_names_out(), kept)

    out = pruner.set_output(transform="pandas").transform(test_frame)
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == kept
    np.testing.assert_array_equal(out.to_numpy(), X_test[:, INFORMATIVE])
    with pytest.raises(ValueError, match="feature names should match"):
        pruner.transform(test_frame.rename(columns={"a": "z"}))


def test_pruner_fit_on_a_dataframe_names_the_network_inputs(task):
    pd = pytest.importorskip("pandas")
    X, y, _, _ = task
    frame = pd.DataFrame(X, columns=NAMES)
    pruner = BIMTSelector(BIMTRegressor(max_iter=20, random_state=0)).fit(frame, y)
    assert pruner.estimator_.neuron_labels()[0] == NAMES
    assert set(pruner.get_feature_names_out()) <= set(NAMES)


def moons_pruner(seed):
    X, labels = models.moons(seed)[1:]
    estimator = BIMTClassifier(max_iter=300, random_state=seed)
    return BIMTSelector(estimator).fit(X, labels)


@outcome(at_least=2)
def moons_features_kept(seed):
    return moons_pruner(seed).get_support().sum()


@pytest.mark.trained
def test_pruner_works_with_a_classifier_and_string_labels():
    moons_features_kept.check()
    assert list(moons_pruner(0).estimator_.classes_) == ["lower", "upper"]


def noise_wire_weight(input_cost, seed):
    """``sum |w|`` of the unit-free wires leaving 15 noise inputs (of 20)."""
    X, y = make_classification(
        n_samples=300,
        n_features=20,
        n_informative=5,
        n_redundant=0,
        shuffle=False,
        random_state=seed,
    )
    clf = BIMTClassifier(input_cost=input_cost, random_state=seed).fit(X, y)
    return np.abs(clf.scaled_coefs_[0][5:]).sum()


@outcome(at_most=0.75)
def noise_wire_weight_ratio_under_input_cost(seed):
    return noise_wire_weight(3.0, seed) / noise_wire_weight(1.0, seed)


@pytest.mark.trained
def test_input_cost_shrinks_the_wires_of_noise_inputs():
    # Three times the price on input wires: the noise inputs' wires, which
    # only help to fit the training rows, lose at least a quarter of their
    # weight (0.05-0.58 of it kept over ten seeds, both kernel families).
    noise_wire_weight_ratio_under_input_cost.check()


@pytest.mark.trained
def test_an_input_wired_only_to_a_dead_end_is_dropped(reg, task):
    # Wire noise feature 0 strongly to hidden neuron h, whose outputs are cut:
    # the weight is visible, but no path carries x0 to the output.
    noisy_task_selection_errors.check()
    X = task[2]
    h = int(np.flatnonzero(~active_neuron_masks(reg.scaled_coefs_)[1])[0])
    coefs = [w.copy() for w in reg.scaled_coefs_]
    coefs[0][0, h] = np.abs(coefs[0]).max()
    coefs[1][h, :] = 0.0
    wired = models.with_parameters(reg, coefs, reg.scaled_intercepts_)
    assert active_weight_masks(wired.coefs_)[0][0].any()
    pruner = BIMTSelector(wired, prefit=True).fit(X)
    np.testing.assert_array_equal(pruner.get_support(indices=True), INFORMATIVE)


def test_no_surviving_feature_warns(reg, task):
    X = task[2]
    coefs = [np.zeros_like(reg.scaled_coefs_[0])] + reg.scaled_coefs_[1:]
    cut = models.with_parameters(reg, coefs, reg.scaled_intercepts_)
    with pytest.warns(UserWarning, match="dropped every feature"):
        pruner = BIMTSelector(cut, prefit=True).fit(X)
    assert not pruner.get_support().any()
    with pytest.warns(UserWarning, match="No features were selected"):
        assert pruner.transform(X).shape == (len(X), 0)


@pytest.mark.parametrize(
    "params, error, message",
    [
        ({"threshold": 1.5}, ValueError, "'threshold' parameter of BIMTSelector"),
        ({"threshold": -0.01}, ValueError, "'threshold' parameter of BIMTSelector"),
        ({"prefit": "yes"}, ValueError, "'prefit' parameter of BIMTSelector"),
    ],
)
def test_pruner_bad_parameters(task, params, error, message):
    X, y, _, _ = task
    with pytest.raises(error, match=message):
        BIMTSelector(BIMTRegressor(max_iter=5), **params).fit(X, y)


def test_pruner_refuses_other_estimators_and_missing_y(task):
    X, y, _, _ = task
    with pytest.raises(TypeError, match="BIMTClassifier.*SelectFromModel"):
        BIMTSelector(LinearRegression()).fit(X, y)
    with pytest.raises(ValueError, match="Pass y, or a fitted estimator"):
        BIMTSelector(BIMTRegressor(max_iter=5)).fit(X)


def token_selector(seed):
    # Three token columns over 5 ids; y reads tokens 0 and 2, token 1 is noise.
    rng = np.random.RandomState(seed)
    X = rng.randint(0, 5, (300, 3))
    y = rng.normal(size=5)[X[:, 0]] + np.cos(X[:, 2])
    settings = {**paper_settings("symbolic"), "max_iter": 3000, "embedding_dim": 2}
    reg = BIMTRegressor(**settings, random_state=seed)
    return BIMTSelector(reg).fit(X, y), X, y


@outcome(at_most=0)
def token_selection_errors(seed):
    support = token_selector(seed)[0].get_support()
    return int(np.sum(support != [True, False, True]))


@pytest.mark.trained
def test_token_input_prunes_embeddings_and_selects_tokens():
    token_selection_errors.check()
    selector, X, y = token_selector(0)
    np.testing.assert_array_equal(selector.transform(X), X[:, [0, 2]])

    model = selector.estimator_
    total = models.n_parameters(model) + model.embedding_.size  # 581 + 5 * 2
    pruned = prune(model, n_keep=30)
    assert models.n_nonzero(pruned) + np.count_nonzero(pruned.embedding_) == 30
    assert np.count_nonzero(model.embedding_) == model.embedding_.size
    frontier = pruning_frontier(model, X, y, n_points=5)
    assert frontier.n_parameters[-1] == total
    assert frontier.loss[-1] == mean_squared_error(y, model.predict(X))
    assert frontier.loss[0] == pytest.approx(np.mean(y**2), rel=1e-12)
    with pytest.raises(ValueError, match="weights, biases and embedding entries"):
        prune(model, n_keep=total + 1)


def test_selector_follows_the_select_from_model_contract(reg, task):
    X = task[2]
    importances = reg.feature_importances_
    selector = BIMTSelector(reg, prefit=True).fit(X)
    assert selector.threshold_ == DEFAULT_THRESHOLD
    np.testing.assert_array_equal(
        selector.get_support(), importances >= DEFAULT_THRESHOLD
    )
    # The threshold changes after fit, without training again.
    selector.threshold = "mean"
    assert selector.threshold_ == pytest.approx(importances.mean())
    np.testing.assert_array_equal(
        selector.get_support(), importances >= importances.mean()
    )
    # max_features keeps the most important ones.
    top = BIMTSelector(reg, prefit=True, threshold=0.0, max_features=1).fit(X)
    assert top.get_support(indices=True).tolist() == [int(np.argmax(importances))]


def test_importances_are_the_inputs_the_plot_shows_connected(reg):
    from skbimt.inspection import active_neuron_masks

    np.testing.assert_array_equal(
        reg.feature_importances_ > DEFAULT_THRESHOLD,
        active_neuron_masks(reg.scaled_coefs_)[0],
    )
    assert 0 < reg.feature_importances_.max() <= 1


def test_pruner_is_the_selector_under_its_old_name():
    import skbimt

    assert skbimt.BIMTPruner is BIMTSelector


@pytest.mark.parametrize("estimator_class", [BIMTClassifier, BIMTRegressor])
def test_a_collapsed_network_is_reported_not_read(estimator_class):
    # lambda = 10 shrinks every weight to about zero: the network predicts a
    # constant, and its relative importances are noise. The warning must say
    # to weaken lambda, not to strengthen it.
    X, y = load_diabetes(return_X_y=True)
    if estimator_class is BIMTClassifier:
        y = (y > np.median(y)).astype(int)
    collapsed = estimator_class(lambda_schedule=10.0, max_iter=300, random_state=0)
    with pytest.warns(UserWarning, match="predicts \\(almost\\) the same") as record:
        BIMTSelector(collapsed).fit(X, y)
    messages = [str(w.message) for w in record]
    assert any("predicts (almost)" in m and "Weaken the" in m for m in messages)
    assert not any("Strengthen" in m for m in messages)
