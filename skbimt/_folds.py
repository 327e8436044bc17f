"""Cross-validation folds shared by the CV estimators and the selector's check."""

import copy
import warnings
from numbers import Integral

import numpy as np
from scipy.sparse import issparse
from sklearn.model_selection import KFold, StratifiedKFold, check_cv
from sklearn.utils import _safe_indexing
from sklearn.utils.multiclass import type_of_target


def shuffled_folds(cv, y, classifier, random_state):
    """The splitter for ``cv``; an integer gives shuffled folds.

    scikit-learn's ``check_cv`` keeps the rows in order for an integer ``cv``
    (as ``LassoCV`` does). Tables are often sorted by something correlated
    with the target (a date, a group, the target itself); ordered folds then
    train on one kind of row and test on another, and their scores swing so
    much that a choice made on them rewards noise. So an integer ``cv`` here
    gives :class:`~sklearn.model_selection.KFold` (stratified for
    classifiers) with ``shuffle=True``, seeded by ``random_state``. A copy of
    a ``RandomState`` is used, so drawing the folds leaves it as it was.

    Parameters
    ----------
    cv : int, cross-validation generator or iterable
    y : array-like
    classifier : bool
    random_state : int, RandomState instance or None

    Returns
    -------
    splitter : cross-validation generator
    """
    if isinstance(cv, Integral) and not isinstance(cv, bool):
        splitter = StratifiedKFold if classifier else KFold
        seed = copy.deepcopy(random_state)
        if classifier and type_of_target(y) not in ("binary", "multiclass"):
            splitter = KFold
        return splitter(n_splits=cv, shuffle=True, random_state=seed)
    return check_cv(cv, y, classifier=classifier)


def indexable_rows(data):
    """``data`` as something the folds can index by rows.

    DataFrames stay DataFrames (for feature names), sparse matrices become
    CSR (whose rows index fast; DIA, COO and others cannot be indexed);
    anything else becomes an ndarray.
    """
    if issparse(data):
        return data.tocsr()
    if hasattr(data, "iloc"):
        return data
    return np.asarray(data)


def fit_on_rows(estimator, X, y, sample_weight, rows):
    """Fit ``estimator`` on ``rows`` of the data, without its warnings.

    A fold's network is trained to be scored, not used: its warnings'
    advice (train longer, lower lambda) is for the fit the user asked for.
    """
    weights = None if sample_weight is None else _safe_indexing(sample_weight, rows)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        estimator.fit(
            _safe_indexing(X, rows), _safe_indexing(y, rows), sample_weight=weights
        )
    return estimator
