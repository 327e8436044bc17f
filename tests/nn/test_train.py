"""train_module: the estimators' loop for any declared torch module."""

import copy

import pytest
import torch

from skbimt.nn import BIMT, line, train_module


def declared_mlp(seed=0):
    torch.manual_seed(seed)
    model = torch.nn.Sequential(
        torch.nn.Linear(3, 8), torch.nn.SiLU(), torch.nn.Linear(8, 1)
    )
    bimt = BIMT(bias_distance=0.1)
    for i, n in enumerate((3, 8, 1)):
        bimt.add_layer(f"l{i}", line(n, 2.0, 0.1 * i))
    bimt.connect("l0", "l1", model[0].weight, model[0].bias)
    bimt.connect("l1", "l2", model[2].weight, model[2].bias)
    return model, bimt


def test_train_module_follows_the_schedule_and_swaps(monkeypatch):
    model, bimt = declared_mlp()
    plain = copy.deepcopy(model)
    X = torch.randn(64, 3, generator=torch.Generator().manual_seed(1))
    y = X[:, :1] ** 2
    initial_cost = bimt.cost().item()
    swaps = []
    real_swap = bimt.swap
    monkeypatch.setattr(bimt, "swap", lambda k: swaps.append(k) or real_swap(k))
    history = train_module(
        model,
        bimt,
        lambda step: (X, y),
        torch.nn.functional.mse_loss,
        max_iter=400,
        lambda_schedule=((0.0, 0.5), (1e-2, 0.5)),
        learning_rate=1e-2,
        k=5,
        swap_every=100,
    )
    assert history["loss"].shape == history["cost"].shape == (400,)
    assert history["cost"][0] == pytest.approx(initial_cost, rel=1e-6)
    assert swaps == [5, 5, 5, 5]
    # lambda is 0 for the first 200 steps: plain Adam on the loss alone.
    optimizer = torch.optim.Adam(plain.parameters(), lr=1e-2)
    for _ in range(200):
        loss = torch.nn.functional.mse_loss(plain(X), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert history["loss"][199] == pytest.approx(loss.item(), rel=1e-5)


def test_train_module_weight_decay_is_decoupled():
    # A loss with zero gradient and lambda 0: only the decay moves weights.
    model, bimt = declared_mlp()
    start = [p.detach().clone() for p in model.parameters()]
    X = torch.zeros(4, 3)
    train_module(
        model,
        bimt,
        lambda step: (X, None),
        lambda output, target: 0.0 * output.sum(),
        max_iter=20,
        lambda_schedule=0.0,
        learning_rate=0.1,
        weight_decay=0.5,
        swap_every=None,
    )
    for before, after in zip(start, model.parameters(), strict=True):
        torch.testing.assert_close(after.detach(), before * 0.95**20)
