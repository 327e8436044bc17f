"""Swap search: move important neurons to the slots that shorten their wiring.

Paper, section 2, step 3. In every swappable layer the ``k`` neurons with the
largest score (Eq. 5: summed ``|w|`` of incoming and outgoing weights) are
visited in decreasing score; each is exchanged with the occupant of the slot
that lowers the weight cost ``l_w`` most, if any slot does.

The search reads one *placement-cost matrix* per layer,
``C[j, p] = sum_q |W_in[q, j]| D(q, p) + sum_r |W_out[j, r]| D(p, r)``, the
wiring cost of neuron ``j`` were it sitting in slot ``p``. Neurons of one
layer are not connected to each other, so exchanging neurons ``j`` and ``m``
changes ``l_w`` by ``C[j, p_m] + C[m, p_j] - C[j, p_j] - C[m, p_m]`` and ``C``
stays valid after a swap within its own layer.

Layers split into swap groups (the neurons of one attention head, appendix F)
keep each neuron inside its group; after the neuron swaps, whole groups of
equal size are exchanged the same greedy way (the heads swap with each
other), read off the same matrix.
"""

import numpy as np


def neuron_scores(geometry, abs_weights, layer):
    """Importance score of every neuron of a layer (paper, Eq. 5).

    For tied layers, the scores of all layers of the tie are summed.

    Parameters
    ----------
    geometry : Geometry
    abs_weights : list of ndarray
        ``|W|`` of each connection of ``geometry``, in neuron order.
    layer : int
        Index of the neuron layer.

    Returns
    -------
    scores : ndarray of shape (n_neurons,)
    """
    members = geometry.tied_with(layer)
    scores = np.zeros(geometry.layers[layer].n_neurons)
    for (pre, post), weight in zip(geometry.connections, abs_weights, strict=True):
        if pre in members:
            scores += weight.sum(axis=1)
        if post in members:
            scores += weight.sum(axis=0)
    return scores


def placement_cost(geometry, abs_weights, layer):
    """Wiring cost of every neuron of a layer in every slot of that layer.

    Parameters
    ----------
    geometry : Geometry
    abs_weights : list of ndarray
        ``|W|`` of each connection of ``geometry``, in neuron order.
    layer : int
        Index of the neuron layer.

    Returns
    -------
    cost : ndarray of shape (n_neurons, n_slots)
        ``cost[j, p]``: summed ``d * |w|`` of the weights touching neuron ``j``
        if it sat in slot ``p``, all other neurons staying where they are.
        For tied layers, summed over the layers of the tie.
    """
    members = geometry.tied_with(layer)
    n_neurons = geometry.layers[layer].n_neurons
    cost = np.zeros((n_neurons, n_neurons))
    for connection, ((pre, post), weight) in enumerate(
        zip(geometry.connections, abs_weights, strict=True)
    ):
        slot_distance = geometry.slot_distance(connection)
        if post in members:
            pre_assignment = geometry.layers[pre].assignment
            cost += weight.T @ slot_distance[pre_assignment, :]
        if pre in members:
            post_assignment = geometry.layers[post].assignment
            cost += weight @ slot_distance[:, post_assignment].T
    return cost


#: From this many neurons on, a layer without swap groups reads the
#: placement-cost matrix lazily (:class:`LazyPlacementCost`): a one-hot input
#: layer of 10,000 columns would need a 10,000 x 10,000 matrix (800 MB) of
#: which the ``k`` candidates read a few rows and columns.
LAZY_FROM_NEURONS = 1024


class LazyPlacementCost:
    """The rows, columns and entries of :func:`placement_cost`, on demand.

    ``C`` is a sum of products ``A @ B`` (one per connection touching the
    layer, ``A`` of shape ``(n_neurons, m)``, ``B`` of ``(m, n_slots)``, with
    ``m`` the neighbouring layer's size); a row, a column or ``n`` entries
    cost ``O(n * m)`` each instead of ``O(n^2 * m)`` for the whole matrix.
    """

    def __init__(self, geometry, abs_weights, layer):
        members = geometry.tied_with(layer)
        self.terms = []
        for connection, ((pre, post), weight) in enumerate(
            zip(geometry.connections, abs_weights, strict=True)
        ):
            slot_distance = geometry.slot_distance(connection)
            if post in members:
                pre_assignment = geometry.layers[pre].assignment
                self.terms.append((weight.T, slot_distance[pre_assignment, :]))
            if pre in members:
                post_assignment = geometry.layers[post].assignment
                self.terms.append((weight, slot_distance[:, post_assignment].T))

    def row(self, neuron):
        """``C[neuron, :]``."""
        return sum(a[neuron] @ b for a, b in self.terms)

    def column(self, slot):
        """``C[:, slot]``."""
        return sum(a @ b[:, slot] for a, b in self.terms)

    def entries(self, neurons, slots):
        """``C[neurons[i], slots[i]]`` for every ``i``."""
        return sum(
            np.einsum("ij,ji->i", a[neurons], b[:, slots]) for a, b in self.terms
        )


def swap_layer(geometry, abs_weights, layer, k):
    """Greedy swaps for the top-``k`` neurons of one layer, in place.

    Parameters
    ----------
    geometry : Geometry
        Its assignment for ``layer`` is updated.
    abs_weights : list of ndarray
        ``|W|`` of each connection, in neuron order.
    layer : int
        Index of the neuron layer.
    k : int
        Number of top-score neurons to try to move.

    Returns
    -------
    n_swaps : int
        Number of swaps made.
    """
    groups = geometry.layers[layer].swap_groups
    lazy = groups is None and geometry.layers[layer].n_neurons >= LAZY_FROM_NEURONS
    if lazy:
        cost = LazyPlacementCost(geometry, abs_weights, layer)
    else:
        cost = placement_cost(geometry, abs_weights, layer)
    scores = neuron_scores(geometry, abs_weights, layer)
    candidates = np.argsort(-scores, kind="stable")[:k]
    assignment = geometry.layers[layer].assignment
    occupant = geometry.layers[layer].occupants()
    slots = np.arange(len(assignment))
    n_swaps = 0
    for neuron in candidates:
        own_slot = assignment[neuron]
        # Change of l_w from exchanging `neuron` with the occupant of each slot.
        if lazy:
            row = cost.row(neuron)
            change = (
                row
                + cost.column(own_slot)[occupant]
                - row[own_slot]
                - cost.entries(occupant, slots)
            )
        else:
            change = (
                cost[neuron, :]
                + cost[occupant, own_slot]
                - cost[neuron, own_slot]
                - cost[occupant, slots]
            )
        change[own_slot] = 0.0
        if groups is not None:
            change[groups != groups[own_slot]] = 0.0
        best_slot = int(np.argmin(change))
        if change[best_slot] < 0:
            other = occupant[best_slot]
            assignment[neuron], assignment[other] = best_slot, own_slot
            occupant[best_slot], occupant[own_slot] = neuron, other
            n_swaps += 1
    if groups is not None:
        n_swaps += _swap_whole_groups(cost, scores, assignment, occupant, groups)
    return n_swaps


def group_exchange(groups, group_a, group_b):
    """Slot permutation that exchanges two equal-size swap groups.

    The ``r``-th slot of one group (in slot order) maps to the ``r``-th slot
    of the other, so a group keeps its internal arrangement.

    Returns
    -------
    new_slot : ndarray of int of shape (n_slots,)
        Where the occupant of each slot goes.
    """
    slots_a = np.flatnonzero(groups == group_a)
    slots_b = np.flatnonzero(groups == group_b)
    new_slot = np.arange(len(groups))
    new_slot[slots_a], new_slot[slots_b] = slots_b, slots_a
    return new_slot


def ranked_groups(groups, scores, assignment):
    """Group labels by decreasing summed neuron score (Eq. 5), stable."""
    labels = np.unique(groups)
    group_of_neuron = groups[assignment]
    totals = np.array([scores[group_of_neuron == g].sum() for g in labels])
    return labels[np.argsort(-totals, kind="stable")]


def _swap_whole_groups(cost, scores, assignment, occupant, groups):
    """Greedy exchanges of whole swap groups, in place; returns their number."""
    sizes = {g: int(np.sum(groups == g)) for g in np.unique(groups)}
    n_swaps = 0
    for group in ranked_groups(groups, scores, assignment):
        best_change, best_other = 0.0, None
        own = np.flatnonzero(groups == group)
        for other, size in sizes.items():
            if other == group or size != sizes[group]:
                continue
            theirs = np.flatnonzero(groups == other)
            mine_now, theirs_now = occupant[own], occupant[theirs]
            change = (
                cost[mine_now, theirs].sum()
                + cost[theirs_now, own].sum()
                - cost[mine_now, own].sum()
                - cost[theirs_now, theirs].sum()
            )
            if change < best_change:
                best_change, best_other = change, other
        if best_other is not None:
            new_slot = group_exchange(groups, group, best_other)
            assignment[:] = new_slot[assignment]
            occupant[new_slot] = occupant.copy()
            n_swaps += 1
    return n_swaps


def swappable_layers(geometry, swap_inputs=True, swap_outputs=True):
    """Indices of the layers the swap search visits, input to output.

    Parameters
    ----------
    geometry : Geometry
    swap_inputs, swap_outputs : bool, default=True
        Whether the first and the last layer may be swapped.

    Returns
    -------
    layers : list of int
        For tied layers, only the first of the tie (a swap there moves all).
    """
    last = len(geometry.layers) - 1

    def allowed(i):
        layer = geometry.layers[i]
        return (
            layer.swappable
            and layer.n_neurons > 1
            and (swap_inputs or i != 0)
            and (swap_outputs or i != last)
        )

    return [
        i
        for i in range(len(geometry.layers))
        if geometry.tied_with(i)[0] == i and all(map(allowed, geometry.tied_with(i)))
    ]


def swap_pass(geometry, abs_weights, k, layers):
    """One swap pass over several layers, in the given order, in place.

    The pass is all or nothing: if it is interrupted (Ctrl-C), the
    assignments are restored to what they were before it started, so a
    half-made exchange never leaves a layer with two neurons in one slot.

    Parameters
    ----------
    geometry : Geometry
    abs_weights : list of ndarray
        ``|W|`` of each connection, in neuron order.
    k : int
        Number of top-score neurons tried per layer.
    layers : list of int
        Layers to visit, see :func:`swappable_layers`.

    Returns
    -------
    n_swaps : int
        Total number of swaps made.
    """
    saved = geometry.get_state()
    try:
        return sum(swap_layer(geometry, abs_weights, layer, k) for layer in layers)
    except BaseException:
        geometry.set_state(saved)
        raise
