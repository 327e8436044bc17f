"""Connectivity graph of a network: active weights and neurons, modules, Q.

The one place that turns weight matrices into a graph, for the estimators
(an MLP: each neuron layer feeds the next) and for :mod:`skbimt.nn` (any
declared layers and connections). The graph has a node per neuron, keyed
``(layer, neuron)`` with ``layer`` the index of the neuron layer, and an edge
per non-zero weight with ``weight = |w|`` and ``value = w``. Modules are
communities of this weighted graph; ``modularity`` is Newman's ``Q`` of that
partition.

Only numpy and networkx are needed here; the public functions are exported
by :mod:`skbimt.inspection`.
"""

import networkx as nx
import numpy as np

#: A weight is *active* when ``|w|`` exceeds this fraction of the largest
#: ``|w|`` of its weight matrix: thinner lines than that cannot be seen in a
#: connectivity plot, whose widths are normalised per matrix the same way.
DEFAULT_THRESHOLD = 1e-2

COMMUNITY_METHODS = ("greedy", "louvain")


def layer_sizes(coefs):
    """Neurons per layer of an MLP given by its weight matrices."""
    return [coefs[0].shape[0]] + [w.shape[1] for w in coefs]


def active_weight_masks(coefs, threshold=DEFAULT_THRESHOLD):
    """Which weights are active, per weight matrix.

    Parameters
    ----------
    coefs : list of ndarray
        Weight matrices, ``(n_pre, n_post)`` each.
    threshold : float, default=1e-2
        Relative to the largest ``|w|`` of each matrix.

    Returns
    -------
    masks : list of ndarray of bool
    """
    return [relative_magnitudes(weight) > threshold for weight in coefs]


def relative_magnitudes(weight):
    """``|w|`` divided by the largest ``|w|`` of the matrix (zeros stay zero)."""
    magnitude = np.abs(weight)
    largest = magnitude.max() if magnitude.size else 0.0
    return magnitude / largest if largest > 0 else magnitude


def widest_path_strengths(coefs):
    """Strength of each input neuron's widest path to an output of an MLP.

    A path is as strong as its weakest weight, each weight measured relative
    to the largest ``|w|`` of its matrix; an input's strength is that of its
    strongest path to any output. So an input neuron is active at a threshold
    (see :func:`active_neuron_masks`) exactly when its strength exceeds it.

    Parameters
    ----------
    coefs : list of ndarray
        ``coefs[i]`` of shape ``(n_i, n_{i+1})``.

    Returns
    -------
    strengths : ndarray of shape (n_0,)
        In ``[0, 1]``.
    """
    strength = np.ones(coefs[-1].shape[1])
    for weight in reversed(coefs):
        # Widest path, one layer back: best over successors of the weaker of
        # the edge and the successor's own widest path.
        strength = np.minimum(relative_magnitudes(weight), strength).max(axis=1)
    return strength


def active_neuron_masks(
    coefs, threshold=DEFAULT_THRESHOLD, *, sizes=None, connections=None
):
    """Neurons that lie on a path of active weights from an input to an output.

    A neuron is *active* when some input neuron reaches it and it reaches some
    output neuron through weights that are all active (see
    :func:`active_weight_masks`). Every other neuron cannot influence the
    output beyond the threshold and is *inactive*.

    Parameters
    ----------
    coefs : list of ndarray
        For an MLP, ``coefs[i]`` of shape ``(n_i, n_{i+1})``.
    threshold : float, default=1e-2
        Relative threshold for active weights.
    sizes : list of int, default=None
        Neurons per layer, for a network given by ``connections``.
    connections : list of tuple of int, default=None
        ``(pre, post)`` layer indices of each matrix in ``coefs``; an MLP
        when None. Inputs are then the layers no connection writes to, and
        outputs those no connection reads from.

    Returns
    -------
    masks : list of ndarray of bool
        One per neuron layer.
    """
    if connections is None:
        sizes, connections = layer_sizes(coefs), [(i, i + 1) for i in range(len(coefs))]
    weight_masks = active_weight_masks(coefs, threshold)
    targets = {post for _, post in connections}
    sources = {pre for pre, _ in connections}
    reached = _propagate(
        sizes, connections, weight_masks, [i not in targets for i in range(len(sizes))]
    )
    flipped = [(post, pre) for pre, post in connections]
    reaching = _propagate(
        sizes,
        flipped,
        [mask.T for mask in weight_masks],
        [i not in sources for i in range(len(sizes))],
    )
    return [a & b for a, b in zip(reached, reaching, strict=True)]


def _propagate(sizes, connections, masks, seeded):
    """Neurons reachable through the masked edges from the seeded layers."""
    reached = [np.full(n, bool(seed)) for n, seed in zip(sizes, seeded, strict=True)]
    changed = True
    while changed:
        changed = False
        for (pre, post), mask in zip(connections, masks, strict=True):
            new = reached[post] | (reached[pre][:, None] & mask).any(axis=0)
            if (new != reached[post]).any():
                reached[post], changed = new, True
    return reached


def connectivity_graph(
    coefs,
    coords=None,
    labels=None,
    threshold=DEFAULT_THRESHOLD,
    *,
    sizes=None,
    connections=None,
    layer_names=None,
    merge=(),
):
    """Weighted graph of a network given by its weight matrices.

    Parameters
    ----------
    coefs : list of ndarray
        Weight matrices, ``(n_pre, n_post)`` each; for an MLP ``coefs[i]``
        joins layer ``i`` to ``i + 1``.
    coords : list of ndarray, default=None
        Position of every neuron, per layer, stored as node attribute ``pos``.
    labels : list of list of str, default=None
        Label of every neuron, per layer, stored as node attribute ``label``.
    threshold : float, default=1e-2
        Relative threshold deciding the ``active`` node attribute.
    sizes, connections : default=None
        Neurons per layer and ``(pre, post)`` of each matrix, for a network
        other than an MLP (see :func:`active_neuron_masks`).
    layer_names : list of str, default=None
        Stored as node attribute ``layer_name``.
    merge : sequence of sequence of int, default=()
        Groups of layers that hold the same neurons (the layers of a
        residual stream), merged into the node set of the group's first
        layer; weights landing on the same pair of nodes add up.

    Returns
    -------
    graph : networkx.Graph
        Nodes ``(layer, neuron)`` with attributes ``layer``, ``index``,
        ``active`` and, when given, ``pos``, ``label`` and ``layer_name``; an
        edge per non-zero weight with attributes ``weight`` (``|w|``),
        ``value`` (``w``) and ``layer`` (index of the weight matrix).
    """
    if connections is None:
        sizes, connections = layer_sizes(coefs), [(i, i + 1) for i in range(len(coefs))]
    active = active_neuron_masks(coefs, threshold, sizes=sizes, connections=connections)
    alias = {layer: group[0] for group in merge for layer in group}
    graph = nx.Graph()
    for layer, size in enumerate(sizes):
        if alias.get(layer, layer) != layer:
            continue
        group = [m for m, first in alias.items() if first == layer] or [layer]
        for neuron in range(size):
            attributes = {
                "layer": layer,
                "index": neuron,
                "active": bool(any(active[m][neuron] for m in group)),
            }
            if coords is not None:
                attributes["pos"] = tuple(float(v) for v in coords[layer][neuron])
            if labels is not None:
                attributes["label"] = labels[layer][neuron]
            if layer_names is not None:
                attributes["layer_name"] = layer_names[layer]
            graph.add_node((layer, neuron), **attributes)
    # Matrices landing on the same pair of (merged) layers add up: |w| as
    # ``weight``, the signed w as ``value``; ``layer`` is the first matrix.
    merged = {}
    for index, ((pre, post), weight) in enumerate(zip(connections, coefs, strict=True)):
        pre, post = alias.get(pre, pre), alias.get(post, post)
        weight = np.asarray(weight)
        if pre > post:  # the graph is undirected: one key per pair of layers
            pre, post, weight = post, pre, weight.T
        key = (pre, post)
        if key in merged:
            first, magnitude, value = merged[key]
            merged[key] = (first, magnitude + np.abs(weight), value + weight)
        else:
            merged[key] = (index, np.abs(weight), weight)
    for (pre, post), (index, magnitude, value) in merged.items():
        rows, columns = np.nonzero(magnitude)
        graph.add_edges_from(
            ((pre, r), (post, c), {"weight": m, "value": v, "layer": index})
            for r, c, m, v in zip(
                rows.tolist(),
                columns.tolist(),
                magnitude[rows, columns].tolist(),
                value[rows, columns].tolist(),
                strict=True,
            )
        )
    return graph


def find_communities(graph, method="louvain", random_state=0):
    """Communities of a weighted connectivity graph.

    Parameters
    ----------
    graph : networkx.Graph
        Edge attribute ``weight`` holds ``|w|``.
    method : {"louvain", "greedy"}, default="louvain"
        ``"greedy"``: Clauset-Newman-Moore greedy modularity maximisation
        (deterministic); ``"louvain"``: Louvain, seeded by ``random_state``.
    random_state : int or None, default=0
        Seed for Louvain; fixed by default, so modules are reproducible.

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


def modularity(graph, communities):
    """Newman's ``Q`` of a partition of a weighted graph; 0 without edges."""
    if graph.number_of_edges() == 0 or graph.size(weight="weight") == 0:
        return 0.0
    return float(nx.community.modularity(graph, communities, weight="weight"))


def graph_modules(graph, method="louvain", random_state=0):
    """Module label of every node of a connectivity graph, and ``Q``.

    Parameters
    ----------
    graph : networkx.Graph
        From :func:`connectivity_graph`.
    method : {"louvain", "greedy"}, default="louvain"
    random_state : int or None, default=0

    Returns
    -------
    labels : dict
        Node to module label: 0, 1, ... in order of each module's first
        active node; -1 for inactive nodes.
    modularity : float
    """
    communities = find_communities(graph, method=method, random_state=random_state)
    labels = dict.fromkeys(graph.nodes, -1)
    next_label = 0
    for community in communities:
        members = sorted(n for n in community if graph.nodes[n]["active"])
        if not members:
            continue
        for node in members:
            labels[node] = next_label
        next_label += 1
    return labels, modularity(graph, communities)


def modules_and_modularity(
    coefs, threshold=DEFAULT_THRESHOLD, method="louvain", random_state=0
):
    """Module label of every neuron and the Newman modularity of an MLP.

    Parameters
    ----------
    coefs : list of ndarray
        ``coefs[i]`` of shape ``(n_i, n_{i+1})``.
    threshold : float, default=1e-2
        Relative threshold for active weights; inactive neurons get label -1.
    method : {"louvain", "greedy"}, default="louvain"
        Community detection method, see :func:`find_communities`.
    random_state : int or None, default=0
        Seed for Louvain; fixed by default, so modules are reproducible.

    Returns
    -------
    modules : list of ndarray of int
        Per neuron layer, the module of each neuron; -1 for inactive neurons.
        Modules are numbered 0, 1, ... in order of their first active neuron
        (by layer, then neuron index).
    modularity : float
        Newman's ``Q`` of the communities on the whole weighted graph (every
        weight, ``|w|`` as edge weight), in ``[-1/2, 1]``; 0 for a network
        without weights.
    """
    graph = connectivity_graph(coefs, threshold=threshold)
    labels, q = graph_modules(graph, method, random_state)
    modules = [np.full(size, -1, dtype=int) for size in layer_sizes(coefs)]
    for (layer, neuron), label in labels.items():
        modules[layer][neuron] = label
    return modules, q
