"""Slow, obvious definitions the fast engine is tested against.

Not part of the package: they exist to be compared with, in float64.
"""

import numpy as np

from skbimt._engine.swap import group_exchange, neuron_scores, ranked_groups


def weight_cost_numpy(geometry, abs_weights):
    """``l_w`` for given absolute weights at the geometry's current placement.

    Parameters
    ----------
    geometry : Geometry
    abs_weights : list of ndarray
        ``|W|`` of each connection, in neuron order.

    Returns
    -------
    cost : float
    """
    return float(
        sum(
            np.sum(geometry.distance(c) * weight)
            for c, weight in enumerate(abs_weights)
        )
    )


def swap_pass_naive(geometry, abs_weights, k, layers):
    """Reference swap pass that re-evaluates the whole ``l_w`` per candidate.

    Same decisions as :func:`skbimt._engine.swap.swap_pass`, computed the slow,
    obvious way: for
    each important neuron, try every exchange in slot order, sum ``d * |w|``
    over all weights of the network, keep the cheapest if it beats the
    current cost. Kept as the executable definition the fast search is tested
    against; do not use it for training.
    """
    n_swaps = 0
    for layer in layers:
        scores = neuron_scores(geometry, abs_weights, layer)
        candidates = np.argsort(-scores, kind="stable")[:k]
        assignment = geometry.layers[layer].assignment
        groups = geometry.layers[layer].swap_groups
        for neuron in candidates:
            current = weight_cost_numpy(geometry, abs_weights)
            best_cost, best_other = current, None
            for slot in range(len(assignment)):
                if groups is not None and groups[slot] != groups[assignment[neuron]]:
                    continue
                other = int(np.flatnonzero(assignment == slot)[0])
                if other == neuron:
                    continue
                geometry.swap(layer, neuron, other)
                trial = weight_cost_numpy(geometry, abs_weights)
                geometry.swap(layer, neuron, other)
                if trial < best_cost:
                    best_cost, best_other = trial, other
            if best_other is not None:
                geometry.swap(layer, neuron, best_other)
                n_swaps += 1
        if groups is not None:
            n_swaps += _swap_whole_groups_naive(geometry, abs_weights, layer, scores)
    return n_swaps


def _swap_whole_groups_naive(geometry, abs_weights, layer, scores):
    """Reference whole-group exchanges, re-evaluating ``l_w`` per trial."""
    neuron_layer = geometry.layers[layer]
    groups = neuron_layer.swap_groups
    n_swaps = 0
    for group in ranked_groups(groups, scores, neuron_layer.assignment):
        best_cost = weight_cost_numpy(geometry, abs_weights)
        best_assignment = None
        for other in np.unique(groups):
            if other == group or np.sum(groups == other) != np.sum(groups == group):
                continue
            saved = neuron_layer.assignment.copy()
            neuron_layer.assignment[:] = group_exchange(groups, group, other)[saved]
            trial = weight_cost_numpy(geometry, abs_weights)
            if trial < best_cost:
                best_cost, best_assignment = trial, neuron_layer.assignment.copy()
            neuron_layer.assignment[:] = saved
        if best_assignment is not None:
            neuron_layer.assignment[:] = best_assignment
            n_swaps += 1
    return n_swaps
