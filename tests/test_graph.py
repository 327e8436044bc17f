import networkx as nx
import numpy as np
import pytest

from skbimt import (
    BIMTClassifier,
    BIMTRegressor,
    active_neuron_masks,
    connectivity_graph,
    find_communities,
    modules_and_modularity,
    to_networkx,
)
from skbimt._graph import active_weight_masks
from skbimt.datasets import make_symbolic, make_two_moons


def test_active_neurons_need_a_path_from_input_to_output():
    w0 = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 0.0]])  # input 1 is cut off
    w1 = np.array([[1.0], [1.0], [0.0]])  # hidden 2 reaches no output
    w0[0, 2] = 1.0  # hidden 2 is fed, but a dead end
    masks = active_neuron_masks([w0, w1])
    assert masks[0].tolist() == [True, False]
    assert masks[1].tolist() == [True, False, False]  # hidden 1 has no input
    assert masks[2].tolist() == [True]


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


def test_louvain_is_seeded():
    rng = np.random.RandomState(1)
    coefs = [np.abs(rng.randn(6, 10)) ** 3, np.abs(rng.randn(10, 3)) ** 3]
    a = modules_and_modularity(coefs, method="louvain", random_state=0)
    b = modules_and_modularity(coefs, method="louvain", random_state=0)
    for x, y in zip(a[0], b[0], strict=True):
        np.testing.assert_array_equal(x, y)
    with pytest.raises(ValueError, match="method must be one of"):
        modules_and_modularity(coefs, method="spectral")


def test_to_networkx_carries_positions_labels_and_modules():
    pd = pytest.importorskip("pandas")
    X, y = make_symbolic("a", 200, random_state=0)
    frame = pd.DataFrame(X, columns=["p", "q", "r", "s"])
    reg = BIMTRegressor(max_iter=300, random_state=0).fit(frame, y)
    graph = to_networkx(reg)
    assert graph.nodes[(0, 2)]["label"] == "r"
    assert graph.nodes[(3, 1)]["label"] == "y1"
    np.testing.assert_allclose(graph.nodes[(1, 5)]["pos"], reg.coords_[1][5])
    assert graph.nodes[(2, 3)]["module"] == reg.modules_[2][3]
    assert graph.graph["modularity"] == reg.modularity_
    communities = find_communities(graph)
    assert reg.modularity_ == pytest.approx(
        nx.community.modularity(graph, communities, weight="weight")
    )
    # Every active neuron's module is the community it belongs to.
    for label, community in enumerate(
        c for c in communities if any(graph.nodes[n]["active"] for n in c)
    ):
        for node in community:
            expected = label if graph.nodes[node]["active"] else -1
            assert graph.nodes[node]["module"] == expected
    other = to_networkx(reg, threshold=0.5)
    assert sum(d["active"] for _, d in other.nodes(data=True)) <= sum(
        d["active"] for _, d in graph.nodes(data=True)
    )


def active_components(estimator):
    """(inputs, outputs) of each connected part of the network's active graph."""
    masks = active_weight_masks(estimator.coefs_)
    neurons = active_neuron_masks(estimator.coefs_)
    graph = nx.Graph()
    for layer, mask in enumerate(masks):
        for row, col in zip(*np.nonzero(mask), strict=True):
            if neurons[layer][row] and neurons[layer + 1][col]:
                graph.add_edge((layer, int(row)), (layer + 1, int(col)))
    last = len(estimator.coefs_)
    return sorted(
        (
            sorted(i for layer, i in part if layer == 0),
            sorted(i for layer, i in part if layer == last),
        )
        for part in nx.connected_components(graph)
    )


@pytest.mark.slow
def test_symbolic_a_splits_into_two_independent_modules():
    # Paper section 3.1 (a): y1 = x2^2 + sin(pi x4), y2 = (x1 + x3)^3, with the
    # paper's hyperparameters (the estimator defaults). 0-based: y0 depends on
    # x1, x3 and y1 on x0, x2.
    X, y = make_symbolic("a", 1000, random_state=0)
    reg = BIMTRegressor(random_state=0).fit(X, y)
    assert active_components(reg) == [([0, 2], [1]), ([1, 3], [0])]
    X_test, y_test = make_symbolic("a", 1000, random_state=1)
    assert np.mean((reg.predict(X_test) - y_test) ** 2) < 2e-2


@pytest.mark.slow
def test_two_moons_ends_sparse_and_accurate():
    # Paper section 3.2: at most a handful of useful hidden neurons remain.
    X, y = make_two_moons(200, random_state=0)
    X_test, y_test = make_two_moons(1000, random_state=1)
    clf = BIMTClassifier(random_state=0).fit(X, y)
    active_hidden = sum(int((m >= 0).sum()) for m in clf.modules_[1:-1])
    assert active_hidden <= 8
    assert clf.score(X_test, y_test) >= 0.99
