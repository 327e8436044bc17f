"""BIMTRegressorCV and BIMTClassifierCV: the sparsest accurate network."""

import warnings
from numbers import Integral, Real

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import is_classifier
from sklearn.model_selection import check_cv
from sklearn.utils import _safe_indexing, check_X_y
from sklearn.utils.validation import _check_sample_weight

from ._base import DEFAULT_SCHEDULE, BaseBIMT, is_auto
from ._connectivity import DEFAULT_THRESHOLD, active_neuron_masks
from ._estimators import (
    _SHARED_ATTRIBUTES,
    _SHARED_PARAMETERS,
    BIMTClassifier,
    BIMTRegressor,
)

#: Peak strengths tried by default: a factor 10 below and above the default
#: schedule's 3e-2, in half decades.
DEFAULT_LAMBDAS = (1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1)

_CV_PARAMETERS = """
    lambdas : array-like of float, default=(1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1)
        Peak regularization strengths to try. Each scales ``lambda_schedule``
        (a constant, or phases) so that its strongest phase equals it; the
        shape of the schedule stays the same. ``"auto"`` lends the default
        schedule's shape; the strengths are used as given, not adjusted to
        the number of rows, since the cross-validation chooses among them.

    cv : int, cross-validation generator or iterable, default=5
        Folds, as in :func:`~sklearn.model_selection.check_cv` (stratified
        for the classifier).

    n_jobs : int, default=None
        Fits run in parallel over (fold, lambda) pairs with joblib; None is
        1 unless in a :func:`joblib.parallel_backend` context, -1 uses every
        core. Each fit uses ``n_threads`` torch threads.
"""

_CV_ATTRIBUTES = """
    lambda_ : float
        The chosen peak strength: among the ``lambdas`` whose mean
        cross-validated score is within one standard error of the best, the
        one with the fewest active hidden neurons (ties: the stronger).

    best_index_ : int
        Index of ``lambda_`` in ``cv_results_``.

    cv_results_ : dict of ndarray
        One entry per lambda: ``lambda``, ``mean_test_score``,
        ``std_test_score``, ``split<k>_test_score``, and, averaged over the
        folds' networks, ``mean_active_hidden`` (active hidden neurons),
        ``mean_inputs_kept`` (active input features) and
        ``mean_modularity``. A fold whose fit failed scores NaN.
"""


def _cv_doc(template):
    return template.replace(
        "%(parameters)s", (_SHARED_PARAMETERS + _CV_PARAMETERS).strip("\n")
    ).replace("%(attributes)s", (_CV_ATTRIBUTES + _SHARED_ATTRIBUTES).strip("\n"))


def scaled_schedule(schedule, peak):
    """``schedule`` (a constant or phases) rescaled so its strongest phase is ``peak``.

    Raises
    ------
    ValueError
        For a callable schedule, which has no peak to rescale, or one that is
        zero throughout.
    """
    if callable(schedule):
        raise ValueError(
            "The CV estimators rescale lambda_schedule to each of lambdas, which "
            "needs a constant or (lambda, fraction) phases, not a callable. "
            "Use GridSearchCV over lambda_schedule for callables."
        )
    if is_auto(schedule):
        schedule = DEFAULT_SCHEDULE
    if isinstance(schedule, Real):
        return float(peak)
    strongest = max(float(strength) for strength, _ in schedule)
    if strongest <= 0:
        raise ValueError(
            "lambda_schedule is 0 throughout, so there is nothing to rescale to "
            "lambdas; give it the shape you want, e.g. ((0.1, 0.25), (1.0, 0.75))."
        )
    return tuple(
        (float(strength) * peak / strongest, float(fraction))
        for strength, fraction in schedule
    )


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


def _fit_fold(estimator, X, y, sample_weight, train, test):
    """Fit on ``train``; score on ``test`` and describe the network."""
    X_test, y_test = _safe_indexing(X, test), _safe_indexing(y, test)
    try:
        fit_on_rows(estimator, X, y, sample_weight, train)
    except ValueError as error:
        return {"score": np.nan, "error": str(error)}
    masks = active_neuron_masks(estimator.scaled_coefs_, DEFAULT_THRESHOLD)
    return {
        "score": estimator.score(X_test, y_test),
        "active_hidden": sum(int(mask.sum()) for mask in masks[1:-1]),
        "inputs": int((estimator.feature_importances_ > DEFAULT_THRESHOLD).sum()),
        "q": estimator.modularity_,
    }


def _one_standard_error_choice(mean_score, std_score, n_splits, active_hidden):
    """Index of the sparsest lambda scoring within one SE of the best."""
    best = int(np.nanargmax(mean_score))
    standard_error = std_score[best] / np.sqrt(n_splits)
    close = np.flatnonzero(mean_score >= mean_score[best] - standard_error)
    # Fewest active hidden neurons; among equals, the last (strongest) lambda.
    fewest = np.min(active_hidden[close])
    return int(close[active_hidden[close] == fewest][-1])


class _PathMixin:
    """Cross-validated choice of the regularization strength, then a refit."""

    def __init__(
        self,
        hidden_layer_sizes=(20, 20),
        *,
        lambdas=DEFAULT_LAMBDAS,
        cv=5,
        n_jobs=None,
        activation="silu",
        lambda_schedule="auto",
        A=2.0,
        y_star=0.1,
        k=6,
        swap_every=200,
        swap_inputs=True,
        swap_outputs=True,
        distance="l1",
        input_shape=None,
        embedding_dim=None,
        cost_reduction="sum",
        input_cost=1.0,
        standardize=True,
        max_iter=2000,
        learning_rate=1e-2,
        weight_decay=0.0,
        batch_size=None,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-4,
        dtype="float32",
        random_state=None,
        verbose=0,
        device="cpu",
        n_threads=1,
        snapshot_every=None,
    ):
        self.lambdas = lambdas
        self.cv = cv
        self.n_jobs = n_jobs
        super().__init__(
            hidden_layer_sizes,
            activation=activation,
            lambda_schedule=lambda_schedule,
            A=A,
            y_star=y_star,
            k=k,
            swap_every=swap_every,
            swap_inputs=swap_inputs,
            swap_outputs=swap_outputs,
            distance=distance,
            input_shape=input_shape,
            embedding_dim=embedding_dim,
            cost_reduction=cost_reduction,
            input_cost=input_cost,
            standardize=standardize,
            max_iter=max_iter,
            learning_rate=learning_rate,
            weight_decay=weight_decay,
            batch_size=batch_size,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            n_iter_no_change=n_iter_no_change,
            tol=tol,
            dtype=dtype,
            random_state=random_state,
            verbose=verbose,
            device=device,
            n_threads=n_threads,
            snapshot_every=snapshot_every,
        )

    _parameter_constraints: dict = {
        **BaseBIMT._parameter_constraints,
        "lambdas": ["array-like"],
        "cv": ["cv_object"],
        "n_jobs": [Integral, None],
    }

    def fit(self, X, y, sample_weight=None):
        """Cross-validate the lambda path, then train on all data at ``lambda_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample in the training loss of every fit.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        self._validate_params()
        lambdas = np.asarray(self.lambdas, dtype=np.float64).ravel()
        if lambdas.size == 0 or not np.all(np.isfinite(lambdas)) or lambdas.min() < 0:
            raise ValueError(
                f"lambdas must be finite non-negative strengths, got {self.lambdas!r}."
            )
        schedules = [scaled_schedule(self.lambda_schedule, peak) for peak in lambdas]
        # Bad data must say so now, not as a NaN score on every fold.
        check_X_y(
            X, y, dtype=None, multi_output=True, ensure_min_samples=2, y_numeric=False
        )
        # Folds index X and y; DataFrames stay DataFrames for feature names.
        X, y = (a if hasattr(a, "iloc") else np.asarray(a) for a in (X, y))
        if sample_weight is not None:
            sample_weight = _check_sample_weight(
                sample_weight, X, dtype=np.float64, ensure_non_negative=True
            )
        splits = list(check_cv(self.cv, y, classifier=is_classifier(self)).split(X, y))
        params = {
            name: value
            for name, value in self.get_params(deep=False).items()
            if name not in ("lambdas", "cv", "n_jobs")
        }
        single = self._single_estimator
        folds = Parallel(n_jobs=self.n_jobs)(
            delayed(_fit_fold)(
                single(**(params | {"lambda_schedule": schedule})),
                X,
                y,
                sample_weight,
                train,
                test,
            )
            for schedule in schedules
            for train, test in splits
        )
        failed = [fold["error"] for fold in folds if "error" in fold]
        if len(failed) == len(folds):
            raise ValueError(
                f"Every fit along the lambda path failed; the first said: {failed[0]}"
            )
        results = self._path_results(lambdas, folds, len(splits))
        best = _one_standard_error_choice(
            results["mean_test_score"],
            results["std_test_score"],
            len(splits),
            results["mean_active_hidden"],
        )
        return self._fit(
            X,
            y,
            sample_weight,
            schedules[best],
            {
                "lambda_": float(lambdas[best]),
                "best_index_": best,
                "cv_results_": results,
            },
        )

    @staticmethod
    def _path_results(lambdas, folds, n_splits):
        """``cv_results_`` from the per-fold measurements, lambda-major."""

        def table(key):
            values = [fold.get(key, np.nan) for fold in folds]
            return np.array(values, dtype=np.float64).reshape(len(lambdas), n_splits)

        scores = table("score")
        results = {"lambda": lambdas.copy()}
        for k in range(n_splits):
            results[f"split{k}_test_score"] = scores[:, k]
        with warnings.catch_warnings():
            # A lambda whose every fold failed has NaN means; that is the answer.
            warnings.simplefilter("ignore", RuntimeWarning)
            results["mean_test_score"] = np.nanmean(scores, axis=1)
            results["std_test_score"] = np.nanstd(scores, axis=1)
            results["mean_active_hidden"] = np.nanmean(table("active_hidden"), axis=1)
            results["mean_inputs_kept"] = np.nanmean(table("inputs"), axis=1)
            results["mean_modularity"] = np.nanmean(table("q"), axis=1)
        return results


class BIMTRegressorCV(_PathMixin, BIMTRegressor):
    __doc__ = _cv_doc(
        """BIMT regressor that picks its own regularization strength.

    In the spirit of :class:`~sklearn.linear_model.LassoCV`: trains the
    network along a path of ``lambdas`` on each cross-validation fold, keeps
    the sparsest network (fewest active hidden neurons) whose mean score
    (R^2) is within one standard error of the best, and trains it on all the
    data. The fitted estimator is a :class:`BIMTRegressor` in every other
    respect.

    Parameters
    ----------
%(parameters)s

    Attributes
    ----------
%(attributes)s

    See Also
    --------
    BIMTRegressor : One regularization strength, chosen by you.
    BIMTClassifierCV : The classifier counterpart.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from skbimt import BIMTRegressorCV
    >>> X, y = load_diabetes(return_X_y=True)
    >>> reg = BIMTRegressorCV(lambdas=[3e-3, 3e-2], cv=3, random_state=0).fit(X, y)
    >>> sorted(reg.cv_results_)[:3]
    ['lambda', 'mean_active_hidden', 'mean_inputs_kept']
    >>> reg.lambda_ in (3e-3, 3e-2)
    True
    """
    )

    _single_estimator = BIMTRegressor


class BIMTClassifierCV(_PathMixin, BIMTClassifier):
    __doc__ = _cv_doc(
        """BIMT classifier that picks its own regularization strength.

    In the spirit of :class:`~sklearn.linear_model.LogisticRegressionCV`:
    trains the network along a path of ``lambdas`` on each (stratified)
    cross-validation fold, keeps the sparsest network (fewest active hidden
    neurons) whose mean accuracy is within one standard error of the best,
    and trains it on all the data. The fitted estimator is a
    :class:`BIMTClassifier` in every other respect.

    Parameters
    ----------
%(parameters)s

    Attributes
    ----------
%(attributes)s

    See Also
    --------
    BIMTClassifier : One regularization strength, chosen by you.
    BIMTRegressorCV : The regressor counterpart.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skbimt import BIMTClassifierCV
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = BIMTClassifierCV(lambdas=[3e-3, 3e-2], cv=3, random_state=0).fit(X, y)
    >>> clf.cv_results_["mean_test_score"].shape
    (2,)
    """
    )

    _single_estimator = BIMTClassifier
