"""The paper's transformer, declared for BIMT: swaps never change its function."""

import numpy as np
import pytest
import torch

from skbimt.nn import TinyTransformer


def scramble(bimt, rng):
    """Random permutations that respect ties, swap groups and frozen layers."""
    geometry = bimt.geometry
    for i, layer in enumerate(geometry.layers):
        if geometry.tied_with(i)[0] != i or not layer.swappable:
            continue
        groups = layer.swap_groups
        groups = np.zeros(layer.n_neurons, int) if groups is None else groups
        permutation = np.arange(layer.n_neurons)
        labels = np.unique(groups)
        # Whole groups (heads) trade places, then neurons move within groups.
        for g, h in zip(labels, rng.permutation(labels), strict=True):
            permutation[groups == g] = rng.permutation(np.flatnonzero(groups == h))
        layer.assignment[:] = permutation


@pytest.mark.parametrize("n_heads", [1, 2])
def test_transformer_function_survives_any_swaps(n_heads):
    torch.manual_seed(0)
    model = TinyTransformer(
        d_in=2, d_out=1, d_model=8, n_layers=2, n_heads=n_heads
    ).double()
    bimt = model.bimt(width=2.0, spacing=0.5)
    tokens = torch.randn(20, 3, 2, dtype=torch.float64)
    before = model(tokens)
    rng = np.random.RandomState(0)
    bimt.positions()  # builds the geometry
    scramble(bimt, rng)
    if n_heads > 1:  # some head now sits in another head's slots
        assert any(
            (layer.swap_groups[layer.assignment] != layer.swap_groups).any()
            for layer in bimt.geometry.layers
            if layer.swap_groups is not None
        )
    bimt.swap(4)
    bimt.materialize()
    torch.testing.assert_close(model(tokens), before, rtol=0, atol=1e-10)


def test_an_undeclared_tie_breaks_the_function():
    # Negative control: without tying the residual stream, permuting its
    # layers independently changes what the transformer computes.
    torch.manual_seed(0)
    model = TinyTransformer(d_in=2, d_out=1, d_model=8, n_layers=1).double()
    bimt = model.bimt()
    bimt._ties = [t for t in bimt._ties if not t[0].startswith("res")]
    tokens = torch.randn(20, 3, 2, dtype=torch.float64)
    before = model(tokens)
    bimt.positions()
    scramble(bimt, np.random.RandomState(1))
    bimt.materialize()
    assert (model(tokens) - before).abs().max() > 1e-3


def test_transformer_cost_counts_every_matrix():
    model = TinyTransformer(d_model=8, n_layers=2).double()
    bimt = model.bimt(width=2.0, spacing=0.5)
    n_matrices = 1 + 2 * 6 + 1
    assert len(bimt._connections) == n_matrices
    with torch.no_grad():
        for p in model.parameters():
            p.fill_(1.0)
    value = bimt.cost().item()
    expected = sum(bimt.geometry.distance(i).sum() for i in range(n_matrices))
    n_biases = sum(c.bias.numel() for c in bimt._connections)
    expected += 0.5 * (n_biases + model.position.numel())
    assert value == pytest.approx(expected, rel=1e-12)
