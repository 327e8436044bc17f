"""Networks per fold: fresh at the default and the weakest strength, then stages up.

The CV estimators score every strength of ``alphas`` on every fold. Training
a fresh network per (fold, strength) costs one fit each. Instead, each fold
trains one network from a fresh start at the default strength (``alpha=1``,
or the one of ``alphas`` nearest to it on a log scale), through the whole
schedule, and scores it on the fold's held-out rows. From those weights it
then trains an eighth of ``max_iter`` at each stronger strength in turn (at
the final strength of the schedule times that ``alpha``), scoring every
stage at its end. When ``alphas`` holds weaker strengths than the default,
a second branch does the same from a fresh fit at the weakest of them,
through the others up to the default (excluded). So a fold costs one fit
and a quarter with the default ``alphas``, and the strength the CV
estimators keep unless another is clearly better, the default, is scored
exactly as its refit will be trained.

A stage lags a fresh fit at its strength: it prunes what the fit before it
kept, but keeps more neurons than a fresh fit would. Stages ran downwards
too, from a copy of the default's weights, a sixteenth of ``max_iter`` at
each weaker strength. That was cheaper (one fit and three eighths per fold
with two weaker strengths, against two and three eighths), but a weaker
stage cannot revive the neurons the default pruned, so it scored a denser
fresh fit's gain only in part: digits' ``alpha=0.01`` won on too few inner
folds (CV accuracy 0.959 against 0.969 now, seeds 1-3), and on pima one
outer fold in fifteen took ``alpha=0.1``, where the fresh branch keeps the
default, at a cost of 0.022 to that seed's mean accuracy. In exchange one
boston fold in fifteen took ``alpha=0.3`` on the fresh branch's ranking,
and its refit extrapolated wildly (the Results page has both). The stages
rank the strengths around the branch's fresh fit; the refit at the chosen
one is a fresh fit. Stronger stages of a tenth rather than an eighth cost
the CV estimator 0.02 R^2 on hitters (seeds 1-3), where they let
``alpha=10`` pass on folds whose refit then lost. These were measured at
2,000 steps, the default ``max_iter`` then; at 1,000, stages of a quarter
rather than an eighth gained at most 0.01 and cost more than the 5x budget.
One network per fold from the weakest strength up, with no fresh fit at the
default, made the default's stage lag a fresh fit, so stronger strengths
won by that lag.
"""

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

#: Steps of a warm-started stage at a stronger strength, as a fraction of
#: ``max_iter``.
STAGE_FRACTION = 0.125


def stage_steps(max_iter):
    """Steps of a warm-started stage at a stronger strength."""
    return max(1, int(round(STAGE_FRACTION * max_iter)))


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
    # Each branch is a fresh fit followed by stages at stronger strengths: from
    # the start's through the stronger alphas, and from the weakest's through
    # the weaker alphas up to the start's.
    branches = [range(start, len(alphas)), range(0, start)]
    stages = [None] * len(alphas)
    # A fold's network is trained to be scored, not used: its warnings'
    # advice is for the fit the user asked for.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for branch in branches:
            # A clone per branch: both fresh fits draw the same initial network.
            trained = clone(estimator)
            try:
                for index in branch:
                    if index == branch.start:
                        state = _fresh_state(trained, X_train, y_train, weights)
                        _train_stage(trained, state, alphas[index])
                    else:
                        _train_stage(trained, state, alphas[index], stage=True)
                    stages[index] = _describe(trained, fold)
            except ValueError as error:
                if index == start:
                    return [_failed(error)] * len(alphas)
                for index in branch:
                    if stages[index] is None:
                        stages[index] = _failed(error)
    return stages


def _fresh_state(estimator, X, y, sample_weight):
    """A new network for ``estimator`` on these rows, with what training needs."""
    data, network, device, rng = estimator._new_network(X, y, sample_weight)
    # Training returns the network in float64; each stage trains it in its
    # own dtype.
    return data, network, device, rng, network.flat.dtype


def _failed(error):
    return {"score": np.nan, "error": str(error)}


def _train_stage(estimator, state, alpha, stage=False):
    """Train the network of ``state`` at ``alpha``; install it in ``estimator``.

    ``stage`` False: the whole schedule, from a fresh start; True: a stage of
    ``stage_steps`` at the schedule's final strength, from where it is.
    """
    data, network, device, rng, dtype = state
    network.flat = network.flat.to(dtype)
    schedule = resolved_schedule(estimator.lambda_schedule, alpha, data)
    lambdas = lambda_values(schedule, estimator.max_iter)
    if stage:
        lambdas = np.full(stage_steps(estimator.max_iter), lambdas[-1])
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
