"""Splitting parts whose inputs do not interact: what ``split_parts=True`` does.

The connection cost rewards hidden neurons shared by several inputs (one
neuron reading two inputs costs less than two neurons), so a trained BIMT
network often wires inputs together that its function adds up separately:
``x0**2 + exp(x1)`` drawn as one part. The function itself says which
inputs interact. For two inputs ``i`` and ``j`` of a part with contribution
``c``, take each row's ``x_i`` and ``x_j`` from another row (``i``, ``j``
or both) and form the mixed difference

    D = c(x_i', x_j') - c(x_i', x_j) - c(x_i, x_j') + c(x_i, x_j),

which is zero on every row exactly when ``c`` adds ``i`` and ``j`` up
separately. The *interaction* of the pair is ``mean(D**2) / 4`` over the
variance of the whole output: for a pure product ``x_i * x_j`` it is the
product's share of that variance. Within each part the most interacting
pairs are joined first, until the pairs left in different groups add up to
at most :data:`INTERACTION_BUDGET` (:func:`interaction_groups`).

The network is then rewired (:func:`split_network`): a neuron that several
groups reach is copied into unused neurons, one copy per group, each copy
reading only its own group with the other groups' inputs held at zero (the
training mean). The rewired output is the anchored sum of the groups'
separate effects, equal to the network whenever its parts do add their
groups up. It then trains on with only the copied weights: every other
weight (between two groups, from an input in no part, or too thin to draw
before the split) is held at exactly zero. Only numpy here; the training
itself is the engine's, with a mask.
"""

import itertools
from dataclasses import dataclass

import numpy as np
from scipy.sparse import issparse

from ._engine.network import _NUMPY_ACTIVATIONS
from ._parts import _hidden_states, find_part_structure

#: A part is split only where the interactions of the pairs it separates add
#: up to at most this share of the output's variance. Measured on functions
#: of known structure, a pair that does interact scores 0.09-0.33, and all
#: the pairs of a part that do not, together, at most 0.003.
INTERACTION_BUDGET = 0.01

#: Training rows (evenly spaced) the interactions are measured on.
N_INTERACTION_ROWS = 256

#: Parts of more inputs are kept whole: their pairs are too many to measure
#: (64 inputs, 2,016 pairs, take about a second on one core).
MAX_PART_INPUTS = 64

#: Random re-pairings of the rows per pair.
N_PAIRINGS = 4

#: Steps of the split network's training, as a fraction of ``max_iter``.
SPLIT_FRACTION = 0.1


def _part_feed(structure, intercepts, activation, first, part):
    """Contribution of ``part`` for the first hidden layer's pre-activations."""
    last = _hidden_states(
        structure.coefs, intercepts, activation, None, start=0, first=first
    )
    rows = structure.labels[-2] == part
    return last[:, rows] @ structure.coefs[-1][rows]


def pair_interactions(structure, intercepts, activation, inputs, seed=0):
    """Interaction of every pair of inputs that share a part.

    Parts of more than :data:`MAX_PART_INPUTS` inputs are skipped.

    Parameters
    ----------
    structure : PartStructure
        The network's parts (:func:`~skbimt._parts.find_part_structure`).
    intercepts : list of ndarray
        Biases, in training units.
    activation : str
        Hidden activation.
    inputs : ndarray of shape (n_samples, n_inputs)
        Network input in training units.
    seed : int, default=0
        Seed of the row re-pairings.

    Returns
    -------
    interactions : dict
        ``(i, j) -> interaction`` for inputs ``i < j`` of the same part: the
        mean squared mixed difference over four, divided by the variance of
        the visible network's output (summed over outputs), over
        :data:`N_PAIRINGS` re-pairings of the rows. Empty when the output
        does not vary.
    """
    inputs = np.asarray(inputs, dtype=np.float64)
    weight = structure.coefs[0]
    first = inputs @ weight + intercepts[0]
    feeds = [
        _part_feed(structure, intercepts, activation, first, p)
        for p in range(structure.n_parts)
    ]
    total = sum(feeds).var(axis=0).sum() if feeds else 0.0
    if total <= 0:
        return {}
    rng = np.random.default_rng(seed)
    orders = [rng.permutation(len(inputs)) for _ in range(N_PAIRINGS)]
    # All re-pairings at once: each row, and what moving an input changes.
    first = np.tile(first, (N_PAIRINGS, 1))
    change = np.concatenate([inputs[order] - inputs for order in orders])
    interactions = {}
    for part, feed in enumerate(feeds):
        members = [int(i) for i in np.flatnonzero(structure.labels[0] == part)]
        if not 2 <= len(members) <= MAX_PART_INPUTS:
            continue
        feed = np.tile(feed, (N_PAIRINGS, 1))
        shift = {i: change[:, [i]] * weight[i] for i in members}
        alone = {
            i: _part_feed(structure, intercepts, activation, first + shift[i], part)
            for i in members
        }
        for i, j in itertools.combinations(members, 2):
            both = first + shift[i] + shift[j]
            mixed = _part_feed(structure, intercepts, activation, both, part)
            mixed += feed - alone[i] - alone[j]
            interactions[i, j] = np.mean((mixed**2).sum(axis=-1)) / (4 * total)
    return interactions


def interaction_groups(structure, interactions, budget=INTERACTION_BUDGET):
    """The finest groups of each part's inputs that cut at most ``budget``.

    Within each part, pairs are joined from the most interacting down
    (their groups merged) until the interactions of the pairs left in
    different groups add up to at most ``budget``.

    Parameters
    ----------
    structure : PartStructure
    interactions : dict
        As returned by :func:`pair_interactions`.
    budget : float, default=INTERACTION_BUDGET
        Largest sum of the interactions a part's split may cut.

    Returns
    -------
    groups : ndarray of shape (n_inputs,) of int
        Group of every input neuron, numbered in order of their first input;
        -1 for inputs in no part.
    """
    labels = structure.labels[0]
    component = np.arange(labels.size)
    for part in range(structure.n_parts):
        members = np.flatnonzero(labels == part)
        position = {int(i): k for k, i in enumerate(members)}
        strength = np.zeros((members.size, members.size))
        for (i, j), value in interactions.items():
            if labels[i] == part:
                strength[position[i], position[j]] = value
                strength[position[j], position[i]] = value
        cut = np.triu(strength, 1).sum()
        for k in np.argsort(-strength, axis=None, kind="stable"):
            if cut <= budget:
                break
            a, b = (component[members[m]] for m in np.unravel_index(k, strength.shape))
            if a == b:
                continue
            joined_a, joined_b = component[members] == a, component[members] == b
            cut -= strength[np.ix_(joined_a, joined_b)].sum()
            component[members[joined_b]] = a
    groups = np.full(labels.size, -1, dtype=int)
    order = {}
    for i in np.flatnonzero(labels >= 0):
        groups[i] = order.setdefault(int(component[i]), len(order))
    return groups


@dataclass(frozen=True)
class SplitNetwork:
    """A network rewired so that each group of inputs has its own neurons.

    Attributes
    ----------
    coefs, intercepts : list of ndarray
        The rewired parameters, in training units.
    masks : list of ndarray of bool
        Per weight matrix, the weights that may train: the copied ones, each
        between two neurons of one group (or from one into an output).
        Every other weight is zero.
    input_groups : ndarray of int
        Group of every input (-1: in no part), after parts that had too
        few spare neurons to split were kept whole.
    """

    coefs: list
    intercepts: list
    masks: list
    input_groups: np.ndarray


def _reach(structure, input_groups):
    """Per neuron layer below the outputs, the groups reaching each part neuron."""
    n_groups = int(input_groups.max(initial=-1)) + 1
    reach = [
        np.stack([input_groups == g for g in range(n_groups)], axis=1)
        if n_groups
        else np.zeros((input_groups.size, 0), dtype=bool)
    ]
    for weight, labels in zip(structure.coefs[:-1], structure.labels[1:-1]):
        layer = (weight != 0).T.astype(float) @ reach[-1].astype(float) > 0
        reach.append(layer & (labels >= 0)[:, None])
    return reach


def _primary_groups(structure, reach):
    """Per hidden layer, the group that feeds each part neuron most (-1: none)."""
    primary = []
    below_groups = None
    for layer, weight in enumerate(structure.coefs[:-1]):
        below = reach[layer] if layer == 0 else below_groups
        feed = np.abs(weight).T @ below.astype(float)
        feed[~reach[layer + 1]] = -1.0
        groups = np.where(reach[layer + 1].any(axis=1), feed.argmax(axis=1), -1)
        primary.append(groups)
        below_groups = np.zeros_like(reach[layer + 1])
        rows = np.flatnonzero(groups >= 0)
        below_groups[rows, groups[rows]] = True
    return primary


def _slots(structure, reach):
    """Where each (neuron, group) copy lives, or None if spares run out.

    Returns per hidden layer a dict ``(neuron, group) -> slot``: a part
    neuron stays in place for the group that feeds it most, and takes a
    neuron in no part (a spare) for each other group reaching it.
    """
    primary = _primary_groups(structure, reach)
    slots = []
    for layer, labels in enumerate(structure.labels[1:-1], start=1):
        spares = list(np.flatnonzero(labels < 0))
        placed = {}
        for neuron in np.flatnonzero(labels >= 0):
            first = int(primary[layer - 1][neuron])
            placed[int(neuron), first] = int(neuron)
            for group in np.flatnonzero(reach[layer][neuron]):
                if int(group) == first:
                    continue
                if not spares:
                    return None
                placed[int(neuron), int(group)] = int(spares.pop(0))
        slots.append(placed)
    return slots


def _anchor_states(coefs, intercepts, activation):
    """Every neuron layer's values for an all-zero input row."""
    act = _NUMPY_ACTIVATIONS[activation]
    state = np.zeros((1, coefs[0].shape[0]))
    states = [state[0]]
    for i, (weight, bias) in enumerate(zip(coefs, intercepts, strict=True)):
        state = state @ weight + bias
        if i < len(coefs) - 1:
            state = act(state)
        states.append(state[0])
    return states


def split_network(structure, intercepts, activation, input_groups):
    """The visible network rewired so that no neuron serves two input groups.

    Each part neuron reached by several groups is copied, one copy per
    group, into neurons in no part; copy ``(n, g)`` reads only the copies
    of its own group below it, and the inputs of other groups are held at
    their anchor, zero (the training mean): what they fed into ``n`` at
    the anchor is folded into the copy's bias. So copy ``(n, g)`` computes
    ``n(x_g, 0)`` and the output becomes, per part ``p`` with groups
    ``G_p``, the anchored sum ``sum_g c_p(x_g, 0) - (|G_p| - 1) c_p(0)``,
    the output bias absorbing the constants: exactly the visible network
    whenever each part adds its groups up separately.

    A part whose copies do not fit in the spare neurons stays whole (its
    inputs one group).

    Parameters
    ----------
    structure : PartStructure
        Parts of the network, with its visible weights.
    intercepts : list of ndarray
        Biases, in training units.
    activation : str
    input_groups : ndarray of int
        Group of every input (-1: none), as :func:`interaction_groups`
        returns; each group lies inside one part.

    Returns
    -------
    split : SplitNetwork
    """
    coefs = structure.coefs
    input_groups = np.asarray(input_groups, dtype=int).copy()
    while True:
        reach = _reach(structure, input_groups)
        slots = _slots(structure, reach)
        if slots is not None:
            break
        input_groups = _merge_largest_split(structure, input_groups)
    anchor = _anchor_states(coefs, intercepts, activation)
    n_layers = len(coefs)
    new_coefs = [np.zeros_like(w) for w in coefs]
    new_intercepts = [np.array(b, dtype=np.float64) for b in intercepts]
    # Slot of every (neuron, group) per neuron layer below the outputs.
    layer_slots = [
        {(int(i), int(g)): int(i) for i, g in enumerate(input_groups) if g >= 0}
    ] + slots
    groups_of = []
    for layer, placed in enumerate(layer_slots):
        size = coefs[layer].shape[0]
        groups = np.full(size, -1, dtype=int)
        for (_, group), slot in placed.items():
            groups[slot] = group
        groups_of.append(groups)
    for layer in range(n_layers - 1):
        weight = coefs[layer]
        bias = new_intercepts[layer]
        for (neuron, group), slot in layer_slots[layer + 1].items():
            fed = np.zeros(weight.shape[0], dtype=bool)
            for (pre, pre_group), pre_slot in layer_slots[layer].items():
                if pre_group == group:
                    new_coefs[layer][pre_slot, slot] = weight[pre, neuron]
                    fed[pre] = True
            held = anchor[layer] * weight[:, neuron]
            bias[slot] = intercepts[layer][neuron] + held[~fed].sum()
        unused = np.flatnonzero(groups_of[layer + 1] < 0)
        bias[unused] = 0.0
    last = coefs[-1]
    for (neuron, _), slot in layer_slots[-1].items():
        new_coefs[-1][slot] = last[neuron]
    new_anchor = _anchor_states(new_coefs, new_intercepts, activation)
    new_intercepts[-1] = new_intercepts[-1] + anchor[-1] - new_anchor[-1]
    masks = [weight != 0 for weight in new_coefs]
    return SplitNetwork(new_coefs, new_intercepts, masks, input_groups)


def _merge_largest_split(structure, input_groups):
    """``input_groups`` with the part split into most groups made one group."""
    labels = structure.labels[0]
    counts = {
        part: len({int(g) for g in input_groups[labels == part]})
        for part in range(structure.n_parts)
    }
    part = max(counts, key=counts.get)
    merged = input_groups.copy()
    merged[labels == part] = input_groups[labels == part].min()
    # Renumber in order of first input.
    order = {}
    for i in np.flatnonzero(merged >= 0):
        merged[i] = order.setdefault(int(merged[i]), len(order))
    return merged


def interaction_inputs(X, embedding=None):
    """Up to :data:`N_INTERACTION_ROWS` training rows as the first layer reads them.

    Parameters
    ----------
    X : ndarray or scipy sparse matrix of shape (n_samples, n_features)
        Training rows in training units (token ids with token input).
    embedding : ndarray of shape (vocab_size, embedding_dim), default=None
        The token embedding table, with token input.

    Returns
    -------
    inputs : ndarray of shape (n_rows, n_inputs)
        Evenly spaced rows, dense, float64; embedded with token input.
    """
    n = X.shape[0]
    if n > N_INTERACTION_ROWS:
        X = X[np.linspace(0, n - 1, N_INTERACTION_ROWS).round().astype(int)]
    X = X.toarray() if issparse(X) else np.asarray(X)
    if embedding is not None:
        return embedding[X.astype(int)].reshape(len(X), -1)
    return X.astype(np.float64)


def split_plan(coefs, intercepts, activation, inputs, threshold):
    """The network split along its inputs' interactions, or None if nothing splits.

    Parameters
    ----------
    coefs, intercepts : list of ndarray
        The trained network, in training units.
    activation : str
    inputs : ndarray of shape (n_samples, n_inputs)
        Network inputs (training units) to measure interactions on.
    threshold : float
        Visibility threshold of the parts (relative ``|w|``).

    Returns
    -------
    split : SplitNetwork or None
        None when every part's inputs interact, no part has the spare
        neurons to split, or the network has no hidden layer.
    """
    if len(coefs) < 2:
        return None
    structure = find_part_structure(coefs, threshold)
    interactions = pair_interactions(structure, intercepts, activation, inputs)
    groups = interaction_groups(structure, interactions)
    if int(groups.max(initial=-1)) + 1 <= structure.n_parts:
        return None
    split = split_network(structure, intercepts, activation, groups)
    if int(split.input_groups.max(initial=-1)) + 1 <= structure.n_parts:
        return None
    return split
