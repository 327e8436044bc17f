"""Fit data: checked, held out for early stopping and brought to training units.

:func:`validate_fit_data` turns an estimator's ``X``, ``y`` and
``sample_weight`` into a :class:`FitData`, touching nothing on the
estimator, so that a fit that fails on its data leaves it as it was.
"""

import copy
from dataclasses import dataclass

import numpy as np
from scipy.sparse import issparse
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import _check_sample_weight, validate_data

from ._scaling import Scaling
from ._sparse_input import SPARSE_FORMATS, check_sparse_input

#: The dtypes ``X`` is accepted in; others are converted to float64.
ACCEPTED_DTYPES = (np.float64, np.float32, np.int64, np.int32)
#: Training loss of each output activation (``out_activation_``, named as
#: scikit-learn's MLP names them).
OUTPUT_LOSSES = {
    "identity": "squared_error",
    "softmax": "cross_entropy",
    "logistic": "binary_cross_entropy",
}


def token_ids(X, vocab_size=None):
    """Check that ``X`` holds integer token ids; return them as int64."""
    ids = np.asarray(X)
    if ids.dtype.kind == "f" and not np.array_equal(ids, np.round(ids)):
        raise ValueError(
            "With embedding_dim set, X must hold integer token ids; it contains "
            "non-integer values. Encode tokens as 0, 1, ..., vocab_size - 1."
        )
    if ids.size and ids.min() < 0:
        raise ValueError("Token ids in X must be >= 0; found a negative id.")
    if vocab_size is not None and ids.size and ids.max() >= vocab_size:
        raise ValueError(
            f"X holds token id {int(ids.max())}, but the model was fitted on ids "
            f"0..{vocab_size - 1}; unseen tokens have no embedding."
        )
    return ids.astype(np.int64)


#: Smallest table of unused embedding rows refused as a sign of sparse ids.
SPARSE_VOCABULARY_ROWS = 1000


def _check_dense_token_ids(ids, vocab_size, embedding_dim):
    """Refuse ids so sparse that most of the embedding table would be unused.

    The table has one row per id ``0 .. max id``; ids such as hashes or
    database keys would make it huge (or not fit in memory at all).
    """
    n_used = np.unique(ids).size
    if vocab_size > SPARSE_VOCABULARY_ROWS and vocab_size > 10 * n_used:
        raise ValueError(
            f"X holds token ids up to {vocab_size - 1} but only {n_used} distinct "
            f"ones: the embedding table has a row for every id from 0, so it "
            f"would hold {vocab_size:,} x {embedding_dim} parameters, nearly all "
            "unused. Encode the tokens densely as 0, 1, ..., n_tokens - 1, for "
            "example with sklearn.preprocessing.OrdinalEncoder."
        )


def _check_float32_range(array, name):
    """Refuse values that are finite in float64 but overflow torch's float32."""
    if issparse(array):
        array = array.data
    limit = np.finfo(np.float32).max
    if array.size and np.abs(array).max() > limit:
        raise ValueError(
            f"{name} holds values too large for float32 (|value| > {limit:.3g}), "
            "the precision BIMT trains in; rescale it, for example with "
            "StandardScaler."
        )


def _column_names(y):
    """Names of the target columns: a Series' name, a DataFrame's columns."""
    columns = getattr(y, "columns", None)
    if columns is not None:
        return [str(c) for c in columns]
    name = getattr(y, "name", None)
    if name is not None and getattr(y, "ndim", 0) == 1:
        return [str(name)]
    return None


@dataclass
class FitData:
    """Validated data of one fit, in training units, and what it tells."""

    X: np.ndarray
    target: np.ndarray
    sample_weight: np.ndarray
    validation: tuple
    layer_sizes: list
    n_tokens: int
    vocab_size: int
    input_shape: tuple
    input_scaling: Scaling
    target_scaling: Scaling
    attributes: dict
    loss: str = None


def validate_fit_data(
    estimator,
    X,
    y,
    sample_weight,
    hidden,
    rng,
    classes=None,
    scalings=None,
    hold_out=True,
):
    """Check the data and bring it to training units, touching nothing.

    ``estimator`` gives the parameters and the subclass hooks
    (``_encode_targets``, ``_validated_input_shape``, ``_stratify``) and is
    left as it was.

    ``classes`` fixes a classifier's classes (``partial_fit``);
    ``scalings``, a pair ``(input_scaling, target_scaling)``, replaces
    the standardisation fitted on this data by that of a network being
    trained on (continued training); ``hold_out=False`` holds no rows
    out for early stopping (``partial_fit``).
    """
    # validate_data records n_features_in_ and feature_names_in_ on the
    # estimator it is given: give it a copy, so that a failure below
    # leaves this estimator as it was.
    if issparse(y):
        raise ValueError(
            "y is a sparse matrix; BIMT estimators need a dense target. "
            "Convert it with y.toarray()."
        )
    probe = copy.copy(estimator)
    target_names = _column_names(y)
    check_sparse_input(estimator, X)
    X, y = validate_data(
        probe,
        X,
        y,
        accept_sparse=SPARSE_FORMATS,
        dtype=ACCEPTED_DTYPES,
        multi_output=estimator._multi_output_y,
        y_numeric=estimator._scales_target,
    )
    target, attributes = estimator._encode_targets(y, classes)
    _check_float32_range(target, "y")
    if sample_weight is not None:
        sample_weight = _check_sample_weight(
            sample_weight, X, dtype=np.float64, ensure_non_negative=True
        )
    if estimator._scales_target:
        attributes.update(target_range(target, sample_weight))
    attributes["n_features_in_"] = probe.n_features_in_
    if hasattr(probe, "feature_names_in_"):
        attributes["feature_names_in_"] = probe.feature_names_in_
    if target_names is not None and len(target_names) == target.shape[1]:
        attributes["target_names_"] = np.asarray(target_names, dtype=object)

    n_tokens = vocab_size = None
    if estimator.embedding_dim is None:
        X = X.astype(np.float64)
        _check_float32_range(X, "X")
        n_inputs = X.shape[1]
    else:
        X = token_ids(X)
        vocab_size = int(X.max()) + 1
        _check_dense_token_ids(X, vocab_size, estimator.embedding_dim)
        attributes["vocab_size_"] = vocab_size
        n_tokens = X.shape[1]
        n_inputs = n_tokens * estimator.embedding_dim
    input_shape = estimator._validated_input_shape(X.shape[1])

    validation = None
    if estimator.early_stopping and hold_out:
        X, target, sample_weight, validation = split_validation(
            estimator, X, target, sample_weight, rng, attributes["out_activation_"]
        )
    input_scaling = target_scaling = None
    if scalings is not None:
        input_scaling, target_scaling = scalings
        if input_scaling is not None:
            X = input_scaling.transform(X)
        if target_scaling is not None:
            target = target_scaling.transform(target)
    elif n_tokens is None:
        input_scaling = (
            Scaling.fit(X, sample_weight, per_column=input_shape is None)
            if estimator.standardize
            else Scaling.identity(n_inputs)
        )
        X = input_scaling.transform(X)
    if estimator._scales_target and scalings is None:
        target_scaling = (
            Scaling.fit(target, sample_weight)
            if estimator.standardize
            else Scaling.identity(target.shape[1])
        )
        target = target_scaling.transform(target)
    if validation is not None:
        X_val, target_val, weight_val = validation
        if input_scaling is not None:
            X_val = input_scaling.transform(X_val)
        if target_scaling is not None:
            target_val = target_scaling.transform(target_val)
        validation = (X_val, target_val, weight_val)
    return FitData(
        X=X,
        target=target,
        sample_weight=sample_weight,
        validation=validation,
        layer_sizes=[n_inputs, *hidden, target.shape[1]],
        n_tokens=n_tokens,
        vocab_size=vocab_size,
        input_shape=input_shape,
        input_scaling=input_scaling,
        target_scaling=target_scaling,
        attributes=attributes,
        loss=OUTPUT_LOSSES[attributes["out_activation_"]],
    )


def target_range(target, sample_weight=None):
    """Smallest and largest target per column, over the rows that weigh.

    Rows of zero ``sample_weight`` are as good as absent, so they do not
    widen the range (all rows count when none weighs).

    Returns
    -------
    attributes : dict
        ``y_min_`` and ``y_max_``, float64 arrays of shape (n_columns,).
    """
    rows = target
    if sample_weight is not None and np.any(sample_weight > 0):
        rows = target[sample_weight > 0]
    return {"y_min_": rows.min(axis=0), "y_max_": rows.max(axis=0)}


def split_validation(estimator, X, target, sample_weight, rng, out_activation):
    """Hold out ``estimator.validation_fraction`` of the samples for early stopping."""
    if estimator.tol is None:
        raise ValueError(
            "early_stopping=True needs tol: the held-out rows are checked "
            "for an improvement of at least tol, and tol=None would hold "
            f"out validation_fraction={estimator.validation_fraction} of the "
            "rows without ever checking them. Set tol (1e-4 by default) "
            "or early_stopping=False."
        )
    n_samples = X.shape[0]
    n_validation = int(np.ceil(estimator.validation_fraction * n_samples))
    if n_validation < 2 or n_samples - n_validation < 2:
        raise ValueError(
            f"early_stopping=True holds out validation_fraction="
            f"{estimator.validation_fraction} of the {n_samples} samples, which "
            "leaves too few to train on or to validate with (at least 2 "
            "of each are needed). Use more samples, change "
            "validation_fraction, or set early_stopping=False."
        )
    stratify = estimator._stratify(target, out_activation)
    weights = np.ones(n_samples) if sample_weight is None else sample_weight
    seed = rng.randint(np.iinfo(np.int32).max)
    parts = train_test_split(
        X,
        target,
        weights,
        test_size=n_validation,
        random_state=seed,
        stratify=stratify,
    )
    X, X_val, target, target_val, weights, weights_val = parts
    if sample_weight is None:
        return X, target, None, (X_val, target_val, None)
    return X, target, weights, (X_val, target_val, weights_val)
