"""The prediction path of the fitted estimators: the network output of ``X``.

The output comes in float32 for float32 ``X`` and in float64 otherwise, as
scikit-learn's MLP predicts in the precision of its input: a user who keeps
a large table in float32 to halve its memory gets float32 predictions, not a
float64 copy of every hidden layer. Large dense inputs go through torch in
blocks of rows, small ones through numpy (less overhead per call).
"""

from contextlib import contextmanager

import numpy as np
import torch
from scipy.sparse import issparse

from ._engine.network import forward, forward_in_blocks

#: From this many rows on, dense input is predicted in torch, in blocks
#: (:func:`~skbimt._engine.network.forward_in_blocks`); below it numpy's
#: few matrix products have less overhead per call (one row: ~50 us).
BLOCKED_FROM_ROWS = 4096


@contextmanager
def torch_thread_count(n_threads):
    """Torch's thread count set to ``n_threads`` (None: as it is), then restored.

    Only torch's: limiting BLAS threads too (threadpoolctl, as fit does)
    costs about 10 ms a call, which partial-dependence plots, calling
    predict thousands of times, would pay each time.
    """
    previous = torch.get_num_threads()
    if n_threads is not None:
        torch.set_num_threads(n_threads)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


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
        if not issparse(X) and X.shape[0] >= BLOCKED_FROM_ROWS:
            with torch_thread_count(estimator.n_threads):
                return forward_in_blocks(coefs, intercepts, estimator.activation, X)
    return forward(coefs, intercepts, estimator.activation, X, embedding)
