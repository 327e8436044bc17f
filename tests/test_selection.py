"""Feature selection from the wiring of a trained network (BIMTSelector)."""

import copy
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_diabetes, make_classification
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LinearRegression
from sklearn.metrics import mean_squared_error

from skbimt import BIMTClassifier, BIMTRegressor, BIMTSelector
from skbimt._connectivity import DEFAULT_THRESHOLD
from skbimt._parts import path_strengths
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
    return BIMTSelector(vanilla, cv=None).fit(X, y).get_support().sum()


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
        # The main fit succeeds; the held-out check cannot split 200 rows 1000 ways.
        lambda X, y, selector: (X, y, selector.set_params(cv=1000))[:2],
    ],
    ids=["nan", "bad-shapes", "bad-parameter", "unsplittable"],
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
        ({"alpha": 1.5}, ValueError, "'alpha' parameter of BIMTSelector"),
        ({"n_repeats": 0}, ValueError, "'n_repeats' parameter of BIMTSelector"),
        ({"cv": "five"}, ValueError, "'cv' parameter of BIMTSelector"),
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
    return BIMTSelector(reg, cv=None).fit(X, y), X, y


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
    importances = path_strengths(reg)
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


def test_strengths_and_importances_are_the_inputs_the_plot_shows_connected(reg):
    from skbimt.inspection import active_neuron_masks

    connected = active_neuron_masks(reg.scaled_coefs_)[0]
    np.testing.assert_array_equal(path_strengths(reg) > DEFAULT_THRESHOLD, connected)
    assert 0 < path_strengths(reg).max() <= 1
    # Importances by effect: exactly 0 for an input drawn unconnected.
    np.testing.assert_array_equal(reg.feature_importances_[~connected], 0.0)


def test_pruner_is_the_selector_under_its_old_name():
    import skbimt

    with pytest.warns(FutureWarning, match="BIMTPruner was renamed BIMTSelector"):
        assert skbimt.BIMTPruner is BIMTSelector
    assert "BIMTPruner" not in skbimt.__all__


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
    # One warning, the selector's (the estimator's own says the same).
    said = [m for m in messages if "predicts (almost)" in m]
    assert len(said) == 1 and said[0].startswith("BIMTSelector's network")
    assert "Lower the estimator's alpha" in said[0]
    assert not any("Strengthen" in m for m in messages)


# -- the held-out check -------------------------------------------------------


def noise_columns_kept(support):
    return int(support[models.N_INFORMATIVE_COLUMNS :].sum())


@outcome(at_most=2)
def heldout_check_noise_kept(seed):
    return noise_columns_kept(models.checked_selector(seed).get_support())


@outcome(at_least=3)
def heldout_check_informative_kept(seed):
    support = models.checked_selector(seed).get_support()
    return int(support[: models.N_INFORMATIVE_COLUMNS].sum())


@outcome(at_least=2)
def noise_columns_dropped_by_the_heldout_check(seed):
    selector = models.checked_selector(seed)
    wired = path_strengths(selector.estimator_) >= selector.threshold_
    return noise_columns_kept(wired) - noise_columns_kept(selector.get_support())


@pytest.mark.slow
@pytest.mark.trained
def test_the_heldout_check_drops_noise_inputs_the_network_kept_wired():
    # The classifier wires noise columns that help it fit its training rows;
    # silencing them does not raise the loss on held-out rows.
    noise_columns_dropped_by_the_heldout_check.check()
    heldout_check_noise_kept.check()
    # A weak informative column (worth 1-2 % accuracy to any model) may
    # fail the test; the strong ones never do.
    heldout_check_informative_kept.check()


@outcome(at_most=1)
def heldout_check_friedman_selection_errors(seed):
    support = models.checked_friedman_selector(seed).get_support()
    return int(np.sum(support != (np.arange(10) < 5)))


@pytest.mark.slow
@pytest.mark.trained
def test_the_heldout_check_keeps_exactly_friedmans_informative_inputs():
    heldout_check_friedman_selection_errors.check()


def test_the_support_is_wired_and_significant_at_the_current_alpha(task):
    X, y = task[0], task[1]
    selector = BIMTSelector(BIMTRegressor(max_iter=200, random_state=0)).fit(X, y)
    importances = path_strengths(selector.estimator_)
    pvalues = selector.heldout_pvalues_
    assert pvalues.shape == selector.heldout_loss_increase_.shape == (6,)
    assert np.all((pvalues >= 0) & (pvalues <= 1))
    for alpha in (0.0, 0.05, 0.5, 1.0):
        selector.alpha = alpha  # no training again
        np.testing.assert_array_equal(
            selector.get_support(),
            (importances >= DEFAULT_THRESHOLD) & (pvalues <= alpha),
        )
    # max_features takes the most important of the eligible features.
    selector.set_params(alpha=1.0, threshold=0.0, max_features=2)
    eligible = np.argsort(-importances, kind="mergesort")[:2]
    assert sorted(selector.get_support(indices=True)) == sorted(eligible)
    selector.set_params(alpha=0.0)
    assert selector.get_support().sum() <= (pvalues <= 0.0).sum()


def test_cv_none_and_prefit_skip_the_heldout_check(task):
    X, y = task[0], task[1]
    selector = BIMTSelector(BIMTRegressor(max_iter=100, random_state=0)).fit(X, y)
    assert hasattr(selector, "heldout_pvalues_")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "kept all features"
        # A refit without the check forgets the earlier check's results.
        selector.set_params(cv=None).fit(X, y)
        assert not hasattr(selector, "heldout_pvalues_")
        np.testing.assert_array_equal(
            selector.get_support(),
            path_strengths(selector.estimator_) >= DEFAULT_THRESHOLD,
        )
        prefit = BIMTSelector(selector.estimator_, prefit=True).fit(X, y)
    assert not hasattr(prefit, "heldout_loss_increase_")


def test_an_unsplittable_check_says_how_to_skip_it(task):
    X, y = task[0][:20], task[1][:20]
    with pytest.raises(ValueError, match="held-out check could not split.*cv=None"):
        BIMTSelector(BIMTRegressor(max_iter=5), cv=50).fit(X, y)


def test_no_input_passing_the_heldout_check_warns(task, monkeypatch):
    import skbimt._selection

    def nothing_helps(estimator, X, y, **kwargs):
        n_features = np.shape(X)[1]
        return np.zeros(n_features), np.ones(n_features)

    monkeypatch.setattr(skbimt._selection, "heldout_knockout_test", nothing_helps)
    X, y = task[0], task[1]
    with pytest.warns(UserWarning, match="learned nothing that generalizes.*alpha"):
        BIMTSelector(BIMTRegressor(max_iter=100, random_state=0)).fit(X, y)


def test_the_one_sided_test_is_students_t_on_the_rises():
    from scipy import stats

    from skbimt._heldout import _weighted_one_sided_test

    rng = np.random.RandomState(0)
    rises = rng.normal(0.1, 1.0, size=(40, 3))
    rises[:, 1] = 0.0  # silencing changed nothing
    rises[:, 2] = 0.5  # the same rise on every row
    mean, pvalues = _weighted_one_sided_test(rises, np.ones(40))
    expected = stats.ttest_1samp(rises[:, 0], 0.0, alternative="greater").pvalue
    assert pvalues[0] == pytest.approx(expected, rel=1e-10)
    assert pvalues[1] == 1.0 and pvalues[2] == 0.0
    np.testing.assert_allclose(mean, rises.mean(axis=0))
    # A row of weight 2 counts twice in the mean.
    weights = np.ones(40)
    weights[0] = 2.0
    mean, _ = _weighted_one_sided_test(rises, weights)
    doubled = np.vstack([rises, rises[:1]])
    assert mean[0] == pytest.approx(doubled[:, 0].mean(), rel=1e-12)


def test_the_heldout_check_silences_a_token_column_whole():
    from skbimt._heldout import _input_rows, _silence_rows
    from skbimt.inspection import knockout

    rng = np.random.RandomState(0)
    X = rng.randint(0, 5, (100, 3))
    y = np.cos(X[:, 0])
    reg = BIMTRegressor(embedding_dim=2, max_iter=50, random_state=0)
    selector = BIMTSelector(reg, cv=3).fit(X, y)
    assert selector.heldout_pvalues_.shape == (3,)
    assert _input_rows(selector.estimator_) == [[0, 1], [2, 3], [4, 5]]
    # Silencing token 1 is knocking out its two embedding neurons.
    before = [w.copy() for w in selector.estimator_.scaled_coefs_]
    silenced = copy.copy(selector.estimator_)
    _silence_rows(silenced, selector.estimator_, [2, 3])
    for w, w_before in zip(selector.estimator_.scaled_coefs_, before, strict=True):
        np.testing.assert_array_equal(w, w_before)  # the original is untouched
    knocked_out = knockout(selector.estimator_, neurons=[(0, 2), (0, 3)])
    np.testing.assert_array_equal(silenced.predict(X), knocked_out.predict(X))
    assert not np.array_equal(silenced.predict(X), selector.estimator_.predict(X))


def test_the_regressors_heldout_loss_is_in_units_of_the_target(task):
    from skbimt._heldout import _row_losses

    X, y = task[0], task[1]
    reg = BIMTRegressor(max_iter=50, random_state=0).fit(X, y)
    scale = np.array([y.std()])
    np.testing.assert_allclose(
        _row_losses(reg, X, y, scale), ((reg.predict(X) - y) / y.std()) ** 2
    )


def test_a_row_held_out_twice_counts_once(task):
    from sklearn.model_selection import KFold

    from skbimt._heldout import heldout_knockout_test

    X, y = task[0], task[1]
    reg = BIMTRegressor(max_iter=50, random_state=0)
    folds = list(KFold(2).split(X))
    once = heldout_knockout_test(reg, X, y, cv=folds)
    # The same folds twice train the same networks: the rows' mean rises are
    # the same, and so are the mean and the p-values (not twice the rows).
    twice = heldout_knockout_test(reg, X, y, cv=folds + folds)
    np.testing.assert_allclose(twice[0], once[0], rtol=1e-12)
    np.testing.assert_allclose(twice[1], once[1], rtol=1e-12)
