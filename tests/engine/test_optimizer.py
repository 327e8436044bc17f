"""FlatAdam computes torch.optim.Adam(W), with and without the fused kernel."""

import pytest
import torch

from skbimt._engine import optimizer
from skbimt._engine.optimizer import FlatAdam


@pytest.mark.parametrize("fused", [True, False])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("weight_decay", [0.0, 0.5])
def test_flat_adam_matches_torch_adam(fused, dtype, weight_decay):
    generator = torch.Generator().manual_seed(0)
    start = torch.randn(50, generator=generator, dtype=dtype)
    grads = [torch.randn(50, generator=generator, dtype=dtype) for _ in range(30)]
    reference = torch.nn.Parameter(start.clone())
    if weight_decay:
        torch_adam = torch.optim.AdamW([reference], lr=1e-2, weight_decay=weight_decay)
    else:
        torch_adam = torch.optim.Adam([reference], lr=1e-2)
    ours = start.clone()
    adam = FlatAdam(ours, lr=1e-2, weight_decay=weight_decay)
    if fused and not adam._fused:
        pytest.skip("this torch build has no usable fused Adam kernel")
    adam._fused = fused
    for g in grads:
        reference.grad = g.clone()
        torch_adam.step()
        adam.step(g)
    tolerance = {"rtol": 1e-5, "atol": 1e-7} if dtype == torch.float32 else {}
    torch.testing.assert_close(ours, reference.detach(), **tolerance)


def test_a_kernel_that_fails_or_disagrees_is_not_used(monkeypatch):
    monkeypatch.setattr(FlatAdam, "_fused_support", {})

    def broken(*args, **kwargs):
        raise RuntimeError("no kernel for this device")

    monkeypatch.setattr(torch, "_fused_adam_", broken, raising=False)
    assert not FlatAdam(torch.zeros(3), lr=0.1)._fused

    monkeypatch.setattr(FlatAdam, "_fused_support", {})

    def wrong(params, *args, **kwargs):
        params[0].add_(1.0)

    monkeypatch.setattr(torch, "_fused_adam_", wrong, raising=False)
    assert not FlatAdam(torch.zeros(3), lr=0.1)._fused

    monkeypatch.setattr(FlatAdam, "_fused_support", {})
    monkeypatch.delattr(torch, "_fused_adam_", raising=False)
    adam = FlatAdam(torch.zeros(3), lr=0.1)
    assert not adam._fused
    adam.step(torch.ones(3))  # the public in-place update works without it
    assert optimizer._fused_adam_works(torch.float32, "cpu") is False


def test_weight_decay_alone_shrinks_geometrically():
    # With a zero gradient Adam moves nothing: only the decay acts.
    start = torch.linspace(-1, 1, 7, dtype=torch.float64)
    ours = start.clone()
    adam = FlatAdam(ours, lr=0.1, weight_decay=0.5)
    for _ in range(10):
        adam.step(torch.zeros(7, dtype=torch.float64))
    torch.testing.assert_close(ours, start * 0.95**10)


def test_a_loaded_state_continues_as_one_optimizer():
    generator = torch.Generator().manual_seed(3)
    start = torch.randn(10, generator=generator, dtype=torch.float64)
    grads = [
        torch.randn(10, generator=generator, dtype=torch.float64) for _ in range(6)
    ]
    whole = FlatAdam(start.clone(), lr=0.05)
    for grad in grads:
        whole.step(grad)
    first = FlatAdam(start.clone(), lr=0.05)
    for grad in grads[:3]:
        first.step(grad)
    second = FlatAdam(first.param.clone(), lr=0.05)
    second.load_state(first.state())
    for grad in grads[3:]:
        second.step(grad)
    torch.testing.assert_close(second.param, whole.param, rtol=1e-12, atol=1e-14)
    assert second.n_steps == 6
