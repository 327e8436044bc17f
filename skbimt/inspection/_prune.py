"""Pruning of fitted BIMT networks: copies with small parameters removed.

BIMT leaves most parameters of a network close to zero. This module removes
them (:func:`prune`) and measures what that costs (:func:`pruning_frontier`,
the paper's Appendix A). Parameters are ranked and cut in training units
(``scaled_coefs_``), so the result does not depend on the data's units.
"""

import copy
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
from sklearn.base import is_classifier
from sklearn.metrics import get_scorer, get_scorer_names, log_loss, mean_squared_error
from sklearn.utils import check_consistent_length
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

from ._checks import check_fitted_bimt
from ._names import named_network


def _embedding(estimator):
    """The token embedding table, or None for numeric input."""
    if getattr(estimator, "embedding_dim", None) is None:
        return None
    return getattr(estimator, "embedding_", None)


def _parameter_blocks(estimator):
    """Every parameter array of a fitted network, with its relative scale.

    Weights and biases come layer by layer (weights first), then the token
    embedding table when there is one, as in training's flat layout. The
    scale of a weight matrix and of the biases it feeds is the largest
    ``|w|`` of the matrix; the embedding table, which feeds the input layer,
    is its own scale.
    """
    blocks = []
    for weight, bias in zip(
        estimator.scaled_coefs_, estimator.scaled_intercepts_, strict=True
    ):
        scale = np.abs(weight).max() if weight.size else 0.0
        blocks += [(weight, scale), (bias, scale)]
    embedding = _embedding(estimator)
    if embedding is not None:
        blocks.append((embedding, np.abs(embedding).max() if embedding.size else 0.0))
    return blocks


def _install(network, blocks, masks):
    """Give ``network`` the parameters of ``blocks`` zeroed outside ``masks``."""
    values = [
        np.where(mask, array, 0.0)
        for (array, _), mask in zip(blocks, masks, strict=True)
    ]
    n_weights = len(network.scaled_coefs_)
    coefs = values[0 : 2 * n_weights : 2]
    intercepts = values[1 : 2 * n_weights : 2]
    embedding = values[2 * n_weights] if len(values) > 2 * n_weights else None
    network._set_scaled_parameters(coefs, intercepts, embedding)


def _magnitude_order(blocks):
    """Flat indices of all parameters, largest ``|value|`` first.

    The sort is stable, so ties keep the layout order and every ``n_keep``
    keeps exactly ``n_keep`` parameters.
    """
    magnitudes = np.concatenate([np.abs(array).ravel() for array, _ in blocks])
    return np.argsort(-magnitudes, kind="stable")


def _largest_masks(blocks, order, n_keep):
    """Masks keeping the ``n_keep`` parameters that come first in ``order``."""
    keep = np.zeros(order.size, dtype=bool)
    keep[order[:n_keep]] = True
    masks, offset = [], 0
    for array, _ in blocks:
        masks.append(keep[offset : offset + array.size].reshape(array.shape))
        offset += array.size
    return masks


def _threshold_masks(blocks, threshold, relative):
    """Masks of the parameters whose ``|value|`` exceeds the threshold."""
    return [
        np.abs(array) > threshold * (scale if relative else 1.0)
        for array, scale in blocks
    ]


@validate_params(
    {
        "estimator": "no_validation",
        "threshold": [Interval(Real, 0, None, closed="left"), None],
        "n_keep": [Interval(Integral, 0, None, closed="left"), None],
        "relative": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def prune(estimator, threshold=None, *, n_keep=None, relative=True):
    """Copy of a fitted BIMT estimator with its smallest parameters set to zero.

    Give exactly one of ``threshold`` and ``n_keep``. The estimator passed in
    is left untouched; the copy predicts with the pruned network, and its
    ``modules_`` and ``modularity_`` are recomputed from the pruned weights.

    Parameters
    ----------
    estimator : BIMTRegressor or BIMTClassifier
        A fitted estimator.

    threshold : float or None, default=None
        Set to zero every weight and bias whose ``|value|`` (in training
        units, ``scaled_coefs_``) is at most this.
        With ``relative=True`` (the default) the cut is ``threshold`` times the
        largest ``|w|`` of each weight matrix; the biases of a layer are cut
        against the largest weight of the matrix feeding that layer, and a
        token embedding table (``embedding_dim`` set) against its own largest
        ``|value|``. The kept weights are then exactly the *active* weights
        that ``modules_``, the connectivity plots and the feature selector
        use: ``threshold=0.01`` removes the lines too thin to see in
        :class:`~skbimt.inspection.NetworkDisplay`. Relative thresholds must be below 1,
        since ``threshold=1`` would remove every weight.

    n_keep : int or None, default=None
        Keep the ``n_keep`` parameters of largest ``|value|``, weights and
        biases (and token embedding entries) ranked together across all
        layers, and set the others to zero (the paper's Appendix A). Ties are
        broken by position in the network, so exactly ``n_keep`` parameters
        are kept (fewer of them are non-zero only if the network already
        holds exact zeros).

    relative : bool, default=True
        Whether ``threshold`` is relative to the largest ``|w|`` of each weight
        matrix (True) or an absolute magnitude (False). BIMT networks have
        layers of very different scales, and connectivity graphs normalise each
        layer by its largest weight; a single absolute cut can wipe out a
        whole layer. Ignored with ``n_keep``, whose ranking is global.

    Returns
    -------
    pruned : BIMTRegressor or BIMTClassifier
        A deep copy of ``estimator`` holding the pruned ``scaled_coefs_``,
        ``scaled_intercepts_`` and ``embedding_`` (with token input), and the
        ``coefs_`` and ``intercepts_`` folded from them. Training records
        (``loss_curve_``, ``snapshots_``, ...) and positions (``coords_``)
        are those of the original fit.

    See Also
    --------
    pruning_frontier : Loss against the number of parameters kept.
    skbimt.BIMTSelector : Select the input features a trained network uses.

    Examples
    --------
    >>> import numpy as np
    >>> from skbimt import BIMTRegressor
    >>> from skbimt.inspection import prune
    >>> rng = np.random.RandomState(0)
    >>> X = rng.uniform(-1, 1, size=(200, 3))
    >>> y = X[:, 0] - X[:, 1] ** 2
    >>> reg = BIMTRegressor(max_iter=1000, random_state=0).fit(X, y)
    >>> small = prune(reg, n_keep=40)
    >>> kept = small.scaled_coefs_ + small.scaled_intercepts_
    >>> sum(int(np.count_nonzero(p)) for p in kept)
    40
    >>> visible = prune(reg, 0.01)  # drop weights below 1 % of their layer's max
    >>> visible.score(X, y)  # doctest: +SKIP
    0.99...
    """
    check_fitted_bimt(estimator, "prune")
    if (threshold is None) == (n_keep is None):
        given = "both" if threshold is not None else "neither"
        raise ValueError(
            "prune needs exactly one of threshold and n_keep, but got "
            f"{given}: pass threshold (for example 0.01, which removes the "
            "weights under 1% of the largest of their matrix) or n_keep (the "
            "number of largest parameters to keep)."
        )
    blocks = _parameter_blocks(estimator)
    if n_keep is not None:
        n_total = sum(array.size for array, _ in blocks)
        if n_keep > n_total:
            kinds = (
                "weights and biases"
                if _embedding(estimator) is None
                else "weights, biases and embedding entries"
            )
            raise ValueError(
                f"n_keep={n_keep} is more than the {n_total} parameters ({kinds}) "
                f"of the network; pass n_keep <= {n_total}."
            )
        masks = _largest_masks(blocks, _magnitude_order(blocks), n_keep)
    else:
        if relative and threshold >= 1:
            raise ValueError(
                f"threshold={threshold} is relative to the largest |w| of each "
                "weight matrix (relative=True), so it must be below 1: at 1 or "
                "more every weight would be removed. Pass relative=False for "
                "an absolute threshold."
            )
        masks = _threshold_masks(blocks, threshold, relative)
    pruned = copy.deepcopy(estimator)
    _install(pruned, blocks, masks)
    return pruned


@dataclass(frozen=True)
class PruningFrontier:
    """Loss of a network against the number of parameters it keeps.

    Returned by :func:`pruning_frontier`.

    Attributes
    ----------
    n_parameters : ndarray of int
        Parameters kept (not pruned), increasing; the first is 0 and the last
        the total number of parameters.
    loss : ndarray of float
        Loss of the network pruned to ``n_parameters[i]`` parameters.
    loss_name : str
        What ``loss`` is: ``"mean squared error"``, ``"log-loss"``, or
        ``"-<scorer name>"`` for a scorer.
    """

    n_parameters: np.ndarray
    loss: np.ndarray
    loss_name: str = "loss"


@validate_params(
    {
        "estimator": "no_validation",
        "X": ["array-like", "sparse matrix"],
        "y": ["array-like"],
        "n_points": [Interval(Integral, 2, None, closed="left")],
        "spacing": [StrOptions({"log", "linear"})],
        "scoring": [StrOptions(set(get_scorer_names())), callable, None],
    },
    prefer_skip_nested_validation=True,
)
def pruning_frontier(estimator, X, y, *, n_points=30, spacing="log", scoring=None):
    """Loss against the number of parameters kept, pruning smallest first.

    The paper's Appendix A: all parameters, weights and biases together (and
    token embedding entries, with ``embedding_dim``), are sorted by
    ``|value|``; for each count ``n`` the network keeps its ``n`` largest
    parameters (as :func:`prune` with ``n_keep=n``) and is scored on
    ``(X, y)``, usually held-out data. A BIMT network whose loss stays flat
    down to a few parameters is as sparse as its connectivity graph looks.

    Parameters
    ----------
    estimator : BIMTRegressor, BIMTClassifier or Pipeline
        A fitted estimator, or a pipeline ending in one; it is not modified.
        A pipeline's last step is pruned, and ``X`` passes through the steps
        before it.

    X : array-like of shape (n_samples, n_features)
        Data to measure the loss on.

    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Targets of ``X``.

    n_points : int, default=30
        Number of counts to try, 0 and all parameters included. Counts that
        round to the same integer are tried once, so small networks can give
        fewer points.

    spacing : {"log", "linear"}, default="log"
        How the counts between 0 and all parameters are spread. ``"log"``
        spaces them geometrically from 1, which samples finely the few
        hundred parameters or fewer where a trained BIMT network's loss
        changes; ``"linear"`` spaces them evenly.

    scoring : str, callable or None, default=None
        None measures the loss the network was trained on: the mean squared
        error (averaged over outputs) for a regressor, the log-loss of
        ``predict_proba`` for a classifier (per label, summed, for multilabel
        ``y``). Otherwise a scikit-learn scorer
        name (see :func:`sklearn.metrics.get_scorer_names`) or a callable
        ``scorer(estimator, X, y)``; scorers are greater-is-better, so the
        frontier stores the negated score as ``loss``: ``"neg_log_loss"``
        gives the log-loss, ``"accuracy"`` gives ``-accuracy`` (``1 + loss``
        is the error rate).

    Returns
    -------
    frontier : PruningFrontier
        ``frontier.n_parameters`` (int, increasing, from 0 to all parameters)
        and ``frontier.loss``. The last loss is the loss of ``estimator``
        itself; the first is that of a network whose parameters are all zero,
        which predicts 0 (a regressor) or equal probabilities (a classifier).

    See Also
    --------
    prune : The pruned network at one count or threshold.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.metrics import mean_squared_error
    >>> from skbimt import BIMTRegressor
    >>> from skbimt.inspection import pruning_frontier
    >>> rng = np.random.RandomState(0)
    >>> X = rng.uniform(-1, 1, size=(300, 3))
    >>> y = X[:, 0] - X[:, 1] ** 2
    >>> reg = BIMTRegressor(max_iter=1000, random_state=0).fit(X[:200], y[:200])
    >>> frontier = pruning_frontier(reg, X[200:], y[200:], n_points=10)
    >>> frontier.n_parameters
    array([  0,   1,   2,   5,  10,  23,  50, 109, 238, 521])
    >>> bool(frontier.loss[-1] == mean_squared_error(y[200:], reg.predict(X[200:])))
    True
    """
    named = named_network(estimator, "pruning_frontier")
    estimator = named.estimator
    check_consistent_length(X, y)
    X = named.transform(X)
    if scoring is None:
        if is_classifier(estimator):
            loss_name = "log-loss"

            def loss(network):
                proba = network.predict_proba(X)
                if getattr(network, "out_activation_", None) == "logistic":
                    # Multilabel: the labels' binary log-losses, summed per
                    # row (the training loss), averaged over the rows.
                    own = np.where(np.asarray(y) > 0, proba, 1.0 - proba)
                    return float(-np.log(np.maximum(own, 1e-15)).sum(axis=1).mean())
                return log_loss(y, proba, labels=network.classes_)

        else:
            loss_name = "mean squared error"

            def loss(network):
                return mean_squared_error(y, network.predict(X))

    else:
        scorer = get_scorer(scoring)
        loss_name = f"-{scoring}" if isinstance(scoring, str) else "-score"

        def loss(network):
            return -scorer(network, X, y)

    blocks = _parameter_blocks(estimator)
    order = _magnitude_order(blocks)
    n_total = order.size
    if spacing == "log":
        between = np.geomspace(1, n_total, n_points - 1)
        counts = np.concatenate([[0], between])
    else:
        counts = np.linspace(0, n_total, n_points)
    counts = np.unique(np.round(counts).astype(int))
    # A shallow copy is enough: _set_scaled_parameters replaces the parameter
    # attributes instead of writing into them, so ``estimator`` is untouched.
    network = copy.copy(estimator)
    losses = np.empty(counts.size)
    for i, n_keep in enumerate(counts):
        _install(network, blocks, _largest_masks(blocks, order, n_keep))
        losses[i] = loss(network)
    return PruningFrontier(n_parameters=counts, loss=losses, loss_name=loss_name)
