"""Connectivity graphs, active neurons, modules and modularity from weights."""

import itertools

import networkx as nx
import numpy as np
import pytest

from skbimt._connectivity import (
    active_neuron_masks,
    active_weight_masks,
    connectivity_graph,
    find_communities,
    graph_modules,
    modules_and_modularity,
    widest_path_strengths,
)


def test_active_neurons_need_a_path_from_input_to_output():
    w0 = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 0.0]])  # input 1 is cut off
    w1 = np.array([[1.0], [1.0], [0.0]])  # hidden 2 reaches no output
    w0[0, 2] = 1.0  # hidden 2 is fed, but a dead end
    masks = active_neuron_masks([w0, w1])
    assert masks[0].tolist() == [True, False]
    assert masks[1].tolist() == [True, False, False]  # hidden 1 has no input
    assert masks[2].tolist() == [True]


def test_active_neurons_of_a_network_with_skip_connections():
    # in -> a -> out, and in -> out directly; layer b hangs off in only.
    sizes = [2, 2, 1, 2]
    connections = [(0, 1), (1, 3), (0, 3), (0, 2)]
    coefs = [
        np.array([[1.0, 0.0], [0.0, 0.0]]),  # in0 -> a0
        np.array([[1.0, 0.0], [1.0, 0.0]]),  # a0, a1 -> out0
        np.array([[0.0, 0.0], [0.0, 1.0]]),  # in1 -> out1 directly
        np.array([[1.0], [1.0]]),  # in -> b, and b is an output layer
    ]
    masks = active_neuron_masks(coefs, sizes=sizes, connections=connections)
    assert masks[0].tolist() == [True, True]
    assert masks[1].tolist() == [True, False]  # a1 is fed by nothing active
    assert masks[2].tolist() == [True]
    assert masks[3].tolist() == [True, True]


def test_threshold_is_relative_to_each_matrix():
    w = np.array([[100.0, 0.5, 2.0]])
    assert active_weight_masks([w], 0.01)[0].tolist() == [[True, False, True]]
    assert active_weight_masks([w * 1e-6], 0.01)[0].tolist() == [[True, False, True]]


def test_graph_has_a_node_per_neuron_and_an_edge_per_weight():
    rng = np.random.RandomState(0)
    coefs = [rng.randn(3, 4), rng.randn(4, 2)]
    graph = connectivity_graph(coefs)
    assert graph.number_of_nodes() == 3 + 4 + 2
    assert graph.number_of_edges() == 12 + 8
    edge = graph.edges[(0, 1), (1, 2)]
    assert edge["value"] == coefs[0][1, 2] and edge["weight"] == abs(coefs[0][1, 2])


def test_merged_layers_share_nodes_and_add_magnitudes():
    sizes = [2, 3, 2, 3]
    connections = [(0, 1), (1, 2), (2, 3)]  # in -> res0 -> hid -> res1
    coefs = [np.ones((2, 3)), np.full((3, 2), 2.0), np.full((2, 3), -3.0)]
    separate = connectivity_graph(coefs, sizes=sizes, connections=connections)
    merged = connectivity_graph(
        coefs, sizes=sizes, connections=connections, merge=[[1, 3]]
    )
    assert separate.number_of_nodes() == 10 and merged.number_of_nodes() == 7
    # res0 -> hid (2) and hid -> res1 (-3) land on the same node pair.
    edge = merged.edges[(1, 1), (2, 0)]
    assert edge["weight"] == 5.0 and edge["value"] == -1.0


def test_modularity_is_newman_q_of_the_modules():
    # Two disconnected blocks: the communities are the blocks, Q is known.
    w0 = np.array([[1.0, 1.0, 0, 0], [0, 0, 1.0, 1.0]])
    w1 = np.array([[1.0, 0], [1.0, 0], [0, 1.0], [0, 1.0]])
    modules, modularity = modules_and_modularity([w0, w1])
    assert modules[0].tolist() == [0, 1]
    assert modules[1].tolist() == [0, 0, 1, 1]
    assert modules[2].tolist() == [0, 1]
    # Two equal halves with no edge between them: Q = 1 - 2 * (1/2)^2 = 0.5.
    assert modularity == pytest.approx(0.5)


def test_a_network_without_weights_has_modularity_zero():
    modules, modularity = modules_and_modularity([np.zeros((2, 3)), np.zeros((3, 1))])
    assert modularity == 0.0
    assert all((m == -1).all() for m in modules)
    graph = connectivity_graph([np.zeros((2, 2))])
    assert graph_modules(graph)[1] == 0.0


def test_louvain_is_seeded():
    rng = np.random.RandomState(1)
    coefs = [np.abs(rng.randn(6, 10)) ** 3, np.abs(rng.randn(10, 3)) ** 3]
    a = modules_and_modularity(coefs, method="louvain", random_state=0)
    b = modules_and_modularity(coefs, method="louvain", random_state=0)
    for x, y in zip(a[0], b[0], strict=True):
        np.testing.assert_array_equal(x, y)
    with pytest.raises(ValueError, match="method must be one of"):
        modules_and_modularity(coefs, method="spectral")


def test_modules_are_the_communities_of_the_active_neurons():
    rng = np.random.RandomState(2)
    coefs = [rng.randn(4, 6) * (rng.uniform(size=(4, 6)) < 0.4), rng.randn(6, 2)]
    graph = connectivity_graph(coefs)
    labels, q = graph_modules(graph)
    communities = find_communities(graph)
    assert q == pytest.approx(nx.community.modularity(graph, communities))
    for label, community in enumerate(
        c for c in communities if any(graph.nodes[n]["active"] for n in c)
    ):
        for node in community:
            expected = label if graph.nodes[node]["active"] else -1
            assert labels[node] == expected


def widest_path_by_enumeration(coefs):
    """Oracle: every input-to-output path, its weakest relative weight."""
    relative = [np.abs(w) / np.abs(w).max() for w in coefs]
    best = np.zeros(coefs[0].shape[0])
    for path in itertools.product(
        *[range(w.shape[0]) for w in coefs], range(coefs[-1].shape[1])
    ):
        strength = min(r[path[i], path[i + 1]] for i, r in enumerate(relative))
        best[path[0]] = max(best[path[0]], strength)
    return best


@pytest.mark.parametrize("seed", range(5))
def test_widest_path_strengths_match_enumerating_every_path(seed):
    rng = np.random.RandomState(seed)
    coefs = [rng.standard_t(1, size=s) for s in [(3, 4), (4, 5), (5, 2)]]
    coefs[0][1] = 0.0  # an input cut off
    expected = widest_path_by_enumeration(coefs)
    np.testing.assert_allclose(widest_path_strengths(coefs), expected)
    assert expected[1] == 0.0 and expected.max() > 0
    # An input is active at a threshold exactly when its strength exceeds it.
    for threshold in [0.0, 0.01, 0.1, 0.5]:
        np.testing.assert_array_equal(
            active_neuron_masks(coefs, threshold)[0],
            widest_path_strengths(coefs) > threshold,
        )
