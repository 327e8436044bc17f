"""Feature selection from the wiring of a trained BIMT network."""

from numbers import Integral, Real

from sklearn.exceptions import NotFittedError
from sklearn.feature_selection import SelectFromModel
from sklearn.utils._param_validation import HasMethods, Interval
from sklearn.utils.validation import check_is_fitted, validate_data

from ._base import BaseBIMT, predicts_a_constant
from ._connectivity import DEFAULT_THRESHOLD
from ._validation import warn


class BIMTSelector(SelectFromModel):
    """Select the input features a BIMT network keeps wired to its outputs.

    BIMT's connection cost cuts the connections of inputs that do not help
    the prediction. This meta-transformer trains a BIMT estimator (or takes a
    trained one) and keeps the features whose
    :attr:`~skbimt.BIMTRegressor.feature_importances_` (the strength of the
    feature's widest path to an output, relative to each layer's largest
    ``|w|``) reach ``threshold``. With the default threshold, 0.01, the kept
    features are exactly the inputs a connectivity plot shows connected.

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
        Keep features with importance ``>= threshold``: a float in ``[0, 1]``,
        or a string as in SelectFromModel (``"mean"``, ``"median"``,
        ``"1.5*mean"``).

    prefit : bool, default=False
        Whether ``estimator`` is fitted already; ``fit`` then only copies it.

    max_features : int, callable or None, default=None
        At most this many features, the most important first; a callable
        gets ``X`` and returns the count.

    Attributes
    ----------
    estimator_ : BIMTRegressor or BIMTClassifier
        The trained network: a fitted clone of ``estimator``, or a deep copy
        of it when ``prefit=True``.

    threshold_ : float
        The threshold in effect.

    max_features_ : int
        The cap in effect.

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
    >>> selector.threshold = 0.5  # stricter, without training again
    >>> selector.transform(X).shape[1] <= 2
    True
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit"])],
        "threshold": [Interval(Real, 0, 1, closed="both"), str],
        "prefit": ["boolean"],
        "max_features": [Interval(Integral, 0, None, closed="left"), callable, None],
    }

    # SelectFromModel reads these; for BIMT they are fixed.
    importance_getter = "feature_importances_"
    norm_order = 1

    def __init__(
        self, estimator, *, threshold=DEFAULT_THRESHOLD, prefit=False, max_features=None
    ):
        self.estimator = estimator
        self.threshold = threshold
        self.prefit = prefit
        self.max_features = max_features

    def fit(self, X, y=None, **fit_params):
        """Train the network (unless prefit) and rank the features it uses.

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
        try:
            super().fit(X, y, **fit_params)
            if self.prefit:
                # X must match the network: its number of features and names.
                validate_data(self.estimator_, X, reset=False)
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(earlier)
            raise
        self._warn_if_uninformative(X, y)
        return self

    def _warn_if_uninformative(self, X, y):
        kept = self.get_support()
        if kept.size > 1 and predicts_a_constant(self.estimator_, X, y):
            warn(
                f"BIMTSelector's network predicts (almost) the same for every "
                f"sample: lambda was so strong that training shrank every weight "
                f"to about zero, so its feature_importances_ mean nothing (it "
                f"kept {int(kept.sum())} of {kept.size} features). Weaken the "
                "estimator's lambda_schedule, or let BIMTRegressorCV / "
                "BIMTClassifierCV choose it.",
            )
        elif kept.size > 1 and kept.all():
            warn(
                f"BIMTSelector kept all {kept.size} features: every input still "
                f"reaches an output at threshold={self.threshold!r}. Strengthen "
                "the estimator's lambda_schedule, let BIMTRegressorCV / "
                "BIMTClassifierCV choose it, or raise threshold (it can be "
                "changed without refitting).",
            )
        elif not kept.any():
            warn(
                "BIMTSelector dropped every feature: no input reaches an output "
                f"at threshold={self.threshold!r}. Lower threshold, weaken the "
                "estimator's lambda_schedule or train it longer.",
            )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = not self.prefit
        # Selecting columns keeps their dtype, and BIMT trains on both.
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


#: The selector's name before skbimt 0.2.
BIMTPruner = BIMTSelector
