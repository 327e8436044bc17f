"""Feature selection from the wiring of a trained BIMT network."""

import copy
import warnings
from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator, MetaEstimatorMixin, _fit_context, clone
from sklearn.exceptions import NotFittedError
from sklearn.feature_selection import SelectorMixin
from sklearn.utils._param_validation import HasMethods, Interval
from sklearn.utils.validation import check_is_fitted, validate_data

from ._base import BaseBIMT
from ._connectivity import DEFAULT_THRESHOLD, active_neuron_masks


class BIMTPruner(MetaEstimatorMixin, SelectorMixin, BaseEstimator):
    """Select the input features that a BIMT network still wires to an output.

    BIMT's connection cost drives the weights of inputs that do not help the
    prediction towards zero. This meta-transformer trains a BIMT estimator
    (or takes a trained one) and keeps the input features that lie on a path
    to some output through *active* weights, those with ``|w|`` above
    ``threshold`` times the largest ``|w|`` of their weight matrix: the inputs
    that the connectivity plot shows connected. With token input
    (``embedding_dim`` set) each feature is a token, kept when any of its
    embedding dimensions is. It is the BIMT analogue of
    :class:`~sklearn.feature_selection.SelectFromModel`.

    Parameters
    ----------
    estimator : BIMTRegressor or BIMTClassifier
        The network to train (a clone is fitted) or, with ``prefit=True``, a
        fitted network to read.

    threshold : float, default=0.01
        A weight is active when ``|w| > threshold * max |w|`` of its weight
        matrix, the definition ``modules_`` and
        :func:`~skbimt.inspection.active_neuron_masks` use. In ``[0, 1)``.

    prefit : bool, default=False
        If True, ``estimator`` must be fitted already and ``fit`` does not
        train it again: it stores a copy and computes the support, so you can
        try several thresholds on one trained network. If False, ``fit``
        trains a clone of ``estimator``.

    Attributes
    ----------
    estimator_ : BIMTRegressor or BIMTClassifier
        The trained network: a fitted clone of ``estimator``, or a deep copy
        of it when ``prefit=True``.

    support_ : ndarray of bool of shape (``n_features_in_``,)
        The selected features, also given by ``get_support()``.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Names of features seen during fit, when X has string column names.

    See Also
    --------
    skbimt.inspection.prune : The network with its inactive weights removed, for example
        ``prune(selector.estimator_, selector.threshold)``.
    skbimt.inspection.active_neuron_masks : Active neurons of every layer.
    sklearn.feature_selection.SelectFromModel : Selection from importance
        weights of any estimator.

    Notes
    -----
    The support is fixed when ``fit`` runs. To change the threshold of a
    fitted selector without training again, fit a new one on its network:
    ``BIMTPruner(selector.estimator_, threshold=0.05, prefit=True).fit(X)``.

    Examples
    --------
    >>> import numpy as np
    >>> from skbimt import BIMTPruner, BIMTRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.uniform(-1, 1, size=(200, 5))
    >>> y = X[:, 0] + X[:, 3] ** 2  # features 1, 2 and 4 are noise
    >>> selector = BIMTPruner(BIMTRegressor(max_iter=2000, random_state=0))
    >>> selector = selector.fit(X, y)
    >>> selector.get_support()  # doctest: +SKIP
    array([ True, False, False,  True, False])
    >>> selector.transform(X).shape == (200, selector.get_support().sum())
    True
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit"])],
        "threshold": [Interval(Real, 0, 1, closed="left")],
        "prefit": ["boolean"],
    }

    def __init__(self, estimator, *, threshold=DEFAULT_THRESHOLD, prefit=False):
        self.estimator = estimator
        self.threshold = threshold
        self.prefit = prefit

    @_fit_context(
        # The sub-estimator validates its own parameters when it is fitted.
        prefer_skip_nested_validation=False
    )
    def fit(self, X, y=None):
        """Train the network (unless prefit) and find the features it uses.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets. Required unless ``prefit=True``, where it is unused.

        Returns
        -------
        self : object
            The fitted selector.
        """
        if not isinstance(self.estimator, BaseBIMT):
            raise TypeError(
                "BIMTPruner reads the connectivity of a BIMT network: estimator "
                "must be a BIMTRegressor or BIMTClassifier, got "
                f"{type(self.estimator).__name__}. Use "
                "sklearn.feature_selection.SelectFromModel for other estimators."
            )
        if self.prefit:
            try:
                check_is_fitted(self.estimator)
            except NotFittedError as exc:
                raise NotFittedError(
                    "With prefit=True, estimator must already be fitted, but this "
                    f"{type(self.estimator).__name__} is not; fit it first, or set "
                    "prefit=False to let BIMTPruner train it."
                ) from exc
            self.estimator_ = copy.deepcopy(self.estimator)
            # X is only checked against the network: same number of features
            # and, when both have them, the same feature names.
            validate_data(self.estimator_, X, reset=False)
            self.n_features_in_ = self.estimator_.n_features_in_
            if hasattr(self.estimator_, "feature_names_in_"):
                self.feature_names_in_ = self.estimator_.feature_names_in_
        else:
            validate_data(self, X, y, dtype=(np.float64, np.float32), multi_output=True)
            # The original X goes to the network, so that it records the
            # feature names for its own labels too.
            self.estimator_ = clone(self.estimator).fit(X, y)
        inputs = active_neuron_masks(self.estimator_.scaled_coefs_, self.threshold)[0]
        # With token input, the input neurons are the embedding dimensions of
        # each token in turn.
        self.support_ = inputs.reshape(self.n_features_in_, -1).any(axis=1)
        if not self.support_.any():
            warnings.warn(
                "No input feature reaches an output through weights above "
                f"threshold={self.threshold} times the largest |w| of their "
                "weight matrix, so every feature is dropped. Lower threshold, "
                "weaken the estimator's lambda_schedule or train it longer.",
                UserWarning,
                stacklevel=2,
            )
        return self

    def _get_support_mask(self):
        check_is_fitted(self)
        return self.support_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # The network is trained on (X, y); only a prefit one does without y.
        tags.target_tags.required = True
        # Selecting columns keeps their dtype, and BIMT trains on both.
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
