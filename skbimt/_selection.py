"""Feature selection from the wiring of a trained BIMT network."""

import re
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.exceptions import NotFittedError
from sklearn.feature_selection import SelectFromModel
from sklearn.utils._param_validation import HasMethods, Interval
from sklearn.utils.validation import check_is_fitted, validate_data

from ._base import BaseBIMT
from ._connectivity import DEFAULT_THRESHOLD
from ._diagnosis import LEARNED_NOTHING, predicts_a_constant
from ._folds import indexable_rows
from ._heldout import heldout_knockout_test
from ._parts import path_strengths
from ._validation import warn


class BIMTSelector(SelectFromModel):
    """Select the input features a BIMT network keeps wired to its outputs.

    BIMT's connection cost cuts the connections of inputs that do not help
    the prediction. This meta-transformer trains a BIMT estimator (or takes a
    trained one) and keeps the features whose path strength (the strength
    of the feature's widest path to an output, each weight relative to its
    layer's largest ``|w|``; not ``feature_importances_``, which shares the
    prediction's variance) reaches ``threshold``. With the default
    threshold, 0.01, these are exactly the inputs a connectivity plot shows
    connected.

    A network trained on a small table also keeps wires from noise inputs
    that help it fit its training rows. So, by default, the selector checks
    every input on rows held out of training: it trains the estimator on the
    training part of each of ``cv`` splits (drawn ``n_repeats`` times),
    silences one input at a time and keeps only the inputs whose silencing
    raises the held-out loss significantly (one-sided t-test at level
    ``alpha``). This costs ``cv * n_repeats`` extra fits (10 by default);
    ``cv=None`` skips it.

    It is :class:`~sklearn.feature_selection.SelectFromModel` for BIMT
    networks, with its contract: ``threshold`` may be changed after fit
    (``threshold_`` follows), ``max_features`` caps the count, ``prefit``
    reads a trained network.

    Parameters
    ----------
    estimator : BIMTRegressor, BIMTClassifier or their CV variants
        The network to train (a clone is fitted) or, with ``prefit=True``, a
        fitted network to read. The CV variants choose the regularization
        strength themselves, which is what decides how many inputs survive.

    threshold : str or float, default=0.01
        Keep features with path strength ``>= threshold``: a float in ``[0, 1]``,
        or a string as in SelectFromModel (``"mean"``, ``"median"``,
        ``"1.5*mean"``).

    prefit : bool, default=False
        Whether ``estimator`` is fitted already; ``fit`` then only copies it.

    max_features : int, callable or None, default=None
        At most this many features, the most important first; a callable
        gets ``X`` and returns the count.

    cv : int, cross-validation generator, iterable or None, default=5
        Splits of the held-out check, as in
        :func:`~sklearn.model_selection.check_cv` (stratified for a
        classifier), except that an int gives *shuffled* folds drawn with
        the estimator's ``random_state``: rows sorted by the target or by
        cluster must not keep part of the data out of training. For each
        split a clone of ``estimator`` is trained on the training rows;
        each input is silenced in turn (its wires cut,
        see :func:`skbimt.inspection.knockout`), and the rise of every
        held-out row's loss is recorded: log-loss for a classifier, squared
        error in units of the target's standard deviation for a regressor.
        ``None`` skips the check: one fit, and features are kept by
        importance alone. Ignored with ``prefit=True``. With a CV
        estimator inside, every fit of the check is a whole lambda path
        (31 trainings by default): ``cv=None`` or ``n_jobs`` keep that
        affordable.

    n_repeats : int, default=2
        With an int ``cv``: how many times its folds are drawn, each time
        shuffled anew. A row then has one rise per repeat, from networks
        trained on different rows, and the check uses their mean; two
        repeats keep weak informative features that one set of folds loses
        to the luck of its training runs. The check trains ``cv *
        n_repeats`` networks.

    alpha : float, default=0.1
        Significance level of the held-out check: a feature is kept only
        when the one-sided p-value of its mean loss rise is ``<= alpha``.
        Like ``threshold``, it may be changed after fit. Lower it for fewer
        false inputs, raise it to lose fewer weak ones.

    n_jobs : int, default=None
        The held-out check's splits train in parallel with joblib; None is
        1 unless in a :func:`joblib.parallel_backend` context.

    Attributes
    ----------
    estimator_ : BIMTRegressor or BIMTClassifier
        The trained network: a fitted clone of ``estimator``, or a deep copy
        of it when ``prefit=True``.

    threshold_ : float
        The threshold in effect.

    max_features_ : int
        The cap in effect.

    heldout_loss_increase_ : ndarray of shape (n_features,)
        Mean rise of a held-out row's loss when the feature is silenced
        (with ``cv`` set and ``prefit=False``).

    heldout_pvalues_ : ndarray of shape (n_features,)
        One-sided p-value of that rise being above zero; 1 for a feature
        whose silencing changes no prediction.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Names of features seen during fit, when X has string column names.

    See Also
    --------
    skbimt.BIMTRegressorCV : Chooses the regularization strength, and so
        the number of inputs kept, by cross-validation.
    skbimt.inspection.prune : The network without its invisible weights.
    sklearn.feature_selection.SelectFromModel : The same for any estimator
        with importances.

    Examples
    --------
    >>> import numpy as np
    >>> from skbimt import BIMTRegressor, BIMTSelector
    >>> rng = np.random.RandomState(0)
    >>> X = rng.uniform(-1, 1, size=(200, 5))
    >>> y = X[:, 0] + X[:, 3] ** 2  # features 1, 2 and 4 are noise
    >>> selector = BIMTSelector(BIMTRegressor(random_state=0)).fit(X, y)
    >>> selector.get_support()  # doctest: +SKIP
    array([ True, False, False,  True, False])
    >>> selector.heldout_pvalues_.round(3)  # doctest: +SKIP
    array([0.   , 0.767, 0.61 , 0.   , 0.431])
    >>> selector.threshold = 0.5  # stricter, without training again
    >>> selector.transform(X).shape[1] <= 2
    True
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit"])],
        "threshold": [Interval(Real, 0, 1, closed="both"), str],
        "prefit": ["boolean"],
        "max_features": [Interval(Integral, 0, None, closed="left"), callable, None],
        "cv": ["cv_object"],
        "n_repeats": [Interval(Integral, 1, None, closed="left")],
        "alpha": [Interval(Real, 0, 1, closed="both")],
        "n_jobs": [Integral, None],
    }

    # SelectFromModel reads these; for BIMT they are fixed. The selector
    # thresholds path strengths (whether an input is wired, and how
    # strongly), not the effect shares of feature_importances_.
    importance_getter = staticmethod(path_strengths)
    norm_order = 1

    def __init__(
        self,
        estimator,
        *,
        threshold=DEFAULT_THRESHOLD,
        prefit=False,
        max_features=None,
        cv=5,
        n_repeats=2,
        alpha=0.1,
        n_jobs=None,
    ):
        self.estimator = estimator
        self.threshold = threshold
        self.prefit = prefit
        self.max_features = max_features
        self.cv = cv
        self.n_repeats = n_repeats
        self.alpha = alpha
        self.n_jobs = n_jobs

    def fit(self, X, y=None, **fit_params):
        """Train the network (unless prefit), rank its features, check them.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets. Required unless ``prefit=True``.
        **fit_params : dict
            Passed to the estimator's ``fit`` (``sample_weight``).

        Returns
        -------
        self : object
            The fitted selector.
        """
        self._validate_params()
        if not isinstance(self.estimator, BaseBIMT):
            raise TypeError(
                "BIMTSelector reads the wiring of a BIMT network: estimator must "
                "be a BIMTRegressor, BIMTClassifier or a CV variant, got "
                f"{type(self.estimator).__name__}. Use "
                "sklearn.feature_selection.SelectFromModel for other estimators."
            )
        if not self.prefit and y is None:
            raise ValueError(
                "BIMTSelector requires y to be passed, but the target y is None: "
                "it trains its network on (X, y). Pass y, or a fitted estimator "
                "with prefit=True."
            )
        if self.prefit:
            try:
                check_is_fitted(self.estimator)
            except NotFittedError as exc:
                raise NotFittedError(
                    "With prefit=True, estimator must already be fitted, but this "
                    f"{type(self.estimator).__name__} is not; fit it first, or set "
                    "prefit=False to let BIMTSelector train it."
                ) from exc
        # SelectFromModel.fit replaces estimator_ before training it: keep the
        # earlier fitted state, to put back if this fit fails.
        earlier = dict(self.__dict__)
        sample_weight = fit_params.get("sample_weight")
        try:
            for name in ("heldout_loss_increase_", "heldout_pvalues_"):
                self.__dict__.pop(name, None)
            with warnings.catch_warnings():
                # The selector says so itself, with what it means for the
                # selection; one warning, not two.
                warnings.filterwarnings("ignore", re.escape(LEARNED_NOTHING))
                super().fit(X, y, **fit_params)
            if self.prefit:
                # X must match the network: its number of features and names.
                validate_data(self.estimator_, X, reset=False)
            elif self.cv is not None:
                self._check_on_heldout_rows(X, y, sample_weight)
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(earlier)
            raise
        self._warn_if_uninformative(X, y, sample_weight)
        return self

    def _check_on_heldout_rows(self, X, y, sample_weight):
        # Splits index X and y; DataFrames stay DataFrames for feature names.
        X, y = (indexable_rows(a) for a in (X, y))
        if sample_weight is not None:
            sample_weight = np.asarray(sample_weight, dtype=np.float64)
        increase, pvalues = heldout_knockout_test(
            self.estimator,
            X,
            y,
            sample_weight=sample_weight,
            cv=self.cv,
            n_repeats=self.n_repeats,
            n_jobs=self.n_jobs,
        )
        self.heldout_loss_increase_ = increase
        self.heldout_pvalues_ = pvalues

    def _get_support_mask(self):
        pvalues = getattr(self, "heldout_pvalues_", None)
        if pvalues is None:
            return super()._get_support_mask()
        # After a fit with the held-out check: important enough and helping
        # on held-out rows, then the max_features most important of those.
        cap = getattr(self, "max_features_", self.max_features)
        if self.max_features is None:
            cap = None
        elif not isinstance(cap, Integral):
            return super()._get_support_mask()  # says what is wrong with it
        importances = path_strengths(self.estimator_)
        eligible = (importances >= self.threshold_) & (pvalues <= self.alpha)
        ranked = np.argsort(-np.where(eligible, importances, -1.0), kind="mergesort")
        mask = np.zeros_like(eligible)
        mask[ranked[:cap]] = True
        return mask & eligible

    def _warn_if_uninformative(self, X, y, sample_weight):
        kept = self.get_support()
        if predicts_a_constant(self.estimator_, X, y, sample_weight):
            warn(
                f"BIMTSelector's network predicts (almost) the same for every "
                f"sample: lambda was so strong that training shrank every weight "
                f"to about zero, so its wiring means nothing (it "
                f"kept {int(kept.sum())} of {kept.size} features). Lower the "
                "estimator's alpha, or let BIMTRegressorCV / "
                "BIMTClassifierCV choose it.",
            )
        elif kept.size > 1 and kept.all() and not hasattr(self, "heldout_pvalues_"):
            # With the held-out check, keeping every input is its finding.
            warn(
                f"BIMTSelector kept all {kept.size} features: every input still "
                f"reaches an output at threshold={self.threshold!r}. Strengthen "
                "the estimator's lambda_schedule, let BIMTRegressorCV / "
                "BIMTClassifierCV choose it, or raise threshold (it can be "
                "changed without refitting).",
            )
        elif not kept.any():
            wired = path_strengths(self.estimator_) >= self.threshold_
            if wired.any() and hasattr(self, "heldout_pvalues_"):
                warn(
                    f"BIMTSelector dropped every feature: {int(wired.sum())} "
                    "inputs reach an output, but silencing none of them raised "
                    f"the loss on held-out rows significantly (alpha={self.alpha!r})"
                    ", so the network learned nothing that generalizes. Check its "
                    "cross-validated score; raise alpha (it can be changed "
                    "without refitting) or skip the check with cv=None.",
                )
            else:
                warn(
                    "BIMTSelector dropped every feature: no input reaches an "
                    f"output at threshold={self.threshold!r}. Lower threshold, "
                    "weaken the estimator's lambda_schedule or train it longer.",
                )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = not self.prefit
        # Selecting columns keeps their dtype, and BIMT trains on both.
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
