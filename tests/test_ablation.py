"""Knock-outs: modified copies, exact zeros, the paper's module ablation."""

import numpy as np
import pytest
from sklearn.datasets import make_moons
from sklearn.exceptions import NotFittedError
from sklearn.metrics import r2_score
from sklearn.neural_network import MLPClassifier

from skbimt import BIMTClassifier, BIMTRegressor
from skbimt._ablation import knockout, knockout_scores
from skbimt._graph import active_neuron_masks, active_weight_masks
from skbimt.datasets import make_symbolic

SILU_LIPSCHITZ = 1.0998  # max |d/dz z * sigmoid(z)|


@pytest.fixture(scope="module")
def symbolic():
    """Formula (a): y1 = x2^2 + sin(pi x4) and y2 = (x1 + x3)^3 are independent."""
    X, y = make_symbolic("a", n_samples=400, random_state=0)
    reg = BIMTRegressor(max_iter=6000, random_state=0).fit(X, y)
    assert reg.score(X, y) > 0.99
    return reg, X, y


@pytest.fixture(scope="module")
def moons():
    X, y = make_moons(200, noise=0.1, random_state=0)
    clf = BIMTClassifier(hidden_layer_sizes=(10, 10), max_iter=2000, random_state=0)
    return clf.fit(X, y), X, y


def snapshot(estimator):
    return (
        [w.copy() for w in estimator.coefs_],
        [b.copy() for b in estimator.intercepts_],
    )


def assert_parameters_equal(estimator, parameters):
    for got, expected in zip(
        estimator.coefs_ + estimator.intercepts_,
        parameters[0] + parameters[1],
        strict=True,
    ):
        np.testing.assert_array_equal(got, expected)


def test_copy_changes_but_original_does_not(symbolic):
    reg, X, _ = symbolic
    before, parameters = reg.predict(X), snapshot(reg)
    modules_before = [m.copy() for m in reg.modules_]
    knocked = knockout(reg, module=0)
    assert knocked is not reg
    assert np.abs(knocked.predict(X) - before).max() > 0.1
    np.testing.assert_array_equal(reg.predict(X), before)
    assert_parameters_equal(reg, parameters)
    for got, expected in zip(reg.modules_, modules_before, strict=True):
        np.testing.assert_array_equal(got, expected)


def test_zeroing_a_weight_sets_exactly_that_coef(moons):
    clf, X, _ = moons
    coefs, intercepts = snapshot(clf)
    for layer, weight in enumerate(coefs):
        row, col = np.unravel_index(np.abs(weight).argmax(), weight.shape)
        knocked = knockout(clf, weights=[(layer, row, col)])
        expected = [w.copy() for w in coefs]
        expected[layer][row, col] = 0.0
        assert knocked.coefs_[layer][row, col] == 0.0
        assert_parameters_equal(knocked, (expected, intercepts))
        assert not np.allclose(knocked.predict_proba(X), clf.predict_proba(X))
    # Several weights at once; a single tuple works without a list around it.
    both = knockout(clf, weights=[(0, 0, 1), (1, 2, 3)])
    assert both.coefs_[0][0, 1] == both.coefs_[1][2, 3] == 0.0
    assert knockout(clf, weights=(0, 0, 1)).coefs_[0][0, 1] == 0.0


def test_a_knocked_out_neuron_is_disconnected(symbolic):
    reg, X, _ = symbolic
    coefs, intercepts = snapshot(reg)
    knocked = knockout(reg, neurons=[(1, 3), (0, 2)])
    assert not knocked.coefs_[0][:, 3].any() and knocked.intercepts_[0][3] == 0
    assert not knocked.coefs_[1][3].any()
    assert not knocked.coefs_[0][2].any()
    untouched = np.ones_like(coefs[0], dtype=bool)
    untouched[:, 3] = untouched[2] = False
    np.testing.assert_array_equal(knocked.coefs_[0][untouched], coefs[0][untouched])
    np.testing.assert_array_equal(knocked.coefs_[2], coefs[2])
    # An output neuron outputs exactly 0; the other output is unchanged.
    output = knockout(reg, neurons=[(reg.n_layers_ - 1, 0)])
    np.testing.assert_array_equal(output.predict(X)[:, 0], 0.0)
    np.testing.assert_allclose(output.predict(X)[:, 1], reg.predict(X)[:, 1])


def lipschitz_bound(estimator, X, layer, neuron):
    """Largest change of any output from knocking out one input/hidden neuron.

    Silencing neuron ``j`` of ``layer`` changes the next pre-activations by
    ``a_j(x) * W[j, :]``; each later layer multiplies a change of max-norm
    ``e`` by at most ``L * max_k sum_i |W[i, k]|`` (SiLU's Lipschitz constant
    ``L``; the output layer is linear, but ``L > 1`` keeps the bound valid).
    """
    activation = X
    for weight, bias in zip(
        estimator.coefs_[:layer], estimator.intercepts_[:layer], strict=True
    ):
        z = activation @ weight + bias
        activation = z / (1 + np.exp(-z))
    bound = (
        np.abs(activation[:, neuron]).max()
        * np.abs(estimator.coefs_[layer][neuron]).max()
    )
    for weight in estimator.coefs_[layer + 1 :]:
        bound *= SILU_LIPSCHITZ * np.abs(weight).sum(axis=0).max()
    return bound


def test_knocking_out_inactive_neurons_barely_changes_predictions(symbolic):
    # Tolerance: an inactive neuron (module -1) lies on no path of weights
    # above 1% of their layer's largest |w| from an input to an output, so it
    # reaches the outputs only through near-zero weights. The exact budget is
    # the Lipschitz bound above, computed from the trained weights; the
    # knock-out may change the prediction by that much and no more. After
    # BIMT's L1 phase those weights are tiny, so each bound (and the total
    # change) is below 1e-3 of the targets' spread, while knocking out an
    # active module changes the predictions by more than 10% (other tests).
    reg, X, y = symbolic
    before = reg.predict(X)
    scale = y.std()
    inactive = [
        (layer, int(j))
        for layer, modules in enumerate(reg.modules_[:-1])
        for j in np.flatnonzero(modules == -1)
    ]
    assert len(inactive) > 10
    for layer, j in inactive:
        change = np.abs(knockout(reg, neurons=[(layer, j)]).predict(X) - before).max()
        bound = lipschitz_bound(reg, X, layer, j)
        assert change <= bound * (1 + 1e-6) + 1e-12
        assert bound < 1e-3 * scale
    every_inactive = knockout(reg, module=-1).predict(X)
    assert np.abs(every_inactive - before).max() < 1e-3 * scale


def test_module_knockouts_reveal_independent_formulas(symbolic):
    # Figure 5 (right) for formula (a): each module computes one of the two
    # independent targets, so knocking it out ruins that target only.
    reg, X, y = symbolic
    modules = np.unique(np.concatenate(reg.modules_[:-1]))
    modules = modules[modules >= 0]
    assert len(modules) >= 2
    ruined = set()
    for module in modules:
        knocked = knockout(reg, module=int(module))
        prediction = knocked.predict(X)
        r2 = [r2_score(y[:, t], prediction[:, t]) for t in range(2)]
        assert max(r2) > 0.95, (module, r2)
        ruined |= {t for t in range(2) if r2[t] < 0.5}
        # The module's input and hidden neurons are cut off; outputs stay.
        for layer in range(reg.n_layers_ - 1):
            members = np.flatnonzero(reg.modules_[layer] == module)
            assert not knocked.coefs_[layer][members].any()
        np.testing.assert_array_equal(knocked.intercepts_[-1], reg.intercepts_[-1])
    assert ruined == {0, 1}


def test_module_scores_match_the_knocked_out_copies(symbolic):
    reg, X, y = symbolic
    scores = knockout_scores(reg, X, y)
    labels = np.unique(np.concatenate(reg.modules_[:-1]))
    assert sorted(scores) == [int(m) for m in labels if m >= 0]
    for module, score in scores.items():
        assert score == pytest.approx(knockout(reg, module=module).score(X, y))
        assert score < reg.score(X, y)


def test_neuron_and_weight_scores_cover_the_active_network(moons):
    clf, X, y = moons
    by_neuron = knockout_scores(clf, X, y, by="neuron")
    masks = active_neuron_masks(clf.coefs_)
    assert sorted(by_neuron) == [
        (layer, int(j))
        for layer, mask in enumerate(masks[:-1])
        for j in np.flatnonzero(mask)
    ]
    by_weight = knockout_scores(clf, X, y, by="weight")
    assert len(by_weight) == sum(m.sum() for m in active_weight_masks(clf.coefs_))
    key = min(by_weight, key=by_weight.get)
    assert by_weight[key] == knockout(clf, weights=[key]).score(X, y)
    # Appendix C: in the sparse network, some single weight is essential.
    assert min(by_weight.values()) < clf.score(X, y) - 0.05


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({}, "Nothing to knock out"),
        ({"module": 99}, "No neuron belongs to module 99"),
        ({"module": "a"}, "module must be an integer"),
        ({"module": 1.0}, "module must be an integer"),
        ({"neurons": [(9, 0)]}, "Neuron \\(9, 0\\) does not exist"),
        ({"neurons": [(1, 99)]}, "Neuron \\(1, 99\\) does not exist"),
        ({"neurons": [(-1, 0)]}, "does not exist"),
        ({"neurons": [(1,)]}, "neurons must be a list of 2-tuples"),
        ({"neurons": 3}, "neurons must be a list of 2-tuples"),
        ({"neurons": [(1, 0.5)]}, "neurons must be a list of 2-tuples"),
        ({"weights": [(0, 0)]}, "weights must be a list of 3-tuples"),
        ({"weights": [(5, 0, 0)]}, "Weight \\(5, 0, 0\\) does not exist"),
        ({"weights": [(0, 0, 99)]}, "does not exist"),
    ],
)
def test_bad_knockouts_are_refused(moons, kwargs, message):
    clf, _, _ = moons
    with pytest.raises(ValueError, match=message):
        knockout(clf, **kwargs)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_bad_scores_requests_are_refused(moons):
    clf, X, y = moons
    with pytest.raises(ValueError, match="by must be one of"):
        knockout_scores(clf, X, y, by="layer")
    with pytest.raises(NotFittedError):
        knockout(BIMTClassifier(), module=0)
    with pytest.raises(NotFittedError):
        knockout_scores(BIMTRegressor(), X, y)
    other = MLPClassifier(hidden_layer_sizes=(3,), max_iter=5).fit(X, y)
    with pytest.raises(TypeError, match="fitted BIMTRegressor or BIMTClassifier"):
        knockout(other, module=0)
