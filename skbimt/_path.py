"""Networks per fold, warm-started from the default strength both ways.

The CV estimators score every strength of ``alphas`` on every fold. Training
a fresh network per (fold, strength) costs one fit each. Instead, each fold
trains one network from a fresh start at the default strength (``alpha=1``,
or the one of ``alphas`` nearest to it on a log scale), through the whole
schedule, and scores it on the fold's held-out rows. From those weights it
then trains an eighth of ``max_iter`` at each stronger strength in turn (at
the final strength of the schedule times that ``alpha``), and, from a copy
of the same weights, a sixteenth at each weaker one in turn, scoring every
stage at its end. So a fold costs one fit and a half at most, and the
strength the CV estimators keep unless another is clearly better, the
default, is scored exactly as its refit will be trained.

A stage lags a fresh fit at its strength. A stronger stage prunes what the
default kept, but keeps more neurons than a fresh fit would; a weaker one
cannot revive the neurons the default pruned, so it scores a denser fresh
fit's gain only in part (on concrete, 1,030 rows: +0.017 R^2 at
``alpha=0.1`` against +0.037 for fresh fits). The stages rank the strengths
around the default; the refit at the chosen one is a fresh fit. Pruning
takes longer than relaxing: weaker stages of a sixteenth led to the same
choice as stages of an eighth on 114 of 115 folds of the benchmark's
tables, while stronger stages of a tenth rather than an eighth cost the CV
estimator 0.02 R^2 on hitters (seeds 1-3), where they let ``alpha=10``
pass on folds whose refit then lost. These were measured at 2,000 steps,
the default ``max_iter`` then; at 1,000, stages of a quarter rather than
an eighth gained at most 0.01 and cost more than the 5x budget.
Two earlier paths cost more and chose worse: one network per fold from the
weakest strength up made the default's stage lag a fresh fit, so stronger
strengths won by that lag; a fresh start at the weakest as well as at the
default cost about 2.4 fits per fold.
"""

import copy
import warnings

import numpy as np
from sklearn.base import clone
from sklearn.utils import _safe_indexing

from ._base import resolved_schedule, torch_threads
from ._connectivity import DEFAULT_THRESHOLD, active_neuron_masks
from ._diagnosis import check_training_outcome, predicts_a_constant
from ._engine.schedule import lambda_values
from ._parts import path_strengths

#: The single estimators' default strength: each fold's path starts there,
#: and the CV estimators keep it unless another strength is clearly better.
DEFAULT_ALPHA = 1.0

#: Steps of a warm-started stage, as a fraction of ``max_iter``: at a
#: stronger strength than the start's, and at a weaker one.
STAGE_FRACTIONS = {"stronger": 0.125, "weaker": 0.0625}


def stage_steps(max_iter, stronger=True):
    """Steps of a warm-started stage at a stronger (or weaker) strength."""
    fraction = STAGE_FRACTIONS["stronger" if stronger else "weaker"]
    return max(1, int(round(fraction * max_iter)))


def start_index(alphas):
    """Index of the strength a fold's path starts at, fresh.

    The default strength when it is among ``alphas``, else the nearest to it
    on a log scale (ties: the weaker); ``alpha=0`` counts as the weakest.
    """
    alphas = np.asarray(alphas, dtype=np.float64)
    with np.errstate(divide="ignore"):
        distance = np.abs(np.log(alphas) - np.log(DEFAULT_ALPHA))
    return int(np.argmin(distance))


def fold_path(estimator, X, y, sample_weight, train, test, alphas):
    """Train ``estimator`` on ``train`` through ``alphas``; score each on ``test``.

    Parameters
    ----------
    estimator : BIMTRegressor or BIMTClassifier
        Unfitted; its ``alpha`` is ignored. The path trains a clone of it.
    X, y, sample_weight : array-like
        All the data; ``train`` and ``test`` index its rows.
    train, test : ndarray of int
    alphas : ndarray of float
        Increasing strengths.

    Returns
    -------
    stages : list of dict
        One per alpha, in the order of ``alphas``: ``score`` on ``test``
        (NaN where training failed, with ``error``), ``active_hidden`` and
        ``inputs``. A failed stage fails the rest of its branch.
    """
    weights = None if sample_weight is None else _safe_indexing(sample_weight, train)
    X_train, y_train = _safe_indexing(X, train), _safe_indexing(y, train)
    X_test, y_test = _safe_indexing(X, test), _safe_indexing(y, test)
    fold = (X_train, y_train, weights, X_test, y_test)
    alphas = np.asarray(alphas, dtype=np.float64)
    start = start_index(alphas)
    # Stronger strengths from the start's weights, then weaker ones from a
    # copy of them: the order of training, not of the result.
    stronger = range(start + 1, len(alphas))
    weaker = range(start - 1, -1, -1)
    stages = [None] * len(alphas)
    # A fold's network is trained to be scored, not used: its warnings'
    # advice is for the fit the user asked for.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        estimator = clone(estimator)
        try:
            data, network, device, rng = estimator._new_network(
                X_train, y_train, weights
            )
            # Training returns the network in float64; each stage trains it
            # in its own dtype.
            dtype = network.flat.dtype
            state = (data, network, device, rng, dtype)
            _train_stage(estimator, state, alphas[start])
            stages[start] = _describe(estimator, fold)
            # The weaker branch restarts from the start's weights and random
            # state, as if trained first.
            saved = (data, copy.deepcopy(network), device, copy.deepcopy(rng), dtype)
        except ValueError as error:
            return [_failed(error)] * len(alphas)
        for branch, start_state in ((stronger, state), (weaker, saved)):
            try:
                for index in branch:
                    _train_stage(estimator, start_state, alphas[index], index > start)
                    stages[index] = _describe(estimator, fold)
            except ValueError as error:
                for index in branch:
                    if stages[index] is None:
                        stages[index] = _failed(error)
    return stages


def _failed(error):
    return {"score": np.nan, "error": str(error)}


def _train_stage(estimator, state, alpha, stronger=None):
    """Train the network of ``state`` at ``alpha``; install it in ``estimator``.

    ``stronger`` None: the whole schedule, from a fresh start; otherwise a
    stage of ``stage_steps`` at the schedule's final strength.
    """
    data, network, device, rng, dtype = state
    network.flat = network.flat.to(dtype)
    schedule = resolved_schedule(estimator.lambda_schedule, alpha, data)
    lambdas = lambda_values(schedule, estimator.max_iter)
    if stronger is not None:
        steps = stage_steps(estimator.max_iter, stronger)
        lambdas = np.full(steps, lambdas[-1])
    with torch_threads(estimator.n_threads):
        log = estimator._train(network, data, lambdas, device, rng)
    check_training_outcome(estimator, log)
    attributes = estimator._export(network, data, log)
    estimator._install(attributes | {"lambda_schedule_": schedule})


def _describe(estimator, fold):
    """Held-out score and size of a fold's network."""
    X_train, y_train, weights, X_test, y_test = fold
    active_hidden, strengths = network_size(estimator, X_train, y_train, weights)
    return {
        "score": estimator.score(X_test, y_test),
        "active_hidden": active_hidden,
        "inputs": int((strengths > DEFAULT_THRESHOLD).sum()),
    }


def network_size(estimator, X, y, sample_weight=None):
    """Active hidden neurons and input path strengths of a fitted network.

    A network that predicts a constant on its training rows ``X, y`` has
    learned nothing: its relative wiring is noise around zero and can look
    fully connected, so it counts no active neuron and every input's
    strength is 0.

    Returns
    -------
    active_hidden : int
    strengths : ndarray of shape (n_features_in_,)
        Each input's widest-path strength (see ``path_strengths``).
    """
    strengths = path_strengths(estimator)
    if predicts_a_constant(estimator, X, y, sample_weight):
        return 0, np.zeros_like(strengths)
    masks = active_neuron_masks(estimator.scaled_coefs_, DEFAULT_THRESHOLD)
    return sum(int(mask.sum()) for mask in masks[1:-1]), strengths
