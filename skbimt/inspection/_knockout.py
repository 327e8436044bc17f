"""Knock-out experiments: silence modules, neurons or weights of a copy.

The paper interprets trained networks by removing parts of them and watching
the prediction: single weights of the two-moon network (Appendix C, Figure
A4) and whole modules of the modular-addition network (section 3.3, Figure 5
right). :func:`knockout` returns a modified copy of a fitted estimator;
:func:`knockout_scores` scores a copy per module, neuron or weight.
"""

import copy
from numbers import Integral

import numpy as np

from .._connectivity import DEFAULT_THRESHOLD, active_neuron_masks, active_weight_masks
from ._checks import check_fitted_bimt
from ._names import named_network

KNOCKOUT_UNITS = ("module", "neuron", "weight")


def _is_int(value):
    return isinstance(value, Integral | np.integer) and not isinstance(value, bool)


def _index_tuple(item, length):
    """``item`` as a tuple of ``length`` ints, or None if it is not one."""
    try:
        values = tuple(item)
    except TypeError:
        return None
    if len(values) != length or not all(map(_is_int, values)):
        return None
    return tuple(int(v) for v in values)


NEURONS_HELP = (
    "neurons must be a list of neuron names or (layer, index) 2-tuples of "
    "integers, for example ['x0', 'h1.3'] or [(1, 3)]."
)
WEIGHTS_HELP = (
    "weights must be a list of (from name, to name) pairs or (weight_layer, "
    "row, column) 3-tuples of integers, for example [('x0', 'h1.3')] or "
    "[(0, 2, 5)]."
)


def _name_pair(item):
    """Whether ``item`` is a ``(from name, to name)`` pair."""
    return (
        isinstance(item, tuple | list)
        and len(item) == 2
        and all(isinstance(v, str) for v in item)
    )


def _as_list(items, is_single, help_text):
    """``items`` as a list; a single one given without a list around it too."""
    if isinstance(items, str) or (isinstance(items, tuple) and is_single(items)):
        return [items]
    try:
        return list(items)
    except TypeError:
        raise ValueError(help_text) from None


def _neuron_positions(items, labels):
    """``(layer, index)`` of each neuron, given by name or by position."""
    where = {
        name: (layer, j)
        for layer, names in enumerate(labels)
        for j, name in enumerate(names)
    }
    positions = []
    for item in _as_list(items, lambda item: _index_tuple(item, 2), NEURONS_HELP):
        if isinstance(item, str):
            if item not in where:
                raise ValueError(
                    f"No neuron is named {item!r}. Names are feature names, "
                    "'h<layer>.<index>' for hidden neurons and the output "
                    "names; see estimator.neuron_labels()."
                )
            positions.append(where[item])
        elif (position := _index_tuple(item, 2)) is not None:
            positions.append(position)
        else:
            raise ValueError(NEURONS_HELP)
    return positions


def _weight_positions(items, labels):
    """``(weight_layer, row, column)`` of each weight, by names or position."""

    def is_single(item):
        return _name_pair(item) or _index_tuple(item, 3) is not None

    positions = []
    for item in _as_list(items, is_single, WEIGHTS_HELP):
        if _name_pair(item):
            (pre_layer, row), (post_layer, col) = _neuron_positions(list(item), labels)
            if post_layer != pre_layer + 1:
                raise ValueError(
                    f"No weight joins {item[0]!r} to {item[1]!r}: weights join "
                    "a neuron to one of the next layer."
                )
            positions.append((pre_layer, row, col))
        elif (position := _index_tuple(item, 3)) is not None:
            positions.append(position)
        else:
            raise ValueError(WEIGHTS_HELP)
    return positions


def _neurons_of_module(estimator, module):
    """Input and hidden neurons of ``module`` (outputs are never included)."""
    if not _is_int(module):
        raise ValueError(f"module must be an integer module label, got {module!r}.")
    modules = estimator.modules_
    labels = np.unique(np.concatenate(modules))
    if module not in labels:
        raise ValueError(
            f"No neuron belongs to module {module}; the labels in modules_ are "
            f"{labels.tolist()} (-1 marks inactive neurons)."
        )
    return [
        (layer, int(neuron))
        for layer, layer_modules in enumerate(modules[:-1])
        for neuron in np.flatnonzero(layer_modules == module)
    ]


def _knocked_out_parameters(estimator, module=None, neurons=None, weights=None):
    """Copies of the trained weights and biases with the knock-outs applied.

    They are in training units (``scaled_coefs_``); zero is zero in either.
    """
    if module is None and neurons is None and weights is None:
        raise ValueError(
            "Nothing to knock out: give module=<label>, neurons=[(layer, index), "
            "...] or weights=[(weight_layer, row, column), ...]."
        )
    coefs = [w.copy() for w in estimator.scaled_coefs_]
    intercepts = [b.copy() for b in estimator.scaled_intercepts_]
    sizes = [coefs[0].shape[0]] + [w.shape[1] for w in coefs]

    silenced = []
    if module is not None:
        silenced += _neurons_of_module(estimator, module)
    if neurons is not None:
        for layer, neuron in _neuron_positions(neurons, estimator.neuron_labels()):
            if not 0 <= layer < len(sizes) or not 0 <= neuron < sizes[layer]:
                raise ValueError(
                    f"Neuron {(layer, neuron)} does not exist: the network has "
                    f"neuron layers 0..{len(sizes) - 1} of sizes {sizes}."
                )
            silenced.append((layer, neuron))
    for layer, neuron in silenced:
        if layer > 0:
            coefs[layer - 1][:, neuron] = 0.0
            intercepts[layer - 1][neuron] = 0.0
        if layer < len(coefs):
            coefs[layer][neuron, :] = 0.0

    if weights is not None:
        for layer, row, col in _weight_positions(weights, estimator.neuron_labels()):
            if not 0 <= layer < len(coefs) or not (
                0 <= row < coefs[layer].shape[0] and 0 <= col < coefs[layer].shape[1]
            ):
                shapes = [w.shape for w in coefs]
                raise ValueError(
                    f"Weight {(layer, row, col)} does not exist: the weight "
                    f"matrices (weight_layer, row, column) have shapes {shapes}."
                )
            coefs[layer][row, col] = 0.0
    return coefs, intercepts


def knockout(estimator, *, module=None, neurons=None, weights=None):
    """Copy of a fitted estimator with modules, neurons or weights removed.

    The estimator itself is left unchanged. Knocking out a neuron disconnects
    it: every weight into and out of it and its bias become 0. Whatever its
    activation function, it then sends nothing to later layers, and an output
    neuron outputs 0 (a logit of 0 for a classifier). Knocking out a weight
    sets that single weight to 0 (the paper's Appendix C).

    Parameters
    ----------
    estimator : BIMTRegressor or BIMTClassifier
        Fitted.
    module : int, default=None
        Knock out the input and hidden neurons of this module of
        ``estimator.modules_`` (the paper's Figure 5, right). Output neurons
        are kept: they read every module, and a module's knock-out should
        remove its contribution, not the outputs it was grouped with; knock
        them out through ``neurons``. ``-1`` knocks out the inactive neurons.
    neurons : list of str or of tuple of int, default=None
        Neurons to knock out, by name (``neuron_labels()``: a feature name,
        ``"h<layer>.<index>"``, a class or target name) or by ``(layer,
        index)``; layer 0 is the input layer, ``n_layers_ - 1`` the output
        layer, and ``index`` is the neuron's row in ``coefs_[layer]`` (its
        column in ``coefs_[layer - 1]``).
    weights : list of tuple, default=None
        Weights to set to 0, by ``(from name, to name)``, or by
        ``(weight_layer, row, column)`` for ``coefs_[weight_layer][row,
        column]``.

    Returns
    -------
    knocked_out : BIMTRegressor or BIMTClassifier
        A deep copy with the modified ``coefs_`` and ``intercepts_``; its
        ``modules_`` and ``modularity_`` are recomputed on access.

    See Also
    --------
    knockout_scores : Score a knock-out of every module, neuron or weight.

    Examples
    --------
    >>> from sklearn.datasets import make_moons
    >>> from skbimt import BIMTClassifier
    >>> from skbimt.inspection import knockout
    >>> X, y = make_moons(200, noise=0.1, random_state=0)
    >>> clf = BIMTClassifier(max_iter=1000, random_state=0).fit(X, y)
    >>> lesioned = knockout(clf, weights=[(0, 0, 3)])
    >>> float(lesioned.coefs_[0][0, 3])
    0.0
    """
    check_fitted_bimt(estimator, "knockout")
    coefs, intercepts = _knocked_out_parameters(estimator, module, neurons, weights)
    knocked_out = copy.deepcopy(estimator)
    knocked_out._set_scaled_parameters(coefs, intercepts)
    return knocked_out


def knockout_scores(
    estimator,
    X,
    y,
    *,
    by="module",
    threshold=DEFAULT_THRESHOLD,
    feature_names=None,
    target_names=None,
):
    """Score of the estimator with each module, neuron or weight knocked out.

    Parameters
    ----------
    estimator : BIMTRegressor, BIMTClassifier or Pipeline
        Fitted. A pipeline's last step is knocked out, and ``X`` passes
        through the steps before it.
    X : array-like of shape (n_samples, n_features)
        Data to score on.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        True targets.
    by : {"module", "neuron", "weight"}, default="module"
        What to knock out, one at a time (see :func:`knockout`):

        - ``"module"``: every module of ``modules_`` (labels ``>= 0``);
        - ``"neuron"``: every active input and hidden neuron;
        - ``"weight"``: every active weight, ``|w|`` above ``threshold``
          times the largest ``|w|`` of its matrix (Appendix C removes each
          weight of the sparse two-moon network).
    threshold : float, default=0.01
        Which neurons and weights are active for ``by="neuron"`` and
        ``by="weight"``, as for ``modules_``.
    feature_names, target_names : array-like of str, default=None
        Names of the inputs and outputs for the keys, overriding those read
        from the data (see ``neuron_labels``).

    Returns
    -------
    scores : dict
        Score (``estimator.score(X, y)``: accuracy for a classifier, R^2 for
        a regressor) of each knocked-out copy, keyed by names: the module
        label (as in ``modules_`` and :func:`module_table`), the neuron's
        name (a feature name or ``"h<layer>.<index>"``), or the weight's
        ``(from name, to name)`` pair, whose last layer names are the
        classes or targets. Compare with ``estimator.score(X, y)``.

    See Also
    --------
    knockout : The knocked-out copy itself.
    module_table : One row per module, with its knock-out score.

    Examples
    --------
    >>> from sklearn.datasets import make_moons
    >>> from skbimt import BIMTClassifier
    >>> from skbimt.inspection import knockout_scores
    >>> X, y = make_moons(200, noise=0.1, random_state=0)
    >>> clf = BIMTClassifier(max_iter=1000, random_state=0).fit(X, y)
    >>> scores = knockout_scores(clf, X, y, by="neuron")  # {"x0": ..., "h1.3": ...}
    >>> all(isinstance(name, str) for name in scores)
    True

    The paper's Figure 5 (right), accuracy with each module knocked out:

    >>> import matplotlib.pyplot as plt
    >>> scores = knockout_scores(clf, X, y)
    >>> plt.bar([f"module {m}" for m in scores], scores.values())  # doctest: +SKIP
    """
    if by not in KNOCKOUT_UNITS:
        raise ValueError(f"by must be one of {KNOCKOUT_UNITS}, got {by!r}.")
    named = named_network(
        estimator,
        "knockout_scores",
        feature_names=feature_names,
        target_names=target_names,
    )
    estimator, names = named.estimator, named.labels
    X = named.transform(X)
    if by == "module":
        labels = np.unique(np.concatenate(estimator.modules_[:-1]))
        keys = [int(label) for label in labels if label >= 0]
        requests = [{"module": key} for key in keys]
    elif by == "neuron":
        masks = active_neuron_masks(estimator.scaled_coefs_, threshold)
        positions = [
            (layer, int(neuron))
            for layer, mask in enumerate(masks[:-1])
            for neuron in np.flatnonzero(mask)
        ]
        keys = [names[layer][neuron] for layer, neuron in positions]
        requests = [{"neurons": [position]} for position in positions]
    else:
        masks = active_weight_masks(estimator.scaled_coefs_, threshold)
        positions = [
            (layer, int(row), int(col))
            for layer, mask in enumerate(masks)
            for row, col in zip(*np.nonzero(mask), strict=True)
        ]
        keys = [
            (names[layer][row], names[layer + 1][col]) for layer, row, col in positions
        ]
        requests = [{"weights": [position]} for position in positions]
    if len(set(keys)) < len(keys):
        raise ValueError(
            "Some neurons share a name, so their knock-out scores cannot be "
            "told apart; pass distinct feature_names and target_names."
        )

    # One copy, re-parameterised for each knock-out, keeps this cheap.
    knocked_out = copy.deepcopy(estimator)
    scores = {}
    for key, request in zip(keys, requests, strict=True):
        knocked_out._set_scaled_parameters(
            *_knocked_out_parameters(estimator, **request)
        )
        scores[key] = float(knocked_out.score(X, y))
    return scores
