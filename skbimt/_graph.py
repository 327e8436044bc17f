"""Connectivity graph of a fitted network: export, active neurons, modules.

The graph has a node per neuron, keyed ``(layer, neuron)``, and an edge per
non-zero weight with ``weight = |w|`` and ``value = w``. Modules are
communities of this weighted graph found with networkx; ``modularity_`` is
Newman's modularity ``Q`` of that partition.
"""

import networkx as nx
import numpy as np
from sklearn.utils.validation import check_is_fitted

#: A weight is *active* when ``|w|`` exceeds this fraction of the largest
#: ``|w|`` of its weight matrix: thinner lines than that cannot be seen in a
#: connectivity plot, whose widths are normalised per layer the same way.
DEFAULT_THRESHOLD = 1e-2

COMMUNITY_METHODS = ("greedy", "louvain")


def active_weight_masks(coefs, threshold=DEFAULT_THRESHOLD):
    """Which weights are active, per weight matrix.

    Parameters
    ----------
    coefs : list of ndarray
        ``coefs[i]`` of shape ``(n_i, n_{i+1})``.
    threshold : float, default=1e-2
        Relative to the largest ``|w|`` of each matrix.

    Returns
    -------
    masks : list of ndarray of bool
    """
    masks = []
    for weight in coefs:
        magnitude = np.abs(weight)
        largest = magnitude.max() if magnitude.size else 0.0
        masks.append(magnitude > threshold * largest if largest > 0 else magnitude > 0)
    return masks


def active_neuron_masks(coefs, threshold=DEFAULT_THRESHOLD):
    """Neurons that lie on a path of active weights from an input to an output.

    A neuron is *active* when some input neuron reaches it and it reaches some
    output neuron through weights that are all active (see
    :func:`active_weight_masks`). Every other neuron cannot influence the
    output beyond the threshold and is *inactive*.

    Parameters
    ----------
    coefs : list of ndarray
        ``coefs[i]`` of shape ``(n_i, n_{i+1})``.
    threshold : float, default=1e-2
        Relative threshold for active weights.

    Returns
    -------
    masks : list of ndarray of bool
        One per neuron layer, input first.
    """
    weight_masks = active_weight_masks(coefs, threshold)
    reached = [np.ones(coefs[0].shape[0], dtype=bool)]
    for mask in weight_masks:
        reached.append((reached[-1][:, None] & mask).any(axis=0))
    reaching = [np.ones(coefs[-1].shape[1], dtype=bool)]
    for mask in reversed(weight_masks):
        reaching.insert(0, (mask & reaching[0][None, :]).any(axis=1))
    return [a & b for a, b in zip(reached, reaching, strict=True)]


def connectivity_graph(coefs, coords=None, labels=None, threshold=DEFAULT_THRESHOLD):
    """Weighted graph of a network given by its weight matrices.

    Parameters
    ----------
    coefs : list of ndarray
        ``coefs[i]`` of shape ``(n_i, n_{i+1})``.
    coords : list of ndarray, default=None
        Position of every neuron, stored as node attribute ``pos``.
    labels : list of list of str, default=None
        Label of every neuron, stored as node attribute ``label``.
    threshold : float, default=1e-2
        Relative threshold deciding the ``active`` node attribute.

    Returns
    -------
    graph : networkx.Graph
        Nodes ``(layer, neuron)`` with attributes ``layer``, ``index``,
        ``active`` and, when given, ``pos`` and ``label``; an edge per
        non-zero weight with attributes ``weight`` (``|w|``), ``value`` (``w``)
        and ``layer`` (index of the weight matrix).
    """
    sizes = [coefs[0].shape[0]] + [w.shape[1] for w in coefs]
    active = active_neuron_masks(coefs, threshold)
    graph = nx.Graph()
    for layer, size in enumerate(sizes):
        for neuron in range(size):
            attributes = {
                "layer": layer,
                "index": neuron,
                "active": bool(active[layer][neuron]),
            }
            if coords is not None:
                attributes["pos"] = tuple(float(v) for v in coords[layer][neuron])
            if labels is not None:
                attributes["label"] = labels[layer][neuron]
            graph.add_node((layer, neuron), **attributes)
    for layer, weight in enumerate(coefs):
        rows, columns = np.nonzero(weight)
        graph.add_edges_from(
            (
                (layer, int(r)),
                (layer + 1, int(c)),
                {
                    "weight": float(abs(weight[r, c])),
                    "value": float(weight[r, c]),
                    "layer": layer,
                },
            )
            for r, c in zip(rows, columns, strict=True)
        )
    return graph


def find_communities(graph, method="greedy", random_state=None):
    """Communities of a weighted connectivity graph.

    Parameters
    ----------
    graph : networkx.Graph
        Edge attribute ``weight`` holds ``|w|``.
    method : {"greedy", "louvain"}, default="greedy"
        ``"greedy"``: Clauset-Newman-Moore greedy modularity maximisation
        (deterministic, Newman's method as the paper uses); ``"louvain"``:
        Louvain, seeded by ``random_state``.
    random_state : int or None, default=None
        Seed for Louvain.

    Returns
    -------
    communities : list of frozenset
        Sorted by their first node, so labels are stable.
    """
    if method not in COMMUNITY_METHODS:
        raise ValueError(f"method must be one of {COMMUNITY_METHODS}, got {method!r}.")
    if graph.number_of_edges() == 0:
        return [frozenset([node]) for node in sorted(graph.nodes)]
    if method == "greedy":
        communities = nx.community.greedy_modularity_communities(graph, weight="weight")
    else:
        communities = nx.community.louvain_communities(
            graph, weight="weight", seed=random_state
        )
    return sorted((frozenset(c) for c in communities), key=min)


def modules_and_modularity(
    coefs, threshold=DEFAULT_THRESHOLD, method="greedy", random_state=None
):
    """Module label of every neuron and the Newman modularity of the network.

    Parameters
    ----------
    coefs : list of ndarray
        ``coefs[i]`` of shape ``(n_i, n_{i+1})``.
    threshold : float, default=1e-2
        Relative threshold for active weights; inactive neurons get label -1.
    method : {"greedy", "louvain"}, default="greedy"
        Community detection method, see :func:`find_communities`.
    random_state : int or None, default=None
        Seed for Louvain.

    Returns
    -------
    modules : list of ndarray of int
        Per neuron layer, the module of each neuron; -1 for inactive neurons.
        Modules are numbered 0, 1, ... in order of their first active neuron
        (by layer, then neuron index).
    modularity : float
        Newman's ``Q`` of the communities on the whole weighted graph (every
        weight, ``|w|`` as edge weight), in ``[-1/2, 1]``.
    """
    graph = connectivity_graph(coefs, threshold=threshold)
    communities = find_communities(graph, method=method, random_state=random_state)
    if graph.number_of_edges() == 0:
        modularity = 0.0
    else:
        modularity = float(nx.community.modularity(graph, communities, weight="weight"))
    sizes = [coefs[0].shape[0]] + [w.shape[1] for w in coefs]
    modules = [np.full(size, -1, dtype=int) for size in sizes]
    next_label = 0
    for community in communities:
        members = sorted(n for n in community if graph.nodes[n]["active"])
        if not members:
            continue
        for layer, neuron in members:
            modules[layer][neuron] = next_label
        next_label += 1
    return modules, modularity


def to_networkx(
    estimator, threshold=DEFAULT_THRESHOLD, method="greedy", random_state=None
):
    """Connectivity graph of a fitted BIMT estimator.

    Parameters
    ----------
    estimator : BIMTRegressor or BIMTClassifier
        Fitted.
    threshold : float, default=1e-2
        Relative threshold deciding which neurons are ``active``.
    method : {"greedy", "louvain"}, default="greedy"
        Community detection method for the ``module`` node attribute.
    random_state : int or None, default=None
        Seed for Louvain.

    Returns
    -------
    graph : networkx.Graph
        See :func:`connectivity_graph`; nodes also carry ``module`` (-1 for
        inactive neurons) and ``graph.graph["modularity"]`` holds Newman's Q.
        With the default arguments these are ``estimator.modules_`` and
        ``estimator.modularity_``.
    """
    check_is_fitted(estimator)
    graph = connectivity_graph(
        estimator.coefs_, estimator.coords_, estimator.neuron_labels(), threshold
    )
    if (threshold, method) == (DEFAULT_THRESHOLD, "greedy"):
        modules, modularity = estimator.modules_, estimator.modularity_
    else:
        modules, modularity = modules_and_modularity(
            estimator.coefs_, threshold, method, random_state
        )
    for layer, labels in enumerate(modules):
        for neuron, module in enumerate(labels):
            graph.nodes[(layer, neuron)]["module"] = int(module)
    graph.graph["modularity"] = modularity
    return graph
