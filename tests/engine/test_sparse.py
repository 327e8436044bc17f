"""Sparse training rows give the gradients and batches of their dense twin."""

import numpy as np
import pytest
import scipy.sparse as sp
import torch

from skbimt._engine.backprop import MLPBackprop
from skbimt._engine.network import FlatLayout, init_parameters
from skbimt._engine.sparse import SparseRows


@pytest.mark.parametrize("weighted", [False, True])
def test_sparse_gradient_equals_dense_gradient(weighted):
    rng = np.random.RandomState(0)
    X = sp.random(30, 12, density=0.2, format="csr", random_state=rng)
    target = torch.as_tensor(rng.randn(30, 2))
    weight = torch.as_tensor(rng.rand(30)) if weighted else None
    layout = FlatLayout([12, 5, 2])
    flat = init_parameters(layout, torch.Generator().manual_seed(0), torch.float64)
    grads, losses = [], []
    for rows in (
        SparseRows(X, torch.float64, "cpu").all(),
        torch.as_tensor(X.toarray()),
    ):
        grad = torch.empty_like(flat)
        backprop = MLPBackprop(
            layout, "silu", "squared_error", flat, grad, weighted=weighted
        )
        out = torch.empty((), dtype=torch.float64)
        backprop.loss_and_grad(rows, target, out, weight)
        grads.append(grad)
        losses.append(out.item())
    assert losses[0] == pytest.approx(losses[1], rel=1e-12)
    torch.testing.assert_close(grads[0], grads[1], rtol=1e-10, atol=1e-12)


def test_batches_hold_the_indexed_rows_and_their_transpose():
    X = sp.random(20, 7, density=0.3, format="csc", random_state=1)
    rows = SparseRows(X, torch.float32, "cpu")
    assert len(rows) == 20 and rows.shape == (20, 7)
    index = torch.tensor([3, 0, 17, 3])
    batch = rows[index]
    expected = X.toarray()[index.numpy()].astype(np.float32)
    np.testing.assert_array_equal(batch.rows.to_dense().numpy(), expected)
    np.testing.assert_array_equal(batch.columns.to_dense().numpy(), expected.T)
    assert batch.rows.dtype == torch.float32 and batch.shape == (4, 7)
    assert rows.all() is rows.all()
