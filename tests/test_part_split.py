"""split_parts: interactions, groups, the rewired network and the fit option."""

import numpy as np
import pytest

import skbimt._base
from skbimt import BIMTClassifier, BIMTRegressor
from skbimt._engine.network import forward
from skbimt._part_split import (
    N_INTERACTION_ROWS,
    SPLIT_FRACTION,
    SplitNetwork,
    interaction_groups,
    interaction_inputs,
    pair_interactions,
    split_network,
    split_plan,
)
from skbimt._parts import PartStructure, find_part_structure
from skbimt.inspection import find_parts

from .outcomes import outcome


def one_part_network(activation="silu", width=12, used=4, seed=0):
    """Inputs x0-x3 densely wired into ``used`` neurons per hidden layer.

    The other hidden neurons and x4 have no weight at all: one part of four
    inputs, with ``width - used`` spare neurons per layer.
    """
    rng = np.random.default_rng(seed)
    coefs = [np.zeros((5, width)), np.zeros((width, width)), np.zeros((width, 2))]
    signs = rng.choice([-1, 1], (4, used))
    coefs[0][:4, :used] = rng.uniform(0.3, 1, (4, used)) * signs
    coefs[1][:used, :used] = rng.uniform(0.3, 1, (used, used))
    coefs[2][:used] = rng.uniform(0.3, 1, (used, 2))
    intercepts = [rng.normal(size=width), rng.normal(size=width), rng.normal(size=2)]
    return coefs, intercepts, activation


def anchored_sum(coefs, intercepts, activation, groups, X):
    """``sum_g f(x_g, 0) - (n_groups - 1) f(0)``, f the network's output."""
    labels = sorted(set(groups[groups >= 0].tolist()))
    total = -(len(labels) - 1) * forward(coefs, intercepts, activation, 0 * X[:1])
    for g in labels:
        total = total + forward(coefs, intercepts, activation, X * (groups == g))
    return total


def test_split_network_computes_the_anchored_sum_of_its_groups():
    coefs, intercepts, activation = one_part_network()
    structure = find_part_structure(coefs, 0.01)
    groups = np.array([0, 0, 1, 2, -1])
    split = split_network(structure, intercepts, activation, groups)
    X = np.random.default_rng(1).normal(size=(50, 5))
    np.testing.assert_allclose(
        forward(split.coefs, split.intercepts, activation, X),
        anchored_sum(coefs, intercepts, activation, groups, X),
        rtol=1e-10,
        atol=1e-10,
    )
    np.testing.assert_array_equal(split.input_groups, groups)
    for weight, mask in zip(split.coefs, split.masks, strict=True):
        assert np.all(weight[~mask] == 0)
    # No neuron, even through the thinnest weight, serves two groups.
    exact = find_part_structure(split.coefs, 0.0)
    inputs = [set(groups[exact.labels[0] == p]) for p in range(exact.n_parts)]
    assert sorted(map(sorted, inputs)) == [[0], [1], [2]]


def test_split_of_an_additive_network_changes_nothing():
    # With the identity activation the function is linear, hence additive.
    coefs, intercepts, _ = one_part_network(activation="identity")
    structure = find_part_structure(coefs, 0.01)
    split = split_network(structure, intercepts, "identity", np.array([0, 1, 2, 3, -1]))
    X = np.random.default_rng(2).normal(size=(30, 5))
    np.testing.assert_allclose(
        forward(split.coefs, split.intercepts, "identity", X),
        forward(coefs, intercepts, "identity", X),
        atol=1e-10,
    )


def test_a_part_without_spare_neurons_stays_whole():
    coefs, intercepts, activation = one_part_network(width=6)
    structure = find_part_structure(coefs, 0.01)
    split = split_network(structure, intercepts, activation, np.array([0, 1, 2, 3, -1]))
    np.testing.assert_array_equal(split.input_groups, [0, 0, 0, 0, -1])
    X = np.random.default_rng(3).normal(size=(20, 5))
    np.testing.assert_allclose(
        forward(split.coefs, split.intercepts, activation, X),
        forward(coefs, intercepts, activation, X),
        atol=1e-10,
    )


def test_interactions_vanish_exactly_for_an_additive_part():
    coefs, intercepts, _ = one_part_network(activation="identity")
    structure = find_part_structure(coefs, 0.01)
    X = np.random.default_rng(4).normal(size=(100, 5))
    interactions = pair_interactions(structure, intercepts, "identity", X)
    assert sorted(interactions) == [(i, j) for i in range(4) for j in range(i + 1, 4)]
    assert max(interactions.values()) < 1e-20
    interactions = pair_interactions(structure, intercepts, "silu", X)
    assert min(interactions.values()) > 1e-6


def test_interaction_is_the_mean_squared_mixed_difference_over_the_variance():
    # silu(x0 + x1) - silu(x0 - x1), against the definition spelled out.
    coefs = [np.array([[1.0, 1.0], [1.0, -1.0]]), np.array([[1.0], [-1.0]])]
    intercepts = [np.zeros(2), np.zeros(1)]
    structure = find_part_structure(coefs, 0.01)
    X = np.random.default_rng(5).uniform(-1, 1, (400, 2))
    (value,) = pair_interactions(structure, intercepts, "silu", X).values()

    def f(x0, x1):
        return forward(coefs, intercepts, "silu", np.column_stack([x0, x1]))[:, 0]

    rng = np.random.default_rng(0)  # the same re-pairings as pair_interactions
    orders = [rng.permutation(400) for _ in range(4)]
    x0, x1 = X.T
    mixed = [f(x0[o], x1[o]) - f(x0[o], x1) - f(x0, x1[o]) + f(x0, x1) for o in orders]
    expected = np.mean([np.mean(d**2) for d in mixed]) / 4 / f(x0, x1).var()
    assert value == pytest.approx(expected, rel=1e-10)


def part_of(labels):
    labels = [np.array(labels), np.array([-1])]
    return PartStructure(None, labels, int(max(labels[0])) + 1, None, 0)


@pytest.mark.parametrize(
    "budget, expected",
    [
        (1.0, [0, 1, 2, 3, -1]),  # everything may be cut
        (0.01, [0, 0, 1, 2, -1]),  # cutting 0.004 + 0.003 + 0.002
        (0.006, [0, 0, 1, 1, -1]),  # (2, 3) joined too: 0.005 left
        (0.004, [0, 0, 0, 0, -1]),  # (0, 2) joins them all
    ],
)
def test_groups_join_the_strongest_pairs_until_the_cut_fits_the_budget(
    budget, expected
):
    interactions = {(0, 1): 0.2, (2, 3): 0.004, (0, 2): 0.003, (1, 3): 0.002}
    groups = interaction_groups(part_of([0, 0, 0, 0, -1]), interactions, budget)
    np.testing.assert_array_equal(groups, expected)


def test_groups_never_join_inputs_of_different_parts():
    groups = interaction_groups(part_of([0, 1, 0, 1]), {(0, 2): 0.5, (1, 3): 0.0})
    np.testing.assert_array_equal(groups, [0, 1, 0, 2])


def test_nothing_to_split_when_every_part_has_one_input():
    coefs = [np.diag([1.0, 2.0]), np.array([[1.0], [1.0]])]
    intercepts = [np.zeros(2), np.zeros(1)]
    X = np.random.default_rng(6).normal(size=(30, 2))
    assert split_plan(coefs, intercepts, "silu", X, 0.01) is None


def test_interaction_inputs_are_evenly_spaced_dense_rows_as_the_network_reads():
    from scipy.sparse import csr_matrix

    X = np.arange(2000.0).reshape(1000, 2)
    rows = interaction_inputs(csr_matrix(X))
    assert rows.shape == (N_INTERACTION_ROWS, 2) and isinstance(rows, np.ndarray)
    np.testing.assert_array_equal(rows[[0, -1]], X[[0, -1]])
    tokens = np.array([[0, 2], [1, 1]])
    embedding = np.arange(6.0).reshape(3, 2)
    np.testing.assert_array_equal(
        interaction_inputs(tokens, embedding), [[0, 1, 4, 5], [2, 3, 2, 3]]
    )


# -- the estimator option ----------------------------------------------------


def forced_split(monkeypatch):
    """Make fit split with fixed masks, whatever the network learned.

    Every other weight is held at zero (the first matrix keeps x0-x2 apart
    from x3 and x4), so the contract checks do not depend on training.
    """
    plans = []

    def plan(coefs, intercepts, activation, inputs, threshold):
        rng = np.random.default_rng(0)
        masks = [rng.uniform(size=w.shape) < 0.5 for w in coefs]
        split = SplitNetwork(
            [np.where(m, w, 0.0) for w, m in zip(coefs, masks, strict=True)],
            [b.copy() for b in intercepts],
            masks,
            np.zeros(coefs[0].shape[0], dtype=int),
        )
        plans.append(split)
        return split

    monkeypatch.setattr(skbimt._base, "split_plan", plan)
    return plans


@pytest.mark.parametrize("Estimator", [BIMTRegressor, BIMTClassifier])
def test_split_training_holds_the_masked_weights_at_exactly_zero(
    Estimator, monkeypatch
):
    plans = forced_split(monkeypatch)
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (80, 5))
    y = X[:, 0] + X[:, 1] ** 2 > 0.3
    if Estimator is BIMTRegressor:
        y = X[:, 0] + X[:, 1] ** 2
    model = Estimator(hidden_layer_sizes=(6, 6), max_iter=200, tol=None, random_state=0)
    model.set_params(split_parts=True).fit(X, y)
    (split,) = plans
    assert model.n_iter_ == 200 + round(SPLIT_FRACTION * 200)
    assert len(model.loss_curve_) == len(model.connection_cost_curve_) == 220
    for weight, folded, mask in zip(
        model.scaled_coefs_, model.coefs_, split.masks, strict=True
    ):
        assert np.all(weight[~mask] == 0) and np.all(folded[~mask] == 0)
        assert np.count_nonzero(weight[mask]) > 0.9 * mask.sum()
    # Every weight left counts: the parts at threshold 0 are what predicts.
    if Estimator is BIMTRegressor:
        parts = find_parts(model, threshold=0.0)
        np.testing.assert_allclose(parts.predict(X), model.predict(X), atol=1e-6)


def test_without_split_parts_nothing_is_split(monkeypatch):
    plans = forced_split(monkeypatch)
    X = np.random.default_rng(0).uniform(-1, 1, (60, 3))
    reg = BIMTRegressor(hidden_layer_sizes=(4,), max_iter=100, tol=None)
    reg.fit(X, X[:, 0])
    assert plans == [] and reg.n_iter_ == 100


def test_split_parts_with_early_stopping_and_sparse_input(monkeypatch):
    from scipy.sparse import csr_matrix

    forced_split(monkeypatch)
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (100, 5))
    reg = BIMTRegressor(
        hidden_layer_sizes=(6, 6),
        max_iter=300,
        early_stopping=True,
        split_parts=True,
        random_state=0,
    ).fit(csr_matrix(X), X[:, 0] - X[:, 2])
    assert len(reg.validation_scores_) >= 1
    assert np.isfinite(reg.predict(X)).all()


def test_split_parts_runs_with_token_input():
    from skbimt.datasets import make_modular_addition

    X, y = make_modular_addition(5)
    clf = BIMTClassifier(
        hidden_layer_sizes=(8,), embedding_dim=2, max_iter=100, split_parts=True
    ).fit(X, y)
    assert clf.predict(X).shape == y.shape


# -- what training finds ------------------------------------------------------


@outcome(at_least=1)
def additive_groups_found(seed):
    """1 when a split network's parts are exactly ``{x0}, {x1, x2}, {x3}``.

    Both as drawn and counting every weight that is not exactly zero.
    """
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (600, 6))
    y = X[:, 0] ** 2 + X[:, 1] * X[:, 2] + np.sin(np.pi * X[:, 3])
    reg = BIMTRegressor(split_parts=True, random_state=seed).fit(X, y)
    found = [
        sorted(idx.tolist() for idx in find_parts(reg, threshold=t).input_indices)
        for t in (0.01, 0.0)
    ]
    return float(found[0] == found[1] == [[0], [1, 2], [3]])


@pytest.mark.trained
@pytest.mark.slow
def test_split_parts_finds_the_additive_groups():
    additive_groups_found.check()
