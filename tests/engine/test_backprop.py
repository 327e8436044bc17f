"""The hand-written backward pass equals autograd, weighted or not."""

import pytest
import torch

from skbimt._engine.backprop import LOSSES, MLPBackprop
from skbimt._engine.network import ACTIVATIONS, MLP, FlatLayout, init_parameters


def autograd_loss_and_grad(layer_sizes, activation, loss, flat, X, target):
    module = MLP.from_flat(FlatLayout(layer_sizes), activation, flat)
    output = module(X)
    if loss == "squared_error":
        value = torch.nn.functional.mse_loss(output, target)
    elif loss == "binary_cross_entropy":
        value = torch.nn.functional.binary_cross_entropy_with_logits(
            output, target, reduction="sum"
        ) / len(X)
    else:
        value = torch.nn.functional.cross_entropy(output, target.argmax(dim=1))
    value.backward()
    grads = [
        torch.cat([w.grad.reshape(-1), b.grad])
        for w, b in zip(module.weights, module.biases)
    ]
    return value.item(), torch.cat(grads)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("loss", LOSSES)
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
    elif loss == "binary_cross_entropy":
        shape = (33, layer_sizes[-1])
        target = torch.randint(2, shape, generator=generator).double()
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


def weighted_autograd(layer_sizes, loss, flat, X, target, weight):
    module = MLP.from_flat(FlatLayout(layer_sizes), "silu", flat)
    output = module(X)
    if loss == "squared_error":
        per_sample = ((output - target) ** 2).mean(dim=1)
    elif loss == "binary_cross_entropy":
        per_sample = torch.nn.functional.binary_cross_entropy_with_logits(
            output, target, reduction="none"
        ).sum(dim=1)
    else:
        per_sample = torch.nn.functional.cross_entropy(
            output, target.argmax(dim=1), reduction="none"
        )
    value = (per_sample * weight).sum() / weight.sum()
    value.backward()
    grads = [
        torch.cat([w.grad.reshape(-1), b.grad])
        for w, b in zip(module.weights, module.biases)
    ]
    return value.item(), torch.cat(grads)


@pytest.mark.parametrize("loss", LOSSES)
def test_sample_weights_give_the_weighted_mean_loss(loss):
    generator = torch.Generator().manual_seed(2)
    layer_sizes = [4, 6, 3]
    layout = FlatLayout(layer_sizes)
    flat = init_parameters(layout, generator, torch.float64)
    X = torch.randn(20, 4, generator=generator, dtype=torch.float64)
    labels = torch.randint(3, (20,), generator=generator)
    target = torch.nn.functional.one_hot(labels, 3).double()
    if loss == "squared_error":
        target = torch.randn(20, 3, generator=generator, dtype=torch.float64)
    elif loss == "binary_cross_entropy":
        target = torch.randint(2, (20, 3), generator=generator).double()
    weight = torch.rand(20, generator=generator, dtype=torch.float64) * 3
    weight[:4] = 0.0
    grad = torch.empty_like(flat)
    backprop = MLPBackprop(layout, "silu", loss, flat, grad, weighted=True)
    out = torch.empty((), dtype=torch.float64)
    backprop.loss_and_grad(X, target, out, weight)
    expected_loss, expected_grad = weighted_autograd(
        layer_sizes, loss, flat, X, target, weight
    )
    assert out.item() * backprop.loss_scale == pytest.approx(expected_loss, rel=1e-12)
    torch.testing.assert_close(grad, expected_grad, rtol=1e-10, atol=1e-12)
    # Integer weights equal repeated samples.
    repeats = torch.tensor([2] * 10 + [1] * 10)
    unweighted = MLPBackprop(layout, "silu", loss, flat, torch.empty_like(flat))
    repeated_out = torch.empty((), dtype=torch.float64)
    unweighted.loss_and_grad(
        X.repeat_interleave(repeats, 0),
        target.repeat_interleave(repeats, 0),
        repeated_out,
    )
    backprop.loss_and_grad(X, target, out, repeats.double())
    assert out.item() * backprop.loss_scale == pytest.approx(
        repeated_out.item() * unweighted.loss_scale, rel=1e-12
    )


def test_loss_value_is_the_loss_without_touching_the_gradient():
    generator = torch.Generator().manual_seed(3)
    layout = FlatLayout([3, 5, 2])
    flat = init_parameters(layout, generator, torch.float64)
    grad = torch.full_like(flat, 7.0)
    backprop = MLPBackprop(layout, "tanh", "squared_error", flat, grad)
    X = torch.randn(9, 3, generator=generator, dtype=torch.float64)
    target = torch.randn(9, 2, generator=generator, dtype=torch.float64)
    module = MLP.from_flat(layout, "tanh", flat)
    expected = torch.nn.functional.mse_loss(module(X), target).item()
    assert backprop.loss_value(X, target) == pytest.approx(expected, rel=1e-12)
    assert (grad == 7.0).all()
    with pytest.raises(ValueError, match="sample_weight must be given"):
        backprop.loss_value(X, target, torch.ones(9, dtype=torch.float64))
