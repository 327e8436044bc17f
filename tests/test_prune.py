"""Pruning, the pruning frontier and feature selection from BIMT wiring."""

import copy
import math

import numpy as np
import pytest
from sklearn.datasets import make_moons
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LinearRegression
from sklearn.metrics import accuracy_score, log_loss, mean_squared_error

from skbimt import BIMTClassifier, BIMTRegressor, active_neuron_masks
from skbimt._graph import active_weight_masks
from skbimt._prune import BIMTPruner, PruningFrontier, prune, pruning_frontier

INFORMATIVE = [1, 4]
NAMES = ["a", "b", "c", "d", "e", "f"]


def noisy_task(n_samples=300, seed=0):
    """y depends on features 1 and 4 only; the other four are pure noise."""
    rng = np.random.RandomState(seed)
    X = rng.uniform(-1, 1, (n_samples, 6))
    y = np.sin(np.pi * X[:, 1]) + X[:, 4] ** 2
    return X, y


@pytest.fixture(scope="module")
def task():
    X, y = noisy_task()
    return X[:200], y[:200], X[200:], y[200:]


@pytest.fixture(scope="module")
def selector(task):
    """A pruner that trains BIMT with the paper's schedule (half its steps)."""
    X, y, _, _ = task
    pruner = BIMTPruner(BIMTRegressor(max_iter=10000, random_state=0))
    return pruner.fit(X, y)


@pytest.fixture(scope="module")
def reg(selector):
    return selector.estimator_


@pytest.fixture(scope="module")
def clf():
    X, y = make_moons(150, noise=0.1, random_state=0)
    labels = np.array(["left", "right"])[y]
    return BIMTClassifier(max_iter=300, random_state=0).fit(X, labels), X, labels


def n_parameters(est):
    return sum(p.size for p in est.coefs_ + est.intercepts_)


def n_nonzero(est):
    return sum(
        int(np.count_nonzero(w)) + int(np.count_nonzero(b))
        for w, b in zip(est.coefs_, est.intercepts_, strict=True)
    )


def with_parameters(est, coefs, intercepts):
    """Copy of ``est`` holding the given parameters."""
    other = copy.deepcopy(est)
    other._set_parameters(coefs, intercepts)
    return other


# -- prune ---------------------------------------------------------------------


@pytest.mark.parametrize("kwargs", [{"threshold": 0.05}, {"n_keep": 30}])
def test_prune_returns_a_copy_and_leaves_the_original_alone(reg, task, kwargs):
    X = task[2]
    coefs = [w.copy() for w in reg.coefs_]
    intercepts = [b.copy() for b in reg.intercepts_]
    prediction = reg.predict(X)
    modules = [m.copy() for m in reg.modules_]  # fills the cache

    pruned = prune(reg, **kwargs)

    assert pruned is not reg and type(pruned) is type(reg)
    current = reg.coefs_ + reg.intercepts_
    for before, now in zip(coefs + intercepts, current, strict=True):
        np.testing.assert_array_equal(before, now)
    np.testing.assert_array_equal(reg.predict(X), prediction)
    for before, now in zip(modules, reg.modules_, strict=True):
        np.testing.assert_array_equal(before, now)
    assert n_nonzero(pruned) < n_nonzero(reg)
    # The copy predicts with its own pruned parameters.
    for weight, param in zip(pruned.coefs_, pruned.module_.weights, strict=True):
        np.testing.assert_array_equal(weight, param.detach().numpy())
    assert not np.array_equal(pruned.predict(X), prediction)


@pytest.mark.parametrize("n_keep", [0, 1, 17, 100])
def test_n_keep_keeps_exactly_the_largest_parameters(reg, n_keep):
    pruned = prune(reg, n_keep=n_keep)
    assert n_nonzero(pruned) == n_keep
    values = np.concatenate([np.ravel(p) for p in reg.coefs_ + reg.intercepts_])
    kept = np.concatenate([np.ravel(p) for p in pruned.coefs_ + pruned.intercepts_])
    # Kept parameters hold their original value; every pruned one is smaller.
    np.testing.assert_array_equal(kept[kept != 0], values[kept != 0])
    if 0 < n_keep:
        assert np.abs(values[kept == 0]).max() <= np.abs(values[kept != 0]).min()


def test_n_keep_equal_to_all_parameters_changes_nothing(reg, task):
    pruned = prune(reg, n_keep=n_parameters(reg))
    np.testing.assert_array_equal(pruned.predict(task[2]), reg.predict(task[2]))


def test_n_keep_breaks_ties_to_keep_exactly_n_keep(reg):
    ones = with_parameters(
        reg,
        [np.ones_like(w) for w in reg.coefs_],
        [np.ones_like(b) for b in reg.intercepts_],
    )
    pruned = prune(ones, n_keep=7)
    assert n_nonzero(pruned) == 7
    # Ties go to the parameters that come first: the first weights of layer 0.
    np.testing.assert_array_equal(pruned.coefs_[0].ravel()[:7], 1.0)


def test_relative_threshold_keeps_exactly_the_active_weights(reg):
    threshold = 0.02
    pruned = prune(reg, threshold)
    masks = active_weight_masks(reg.coefs_, threshold)
    for weight, mask in zip(pruned.coefs_, masks, strict=True):
        np.testing.assert_array_equal(weight != 0, mask)
    # Biases are cut against the largest weight of the matrix feeding them.
    for weight, bias, cut in zip(
        reg.coefs_, reg.intercepts_, pruned.intercepts_, strict=True
    ):
        np.testing.assert_array_equal(
            cut != 0, np.abs(bias) > threshold * np.abs(weight).max()
        )
    # Removing what is invisible leaves the visible structure and the fit.
    for before, after in zip(
        active_neuron_masks(reg.coefs_, threshold),
        active_neuron_masks(pruned.coefs_, threshold),
        strict=True,
    ):
        np.testing.assert_array_equal(before, after)


def test_threshold_boundary_relative_and_absolute(reg):
    # One hand-made network: the first matrix's largest |w| is 2, the second's 8.
    coefs = [np.zeros_like(w) for w in reg.coefs_]
    intercepts = [np.zeros_like(b) for b in reg.intercepts_]
    coefs[0][0, :4] = [2.0, -0.5, 0.75, 0.25]
    coefs[1][0, :3] = [8.0, -2.0, 2.5]
    intercepts[0][:3] = [0.5, -0.75, 2.0]
    intercepts[1][:2] = [2.0, 3.0]
    net = with_parameters(reg, coefs, intercepts)

    relative = prune(net, 0.25)  # cuts at 0.5 in layer 0 and 2 in layer 1
    np.testing.assert_array_equal(relative.coefs_[0][0, :4], [2.0, 0.0, 0.75, 0.0])
    np.testing.assert_array_equal(relative.coefs_[1][0, :3], [8.0, 0.0, 2.5])
    np.testing.assert_array_equal(relative.intercepts_[0][:3], [0.0, -0.75, 2.0])
    np.testing.assert_array_equal(relative.intercepts_[1][:2], [0.0, 3.0])

    absolute = prune(net, 0.5, relative=False)  # cuts at 0.5 everywhere
    np.testing.assert_array_equal(absolute.coefs_[0][0, :4], [2.0, 0.0, 0.75, 0.0])
    np.testing.assert_array_equal(absolute.coefs_[1][0, :3], [8.0, -2.0, 2.5])
    np.testing.assert_array_equal(absolute.intercepts_[0][:3], [0.0, -0.75, 2.0])
    assert n_nonzero(absolute) == 9 and n_nonzero(relative) == 7


def test_zero_threshold_changes_nothing(reg):
    for relative in (True, False):
        pruned = prune(reg, 0.0, relative=relative)
        before = reg.coefs_ + reg.intercepts_
        after = pruned.coefs_ + pruned.intercepts_
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
    assert n_nonzero(prune(reg, 1e9, relative=False)) == 0


def test_prune_needs_a_fitted_bimt_estimator():
    with pytest.raises(NotFittedError, match="prune needs a fitted estimator.*fit"):
        prune(BIMTRegressor(), 0.01)
    X, y = noisy_task(50)
    with pytest.raises(TypeError, match="BIMTRegressor or BIMTClassifier.*Linear"):
        prune(LinearRegression().fit(X, y), 0.01)


# -- pruning_frontier ------------------------------------------------------------


def test_frontier_endpoints_for_a_regressor(reg, task):
    _, _, X, y = task
    frontier = pruning_frontier(reg, X, y)
    assert isinstance(frontier, PruningFrontier)
    assert frontier.n_parameters[0] == 0
    assert frontier.n_parameters[-1] == n_parameters(reg)
    # All parameters kept: exactly the estimator's own test loss.
    assert frontier.loss[-1] == mean_squared_error(y, reg.predict(X))
    # None kept: the network outputs 0.
    assert frontier.loss[0] == pytest.approx(np.mean(y**2), rel=1e-12)
    # A trained BIMT network needs its largest parameters.
    assert frontier.loss[0] > 100 * frontier.loss[-1]


@pytest.mark.parametrize("spacing", ["log", "linear"])
def test_frontier_counts_increase_and_match_prune(reg, task, spacing):
    _, _, X, y = task
    frontier = pruning_frontier(reg, X, y, n_points=12, spacing=spacing)
    counts = frontier.n_parameters
    assert counts.dtype.kind == "i" and len(counts) == len(frontier.loss) <= 12
    assert np.all(np.diff(counts) > 0)
    if spacing == "linear":
        np.testing.assert_array_equal(
            counts, np.round(np.linspace(0, n_parameters(reg), 12)).astype(int)
        )
    for i in (1, len(counts) // 2, len(counts) - 2):
        pruned = prune(reg, n_keep=int(counts[i]))
        assert frontier.loss[i] == mean_squared_error(y, pruned.predict(X))


def test_frontier_leaves_the_estimator_alone(reg, task):
    _, _, X, y = task
    prediction = reg.predict(X)
    module, coefs = reg.module_, reg.coefs_
    pruning_frontier(reg, X, y, n_points=5)
    np.testing.assert_array_equal(reg.predict(X), prediction)
    assert reg.module_ is module and reg.coefs_ is coefs


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


# -- BIMTPruner ----------------------------------------------------------------


def test_pruner_drops_the_noise_features_and_keeps_the_informative(selector, task):
    expected = np.zeros(6, dtype=bool)
    expected[INFORMATIVE] = True
    np.testing.assert_array_equal(selector.get_support(), expected)
    np.testing.assert_array_equal(selector.get_support(indices=True), INFORMATIVE)
    # ... from a network that learned the function.
    _, _, X_test, y_test = task
    assert selector.estimator_.score(X_test, y_test) > 0.99
    # The pruned network keeps its fit.
    assert prune(selector.estimator_, selector.threshold).score(X_test, y_test) > 0.99
    # fit trained a clone: the estimator passed in stays unfitted.
    assert not hasattr(selector.estimator, "coefs_")


def test_without_connection_cost_every_feature_stays(task):
    X, y, _, _ = task
    vanilla = BIMTRegressor(
        lambda_schedule=0.0, swap_every=None, max_iter=10000, random_state=0
    )
    assert BIMTPruner(vanilla).fit(X, y).get_support().all()


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


def test_prefit_reads_the_fitted_network_without_training(reg, task):
    X, y, _, _ = task
    pruner = BIMTPruner(reg, prefit=True).fit(X)  # y is not needed
    assert pruner.estimator_ is not reg
    assert pruner.estimator_.n_iter_ == reg.n_iter_
    for a, b in zip(pruner.estimator_.coefs_, reg.coefs_, strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(pruner.get_support(indices=True), INFORMATIVE)
    # Another threshold on the same network, no training.
    loose = BIMTPruner(reg, threshold=0.0, prefit=True).fit(X, y)
    assert loose.get_support().sum() > 2
    with pytest.raises(ValueError, match="X has 5 features"):
        BIMTPruner(reg, prefit=True).fit(X[:, :5])


def test_prefit_needs_a_fitted_estimator(task):
    X, y, _, _ = task
    pruner = BIMTPruner(BIMTRegressor(), prefit=True)
    with pytest.raises(NotFittedError, match="prefit=True, estimator must already"):
        pruner.fit(X, y)
    with pytest.raises(NotFittedError):
        BIMTPruner(BIMTRegressor()).transform(X)


def test_pandas_names_and_set_output(reg, task):
    pd = pytest.importorskip("pandas")
    X, y, X_test, _ = task
    frame = pd.DataFrame(X, columns=NAMES)
    test_frame = pd.DataFrame(X_test, columns=NAMES)
    named = with_parameters(reg, reg.coefs_, reg.intercepts_)
    named.feature_names_in_ = np.array(NAMES, dtype=object)
    pruner = BIMTPruner(named, prefit=True).fit(frame)
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
    pruner = BIMTPruner(BIMTRegressor(max_iter=20, random_state=0)).fit(frame, y)
    assert pruner.estimator_.neuron_labels()[0] == NAMES
    assert set(pruner.get_feature_names_out()) <= set(NAMES)


def test_pruner_works_with_a_classifier_and_string_labels(clf):
    _, X, labels = clf
    pruner = BIMTPruner(BIMTClassifier(max_iter=300, random_state=0)).fit(X, labels)
    assert list(pruner.estimator_.classes_) == ["left", "right"]
    np.testing.assert_array_equal(pruner.get_support(), [True, True])


def test_an_input_wired_only_to_a_dead_end_is_dropped(reg, task):
    # Wire noise feature 0 strongly to hidden neuron h, whose outputs are cut:
    # the weight is visible, but no path carries x0 to the output.
    X = task[2]
    h = int(np.flatnonzero(~active_neuron_masks(reg.coefs_)[1])[0])
    coefs = [w.copy() for w in reg.coefs_]
    coefs[0][0, h] = np.abs(coefs[0]).max()
    coefs[1][h, :] = 0.0
    wired = with_parameters(reg, coefs, reg.intercepts_)
    assert active_weight_masks(wired.coefs_)[0][0].any()
    pruner = BIMTPruner(wired, prefit=True).fit(X)
    np.testing.assert_array_equal(pruner.get_support(indices=True), INFORMATIVE)


def test_no_surviving_feature_warns(reg, task):
    X = task[2]
    coefs = [np.zeros_like(reg.coefs_[0])] + reg.coefs_[1:]
    cut = with_parameters(reg, coefs, reg.intercepts_)
    with pytest.warns(UserWarning, match="No input feature reaches an output"):
        pruner = BIMTPruner(cut, prefit=True).fit(X)
    assert not pruner.get_support().any()
    with pytest.warns(UserWarning, match="No features were selected"):
        assert pruner.transform(X).shape == (len(X), 0)


@pytest.mark.parametrize(
    "params, error, message",
    [
        ({"threshold": 1.0}, ValueError, "'threshold' parameter of BIMTPruner"),
        ({"threshold": -0.01}, ValueError, "'threshold' parameter of BIMTPruner"),
        ({"prefit": "yes"}, ValueError, "'prefit' parameter of BIMTPruner"),
    ],
)
def test_pruner_bad_parameters(task, params, error, message):
    X, y, _, _ = task
    with pytest.raises(error, match=message):
        BIMTPruner(BIMTRegressor(max_iter=5), **params).fit(X, y)


def test_pruner_refuses_other_estimators_and_missing_y(task):
    X, y, _, _ = task
    with pytest.raises(TypeError, match="BIMTRegressor or BIMTClassifier.*Select"):
        BIMTPruner(LinearRegression()).fit(X, y)
    with pytest.raises(ValueError, match="requires y to be passed"):
        BIMTPruner(BIMTRegressor(max_iter=5)).fit(X)


def test_token_input_prunes_embeddings_and_selects_tokens():
    # Three token columns over 5 ids; y reads tokens 0 and 2, token 1 is noise.
    rng = np.random.RandomState(0)
    X = rng.randint(0, 5, (300, 3))
    y = rng.normal(size=5)[X[:, 0]] + np.cos(X[:, 2])
    reg = BIMTRegressor(embedding_dim=2, max_iter=3000, random_state=0)
    selector = BIMTPruner(reg).fit(X, y)
    np.testing.assert_array_equal(selector.get_support(), [True, False, True])
    np.testing.assert_array_equal(selector.transform(X), X[:, [0, 2]])

    model = selector.estimator_
    total = n_parameters(model) + model.embedding_.size  # 581 + 5 * 2
    pruned = prune(model, n_keep=30)
    assert n_nonzero(pruned) + np.count_nonzero(pruned.embedding_) == 30
    assert np.count_nonzero(model.embedding_) == model.embedding_.size
    frontier = pruning_frontier(model, X, y, n_points=5)
    assert frontier.n_parameters[-1] == total
    assert frontier.loss[-1] == mean_squared_error(y, model.predict(X))
    assert frontier.loss[0] == pytest.approx(np.mean(y**2), rel=1e-12)
    with pytest.raises(ValueError, match="weights, biases and embedding entries"):
        prune(model, n_keep=total + 1)
