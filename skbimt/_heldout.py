"""Held-out knock-out test: does each input help on rows the network never saw?

A BIMT network trained on a small table can keep wires from noise inputs that
help it fit its training rows. Those wires look like any other in the
network; on rows held out of training they do not help. The test trains the
estimator on the training part of each cross-validation split, silences one
input at a time (its outgoing wires set to zero, as
:func:`skbimt.inspection.knockout` does to input neurons) and records how
much each held-out row's loss rises. An input helps when the mean rise over
the held-out rows is significantly above zero (one-sided t-test).
"""

import copy
from numbers import Integral

import numpy as np
from joblib import Parallel, delayed
from scipy import stats
from sklearn.base import clone, is_classifier
from sklearn.model_selection import (
    RepeatedKFold,
    RepeatedStratifiedKFold,
    StratifiedKFold,
    check_cv,
)
from sklearn.utils import _safe_indexing
from sklearn.utils.validation import _num_samples

from ._folds import fit_on_rows

#: Floor of a predicted probability in the log-loss (as sklearn's log_loss).
PROBABILITY_FLOOR = 1e-15


def _row_losses(estimator, X, y, y_scale):
    """Loss of every row: log-loss of a classifier, squared error of a regressor.

    A multilabel classifier's log-loss is the sum of its labels' binary
    log-losses. The regressor's error is per output in units of ``y_scale``,
    summed.
    """
    if getattr(estimator, "out_activation_", None) == "logistic":
        proba = estimator.predict_proba(X)
        own = np.where(np.asarray(y) > 0, proba, 1.0 - proba)
        return -np.sum(np.log(np.maximum(own, PROBABILITY_FLOOR)), axis=1)
    if is_classifier(estimator):
        proba = estimator.predict_proba(X)
        classes = estimator.classes_
        column = np.clip(np.searchsorted(classes, y), 0, len(classes) - 1)
        # A class missing from the training part has probability zero.
        known = classes[column] == y
        true_proba = np.where(known, proba[np.arange(len(y)), column], 0.0)
        return -np.log(np.maximum(true_proba, PROBABILITY_FLOOR))
    # y is as the user gave it; the regressor's fit read it as numbers.
    y = np.asarray(y, dtype=np.float64)
    residual = (estimator.predict(X) - y).reshape(len(y), -1) / y_scale
    return np.sum(residual**2, axis=1)


def _input_rows(estimator):
    """Rows of the first weight matrix per feature: one, or its embedding's."""
    width = estimator.scaled_coefs_[0].shape[0] // estimator.n_features_in_
    return [
        list(range(j * width, (j + 1) * width)) for j in range(estimator.n_features_in_)
    ]


def _silence_rows(network, estimator, rows):
    """Give ``network``, a copy of ``estimator``, its weights with ``rows`` cut.

    The input neurons ``rows`` then send nothing; ``estimator`` is unchanged.
    """
    first = estimator.scaled_coefs_[0].copy()
    first[rows, :] = 0.0
    network._set_scaled_parameters(
        [first, *estimator.scaled_coefs_[1:]], estimator.scaled_intercepts_
    )


def _fold_loss_increases(estimator, X, y, sample_weight, train, test):
    """Fit on ``train``; rise of each ``test`` row's loss per silenced feature."""
    fit_on_rows(estimator, X, y, sample_weight, train)
    X_test, y_test = _safe_indexing(X, test), np.asarray(_safe_indexing(y, test))
    y_scale = None
    if not is_classifier(estimator):
        y_train = np.asarray(_safe_indexing(y, train), dtype=np.float64)
        y_scale = np.std(y_train.reshape(len(y_train), -1), axis=0)
        y_scale[y_scale == 0] = 1.0
    intact = _row_losses(estimator, X_test, y_test, y_scale)
    # One copy, re-parameterised per input: _set_scaled_parameters replaces
    # the parameter attributes rather than writing into them, so a shallow
    # copy leaves ``estimator`` untouched (as in pruning_frontier).
    network = copy.copy(estimator)
    rises = []
    for rows in _input_rows(estimator):
        _silence_rows(network, estimator, rows)
        rises.append(_row_losses(network, X_test, y_test, y_scale) - intact)
    return np.column_stack(rises)


def heldout_knockout_test(
    estimator, X, y, *, sample_weight=None, cv=5, n_repeats=1, n_jobs=None
):
    """Mean held-out loss rise when each feature is silenced, and its p-value.

    Parameters
    ----------
    estimator : BIMTRegressor or BIMTClassifier
        Unfitted; a clone is trained per split.
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
    sample_weight : ndarray of shape (n_samples,), default=None
        Weights the training of each split and the held-out rows' losses.
    cv : int, cross-validation generator or iterable, default=5
        As in :func:`~sklearn.model_selection.check_cv`, except that an int
        gives shuffled folds drawn with the estimator's ``random_state``,
        ``n_repeats`` times. A row held out more than once counts once, with
        the mean of its rises.
    n_repeats : int, default=1
        How many times an int ``cv`` draws its folds.
    n_jobs : int, default=None
        Splits trained in parallel with joblib.

    Returns
    -------
    increase : ndarray of shape (n_features,)
        Mean rise of a held-out row's loss (log-loss, or squared error in
        units of the target's standard deviation) with the feature silenced.
    pvalues : ndarray of shape (n_features,)
        One-sided p-value of a mean rise above zero; 1 for a feature whose
        silencing changes no prediction.
    """
    splitter = check_cv(cv, y, classifier=is_classifier(estimator))
    if isinstance(cv, Integral):
        # Shuffled: rows sorted by target or cluster would otherwise leave a
        # part of the data out of every training part that holds it out.
        repeated = (
            RepeatedStratifiedKFold
            if isinstance(splitter, StratifiedKFold)
            else RepeatedKFold
        )
        splitter = repeated(
            n_splits=cv, n_repeats=n_repeats, random_state=estimator.random_state
        )
    try:
        splits = list(splitter.split(X, y))
    except ValueError as error:
        raise ValueError(
            f"BIMTSelector's held-out check could not split the data: {error} "
            "Use fewer splits (cv=3) or skip the check with cv=None."
        ) from error
    per_split = Parallel(n_jobs=n_jobs)(
        delayed(_fold_loss_increases)(
            clone(estimator), X, y, sample_weight, train, test
        )
        for train, test in splits
    )
    # A row held out by several splits (repeated or shuffled splits) is one
    # observation: the mean of its rises.
    held_out = np.concatenate([test for _, test in splits])
    times = np.bincount(held_out, minlength=_num_samples(X))
    totals = np.zeros((len(times), per_split[0].shape[1]))
    np.add.at(totals, held_out, np.concatenate(per_split))
    rows = np.flatnonzero(times)
    rises = totals[rows] / times[rows, None]
    weights = (
        np.ones(len(rows))
        if sample_weight is None
        else np.asarray(sample_weight, dtype=np.float64)[rows]
    )
    return _weighted_one_sided_test(rises, weights)


def _weighted_one_sided_test(rises, weights):
    """Weighted mean of each column and the p-value of its being above zero."""
    total = weights.sum()
    mean = weights @ rises / total
    n = len(weights)
    # Standard error of a weighted mean; for equal weights, std / sqrt(n).
    spread = np.sqrt((weights[:, None] ** 2 * (rises - mean) ** 2).sum(axis=0))
    standard_error = spread / total * np.sqrt(n / max(n - 1, 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(
            standard_error > 0,
            mean / standard_error,
            np.where(mean > 0, np.inf, -np.inf),
        )
    pvalues = stats.t.sf(t, df=max(n - 1, 1))
    return mean, pvalues
