"""BIMTRegressorCV and BIMTClassifierCV: the strength chosen by cross-validation."""

import warnings
from numbers import Integral

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import _fit_context, clone, is_classifier
from sklearn.utils import check_X_y
from sklearn.utils.validation import _check_sample_weight, _num_samples

from ._base import BaseBIMT
from ._diagnosis import empty_network_advice
from ._estimators import (
    _CLIP_PREDICTIONS_PARAMETER,
    _SHARED_ATTRIBUTES,
    _SHARED_PARAMETERS,
    BIMTClassifier,
    BIMTRegressor,
)
from ._folds import indexable_rows, shuffled_folds
from ._path import fold_path, start_index
from ._sparse_input import SPARSE_FORMATS

#: Strengths tried by default: multipliers of ``lambda_schedule``, the
#: default (``alpha=1``) and a decade above it in half decades. The CV
#: estimators look for the sparsest accurate network, so by default they try
#: nothing denser than the default's; weaker strengths are the user's to add.
DEFAULT_ALPHAS = (1.0, 3.0, 10.0)

_CV_PARAMETERS = """
    alphas : array-like of float, default=(1.0, 3.0, 10.0)
        Strengths to try, as the ``alpha`` of :class:`BIMTRegressor`: each
        multiplies every ``lambda`` of ``lambda_schedule`` (after
        ``"auto"`` is resolved for the rows trained on). The network is
        then trained on all the data at ``alpha_``, exactly as the single
        estimator with that ``alpha`` would be. The default tries
        the default strength and sparser networks only. Add weaker ones
        (``(0.01, 0.1, 0.3, 1.0, 3.0, 10.0)``) to let the search trade
        neurons for accuracy where the target is smooth or the classes many
        (seeds 1-3: concrete, 1,030 rows, R^2 0.890 against 0.855 with 20
        active hidden neurons against 7; digits, accuracy 0.969 against
        0.956 with 36 against 20; the Results page has the measurements),
        at about 1.7 times the default ``alphas``' cost. On small noisy
        tables the weaker strengths overfit, and the rule keeps the default
        there on nearly every fold; where it does not, a weak refit can
        extrapolate badly (boston, one fold in 15: R^2 0.569 against
        0.854).

    cv : int, cross-validation generator or iterable, default=3
        Folds. An integer gives that many *shuffled* folds (stratified for
        the classifier), seeded by ``random_state``; unlike
        :class:`~sklearn.linear_model.LassoCV`, whose integer ``cv`` keeps
        the rows in order, since tables sorted by something tied to the
        target make ordered folds test on rows unlike the training ones.
        Pass ``KFold(n)`` for ordered folds.

    n_jobs : int, default=None
        Folds run in parallel with joblib; None is 1 unless in a
        :func:`joblib.parallel_backend` context, -1 uses every core. Each
        fit uses ``n_threads`` torch threads. Results do not depend on it.
"""

_CV_ATTRIBUTES = """
    alpha_ : float
        The strength the network was trained at on all the data. The folds
        choose one of ``alphas``: the default ``alpha=1`` (or, when it is
        not among ``alphas``, the one nearest to it) unless another
        strength scores higher on every fold and by more than 0.01 on
        average; then, of those that do, the best on average. The default
        and a weaker choice are kept as they are; a stronger choice is
        scaled by the square of the folds' mean share of the rows (4/9 with
        ``cv=3``: 3 becomes 1.33, 10 becomes 4.4), but not below the
        default, since a strength chosen on the folds' rows is too strong
        for all of them. So ``alpha_`` need not be in ``alphas``.

    best_index_ : int
        Index in ``cv_results_`` of the strength the folds chose.

    cv_results_ : dict of ndarray
        One entry per alpha, in increasing order: ``alpha``,
        ``mean_test_score``, ``std_test_score``, ``split<k>_test_score``,
        and, averaged over the folds' networks, ``mean_active_hidden``
        (active hidden neurons) and ``mean_inputs_kept`` (active input
        features); a network that learned nothing (it predicts a constant
        on its training rows) counts none of either. A fold whose fit
        failed scores NaN.
"""


#: The single estimators' parameters but ``alpha``, which alphas replaces.
_SHARED_PARAMETERS_CV = (
    _SHARED_PARAMETERS[: _SHARED_PARAMETERS.index("    alpha : float")]
    + _SHARED_PARAMETERS[_SHARED_PARAMETERS.index("    A : float") :]
)


def _cv_doc(template, extra_parameters=""):
    # In the order of the signature: the CV parameters follow the first one.
    second = _SHARED_PARAMETERS_CV.index("    activation :")
    parameters = (
        _SHARED_PARAMETERS_CV[:second]
        + _CV_PARAMETERS.strip("\n")
        + "\n\n"
        + _SHARED_PARAMETERS_CV[second:]
        + extra_parameters
    )
    return template.replace("%(parameters)s", parameters.strip("\n")).replace(
        "%(attributes)s", (_CV_ATTRIBUTES + _SHARED_ATTRIBUTES).strip("\n")
    )


#: What a strength must gain over the default, on average over the folds, to
#: replace it: 0.01 of R^2 or of accuracy.
MIN_GAIN = 0.01


def paired_choice(scores, active_hidden, default=None):
    """Index of the strength the CV estimators keep.

    Parameters
    ----------
    scores : ndarray of shape (n_alphas, n_folds)
        Held-out score of every strength on every fold (NaN: failed).
    active_hidden : ndarray of shape (n_alphas,)
        Mean active hidden neurons per strength.
    default : int or None, default=None
        Index of the strength to keep unless another is clearly better: the
        single estimators' default (``alpha=1``), or the strength the path
        starts at.

    Returns
    -------
    index : int
        The default, unless another strength is clearly better: better on
        every fold (paired by fold, which removes what the folds share: an
        easy or a hard fold moves every strength alike), and by more than
        ``MIN_GAIN`` on average. Of the strengths that are, the best on
        average (ties: the fewest active hidden neurons, then the
        stronger). Without a default, or if it failed on a fold, the best
        of all strengths on average, with the same ties. A failed fold
        counts against a strength.

    Notes
    -----
    Two looser rules lost to the default on small regression tables of the
    benchmark (263-397 rows, folds of 140-265): the sparsest network within
    one standard error of the best (0.01-0.07 R^2), then the default unless
    the best beat it by one paired standard error, followed by the sparsest
    strength scoring at least the kept one's mean (up to 0.06 R^2 on
    hitters). On such tables the folds often call ``alpha=3`` or 10 as
    good as the default, or a little better, on average, while trained on
    all the rows the default scores higher. Asking for a gain on every fold
    (a chance of one in eight with three folds, for a strength no better
    than the default) and of ``MIN_GAIN`` on average keeps the default
    there, and still moves on the two tables where the default misses
    (cps1985, concrete). The sparsest of the clearly better strengths,
    rather than the best, lost some of those gains.
    """
    with warnings.catch_warnings():
        # A strength whose every fold failed has NaN means: never chosen.
        warnings.simplefilter("ignore", RuntimeWarning)
        means = np.nanmean(scores, axis=1)
    if default is None or not np.all(np.isfinite(scores[default])):
        # Strengths that trained on every fold first: a failure counts against.
        complete = np.all(np.isfinite(scores), axis=1)
        candidates = np.flatnonzero(complete if complete.any() else np.isfinite(means))
    else:
        gain = np.nan_to_num(scores - scores[default], nan=-np.inf)
        candidates = np.flatnonzero(
            np.all(gain > 0, axis=1) & (np.mean(gain, axis=1) > MIN_GAIN)
        )
        if candidates.size == 0:
            return int(default)
    best = candidates[means[candidates] == np.max(means[candidates])]
    fewest = best[active_hidden[best] == np.min(active_hidden[best])]
    return int(fewest[-1])


def folds_share_of_rows(splits, n_rows):
    """Mean share of the rows the folds trained on: ``(cv - 1) / cv`` for k-fold."""
    return float(np.mean([len(train) for train, _ in splits])) / n_rows


def refit_alpha(chosen, start, share):
    """Strength of the refit on all the rows, from the one the folds chose.

    Parameters
    ----------
    chosen : float
        The strength the folds chose, one of ``alphas``.
    start : float
        The strength the folds' paths start at: the default, kept unless
        another is clearly better.
    share : float
        The folds' mean share of the rows (:func:`folds_share_of_rows`).

    Returns
    -------
    alpha : float
        ``chosen`` if it is ``start`` or weaker. A stronger one times
        ``share**2``, but not below ``start``: with two folds, ``alpha=3``
        would otherwise become 0.75, weaker than the default the folds
        rejected as too weak.

    Notes
    -----
    A strength chosen on a fold's rows is too strong for all of them: the
    best strength falls as the rows grow, and the strength that wins on
    every fold won partly by chance. On the 26 real tables of the
    benchmark (seeds 1-5, ``cv=3``), refitting the chosen ``alpha=3`` or 10
    unscaled lost 0.015-0.020 R^2 to the default on hitters, college and
    teaching; scaled by the share (3 becomes 2), 0.003-0.013; by its
    square (3 becomes 1.33, 10 becomes 4.4), at most 0.004, while keeping
    nearly all that the search gains where the default misses (cps1985
    +0.282, birthwt +0.015, caschools +0.007). The default is not scaled:
    it is tuned for a table's rows, and ``"auto"`` scales it above 500 of
    them. Nor is a weaker choice: on small noisy tables the strengths
    below the default fall off a cliff, and a weaker refit than the folds
    tried was never measured.
    """
    if chosen <= start:
        return float(chosen)
    return float(max(chosen * share**2, start))


class _PathMixin:
    """Cross-validated choice of the regularization strength, then a refit."""

    def _set_path_parameters(self, alphas, cv, n_jobs):
        """Set the search's own parameters; drop the single fit's it replaces."""
        self.alphas = alphas
        self.cv = cv
        self.n_jobs = n_jobs
        # The strength is chosen from alphas, not set: alpha_ holds it.
        del self.alpha
        # Each fit searches the path anew: no warm_start, no partial_fit.
        del self.warm_start

    _continues_training = False

    _parameter_constraints: dict = {
        **{
            name: constraint
            for name, constraint in BaseBIMT._parameter_constraints.items()
            if name not in ("alpha", "warm_start")
        },
        "alphas": ["array-like"],
        "cv": ["cv_object"],
        "n_jobs": [Integral, None],
    }

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Cross-validate ``alphas``, then train on all the data at ``alpha_``.

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
        alphas = np.asarray(self.alphas, dtype=np.float64).ravel()
        if alphas.size == 0 or not np.all(np.isfinite(alphas)) or alphas.min() < 0:
            raise ValueError(
                f"alphas must be finite non-negative strengths, got {self.alphas!r}."
            )
        alphas = np.unique(alphas)
        # Bad data must say so now, not as a NaN score on every fold.
        check_X_y(
            X,
            y,
            accept_sparse=SPARSE_FORMATS,
            dtype=None,
            multi_output=True,
            ensure_min_samples=2,
            y_numeric=False,
        )
        # Folds index X and y; DataFrames stay DataFrames for feature names.
        X, y = (indexable_rows(a) for a in (X, y))
        if sample_weight is not None:
            sample_weight = _check_sample_weight(
                sample_weight, X, dtype=np.float64, ensure_non_negative=True
            )
        splitter = shuffled_folds(self.cv, y, is_classifier(self), self.random_state)
        splits = list(splitter.split(X, y))
        params = {
            name: value
            for name, value in self.get_params(deep=False).items()
            if name not in ("alphas", "cv", "n_jobs")
        }
        single = self._single_estimator(**params)
        paths = Parallel(n_jobs=self.n_jobs)(
            delayed(fold_path)(clone(single), X, y, sample_weight, train, test, alphas)
            for train, test in splits
        )
        failed = [
            stage["error"] for path in paths for stage in path if "error" in stage
        ]
        if len(failed) == alphas.size * len(splits):
            raise ValueError(
                f"Every fit along the alpha path failed; the first said: {failed[0]}"
            )
        results = self._path_results(alphas, paths)
        scores = np.column_stack(
            [results[f"split{k}_test_score"] for k in range(len(splits))]
        )
        start = start_index(alphas)
        best = paired_choice(scores, results["mean_active_hidden"], default=start)
        share = folds_share_of_rows(splits, _num_samples(X))
        alpha = refit_alpha(alphas[best], alphas[start], share)
        return self._fit(
            X,
            y,
            sample_weight,
            self.lambda_schedule,
            alpha,
            {"alpha_": alpha, "best_index_": best, "cv_results_": results},
        )

    def _advice_when_learned_nothing(self):
        """What the warning about a constant prediction says after a search.

        The search may have chosen that network: a strength beat the
        default on every fold because predicting about the mean (or the
        commonest class) generalizes better than the network did.
        """
        alphas = self.cv_results_["alpha"]
        default = start_index(alphas)
        if self.best_index_ == default:
            return empty_network_advice("add weaker strengths to alphas")
        chosen = alphas[self.best_index_]
        refit = "" if self.alpha_ == chosen else f" (refit at alpha_={self.alpha_:g})"
        return (
            f"Cross-validation chose alpha={chosen:g}{refit} because it scored "
            "higher on the held-out rows of every fold than "
            f"alpha={alphas[default]:g}: on these "
            "data, predicting about the mean of y (the commonest class, for a "
            "classifier) generalizes better than the default network. The "
            "inputs carry little signal it can use; a linear model may do "
            f"better. To keep a network anyway, leave {chosen:g} and "
            "stronger strengths out of alphas."
        )

    @staticmethod
    def _path_results(alphas, paths):
        """``cv_results_`` from the folds' paths (one list of stages per fold)."""

        def table(key):
            values = [[stage.get(key, np.nan) for stage in path] for path in paths]
            return np.array(values, dtype=np.float64).T

        scores = table("score")
        results = {"alpha": alphas.copy()}
        for k in range(len(paths)):
            results[f"split{k}_test_score"] = scores[:, k]
        with warnings.catch_warnings():
            # An alpha whose every fold failed has NaN means; that is the answer.
            warnings.simplefilter("ignore", RuntimeWarning)
            results["mean_test_score"] = np.nanmean(scores, axis=1)
            results["std_test_score"] = np.nanstd(scores, axis=1)
            results["mean_active_hidden"] = np.nanmean(table("active_hidden"), axis=1)
            results["mean_inputs_kept"] = np.nanmean(table("inputs"), axis=1)
        return results


class BIMTRegressorCV(_PathMixin, BIMTRegressor):
    __doc__ = _cv_doc(
        """BIMT regressor that picks its own regularization strength.

    In the spirit of :class:`~sklearn.linear_model.LassoCV`: on each of
    ``cv`` shuffled folds, one network is trained from a fresh start at the
    default strength ``alpha=1``, then warm-started through the stronger
    ``alphas`` in turn (an eighth of ``max_iter`` each), and scored (R^2)
    on the fold's held-out rows at the end of every stage; weaker
    ``alphas``, if any, get a second network, fresh at the weakest and
    warm-started up through the others. The default strength is kept
    unless another is clearly better, and the network is then trained on
    all the data as ``BIMTRegressor(alpha=alpha_)`` would be, at the
    chosen strength (scaled down for all the rows unless it is the default
    or weaker; see ``alpha_``). With ``s`` strengths above the default and
    ``w >= 1`` below, this costs ``cv * (1 + s / 8) + 1`` runs of
    ``max_iter`` steps, plus ``cv * (1 + (w - 1) / 8)`` for the weaker ones
    (4.75 by default, 8.1 with two weaker strengths added), the folds' on
    ``(cv - 1) / cv`` of the rows. The fitted estimator is a
    :class:`BIMTRegressor` in every other respect.

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
    >>> reg = BIMTRegressorCV(alphas=[1.0, 3.0], random_state=0).fit(X, y)
    >>> sorted(reg.cv_results_)[:3]
    ['alpha', 'mean_active_hidden', 'mean_inputs_kept']
    >>> float(reg.cv_results_["alpha"][reg.best_index_]) in (1.0, 3.0)
    True
    """,
        _CLIP_PREDICTIONS_PARAMETER,
    )

    def __init__(
        self,
        hidden_layer_sizes=(20, 20),
        *,
        alphas=DEFAULT_ALPHAS,
        cv=3,
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
        max_iter=1000,
        learning_rate=0.01,
        weight_decay=0.0,
        batch_size="auto",
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=0.0001,
        dtype="float32",
        random_state=None,
        verbose=0,
        device="cpu",
        n_threads=1,
        snapshot_every=None,
        split_parts=False,
        clip_predictions=True,
    ):
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
            split_parts=split_parts,
            clip_predictions=clip_predictions,
        )
        self._set_path_parameters(alphas, cv, n_jobs)

    _parameter_constraints: dict = {
        **_PathMixin._parameter_constraints,
        "clip_predictions": ["boolean"],
    }

    _single_estimator = BIMTRegressor


class BIMTClassifierCV(_PathMixin, BIMTClassifier):
    __doc__ = _cv_doc(
        """BIMT classifier that picks its own regularization strength.

    In the spirit of :class:`~sklearn.linear_model.LogisticRegressionCV`:
    on each of ``cv`` shuffled, stratified folds, one network is trained
    from a fresh start at the default strength ``alpha=1``, then
    warm-started through the stronger ``alphas`` in turn (an eighth of
    ``max_iter`` each), and scored (accuracy) on the fold's held-out rows
    at the end of every stage; weaker ``alphas``, if any, get a second
    network, fresh at the weakest and warm-started up through the others.
    The default strength is kept unless another is clearly better, and the
    network is then trained on all the data as
    ``BIMTClassifier(alpha=alpha_)`` would be, at the chosen strength
    (scaled down for all the rows unless it is the default or weaker; see
    ``alpha_``). This costs 4.75 runs of ``max_iter`` steps with the
    defaults (see :class:`BIMTRegressorCV`). On many-class image-like data
    the default strength costs accuracy (digits: 0.956 against the MLP's
    0.978); ``alphas=(0.01, 0.1, 0.3, 1, 3, 10)`` lets the search trade
    neurons for it. The fitted estimator is a :class:`BIMTClassifier` in
    every other respect.

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
    >>> clf = BIMTClassifierCV(alphas=[1.0, 3.0], random_state=0).fit(X, y)
    >>> clf.cv_results_["mean_test_score"].shape
    (2,)
    """
    )

    def __init__(
        self,
        hidden_layer_sizes=(20, 20),
        *,
        alphas=DEFAULT_ALPHAS,
        cv=3,
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
        max_iter=1000,
        learning_rate=0.01,
        weight_decay=0.0,
        batch_size="auto",
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=0.0001,
        dtype="float32",
        random_state=None,
        verbose=0,
        device="cpu",
        n_threads=1,
        snapshot_every=None,
        split_parts=False,
    ):
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
            split_parts=split_parts,
        )
        self._set_path_parameters(alphas, cv, n_jobs)

    _single_estimator = BIMTClassifier
