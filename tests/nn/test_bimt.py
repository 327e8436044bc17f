"""The torch-level API: cost, swaps, graphs and materialised permutations."""

import numpy as np
import pytest
import torch

from skbimt import BIMTRegressor
from skbimt._engine.swap import swap_pass, swappable_layers
from skbimt.inspection import connectivity_graph
from skbimt.nn import BIMT, Geometry, grid, line


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
    tensors = [torch.tensor(w) for w in reg.scaled_coefs_]
    for i, (w, b) in enumerate(zip(tensors, reg.scaled_intercepts_, strict=True)):
        bimt.connect(names[i], names[i + 1], w, torch.tensor(b), orientation="in_out")
    bimt.positions()
    bimt.geometry.set_state(reg.geometry_.get_state())
    direct = sum(
        (reg.geometry_.distance(i) * np.abs(w)).sum()
        for i, w in enumerate(reg.scaled_coefs_)
    )
    direct += reg.y_star * sum(np.abs(b).sum() for b in reg.scaled_intercepts_)
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
    # Nodes are keyed (layer index, neuron) with the name as an attribute:
    # "in", "res0", "res1", "hid" are layers 0, 1, 2, 3.
    assert merged.nodes[(1, 0)]["layer_name"] == "res0"
    # res0 -> hid (2) and hid -> res1 (3) land on the same node pairs.
    assert merged.edges[(1, 1), (3, 0)]["weight"] == 5.0
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


def test_the_graph_is_the_estimators_graph_builder():
    layers, bimt = mlp_and_bimt(sizes=(3, 5, 2))
    graph = bimt.to_networkx()
    weights = [w for _, _, w in bimt.weights()]
    expected = connectivity_graph(weights, coords=list(bimt.positions().values()))
    assert set(graph.edges) == set(expected.edges)
    for u, v in expected.edges:
        assert graph.edges[u, v]["weight"] == expected.edges[u, v]["weight"]
    assert [graph.nodes[n]["active"] for n in sorted(graph.nodes)] == [
        expected.nodes[n]["active"] for n in sorted(expected.nodes)
    ]


def test_an_all_zero_network_has_modularity_zero():
    layers, bimt = mlp_and_bimt(sizes=(3, 4, 2))
    with torch.no_grad():
        for linear in layers:
            linear.weight.zero_()
    assert bimt.modularity() == 0.0
    assert bimt.modularity(method="louvain", random_state=0) == 0.0


def test_swap_refuses_frozen_and_unknown_layers():
    bimt = BIMT()
    bimt.add_layer("in", line(3, 1.0, 0.0), swappable=False)
    bimt.add_layer("hidden", line(4, 1.0, 1.0))
    bimt.add_layer("out", line(2, 1.0, 2.0))
    bimt.connect("in", "hidden", torch.randn(4, 3))
    bimt.connect("hidden", "out", torch.randn(2, 4))
    before = bimt.positions()["in"].copy()
    with pytest.raises(ValueError, match="Layer 'in' cannot be swapped.*hidden"):
        bimt.swap(3, layers=["in"])
    with pytest.raises(ValueError, match="No layer named 'nope'.*Declared layers"):
        bimt.swap(3, layers=["nope"])
    np.testing.assert_array_equal(bimt.positions()["in"], before)
    bimt.swap(3, layers=["hidden", "out"])


def test_cost_follows_the_module_to_another_dtype():
    # Module.double() (like .to("cuda")) converts the parameters in place, so
    # the declared weights change dtype after a first cost: the cached
    # distances must follow, not mix dtypes (or devices).
    layers, bimt = mlp_and_bimt(dtype=torch.float32)
    value = bimt.cost().item()
    for linear in layers:
        linear.double()
    assert layers[0].weight.dtype == torch.float64
    double = bimt.cost()
    assert double.dtype == torch.float64
    assert double.item() == pytest.approx(value, rel=1e-6)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cost_after_moving_to_the_gpu():
    layers, bimt = mlp_and_bimt(dtype=torch.float32)
    cpu_value = bimt.cost().item()
    model = torch.nn.Sequential(*layers).to("cuda")
    assert bimt.cost().device.type == "cuda"
    assert bimt.cost().item() == pytest.approx(cpu_value, rel=1e-6)
    assert model[0].weight.is_cuda
