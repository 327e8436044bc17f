import pytest
import torch

from skbimt import MLP
from skbimt._adam import FlatAdam
from skbimt._backprop import MLPBackprop
from skbimt._network import ACTIVATIONS, FlatLayout, init_parameters


def autograd_loss_and_grad(layer_sizes, activation, loss, flat, X, target):
    module = MLP.from_flat(FlatLayout(layer_sizes), activation, flat)
    output = module(X)
    if loss == "squared_error":
        value = torch.nn.functional.mse_loss(output, target)
    else:
        value = torch.nn.functional.cross_entropy(output, target.argmax(dim=1))
    value.backward()
    grads = [
        torch.cat([w.grad.reshape(-1), b.grad])
        for w, b in zip(module.weights, module.biases)
    ]
    return value.item(), torch.cat(grads)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("loss", ["squared_error", "cross_entropy"])
@pytest.mark.parametrize("layer_sizes", [[4, 20, 20, 2], [3, 5], [6, 7, 5, 4, 3]])
def test_hand_written_gradient_equals_autograd(activation, loss, layer_sizes):
    generator = torch.Generator().manual_seed(0)
    layout = FlatLayout(layer_sizes)
    flat = init_parameters(layout, generator).double()
    X = torch.randn(33, layer_sizes[0], generator=generator, dtype=torch.float64)
    if loss == "squared_error":
        target = torch.randn(
            33, layer_sizes[-1], generator=generator, dtype=torch.float64
        )
    else:
        labels = torch.randint(layer_sizes[-1], (33,), generator=generator)
        target = torch.nn.functional.one_hot(labels, layer_sizes[-1]).double()
    grad = torch.empty_like(flat)
    backprop = MLPBackprop(layout, activation, loss, flat, grad)
    out = torch.empty((), dtype=torch.float64)
    for _ in range(2):  # the second call reuses the work buffers
        backprop.loss_and_grad(X, target, out)
    expected_loss, expected_grad = autograd_loss_and_grad(
        layer_sizes, activation, loss, flat, X, target
    )
    assert out.item() * backprop.loss_scale == pytest.approx(expected_loss, rel=1e-12)
    torch.testing.assert_close(grad, expected_grad, rtol=1e-10, atol=1e-12)


def test_flat_layout_orders_weights_then_bias_per_layer():
    layout = FlatLayout([2, 3, 1])
    flat = torch.arange(layout.size, dtype=torch.float64)
    w0, w1 = layout.weights(flat)
    b0, b1 = layout.biases(flat)
    assert layout.size == 2 * 3 + 3 + 3 * 1 + 1
    assert w0.shape == (2, 3) and b0.tolist() == [6, 7, 8]
    assert w1.shape == (3, 1) and b1.tolist() == [12]


@pytest.mark.parametrize("fused", [True, False])
def test_flat_adam_matches_torch_adam(fused):
    generator = torch.Generator().manual_seed(0)
    start = torch.randn(50, generator=generator)
    grads = [torch.randn(50, generator=generator) for _ in range(30)]
    reference = torch.nn.Parameter(start.clone())
    optimizer = torch.optim.Adam([reference], lr=1e-2)
    ours = start.clone()
    adam = FlatAdam(ours, lr=1e-2)
    adam._fused = adam._fused and fused
    for g in grads:
        reference.grad = g.clone()
        optimizer.step()
        adam.step(g)
    torch.testing.assert_close(ours, reference.detach(), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("loss", ["squared_error", "cross_entropy"])
def test_embedding_gradient_equals_autograd(loss):
    generator = torch.Generator().manual_seed(1)
    layer_sizes, n_tokens, vocab = [2 * 4, 6, 5], 2, 7
    layout = FlatLayout(layer_sizes, n_tokens=n_tokens, vocab_size=vocab)
    flat = init_parameters(layout, generator).double()
    ids = torch.randint(vocab, (25, n_tokens), generator=generator)
    labels = torch.randint(5, (25,), generator=generator)
    target = torch.nn.functional.one_hot(labels, 5).double()
    grad = torch.empty_like(flat)
    out = torch.empty((), dtype=torch.float64)
    backprop = MLPBackprop(layout, "silu", loss, flat, grad)
    backprop.loss_and_grad(ids, target, out)

    module = MLP.from_flat(layout, "silu", flat)
    output = module(ids)
    if loss == "squared_error":
        value = torch.nn.functional.mse_loss(output, target)
    else:
        value = torch.nn.functional.cross_entropy(output, labels)
    value.backward()
    assert out.item() * backprop.loss_scale == pytest.approx(value.item(), rel=1e-12)
    torch.testing.assert_close(
        layout.embedding(grad), module.embedding.grad, rtol=1e-10, atol=1e-12
    )
    torch.testing.assert_close(
        layout.weights(grad)[0], module.weights[0].grad, rtol=1e-10, atol=1e-12
    )
