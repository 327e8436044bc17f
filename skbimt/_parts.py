"""Parts of a network: the connected pieces of its visible wiring, and their sums.

Below the output layer, the *visible* network (the weights a connectivity
plot draws, ``|w|`` above ``threshold`` times the largest ``|w|`` of their
matrix) falls into connected pieces. A *part* is one such piece among the
active neurons (those on a visible path from an input to an output). Since
parts share no visible weight, each part's last hidden neurons depend on the
part's inputs only, and the output of the visible network is exactly

    output(x) = sum over parts p of c_p(x_p) + intercept,

with ``c_p`` the part's last hidden neurons times their visible output
weights and ``intercept`` the output bias plus the constant feed of neurons
no input reaches. The visible network is the fitted one with the invisible
weights set to zero (biases stay): what is drawn is what the sum adds up.

Only numpy here (and the connectivity helpers); the estimators read
:func:`effect_importances` for ``feature_importances_``, and
:mod:`skbimt.inspection` builds the public parts on :func:`find_part_structure`
and :func:`part_contributions`.
"""

from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix, issparse
from scipy.sparse.csgraph import connected_components
from sklearn.utils.validation import check_is_fitted

from ._connectivity import (
    active_neuron_masks,
    layer_sizes,
    relative_magnitudes,
    widest_path_strengths,
)
from ._engine.network import _NUMPY_ACTIVATIONS

#: Rows of the training data an estimator keeps to measure effects on.
N_REFERENCE_ROWS = 256

#: Random re-pairings of the rows per input when sharing a part's variance.
N_SHUFFLES = 4


@dataclass(frozen=True)
class PartStructure:
    """Which neurons form which part of an MLP's visible network.

    Attributes
    ----------
    coefs : list of ndarray
        The visible weights: the fitted ones with ``|w|`` at most the
        threshold (relative to their matrix's largest) set to zero.
    labels : list of ndarray of int
        Per neuron layer, the part of each neuron; -1 for neurons in no part
        (inactive ones, and every output neuron). Parts are numbered 0, 1,
        ... in order of their first input.
    n_parts : int
    dead_ends : list of ndarray of int
        Per neuron layer, the dead end of each neuron (-1: none): a
        connected piece of visible wiring that holds an input but reaches
        no output. Dead ends add nothing to the output.
    n_dead_ends : int
    """

    coefs: list
    labels: list
    n_parts: int
    dead_ends: list
    n_dead_ends: int


def visible_coefs(coefs, threshold):
    """``coefs`` with the weights a plot at ``threshold`` hides set to zero."""
    return [
        np.where(relative_magnitudes(w) > threshold, w, 0.0).astype(np.float64)
        for w in coefs
    ]


def _components(sizes, coefs, nodes):
    """Connected pieces of the graph on ``nodes`` joined by non-zero weights.

    ``sizes`` and ``coefs`` describe layers ``0 .. len(coefs)`` of an MLP,
    ``nodes`` (per layer, bool) the neurons taking part. Returns per layer
    the piece of each neuron (-1 outside ``nodes``), numbered in order of
    their first neuron (layer by layer), and their count.
    """
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    rows, columns = [], []
    for layer, weight in enumerate(coefs):
        pre, post = np.nonzero(
            (weight != 0) & nodes[layer][:, None] & nodes[layer + 1][None, :]
        )
        rows.append(pre + offsets[layer])
        columns.append(post + offsets[layer + 1])
    n = int(offsets[-1])
    rows = np.concatenate(rows) if rows else np.zeros(0, dtype=int)
    columns = np.concatenate(columns) if columns else np.zeros(0, dtype=int)
    graph = coo_matrix((np.ones(rows.size), (rows, columns)), shape=(n, n))
    _, raw = connected_components(graph, directed=False)
    inside = np.concatenate(nodes)
    raw = np.where(inside, raw, -1)
    # Renumber by first node, so labels follow the inputs' order.
    order = {}
    for label in raw[inside]:
        order.setdefault(int(label), len(order))
    flat = np.array([order.get(int(label), -1) for label in raw], dtype=int)
    return [flat[offsets[i] : offsets[i + 1]] for i in range(len(sizes))], len(order)


def find_part_structure(coefs, threshold):
    """The parts and dead ends of an MLP's visible network.

    Parameters
    ----------
    coefs : list of ndarray
        ``coefs[i]`` of shape ``(n_i, n_{i+1})``, in training units.
    threshold : float
        A weight is visible when ``|w|`` exceeds ``threshold`` times the
        largest ``|w|`` of its matrix (as in the connectivity plots).

    Returns
    -------
    structure : PartStructure
    """
    visible = visible_coefs(coefs, threshold)
    sizes = layer_sizes(coefs)
    active = active_neuron_masks(coefs, threshold)
    below = sizes[:-1]
    labels, n_parts = _components(below, visible[:-1], active[:-1])
    labels.append(np.full(sizes[-1], -1, dtype=int))
    # Dead ends: wiring that leaves an input and reaches no output.
    reached = [(visible[0] != 0).any(axis=1)]
    for weight in visible[:-1]:
        reached.append((reached[-1][:, None] & (weight != 0)).any(axis=0))
    dead = [r & ~a for r, a in zip(reached, active[:-1], strict=True)]
    pieces, n_pieces = _components(below, visible[:-1], dead)
    with_input = sorted({int(p) for p in pieces[0] if p >= 0})
    renumber = {old: new for new, old in enumerate(with_input)}
    dead_ends = [
        np.array([renumber.get(int(p), -1) for p in layer], dtype=int)
        for layer in pieces
    ]
    dead_ends.append(np.full(sizes[-1], -1, dtype=int))
    return PartStructure(visible, labels, n_parts, dead_ends, len(with_input))


def _hidden_states(coefs, intercepts, activation, inputs, start=0, first=None):
    """Last hidden layer of the MLP for network inputs (or first pre-activations)."""
    act = _NUMPY_ACTIVATIONS[activation]
    state = inputs
    for i in range(start, len(coefs) - 1):
        if i == start and first is not None:
            state = first.copy()
        else:
            state = state @ coefs[i] + intercepts[i]
        state = act(state)
    return state


def _split(last, structure):
    """Per-part feed ``(n_samples, n_parts, n_outputs)`` and the constant feed."""
    weight, labels = structure.coefs[-1], structure.labels[-2]
    parts = (
        np.stack(
            [
                last[:, labels == p] @ weight[labels == p]
                for p in range(structure.n_parts)
            ],
            axis=1,
        )
        if structure.n_parts
        else np.zeros((len(last), 0, weight.shape[1]))
    )
    rest = last[:, labels < 0] @ weight[labels < 0]
    return parts, rest


def part_contributions(intercepts, activation, inputs, structure):
    """Each part's contribution to the visible network's output.

    Parameters
    ----------
    intercepts : list of ndarray
        Biases, in training units.
    activation : str
        Hidden activation.
    inputs : ndarray of shape (n_samples, n_inputs)
        Network input in training units (scaled, or embedded tokens).
    structure : PartStructure

    Returns
    -------
    contributions : ndarray of shape (n_samples, n_parts, n_outputs)
    intercept : ndarray of shape (n_outputs,)
        ``contributions.sum(axis=1) + intercept`` is the visible network's
        output.
    """
    coefs = structure.coefs
    inputs = np.asarray(inputs, dtype=np.float64)
    parts, _ = _split(_hidden_states(coefs, intercepts, activation, inputs), structure)
    # Neurons no input reaches feed the same value for every row: that of an
    # all-zero row, computed once.
    zero = np.zeros((1, inputs.shape[1]))
    _, rest = _split(_hidden_states(coefs, intercepts, activation, zero), structure)
    return parts, intercepts[-1] + rest[0]


def effect_importances(intercepts, activation, inputs, structure, seed=0):
    """What each network input does to the visible network's output.

    Each part's contribution varies over ``inputs`` with variance ``V_p``
    (summed over outputs). That variance is shared among the part's inputs
    in proportion to ``s_i``, half the mean squared change of the part's
    contribution when input ``i`` alone is taken from another row (a
    random re-pairing, :data:`N_SHUFFLES` times): for a part of one input,
    ``s_i`` is ``V_p`` itself. An input in no part gets 0.

    Parameters
    ----------
    intercepts, activation, inputs, structure
        As in :func:`part_contributions`.
    seed : int, default=0
        Seed of the re-pairings.

    Returns
    -------
    importances : ndarray of shape (n_inputs,)
        Non-negative, summing to 1 (all 0 when no part varies).
    """
    coefs = structure.coefs
    inputs = np.asarray(inputs, dtype=np.float64)
    contributions, _ = part_contributions(intercepts, activation, inputs, structure)
    variances = contributions.var(axis=0).sum(axis=-1)
    importances = np.zeros(inputs.shape[1])
    first = inputs @ coefs[0] + intercepts[0]
    rng = np.random.default_rng(seed)
    shuffles = [rng.permutation(len(inputs)) for _ in range(N_SHUFFLES)]
    for part in range(structure.n_parts):
        members = np.flatnonzero(structure.labels[0] == part)
        if members.size == 1:
            importances[members] = variances[part]
            continue
        shares = np.zeros(members.size)
        for k, i in enumerate(members):
            for order in shuffles:
                change = inputs[order, i] - inputs[:, i]
                moved = first + change[:, None] * coefs[0][i]
                last = _hidden_states(
                    coefs, intercepts, activation, None, start=0, first=moved
                )
                feed = (
                    last[:, structure.labels[-2] == part]
                    @ coefs[-1][structure.labels[-2] == part]
                )
                shares[k] += 0.5 * np.mean(
                    ((feed - contributions[:, part]) ** 2).sum(axis=-1)
                )
        total = shares.sum()
        if total > 0:
            importances[members] = variances[part] * shares / total
    total = importances.sum()
    return importances / total if total > 0 else importances


def reference_rows(X, sample_weight=None):
    """At most :data:`N_REFERENCE_ROWS` training rows, evenly spaced, to keep.

    Rows of zero weight are skipped; the choice is deterministic. Sparse
    input keeps them sparse: fitting never densifies it.
    """
    if sample_weight is not None:
        X = X[np.flatnonzero(np.asarray(sample_weight) > 0)]
    n = X.shape[0]
    if n > N_REFERENCE_ROWS:
        X = X[np.linspace(0, n - 1, N_REFERENCE_ROWS).round().astype(int)]
    return X.tocsr(copy=True) if issparse(X) else np.array(X)


def network_reference_inputs(estimator):
    """The kept training rows of a fitted estimator, as its first layer reads them.

    Estimators fitted before rows were kept (files of older versions) get
    standard normal rows, the distribution of standardised inputs (random
    tokens with token input), drawn with a fixed seed.
    """
    rows = getattr(estimator, "_reference_rows_", None)
    embedding = getattr(estimator, "embedding_", None)
    if rows is None:
        rng = np.random.default_rng(0)
        if embedding is None:
            rows = rng.standard_normal((N_REFERENCE_ROWS, estimator.n_features_in_))
        else:
            rows = rng.integers(
                0, len(embedding), (N_REFERENCE_ROWS, estimator.n_features_in_)
            )
    if issparse(rows):
        # At most N_REFERENCE_ROWS rows, read when importances are asked for.
        rows = rows.toarray()
    if embedding is not None:
        return embedding[np.asarray(rows, dtype=int)].reshape(len(rows), -1)
    return np.asarray(rows, dtype=np.float64)


def estimator_importances(estimator, threshold):
    """``feature_importances_`` of a fitted estimator: :func:`effect_importances`
    on its kept training rows, summed over a token's embedding dimensions."""
    structure = find_part_structure(estimator.scaled_coefs_, threshold)
    importances = effect_importances(
        estimator.scaled_intercepts_,
        estimator.activation,
        network_reference_inputs(estimator),
        structure,
    )
    return importances.reshape(estimator.n_features_in_, -1).sum(axis=1)


def path_strengths(estimator):
    """Widest-path strength of each input feature of a fitted BIMT estimator.

    :func:`~skbimt._connectivity.widest_path_strengths` on ``scaled_coefs_``,
    the largest over a token's embedding dimensions with token input. A
    feature is drawn connected at ``threshold`` exactly when its strength
    exceeds it; :class:`~skbimt.BIMTSelector` thresholds these.

    Parameters
    ----------
    estimator : BIMTRegressor or BIMTClassifier
        A fitted estimator.

    Returns
    -------
    strengths : ndarray of shape (n_features_in_,)
        Per input feature, the largest over its paths to an output of the
        smallest relative ``|w|`` along the path.
    """
    check_is_fitted(estimator)
    strengths = widest_path_strengths(estimator.scaled_coefs_)
    return strengths.reshape(estimator.n_features_in_, -1).max(axis=1)
