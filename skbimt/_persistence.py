"""Saving and loading fitted estimators without executing code from the file.

Pickle (and ``joblib.dump``) works on BIMT estimators, but unpickling a file
runs whatever code it names. :func:`save` writes hyperparameters as JSON and
every fitted array as a tensor into one ``torch.save`` file; :func:`load`
reads it back with ``torch.load(weights_only=True)``, which refuses anything
but tensors and plain containers, and rebuilds the estimator from a fixed
list of classes.
"""

import json

import numpy as np
import torch

from ._estimators import BIMTClassifier, BIMTRegressor
from ._geometry import Geometry

FORMAT = "skbimt-safe-1"
_CLASSES = {cls.__name__: cls for cls in (BIMTRegressor, BIMTClassifier)}
_ARRAY_LISTS = ("coefs_", "intercepts_")
_ARRAYS = ("loss_curve_", "connection_cost_curve_", "swap_counts_", "embedding_")
_SCALARS = ("n_iter_", "n_layers_", "n_outputs_", "n_features_in_", "vocab_size_")


def save(estimator, path):
    """Save a fitted BIMT estimator in the safe format.

    Parameters
    ----------
    estimator : BIMTRegressor or BIMTClassifier
        Fitted. Its hyperparameters must be JSON values: a callable
        ``lambda_schedule`` cannot be saved this way (use pickle, or a
        sequence of phases).
    path : str or path-like
        File to write.

    Raises
    ------
    TypeError
        For another kind of estimator, or hyperparameters JSON cannot hold.
    """
    from sklearn.utils.validation import check_is_fitted

    name = type(estimator).__name__
    if name not in _CLASSES or type(estimator) is not _CLASSES[name]:
        raise TypeError(f"save() handles BIMTRegressor and BIMTClassifier, not {name}.")
    check_is_fitted(estimator)
    params = estimator.get_params()
    if params["device"] is not None:
        params["device"] = str(params["device"])
    try:
        params_json = json.dumps(params)
    except TypeError as exc:
        raise TypeError(
            f"A hyperparameter of {name} is not a JSON value ({exc}); a callable "
            "lambda_schedule cannot be saved safely. Pickle the estimator "
            "instead, or use a sequence of (lambda, fraction) phases."
        ) from exc

    tensors = {
        key: [
            torch.from_numpy(np.ascontiguousarray(a)) for a in getattr(estimator, key)
        ]
        for key in _ARRAY_LISTS
    }
    for key in _ARRAYS:
        if hasattr(estimator, key):
            tensors[key] = torch.from_numpy(
                np.ascontiguousarray(getattr(estimator, key))
            )
    tensors["assignments"] = [
        torch.from_numpy(a.astype(np.int64)) for a in estimator.geometry_.get_state()
    ]
    metadata = {
        key: int(getattr(estimator, key)) for key in _SCALARS if hasattr(estimator, key)
    }
    if hasattr(estimator, "feature_names_in_"):
        metadata["feature_names_in_"] = [str(n) for n in estimator.feature_names_in_]
    if hasattr(estimator, "classes_"):
        metadata["classes_"] = estimator.classes_.tolist()
        metadata["classes_dtype"] = estimator.classes_.dtype.str
    if hasattr(estimator, "_y_is_1d"):
        metadata["y_is_1d"] = bool(estimator._y_is_1d)
    torch.save(
        {
            "format": FORMAT,
            "class": name,
            "params": params_json,
            "metadata": json.dumps(metadata),
            "tensors": tensors,
        },
        path,
    )


def load(path):
    """Load an estimator written by :func:`save`, executing nothing from the file.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    estimator : BIMTRegressor or BIMTClassifier
        Fitted, predicting exactly as the saved one.

    Raises
    ------
    ValueError
        If the file is not in the safe format, or was tampered with.
    """
    try:
        content = torch.load(path, weights_only=True, map_location="cpu")
    except Exception as exc:  # torch raises UnpicklingError and friends
        raise ValueError(
            f"{path} is not a safe skbimt file, or it holds objects other than "
            f"tensors and plain values; refusing to load it ({exc})."
        ) from exc
    if not isinstance(content, dict) or content.get("format") != FORMAT:
        raise ValueError(f"{path} is not a file written by skbimt.save.")
    if content.get("class") not in _CLASSES:
        raise ValueError(f"{path} names an unknown estimator {content.get('class')!r}.")
    estimator = _CLASSES[content["class"]](**json.loads(content["params"]))
    metadata = json.loads(content["metadata"])
    tensors = content["tensors"]

    for key in _SCALARS:
        if key in metadata:
            setattr(estimator, key, metadata[key])
    if "feature_names_in_" in metadata:
        estimator.feature_names_in_ = np.asarray(
            metadata["feature_names_in_"], dtype=object
        )
    if "classes_" in metadata:
        estimator.classes_ = np.asarray(
            metadata["classes_"], dtype=np.dtype(metadata["classes_dtype"])
        )
    if "y_is_1d" in metadata:
        estimator._y_is_1d = metadata["y_is_1d"]
    for key in _ARRAYS:
        if key in tensors:
            setattr(estimator, key, tensors[key].numpy())
    estimator._set_parameters(
        [t.numpy() for t in tensors["coefs_"]],
        [t.numpy() for t in tensors["intercepts_"]],
        tensors["embedding_"].numpy() if "embedding_" in tensors else None,
    )
    estimator.geometry_ = _rebuild_geometry(estimator)
    estimator.geometry_.set_state([t.numpy() for t in tensors["assignments"]])
    from ._base import _neuron_layer_positions
    from ._network import FlatLayout

    layout = FlatLayout(
        [estimator.coefs_[0].shape[0]] + [w.shape[1] for w in estimator.coefs_],
        n_tokens=estimator.n_features_in_ if estimator.embedding_dim else None,
        vocab_size=getattr(estimator, "vocab_size_", None),
    )
    estimator.coords_ = _neuron_layer_positions(estimator.geometry_, layout)
    return estimator


def _rebuild_geometry(estimator):
    sizes = [estimator.coefs_[0].shape[0]] + [w.shape[1] for w in estimator.coefs_]
    geometry = Geometry.stacked(
        sizes,
        estimator.A,
        estimator.y_star,
        norm=estimator.distance,
        input_shape=estimator.input_shape,
        n_tokens=estimator.n_features_in_ if estimator.embedding_dim else None,
    )
    if estimator.input_shape is not None:
        geometry.layers[0].swappable = False
    return geometry
