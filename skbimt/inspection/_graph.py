"""The connectivity graph of a fitted estimator, as a networkx graph."""

from .._connectivity import (
    DEFAULT_THRESHOLD,
    connectivity_graph,
    modules_and_modularity,
)
from ._checks import check_fitted_bimt


def to_networkx(
    estimator, threshold=DEFAULT_THRESHOLD, method="louvain", random_state=0
):
    """Connectivity graph of a fitted BIMT estimator.

    Parameters
    ----------
    estimator : BIMTRegressor or BIMTClassifier
        Fitted.
    threshold : float, default=1e-2
        Relative threshold deciding which neurons are ``active``.
    method : {"louvain", "greedy"}, default="louvain"
        Community detection method for the ``module`` node attribute.
    random_state : int or None, default=0
        Seed for Louvain; fixed by default, so modules are reproducible.

    Returns
    -------
    graph : networkx.Graph
        See :func:`connectivity_graph`; edges carry the trained, unit-free
        weights (``scaled_coefs_``). Nodes also carry ``module`` (-1 for
        inactive neurons) and ``graph.graph["modularity"]`` holds Newman's Q.
        With the default arguments these are ``estimator.modules_`` and
        ``estimator.modularity_``.
    """
    check_fitted_bimt(estimator, "to_networkx")
    graph = connectivity_graph(
        estimator.scaled_coefs_,
        estimator.coords_,
        estimator.neuron_labels(),
        threshold,
    )
    if (threshold, method, random_state) == (DEFAULT_THRESHOLD, "louvain", 0):
        modules, modularity = estimator.modules_, estimator.modularity_
    else:
        modules, modularity = modules_and_modularity(
            estimator.scaled_coefs_, threshold, method, random_state
        )
    for layer, labels in enumerate(modules):
        for neuron, module in enumerate(labels):
            graph.nodes[(layer, neuron)]["module"] = int(module)
    graph.graph["modularity"] = modularity
    return graph
