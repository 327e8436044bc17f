"""Standardisation of inputs and targets, and its folding into the network.

BIMT's connection cost weighs ``|w|`` against the prediction loss, so without
care the network it finds depends on the units of the data: a column in mm
instead of m needs weights 1000 times smaller, which the cost then barely
charges. The estimators therefore train on standardised inputs (and, for a
regressor, standardised targets) and fold the scales back into the first and
last weight matrices afterwards:

    ((x - m) / s) @ W + b  ==  x @ (W / s[:, None]) + (b - (m / s) @ W)

and ``(h @ W + b) * t + u == h @ (W * t) + (b * t + u)`` for the targets.
``coefs_`` and ``predict`` are then in the user's units while the trained
weights (``scaled_coefs_``), which every interpretation tool reads, are
unit-free.

Sparse input is scaled without centring: subtracting the means would turn
every zero of a one-hot matrix into a non-zero and densify it. Its columns
are divided by their standard deviations (``mean`` is then zero, and the
fold has no shift), which is what ``StandardScaler(with_mean=False)`` does.
"""

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import StandardScaler


@dataclass(frozen=True)
class Scaling:
    """Affine map ``(v - mean) / scale`` applied column by column.

    Attributes
    ----------
    mean : ndarray of shape (n_columns,)
    scale : ndarray of shape (n_columns,)
        Positive; 1 for constant columns.
    """

    mean: np.ndarray
    scale: np.ndarray

    @classmethod
    def fit(cls, values, sample_weight=None, per_column=True):
        """Mean and standard deviation of ``values``.

        Parameters
        ----------
        values : ndarray or sparse matrix of shape (n_samples, n_columns)
            Sparse values get ``mean = 0`` (scaling without centring).
        sample_weight : ndarray of shape (n_samples,), default=None
            Weighted mean and standard deviation when given.
        per_column : bool, default=True
            One mean and scale per column; False pools every column (image
            pixels, which share one unit), repeating the pooled values.

        Returns
        -------
        scaling : Scaling
        """
        n_columns = values.shape[1]
        if sp.issparse(values):
            scaler = StandardScaler(with_mean=False)
            scaler.fit(values, sample_weight=sample_weight)
            return cls(mean=np.zeros(n_columns), scale=np.asarray(scaler.scale_, float))
        pooled = values if per_column else values.reshape(-1, 1)
        weight = sample_weight
        if weight is not None and not per_column:
            weight = np.repeat(weight, n_columns)
        scaler = StandardScaler().fit(pooled, sample_weight=weight)
        mean, scale = scaler.mean_, scaler.scale_
        if not per_column:
            mean, scale = np.repeat(mean, n_columns), np.repeat(scale, n_columns)
        return cls(mean=np.asarray(mean, float), scale=np.asarray(scale, float))

    @classmethod
    def identity(cls, n_columns):
        """The scaling that changes nothing."""
        return cls(mean=np.zeros(n_columns), scale=np.ones(n_columns))

    def transform(self, values):
        """``(values - mean) / scale``, in float64; sparse values stay CSR."""
        if sp.issparse(values):
            if np.any(self.mean):
                raise ValueError("Centring sparse values would densify them.")
            scaled = sp.csr_matrix(values, dtype=np.float64) @ sp.diags(1 / self.scale)
            return scaled.tocsr()
        return (np.asarray(values, dtype=np.float64) - self.mean) / self.scale


def fold(coefs, intercepts, input_scaling=None, target_scaling=None):
    """Weights acting on raw inputs and giving raw targets.

    Parameters
    ----------
    coefs, intercepts : list of ndarray
        The network trained on scaled inputs and targets.
    input_scaling : Scaling or None
        Scaling of the inputs seen in training; None for unscaled (token)
        input.
    target_scaling : Scaling or None
        Scaling of the targets; None for a classifier.

    Returns
    -------
    coefs, intercepts : list of ndarray
        New float64 arrays; the other matrices are copies.
    """
    coefs = [np.array(w, dtype=np.float64) for w in coefs]
    intercepts = [np.array(b, dtype=np.float64) for b in intercepts]
    if input_scaling is not None:
        shift = (input_scaling.mean / input_scaling.scale) @ coefs[0]
        coefs[0] /= input_scaling.scale[:, None]
        intercepts[0] -= shift
    if target_scaling is not None:
        coefs[-1] *= target_scaling.scale[None, :]
        intercepts[-1] = intercepts[-1] * target_scaling.scale + target_scaling.mean
    return coefs, intercepts
