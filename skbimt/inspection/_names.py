"""The fitted network behind an estimator or a pipeline, with its neurons' names.

Every inspection tool that accepts a fitted ``Pipeline`` reads it here: the
network is the pipeline's last step, its inputs are named by the steps before
it (``get_feature_names_out``), and data given to the tool passes through
those steps before it reaches the network.
"""

from dataclasses import dataclass

from sklearn.pipeline import Pipeline

from ._checks import check_fitted_bimt


@dataclass(frozen=True)
class NamedNetwork:
    """A fitted BIMT estimator, the pipeline around it and its neuron labels.

    Attributes
    ----------
    estimator : BIMTRegressor or BIMTClassifier
        The fitted network.
    labels : list of list of str
        Label of every neuron, per neuron layer.
    preprocessing : Pipeline or None
        The fitted steps before the network, None for a bare estimator.
    """

    estimator: object
    labels: list
    preprocessing: object = None

    def transform(self, X):
        """``X`` as the network sees it: through the steps before it."""
        return X if self.preprocessing is None else self.preprocessing.transform(X)


def _pipeline_feature_names(preprocessing):
    """Names of the features leaving ``preprocessing``, None if it has none."""
    try:
        return preprocessing.get_feature_names_out()
    except (AttributeError, TypeError, ValueError):
        # A step without get_feature_names_out (FunctionTransformer without
        # feature_names_out, a custom transformer): fall back to the network's.
        return None


def named_network(estimator, caller, *, feature_names=None, target_names=None):
    """Resolve a fitted BIMT estimator or a Pipeline ending in one.

    Parameters
    ----------
    estimator : BIMTRegressor, BIMTClassifier or Pipeline
        Fitted; a pipeline's last step must be a fitted BIMT estimator.
    caller : str
        Name of the public function asking, for the error messages.
    feature_names, target_names : array-like of str, default=None
        Names that override those read from the data, see
        ``BaseBIMT.neuron_labels``.

    Returns
    -------
    network : NamedNetwork
    """
    preprocessing = None
    if isinstance(estimator, Pipeline):
        network = estimator.steps[-1][1]
        if len(estimator.steps) > 1:
            preprocessing = estimator[:-1]
    else:
        network = estimator
    check_fitted_bimt(network, caller)
    if (
        feature_names is None
        and preprocessing is not None
        and getattr(network, "feature_names_in_", None) is None
    ):
        names = _pipeline_feature_names(preprocessing)
        if names is not None and len(names) == network.n_features_in_:
            feature_names = names
    labels = network.neuron_labels(
        feature_names=feature_names, target_names=target_names
    )
    return NamedNetwork(network, labels, preprocessing)
