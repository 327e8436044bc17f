"""Eq. 3 and the parameter lengths: one owner, the same numbers everywhere."""

import numpy as np
import pytest
import torch

from skbimt._engine.cost import (
    connection_cost,
    fill_flat_lengths,
    other_length,
    weight_lengths,
)
from skbimt._engine.geometry import Geometry
from skbimt._engine.network import FlatLayout
from skbimt._engine.training import geometry_distances


def direct_cost(weights, biases, positions, bias_distance):
    """Eq. 3 term by term: every weight's L1 length times |w|, plus biases."""
    total = 0.0
    for c, w in enumerate(weights):
        for j in range(w.shape[0]):
            for m in range(w.shape[1]):
                d = np.abs(positions[c][j] - positions[c + 1][m]).sum()
                total += d * abs(w[j, m])
    return total + bias_distance * sum(np.abs(b).sum() for b in biases)


def test_connection_cost_matches_direct_sum():
    rng = np.random.RandomState(3)
    geometry = Geometry.stacked([3, 5, 4], width=2.0, spacing=0.25)
    geometry.swap(1, 0, 4)
    weights = [rng.randn(3, 5), rng.randn(5, 4)]
    biases = [rng.randn(5), rng.randn(4)]
    value = connection_cost(
        [torch.tensor(w) for w in weights],
        [torch.tensor(b) for b in biases],
        geometry_distances(geometry),
        0.25,
    ).item()
    expected = direct_cost(weights, biases, geometry.positions(), 0.25)
    assert value == pytest.approx(expected, rel=1e-12)


def test_mean_reduction_averages_each_tensor():
    rng = np.random.RandomState(0)
    weights = [torch.tensor(rng.randn(3, 5)), torch.tensor(rng.randn(5, 2))]
    biases = [torch.tensor(rng.randn(5)), None, torch.tensor(rng.randn(7))]
    distances = [rng.uniform(size=(3, 5)), rng.uniform(size=(5, 2))]
    value = connection_cost(weights, biases, distances, 0.5, reduction="mean")
    expected = sum(
        (torch.tensor(d) * w.abs()).mean() for w, d in zip(weights, distances)
    ) + 0.5 * (biases[0].abs().mean() + biases[2].abs().mean())
    assert value.item() == pytest.approx(expected.item(), rel=1e-12)
    with pytest.raises(ValueError, match="reduction must be one of"):
        connection_cost(weights, biases, distances, 0.5, reduction="max")


def test_cost_is_differentiable():
    w = torch.tensor([[1.0, -2.0]], requires_grad=True)
    b = torch.tensor([0.5, -0.5], requires_grad=True)
    connection_cost([w], [b], [[[0.1, 0.3]]], 0.1).backward()
    np.testing.assert_allclose(w.grad.numpy(), [[0.1, -0.3]])
    np.testing.assert_allclose(b.grad.numpy(), [0.1, -0.1])


def test_lengths_follow_the_reduction():
    d = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(weight_lengths(d, "sum"), d)
    np.testing.assert_array_equal(weight_lengths(d, "mean"), d / 6)
    np.testing.assert_array_equal(weight_lengths(torch.tensor(d), "mean"), d / 6)
    assert other_length(0.5, 10, "sum") == 0.5
    assert other_length(0.5, 10, "mean") == 0.05


@pytest.mark.parametrize("reduction", ["sum", "mean"])
def test_flat_lengths_give_the_tensor_cost(reduction):
    # The training loop's dot(|flat|, lengths) is connection_cost of the same
    # parameters, token embeddings included.
    rng = np.random.RandomState(1)
    layer_sizes, n_tokens, vocab = [2 * 3, 5, 4], 2, 7
    layout = FlatLayout(layer_sizes, n_tokens=n_tokens, vocab_size=vocab)
    geometry = Geometry.stacked(layer_sizes, 2.0, 0.5, n_tokens=n_tokens)
    geometry.swap(2, 0, 3)
    flat = torch.tensor(rng.randn(layout.size))
    lengths = fill_flat_lengths(
        torch.empty_like(flat), layout, geometry_distances(geometry), 0.5, reduction
    )
    flat_cost = torch.dot(lengths, flat.abs()).item()
    weights = layout.weights(flat)
    tensor_cost = connection_cost(
        weights,
        [*layout.biases(flat), layout.embedding(flat)],
        [
            np.vstack(geometry_distances(geometry)[:n_tokens]),
            geometry_distances(geometry)[n_tokens],
        ],
        0.5,
        reduction,
    ).item()
    assert flat_cost == pytest.approx(tensor_cost, rel=1e-12)


@pytest.mark.parametrize("n_tokens", [0, 2])
def test_input_cost_scales_only_the_first_weight_matrix(n_tokens):
    layer_sizes, vocab = [6, 5, 4], 7
    tokens = {"n_tokens": n_tokens, "vocab_size": vocab} if n_tokens else {}
    layout = FlatLayout(layer_sizes, **tokens)
    geometry = Geometry.stacked(layer_sizes, 2.0, 0.5, n_tokens=n_tokens or None)
    distances = geometry_distances(geometry)
    plain = fill_flat_lengths(torch.empty(layout.size), layout, distances, 0.5)
    tripled = fill_flat_lengths(
        torch.empty(layout.size), layout, distances, 0.5, input_cost=3.0
    )
    first, *rest = zip(layout.weights(plain), layout.weights(tripled))
    torch.testing.assert_close(first[1], 3 * first[0])
    for before, after in rest:
        torch.testing.assert_close(after, before)
    for before, after in zip(layout.biases(plain), layout.biases(tripled)):
        torch.testing.assert_close(after, before)
    if n_tokens:
        torch.testing.assert_close(layout.embedding(tripled), layout.embedding(plain))
