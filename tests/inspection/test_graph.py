"""to_networkx: the estimator's graph carries positions, labels and modules."""

import networkx as nx
import numpy as np
import pytest

from skbimt import BIMTRegressor
from skbimt.datasets import make_symbolic
from skbimt.inspection import find_communities, modules_and_modularity, to_networkx


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
    edge = graph.edges[(1, 2), (2, 4)]
    assert edge["value"] == reg.scaled_coefs_[1][2, 4]
    other = to_networkx(reg, threshold=0.5)
    assert sum(d["active"] for _, d in other.nodes(data=True)) <= sum(
        d["active"] for _, d in graph.nodes(data=True)
    )
    louvain = to_networkx(reg, method="louvain", random_state=0)
    expected = modules_and_modularity(
        reg.scaled_coefs_, method="louvain", random_state=0
    )
    assert louvain.graph["modularity"] == expected[1]
    assert [louvain.nodes[(0, j)]["module"] for j in range(4)] == list(expected[0][0])
