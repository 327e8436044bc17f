"""The prediction path of the fitted estimators: the network output of ``X``.

The output comes in float32 for float32 ``X`` and in float64 otherwise, as
scikit-learn's MLP predicts in the precision of its input: a user who keeps
a large table in float32 to halve its memory gets float32 predictions, not a
float64 copy of every hidden layer.
"""

import numpy as np

from ._engine.network import forward


def prediction_dtype(X):
    """The precision predictions of ``X`` are computed and returned in."""
    return np.float32 if getattr(X, "dtype", None) == np.float32 else np.float64


def network_output(estimator, X):
    """Output of the fitted network of ``estimator`` for validated ``X``.

    Parameters
    ----------
    estimator : BIMTRegressor or BIMTClassifier
        Fitted.
    X : ndarray of shape (n_samples, n_features)
        Validated features, or integer token ids with token input.

    Returns
    -------
    output : ndarray of shape (n_samples, n_outputs)
        The regression prediction or the class logits, in float32 for
        float32 ``X`` (float64 for token ids).
    """
    embedding = getattr(estimator, "embedding_", None)
    dtype = np.float64 if embedding is not None else prediction_dtype(X)
    coefs = [w.astype(dtype, copy=False) for w in estimator.coefs_]
    intercepts = [b.astype(dtype, copy=False) for b in estimator.intercepts_]
    if embedding is None:
        X = X.astype(dtype, copy=False)
    return forward(coefs, intercepts, estimator.activation, X, embedding)
