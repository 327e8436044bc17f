"""The torch-level API: cost, swaps and materialised permutations."""

import numpy as np
import pytest
import torch

from skbimt import BIMTRegressor
from skbimt._swap import swap_pass
from skbimt.nn import BIMT, TinyTransformer, grid, line


def mlp_and_bimt(sizes=(4, 20, 20, 2), seed=0, dtype=torch.float64):
    torch.manual_seed(seed)
    layers = [torch.nn.Linear(a, b).to(dtype) for a, b in zip(sizes[:-1], sizes[1:])]
    bimt = BIMT(bias_distance=0.1)
    for i, n in enumerate(sizes):
        bimt.add_layer(f"l{i}", line(n, 2.0, 0.1 * i))
    for i, linear in enumerate(layers):
        bimt.connect(f"l{i}", f"l{i + 1}", linear.weight, linear.bias)
    return layers, bimt


def forward_mlp(layers, x):
    for linear in layers[:-1]:
        x = torch.nn.functional.silu(linear(x))
    return layers[-1](x)


def test_cost_is_a_direct_sum_over_all_matrices():
    layers, bimt = mlp_and_bimt()
    bimt.swap(6)  # move some neurons first, so positions are not the defaults
    positions = bimt.positions()
    expected = 0.0
    for i, linear in enumerate(layers):
        w = linear.weight.detach().numpy()  # (n_out, n_in)
        for out in range(w.shape[0]):
            for inp in range(w.shape[1]):
                d = np.abs(positions[f"l{i}"][inp] - positions[f"l{i + 1}"][out]).sum()
                expected += d * abs(w[out, inp])
        expected += 0.1 * np.abs(linear.bias.detach().numpy()).sum()
    assert bimt.cost().item() == pytest.approx(expected, rel=1e-12)


def test_cost_is_differentiable():
    layers, bimt = mlp_and_bimt()
    bimt.cost().backward()
    assert layers[0].weight.grad is not None
    np.testing.assert_allclose(layers[0].bias.grad.abs().numpy(), 0.1)


def test_mean_reduction_averages_each_matrix():
    layers, bimt = mlp_and_bimt(sizes=(3, 5))
    value = bimt.cost("mean").item()
    d = torch.as_tensor(bimt.geometry.distance(0))
    expected = (d * layers[0].weight.detach().T.abs()).mean() + 0.1 * layers[
        0
    ].bias.abs().mean()
    assert value == pytest.approx(expected.item(), rel=1e-12)
    with pytest.raises(ValueError, match="reduction"):
        bimt.cost("max")


def test_swaps_match_the_estimator_engine():
    # The API and the estimators share one swap search and one geometry.
    layers, bimt = mlp_and_bimt()
    from skbimt import Geometry
    from skbimt._swap import swappable_layers

    geometry = Geometry.stacked([4, 20, 20, 2], width=2.0, spacing=0.1)
    abs_weights = [linear.weight.detach().T.abs().numpy() for linear in layers]
    n_api = bimt.swap(6)
    n_engine = swap_pass(geometry, abs_weights, 6, swappable_layers(geometry))
    assert n_api == n_engine > 0
    for a, b in zip(bimt.geometry.get_state(), geometry.get_state(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_materialize_keeps_the_mlp_function_when_inputs_stay():
    layers, bimt = mlp_and_bimt()
    x = torch.randn(50, 4, dtype=torch.float64)
    before = forward_mlp(layers, x)
    for _ in range(3):
        bimt.swap(6, layers=["l1", "l2"])
    assert any(
        not np.array_equal(a, np.arange(len(a))) for a in bimt.geometry.get_state()
    )
    cost = bimt.cost().item()
    bimt.materialize()
    torch.testing.assert_close(forward_mlp(layers, x), before, rtol=0, atol=1e-12)
    assert bimt.cost().item() == pytest.approx(cost, rel=1e-12)


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
    assert bimt.swap(4) >= 0
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


def test_declaration_errors_are_clear():
    bimt = BIMT()
    bimt.add_layer("a", line(3, 1.0, 0.0))
    bimt.add_layer("b", line(2, 1.0, 1.0))
    with pytest.raises(ValueError, match="must be \\(2, 3\\)"):
        bimt.connect("a", "b", torch.zeros(3, 2))
    with pytest.raises(ValueError, match="No layer named 'c'"):
        bimt.connect("a", "c", torch.zeros(2, 3))
    with pytest.raises(ValueError, match="already exists"):
        bimt.add_layer("a", line(3, 1.0, 0.0))
    with pytest.raises(RuntimeError, match="No connection declared"):
        bimt.cost()
    bimt.connect("a", "b", torch.zeros(3, 2), orientation="in_out")
    bimt.cost()
    with pytest.raises(RuntimeError, match="already in use"):
        bimt.add_layer("c", line(3, 1.0, 2.0))


def test_grid_layers_give_a_3d_network():
    bimt = BIMT()
    bimt.add_layer("pixels", grid(16, 1.0, 0.0, shape=(4, 4)), swappable=False)
    bimt.add_layer("hidden", grid(9, 1.0, 0.5))
    bimt.connect("pixels", "hidden", torch.ones(9, 16))
    assert bimt.positions()["pixels"].shape == (16, 3)


def test_estimator_cost_equals_the_api_cost_of_its_weights():
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, (100, 3))
    y = X[:, :2] ** 2
    reg = BIMTRegressor(
        hidden_layer_sizes=(6,), max_iter=300, swap_every=50, random_state=0
    ).fit(X, y)
    bimt = BIMT(bias_distance=reg.y_star)
    names = [layer.name for layer in reg.geometry_.layers]
    for name, layer in zip(names, reg.geometry_.layers, strict=True):
        bimt.add_layer(name, layer.slots)
    tensors = [torch.tensor(w) for w in reg.coefs_]
    for i, (w, b) in enumerate(zip(tensors, reg.intercepts_, strict=True)):
        bimt.connect(names[i], names[i + 1], w, torch.tensor(b), orientation="in_out")
    bimt.positions()
    bimt.geometry.set_state(reg.geometry_.get_state())
    direct = sum(
        (reg.geometry_.distance(i) * np.abs(w)).sum() for i, w in enumerate(reg.coefs_)
    )
    direct += reg.y_star * sum(np.abs(b).sum() for b in reg.intercepts_)
    assert bimt.cost().item() == pytest.approx(direct, rel=1e-12)


def test_merged_layers_share_nodes_and_add_weights():
    bimt = BIMT()
    bimt.add_layer("in", line(2, 1.0, 0.0))
    bimt.add_layer("res0", line(3, 1.0, 1.0))
    bimt.add_layer("res1", line(3, 1.0, 2.0))
    bimt.add_layer("hid", line(2, 1.0, 1.5))
    w_in = torch.ones(3, 2)
    w_read = torch.full((2, 3), 2.0)
    w_write = torch.full((3, 2), 3.0)
    bimt.connect("in", "res0", w_in)
    bimt.connect("res0", "hid", w_read)
    bimt.connect("hid", "res1", w_write)
    bimt.tie("res0", "res1")
    separate = bimt.to_networkx()
    merged = bimt.to_networkx(merge=[["res0", "res1"]])
    assert separate.number_of_nodes() == 10 and merged.number_of_nodes() == 7
    # res0 -> hid (2) and hid -> res1 (3) land on the same node pairs.
    assert merged.edges[("res0", 1), ("hid", 0)]["weight"] == 5.0
    assert 0 <= bimt.modularity(merge=[["res0", "res1"]]) <= 1


def test_weights_are_in_pre_post_order():
    torch.manual_seed(0)
    linear = torch.nn.Linear(3, 2)
    bimt = BIMT()
    bimt.add_layer("in", line(3, 1.0, 0.0))
    bimt.add_layer("out", line(2, 1.0, 1.0))
    bimt.connect("in", "out", linear.weight, linear.bias)
    [(pre, post, weight)] = bimt.weights()
    assert (pre, post) == ("in", "out") and weight.shape == (3, 2)
    np.testing.assert_array_equal(weight, linear.weight.detach().double().numpy().T)
    assert weight.dtype == np.float64
