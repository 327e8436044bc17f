"""The flat parameter layout and the numpy forward pass of prediction."""

import numpy as np
import pytest
import torch

from skbimt._engine.network import (
    ACTIVATIONS,
    MLP,
    FlatLayout,
    forward,
    init_parameters,
)


def test_flat_layout_orders_weights_then_bias_per_layer():
    layout = FlatLayout([2, 3, 1])
    flat = torch.arange(layout.size, dtype=torch.float64)
    w0, w1 = layout.weights(flat)
    b0, b1 = layout.biases(flat)
    assert layout.size == 2 * 3 + 3 + 3 * 1 + 1
    assert w0.shape == (2, 3) and b0.tolist() == [6, 7, 8]
    assert w1.shape == (3, 1) and b1.tolist() == [12]


def test_token_layout_splits_the_first_matrix_per_token():
    layout = FlatLayout([2 * 3, 4, 2], n_tokens=2, vocab_size=5)
    flat = torch.arange(layout.size, dtype=torch.float64)
    assert layout.embedding(flat).shape == (5, 3)
    blocks = layout.connection_weights(flat)
    assert [tuple(b.shape) for b in blocks] == [(3, 4), (3, 4), (4, 2)]
    torch.testing.assert_close(torch.cat(blocks[:2]), layout.weights(flat)[0])


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_numpy_forward_equals_the_torch_module(activation):
    generator = torch.Generator().manual_seed(0)
    layout = FlatLayout([4, 7, 5, 3])
    flat = init_parameters(layout, generator, torch.float64)
    X = np.random.RandomState(0).normal(size=(11, 4))
    module = MLP.from_flat(layout, activation, flat)
    expected = module(torch.as_tensor(X)).detach().numpy()
    coefs = [w.numpy() for w in layout.weights(flat)]
    intercepts = [b.numpy() for b in layout.biases(flat)]
    np.testing.assert_allclose(
        forward(coefs, intercepts, activation, X.copy()), expected, rtol=1e-12
    )
    assert (X == np.random.RandomState(0).normal(size=(11, 4))).all()


def test_numpy_forward_reads_token_embeddings():
    generator = torch.Generator().manual_seed(1)
    layout = FlatLayout([2 * 3, 5, 4], n_tokens=2, vocab_size=6)
    flat = init_parameters(layout, generator, torch.float64)
    ids = np.random.RandomState(1).randint(6, size=(8, 2))
    module = MLP.from_flat(layout, "silu", flat)
    expected = module(torch.as_tensor(ids)).detach().numpy()
    got = forward(
        [w.numpy() for w in layout.weights(flat)],
        [b.numpy() for b in layout.biases(flat)],
        "silu",
        ids,
        layout.embedding(flat).numpy(),
    )
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_initial_parameters_follow_torch_linear_and_the_dtype():
    generator = torch.Generator().manual_seed(0)
    layout = FlatLayout([4, 100], n_tokens=None)
    flat = init_parameters(layout, generator, torch.float64)
    assert flat.dtype == torch.float64
    assert flat.abs().max() <= 0.5 and flat.abs().max() > 0.45
