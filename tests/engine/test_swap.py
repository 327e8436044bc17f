"""The swap search: the naive greedy decisions, fast; ties, groups, atomicity."""

import numpy as np
import pytest
import torch

from skbimt import BIMTRegressor
from skbimt._engine import swap as swap_module
from skbimt._engine.cost import fill_flat_lengths
from skbimt._engine.geometry import Geometry, NeuronLayer, line_slots
from skbimt._engine.network import FlatLayout
from skbimt._engine.swap import (
    neuron_scores,
    placement_cost,
    swap_pass,
    swappable_layers,
)
from skbimt._engine.training import _absolute_weights, geometry_distances
from skbimt.datasets import paper_settings

from ..oracles import swap_pass_naive, weight_cost_numpy
from ..outcomes import outcome


def random_abs_weights(layer_sizes, rng):
    # Sparse, heavy-tailed weights like a network under L1 pressure, so that
    # scores and costs have no ties.
    weights = []
    for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        w = rng.standard_cauchy((n_in, n_out))
        w[rng.uniform(size=w.shape) < 0.5] *= 1e-3
        weights.append(np.abs(w))
    return weights


@pytest.mark.parametrize(
    "layer_sizes, k, swap_inputs, swap_outputs",
    [
        ([2, 20, 20, 2], 10, True, True),
        ([4, 20, 20, 2], 6, True, True),
        ([5, 7, 3], 2, False, True),
        ([6, 12, 9, 8, 3], 30, True, False),
        ([10, 16, 4], 5, False, False),
    ],
)
@pytest.mark.parametrize("norm", ["l1", "l2"])
def test_fast_search_makes_the_naive_greedy_decisions(
    layer_sizes, k, swap_inputs, swap_outputs, norm
):
    rng = np.random.RandomState(sum(layer_sizes) + k)
    fast = Geometry.stacked(layer_sizes, width=2.0, spacing=0.1, norm=norm)
    naive = Geometry.stacked(layer_sizes, width=2.0, spacing=0.1, norm=norm)
    layers = swappable_layers(fast, swap_inputs, swap_outputs)
    total_swaps = 0
    for _ in range(4):  # several passes, each starting where the last ended
        weights = random_abs_weights(layer_sizes, rng)
        n_fast = swap_pass(fast, weights, k, layers)
        n_naive = swap_pass_naive(naive, weights, k, layers)
        assert n_fast == n_naive
        total_swaps += n_fast
        for a, b in zip(fast.get_state(), naive.get_state(), strict=True):
            np.testing.assert_array_equal(a, b)
    assert total_swaps > 0  # the comparison exercised real swaps
    if not swap_inputs:
        np.testing.assert_array_equal(
            fast.layers[0].assignment, np.arange(layer_sizes[0])
        )
    if not swap_outputs:
        np.testing.assert_array_equal(
            fast.layers[-1].assignment, np.arange(layer_sizes[-1])
        )


def test_swap_pass_never_increases_the_weight_cost():
    rng = np.random.RandomState(0)
    geometry = Geometry.stacked([6, 15, 15, 4], width=2.0, spacing=0.1)
    weights = random_abs_weights([6, 15, 15, 4], rng)
    before = weight_cost_numpy(geometry, weights)
    assert swap_pass(geometry, weights, 5, swappable_layers(geometry)) > 0
    assert weight_cost_numpy(geometry, weights) < before


@pytest.mark.parametrize("n_tokens", [0, 2])
def test_swap_search_sees_the_input_cost_the_training_pays(n_tokens):
    # The swap search prices wires from |W| per connection; with input_cost
    # the first matrix must be priced as the training loop's flat lengths
    # price it, token blocks included, or swaps would chase a different cost.
    layer_sizes = [6, 5, 4]
    tokens = {"n_tokens": n_tokens, "vocab_size": 7} if n_tokens else {}
    layout = FlatLayout(layer_sizes, **tokens)
    geometry = Geometry.stacked(layer_sizes, 2.0, 0.5, n_tokens=n_tokens or None)
    flat = torch.tensor(np.random.RandomState(4).standard_cauchy(layout.size))
    lengths = fill_flat_lengths(
        torch.empty_like(flat),
        layout,
        geometry_distances(geometry),
        0.5,
        input_cost=3.0,
    )
    for view in layout.biases(lengths):
        view.zero_()
    if n_tokens:
        lengths[layout.embedding_slice] = 0
    flat_cost = torch.dot(lengths, flat.abs()).item()
    priced = _absolute_weights(layout, flat, input_cost=3.0)
    assert weight_cost_numpy(geometry, priced) == pytest.approx(flat_cost, rel=1e-12)
    plain = _absolute_weights(layout, flat)
    assert weight_cost_numpy(geometry, plain) < flat_cost


def test_placement_cost_is_the_wiring_cost_of_one_neuron():
    rng = np.random.RandomState(1)
    geometry = Geometry.stacked([3, 5, 4], width=2.0, spacing=0.1)
    geometry.swap(0, 0, 2)
    weights = random_abs_weights([3, 5, 4], rng)
    cost = placement_cost(geometry, weights, 1)
    # Neuron 2 of the hidden layer at its own slot: sum of d|w| of its weights.
    own = geometry.layers[1].assignment[2]
    direct = (geometry.distance(0)[:, 2] * weights[0][:, 2]).sum() + (
        geometry.distance(1)[2, :] * weights[1][2, :]
    ).sum()
    assert cost[2, own] == pytest.approx(direct)


def test_scores_are_eq_5():
    rng = np.random.RandomState(2)
    geometry = Geometry.stacked([3, 5, 4], width=2.0, spacing=0.1)
    weights = random_abs_weights([3, 5, 4], rng)
    np.testing.assert_allclose(
        neuron_scores(geometry, weights, 1),
        weights[0].sum(axis=0) + weights[1].sum(axis=1),
    )
    np.testing.assert_allclose(neuron_scores(geometry, weights, 0), weights[0].sum(1))


def slot_ordered_network(estimator):
    """The fitted network with every layer's neurons sorted by slot."""
    occupants = [layer.occupants() for layer in estimator.geometry_.layers]
    coefs = [
        w[np.ix_(occupants[i], occupants[i + 1])]
        for i, w in enumerate(estimator.coefs_)
    ]
    intercepts = [b[occupants[i + 1]] for i, b in enumerate(estimator.intercepts_)]
    return coefs, intercepts, occupants


def swapped_regressor(seed):
    rng = np.random.RandomState(seed)
    X = rng.uniform(-1, 1, (300, 4))
    y = np.column_stack([X[:, 1] ** 2, X[:, 0] * X[:, 2]])
    settings = {**paper_settings("symbolic"), "max_iter": 1500, "swap_every": 100}
    return BIMTRegressor(**settings, random_state=seed).fit(X, y), X


@outcome(at_least=1)
def swaps_made_in_1500_steps(seed):
    reg, _ = swapped_regressor(seed)
    return reg.swap_counts_.sum()


@pytest.mark.trained
def test_swaps_never_change_the_function():
    swaps_made_in_1500_steps.check()
    reg, X = swapped_regressor(0)
    # The network's function, not predict's clip to the training range.
    reg.set_params(clip_predictions=False)
    rng = np.random.RandomState(0)
    assert any(
        not np.array_equal(layer.assignment, np.arange(layer.n_neurons))
        for layer in reg.geometry_.layers
    )
    # The network as drawn (neurons in slot order, inputs and outputs moved
    # too) computes what the estimator predicts, once the permutation of the
    # inputs and outputs is undone.
    coefs, intercepts, occupants = slot_ordered_network(reg)
    h = X[:, occupants[0]]
    for i, (w, b) in enumerate(zip(coefs, intercepts, strict=True)):
        h = h @ w + b
        if i < len(coefs) - 1:
            h = h * (1 / (1 + np.exp(-h)))
    expected = np.empty_like(h)
    expected[:, occupants[-1]] = h
    np.testing.assert_allclose(reg.predict(X), expected, rtol=1e-10, atol=1e-12)

    # An extra swap pass moves neurons but leaves predictions untouched.
    before = reg.predict(X)
    weights = [np.abs(w) for w in reg.coefs_]
    geometry = reg.geometry_
    scrambled = [rng.permutation(layer.n_neurons) for layer in geometry.layers]
    geometry.set_state(scrambled)
    assert swap_pass(geometry, weights, 6, swappable_layers(geometry)) > 0
    np.testing.assert_array_equal(reg.predict(X), before)


def two_token_geometry(norm="l1", groups=None):
    """Two embeddings tied on one input line, as for token inputs."""

    def line(n, height, **kwargs):
        return np.column_stack([line_slots(n, 2.0)[:, 0], np.full(n, height)])

    layers = [
        NeuronLayer(line(5, 0.0), "token_a"),
        NeuronLayer(line(5, 0.0), "token_b"),
        NeuronLayer(line(6, 0.5), "hidden", swap_groups=groups),
        NeuronLayer(line(3, 1.0), "output"),
    ]
    return Geometry(layers, [(0, 2), (1, 2), (2, 3)], norm=norm, ties=[[0, 1]])


@pytest.mark.parametrize("norm", ["l1", "l2"])
def test_tied_layers_and_swap_groups_match_the_naive_search(norm):
    rng = np.random.RandomState(5)
    groups = [0, 0, 0, 1, 1, 1]
    fast, naive = two_token_geometry(norm, groups), two_token_geometry(norm, groups)
    layers = swappable_layers(fast)
    assert layers == [0, 2, 3]  # the tie is searched once, from its first layer
    total = 0
    for _ in range(4):
        weights = random_abs_weights([5, 6, 3], rng)
        weights.insert(1, random_abs_weights([5, 6], rng)[0])
        total += swap_pass(fast, weights, 4, layers)
        swap_pass_naive(naive, weights, 4, layers)
        for a, b in zip(fast.get_state(), naive.get_state(), strict=True):
            np.testing.assert_array_equal(a, b)
    assert total > 0
    # Tied layers moved together, and each head's neurons fill one group.
    np.testing.assert_array_equal(fast.layers[0].assignment, fast.layers[1].assignment)
    hidden = fast.layers[2].assignment
    assert {frozenset(hidden[:3]), frozenset(hidden[3:])} == {
        frozenset({0, 1, 2}),
        frozenset({3, 4, 5}),
    }


def test_whole_groups_swap_when_no_single_neuron_can():
    # Two heads of two neurons; head 0 (slots 0-1, left) is wired to the right
    # input and head 1 to the left one. Moving one neuron across heads is
    # forbidden, so only exchanging the heads shortens the wiring.
    def line(xs, height):
        return np.column_stack([xs, np.full(len(xs), height)])

    def build():
        layers = [
            NeuronLayer(line([0.0, 3.0], 0.0), "input", swappable=False),
            NeuronLayer(
                line([0.0, 1.0, 2.0, 3.0], 1.0), "heads", swap_groups=[0, 0, 1, 1]
            ),
        ]
        return Geometry(layers, [(0, 1)])

    weights = [np.array([[0.0, 0.0, 1.0, 1.0], [1.0, 1.0, 0.0, 0.0]])]
    fast, naive = build(), build()
    before = weight_cost_numpy(fast, weights)
    assert swap_pass(fast, weights, 4, [1]) == 1
    swap_pass_naive(naive, weights, 4, [1])
    # Head 0 (neurons 0, 1) now sits on the right, in its own order.
    np.testing.assert_array_equal(fast.layers[1].assignment, [2, 3, 0, 1])
    np.testing.assert_array_equal(naive.layers[1].assignment, [2, 3, 0, 1])
    assert weight_cost_numpy(fast, weights) < before


def test_ties_are_validated():
    layers = [NeuronLayer(np.zeros((3, 2)), "a"), NeuronLayer(np.ones((4, 2)), "b")]
    with pytest.raises(ValueError, match="different sizes"):
        Geometry(layers, [], ties=[[0, 1]])
    layers = [NeuronLayer(np.zeros((3, 2)), "a"), NeuronLayer(np.ones((3, 2)), "b")]
    with pytest.raises(ValueError, match="joined by a weight matrix"):
        Geometry(layers, [(0, 1)], ties=[[0, 1]])
    with pytest.raises(ValueError, match="one group per slot"):
        NeuronLayer(np.zeros((3, 2)), "a", swap_groups=[0, 1])


def test_set_state_keeps_ties():
    geometry = two_token_geometry()
    geometry.set_state(
        [np.arange(5)[::-1], np.arange(5)[::-1], np.arange(6), np.arange(3)]
    )
    geometry.swap(0, 0, 1)
    np.testing.assert_array_equal(
        geometry.layers[0].assignment, geometry.layers[1].assignment
    )


def test_an_interrupted_pass_leaves_the_placement_as_it_was(monkeypatch):
    rng = np.random.RandomState(0)
    geometry = Geometry.stacked([6, 15, 15, 4], width=2.0, spacing=0.1)
    weights = random_abs_weights([6, 15, 15, 4], rng)
    before = geometry.get_state()
    real_swap_layer = swap_module.swap_layer
    calls = []

    def interrupt_on_second_layer(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real_swap_layer(*args, **kwargs)

    monkeypatch.setattr(swap_module, "swap_layer", interrupt_on_second_layer)
    with pytest.raises(KeyboardInterrupt):
        swap_pass(geometry, weights, 5, swappable_layers(geometry))
    for a, b in zip(geometry.get_state(), before, strict=True):
        np.testing.assert_array_equal(a, b)
    # The first layer had moved before the interrupt: the pass really undid it.
    monkeypatch.setattr(swap_module, "swap_layer", real_swap_layer)
    assert swap_module.swap_layer(geometry, weights, 0, 5) > 0


@pytest.mark.parametrize("norm", ["l1", "l2"])
def test_lazy_cost_makes_the_naive_greedy_decisions(norm, monkeypatch):
    # Wide layers read the placement cost lazily; force that on small ones.
    monkeypatch.setattr(swap_module, "LAZY_FROM_NEURONS", 2)
    layer_sizes, k = [30, 12, 9, 3], 8
    rng = np.random.RandomState(5)
    fast = Geometry.stacked(layer_sizes, width=2.0, spacing=0.1, norm=norm)
    naive = Geometry.stacked(layer_sizes, width=2.0, spacing=0.1, norm=norm)
    layers = swappable_layers(fast)
    total_swaps = 0
    for _ in range(4):
        weights = random_abs_weights(layer_sizes, rng)
        n_fast = swap_pass(fast, weights, k, layers)
        assert n_fast == swap_pass_naive(naive, weights, k, layers)
        total_swaps += n_fast
        for a, b in zip(fast.get_state(), naive.get_state(), strict=True):
            np.testing.assert_array_equal(a, b)
    assert total_swaps > 0


def test_lazy_cost_reads_the_placement_cost_matrix():
    layer_sizes = [15, 6, 4]
    rng = np.random.RandomState(6)
    geometry = Geometry.stacked(layer_sizes, width=2.0, spacing=0.1)
    geometry.layers[1].assignment[:] = rng.permutation(6)
    weights = random_abs_weights(layer_sizes, rng)
    for layer in (0, 1, 2):
        full = placement_cost(geometry, weights, layer)
        lazy = swap_module.LazyPlacementCost(geometry, weights, layer)
        n = len(full)
        np.testing.assert_allclose(lazy.row(n - 1), full[n - 1], rtol=1e-12)
        np.testing.assert_allclose(lazy.column(0), full[:, 0], rtol=1e-12)
        rows, cols = rng.permutation(n), rng.permutation(n)
        np.testing.assert_allclose(lazy.entries(rows, cols), full[rows, cols])
